"""``lingtan suppliers requests|coverage|maturity`` (decision 0065) on a workspace, on SQLite and
PostgreSQL (``workspace_store``), through the group's Typer app.

Hand calculation (spend in CNY of price year 2023, Scope 3 category 1, FY2023/24): S1 420 000,
S2 340 000, S3 150 000, S4 60 000, S5 30 000 (strategic); total 1 000 000. Top 95 % ∪
strategic = all five. S1 answers (SBT committed, verified) and is accepted: SBT committed or
set = verified = 420 000 / 1 000 000 = 21/50 = 42.0 %; over the respondents (S1 only) 100 %.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.supplier_requests import app
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.scoping import tenant_session
from lingtan.adapters.store.suppliers import Supplier
from lingtan.adapters.store.workspace import init_workspace, open_workspace
from srkit import SPEND_CSV, add_factor_set

runner = CliRunner()


def run(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path, workspace_store: str) -> Path:
    from lingtan.adapters.io.importer import import_file

    root = tmp_path / "ws"
    init_workspace(root, organisation="Buyer Co", region="CN").engine.dispose()
    add_factor_set(root)
    w = open_workspace(root)
    (root / "spend.csv").write_text(SPEND_CSV, encoding="utf-8")
    rep = import_file(w, root / "spend.csv", template="spend")
    assert rep.rows_rejected == 0, rep.issues
    ctx = LocalContext(root)
    ws_ = ctx.workspace()
    with tenant_session(ws_.engine, ws_.organisation_id, actor=ctx.actor) as db:
        for code in ("S1", "S2", "S3", "S4", "S5"):
            db.add(
                Supplier(
                    code=code,
                    legal_name=f"{code} Ltd",
                    country="CN",
                    status="approved",
                    strategic=code == "S5",
                )
            )
        db.commit()
    w.engine.dispose()
    return root


def _json(*args: str) -> Any:
    code, out = run(*args, "--json")
    assert code == 0, out
    return json.loads(out)


def test_campaign_to_coverage(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    code, out = run("requests", "open", "--fy", "FY2023/24", *w)
    assert code == 0, out
    assert "5 requests sent" in out
    assert "top 95 % of spend ∪ strategic" in out
    code, out = run("requests", "open", "--fy", "FY2023/24", *w)
    assert code == 5, out  # conflict: one campaign per year and kind
    listed = _json("requests", "list", *w)
    ids = {r["supplier_code"]: r["id"] for r in listed["requests"]}
    assert sorted(ids) == ["S1", "S2", "S3", "S4", "S5"]
    code, out = run(
        "requests",
        "tokens",
        str(listed["campaigns"][0]["id"]),
        "--base-url",
        "https://lingtan.example",
        *w,
    )
    assert code == 0, out
    assert out.count("https://lingtan.example/supplier-answer/sr_") == 5
    answer = tmp_path / "s1.json"
    answer.write_text(
        json.dumps(
            {
                "scope1_t": 100,
                "scope2_market_t": 50,
                "verified": True,
                "sbti_status": "committed",
                "sbti_date": "2023-05-01",
            }
        )
    )
    code, out = run("requests", "record", str(ids["S1"]), str(answer), *w)
    assert code == 0, out
    resp = _json("requests", "list", *w)["requests"]
    rid = next(r["newest_response_id"] for r in resp if r["supplier_code"] == "S1")
    code, out = run("requests", "accept", str(rid), *w)
    assert code == 0, out
    code, out = run("coverage", "--fy", "FY2023/24", *w)
    assert code == 0, out
    print(out)
    assert "Denominator: all spend of the year — S = all spend (5 suppliers) = 1e+06 CNY" in out
    assert "Science-based target committed or set: 42.0 % (21/50)  goal 95 %" in out
    assert "Verified GHG data: 42.0 % (21/50)" in out
    assert "not SBTi-conformant" in out
    doc = _json("coverage", "--denominator", "respondents", *w)  # the newest campaign's year
    assert doc["properties"]["verified"]["fraction"] == "1/1"
    assert doc["denominator_suppliers"] == ["S1"]
    code, out = run("coverage", "--fy", "FY2023/24", *w, lang="zh-CN")
    assert "分母" in out
    # maturity: S5 (strategic, no answer) at level 1, next review a quarter later
    code, out = run("maturity", "--review", "--on", "2024-01-15", *w)
    assert code == 0, out
    assert "S5           1  2024-01-15 → 2024-04-15" in out
    # errors exit with their kind's code
    assert run("requests", "accept", "999999", *w)[0] == 3
    assert run("requests", "return", str(rid), "--reason", "late", *w)[0] == 5  # decided
    assert run("coverage", "--fy", "last year", *w)[0] == 2
