"""Column mappings of an organisation: a user's own export read as an import template.

A mapping (:class:`~lingtan.core.templates.mapping.ColumnMapping`, decision 0051) is made once
— on the web app's mapping page with a preview, through the API, or as a TOML file for
``lingtan import --map`` — and saved in the workspace folder, ``<workspace>/mappings/<name>.toml``,
so that the command line's workspace and a server organisation's workspace keep them alike and
a backup of the folder keeps them too. Listing and previewing need ``read``; saving and deleting
``edit_data``. Every function takes a :class:`~lingtan.adapters.services.context.Context`.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from lingtan.adapters.services.context import Context, TenantContext
from lingtan.adapters.services.errors import Kind, ServiceError
from lingtan.core.errors import LingtanError, RowIssue
from lingtan.core.templates import TEMPLATES
from lingtan.core.templates.mapping import (
    NAME_PATTERN,
    ColumnMapping,
    MappingError,
    from_dict,
    from_toml,
    header_key,
    suggest,
    to_toml,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lingtan.adapters.store.jobs import Job

FOLDER = "mappings"
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
SUFFIX = ".toml"
#: data rows shown by :func:`preview`
PREVIEW_ROWS = 10
#: rows of a file searched for its header by :func:`file_head`
_HEAD_ROWS = 20


class MappingServiceError(ServiceError):
    """A refused mapping: besides the English ``message`` it carries ``key``, the catalogue
    key of the reason (``mapping.*``, ``i18n/mapping.<locale>.json``), and ``params``, so that
    the web page shows it in the user's language."""

    def __init__(
        self, kind: Kind, key: str, message: str, field: str | None = None, **params: Any
    ) -> None:
        super().__init__(kind, kind if kind != "invalid" else "invalid", message, field)
        self.key = key
        self.params = params


def _invalid(exc: MappingError, field: str | None = None) -> MappingServiceError:
    return MappingServiceError(
        "invalid", exc.key or "mapping.invalid", str(exc), field, **exc.params
    )


def _folder(ctx: Context) -> Path:
    return ctx.workspace().path / FOLDER


def _checked_name(name: str) -> str:
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise MappingServiceError(
            "invalid",
            "mapping.name_invalid",
            f"the name {name!r} may hold only letters, digits, '_', '-' and '.'",
            "name",
            name=name,
        )
    return name


def _path(ctx: Context, name: str) -> Path:
    return _folder(ctx) / f"{_checked_name(name)}{SUFFIX}"


def list_mappings(ctx: Context) -> list[ColumnMapping]:
    """The organisation's saved mappings, by name (a file that is no longer a valid mapping is
    left out; :func:`get_mapping` names its problem)."""
    ctx.require("read")
    folder = _folder(ctx)
    found: list[ColumnMapping] = []
    if not folder.is_dir():
        return found
    for p in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            found.append(_read(p))
        except (MappingError, OSError):
            continue
    return found


def _read(path: Path) -> ColumnMapping:
    return from_toml(path.read_text(encoding="utf-8"), name=path.stem).validate()


def get_mapping(ctx: Context, name: str) -> ColumnMapping:
    """The saved mapping ``name``.

    Raises:
        ServiceError: 404 none saved under that name; 422 the file is not a valid mapping.
    """
    ctx.require("read")
    path = _path(ctx, name)
    if not path.is_file():
        raise MappingServiceError(
            "not_found", "mapping.not_found", f"no saved mapping {name!r}", "name", name=name
        )
    try:
        return _read(path)
    except MappingError as exc:
        raise _invalid(exc) from exc


def save_mapping(ctx: Context, mapping: ColumnMapping, *, replace: bool = True) -> ColumnMapping:
    """Validate ``mapping`` against its template and save it under its name (replacing one of
    that name unless ``replace`` is false). Returns it as saved.

    Raises:
        ServiceError: 403 the caller may not edit data; 422 invalid (unknown template or
            columns, a column given twice, a required column unmapped, a bad name); 409 a
            mapping of that name exists and ``replace`` is false.
    """
    ctx.require("edit_data")
    if not mapping.name.strip():
        raise MappingServiceError(
            "invalid", "mapping.name_missing", "give the mapping a name", "name"
        )
    try:
        valid = mapping.validate()
    except MappingError as exc:
        raise _invalid(exc) from exc
    path = _path(ctx, valid.name)
    if path.exists() and not replace:
        raise MappingServiceError(
            "conflict",
            "mapping.exists",
            f"a mapping {valid.name!r} exists",
            "name",
            name=valid.name,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(to_toml(valid), encoding="utf-8")
    os.replace(tmp, path)
    return valid


def delete_mapping(ctx: Context, name: str) -> None:
    """Delete the saved mapping ``name`` (batches imported through it keep their own copy).

    Raises:
        ServiceError: 403 may not edit data; 404 none saved under that name.
    """
    ctx.require("edit_data")
    path = _path(ctx, name)
    if not path.is_file():
        raise MappingServiceError(
            "not_found", "mapping.not_found", f"no saved mapping {name!r}", "name", name=name
        )
    path.unlink()


def mapping_from_dict(data: dict[str, Any], *, name: str | None = None) -> ColumnMapping:
    """A mapping from a request body (validated).

    Raises:
        ServiceError: 422 not a valid mapping.
    """
    try:
        return from_dict(data, name=name).validate()
    except MappingError as exc:
        raise _invalid(exc) from exc


def load_mapping(ctx: Context, ref: str) -> ColumnMapping:
    """The mapping ``ref`` names: a TOML file (a path that exists, or ends in ``.toml``), else a
    saved mapping of the workspace (``lingtan import --map``).

    Raises:
        ServiceError: 404 no such file or saved mapping; 422 not a valid mapping.
    """
    p = Path(ref)
    if p.suffix.lower() == SUFFIX or p.is_file():
        if not p.is_file():
            raise MappingServiceError(
                "not_found", "mapping.file_missing", f"no mapping file {ref}", "map", path=ref
            )
        try:
            return from_toml(p.read_text(encoding="utf-8"), name=p.stem).validate()
        except MappingError as exc:
            raise _invalid(exc, "map") from exc
    return get_mapping(ctx, ref)


# ---- looking at a file ----------------------------------------------------------------------


@dataclass(frozen=True)
class FileHead:
    """The start of a user's file, as the mapping page shows it.

    Attributes:
        header: the header row's cells (as text).
        header_row: its spreadsheet row number.
        rows: (row number, cells as text) of the first data rows.
        encoding: the CSV's encoding (None: XLSX).
        delimiter: the CSV's delimiter (None: XLSX).
    """

    header: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]]
    encoding: str | None = None
    delimiter: str | None = None


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _csv_grid(path: Path, encoding: str | None) -> tuple[list[list[str]], str, str]:
    from lingtan.adapters.io.intake import detect_encoding

    raw = path.read_bytes()[: 1 << 20]
    if encoding:
        codec = encoding
    else:
        try:
            raw.decode("utf-8")
            codec = "utf-8-sig"
        except UnicodeDecodeError as exc:
            if exc.start < len(raw) - 4:
                codec, _ = detect_encoding(raw, path.name)
            else:  # a character cut by the sample's end
                codec = "utf-8-sig"
    text = raw.decode(codec, errors="replace")
    lines = text.splitlines()[: _HEAD_ROWS + PREVIEW_ROWS + 1]
    best, width = ",", 0
    for d in (",", ";", "\t"):
        counts = [len(r) for r in csv.reader(lines[:_HEAD_ROWS], delimiter=d)]
        if counts and max(counts) > width:
            best, width = d, max(counts)
    grid = [list(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=best)]
    return grid, codec, best


def _xlsx_grid(path: Path) -> list[list[str]]:
    import openpyxl

    from lingtan.adapters.io.file_limits import FileLimits, check_xlsx_archive

    check_xlsx_archive(path, path.name, FileLimits.from_env())
    with path.open("rb") as fh:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True, keep_links=False)
        try:
            ws = wb.worksheets[0]
            return [
                [_text(v) for v in row]
                for row in ws.iter_rows(max_row=_HEAD_ROWS + PREVIEW_ROWS + 1, values_only=True)
            ]
        finally:
            wb.close()


def file_head(path: Path, *, encoding: str | None = None) -> FileHead:
    """The header and first rows of a user's CSV or XLSX file (first sheet): the header is the
    first of its first rows holding at least half as many cells as the widest (title rows above
    it are skipped).

    Raises:
        ServiceError: 422 the file cannot be read.
    """
    try:
        if path.suffix.lower() == ".xlsx":
            grid, codec, delim = _xlsx_grid(path), None, None
        else:
            grid, codec, delim = _csv_grid(path, encoding)
    except (LingtanError, OSError, ValueError, LookupError) as exc:
        why = getattr(exc, "reason", None) or str(exc)
        raise MappingServiceError(
            "invalid", "mapping.file_unreadable", f"{path.name}: {why}", "file", file=path.name
        ) from exc
    filled = [sum(1 for v in r if v.strip()) for r in grid[:_HEAD_ROWS]]
    if not filled or max(filled) == 0:
        raise MappingServiceError(
            "invalid",
            "mapping.file_empty",
            f"{path.name}: the file is empty",
            "file",
            file=path.name,
        )
    widest = max(filled)
    start = next(i for i, n in enumerate(filled) if n * 2 >= widest)
    header = [v.strip() for v in grid[start]]
    while header and not header[-1]:
        header.pop()
    rows = [
        (n, [_text(v) for v in r[: len(header)]])
        for n, r in enumerate(grid[start + 1 :], start=start + 2)
        if any(_text(v) for v in r)
    ][:PREVIEW_ROWS]
    return FileHead(header, start + 1, rows, codec, delim)


def template_of_header(header: list[str]) -> str | None:
    """The template whose columns (names or aliases) a header names as they are — every
    non-blank cell a column, every required column present — else None (a mapping is needed)."""
    keys = [header_key(h) for h in header if h.strip()]
    for tpl in TEMPLATES.values():
        names = {header_key(n): c.name for c in tpl.columns for n in (c.name, *c.aliases)}
        if keys and all(k in names for k in keys):
            cols = [names[k] for k in keys]
            if set(tpl.required_columns) <= set(cols) and len(set(cols)) == len(cols):
                return tpl.name
    return None


def mappings_for(ctx: Context, header: list[str]) -> list[ColumnMapping]:
    """The saved mappings that fit a file's header (each mapped column present)."""
    have = {header_key(h) for h in header}
    return [m for m in list_mappings(ctx) if {header_key(s) for s in m.columns} <= have]


def suggest_mapping(header: list[str], template: str) -> ColumnMapping:
    """A first mapping of ``header`` to ``template`` (columns named like the template's).

    Raises:
        ServiceError: 422 unknown template.
    """
    if template not in TEMPLATES:
        raise MappingServiceError(
            "invalid",
            "mapping.template_unknown",
            f"unknown template {template!r}",
            "template",
            template=template,
            known=", ".join(TEMPLATES),
        )
    return suggest(header, template)


@dataclass(frozen=True)
class PreviewRow:
    """One row of the user's file and what it becomes.

    Attributes:
        row: the spreadsheet row number.
        cells: the row's cells as written.
        activities: what it becomes (activity rows as dicts: activity type, quantity, unit, site,
            date, period end, scope, category); empty when it is rejected.
        issues: why it is rejected.
    """

    row: int
    cells: list[str]
    activities: list[dict[str, Any]] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    """:func:`preview`'s answer: the file's start and each first row's outcome.

    Attributes:
        head: the file's header and first rows.
        rows: the first rows and what each becomes.
        rows_read: data rows in the whole file; ``rows_accepted`` / ``rows_rejected`` of them.
        error: why the file cannot be read through the mapping at all (English; None: it can).
        error_key: its catalogue key, if any ("": none; show ``error``).
        error_params: the key's parameters.
    """

    head: FileHead
    rows: list[PreviewRow]
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    error: str | None = None
    error_key: str = ""
    error_params: dict[str, Any] = field(default_factory=dict)


_SHOWN = ("activity_type", "quantity", "unit", "site", "date", "period_end", "scope", "category")


def preview(
    ctx: Context,
    path: Path,
    mapping: ColumnMapping,
    *,
    encoding: str | None = None,
    locale: str | None = None,
) -> Preview:
    """What importing ``path`` through ``mapping`` would give — its first :data:`PREVIEW_ROWS`
    rows, each with its activities or its row errors, and the counts of the whole file — with
    nothing stored.

    Raises:
        ServiceError: 422 the file cannot be read at all (its head).
    """
    from lingtan.adapters.io.importer import _context
    from lingtan.adapters.io.intake import read_activity_file
    from lingtan.adapters.io.library import load_library
    from lingtan.adapters.io.unit_check import reject_unconvertible

    ctx.require("read")
    head = file_head(path, encoding=encoding)
    ws = ctx.workspace()
    lib = load_library(ws)
    try:
        valid = mapping.validate()
        res = read_activity_file(
            path,
            context=_context(ws, path, lib.activity_types()),
            encoding=encoding,
            locale=locale,
            column_map=valid,
        )
        res = reject_unconvertible(res, lib.factors)
    except LingtanError as exc:
        text = getattr(exc, "reason", None) or str(exc)
        keyed = getattr(exc, "message", None)
        key = getattr(keyed, "key", "") or getattr(exc, "key", "")
        params = getattr(keyed, "params", None) or getattr(exc, "params", None) or {}
        return Preview(
            head,
            [PreviewRow(n, cells) for n, cells in head.rows],
            error=str(text),
            error_key=str(key),
            error_params=dict(params),
        )
    by_row: dict[int, list[dict[str, Any]]] = {}
    table = res.activities if res.instruments is None else res.instruments
    wanted = [
        c for c in (*_SHOWN, "instrument_id", "type", "quantity_kwh") if c in table.column_names
    ]
    for rec in table.select([*wanted, "source_row"]).to_pylist():
        by_row.setdefault(int(rec.pop("source_row")), []).append(rec)
    issues: dict[int, list[RowIssue]] = {}
    for i in res.issues:
        issues.setdefault(i.row, []).append(i)
    rejected = len(issues)
    return Preview(
        head,
        [PreviewRow(n, cells, by_row.get(n, []), issues.get(n, [])) for n, cells in head.rows],
        rows_read=res.rows_read,
        rows_accepted=res.rows_read - rejected,
        rows_rejected=rejected,
    )


def column_map(data: Any) -> ColumnMapping | None:
    """The mapping a queued import job's parameters hold (its ``to_dict`` form), else None."""
    if not isinstance(data, dict):
        return None
    return mapping_from_dict(data)


# ---- uploads waiting for a mapping (the web app's mapping page) -----------------------------

STAGED_MARK = ".staged"


@dataclass(frozen=True)
class StagedUpload:
    """An uploaded file kept until the user has mapped its columns (or imports it as is).

    Attributes:
        upload_id: the folder's id (32 hex digits) under the workspace's ``uploads/``.
        file_name: the safe file name.
        path: where it is.
    """

    upload_id: str
    file_name: str
    path: Path


def stage_upload(tenant: TenantContext, file_name: str, data: bytes | BinaryIO) -> StagedUpload:
    """Save an upload (within the size limit, an XLSX checked for bombs) under the workspace's
    ``uploads/<id>/`` until it is imported (:func:`import_staged`) or discarded.

    Raises:
        ServiceError: 422 not a CSV / XLSX, empty, a hostile XLSX; 413 too large; 403 may not
            edit data.
    """
    from lingtan.adapters.services.imports import (
        UPLOAD_SUFFIXES,
        _check_structure,
        _save_upload,
        safe_file_name,
    )

    tenant.require("edit_data")
    name = safe_file_name(file_name)
    if os.path.splitext(name)[1] not in UPLOAD_SUFFIXES:
        raise MappingServiceError(
            "invalid",
            "mapping.upload_suffix",
            f"{name}: upload a .csv or .xlsx file",
            "file",
            file=name,
        )
    folder = tenant.workspace().path / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        _save_upload(data, folder / f".{name}.tmp", name, tenant)
        os.replace(folder / f".{name}.tmp", folder / name)
        _check_structure(folder / name, name)
        (folder / STAGED_MARK).write_text(name, encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return StagedUpload(folder.name, name, folder / name)


def staged_upload(ctx: Context, upload_id: str) -> StagedUpload:
    """The staged upload ``upload_id``.

    Raises:
        ServiceError: 404 no such upload waiting.
    """
    ctx.require("read")
    folder = ctx.workspace().path / "uploads" / upload_id
    try:
        if not _UPLOAD_ID.match(upload_id):
            raise OSError(upload_id)
        name = (folder / STAGED_MARK).read_text(encoding="utf-8").strip()
    except OSError:
        raise MappingServiceError(
            "not_found",
            "mapping.upload_gone",
            f"upload {upload_id} is not waiting any more",
            "upload",
            upload=upload_id,
        ) from None
    return StagedUpload(upload_id, name, folder / name)


def discard_staged(ctx: Context, upload_id: str) -> None:
    """Remove a staged upload (nothing imported)."""
    ctx.require("edit_data")
    staged = staged_upload(ctx, upload_id)
    shutil.rmtree(staged.path.parent, ignore_errors=True)


def import_staged(
    db: Session,
    tenant: TenantContext,
    upload_id: str,
    *,
    template: str | None = None,
    fixes: str | None = None,
    encoding: str | None = None,
    locale: str | None = None,
    column_map: ColumnMapping | None = None,
) -> Job:
    """Queue the import of a staged upload (through ``column_map``, if given) as
    :func:`lingtan.adapters.services.imports.start_import` does any upload — a repeat of an
    earlier batch raises its ``DuplicateUploadError`` — and remove the staged copy.

    Raises:
        ServiceError: 404 the upload is not waiting; as ``start_import``.
    """
    from lingtan.adapters.services.imports import start_import

    staged = staged_upload(tenant, upload_id)
    try:
        with staged.path.open("rb") as fh:
            return start_import(
                db,
                tenant,
                file_name=staged.file_name,
                data=fh,
                template=None if column_map is not None else template,
                fixes=fixes,
                encoding=encoding,
                locale=locale,
                column_map=column_map,
            )
    finally:
        shutil.rmtree(staged.path.parent, ignore_errors=True)
