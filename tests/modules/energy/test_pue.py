"""PUE (ISO/IEC 30134-2) (issue 16 item 3; decision 0070).

Hand calculations: facility 1 100 000 kWh / IT 1 000 000 kWh = 1.10 — the report's "PUE as low
as 1.1" (line 437); monthly 110/100 = 1.1, 130/100 = 1.3, IT 0 → NaN.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lingtan.modules.energy.errors import EnergyError
from lingtan.modules.energy.pue import REPORT_TARGET, gb40879_grade, pue, pue_series


def test_report_pue() -> None:
    assert pue(1_100_000, 1_000_000) == pytest.approx(1.1)
    assert pue(1_100_000, 1_000_000) == pytest.approx(REPORT_TARGET)


def test_pue_refuses_impossible_meters() -> None:
    with pytest.raises(EnergyError) as e:
        pue(900, 1000)
    assert e.value.message.key == "energy.err.pue_below_one"
    with pytest.raises(EnergyError) as e:
        pue(100, 0)
    assert e.value.field == "it_kwh"
    with pytest.raises(EnergyError):
        pue(math.inf, 1)


def test_monthly_series_and_grade() -> None:
    s = pue_series([110.0, 130.0, 50.0], [100.0, 100.0, 0.0])
    np.testing.assert_allclose(s[:2], [1.1, 1.3])
    assert np.isnan(s[2])
    with pytest.raises(EnergyError):
        pue_series([1.0], [1.0, 2.0])
    assert gb40879_grade(1.1) == 1
    assert gb40879_grade(1.25) == 2
    assert gb40879_grade(1.5) == 3
    assert gb40879_grade(1.6) is None
