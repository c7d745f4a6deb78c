"""The reconciliation in the server (issue 10 item 11): ``/orgs/{org}/reconcile`` — the
published figures file stored (audited, checked first), compared with the organisation's newest
inventory, on SQLite and PostgreSQL.

The organisation is :func:`serverkit.seed_inventory`'s: FY2024/25, site TJ01, 100,000 kWh of
grid electricity only, so (hand checks):

- Scope 2 market / total = 100.00 % (the inventory has nothing else) → match;
- Scope 1 = 0 t → match; a printed Scope 1 share of 5.00 % against 0.00 % → unexplained;
- 2.8 GWh × 0.1229 kgce/kWh (GB/T 2589) = 344.12 tce → match;
- FY2030/31 is not calculated → missing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from serverkit import Server, TestClient, add_user, seed_inventory

API = "/api/v1"
HEAD = "id,label,reference,fiscal_year,kind,value,unit,decimals,lingtan\n"
FIGURES = HEAD + (
    'SH2,Scope 2 share,p. 3,FY2024/25,share,100.00,%,2,"share(scope2_market, total)"\n'
    "S1,Scope 1,p. 3,FY2024/25,scope_total,0,t,0,scope1\n"
    'SH1,Scope 1 share,p. 3,FY2024/25,share,5.00,%,2,"share(scope1, total)"\n'
    "E,PV output,p. 9,FY2024/25,energy,2.8,GWh,1,-\n"
    "TCE,PV standard coal,p. 9,FY2024/25,project_tce,344.12,tce,2,tce(E)\n"
    "FUT,Scope 1 2030,p. 4,FY2030/31,scope_total,7,t,0,scope1\n"
)


@pytest.fixture
def acme(server_factory: Callable[..., Server]) -> tuple[Server, TestClient]:
    srv = server_factory(workers=0)
    return srv, seed_inventory(srv, "a@acme.example")


def test_figures_stored_and_reconciled(acme: tuple[Server, TestClient]) -> None:
    srv, c = acme
    r = c.get(f"{API}/orgs/acme/reconcile")
    assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found")
    r = c.put(f"{API}/orgs/acme/reconcile", json={"content": FIGURES})
    assert r.status_code == 200, r.text
    assert (srv.data_dir / "orgs" / "acme" / "published" / "figures.csv").read_text() == FIGURES
    doc = c.get(f"{API}/orgs/acme/reconcile").json()
    status = {f["id"]: f["status"] for f in doc["findings"]}
    assert status == {
        "SH2": "match",
        "S1": "match",
        "SH1": "unexplained",
        "E": "input",
        "TCE": "match",
        "FUT": "missing",
    }
    f = {x["id"]: x for x in doc["findings"]}
    assert f["SH2"]["computed"] == pytest.approx(100.0)
    assert f["TCE"]["computed"] == pytest.approx(344.12)  # 2.8e6 kWh · 0.1229 / 1000
    assert f["SH1"]["cause_code"] == "unexplained"
    assert f["SH1"]["cause_params"]["difference"] == "+5.0000"
    assert doc["counts"]["match"] == 3
    assert list(doc["snapshots"]) == ["FY2024/25"]
    one = c.get(f"{API}/orgs/acme/reconcile", params={"fiscal_year": "FY2030-31"}).json()
    assert [x["id"] for x in one["findings"]] == ["FUT"]
    # served back as stored, except that a text cell starting with a formula character ("-",
    # the PV row's empty formula) is neutralised for spreadsheets (OWASP CSV injection; the
    # reader strips exactly that quote again, so the download re-imports unchanged)
    assert c.get(f"{API}/orgs/acme/reconcile/file").text == FIGURES.replace(",-\n", ",'-\n")
    r = c.get(f"{API}/orgs/acme/reconcile", params={"tolerance": -1})
    assert r.status_code == 422


def test_an_invalid_file_names_row_and_column_and_stores_nothing(
    acme: tuple[Server, TestClient],
) -> None:
    srv, c = acme
    bad = HEAD + "A,x,y,FY2024/25,share,1,%,2,scope1\n"
    r = c.put(f"{API}/orgs/acme/reconcile", json={"content": bad})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["field"] == "content"
    assert "figures.csv, row 2, column 'lingtan'" in err["message"]
    assert not (srv.data_dir / "orgs" / "acme" / "published" / "figures.csv").exists()


def test_changes_are_audited_and_need_edit_rights(acme: tuple[Server, TestClient]) -> None:
    srv, c = acme
    assert c.put(f"{API}/orgs/acme/reconcile", json={"content": FIGURES}).status_code == 200
    entries = c.get(f"{API}/orgs/acme/audit", params={"action": "published_figures."}).json()
    assert [e["action"] for e in entries] == ["published_figures.update"]
    assert entries[0]["after"]["figures"] == 6
    assert entries[0]["actor"] == "a@acme.example"
    add_user(srv.engine, "v@acme.example", {"acme": "viewer"})
    viewer = srv.login("v@acme.example")
    assert viewer.get(f"{API}/orgs/acme/reconcile").status_code == 200
    r = viewer.put(f"{API}/orgs/acme/reconcile", json={"content": FIGURES})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
