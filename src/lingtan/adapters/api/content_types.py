"""Request content types: a body of a type its operation does not take is refused 415, unread.

The OpenAPI document is the one list of what each operation takes (``requestBody.content``):
:class:`BodyTypes` reads it once and tells, for a method and path, the media types accepted;
:func:`declare_415` adds the 415 answer to every operation with a body in the same document, so
that the contract and the check cannot disagree. The check itself runs in
:class:`~lingtan.adapters.api.limits.RequestLimitsMiddleware`, from the request's headers alone,
before a route runs and before a byte of the body is read.

Rules:

* only a request that carries a body (``Content-Length`` above 0, or ``Transfer-Encoding``) to
  an operation that declares one is checked; a route without a body never reads one;
* the media type is compared without its parameters (``charset``, ``boundary``) and case
  aside; a body without ``Content-Type`` is refused as well (FastAPI would answer 422);
* an operation taking a form (``application/x-www-form-urlencoded``) takes
  ``multipart/form-data`` too (FastAPI reads either); an upload (``multipart/form-data``) takes
  nothing else.

Standards: OWASP ASVS 4.0.3 V13.1.5 (requests with unexpected or missing content types are
rejected, with 415 and the right headers), V13.2.5 (REST services check the incoming
``Content-Type`` is the expected one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lingtan.adapters.api.routes.common import ERROR_TEXT

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
#: the 415 answer of an operation in the OpenAPI document (the API's error shape)
RESPONSE_415: dict[str, Any] = {
    "description": ERROR_TEXT[415],
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
}


@dataclass(frozen=True)
class BodyRoute:
    """An operation that takes a body: its method, its path as a pattern, its media types."""

    method: str
    pattern: re.Pattern[str]
    accepted: frozenset[str]


def body_routes(document: dict[str, Any]) -> tuple[BodyRoute, ...]:
    """Every operation of the OpenAPI ``document`` with a ``requestBody``, in document order
    (the routes' order: the first match is the route that answers)."""
    routes: list[BodyRoute] = []
    for path, item in document.get("paths", {}).items():
        template = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path))
        pattern = re.compile(template + r"\Z")
        for method, operation in item.items():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if not body:
                continue
            types = {t.lower() for t in body.get("content", {})}
            if FORM in types:
                types.add(MULTIPART)
            routes.append(BodyRoute(method.upper(), pattern, frozenset(types)))
    return tuple(routes)


def media_type(content_type: str | None) -> str:
    """``multipart/form-data; boundary=x`` → ``multipart/form-data`` ('' when missing)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


class BodyTypes:
    """The media types each operation with a body takes, read from the OpenAPI document the
    first time a request with a body comes (the document is complete by then)."""

    def __init__(self, document: Callable[[], dict[str, Any]]) -> None:
        self._document = document
        self._routes: tuple[BodyRoute, ...] | None = None

    def accepted(self, method: str, path: str) -> frozenset[str] | None:
        """The media types ``method path`` takes; None when it takes no body (not checked)."""
        if self._routes is None:
            self._routes = body_routes(self._document())
        for route in self._routes:
            if route.method == method and route.pattern.match(path):
                return route.accepted
        return None

    def refused(self, method: str, path: str, content_type: str | None) -> frozenset[str]:
        """The media types ``method path`` takes when ``content_type`` is not one of them (the
        request is to be refused 415); empty when it is accepted or not checked."""
        accepted = self.accepted(method, path)
        if accepted is None or media_type(content_type) in accepted:
            return frozenset()
        return accepted


def declare_415(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the 415 answer on every operation that takes a body (in place, and
    idempotent)."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("requestBody"):
                operation.setdefault("responses", {}).setdefault("415", RESPONSE_415)
    return document


def install(app: Any) -> BodyTypes:
    """Declare the 415 in ``app``'s OpenAPI document and return the table the request-limits
    middleware checks against (:func:`lingtan.adapters.api.limits.install`)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        return declare_415(generate())

    app.openapi = openapi
    return BodyTypes(openapi)
