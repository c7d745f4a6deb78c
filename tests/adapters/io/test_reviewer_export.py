"""The lineage folded to one line per activity row and the reviewer's exports (decision 0057),
checked against the hand calculation of tests/lineagekit.py; CSV shares add up to the total of
their basis on the synthetic demo's inventory too."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lineagekit import CO2E_KG, GAS_KG, PER_UNIT, ROWS, TOTAL_T, YEAR, build_lineage_workspace
from lingtan.adapters.compute.lineage import Selection, explain, find_snapshot, fold_rows
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.io.inventory_export import (
    PERCENT_FORMAT,
    long_rows,
    write_reviewer_xlsx,
    write_xlsx,
)
from lingtan.adapters.services.calculation import latest_inventory
from lingtan.adapters.store.workspace import Workspace, open_workspace
from lingtan.core.inventory import AggregateRow, Inventory, build_inventory


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Workspace:
    return open_workspace(build_lineage_workspace(tmp_path_factory.mktemp("lineage") / "ws"))


def test_fold_gives_one_line_per_activity_row_with_kg_per_unit(ws: Workspace) -> None:
    ex = explain(ws, find_snapshot(ws, snapshot=None, fiscal_year=YEAR), Selection())
    assert ex.rows.num_rows == 9  # 3 rows × 3 gases
    folded = fold_rows(ex.rows)
    assert folded.total == 3
    lines = folded.page.to_pylist()
    assert [r["source_row"] for r in lines] == [2, 3, 4]
    for r in lines:
        assert r["quantity"] == ROWS[r["source_row"]]
        assert r["kg_co2e_per_unit"] == pytest.approx(PER_UNIT, rel=1e-12)
        assert r["co2e_kg"] == pytest.approx(CO2E_KG[r["source_row"]], rel=1e-12)
        assert r["co2e_kg"] == pytest.approx(r["quantity"] * r["kg_co2e_per_unit"] * r["share"])
        assert r["factors"] == "xo/fuel-ch4, xo/fuel-co2, xo/fuel-n2o"
        assert [g["gas"] for g in r["gases"]] == ["CH4", "CO2", "N2O"]
    by_gas: dict[str, float] = defaultdict(float)
    for r in lines:
        for g in r["gases"]:
            by_gas[g["gas"]] += g["co2e_kg"]
    assert dict(by_gas) == pytest.approx(GAS_KG)
    assert sum(r["co2e_kg"] for r in lines) / 1000 == pytest.approx(TOTAL_T)


def test_fold_sorts_and_pages(ws: Workspace) -> None:
    ex = explain(ws, find_snapshot(ws, snapshot=None, fiscal_year=YEAR), Selection())
    largest = fold_rows(ex.rows, sort="co2e_desc", offset=0, limit=2)
    assert largest.total == 3
    assert largest.page.column("source_row").to_pylist() == [3, 2]  # 410.9, 205.45 kg
    rest = fold_rows(ex.rows, sort="co2e_desc", offset=2, limit=2)
    assert rest.page.column("source_row").to_pylist() == [4]
    smallest = fold_rows(ex.rows, sort="co2e_asc", limit=1)
    assert smallest.page.column("source_row").to_pylist() == [4]  # 102.725 kg
    with pytest.raises(ValueError, match="unknown sort"):
        fold_rows(ex.rows, sort="gas")


def _two_basis_inventory() -> Inventory:
    """Hand-made (kg → t): Scope 1 at TJ 1,000 t; Scope 2 at TJ market 2,000 t, location
    3,000 t; Scope 3 cat 1 at WH 6,000 t. Market total 9,000 t, location total 10,000 t."""

    def row(scope: int, cat: int, site: str, kg: float, basis: str = "both") -> AggregateRow:
        iso = {1: 1, 2: 2, 3: 4}[scope]
        return AggregateRow(scope=scope, category=cat, iso_category=iso, basis=basis, gas="CO2",
                            site=site, month="2023-04", method="test", tier="activity",
                            co2e_kg=kg, rows=1)  # fmt: skip

    return build_inventory(
        [row(1, 1, "TJ", 1e6), row(2, 1, "TJ", 2e6, "market"), row(2, 1, "TJ", 3e6, "location"),
         row(3, 1, "WH", 6e6)],
        organisation="Test Org", fiscal_year="FY2023/24", period_start="2023-04-01",
        period_end="2024-03-31", gwp_set="AR5", consolidation="operational_control",
        site_entities={"TJ": "E-TJ", "WH": "E-WH"}, snapshot_id="abc123" * 4,
    )  # fmt: skip


def test_csv_shares_are_of_the_total_of_their_basis() -> None:
    """Every breakdown of the long CSV adds up to 100 % of its own basis's total; the
    location-based Scope 2 line is a share of the location-based total (30 %, not 33 %)."""
    rows = long_rows(_two_basis_inventory())
    sums: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows:
        if r["share_pct"] != "":
            sums[(r["section"], r["basis"])] += float(r["share_pct"])
    for section in ("by_site", "by_month", "by_gas", "by_entity"):
        assert sums[(section, "market")] == pytest.approx(100.0, abs=0.001), section
    share = {(r["section"], r["key"], r["basis"]): r["share_pct"] for r in rows}
    assert share[("total", "total_market", "market")] == 100.0
    assert share[("total", "total_location", "location")] == 100.0
    assert share[("total", "scope1", "market")] == round(100 * 1000 / 9000, 4)  # 11.1111
    assert share[("total", "scope2_market", "market")] == round(100 * 2000 / 9000, 4)
    assert share[("total", "scope3", "market")] == round(100 * 6000 / 9000, 4)
    assert share[("total", "scope2_location", "location")] == 30.0  # 3,000 of 10,000 t
    assert share[("scope2_by_category", "1", "location")] == 30.0
    assert share[("scope2_by_category", "1", "market")] == round(100 * 2000 / 9000, 4)


def _reviewer_book(ws: Workspace, path: Path, locale: str) -> Path:
    snap = find_snapshot(ws, snapshot=None, fiscal_year=YEAR)
    ex = explain(ws, snap, Selection())
    lines = []
    for r in fold_rows(ex.rows).page.to_pylist():
        lines.append({**r, "file": "fuel.csv", "row": r["source_row"]})
    emission = [{**r, "file": "fuel.csv", "row": r["row_id"] & 0xFFFFFFFF}
                for r in ex.rows.to_pylist()]  # fmt: skip
    return write_reviewer_xlsx(
        latest_inventory(ws, YEAR),
        path,
        t=Translator(locale),
        site_names={"HQ": "Headquarters"},
        activity_rows=lines,
        factors=ex.factors,
        lineage_rows=emission,
    )


def test_reviewer_workbook_sheets_formats_and_shares(ws: Workspace, tmp_path: Path) -> None:
    t = Translator("zh-CN")
    book = load_workbook(_reviewer_book(ws, tmp_path / "zh.xlsx", "zh-CN"))
    sheets = ("summary", "gases", "activity_rows", "factors", "lineage", "completeness", "about")
    assert book.sheetnames == [t(f"lineage.xlsx.sheet.{s}") for s in sheets]
    assert book.sheetnames[:3] == ["汇总", "温室气体", "活动数据"]

    summary = book[t("lineage.xlsx.sheet.summary")]
    head = [c.value for c in summary[1]]
    assert head == ["项目", "核算方法", "吨二氧化碳当量", "占总量比例"]
    market = t("basis.market")
    shares = {}
    for row in summary.iter_rows(min_row=2):
        label, basis, _value, share = row
        if share.value is not None:
            assert share.number_format == PERCENT_FORMAT
            assert 0.0 <= share.value <= 1.0  # a fraction, shown as a percent
        if basis.value == market and not str(label.value).startswith(" "):
            shares[label.value] = share.value
    # Scope 1 is the whole of the market-based total here; scopes 1 + 2 + 3 = 1
    assert shares[t("scope.1")] == pytest.approx(1.0)
    assert shares[t("scope.1")] + shares[t("scope.2")] + shares[t("scope.3")] == pytest.approx(1)
    assert shares[t("lineage.xlsx.total")] == 1.0

    rows = list(book[t("lineage.xlsx.sheet.activity_rows")].iter_rows(values_only=True))
    assert rows[0][:4] == ("文件", "文件行号", "场所", "场所名称")
    by_row = {r[1]: r for r in rows[1:]}
    assert set(by_row) == set(ROWS)
    col = {name: i for i, name in enumerate(rows[0])}
    for n, r in by_row.items():
        assert r[0] == "fuel.csv"
        assert r[col["场所名称"]] == "Headquarters"
        assert r[col["每单位千克二氧化碳当量"]] == pytest.approx(PER_UNIT)
        assert r[col["千克二氧化碳当量"]] == pytest.approx(CO2E_KG[n])

    lineage = list(book[t("lineage.xlsx.sheet.lineage")].iter_rows(values_only=True))
    assert len(lineage) == 1 + 9  # row × gas
    factors = list(book[t("lineage.xlsx.sheet.factors")].iter_rows(values_only=True))
    assert sorted(r[0] for r in factors[1:]) == ["xo/fuel-ch4", "xo/fuel-co2", "xo/fuel-n2o"]

    sheet = book[t("lineage.xlsx.sheet.gases")]
    gases = {(r[0], r[1]): r for r in sheet.iter_rows(values_only=True)}
    s1 = t("gases.scope.scope1")
    assert gases[(s1, t("gases.gas.CO2"))][2] == pytest.approx(GAS_KG["CO2"] / 1000)
    assert gases[(s1, t("gases.gas.CH4"))][2] == pytest.approx(GAS_KG["CH4"] / 1000)
    assert gases[(s1, t("gases.gas.CH4"))][3] == pytest.approx(0.35 / 1000)  # t of CH4
    assert gases[(s1, t("gases.gas.total"))][2] == pytest.approx(TOTAL_T)

    en = load_workbook(_reviewer_book(ws, tmp_path / "en.xlsx", "en"))
    assert en.sheetnames[0] == "Summary"
    assert [c.value for c in en["Summary"][1]] == ["Line", "Basis", "t CO2e", "Share of total"]


def test_summary_sheet_of_the_plain_workbook_formats_shares_as_percent(
    ws: Workspace, tmp_path: Path
) -> None:
    book = load_workbook(write_xlsx([latest_inventory(ws, YEAR)], tmp_path / "plain.xlsx"))
    scope1 = next(r for r in book["Summary"].iter_rows(min_row=2) if r[0].value == "Scope 1")
    assert scope1[1].value == pytest.approx(TOTAL_T, abs=5e-4)  # the document rounds to kg
    assert scope1[2].value == pytest.approx(1.0)  # 100 %, not 100.0
    assert scope1[2].number_format == PERCENT_FORMAT


def test_long_csv_round_trips(ws: Workspace) -> None:
    from lingtan.adapters.io.inventory_export import to_csv

    rows = list(csv.DictReader(io.StringIO(to_csv(latest_inventory(ws, YEAR)))))
    scope1 = next(r for r in rows if r["section"] == "total" and r["key"] == "scope1")
    assert float(scope1["tco2e"]) == pytest.approx(TOTAL_T, abs=5e-4)
    assert float(scope1["share_pct"]) == 100.0
