"""``lingtan meters listen -w WS``: the workspace's MQTT listener in the foreground (issue 16
item 1, decision 0072) — the same ingestion the server runs as a background thread
(:class:`lingtan.adapters.services.energy_mqtt.MqttIngest`), until Ctrl-C or SIGTERM.

The broker is ``--url``, else ``LINGTAN_MQTT_URL``, else ``broker:`` of ``mqtt.yaml``. On stop
everything already acknowledged is stored before the command exits; a SIGKILL loses nothing
either (the write-ahead file is replayed at the next start). The group is :data:`mqtt_app`
(the surfaces helper attaches :func:`listen` as ``lingtan meters listen``).
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

from lingtan.adapters.cli.common import (
    FAILURES,
    WorkspaceOpt,
    cli_locale,
    err,
    fail,
    local_context,
    say,
)

HELP = "Meter readings from an MQTT broker (mqtt.yaml)."
mqtt_app = typer.Typer(help=HELP, no_args_is_help=True)

UrlOpt = Annotated[
    str | None,
    typer.Option("--url", help="Broker, mqtt://host:port (default: LINGTAN_MQTT_URL, mqtt.yaml)."),
]


@mqtt_app.callback()
def _group() -> None:
    """Meter readings from an MQTT broker."""


@mqtt_app.command("listen")
def listen(workspace: WorkspaceOpt = Path("."), url: UrlOpt = None) -> None:
    """Listen to the broker of mqtt.yaml and store the readings until Ctrl-C or SIGTERM."""
    from lingtan.adapters.i18n.messages import Translator
    from lingtan.adapters.io.mqtt_source import BrokerUrlError
    from lingtan.adapters.services.energy_mqtt import MqttConfigError, MqttIngest, load_config

    try:
        ctx = local_context(workspace)
        config = load_config(ctx.workspace().path)
    except MqttConfigError as exc:
        raise _config_failure(exc) from None
    except FAILURES as exc:
        raise fail(exc) from None
    if config is None:
        say("mqtt.cli.no_config", path=str(workspace / "mqtt.yaml"))
        raise typer.Exit(2)
    broker = url or os.environ.get("LINGTAN_MQTT_URL") or config.broker
    if not broker:
        say("mqtt.cli.no_broker")
        raise typer.Exit(2)
    try:
        ingest = MqttIngest(ctx, config, url=broker)
    except BrokerUrlError as exc:
        err.print(f"error: {exc}", highlight=False)
        raise typer.Exit(2) from None
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    say(
        "mqtt.cli.listening",
        broker=str(ingest.url),
        client_id=ingest.client_id,
        filters=", ".join(s.filter for s in config.subscriptions),
    )
    ingest.run(stop)
    c = ingest.counters
    say(
        "mqtt.cli.stopped",
        received=c.received,
        replayed=c.replayed,
        stored=c.stored,
        duplicates=c.duplicates,
        rejected=c.rejected,
    )
    if ingest.last_error:
        err.print(Translator(cli_locale())("mqtt.cli.not_stored"), highlight=False)
        raise typer.Exit(1)


def _config_failure(exc: Exception) -> typer.Exit:
    from lingtan.adapters.i18n.messages import Translator

    key = getattr(exc, "key", "mqtt.config.invalid")
    params = getattr(exc, "params", {})
    err.print(f"error: {Translator(cli_locale())(key, **params)}", highlight=False)
    return typer.Exit(2)


if __name__ == "__main__":  # python -m lingtan.adapters.cli.energy_mqtt listen -w WS
    mqtt_app()
