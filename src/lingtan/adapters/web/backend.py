"""The pages' one door to the store and the API's services (issue 4 contract).

Pages never query tenant models by hand: they call the functions below, which call the API's
services (:mod:`lingtan.adapters.services`, the same functions the JSON API uses) and the
store's auth functions, and turn the answers into the small views the templates show. A
service's "not found" (:class:`~lingtan.adapters.api.errors.ServiceError` 404/422) becomes None here
where a page shows its own 404; other service errors reach the page as a :class:`PageError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, BinaryIO

from fastapi import Request
from sqlalchemy.orm import Session

from lingtan.adapters import services
from lingtan.adapters.api.deps import DbDep
from lingtan.adapters.api.errors import http_status
from lingtan.adapters.api.session_cookie import (
    delete_session_cookie,
    session_id,
    set_session_cookie,
)
from lingtan.adapters.services import TenantContext, accounts, targets
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.services.progress import format_params
from lingtan.adapters.store import auth, tenancy
from lingtan.adapters.web.rendering import OrgView

__all__ = [
    "ACTIONS",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE",
    "DbDep",
    "delete_session_cookie",
    "session_id",
    "set_session_cookie",
]

#: the session cookie's name over http; over https it is ``__Host-`` prefixed — read, set and
#: delete it with :func:`session_id`, :func:`set_session_cookie`, :func:`delete_session_cookie`
SESSION_COOKIE = auth.SESSION_COOKIE
SESSION_MAX_AGE = auth.SESSION_DAYS * 24 * 3600  # [s]
ACTIONS: tuple[str, ...] = tuple(tenancy.ACTIONS)


def _missing(exc: ServiceError) -> bool:
    """A service's "no such thing here" (404) or "not a valid name for one" (422)."""
    return http_status(exc) in (404, 422)


# -- who ---------------------------------------------------------------------------------------


def user_for_session(db: Session, sid: str | None) -> Any:
    """The user of a live session cookie, else None."""
    return auth.user_for_web_session(db, sid) if sid else None


def end_session(db: Session, sid: str | None) -> None:
    """Forget a session (log out)."""
    if sid:
        auth.end_web_session(db, sid)


def organisations(db: Session, user: Any) -> list[OrgView]:
    """The organisations ``user`` belongs to, with the role and what it allows."""
    return [
        OrgView(
            id=org.id,
            slug=org.slug,
            name=org.name,
            role=str(role),
            allowed=frozenset(tenancy.PERMISSIONS[tenancy.Role(role)]),
        )
        for org, role in services.list_organisations(db, user)
    ]


def open_tenant(request: Request, db: Session, user: Any, slug: str) -> TenantContext | None:
    """The tenant ``slug`` of ``user`` (a member) as the API's ``Tenant`` dependency builds it
    (the app's engine and settings); scopes ``db`` to it. None when not a member."""
    try:
        return services.open_tenant(
            db,
            user,
            slug,
            engine=request.app.state.engine,
            settings=request.app.state.settings,
            actor=user.email,
        )
    except ServiceError as exc:
        if _missing(exc):
            return None
        raise


def role_matrix() -> list[tuple[str, list[bool]]]:
    """``(role, [allowed for each of ACTIONS])`` for every role."""
    return [(r.value, [tenancy.can(r, a) for a in ACTIONS]) for r in tenancy.Role]


ROLES: tuple[str, ...] = tuple(r.value for r in tenancy.Role)


def members(db: Session, tenant: TenantContext) -> list[dict[str, Any]]:
    """Members of the tenant's organisation: user id, e-mail, name, role."""
    return [
        {"user_id": u.id, "email": u.email, "name": u.name, "role": str(role)}
        for u, role in services.list_members(db, tenant)
    ]


def invite_member(db: Session, tenant: TenantContext, *, email: str, role: str) -> str:
    """Invite an e-mail address with a role (audited); the accept link, shown once."""
    _inv, url = accounts.invite_member(db, tenant, email=email, role=tenancy.Role(role))
    return url


def invitations(db: Session, tenant: TenantContext) -> list[dict[str, Any]]:
    """The organisation's invitations, newest first: id, e-mail, role, state, expiry."""
    return [
        {"id": i.id, "email": i.email, "role": i.role, "state": i.state(),
         "expires_at": i.expires_at}
        for i in accounts.list_invitations(db, tenant)
    ]  # fmt: skip


def revoke_invitation(db: Session, tenant: TenantContext, invitation_id: int) -> None:
    """Revoke a pending invitation (audited)."""
    accounts.revoke_invitation(db, tenant, invitation_id)


def reset_link(db: Session, tenant: TenantContext, user_id: int) -> tuple[str, str]:
    """A single-use reset link for a member: (e-mail, link)."""
    user, url, _expires = accounts.issue_reset_link(db, tenant, user_id)
    return user.email, url


def lockouts(db: Session, tenant: TenantContext) -> list[dict[str, Any]]:
    """Recent lockouts of members' accounts, newest first."""
    return [
        {"email": email, "address": lock.address, "failures": lock.failures,
         "created_at": lock.created_at, "locked_until": lock.locked_until}
        for lock, email in accounts.member_lockouts(db, tenant)
    ]  # fmt: skip


def change_member_role(db: Session, tenant: TenantContext, user_id: int, role: str) -> None:
    """Change a member's role (audited)."""
    services.change_member_role(db, tenant, user_id, tenancy.Role(role))


def remove_member(db: Session, tenant: TenantContext, user_id: int) -> None:
    """Remove a member (audited; their tokens here are revoked)."""
    services.remove_member(db, tenant, user_id)


# -- inventories and lineage ---------------------------------------------------------------------


@dataclass(frozen=True)
class InventoryView:
    """One fiscal year's inventory document (``services.inventory_view``; None when not
    calculated), the years there are with the base year, and the trend of their totals."""

    inventory: dict[str, Any] | None
    fiscal_year: str | None
    years: list[str] = field(default_factory=list)
    base_year: str | None = None
    trend: list[dict[str, Any]] = field(default_factory=list)


def inventory_view(db: Session, tenant: TenantContext, fiscal_year: str | None) -> InventoryView:
    """The inventory of ``fiscal_year`` (None: the latest year calculated)."""
    try:
        doc = services.inventory_view(db, tenant, fiscal_year)
    except ServiceError as exc:
        if not _missing(exc):
            raise
    else:
        return InventoryView(
            inventory=doc,
            fiscal_year=doc["fiscal_year"],
            years=list(doc["fiscal_years"]),
            base_year=doc["base_year"],
            trend=list(doc["trend"]),
        )
    years = services.inventory_years(db, tenant)  # not calculated (or not a year): no document
    return InventoryView(
        inventory=None,
        fiscal_year=fiscal_year or (years["fiscal_years"][-1] if years["fiscal_years"] else None),
        years=list(years["fiscal_years"]),
        base_year=years["base_year"],
        trend=list(years["trend"]),
    )


def explain(
    db: Session,
    tenant: TenantContext,
    snapshot_id: str,
    selector: dict[str, Any],
    *,
    offset: int,
    limit: int,
) -> dict[str, Any] | None:
    """The rows, factors and arithmetic behind one figure (``services.explain_number``):
    ``rows`` holds at most ``limit`` rows from ``offset``, ``total_rows`` counts them all;
    None when there is no such snapshot."""
    try:
        return services.explain_number(
            db, tenant, snapshot_id, selector, limit=limit, offset=offset
        )
    except ServiceError as exc:
        if _missing(exc):
            return None
        raise


# -- imports and jobs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class JobView:
    """A background job as the progress bar shows it."""

    id: str
    kind: str
    status: str
    progress: float
    message: str = ""
    result: dict[str, Any] | None = None
    error: str | None = None
    #: the message's catalogue key (``progress.*``; an English text of an older job) and its
    #: parameters as shown (counts with thousands separators); decision 0052
    message_key: str = ""
    message_params: dict[str, str] = field(default_factory=dict)
    #: the parameters as stored (a failed import's ``file.error`` nests its reason: 0053)
    message_data: dict[str, Any] = field(default_factory=dict)

    @property
    def error_keyed(self) -> bool:
        """True when the job failed for a reason its message key names (time budget, server
        restart, upload gone, an unreadable file …): the page shows that, in the viewer's
        language."""
        key = self.message_key
        if key == "file.error":
            return True
        return key.startswith("progress.job.") and key != "progress.job.failed"

    @property
    def percent(self) -> int:
        """Progress [%], 0 … 100."""
        return max(0, min(100, round(100 * self.progress)))

    @property
    def finished(self) -> bool:
        """True once the job is done or failed (the bar stops polling)."""
        return self.status in ("done", "failed")


def _job_view(job: Any) -> JobView:
    return JobView(
        id=str(job.id),
        kind=str(job.kind),
        status=str(job.status),
        progress=float(job.progress or 0.0),
        message=job.message or "",
        result=job.result,
        error=job.error,
        message_key=job.message or "",
        message_params=format_params(getattr(job, "message_params", None)),
        message_data=dict(getattr(job, "message_params", None) or {}),
    )


def start_import(
    db: Session,
    tenant: TenantContext,
    file_name: str,
    content: bytes | BinaryIO,
    *,
    template: str | None,
    fixes: str | None,
) -> JobView:
    """Queue the import of an uploaded file (the service checks and keeps it); the job."""
    job = services.start_import(
        db, tenant, file_name=file_name, data=content, template=template, fixes=fixes
    )
    return _job_view(job)


def start_calculation(db: Session, tenant: TenantContext, fiscal_year: str) -> JobView:
    """Queue the calculation of a fiscal year; the job."""
    return _job_view(services.start_calculation(db, tenant, fiscal_year))


def job_status(db: Session, tenant: TenantContext, job_id: str) -> JobView | None:
    """A job of the tenant, else None."""
    if not job_id.isdigit() or len(job_id) > 9:
        return None
    try:
        return _job_view(services.job_status(db, tenant, int(job_id)))
    except ServiceError as exc:
        if _missing(exc):
            return None
        raise


def batches(db: Session, tenant: TenantContext) -> list[Any]:
    """The tenant's import batches, newest first (superseded ones included)."""
    return list(reversed(services.list_batches(db, tenant)))


def template_names() -> list[str]:
    """Names of the import templates (``fuel``, ``electricity`` …)."""
    return [str(t["name"]) for t in services.templates()]


def template_file(name: str, fmt: str) -> tuple[str, bytes, str]:
    """An empty import template: (file name, bytes, media type); ServiceError 404 when unknown."""
    return services.template_file(name, fmt)


def rejected_rows(
    db: Session, tenant: TenantContext, batch_id: str
) -> tuple[Any, list[Any]] | None:
    """An import batch and its quarantined rows (fixed ones too), else None."""
    try:
        batch = services.get_batch(db, tenant, batch_id)
        rows = services.quarantine_rows(db, tenant, batch_id=batch_id, open_only=False)
    except ServiceError as exc:
        if _missing(exc):
            return None
        raise
    return batch, rows


def export_rejected(db: Session, tenant: TenantContext, batch_id: str) -> tuple[str, bytes] | None:
    """``(file name, bytes)`` of a batch's open rejected rows as the user wrote them, else
    None."""
    try:
        return services.rejected_rows_file(db, tenant, batch_id)
    except ServiceError as exc:
        if _missing(exc):
            return None
        raise


# -- targets and planning ------------------------------------------------------------------------


def _or_none(call: Any, *args: Any, **kw: Any) -> Any:
    """``call(*args, **kw)``, or None when the service answers "not found" (404)."""
    try:
        return call(*args, **kw)
    except ServiceError as exc:
        if http_status(exc) == 404:
            return None
        raise


def targets_overview(tenant: TenantContext) -> dict[str, Any] | None:
    """Targets' progress, KPIs and the SBTi check; None when there is no targets file."""
    doc: dict[str, Any] | None = _or_none(targets.targets_overview, tenant)
    return doc


def targets_text(tenant: TenantContext) -> str:
    """The stored targets file as text ("" when there is none)."""
    got = _or_none(targets.targets_file, tenant)
    return "" if got is None else got[1].decode("utf-8", errors="replace")


def replace_targets(db: Session, tenant: TenantContext, content: str) -> None:
    """Store a new targets file (audited); ServiceError 422 naming the field when invalid."""
    targets.replace_targets(db, tenant, content)


def targets_macc(tenant: TenantContext, fiscal_year: str) -> dict[str, Any] | None:
    """The MACC of a fiscal year; None when there is no targets file."""
    doc: dict[str, Any] | None = _or_none(targets.targets_macc, tenant, fiscal_year)
    return doc


def plan_candidates(tenant: TenantContext) -> dict[str, Any] | None:
    """The targets file's projects as plan candidates; None when there is no targets file."""
    doc: dict[str, Any] | None = _or_none(targets.plan_candidates, tenant)
    return doc


def saved_plan(tenant: TenantContext) -> dict[str, Any] | None:
    """The plan last computed; None when none was."""
    doc: dict[str, Any] | None = _or_none(targets.saved_plan, tenant)
    return doc


def compute_plan(db: Session, tenant: TenantContext) -> None:
    """Compute and keep the least-cost plan (audited)."""
    targets.compute_plan(db, tenant)


# -- reference -----------------------------------------------------------------------------------


def search_factors(
    db: Session, tenant: TenantContext, query: str, region: str | None, limit: int, offset: int = 0
) -> dict[str, Any]:
    """The page of factor groups (``limit`` from ``offset``) matching every word of ``query``
    (and ``region``), with the real number of matches (``services.search_factors``)."""
    return services.search_factors(db, tenant, query, region=region, limit=limit, offset=offset)


@dataclass(frozen=True)
class Boundary:
    """The organisational boundary as the sites page shows it: the consolidation approach and
    the legal entities and sites (store rows)."""

    consolidation: str
    entities: list[Any]
    sites: list[Any]


def boundary(db: Session, tenant: TenantContext) -> Boundary:
    """Consolidation approach, legal entities and sites of the tenant."""
    return Boundary(
        services.consolidation(db, tenant),
        services.list_entities(db, tenant),
        services.list_sites(db, tenant),
    )


def audit_log(db: Session, tenant: TenantContext) -> tuple[list[Any], dict[str, Any]]:
    """The tenant's latest 200 audit entries (newest first) and the verification of its hash
    chain."""
    return (
        list(services.audit_entries(db, tenant, limit=200)),
        services.audit_verify(db, tenant),
    )
