"""Meters of an organisation (issue 16 item 1, decision 0071): the register's use cases and its
file.

A meter (:class:`lingtan.modules.energy.meters.Meter`) measures one carrier at a site in one
unit; a sub-meter names its parent (GB 17167-2006 三级计量: site → building/workshop →
line/equipment). Use cases take the request's store session (scoped to the organisation,
:mod:`lingtan.adapters.store.scoping`) and the caller's :class:`Context`: reading needs
``read``, changing needs ``edit_data``; every change is an audited row (``energy_meter``). A
refused request is a :class:`MetersError` keyed ``meters.err.*``.

The register's file (CSV or XLSX, one row per meter, :data:`FILE_COLUMNS`, English or Chinese
headers) is read as the supplier register's (:mod:`lingtan.adapters.io.grid_files`: encodings,
delimiters, archive checks) and imported all or nothing, every wrong cell named.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.i18n.rows import row_issue
from lingtan.adapters.io.cell_safety import safe_row, unneutralise
from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import (
    KeyedError,
    Kind,
    keyed_refusal,
    message_text,
)
from lingtan.adapters.services.register_files import check_cells
from lingtan.adapters.store.energy import EnergyMeter
from lingtan.core.errors import RowIssue
from lingtan.core.messages import Message, msg
from lingtan.modules.energy.meters import Carrier, Measures, Meter, Source, ValueKind

#: the fields of a meter a caller may set (the columns of the register's file, in order)
METER_FIELDS: tuple[str, ...] = (
    "code", "site", "carrier", "unit", "measures", "source", "interval_minutes", "value_kind",
    "parent", "billing", "building", "line", "multiplier", "tz", "valid_from", "valid_to",
    "protocol_tag", "name",
)  # fmt: skip
FILE_COLUMNS = METER_FIELDS
REQUIRED: tuple[str, ...] = ("code", "site", "carrier", "unit")
#: how readings reach lingtan (informative)
PROTOCOLS = ("file", "http", "mqtt", "modbus", "bacnet", "opcua")
#: units a carrier's meter may use (converted to kWh / tce downstream)
UNITS: dict[str, tuple[str, ...]] = {
    "electricity": ("kWh", "MWh", "Wh"),
    "natural_gas": ("m3", "Nm3", "kWh", "GJ", "MJ"),
    "diesel": ("L", "kg", "t"),
    "steam": ("t", "kg", "GJ", "MJ", "kWh"),
    "heat": ("GJ", "MJ", "kWh", "MWh"),
    "chilled_water": ("GJ", "MJ", "kWh", "MWh", "m3"),
    "compressed_air": ("m3", "Nm3", "kWh"),
    "water": ("m3", "t", "L"),
}
#: Chinese (and other) header aliases of the file
ALIASES: dict[str, str] = {
    "表计编号": "code", "电表编号": "code", "编号": "code", "meter": "code",
    "厂区": "site", "站点": "site", "能源品种": "carrier", "能源": "carrier", "单位": "unit",
    "计量类型": "measures", "来源": "source", "间隔": "interval_minutes",
    "间隔分钟": "interval_minutes", "interval": "interval_minutes", "读数类型": "value_kind",
    "上级表": "parent", "上级表计": "parent", "结算表": "billing", "建筑": "building",
    "楼栋": "building", "产线": "line", "倍率": "multiplier", "时区": "tz",
    "启用日期": "valid_from", "停用日期": "valid_to", "协议": "protocol_tag", "名称": "name",
}  # fmt: skip
_CODE_RE = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][\w.\-]{0,79}$")
_LINE_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]{1,300}$")
_TRUE = frozenset({"true", "yes", "y", "1", "是"})
_FALSE = frozenset({"false", "no", "n", "0", "否"})


class MetersError(KeyedError):
    """A refused request about meters, readings or production: the English ``message`` and
    ``key`` (``meters.err.*``, ``readings.err.*``, ``production.err.*``) with its ``params``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> MetersError:
    """A :class:`MetersError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(MetersError, kind, message, field)


class MeterFileError(MetersError):
    """A file was refused: ``errors`` lists every wrong cell (:class:`RowIssue`)."""

    def __init__(self, summary: Message, errors: Sequence[RowIssue] = ()) -> None:
        params = {k: v for k, v in summary.params.items() if isinstance(v, str | int | float)}
        self.errors: tuple[RowIssue, ...] = tuple(errors)
        lines = [message_text(summary), *(str(e) for e in self.errors[:50])]
        super().__init__("invalid", summary.key, "\n".join(lines), "file", **params)


# ---- checking fields ------------------------------------------------------------------------


def _text(value: Any, field: str, *, required: bool = False) -> str | None:
    text = " ".join(str("" if value is None else value).split())
    if not text:
        if required:
            raise refused("invalid", msg("meters.err.required", field=field), field)
        return None
    if not _LINE_RE.match(text):
        raise refused("invalid", msg("meters.err.text", field=field), field)
    return text


def _code(value: Any, field: str) -> str:
    text = _text(value, field, required=True) or ""
    if not _CODE_RE.match(text):
        raise refused("invalid", msg("meters.err.code", field=field, value=text), field)
    return text


def _choice(value: Any, field: str, choices: Sequence[str]) -> str:
    text = (_text(value, field, required=True) or "").lower()
    if text not in choices:
        raise refused(
            "invalid",
            msg("meters.err.choice", field=field, value=text, choices=", ".join(choices)),
            field,
        )
    return text


def parse_flag(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE or not text:
        return False
    raise refused("invalid", msg("meters.err.flag", field=field, value=text), field)


def _date(value: Any, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    from lingtan.adapters.io.intake import parse_date

    try:
        return parse_date(str(value))
    except ValueError:
        raise refused(
            "invalid", msg("meters.err.date", field=field, value=str(value)), field
        ) from None


def _number(value: Any, field: str) -> float:
    from lingtan.adapters.io.intake import parse_number

    try:
        v = float(value) if isinstance(value, int | float) else parse_number(str(value))
    except ValueError:
        v = math.nan
    if not math.isfinite(v) or v <= 0:
        raise refused("invalid", msg("meters.err.positive", field=field, value=str(value)), field)
    return v


def _interval(value: Any) -> int:
    v = _number(value, "interval_minutes")
    if not v.is_integer() or 1440 % int(v):
        raise refused("invalid", msg("meters.err.interval", value=str(value)), "interval_minutes")
    return int(v)


def _tz(value: Any) -> str:
    text = _text(value, "tz", required=True) or ""
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise refused("invalid", msg("meters.err.tz", value=text), "tz") from None
    return text


def check_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The meter fields given, checked and normalised (the service's one place): enums as
    their values, numbers and dates typed, texts collapsed.

    Raises:
        MetersError: 422 an unknown field or a wrong value, the field named.
    """
    unknown = sorted(set(fields) - set(METER_FIELDS))
    if unknown:
        raise refused("invalid", msg("meters.err.field", value=unknown[0]), unknown[0])
    out: dict[str, Any] = {}
    for k, v in fields.items():
        if k in ("code", "site"):
            out[k] = _code(v, k)
        elif k == "parent":
            out[k] = _code(v, k) if _text(v, k) else None
        elif k == "carrier":
            out[k] = _choice(v, k, [c.value for c in Carrier])
        elif k == "measures":
            out[k] = _choice(v, k, [c.value for c in Measures])
        elif k == "value_kind":
            out[k] = _choice(v, k, [c.value for c in ValueKind])
        elif k == "source":
            out[k] = _choice(v, k, [c.value for c in Source]) if _text(v, k) else None
        elif k == "protocol_tag":
            out[k] = _choice(v, k, PROTOCOLS)
        elif k == "unit":
            out[k] = _text(v, k, required=True)
        elif k == "interval_minutes":
            out[k] = _interval(v)
        elif k == "billing":
            out[k] = parse_flag(v, k)
        elif k == "multiplier":
            out[k] = _number(v, k)
        elif k == "tz":
            out[k] = _tz(v)
        elif k in ("valid_from", "valid_to"):
            out[k] = _date(v, k)
        elif k == "name":
            out[k] = _text(v, k) or ""
        else:  # building, line
            out[k] = _code(v, k) if _text(v, k) else None
    return out


def _check_meter(values: Mapping[str, Any]) -> None:
    """Rules across fields: the unit fits the carrier; a source only on electricity; dates in
    order; a meter is not its own parent."""
    carrier, unit = values.get("carrier"), values.get("unit")
    if carrier and unit and unit not in UNITS.get(carrier, ()):
        raise refused(
            "invalid",
            msg("meters.err.unit", carrier=carrier, unit=unit, units=", ".join(UNITS[carrier])),
            "unit",
        )
    if values.get("source") and carrier != "electricity":
        raise refused("invalid", msg("meters.err.source", carrier=str(carrier)), "source")
    vf, vt = values.get("valid_from"), values.get("valid_to")
    if vf and vt and vt < vf:
        raise refused("invalid", msg("meters.err.dates"), "valid_to")
    if values.get("parent") and values.get("parent") == values.get("code"):
        raise refused("invalid", msg("meters.err.parent_self"), "parent")


def _check_parents(rows: Mapping[str, Mapping[str, Any]]) -> None:
    """Every parent exists among ``rows`` (code → fields) and no chain of parents loops."""
    for code, r in rows.items():
        parent = r.get("parent")
        if parent and parent not in rows:
            raise refused("invalid", msg("meters.err.parent", code=code, parent=parent), "parent")
        seen = {code}
        while parent:
            if parent in seen:
                raise refused("invalid", msg("meters.err.loop", code=code), "parent")
            seen.add(parent)
            parent = rows.get(parent, {}).get("parent")


_DEFAULTS: dict[str, Any] = {
    "measures": "consumption", "source": None, "interval_minutes": 15, "value_kind": "interval",
    "parent": None, "billing": True, "building": None, "line": None, "multiplier": 1.0,
    "tz": "Asia/Shanghai", "valid_from": None, "valid_to": None, "protocol_tag": "file",
    "name": "",
}  # fmt: skip


def _fields_of(row: EnergyMeter) -> dict[str, Any]:
    return {k: getattr(row, k) for k in METER_FIELDS}


# ---- use cases ----------------------------------------------------------------------------


def list_meters(
    db: Session, ctx: Context, *, site: str | None = None, carrier: str | None = None
) -> list[EnergyMeter]:
    """The organisation's meters by site and code, optionally of one ``site`` / ``carrier``."""
    ctx.require("read")
    q = select(EnergyMeter).order_by(EnergyMeter.site, EnergyMeter.code)
    if site:
        q = q.where(EnergyMeter.site == site)
    if carrier:
        q = q.where(EnergyMeter.carrier == carrier)
    return list(db.scalars(q))


def meter_by_code(db: Session, ctx: Context, code: str) -> EnergyMeter:
    """The meter ``code``.

    Raises:
        MetersError: 404.
    """
    ctx.require("read")
    row = db.scalar(select(EnergyMeter).where(EnergyMeter.code == code))
    if row is None:
        raise refused("not_found", msg("meters.err.not_found", code=code), "code")
    return row


def create_meter(db: Session, ctx: Context, fields: Mapping[str, Any]) -> EnergyMeter:
    """Add a meter: ``code``, ``site``, ``carrier``, ``unit`` and optionally the other
    :data:`METER_FIELDS` (defaults of :class:`~lingtan.modules.energy.meters.Meter`).

    Raises:
        ServiceError: 403 without ``edit_data``; 409 the code is taken; 422 a field is
            invalid, the parent unknown or a loop.
    """
    ctx.require("edit_data")
    values = {**_DEFAULTS, **check_fields(fields)}
    for k in REQUIRED:
        if not values.get(k):
            raise refused("invalid", msg("meters.err.required", field=k), k)
    _check_meter(values)
    if db.scalar(select(EnergyMeter.id).where(EnergyMeter.code == values["code"])) is not None:
        raise refused("conflict", msg("meters.err.duplicate", code=values["code"]), "code")
    existing = {m.code: _fields_of(m) for m in db.scalars(select(EnergyMeter))}
    _check_parents({**existing, values["code"]: values})
    row = EnergyMeter(**values)
    db.add(row)
    db.commit()
    return row


def update_meter(db: Session, ctx: Context, code: str, fields: Mapping[str, Any]) -> EnergyMeter:
    """Change the fields given of meter ``code`` (its code stays: readings name it).

    Raises:
        ServiceError: 403, 404, 422 as :func:`create_meter`.
    """
    ctx.require("edit_data")
    row = meter_by_code(db, ctx, code)
    given = {k: v for k, v in fields.items() if k != "code"}
    values = {**_fields_of(row), **check_fields(given)}
    _check_meter(values)
    existing = {m.code: _fields_of(m) for m in db.scalars(select(EnergyMeter))}
    _check_parents({**existing, code: values})
    for k, v in values.items():
        if k != "code":
            setattr(row, k, v)
    db.commit()
    return row


def to_domain(row: EnergyMeter) -> Meter:
    """A stored meter as the module's :class:`Meter`."""
    return Meter(
        code=row.code,
        site=row.site,
        carrier=Carrier(row.carrier),
        unit=row.unit,
        measures=Measures(row.measures),
        source=Source(row.source) if row.source else None,
        interval_minutes=int(row.interval_minutes),
        value_kind=ValueKind(row.value_kind),
        parent=row.parent,
        billing=bool(row.billing),
        building=row.building,
        line=row.line,
        multiplier=float(row.multiplier),
        tz=row.tz,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        protocol_tag=row.protocol_tag,
        name=row.name or "",
    )


def domain_meters(db: Session, ctx: Context) -> list[Meter]:
    """The organisation's meters as :class:`Meter` values (by site and code)."""
    return [to_domain(r) for r in list_meters(db, ctx)]


def meter_dict(row: EnergyMeter) -> dict[str, Any]:
    """A meter's fields as plain data (file export, API)."""
    return {"id": row.id, **_fields_of(row)}


# ---- the register's file --------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import did: codes (or keys) created and updated."""

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()[:10]
    return unneutralise(str(value)).strip()


def header_key(cell: Any, aliases: Mapping[str, str]) -> str:
    """A header cell as a column name (English, any case and spacing, or an alias)."""
    name = _cell_text(cell)
    key = name.strip().lower().replace(" ", "_")
    return aliases.get(name.strip(), aliases.get(key, key))


def read_table_file(
    path: Path,
    columns: Sequence[str],
    required: Sequence[str],
    aliases: Mapping[str, str],
    *,
    encoding: str | None = None,
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a small CSV/XLSX register file (header on the first non-blank row): (row
    number as a spreadsheet shows it, {column: text}), blank rows skipped.

    Raises:
        MeterFileError: unreadable, empty, unknown / repeated / missing columns.
    """
    from lingtan.adapters.io.grid_files import GridFileError, read_grid

    source = path.name
    try:
        grid = read_grid(path.read_bytes(), source, encoding=encoding)
    except GridFileError as exc:
        raise MeterFileError(msg("meters.file.unreadable", file=source)) from exc
    rows = [(i, r) for i, r in enumerate(grid, start=1) if any(_cell_text(c) for c in r)]
    if not rows:
        raise MeterFileError(msg("meters.file.empty", file=source))
    names = [header_key(c, aliases) for c in rows[0][1]]
    unknown = [n for n in names if n and n not in columns]
    if unknown:
        raise MeterFileError(
            msg("meters.file.unknown_column", file=source, columns=", ".join(unknown))
        )
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise MeterFileError(msg("meters.file.repeated", file=source, columns=", ".join(twice)))
    missing = [c for c in required if c not in names]
    if missing:
        raise MeterFileError(
            msg("meters.file.missing_column", file=source, columns=", ".join(missing))
        )
    return [
        (number, {n: _cell_text(c) for n, c in zip(names, cells, strict=False) if n})
        for number, cells in rows[1:]
    ]


def import_meters(
    db: Session,
    ctx: Context,
    path: Path,
    *,
    encoding: str | None = None,
    locale: str | None = None,
) -> ImportResult:
    """Create or update meters from a CSV or XLSX file (columns :data:`FILE_COLUMNS`, English
    or :data:`ALIASES`): a known code updates the meter (the columns given), a new one creates
    it. All or nothing: any wrong cell refuses the file, every wrong cell named (file, row,
    column, keyed reason). ``locale`` is accepted for symmetry with the activity files (meter
    files hold no decimal numbers but the multiplier, read with either mark).

    Raises:
        ServiceError: 403; 422 (:class:`MeterFileError`).
    """
    ctx.require("edit_data")
    del locale
    source = Path(path).name
    rows = read_table_file(Path(path), FILE_COLUMNS, REQUIRED, ALIASES, encoding=encoding)
    errors: list[RowIssue] = []
    checked: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for number, cells in rows:
        values, wrong = check_cells(cells, check_fields, MetersError,
                                    lambda k, v: v == "" and k not in REQUIRED)  # fmt: skip
        errors += [row_issue(source, number, k, m, cells[k]) for k, m in wrong]
        if wrong:
            continue
        code = values.get("code")
        if code in seen:
            errors.append(
                row_issue(source, number, "code", msg("meters.file.code_twice", row=seen[code]))
            )
            continue
        if code:
            seen[code] = number
            checked[code] = values
            checked[code]["_row"] = number
    existing = {m.code: m for m in db.scalars(select(EnergyMeter))}
    merged: dict[str, dict[str, Any]] = {c: _fields_of(m) for c, m in existing.items()}
    for code, values in checked.items():
        number = values.pop("_row")
        full = {**(merged.get(code) or _DEFAULTS), **values}
        try:
            _check_meter(full)
        except MetersError as exc:
            errors.append(row_issue(source, number, exc.field or "", Message(exc.key, exc.params)))
        merged[code] = full
        values["_row"] = number
    try:
        _check_parents(merged)
    except MetersError as exc:
        errors.append(row_issue(source, 0, exc.field or "", Message(exc.key, exc.params)))
    if errors:
        errors.sort(key=lambda e: (e.row, e.field))
        raise MeterFileError(msg("meters.file.rows", file=source, n=len(errors)), errors)
    ctx.require("edit_data")
    created, updated = [], []
    for code, values in checked.items():
        values.pop("_row", None)
        row = existing.get(code)
        if row is None:
            db.add(EnergyMeter(**{**_DEFAULTS, **values}))
            created.append(code)
        else:
            for k, v in values.items():
                setattr(row, k, v)
            updated.append(code)
    db.commit()
    return ImportResult(tuple(created), tuple(updated))


def _cells(values: Mapping[str, Any], columns: Sequence[str]) -> list[Any]:
    out: list[Any] = []
    for c in columns:
        v = values.get(c)
        if isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, date):
            out.append(v.isoformat())
        else:
            out.append("" if v is None else v)
    return safe_row(out)


def write_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], fmt: str) -> bytes:
    """Rows as a UTF-8 CSV with a BOM or an XLSX workbook (one sheet), ``columns`` in order."""
    if fmt == "csv":
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(_cells(r, columns))
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        sheet = wb.active
        assert sheet is not None
        sheet.append(list(columns))
        for r in rows:
            sheet.append(_cells(r, columns))
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    raise refused("invalid", msg("meters.err.format", value=fmt), "format")


def export_meters(db: Session, ctx: Context, fmt: str = "csv") -> bytes:
    """The meters as a file (``csv`` or ``xlsx``) that :func:`import_meters` reads back."""
    return write_rows([meter_dict(m) for m in list_meters(db, ctx)], FILE_COLUMNS, fmt)


__all__ = [
    "METER_FIELDS",
    "ImportResult",
    "MeterFileError",
    "MetersError",
    "check_fields",
    "create_meter",
    "domain_meters",
    "export_meters",
    "import_meters",
    "list_meters",
    "meter_by_code",
    "meter_dict",
    "to_domain",
    "update_meter",
]
