"""The PACT host and client use cases (issue 15 item 8, decision 0068): an organisation's
product footprints served to its customers' systems through the PACT Technical Specifications
API (v2 and v3), and footprints pulled from suppliers' PACT hosts.

- **Credentials** (owners): an OAuth 2.0 client id and secret (RFC 6749 §2.3.1) per customer
  system, belonging to one organisation; the secret is shown once and stored as an argon2id
  hash (:func:`lingtan.adapters.store.auth.hash_password`); revoked, never deleted.
- **Authenticate**: the client-credentials grant (RFC 6749 §4.4) gives a bearer access token
  (256 random bits, sha256 kept) valid :data:`TOKEN_SECONDS`; a token opens only its
  credential's organisation.
- **Publish**: a product configuration's cradle-to-gate footprint is frozen as a new version
  (its facts in :class:`~lingtan.adapters.store.pact.PactFootprint`, a new UUID); the earlier
  versions become Deprecated. Only published versions are served.
- **ListFootprints / GetFootprint / Events**: the organisation's published footprints as PACT
  JSON (:mod:`lingtan.modules.products.pact`), events stored. Every access is audit-logged
  (``pact.token``, ``pact.list``, ``pact.get``, ``pact.event``, refusals too when the client
  id is known).
- **Pull** (client side): footprints another host serves are validated and kept in
  :class:`~lingtan.adapters.store.pact.PactReceived`, linked to a supplier of the register.

PACT errors (:class:`PactError`) carry the specification's error codes (AccessDenied,
BadRequest, NoSuchFootprint / NotFound, NotImplemented, TokenExpired); the other use cases
raise :class:`~lingtan.adapters.services.errors.ServiceError` with a catalogue key
(``pact.err.*``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.boundary import SetupError
from lingtan.adapters.services.context import TenantContext, jsonable
from lingtan.adapters.store import audit
from lingtan.adapters.store.models import utcnow
from lingtan.adapters.store.pact import (
    PactCredential,
    PactEvent,
    PactFootprint,
    PactReceived,
    PactToken,
)
from lingtan.adapters.store.scoping import BYPASS_KEY, set_tenant
from lingtan.modules.products import pact as model

#: lifetime of an access token [s]
TOKEN_SECONDS = 3600
TOKEN_PREFIX = "pact_"
CLIENT_PREFIX = "lingtan-"
#: largest page a ListFootprints answers (a larger ``limit`` is cut to it)
MAX_LIMIT = 1000


class PactError(Exception):
    """A refusal in the PACT API's own terms: ``code`` (AccessDenied, BadRequest,
    NoSuchFootprint, NotFound, NotImplemented, TokenExpired) and ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class PactAuthError(Exception):
    """The token endpoint refuses (RFC 6749 §5.2): ``error`` is ``invalid_client``,
    ``invalid_request`` or ``unsupported_grant_type``."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def pact_invalid(key: str, message: str, field: str | None = None, **params: Any) -> SetupError:
    """422 with catalogue key ``key`` (``pact.err.*``)."""
    return SetupError("invalid", key, message, field, **params)


def pact_not_found(key: str, message: str, **params: Any) -> SetupError:
    """404 with catalogue key ``key``."""
    return SetupError("not_found", key, message, None, **params)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@cache
def _dummy_hash() -> str:
    """An argon2 hash of nothing anyone knows: checked when the client id is unknown, so that
    an unknown id costs as long as a wrong secret (ASVS V2.2)."""
    from lingtan.adapters.store.auth import hash_password

    return hash_password(secrets.token_urlsafe(16))


# -- credentials (owners) --------------------------------------------------------------------------


def _credential_doc(c: PactCredential) -> dict[str, Any]:
    return {
        "id": c.id,
        "client_id": c.client_id,
        "name": c.name,
        "created_by": c.created_by,
        "created_at": c.created_at,
        "revoked_at": c.revoked_at,
    }


def create_credential(db: Session, organisation_id: int, name: str, actor: str) -> dict[str, Any]:
    """A new client credential of the organisation: ``client_id`` and ``client_secret`` (the
    secret is in this answer only). Audited (the row, the secret's hash left out).

    Raises:
        ServiceError: 422 ``pact.err.name`` (empty or longer than 100 characters).
    """
    from lingtan.adapters.store.auth import hash_password

    name = name.strip()
    if not name or len(name) > 100:
        raise pact_invalid("pact.err.name", "name: 1 to 100 characters", "name")
    set_tenant(db, organisation_id)
    client_id = CLIENT_PREFIX + secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    row = PactCredential(
        organisation_id=organisation_id,
        client_id=client_id,
        secret_hash=hash_password(secret),
        name=name,
        created_by=actor,
        created_at=utcnow(),
    )
    db.add(row)
    db.commit()
    return dict(jsonable({**_credential_doc(row), "client_secret": secret}))


def list_credentials(db: Session, organisation_id: int) -> list[dict[str, Any]]:
    """The organisation's credentials, oldest first (never a secret)."""
    set_tenant(db, organisation_id)
    rows = db.scalars(select(PactCredential).order_by(PactCredential.id)).all()
    return [dict(jsonable(_credential_doc(c))) for c in rows]


def revoke_credential(db: Session, organisation_id: int, credential_id: int) -> dict[str, Any]:
    """Revoke a credential: its tokens stop working at once (AccessDenied). Audited.

    Raises:
        ServiceError: 404 ``pact.err.no_credential`` (none such in this organisation).
    """
    set_tenant(db, organisation_id)
    row = db.scalar(select(PactCredential).where(PactCredential.id == credential_id))
    if row is None:
        raise pact_not_found(
            "pact.err.no_credential", f"credential {credential_id} not found", id=credential_id
        )
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.commit()
    return dict(jsonable(_credential_doc(row)))


# -- publishing ------------------------------------------------------------------------------------


def _facts_json(f: model.FootprintFacts) -> dict[str, Any]:
    return dict(
        jsonable(
            {
                "footprint_id": f.footprint_id,
                "version": f.version,
                "created": model.utc_timestamp(f.created),
                "company_name": f.company_name,
                "company_ids": list(f.company_ids),
                "product_id": f.product_id,
                "configuration_id": f.configuration_id,
                "product_name": f.product_name,
                "configuration_name": f.configuration_name,
                "mass_kg": f.mass_kg,
                "cradle_to_gate_kg": f.cradle_to_gate_kg,
                "primary_kg": f.primary_kg,
                "gwp_set": f.gwp_set,
                "reference_period": [model.utc_timestamp(t) for t in f.reference_period],
                "database": f.database,
                "method": f.method,
                "cpc": f.cpc,
                "geography": f.geography,
                "product_ids": list(f.product_ids),
                "exempted_percent": f.exempted_percent,
            }
        )
    )


def _ts(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def facts_of(row: PactFootprint, preceding: Sequence[str] = ()) -> model.FootprintFacts:
    """The facts of a published version, with its current status and earlier versions."""
    j = row.facts
    return model.FootprintFacts(
        footprint_id=row.id,
        version=int(j["version"]),
        created=_ts(j["created"]),
        status=row.status,
        company_name=str(j["company_name"]),
        company_ids=tuple(j["company_ids"]),
        product_id=str(j["product_id"]),
        configuration_id=str(j["configuration_id"]),
        product_name=str(j["product_name"]),
        configuration_name=str(j["configuration_name"]),
        mass_kg=float(j["mass_kg"]),
        cradle_to_gate_kg=float(j["cradle_to_gate_kg"]),
        primary_kg=float(j["primary_kg"]),
        gwp_set=str(j["gwp_set"]),
        reference_period=(_ts(j["reference_period"][0]), _ts(j["reference_period"][1])),
        database=str(j.get("database", "")),
        method=str(j.get("method", "")),
        cpc=str(j.get("cpc", "4526")),
        geography=j.get("geography"),
        product_ids=tuple(j.get("product_ids", ())),
        preceding_ids=tuple(preceding),
        exempted_percent=float(j.get("exempted_percent", 0.0)),
    )


@dataclass(frozen=True)
class PublishRequest:
    """What the owner states when publishing (the rest is computed): the reference period
    (dates, UTC midnight; the end is exclusive), the GWP set (AR5 / AR6), the UN CPC code, the
    country (ISO 3166-1 alpha-2), extra company and product URNs."""

    product: str
    configuration: str
    period_start: date
    period_end: date
    gwp_set: str = "AR6"
    cpc: str = "4526"
    geography: str | None = None
    company_ids: tuple[str, ...] = ()
    product_ids: tuple[str, ...] = ()


def _check_request(req: PublishRequest) -> None:
    if req.gwp_set not in model.GWP_SETS:
        raise pact_invalid("pact.err.gwp", "gwp_set: AR5 or AR6 (PACT)", "gwp_set")
    if req.period_end <= req.period_start:
        raise pact_invalid("pact.err.period", "period_end must be after period_start", "period_end")
    if not req.cpc.isdigit() or len(req.cpc) > 6:
        raise pact_invalid("pact.err.cpc", "cpc: a UN CPC code (digits)", "cpc")
    if req.geography is not None and not (len(req.geography) == 2 and req.geography.isupper()):
        raise pact_invalid("pact.err.geography", "geography: ISO 3166-1 alpha-2", "geography")
    for i, u in enumerate((*req.company_ids, *req.product_ids)):
        if not model.is_urn(u):
            raise pact_invalid("pact.err.urn", f"not a URN: {u!r}", f"urn[{i}]", urn=u)


def publish_footprint(db: Session, tenant: TenantContext, req: PublishRequest) -> dict[str, Any]:
    """Publish a configuration's cradle-to-gate footprint as a new PACT version: computed now
    (grid factors as of the reference period's end), frozen, served from then on; the earlier
    versions become Deprecated. Returns the version's id, number and its v2 document. Audited
    (the rows).

    Raises:
        ServiceError: 404 no such product or configuration; 422 ``pact.err.*`` (period, GWP
            set, CPC, geography, URN) or a footprint PACT cannot express.
    """
    from lingtan.adapters.services import products

    _check_request(req)
    view = products.footprint_view(
        db,
        tenant,
        req.product,
        req.configuration,
        gwp_set=req.gwp_set,
        on=req.period_end - timedelta(days=1),
        lines=True,
    )
    stages = view["stages_kg_co2e"]
    gate = float(stages.get("materials", 0.0)) + float(stages.get("manufacturing", 0.0))
    primary = sum(
        float(ln["kg_co2e"])
        for ln in view.get("lines", [])
        if ln["source"] == "supplier" and ln["stage"] in ("materials", "manufacturing")
    )
    set_tenant(db, tenant.organisation_id)
    earlier = db.scalars(
        select(PactFootprint)
        .where(
            PactFootprint.product_id == req.product,
            PactFootprint.configuration_id == req.configuration,
        )
        .order_by(PactFootprint.version)
    ).all()
    facts = model.FootprintFacts(
        footprint_id=model.new_footprint_id(),
        version=(earlier[-1].version + 1) if earlier else 1,
        created=datetime.now(UTC),
        status="Active",
        company_name=str(tenant.organisation.name),
        company_ids=(model.company_urn(tenant.slug), *req.company_ids),
        product_id=req.product,
        configuration_id=req.configuration,
        product_name=str(view["product_name"]),
        configuration_name=str(view["configuration_name"]),
        mass_kg=float(view["mass_kg"]),
        cradle_to_gate_kg=gate,
        primary_kg=primary,
        gwp_set=req.gwp_set,
        reference_period=(
            datetime.combine(req.period_start, datetime.min.time()),
            datetime.combine(req.period_end, datetime.min.time()),
        ),
        database=str(view.get("database", "")),
        method=str(view.get("method", "")),
        cpc=req.cpc,
        geography=req.geography,
        product_ids=req.product_ids,
        preceding_ids=tuple(r.id for r in earlier),
    )
    try:
        doc = model.to_v2(facts)
    except model.PactMappingError as exc:
        raise pact_invalid("pact.err.mapping", str(exc), exc.field, detail=str(exc)) from None
    problems = model.validate_v2(doc) + model.validate_v3(model.to_v3(facts))
    if problems:  # pragma: no cover - the mapping writes what the rules ask
        raise pact_invalid("pact.err.mapping", "; ".join(problems), detail="; ".join(problems))
    for r in earlier:
        if r.status != "Deprecated":
            r.status = "Deprecated"
    db.add(
        PactFootprint(
            id=facts.footprint_id,
            organisation_id=tenant.organisation_id,
            product_id=req.product,
            configuration_id=req.configuration,
            version=facts.version,
            status="Active",
            created_at=utcnow(),
            published_by=tenant.actor,
            facts=_facts_json(facts),
        )
    )
    db.commit()
    return {"id": facts.footprint_id, "version": facts.version, "document": doc}


def _published(db: Session) -> list[PactFootprint]:
    return list(
        db.scalars(
            select(PactFootprint).order_by(
                PactFootprint.product_id, PactFootprint.configuration_id, PactFootprint.version
            )
        ).all()
    )


def _documents(rows: Sequence[PactFootprint], api_version: int) -> list[dict[str, Any]]:
    """PACT documents of ``rows`` (each with the ids of its configuration's earlier versions)."""
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        key = (r.product_id, r.configuration_id)
        before = seen.setdefault(key, [])
        facts = facts_of(r, tuple(before))
        out.append(model.to_v2(facts) if api_version == 2 else model.to_v3(facts))
        before.append(r.id)
    return out


def published_footprints(db: Session, tenant: TenantContext) -> list[dict[str, Any]]:
    """The organisation's published versions (v2 documents), oldest first per configuration."""
    set_tenant(db, tenant.organisation_id)
    return _documents(_published(db), 2)


# -- the host: authenticate ------------------------------------------------------------------------


def issue_token(
    db: Session, client_id: str, secret: str, *, lifetime_s: int = TOKEN_SECONDS
) -> dict[str, Any]:
    """The client-credentials grant (RFC 6749 §4.4): an access token for a live credential.
    Audited (``pact.token``; ``pact.token_refused`` for a wrong secret of a known client).

    Raises:
        PactAuthError: ``invalid_client`` — unknown client id, wrong secret, revoked.
    """
    from lingtan.adapters.store.auth import verify_password

    cred = None
    if 0 < len(client_id) <= 64:
        cred = db.scalar(
            select(PactCredential)
            .where(PactCredential.client_id == client_id)
            .execution_options(**{BYPASS_KEY: True})
        )
    ok = verify_password(cred.secret_hash if cred else _dummy_hash(), secret[:200])
    if cred is None:
        raise PactAuthError("invalid_client", "unknown client or wrong secret")
    set_tenant(db, cred.organisation_id)
    actor = f"pact client {cred.client_id}"
    if not ok or cred.revoked_at is not None:
        audit.record(
            db,
            actor=actor,
            organisation_id=cred.organisation_id,
            action="pact.token_refused",
            target=f"pact_credential/{cred.id}",
            after={"reason": "revoked" if ok else "wrong secret"},
        )
        db.commit()
        raise PactAuthError("invalid_client", "unknown client or wrong secret")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        PactToken(
            organisation_id=cred.organisation_id,
            credential_id=cred.id,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + timedelta(seconds=lifetime_s),
        )
    )
    audit.record(
        db,
        actor=actor,
        organisation_id=cred.organisation_id,
        action="pact.token",
        target=f"pact_credential/{cred.id}",
        after={"expires_in": lifetime_s},
    )
    db.commit()
    return {"access_token": token, "token_type": "bearer", "expires_in": lifetime_s}


@dataclass(frozen=True)
class PactAccess:
    """The organisation a live access token opens, and its credential."""

    organisation_id: int
    credential_id: int
    client_id: str

    @property
    def actor(self) -> str:
        """Who the audit log names."""
        return f"pact client {self.client_id}"


def token_access(db: Session, authorization: str | None) -> PactAccess:
    """The access an ``Authorization: Bearer …`` header grants; scopes ``db`` to its
    organisation.

    Raises:
        PactError: BadRequest (no or malformed header, unknown token), TokenExpired (expired),
            AccessDenied (its credential was revoked).
    """
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise PactError("BadRequest", "a bearer access token is required (POST /auth/token)")
    row = db.scalar(
        select(PactToken)
        .where(PactToken.token_hash == _digest(token))
        .execution_options(**{BYPASS_KEY: True})
    )
    if row is None:
        raise PactError("BadRequest", "invalid access token")
    cred = db.scalar(
        select(PactCredential)
        .where(PactCredential.id == row.credential_id)
        .execution_options(**{BYPASS_KEY: True})
    )
    if row.expires_at <= utcnow():
        raise PactError("TokenExpired", "the access token has expired; authenticate again")
    if cred is None or cred.revoked_at is not None:
        raise PactError("AccessDenied", "the credential of this token was revoked")
    set_tenant(db, row.organisation_id)
    return PactAccess(row.organisation_id, cred.id, cred.client_id)


def _audit(db: Session, access: PactAccess, action: str, target: str, after: Any) -> None:
    audit.record(
        db,
        actor=access.actor,
        organisation_id=access.organisation_id,
        action=action,
        target=target,
        after=after,
    )
    db.commit()


# -- the host: ListFootprints, GetFootprint, Events ------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of ListFootprints: the documents, the offset of the next page (None: last)."""

    data: list[dict[str, Any]]
    next_offset: int | None
    total: int


def list_footprints(
    db: Session,
    access: PactAccess,
    api_version: int,
    *,
    limit: int | None = None,
    offset: int = 0,
    filter_expr: str | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
) -> Page:
    """ListFootprints: the organisation's published footprints (every version, newest
    configuration versions Active, older Deprecated), filtered (v2 ``$filter``; v3 query
    parameters), one page of ``limit`` from ``offset``. Audited (``pact.list``).

    Raises:
        PactError: BadRequest (a bad limit or filter value), NotImplemented (a ``$filter`` this
            host does not support).
    """
    if limit is not None and limit < 1:
        raise PactError("BadRequest", "limit: a positive integer")
    if offset < 0:
        raise PactError("BadRequest", "bad page cursor")
    docs = _documents(_published(db), api_version)
    if api_version == 2 and filter_expr:
        try:
            conds = model.parse_filter(filter_expr)
        except ValueError as exc:
            raise PactError("NotImplemented", str(exc)) from None
        docs = [d for d in docs if model.matches_filter(d, conds)]
    if api_version == 3 and filters:
        try:
            docs = [d for d in docs if model.matches_v3(d, filters)]
        except ValueError as exc:
            raise PactError("BadRequest", str(exc)) from None
    size = min(limit or MAX_LIMIT, MAX_LIMIT)
    page = docs[offset : offset + size]
    nxt = offset + size if offset + size < len(docs) else None
    _audit(
        db,
        access,
        "pact.list",
        f"/{api_version}/footprints",
        {"ids": [d["id"] for d in page], "offset": offset, "filter": filter_expr or filters},
    )
    return Page(page, nxt, len(docs))


def get_footprint(db: Session, access: PactAccess, api_version: int, footprint_id: str) -> Any:
    """GetFootprint: one published version of this organisation. Audited (``pact.get``).

    Raises:
        PactError: NoSuchFootprint (v2) / NotFound (v3) — no such id *in this organisation*
            (another organisation's id included).
    """
    rows = _published(db)
    docs = _documents(rows, api_version)
    doc = next((d for d in docs if d["id"] == footprint_id), None)
    if doc is None:
        _audit(db, access, "pact.get_refused", f"/{api_version}/footprints", {"id": footprint_id})
        code = "NoSuchFootprint" if api_version == 2 else "NotFound"
        raise PactError(code, "no such footprint")
    _audit(db, access, "pact.get", f"/{api_version}/footprints/{footprint_id}", None)
    return doc


def receive_event(db: Session, access: PactAccess, api_version: int, body: Any) -> dict[str, Any]:
    """Events: a CloudEvents 1.0 event (published footprints, a request for footprints, a
    request fulfilled or rejected) stored for the organisation. Audited (the row).

    Raises:
        PactError: BadRequest (malformed), NotImplemented (an unknown type).
    """
    try:
        event = model.parse_event(body, api_version)
    except model.PactEventError as exc:
        raise PactError(exc.code, str(exc)) from None
    row = PactEvent(
        organisation_id=access.organisation_id,
        credential_id=access.credential_id,
        api_version=api_version,
        event_id=event.event_id[:200],
        source=event.source[:500],
        type=event.type,
        kind=event.kind,
        data=dict(jsonable(dict(event.data))),
        received_at=utcnow(),
    )
    db.info["actor"] = access.actor
    db.add(row)
    db.commit()
    return {"id": row.id, "kind": event.kind}


def events(db: Session, tenant: TenantContext) -> list[dict[str, Any]]:
    """The events the organisation's host received, newest first."""
    set_tenant(db, tenant.organisation_id)
    rows = db.scalars(select(PactEvent).order_by(PactEvent.id.desc())).all()
    return [
        dict(
            jsonable(
                {
                    "id": r.id,
                    "api_version": r.api_version,
                    "event_id": r.event_id,
                    "source": r.source,
                    "type": r.type,
                    "kind": r.kind,
                    "data": r.data,
                    "received_at": r.received_at,
                }
            )
        )
        for r in rows
    ]


# -- the client: footprints pulled from other hosts ------------------------------------------------


def _received_doc(r: PactReceived, supplier: str | None) -> dict[str, Any]:
    return dict(
        jsonable(
            {
                "footprint_id": r.footprint_id,
                "api_version": r.api_version,
                "version": r.version,
                "status": r.status,
                "company_name": r.company_name,
                "product_name": r.product_name,
                "product_ids": r.product_ids,
                "declared_unit": r.declared_unit,
                "declared_amount": r.declared_amount,
                "kg_per_declared_unit": r.kg_per_declared_unit,
                "kg_per_product": r.kg_per_declared_unit * r.declared_amount,
                "gwp_sets": r.gwp_sets,
                "supplier": supplier,
                "source_url": r.source_url,
                "pulled_at": r.pulled_at,
            }
        )
    )


def _supplier_id(db: Session, code: str | None) -> int | None:
    if code is None:
        return None
    from lingtan.adapters.store.suppliers import Supplier

    found = db.scalar(select(Supplier.id).where(Supplier.code == code))
    if found is None:
        raise pact_not_found("pact.err.no_supplier", f"supplier {code} not found", code=code)
    return int(found)


def import_received(
    db: Session,
    organisation_id: int,
    documents: Sequence[Any],
    *,
    api_version: int,
    source_url: str,
    supplier: str | None = None,
    actor: str = "system",
) -> dict[str, Any]:
    """Keep the footprints pulled from a PACT host (all or nothing): each validated
    (:func:`lingtan.modules.products.pact.validate`), stored or — the same id pulled again —
    updated (its status may have become Deprecated), linked to ``supplier`` (a code of the
    register). Audited (the rows).

    Raises:
        ServiceError: 422 ``pact.err.received`` naming the footprint and property; 404
            ``pact.err.no_supplier``.
    """
    set_tenant(db, organisation_id)
    db.info["actor"] = actor
    sid = _supplier_id(db, supplier)
    parsed: list[tuple[model.ReceivedFootprint, dict[str, Any]]] = []
    for i, doc in enumerate(documents):
        problems = model.validate(doc, api_version)
        if problems:
            detail = "; ".join(problems[:5])
            raise pact_invalid(
                "pact.err.received",
                f"footprint {i}: {detail}",
                f"data[{i}]",
                index=i,
                detail=detail,
            )
        parsed.append((model.read_received(doc, api_version), dict(doc)))
    created = updated = 0
    for rec, doc in parsed:
        row = db.scalar(select(PactReceived).where(PactReceived.footprint_id == rec.id))
        values = {
            "supplier_id": sid if sid is not None else (row.supplier_id if row else None),
            "api_version": api_version,
            "version": rec.version,
            "spec_version": rec.spec_version[:20],
            "status": rec.status,
            "company_name": rec.company_name[:300],
            "product_name": rec.product_name[:300],
            "product_ids": list(rec.product_ids),
            "declared_unit": rec.declared_unit,
            "declared_amount": rec.declared_amount,
            "kg_per_declared_unit": rec.kg_per_declared_unit,
            "gwp_sets": list(rec.gwp_sets),
            "source_url": source_url[:500],
            "document": doc,
            "pulled_at": utcnow(),
        }
        if row is None:
            db.add(PactReceived(organisation_id=organisation_id, footprint_id=rec.id, **values))
            created += 1
        else:
            for k, v in values.items():
                setattr(row, k, v)
            updated += 1
    db.commit()
    return {"created": created, "updated": updated, "footprints": len(parsed)}


def received_footprints(db: Session, organisation_id: int) -> list[dict[str, Any]]:
    """The footprints pulled from PACT hosts, with their supplier's code."""
    from lingtan.adapters.store.suppliers import Supplier

    set_tenant(db, organisation_id)
    codes = {int(i): str(c) for i, c in db.execute(select(Supplier.id, Supplier.code)).all()}
    rows = db.scalars(select(PactReceived).order_by(PactReceived.id)).all()
    return [_received_doc(r, codes.get(r.supplier_id) if r.supplier_id else None) for r in rows]
