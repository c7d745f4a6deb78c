"""``/orgs/{org}/energy``: the energy indicators of a fiscal year, a site's dashboard data, the
roll-up of meters into the inventory and the reconciliation with bills (issue 16, decision
0078).

Thin: each route calls :mod:`lingtan.adapters.services.energy_indicators` or
:mod:`~lingtan.adapters.services.energy_rollup`. A fiscal year is written as in the other
routes, ``/`` as ``-`` (``FY2024-25``); a site is one of the organisation's meter sites (another
site, or another organisation's, is a 404). The roll-up writes activity rows through the one
import door (it needs ``edit_data``); reading needs ``read``."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS
from lingtan.adapters.api.schemas.common import FiscalYear
from lingtan.adapters.api.schemas.energy import (
    BillCheckPublic,
    GroupEnergyPublic,
    RollupPublic,
    SiteEnergyPublic,
)
from lingtan.adapters.services.errors import not_found

router = APIRouter(prefix="/orgs/{org}/energy", tags=["energy"])

FiscalYearPath = Annotated[FiscalYear, Path(description="Fiscal year, '/' written as '-'")]
SitePath = Annotated[
    str, Path(max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", description="Site id")
]
_SPLIT = re.compile(r"^(FY|fy)?(\d{4})-(\d{2})$")


def fy_label(value: str) -> str:
    """``FY2024-25`` → ``FY2024/25`` (the calendar's label); other forms unchanged."""
    m = _SPLIT.match(value)
    return f"FY{m.group(2)}/{m.group(3)}" if m else value


def as_dict(value: Any) -> dict[str, Any]:
    """A service result as a plain mapping (``to_dict`` when it has one)."""
    if hasattr(value, "to_dict"):
        return dict(value.to_dict())
    if isinstance(value, dict):
        return value
    from dataclasses import asdict, is_dataclass

    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"not a document: {type(value).__name__}")


def _check_site(db: Any, tenant: Any, site: str) -> None:
    """404 unless ``site`` has a meter in the organisation."""
    from lingtan.adapters.services import meters as ms

    if not ms.list_meters(db, tenant, site=site):
        raise not_found("site")


@router.get("/{fiscal_year}", responses=READ_ERRORS)
def group_energy(fiscal_year: FiscalYearPath, tenant: Reader) -> GroupEnergyPublic:
    """Every site's energy in the fiscal year (MWh, tce, RE share, kWh per unit, PV yield,
    gaps) and the group's totals."""
    from lingtan.adapters.services import energy_indicators as ei

    fy = fy_label(fiscal_year)
    doc = as_dict(ei.group_energy(tenant, fy))
    doc.setdefault("fiscal_year", fy)
    return GroupEnergyPublic.model_validate(doc)


@router.get("/{fiscal_year}/sites/{site}", responses=READ_ERRORS)
def site_energy(
    fiscal_year: FiscalYearPath, site: SitePath, db: DbDep, tenant: Reader
) -> SiteEnergyPublic:
    """A site's energy in the fiscal year: balance, carriers, RE share and its parts, PV and
    storage, PUE, intensity by product type, anomalies, load profiles, gaps."""
    from lingtan.adapters.services import energy_indicators as ei

    _check_site(db, tenant, site)
    fy = fy_label(fiscal_year)
    doc = as_dict(ei.site_energy(tenant, site, fy))
    doc.setdefault("fiscal_year", fy)
    doc.setdefault("site", site)
    return SiteEnergyPublic.model_validate(doc)


@router.post("/{fiscal_year}/rollup", responses=WRITE_ERRORS)
def rollup(fiscal_year: FiscalYearPath, tenant: Editor) -> RollupPublic:
    """Roll the billing meters' monthly sums of the fiscal year up into activity rows (one
    import batch superseding the previous roll-up), bills reconciled instead of counted
    twice."""
    from lingtan.adapters.services import energy_rollup as er

    fy = fy_label(fiscal_year)
    doc = as_dict(er.rollup(tenant, fy))
    doc.setdefault("fiscal_year", fy)
    return RollupPublic.model_validate(doc)


@router.get("/{fiscal_year}/bills", responses=READ_ERRORS)
def bills(fiscal_year: FiscalYearPath, tenant: Reader) -> list[BillCheckPublic]:
    """Meters against invoices for each site × carrier × month in both: the difference and
    whether it is within the tolerance."""
    from lingtan.adapters.services import energy_rollup as er

    fy = fy_label(fiscal_year)
    return [BillCheckPublic.model_validate(as_dict(b)) for b in er.reconcile_bills(tenant, fy)]
