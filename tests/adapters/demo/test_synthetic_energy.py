"""The energy demo generator (``adapters.demo.synthetic_energy``, issue 16 item 8, decision 0079):
reproducible by seed, consistent with the workspace's invoices (the rollup reconciles instead of
double counting), and the report's figures computed back from the generated data — never typed.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from lingtan.adapters.demo import synthetic_energy as se

FY22, FY23 = se.FISCAL_YEARS


@pytest.fixture(scope="module")
def demo() -> se.EnergyDemo:
    return se.energy_demo()


@pytest.fixture(scope="module")
def sums(demo: se.EnergyDemo) -> dict[str, dict[tuple[str, date], float]]:
    """fiscal year → (meter, local month) → Σ readings."""
    return {y: {(m, mo): v for m, mo, v in se.iter_month_sums(demo, y)} for y in demo.readings}


def _year_total(sums: dict[tuple[str, date], float], meter: str) -> float:
    return sum(v for (m, _), v in sums.items() if m == meter)


def test_same_seed_same_readings_other_seed_others() -> None:
    a, b = se.energy_demo(small=True), se.energy_demo(small=True)
    for y in se.FISCAL_YEARS:
        assert a.readings[y].equals(b.readings[y])
    assert a.production == b.production
    c = se.energy_demo(7, small=True)
    assert not c.readings[FY23].equals(a.readings[FY23])


def test_a_subset_of_years_keeps_the_same_numbers() -> None:
    both = se.energy_demo(small=True)
    one = se.energy_demo(small=True, years=[FY23])
    assert list(one.readings) == [FY23]
    assert one.readings[FY23].equals(both.readings[FY23])


def test_size_fits_the_demo_and_ci(demo: se.EnergyDemo) -> None:
    # 25 meters; 20 at 15 min (35 040 intervals a 365-day year), 5 gas meters hourly (8 760),
    # PV of Shenzhen only from June 2023: about 1.4 M readings, far under "a few million"
    assert len(demo.meters) == 25
    assert 1_300_000 < demo.reading_count < 1_500_000
    codes = {m.code for m in demo.meters}
    assert set(demo.readings[FY23].column("meter").to_pylist()) == codes


def test_every_interval_of_a_main_meter_is_there(demo: se.EnergyDemo) -> None:
    t = demo.readings[FY23]
    grid = np.asarray(t.column("meter").to_pylist()) == "HF-E-GRID"
    # FY2023/24 holds 29 February 2024: 366 days × 96 quarter hours
    assert int(grid.sum()) == 366 * 96
    ts = t.column("ts").to_numpy()[grid]
    assert ts[0] == np.datetime64("2023-03-31T16:00")  # 1 April 00:00 in Asia/Shanghai (UTC+8)
    assert len(np.unique(ts)) == ts.size


def test_billing_meters_reconcile_with_the_invoices(
    demo: se.EnergyDemo, sums: dict[str, dict[tuple[str, date], float]]
) -> None:
    """Monthly meter sums agree with the workspace's invoice rows within 0.5 % (the rollup's
    tolerance is 2 %), so the rollup reconciles them and imports nothing."""
    worst = 0.0
    for y in se.FISCAL_YEARS:
        s = sums[y]
        for m in se.fiscal_months(y):
            for site in se.SITES:
                bill = demo.bills[(site, "grid", m)]
                worst = max(worst, abs(s[(f"{site[:2]}-E-GRID", m)] / bill - 1))
                gas = demo.bills.get((site, "natural_gas", m))
                if gas:
                    worst = max(worst, abs(s[(f"{site[:2]}-G-01", m)] / gas - 1))
            for site in se.PV:
                onsite = demo.bills.get((site, "onsite", m))
                if onsite is None:  # Shenzhen before June 2023: neither an invoice nor a meter
                    assert (f"{site[:2]}-E-PV", m) not in s
                    continue
                self_use = s[(f"{site[:2]}-E-PV", m)] - s[(f"{site[:2]}-E-PVX", m)]
                worst = max(worst, abs(self_use / onsite - 1))
    assert worst <= se.BILL_NOISE + 1e-6


def test_invoices_are_the_workspace_files(tmp_path: Path) -> None:
    from lingtan.adapters.demo.synthetic import write_synthetic_workspace

    write_synthetic_workspace(tmp_path)
    text = (tmp_path / "activity" / "fy2023-24" / "electricity.csv").read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    bills = se.invoices()
    for r in rows:
        key = "grid" if r["source"] == "grid" else "onsite"
        assert bills[(r["site"], key, date.fromisoformat(r["date"]))] == float(r["quantity"])


def test_hefei_pv_is_sized_like_the_report(sums: dict[str, dict[tuple[str, date], float]]) -> None:
    """Hefei 10.12 MW, ≥ 9.5 GWh a year ≈ 940 kWh/kWp (report 1942–1946); Tianjin 4.0 MW
    ≈ 3 GWh (1831–1903)."""
    for y in se.FISCAL_YEARS:
        g = _year_total(sums[y], "HF-E-PV")
        assert g >= 9_500_000
        assert g / 10_120 == pytest.approx(940, rel=0.03)  # e.g. 9 566 MWh / 10 120 kWp ≈ 945
        assert _year_total(sums[y], "TJ-E-PV") == pytest.approx(3_000_000, rel=0.05)


def test_per_unit_changes_are_the_reports(
    demo: se.EnergyDemo, sums: dict[str, dict[tuple[str, date], float]]
) -> None:
    """kWh per unit = Σ line meter / Σ units of the year; change FY2023/24 vs FY2022/23:
    Shenzhen notebook −5 %, desktop −7 %, server −7 % (2055–2056), Wuhan −16 % (2031),
    within ±0.5 percentage points (1 % monthly noise on the line energies, 2 % on units)."""
    units: dict[tuple[str, str], float] = defaultdict(float)
    for p in demo.production:
        fy = FY22 if p.month < date(2023, 4, 1) else FY23
        units[(p.line, fy)] += p.units
    expected = {"SZ-L-NB": -0.05, "SZ-L-DT": -0.07, "SZ-L-SV": -0.07, "WH-L-PH": -0.16}
    for line, change in expected.items():
        i = {y: _year_total(sums[y], line) / units[(line, y)] for y in se.FISCAL_YEARS}
        assert i[FY23] / i[FY22] - 1 == pytest.approx(change, abs=0.005), line


def test_data_centre_pue_and_storage(sums: dict[str, dict[tuple[str, date], float]]) -> None:
    s = sums[FY23]
    pue = _year_total(s, "HF-E-DC-FAC") / _year_total(s, "HF-E-DC-IT")
    assert pue == pytest.approx(1.10, abs=0.01)  # ISO/IEC 30134-2; report "as low as 1.1"
    rte = _year_total(s, "HF-E-ESS-D") / _year_total(s, "HF-E-ESS-C")
    assert rte == pytest.approx(se.STORAGE_RTE, abs=0.005)


def test_sub_meters_stay_below_their_site(sums: dict[str, dict[tuple[str, date], float]]) -> None:
    for y in se.FISCAL_YEARS:
        s = sums[y]
        sz = sum(_year_total(s, c) for c in ("SZ-L-NB", "SZ-L-DT", "SZ-L-SV", se.CA_METER))
        assert sz < 0.8 * _year_total(s, "SZ-E-GRID")
        assert _year_total(s, "WH-L-PH") < 0.6 * _year_total(s, "WH-E-GRID")


def test_compressed_air_saves_twelve_percent(
    demo: se.EnergyDemo, sums: dict[str, dict[tuple[str, date], float]]
) -> None:
    """IPMVP Option C, computed here with plain OLS: baseline E = a + b·units + c·CDD fitted on
    FY2022/23, applied to FY2023/24; savings / adjusted baseline ≈ 12 % (report 2094)."""
    cdd = {(r["month"]): float(r["cdd"]) for r in csv.DictReader(io.StringIO(demo.degree_days_csv))}
    units: dict[date, float] = defaultdict(float)
    for p in demo.production:
        if p.site == "SZ-FACTORY":
            units[p.month] += p.units

    def design(y: str) -> tuple[np.ndarray, np.ndarray]:
        ms = se.fiscal_months(y)
        x = np.array([[1.0, units[m], cdd[f"{m:%Y-%m}"]] for m in ms])
        e = np.array([sums[y][(se.CA_METER, m)] for m in ms])
        return x, e

    x0, e0 = design(FY22)
    coef, *_ = np.linalg.lstsq(x0, e0, rcond=None)
    x1, e1 = design(FY23)
    baseline = x1 @ coef
    assert 1 - e1.sum() / baseline.sum() == pytest.approx(0.12, abs=0.02)


def test_mv_file_and_degree_days_parse() -> None:
    import yaml

    from lingtan.adapters.io.mv_files import parse_mv

    demo = se.energy_demo(small=True)
    (plan,) = parse_mv(yaml.safe_load(demo.mv_yaml))
    assert plan.project == se.MV_PROJECT
    assert plan.boundary_meters == (se.CA_METER,)
    rows = list(csv.DictReader(io.StringIO(demo.degree_days_csv)))
    assert len(rows) == 24
    assert {r["site"] for r in rows} == {"SZ-FACTORY"}


def test_everything_not_from_the_report_is_labelled(demo: se.EnergyDemo) -> None:
    assert all("fictional" in m.name for m in demo.meters)
    assert all("illustrative" in a["name"] or "report size" in a["name"] for a in demo.assets)
    for c in demo.certificates:
        assert "ILLUSTRATIVE" in c["note"]
        assert "fictional" in c["issuer"]
    assert "ILLUSTRATIVE" in demo.mv_yaml
    assert "ILLUSTRATIVE" in demo.degree_days_csv


def _meter_values(demo: se.EnergyDemo, year: str, code: str) -> tuple[np.ndarray, np.ndarray]:
    """(local interval starts, values) of one meter."""
    t = demo.readings[year]
    sel = np.asarray(t.column("meter").to_pylist()) == code
    local = t.column("ts").to_numpy().astype("datetime64[m]")[sel] + np.timedelta64(480, "m")
    return local, t.column("value").to_numpy()[sel]


def test_the_battery_shaves_the_hefei_peak(demo: se.EnergyDemo) -> None:
    """Load without storage = import + discharge − charge (spec "Storage"); the 10 MWh battery
    discharged into each weekday's peak at ≤ 5 MW lowers the yearly import peak by > 2 MW."""
    _, grid = _meter_values(demo, FY23, "HF-E-GRID")
    _, dis = _meter_values(demo, FY23, "HF-E-ESS-D")
    _, chg = _meter_values(demo, FY23, "HF-E-ESS-C")
    before_kw, after_kw = 4 * (grid + dis - chg).max(), 4 * grid.max()  # kWh per 15 min × 4
    assert before_kw - after_kw > 2_000
    assert 4 * dis.max() <= se.STORAGE_KW + 1e-6


def test_wuhan_compressors_left_running_are_found(demo: se.EnergyDemo) -> None:
    """From mid-January 2024 Wuhan's load outside the shifts doubles: lingtan's anomaly rules
    (decision 0070) find the baseload drift and the night use; Beijing HQ has none."""
    from lingtan.modules.energy.anomalies import anomalies

    found = {}
    for code in ("WH-E-GRID", "BJ-E-GRID"):
        local, v = _meter_values(demo, FY23, code)
        hours, inv = np.unique(local.astype("datetime64[h]"), return_inverse=True)
        found[code] = {(a.kind, a.period) for a in anomalies(code[:2], np.bincount(inv, v), hours)}
    assert {("baseload_drift", "2024-01"), ("night_use", "2024-02")} <= found["WH-E-GRID"]
    assert all(p >= "2024-01" for _, p in found["WH-E-GRID"])
    assert found["BJ-E-GRID"] == set()
