"""Supplier projects and training through the JSON API (decision 0067), on SQLite and
PostgreSQL, with hand-checked figures and cross-tenant isolation of every endpoint.

Figures: acme's 星火 project XH-CA (S-A, ¥50 M, 11,500 MWh/yr, 12,000 t/yr, 20 years, 60 % to
acme) measured 9,000 t in FY2023/24 → attributed 0.6 · 9,000 = 5,400 t; implied 12,000 /
11,500 = 1.0435 t/MWh > 0.7901 (CN-HE 2021, the highest CN grid factor bundled) → warning;
¥50,000,000 / 9,000 t = ¥5,555.6/t to date, / 240,000 t = ¥208.3/t over the lifetime. KPI:
5,400 t in FY2023/24 against 1,000,000 · 2/4 = 500,000 t → off track.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from serverkit import Server, TestClient, add_user, owner_client

API = "/api/v1"
PROJECT = {
    "code": "XH-CA", "supplier": "S-A", "name": "Compressed-air retrofit",
    "type": "compressed_air", "region": "CN", "capex_cny": 50e6, "start": "2023-04-01",
    "programmes": ["星火行动"], "ex_ante_t_per_year": 12_000, "attribution_pct": 60,
    "ex_ante": [{"carrier": "electricity", "quantity": 11_500, "unit": "MWh"}],
    "factor_basis": "MEE/NBS 2021 national average", "basis_factor": 0.5568,
}  # fmt: skip
ATTENDANCE = (
    b"event,kind,title,date,person,supplier\n"
    b"ESG-DAY,conference,Supplier ESG Day,2023-11-08,Li Lei,S-A\n"
    b"ESG-DAY,,,,Han Meimei,S-A\n"
    b"W1,webinar,CDP disclosure,2023-06-01,Li Lei,S-A\n"
)


def _supplier(c: TestClient, org: str, code: str) -> None:
    r = c.post(f"{API}/orgs/{org}/suppliers",
               json={"code": code, "legal_name": f"{org} {code}", "country": "CN"})  # fmt: skip
    assert r.status_code == 201, r.text


@pytest.fixture
def world(server_factory: Callable[..., Server]) -> dict[str, Any]:
    srv = server_factory(workers=0)
    a = owner_client(srv, "a@acme.example")
    b = owner_client(srv, "b@bravo.example", "bravo")
    _supplier(a, "acme", "S-A")
    _supplier(b, "bravo", "S-B")
    r = a.post(f"{API}/orgs/acme/supplier-projects", json=PROJECT)
    assert r.status_code == 201, r.text
    r = a.post(f"{API}/orgs/acme/supplier-projects/XH-CA/measurements",
               json={"start": "2023-04-01", "end": "2023-12-31", "t_co2e": 9_000})  # fmt: skip
    assert r.status_code == 201, r.text
    files = {"file": ("attendance.csv", ATTENDANCE, "text/csv")}
    r = a.post(f"{API}/orgs/acme/supplier-training/import", files=files)
    assert r.status_code == 200, r.text
    return {"srv": srv, "a": a, "b": b}


def test_ledger_kpi_and_training(world: dict[str, Any]) -> None:
    a: TestClient = world["a"]
    doc = a.get(f"{API}/orgs/acme/supplier-projects").json()
    (p,) = doc["projects"]
    assert p["attributed_t"] == pytest.approx(5_400)  # 0.6 · 9,000
    assert p["expected_lifetime_t"] == pytest.approx(240_000)  # 12,000 · 20
    assert p["checks"][0]["implied_t_per_mwh"] == pytest.approx(12_000 / 11_500)
    assert p["checks"][0]["exceeds"] is True
    assert p["cost_per_t_to_date"] == pytest.approx(50e6 / 9_000)
    assert p["cost_per_t_lifetime"] == pytest.approx(50e6 / 240_000)
    assert doc["warnings"][0]["key"] == "supplier_programmes.warn.implied_factor"
    assert doc["kpi"]["status"] == "off_track"
    # counted from FY2022/23 (nothing measured then), cumulative
    assert doc["kpi"]["values"] == {"FY2022/23": 0.0, "FY2023/24": pytest.approx(5_400)}
    assert doc["kpi"]["pathway_value"] == pytest.approx(500_000)
    kpi = a.get(f"{API}/orgs/acme/supplier-projects/kpi",
                params={"goal_t": 10_000, "goal_year": "FY2023-24"}).json()  # fmt: skip
    # a goal of 10,000 t by FY2023/24: 5,400 < 10,000 in the goal year → off track
    assert (kpi["status"], kpi["progress_pct"]) == ("off_track", pytest.approx(54.0))
    one = a.get(f"{API}/orgs/acme/supplier-projects/XH-CA").json()
    assert [m["t_co2e"] for m in one["measured"]] == [9_000]
    r = a.patch(f"{API}/orgs/acme/supplier-projects/XH-CA", json={"attribution_pct": 100})
    assert r.json()["attributed_t"] == pytest.approx(9_000)
    s = a.get(f"{API}/orgs/acme/supplier-training", params={"fiscal_year": "FY2023-24"}).json()
    by = {k["kind"]: (k["events"], k["attendances"], k["people"]) for k in s["by_kind"]}
    assert by["conference"] == (1, 2, 2)
    assert by["webinar"] == (1, 1, 1)
    assert [e["code"] for e in a.get(f"{API}/orgs/acme/supplier-training/events").json()] == [
        "W1", "ESG-DAY"]  # fmt: skip


def test_refusals(world: dict[str, Any]) -> None:
    a: TestClient = world["a"]
    r = a.post(f"{API}/orgs/acme/supplier-projects", json=PROJECT)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "conflict")
    r = a.post(
        f"{API}/orgs/acme/supplier-projects", json={**PROJECT, "code": "X", "supplier": "S-B"}
    )
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "supplier"
    r = a.post(f"{API}/orgs/acme/supplier-projects/XH-CA/measurements",
               json={"start": "2024-01-02", "end": "2024-01-01", "t_co2e": 1})  # fmt: skip
    assert r.status_code == 422
    bad = b"event,person,supplier\nESG-DAY,Li Lei,S-Z\n"
    r = a.post(f"{API}/orgs/acme/supplier-training/import",
               files={"file": ("bad.csv", bad, "text/csv")})  # fmt: skip
    assert r.status_code == 422
    assert "bad.csv, row 2, column supplier" in r.json()["error"]["message"]


def test_isolation(world: dict[str, Any]) -> None:
    """bravo's owner reaches nothing of acme's: acme's paths answer 404 (not a member), acme's
    codes in bravo's organisation answer 404, bravo's lists show nothing of acme's, and acme's
    supplier code is unknown to bravo's register."""
    srv: Server = world["srv"]
    b: TestClient = world["b"]
    for method, path, body in (
        ("GET", "supplier-projects", None),
        ("GET", "supplier-projects/kpi", None),
        ("GET", "supplier-projects/programmes", None),
        ("GET", "supplier-projects/XH-CA", None),
        ("PATCH", "supplier-projects/XH-CA", {"name": "stolen"}),
        ("DELETE", "supplier-projects/XH-CA", None),
        ("POST", "supplier-projects/XH-CA/measurements",
         {"start": "2023-01-01", "end": "2023-01-31", "t_co2e": 1}),
        ("POST", "supplier-projects", {**PROJECT, "code": "EVIL"}),
        ("GET", "supplier-training", None),
        ("GET", "supplier-training/events", None),
        ("POST", "supplier-training/events",
         {"code": "EVIL", "kind": "course", "title": "x", "date": "2024-01-01"}),
        ("DELETE", "supplier-training/events/W1", None),
        ("POST", "supplier-training/events/W1/attendance", {"person": "x"}),
    ):  # fmt: skip
        r = b.request(method, f"{API}/orgs/acme/{path}", json=body)
        assert r.status_code == 404, f"{method} {path} on acme → {r.status_code}"
    r = b.post(f"{API}/orgs/acme/supplier-training/import",
               files={"file": ("a.csv", ATTENDANCE, "text/csv")})  # fmt: skip
    assert r.status_code == 404
    # acme's codes inside bravo
    for method, path, body in (
        ("GET", "supplier-projects/XH-CA", None),
        ("PATCH", "supplier-projects/XH-CA", {"name": "stolen"}),
        ("DELETE", "supplier-projects/XH-CA", None),
        ("POST", "supplier-projects/XH-CA/measurements",
         {"start": "2023-01-01", "end": "2023-01-31", "t_co2e": 1}),
        ("DELETE", "supplier-training/events/W1", None),
        ("POST", "supplier-training/events/W1/attendance", {"person": "x"}),
    ):  # fmt: skip
        r = b.request(method, f"{API}/orgs/bravo/{path}", json=body)
        assert r.status_code == 404, f"{method} {path} in bravo → {r.status_code}"
    assert b.get(f"{API}/orgs/bravo/supplier-projects").json()["projects"] == []
    assert b.get(f"{API}/orgs/bravo/supplier-training/events").json() == []
    # acme's supplier S-A is not in bravo's register
    r = b.post(f"{API}/orgs/bravo/supplier-projects", json={**PROJECT, "code": "B1"})
    assert (r.status_code, r.json()["error"]["field"]) == (422, "supplier")
    # acme's data is untouched; a viewer of acme reads but cannot write
    a: TestClient = world["a"]
    assert a.get(f"{API}/orgs/acme/supplier-projects/XH-CA").json()["name"] == PROJECT["name"]
    add_user(srv.engine, "v@acme.example", {"acme": "viewer"})
    v = srv.login("v@acme.example")
    assert v.get(f"{API}/orgs/acme/supplier-projects").status_code == 200
    r = v.post(f"{API}/orgs/acme/supplier-projects/XH-CA/measurements",
               json={"start": "2023-01-01", "end": "2023-01-31", "t_co2e": 1})  # fmt: skip
    assert r.status_code == 403
    event = {"code": "V", "kind": "course", "title": "x", "date": "2024-01-01"}
    r = v.post(f"{API}/orgs/acme/supplier-training/events", json=event)
    assert r.status_code == 403
