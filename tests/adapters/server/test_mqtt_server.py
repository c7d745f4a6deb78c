"""The server's MQTT listeners (issue 16 item 1, decision 0072): with ``LINGTAN_MQTT_URL`` set,
``create_app`` starts one listener per organisation with an ``mqtt.yaml``; readings published
to the broker reach that organisation's reading store; shutdown stops the listeners cleanly."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from lingtan.adapters.services.settings import ServerSettings
from mqttkit import Broker, Publisher, broker, publisher, stored, wait_until
from serverkit import Server, new_org

__all__ = ["broker", "publisher"]  # fixtures

T0 = 1_704_067_200  # 2024-01-01T00:00:00Z [s since the epoch]


def test_the_mqtt_setting_is_read_from_the_environment(monkeypatch: Any) -> None:
    monkeypatch.setenv("LINGTAN_MQTT_URL", " mqtt://127.0.0.1:1883 ")
    assert ServerSettings.from_env().mqtt_url == "mqtt://127.0.0.1:1883"
    monkeypatch.delenv("LINGTAN_MQTT_URL")
    assert ServerSettings.from_env().mqtt_url == ""


def _org_with_meter(srv: Server, slug: str, broker: Broker, *, mqtt: bool) -> Path:
    """Organisation ``slug`` with meter ``M1`` (electricity, site HF) and, with ``mqtt``, an
    mqtt.yaml on this test's topics."""
    from lingtan.adapters.services.context import JobContext
    from lingtan.adapters.services.meters import create_meter
    from lingtan.adapters.store.scoping import system_session, tenant_session
    from lingtan.adapters.store.tenancy import Organisation
    from lingtan.adapters.store.workspace import org_workspace

    new_org(srv.engine, srv.data_dir, slug, f"owner@{slug}.test")
    with system_session(srv.engine) as db:
        org = db.execute(select(Organisation).where(Organisation.slug == slug)).scalar_one()
        org_id, path = org.id, Path(str(org.workspace_path))
    ctx = JobContext(org_workspace(srv.engine, org_id, path, actor="test"))
    with tenant_session(srv.engine, org_id, actor="test") as db:
        create_meter(
            db,
            ctx,
            {"code": "M1", "site": "HF", "carrier": "electricity", "unit": "kWh", "source": "grid"},
        )
    if mqtt:
        cfg = {
            "client_id": broker.client_id(slug),
            "flush_seconds": 0.2,
            "subscriptions": [
                {
                    "filter": f"{broker.prefix}/{slug}/+",
                    "meter": {"segment": 3},
                    "ts": "ts",
                    "value": "v",
                }
            ],
        }
        (path / "mqtt.yaml").write_text(json.dumps(cfg), encoding="utf-8")
    return path


def test_the_server_listens_for_each_organisation_with_an_mqtt_file_and_stops_cleanly(
    server_factory: Callable[..., Server], broker: Broker, publisher: Publisher
) -> None:
    first = server_factory()  # no MQTT setting: no listener
    assert first.app.state.mqtt is None
    acme = _org_with_meter(first, "acme", broker, mqtt=True)
    _org_with_meter(first, "quiet", broker, mqtt=False)
    srv = server_factory(mqtt_url=broker.url)
    listeners = srv.app.state.mqtt
    assert [x.slug for x in listeners.listeners] == ["acme"]
    ingest = listeners.listeners[0].ingest
    wait_until(ingest.ready.is_set, what="the server's listener subscribed")
    publisher.publish_all(
        [(f"{broker.prefix}/acme/M1", {"ts": T0 + 900 * i, "v": 2.5}) for i in range(400)]
    )
    wait_until(lambda: stored(acme)[:2] == (400, 1000.0), what="400 readings stored")  # 400 x 2.5
    threads = [x.thread for x in listeners.listeners]
    listeners.stop()
    assert not any(t.is_alive() for t in threads)
