"""The server's MQTT listeners (issue 16 item 1, decision 0072): one thread per organisation
whose workspace has an ``mqtt.yaml``, started with the app when ``LINGTAN_MQTT_URL`` is set and
stopped (everything acknowledged stored first) when the app shuts down.

Every organisation's listener uses the server's broker (``broker:`` of a tenant's
``mqtt.yaml`` is ignored here: a tenant cannot point the server at another host) and its own
persistent session (``client_id`` of its ``mqtt.yaml``, else one derived from its workspace
path). A listener whose configuration is invalid is logged and skipped; the others run.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from lingtan.adapters.services.context import JobContext
from lingtan.adapters.services.energy_mqtt import CONFIG_FILE, MqttIngest, load_config
from lingtan.adapters.store.scoping import system_session
from lingtan.adapters.store.tenancy import Organisation
from lingtan.adapters.store.workspace import org_workspace

log = logging.getLogger(__name__)

#: who the audit log names for readings the listener stores
ACTOR = "mqtt-listener"


@dataclass
class Listener:
    """One organisation's running listener."""

    slug: str
    ingest: MqttIngest
    thread: threading.Thread


@dataclass
class MqttListeners:
    """The listeners of a server: :meth:`start` with the app, :meth:`stop` at shutdown."""

    engine: Engine
    url: str
    listeners: list[Listener] = field(default_factory=list)
    stop_event: threading.Event = field(default_factory=threading.Event)

    def organisations(self) -> list[tuple[int, str, Path]]:
        """(id, slug, workspace folder) of every organisation with an ``mqtt.yaml``."""
        with system_session(self.engine) as db:
            rows = db.execute(
                select(Organisation.id, Organisation.slug, Organisation.workspace_path)
            ).all()
        found = [(i, s, Path(p)) for i, s, p in rows if p]
        return [(i, s, p) for i, s, p in found if (p / CONFIG_FILE).is_file()]

    def start(self) -> None:
        """Start a listener thread for each organisation with an ``mqtt.yaml``."""
        self.stop_event.clear()
        for org_id, slug, path in self.organisations():
            try:
                config = load_config(path)
                if config is None:
                    continue
                ws = org_workspace(self.engine, org_id, path, actor=ACTOR)
                ingest = MqttIngest(JobContext(ws), config, url=self.url)
            except Exception:  # one tenant's bad file never stops the server or the others
                log.exception("MQTT listener of %s not started", slug)
                continue
            thread = threading.Thread(
                target=self._run, args=(slug, ingest), name=f"lingtan-mqtt-{slug}", daemon=True
            )
            thread.start()
            self.listeners.append(Listener(slug, ingest, thread))
            log.info("MQTT listener of %s started (%s)", slug, ingest.client_id)

    def _run(self, slug: str, ingest: MqttIngest) -> None:
        try:
            ingest.run(self.stop_event)
        except Exception:
            log.exception("MQTT listener of %s stopped by an error", slug)

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop every listener; each stores what it acknowledged before its thread ends."""
        self.stop_event.set()
        for listener in self.listeners:
            listener.thread.join(timeout_s)
        self.listeners = []
