import numpy as np

from tests.contract.contract import ContractCase
from tests.contract.timeseries_plugin import TimeWindows

SERIES = np.sin(np.linspace(0, 6, 60)) + np.linspace(0, 1, 60)

CASES = [ContractCase("timeseries", lambda: TimeWindows(SERIES, 6), SERIES[None, :])]
