"""``/orgs/{org}/circularity…``: circularity ledgers and their eight KPIs (issue 19 item 5,
decision 0100).

- ``GET /orgs/{org}/circularity/kpis?year=FY2023-24`` — the eight KPIs of a period (a fiscal
  year of the workspace or a calendar year), avoided emissions labelled as such;
- per ledger ``materials``, ``packaging``, ``returnables``, ``takeback``, ``recyclers``:
  ``GET …/{ledger}`` (``?year=``), ``POST …/{ledger}``, ``GET|PATCH|DELETE …/{ledger}/{id}``,
  ``POST …/{ledger}/import`` (a CSV or XLSX file, all or nothing, every wrong cell named),
  ``GET …/{ledger}/template`` (CSV) and ``GET …/{ledger}/export?format=csv|xlsx``.

Thin: each route parses, calls :mod:`lingtan.adapters.services.circularity` and returns a
schema. Reading needs ``read``, changing ``edit_data``; another organisation's row is a 404.
The five ledgers' routes are made by one function (:func:`_ledger_routes`) with each ledger's
own schemas."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, UploadFile, status
from fastapi.responses import Response
from pydantic import BaseModel, StringConstraints

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    IdPath,
    errors,
    file_content,
    read_upload,
    register_file,
)
from lingtan.adapters.api.schemas import circularity as sc
from lingtan.adapters.services import circularity as sv

router = APIRouter(prefix="/orgs/{org}/circularity", tags=["circularity"])

FILE_ERRORS = errors(401, 403, 404, 413, 422)
YearQuery = Annotated[
    str | None,
    Query(max_length=12, pattern=r"^(?:FY\d{4}[/-]\d{2}|\d{4})$",
          description="FY2023-24 (a fiscal year) or 2023 (a calendar year)"),
]  # fmt: skip
Format = Literal["csv", "xlsx"]

#: each ledger's schemas: (create, update, public)
SCHEMAS: dict[str, tuple[type[BaseModel], type[BaseModel], type[BaseModel]]] = {
    "materials": (sc.MaterialCreate, sc.MaterialUpdate, sc.MaterialPublic),
    "packaging": (sc.PackagingCreate, sc.PackagingUpdate, sc.PackagingPublic),
    "returnables": (sc.ReturnableCreate, sc.ReturnableUpdate, sc.ReturnablePublic),
    "takeback": (sc.TakeBackCreate, sc.TakeBackUpdate, sc.TakeBackPublic),
    "recyclers": (sc.RecyclerCreate, sc.RecyclerUpdate, sc.RecyclerPublic),
}


@router.get("/kpis", responses=READ_ERRORS)
def kpis(
    db: DbDep,
    tenant: Reader,
    year: Annotated[
        str,
        StringConstraints(pattern=r"^(?:FY\d{4}[/-]\d{2}|\d{4})$", max_length=12),
        Query(description="FY2023-24 (a fiscal year) or 2023 (a calendar year)"),
    ],
    since: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> sc.CircKpisPublic:
    """The eight KPIs of a period (unit and formula of each: docs/circularity.md)."""
    period, figures = sv.compute_kpis(db, tenant, year, since=since)
    return sc.CircKpisPublic(
        year=period.label, period_start=period.start, period_end=period.end,
        figures=[sc.FigurePublic.model_validate(sv.figure_dict(f)) for f in figures],
    )  # fmt: skip


def _typed(fn: Any, **annotations: Any) -> Any:
    """``fn`` with the given parameter and return annotations as types (the factory's
    functions are made at run time; their string annotations would not resolve)."""
    fn.__annotations__ = {**fn.__annotations__, **annotations}
    return fn


def _ledger_routes(kind: str) -> None:
    """The routes of one ledger (module docstring), each ledger with its own schemas."""
    create, update, public = SCHEMAS[kind]
    base = f"/{kind}"

    def pub(row: Any) -> BaseModel:
        return public.model_validate(sv.row_dict(kind, row))

    def list_rows(db: DbDep, tenant: Reader, year: YearQuery = None) -> list[Any]:
        return [pub(r) for r in sv.list_rows(db, tenant, kind, year=year)]

    def add_row(body: Any, db: DbDep, tenant: Editor) -> Any:
        return pub(sv.create_row(db, tenant, kind, body.model_dump(exclude_none=True)))

    def get_row(row_id: IdPath, db: DbDep, tenant: Reader) -> Any:
        return pub(sv.get_row(db, tenant, kind, row_id))

    def change_row(row_id: IdPath, body: Any, db: DbDep, tenant: Editor) -> Any:
        return pub(sv.update_row(db, tenant, kind, row_id, body.model_dump(exclude_unset=True)))

    def delete_row(row_id: IdPath, db: DbDep, tenant: Editor) -> Response:
        sv.delete_row(db, tenant, kind, row_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    def import_rows(
        file: Annotated[UploadFile, File(description="CSV or XLSX file of the ledger")],
        db: DbDep,
        tenant: Editor,
    ) -> sc.CircImportPublic:
        res = sv.import_rows(db, tenant, kind, read_upload(file), file.filename or f"{kind}.csv")
        return sc.CircImportPublic(kind=kind, created=list(res.created))

    def template(tenant: Reader) -> Response:
        tenant.require("read")
        return register_file(f"{kind}-template", "csv", sv.template(kind))

    def export(db: DbDep, tenant: Reader, format: Format = "csv") -> Response:
        return register_file(
            f"circularity-{kind}", format, sv.export_rows(db, tenant, kind, format)
        )

    many = list[public]  # type: ignore[valid-type]
    router.add_api_route(base, _typed(list_rows, year=YearQuery, **{"return": many}),
                         methods=["GET"], responses=READ_ERRORS, name=f"list_{kind}",
                         summary=f"List the {kind} ledger")  # fmt: skip
    router.add_api_route(base, _typed(add_row, body=create, **{"return": public}),
                         methods=["POST"], status_code=status.HTTP_201_CREATED,
                         responses=WRITE_ERRORS, name=f"add_{kind}",
                         summary=f"Add a row to the {kind} ledger (audited)")  # fmt: skip
    router.add_api_route(f"{base}/import", _typed(import_rows, **{
        "file": Annotated[UploadFile, File(description="CSV or XLSX file of the ledger")],
        "return": sc.CircImportPublic}), methods=["POST"], status_code=status.HTTP_201_CREATED,
        responses=FILE_ERRORS, name=f"import_{kind}",
        summary=f"Import a {kind} file, all or nothing (each wrong cell named)")  # fmt: skip
    router.add_api_route(f"{base}/template", _typed(template, **{"return": Response}),
                         methods=["GET"], response_class=Response,
                         responses={**READ_ERRORS, **file_content("text/csv")},
                         name=f"template_{kind}",
                         summary=f"The {kind} file's CSV template")  # fmt: skip
    router.add_api_route(f"{base}/export", _typed(export, format=Format, **{"return": Response}),
                         methods=["GET"], response_class=Response,
                         responses={**READ_ERRORS,
                                    **file_content("text/csv", "application/octet-stream")},
                         name=f"export_{kind}",
                         summary=f"The {kind} ledger as CSV or XLSX")  # fmt: skip
    router.add_api_route(f"{base}/{{row_id}}", _typed(get_row, **{"return": public}),
                         methods=["GET"], responses=READ_ERRORS, name=f"get_{kind}",
                         summary=f"One row of the {kind} ledger")  # fmt: skip
    router.add_api_route(f"{base}/{{row_id}}", _typed(change_row, body=update,
                                                      **{"return": public}),
                         methods=["PATCH"], responses=WRITE_ERRORS, name=f"change_{kind}",
                         summary=f"Change a row of the {kind} ledger (audited)")  # fmt: skip
    router.add_api_route(f"{base}/{{row_id}}", _typed(delete_row, **{"return": Response}),
                         methods=["DELETE"], status_code=status.HTTP_204_NO_CONTENT,
                         responses=WRITE_ERRORS, name=f"delete_{kind}",
                         summary=f"Remove a row of the {kind} ledger (audited)")  # fmt: skip


for _kind in SCHEMAS:
    _ledger_routes(_kind)
