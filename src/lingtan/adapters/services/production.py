"""Production volumes (issue 16 item 3, decision 0071): units produced per site, line, product
type and month — the denominator of per-unit energy intensity (kWh per notebook, per server;
:mod:`lingtan.modules.energy.intensity`).

One row per (site, line, product type, month); a new value for the same key replaces the old
one (the audit log keeps the history). ``comparable`` marks products comparable year on year
(the report's "comparable products"); ``standard_hours`` [h per unit] is the allocation key
used when a site has no line meters. The file (CSV or XLSX, :data:`FILE_COLUMNS`, English or
Chinese headers) is imported all or nothing, every wrong cell named.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.i18n.rows import row_issue
from lingtan.adapters.services.context import Context
from lingtan.adapters.services.meters import (
    ImportResult,
    MeterFileError,
    MetersError,
    parse_flag,
    read_table_file,
    refused,
    write_rows,
)
from lingtan.adapters.store.energy import EnergyProduction
from lingtan.core.errors import RowIssue
from lingtan.core.messages import Message, msg

FILE_COLUMNS: tuple[str, ...] = (
    "site", "line", "product_type", "month", "units", "comparable", "standard_hours",
)  # fmt: skip
REQUIRED: tuple[str, ...] = ("site", "product_type", "month", "units")
ALIASES: dict[str, str] = {
    "厂区": "site", "站点": "site", "产线": "line", "生产线": "line", "产品类型": "product_type",
    "产品": "product_type", "product": "product_type", "月份": "month", "月": "month",
    "period": "month", "产量": "units", "数量": "units", "quantity": "units",
    "可比": "comparable", "可比产品": "comparable", "标准工时": "standard_hours",
}  # fmt: skip
_CODE_RE = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][\w.\-]{0,79}$")
_MONTH_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})?日?|月)?$")


@dataclass(frozen=True)
class ProductionRow:
    """Units of a product type made at a site (and line) in a month (``month``: first day)."""

    site: str
    line: str | None
    product_type: str
    month: date
    units: float
    comparable: bool = True
    standard_hours: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "site": self.site,
            "line": self.line,
            "product_type": self.product_type,
            "month": self.month.isoformat(),
            "units": self.units,
            "comparable": self.comparable,
            "standard_hours": self.standard_hours,
        }


def _row(r: EnergyProduction) -> ProductionRow:
    return ProductionRow(
        r.site, r.line, r.product_type, r.month, float(r.units), bool(r.comparable),
        None if r.standard_hours is None else float(r.standard_hours),
    )  # fmt: skip


def parse_month(value: Any) -> date:
    """``2024-03``, ``2024/3``, ``2024年3月``, a date (its month) → the month's first day.

    Raises:
        MetersError: 422 not a month.
    """
    if isinstance(value, date):
        return value.replace(day=1)
    m = _MONTH_RE.match(str(value or "").strip())
    if m and 1 <= int(m.group(2)) <= 12:
        return date(int(m.group(1)), int(m.group(2)), 1)
    raise refused("invalid", msg("production.err.month", value=str(value)), "month")


def _number(value: Any, field: str, *, positive: bool, decimal: str = ".") -> float:
    from lingtan.adapters.io.intake import parse_number

    try:
        v = float(value) if isinstance(value, int | float) else parse_number(str(value), decimal)
    except ValueError:
        v = math.nan
    if not math.isfinite(v) or v < 0 or (positive and v == 0):
        key = "production.err.positive" if positive else "production.err.units"
        raise refused("invalid", msg(key, field=field, value=str(value)), field)
    return v


def check_fields(fields: Mapping[str, Any], *, decimal: str = ".") -> dict[str, Any]:
    """The production fields given, checked (the service's one place).

    Raises:
        MetersError: 422 unknown field or wrong value, the field named.
    """

    unknown = sorted(set(fields) - set(FILE_COLUMNS))
    if unknown:
        raise refused("invalid", msg("production.err.field", value=unknown[0]), unknown[0])
    out: dict[str, Any] = {}
    for k, v in fields.items():
        text = " ".join(str("" if v is None else v).split())
        if k in ("site", "product_type", "line"):
            if not text and k == "line":
                out[k] = None
                continue
            if not _CODE_RE.match(text):
                raise refused("invalid", msg("production.err.code", field=k, value=text), k)
            out[k] = text
        elif k == "month":
            out[k] = parse_month(v)
        elif k == "units":
            out[k] = _number(v, k, positive=False, decimal=decimal)
        elif k == "standard_hours":
            out[k] = _number(v, k, positive=True, decimal=decimal) if text else None
        elif k == "comparable":
            out[k] = True if text == "" else parse_flag(v, k)
    return out


def list_production(
    db: Session,
    ctx: Context,
    *,
    site: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[ProductionRow]:
    """Production rows by site, product type, line and month; optionally of one ``site`` and
    months from ``start``'s to the one holding ``end`` (inclusive dates)."""
    ctx.require("read")
    q = select(EnergyProduction).order_by(
        EnergyProduction.site, EnergyProduction.product_type, EnergyProduction.line,
        EnergyProduction.month,
    )  # fmt: skip
    if site:
        q = q.where(EnergyProduction.site == site)
    if start:
        q = q.where(EnergyProduction.month >= start.replace(day=1))
    if end:
        q = q.where(EnergyProduction.month <= end)
    return [_row(r) for r in db.scalars(q)]


def _find(db: Session, values: Mapping[str, Any]) -> EnergyProduction | None:
    line = values.get("line")
    q = select(EnergyProduction).where(
        EnergyProduction.site == values["site"],
        EnergyProduction.product_type == values["product_type"],
        EnergyProduction.month == values["month"],
        EnergyProduction.line.is_(None) if line is None else EnergyProduction.line == line,
    )
    return db.scalar(q)


def _upsert(db: Session, values: Mapping[str, Any]) -> tuple[EnergyProduction, bool]:
    row = _find(db, values)
    if row is None:
        row = EnergyProduction(**{"comparable": True, "line": None, **values})
        db.add(row)
        return row, True
    for k, v in values.items():
        setattr(row, k, v)
    return row, False


def add_production(db: Session, ctx: Context, fields: Mapping[str, Any]) -> ProductionRow:
    """Record the units of a site (and line), product type and month; replaces the value of
    the same key.

    Raises:
        ServiceError: 403 without ``edit_data``; 422 a field missing or wrong.
    """
    ctx.require("edit_data")
    values = check_fields(fields)
    for k in REQUIRED:
        if values.get(k) is None:
            raise refused("invalid", msg("production.err.required", field=k), k)
    row, _ = _upsert(db, values)
    db.commit()
    return _row(row)


def import_production(
    db: Session,
    ctx: Context,
    path: Path,
    *,
    encoding: str | None = None,
    locale: str | None = None,
) -> ImportResult:
    """Add or replace production rows from a CSV or XLSX file (:data:`FILE_COLUMNS`, English
    or :data:`ALIASES`); ``locale`` decides the decimal mark of the numbers (``de-DE``:
    ``1.234,5``). All or nothing: any wrong cell refuses the file, every wrong cell named.
    ``created``/``updated`` list the keys ``site/line/product_type/YYYY-MM``.

    Raises:
        ServiceError: 403; 422 (:class:`~lingtan.adapters.services.meters.MeterFileError`).
    """
    from lingtan.adapters.io.intake import LOCALES

    ctx.require("edit_data")
    decimal = "."
    if locale and locale.strip():
        key = locale.strip().lower().replace("_", "-")
        found = LOCALES.get(key) or LOCALES.get(key.split("-")[0])
        if found is None:
            raise refused("invalid", msg("production.err.locale", value=locale), "locale")
        decimal = found[0]
    source = Path(path).name
    rows = read_table_file(Path(path), FILE_COLUMNS, REQUIRED, ALIASES, encoding=encoding)
    errors: list[RowIssue] = []
    checked: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, cells in rows:
        values: dict[str, Any] = {}
        bad = False
        for k, v in cells.items():
            if v == "" and k in REQUIRED:
                errors.append(row_issue(source, number, k, msg("production.err.required", field=k)))
                bad = True
                continue
            try:
                values.update(check_fields({k: v}, decimal=decimal))
            except MetersError as exc:
                errors.append(row_issue(source, number, k, Message(exc.key, exc.params), v))
                bad = True
        if bad:
            continue
        ident = (values["site"], values.get("line"), values["product_type"], values["month"])
        if ident in seen:
            errors.append(
                row_issue(source, number, "month", msg("production.file.twice", row=seen[ident]))
            )
            continue
        seen[ident] = number
        checked.append(values)
    if errors:
        raise MeterFileError(msg("production.file.rows", file=source, n=len(errors)), errors)
    created: list[str] = []
    updated: list[str] = []
    for values in checked:
        _, new = _upsert(db, values)
        label = "/".join(
            [values["site"], values.get("line") or "", values["product_type"],
             f"{values['month']:%Y-%m}"]
        )  # fmt: skip
        (created if new else updated).append(label)
    db.commit()
    return ImportResult(tuple(created), tuple(updated))


def export_production(db: Session, ctx: Context, fmt: str = "csv") -> bytes:
    """The production rows as a file (``csv`` or ``xlsx``) that :func:`import_production`
    reads back."""
    rows = [{**r.to_dict(), "month": f"{r.month:%Y-%m}"} for r in list_production(db, ctx)]
    return write_rows(rows, FILE_COLUMNS, fmt)


__all__ = [
    "FILE_COLUMNS",
    "ProductionRow",
    "add_production",
    "export_production",
    "import_production",
    "list_production",
    "parse_month",
]
