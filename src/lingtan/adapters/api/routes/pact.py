"""The PACT host API (WBCSD PACT Technical Specifications for PCF Data Exchange v2 and v3,
decision 0068) and its management routes.

:data:`host_router` is mounted at the root of the server (PACT clients call
``<host>/auth/token`` and ``<host>/2/footprints``), outside ``/api/v1`` and outside its
OpenAPI document (the PACT specification's own OpenAPI defines these operations):

- ``GET /.well-known/openid-configuration`` — the token endpoint's discovery document;
- ``POST /auth/token`` — Authenticate: OAuth 2.0 client credentials (RFC 6749 §4.4), the client
  id and secret in HTTP Basic (§2.3.1), ``grant_type=client_credentials`` form body;
- ``GET /{2|3}/footprints`` — ListFootprints: ``limit``; the next page in the ``Link`` header
  (RFC 8288, ``rel="next"``); v2 ``$filter`` (OData subset), v3 filter parameters;
- ``GET /{2|3}/footprints/{id}`` — GetFootprint;
- ``POST /{2|3}/events`` — Events (CloudEvents 1.0, structured JSON): 200, empty body.

Errors are PACT's ``{"code", "message"}`` (token endpoint: RFC 6749 §5.2
``{"error", "error_description"}``), never the ``/api/v1`` error shape. The query string is
read here, not by FastAPI, so that a malformed parameter is a PACT BadRequest too.

:data:`router` (under ``/api/v1``): credentials (owners, ``manage_org``), publishing (editors),
the received events and the footprints pulled from suppliers' hosts (readers).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any
from urllib.parse import parse_qs, unquote

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from lingtan.adapters.api.deps import DbDep, Editor, OrgManager, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS
from lingtan.adapters.api.schemas.pact import (
    PactCredentialCreate,
    PactCredentialPublic,
    PactCredentialSecretPublic,
    PactDiscovery,
    PactErrorBody,
    PactEventPublic,
    PactFootprintDocument,
    PactFootprintList,
    PactFootprintOne,
    PactPublishCreate,
    PactPublishedPublic,
    PactReceivedPublic,
    PactTokenError,
    PactTokenPublic,
)
from lingtan.adapters.services import pact as svc
from lingtan.modules.products.pact import ERROR_STATUS, V3_FILTERS

#: outside lingtan's own OpenAPI document: PACT's interface is the PACT specification's OpenAPI
#: (WBCSD), its errors are PACT's and its security is PACT's own token (docs/pact.md, decision
#: 0068 addendum); tests/adapters/api/test_api_pact.py holds it to that
host_router = APIRouter(tags=["PACT"], include_in_schema=False)
router = APIRouter(prefix="/orgs/{org}", tags=["PACT"])

_PACT_ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": PactErrorBody, "description": d}
    for s, d in (
        (400, "BadRequest, NotImplemented"),
        (401, "TokenExpired"),
        (403, "AccessDenied"),
        (404, "NoSuchFootprint (v2) / NotFound (v3)"),
    )
}
_VERSIONS = (2, 3)


def pact_error(code: str, message: str) -> JSONResponse:
    """A PACT error response (its HTTP status from the code)."""
    status = ERROR_STATUS.get(code, 400)
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if status == 401 else None
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


def _query(request: Request) -> dict[str, list[str]]:
    return parse_qs(request.url.query, keep_blank_values=True)


def _int(values: list[str] | None, name: str) -> int | None:
    if not values:
        return None
    v = values[-1]
    if not v.isdigit() or len(v) > 9:
        raise svc.PactError("BadRequest", f"{name}: a non-negative integer")
    return int(v)


# -- discovery and Authenticate --------------------------------------------------------------------


@host_router.get("/.well-known/openid-configuration", response_model=PactDiscovery)
def discovery(request: Request) -> PactDiscovery:
    """Where the token endpoint is (OpenID Connect Discovery 1.0 document; PACT clients look
    it up before falling back to ``/auth/token``)."""
    base = str(request.base_url).rstrip("/")
    return PactDiscovery(
        issuer=base,
        token_endpoint=f"{base}/auth/token",
        grant_types_supported=["client_credentials"],
        token_endpoint_auth_methods_supported=["client_secret_basic"],
        response_types_supported=["token"],
        subject_types_supported=["public"],
    )


def _token_error(status: int, error: str, description: str) -> JSONResponse:
    headers = {"Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="PACT"'
    body = {"error": error, "error_description": description}
    return JSONResponse(body, status_code=status, headers=headers)


def _basic(header: str | None) -> tuple[str, str] | None:
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        raw = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = raw.partition(":")
    if not sep:
        return None
    # RFC 6749 §2.3.1: the id and secret are form-urlencoded before Basic encoding
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))


@host_router.post(
    "/auth/token",
    response_model=PactTokenPublic,
    responses={400: {"model": PactTokenError}, 401: {"model": PactTokenError}},
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {"grant_type": {"type": "string"}},
                        "required": ["grant_type"],
                    }
                }
            }
        }
    },
)
async def token(request: Request, db: DbDep) -> Response:
    """Authenticate: ``grant_type=client_credentials`` with the client id and secret in HTTP
    Basic → a bearer access token and its lifetime [s] (RFC 6749 §4.4, §5.1). Audited."""
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    if form.get("grant_type", [""])[-1] != "client_credentials":
        return _token_error(400, "unsupported_grant_type", "grant_type must be client_credentials")
    creds = _basic(request.headers.get("authorization"))
    if creds is None:
        return _token_error(401, "invalid_client", "client id and secret in HTTP Basic")
    try:  # argon2 takes tens of ms: off the event loop
        answer = await run_in_threadpool(svc.issue_token, db, *creds)
    except svc.PactAuthError as exc:
        return _token_error(401, exc.error, exc.description)
    return JSONResponse(answer, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


# -- ListFootprints, GetFootprint, Events ----------------------------------------------------------


def _list(v: int, request: Request, db: Any) -> Response:
    """ListFootprints (see :func:`_register`)."""
    try:
        access = svc.token_access(db, request.headers.get("authorization"))
        q = _query(request)
        limit = _int(q.get("limit"), "limit")
        offset = _int(q.get("offset"), "offset") or 0
        filter_expr = q.get("$filter", [None])[-1] if v == 2 else None
        filters = {k: q[k] for k in V3_FILTERS if k in q} if v == 3 else None
        page = svc.list_footprints(
            db, access, v, limit=limit, offset=offset, filter_expr=filter_expr, filters=filters
        )
    except svc.PactError as exc:
        return pact_error(exc.code, exc.message)
    headers: dict[str, str] = {}
    if page.next_offset is not None:
        url = request.url.remove_query_params("offset").include_query_params(
            offset=page.next_offset
        )
        headers["Link"] = f'<{url}>; rel="next"'
    return JSONResponse({"data": page.data}, headers=headers)


def _get(v: int, footprint_id: str, request: Request, db: Any) -> Response:
    """GetFootprint (see :func:`_register`)."""
    try:
        access = svc.token_access(db, request.headers.get("authorization"))
        doc = svc.get_footprint(db, access, v, footprint_id)
    except svc.PactError as exc:
        return pact_error(exc.code, exc.message)
    return JSONResponse({"data": doc})


def _event(v: int, request: Request, raw: bytes, db: Any) -> Response:
    """Events (see :func:`_register`)."""
    try:
        access = svc.token_access(db, request.headers.get("authorization"))
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise svc.PactError("BadRequest", "the body is not JSON") from None
        svc.receive_event(db, access, v, body)
    except svc.PactError as exc:
        return pact_error(exc.code, exc.message)
    return Response(status_code=200)


_EVENT_BODY = {
    "requestBody": {
        "content": {
            "application/cloudevents+json": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "object"}},
        }
    }
}


def _register(v: int) -> None:
    """The v2 or v3 actions of the host, at ``/{v}/…``."""

    def list_footprints(request: Request, db: DbDep) -> Response:
        return _list(v, request, db)

    def get_footprint(
        footprint_id: Annotated[str, Path(max_length=200, description="The footprint's id")],
        request: Request,
        db: DbDep,
    ) -> Response:
        return _get(v, footprint_id, request, db)

    async def post_event(request: Request, db: DbDep) -> Response:
        raw = await request.body()
        return await run_in_threadpool(_event, v, request, raw, db)

    list_footprints.__doc__ = (
        f"ListFootprints (PACT v{v}): the organisation's published footprints (every version; "
        "older ones Deprecated). ``limit`` caps the page; the next page is the ``Link`` "
        'header\'s ``rel="next"`` URL. '
        + (
            "``$filter``: an OData subset (eq/ne/lt/le/gt/ge on created, status, "
            "productCategoryCpc, companyName, pcf/geographyCountry, pcf/referencePeriod…; "
            "productIds/any, companyIds/any; joined by and)."
            if v == 2
            else "Filters: productId, companyId, geography, classification, validOn, "
            "validAfter, validBefore, status."
        )
        + " Audited."
    )
    get_footprint.__doc__ = (
        f"GetFootprint (PACT v{v}): one published footprint of the token's organisation "
        f"({'NoSuchFootprint' if v == 2 else 'NotFound'} otherwise, another organisation's id "
        "included). Audited."
    )
    post_event.__doc__ = (
        f"Events (PACT v{v}): a CloudEvents 1.0 event (footprints published, a request for "
        "footprints, a request fulfilled or rejected), stored for the token's organisation; "
        "200 with an empty body. Audited."
    )
    host_router.add_api_route(
        f"/{v}/footprints",
        list_footprints,
        methods=["GET"],
        response_model=PactFootprintList,
        responses=_PACT_ERRORS,
        name=f"pact_v{v}_list_footprints",
    )
    host_router.add_api_route(
        f"/{v}/footprints/{{footprint_id}}",
        get_footprint,
        methods=["GET"],
        response_model=PactFootprintOne,
        responses=_PACT_ERRORS,
        name=f"pact_v{v}_get_footprint",
    )
    host_router.add_api_route(
        f"/{v}/events",
        post_event,
        methods=["POST"],
        responses={200: {"description": "Event received (empty body)"}, **_PACT_ERRORS},
        openapi_extra=_EVENT_BODY,
        name=f"pact_v{v}_events",
    )


for _v in _VERSIONS:
    _register(_v)


# -- management (under /api/v1) --------------------------------------------------------------------


@router.get("/pact-credentials", responses=READ_ERRORS)
def get_credentials(db: DbDep, tenant: OrgManager) -> list[PactCredentialPublic]:
    """The organisation's PACT client credentials (owners; never a secret)."""
    return [
        PactCredentialPublic.model_validate(c)
        for c in svc.list_credentials(db, tenant.organisation_id)
    ]


@router.post("/pact-credentials", status_code=201, responses=WRITE_ERRORS)
def post_credential(
    body: PactCredentialCreate, db: DbDep, tenant: OrgManager
) -> PactCredentialSecretPublic:
    """A new client credential for a customer's system: ``client_id`` and ``client_secret``
    (shown in this answer only). Owners; audited."""
    doc = svc.create_credential(db, tenant.organisation_id, body.name, tenant.actor)
    return PactCredentialSecretPublic.model_validate(doc)


@router.delete("/pact-credentials/{credential_id}", responses=WRITE_ERRORS)
def delete_credential(
    credential_id: Annotated[int, Path(ge=1, le=2**31 - 1)], db: DbDep, tenant: OrgManager
) -> PactCredentialPublic:
    """Revoke a credential: its tokens stop working at once. Owners; audited."""
    return PactCredentialPublic.model_validate(
        svc.revoke_credential(db, tenant.organisation_id, credential_id)
    )


@router.get("/pact-footprints", responses=READ_ERRORS)
def get_published(db: DbDep, tenant: Reader) -> list[PactFootprintDocument]:
    """The published footprint versions (PACT v2 documents), what the host serves."""
    return [PactFootprintDocument.model_validate(d) for d in svc.published_footprints(db, tenant)]


@router.post("/pact-footprints", status_code=201, responses=WRITE_ERRORS)
def post_published(body: PactPublishCreate, db: DbDep, tenant: Editor) -> PactPublishedPublic:
    """Publish a configuration's cradle-to-gate footprint as a new PACT version (the earlier
    ones become Deprecated). Audited."""
    req = svc.PublishRequest(
        product=body.product,
        configuration=body.configuration,
        period_start=body.period_start,
        period_end=body.period_end,
        gwp_set=body.gwp_set,
        cpc=body.cpc,
        geography=body.geography,
        company_ids=tuple(body.company_ids),
        product_ids=tuple(body.product_ids),
    )
    return PactPublishedPublic.model_validate(svc.publish_footprint(db, tenant, req))


@router.get("/pact-events", responses=READ_ERRORS)
def get_events(db: DbDep, tenant: Reader) -> list[PactEventPublic]:
    """The events customers' systems sent to the organisation's host, newest first."""
    return [PactEventPublic.model_validate(e) for e in svc.events(db, tenant)]


@router.get("/pact-received", responses=READ_ERRORS)
def get_received(db: DbDep, tenant: Reader) -> list[PactReceivedPublic]:
    """The footprints pulled from suppliers' PACT hosts (``lingtan pact pull``)."""
    return [
        PactReceivedPublic.model_validate(r)
        for r in svc.received_footprints(db, tenant.organisation_id)
    ]
