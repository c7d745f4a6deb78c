"""A body of a type its operation does not take is refused 415, before it is read.

ASVS 4.0.3 V13.1.5 (requests with unexpected or missing content types rejected, 415), V13.2.5
(REST services check the incoming Content-Type). The accepted types are those of the OpenAPI
document, which declares the 415 on exactly the operations that take a body.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from lingtan.adapters.api.content_types import BodyTypes
from lingtan.adapters.api.limits import Limits, RequestLimitsMiddleware
from serverkit import Server

API = "/api/v1"
DOC: dict[str, Any] = {
    "paths": {
        "/api/v1/things": {"post": {"requestBody": {"content": {"application/json": {}}}}},
        "/api/v1/things/{id}/file": {
            "post": {"requestBody": {"content": {"multipart/form-data": {}}}}
        },
        "/api/v1/things/{id}/answer": {
            "post": {"requestBody": {"content": {"application/x-www-form-urlencoded": {}}}}
        },
        "/api/v1/things/{id}/close": {"post": {"responses": {}}},
    }
}


def _status(path: str, headers: dict[str, str], chunks: tuple[bytes, ...] = (b"{}",)) -> int:
    """The status of ``POST path`` through the middleware; the app asserts that it was reached
    and the middleware asserts, by refusing, that it was not (then no chunk may be pulled)."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": chunks[0], "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def app(scope: Any, receive_: Any, send_: Any) -> None:
        await receive_()
        await send_({"type": "http.response.start", "status": 200, "headers": []})
        await send_({"type": "http.response.body", "body": b""})

    limits = Limits(body_bytes=1000, upload_bytes=5000, rate_per_s=0, burst=1)
    mw = RequestLimitsMiddleware(app, limits, BodyTypes(lambda: DOC))
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "client": ("203.0.113.7", 5000),
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
    }
    asyncio.run(mw(scope, receive, send))
    status = int(next(m for m in sent if m["type"] == "http.response.start")["status"])
    if status == 415:
        assert pulled == 0  # refused from the headers: no byte of the body read
    return status


def test_the_middleware_checks_the_declared_types_from_the_headers() -> None:
    json_ = {"content-length": "2", "content-type": "application/json"}
    assert _status("/api/v1/things", json_) == 200
    assert (
        _status("/api/v1/things", {**json_, "content-type": "Application/JSON; charset=x"}) == 200
    )
    assert _status("/api/v1/things", {**json_, "content-type": "text/plain"}) == 415
    assert _status("/api/v1/things", {"content-length": "2"}) == 415  # no type at all
    assert _status("/api/v1/things", {"transfer-encoding": "chunked"}) == 415  # chunked, too
    assert _status("/api/v1/things", {"content-length": "0"}, (b"",)) == 200  # no body: FastAPI's
    multipart = {"content-length": "2", "content-type": "multipart/form-data; boundary=x"}
    form = {"content-length": "2", "content-type": "application/x-www-form-urlencoded"}
    assert _status("/api/v1/things/7/file", multipart) == 200
    assert _status("/api/v1/things/7/file", form) == 415  # an upload is multipart only
    assert _status("/api/v1/things/7/file", json_) == 415
    assert _status("/api/v1/things/7/answer", form) == 200
    assert _status("/api/v1/things/7/answer", multipart) == 200  # a form either way
    assert _status("/api/v1/things/7/answer", json_) == 415
    # not checked: an operation without a body (never read), an unknown path, the web pages
    text = {"content-length": "2", "content-type": "text/plain"}
    assert _status("/api/v1/things/7/close", text) == 200
    assert _status("/api/v1/things/7/file/x", text) == 200
    assert _status("/o/acme/things", text) == 200


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # refused before the store
def test_the_api_answers_415_in_its_error_shape(server_factory: Callable[..., Server]) -> None:
    srv = server_factory(workers=0)
    c = srv.client
    login = b'{"email": "nobody@acme.example", "password": "not the password"}'
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"content-type": content_type} if content_type else {}
        r = c.post(f"{API}/auth/login", content=login, headers=headers)
        assert r.status_code == 415, (content_type, r.text)
        assert r.json()["error"]["code"] == "unsupported_media_type"
        assert "application/json" in r.json()["error"]["message"]
    r = c.post(f"{API}/auth/login", content=login, headers={"content-type": "application/json"})
    assert r.status_code == 401  # the right type goes on (to a wrong password)
    # an upload takes multipart only; a form takes a form (urlencoded or multipart)
    assert c.post(f"{API}/orgs/acme/imports", json={"file": "x"}).status_code == 415
    assert c.post(f"{API}/orgs/acme/imports", data={"template": "x"}).status_code == 415
    r = c.post(f"{API}/orgs/acme/imports", files={"file": ("a.csv", b"a\n", "text/csv")})
    assert r.status_code == 401  # not logged in: the type was right
    pending = f"{API}/orgs/acme/imports/pending/{'0' * 32}"
    assert c.post(pending, json={"decision": "append"}).status_code == 415
    assert c.post(pending, data={"decision": "append"}).status_code == 401
    # the OpenAPI document declares the 415 on exactly the operations with a body
    doc = srv.app.openapi()
    ops = [op for item in doc["paths"].values() for op in item.values()]
    with_body = [op for op in ops if op.get("requestBody")]
    assert len(with_body) >= 20
    assert all("415" in op["responses"] for op in with_body)
    assert not any("415" in op["responses"] for op in ops if not op.get("requestBody"))
    assert c.get(f"{API}/openapi.json").json() == doc
