"""A subscription to an MQTT broker that acknowledges only what its owner says is durable
(issue 16 item 1, decision 0072), on paho-mqtt (Eclipse Paho, EPL-2.0 / EDL-1.0).

The client speaks MQTT 5.0 with QoS 1 and a persistent session: a stable client id,
``clean_start`` false and a session expiry interval (MQTT 5.0 §3.1.2.4, §3.1.2.11.2), so the
broker keeps the subscription and every unacknowledged message while the listener is down and
sends them again when it returns (§4.4). Acknowledgements are manual (paho ``manual_ack``): a
message's PUBACK is sent by :meth:`MqttSource.ack`, which the listener calls after the message is
on disk (:mod:`lingtan.adapters.io.reading_wal`). A high Receive Maximum (§3.1.2.11.3) lets the
broker keep many messages in flight while a group of them is being written.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

log = logging.getLogger(__name__)

#: the largest Receive Maximum MQTT 5.0 allows (§3.1.2.11.3)
RECEIVE_MAXIMUM = 65535
#: bytes read from the socket at once [bytes]
READ_CHUNK = 65536
#: how long the broker keeps the session of a listener that is down [s] (7 days)
SESSION_EXPIRY_S = 7 * 24 * 3600

#: (topic, payload, token) → None; the token is given back to :meth:`MqttSource.ack`
OnMessage = Callable[[str, bytes, int], None]


class BrokerUrlError(ValueError):
    """The broker URL is not ``mqtt://[user[:password]@]host[:port]``."""


@dataclass(frozen=True)
class BrokerUrl:
    """Where the broker listens (``mqtt://user:password@host:1883``)."""

    host: str
    port: int = 1883
    username: str | None = None
    password: str | None = None

    def __str__(self) -> str:
        """The URL without its password (safe to print)."""
        user = f"{self.username}@" if self.username else ""
        return f"mqtt://{user}{self.host}:{self.port}"


def parse_broker_url(url: str) -> BrokerUrl:
    """``mqtt://host[:port]`` (``tcp://`` too) → :class:`BrokerUrl`.

    Raises:
        BrokerUrlError: another scheme, no host or a port that is not a number.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("mqtt", "tcp") or not parts.hostname:
        raise BrokerUrlError(f"{url!r}: expected mqtt://host[:port]")
    try:
        port = parts.port or 1883
    except ValueError as exc:
        raise BrokerUrlError(f"{url!r}: the port is not a number") from exc
    return BrokerUrl(
        parts.hostname,
        port,
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
    )


class _BufferedClient(mqtt.Client):
    """paho's client, reading the socket in 64 KiB chunks and every packet they hold per
    wake-up. Stock paho 2.x reads one packet per ``select()`` with three ``recv`` calls
    (command byte, length bytes, rest): at 10,000 messages/s that is most of its time
    (profiled, decision 0072). Relies on paho 2.x's ``_sock_recv`` / ``_packet_read`` hooks."""

    _rbuf: bytes = b""
    _rpos: int = 0
    _rsock: int = 0

    def _sock_recv(self, bufsize: int) -> bytes:
        if self._rsock != id(self._sock):  # a new connection: nothing buffered is valid
            self._rbuf, self._rpos, self._rsock = b"", 0, id(self._sock)
        if self._rpos >= len(self._rbuf):
            data = super()._sock_recv(READ_CHUNK)
            if not data:  # the connection closed
                return data
            self._rbuf, self._rpos = data, 0
        end = min(self._rpos + bufsize, len(self._rbuf))
        out = self._rbuf[self._rpos : end]
        self._rpos = end
        return out

    def loop_read(self, max_packets: int = 1) -> MQTTErrorCode:  # noqa: ARG002 (paho's)
        """Read every packet available: until the socket has nothing more (bytes left in the
        buffer would wait for the next ``select()``). Bounded by the Receive Maximum: the broker
        stops sending until the PUBACKs, written after this returns, arrive."""
        while True:
            if self._sock is None:
                return MQTTErrorCode.MQTT_ERR_NO_CONN
            rc = self._packet_read()
            if rc > 0:
                return self._loop_rc_handle(rc)
            if rc == MQTTErrorCode.MQTT_ERR_AGAIN:
                return MQTTErrorCode.MQTT_ERR_SUCCESS


class MqttSource:
    """One MQTT 5 client subscribed to ``filters`` at QoS 1 (see the module docstring).

    ``on_message(topic, payload, token)`` runs on paho's network thread for each message;
    ``token`` is 0 for a QoS 0 message (nothing to acknowledge), else the packet id to give to
    :meth:`ack` once the message is durable. Acknowledge in the order messages arrived
    (MQTT 5.0 §4.6).
    """

    def __init__(
        self,
        url: BrokerUrl,
        client_id: str,
        filters: Sequence[str],
        on_message: OnMessage,
        *,
        receive_maximum: int = RECEIVE_MAXIMUM,
        session_expiry_s: int = SESSION_EXPIRY_S,
        keepalive_s: int = 30,
    ) -> None:
        self.url = url
        self.client_id = client_id
        self.filters = tuple(filters)
        self.keepalive_s = keepalive_s
        self.connected = threading.Event()
        #: set once the broker granted every subscription of the current connection
        self.subscribed = threading.Event()
        #: reason of the last refused connection or subscription (None: none)
        self.last_error: str | None = None
        self.session_present = False
        self._on_message = on_message
        self._props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        self._props.ReceiveMaximum = receive_maximum
        self._props.SessionExpiryInterval = session_expiry_s
        client = _BufferedClient(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if url.username:
            client.username_pw_set(url.username, url.password)
        client.max_inflight_messages_set(receive_maximum)
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        client.on_connect = self._connected
        client.on_disconnect = self._disconnected
        client.on_subscribe = self._subscribed
        client.on_message = self._message
        self._client = client

    def start(self) -> None:
        """Connect in the background (paho's network thread; it reconnects by itself)."""
        self._client.connect_async(
            self.url.host,
            self.url.port,
            keepalive=self.keepalive_s,
            clean_start=False,
            properties=self._props,
        )
        self._client.loop_start()

    def ack(self, tokens: Sequence[int]) -> None:
        """Send the PUBACK of each durable message (tokens of :data:`OnMessage`, in order)."""
        client = self._client
        for token in tokens:
            if token > 0:
                client.ack(token, 1)

    def stop(self) -> None:
        """Disconnect (the session stays on the broker) and stop the network thread."""
        self._client.disconnect()
        self._client.loop_stop()
        self.connected.clear()
        self.subscribed.clear()

    # -- paho callbacks (network thread) -------------------------------------------------------

    def _connected(
        self, client: mqtt.Client, _u: Any, flags: Any, reason: Any, _p: Any = None
    ) -> None:
        if reason.is_failure:
            self.last_error = str(reason)
            log.warning("MQTT connection to %s refused: %s", self.url, reason)
            return
        self.session_present = bool(getattr(flags, "session_present", False))
        self.last_error = None
        client.subscribe([(f, SubscribeOptions(qos=1)) for f in self.filters])
        self.connected.set()

    def _subscribed(
        self, _c: mqtt.Client, _u: Any, _mid: int, reasons: Any, _p: Any = None
    ) -> None:
        failed = [str(r) for r in reasons if r.is_failure]
        if failed:
            self.last_error = "; ".join(failed)
            log.warning("MQTT subscription refused by %s: %s", self.url, self.last_error)
        else:
            self.subscribed.set()

    def _disconnected(self, _c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any = None) -> None:
        self.connected.clear()
        self.subscribed.clear()
        if reason.is_failure:
            self.last_error = str(reason)

    def _message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        self._on_message(message.topic, bytes(message.payload), message.mid if message.qos else 0)


def topic_matches(topic_filter: str, topic: str) -> bool:
    """Whether ``topic`` matches ``topic_filter`` (``+`` one level, ``#`` the rest; MQTT 5.0
    §4.7)."""
    return bool(mqtt.topic_matches_sub(topic_filter, topic))
