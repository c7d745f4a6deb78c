"""An accepted supplier allocation replaces the spend-based factor for that supplier in
category 1, visible in ``lingtan explain`` (issue 15 item 5, decision 0066; GHG Protocol Scope 3
Standard ch. 7–8, hybrid method).

Workspace and spend-based hand calculation: :mod:`supplierkit` (``xo/steel`` 0.5 kg CO2 per USD
of 2023; S-A 10 000 + 4 000 USD → 7 t, S-B 6 000 USD → 3 t, no supplier 2 000 USD → 1 t).

Accepted allocations of FY2023/24:

* S-A, 3.5 t CO2e (response #7, revenue share): its category 1 spend is 14 000 USD (rows in
  USD of 2023: conversion 1), so EF = 1000 × 3.5 / 14 000 = 0.25 kg CO2e / USD and S-A's rows
  give 10 000 × 0.25 + 4 000 × 0.25 = 3 500 kg = the allocation (was 7 t).
* S-B, 700 t (response #8): 700 000 kg / 6 000 USD = 116.7 kg CO2e / USD > 100: refused as a
  unit slip; S-B keeps its spend-based 3 t.
* S-Z, 1 t (response #9): no category 1 spend with S-Z → refused (no division by zero).

Category 1 = 3.5 + 3 + 1 = 7.5 t; primary (supplier-specific) share = 3.5 / 7.5 = 46.667 %.

:func:`test_accepted_answer_end_to_end` goes through the climate data requests (campaign, the
supplier's answer recorded, the buyer's acceptance: ``lingtan suppliers requests``) and ``lingtan
calc`` / ``lingtan explain``; the other tests give the allocations to the service directly (the
``accepted_for`` seam of :mod:`lingtan.adapters.services.supplier_factors`).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app
from lingtan.adapters.services import supplier_factors as service
from lingtan.adapters.services.calculation import calculate_year
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.workspace import open_workspace
from lingtan.modules.suppliers.requests import AcceptedAllocation
from supplierkit import YEAR, build_supplier_workspace

runner = CliRunner()

AT = datetime(2024, 6, 1, 9, 0)
ALLOCATIONS = [
    AcceptedAllocation("S-A", YEAR, 3.5, "revenue_share", 7, AT),
    AcceptedAllocation("S-B", YEAR, 700.0, "revenue_share", 8, AT),
    AcceptedAllocation("S-Z", YEAR, 1.0, "physical", 9, AT),
]


def lingtan(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args), env={"LINGTAN_LANG": "en"})
    return res.exit_code, res.output


def doc(folder: Path) -> dict[str, object]:
    code, out = lingtan("inventory", "--year", YEAR, "-w", str(folder), "--format", "json")
    assert code == 0, out
    got: dict[str, object] = json.loads(out)
    return got


def test_factors_of_the_year_and_the_refusals(tmp_path: Path) -> None:
    ws = build_supplier_workspace(tmp_path / "ws")
    got = service.supplier_factors(LocalContext(ws), YEAR, allocations=ALLOCATIONS)
    assert [f.supplier for f in got.factors] == ["S-A"]
    f = got.factors[0]
    assert (f.unit, f.basis, f.rows) == ("USD", "spend", 2)
    assert f.denominator == pytest.approx(14_000.0, rel=1e-12)
    assert f.kg_per_unit == pytest.approx(0.25, rel=1e-12)
    refused = {r.supplier: r.key for r in got.refused}
    assert refused == {
        "S-B": "supplier_factors.err.implausible",
        "S-Z": "supplier_factors.err.no_spend",
    }
    assert got.to_dict()["factors"][0]["response_id"] == 7


def test_accepted_allocation_replaces_the_spend_factor_visible_in_explain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = build_supplier_workspace(tmp_path / "ws")  # calculated without allocations
    before = doc(folder)
    assert before["by_supplier_tco2e"] == pytest.approx(
        {"S-A": 7.0, "S-B": 3.0, "unattributed": 1.0}
    )
    # no supplier-specific data yet: the document is as before (decision 0066)
    assert "scope3_category1_primary_share_pct" not in before
    assert "scope3_category1_by_supplier_tco2e" not in before

    monkeypatch.setattr(service, "accepted_for", lambda ws, period: list(ALLOCATIONS))
    code, out = lingtan("calc", "--year", YEAR, "-w", str(folder))
    assert code == 0, out
    after = doc(folder)
    assert after["snapshot_id"] != before["snapshot_id"]  # an accepted answer is a new input
    assert after["scope3_category1_by_supplier_tco2e"] == pytest.approx(
        {"S-A": 3.5, "S-B": 3.0, "unattributed": 1.0}, rel=1e-9
    )
    assert after["by_tier_tco2e"] == pytest.approx({"spend": 4.0, "supplier_specific": 3.5})
    assert after["scope3_category1_primary_share_pct"] == pytest.approx(100 * 3.5 / 7.5, abs=1e-4)
    quality = after["data_quality"]
    assert isinstance(quality, dict)

    code, out = lingtan(
        "explain", "--year", YEAR, "-w", str(folder), "--scope", "3", "--category", "1",
        "--supplier", "S-A",
    )  # fmt: skip
    assert code == 0, out
    assert "supplier-specific: response #7, supplier S-A, allocated by revenue share" in out
    assert "3.5 t CO2e / 14,000 USD = 0.25 kg CO2e/USD" in out
    assert "supplier_specific" in out  # the rows' match
    assert "recomputed 3.500000 t CO2e equals" in out

    # the answer withdrawn: the inputs are those of the first calculation again
    monkeypatch.setattr(service, "accepted_for", lambda ws, period: [])
    ws = open_workspace(folder)
    try:
        assert calculate_year(ws, YEAR).snapshot_id == before["snapshot_id"]
    finally:
        ws.engine.dispose()


def test_supplier_rows_score_better(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Data quality (Scope 3 Standard Table 7.6, Pedigree 1–5, emission-weighted): every row
    scores temporal 2 (factor of 2020 for 2023), geographical 4 (GLO for a CN site),
    technological 4 and reliability 3 (spend tier), completeness 3 → 3.2. S-A's rows with its
    own factor (FY2023/24: year 2023) score temporal 1, geographical 1, technological 1,
    completeness 3, reliability 2 → 1.6; category 1 = (3.5 × 1.6 + 4 × 3.2) / 7.5 = 2.4533."""
    folder = build_supplier_workspace(tmp_path / "ws")
    before = doc(folder)["data_quality"]
    assert isinstance(before, dict)
    assert before["by_scope3_category"]["1"]["score"] == pytest.approx(3.2)
    monkeypatch.setattr(service, "accepted_for", lambda ws, period: list(ALLOCATIONS))
    code, out = lingtan("calc", "--year", YEAR, "-w", str(folder))
    assert code == 0, out
    after = doc(folder)["data_quality"]
    assert isinstance(after, dict)
    assert after["by_scope3_category"]["1"]["score"] == pytest.approx(18.4 / 7.5, abs=1e-3)


def test_factors_command_lists_factors_refusals_and_category1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``lingtan suppliers factors`` (attached by the lead under ``suppliers``; here on its own
    Typer app): S-A's factor, the two refusals in words, and once calculated category 1 by
    supplier with the primary share 46.7 % (hand calculation in the module docstring)."""
    import typer

    from lingtan.adapters.cli.supplier_factors import factors_cmd

    folder = build_supplier_workspace(tmp_path / "ws")
    monkeypatch.setattr(service, "accepted_for", lambda ws, period: list(ALLOCATIONS))
    code, out = lingtan("calc", "--year", YEAR, "-w", str(folder))
    assert code == 0, out
    solo = typer.Typer()
    solo.command("factors")(factors_cmd)
    solo.command("unused")(lambda: None)  # two commands: "factors" stays a sub-command
    res = runner.invoke(solo, ["factors", "--year", YEAR, "-w", str(folder)],
                        env={"LINGTAN_LANG": "en"})  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "S-A: 0.25 kg CO2e/USD (per unit of spend; response #7" in res.output
    assert "S-B: no factor — " in res.output
    assert "above 100" in res.output
    assert "S-Z: no factor — " in res.output
    assert "allocated ÷ 0" in res.output
    assert "share from primary (supplier-specific) data: 46.7 %" in res.output
    zh = runner.invoke(solo, ["factors", "--year", YEAR, "-w", str(folder)],
                       env={"LINGTAN_LANG": "zh-CN"})  # fmt: skip
    assert zh.exit_code == 0, zh.output
    assert "来自一手（供应商特定）数据的占比：46.7 %" in zh.output
    assert "未生成因子" in zh.output
    js = runner.invoke(solo, ["factors", "--year", YEAR, "-w", str(folder), "--json"])
    assert js.exit_code == 0, js.output
    data = json.loads(js.output)
    assert data["factors"][0]["kg_per_unit"] == pytest.approx(0.25)
    assert data["category1"]["primary_share_pct"] == pytest.approx(100 * 3.5 / 7.5)


def test_accepted_answer_end_to_end(tmp_path: Path, workspace_store: str) -> None:
    """The whole path on SQLite and PostgreSQL: S-A and S-B registered, the FY2023/24 climate
    campaign opened, S-A's answer (3.5 t CO2e allocated by revenue share) recorded and accepted
    by the buyer; ``lingtan calc`` then gives S-A 3.5 t (0.25 kg CO2e / USD × 14 000 USD) in
    place of 7 t, and ``lingtan explain`` names the response. Before the acceptance the answer
    changes nothing (only accepted answers count)."""
    from lingtan.adapters.cli.supplier_requests import app as requests_app
    from lingtan.adapters.store.scoping import tenant_session
    from lingtan.adapters.store.suppliers import Supplier

    folder = build_supplier_workspace(tmp_path / "ws")
    ctx = LocalContext(folder)
    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        for code in ("S-A", "S-B"):
            db.add(Supplier(code=code, legal_name=f"{code} Ltd", country="CN", status="approved"))
        db.commit()
    ws.engine.dispose()

    def requests(*args: str) -> str:
        res = runner.invoke(requests_app, [*args, "-w", str(folder)], env={"LINGTAN_LANG": "en"})
        assert res.exit_code == 0, res.output
        return res.output

    requests("requests", "open", "--fy", YEAR)
    listed = json.loads(requests("requests", "list", "--json"))
    request_id = next(r["id"] for r in listed["requests"] if r["supplier_code"] == "S-A")
    answer = tmp_path / "s-a.json"
    answer.write_text(json.dumps({"scope1_t": 120, "scope2_market_t": 80,
                                  "allocated_to_customer_t": 3.5,
                                  "allocation_method": "revenue_share"}))  # fmt: skip
    requests("requests", "record", str(request_id), str(answer))
    code, out = lingtan("calc", "--year", YEAR, "-w", str(folder))
    assert code == 0, out
    assert doc(folder)["by_supplier_tco2e"] == pytest.approx(
        {"S-A": 7.0, "S-B": 3.0, "unattributed": 1.0}
    )  # answered, not accepted: nothing changes

    listed = json.loads(requests("requests", "list", "--json"))
    response_id = next(
        r["newest_response_id"] for r in listed["requests"] if r["supplier_code"] == "S-A"
    )
    requests("requests", "accept", str(response_id))
    code, out = lingtan("calc", "--year", YEAR, "-w", str(folder))
    assert code == 0, out
    after = doc(folder)
    assert after["scope3_category1_by_supplier_tco2e"] == pytest.approx(
        {"S-A": 3.5, "S-B": 3.0, "unattributed": 1.0}, rel=1e-9
    )
    assert after["scope3_category1_primary_share_pct"] == pytest.approx(100 * 3.5 / 7.5, abs=1e-4)
    code, out = lingtan(
        "explain", "--year", YEAR, "-w", str(folder), "--scope", "3", "--category", "1",
        "--supplier", "S-A",
    )  # fmt: skip
    assert code == 0, out
    assert f"supplier-specific: response #{response_id}, supplier S-A" in out
    assert "3.5 t CO2e / 14,000 USD = 0.25 kg CO2e/USD" in out
    assert "recomputed 3.500000 t CO2e equals" in out
