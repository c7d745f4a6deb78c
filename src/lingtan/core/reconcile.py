"""Reconciliation of an organisation's **published** figures with lingtan's computed ones.

A verifier's first step (ISO 14064-3:2019 §6.1.4 *evidence-gathering*, analytical procedures and
recalculation; ISO 14064-1:2018 §9 *GHG report*, which must be complete, consistent and
accurate) is to recompute what a report prints from the data behind it and to explain every
difference. GHG Protocol Corporate Standard ch. 10 ("Verification of GHG emissions", accuracy
and the materiality of discrepancies) and ch. 1 (the accuracy principle) ask the same. This
module is that comparison, pure: it receives the published figures (:class:`PublishedFigure`),
lingtan's value for each one already converted to the figure's unit, and — for a figure derived
from an energy quantity with a grid factor — the factors lingtan could have used
(:class:`GridEvidence`). It returns one :class:`Finding` per figure with a status and a cause.

Statuses (:class:`Status`), tested in this order:

- ``input``: a published quantity lingtan takes as given (an energy saving); not compared.
- ``missing``: lingtan has no value (year not calculated, category absent).
- ``match``: equal at the published precision (``decimals``, half-up rounding as reports
  round), or within the relative ``tolerance`` — and, for a total with ``parts``, the published
  total also equals the sum of its own published parts.
- ``rounding``: differs only by rounding, and the file shows why: the published total is not the
  sum of its own rounded parts (GHG Protocol ch. 9: totals are summed before rounding, so a
  printed total may differ from its printed parts by up to n/2 units of the last digit), or a
  share was moved by one unit of its last digit so that the printed shares of its group add up
  to 100 % (largest-remainder rounding).
- ``copied``: the published value equals another fiscal year's value of the same figure
  (published, or computed by lingtan) — a value carried over from the previous edition.
- ``factor_basis``: a figure computed as energy × grid factor that a *different* factor of
  lingtan's library (region chain, years up to the figure's) reproduces at the published
  precision; the factor is named.
- ``implied_factor``: no factor reproduces it; the implied factor (published t CO2 · 1000 /
  kWh [kg CO2/kWh]) is given with the nearest factor of the library and the difference in %.
- ``unexplained``: none of the above.

Units: masses in ``t``, ``kt``, ``Mt`` or ``1e4 t`` (10⁴ t, 万吨) CO2e; shares in ``%``; energy in
any energy unit of the registry (``kWh``, ``MWh``, ``GWh``); standard coal in ``tce``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final

from lingtan.core.messages import Message, msg

#: Mass units a published figure may use → t CO2e per unit.
MASS_UNITS: Final[dict[str, float]] = {"t": 1.0, "kt": 1e3, "Mt": 1e6, "1e4 t": 1e4}
#: Standard-coal units → tce per unit.
TCE_UNITS: Final[dict[str, float]] = {"tce": 1.0, "ktce": 1e3}
#: Largest published value accepted: 10^15 (any unit) [1].
MAX_EXPONENT: Final = 15
#: Decimal precision of the rounding (every finite float fits) [digits].
_CONTEXT: Final = Context(prec=400)
#: Default relative tolerance: 0.01 % of lingtan's value [1].
DEFAULT_TOLERANCE: Final = 1e-4

#: Inventory quantities a selector may name (t CO2e). ``total`` is the market-based total.
QUANTITIES: Final[tuple[str, ...]] = (
    "scope1", "scope2_market", "scope2_location", "scope3",
    "total", "total_market", "total_location",
    *(f"s3.c{c}" for c in range(1, 16)),
)  # fmt: skip


class Kind(StrEnum):
    """What a published figure is; decides the selector form and the units it may have."""

    INVENTORY_TOTAL = "inventory_total"
    SCOPE_TOTAL = "scope_total"
    CATEGORY_TOTAL = "category_total"
    SHARE = "share"
    ENERGY = "energy"
    PROJECT_TCE = "project_tce"
    PROJECT_TCO2E = "project_tco2e"
    PROGRAMME_TCO2E = "programme_tco2e"


class Status(StrEnum):
    """Outcome of one comparison (see the module doc for the order they are tested in)."""

    INPUT = "input"
    MISSING = "missing"
    MATCH = "match"
    ROUNDING = "rounding"
    COPIED = "copied"
    FACTOR_BASIS = "factor_basis"
    IMPLIED_FACTOR = "implied_factor"
    UNEXPLAINED = "unexplained"

    @property
    def is_difference(self) -> bool:
        """True for every status that lists a difference (not ``input`` or ``match``)."""
        return self not in (Status.INPUT, Status.MATCH)


class SelectorError(ValueError):
    """A selector that cannot be parsed; the message says why (``message``: the same, keyed
    ``reader.selector.*`` for the catalogue, decision 0053)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.english())
        self.message = message


class NumberError(ValueError):
    """A published number that cannot be read (``message``: keyed ``reader.number.*``)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.english())
        self.message = message


# -- selectors -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sum:
    """A signed sum of inventory quantities [t CO2e]: ``scope3-s3.c1``."""

    terms: tuple[tuple[int, str], ...]

    def value(self, quantities: Mapping[str, float | None]) -> float | None:
        """Σ sign · quantity, None when any quantity is unavailable."""
        total = 0.0
        for sign, name in self.terms:
            v = quantities.get(name)
            if v is None:
                return None
            total += sign * v
        return total


@dataclass(frozen=True)
class Share:
    """``share(A, B)`` = 100 · A / B [%]."""

    numerator: Sum
    denominator: Sum


@dataclass(frozen=True)
class Tce:
    """``tce(ID)``: the published energy of figure ``ID`` in tce (GB/T 2589-2020)."""

    energy_id: str


@dataclass(frozen=True)
class Grid:
    """``grid_tco2e(ID)``: the published electricity of figure ``ID`` × lingtan's grid factor
    for the figure's region [t CO2e]."""

    energy_id: str


@dataclass(frozen=True)
class Given:
    """``-``: a published input lingtan takes as given."""


Selector = Sum | Share | Tce | Grid | Given

_NAME = r"[A-Za-z0-9_.]+"
_CALL = re.compile(r"^(share|tce|grid_tco2e)\((.*)\)$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_KINDS_OF: Final[dict[type, frozenset[Kind]]] = {
    Sum: frozenset({Kind.INVENTORY_TOTAL, Kind.SCOPE_TOTAL, Kind.CATEGORY_TOTAL}),
    Share: frozenset({Kind.SHARE}),
    Tce: frozenset({Kind.PROJECT_TCE}),
    Grid: frozenset({Kind.PROJECT_TCO2E, Kind.PROGRAMME_TCO2E}),
    Given: frozenset({Kind.ENERGY}),
}


def _parse_sum(text: str) -> Sum:
    s = text.replace(" ", "")
    if not s:
        raise SelectorError(msg("reader.selector.empty_sum"))
    parts = re.findall(rf"([+-]?)({_NAME})", s)
    if "".join(sign + name for sign, name in parts) != s.lstrip("+"):
        raise SelectorError(msg("reader.selector.not_sum", text=repr(text)))
    terms: list[tuple[int, str]] = []
    for sign, name in parts:
        if name not in QUANTITIES:
            raise SelectorError(msg("reader.selector.unknown_quantity", name=repr(name)))
        terms.append((-1 if sign == "-" else 1, name))
    return Sum(tuple(terms))


def parse_selector(text: str) -> Selector:
    """Parse the ``lingtan`` column of a published figure (docs/reconcile.md §Selectors).

    Grammar: ``-`` | SUM | ``share(`` SUM ``,`` SUM ``)`` | ``tce(`` ID ``)`` |
    ``grid_tco2e(`` ID ``)``, where SUM is ``quantity (('+'|'-') quantity)*`` over
    :data:`QUANTITIES` and ID the id of an ``energy`` figure.

    Raises:
        SelectorError: the reason, naming the offending part.
    """
    s = text.strip()
    if s in ("", "-"):
        return Given()
    m = _CALL.match(s.replace(" ", ""))
    if m is None:
        return _parse_sum(s)
    fn, args = m.group(1), m.group(2)
    if fn == "share":
        halves = args.split(",")
        if len(halves) != 2:
            raise SelectorError(msg("reader.selector.share_two"))
        return Share(_parse_sum(halves[0]), _parse_sum(halves[1]))
    if not _ID.match(args):
        raise SelectorError(msg("reader.selector.not_id", fn=fn, args=repr(args)))
    return Tce(args) if fn == "tce" else Grid(args)


def selector_fits(selector: Selector, kind: Kind) -> bool:
    """True when ``selector`` is the form a figure of ``kind`` needs."""
    return kind in _KINDS_OF[type(selector)]


# -- published figures and evidence --------------------------------------------------------------


def parse_decimal(text: str) -> Decimal:
    """A published number as printed: ``1,512.30`` → Decimal('1512.30'), ``46.16%`` → 46.16.

    Raises:
        NumberError: not a number (a :class:`ValueError`).
    """
    s = text.strip().replace(",", "").replace("%", "")
    try:
        d = Decimal(s)
    except InvalidOperation:
        raise NumberError(msg("reader.number.not_number", text=repr(text))) from None
    if not d.is_finite():
        raise NumberError(msg("reader.number.not_finite", text=repr(text)))
    if d and d.adjusted() > MAX_EXPONENT:
        raise NumberError(msg("reader.number.too_large", text=repr(text), max=MAX_EXPONENT))
    return d


@dataclass(frozen=True)
class PublishedFigure:
    """One figure as a report prints it.

    Attributes:
        id: unique key in the file.
        label: the report's own label (any language).
        reference: where it is printed (page, line, table).
        fiscal_year: the year it is about (``FY2023/24``).
        kind: see :class:`Kind`.
        value: the published value, exactly as printed [``unit``].
        unit: see the module doc.
        decimals: the stated rounding, as for ``round()`` (2 = hundredths, −2 = hundreds).
        selector: what lingtan figure it corresponds to.
        region: region of the grid factor (``grid_tco2e`` figures), e.g. ``CN-AH``.
        factor_as_of: ISO date the grid factor is resolved at when the report names one
            (default: the first day of the fiscal year).
        parts: ids of figures whose published values this total should equal the sum of.
        group: figures of one group (and fiscal year) are shares printed to add up to 100 %.
        note: free text.
        row: row number in its file (header = 1), for messages.
    """

    id: str
    label: str
    reference: str
    fiscal_year: str
    kind: Kind
    value: Decimal
    unit: str
    decimals: int
    selector: Selector
    region: str = ""
    factor_as_of: str = ""
    parts: tuple[str, ...] = ()
    group: str = ""
    note: str = ""
    row: int = 0

    @property
    def step(self) -> Decimal:
        """One unit of the last published digit: 10^−decimals."""
        return Decimal(1).scaleb(-self.decimals)

    def rounded(self, x: float) -> Decimal:
        """``x`` rounded half-up to the published precision."""
        return Decimal(repr(x)).quantize(self.step, rounding=ROUND_HALF_UP, context=_CONTEXT)


@dataclass(frozen=True)
class FactorCandidate:
    """A grid electricity factor of lingtan's library.

    Units: ``kg_per_kwh`` [kg CO2e / kWh].
    """

    factor_id: str
    set_name: str
    region: str
    valid_from: str
    valid_to: str
    kg_per_kwh: float
    label: str = ""

    def describe(self) -> str:
        """``cn-grid/mee-2023-02-07 (CN, from 2022-01-01) 0.5703 kg/kWh``."""
        to = f" to {self.valid_to}" if self.valid_to else ""
        return (
            f"{self.factor_id} ({self.region}, from {self.valid_from}{to}) "
            f"{self.kg_per_kwh:.4f} kg/kWh"
        )


@dataclass(frozen=True)
class GridEvidence:
    """What a ``grid_tco2e`` figure was computed from: the published energy [kWh], the factor
    lingtan resolved (None when none), and every factor it could have used."""

    energy_kwh: float
    used: FactorCandidate | None
    candidates: tuple[FactorCandidate, ...] = ()


@dataclass(frozen=True)
class Finding:
    """The comparison of one figure.

    Attributes:
        figure: the published figure.
        status: see :class:`Status`.
        computed: lingtan's value in the figure's unit (None when missing or an input).
        computed_rounded: ``computed`` at the published precision.
        difference: published − computed [unit] (None when not compared).
        code: the cause, a key of :data:`CAUSES`; ``params`` fill its sentence.
        implied_factor: published t CO2e · 1000 / kWh [kg/kWh] for ``grid_tco2e`` figures.
        nearest: the library factor nearest to the implied one, and the implied factor's
            difference from it [% of the factor].
        other_years: fiscal year → value the published one equals (``copied``).
    """

    figure: PublishedFigure
    status: Status
    computed: float | None
    computed_rounded: Decimal | None
    difference: float | None
    code: str
    params: dict[str, str] = field(default_factory=dict)
    implied_factor: float | None = None
    nearest: tuple[FactorCandidate, float] | None = None
    other_years: dict[str, str] = field(default_factory=dict)

    @property
    def cause(self) -> str:
        """The cause in one English sentence (:data:`CAUSES`)."""
        return CAUSES[self.code].format(**self.params)


# -- classification ------------------------------------------------------------------------------


def _fmt(d: Decimal) -> str:
    return f"{d:,f}"


def _parts_sum(fig: PublishedFigure, by_id: Mapping[str, PublishedFigure]) -> Decimal | None:
    if not fig.parts:
        return None
    return sum((by_id[p].value for p in fig.parts), Decimal(0))


def _group_adjusted(
    fig: PublishedFigure,
    by_id: Mapping[str, PublishedFigure],
    computed: Mapping[str, float | None],
) -> bool:
    """True when ``fig`` is one unit of its last digit off lingtan's rounded value and its
    group's printed shares add up to exactly 100 while lingtan's rounded shares do not."""
    if not fig.group:
        return False
    members = [
        f for f in by_id.values() if (f.group, f.fiscal_year) == (fig.group, fig.fiscal_year)
    ]
    values = [computed.get(f.id) for f in members]
    if any(v is None for v in values):
        return False
    printed = sum((f.value for f in members), Decimal(0))
    ours = sum((f.rounded(v) for f, v in zip(members, values, strict=True) if v is not None),
               Decimal(0))  # fmt: skip
    mine = computed[fig.id]
    assert mine is not None
    off = abs(fig.value - fig.rounded(mine))
    return off == fig.step and printed == 100 and ours != 100


def _same_figure_other_years(
    fig: PublishedFigure,
    figures: Sequence[PublishedFigure],
    computed: Mapping[str, float | None],
) -> dict[str, str]:
    """Other fiscal years where the same figure (same kind, selector and unit) was published,
    or computed, with exactly this value at this precision."""
    out: dict[str, str] = {}
    for other in figures:
        if other.fiscal_year == fig.fiscal_year or other.kind != fig.kind:
            continue
        if other.selector != fig.selector or other.unit != fig.unit:
            continue
        if other.value == fig.value:
            out[other.fiscal_year] = f"published {_fmt(other.value)} ({other.id})"
        else:
            v = computed.get(other.id)
            if v is not None and fig.rounded(v) == fig.value:
                out[other.fiscal_year] = f"computed {_fmt(fig.rounded(v))} ({other.id})"
    return out


def _published_t(fig: PublishedFigure) -> float:
    return float(fig.value) * MASS_UNITS[fig.unit]


def implied_factor(fig: PublishedFigure, energy_kwh: float) -> float:
    """Published t CO2e · 1000 / energy [kg CO2e/kWh]."""
    return _published_t(fig) * 1000.0 / energy_kwh


def nearest_factor(
    implied: float, candidates: Sequence[FactorCandidate]
) -> tuple[FactorCandidate, float] | None:
    """The candidate nearest to ``implied`` and ``(implied / factor − 1) · 100`` [%]."""
    if not candidates:
        return None
    best = min(candidates, key=lambda c: (abs(c.kg_per_kwh - implied), c.factor_id))
    return best, (implied / best.kg_per_kwh - 1.0) * 100.0


def _reproducing(fig: PublishedFigure, ev: GridEvidence) -> list[FactorCandidate]:
    """Candidates whose energy × factor, in the figure's unit, rounds to the published value."""
    unit = MASS_UNITS[fig.unit]
    return [
        c
        for c in ev.candidates
        if fig.rounded(ev.energy_kwh * c.kg_per_kwh / 1000.0 / unit) == fig.value
    ]


#: Cause code → English sentence with its parameters (the web pages translate the same codes:
#: ``reconcile.cause.<code>`` in the message catalogues).
CAUSES: Final[dict[str, str]] = {
    "input": "published input, taken as given",
    "missing": "lingtan has no value for {year}",
    "match_exact": "equal at the published precision",
    "match_tolerance": "within the tolerance of {tolerance}",
    "rounding_parts_total": (
        "published total {published} ≠ {parts_sum}, the sum of its own rounded parts ({parts}); "
        "lingtan's {computed} agrees with the printed total: total and parts were rounded "
        "separately"
    ),
    "rounding_parts_sum": (
        "published total {published} ≠ {parts_sum}, the sum of its own rounded parts ({parts}), "
        "which is lingtan's value: the report rounded the total from unrounded components"
    ),
    "rounding_group": (
        "computed {exact} rounds to {computed}; the report moved it by one unit of its last "
        "digit so that the printed shares of group {group} add up to 100 %"
    ),
    "copied": (
        "published {published} equals another year's value ({years}); computed from the "
        "report's own lines it is {computed}"
    ),
    "factor_basis": (
        "implies {implied} kg CO2e/kWh; reproduced at the published precision by {factor}, "
        "not by the factor lingtan resolves ({used})"
    ),
    "implied_factor": (
        "implies {implied} kg CO2e/kWh, which no factor of lingtan's library equals; nearest "
        "{factor} ({pct} %); lingtan uses {used}"
    ),
    "implied_factor_alone": (
        "implies {implied} kg CO2e/kWh; lingtan's library has no electricity factor for this "
        "region and period; lingtan uses {used}"
    ),
    "unexplained": (
        "published {published} vs computed {computed} ({difference} {unit}); no rounding, copy "
        "or factor explains it"
    ),
}


def _grid_cause(
    fig: PublishedFigure, ev: GridEvidence
) -> tuple[Status, str, dict[str, str], float, Any]:
    implied = implied_factor(fig, ev.energy_kwh)
    params = {"implied": f"{implied:.4f}", "used": ev.used.describe() if ev.used else "—"}
    good = _reproducing(fig, ev)
    if good:
        best = min(good, key=lambda c: (abs(c.kg_per_kwh - implied), c.factor_id))
        params["factor"] = best.describe()
        near = (best, (implied / best.kg_per_kwh - 1) * 100)
        return Status.FACTOR_BASIS, "factor_basis", params, implied, near
    found = nearest_factor(implied, ev.candidates)
    if found is None:
        return Status.IMPLIED_FACTOR, "implied_factor_alone", params, implied, None
    params |= {"factor": found[0].describe(), "pct": f"{found[1]:+.1f}"}
    return Status.IMPLIED_FACTOR, "implied_factor", params, implied, found


def classify(
    fig: PublishedFigure,
    figures: Sequence[PublishedFigure],
    computed: Mapping[str, float | None],
    *,
    grid: Mapping[str, GridEvidence] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Finding:
    """Compare one published figure with lingtan's value (see the module doc for the order).

    Args:
        fig: the figure.
        figures: every figure of the file (parts, groups and other years are looked up here).
        computed: figure id → lingtan's value in that figure's unit (None: not available).
        grid: figure id → evidence of a ``grid_tco2e`` figure.
        tolerance: relative tolerance [1] below which a difference counts as a match.
    """
    by_id = {f.id: f for f in figures}
    if isinstance(fig.selector, Given):
        return Finding(fig, Status.INPUT, None, None, None, "input")
    c = computed.get(fig.id)
    if c is None:
        return Finding(fig, Status.MISSING, None, None, None, "missing",
                       {"year": fig.fiscal_year})  # fmt: skip
    mine = fig.rounded(c)
    diff = float(fig.value) - c
    ev = (grid or {}).get(fig.id)
    implied: float | None = None
    near: Any = None
    if ev is not None and ev.energy_kwh > 0:
        implied = implied_factor(fig, ev.energy_kwh)
        near = nearest_factor(implied, ev.candidates)
    base = {"published": _fmt(fig.value), "computed": _fmt(mine), "unit": fig.unit}

    def found(status: Status, code: str, params: dict[str, str] | None = None,
              **kw: Any) -> Finding:  # fmt: skip
        kw.setdefault("implied_factor", implied)
        kw.setdefault("nearest", near)
        return Finding(fig, status, c, mine, diff, code, base | (params or {}), **kw)

    parts = _parts_sum(fig, by_id)
    close = mine == fig.value or abs(diff) <= tolerance * abs(c)
    if parts is not None and parts != fig.value and (close or parts == mine):
        p = {"parts_sum": _fmt(parts), "parts": " + ".join(fig.parts)}
        code = "rounding_parts_total" if mine == fig.value else "rounding_parts_sum"
        return found(Status.ROUNDING, code, p)
    if close:
        if mine == fig.value:
            return found(Status.MATCH, "match_exact")
        return found(Status.MATCH, "match_tolerance", {"tolerance": f"{tolerance:.4%}"})
    if _group_adjusted(fig, by_id, computed):
        return found(Status.ROUNDING, "rounding_group", {"exact": f"{c:,.4f}", "group": fig.group})
    others = _same_figure_other_years(fig, figures, computed)
    if others:
        years = ", ".join(f"{y}: {v}" for y, v in sorted(others.items()))
        return found(Status.COPIED, "copied", {"years": years}, other_years=others)
    if ev is not None and ev.energy_kwh > 0:
        status, code, params, implied, near = _grid_cause(fig, ev)
        return found(status, code, params, implied_factor=implied, nearest=near)
    return found(Status.UNEXPLAINED, "unexplained", {"difference": f"{diff:+,.4f}"})


def reconcile(
    figures: Sequence[PublishedFigure],
    computed: Mapping[str, float | None],
    *,
    grid: Mapping[str, GridEvidence] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> list[Finding]:
    """Classify every figure, in file order (:func:`classify`)."""
    if tolerance < 0:
        raise ValueError("tolerance must be >= 0")
    return [classify(f, figures, computed, grid=grid, tolerance=tolerance) for f in figures]


def check_references(figures: Sequence[PublishedFigure]) -> list[tuple[int, str, str]]:
    """Cross-row checks of a figures file: unique ids, ``parts`` naming figures of the same
    year and unit, ``tce``/``grid_tco2e`` naming an ``energy`` figure, a region for every
    ``grid_tco2e`` figure. Returns (row, field, reason in English) for each problem."""
    return [(row, fld, why.english()) for row, fld, why in reference_problems(figures)]


def reference_problems(figures: Sequence[PublishedFigure]) -> list[tuple[int, str, Message]]:
    """The problems of :func:`check_references` as (row, field, keyed reason)."""
    problems: list[tuple[int, str, Message]] = []
    by_id: dict[str, PublishedFigure] = {}
    for f in figures:
        if f.id in by_id:
            problems.append(
                (f.row, "id", msg("reader.figures.id_twice", id=repr(f.id), row=by_id[f.id].row))
            )
        else:
            by_id[f.id] = f
    for f in figures:
        for p in f.parts:
            other = by_id.get(p)
            if other is None:
                problems.append((f.row, "parts", msg("reader.figures.no_part", id=repr(p))))
            elif other.fiscal_year != f.fiscal_year or other.unit != f.unit:
                problems.append((f.row, "parts", msg("reader.figures.part_other", id=repr(p))))
        if isinstance(f.selector, Tce | Grid):
            e = by_id.get(f.selector.energy_id)
            if e is None or e.kind != Kind.ENERGY:
                why = msg("reader.figures.not_energy", id=repr(f.selector.energy_id))
                problems.append((f.row, "lingtan", why))
        if isinstance(f.selector, Grid) and not f.region:
            problems.append((f.row, "region", msg("reader.figures.grid_region")))
    return problems
