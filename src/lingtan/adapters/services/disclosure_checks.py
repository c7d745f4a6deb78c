"""The checks-and-errata section of an edition (issue 19; decision 0102; docs/disclosure-demo.md):
the disclosure spec's consistency checks, computed from the sections already built and from the
workspace, and the organisation's own published figures reconciled with lingtan's (errata).

Checks (each a row: what was checked, the figure shown, lingtan's recomputation, the difference,
the tolerance and the result), in the spirit of the analytical procedures of ISO 14064-3:2019
§6.1.4 (recompute what a report prints) and ISO 14064-1:2018 cl. 9 (a report must be consistent
and accurate); GHG Protocol Corporate Standard ch. 9–10:

- ``repeat`` — an inventory figure shown more than once (the same ``lingtan explain`` selection)
  has one value everywhere (one row per figure) [t CO2e];
- ``total`` — a total equals the sum of its parts *as printed*: |round(T, dₜ) − Σ round(pᵢ, dₚ)|
  ≤ n·½·10^−dₚ + ½·10^−dₜ (each printed number is off by at most half a unit of its last digit;
  GHG Protocol ch. 9: totals are summed before rounding) [t CO2e]; parts of a Scope 3 total are
  its categories, parts of an inventory total are Scope 1, Scope 2 (the total's basis, market by
  default) and Scope 3;
- ``share`` — a share [%] printed beside an inventory figure is recomputed as 100·part/whole
  from the unrounded figures (whole: the figure itself, its Scope 3 total or the inventory
  total shown in the edition) and must round to what is printed: |shown − 100·p/w| ≤ ½·10^−d [%];
- ``base_year`` — the base-year value of each target (its coverage of the targets programme's
  base-year emissions) equals the same coverage of the edition's base-year snapshot, within half
  a tonne [t CO2e];
- ``kpi_source`` — every KPI whose status a report prints has a value source: a value for a
  year up to the edition's, computed from data or typed with a citation; and every KPI value
  shown in a KPI table carries its record (``ref``) or its ``explain`` selection.

Errata: the findings of :func:`lingtan.adapters.services.reconcile.reconcile_workspace` for the
edition's year, the previous year and the base year (the years an edition prints) that list a
difference (rounding, copied, factor basis, implied factor, unexplained, missing), with their
status as the errata's kind and the cause in the reader's language (``reconcile.cause.*``).

The fact ``checks.consistency`` is complete when every kind of check could be computed, partial
when some could, missing when none (no inventory and no targets) — whether checks *pass* is what
the table says, not the fact's status.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from lingtan.adapters.services.context import Context
from lingtan.core.reconcile import Finding
from lingtan.modules.disclosure.document import (
    Cell,
    Column,
    EditionScope,
    Fact,
    Section,
    Table,
    column,
    fact,
    label,
    na,
    number,
    text,
)
from lingtan.modules.disclosure.facts import facts_of
from lingtan.modules.targets.emissions import Coverage, YearEmissions
from lingtan.modules.targets.programme import Programme

KEY = "checks"
TITLE = "disc_demo.section.checks"
#: the kinds of check, in the order they are listed
KINDS = ("repeat", "total", "share", "base_year", "kpi_source")
Result = Literal["pass", "fail", "na"]
#: units of inventory figures the checks read
MASS = "t CO2e"
#: half a tonne: base-year values are compared to the tonne [t CO2e]
BASE_YEAR_TOLERANCE = 0.5
#: a float's noise when comparing equal values
EPS = 1e-9


@dataclass(frozen=True)
class Check:
    """One consistency check: ``kind`` of :data:`KINDS`, ``subject`` what it is about (a
    catalogue key with args), the ``shown`` figure and lingtan's ``recomputed`` one in ``unit``
    with ``digits``, the ``tolerance``, the ``result`` and the fiscal ``year`` it concerns."""

    kind: str
    subject: Cell
    shown: float | None
    recomputed: float | None
    unit: str
    digits: int
    tolerance: float
    result: Result
    #: the fiscal year of the figure's snapshot (None: not an inventory figure, or unknown)
    year: str | None = None
    #: the snapshot id of the figure's selection (inventory figures only)
    snapshot: str | None = None

    @property
    def difference(self) -> float | None:
        """shown − recomputed [unit] (None when either is missing)."""
        if self.shown is None or self.recomputed is None:
            return None
        return self.shown - self.recomputed


@dataclass(frozen=True)
class BaseYearValue:
    """A target's base-year value as the targets programme uses it and as the edition's
    base-year snapshot gives it [t CO2e] (None: not computable, e.g. no Scope 3 split)."""

    target: str
    used: float | None
    snapshot: float | None


@dataclass(frozen=True)
class KpiSource:
    """A KPI of the targets programme: whether a report prints its status, and its value
    source for the edition's year (``computed``, ``typed`` with a citation, or None)."""

    kpi: str
    printed_status: bool
    source: str | None


# -- the figures of the sections -----------------------------------------------------------------


@dataclass(frozen=True)
class _Figure:
    section: str
    table: str
    row: int
    cell: Cell

    @property
    def value(self) -> float:
        v = self.cell["v"]
        assert isinstance(v, int | float)
        return float(v)

    @property
    def digits(self) -> int:
        return max(int(self.cell.get("digits", 0)), 0)


def _selection(cell: Cell) -> tuple[tuple[str, str], ...] | None:
    sel = cell.get("explain")
    if sel is None:
        return None
    return tuple(sorted((k, str(v)) for k, v in sel.items()))


def _is_number(cell: Cell) -> bool:
    v = cell.get("v")
    return (
        cell.get("kind") == "number"
        and isinstance(v, int | float)
        and not isinstance(v, bool)
        and math.isfinite(float(v))
    )


def _figures(sections: Sequence[Section]) -> dict[tuple[tuple[str, str], ...], list[_Figure]]:
    """Every inventory figure (a number in t CO2e with an ``explain`` selection) by selection,
    in document order."""
    out: dict[tuple[tuple[str, str], ...], list[_Figure]] = {}
    for s in sections:
        for t in s.get("tables", []):
            for i, row in enumerate(t["rows"]):
                for cell in row:
                    sel = _selection(cell)
                    if sel is None or not _is_number(cell) or cell.get("unit") != MASS:
                        continue
                    out.setdefault(sel, []).append(_Figure(s["key"], t["key"], i, cell))
    return out


def _subject(sel: tuple[tuple[str, str], ...]) -> Cell:
    """The figure a selection names, as a catalogue key with args."""
    d = dict(sel)
    d.pop("snapshot", None)
    scope, category, basis = d.pop("scope", None), d.pop("category", None), d.pop("basis", None)
    if d:  # a gas, site, month …: named by its selection
        rest = dict(sel)
        rest.pop("snapshot", None)
        return label("disc_demo.subject.other", selection=", ".join(
            f"{k}={v}" for k, v in sorted(rest.items())))  # fmt: skip
    if scope is None:
        return label(f"disc_demo.subject.total.{basis or 'market'}")
    if category is not None:
        return label("disc_demo.subject.category", scope=scope, category=category)
    if basis is not None:
        return label(f"disc_demo.subject.scope2.{basis}")
    return label("disc_demo.subject.scope", scope=scope)


def repeat_checks(figs: dict[tuple[tuple[str, str], ...], list[_Figure]]) -> list[Check]:
    """``repeat``: every selection shown more than once has one value (equal within 10⁻⁹
    relative) [t CO2e]; one row per selection, showing the occurrence farthest from the
    first."""
    out: list[Check] = []
    for sel, found in figs.items():
        if len(found) < 2:
            continue
        first = found[0].value
        far = max(found[1:], key=lambda f: abs(f.value - first))
        tol = EPS * max(1.0, abs(first))
        result: Result = "pass" if abs(far.value - first) <= tol else "fail"
        out.append(Check("repeat", _subject(sel), far.value, first, MASS, far.digits, tol,
                         result, snapshot=dict(sel).get("snapshot")))  # fmt: skip
    return out


def _parts_of(
    sel: tuple[tuple[str, str], ...], figs: dict[tuple[tuple[str, str], ...], list[_Figure]]
) -> list[_Figure] | None:
    """The parts of a total selection present in the figures (None when it is no total or a
    part is missing)."""
    d = dict(sel)
    snap = d.get("snapshot")
    if snap is None:
        return None
    keys = set(d) - {"snapshot"}
    if keys == {"scope"} and d["scope"] == "3":
        parts = [f[0] for s, f in figs.items()
                 if set(dict(s)) == {"snapshot", "scope", "category"}
                 and dict(s)["snapshot"] == snap and dict(s)["scope"] == "3"]  # fmt: skip
        return parts if len(parts) >= 2 else None
    if keys <= {"basis"}:
        basis = d.get("basis", "market")
        wanted = [
            (("scope", "1"), ("snapshot", snap)),
            (("basis", basis), ("scope", "2"), ("snapshot", snap)),
            (("scope", "3"), ("snapshot", snap)),
        ]
        got = [figs[w][0] for w in wanted if w in figs]
        if len(got) < 3 and (("scope", "2"), ("snapshot", snap)) in figs and basis == "market":
            got = [figs[w][0] for w in (wanted[0], (("scope", "2"), ("snapshot", snap)),
                                          wanted[2]) if w in figs]  # fmt: skip
        return got if len(got) == 3 else None
    return None


def total_checks(figs: dict[tuple[tuple[str, str], ...], list[_Figure]]) -> list[Check]:
    """``total``: each total shown equals the sum of its shown parts within the rounding bound
    n·½·10^−dₚ + ½·10^−dₜ [t CO2e] (GHG Protocol ch. 9)."""
    out: list[Check] = []
    for sel, found in figs.items():
        parts = _parts_of(sel, figs)
        if not parts:
            continue
        total = found[0]
        shown = round(total.value, total.digits)
        summed = sum(round(p.value, p.digits) for p in parts)
        tol = sum(0.5 * 10**-p.digits for p in parts) + 0.5 * 10**-total.digits
        ok = abs(shown - summed) <= tol + EPS * max(1.0, abs(shown))
        out.append(Check("total", _subject(sel), shown, summed, MASS, total.digits, tol,
                         "pass" if ok else "fail", snapshot=dict(sel).get("snapshot")))  # fmt: skip
    return out


def _wholes(
    sel: tuple[tuple[str, str], ...], figs: dict[tuple[tuple[str, str], ...], list[_Figure]]
) -> list[float]:
    """The values a share of ``sel`` may be of: the figure itself (a whole's row shows 100 %),
    its Scope 3 total (a category) and the inventory total (market basis unless the part says
    another) shown in the edition."""
    d = dict(sel)
    snap = d.get("snapshot")
    if snap is None:
        return []
    cands: list[tuple[tuple[str, str], ...]] = [sel]
    if "category" in d and d.get("scope") == "3":
        cands.append((("scope", "3"), ("snapshot", snap)))
    if "scope" in d:
        basis = d.get("basis", "market")
        cands += [(("basis", basis), ("snapshot", snap)), (("snapshot", snap),)]
    return [figs[c][0].value for c in cands if c in figs and figs[c][0].value]


def share_checks(
    sections: Sequence[Section], figs: dict[tuple[tuple[str, str], ...], list[_Figure]]
) -> list[Check]:
    """``share``: a % cell of a ``share`` column without a ``ref`` in a row with an inventory
    figure (or a % cell carrying the part's selection itself) is recomputed as 100·part/whole
    from unrounded figures; it passes when it rounds to the printed value for one of the wholes
    shown (|shown − computed| ≤ ½·10^−d) [%]. A change against the previous year, a reduction
    or an equity share (another column, or a cell with its own ``ref``) is no share of it."""
    out: list[Check] = []
    for s in sections:
        for t in s.get("tables", []):
            for row in t["rows"]:
                part = next((c for c in row if _selection(c) and _is_number(c)
                             and c.get("unit") == MASS), None)  # fmt: skip
                for col, cell in zip(t["columns"], row, strict=False):
                    if not _is_number(cell) or cell.get("unit") != "%":
                        continue
                    own = _selection(cell) is not None
                    if not own and ("share" not in col["key"] or "ref" in cell):
                        continue  # a change, a reduction, an equity share …: not a share of it
                    src = cell if own else part
                    sel = _selection(src) if src is not None else None
                    if src is None or sel is None:
                        continue
                    pv = figs[sel][0].value if sel in figs else float(src["v"] or 0)
                    wholes = _wholes(sel, figs)
                    if not wholes:
                        continue
                    digits = max(int(cell.get("digits", 0)), 0)
                    shown = round(float(cell["v"] or 0), digits)
                    tol = 0.5 * 10**-digits
                    computed = [100.0 * pv / w for w in wholes]
                    best = min(computed, key=lambda c: abs(c - shown))
                    ok = abs(best - shown) <= tol + EPS
                    out.append(Check("share", _subject(sel), shown, best, "%", digits, tol,
                                     "pass" if ok else "fail",
                                     snapshot=dict(sel).get("snapshot")))  # fmt: skip
    return out


def base_year_checks(values: Iterable[BaseYearValue]) -> list[Check]:
    """``base_year``: each target's base-year value equals the base-year snapshot's within
    :data:`BASE_YEAR_TOLERANCE` [t CO2e]; a value not computable on either side (a category
    target on a base year disclosed without a Scope 3 split) is listed ``na`` (not
    computable), never assumed equal."""
    out: list[Check] = []
    for v in values:
        subject = label("disc_demo.subject.target", target=v.target)
        result: Result = "na"
        if v.used is not None and v.snapshot is not None:
            ok = abs(v.used - v.snapshot) <= BASE_YEAR_TOLERANCE
            result = "pass" if ok else "fail"
        out.append(Check("base_year", subject, v.used, v.snapshot, MASS, 0, BASE_YEAR_TOLERANCE,
                         result))  # fmt: skip
    return out


def kpi_source_checks(sources: Iterable[KpiSource], sections: Sequence[Section]) -> list[Check]:
    """``kpi_source``: every KPI with a printed status has a value source; every number of a
    KPI table (a table whose key names ``kpi``) carries ``ref`` or ``explain`` (one row per
    table, counting the numbers without)."""
    out: list[Check] = []
    for k in sources:
        if not k.printed_status:
            continue
        out.append(Check("kpi_source", label("disc_demo.subject.kpi", kpi=k.kpi), None, None,
                         "", 0, 0.0, "pass" if k.source else "fail"))  # fmt: skip
    for s in sections:
        for t in s.get("tables", []):
            if "kpi" not in t["key"].lower():
                continue
            numbers = [c for row in t["rows"] for c in row if _is_number(c)]
            if not numbers:
                continue
            without = sum(1 for c in numbers if "ref" not in c and "explain" not in c)
            subject = label("disc_demo.subject.kpi_table", table=t["key"], numbers=len(numbers),
                            missing=without)  # fmt: skip
            out.append(Check("kpi_source", subject, None, None, "", 0, 0.0,
                             "pass" if without == 0 else "fail"))  # fmt: skip
    return out


def consistency_checks(
    sections: Sequence[Section],
    base_year: Iterable[BaseYearValue] = (),
    kpis: Iterable[KpiSource] = (),
    *,
    years: Mapping[str, str] | None = None,
    base_year_label: str | None = None,
) -> list[Check]:
    """Every check of :data:`KINDS` over ``sections`` and the workspace's ``base_year`` values
    and ``kpis`` (pure: the tests give hand-built sections); ``years`` names the fiscal year of
    each snapshot id, ``base_year_label`` the base year."""
    years = years or {}
    figs = _figures(sections)
    on_figures = [*repeat_checks(figs), *total_checks(figs), *share_checks(sections, figs)]
    return [
        *(replace(c, year=years.get(c.snapshot or "")) for c in on_figures),
        *(replace(c, year=base_year_label) for c in base_year_checks(base_year)),
        *kpi_source_checks(kpis, sections),
    ]


# -- the workspace's part ------------------------------------------------------------------------


def _programme(ctx: Context) -> Programme | None:
    """The organisation's targets programme with its workspace emissions and KPI values
    (:func:`lingtan.adapters.services.targets.programme`); None without a (valid) targets
    file."""
    from lingtan.adapters.services.errors import ServiceError
    from lingtan.adapters.services.targets import programme
    from lingtan.core.errors import LingtanError

    try:
        return programme(ctx)[0]
    except (ServiceError, LingtanError):
        return None


def _base_year_values(
    ctx: Context, scope: EditionScope, prog: Programme | None
) -> list[BaseYearValue] | None:
    """Each target of the targets programme whose base year is the edition's, with its
    base-year value as the programme uses it and as the base-year snapshot gives it; None when
    the organisation has no targets file or no base-year snapshot."""
    from lingtan.adapters.compute.stored_inventory import inventory_from_snapshot
    from lingtan.core.errors import LingtanError
    from lingtan.modules.targets.emissions import year_emissions_from_inventory

    if prog is None or scope.base_year is None or scope.base_year_snapshot_id is None:
        return None
    try:
        ws = ctx.workspace()
        snap = ws.snapshot(scope.base_year_snapshot_id)
        inv = inventory_from_snapshot(snap, ws.snapshots_dir)
        base = prog.calendar.parse(scope.base_year).start.year
    except LingtanError:
        return None
    split = bool(inv.scope3_by_category())
    from_snapshot = year_emissions_from_inventory(inv, prog.calendar, scope3_split=split)
    used = prog.emissions.get(base)
    out = []
    for t in prog.targets:
        if t.base_year != base:
            continue
        out.append(BaseYearValue(
            t.id,
            None if used is None else _covered(t.coverage, used),
            _covered(t.coverage, from_snapshot),
        ))  # fmt: skip
    return out


def _covered(coverage: Coverage, e: YearEmissions) -> float | None:
    from lingtan.core.errors import LingtanError

    try:
        v = coverage.covered(e)
    except (LingtanError, ValueError):
        return None
    return None if v is None else float(v)


def _kpi_sources(scope: EditionScope, prog: Programme | None) -> list[KpiSource] | None:
    """The programme's KPIs with their printed status and value source for the edition's year
    (None: no targets file)."""
    from lingtan.core.errors import LingtanError

    if prog is None:
        return None
    try:
        year = prog.calendar.parse(scope.fiscal_year).start.year
    except LingtanError:
        return None
    out = []
    for k in prog.kpis:
        printed = bool(k.reported_status) or k.reported is not None
        has_value = any(y <= year for y in k.values)
        origin = str(getattr(k.origin, "value", k.origin))
        source = None
        if has_value and (origin == "computed" or k.source):
            source = origin
        out.append(KpiSource(k.id, printed, source))
    return out


def _previous(fy: str, ctx: Context) -> str | None:
    from lingtan.core.errors import LingtanError

    try:
        cal = ctx.workspace().config.calendar
        return cal.year(cal.parse(fy).start.year - 1).label
    except LingtanError:  # a bad label only means no previous year
        return None


def errata(ctx: Context, scope: EditionScope) -> tuple[list[Finding], str | None]:
    """The reconciliation findings that list a difference, for the edition's year, the previous
    year and the base year, and the figures file's name (None: the organisation has no
    published figures). An unreadable figures file gives no findings and its reason."""
    from lingtan.adapters.io.published_figures import FIGURES_PATH
    from lingtan.adapters.services.errors import ServiceError
    from lingtan.adapters.services.reconcile import reconcile_workspace

    path = ctx.workspace().path / FIGURES_PATH
    if not path.exists():
        return [], None
    years = [y for y in (scope.fiscal_year, _previous(scope.fiscal_year, ctx), scope.base_year)
             if y]  # fmt: skip
    try:
        rep = reconcile_workspace(ctx, path, years=sorted(set(years)),
                                  source=FIGURES_PATH.as_posix())  # fmt: skip
    except ServiceError:
        return [], FIGURES_PATH.as_posix()
    return list(rep.differences), FIGURES_PATH.as_posix()


# -- the section ---------------------------------------------------------------------------------

_CHECK_COLUMNS: list[Column] = [
    column(k, f"disc_demo.col.{k}")
    for k in ("check", "subject", "fiscal_year", "shown", "recomputed", "difference",
              "tolerance", "result")
]  # fmt: skip
_ERRATA_COLUMNS: list[Column] = [
    column("id", "disc_demo.col.figure_id"),
    *(column(k, f"disc_demo.col.{k}")
      for k in ("figure", "reference", "fiscal_year", "published", "lingtan", "kind", "cause")),
]  # fmt: skip
#: published-figure units as an edition shows them
_UNITS = {"1e4 t": "10⁴ t CO2e", "t": MASS, "kt": "kt CO2e", "Mt": "Mt CO2e"}


def _num(v: float | None, unit: str, digits: int, ref: str | None = None) -> Cell:
    if v is None:
        return na()
    return number(v, unit, digits, ref=ref)


def check_row(c: Check) -> list[Cell]:
    """A check as a table row."""
    return [
        label(f"disc_demo.check.{c.kind}"),
        c.subject,
        na() if c.year is None else text(c.year),
        _num(c.shown, c.unit, c.digits),
        _num(c.recomputed, c.unit, c.digits),
        _num(c.difference, c.unit, c.digits),
        na() if c.kind == "kpi_source" else _num(c.tolerance, c.unit, max(c.digits, 2)),
        label(f"disc_demo.result.{c.result}"),
    ]


def erratum_row(f: Finding) -> list[Cell]:
    """A reconciliation finding as a table row (``ref`` ``published:<id>``)."""
    fig = f.figure
    unit = _UNITS.get(fig.unit, fig.unit)
    digits = max(int(fig.decimals), 0)
    computed = f.computed
    params = {k: str(v) for k, v in f.params.items()}
    return [
        text(fig.id),
        text(fig.label),
        text(fig.reference),
        text(fig.fiscal_year),
        number(float(fig.value), unit, digits, ref=f"published:{fig.id}"),
        _num(None if computed is None else float(computed), unit, digits),
        label(f"reconcile.status.{f.status.value}"),
        label(f"reconcile.cause.{f.code}", **params),
    ]


def build_section(
    checks: Sequence[Check],
    found: Sequence[Finding],
    figures_file: str | None,
    computed_kinds: set[str],
) -> Section:
    """The section from computed checks and errata (pure)."""
    tables: list[Table] = []
    paragraphs: list[Cell] = []
    failed = sum(1 for c in checks if c.result == "fail")
    passed = sum(1 for c in checks if c.result == "pass")
    paragraphs.append(label("disc_demo.checks.summary", checks=len(checks), passed=passed,
                            failed=failed, na=len(checks) - passed - failed))  # fmt: skip
    if checks:
        tables.append({"key": "checks.consistency", "title": "disc_demo.table.checks",
                       "columns": _CHECK_COLUMNS, "rows": [check_row(c) for c in checks],
                       "note": "disc_demo.note.checks"})  # fmt: skip
    for kind in KINDS:
        if kind not in computed_kinds:
            paragraphs.append(label(f"disc_demo.checks.not_computed.{kind}"))
    if figures_file is None:
        paragraphs.append(label("disc_demo.errata.no_figures"))
    else:
        paragraphs.append(label("disc_demo.errata.summary", n=len(found), file=figures_file))
        if found:
            tables.append({"key": "checks.errata", "title": "disc_demo.table.errata",
                           "columns": _ERRATA_COLUMNS, "rows": [erratum_row(f) for f in found],
                           "note": "disc_demo.note.errata"})  # fmt: skip
    n = len(computed_kinds & set(KINDS))
    status: Literal["complete", "partial", "missing"] = (
        "complete" if n == len(KINDS) else "partial" if n or figures_file else "missing"
    )
    source = "checks" if status != "missing" else "not_available"
    facts: dict[str, Fact] = {}
    for key in facts_of(KEY):
        facts[key] = fact(status, source, "disc_demo.note.partial" if status == "partial" else None)
    return {
        "key": KEY,
        "title": TITLE,
        "pillar": None,
        "available": bool(checks) or figures_file is not None,
        "paragraphs": paragraphs,
        "tables": tables,
        "charts": [],
        "narratives": [],
        "facts": facts,
    }


def checks_section(ctx: Context, scope: EditionScope, sections: Sequence[Section]) -> Section:
    """The ``checks`` section of an edition: the consistency checks over ``sections`` (built
    before it, in SECTION_ORDER) and the workspace (targets programme, base-year snapshot), and
    the organisation's published figures reconciled with lingtan's as errata."""
    figs = _figures(sections)
    prog = _programme(ctx)
    base = _base_year_values(ctx, scope, prog)
    kpis = _kpi_sources(scope, prog)
    pairs = ((scope.snapshot_id, scope.fiscal_year),
             (scope.base_year_snapshot_id, scope.base_year),
             (scope.previous_snapshot_id, _previous(scope.fiscal_year, ctx)))  # fmt: skip
    years = {sid: fy for sid, fy in pairs if sid and fy}
    checks = consistency_checks(sections, base or (), kpis or (), years=years,
                                base_year_label=scope.base_year)  # fmt: skip
    kinds = {c.kind for c in checks}
    if figs:
        kinds |= {"repeat", "total", "share"}  # computed over the figures shown (none to flag)
    if base is not None:
        kinds.add("base_year")
    if kpis is not None:
        kinds.add("kpi_source")
    found, figures_file = errata(ctx, scope)
    return build_section(checks, found, figures_file, kinds)
