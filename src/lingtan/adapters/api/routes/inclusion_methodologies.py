"""``/orgs/{org}/inclusion/methodologies``: methodology packs and the simulation of an action
(issue 18 item 2, decision 0087) — list, show, load an own pack version (YAML; ``edit_data``),
simulate one action (``read``; nothing stored).

Thin: each route parses, calls :mod:`lingtan.adapters.services.inclusion_methodologies` and
returns a schema."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Query, UploadFile, status

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.errors import ApiError
from lingtan.adapters.api.routes.common import READ_ERRORS, errors
from lingtan.adapters.api.schemas.inclusion_methodologies import (
    PackPublic,
    PackSummary,
    ReductionPublic,
    SimulateIn,
)
from lingtan.adapters.services import inclusion_methodologies as sv

router = APIRouter(prefix="/orgs/{org}/inclusion/methodologies", tags=["inclusion"])

FILE_ERRORS = errors(401, 403, 404, 409, 413, 422)
PackPath = Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._\-]+$")]
Version = Annotated[str | None, Query(max_length=40, pattern=r"^[^\x00-\x1f]+$")]


@router.get("", responses=READ_ERRORS)
def list_packs(db: DbDep, tenant: Reader) -> list[PackSummary]:
    """Every pack (shipped with lingtan and the organisation's own versions)."""
    return [PackSummary.model_validate(sv.pack_dict(e, full=False))
            for e in sv.list_packs(db, tenant)]  # fmt: skip


@router.post("", status_code=status.HTTP_201_CREATED, responses=FILE_ERRORS)
def load_pack(
    file: Annotated[UploadFile, File(description="The pack as YAML")], db: DbDep, tenant: Editor
) -> PackPublic:
    """Load an own pack version (audited; the same content again changes nothing)."""
    data = file.file.read(sv.MAX_FILE_BYTES + 1)
    if len(data) > sv.MAX_FILE_BYTES:
        raise ApiError(413, "too_large", "a pack file is at most 256 KiB")
    entry = sv.load_pack(db, tenant, data, file.filename or "pack.yaml")
    return PackPublic.model_validate(sv.pack_dict(entry))


@router.post("/simulate", responses=READ_ERRORS)
def simulate(body: SimulateIn, db: DbDep, tenant: Reader) -> ReductionPublic:
    """Quantify one action for a region, with the arithmetic (nothing stored)."""
    fields = body.model_dump(exclude_none=True)
    region = fields.pop("region", "CN")
    reduction = sv.simulate(db, tenant, region, sv.action_input(fields))
    return ReductionPublic.model_validate(sv.reduction_dict(reduction))


@router.get("/{pack}", responses=READ_ERRORS)
def get_pack(pack: PackPath, db: DbDep, tenant: Reader, version: Version = None) -> PackPublic:
    """One pack (the latest version unless ``version``) with its parameters and citations."""
    return PackPublic.model_validate(sv.pack_dict(sv.get_pack(db, tenant, pack, version)))
