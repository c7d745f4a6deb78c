"""Supplier projects, the 1 Mt programme KPI, the implied-factor check and cost-effectiveness,
hand-checked (decision 0067; docs/supplier-programmes.md).

The 星火 programme (report lines 2280–2296) as three projects, 20-year lifetimes:

=====  ================  ===========  =========  =======  ===========================
id     type              capex [CNY]  MWh/yr     t/yr     measured [t CO2e]
=====  ================  ===========  =========  =======  ===========================
XH-PV  pv                60,000,000   12,000     11,000   4,000 FY2022/23 + 6,000 FY23/24
XH-CA  compressed_air    50,000,000   11,500     12,000   9,000 FY2023/24
XH-MH  moulding_heating  40,000,000   10,000     10,000   8,000 FY2023/24 (also in LCFC)
=====  ================  ===========  =========  =======  ===========================

Σ capex = ¥150,000,000; Σ measured = 27,000 t; Σ ex-ante = 33,000 t/yr · 20 = 660,000 t over
33,500 MWh/yr · 20 = 670,000 MWh → implied 660,000 / 670,000 = 0.98507 t/MWh, above the highest
Chinese grid factor of the test library (CN-HE 2021, 0.7901) → warning; at 0.5568 t/MWh the
670,000 MWh are worth 670,000 · 0.5568 = 373,056 t. Cost: 150,000,000 / 27,000 = ¥5,555.56/t to
date; 150,000,000 / 660,000 = ¥227.27/t over the lifetime.
"""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.core.periods import FiscalCalendar
from lingtan.modules.suppliers.projects import (
    ALL,
    GridFactor,
    Measurement,
    ProgrammeError,
    ProgrammeGoal,
    ProjectType,
    Saving,
    SupplierProject,
    cumulative_by_year,
    highest_grid_factor,
    implied_factor_check,
    ledger,
    project_figures,
    track_programme,
)
from lingtan.modules.targets.targets import Status

CAL = FiscalCalendar(4)
XH = "星火行动"
LCFC = "LCFC"
FACTORS = (
    GridFactor("cn-2021", "CN", date(2021, 1, 1), 0.5568),
    GridFactor("cn-2023", "CN", date(2023, 1, 1), 0.5306),
    GridFactor("ah-2021", "CN-AH", date(2021, 1, 1), 0.7075),
    GridFactor("he-2021", "CN-HE", date(2021, 1, 1), 0.7901),
    GridFactor("he-2022", "CN-HE", date(2022, 1, 1), 0.7252),
    GridFactor("gb-2024", "GB", date(2024, 1, 1), 0.2071),
)
FY22 = (date(2022, 4, 1), date(2023, 3, 31))
FY23 = (date(2023, 4, 1), date(2023, 12, 31))  # "截止2023年末"


def _m(period: tuple[date, date], t: float, mwh: float = 0.0) -> Measurement:
    return Measurement(*period, t, (Saving("electricity", mwh, "MWh"),) if mwh else ())


def _project(pid: str, kind: ProjectType, capex: float, mwh: float, t: float,
             measured: tuple[Measurement, ...], programmes: tuple[str, ...] = (XH,),
             attribution: float = 100.0) -> SupplierProject:  # fmt: skip
    return SupplierProject(
        pid, f"S-{pid}", pid, kind, "CN", capex, date(2022, 6, 1), 20, programmes,
        (Saving("electricity", mwh, "MWh"),), t, measured, "MEE/NBS 2021 national average",
        0.5568, attribution,
    )  # fmt: skip


def xinghuo() -> list[SupplierProject]:
    return [
        _project("XH-PV", ProjectType.PV, 60e6, 12_000, 11_000, (_m(FY22, 4_000), _m(FY23, 6_000))),
        _project("XH-CA", ProjectType.COMPRESSED_AIR, 50e6, 11_500, 12_000, (_m(FY23, 9_000),)),
        _project("XH-MH", ProjectType.MOULDING_HEATING, 40e6, 10_000, 10_000,
                 (_m(FY23, 8_000),), (XH, LCFC)),
    ]  # fmt: skip


def test_highest_grid_factor_of_a_country_and_a_province() -> None:
    # a country: its own factors and every sub-region's, any year → CN-HE 2021, 0.7901
    top = highest_grid_factor("CN", FACTORS)
    assert top is not None
    assert (top.factor_id, top.value) == ("he-2021", 0.7901)
    # a province: itself and its parents (CN-AH → CN-GRID-EAST → CN), not another province
    top = highest_grid_factor("CN-AH", FACTORS)
    assert top is not None
    assert (top.factor_id, top.value) == ("ah-2021", 0.7075)
    assert highest_grid_factor("US", FACTORS) is None


def test_xinghuo_programme_implied_factor_warns() -> None:
    led = ledger(xinghuo(), FACTORS)
    xh = next(s for s in led.programmes if s.name == XH)
    assert xh.capex_cny == pytest.approx(150_000_000)
    assert xh.cumulative_t == pytest.approx(27_000)  # 4,000 + 6,000 + 9,000 + 8,000
    assert xh.expected_lifetime_t == pytest.approx(660_000)  # 33,000 t/yr · 20
    assert xh.lifetime_mwh == pytest.approx(670_000)  # 33,500 MWh/yr · 20
    assert xh.suppliers == 3
    c = xh.check
    assert c is not None
    assert c.implied == pytest.approx(660_000 / 670_000)
    assert round(c.implied, 3) == 0.985
    assert c.exceeds
    assert c.highest is not None
    assert c.highest.value == 0.7901
    assert c.reference_factor == 0.5568  # the basis the three projects share
    assert c.electricity_worth_t == pytest.approx(373_056.0)  # 670,000 · 0.5568
    warning = c.message()
    assert warning is not None
    assert warning["key"] == "supplier_programmes.warn.implied_factor"
    assert warning["params"]["implied"] == pytest.approx(0.9851)
    # cost-effectiveness: ¥150 M / 27 kt and / 660 kt
    assert xh.cost_per_t_to_date == pytest.approx(150e6 / 27_000)
    assert round(xh.cost_per_t_to_date or 0) == 5_556
    assert round(xh.cost_per_t_lifetime or 0) == 227  # 150e6 / 660,000 = 227.27


def test_project_level_checks() -> None:
    figs = {f.project.id: f for f in ledger(xinghuo(), FACTORS).projects}
    # XH-CA: 12,000 t / 11,500 MWh = 1.0435 t/MWh > 0.7901 → warning
    ca = figs["XH-CA"]
    assert ca.checks[0].implied == pytest.approx(12_000 / 11_500)
    assert ca.warnings
    # XH-PV: 11,000 / 12,000 = 0.9167 > 0.7901 → warning too; no measured MWh → no second check
    assert [c.basis for c in figs["XH-PV"].checks] == ["ex_ante"]
    # a plausible project: 5,000 t/yr for 10,000 MWh/yr = 0.5 t/MWh ≤ 0.7901 → no warning
    ok = _project("OK", ProjectType.PV, 1e6, 10_000, 5_000, (_m(FY23, 2_500, 5_000),))
    f = project_figures(ok, FACTORS)
    assert [c.basis for c in f.checks] == ["ex_ante", "measured"]
    assert f.checks[1].implied == pytest.approx(0.5)  # 2,500 t / 5,000 MWh
    assert not f.warnings
    assert f.cost_per_t_to_date == pytest.approx(400.0)  # 1,000,000 / 2,500
    assert f.cost_per_t_lifetime == pytest.approx(10.0)  # 1,000,000 / (5,000 · 20)


def test_no_electricity_no_check() -> None:
    assert implied_factor_check("x", "ex_ante", 100.0, 0.0, "CN", FACTORS) is None
    gas = SupplierProject("G", "S-G", "boiler", ex_ante=(Saving("natural_gas", 1e5, "m3"),),
                          ex_ante_t_per_year=200.0)  # fmt: skip
    assert project_figures(gas, FACTORS).checks == ()


def test_attribution_and_deduplication_across_programmes() -> None:
    # LCFC: XH-MH (8,000 t) and LC-95 (95,000 t); OTHER: OT-40 at 40 % of 10,000 + 1,000 t
    lc = _project("LC-95", ProjectType.OTHER, 0.0, 0.0, 0.0, (_m(FY23, 95_000),), (LCFC,))
    ot = _project("OT-40", ProjectType.DRYER, 0.0, 0.0, 0.0,
                  (_m((date(2021, 4, 1), date(2022, 3, 31)), 1_000), _m(FY23, 10_000)),
                  ("OTHER",), attribution=40.0)  # fmt: skip
    led = ledger([*xinghuo(), lc, ot], FACTORS)
    by = {s.name: s for s in led.programmes}
    assert by[XH].attributed_t == pytest.approx(27_000)
    assert by[LCFC].attributed_t == pytest.approx(8_000 + 95_000)  # XH-MH listed under both
    assert by["OTHER"].attributed_t == pytest.approx(0.4 * 11_000)  # 4,400
    assert by["OTHER"].cumulative_t == pytest.approx(11_000)  # the supplier's whole reduction
    assert "XH-MH" in by[XH].projects
    assert "XH-MH" in by[LCFC].projects
    # group: each project once = 27,000 + 95,000 + 4,400 = 126,400; the programmes add up to
    # 27,000 + 103,000 + 4,400 = 134,400: 8,000 t (XH-MH) would be counted twice
    assert led.group.name == ALL
    assert led.group.attributed_t == pytest.approx(126_400)
    assert led.double_count_t == pytest.approx(8_000)
    assert led.overlap == (("XH-MH", (LCFC, XH)),)


def test_one_megatonne_kpi_is_off_track() -> None:
    lc = _project("LC-95", ProjectType.OTHER, 0.0, 0.0, 0.0, (_m(FY23, 95_000),), (LCFC,))
    ot = _project("OT-40", ProjectType.DRYER, 0.0, 0.0, 0.0,
                  (_m((date(2021, 4, 1), date(2022, 3, 31)), 1_000), _m(FY23, 10_000)),
                  ("OTHER",), attribution=40.0)  # fmt: skip
    projects = [*xinghuo(), lc, ot]
    goal = ProgrammeGoal()
    # FY2022/23: XH-PV 4,000. FY2023/24: + 6,000 + 9,000 + 8,000 (XH-MH once) + 95,000
    # + 0.4 · 10,000 = 126,000 cumulative; OT-40's FY2021/22 1,000 t predates the programme
    assert cumulative_by_year(projects, goal, CAL) == pytest.approx({2022: 4_000, 2023: 126_000})
    s = track_programme(projects, goal, CAL)
    # pathway: 0 at the end of FY2021/22 → 1,000,000 at the end of FY2025/26, linear:
    # P(FY2023/24) = 1,000,000 · 2/4 = 500,000 t; 126,000 < 500,000 → off track, gap −374,000
    assert s.status is Status.OFF_TRACK
    assert s.latest_year == "FY2023/24"
    assert s.pathway_value == pytest.approx(500_000)
    assert s.gap == pytest.approx(-374_000)
    # only 星火: 4,000 then 27,000
    only = ProgrammeGoal(programmes=(XH,))
    assert cumulative_by_year(projects, only, CAL) == pytest.approx({2022: 4_000, 2023: 27_000})
    # on track: 260,000 t by FY2022/23 ≥ P = 1,000,000 · 1/4 = 250,000
    big = _project("BIG", ProjectType.PV, 0.0, 0.0, 0.0, (_m(FY22, 260_000),))
    assert track_programme([big], goal, CAL).status is Status.ON_TRACK
    assert track_programme([], goal, CAL).status is Status.NO_DATA


def test_invalid_inputs_are_refused_with_keys() -> None:
    with pytest.raises(ProgrammeError) as e:
        SupplierProject("X", "S", "x", attribution_pct=120.0)
    assert e.value.key == "supplier_programmes.err.attribution"
    with pytest.raises(ProgrammeError) as e:
        Measurement(date(2024, 1, 2), date(2024, 1, 1), 1.0)
    assert e.value.key == "supplier_programmes.err.period"
    with pytest.raises(ProgrammeError) as e:
        Saving("electricity", 1.0, "therm")
    assert e.value.key == "supplier_programmes.err.unit"
    assert Saving("electricity", 670_000_000, "kWh").mwh == pytest.approx(670_000)
    with pytest.raises(ProgrammeError):
        ProgrammeGoal(goal_year=2020, from_year=2022)
