"""The consistency checks of an edition (decision 0102) on hand-built sections: repeated figures,
totals against the sum of their rounded parts, shares recomputed from their parts, targets'
base-year values, KPI value sources; the section built from them (facts, tables, summary); the
report's errata found by reconcile on the demo's disclosed workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.disclosure_checks import (
    BaseYearValue,
    Check,
    KpiSource,
    build_section,
    checks_section,
    consistency_checks,
)
from lingtan.modules.disclosure.document import (
    Cell,
    Column,
    EditionScope,
    Section,
    Table,
    label,
    number,
)

T = "t CO2e"


def amount(v: float, digits: int, **sel: str | int) -> Cell:
    return number(v, T, digits, explain={"snapshot": "S1", **sel})


def pct(v: float) -> Cell:
    return number(v, "%", 2)


def table(key: str, rows: list[list[Cell]]) -> Table:
    keys = ["item", "amount", "share"]
    cols: list[Column] = [{"key": keys[i] if i < 3 else f"c{i}", "label": "x"}
                          for i in range(len(rows[0]))]  # fmt: skip
    return {"key": key, "title": "x", "columns": cols, "rows": rows}


def section(*tables: Table, key: str = "ghg_inventory") -> Section:
    return {"key": key, "title": "x", "pillar": None, "available": True, "paragraphs": [],
            "tables": list(tables), "charts": [], "narratives": [], "facts": {}}  # fmt: skip


# Hand-made inventory [t CO2e]: S1 1.4, S2 (market) 2.4, S3 6.4 = category 1 4.0 + category 2
# 2.4; total 1.4 + 2.4 + 6.4 = 10.2. Shares of the total: 1.4/10.2 = 13.7255 % → 13.73;
# 2.4/10.2 = 23.5294 % → 23.53; 6.4/10.2 = 62.7451 % → 62.75. Shares of Scope 3:
# 4.0/6.4 = 62.50 %, 2.4/6.4 = 37.50 %.
def consistent() -> list[Section]:
    inv = table("inv", [
        [label("s1"), amount(1.4, 0, scope=1), pct(13.73)],
        [label("s2"), amount(2.4, 0, scope=2, basis="market"), pct(23.53)],
        [label("s3"), amount(6.4, 0, scope=3), pct(62.75)],
        [label("total"), amount(10.2, 0), pct(100.0)],
    ])  # fmt: skip
    s3 = table("s3", [
        [label("c1"), amount(4.0, 1, scope=3, category=1), pct(62.50)],
        [label("c2"), amount(2.4, 1, scope=3, category=2), pct(37.50)],
        [label("s3"), amount(6.4, 1, scope=3), pct(100.0)],
    ])  # fmt: skip
    return [section(inv, s3)]


def by_kind(checks: list[Check], kind: str) -> list[Check]:
    return [c for c in checks if c.kind == kind]


def test_a_consistent_inventory_passes_every_check() -> None:
    checks = consistency_checks(consistent())
    assert {c.result for c in checks} == {"pass"}
    # Scope 3 shown twice (6.4 both times): one repeat check
    assert len(by_kind(checks, "repeat")) == 1
    totals = {c.subject["v"]: c for c in by_kind(checks, "total")}
    # total: shown round(10.2) = 10, parts 1 + 2 + 6 = 9; bound 3 × 0.5 + 0.5 = 2.0 ≥ |10 − 9|
    t = totals["disc_demo.subject.total.market"]
    assert (t.shown, t.recomputed, t.tolerance, t.difference) == (10, 9, 2.0, 1)
    # Scope 3 (its first showing, 0 digits): 6 vs 4.0 + 2.4 = 6.4; bound 2 × 0.05 + 0.5 = 0.6
    s3 = totals["disc_demo.subject.scope"]
    assert s3.shown == 6
    assert s3.recomputed == pytest.approx(6.4)
    assert s3.tolerance == pytest.approx(0.6)
    # seven shares beside a figure: four of the first table, three of the second
    shares = by_kind(checks, "share")
    assert len(shares) == 7
    c1 = next(c for c in shares if c.subject.get("args") == {"scope": "3", "category": "1"})
    assert c1.recomputed == pytest.approx(62.5)  # 100 × 4.0 / 6.4


def test_a_copied_share_a_repeated_figure_and_a_bad_total_fail() -> None:
    docs = consistent()
    s3 = docs[0]["tables"][1]
    s3["rows"][0][2] = pct(70.0)  # 100 × 4.0 / 6.4 = 62.50 (of S3) or 39.22 (of the total)
    s3["rows"][2][1] = amount(7.4, 1, scope=3)  # Scope 3 shown as 7.4 here, 6.4 above
    docs.append(section(table("other", [[amount(1.5, 0, scope=1)]]), key="metrics_targets"))
    checks = consistency_checks(docs)
    failed = [c for c in checks if c.result == "fail"]
    kinds = sorted(c.kind for c in failed)
    # the share; Scope 1 1.5 ≠ 1.4 and Scope 3 7.4 ≠ 6.4 (repeats); Scope 3's own share row
    # 100.00 is now 100 × 6.4 / 6.4 = 100 (first showing's value): it passes
    assert kinds == ["repeat", "repeat", "share"]
    share = next(c for c in failed if c.kind == "share")
    assert share.shown == 70.0
    assert share.recomputed == pytest.approx(62.5)  # the nearest whole
    assert share.difference == pytest.approx(7.5)


def test_a_total_off_by_more_than_its_rounding_fails() -> None:
    # total 12.6 → shown 13; parts 1 + 2 + 6 = 9; |13 − 9| = 4 > 2.0
    inv = table("inv", [
        [amount(1.4, 0, scope=1)], [amount(2.4, 0, scope=2, basis="market")],
        [amount(6.4, 0, scope=3)], [amount(12.6, 0)],
    ])  # fmt: skip
    (c,) = by_kind(consistency_checks([section(inv)]), "total")
    assert (c.shown, c.recomputed, c.result) == (13, 9, "fail")


def test_base_year_values_and_kpi_sources() -> None:
    kpi_table = table("metrics_targets.kpis", [
        [label("KPI-RE"), number(100.0, "%", 1, ref="kpi:KPI-RE")],
        [label("KPI-X"), number(5.0, "%", 1)],
    ])  # fmt: skip
    checks = consistency_checks(
        [section(kpi_table, key="metrics_targets")],
        base_year=[
            BaseYearValue("NT-S12", 32_000.0, 32_000.0),  # 6,000 + 26,000: equal
            BaseYearValue("LT-ALL", 20_464_500.0, 20_464_499.0),  # 1 t > 0.5 t
            BaseYearValue("NT-S3", None, 5.0),  # not computable: listed, not assumed equal
        ],
        kpis=[
            KpiSource("KPI-RE", True, "computed"),
            KpiSource("KPI-SC", True, None),
            KpiSource("KPI-Z", False, None),
        ],
    )
    base = {c.subject["args"]["target"]: c.result for c in by_kind(checks, "base_year")}
    assert base == {"NT-S12": "pass", "LT-ALL": "fail", "NT-S3": "na"}
    kpi = [(c.subject["v"], c.subject.get("args"), c.result) for c in by_kind(checks, "kpi_source")]
    assert kpi == [
        ("disc_demo.subject.kpi", {"kpi": "KPI-RE"}, "pass"),
        ("disc_demo.subject.kpi", {"kpi": "KPI-SC"}, "fail"),  # a printed status, no value
        # one of the table's two numbers has no ref
        (
            "disc_demo.subject.kpi_table",
            {"table": "metrics_targets.kpis", "numbers": 2, "missing": 1},
            "fail",
        ),
    ]


def test_the_section_states_its_fact_and_lists_the_checks() -> None:
    checks = consistency_checks(consistent())
    every = {"repeat", "total", "share", "base_year", "kpi_source"}
    sec = build_section(checks, [], "published/figures.csv", every)
    assert sec["key"] == "checks"
    assert sec["facts"] == {"checks.consistency": {"status": "complete", "source": "checks"}}
    assert [t["key"] for t in sec["tables"]] == ["checks.consistency"]
    assert len(sec["tables"][0]["rows"]) == len(checks)
    assert sec["paragraphs"][0] == label("disc_demo.checks.summary", checks=len(checks),
                                         passed=len(checks), failed=0, na=0)  # fmt: skip
    assert sec["paragraphs"][1] == label("disc_demo.errata.summary", n=0,
                                         file="published/figures.csv")  # fmt: skip
    partial = build_section(checks, [], None, {"repeat", "total", "share"})
    assert partial["facts"]["checks.consistency"]["status"] == "partial"
    assert label("disc_demo.checks.not_computed.base_year") in partial["paragraphs"]
    assert label("disc_demo.errata.no_figures") in partial["paragraphs"]
    empty = build_section([], [], None, set())
    assert empty["available"] is False
    assert empty["facts"]["checks.consistency"]["status"] == "missing"


def test_a_change_and_an_equity_share_are_not_shares_of_the_figure() -> None:
    cols: list[Column] = [{"key": k, "label": "x"}
                          for k in ("item", "amount", "change_pct", "share")]  # fmt: skip
    rows = [[label("s1"), amount(1.4, 0, scope=1), pct(-21.16),
             number(100.0, "%", 2, ref="boundary:site:GROUP")]]  # fmt: skip
    tbl: Table = {"key": "changes", "title": "x", "columns": cols, "rows": rows}
    assert by_kind(consistency_checks([section(tbl)]), "share") == []


def test_each_check_names_the_fiscal_year_of_its_snapshot() -> None:
    checks = consistency_checks(consistent(), [BaseYearValue("T1", 1.0, 1.0)],
                                years={"S1": "FY2023/24"}, base_year_label="FY2018/19")  # fmt: skip
    assert {c.year for c in checks if c.kind != "base_year"} == {"FY2023/24"}
    assert [c.year for c in checks if c.kind == "base_year"] == ["FY2018/19"]
    row = build_section(checks, [], None, set())["tables"][0]["rows"][0]
    assert row[2] == {"kind": "text", "v": "FY2023/24"}


@pytest.fixture(scope="module")
def disclosed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's disclosed workspace with only FY2023/24 calculated and no targets file."""
    from lingtan.adapters.demo.disclosed import write_disclosed_workspace
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate

    path = tmp_path_factory.mktemp("checks") / "disclosed"
    write_disclosed_workspace(path)
    ctx = LocalContext(path)
    import_file(ctx.workspace(), path / "disclosed_inventory.csv")
    calculate(ctx, "FY2023/24")
    ctx.workspace().engine.dispose()
    return path


def test_checks_section_lists_the_reports_errata_as_reconcile_finds_them(disclosed: Path) -> None:
    from lingtan.adapters.services.calculation import newest_snapshot

    ctx = LocalContext(disclosed)
    _label, snap = newest_snapshot(ctx.workspace(), "FY2023/24")
    assert snap is not None
    scope = EditionScope("disclosed", "demo", "FY2023/24", "2023-04-01", "2024-03-31",
                         str(snap.id), None, None, None)  # fmt: skip
    sec = checks_section(ctx, scope, [])
    # no figure shown, no base year, no targets file: the checks could not be computed, the
    # errata could: the fact is partial
    assert sec["facts"]["checks.consistency"]["status"] == "partial"
    assert label("disc_demo.checks.not_computed.kpi_source") in sec["paragraphs"]
    (errata,) = sec["tables"]
    rows = {r[0]["v"]: r for r in errata["rows"]}
    # FY2023/24 category 1: 100 × 6,507,693 / 15,123,029 = 43.03 %, printed 46.16 (FY2022/23's)
    assert rows["APP23-SH-C1"][4] == number(46.16, "%", 2, ref="published:APP23-SH-C1")
    assert round(float(rows["APP23-SH-C1"][5]["v"] or 0), 2) == 43.03
    assert rows["APP23-SH-C1"][6] == label("reconcile.status.copied")
    # FY2022/23 is not calculated here: its figures are listed missing, lingtan's value n/a
    assert rows["APP22-C1"][6] == label("reconcile.status.missing")
    assert rows["APP22-C1"][5]["kind"] == "na"
