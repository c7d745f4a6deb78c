"""Per-unit intensity and its year-on-year change (issue 16 item 3; ISO 50006; decision 0070).

Hand calculations (the report's Shenzhen targets, lines 2055–2056, and Wuhan, line 2031):

- notebook: FY2023 200 000 kWh / 100 000 units = 2.0 kWh/unit; FY2024 228 000 / 120 000
  = 1.9 kWh/unit → Δ = 1.9 / 2.0 − 1 = −5 %.
- server: 10.0 → 9.3 kWh/unit → −7 %; Wuhan 5.0 → 4.2 → −16 %.
- allocation key (no line meters): E = 1 000 kWh; notebook 100 units × 0.5 h = 50, server
  10 units × 5 h = 50 → 500 kWh each; by units only (100 : 10) → 909.09 and 90.91 kWh.
"""

from __future__ import annotations

import pytest

from lingtan.modules.energy.errors import EnergyError
from lingtan.modules.energy.intensity import (
    Intensity,
    allocate_by_key,
    change,
    intensity_series,
    per_unit,
)


def test_per_unit_and_change() -> None:
    assert per_unit(200_000, 100_000) == pytest.approx(2.0)
    assert per_unit(10, 0) is None
    assert change(1.9, 2.0) == pytest.approx(-0.05)
    assert change(4.2, 5.0) == pytest.approx(-0.16)
    assert change(None, 2.0) is None
    assert change(1.0, 0.0) is None
    with pytest.raises(EnergyError):
        per_unit(-1, 10)


def test_series_gives_the_report_changes() -> None:
    rows = [
        ("SZ", "notebook", 2023, 200_000.0, 100_000.0),
        ("SZ", "notebook", 2024, 228_000.0, 120_000.0),
        ("SZ", "server", 2023, 100_000.0, 10_000.0),
        ("SZ", "server", 2024, 60_000.0, 6_000.0),  # two rows for one key are summed:
        ("SZ", "server", 2024, 33_000.0, 4_000.0),  # 93 000 / 10 000 = 9.3
        ("WH", "desktop", 2023, 50_000.0, 10_000.0),
        ("WH", "desktop", 2025, 42_000.0, 10_000.0),  # no 2024: no change
    ]
    out = {(i.site, i.product_type, i.year): i for i in intensity_series(rows)}
    assert out[("SZ", "notebook", 2024)].kwh_per_unit == pytest.approx(1.9)
    assert out[("SZ", "notebook", 2024)].change_vs_previous == pytest.approx(-0.05)
    assert out[("SZ", "notebook", 2023)].change_vs_previous is None
    assert out[("SZ", "server", 2024)].kwh_per_unit == pytest.approx(9.3)
    assert out[("SZ", "server", 2024)].change_vs_previous == pytest.approx(-0.07)
    assert out[("WH", "desktop", 2025)].change_vs_previous is None
    assert isinstance(out[("WH", "desktop", 2025)], Intensity)
    assert out[("SZ", "server", 2024)].to_dict()["method"] == "line_meters"
    wuhan = intensity_series(
        [("WH", "notebook", 2023, 5.0, 1.0), ("WH", "notebook", 2024, 4.2, 1.0)],
        method="allocation_key",
    )
    assert wuhan[1].change_vs_previous == pytest.approx(-0.16)
    with pytest.raises(EnergyError):
        intensity_series([], method="guess")


def test_allocation_by_units_times_standard_hours() -> None:
    units = {"notebook": 100.0, "server": 10.0}
    by_hours = allocate_by_key(1000.0, units, {"notebook": 0.5, "server": 5.0})
    assert by_hours == pytest.approx({"notebook": 500.0, "server": 500.0})
    by_units = allocate_by_key(1000.0, units)
    assert by_units == pytest.approx({"notebook": 1000 * 100 / 110, "server": 1000 * 10 / 110})
    assert sum(by_units.values()) == pytest.approx(1000.0)
    assert allocate_by_key(1000.0, units, {"notebook": None}) == pytest.approx(by_units)
    assert allocate_by_key(1000.0, {"notebook": 0.0}) == {"notebook": 0.0}
    with pytest.raises(EnergyError):
        allocate_by_key(1000.0, {"notebook": -1.0})
