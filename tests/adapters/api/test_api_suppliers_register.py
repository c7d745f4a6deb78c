"""The supplier register over the JSON API (issue 15, decision 0063): suppliers, contacts,
sites, the onboarding checklist with evidence, the register's file, spend by supplier from
imported rows, and cross-tenant isolation of every endpoint (another organisation's user gets
404), on SQLite and PostgreSQL (``db_url``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from serverkit import Server, TestClient, owner_client

API = "/api/v1"
BASE = f"{API}/orgs/acme/suppliers"
#: GB 32100-2015's example code (check character 3; tests/modules/suppliers)
USCC = "91350100M000100Y43"

#: FY2024/25 (April–March) spend rows, Scope 3 category 1 (the spend template's default):
#: S-A 100,000 CNY; S-B 10,000 USD of 2024 × 7.0 CNY/USD (the organisation's own 2024 rate)
#: = 70,000 CNY; no supplier 50,000 CNY; S-X (not in the register) 30,000 CNY.
#: Total = 100,000 + 70,000 + 50,000 + 30,000 = 250,000 CNY.
SPEND_CSV = (
    b"date,code,amount,currency,price_year,site,supplier\n"
    b"2024-05-01,naics:334111,100000,CNY,2024,TJ01,S-A\n"
    b"2024-06-01,naics:334111,10000,USD,2024,TJ01,S-B\n"
    b"2024-07-01,naics:334111,50000,CNY,2024,TJ01,\n"
    b"2024-08-01,naics:334111,30000,CNY,2024,TJ01,S-X\n"
)


@pytest.fixture
def server(server_factory: Callable[..., Server]) -> Server:
    return server_factory(workers=0)


def _supplier(c: TestClient, code: str, **extra: object) -> dict[str, object]:
    body = {"code": code, "legal_name": f"{code} Ltd", "country": "CN", **extra}
    r = c.post(BASE, json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_register_contacts_sites_and_status(server: Server) -> None:
    c = owner_client(server, "owner@acme.example")
    a = _supplier(c, "S-A", name_zh="甲电子有限公司", uscc=USCC.lower(), duns="15-048-3782",
                  company_ids=["URN:uuid:00000000-0000-4000-8000-000000000001"],
                  categories=["ELEC", "PCB"], strategic=True)  # fmt: skip
    assert a["uscc"] == USCC
    assert a["duns"] == "150483782"
    assert a["company_ids"] == ["urn:uuid:00000000-0000-4000-8000-000000000001"]
    assert a["status"] == "prospect"
    _supplier(c, "S-B", tier="2", categories=["MECH"])
    # refused fields name themselves
    r = c.post(
        BASE, json={"code": "S-C", "legal_name": "C", "country": "CN", "uscc": USCC[:-1] + "4"}
    )
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "uscc"
    assert c.post(BASE, json={"code": "S-A", "legal_name": "x", "country": "CN"}).status_code == 409
    assert c.post(BASE, json={"code": "S-C", "legal_name": "C", "country": "XX"}).status_code == 422
    # filters: Chinese text, category, tier, strategic
    assert [s["code"] for s in c.get(BASE, params={"q": "甲电子"}).json()] == ["S-A"]
    assert [s["code"] for s in c.get(BASE, params={"category": "MECH"}).json()] == ["S-B"]
    assert [s["code"] for s in c.get(BASE, params={"tier": "2"}).json()] == ["S-B"]
    assert [s["code"] for s in c.get(BASE, params={"strategic": "true"}).json()] == ["S-A"]
    url = f"{BASE}/{a['code']}"  # a supplier is addressed by its code, as in activity files
    r = c.patch(url, json={"legal_name": "S-A Electronics", "uscc": None})
    assert r.status_code == 200, r.text
    assert (r.json()["legal_name"], r.json()["uscc"]) == ("S-A Electronics", None)
    # the workflow: prospect → approved is refused; via onboarding it is allowed
    r = c.post(f"{url}/status", json={"status": "approved", "reason": "skip"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "status"
    assert (
        c.post(f"{url}/status", json={"status": "onboarding", "reason": "RFQ won"}).status_code
        == 200
    )
    r = c.post(f"{url}/status", json={"status": "approved", "reason": "checklist complete"})
    assert r.json()["status"] == "approved"
    assert r.json()["status_reason"] == "checklist complete"
    # contacts and sites
    r = c.post(f"{url}/contacts", json={"name": "王芳", "role": "EHS", "email": "wang@s-a.example"})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert c.post(f"{url}/contacts", json={"name": "X", "email": "no-at"}).status_code == 422
    assert c.patch(f"{url}/contacts/{cid}", json={"phone": "+86 512 1234 5678"}).json()["phone"]
    site = {"code": "SZ1", "name": "Suzhou plant", "region": "CN-JS", "lat": 31.3, "lon": 120.6}
    r = c.post(f"{url}/sites", json=site)
    assert r.status_code == 201, r.text
    assert c.post(f"{url}/sites", json=site).status_code == 409
    assert c.post(f"{url}/sites", json={**site, "code": "X", "region": "CN-XX"}).status_code == 422
    assert [s["code"] for s in c.get(f"{url}/sites").json()] == ["SZ1"]
    assert c.delete(f"{url}/contacts/{cid}").status_code == 204
    assert c.get(f"{url}/contacts").json() == []
    # every change is audited, the caller named
    entries = c.get(f"{API}/orgs/acme/audit").json()
    entries = entries["entries"] if isinstance(entries, dict) else entries
    targets = {
        str(e["target"]).split(":")[0] for e in entries if e["actor"] == "owner@acme.example"
    }
    assert {"supplier", "supplier_contact", "supplier_site"} <= targets


def test_onboarding_evidence_and_reminders(server: Server) -> None:
    c = owner_client(server, "owner@acme.example")
    a = _supplier(c, "S-A")
    url = f"{BASE}/{a['code']}/onboarding"
    today = datetime.now(UTC).date()
    soon = (today + timedelta(days=10)).isoformat()
    r = c.put(f"{url}/iso14001", json={"result": "pass", "expires_on": soon})
    assert r.status_code == 200, r.text
    assert r.json()["checked_by"] == "owner@acme.example"
    r = c.put(
        f"{url}/iso14001/evidence",
        files={"file": ("cert.pdf", b"%PDF-1.7 cert", "application/pdf")},
    )
    assert r.status_code == 200, r.text
    # sha256 of b"%PDF-1.7 cert", recomputed: the file is kept by its hash
    import hashlib

    assert r.json()["evidence_sha256"] == hashlib.sha256(b"%PDF-1.7 cert").hexdigest()
    got = c.get(f"{url}/iso14001/evidence")
    assert got.status_code == 200
    assert got.content == b"%PDF-1.7 cert"
    assert c.put(f"{url}/ghg_verified", json={"result": "fail"}).status_code == 200
    past = (today - timedelta(days=1)).isoformat()
    r = c.put(
        f"{url}/iso45001",
        json={"result": "pass", "checked_on": today.isoformat(), "expires_on": past},
    )
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "expires_on"
    cl = c.get(url).json()
    states = {i["item"]: i["state"] for i in cl["items"]}
    assert states["iso14001"] == "expiring"
    assert states["ghg_verified"] == "fail"
    assert states["iso45001"] == "missing"
    assert cl["recommended"] == "onboarding"
    assert cl["done"] == 1
    rem = c.get(f"{BASE}/reminders", params={"days": 30}).json()
    assert [(x["supplier"], x["item"], x["days_left"]) for x in rem] == [("S-A", "iso14001", 10)]
    assert c.get(f"{BASE}/reminders", params={"days": 5}).json() == []
    assert c.delete(f"{url}/ghg_verified").status_code == 204
    assert c.delete(f"{url}/ghg_verified").status_code == 404


def test_import_export_round_trip(server: Server) -> None:
    c = owner_client(server, "owner@acme.example")
    good = (
        "供应商代码,法定名称,中文名称,国家,层级,品类,战略供应商,统一社会信用代码\n"
        f"S-A,Alpha Ltd,甲公司,CN,1,ELEC;PCB,是,{USCC}\n"
        "S-B,Beta GmbH,,DE,2,MECH,否,\n"
    ).encode("gb18030")
    r = c.post(f"{BASE}/import", files={"file": ("suppliers.csv", good, "text/csv")})
    assert r.status_code == 200, r.text
    assert r.json() == {"created": ["S-A", "S-B"], "updated": []}
    bad = b"code,legal_name,country,uscc,tier\nS-C,C,CN,,1\nS-D,,CN,,1\nS-E,E,XX,123,7\n"
    r = c.post(f"{BASE}/import", files={"file": ("bad.csv", bad, "text/csv")})
    assert r.status_code == 422
    message = r.json()["error"]["message"]
    # every wrong cell, named by file, row and column; nothing imported (S-C neither)
    for cell in ("row 3, column legal_name", "row 4, column country", "row 4, column uscc",
                 "row 4, column tier"):  # fmt: skip
        assert f"bad.csv, {cell}" in message
    assert [s["code"] for s in c.get(BASE).json()] == ["S-A", "S-B"]
    exported = c.get(f"{BASE}/export")
    assert exported.status_code == 200
    text = exported.content.decode("utf-8-sig")
    assert text.splitlines()[1].startswith(f"S-A,Alpha Ltd,甲公司,{USCC},")
    # the export imports back unchanged: both updated, none created
    r = c.post(f"{BASE}/import", files={"file": ("again.csv", exported.content, "text/csv")})
    assert r.json() == {"created": [], "updated": ["S-A", "S-B"]}
    xlsx = c.get(f"{BASE}/export", params={"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    r = c.post(
        f"{BASE}/import", files={"file": ("again.xlsx", xlsx.content, "application/octet-stream")}
    )
    assert r.json() == {"created": [], "updated": ["S-A", "S-B"]}


def test_spend_by_supplier_from_imported_rows(server: Server) -> None:
    from lingtan.adapters.server.worker import run_pending

    c = owner_client(server, "owner@acme.example")
    site = {"code": "TJ01", "name": "Tianjin", "entity_code": "MAIN", "region": "CN-TJ"}
    assert c.post(f"{API}/orgs/acme/sites", json=site).status_code == 201
    rate = {"per_usd": 7.0, "source": "test"}
    assert c.put(f"{API}/orgs/acme/exchange-rates/CNY/2024", json=rate).status_code == 200
    r = c.post(f"{API}/orgs/acme/imports", files={"file": ("spend.csv", SPEND_CSV, "text/csv")},
               data={"template": "spend"})  # fmt: skip
    assert r.status_code in (201, 202), r.text
    assert run_pending(server.engine) == 1
    _supplier(c, "S-A")
    _supplier(c, "S-B")
    r = c.get(f"{BASE}/spend", params={"fiscal_year": "FY2024-25"})
    assert r.status_code == 200, r.text
    spend = r.json()
    assert spend["fiscal_year"] == "FY2024/25"
    assert spend["currency"] == "CNY"
    assert spend["by_supplier"] == pytest.approx(
        {"S-A": 100_000.0, "S-B": 70_000.0, "S-X": 30_000.0}
    )
    assert spend["unattributed"] == pytest.approx(50_000.0)
    assert spend["unregistered"] == pytest.approx({"S-X": 30_000.0})
    assert spend["total"] == pytest.approx(250_000.0)
    # another year has no spend rows
    empty = c.get(f"{BASE}/spend", params={"fiscal_year": "FY2022-23"}).json()
    assert (empty["total"], empty["by_supplier"]) == (0.0, {})
    assert c.get(f"{BASE}/spend", params={"fiscal_year": "2024-13"}).status_code == 422


def test_another_organisation_gets_404_everywhere(server: Server) -> None:
    a = owner_client(server, "owner@acme.example")
    sup = _supplier(a, "S-A")
    code = str(sup["code"])
    url = f"{BASE}/{code}"
    cid = a.post(f"{url}/contacts", json={"name": "A"}).json()["id"]
    site = {"code": "SZ1", "name": "Suzhou", "region": "CN-JS"}
    tid = a.post(f"{url}/sites", json=site).json()["id"]
    assert a.put(f"{url}/onboarding/iso14001", json={"result": "pass"}).status_code == 200
    evidence = {"file": ("c.pdf", b"x", "application/pdf")}
    assert a.put(f"{url}/onboarding/iso14001/evidence", files=evidence).status_code == 200
    b = owner_client(server, "owner@bravo.example", "bravo")
    calls: list[tuple[str, str, dict[str, object]]] = [
        ("GET", BASE, {}),
        ("POST", BASE, {"json": {"code": "EVIL", "legal_name": "E", "country": "CN"}}),
        ("GET", f"{BASE}/spend?fiscal_year=FY2024-25", {}),
        ("GET", f"{BASE}/reminders", {}),
        ("GET", f"{BASE}/export", {}),
        (
            "POST",
            f"{BASE}/import",
            {"files": {"file": ("s.csv", b"code,legal_name,country\nE,E,CN\n", "text/csv")}},
        ),
        ("GET", url, {}),
        ("PATCH", url, {"json": {"legal_name": "Hacked"}}),
        ("POST", f"{url}/status", {"json": {"status": "onboarding", "reason": "x"}}),
        ("GET", f"{url}/contacts", {}),
        ("POST", f"{url}/contacts", {"json": {"name": "Evil"}}),
        ("PATCH", f"{url}/contacts/{cid}", {"json": {"name": "Evil"}}),
        ("DELETE", f"{url}/contacts/{cid}", {}),
        ("GET", f"{url}/sites", {}),
        ("POST", f"{url}/sites", {"json": {**site, "code": "EV"}}),
        ("PATCH", f"{url}/sites/{tid}", {"json": {"name": "Evil"}}),
        ("DELETE", f"{url}/sites/{tid}", {}),
        ("GET", f"{url}/onboarding", {}),
        ("PUT", f"{url}/onboarding/iso45001", {"json": {"result": "fail"}}),
        ("DELETE", f"{url}/onboarding/iso14001", {}),
        ("PUT", f"{url}/onboarding/iso14001/evidence", {"files": evidence}),
        ("GET", f"{url}/onboarding/iso14001/evidence", {}),
    ]
    for method, path, kw in calls:
        # (1) on A's organisation; (2) on B's own organisation with A's ids
        for target in (path, path.replace("/orgs/acme/", "/orgs/bravo/")):
            r = b.request(method, target, **kw)  # type: ignore[arg-type]
            own_list = target.startswith(f"{API}/orgs/bravo/") and code not in target.split("?")[
                0
            ].split("/")
            if own_list:
                continue  # B's own register (not A's ids): allowed, checked below
            assert r.status_code == 404, (method, target, r.status_code, r.text)
    # A's rows are as they were
    assert a.get(url).json()["legal_name"] == "S-A Ltd"
    assert a.get(url).json()["status"] == "prospect"
    assert [x["id"] for x in a.get(f"{url}/contacts").json()] == [cid]
    assert [x["id"] for x in a.get(f"{url}/sites").json()] == [tid]
    assert [i["item"] for i in a.get(f"{url}/onboarding").json()["checks"]] == ["iso14001"]
    assert [s["code"] for s in a.get(BASE).json()] == ["S-A"]
    # B's own register never shows A's supplier
    assert all(s["code"] != "S-A" for s in b.get(f"{API}/orgs/bravo/suppliers").json())
    # codes are unique per organisation: B may have its own S-A, which reaches B's rows only
    theirs = f"{API}/orgs/bravo/suppliers/S-A"
    r = b.post(f"{API}/orgs/bravo/suppliers", json={"code": "S-A", "legal_name": "B's",
                                                     "country": "CN"})  # fmt: skip
    assert r.status_code == 201, r.text
    assert b.get(theirs).json()["legal_name"] == "B's"
    assert b.get(f"{theirs}/contacts").json() == []
    assert b.patch(f"{theirs}/contacts/{cid}", json={"name": "Evil"}).status_code == 404
    assert b.delete(f"{theirs}/sites/{tid}").status_code == 404
    assert b.get(f"{theirs}/onboarding/iso14001/evidence").status_code == 404
    assert a.get(url).json()["legal_name"] == "S-A Ltd"
    assert [x["id"] for x in a.get(f"{url}/sites").json()] == [tid]


def test_supplier_addressed_by_code(server: Server) -> None:
    """The register's paths name a supplier by its code (the ``supplier`` column of activity
    files); a code nobody has is a 404 naming it; the register's own path names (``spend``,
    ``export`` …, decision 0063 addendum) are refused as codes, so they keep answering."""
    c = owner_client(server, "owner@acme.example")
    _supplier(c, "SP.01_x-Y")
    assert c.get(f"{BASE}/SP.01_x-Y").json()["legal_name"] == "SP.01_x-Y Ltd"
    r = c.get(f"{BASE}/NOPE")
    assert r.status_code == 404
    assert "NOPE" in r.text
    assert c.patch(f"{BASE}/NOPE", json={"legal_name": "x"}).status_code == 404
    assert c.get(f"{BASE}/NOPE/contacts").status_code == 404
    for reserved in ("spend", "reminders", "export", "import", "new", "coverage", "requests"):
        body = {"code": reserved, "legal_name": "X", "country": "CN"}
        r = c.post(BASE, json=body)
        assert r.status_code == 422, (reserved, r.text)
        assert r.json()["error"]["field"] == "code"
    # letter case makes another code (paths are case-sensitive): "Export" is a supplier
    _supplier(c, "Export")
    assert c.get(f"{BASE}/Export").json()["code"] == "Export"
    assert c.get(f"{BASE}/export").headers["content-type"].startswith("text/csv")
    # the register's file is refused too when a row takes a reserved code
    csv = b"code,legal_name,country\nreminders,R,CN\n"
    r = c.post(f"{BASE}/import", files={"file": ("s.csv", csv, "text/csv")})
    assert r.status_code == 422
    assert "reminders" in r.text
