"""PV and storage indicators (issue 16 item 3; IEC 61724-1; decision 0070).

Hand calculations:

- the report's Hefei PV (lines 1942–1946): 10.12 MW = 10 120 kWp, ≥ 9.5 GWh a year →
  9 500 000 / 10 120 = 938.74 kWh/kWp ≈ 940; phase 3: 2.8 GWh / 3 000 kWp = 933.3 kWh/kWp.
- self-consumption: G = 1 000, X = 150 → (1 000 − 150) / 1 000 = 85 %.
- storage (1 000 kWh usable): charge 365 000 kWh, discharge 328 500 kWh in a year → 365 cycles,
  RTE 328 500 / 365 000 = 90 %, losses 36 500 kWh; cost saving at peak 1.2 and valley 0.3
  ¥/kWh: 328 500 × 0.9 − 36 500 × 0.3 = 295 650 − 10 950 = 284 700 ¥; emissions of the losses at
  0.5366 kg/kWh: 36 500 × 0.5366 = 19 585.9 kg.
- peak shaving: import 300, 800, 500 kW with discharge 0, 200, 0 and charge 100, 0, 0 →
  without storage 200, 1 000, 500 kW; peaks 1 000 → 800: 200 kW = 20 %.
- 15-minute energy 25 kWh = 25 × 60 / 15 = 100 kW; degradation 0.5 %/a over 2 years:
  1 000 × 0.995² = 990.025 kWp.
"""

from __future__ import annotations

import numpy as np
import pytest

from lingtan.modules.energy.errors import EnergyError
from lingtan.modules.energy.pv_storage import (
    degraded_kwp,
    interval_kw,
    load_without_storage,
    peak_shaving,
    pv_yield,
    round_trip_efficiency,
    self_consumption,
    storage_cost_saving,
    storage_cycles,
    storage_emissions,
    storage_losses,
)


def test_report_hefei_pv_yield() -> None:
    y = pv_yield(9.5e6, 10_120)
    assert y == pytest.approx(938.74, abs=0.01)
    assert round(y, -1) == 940
    assert pv_yield(np.array([1.4e6, 1.4e6]), 3_000) == pytest.approx(933.33, abs=0.01)
    with pytest.raises(EnergyError) as e:
        pv_yield(1.0, 0)
    assert e.value.message.key == "energy.err.not_positive"


def test_self_consumption() -> None:
    assert self_consumption(1000, 150) == pytest.approx(0.85)
    assert self_consumption([500, 500], [100, 50]) == pytest.approx(0.85)
    assert self_consumption(0, 0) is None
    with pytest.raises(EnergyError) as e:
        self_consumption(100, 101)
    assert e.value.message.key == "energy.err.export_above_generation"


def test_storage_figures() -> None:
    assert storage_cycles(365_000, 1_000) == pytest.approx(365.0)
    assert round_trip_efficiency(365_000, 328_500) == pytest.approx(0.9)
    assert round_trip_efficiency(0, 0) is None
    losses = storage_losses(365_000, 328_500)
    assert losses == pytest.approx(36_500.0)
    assert storage_cost_saving(328_500, losses, 1.2, 0.3) == pytest.approx(284_700.0)
    assert storage_emissions(losses, 0.5366) == pytest.approx(19_585.9)
    with pytest.raises(EnergyError):
        storage_cycles([-1.0], 10)


def test_peak_shaving() -> None:
    before = load_without_storage([300, 800, 500], [0, 200, 0], [100, 0, 0])
    np.testing.assert_allclose(before, [200, 1000, 500])
    p = peak_shaving(before, [300, 800, 500])
    assert (p.peak_before_kw, p.peak_after_kw, p.reduction_kw) == (1000.0, 800.0, 200.0)
    assert p.reduction_share == pytest.approx(0.2)
    assert p.to_dict()["reduction_kw"] == 200.0
    assert peak_shaving([], []).reduction_share is None
    with pytest.raises(EnergyError):
        peak_shaving([1.0], [1.0, 2.0])
    with pytest.raises(EnergyError):
        load_without_storage([1.0], [1.0, 2.0], [0.0])


def test_interval_power_and_degradation() -> None:
    np.testing.assert_allclose(interval_kw([25.0, 10.0], 15), [100.0, 40.0])
    assert degraded_kwp(1000, 0.5, 2) == pytest.approx(990.025)
    with pytest.raises(EnergyError):
        degraded_kwp(1000, 100, 1)
