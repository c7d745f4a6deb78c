"""Supplier reviews (issue 15 items 2–3, decision 0064; docs/supplier-reviews.md):

- ``/orgs/{org}/suppliers/{code}/ratings`` — external ratings; a rating under 45 opens a
  corrective action plan due 90 days later;
- ``/orgs/{org}/suppliers/{code}/caps`` — plans, their items and closure with evidence;
- ``/orgs/{org}/suppliers/{code}/audits`` — audits, findings, closure, waivers;
- ``/orgs/{org}/suppliers/{code}/scorecards`` — quarterly scorecards;
- ``/orgs/{org}/supplier-caps`` (``?overdue=true``), ``/orgs/{org}/supplier-caps/kpis``;
- ``/orgs/{org}/supplier-audits/coverage|due|suspensions``.

Thin: parse, call :mod:`lingtan.adapters.services.supplier_reviews`, return a schema.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, IdPath
from lingtan.adapters.api.schemas.common import FiscalYear
from lingtan.adapters.api.schemas.supplier_reviews import (
    AuditCoveragePublic,
    AuditCreate,
    AuditPublic,
    CapCreate,
    CapItemCreate,
    CapKpisPublic,
    CapPublic,
    CloseWithEvidence,
    DueAuditPublic,
    KpiSetPublic,
    RatingCreate,
    RatingOutcomePublic,
    RatingPublic,
    ScorecardCompute,
    ScorecardPublic,
    SuspensionPublic,
    WaiverCreate,
    WaiverPublic,
)
from lingtan.adapters.services import supplier_reviews as svc
from lingtan.adapters.services.context import Context

router = APIRouter(prefix="/orgs/{org}", tags=["supplier reviews"])

CodePath = Annotated[
    str, Path(max_length=60, pattern=r"^[^\x00-\x1f/]+$", description="Supplier code")
]
FiscalYearQuery = Annotated[FiscalYear, Query()]  # a real fiscal year (schemas.common)
Today = Annotated[date | None, Query(description="The day to judge by (default: today, UTC)")]


def _cap(value: dict[str, Any]) -> CapPublic:
    return CapPublic.model_validate(value)


# ---- ratings and plans ------------------------------------------------------------------


@router.get("/suppliers/{code}/ratings", responses=READ_ERRORS)
def list_ratings(code: CodePath, db: DbDep, tenant: Reader) -> list[RatingPublic]:
    """The supplier's ratings, latest first."""
    return [RatingPublic.model_validate(r) for r in svc.list_ratings(db, tenant, code)]


@router.post("/suppliers/{code}/ratings", status_code=201, responses=WRITE_ERRORS)
def post_rating(
    code: CodePath, body: RatingCreate, db: DbDep, tenant: Editor
) -> RatingOutcomePublic:
    """Record a rating. Under 45 (and the supplier's latest) it opens a plan due
    ``rated_on + 90 days``; it re-rates the plans opened before it (score change). Audited."""
    out = svc.record_rating(db, tenant, code, body.model_dump())
    today = svc.today_utc()
    return RatingOutcomePublic(
        rating=RatingPublic.model_validate(out["rating"]),
        cap=None if out["cap"] is None else _cap(svc.cap_dict(db, out["cap"], today)),
        rerated=[_cap(svc.cap_dict(db, c, today)) for c in out["rerated"]],
    )


@router.get("/suppliers/{code}/caps", responses=READ_ERRORS)
def list_supplier_caps(
    code: CodePath, db: DbDep, tenant: Reader, today: Today = None
) -> list[CapPublic]:
    """The supplier's plans by due date, with status and items."""
    return [_cap(c) for c in svc.list_caps(db, tenant, code=code, today=today)]


@router.post("/suppliers/{code}/caps", status_code=201, responses=WRITE_ERRORS)
def post_cap(code: CodePath, body: CapCreate, db: DbDep, tenant: Editor) -> CapPublic:
    """Open a plan by hand (an audit finding, a poor grade). Audited."""
    row = svc.open_cap(db, tenant, code, body.model_dump())
    return _cap(svc.cap_dict(db, row, svc.today_utc()))


@router.get("/suppliers/{code}/caps/{cap_id}", responses=READ_ERRORS)
def get_cap(
    code: CodePath, cap_id: IdPath, db: DbDep, tenant: Reader, today: Today = None
) -> CapPublic:
    """One plan."""
    return _cap(svc.get_cap(db, tenant, code, cap_id, today))


@router.post("/suppliers/{code}/caps/{cap_id}/items", status_code=201, responses=WRITE_ERRORS)
def post_cap_item(
    code: CodePath, cap_id: IdPath, body: CapItemCreate, db: DbDep, tenant: Editor
) -> CapPublic:
    """Add an item to a plan. Audited."""
    svc.add_cap_item(db, tenant, code, cap_id, body.model_dump())
    return _cap(svc.get_cap(db, tenant, code, cap_id))


@router.post("/suppliers/{code}/caps/{cap_id}/items/{item_id}/close", responses=WRITE_ERRORS)
def close_cap_item(
    code: CodePath,
    cap_id: IdPath,
    item_id: IdPath,
    body: CloseWithEvidence,
    db: DbDep,
    tenant: Editor,
) -> CapPublic:
    """Close an item with its evidence; the plan closes with its last item. Audited."""
    return _cap(svc.close_cap_item(db, tenant, code, cap_id, item_id,
                                   closed_on=body.closed_on, evidence=body.evidence))  # fmt: skip


@router.get("/supplier-caps", responses=READ_ERRORS)
def list_caps(
    db: DbDep,
    tenant: Reader,
    overdue: Annotated[bool, Query(description="Only the plans past due and not closed")] = False,
    today: Today = None,
) -> list[CapPublic]:
    """Every supplier's plans by due date (the dashboard's overdue list with ``overdue``)."""
    return [_cap(c) for c in svc.list_caps(db, tenant, overdue=overdue, today=today)]


@router.get("/supplier-caps/kpis", responses=READ_ERRORS)
def cap_kpis(db: DbDep, tenant: Reader, today: Today = None) -> CapKpisPublic:
    """CAPs closed on time [%] and the mean score change after re-rating [points]."""
    k = svc.cap_kpis(db, tenant, today)
    return CapKpisPublic.model_validate(k, from_attributes=True)


# ---- audits -----------------------------------------------------------------------------


@router.get("/suppliers/{code}/audits", responses=READ_ERRORS)
def list_audits(code: CodePath, db: DbDep, tenant: Reader) -> list[AuditPublic]:
    """The supplier's audits, latest first, with findings."""
    return [AuditPublic.model_validate(a) for a in svc.list_audits(db, tenant, code)]


@router.post("/suppliers/{code}/audits", status_code=201, responses=WRITE_ERRORS)
def post_audit(code: CodePath, body: AuditCreate, db: DbDep, tenant: Editor) -> AuditPublic:
    """Record an audit and its findings. Audited."""
    data = body.model_dump()
    row = svc.add_audit(db, tenant, code, data)
    found = next(a for a in svc.list_audits(db, tenant, code) if a["id"] == row.id)
    return AuditPublic.model_validate(found)


@router.post(
    "/suppliers/{code}/audits/{audit_id}/findings/{finding_id}/close", responses=WRITE_ERRORS
)
def close_finding(
    code: CodePath,
    audit_id: IdPath,
    finding_id: IdPath,
    body: CloseWithEvidence,
    db: DbDep,
    tenant: Editor,
) -> AuditPublic:
    """Close a finding with its evidence. Audited."""
    out = svc.close_finding(db, tenant, code, audit_id, finding_id,
                            closed_on=body.closed_on, evidence=body.evidence)  # fmt: skip
    return AuditPublic.model_validate(out)


@router.get("/suppliers/{code}/waivers", responses=READ_ERRORS)
def list_waivers(code: CodePath, db: DbDep, tenant: Reader) -> list[WaiverPublic]:
    """Waivers of the supplier's findings, latest first."""
    return [WaiverPublic.model_validate(w) for w in svc.waivers_of(db, tenant, code)]


@router.post("/suppliers/{code}/waivers", status_code=201, responses=WRITE_ERRORS)
def post_waiver(code: CodePath, body: WaiverCreate, db: DbDep, tenant: Editor) -> WaiverPublic:
    """Waive the suspension rule for one finding (who: the caller; why; until). Audited."""
    row = svc.add_waiver(db, tenant, code, body.finding_id, reason=body.reason,
                         granted_on=body.granted_on, until=body.until)  # fmt: skip
    return WaiverPublic.model_validate(row)


@router.get("/supplier-audits/coverage", responses=READ_ERRORS)
def coverage(fiscal_year: FiscalYearQuery, db: DbDep, tenant: Reader) -> AuditCoveragePublic:
    """The audit-coverage set A (suppliers by descending spend reaching 95 % of spend) and the
    audited spend share at the fiscal year's end."""
    return AuditCoveragePublic.model_validate(svc.coverage(db, tenant, fiscal_year))


@router.get("/supplier-audits/due", responses=READ_ERRORS)
def audits_due(
    fiscal_year: FiscalYearQuery, db: DbDep, tenant: Reader, today: Today = None
) -> list[DueAuditPublic]:
    """Suppliers of A due for an audit within six months (overdue first)."""
    due = svc.audits_due(db, tenant, fiscal_year, today=today)
    return [DueAuditPublic.model_validate(d) for d in due]


@router.get("/supplier-audits/suspensions", responses=READ_ERRORS)
def suspensions(db: DbDep, tenant: Reader, today: Today = None) -> SuspensionPublic:
    """Suppliers with a priority finding open past due and not waived (nothing changed)."""
    return SuspensionPublic.model_validate(svc.suspension_check(db, tenant, today=today))


@router.post("/supplier-audits/suspensions", responses=WRITE_ERRORS)
def apply_suspensions(db: DbDep, tenant: Editor, today: Today = None) -> SuspensionPublic:
    """Apply the suspension rule: suspend approved or conditional suppliers with a priority
    finding open past due and not waived. Audited."""
    out = svc.suspension_check(db, tenant, today=today, apply=True)
    return SuspensionPublic.model_validate(out)


# ---- scorecards -------------------------------------------------------------------------


@router.get("/supplier-kpis", responses=READ_ERRORS)
def kpi_set(db: DbDep, tenant: Reader) -> KpiSetPublic:
    """The scorecard KPI definitions and grade bands in force (lingtan's default set of 30
    unless the organisation stored its own)."""
    return KpiSetPublic.model_validate(svc.kpi_set_document(svc.kpi_set(db, tenant)))


def _scorecard(ctx: Context, db: DbDep, row: Any) -> ScorecardPublic:
    return ScorecardPublic.model_validate(svc.scorecard_dict(row, svc.kpi_set(db, ctx)))


@router.get("/suppliers/{code}/scorecards", responses=READ_ERRORS)
def list_scorecards(code: CodePath, db: DbDep, tenant: Reader) -> list[ScorecardPublic]:
    """The supplier's quarterly scorecards, latest first."""
    return [_scorecard(tenant, db, r) for r in svc.list_scorecards(db, tenant, code)]


@router.post("/suppliers/{code}/scorecards", status_code=201, responses=WRITE_ERRORS)
def post_scorecard(
    code: CodePath, body: ScorecardCompute, db: DbDep, tenant: Editor
) -> ScorecardPublic:
    """Compute (or recompute) a quarter's scorecard from the KPI set in force. Audited."""
    row = svc.compute_scorecard(db, tenant, code, body.period, body.values)
    return _scorecard(tenant, db, row)
