"""Run every contract check on every registered representation (``cases_*.py``)."""
import importlib
import pathlib

import pytest

from tests.contract.contract import CHECKS

CASES = []
for path in sorted(pathlib.Path(__file__).parent.glob("cases_*.py")):
    CASES.extend(importlib.import_module(f"tests.contract.{path.stem}").CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("check", CHECKS, ids=[c.__name__ for c in CHECKS])
def test_contract(case, check):
    check(case)
