"""Climate data requests to suppliers (issue 15 item 4, decision 0065): campaigns, the request
to each supplier, its answers (every version kept), answer tokens, maturity assessments,
coverage goals and coverage snapshots. Every table is tenant-owned and audited.

A supplier answers (a) through a tokenised public form — the token itself is never stored, only
its sha256 (:func:`token_hash`); one token per request, with an expiry — or (b) by **push from
its own lingtan organisation** (the register's ``supplier.linked_org``). The push writes into
the customer's tables: the two functions that cross organisations, :func:`addressed_requests`
and :func:`push_response`, are the only ones here with a system session, each narrowed to the
requests whose supplier names the pushing organisation, and the push is recorded in the audit
log of both organisations.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store import audit
from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned, system_session
from lingtan.adapters.store.suppliers import Supplier

#: how an answer arrived
CHANNELS = ("form", "push", "upload", "buyer")
#: an answer's status: submitted, then accepted or returned by the buyer
RESPONSE_STATUSES = ("submitted", "accepted", "returned")


class SupplierCampaign(TenantOwned, Base):
    """A yearly data request (``DataRequest``): fiscal year, kind (climate | pcf | water |
    waste), questionnaire version, the scope rule (:class:`~lingtan.modules.suppliers.requests.
    ScopeRule` as JSON) and its dates."""

    __tablename__ = "supplier_campaign"
    __table_args__ = (UniqueConstraint("organisation_id", "fiscal_year", "kind"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fiscal_year: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    scope_rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    sent_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SupplierRequest(TenantOwned, Base):
    """The request of one campaign to one supplier: ``status`` sent | answered | accepted |
    returned, the spend that put it in scope and why (``reasons``)."""

    __tablename__ = "supplier_request"
    __table_args__ = (UniqueConstraint("campaign_id", "supplier_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_campaign.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default="sent")
    spend: Mapped[float | None] = mapped_column(Double, nullable=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    return_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class SupplierResponse(TenantOwned, Base):
    """One version of a supplier's answer to a request (a returned answer is answered again as
    a new version; every version is kept). ``answer`` is
    :meth:`~lingtan.modules.suppliers.requests.SupplierAnswer.as_dict`; ``source`` says where a
    pushed answer came from (organisation, snapshot)."""

    __tablename__ = "supplier_response"
    __table_args__ = (UniqueConstraint("request_id", "version"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_request.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(10))
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class SupplierAnswerToken(TenantOwned, Base):
    """The answer token of one request (one per request, hence per supplier): only its sha256
    is kept (left out of the audit log too), with its expiry."""

    __tablename__ = "supplier_answer_token"
    __audited__ = True
    __audit_omit__ = ("token_hash",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_request.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class SupplierMaturity(TenantOwned, Base):
    """A maturity assessment (levels 1–5, :mod:`lingtan.modules.suppliers.maturity`)."""

    __tablename__ = "supplier_maturity"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    assessed_on: Mapped[date] = mapped_column(Date)
    level: Mapped[int] = mapped_column(Integer)
    criteria_met: Mapped[list[str]] = mapped_column(JSON, default=list)
    next_review: Mapped[date] = mapped_column(Date)
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("supplier_response.id", ondelete="SET NULL"), nullable=True
    )
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    assessed_by: Mapped[str] = mapped_column(String(200))


class SupplierCoverageGoal(TenantOwned, Base):
    """A goal for a coverage property (e.g. SBT committed or set, 95 %), with what an SBTi
    engagement target must state: the year, the basis, the Scope 3 categories, the year it was
    set (submission)."""

    __tablename__ = "supplier_coverage_goal"
    __table_args__ = (UniqueConstraint("organisation_id", "property"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    property: Mapped[str] = mapped_column(String(30))
    goal_pct: Mapped[float] = mapped_column(Double)
    goal_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    basis: Mapped[str | None] = mapped_column(String(10), nullable=True)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    submission_year: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SupplierCoverageSnapshot(TenantOwned, Base):
    """Coverage of one fiscal year as computed at one time (the history): basis, denominator
    set, the figures (JSON) and the sha256 of the inputs they were computed from."""

    __tablename__ = "supplier_coverage_snapshot"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fiscal_year: Mapped[str] = mapped_column(String(20), index=True)
    basis: Mapped[str] = mapped_column(String(10))
    denominator: Mapped[str] = mapped_column(String(12))
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    inputs_sha256: Mapped[str] = mapped_column(String(64))


def token_hash(token: str) -> str:
    """The sha256 (hex) under which an answer token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# -- the two functions that cross organisations ---------------------------------------------------


@dataclass(frozen=True)
class AddressedRequest:
    """A request of another organisation (the customer) addressed to this one as supplier."""

    request_id: int
    customer_slug: str
    customer_name: str
    supplier_code: str
    fiscal_year: str
    kind: str
    questionnaire_version: str
    due_on: date | None
    status: str
    versions: int


def _addressed(slug: str) -> Any:
    """The requests whose supplier row names ``slug`` as its own organisation, with the
    customer organisation (the only criterion of :func:`addressed_requests` and
    :func:`push_response`)."""
    from lingtan.adapters.store.tenancy import Organisation

    return (
        select(SupplierRequest, SupplierCampaign, Supplier, Organisation)
        .join(Supplier, Supplier.id == SupplierRequest.supplier_id)
        .join(SupplierCampaign, SupplierCampaign.id == SupplierRequest.campaign_id)
        .join(Organisation, Organisation.id == SupplierRequest.organisation_id)
        .where(Supplier.linked_org == slug, Supplier.organisation_id != _own_id(slug))
    )


def _own_id(slug: str) -> Any:
    from lingtan.adapters.store.tenancy import Organisation

    return select(Organisation.id).where(Organisation.slug == slug).scalar_subquery()


def addressed_requests(bind: Engine | Connection, slug: str) -> list[AddressedRequest]:
    """The requests of other organisations addressed to organisation ``slug`` (their supplier
    row's ``linked_org`` is ``slug``), newest first. Read in a system session narrowed to those
    rows only; nothing of the customers but their slug, name and the request is returned."""
    with system_session(bind, actor=f"org:{slug}") as s:
        rows = s.execute(_addressed(slug).order_by(SupplierRequest.id.desc())).all()
        counts = dict(
            s.execute(
                select(SupplierResponse.request_id, func.count())
                .where(SupplierResponse.request_id.in_([r[0].id for r in rows] or [-1]))
                .group_by(SupplierResponse.request_id)
            ).all()
        )
        return [
            AddressedRequest(
                request_id=req.id,
                customer_slug=str(org.slug),
                customer_name=str(org.name),
                supplier_code=sup.code,
                fiscal_year=camp.fiscal_year,
                kind=camp.kind,
                questionnaire_version=camp.questionnaire_version,
                due_on=camp.due_on,
                status=req.status,
                versions=int(counts.get(req.id, 0)),
            )
            for req, camp, sup, org in rows
        ]


class PushRefusedError(Exception):
    """The request does not exist, is not addressed to the pushing organisation, or its
    campaign is closed (``reason``: ``not_found`` | ``closed``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def push_response(
    bind: Engine | Connection,
    *,
    supplier_org_id: int,
    slug: str,
    request_id: int,
    answer: dict[str, Any],
    source: dict[str, Any],
    actor: str,
) -> tuple[int, int]:
    """Write a pushed answer into the customer's tables: a new version of the response to
    ``request_id``, the request marked ``answered``; recorded in the audit log of the customer
    (the row, and ``supplier_response.push_received``) and of the supplier organisation
    (``supplier_response.push_sent``). On a connection already in a transaction (a request's)
    the rows are flushed into it and its owner commits; otherwise they are committed here.

    Returns:
        (customer organisation id, response id).

    Raises:
        PushRefusedError: the request is not addressed to ``slug`` (``not_found``, as for a request
            that does not exist), or its campaign is closed (``closed``).
    """
    # a connection already in a transaction (a request's) is joined and left to its owner
    owns = isinstance(bind, Engine) or not bind.in_transaction()
    with system_session(bind, actor=actor) as s:
        row = s.execute(_addressed(slug).where(SupplierRequest.id == request_id)).first()
        if row is None:
            raise PushRefusedError("not_found")
        req, camp, sup, org = row
        if camp.status != "open":
            raise PushRefusedError("closed")
        last = s.scalar(
            select(func.max(SupplierResponse.version)).where(SupplierResponse.request_id == req.id)
        )
        resp = SupplierResponse(
            organisation_id=req.organisation_id,
            request_id=req.id,
            supplier_id=sup.id,
            version=int(last or 0) + 1,
            channel="push",
            answer=answer,
            source=source,
            submitted_by=actor,
            status="submitted",
        )
        s.add(resp)
        req.status = "answered"
        req.return_reason = None
        s.flush()
        target = f"supplier_response:{resp.id}"
        audit.record(
            s,
            organisation_id=req.organisation_id,
            action="supplier_response.push_received",
            target=target,
            after={"from": slug, "request": req.id, "version": resp.version, **source},
        )
        audit.record(
            s,
            organisation_id=supplier_org_id,
            action="supplier_response.push_sent",
            target=f"customer:{org.slug}/request:{req.id}",
            after={"version": resp.version, "supplier_code": sup.code, **source},
        )
        s.flush()
        ids = int(req.organisation_id), int(resp.id)
        if owns:
            s.commit()
        return ids
