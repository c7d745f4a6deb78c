"""Read the measurement-and-verification files of a workspace (docs/measured-savings.md):

- ``<workspace>/mv.yaml``: one M&V plan per project (ISO 50015:2014 §6, IPMVP Option C) —
  ``project`` (its id in ``targets.yaml``), ``option`` (C), ``site``, ``boundary_meters``,
  ``baseline`` and ``reporting`` periods (``{start: YYYY-MM, end: YYYY-MM}``, months inclusive),
  ``normalisers`` (production, hdd, cdd), optional ``product_types`` (production counted),
  ``degree_days_site``, ``name`` and ``note``;
- ``<workspace>/energy/degree_days.csv``: ``site, month (YYYY-MM), hdd, cdd, base_c, source``
  (heating and cooling degree days [K·d] of the month at base temperature ``base_c`` [°C]);
- ``<workspace>/financials.csv``: ``fiscal_year, gross_profit, unit, source`` (the gross-profit
  series of the economic intensity denominator).

Every error names the file, the row or key, the field and the reason (a keyed message,
``mv.err.file.*``); nothing is returned from a file with an error.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from lingtan.core.errors import InputFileError
from lingtan.core.messages import Message, msg, render
from lingtan.modules.energy.mv import NORMALISERS

MV_FILE = "mv.yaml"
DEGREE_DAYS_FILE = "energy/degree_days.csv"
FINANCIALS_FILE = "financials.csv"
#: M&V options lingtan computes (IPMVP Option C: whole facility, utility or main meters)
OPTIONS = ("C",)
_PLAN_KEYS = (
    "project", "option", "site", "boundary_meters", "baseline", "reporting", "normalisers",
    "product_types", "degree_days_site", "name", "note",
)  # fmt: skip
DEGREE_DAY_COLUMNS = ("site", "month", "hdd", "cdd", "base_c", "source")
FINANCIAL_COLUMNS = ("fiscal_year", "gross_profit", "unit", "source")


class MvFileError(InputFileError):
    """An M&V, degree-day or financials file cannot be used: ``where`` (row or key), ``field``
    and the keyed ``message``."""

    def __init__(self, source: str, where: str, fld: str, message: Message) -> None:
        loc = ", ".join(x for x in (where, f"field {fld!r}" if fld else "") if x)
        super().__init__(source, f"{loc}: {english(message)}", message=message)
        self.where = where
        self.field = fld
        self.keyed = message


def english(message: Message) -> str:
    """The English text of a keyed message (``i18n/energy_mv.en.json``)."""
    from lingtan.adapters.i18n.messages import catalogue

    return render(message, catalogue("en").get, ", ")


@dataclass(frozen=True)
class MvPlan:
    """The M&V plan of one project (ISO 50015:2014 §6). Periods are months: first days of
    the first and last month, inclusive."""

    project: str
    option: str
    site: str
    boundary_meters: tuple[str, ...]
    baseline_start: date
    baseline_end: date
    reporting_start: date
    reporting_end: date
    normalisers: tuple[str, ...]
    product_types: tuple[str, ...] = ()
    degree_days_site: str = ""
    name: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "project": self.project, "option": self.option, "site": self.site,
            "boundary_meters": list(self.boundary_meters),
            "baseline": {"start": _ym(self.baseline_start), "end": _ym(self.baseline_end)},
            "reporting": {"start": _ym(self.reporting_start), "end": _ym(self.reporting_end)},
            "normalisers": list(self.normalisers), "product_types": list(self.product_types),
            "degree_days_site": self.degree_days_site or self.site, "name": self.name,
            "note": self.note,
        }  # fmt: skip


@dataclass(frozen=True)
class DegreeDays:
    """Degree days of one site and month [K·d] at ``base_c`` [°C]."""

    site: str
    month: date
    hdd: float
    cdd: float
    base_c: float | None = None
    source: str = ""


@dataclass(frozen=True)
class FinancialYear:
    """Gross profit of one fiscal year [``unit``, e.g. ``1e6*USD``]."""

    fiscal_year: str
    gross_profit: float
    unit: str
    source: str = ""


@dataclass(frozen=True)
class DegreeDayTable:
    """Degree days by (site, month)."""

    rows: Mapping[tuple[str, date], DegreeDays] = field(default_factory=dict)

    def get(self, site: str, month: date) -> DegreeDays | None:
        """The row of ``site`` and ``month`` (first day), or None."""
        return self.rows.get((site, month))


def _ym(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def parse_month(text: Any) -> date | None:
    """``2024-04`` (or a date in it, ``2024-04-01``) → 1 April 2024; None when not a month."""
    if isinstance(text, date):
        return text.replace(day=1)
    s = str(text or "").strip()
    parts = s.split("-")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        return None
    try:
        return date(int(parts[0]), int(parts[1]), 1)
    except ValueError:
        return None


# -- mv.yaml ------------------------------------------------------------------------------------


def _text_list(v: Any, src: str, where: str, fld: str) -> tuple[str, ...]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str | int) for x in v):
        raise MvFileError(src, where, fld, msg("mv.err.file.list", field=fld))
    return tuple(str(x).strip() for x in v if str(x).strip())


def _period(v: Any, src: str, where: str, fld: str) -> tuple[date, date]:
    if not isinstance(v, dict) or set(map(str, v)) - {"start", "end"}:
        raise MvFileError(src, where, fld, msg("mv.err.file.period", field=fld))
    start, end = parse_month(v.get("start")), parse_month(v.get("end"))
    if start is None or end is None:
        raise MvFileError(src, where, fld, msg("mv.err.file.period", field=fld))
    if end < start:
        raise MvFileError(src, where, fld, msg("mv.err.file.backwards", field=fld))
    return start, end


def parse_mv(doc: Any, source: str = MV_FILE) -> list[MvPlan]:
    """The plans of a parsed ``mv.yaml`` document (module docstring).

    Raises:
        MvFileError: the document, an item or a field is invalid (named); a project appears
            twice; the reporting period starts before the baseline period ends.
    """
    if doc is None:
        return []
    if not isinstance(doc, dict) or set(map(str, doc)) - {"projects"}:
        raise MvFileError(source, "file", "projects", msg("mv.err.file.top"))
    items = doc.get("projects") or []
    if not isinstance(items, list):
        raise MvFileError(source, "file", "projects", msg("mv.err.file.list", field="projects"))
    plans: list[MvPlan] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = f"projects[{i}]"
        if not isinstance(item, dict):
            raise MvFileError(source, where, "", msg("mv.err.file.mapping"))
        extra = sorted(str(k) for k in item if str(k) not in _PLAN_KEYS)
        if extra:
            raise MvFileError(source, where, extra[0],
                              msg("mv.err.file.unknown", field=extra[0],
                                  allowed=", ".join(_PLAN_KEYS)))  # fmt: skip
        for key in ("project", "site", "boundary_meters", "baseline", "reporting"):
            if item.get(key) in (None, "", []):
                raise MvFileError(source, where, key, msg("mv.err.file.missing", field=key))
        pid = str(item["project"]).strip()
        where = f"projects[{i}] (project {pid!r})"
        if pid in seen:
            raise MvFileError(source, where, "project", msg("mv.err.file.twice", project=pid))
        seen.add(pid)
        option = str(item.get("option", "C")).strip().upper()
        if option not in OPTIONS:
            raise MvFileError(source, where, "option",
                              msg("mv.err.file.option", value=option,
                                  known=", ".join(OPTIONS)))  # fmt: skip
        meters = _text_list(item["boundary_meters"], source, where, "boundary_meters")
        if not meters:
            raise MvFileError(source, where, "boundary_meters",
                              msg("mv.err.file.missing", field="boundary_meters"))  # fmt: skip
        b0, b1 = _period(item["baseline"], source, where, "baseline")
        r0, r1 = _period(item["reporting"], source, where, "reporting")
        if r0 <= b1:
            raise MvFileError(source, where, "reporting", msg("mv.err.file.overlap"))
        norms = _text_list(item.get("normalisers") or [], source, where, "normalisers")
        for n in norms:
            if n not in NORMALISERS:
                raise MvFileError(source, where, "normalisers",
                                  msg("mv.err.unknown_normaliser", name=n,
                                      known=", ".join(NORMALISERS)))  # fmt: skip
        if len(set(norms)) != len(norms):
            raise MvFileError(source, where, "normalisers", msg("mv.err.file.repeated"))
        plans.append(
            MvPlan(
                pid, option, str(item["site"]).strip(), meters, b0, b1, r0, r1, norms,
                _text_list(item.get("product_types") or [], source, where, "product_types"),
                str(item.get("degree_days_site") or "").strip(),
                str(item.get("name") or "").strip(), str(item.get("note") or "").strip(),
            )
        )  # fmt: skip
    return plans


def read_mv_file(workspace: Path) -> list[MvPlan]:
    """The plans of ``<workspace>/mv.yaml`` (none when the file does not exist).

    Raises:
        MvFileError: not valid YAML, or as :func:`parse_mv`.
    """
    path = workspace / MV_FILE
    if not path.is_file():
        return []
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MvFileError(MV_FILE, "file", "", msg("mv.err.file.yaml", reason=str(exc))) from None
    return parse_mv(doc, MV_FILE)


# -- CSV files ----------------------------------------------------------------------------------


def _csv_rows(
    path: Path, source: str, columns: tuple[str, ...], required: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise MvFileError(source, "file", "", msg("mv.err.file.encoding")) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    for col in required:
        if col not in header:
            raise MvFileError(source, "row 1", col, msg("mv.err.file.column", column=col))
    extra = [h for h in header if h and h not in columns]
    if extra:
        raise MvFileError(source, "row 1", extra[0],
                          msg("mv.err.file.unknown", field=extra[0],
                              allowed=", ".join(columns)))  # fmt: skip
    out = []
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            raise MvFileError(source, f"row {n}", "", msg("mv.err.file.cells"))
        out.append((n, {h: (cells[j].strip() if j < len(cells) else "")
                        for j, h in enumerate(header)}))  # fmt: skip
    return out


def _number(text: str, source: str, row: int, fld: str, *, minimum: float | None = 0.0) -> float:
    try:
        v = float(text.replace(",", "")) if text else math.nan
    except ValueError:
        v = math.nan
    if not math.isfinite(v) or (minimum is not None and v < minimum):
        raise MvFileError(source, f"row {row}", fld, msg("mv.err.file.number", value=text))
    return v


def read_degree_days(workspace: Path) -> DegreeDayTable:
    """``<workspace>/energy/degree_days.csv`` (empty when absent): one row per site and month.

    Raises:
        MvFileError: a column is missing, a cell is not a month or a number ≥ 0, or a site and
            month appear twice (file, row, field named).
    """
    path = workspace / DEGREE_DAYS_FILE
    if not path.is_file():
        return DegreeDayTable()
    src = DEGREE_DAYS_FILE
    rows: dict[tuple[str, date], DegreeDays] = {}
    for n, r in _csv_rows(path, src, DEGREE_DAY_COLUMNS, ("site", "month", "hdd", "cdd")):
        site = r.get("site", "")
        if not site:
            raise MvFileError(src, f"row {n}", "site", msg("mv.err.file.missing", field="site"))
        month = parse_month(r.get("month"))
        if month is None:
            raise MvFileError(src, f"row {n}", "month",
                              msg("mv.err.file.month", value=r.get("month", "")))  # fmt: skip
        if (site, month) in rows:
            dup = msg("mv.err.file.duplicate", site=site, month=_ym(month))
            raise MvFileError(src, f"row {n}", "month", dup)
        base = r.get("base_c", "")
        rows[(site, month)] = DegreeDays(
            site, month,
            _number(r.get("hdd", ""), src, n, "hdd"), _number(r.get("cdd", ""), src, n, "cdd"),
            _number(base, src, n, "base_c", minimum=None) if base else None,
            r.get("source", ""),
        )  # fmt: skip
    return DegreeDayTable(rows)


def read_financials(workspace: Path) -> list[FinancialYear]:
    """``<workspace>/financials.csv`` (empty when absent), sorted by fiscal year as written.

    Raises:
        MvFileError: a column is missing, gross profit not a number, a year twice, or two
            units in one series.
    """
    path = workspace / FINANCIALS_FILE
    if not path.is_file():
        return []
    src = FINANCIALS_FILE
    out: list[FinancialYear] = []
    seen: set[str] = set()
    unit0: str | None = None
    for n, r in _csv_rows(path, src, FINANCIAL_COLUMNS, ("fiscal_year", "gross_profit")):
        fy = r.get("fiscal_year", "")
        if not fy:
            raise MvFileError(src, f"row {n}", "fiscal_year",
                              msg("mv.err.file.missing", field="fiscal_year"))  # fmt: skip
        if fy in seen:
            raise MvFileError(
                src, f"row {n}", "fiscal_year", msg("mv.err.file.year_twice", year=fy)
            )
        seen.add(fy)
        unit = r.get("unit", "") or "1e6*USD"
        if unit0 is not None and unit != unit0:
            raise MvFileError(src, f"row {n}", "unit",
                              msg("mv.err.file.units", unit=unit, first=unit0))  # fmt: skip
        unit0 = unit
        gp = _number(r.get("gross_profit", ""), src, n, "gross_profit", minimum=None)
        if gp <= 0:  # an intensity denominator must be positive (never dropped silently)
            pos = msg("mv.err.file.positive", value=r.get("gross_profit", ""))
            raise MvFileError(src, f"row {n}", "gross_profit", pos)
        out.append(FinancialYear(fy, gp, unit, r.get("source", "")))
    return out
