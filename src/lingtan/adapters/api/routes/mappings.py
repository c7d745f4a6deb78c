"""``/orgs/{org}/mappings``: column mappings of the organisation (decision 0051) — list, get,
save, delete, and preview a file through one."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, UploadFile, status
from pydantic import ValidationError

from lingtan.adapters.api.deps import Editor, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS
from lingtan.adapters.api.schemas.mappings import (
    MappingCreate,
    MappingPreviewPublic,
    MappingPublic,
    PreviewRowPublic,
)
from lingtan.adapters.services import mappings
from lingtan.adapters.services.imports import safe_file_name
from lingtan.adapters.services.mappings import MappingServiceError
from lingtan.core.templates.mapping import ColumnMapping

router = APIRouter(prefix="/orgs/{org}", tags=["mappings"])
NamePath = Annotated[str, Path(max_length=80, pattern=r"^[\w][\w.\-]{0,79}$")]
#: the longest mapping sent as JSON with a preview [characters]
MAX_MAPPING_JSON = 200_000


def _public(m: ColumnMapping) -> MappingPublic:
    return MappingPublic.model_validate(m.to_dict())


@router.get("/mappings", responses=READ_ERRORS)
def list_mappings(tenant: Reader) -> list[MappingPublic]:
    """The organisation's saved column mappings, by name."""
    return [_public(m) for m in mappings.list_mappings(tenant)]


@router.get("/mappings/{name}", responses=READ_ERRORS)
def get_mapping(name: NamePath, tenant: Reader) -> MappingPublic:
    """One saved mapping."""
    return _public(mappings.get_mapping(tenant, name))


@router.put("/mappings/{name}", responses=WRITE_ERRORS)
def save_mapping(name: NamePath, body: MappingCreate, tenant: Editor) -> MappingPublic:
    """Save (or replace) a mapping under ``name``: checked against its template (unknown
    columns, a column given twice, a required column unmapped → 422)."""
    m = mappings.mapping_from_dict(body.model_dump(), name=name)
    return _public(mappings.save_mapping(tenant, m))


@router.delete("/mappings/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
def delete_mapping(name: NamePath, tenant: Editor) -> None:
    """Delete a saved mapping (batches imported through it keep their own copy)."""
    mappings.delete_mapping(tenant, name)


@router.post("/mappings/preview", responses=WRITE_ERRORS)
def preview(
    tenant: Editor,
    file: Annotated[UploadFile, File()],
    mapping: Annotated[
        str,
        Form(
            min_length=1,
            max_length=MAX_MAPPING_JSON,
            description="the mapping as JSON (MappingCreate; checked as the PUT body is), or "
            "the name of a saved one",
        ),
    ],
    encoding: Annotated[
        str | None, Form(max_length=40, description="a CSV's encoding (default: detected)")
    ] = None,
    locale: Annotated[
        str | None,
        Form(max_length=20, description="number and date conventions, e.g. de-DE"),
    ] = None,
) -> MappingPreviewPublic:
    """What importing ``file`` through ``mapping`` would give — its first rows, each with what
    it becomes or why it is rejected, and the counts of the whole file. Nothing is stored;
    like an import, it needs the right to edit data. A mapping that is not valid JSON of a
    mapping, or does not fit its template, and a file that cannot be read (its encoding, its
    header) are refused with 422; an unknown saved mapping is a 404."""
    if mapping.lstrip().startswith("{"):
        try:
            body = MappingCreate.model_validate(json.loads(mapping))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "mapping"
            raise MappingServiceError(
                "invalid", "mapping.invalid", f"mapping: {where}: {first['msg']}", "mapping"
            ) from None
        except ValueError as exc:
            raise MappingServiceError(
                "invalid", "mapping.invalid", f"mapping: not JSON ({exc})", "mapping"
            ) from None
        m = mappings.mapping_from_dict(body.model_dump())
    else:
        m = mappings.get_mapping(tenant, mapping)
    limit = tenant.settings.max_upload_mb * 1024 * 1024  # [bytes]
    with tempfile.TemporaryDirectory(prefix="lingtan-preview-") as tmp:
        path = FilePath(tmp) / safe_file_name(file.filename or "upload.csv")
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)
        if path.stat().st_size > limit:
            raise MappingServiceError(
                "too_large", "mapping.invalid", f"larger than {tenant.settings.max_upload_mb} MB",
                "file",
            )  # fmt: skip
        p = mappings.preview(tenant, path, m, encoding=encoding, locale=locale)
    return MappingPreviewPublic(
        header=p.head.header,
        header_row=p.head.header_row,
        encoding=p.head.encoding,
        delimiter=p.head.delimiter,
        rows=[
            PreviewRowPublic(
                row=r.row,
                cells=r.cells,
                activities=[{k: _json(v) for k, v in a.items()} for a in r.activities],
                issues=[
                    {"row": i.row, "column": i.field, "reason": i.reason, "value": i.value}
                    for i in r.issues
                ],
            )
            for r in p.rows
        ],
        rows_read=p.rows_read,
        rows_accepted=p.rows_accepted,
        rows_rejected=p.rows_rejected,
        error=p.error,
    )


def _json(v: object) -> object:
    """A preview cell as JSON (dates as ISO text)."""
    iso = getattr(v, "isoformat", None)
    return iso() if callable(iso) else v
