"""``lingtan suppliers ratings|cap|audits|scorecards`` (decision 0064), invoked on the group's own
Typer app. The workspace: :mod:`supplierkit` (spend FY2023/24 in USD of 2023: S-A 14 000,
S-B 6 000, 2 000 without a supplier). The audit-coverage set: S-A 14 000 / 20 000 = 70 % (not
yet 95 %), + S-B = 100 % → A = {S-A, S-B}."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.supplier_reviews import app
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.scoping import tenant_session
from lingtan.adapters.store.suppliers import Supplier
from supplierkit import build_supplier_workspace

runner = CliRunner()


def run(ws: Path, *args: str) -> tuple[int, str]:
    res = runner.invoke(app, [*args, "-w", str(ws)], env={"LINGTAN_LANG": "en"})
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = build_supplier_workspace(tmp_path / "ws")
    opened = LocalContext(folder).workspace()
    with tenant_session(opened.engine, opened.organisation_id) as db:
        for code in ("S-A", "S-B"):
            db.add(Supplier(code=code, legal_name=f"{code} Co", country="CN", status="approved",
                            company_ids=[], categories=[]))  # fmt: skip
        db.commit()
    opened.engine.dispose()
    return folder


def test_rating_plan_item_and_kpis(ws: Path) -> None:
    code, out = run(ws, "ratings", "add", "S-A", "--score", "41", "--date", "2024-01-15")
    assert code == 0, out
    # 2024-01-15 + 90 days = 2024-04-14
    # the plan's number is the store's id (PostgreSQL's sequences are not reset between tests)
    assert re.search(r"plan #\d+ opened, due 2024-04-14", out), out
    code, out = run(ws, "cap", "list", "--overdue", "--today", "2024-04-15", "--json")
    assert code == 0, out
    plans = json.loads(out)
    assert [(p["supplier"], p["status"]) for p in plans] == [("S-A", "overdue")]
    plan = str(plans[0]["id"])
    code, out = run(ws, "cap", "add-item", "S-A", plan, "--finding", "overtime",
                    "--action", "second shift", "--owner", "HR")  # fmt: skip
    assert code == 0, out
    code, out = run(ws, "cap", "list", "--json")
    item = str(next(p for p in json.loads(out) if str(p["id"]) == plan)["items"][0]["id"])
    code, out = run(ws, "cap", "close-item", "S-A", plan, item, "--on", "2024-04-01",
                    "--evidence", "report.pdf")  # fmt: skip
    assert code == 0, out
    assert "the plan is closed" in out
    code, out = run(ws, "ratings", "add", "S-A", "--score", "45.7", "--date", "2024-06-01")
    assert f"Plan #{plan} re-rated: score change +4.7" in out
    code, out = run(ws, "cap", "kpis", "--today", "2024-06-02")
    assert "Closed on time: 100.0 % (1 of 1); mean score change after re-rating: +4.7" in out
    code, out = run(ws, "ratings", "list", "S-A", "--json")
    assert [r["score"] for r in json.loads(out)] == [45.7, 41.0]


def test_refusals_exit_with_their_kind(ws: Path) -> None:
    code, out = run(ws, "ratings", "add", "S-Z", "--score", "41", "--date", "2024-01-15")
    assert code == 3, out  # not found
    code, out = run(ws, "ratings", "add", "S-A", "--score", "141", "--date", "2024-01-15")
    assert code == 2, out  # invalid
    assert "is not a score from 0 to 100" in out


def test_audits_coverage_and_due(ws: Path) -> None:
    code, out = run(ws, "audits", "add", "S-A", "--scheme", "rba_vap", "--date", "2022-06-01",
                    "--score", "160", "--finding", "P1:priority:A1:2022-09-01")  # fmt: skip
    assert code == 0, out
    code, out = run(ws, "audits", "coverage", "FY2023/24", "--json")
    assert code == 0, out
    cov = json.loads(out)
    assert [m["supplier"] for m in cov["members"]] == ["S-A", "S-B"]
    # audited: S-A (2022-06-01 ≥ 2022-03-31) = 14 000 of 22 000 USD (all spend) = 63.64 %
    assert cov["audited_share_pct"] == pytest.approx(100 * 14000 / 22000, rel=1e-9)
    assert cov["gaps"] == ["S-B"]
    code, out = run(ws, "audits", "due", "FY2023/24", "--today", "2024-04-01", "--json")
    due = json.loads(out)
    assert [(d["supplier"], d["due"]) for d in due] == [("S-B", None), ("S-A", "2024-06-01")]
    code, out = run(ws, "audits", "list", "S-A", "--json")
    assert json.loads(out)[0]["findings"][0]["severity"] == "priority"


def test_scorecard_compute_and_show(ws: Path) -> None:
    run(ws, "ratings", "add", "S-B", "--score", "66", "--date", "2024-02-01")
    code, out = run(ws, "scorecards", "compute", "S-B", "2024Q1", "--value", "ghg_inventory=1",
                    "--value", "ghg_verified=1")  # fmt: skip
    assert code == 0, out
    # rating 66 → 100 (weight 5); inventory and verification 100 (weights 4, 4); all weights 85:
    # (500 + 400 + 400) / 85 = 15.29 → grade D, multiplier 0.75
    assert "2024Q1: total 15.3 / 100, grade D, allocation multiplier 0.75" in out
    code, out = run(ws, "scorecards", "show", "S-B", "--json")
    card = json.loads(out)[0]
    assert card["total"] == pytest.approx(1300 / 85)
    code, out = run(ws, "scorecards", "compute", "S-B", "2024Q9")
    assert code == 2, out


def test_the_kpi_set_is_listed(ws: Path) -> None:
    code, out = run(ws, "scorecards", "kpis", "--json")
    assert code == 0, out
    doc = json.loads(out)
    assert len(doc["kpi"]) == 30
    assert doc["version"] == "lingtan-default-2026.1"
