"""Targets in the server (issue 5 item 6): the organisation's targets file through the JSON API —
progress against the linear pathway, the SBTi check with its clauses, the MACC of a year and
the least-cost plan — with hand-checked numbers (docs/targets.md), on SQLite and PostgreSQL.

Figures (GHG Protocol Mitigation Goal Standard; SBTi Corporate Net-Zero Standard v1.2):

- S12, Scope 1+2, base FY2018/19 = 6,000 + 26,000 = 32,000 t, −50 % by FY2029/30 → target value
  16,000 t; FY2023/24 is 5 of 11 years: pathway P = 32,000 · (1 − 0.5 · 5/11) = 24,727.27 t;
  actual 4,969 + 17,997 = 22,966 t; gap 22,966 − 24,727.27 = −1,761.27 t → on track;
  reduction to date (1 − 22,966/32,000) · 100 = 28.23 %.
- LT, all scopes −80 % by FY2049/50: fails LT-AMBITION (long-term ≥ 90 %).
- MACC of FY2024/25 at 8 %: project EFF, capex 100,000, opex 1,000/yr, savings 20,000/yr,
  10 years: CRF(8 %, 10) = 0.08 · 1.08¹⁰ / (1.08¹⁰ − 1) = 0.149029; EAC = 14,902.95 + 1,000 −
  20,000 = −4,097.05 /yr; 50 t/yr → −81.94 /t. Project GREEN, opex 100,000/yr for 8,000 t/yr →
  12.50 /t. Cheapest first: EFF (0 → 50 t), GREEN (50 → 8,050 t).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from serverkit import Server, TestClient, add_user, owner_client, seed_inventory

API = "/api/v1"

TARGETS_YAML = (Path(__file__).parent / "targets_s12.yaml").read_text(encoding="utf-8")


@pytest.fixture
def acme(server_factory: Callable[..., Server]) -> tuple[Server, TestClient]:
    srv = server_factory(workers=0)
    c = owner_client(srv, "a@acme.example")
    return srv, c


def _put(c: TestClient, text: str) -> Any:
    return c.put(f"{API}/orgs/acme/targets", json={"content": text})


def test_progress_and_sbti_from_the_stored_file(acme: tuple[Server, TestClient]) -> None:
    srv, c = acme
    r = c.get(f"{API}/orgs/acme/targets")
    assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found")
    r = _put(c, TARGETS_YAML)
    assert r.status_code == 200, r.text
    assert (srv.data_dir / "orgs" / "acme" / "targets.yaml").read_text() == TARGETS_YAML
    doc = c.get(f"{API}/orgs/acme/targets").json()
    s12 = next(t for t in doc["targets"] if t["target"]["id"] == "S12")
    assert s12["base_value"] == pytest.approx(32_000)
    assert s12["target_value"] == pytest.approx(16_000)
    fy24 = next(p for p in s12["points"] if p["year"] == "FY2023/24")
    assert fy24["pathway"] == pytest.approx(32_000 * (1 - 0.5 * 5 / 11))  # 24,727.27 t
    assert round(fy24["pathway"]) == 24_727
    assert fy24["actual"] == pytest.approx(22_966)
    assert fy24["gap_tco2e"] == pytest.approx(22_966 - 32_000 * (1 - 0.5 * 5 / 11))  # −1,761.27
    assert fy24["reduction_to_date_pct"] == pytest.approx(28.231, abs=1e-3)
    assert (fy24["status"], s12["status"], s12["latest_year"]) == (
        "on_track",
        "on_track",
        "FY2023/24",
    )
    # SBTi: the long-term −80 % fails LT-AMBITION, naming its clause
    failed = [r for r in doc["sbti"]["results"] if r["verdict"] == "fail"]
    lt = [r for r in failed if r["criterion"] == "LT-AMBITION"]
    assert lt
    assert lt[0]["target_id"] == "LT"
    assert "Net-Zero Standard" in lt[0]["clause"]
    assert "90" in lt[0]["clause"]
    assert doc["sbti"]["compliant"] is False
    assert doc["plan_configured"] is True
    assert doc["years"][0] == "FY2024/25"
    # the stored file comes back as written
    f = c.get(f"{API}/orgs/acme/targets/file")
    assert f.status_code == 200
    assert f.text == TARGETS_YAML


def test_an_invalid_file_names_the_field_and_stores_nothing(
    acme: tuple[Server, TestClient],
) -> None:
    srv, c = acme
    assert _put(c, TARGETS_YAML).status_code == 200
    bad = TARGETS_YAML.replace("reduction_pct: 50", "reduction_pct: fifty")
    r = _put(c, bad)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["field"] == "targets[0].reduction_pct"
    assert "targets.yaml" in err["message"]
    assert "fifty" in err["message"]
    r = _put(
        c, TARGETS_YAML.replace("    scopes: [1, 2]\n", "    scopes: [1, 2]\n    colour: red\n")
    )
    assert (r.status_code, r.json()["error"]["field"]) == (422, "targets[0]")
    assert "colour" in r.json()["error"]["message"]
    r = _put(c, "targets: [unclosed")
    assert (r.status_code, r.json()["error"]["field"]) == (422, "content")
    assert (srv.data_dir / "orgs" / "acme" / "targets.yaml").read_text() == TARGETS_YAML


def test_changes_are_audited_and_need_edit_rights(acme: tuple[Server, TestClient]) -> None:
    srv, c = acme
    assert _put(c, TARGETS_YAML).status_code == 200
    assert _put(c, TARGETS_YAML.replace("Test Co", "Test Co Ltd")).status_code == 200
    entries = c.get(f"{API}/orgs/acme/audit", params={"action": "targets."}).json()
    updates = [e for e in entries if e["action"] == "targets.update"]
    assert len(updates) == 2
    assert updates[0]["before"]["sha256"] == updates[1]["after"]["sha256"]
    assert updates[1]["before"] is None
    assert updates[1]["after"]["targets"] == ["S12", "LT"]
    assert c.get(f"{API}/orgs/acme/audit/verify").json()["ok"] is True
    add_user(srv.engine, "v@acme.example", {"acme": "viewer"})
    viewer = srv.login("v@acme.example")
    assert viewer.get(f"{API}/orgs/acme/targets").status_code == 200
    r = viewer.put(f"{API}/orgs/acme/targets", json={"content": "organisation: x\n"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
    assert viewer.post(f"{API}/orgs/acme/targets/plan").status_code == 403


def test_macc_of_a_year(acme: tuple[Server, TestClient]) -> None:
    _, c = acme
    assert _put(c, TARGETS_YAML).status_code == 200
    m = c.get(f"{API}/orgs/acme/targets/macc/FY2024-25").json()
    assert m["year"] == "FY2024/25"
    assert m["currency"] == "CNY"
    assert [e["project_id"] for e in m["entries"]] == ["EFF", "GREEN"]  # cheapest first
    eff, green = m["entries"]
    crf = 0.08 * 1.08**10 / (1.08**10 - 1)  # 0.149029
    assert eff["annual_cost"] == pytest.approx(100_000 * crf + 1_000 - 20_000)  # −4,097.05
    assert eff["cost_per_t"] == pytest.approx(-81.94, abs=0.005)
    assert green["cost_per_t"] == pytest.approx(100_000 / 8_000)  # 12.50 /t
    assert (eff["cumulative_start_t"], eff["cumulative_end_t"]) == (0, 50)
    assert (green["cumulative_start_t"], green["cumulative_end_t"]) == (50, 8_050)
    r = c.get(f"{API}/orgs/acme/targets/macc/0000")
    assert (r.status_code, r.json()["error"]["field"]) == (422, "fiscal_year")


def test_plan_is_computed_kept_and_marked_stale(acme: tuple[Server, TestClient]) -> None:
    _, c = acme
    assert _put(c, TARGETS_YAML).status_code == 200
    assert c.get(f"{API}/orgs/acme/targets/plan").status_code == 404
    r = c.post(f"{API}/orgs/acme/targets/plan")
    assert r.status_code == 200, r.text
    plan = r.json()
    res = plan["result"]
    assert res["status"] == "optimal"
    # BAU FY2029/30 (flat from FY2023/24) 22,966 t Scope 1+2 must fall to 16,000 t: 6,966 t.
    # EFF (50 t) pays for itself and is taken; the rest needs GREEN (8,000 t).
    chosen = {d["project_id"]: d for d in res["decisions"] if d["chosen"]}
    assert set(chosen) == {"EFF", "GREEN"}
    # EFF saves money (EAC −4,097.05 /yr): from the first year. GREEN (EAC 100,000 /yr) is
    # needed only in the target year: it starts then. Present value at 8 % from FY2024/25:
    # −4,097.05 · Σ_{k=0..5} 1.08^−k (= 4.992710) + 100,000 · 1.08^−5 = −20,455.40 + 68,058.32
    assert (chosen["EFF"]["start_year"], chosen["GREEN"]["start_year"]) == (
        "FY2024/25",
        "FY2029/30",
    )
    eac = 100_000 * 0.08 * 1.08**10 / (1.08**10 - 1) + 1_000 - 20_000
    pv = eac * sum(1.08**-k for k in range(6)) + 100_000 * 1.08**-5
    assert res["objective"] == pytest.approx(pv, rel=1e-6)  # 47,602.9 CNY
    check = next(k for k in res["checks"] if k["target_id"] == "S12" and k["kind"] == "target")
    assert check["met"]
    assert check["limit_t"] == pytest.approx(16_000)
    assert res["credits_t"] == 0
    assert plan["stale"] is False
    assert c.get(f"{API}/orgs/acme/targets/plan").json()["result"] == res
    assert _put(c, TARGETS_YAML.replace("Test Co", "Test Co Ltd")).status_code == 200
    assert c.get(f"{API}/orgs/acme/targets/plan").json()["stale"] is True
    entries = c.get(f"{API}/orgs/acme/audit", params={"action": "targets.plan"}).json()
    assert set(entries[0]["after"]["chosen"]) == {"EFF", "GREEN"}


def test_actuals_come_from_the_organisations_inventories(
    server_factory: Callable[..., Server],
) -> None:
    srv = server_factory(workers=0)
    c = seed_inventory(srv, "a@acme.example")
    s2 = c.get(f"{API}/orgs/acme/inventories/FY2024-25").json()["totals_tco2e"]["scope2_market"]
    assert s2 > 0
    # no emissions in the file: FY2024/25 comes from the calculated inventory
    text = TARGETS_YAML.split("emissions:")[0] + (
        "emissions:\n  FY2018/19: {scope1: 0, scope2_market: " + f"{2 * s2!r}" + "}\n"
        "targets:\n  - {id: S2, name: Scope 2 -50 %, scopes: [2], base_year: FY2018/19,"
        " target_year: FY2029/30, reduction_pct: 50}\n"
    )
    assert _put(c, text).status_code == 200, _put(c, text).text
    doc = c.get(f"{API}/orgs/acme/targets").json()
    row = next(e for e in doc["emissions"] if e["fiscal_year"] == "FY2024/25")
    assert row["scope2_market"] == pytest.approx(s2)
    assert "snapshot" in row["source"]
    point = next(p for p in doc["targets"][0]["points"] if p["year"] == "FY2024/25")
    # base 2·s2, FY2024/25 is 6 of 11 years: P = 2·s2 · (1 − 0.5 · 6/11); actual s2 (−50 %)
    assert point["pathway"] == pytest.approx(2 * s2 * (1 - 0.5 * 6 / 11))
    assert point["actual"] == pytest.approx(s2)
    assert point["reduction_to_date_pct"] == pytest.approx(50.0)
