"""The API as a client uses it, on SQLite and PostgreSQL: log in, set up the boundary, upload
a file (background job with progress → rejected rows), calculate, read the inventory, drill
into a figure, download, and read the audit log."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import openpyxl
import pytest
import yaml

from serverkit import ELECTRICITY_CSV, PASSWORD, Server, add_user, wait_job

API = "/api/v1"


@pytest.fixture
def server(server_factory: Callable[..., Server]) -> Server:
    srv = server_factory(workers=1)
    add_user(srv.engine, "owner@acme.example")
    return srv


def test_login_me_logout(server: Server) -> None:
    c = server.client
    assert c.get(f"{API}/auth/me").status_code == 401
    bad = c.post(f"{API}/auth/login", json={"email": "owner@acme.example", "password": "nope"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "unauthorized"
    r = c.post(f"{API}/auth/login", json={"email": "Owner@Acme.example", "password": PASSWORD})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert "lingtan_session=" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert c.get(f"{API}/auth/me").json()["user"]["email"] == "owner@acme.example"
    assert c.post(f"{API}/auth/logout").status_code == 204
    c.cookies.clear()
    assert c.get(f"{API}/auth/me").status_code == 401


def test_validation_error_names_the_field(server: Server) -> None:
    c = server.login("owner@acme.example")
    r = c.post(f"{API}/orgs", json={"slug": "Not A Slug!", "name": "x"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "invalid"
    assert err["field"] == "slug"
    r = c.post(f"{API}/orgs", json={"slug": "ok", "name": "bad\u0000name"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "name"


def test_tokens_create_use_revoke(server: Server) -> None:
    c = server.login("owner@acme.example")
    assert c.post(f"{API}/orgs", json={"slug": "acme", "name": "Acme"}).status_code == 201
    assert c.post(f"{API}/orgs", json={"slug": "other", "name": "Other"}).status_code == 201
    r = c.post(f"{API}/orgs/acme/tokens", json={"name": "ci"})
    assert r.status_code == 201
    tok = r.json()
    assert tok["token"].startswith("lt_")
    assert tok["prefix"] == tok["token"][:10]
    api = server.bearer(tok["token"])
    assert api.get(f"{API}/orgs/acme/entities").status_code == 200
    # a token opens only its own organisation, even for a user who is a member of both
    assert api.get(f"{API}/orgs/other/entities").status_code == 404
    listed = c.get(f"{API}/orgs/acme/tokens").json()
    assert [t["name"] for t in listed] == ["ci"]
    assert "token" not in listed[0]
    assert listed[0]["last_used_at"] is not None
    assert c.delete(f"{API}/orgs/acme/tokens/{tok['id']}").json()["revoked_at"] is not None
    assert api.get(f"{API}/orgs/acme/entities").status_code == 401
    # only the hash is stored
    from sqlalchemy import text

    with server.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM api_token")).scalar_one()
    assert tok["token"] not in stored
    assert len(stored) == 64


def test_boundary_import_calculate_explain_download(server: Server) -> None:
    c = server.login("owner@acme.example")
    assert c.post(f"{API}/orgs", json={"slug": "acme", "name": "Acme"}).status_code == 201
    r = c.post(
        f"{API}/orgs/acme/sites",
        json={"code": "TJ01", "name": "Tianjin", "entity_code": "MAIN", "region": "cn-tj"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["region"] == "CN-TJ"
    bad_site = c.post(
        f"{API}/orgs/acme/sites",
        json={"code": "X1", "name": "X", "entity_code": "NOPE", "region": "CN"},
    )
    assert bad_site.status_code == 422
    assert bad_site.json()["error"]["field"] == "entity_code"
    # the boundary is written to the workspace's lingtan.yaml, which calculations read
    cfg = yaml.safe_load((server.data_dir / "orgs/acme/lingtan.yaml").read_text("utf-8"))
    assert {s["id"] for s in cfg["sites"]} == {"HQ", "TJ01"}

    files = {"file": ("electricity_2024.csv", ELECTRICITY_CSV, "text/csv")}
    r = c.post(f"{API}/orgs/acme/imports", files=files)
    assert r.status_code == 202, r.text
    job = wait_job(c, "acme", r.json()["id"])
    assert job["status"] == "done", job
    assert job["progress"] == 1.0
    res = job["result"]
    assert (res["rows_read"], res["rows_accepted"], res["rows_rejected"]) == (3, 2, 1)
    assert res["issues"][0]["row"] == 4  # header = row 1
    assert res["issues"][0]["field"] == "quantity"
    batch = res["batch_id"]
    assert [b["id"] for b in c.get(f"{API}/orgs/acme/imports").json()] == [batch]
    q = c.get(f"{API}/orgs/acme/imports/{batch}/quarantine").json()
    assert [(x["row"], x["field"], x["value"]) for x in q] == [(4, "quantity", "abc")]
    rejected = c.get(f"{API}/orgs/acme/imports/{batch}/rejected")
    assert rejected.status_code == 200
    assert "abc" in rejected.text
    # the same bytes again: idempotent, the same batch
    again = wait_job(c, "acme", c.post(f"{API}/orgs/acme/imports", files=files).json()["id"])
    assert again["result"]["already_imported"] is True
    assert again["result"]["batch_id"] == batch

    r = c.post(f"{API}/orgs/acme/calculations", json={"fiscal_year": "FY2024/25"})
    assert r.status_code == 202
    calc = wait_job(c, "acme", r.json()["id"])
    assert calc["status"] == "done", calc
    snap = calc["result"]["snapshot_id"]
    # Scope 2 location-based: (52,000 + 48,000) kWh × 0.6796 kg CO2/kWh (cn-grid, MEE/NBS 2023
    # Tianjin provincial average; 2024 dates take 2023, the nearest earlier year) = 67,960 kg
    # = 67.96 t (GHG Protocol Scope 2 Guidance)
    view = c.get(f"{API}/orgs/acme/inventories/FY2024-25").json()
    assert view["totals_tco2e"]["scope2_location"] == pytest.approx(67.96, rel=1e-9)
    assert view["fiscal_years"] == ["FY2024/25"]
    assert view["snapshot_id"] == snap
    assert sum(r["tco2e"] for r in view["aggregate_rows"] if r["scope"] == 2 and
               r["basis"] in ("both", "location")) == pytest.approx(67.96)  # fmt: skip
    by_month = c.get(
        f"{API}/orgs/acme/inventories/FY2024-25/breakdown",
        params={"by": "month", "basis": "location"},
    ).json()
    months = {r["key"]: r["tco2e"] for r in by_month["rows"]}
    assert months["2024-04"] == pytest.approx(52000 * 0.6796 / 1000)  # 35.3392 t
    assert months["2024-05"] == pytest.approx(48000 * 0.6796 / 1000)  # 32.6208 t

    ex = c.get(
        f"{API}/orgs/acme/snapshots/{snap[:12]}/explain",
        params={"scope": 2, "basis": "location", "month": "2024-04"},
    ).json()
    assert ex["matches"] is True
    assert ex["recomputed_t"] == pytest.approx(35.3392)  # 52,000 kWh × 0.6796
    assert ex["total_rows"] >= 1
    assert all(r["site"] == "TJ01" for r in ex["rows"])
    assert "52000 [kWh]" in ex["rows"][0]["arithmetic"]

    js = c.get(f"{API}/orgs/acme/inventories/FY2024-25/download", params={"format": "json"})
    assert json.loads(js.content)["totals_tco2e"]["scope2_location"] == pytest.approx(67.96)
    csv = c.get(f"{API}/orgs/acme/inventories/FY2024-25/download", params={"format": "csv"})
    assert csv.text.startswith("fiscal_year,section,key")
    xlsx = c.get(f"{API}/orgs/acme/inventories/FY2024-25/download", params={"format": "xlsx"})
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames

    log = c.get(f"{API}/orgs/acme/audit", params={"limit": 1000}).json()
    actions = {e["action"] for e in log}
    assert {"organisation.create", "site.create", "import.queued", "import_batch.create",
            "calculation.queued", "snapshot.create"} <= actions  # fmt: skip
    created = next(e for e in log if e["action"] == "import_batch.create")
    assert created["actor"].startswith("owner@acme.example")
    assert created["after"]["rows_rejected"] == 1
    assert c.get(f"{API}/orgs/acme/audit/verify").json()["ok"] is True


def test_inventory_errors_are_json(server: Server) -> None:
    c = server.login("owner@acme.example")
    c.post(f"{API}/orgs", json={"slug": "acme", "name": "Acme"})
    r = c.get(f"{API}/orgs/acme/inventories/FY2031-32")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    r = c.get(f"{API}/orgs/acme/inventories/FY2031-35")
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "fiscal_year"
    r = c.get(f"{API}/orgs/acme/nowhere")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
