"""The set-up operations of the JSON API (decision 0056): exchange rates (``PUT``/``DELETE``
``/orgs/{org}/exchange-rates/{currency}/{year}``), removing an own factor set, and the field
checks of entities and sites, answered in the API's error format."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from serverkit import Server, add_user, owner_client

API = "/api/v1"


@pytest.fixture
def server(server_factory: Callable[..., Server]) -> Server:
    return server_factory(workers=0)


def test_exchange_rates_through_the_api(server: Server) -> None:
    c = owner_client(server, "owner@acme.example")
    url = f"{API}/orgs/acme/exchange-rates"
    # the currency is one of the schema's ISO 4217 codes, upper case (USD is the reference)
    for code in ("cny", "USD"):
        assert c.put(f"{url}/{code}/2023", json={"per_usd": 7, "source": "s"}).status_code == 422
    r = c.put(f"{url}/CNY/2023", json={"per_usd": 7.0467, "source": "PBOC"})
    assert r.status_code == 200, r.text
    assert r.json() == {"year": 2023, "currency": "CNY", "per_usd": 7.0467, "source": "PBOC"}
    assert c.get(url).json() == [r.json()]
    fx = server.data_dir / "orgs" / "acme" / "reference" / "fx_rates.csv"
    assert fx.read_text("utf-8") == "year,currency,per_usd,source\n2023,CNY,7.0467,PBOC\n"
    r = c.put(f"{url}/XYZ/2023", json={"per_usd": 1, "source": "s"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "currency"
    assert c.put(f"{url}/CNY/2023", json={"per_usd": 0, "source": "s"}).status_code == 422
    assert c.delete(f"{url}/CNY/2023").status_code == 204
    assert c.delete(f"{url}/CNY/2023").status_code == 404
    assert c.get(url).json() == []
    audit = c.get(f"{API}/orgs/acme/audit").json()
    entries = audit["entries"] if isinstance(audit, dict) else audit
    mine = [e for e in entries if str(e["action"]).startswith("exchange_rate.")]
    assert {(e["actor"], e["action"]) for e in mine} == {
        ("owner@acme.example", "exchange_rate.set"),
        ("owner@acme.example", "exchange_rate.delete"),
    }
    add_user(server.engine, "viewer@acme.example", {"acme": "viewer"})
    v = server.login("viewer@acme.example")
    assert v.put(f"{url}/CNY/2023", json={"per_usd": 7, "source": "s"}).status_code == 403


def test_boundary_fields_are_checked_and_sites_in_use_kept(server: Server) -> None:
    c = owner_client(server, "owner@acme.example")
    site = {"code": "X1", "name": "X", "entity_code": "MAIN", "region": "CN-XX"}
    r = c.post(f"{API}/orgs/acme/sites", json=site)
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "region"
    r = c.post(f"{API}/orgs/acme/entities", json={"code": "SUB", "name": "Sub", "country": "XX"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "country"
    r = c.delete(f"{API}/orgs/acme/factor-sets/no-such-set")
    assert r.status_code == 404
