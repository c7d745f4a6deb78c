"""The three Scope 3 intensity denominators computed from the workspace
(services/intensity_denominators.py, decision 0076): t·km from transport rows, comparable
products sold from use-phase rows, gross profit from financials.csv; typed series win."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.adapters.io.importer import import_file
from lingtan.adapters.io.mv_files import MvFileError
from lingtan.adapters.services import intensity_denominators as svc
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.workspace import init_workspace
from lingtan.modules.targets.emissions import Series

TRANSPORT = """\
date,mode,mass,mass_unit,distance,distance_unit,category
2023-05-01,road.hgv.average,2,t,100,km,4
2023-06-01,sea.container.average,3000,kg,1000,km,9
2022-06-01,road.hgv.average,1,t,50,km,4
"""
# FY2023/24: 2 t × 100 km + 3 t × 1,000 km = 200 + 3,000 = 3,200 tkm; FY2022/23: 50 tkm
USE = """\
date,product,units_sold,kwh_per_year,lifetime_years,market
2023-06-01,D2,"1,300",60,4,CN
2024-02-01,X9,1000,10,4,CN
2022-06-01,D1,700,100,4,CN
"""
# X9 has no energy record in the family: not comparable. FY2023/24: 1,300; FY2022/23: 700
FAMILY = """\
energy:
  records:
    - {product_id: D1, line: desktop, generation: 1, year: 2018, kwh_per_year: 100}
    - {product_id: D2, line: desktop, generation: 2, year: 2023, kwh_per_year: 60}
"""
FIN = "fiscal_year,gross_profit,unit,source\nFY2022/23,9500.5,1e6*USD,annual report\n2023,9800,,\n"


@pytest.fixture
def ctx(tmp_path: Path) -> LocalContext:
    init_workspace(tmp_path / "ws", organisation="Test Co", region="CN", start_month=4)
    c = LocalContext(tmp_path / "ws")
    for name, text in (("transport.csv", TRANSPORT), ("use_phase.csv", USE)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert import_file(c.workspace(), tmp_path / name).rows_rejected == 0
    return c


def test_three_denominators(ctx: LocalContext) -> None:
    ws = ctx.workspace()
    cal = ws.config.calendar
    assert svc.tkm_by_year(ctx, cal) == pytest.approx({2023: 3200.0, 2022: 50.0})
    # without a product family every product counts: 1,300 + 1,000 in FY2023/24
    assert svc.products_sold_by_year(ctx, cal) == pytest.approx({2023: 2300.0, 2022: 700.0})
    (ws.path / "products").mkdir()
    (ws.path / "products" / "family.yaml").write_text(FAMILY, encoding="utf-8")
    assert svc.products_sold_by_year(ctx, cal) == pytest.approx({2023: 1300.0, 2022: 700.0})
    (ws.path / "financials.csv").write_text(FIN, encoding="utf-8")
    got = svc.denominators(ctx, cal)
    assert got["gross_profit"].values == {2022: 9500.5, 2023: 9800.0}
    assert got["gross_profit"].unit == "1e6*USD"
    assert got["tkm"].source.startswith("computed")


def test_typed_series_win_and_empty_ones_are_filled(ctx: LocalContext) -> None:
    cal = ctx.workspace().config.calendar
    typed = Series("tkm", "tkm", {2023: 1.0}, "freight", source="typed")
    empty = Series("comparable_products", "item", {}, "comparable products sold")
    notes: list[str] = []
    out = svc.fill_denominators(ctx, {"tkm": typed, "comparable_products": empty}, cal, notes)
    assert out["tkm"] == typed
    assert out["comparable_products"].values == pytest.approx({2023: 2300.0, 2022: 700.0})
    assert "gross_profit" not in out  # no financials.csv: nothing invented
    assert notes == []


def test_financials_errors_name_row_and_field(ctx: LocalContext) -> None:
    path = ctx.workspace().path / "financials.csv"
    cal = ctx.workspace().config.calendar
    path.write_text("fiscal_year,gross_profit\nFY2022/23,lots\n", encoding="utf-8")
    with pytest.raises(MvFileError) as e:
        svc.gross_profit_series(ctx, cal)
    assert (e.value.where, e.value.field) == ("row 2", "gross_profit")
    assert "financials.csv: row 2, field 'gross_profit'" in str(e.value)
    path.write_text("fiscal_year,gross_profit\nFY2022/23,-5\n", encoding="utf-8")
    with pytest.raises(MvFileError) as e:
        svc.gross_profit_series(ctx, cal)
    assert e.value.keyed.key == "mv.err.file.positive"
    path.write_text("fiscal_year,gross_profit\nFY2022/24,1\n", encoding="utf-8")
    with pytest.raises(MvFileError) as e:
        svc.gross_profit_series(ctx, cal)
    assert e.value.keyed.key == "denominators.err.year"
    notes: list[str] = []
    assert svc.fill_denominators(ctx, {}, cal, notes) == {}
    assert "financials.csv" in notes[0]


TARGETS = """\
organisation: Test Co
fiscal_year_start_month: 4
targets:
  - id: LOG
    name: Logistics per tkm -25 %
    scopes: [3]
    scope3_categories: [4]
    kind: intensity
    denominator: tkm
    base_year: FY2022/23
    target_year: FY2029/30
    reduction_pct: 25
"""


def test_the_programme_fills_the_denominators_its_targets_use(ctx: LocalContext) -> None:
    from lingtan.adapters.services import targets as targets_svc

    (ctx.workspace().path / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    prog, _, notes = targets_svc.programme(ctx)
    assert prog.series["tkm"].values == pytest.approx({2022: 50.0, 2023: 3200.0})
    assert "comparable_products" not in prog.series  # no target divides by it
    assert notes == []
