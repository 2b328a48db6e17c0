"""The contract every Representation must meet, as reusable checks.

A plugin adds a module ``tests/contract/cases_<name>.py`` that defines
``CASES``: a list of :class:`ContractCase`. ``test_contract.py`` runs every
check below on every case.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lime_core import Neighborhood
from lime_core._model_input import concat_batches, take_rows


def default_equal(a: Any, b: Any) -> bool:
    """Equality for arrays, lists of strings and DataFrames alike."""
    if hasattr(a, "equals") and hasattr(b, "equals"):
        return bool(a.equals(b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(default_equal(x, y) for x, y in zip(a, b))
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


default_concat = concat_batches
default_rows = take_rows


@dataclass
class ContractCase:
    """One representation under test.

    Parameters
    ----------
    name : str
    make : callable () -> Representation
        Builds a fresh representation of ``instance``.
    instance : object
        The instance ``x`` as the black box takes one row of it (a batch of one).
    equal, concat, rows : callables
        How to compare, join and slice model inputs of this modality.
    """

    name: str
    make: Callable[[], Any]
    instance: Any
    equal: Callable[[Any, Any], bool] = default_equal
    concat: Callable[[list[Any]], Any] = default_concat
    rows: Callable[[Any, int, int], Any] = default_rows
    num_samples: int = 64
    extra: dict = field(default_factory=dict)


def sample(case: ContractCase, seed: int, representation: Any = None) -> Neighborhood:
    representation = representation if representation is not None else case.make()
    return representation.sample(case.num_samples, np.random.default_rng(seed))


def check_feature_names(case: ContractCase) -> None:
    names = list(case.make().feature_names)
    assert names, "a representation needs at least one interpretable feature"
    assert all(isinstance(n, str) for n in names)


def check_shapes(case: ContractCase) -> None:
    representation = case.make()
    hood = sample(case, 0, representation)
    d = len(representation.feature_names)
    assert isinstance(hood, Neighborhood)
    assert hood.interpretable.shape == (case.num_samples, d)
    assert np.shape(hood.distances) == (case.num_samples,)
    assert np.all(np.isfinite(hood.distances)) and np.all(np.asarray(hood.distances) >= 0)
    batch = hood.model_input(0, case.num_samples)
    assert len(batch) == case.num_samples


def check_row_zero_is_instance(case: ContractCase) -> None:
    a, b = sample(case, 0), sample(case, 1)
    np.testing.assert_array_equal(a.interpretable[0], b.interpretable[0])
    assert abs(float(a.distances[0])) < 1e-9
    assert case.equal(a.model_input(0, 1), case.instance), "row 0 must map back to the instance itself"


def check_to_model_input_maps_instance_back(case: ContractCase) -> None:
    representation = case.make()
    hood = sample(case, 0, representation)
    mapped = representation.to_model_input(hood.interpretable[:1], np.random.default_rng(0))
    assert case.equal(mapped, case.instance)
    some = representation.to_model_input(hood.interpretable[:5], np.random.default_rng(0))
    assert len(some) == 5


def check_same_seed_same_samples(case: ContractCase) -> None:
    a, b = sample(case, 7), sample(case, 7)
    np.testing.assert_array_equal(a.interpretable, b.interpretable)
    np.testing.assert_array_equal(a.distances, b.distances)
    n = case.num_samples
    assert case.equal(a.model_input(0, n), b.model_input(0, n))
    c = sample(case, 8)
    assert not np.array_equal(a.interpretable, c.interpretable), "another seed must give other samples"


def check_batches_do_not_change_rows(case: ContractCase) -> None:
    hood = sample(case, 3)
    n = case.num_samples
    whole = hood.model_input(0, n)
    for size in (1, 5, n):
        assert case.equal(case.concat(list(hood.batches(size))), whole)
    assert case.equal(hood.model_input(10, 20), case.rows(whole, 10, 20))


def check_no_hidden_state(case: ContractCase) -> None:
    representation = case.make()
    first = sample(case, 0, representation)
    sample(case, 1, representation)
    first.model_input(0, case.num_samples)
    again = sample(case, 0, representation)
    np.testing.assert_array_equal(first.interpretable, again.interpretable)
    np.testing.assert_array_equal(first.distances, again.distances)
    n = case.num_samples
    assert case.equal(first.model_input(0, n), again.model_input(0, n))


def check_nested_samples(case: ContractCase) -> None:
    """A representation that says its samples are nested draws the same first rows whatever their number."""
    representation = case.make()
    if not getattr(representation, "nested_samples", False):
        return
    n = case.num_samples
    small = representation.sample(n, np.random.default_rng(11))
    large = representation.sample(3 * n + 1, np.random.default_rng(11))
    np.testing.assert_array_equal(large.interpretable[:n], small.interpretable)
    np.testing.assert_array_equal(large.distances[:n], small.distances)
    assert case.equal(large.model_input(0, n), small.model_input(0, n))
    assert not np.array_equal(large.interpretable[n:2 * n], small.interpretable), "the next rows are new ones"


CHECKS = [check_feature_names, check_shapes, check_row_zero_is_instance,
          check_to_model_input_maps_instance_back, check_same_seed_same_samples,
          check_batches_do_not_change_rows, check_no_hidden_state, check_nested_samples]
