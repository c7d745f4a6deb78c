"""``/orgs/{org}/supplier-projects`` and ``/orgs/{org}/supplier-training`` (issue 15 items 6–7,
decision 0067): the supplier project ledger with its implied-factor warnings, measurements, the
supply-chain KPI ("1 Mt by FY2025/26"), and supplier training events, attendance and counts.

Thin: each route parses, calls :mod:`lingtan.adapters.services.supplier_programmes` and returns
a schema. Reading needs ``read``, changing ``edit_data``; another organisation's project or
event is a 404. ``ROUTERS`` lists both routers (``api/router.py`` includes each)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Query, UploadFile, status

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, errors, read_upload
from lingtan.adapters.api.schemas.common import FiscalYear
from lingtan.adapters.api.schemas.supplier_programmes import (
    AttendanceCreate,
    AttendanceImportPublic,
    AttendancePublic,
    EventCreate,
    EventPublic,
    LedgerPublic,
    MeasurementCreate,
    MeasurementPublic,
    ProgrammePublic,
    ProjectCreate,
    ProjectPublic,
    ProjectUpdate,
    SupplyChainKpiPublic,
    TrainingSummaryPublic,
)
from lingtan.adapters.services import supplier_programmes as sv

projects = APIRouter(prefix="/orgs/{org}/supplier-projects", tags=["supplier projects"])
training = APIRouter(prefix="/orgs/{org}/supplier-training", tags=["supplier training"])
ROUTERS = (projects, training)

CodePath = Annotated[
    str, Path(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
FiscalYearQuery = Annotated[FiscalYear | None, Query()]  # a real fiscal year (schemas.common)
FILE_ERRORS = errors(401, 403, 404, 409, 413, 422)


@projects.get("", responses=READ_ERRORS)
def ledger(db: DbDep, tenant: Reader) -> LedgerPublic:
    """Every project's cumulative and attributed reductions [t CO2e], lifetime, cost per tonne
    [CNY/t] and implied-factor checks; each programme's and the group's totals (each project
    once); the implied-factor warnings; the supply-chain KPI."""
    return LedgerPublic.model_validate(sv.projects_ledger(db, tenant))


@projects.post("", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_project(body: ProjectCreate, db: DbDep, tenant: Editor) -> ProjectPublic:
    """Add a supplier project (audited)."""
    return ProjectPublic.model_validate(sv.create_project(db, tenant, body.model_dump()))


@projects.get("/kpi", responses=READ_ERRORS)
def kpi(
    db: DbDep,
    tenant: Reader,
    goal_t: Annotated[float | None, Query(gt=0, le=1e12)] = None,
    goal_year: FiscalYearQuery = None,
    from_year: FiscalYearQuery = None,
    programme: Annotated[list[str] | None, Query(max_length=20)] = None,
) -> SupplyChainKpiPublic:
    """The supply-chain KPI (default 1,000,000 t CO2e by FY2025/26 counted from FY2022/23):
    cumulative attributed reductions by fiscal year, the linear pathway and the status."""
    doc = sv.programme_kpi(db, tenant, goal_t=goal_t, goal_year=goal_year,
                           from_year=from_year, programmes=programme or ())  # fmt: skip
    return SupplyChainKpiPublic.model_validate(doc)


@projects.get("/programmes", responses=READ_ERRORS)
def programmes(db: DbDep, tenant: Reader) -> list[ProgrammePublic]:
    """The programmes projects belong to."""
    return [ProgrammePublic.model_validate(p) for p in sv.list_programmes(db, tenant)]


@projects.get("/{project}", responses=READ_ERRORS)
def get_project(project: CodePath, db: DbDep, tenant: Reader) -> ProjectPublic:
    """One project with its figures and measurements."""
    return ProjectPublic.model_validate(sv.get_project(db, tenant, project))


@projects.patch("/{project}", responses=WRITE_ERRORS)
def update_project(
    project: CodePath, body: ProjectUpdate, db: DbDep, tenant: Editor
) -> ProjectPublic:
    """Change a project (the fields given; ``programmes`` replaces the list; audited)."""
    fields = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    return ProjectPublic.model_validate(sv.update_project(db, tenant, project, fields))


@projects.delete("/{project}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
def delete_project(project: CodePath, db: DbDep, tenant: Editor) -> None:
    """Remove a project with its measurements (audited)."""
    sv.delete_project(db, tenant, project)


@projects.post(
    "/{project}/measurements", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
def add_measurement(
    project: CodePath, body: MeasurementCreate, db: DbDep, tenant: Editor
) -> MeasurementPublic:
    """Record a measured result of one period (audited)."""
    doc = sv.add_measurement(db, tenant, project, body.model_dump())
    return MeasurementPublic.model_validate(doc)


@training.get("", responses=READ_ERRORS)
def summary(
    db: DbDep, tenant: Reader, fiscal_year: FiscalYearQuery = None
) -> TrainingSummaryPublic:
    """Courses, learners, and events, attendances and people per kind; each event; each
    supplier (a fiscal year, or every event)."""
    doc = sv.training_summary(db, tenant, fiscal_year=fiscal_year)
    return TrainingSummaryPublic.model_validate(doc)


@training.get("/events", responses=READ_ERRORS)
def list_events(db: DbDep, tenant: Reader) -> list[EventPublic]:
    """Training events by date with their attendance counts."""
    return [EventPublic.model_validate(e) for e in sv.list_events(db, tenant)]


@training.post("/events", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_event(body: EventCreate, db: DbDep, tenant: Editor) -> EventPublic:
    """Add a training event (audited)."""
    return EventPublic.model_validate(sv.create_event(db, tenant, body.model_dump()))


@training.delete("/events/{event}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
def delete_event(event: CodePath, db: DbDep, tenant: Editor) -> None:
    """Remove an event and its attendance (audited)."""
    sv.delete_event(db, tenant, event)


@training.post(
    "/events/{event}/attendance", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
def add_attendance(
    event: CodePath, body: AttendanceCreate, db: DbDep, tenant: Editor
) -> AttendancePublic:
    """Record a person at an event (a person already recorded is not counted twice)."""
    return AttendancePublic.model_validate(sv.add_attendance(db, tenant, event, body.model_dump()))


@training.post("/import", responses=FILE_ERRORS)
def import_attendance(
    file: Annotated[UploadFile, File(description="CSV or XLSX attendance file")],
    db: DbDep,
    tenant: Editor,
) -> AttendanceImportPublic:
    """Import attendance (new events from the rows' kind, title and date); all or nothing,
    every wrong cell named by file, row, column and reason."""
    res = sv.import_attendance(db, tenant, read_upload(file), file.filename or "attendance.csv")
    return AttendanceImportPublic.model_validate(res)
