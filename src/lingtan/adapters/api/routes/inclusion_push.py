"""``/orgs/{org}/inclusion/…``: the partners' signed push of events and the pull connector (issue 18
item 6, decision 0090).

Partner routes (no user login: the partner signs, :mod:`lingtan.adapters.services.inclusion_push`):

- ``POST /{programme}/events`` — one event or ``{"events": [...]}``, headers ``X-Partner``,
  ``X-Timestamp`` [s since the epoch], ``X-Signature: sha256=<hex HMAC-SHA256(secret,
  "<timestamp>.<raw body>")>``; ``202`` once the body is on disk (write-ahead file, fsynced),
  401 bad or stale signature, 403 partner suspended, 404 unknown organisation or programme,
  422 body (the field named), 429 partner over its rate (``Retry-After`` [s]);
- ``GET /{programme}/events/{external_id}/status`` — what settlement made of an event, signed
  the same way over the request path; 404 while it is not settled (or was never received).

User routes (read / edit_data): ``GET /{programme}/receipts`` (settled partner events, newest
first), ``GET|POST /pull-sources``, ``POST /pull-sources/{code}/pull``.

The push route is lean on purpose (the ≥ 2,000 events/s target): no body schema, no session, no
ORM — the partner cache, one HMAC, one JSON parse, one append awaited for its group commit.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.errors import api_translator, error_response
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, errors
from lingtan.adapters.api.schemas.inclusion_push import (
    PullResultPublic,
    PullSourceCreate,
    PullSourcePublic,
    PushAccepted,
    ReceiptPublic,
)
from lingtan.adapters.services import inclusion_pull as pl
from lingtan.adapters.services import inclusion_push as sv
from lingtan.adapters.store.scoping import tenant_session

router = APIRouter(prefix="/orgs/{org}/inclusion", tags=["inclusion"])

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
CodePath = Annotated[
    str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
]
ExternalId = Annotated[str, Path(min_length=1, max_length=sv.MAX_EXTERNAL_ID)]
OrgPath = Annotated[str, Path(max_length=60)]
PUSH_ERRORS = errors(401, 403, 404, 413, 415, 422, 429)
#: the OpenAPI request body of the push (read raw; the content-type check reads this)
PUSH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": 'one event, or {"events": [event, …]} (at most '
                    f"{sv.MAX_EVENTS}); an event: external_id, account, action, quantity, "
                    "unit, occurred_at (ISO 8601 with offset), and optionally evidence_hash, "
                    "distance_km, duration_min, mode, product",
                }
            }
        },
    },
    "parameters": [
        {"name": h, "in": "header", "required": True, "schema": {"type": "string"}}
        for h in ("X-Partner", "X-Timestamp", "X-Signature")
    ],
}


def _refused(request: Request, exc: sv.PushRefusedError) -> JSONResponse:
    """The API's error answer of a refused push, worded in the caller's language."""
    text = api_translator(request)(exc.key, **exc.params)
    response = error_response(exc.status, exc.code, text, exc.field)
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _runtime(request: Request) -> Any:
    runtime = getattr(request.app.state, "inclusion_push", None)
    if runtime is None:
        raise RuntimeError("the partners' push is not part of this app")
    runtime.ensure_started()  # lazily: the first partner request starts it (decision 0090)
    return runtime


async def _keys(receiver: sv.PushReceiver, org: str) -> sv.OrgKeys | None:
    return receiver.cached(org) or await run_in_threadpool(receiver.org_keys, org)


async def push_endpoint(request: Request) -> Response:
    """The push itself (see the module text), as a plain Starlette endpoint: ``create_app``
    mounts it ahead of every other route (:data:`LEAN_ROUTE`), so that a push does not walk the
    whole routing table; :func:`push_events` (the same code) documents it in OpenAPI."""
    org, programme = request.path_params["org"], request.path_params["programme"]
    runtime = _runtime(request)
    body = await request.body()
    try:
        if len(org) > 60 or not CODE_RE.match(programme):
            raise sv.PushRefusedError(404, "incl_push.err.programme", "programme", programme="")
        keys = await _keys(runtime.receiver, org)
        topic, n = runtime.receiver.check_push(keys, programme, request.headers, body)
    except sv.PushRefusedError as exc:
        return _refused(request, exc)
    await runtime.wal.append(topic, body)
    runtime.wake()
    return JSONResponse({"received": n}, status_code=status.HTTP_202_ACCEPTED)


#: the lean push route, mounted first by ``create_app`` (a small edit there)
LEAN_ROUTE = Route(
    "/api/v1/orgs/{org}/inclusion/{programme}/events", push_endpoint, methods=["POST"]
)


@router.post(
    "/{programme}/events",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PushAccepted,
    responses=PUSH_ERRORS,
    openapi_extra=PUSH_BODY,
)
async def push_events(
    request: Request,
    org: OrgPath,  # noqa: ARG001 (documented here, read by push_endpoint)
    programme: CodePath,  # noqa: ARG001
) -> Response:
    """A partner's signed event(s) (see the module text): ``202`` once durable."""
    return await push_endpoint(request)


@router.get(
    "/{programme}/events/{external_id}/status",
    response_model=ReceiptPublic,
    responses=errors(401, 403, 404, 422),
)
async def push_status(
    request: Request, org: OrgPath, programme: CodePath, external_id: ExternalId
) -> Response:
    """What settlement made of the partner's event ``external_id`` (signed over the path)."""
    runtime = _runtime(request)
    try:
        keys = await _keys(runtime.receiver, org)
        message = sv.status_message(request.url.path)
        partner = runtime.receiver.authenticate(keys, request.headers, message)
    except sv.PushRefusedError as exc:
        return _refused(request, exc)
    assert keys is not None

    def lookup() -> dict[str, Any] | None:
        with tenant_session(runtime.engine, keys.organisation_id) as db:
            row = sv.receipt(db, programme, partner.code, external_id)
            return sv.receipt_public(row) if row is not None else None

    found = await run_in_threadpool(lookup)
    if found is None:
        missing = sv.PushRefusedError(404, "incl_push.err.unknown_event", "external_id")
        return _refused(request, missing)
    return JSONResponse(ReceiptPublic.model_validate(found).model_dump(mode="json"))


@router.get("/{programme}/receipts", responses=READ_ERRORS)
def list_receipts(
    db: DbDep,
    tenant: Reader,
    programme: CodePath,
    partner: Annotated[str | None, Query(max_length=40)] = None,
    state: Annotated[str | None, Query(alias="status", max_length=16)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ReceiptPublic]:
    """Settled partner events of the programme, newest first (``partner``, ``status``); 404
    for a programme the organisation does not have."""
    from lingtan.adapters.services.inclusion_programmes import get_programme

    get_programme(db, tenant, programme)  # 404 as every other route of the programme
    rows = sv.list_receipts(db, tenant, programme, partner=partner, status=state, limit=limit)
    return [ReceiptPublic.model_validate(sv.receipt_public(r)) for r in rows]


@router.get("/pull-sources", responses=READ_ERRORS)
def list_pull_sources(db: DbDep, tenant: Reader) -> list[PullSourcePublic]:
    """The pull connectors of the organisation with their cursors."""
    return [
        PullSourcePublic.model_validate(r, from_attributes=True)
        for r in pl.list_sources(db, tenant)
    ]


@router.post("/pull-sources", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def add_pull_source(db: DbDep, tenant: Editor, body: PullSourceCreate) -> PullSourcePublic:
    """A new pull connector (a partner's step-count feed)."""
    row = pl.add_source(db, tenant, body.model_dump())
    return PullSourcePublic.model_validate(row, from_attributes=True)


@router.post("/pull-sources/{code}/pull", responses=WRITE_ERRORS)
def pull_source(db: DbDep, tenant: Editor, code: CodePath) -> PullResultPublic:
    """Read the source's feed after its cursor and settle the new items."""
    result = pl.pull(db, tenant, code)
    s = result.settled
    return PullResultPublic(
        source=result.source,
        items=result.items,
        accepted=s.accepted,
        rejected=s.rejected,
        refused=s.refused,
        replayed=s.replayed,
        cursor=result.cursor,
    )
