"""``/orgs/{org}/targets``: the organisation's targets file, progress and SBTi check, the MACC
of a year and the least-cost plan (issue 5; docs/targets.md for every formula)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    FiscalYearPath,
    errors,
    file_content,
    file_response,
)
from lingtan.adapters.api.schemas.targets import (
    MaccPublic,
    PlanPublic,
    TargetsFileUpdate,
    TargetsOverviewPublic,
)
from lingtan.adapters.services import targets as svc

router = APIRouter(prefix="/orgs/{org}/targets", tags=["targets"])


@router.get("", responses=READ_ERRORS)
def get_targets(tenant: Reader) -> TargetsOverviewPublic:
    """Each target's base, target, linear pathway, actual, gap and status per year; KPIs; the
    SBTi check with the clause of every failed criterion. 404 until a targets file is PUT."""
    return TargetsOverviewPublic.model_validate(svc.targets_overview(tenant))


@router.put("", responses={**WRITE_ERRORS, **errors(413)})
def put_targets(body: TargetsFileUpdate, db: DbDep, tenant: Editor) -> TargetsOverviewPublic:
    """Replace the targets file (YAML, docs/targets.md). An invalid file is refused with 422
    naming the item and field (``targets[0].base_year``); nothing is stored then. Audited."""
    return TargetsOverviewPublic.model_validate(svc.replace_targets(db, tenant, body.content))


@router.get(
    "/file",
    response_class=Response,
    responses={**file_content("application/yaml"), **READ_ERRORS},
)
def get_targets_file(tenant: Reader) -> Response:
    """The targets file as stored (YAML)."""
    name, data = svc.targets_file(tenant)
    return file_response(name, data, "application/yaml; charset=utf-8")


@router.get("/macc/{fiscal_year}", responses=READ_ERRORS)
def get_macc(fiscal_year: FiscalYearPath, tenant: Reader) -> MaccPublic:
    """The marginal abatement cost curve of a fiscal year (``FY2026-27``): bar width =
    abatement [t CO2e/yr], height = equivalent annual cost / abatement [currency / t CO2e]."""
    return MaccPublic.model_validate(svc.targets_macc(tenant, fiscal_year))


@router.get("/plan", responses=READ_ERRORS)
def get_plan(tenant: Reader) -> PlanPublic:
    """The plan last computed (``stale`` when the targets file changed since)."""
    return PlanPublic.model_validate(svc.saved_plan(tenant))


@router.post("/plan", responses=WRITE_ERRORS)
def post_plan(
    db: DbDep,
    tenant: Editor,
    explain: Annotated[
        bool, Query(description="Explain every decision (one re-solve per project)")
    ] = True,
) -> PlanPublic:
    """Compute the least-cost plan meeting every target (MILP, HiGHS; offsets only for what
    feasible reductions cannot remove), keep it and return it. Audited."""
    return PlanPublic.model_validate(svc.compute_plan(db, tenant, explain=explain))
