"""``/orgs/{org}/inclusion/{programme}/report``: the carbon-inclusion programme report (issue 18
item 7, decision 0092) — participants, events by action and status, kg CO2e by methodology and
by what it counts as (reductions and avoided emissions apart), points issued / redeemed /
expired / reversed / outstanding (the liability), Scope 3 category 7 rows.

Thin: the route parses, calls :mod:`lingtan.adapters.services.inclusion_report` and returns a
schema. Reading needs ``read``; another organisation's programme is a 404. (The member's own
data is served by the member page ``/m/{token}``; there is no separate member JSON API.)"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query

from lingtan.adapters.api.deps import DbDep, Reader
from lingtan.adapters.api.errors import ApiError
from lingtan.adapters.api.routes.common import READ_ERRORS
from lingtan.adapters.api.schemas.inclusion_report import ReportPublic
from lingtan.adapters.services import inclusion_report as sv

router = APIRouter(tags=["inclusion"])

CodePath = Annotated[
    str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
]


@router.get("/orgs/{org}/inclusion/{programme}/report", responses=READ_ERRORS)
def programme_report(
    programme: CodePath,
    db: DbDep,
    tenant: Reader,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
) -> ReportPublic:
    """The programme report over ``[from, to]`` (both days included; either open)."""
    if start and end and end < start:
        raise ApiError(422, "invalid", "to: the end comes before the start", "to")
    return ReportPublic.model_validate(sv.programme_report(db, tenant, programme, start, end))
