"""Row validation of import templates: typed rows under check (:class:`_Rows`), required
cells, choices, ranges, units, sites, regions, periods within one fiscal year and categories.

Every problem becomes a :class:`~lingtan.core.errors.RowIssue` and makes its row *bad*: a bad
row produces no activity. Categories follow the GHG Protocol (Corporate Standard ch. 4 for
Scopes 1 and 2, Scope 3 Standard ch. 5 Table 5.4); periods follow the workspace's fiscal
calendar (:class:`~lingtan.core.periods.FiscalCalendar`).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lingtan.core.activities import CATEGORIES
from lingtan.core.errors import InputFileError, RowIssue, UnitError
from lingtan.core.factor_names import resolve_activity_alias
from lingtan.core.messages import Message, msg, or_list
from lingtan.core.templates.spec import (
    BoolArray,
    FloatArray,
    IntArray,
    NormaliseContext,
    Template,
    is_builtin_activity_type,
    match_choice,
)
from lingtan.core.templates.units import (
    _has_dimension,
    _strip_co2e,
    _unknown_unit_reason,
    need_message,
    unit_kind,
)
from lingtan.core.units import conversion_factor, parse_unit

_REGION_RE = re.compile(r"^[A-Z]{2,3}(-[A-Z0-9]+)*$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_WS_RE = r"\s+"


def _fmt(value: object) -> str:
    """A typed cell value as text, for issue messages (1.0 → '1', dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class _Units:
    """Result of checking a unit column: per-row unit text and conversion factor."""

    text: list[str | None]
    factor: FloatArray


def _index_of(texts: Any, values: list[str]) -> IntArray:
    """Per row: the index of the text in ``values``, or ``len(values)`` where it is empty or not
    among them (vectorised; lets per-distinct-value results be broadcast with one take)."""
    arr = texts if isinstance(texts, pa.Array) else pa.array(texts, pa.string())
    found = pc.index_in(arr, value_set=pa.array(values, pa.string()))
    return np.asarray(
        pc.fill_null(found, len(values)).to_numpy(zero_copy_only=False), dtype=np.int64
    )


class _Rows:
    """The typed rows of one table under validation: typed columns, issues, and a bad-row mask."""

    def __init__(self, tpl: Template, table: Any, ctx: NormaliseContext) -> None:
        self.tpl = tpl
        self.ctx = ctx
        names = list(table.column_names)
        if "source_row" not in names:
            raise InputFileError.of(ctx.source, msg("file.no_source_row"))
        unknown = [n for n in names if n != "source_row" and not tpl.has(n)]
        if unknown:
            raise InputFileError.of(
                ctx.source,
                msg(
                    "file.columns_not_in_template",
                    columns=tuple(repr(u) for u in unknown),
                    template=tpl.name,
                ),
            )
        self.n = int(table.num_rows)
        self.rows: IntArray = np.asarray(
            pc.cast(table["source_row"], pa.int64()).to_numpy(), dtype=np.int64
        )
        self.bad: BoolArray = np.zeros(self.n, dtype=np.bool_)
        self._order = {c.name: i for i, c in enumerate(tpl.columns)}
        self._issues: list[tuple[int, int, int, RowIssue]] = []
        self._arrays: dict[str, Any] = {}
        self.invalid_choice: dict[str, BoolArray] = {}
        #: column → the cells as written where a Chinese alias was resolved (else null)
        self.written: dict[str, Any] = {}
        for col in tpl.columns:
            if col.name in names:
                arr = table[col.name].combine_chunks()
                if not arr.type.equals(col.arrow_type):
                    arr = pc.cast(arr, col.arrow_type)
            else:
                arr = pa.nulls(self.n, col.arrow_type)
            if col.kind in ("text", "unit", "choice"):
                arr = pc.utf8_trim_whitespace(arr)
                arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
            if col.kind == "choice":
                distinct: list[str] = pc.unique(arr).drop_null().to_pylist()
                matched = [match_choice(v, col.choices) for v in distinct]
                idx = pa.array(_index_of(arr, distinct))
                canon = pa.array([m or v for m, v in zip(matched, distinct, strict=True)] + [None])
                self.invalid_choice[col.name] = np.array(
                    [m is None for m in matched] + [False], dtype=bool
                )[idx.to_numpy()]
                arr = canon.take(idx).cast(pa.string())
            self._arrays[col.name] = arr

    # ---- access ----------------------------------------------------------------------------

    def array(self, name: str) -> Any:
        """The typed arrow array of a column (no default applied)."""
        return self._arrays[name]

    def is_null(self, name: str) -> BoolArray:
        """Per row: the cell is empty."""
        return np.asarray(self._arrays[name].is_null().to_numpy(zero_copy_only=False), dtype=bool)

    def numbers(self, name: str, *, use_default: bool = True) -> FloatArray:
        """A number or integer column as float64 (NaN where empty and without default)."""
        arr = self._arrays[name]
        default = self.tpl.column(name).default
        if use_default and default is not None and arr.null_count:
            arr = pc.fill_null(arr, pa.scalar(default).cast(arr.type))
        out = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
        return np.asarray(out, dtype=np.float64)

    def texts(self, name: str) -> list[str | None]:
        """A text, unit or choice column as Python strings, the default filled in."""
        default = self.tpl.column(name).default
        values: list[str | None] = self._arrays[name].to_pylist()
        if default is None:
            return values
        return [str(default) if v is None else v for v in values]

    def equals(self, name: str, value: str) -> BoolArray:
        """Per row: the column (default filled in) equals ``value``."""
        arr = self._arrays[name]
        default = self.tpl.column(name).default
        if default is not None:
            arr = pc.fill_null(arr, str(default))
        same = pc.fill_null(pc.equal(arr, value), False)
        return np.asarray(same.to_numpy(zero_copy_only=False), dtype=np.bool_)

    def shown(self, name: str, i: int) -> str:
        """The value of cell (row index ``i``, column ``name``) as text, for messages."""
        if not name or name not in self._arrays:
            return ""
        return _fmt(self._arrays[name][i].as_py())

    # ---- issues ----------------------------------------------------------------------------

    def flag(
        self,
        mask: BoolArray,
        field: str,
        reason: Message | Callable[[int], Message],
        *,
        value: Callable[[int], str] | None = None,
    ) -> None:
        """Record an issue for every row where ``mask`` is true; those rows become bad.

        ``reason``: the keyed explanation (:mod:`lingtan.core.messages`), or a function of the
        row index returning it."""
        mask = np.asarray(mask, dtype=np.bool_)
        for i in np.flatnonzero(mask):
            idx = int(i)
            issue = RowIssue.of(
                self.ctx.source,
                int(self.rows[idx]),
                field,
                reason(idx) if callable(reason) else reason,
                value(idx) if value is not None else self.shown(field, idx),
            )
            self._issues.append((issue.row, self._order.get(field, -1), len(self._issues), issue))
        self.bad |= mask

    def issues(self) -> list[RowIssue]:
        """All issues, sorted by row, then column order, then discovery."""
        return [item[3] for item in sorted(self._issues, key=lambda t: t[:3])]

    # ---- checks ----------------------------------------------------------------------------

    def require_if(self, mask: BoolArray, name: str, why: Message) -> None:
        """Flag rows of ``mask`` where column ``name`` is empty (``why``: a ``row.required_*``
        message saying when it is required)."""
        self.flag(mask & self.is_null(name), name, why)

    def units(
        self,
        name: str,
        measured: str | None,
        *,
        target: str | None = None,
    ) -> _Units:
        """Check a unit column; return its text and the factor to ``target`` (1 without one).

        An unknown unit, or one not of the column's :attr:`Column.dimension`, is a row issue
        naming the quantity column it measures (``measured``; None = all the row's
        quantities). Factors are computed once per distinct unit
        (:func:`~lingtan.core.units.conversion_factor`) and broadcast to the rows.
        """
        col = self.tpl.column(name)
        texts = self.texts(name)
        need = need_message(col.dimension)
        per_unit: dict[str, tuple[str | None, float, Message | None]] = {}
        for u in {v for v in texts if v is not None}:
            clean = _strip_co2e(u) if col.dimension == "co2e_mass" else u
            try:
                parse_unit(clean)
            except UnitError:
                per_unit[u] = (None, math.nan, _unknown_unit_reason(u))
                continue
            if col.dimension is not None and not _has_dimension(clean, col.dimension):
                kind = unit_kind(clean)
                reason = (
                    msg(
                        "row.unit_wrong_dimension.column",
                        unit=u, kind=kind, column=measured, template=self.tpl.name, need=need,
                    )
                    if measured
                    else msg(
                        "row.unit_wrong_dimension.all",
                        unit=u, kind=kind, template=self.tpl.name, need=need,
                    )
                )  # fmt: skip
                per_unit[u] = (None, math.nan, reason)
                continue
            try:
                factor = conversion_factor(clean, target) if target else 1.0
            except UnitError:  # pragma: no cover - dimension already checked
                per_unit[u] = (
                    None,
                    math.nan,
                    msg("row.unit_not_convertible", unit=u, target=target or ""),
                )
                continue
            per_unit[u] = (clean, factor, None)
        uniq = list(per_unit)
        idx = _index_of(texts, uniq)
        factors = np.array([per_unit[u][1] for u in uniq] + [math.nan], dtype=np.float64)[idx]
        bad = np.array([per_unit[u][2] is not None for u in uniq] + [False], dtype=bool)[idx]
        cleaned = pa.array([per_unit[u][0] for u in uniq] + [None], pa.string())
        out_text: list[str | None] = cleaned.take(pa.array(idx)).to_pylist()
        self.flag(
            bad,
            name,
            lambda i: per_unit[texts[i] or ""][2] or msg("row.unit_unknown", unit=texts[i] or ""),
            value=lambda i: texts[i] or "",
        )
        return _Units(out_text, factors)

    def aliased(self, name: str, prefix: str = "") -> Any:
        """A name column with Chinese names and aliases (``柴油``, full-width ``０号柴油``)
        replaced by the activity-type part they stand for after ``prefix`` (one lookup:
        :func:`lingtan.core.factor_names.resolve_activity_alias`, decision 0055); the cell as
        written is kept in :attr:`written` for the row's description (lineage)."""
        arr = self._arrays[name]
        distinct: list[str] = pc.unique(arr).drop_null().to_pylist()
        found = {v: resolve_activity_alias(v, prefix) for v in distinct}
        if not any(a is not None for a in found.values()):
            return arr
        idx = pa.array(_index_of(arr, distinct))
        self.written[name] = pa.array(
            [v if found[v] is not None else None for v in distinct] + [None], pa.string()
        ).take(idx)
        return pa.array([found[v] or v for v in distinct] + [None], pa.string()).take(idx)

    def slug(self, name: str, prefix: str = "") -> Any:
        """A name column as an activity-type segment: Chinese aliases resolved
        (:meth:`aliased`), full-width characters made half-width (NFKC: ``ＬＰＧ`` → ``lpg``),
        trimmed, lower-case, blanks → ``_``."""
        arr = pc.utf8_lower(pc.utf8_normalize(self.aliased(name, prefix), form="NFKC"))
        return pc.replace_substring_regex(arr, pattern=_WS_RE, replacement="_")

    def region_column(self, name: str) -> list[str | None]:
        """An ISO 3166 region column, upper-cased and checked."""
        values = [None if v is None else v.upper() for v in self.texts(name)]
        bad = np.array([v is not None and not _REGION_RE.match(v) for v in values], dtype=bool)
        self.flag(bad, name, msg("row.region_invalid"))
        return values

    def sites(self) -> list[str]:
        """Resolve ``site`` to a boundary site id, ``*`` for the organisation; flag unknown."""
        if not self.tpl.has("site"):
            return ["*"] * self.n
        known = self.ctx.sites
        folded = {s.casefold(): s for s in known}
        resolved: dict[str, str | None] = {}
        values = self.texts("site")
        for name in {v for v in values if v is not None}:
            if name == "*":
                resolved[name] = "*"
            elif name in known:
                resolved[name] = name
            else:
                resolved[name] = folded.get(name.casefold())
        uniq = list(resolved)
        idx = _index_of(values, uniq)
        bad = np.array([resolved[u] is None for u in uniq] + [False], dtype=bool)[idx]
        ids = pa.array([resolved[u] or "*" for u in uniq] + ["*"], pa.string())
        out: list[str] = ids.take(pa.array(idx)).to_pylist()

        def reason(i: int) -> Message:
            v = values[i] or ""
            close = difflib.get_close_matches(v, list(known), n=3)
            if close:
                return msg("row.site_unknown.close", value=v, close=tuple(map(repr, close)))
            if known:
                listed = sorted(known)
                key = (
                    "row.site_unknown.listed_more"
                    if len(listed) > 10
                    else "row.site_unknown.listed"
                )
                return msg(key, value=v, sites=tuple(listed[:10]))
            return msg("row.site_unknown.none", value=v)

        self.flag(bad, "site", reason)
        return out

    def known_types(self, types: list[str | None], field: str) -> None:
        """Flag activity types with no factor in the library (when the context lists them)."""
        known = self.ctx.known_activity_types
        if known is None:
            return
        verdict: dict[str, Message | None] = {}
        lower = {k.lower(): k for k in known}
        for t in {t for t in types if t is not None}:
            if t in known or is_builtin_activity_type(t):
                verdict[t] = None
                continue
            close = [lower[c] for c in difflib.get_close_matches(t.lower(), list(lower), n=3)]
            verdict[t] = (
                msg("row.activity_type_unknown.close", type=t, close=tuple(close))
                if close
                else msg("row.activity_type_unknown.none", type=t)
            )
        uniq = list(verdict)
        bad = np.array([verdict[u] is not None for u in uniq] + [False], dtype=bool)[
            _index_of(types, uniq)
        ]
        self.flag(bad, field, lambda i: verdict[types[i] or ""] or msg("row.required_empty"))


# --------------------------------------------------------------------------------------------
# Common checks
# --------------------------------------------------------------------------------------------


def _check_columns(r: _Rows) -> None:
    """Required cells, choices, number and data-quality ranges, for every template."""
    for col in r.tpl.columns:
        null = r.is_null(col.name)
        if col.required:
            r.flag(null, col.name, msg("row.required_empty"))
        if col.kind == "choice":
            r.flag(
                r.invalid_choice[col.name], col.name, msg("row.choice_invalid", choices=col.choices)
            )
        elif col.kind == "number":
            v = r.numbers(col.name, use_default=False)
            finite = np.isfinite(v)
            r.flag(~null & ~finite, col.name, msg("row.not_finite"))
            r.flag(finite & (v < 0), col.name, msg("row.negative"))
            if col.name.endswith("_pct"):
                r.flag(finite & (v > 100), col.name, msg("row.percentage_range"))
        elif col.kind == "integer" and col.name in _INTEGER_RANGES:
            v = r.numbers(col.name, use_default=False)
            lo, hi = _INTEGER_RANGES[col.name]
            r.flag(
                ~null & ((v < lo) | (v > hi)),
                col.name,
                msg("row.integer_range", lo=lo, hi=hi)
                if hi < 2**53
                else msg("row.integer_min", lo=lo),
            )


_INTEGER_RANGES: dict[str, tuple[int, int]] = {
    **{f"dq_{k}": (1, 5) for k in
       ("temporal", "geographical", "technological", "completeness", "reliability")},
    "scope": (1, 3),
    "price_year": (1900, 2100),
    "travellers": (0, 2**53),
}  # fmt: skip


def _fiscal_start_years(arr: Any, start_month: int) -> IntArray:
    years = np.asarray(pc.fill_null(pc.year(arr), 0).to_numpy(), dtype=np.int64)
    months = np.asarray(pc.fill_null(pc.month(arr), 1).to_numpy(), dtype=np.int64)
    return years - (months < start_month).astype(np.int64)


def _check_period(r: _Rows) -> None:
    """``period_end`` not before ``date``, and the period within one fiscal year."""
    if not r.tpl.has("date"):
        return
    start, end = r.array("date"), r.array("period_end")
    has = ~r.is_null("date") & ~r.is_null("period_end")
    if not has.any():
        return
    backwards = has & np.asarray(
        pc.fill_null(pc.less(end, start), False).to_numpy(zero_copy_only=False), dtype=bool
    )
    r.flag(backwards, "period_end", lambda i: msg("row.period_backwards", date=r.shown("date", i)))
    cal = r.ctx.calendar
    sy = _fiscal_start_years(start, cal.start_month)
    ey = _fiscal_start_years(end, cal.start_month)
    crossing = has & ~backwards & (sy != ey)

    def reason(i: int) -> Message:
        d0, d1 = start[i].as_py(), end[i].as_py()
        years = [cal.year(y) for y in range(int(sy[i]), int(ey[i]) + 1)]
        pieces = [f"{max(p.start, d0).isoformat()} … {min(p.end, d1).isoformat()}" for p in years]
        labels: Message | str = (
            msg("list.and2", a=years[0].label, b=years[1].label)
            if len(years) == 2
            else f"{years[0].label} … {years[-1].label}"
        )
        return msg(
            "row.fiscal_year_crossing",
            start=d0.isoformat(),
            end=d1.isoformat(),
            years=labels,
            cuts=tuple(p.start.isoformat() for p in years[1:]),
            pieces="; ".join(pieces),  # dates only: the same in every language
        )

    r.flag(crossing, "period_end", reason)


def _int_or_zero(values: FloatArray) -> IntArray:
    """Whole numbers as int64; NaN and out-of-range values (rows already flagged) → 0."""
    with np.errstate(all="ignore"):
        ok = np.isfinite(values) & (np.abs(values) < 2**31)
    return np.where(ok, values, 0).astype(np.int64)


def _check_categories(r: _Rows, cat: FloatArray, scope: FloatArray | None = None) -> None:
    """Flag categories the template (or, for per-row scopes, the row's scope) does not allow."""
    allowed = r.tpl.allowed_categories
    if scope is None:
        bad = np.isfinite(cat) & ~np.isin(cat, allowed)
        r.flag(
            bad,
            "category",
            msg(
                "row.category_of_template",
                template=r.tpl.name,
                categories=or_list(tuple(allowed)),
            )
            if len(allowed) <= 3
            else msg(
                "row.category_range", first=allowed[0], last=allowed[-1], scope=r.tpl.scope or ""
            ),
        )
        return
    valid_scope = np.isin(scope, list(CATEGORIES))
    ok = np.ones(len(cat), dtype=bool)
    finite = np.isfinite(cat)
    whole = np.trunc(np.where(finite, cat, 0.0))  # int() of the category
    for s, allowed_of_scope in CATEGORIES.items():  # per scope, vectorised
        rows = valid_scope & finite & (np.asarray(scope) == s)
        ok[rows] = np.isin(whole[rows], sorted(allowed_of_scope))
    r.flag(
        ~ok,
        "category",
        lambda i: msg(
            "row.category_of_scope", scope=int(scope[i]), last=len(CATEGORIES[int(scope[i])])
        ),
    )
