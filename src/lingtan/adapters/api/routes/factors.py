"""``/orgs/{org}/factors`` and ``/orgs/{org}/factor-sets``: the factor library."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, UploadFile, status

from lingtan.adapters import services
from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.errors import ApiError
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS
from lingtan.adapters.api.schemas.factors import FactorSearchPublic, FactorSetPublic

router = APIRouter(prefix="/orgs/{org}", tags=["factors"])
MAX_FACTOR_FILE = 20 * 1024 * 1024


@router.get("/factors", responses=READ_ERRORS)
def search_factors(
    db: DbDep,
    tenant: Reader,
    q: Annotated[str, Query(max_length=200, pattern=r"^[^\x00]*$")] = "",
    region: Annotated[str | None, Query(max_length=20, pattern=r"^[A-Za-z0-9*-]+$")] = None,
    set: Annotated[str | None, Query(max_length=100, pattern=r"^[A-Za-z0-9._-]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 30,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    gwp: Annotated[
        Literal["AR4", "AR5", "AR6"] | None,
        Query(description="GWP set (IPCC assessment report); default the organisation's"),
    ] = None,
) -> FactorSearchPublic:
    """Factor groups (bundled and the organisation's sets) matching every word of ``q`` in
    activity type, Chinese or English name (``柴油``, ``天然气``, ``电力``), description,
    source, set or region; the type or name itself first. ``total_groups`` is the number of
    every match; ``limit``/``offset`` page through them. Each group carries its kg CO2e per
    unit under ``gwp`` (AR4/AR5/AR6; default the organisation's ``gwp_set``)."""
    return FactorSearchPublic.model_validate(
        services.search_factors(
            db, tenant, q, region=region, set_name=set, limit=limit, offset=offset, gwp_set=gwp
        )
    )


@router.get("/factor-sets", responses=READ_ERRORS)
def list_factor_sets(db: DbDep, tenant: Reader) -> list[FactorSetPublic]:
    """Bundled sets and the organisation's own."""
    return [FactorSetPublic.model_validate(s) for s in services.factor_sets(db, tenant)]


@router.post("/factor-sets", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def upload_factor_set(
    file: Annotated[UploadFile, File(description="A .csv or .yaml factor set")],
    db: DbDep,
    tenant: Editor,
) -> FactorSetPublic:
    """Add or replace one of the organisation's factor sets (checked completely first)."""
    data = file.file.read(MAX_FACTOR_FILE + 1)
    if len(data) > MAX_FACTOR_FILE:
        raise ApiError(413, "too_large", "a factor set file is at most 20 MB")
    return FactorSetPublic.model_validate(
        services.upload_factor_set(db, tenant, file.filename or "factors.csv", data)
    )
