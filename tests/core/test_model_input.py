"""Joined model inputs: a neighbourhood and its hold-out rows scored in one black-box call."""
import numpy as np

from lime_core import Neighborhood, explain
from lime_core._fidelity import drop_first_row
from lime_core._model_input import RowOffset, joined_model_input
from tests.core.toys import Masks, linear_model


class Rows:
    """A plugin's model-input callable that can build a batch spanning several of its kind."""

    joins = 0

    def __init__(self, values, declines=False):
        self.values = values
        self.declines = declines

    def __call__(self, start, stop):
        return self.values[start:stop].copy()

    @staticmethod
    def join(parts):
        if any(rows.declines for rows, _, _ in parts):
            return None
        Rows.joins += 1
        return lambda start, stop: np.concatenate([rows.values[lo:hi] for rows, lo, hi in parts])[start:stop]


def test_a_plugin_join_builds_the_spanning_batch_and_may_decline():
    a, b = Rows(np.arange(5.0)), Rows(np.arange(100.0, 106.0))
    held = RowOffset(b, 1)  # a hold-out sample without its row 0
    Rows.joins = 0
    joined = joined_model_input([(a, 0, 5), (held, 0, 3)])
    assert Rows.joins == 1
    np.testing.assert_array_equal(joined(3, 8), [3.0, 4.0, 101.0, 102.0, 103.0])
    generic = joined_model_input([(a, 0, 5), (Rows(np.arange(100.0, 106.0), declines=True), 1, 4)])
    np.testing.assert_array_equal(generic(3, 8), [3.0, 4.0, 101.0, 102.0, 103.0])
    assert Rows.joins == 1


def test_row_offsets_nest_and_hold_out_rows_skip_the_instance():
    inner = RowOffset(lambda a, b: list(range(a, b)), 2)
    assert RowOffset(inner, 3)(0, 2) == [5, 6]
    hood = Neighborhood(np.eye(3), np.zeros(3), Rows(np.array([10.0, 11.0, 12.0])))
    assert drop_first_row(hood).model_input(0, 2).tolist() == [11.0, 12.0]


def test_hold_out_rows_share_the_black_box_calls_and_leave_the_fit_unchanged():
    calls = []

    def model(X):
        calls.append(len(X))
        return linear_model([1.0, -2.0, 0.5, 0.0, 0.0])(X)

    X = np.ones(5)
    exp = explain(Masks(X), model, mode="regression", num_samples=300, holdout_samples=40, random_state=4)
    assert calls == [340] and exp.cost["holdout_calls"] == 0 and exp.cost["holdout_rows"] == 40
    calls.clear()
    alone = explain(Masks(X), model, mode="regression", num_samples=300, holdout_samples=0, random_state=4)
    assert calls == [300]
    assert alone.local_exp == exp.local_exp  # the hold-out rows come from their own sub-stream


def test_ranges_of_one_callable_that_follow_each_other_are_one_range():
    rows = Rows(np.arange(10.0))
    assert joined_model_input([(rows, 0, 6), (RowOffset(rows, 6), 0, 4)]) is rows  # the whole callable
    tail = joined_model_input([(RowOffset(rows, 2), 0, 3), (rows, 5, 9)])
    assert isinstance(tail, RowOffset) and tail.offset == 2
    np.testing.assert_array_equal(tail(0, 7), np.arange(2.0, 9.0))
    gap = joined_model_input([(rows, 0, 3), (rows, 4, 6)])  # not contiguous: two ranges
    np.testing.assert_array_equal(gap(0, 5), [0.0, 1.0, 2.0, 4.0, 5.0])


class NestedMasks(Masks):
    """Masks whose rows are drawn one at a time from the generator: sample(n + m) begins with sample(n)."""

    nested_samples = True

    def sample(self, num_samples, rng):
        z = np.array([rng.integers(0, 2, size=len(self.x)) for _ in range(num_samples)], dtype=np.int8)
        z[0] = 1
        distances = np.sqrt((1 - z).sum(axis=1) / len(self.x))
        return Neighborhood(z, distances, lambda a, b: self.to_model_input(z[a:b]))


def test_nested_samples_draw_the_hold_out_rows_with_the_neighbourhood():
    batches = []

    def model(X):
        batches.append(np.array(X))
        return linear_model([1.0, -2.0, 0.5, 0.0, 0.0])(X)

    x = np.ones(5)
    exp = explain(NestedMasks(x), model, mode="regression", num_samples=300, holdout_samples=40, random_state=4)
    assert [len(b) for b in batches] == [340] and exp.cost["holdout_rows"] == 40
    # one draw of 340 rows: the hold-out rows are its last 40, the fit's its first 300
    every = NestedMasks(x).sample(340, np.random.default_rng(4))
    np.testing.assert_array_equal(batches[0], every.model_input(0, 340))
    batches.clear()
    alone = explain(NestedMasks(x), model, mode="regression", num_samples=300, holdout_samples=0, random_state=4)
    assert [len(b) for b in batches] == [300]
    assert alone.local_exp == exp.local_exp and alone.score == exp.score  # the fit is the same


def test_a_batch_is_let_go_before_the_next_one_is_built():
    # memory of the model inputs is one batch, not two: the loop drops its reference first
    import weakref
    from lime_core._black_box import call_black_box
    alive_when_built = []
    previous: list[weakref.ref] = []

    def model_input(start, stop):
        alive_when_built.append(bool(previous) and previous[-1]() is not None)
        return np.arange(start, stop, dtype=float)[:, None] * np.ones((1, 3))

    def predict(batch):
        previous.append(weakref.ref(batch))
        return batch.sum(axis=1)

    hood = Neighborhood(np.ones((10, 1)), np.zeros(10), model_input)
    result = call_black_box(predict, hood, batch_size=3)
    assert result.calls == 4 and result.scores[:, 0].tolist() == [3.0 * i for i in range(10)]
    assert alive_when_built == [False, False, False, False]
