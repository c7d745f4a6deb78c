"""Request limits applied before anything else: rate per client address and body size.

:class:`RequestLimitsMiddleware` is a pure ASGI middleware, the outermost layer of the app
(``create_app`` adds it last). It decides from the request line and headers alone, before any
route, dependency or authentication runs and before a byte of the body is read:

1. **rate** — a token bucket per client address (``rate_per_s`` sustained, ``rate_burst`` at
   once; addresses in ``rate_exempt``, by default the loopback a reverse proxy connects from,
   are not limited): past it, 429 with ``Retry-After`` [s];
2. **declared size** — a ``Content-Length`` above the route's limit is answered 413 at once,
   the body never read (the server's flow control stops reading the socket);
3. **content type** — under ``/api/``, a body whose ``Content-Type`` is not one its operation
   takes (the OpenAPI document's ``requestBody``; :mod:`~lingtan.adapters.api.content_types`)
   is answered 415, unread;
4. **streamed size** — a chunked body (no ``Content-Length``) is counted as it streams; at the
   limit the request is answered 413 and the rest is never read.

The route's limit is ``max_upload_mb`` (plus multipart overhead) for the upload routes
(:data:`UPLOAD_ROUTES`) and ``max_body_kb`` for every other route. Multipart forms are further
bounded by :data:`FORM_LIMITS` (files, fields, size of a text field) when FastAPI parses them.

Errors have the API's JSON shape (``{"error": {"code", "message", "field"}}``, codes
``too_large``, ``too_many_requests`` and ``unsupported_media_type``) under ``/api/``, and a
small HTML page (zh-CN or en by ``Accept-Language``) elsewhere.

Standards: ASVS 4.0.3 V12.1.1 (the application does not accept large files that could fill
storage or cause a denial of service), V13.1.1 / V13.2 (the same input limits for every
client), V11.1.4 (anti-automation against excessive calls); OWASP API4:2023 (unrestricted
resource consumption); V13.1.5 / V13.2.5 (unexpected or missing content types refused, 415).
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from lingtan.adapters.api import content_types
from lingtan.adapters.api.content_types import BodyTypes
from lingtan.adapters.services.settings import ServerSettings

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KIB = 1024
MIB = 1024 * KIB
#: multipart framing and the small fields sent with an upload (template, csrf token …) [bytes]
MULTIPART_OVERHEAD = 64 * KIB
#: POST routes that take a file (path patterns); every other route has the small body limit
UPLOAD_ROUTES: tuple[re.Pattern[str], ...] = (
    re.compile(r"^/api/v1/orgs/[^/]+/imports$"),
    re.compile(r"^/api/v1/orgs/[^/]+/factor-sets$"),
    re.compile(r"^/o/[^/]+/imports$"),
    re.compile(r"^/api/v1/orgs/[^/]+/readings$"),  # readings from gateways (issue 16)
    re.compile(r"^/o/[^/]+/energy/readings$"),
)
#: limits on a multipart form (FastAPI ``form_limits``; Starlette ``request.form``): files,
#: non-file fields, and the size of one non-file field [bytes]
FORM_LIMITS: dict[str, int] = {"max_files": 4, "max_fields": 200, "max_part_size": 1 * MIB}
#: client addresses remembered by the rate limiter (least recently seen forgotten first)
MAX_TRACKED_CLIENTS = 100_000


class _BodyTooLargeError(Exception):
    """The streamed body passed the limit (the 413 has been sent)."""


@dataclass(frozen=True)
class Limits:
    """The limits of one server: body sizes [bytes], rate [1/s], burst, exempt networks."""

    body_bytes: int
    upload_bytes: int
    rate_per_s: float
    burst: int
    exempt: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    upload_routes: tuple[re.Pattern[str], ...] = UPLOAD_ROUTES

    @classmethod
    def from_settings(cls, settings: ServerSettings) -> Limits:
        """The limits of ``settings`` (``max_body_kb``, ``max_upload_mb``, ``rate_*``).

        Raises:
            ValueError: an entry of ``rate_exempt`` is not an address or network.
        """
        exempt = tuple(ipaddress.ip_network(a, strict=False) for a in settings.rate_exempt)
        return cls(
            body_bytes=settings.max_body_kb * KIB,
            upload_bytes=settings.max_upload_mb * MIB + MULTIPART_OVERHEAD,
            rate_per_s=settings.rate_per_s,
            burst=max(1, settings.rate_burst),
            exempt=exempt,
        )

    def body_limit(self, method: str, path: str) -> int:
        """The largest body accepted by ``method path`` [bytes]."""
        if method == "POST" and any(p.match(path) for p in self.upload_routes):
            return self.upload_bytes
        return self.body_bytes

    def is_exempt(self, host: str | None) -> bool:
        """True when the client address is in an exempt network (no rate limit)."""
        if not host or not self.exempt:
            return False
        try:
            addr = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(addr in net for net in self.exempt)


class TokenBuckets:
    """One token bucket per key (client address), in this process's memory.

    A bucket holds at most ``burst`` tokens and gains ``rate`` per second; a request takes one.
    At most ``max_keys`` buckets are kept (the least recently used is forgotten: it would be
    full again anyway after ``burst / rate`` seconds of silence).
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        max_keys: int = MAX_TRACKED_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """Take a token for ``key``: 0 when allowed, else the seconds until one is free."""
        now = self.clock()
        tokens, seen = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - seen) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


class RequestLimitsMiddleware:
    """The ASGI middleware of the module docstring."""

    def __init__(self, app: ASGIApp, limits: Limits, body_types: BodyTypes | None = None) -> None:
        self.app = app
        self.limits = limits
        self.body_types = body_types
        self.buckets = (
            TokenBuckets(limits.rate_per_s, limits.burst) if limits.rate_per_s > 0 else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        host = str(client[0]) if client else None
        if self.buckets is not None and not self.limits.is_exempt(host):
            wait = self.buckets.take(host or "-")
            if wait > 0:
                retry = max(1, math.ceil(wait))
                await _refuse(scope, send, 429, retry_after=retry)
                return
        limit = self.limits.body_limit(scope.get("method", "GET"), scope.get("path", ""))
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _refuse(scope, send, 400)
                return
            if int(declared) > limit:
                await _refuse(scope, send, 413, limit=limit)
                return
        accepted = self._refused_types(scope, declared)
        if accepted:
            await _refuse(scope, send, 415, accepted=", ".join(sorted(accepted)))
            return
        await self._counted(scope, receive, send, limit)

    def _refused_types(self, scope: Scope, declared: str | None) -> frozenset[str]:
        """The media types the API operation takes when the request's body is of another
        type (or of none); empty when it may go on."""
        path = str(scope.get("path", ""))
        if self.body_types is None or not path.startswith("/api/"):
            return frozenset()
        if declared is not None:
            has_body = int(declared) > 0
        else:  # chunked (HTTP/1.1), or no body at all
            has_body = _header(scope, b"transfer-encoding") is not None
        if not has_body:
            return frozenset()
        method = str(scope.get("method", "GET"))
        return self.body_types.refused(method, path, _header(scope, b"content-type"))

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Run the app, counting the body as it streams; past ``limit``, answer 413."""
        received = 0
        started = False
        refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if not started and not refused:
                        refused = True
                        await _refuse(scope, send, 413, limit=limit)
                    raise _BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:  # the 413 went out; whatever the app answers now is dropped
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:  # else the app's error comes from the refused body: answered
                raise


def _header(scope: Scope, name: bytes) -> str | None:
    headers: Iterable[tuple[bytes, bytes]] = scope.get("headers") or ()
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


#: the HTML page's texts: keys of the web catalogue (``i18n/limits.<locale>.json``)
_KEYS = {400: "limits.bad_request", 413: "limits.too_large", 429: "limits.too_many_requests"}
_CODES = {
    400: "bad_request",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}
#: the API's English messages (API errors stay English with a stable code)
_API_TEXTS = {
    400: "the request's Content-Length is not a number",
    413: "the request is larger than this server accepts ({limit})",
    415: "this operation takes a body of type {accepted}",
    429: "too many requests from your address; try again in {retry} s",
}


def _page_texts(status: int, locale: str) -> tuple[str, str]:
    """(title, message) of the HTML error page, from the web catalogue when it is installed."""
    try:
        from lingtan.adapters.i18n.messages import catalogue
    except ModuleNotFoundError:  # pragma: no cover - the API without the web package
        return _CODES[status].replace("_", " "), _API_TEXTS[status]
    texts = catalogue(locale)
    key = _KEYS[status]
    return texts[f"{key}_title"], texts[key]


def _size(limit: int) -> str:
    return f"{limit / MIB:,.0f} MiB" if limit >= MIB else f"{limit / KIB:,.0f} KiB"


def _locale(scope: Scope) -> str:
    accept = (_header(scope, b"accept-language") or "").lower()
    first_en = accept.find("en")
    first_zh = accept.find("zh")
    if first_en >= 0 and (first_zh < 0 or first_en < first_zh):
        return "en"
    return "zh-CN"


async def _refuse(
    scope: Scope,
    send: Send,
    status: int,
    *,
    limit: int = 0,
    retry_after: int = 0,
    accepted: str = "",
) -> None:
    """Send the error: the API's JSON shape under ``/api/``, else a small HTML page."""
    path = str(scope.get("path", ""))
    headers: list[tuple[bytes, bytes]] = [
        (b"connection", b"close"),
        # sent before the security-headers layer runs: the strictest of its headers here
        (b"x-content-type-options", b"nosniff"),
        (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
        (b"referrer-policy", b"no-referrer"),
        (b"cache-control", b"no-store"),
    ]
    if retry_after:
        headers.append((b"retry-after", str(retry_after).encode()))
    params = {"limit": _size(limit), "retry": retry_after, "accepted": accepted}
    if path.startswith("/api/"):
        message = _API_TEXTS[status].format(**params)
        body = json.dumps(
            {"error": {"code": _CODES[status], "message": message, "field": None}}
        ).encode()
        headers.append((b"content-type", b"application/json"))
    else:
        locale = _locale(scope)
        title, text = _page_texts(status, locale)
        body = (
            f'<!doctype html><html lang="{locale}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
            f"<p>{escape(text.format(**params))}</p></body></html>"
        ).encode()
        headers.append((b"content-type", b"text/html; charset=utf-8"))
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def install(app: Any, settings: ServerSettings) -> None:
    """Add the middleware to ``app``; call it last in ``create_app`` so that it is outermost.
    The content types it checks are those of ``app``'s OpenAPI document, where the 415 is
    declared (:func:`lingtan.adapters.api.content_types.install`)."""
    app.add_middleware(
        RequestLimitsMiddleware,
        limits=Limits.from_settings(settings),
        body_types=content_types.install(app),
    )


def fastapi_options() -> dict[str, Any]:
    """Keyword arguments of ``FastAPI(...)`` for the multipart limits, where this FastAPI
    version takes them (``form_limits``); Starlette's own defaults (1000 files and fields,
    1 MiB a field) apply otherwise."""
    import inspect

    from fastapi import FastAPI

    if "form_limits" in inspect.signature(FastAPI.__init__).parameters:
        return {"form_limits": dict(FORM_LIMITS)}
    return {}
