"""``/orgs/{org}/risks/governance``: governance bodies, meetings, roles and remuneration links
(issue 17 item 6, decision 0084) — the bodies with their required meeting frequency, meetings
with their climate agenda items and decisions (and a CSV file of them, imported all or nothing
and exported), the management roles (IFRS S2 ¶6(b)), the links of climate KPIs to variable pay
(IFRS S2 ¶29(g)), the frequency check and the records view of a fiscal year.

Thin: each route parses, calls :mod:`lingtan.adapters.services.risk_governance` and returns a
schema. Reading needs ``read``, changing ``edit_data``; another organisation's record is a
404."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Query, UploadFile, status
from fastapi.responses import Response

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.errors import ApiError
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    IdPath,
    errors,
    file_content,
    file_response,
)
from lingtan.adapters.api.schemas.common import FiscalYear
from lingtan.adapters.api.schemas.risk_governance import (
    BodyCreate,
    BodyPublic,
    BodyUpdate,
    CheckPublic,
    MeetingCreate,
    MeetingImportPublic,
    MeetingPublic,
    MeetingUpdate,
    PayLinkCreate,
    PayLinkPublic,
    PayLinkUpdate,
    RoleCreate,
    RolePublic,
    RoleUpdate,
    SummaryPublic,
)
from lingtan.adapters.services import risk_governance as sv

router = APIRouter(prefix="/orgs/{org}/risks/governance", tags=["risks"])

FILE_ERRORS = errors(401, 403, 404, 413, 422)
#: the largest import file [bytes]
MAX_FILE = 20 * 1024 * 1024
CodePath = Annotated[
    str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
]


def _fields(body: Any, *, unset: bool = False) -> dict[str, Any]:
    """A request body as service fields (nested models as plain data)."""
    return dict(
        body.model_dump(exclude_unset=True) if unset else body.model_dump(exclude_none=True)
    )


# ---- bodies -------------------------------------------------------------------------------


@router.get("/bodies", responses=READ_ERRORS)
def list_bodies(db: DbDep, tenant: Reader) -> list[BodyPublic]:
    """The governance bodies with their required frequency."""
    return [BodyPublic.model_validate(sv.body_dict(b)) for b in sv.list_bodies(db, tenant)]


@router.post("/bodies", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_body(body: BodyCreate, db: DbDep, tenant: Editor) -> BodyPublic:
    """Add a body (audited); without ``per_year`` the report's frequency for its kind."""
    return BodyPublic.model_validate(sv.body_dict(sv.create_body(db, tenant, _fields(body))))


@router.get("/bodies/{code}", responses=READ_ERRORS)
def get_body(code: CodePath, db: DbDep, tenant: Reader) -> BodyPublic:
    """One body."""
    return BodyPublic.model_validate(sv.body_dict(sv.get_body(db, tenant, code)))


@router.patch("/bodies/{code}", responses=WRITE_ERRORS)
def update_body(code: CodePath, body: BodyUpdate, db: DbDep, tenant: Editor) -> BodyPublic:
    """Change a body (audited)."""
    row = sv.update_body(db, tenant, code, _fields(body, unset=True))
    return BodyPublic.model_validate(sv.body_dict(row))


@router.delete("/bodies/{code}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
def delete_body(code: CodePath, db: DbDep, tenant: Editor) -> Response:
    """Remove a body without meetings (audited)."""
    sv.delete_body(db, tenant, code)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ---- meetings -----------------------------------------------------------------------------


@router.get("/meetings", responses=READ_ERRORS)
def list_meetings(
    db: DbDep,
    tenant: Reader,
    fiscal_year: FiscalYear | None = None,
    body: Annotated[str | None, Query(max_length=40, pattern=r"^[^\x00-\x1f]*$")] = None,
) -> list[MeetingPublic]:
    """Meetings by date (undated ones last), filtered by fiscal year and body code."""
    rows = sv.list_meetings(db, tenant, fiscal_year=fiscal_year, body=body)
    return [MeetingPublic.model_validate(d) for d in sv.meeting_dicts(db, rows)]


@router.post("/meetings", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_meeting(body: MeetingCreate, db: DbDep, tenant: Editor) -> MeetingPublic:
    """Add a meeting with its agenda and decisions (audited)."""
    row = sv.create_meeting(db, tenant, _fields(body))
    return MeetingPublic.model_validate(sv.meeting_dict(db, row))


@router.post("/meetings/import", status_code=status.HTTP_201_CREATED, responses=FILE_ERRORS)
def import_meetings(
    file: Annotated[UploadFile, File(description="CSV file of meetings")],
    db: DbDep,
    tenant: Editor,
) -> MeetingImportPublic:
    """Add the meetings of a CSV file, all or nothing (every wrong cell named)."""
    data = file.file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise ApiError(413, "too_large", "a file is at most 20 MiB")
    created = sv.import_meetings(db, tenant, data, file.filename or "meetings.csv")
    return MeetingImportPublic(created=created)


@router.get(
    "/meetings/export",
    responses={**READ_ERRORS, **file_content("text/csv")},
    response_class=Response,
)
def export_meetings(db: DbDep, tenant: Reader, fiscal_year: FiscalYear | None = None) -> Response:
    """The meetings (of a fiscal year, or all) as CSV in the import's columns."""
    data = sv.export_meetings(db, tenant, fiscal_year)
    return file_response("governance-meetings.csv", data, "text/csv")


@router.get("/meetings/{meeting_id}", responses=READ_ERRORS)
def get_meeting(meeting_id: IdPath, db: DbDep, tenant: Reader) -> MeetingPublic:
    """One meeting."""
    return MeetingPublic.model_validate(sv.meeting_dict(db, sv.get_meeting(db, tenant, meeting_id)))


@router.patch("/meetings/{meeting_id}", responses=WRITE_ERRORS)
def update_meeting(
    meeting_id: IdPath, body: MeetingUpdate, db: DbDep, tenant: Editor
) -> MeetingPublic:
    """Change a meeting (audited; ``agenda`` replaces the agenda)."""
    fields = _fields(body, unset=True)
    row = sv.update_meeting(db, tenant, meeting_id, fields)
    return MeetingPublic.model_validate(sv.meeting_dict(db, row))


@router.delete(
    "/meetings/{meeting_id}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS
)
def delete_meeting(meeting_id: IdPath, db: DbDep, tenant: Editor) -> Response:
    """Remove a meeting and its agenda (audited)."""
    sv.delete_meeting(db, tenant, meeting_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ---- roles --------------------------------------------------------------------------------


@router.get("/roles", responses=READ_ERRORS)
def list_roles(db: DbDep, tenant: Reader) -> list[RolePublic]:
    """The management roles, climate-responsible ones first."""
    return [RolePublic.model_validate(sv.role_dict(r)) for r in sv.list_roles(db, tenant)]


@router.post("/roles", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_role(body: RoleCreate, db: DbDep, tenant: Editor) -> RolePublic:
    """Add a role (audited)."""
    return RolePublic.model_validate(sv.role_dict(sv.create_role(db, tenant, _fields(body))))


@router.patch("/roles/{role_id}", responses=WRITE_ERRORS)
def update_role(role_id: IdPath, body: RoleUpdate, db: DbDep, tenant: Editor) -> RolePublic:
    """Change a role (audited)."""
    row = sv.update_role(db, tenant, role_id, _fields(body, unset=True))
    return RolePublic.model_validate(sv.role_dict(row))


@router.delete("/roles/{role_id}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
def delete_role(role_id: IdPath, db: DbDep, tenant: Editor) -> Response:
    """Remove a role (audited)."""
    sv.delete_role(db, tenant, role_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ---- remuneration links -------------------------------------------------------------------


@router.get("/pay-links", responses=READ_ERRORS)
def list_pay_links(
    db: DbDep, tenant: Reader, fiscal_year: FiscalYear | None = None
) -> list[PayLinkPublic]:
    """The links of climate KPIs to variable pay, filtered by fiscal year."""
    rows = sv.list_pay_links(db, tenant, fiscal_year=fiscal_year)
    return [PayLinkPublic.model_validate(sv.pay_link_dict(r)) for r in rows]


@router.post("/pay-links", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_pay_link(body: PayLinkCreate, db: DbDep, tenant: Editor) -> PayLinkPublic:
    """Add a link (audited); ``kpi_id`` must be a KPI of the targets file when it has one."""
    row = sv.create_pay_link(db, tenant, _fields(body))
    return PayLinkPublic.model_validate(sv.pay_link_dict(row))


@router.patch("/pay-links/{link_id}", responses=WRITE_ERRORS)
def update_pay_link(
    link_id: IdPath, body: PayLinkUpdate, db: DbDep, tenant: Editor
) -> PayLinkPublic:
    """Change a link (audited)."""
    row = sv.update_pay_link(db, tenant, link_id, _fields(body, unset=True))
    return PayLinkPublic.model_validate(sv.pay_link_dict(row))


@router.delete(
    "/pay-links/{link_id}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS
)
def delete_pay_link(link_id: IdPath, db: DbDep, tenant: Editor) -> Response:
    """Remove a link (audited)."""
    sv.delete_pay_link(db, tenant, link_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ---- the year -----------------------------------------------------------------------------


@router.get("/check", responses=READ_ERRORS)
def check(db: DbDep, tenant: Reader, fiscal_year: FiscalYear) -> list[CheckPublic]:
    """Required vs held meetings of every body in the fiscal year, with the gaps."""
    return [CheckPublic.model_validate(sv.check_dict(c))
            for c in sv.frequency_check(db, tenant, fiscal_year)]  # fmt: skip


@router.get("/summary", responses=READ_ERRORS)
def summary(db: DbDep, tenant: Reader, fiscal_year: FiscalYear) -> SummaryPublic:
    """The governance records of the fiscal year (bodies with required vs held, meetings,
    climate agenda items, roles, remuneration links)."""
    return SummaryPublic.model_validate(sv.governance_summary(db, tenant, fiscal_year))
