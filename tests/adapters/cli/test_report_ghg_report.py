"""The ISO 14064-1 GHG report sections, the cl. 9.3.1 checklist, the lineage appendix and the
verification record on a small calculated workspace (issue 19 item 2; decision 0098): every
inventory cell traces with ``lingtan explain`` to the figure it shows (scope 1, scope 2
location-based, scope 3 category 1), Scope 3 categories are reported, excluded with a reason or
said to be open, uncalculated rows are counted, biogenic CO2 is apart, and the verification
record is made, refused with the field named, and stated by its section. Workspace and hand
calculation: :mod:`disclosure_ghg_kit`."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from disclosure_ghg_kit import (
    BASE,
    BASE_SCOPE1_T,
    BIOGENIC_T,
    SCOPE1_T,
    SCOPE2_LOCATION_T,
    SCOPE3_CAT1_T,
    YEAR,
    build_ghg_workspace,
)
from lingtan.adapters.cli.main import app
from lingtan.adapters.cli.report_verification import verification_app
from lingtan.modules.disclosure.document import Cell, EditionScope, Section, Table
from lingtan.modules.disclosure.facts import facts_of

runner = CliRunner()
RECOMPUTED = re.compile(r"recomputed ([\d,.\-]+) t CO2e equals the inventory's ([\d,.\-]+) t CO2e")


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Path:
    return build_ghg_workspace(tmp_path_factory.mktemp(f"ghg-{workspace_store}") / "ws")


def _scope(folder: Path) -> EditionScope:
    from lingtan.adapters.store.workspace import open_workspace

    w = open_workspace(folder)
    try:
        this, base = w.snapshots(YEAR)[0].id, w.snapshots(BASE)[0].id
    finally:
        w.engine.dispose()
    return EditionScope("ghg", "GHG Report Co", YEAR, "2023-04-01", "2024-03-31", this, BASE,
                        base, base)  # fmt: skip


def _sections(folder: Path) -> dict[str, Section]:
    from lingtan.adapters.services import disclosure_ghg as g
    from lingtan.adapters.services.context import LocalContext

    ctx = LocalContext(folder)
    scope = _scope(folder)
    try:
        got = [g.organisation_section(ctx, scope), g.ghg_inventory_section(ctx, scope),
               g.ghg_methods_section(ctx, scope), g.verification_section(ctx, scope),
               g.lineage_appendix_section(ctx, scope)]  # fmt: skip
        got.append(g.iso14064_checklist_section(got))
    finally:
        ctx.workspace().engine.dispose()
    return {s["key"]: s for s in got}


@pytest.fixture(scope="module")
def secs(ws: Path) -> dict[str, Section]:
    """The sections before any verification record (built once per store)."""
    return _sections(ws)


def _table(section: Section, key: str) -> Table:
    return next(t for t in section["tables"] if t["key"] == key)


def _row(table: Table, first: Any) -> list[Cell]:
    return next(r for r in table["rows"] if r[0]["v"] == first)


def _explain(folder: Path, cell: Cell) -> float:
    """``lingtan explain`` with the cell's selection as options: its recomputed figure [t CO2e]
    (the command exits 0 only when it equals the inventory's)."""
    sel = dict(cell["explain"])  # type: ignore[typeddict-item]
    args = ["explain", "-w", str(folder), "--snapshot", str(sel.pop("snapshot"))]
    for k, v in sel.items():
        args += [f"--{k}", str(v)]
    res = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    m = RECOMPUTED.search(res.output)
    assert m is not None, res.output
    return float(m.group(1).replace(",", ""))


def test_inventory_cells_trace_with_explain(ws: Path, secs: dict[str, Section]) -> None:
    inv = secs["ghg_inventory"]
    totals = _table(inv, "totals")
    s1 = _row(totals, "disc_ghg.item.scope1")[1]
    s2l = _row(totals, "disc_ghg.item.scope2_location")[1]
    s3c1 = _row(_table(inv, "scope3_categories"), 1)[3]
    for cell, hand in ((s1, SCOPE1_T), (s2l, SCOPE2_LOCATION_T), (s3c1, SCOPE3_CAT1_T)):
        assert (cell["kind"], cell["unit"]) == ("number", "t CO2e")
        assert cell["v"] == pytest.approx(hand, abs=1e-9)
        assert _explain(ws, cell) == pytest.approx(float(cell["v"]), abs=1e-6)  # explain's 6 dp
    assert s2l["explain"]["basis"] == "location"
    assert s3c1["explain"]["category"] == 1
    bio = _row(totals, "disc_ghg.item.biogenic")[1]
    assert (bio["v"], bio["unit"]) == (pytest.approx(BIOGENIC_T), "t CO2")  # outside the scopes


def test_inventory_states_categories_completeness_and_facts(secs: dict[str, Section]) -> None:
    for key in ("organisation", "ghg_inventory", "ghg_methods", "verification"):
        assert set(secs[key]["facts"]) == set(facts_of(key))
    inv = secs["ghg_inventory"]
    s3 = {r[0]["v"]: (r[2]["v"], r[3], r[4]) for r in _table(inv, "scope3_categories")["rows"]}
    assert s3[1][0] == "disc_ghg.s3status.reported"
    assert s3[2][0] == "disc_ghg.s3status.not_calculated"  # the gadget row: no factor in CN
    assert s3[2][1] == {"kind": "na", "v": "disc_ghg.s3status.not_calculated"}
    assert (s3[8][0], s3[8][2]["v"]) == ("disc_ghg.s3status.excluded", "disc_ghg.reason.size")
    assert s3[13][2]["v"] == "disc_ghg.reason.other"
    assert s3[5][0] == "disc_ghg.s3status.not_reported"
    facts = inv["facts"]
    assert facts["ghg.scope3_categories"]["status"] == "partial"  # 1, 8, 13 of 15 answered
    assert facts["ghg.completeness"]["status"] == "partial"
    assert facts["ghg.scope1"]["status"] == "complete"
    assert facts["ghg.removals"]["status"] == "missing"
    said = [p for p in inv["paragraphs"] if p["v"] == "disc_ghg.para.not_calculated"]
    assert said[0]["args"] == {"rows": 1, "groups": 1}
    gap = _table(inv, "not_calculated")["rows"][0]
    assert (gap[2]["v"], gap[5]["v"], gap[6]["v"]) == ("material.gadget", 12.0, "t")
    trend = _table(inv, "trend")
    assert [r[0]["v"] for r in trend["rows"]] == [BASE, YEAR]  # base = previous: once
    assert _row(trend, YEAR)[1]["v"] == pytest.approx(SCOPE1_T)
    (chart,) = inv["charts"]
    assert (chart["table"], chart["x"]) == ("trend", [BASE, YEAR])
    assert chart["series"][0]["values"] == pytest.approx([BASE_SCOPE1_T, SCOPE1_T])
    base = _table(inv, "base_year")
    assert _row(base, "disc_ghg.item.scope1")[1]["v"] == pytest.approx(BASE_SCOPE1_T)
    org = secs["organisation"]
    assert org["facts"]["org.responsible"]["status"] == "missing"  # no governance role yet
    assert org["facts"]["org.reporting_boundary"]["status"] == "partial"


def test_no_snapshot_means_not_available(ws: Path) -> None:
    from dataclasses import replace

    from lingtan.adapters.services import disclosure_ghg as g
    from lingtan.adapters.services.context import LocalContext

    ctx = LocalContext(ws)
    scope = replace(_scope(ws), snapshot_id=None)
    try:
        inv = g.ghg_inventory_section(ctx, scope)
        org = g.organisation_section(ctx, scope)
    finally:
        ctx.workspace().engine.dispose()
    assert inv["available"] is False
    assert {f["status"] for f in inv["facts"].values()} == {"missing"}
    assert org["facts"]["org.identity"]["status"] == "complete"  # from the scope and lingtan.yaml
    assert org["facts"]["org.reporting_boundary"]["status"] == "missing"


def test_methods_lineage_and_checklist(secs: dict[str, Section]) -> None:
    methods = {r[0]["v"]: r for r in _table(secs["ghg_methods"], "methods")["rows"]}
    assert "GHG Protocol Corporate Standard" in str(methods["s1.combustion.fuel"][2]["v"])
    assert methods["s2.electricity"][1]["v"] == 1
    changes = _table(secs["ghg_methods"], "changes")
    prev, this = _row(changes, "disc_ghg.item.scope1")[1:3]
    assert (prev["v"], this["v"]) == (pytest.approx(BASE_SCOPE1_T), pytest.approx(SCOPE1_T))
    factors = {r[0]["v"]: r for r in _table(secs["lineage_appendix"], "factors")["rows"]}
    assert {"tk/b30/CO2", "tk/b30/CH4", "tk/b30/CO2_biogenic", "tk/grid", "tk/widget"} <= set(
        factors
    )
    assert "tk/gadget" not in factors  # not used: its row was not calculated
    assert factors["tk/grid"][9]["v"] == "Test Co, own factors (2024)"
    assert factors["tk/b30/CO2"][6]["v"] == 2.0
    checklist = {
        r[0]["v"]: r[2]["v"] for r in _table(secs["iso14064_checklist"], "checklist")["rows"]
    }
    assert len(checklist) == 20
    assert checklist["ISO 14064-1:2018 9.3.1 g)"] == "disc_ghg.status.complete"  # biogenic
    assert checklist["ISO 14064-1:2018 9.3.1 h)"] == "disc_ghg.status.missing"  # removals
    assert checklist["ISO 14064-1:2018 9.3.1 s)"] == "disc_ghg.status.missing"  # not verified
    assert checklist["ISO 14064-1:2018 9.3.1 r)"] == "disc_ghg.status.partial"
    assert secs["verification"]["available"] is False


def ver(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(verification_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


def test_verification_record_and_findings(
    ws: Path, secs: dict[str, Section], tmp_path: Path
) -> None:
    w = ("-w", str(ws))
    base = ("add", "--year", YEAR, "--verifier", "Verifier Co", "--standard",
            "ISO 14064-3:2019", "--coverage", "S1,S2,S3.1", "--opinion", "unmodified",
            "--date", "2024-06-30")  # fmt: skip
    code, out = ver(*base, "--level", "high", *w)
    assert code == 2, out
    assert "level" in out
    assert "limited, reasonable" in out
    code, out = ver(*base, "--level", "limited", "--materiality", "150", *w, lang="zh-CN")
    assert code == 2, out
    assert "materiality_pct" in out
    assert "百分比" in out
    code, out = ver(*base, "--level", "limited", "--materiality", "5",
                    "--url", "https://example.org/statement.pdf", *w)  # fmt: skip
    assert code == 0, out
    code, out = ver(*base, "--level", "limited", *w)
    assert code == 5, out  # one record per year and snapshot
    assert "snapshot_id" in out
    (rec,) = json.loads(ver("list", "--json", *w)[1])
    rid = str(rec["id"])
    assert rec["coverage"] == ["S1", "S2", "S3.1"]
    assert rec["snapshot_id"] == _scope(ws).snapshot_id
    assert ver("finding", "add", rid, "Fuel meter not calibrated", "--severity", "major",
               "--raised", "2024-05-10", *w)[0] == 0  # fmt: skip
    code, out = ver("finding", "close", rid, "1", "--evidence", "calibration certificate",
                    "--closed", "2024-05-01", *w)  # fmt: skip
    assert code == 2, out  # closed before it was raised
    assert "closed_on" in out
    assert ver("finding", "close", rid, "1", "--evidence", "calibration certificate",
               "--closed", "2024-06-01", *w)[0] == 0  # fmt: skip
    statement = tmp_path / "statement.pdf"
    statement.write_bytes(b"%PDF-1.4 verification statement")
    assert ver("attach", rid, str(statement), *w)[0] == 0
    (rec,) = json.loads(ver("list", "--json", *w)[1])
    assert rec["statement_sha256"] == hashlib.sha256(statement.read_bytes()).hexdigest()
    assert rec["findings"][0]["closed_on"] == "2024-06-01"
    assert not rec["findings"][0]["open"]
    assert secs["verification"]["available"] is False  # before the record
    secs = _sections(ws)
    section = secs["verification"]
    assert section["available"] is True
    assert {k: v["status"] for k, v in section["facts"].items()} == {
        "ver.statement": "complete", "ver.scope_level": "complete"}  # fmt: skip
    checklist = {
        r[0]["v"]: r[2]["v"] for r in _table(secs["iso14064_checklist"], "checklist")["rows"]
    }
    assert checklist["ISO 14064-1:2018 9.3.1 s)"] == "disc_ghg.status.complete"
