"""The PACT host (Technical Specifications v2 and v3) and client (issue 15 item 8, decision 0068),
on SQLite and PostgreSQL: credentials (owners), publishing, Authenticate, ListFootprints with
paging, GetFootprint, Events — over HTTP against a running ``lingtan serve`` — with the
client pulling from it (round trip), token expiry, a wrong secret, a revoked credential, and
cross-tenant isolation (B's credential never sees A's footprints; A's id → NoSuchFootprint).

Hand-checked figures (GHG Protocol Product Standard §8.3.1; the demo's illustrative data):

- configuration ``i7-32-1t-GB`` weighs 1.308 kg (tests/adapters/api/test_api_products.py), so
  ``unitaryProductAmount`` = "1.308" and the footprint per kg = cradle-to-gate / 1.308;
- its supplier SSD's own PACT footprint is 3,000 kg CO2e/kg × 0.008 kg = 24 kg CO2e per
  notebook: the primary data share = 24 / cradle-to-gate × 100 %.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from lingtan.adapters.io.pact_client import PactClient, PactClientError
from lingtan.adapters.services.products import write_demo_products
from lingtan.modules.products import pact as model
from livekit import live_server
from serverkit import Server, TestClient, add_user, owner_client

API = "/api/v1"
GB, CN = "i7-32-1t-GB", "i5-16-512-CN"
PERIOD = {"period_start": "2024-04-01", "period_end": "2025-04-01"}
ENV = {"LINGTAN_SECRET": "live-test", "LINGTAN_WORKERS": "0"}


def _publish(c: TestClient, org: str, config: str, **extra: Any) -> dict[str, Any]:
    body = {"product": "LB14-G5", "configuration": config, **PERIOD, **extra}
    r = c.post(f"{API}/orgs/{org}/pact-footprints", json=body)
    assert r.status_code == 201, r.text
    doc: dict[str, Any] = r.json()
    return doc


def _credential(c: TestClient, org: str, name: str) -> dict[str, Any]:
    r = c.post(f"{API}/orgs/{org}/pact-credentials", json={"name": name})
    assert r.status_code == 201, r.text
    doc: dict[str, Any] = r.json()
    return doc


@pytest.fixture
def world(server_factory: Callable[..., Server]) -> dict[str, Any]:
    """acme publishes GB twice (v1 then v2) and CN once; bravo publishes CN once."""
    srv = server_factory(workers=0)
    a = owner_client(srv, "a@acme.example")
    b = owner_client(srv, "b@bravo.example", "bravo")
    for org in ("acme", "bravo"):
        assert write_demo_products(srv.data_dir / "orgs" / org) is not None
    gb1 = _publish(a, "acme", GB, geography="GB", company_ids=["urn:uscc:91120000000000000A"])
    gb2 = _publish(a, "acme", GB, geography="GB")
    cn = _publish(a, "acme", CN, geography="CN", gwp_set="AR5")
    bravo = _publish(b, "bravo", CN)
    return {
        "srv": srv,
        "a": a,
        "b": b,
        "ids": {"gb1": gb1["id"], "gb2": gb2["id"], "cn": cn["id"], "bravo": bravo["id"]},
        "gb2": gb2,
        "cred_a": _credential(a, "acme", "Buyer One ERP"),
        "cred_b": _credential(b, "bravo", "Buyer Two"),
    }


def _basic(cred: dict[str, Any], secret: str | None = None) -> str:
    raw = f"{cred['client_id']}:{secret or cred['client_secret']}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def _token(c: Any, cred: dict[str, Any]) -> str:
    r = c.post(
        "/auth/token",
        content="grant_type=client_credentials",
        headers={
            "Authorization": _basic(cred),
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    token: str = r.json()["access_token"]
    return token


def test_publishing_freezes_versions_and_deprecates_the_earlier(world: dict[str, Any]) -> None:
    a: TestClient = world["a"]
    doc = world["gb2"]["document"]
    assert world["gb2"]["version"] == 2
    assert model.validate_v2(doc) == []
    assert doc["precedingPfIds"] == [world["ids"]["gb1"]]
    assert doc["pcf"]["unitaryProductAmount"] == "1.308"  # the notebook's mass [kg]
    # per kg = cradle-to-gate (materials + manufacturing) / 1.308 kg, as the footprint shows it
    fp = a.get(f"{API}/orgs/acme/products/LB14-G5/{GB}", params={"on": "2025-03-31"}).json()
    gate = fp["stages_kg_co2e"]["materials"] + fp["stages_kg_co2e"]["manufacturing"]
    assert float(doc["pcf"]["pCfExcludingBiogenic"]) == pytest.approx(gate / 1.308, rel=1e-8)
    # the supplier's SSD: 3,000 kg CO2e/kg × 0.008 kg = 24 kg CO2e of primary data
    assert doc["pcf"]["primaryDataShare"] == pytest.approx(100 * 24 / gate, abs=1e-4)
    listed = a.get(f"{API}/orgs/acme/pact-footprints").json()
    status = {d["id"]: (d["status"], d.get("version")) for d in listed}
    ids = world["ids"]
    assert status == {
        ids["gb1"]: ("Deprecated", 1),
        ids["gb2"]: ("Active", 2),
        ids["cn"]: ("Active", 1),
    }
    # the first version keeps the company id it was published with (frozen)
    first = next(d for d in listed if d["id"] == ids["gb1"])
    assert "urn:uscc:91120000000000000A" in first["companyIds"]


def test_only_owners_manage_credentials_and_secrets_are_stored_hashed(
    world: dict[str, Any],
) -> None:
    srv: Server = world["srv"]
    add_user(srv.engine, "v@acme.example", {"acme": "analyst"})
    analyst = srv.login("v@acme.example")
    r = analyst.post(f"{API}/orgs/acme/pact-credentials", json={"name": "x"})
    assert r.status_code == 403
    assert analyst.get(f"{API}/orgs/acme/pact-credentials").status_code == 403
    listed = world["a"].get(f"{API}/orgs/acme/pact-credentials").json()
    assert [c["name"] for c in listed] == ["Buyer One ERP"]
    assert "client_secret" not in listed[0]
    with srv.engine.connect() as conn:
        stored = conn.execute(text("SELECT secret_hash FROM pact_credential")).scalars().all()
    secret = world["cred_a"]["client_secret"]
    assert all(h.startswith("$argon2id$") and secret not in h for h in stored)


def test_the_host_in_process_v2_and_v3(world: dict[str, Any]) -> None:
    srv: Server = world["srv"]
    c = TestClient(srv.app)
    token = _token(c, world["cred_a"])
    h = {"Authorization": f"Bearer {token}"}
    ids = world["ids"]
    r = c.get("/2/footprints", headers=h)
    assert r.status_code == 200, r.text
    got = {d["id"] for d in r.json()["data"]}
    assert got == {ids["gb1"], ids["gb2"], ids["cn"]}
    assert all(model.validate_v2(d) == [] for d in r.json()["data"])
    v3 = c.get("/3/footprints", headers=h).json()["data"]
    assert all(model.validate_v3(d) == [] for d in v3)
    # v3 filters: the GB configuration's versions; v2 $filter: the AR5 one by country
    r = c.get("/3/footprints", headers=h, params={"geography": "GB", "status": "Active"})
    assert [d["id"] for d in r.json()["data"]] == [ids["gb2"]]
    r = c.get("/2/footprints", headers=h, params={"$filter": "pcf/geographyCountry eq 'CN'"})
    assert [d["id"] for d in r.json()["data"]] == [ids["cn"]]
    r = c.get("/2/footprints", headers=h, params={"$filter": "status eq 'x' or 1 eq 1"})
    assert (r.status_code, r.json()["code"]) == (400, "NotImplemented")
    r = c.get("/2/footprints", headers=h, params={"limit": "abc"})
    assert (r.status_code, r.json()["code"]) == (400, "BadRequest")
    one = c.get(f"/3/footprints/{ids['gb2']}", headers=h).json()["data"]
    assert one["precedingPfIds"] == [ids["gb1"]]
    # events: stored, 200 with an empty body
    asked = {"productId": [f"urn:lingtan:product:LB14-G5:{GB}"], "comment": "FY2024"}
    kind = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"
    ev = {"specversion": "1.0", "id": "req-1", "source": "//buyer.example/pact", "type": kind,
          "data": asked}  # fmt: skip
    r = c.post("/3/events", json=ev, headers={**h, "Content-Type": "application/cloudevents+json"})
    assert (r.status_code, r.content) == (200, b"")
    bad = {**ev, "type": "org.example.Other"}
    r = c.post("/3/events", json=bad, headers=h)
    assert (r.status_code, r.json()["code"]) == (400, "NotImplemented")
    events = world["a"].get(f"{API}/orgs/acme/pact-events").json()
    assert [(e["event_id"], e["kind"]) for e in events] == [("req-1", "request_created")]
    assert world["b"].get(f"{API}/orgs/bravo/pact-events").json() == []
    # no token, a malformed one, a made-up one: BadRequest
    for auth in (None, "Bearer", "Bearer pact_made-up"):
        r = c.get("/2/footprints", headers={"Authorization": auth} if auth else {})
        assert (r.status_code, r.json()["code"]) == (400, "BadRequest")
    # every access is in acme's audit log
    with srv.engine.connect() as conn:
        actions = conn.execute(
            text("SELECT action FROM audit_entry WHERE action LIKE 'pact.%'")
        ).scalars().all()  # fmt: skip
    assert {"pact.token", "pact.list", "pact.get"} <= set(actions)


def test_over_http_client_round_trip_expiry_wrong_secret_and_isolation(
    world: dict[str, Any], db_url: str
) -> None:
    srv: Server = world["srv"]
    ids = world["ids"]
    cred_a, cred_b = world["cred_a"], world["cred_b"]
    # bravo's register knows acme as a supplier: the pulled footprints are linked to it
    from lingtan.adapters.store.scoping import tenant_session
    from lingtan.adapters.store.suppliers import Supplier

    with srv.engine.connect() as conn:
        bravo_id = int(
            conn.execute(text("SELECT id FROM organisation WHERE slug = 'bravo'")).scalar_one()
        )
    with tenant_session(srv.engine, bravo_id) as s:
        s.add(Supplier(code="ACME", legal_name="Acme Notebooks", country="CN", company_ids=[],
                       categories=[]))  # fmt: skip
        s.commit()
    supplier = "ACME"
    with live_server(db_url, srv.data_dir, env=ENV) as live:
        base = live.base
        # discovery names the token endpoint
        disc = httpx.get(f"{base}/.well-known/openid-configuration").json()
        assert disc["token_endpoint"] == f"{base}/auth/token"
        # wrong secret, unknown client: invalid_client (RFC 6749 §5.2)
        for bad in (
            _basic(cred_a, "not-the-secret"),
            _basic({**cred_a, "client_id": "lingtan-nobody"}),
        ):
            r = httpx.post(
                f"{base}/auth/token",
                data={"grant_type": "client_credentials"},
                headers={"Authorization": bad},
            )
            assert (r.status_code, r.json()["error"]) == (401, "invalid_client")
        r = httpx.post(f"{base}/auth/token", data={"grant_type": "password"})
        assert (r.status_code, r.json()["error"]) == (400, "unsupported_grant_type")
        with (
            pytest.raises(PactClientError) as refused,
            PactClient(base, cred_a["client_id"], "not-the-secret") as wrong,
        ):
            wrong.footprints()
        assert refused.value.code == "invalid_client"

        # the client pulls acme's three footprints one per page (Link rel="next")
        with PactClient(base, cred_a["client_id"], cred_a["client_secret"]) as client:
            pulled = client.footprints(limit=1)
            assert {d["id"] for d in pulled} == {ids["gb1"], ids["gb2"], ids["cn"]}
            assert client.footprint(ids["gb2"])["version"] == 2
            # the Link header of the first page names the next one, on the same host
            first = client.http().get(
                f"{base}/2/footprints",
                params={"limit": 2},
                headers={"Authorization": f"Bearer {client._token}"},
            )
            assert len(first.json()["data"]) == 2
            assert first.links["next"]["url"].startswith(f"{base}/2/footprints?")
            # token expiry: TokenExpired (401), then the client authenticates again
            with srv.engine.begin() as conn:
                conn.execute(text("UPDATE pact_token SET expires_at = '2000-01-01 00:00:00'"))
            r = httpx.get(
                f"{base}/2/footprints", headers={"Authorization": f"Bearer {client._token}"}
            )
            assert (r.status_code, r.json()["code"]) == (401, "TokenExpired")
            assert len(client.footprints()) == 3

        # isolation: bravo's credential lists bravo's one footprint, never acme's
        with PactClient(base, cred_b["client_id"], cred_b["client_secret"], version=3) as cb:
            assert [d["id"] for d in cb.footprints()] == [ids["bravo"]]
            for fid in (ids["gb2"], ids["gb1"]):
                with pytest.raises(PactClientError) as no:
                    cb.footprint(fid)
                assert no.value.code == "NotFound"
        with httpx.Client(base_url=base) as hc:
            tb = _token(hc, cred_b)
        r = httpx.get(
            f"{base}/2/footprints/{ids['gb2']}", headers={"Authorization": f"Bearer {tb}"}
        )
        assert (r.status_code, r.json()["code"]) == (404, "NoSuchFootprint")

        # bravo pulls from acme's host (a supplier's host) into its own store: lingtan pact pull
        from typer.testing import CliRunner

        from lingtan.adapters.cli.pact import pact_app

        # acme's credential: the one acme gave bravo, its customer
        args = ["pull", base, "--client-id", cred_a["client_id"], "--secret-env", "PACT_SECRET",
                "--supplier", supplier, "--org", "bravo", "--database", db_url]  # fmt: skip
        env = {"PACT_SECRET": cred_a["client_secret"], "LINGTAN_LANG": "en"}
        for expected in ("3 new, 0 updated", "0 new, 3 updated"):  # pulling again updates
            res = CliRunner().invoke(pact_app, args, env=env)
            assert res.exit_code == 0, res.output
            assert f"3 footprints pulled: {expected}." in res.output
        received = world["b"].get(f"{API}/orgs/bravo/pact-received").json()
        assert {r["footprint_id"] for r in received} == {ids["gb1"], ids["gb2"], ids["cn"]}
        gb2 = next(r for r in received if r["footprint_id"] == ids["gb2"])
        assert gb2["kg_per_product"] == pytest.approx(
            float(world["gb2"]["document"]["pcf"]["pCfExcludingBiogenic"]) * 1.308, rel=1e-8
        )
        assert gb2["supplier"] == supplier
        assert world["a"].get(f"{API}/orgs/acme/pact-received").json() == []

        # revoking acme's credential: its live token is refused at once (AccessDenied)
        with httpx.Client(base_url=base) as hc:
            ta = _token(hc, cred_a)
        assert world["a"].delete(f"{API}/orgs/acme/pact-credentials/{cred_a['id']}").is_success
        r = httpx.get(f"{base}/2/footprints", headers={"Authorization": f"Bearer {ta}"})
        assert (r.status_code, r.json()["code"]) == (403, "AccessDenied")
        # bravo's owner cannot revoke acme's credential (404: not bravo's)
        r = world["b"].delete(f"{API}/orgs/bravo/pact-credentials/{cred_a['id']}")
        assert r.status_code == 404
