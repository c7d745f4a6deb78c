"""``/orgs/{org}/mappings`` (issue 13 item 2, decision 0051): save, list, get, delete column
mappings; preview a user's own export through one; upload it with ``mapping``."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from lingtan.adapters.server.worker import run_pending
from serverkit import Server, owner_client

API = "/api/v1"
SITE = {"code": "TJ01", "name": "Tianjin", "entity_code": "MAIN", "region": "CN-TJ"}
EXPORT = (
    "Zähler;Von;Bis;Verbrauch;Lieferant\n"
    "TJ01;01.04.2024;30.04.2024;52.000,5;State Grid\n"
    "TJ99;01.05.2024;31.05.2024;48.000;State Grid\n"
).encode("cp1252")
MAPPING = {
    "template": "electricity",
    "columns": {"Zähler": "site", "Von": "date", "Bis": "period_end", "Verbrauch": "quantity",
                "Lieferant": "supplier"},
    "constants": {"unit": "kWh"},
    "values": {"site": {"tj-01": "TJ01"}},
}  # fmt: skip


@pytest.fixture
def server(server_factory: Callable[..., Server]) -> Server:
    return server_factory(workers=0)


def test_save_list_get_delete_and_errors(server: Server) -> None:
    c = owner_client(server, "owner@acme.example")
    url = f"{API}/orgs/acme/mappings"
    r = c.put(f"{url}/zaehler", json=MAPPING)
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "zaehler"
    assert [m["name"] for m in c.get(url).json()] == ["zaehler"]
    assert c.get(f"{url}/zaehler").json()["constants"] == {"unit": "kWh"}
    bad = {**MAPPING, "columns": {"A": "site", "B": "site", "C": "nope"}}
    r = c.put(f"{url}/bad", json=bad)
    assert r.status_code == 422
    msg = r.json()["error"]["message"]
    assert "'nope'" in msg
    assert "'site' is given by more than one" in msg
    assert "'date'" in msg
    assert c.get(f"{url}/bad").status_code == 404
    assert c.delete(f"{url}/zaehler").status_code == 204
    assert c.get(url).json() == []


def test_preview_and_upload_through_a_saved_mapping(server: Server) -> None:
    c = owner_client(server, "owner@acme.example")
    assert c.post(f"{API}/orgs/acme/sites", json=SITE).status_code == 201
    r = c.post(f"{API}/orgs/acme/mappings/preview",
               files={"file": ("zaehler.csv", EXPORT, "text/csv")},
               data={"mapping": json.dumps(MAPPING), "encoding": "cp1252"})  # fmt: skip
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["header"][0] == "Zähler"
    assert p["delimiter"] == ";"
    assert (p["rows_read"], p["rows_accepted"], p["rows_rejected"]) == (2, 1, 1)
    first, second = p["rows"]
    assert first["activities"][0]["quantity"] == 52000.5
    assert first["activities"][0]["date"] == "2024-04-01"
    assert second["issues"][0]["column"] == "Zähler"  # the user's column
    assert c.put(f"{API}/orgs/acme/mappings/zaehler", json=MAPPING).status_code == 200
    r = c.post(f"{API}/orgs/acme/imports", files={"file": ("zaehler.csv", EXPORT, "text/csv")},
               data={"mapping": "zaehler", "encoding": "cp1252"})  # fmt: skip
    assert r.status_code == 202, r.text
    assert run_pending(server.engine) == 1
    (batch,) = c.get(f"{API}/orgs/acme/imports").json()
    assert (batch["template"], batch["rows_accepted"], batch["rows_rejected"]) == (
        "electricity", 1, 1,
    )  # fmt: skip
    rows = c.get(f"{API}/orgs/acme/quarantine").json()
    assert [(q["row"], q["field"]) for q in rows] == [(3, "Zähler")]
