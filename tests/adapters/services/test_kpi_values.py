"""KPIs computed from data (services/kpi_values.py, decision 0076): renewable share from the
energy indicators, product efficiency gains sales-weighted over comparable products with the
report's base years, typed values kept and marked typed, and the targets programme showing the
origin of each KPI's values."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.adapters.io.importer import import_file
from lingtan.adapters.services import energy_indicators, kpi_values
from lingtan.adapters.services import targets as targets_svc
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.workspace import init_workspace
from lingtan.modules.energy.renewables import ReShare
from lingtan.modules.targets.kpis import Kpi, KpiKind, KpiOrigin

# Product family: typical energy use [kWh/yr] of each comparable product (X9 has no record).
FAMILY = """\
energy:
  base_year: {desktop: 2019, notebook: 2019}  # the report's base years win
  records:
    - {product_id: D1, line: desktop, generation: 1, year: 2018, kwh_per_year: 100}
    - {product_id: D2, line: desktop, generation: 2, year: 2023, kwh_per_year: 60}
    - {product_id: S1, line: server, generation: 1, year: 2018, kwh_per_year: 400}
    - {product_id: S2, line: server, generation: 2, year: 2023, kwh_per_year: 250}
    - {product_id: N1, line: notebook, generation: 1, year: 2018, kwh_per_year: 30}
    - {product_id: N2, line: notebook, generation: 2, year: 2023, kwh_per_year: 20}
    - {product_id: M1, line: motorola, generation: 1, year: 2020, kwh_per_year: 5}
    - {product_id: M2, line: motorola, generation: 2, year: 2023, kwh_per_year: 4}
"""
# Units sold (use-phase rows; the kwh_per_year column is the inventory's, not used here).
USE = """\
date,product,units_sold,kwh_per_year,lifetime_years,market
2018-06-01,D1,100,100,4,CN
2018-07-01,S1,50,400,4,CN
2018-07-01,N1,200,30,4,CN
2020-07-01,M1,1000,5,4,CN
2023-06-01,D2,300,60,4,CN
2023-06-01,S2,100,250,4,CN
2023-06-01,N2,200,20,4,CN
2023-06-01,M2,1000,4,4,CN
2023-06-01,X9,1000,10,4,CN
"""

DS = Kpi(
    "KPI-EFF-DS",
    "Desktop and server energy efficiency +50 % by FY2029/30",
    KpiKind.EFFICIENCY_GAIN,
    "% vs FY2018/19",
    50.0,
    2029,
    start_year=2018,
    start_value=0.0,
)
NB = Kpi(
    "KPI-EFF-NB",
    "Notebook and Motorola energy efficiency +30 % by FY2029/30",
    KpiKind.EFFICIENCY_GAIN,
    "% vs base year",
    30.0,
    2029,
    start_year=2018,
    start_value=0.0,
)
RE = Kpi("KPI-RE", "90 % renewable electricity", KpiKind.RENEWABLE_SHARE, "%", 90.0, 2025)


@pytest.fixture
def ctx(tmp_path: Path) -> LocalContext:
    init_workspace(tmp_path / "ws", organisation="Test Co", region="CN", start_month=4)
    c = LocalContext(tmp_path / "ws")
    (tmp_path / "ws" / "products").mkdir()
    (tmp_path / "ws" / "products" / "family.yaml").write_text(FAMILY, encoding="utf-8")
    use = tmp_path / "use_phase.csv"
    use.write_text(USE, encoding="utf-8")
    assert import_file(c.workspace(), use).rows_accepted == 9
    return c


@pytest.fixture
def re_share(monkeypatch: pytest.MonkeyPatch) -> None:
    # Hefei-like: 9.5 GWh renewable of 79 GWh consumption → 12.025 %
    shares = {2023: ReShare(9.5e6, 79e6, 9.5e6 / 79e6, {"self_use": 9.5e6})}
    monkeypatch.setattr(energy_indicators, "re_share_by_year", lambda ctx: shares)


def test_efficiency_gain_is_sales_weighted_with_the_reports_base_years(ctx: LocalContext) -> None:
    ds, nb = kpi_values.fill_computed_kpis(ctx, [DS, NB])
    # desktop: 100/60 − 1 = 66.667 %; server 400/250 − 1 = 60 %; FY2023/24 weights 300 and 100
    # units: (300·66.667 + 100·60)/400 = (20,000 + 6,000)/400 = 65 %; X9 has no record: left out
    assert ds.values == pytest.approx({2018: 0.0, 2023: 65.0})
    assert ds.origin is KpiOrigin.COMPUTED
    assert "desktop FY2018/19" in ds.derivation
    # notebook vs FY2018/19: 30/20 − 1 = 50 %; Motorola vs FY2020/21 (the report's base year):
    # 5/4 − 1 = 25 %; (200·50 + 1000·25)/1200 = 35,000/1200 = 29.167 %
    assert nb.values == pytest.approx({2018: 0.0, 2020: 0.0, 2023: 35_000 / 1200})
    assert "motorola FY2020/21" in nb.derivation


def test_renewable_share_and_typed_values(ctx: LocalContext, re_share: None) -> None:
    typed = Kpi("KPI-RE2", "typed RE", KpiKind.RENEWABLE_SHARE, "%", 90.0, 2025,
                values={2023: 50.0})  # fmt: skip
    other = Kpi("O", "other", KpiKind.OTHER, "%", 1.0, None)
    re, ty, ot = kpi_values.fill_computed_kpis(ctx, [RE, typed, other])
    assert re.values == pytest.approx({2023: 9.5 / 79 * 100})  # 12.025 %
    assert re.origin is KpiOrigin.COMPUTED
    assert "9,500.0 MWh / 79,000.0 MWh" in re.derivation
    assert ty == typed
    assert ot == other
    marked = kpi_values.mark_origins([RE, typed, other], [re, ty, ot])
    assert [k.origin for k in marked] == [KpiOrigin.COMPUTED, KpiOrigin.TYPED, KpiOrigin.TYPED]


def test_values_filled_by_another_hook_are_marked_computed() -> None:
    sc = Kpi("SC", "supply chain", KpiKind.SUPPLY_CHAIN_REDUCTION, "t CO2e", 1e6, 2025)
    filled = Kpi("SC", "supply chain", KpiKind.SUPPLY_CHAIN_REDUCTION, "t CO2e", 1e6, 2025,
                 values={2023: 10.0}, source="values from the supplier project ledger")  # fmt: skip
    (k,) = kpi_values.mark_origins([sc], [filled])
    assert k.origin is KpiOrigin.COMPUTED
    assert k.derivation == "values from the supplier project ledger"


def test_no_data_leaves_the_kpi_as_it_was(tmp_path: Path) -> None:
    init_workspace(tmp_path / "empty", organisation="E", region="CN", start_month=4)
    c = LocalContext(tmp_path / "empty")
    assert kpi_values.fill_computed_kpis(c, [DS]) == (DS,)


TARGETS = """\
organisation: Test Co
fiscal_year_start_month: 4
kpis:
  - {id: KPI-RE, name: 90 % renewable electricity, kind: renewable_share, unit: "%", goal: 90,
     goal_year: FY2025/26, start: {year: FY2022/23, value: 0}}
  - {id: KPI-EFF-DS, name: Desktop and server energy efficiency +50 %, kind: efficiency_gain,
     unit: "%", goal: 50, goal_year: FY2029/30, values: {FY2023/24: 40}}
"""


def test_the_programme_shows_computed_and_typed_kpis(ctx: LocalContext, re_share: None) -> None:
    (ctx.workspace().path / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    doc = targets_svc.targets_overview(ctx)
    by = {k["kpi"]["id"] if "kpi" in k else k["id"]: k for k in doc["kpis"]}
    re = by["KPI-RE"]
    re = re.get("kpi", re)
    assert re["origin"] == "computed"
    assert re["values"] == {"FY2023/24": pytest.approx(12.025, abs=1e-3)}
    assert "RE100" in re["derivation"]
    ds = by["KPI-EFF-DS"]
    ds = ds.get("kpi", ds)
    assert ds["origin"] == "typed"  # the file's 40 % wins over the computed 65 %
    assert ds["values"] == {"FY2023/24": 40.0}
    assert ds["derivation"] == ""


def test_renewable_share_from_the_energy_kit(tmp_path: Path) -> None:
    from energykit import EXPECTED, build_energy_workspace

    c = LocalContext(build_energy_workspace(tmp_path / "kit"))
    (re,) = kpi_values.fill_computed_kpis(c, [RE])
    # energykit: (7,200 self-use + 10,000 GEC) / 64,704 kWh = 26.58 % in FY2024
    assert re.values == pytest.approx({2024: 100 * EXPECTED.re_share})
    assert re.origin is KpiOrigin.COMPUTED


# -- units sold from the family's sales records (decision 0076, issue 16 fixer "effkpi") ---------


def _workspace_with_family(tmp_path: Path, family: str) -> LocalContext:
    init_workspace(tmp_path / "ws", organisation="Test Co", region="CN", start_month=4)
    (tmp_path / "ws" / "products").mkdir()
    (tmp_path / "ws" / "products" / "family.yaml").write_text(family, encoding="utf-8")
    return LocalContext(tmp_path / "ws")


def test_efficiency_gain_from_the_familys_sales_records(tmp_path: Path) -> None:
    """No use-phase rows at all: the family's ``sales`` give the units (label or start year)."""
    sales = """\
sales:
  - {product_id: D1, fiscal_year: FY2018/19, units: 200}
  - {product_id: S1, fiscal_year: 2018, units: 50}
  - {product_id: D1, fiscal_year: 2023, units: 100}
  - {product_id: D2, fiscal_year: 2023, units: 100}
  - {product_id: S2, fiscal_year: 2023, units: 100}
  - {product_id: X9, fiscal_year: 2023, units: 1000}
"""
    c = _workspace_with_family(tmp_path, FAMILY + sales)
    (ds,) = kpi_values.fill_computed_kpis(c, [DS])
    # desktop: E(FY2018/19) = D1 100 kWh; E(FY2023/24) = (100·100 + 100·60)/200 = 80 →
    # 100/80 − 1 = 25 %, weight 200; server 400/250 − 1 = 60 %, weight 100;
    # (200·25 + 100·60)/300 = 11,000/300 = 36.667 %; X9 (no energy record) left out
    assert ds.values == pytest.approx({2018: 0.0, 2023: 11_000 / 300})
    assert ds.origin is KpiOrigin.COMPUTED
    assert "use-phase rows for 0 product-years, family sales records for 5" in ds.derivation


def test_use_phase_rows_win_over_sales_records_never_both(ctx: LocalContext) -> None:
    """The fixture's use-phase rows (D1 2018: 100, S1 2018: 50, D2 2023: 300, S2 2023: 100)
    plus family sales: D1 2018 and S2 2023 have rows (their records are ignored), D1 2023 has
    none (its record counts)."""
    sales = """\
sales:
  - {product_id: D1, fiscal_year: 2018, units: 999}
  - {product_id: D1, fiscal_year: 2023, units: 100}
  - {product_id: S2, fiscal_year: 2023, units: 5000}
"""
    path = ctx.workspace().path / "products" / "family.yaml"
    path.write_text(FAMILY + sales, encoding="utf-8")
    (ds,) = kpi_values.fill_computed_kpis(ctx, [DS])
    # desktop FY2023/24: (300·60 + 100·100)/400 = 28,000/400 = 70 → 100/70 − 1 = 42.857 %,
    # weight 400; server 60 %, weight 100: (400·300/7 + 100·60)/500 = 46.2857 %
    assert ds.values == pytest.approx({2018: 0.0, 2023: (400 * 300 / 7 + 6000) / 500})
    assert "use-phase rows for 4 product-years, family sales records for 1" in ds.derivation
    # comparable products sold (the intensity denominator) follow the same rule:
    # FY2018/19 rows D1 100 + S1 50 + N1 200 = 350; FY2023/24 rows D2 300 + S2 100 + N2 200
    # + M2 1000 = 1,600 (X9 not comparable) + D1's record 100 = 1,700
    from lingtan.adapters.services.intensity_denominators import products_sold_by_year

    cal = ctx.workspace().config.calendar
    assert products_sold_by_year(ctx, cal) == pytest.approx({2018: 350, 2020: 1000, 2023: 1700})


def test_units_sold_never_counts_a_product_year_twice() -> None:
    from lingtan.modules.products.efficiency import (
        FROM_FAMILY,
        FROM_ROWS,
        SalesRecord,
        units_sold,
    )

    got = units_sold(
        {("A", 2018): 10.0}, [SalesRecord("A", 2018, 99.0), SalesRecord("A", 2023, 5.0)]
    )
    assert got == {("A", 2018): (10.0, FROM_ROWS), ("A", 2023): (5.0, FROM_FAMILY)}


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ("{product_id: D1, fiscal_year: 2018, units: -1}", "units ≥ 0"),
        ("{product_id: D1, fiscal_year: twenty, units: 1}", "invalid sales record"),
        ("{product_id: D1, units: 1}", "invalid sales record"),
    ],
)
def test_bad_sales_records_name_the_file_and_entry(record: str, reason: str) -> None:
    from lingtan.adapters.io.lca.native import parse_family_yaml
    from lingtan.modules.products.errors import LciFileError

    with pytest.raises(LciFileError, match=rf"family.yaml: sales\[1\]: .*{reason}"):
        parse_family_yaml(
            f"sales:\n  - {{product_id: D2, fiscal_year: 2023, units: 1}}\n  - {record}\n",
            "family.yaml",
        )


def test_a_product_year_given_twice_is_refused() -> None:
    from lingtan.adapters.io.lca.native import parse_family_yaml
    from lingtan.modules.products.errors import LciFileError

    text = (
        "sales:\n  - {product_id: D1, fiscal_year: FY2018/19, units: 1}\n"
        "  - {product_id: D1, fiscal_year: 2018, units: 2}\n"
    )
    with pytest.raises(LciFileError, match=r"sales\[1\]: D1 2018 given twice"):
        parse_family_yaml(text, "family.yaml")
