"""Contract cases of lime_tabular: discretized, undiscretized, categorical, pandas (with NaN)."""
import numpy as np
import pandas as pd

from lime_tabular import LimeTabularExplainer
from tests.contract.contract import ContractCase

_rng = np.random.default_rng(0)
NUMERIC = _rng.normal(size=(120, 4))
CATEGORICAL = np.column_stack([_rng.normal(size=120), _rng.integers(0, 3, 120), _rng.integers(5, 8, 120)]).astype(float)
GAPS = NUMERIC.copy()
GAPS[_rng.random(GAPS.shape) < 0.15] = np.nan  # missing values of undiscretized columns: drawn at their rate
FRAME = pd.DataFrame({
    "age": _rng.integers(18, 80, 120),
    "income": np.where(_rng.random(120) < 0.2, np.nan, _rng.normal(50, 10, 120)),
    "colour": pd.Series(_rng.choice(["red", "green", "blue"], 120), dtype=object),
    "size": pd.Categorical(_rng.choice(["S", "M", "L"], 120), categories=["S", "M", "L"]),
})


def _representation(data, row, **params):
    def make():
        return LimeTabularExplainer(data, random_state=0, **params).representation(row)
    return make


CASES = [
    ContractCase("tabular-discretized", _representation(NUMERIC, NUMERIC[3]), NUMERIC[3][None, :]),
    ContractCase("tabular-continuous", _representation(NUMERIC, NUMERIC[3], discretize_continuous=False),
                 NUMERIC[3][None, :]),
    ContractCase("tabular-continuous-missing", _representation(GAPS, GAPS[3], discretize_continuous=False),
                 GAPS[3][None, :]),
    ContractCase("tabular-categorical", _representation(CATEGORICAL, CATEGORICAL[5], categorical_features=[1, 2],
                                                        discretize_continuous=False),
                 CATEGORICAL[5][None, :]),
    ContractCase("tabular-pandas", _representation(FRAME, FRAME.iloc[np.flatnonzero(FRAME.income.isna())[0]]),
                 FRAME.iloc[[int(np.flatnonzero(FRAME.income.isna())[0])]].reset_index(drop=True)),
]
