"""``/orgs/{org}/overview``: the control tower, every module's tile, alerts and the trend forecast
(issue 19 item 6, decision 0101).

Thin: the route parses, calls :func:`lingtan.adapters.services.control_tower.tower` and returns
a schema. Reading needs ``read``; a fiscal year the calendar does not know is a 422 naming
``fiscal_year``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lingtan.adapters.api.deps import DbDep, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS
from lingtan.adapters.api.schemas.common import FiscalYear
from lingtan.adapters.api.schemas.control_tower import TowerPublic
from lingtan.adapters.services import control_tower as sv

router = APIRouter(tags=["overview"])


@router.get("/orgs/{org}/overview", responses=READ_ERRORS)
def overview(
    db: DbDep,
    tenant: Reader,
    fiscal_year: Annotated[FiscalYear | None, Query()] = None,
) -> TowerPublic:
    """The control tower of ``fiscal_year`` (default: the latest year with an inventory)."""
    return TowerPublic.model_validate(sv.tower(tenant, fiscal_year, db=db))
