"""Supplier reduction projects, their programmes and the supply-chain KPI (issue 15 item 6,
decision 0067).

A **supplier project** is a reduction a supplier makes in its own operations (rooftop PV, a
compressed-air or moulding-heating retrofit, a dryer …), often inside a buyer's programme
(联宝科技 "星火行动", report lines 2280–2296). Its figures are the *supplier's*: investment
[CNY], ex-ante savings per carrier and year, measured savings per period and the reductions
[t CO2e] they are worth on a stated factor basis. The buyer counts only its **attributable
share** (``attribution_pct``, its share of the supplier's output), as the GHG Protocol Scope 3
Standard ch. 8 allocates a supplier's emissions to its customers; the reductions are
project-based (GHG Protocol for Project Accounting, ISO 14064-2), never subtracted from the
inventory (GHG Protocol Scope 3 Standard ch. 9: reported separately).

Rules (docs/supplier-programmes.md):

- **cumulative** [t CO2e] = Σ measured reductions of the periods ending on or before a date;
  **attributed** = cumulative · attribution_pct / 100;
- **expected lifetime** [t CO2e] = ex-ante reduction per year · ``life_years`` (default 20,
  report line 2294);
- **programme KPI** (report lines 2143–2145: "1 Mt from the supply chain by FY2025/26",
  printed "not on track", line 1582): value(y) = Σ over projects, each counted **once** even
  when it belongs to two programmes, of the attributed measured reductions of periods ending in
  fiscal years from ``from_year`` to y; status by the targets' KPI rule
  (:mod:`lingtan.modules.targets.kpis`) with the linear pathway from 0 at the programme's launch
  (the end of fiscal year ``from_year − 1``) to the goal at the end of ``goal_year``:
  P(y) = goal · (y − from_year + 1) / (goal_year − from_year + 1);
- **implied factor** [t CO2e/MWh] = t CO2e / MWh of electricity saved, warned when above the
  highest grid factor of the project's region (its own, its parents' and its sub-regions', any
  year): a reduction larger than any grid could give means savings other than electricity, or
  an inconsistent figure (星火: 660,000 t / 670,000 MWh = 0.985 t/MWh);
- **cost-effectiveness** [CNY/t CO2e] = capex / the supplier's cumulative reduction (to date)
  and / its expected lifetime reduction (星火: ¥150 M / 27 kt = ¥5,556/t; ¥227/t over 660 kt).

Pure functions over plain dataclasses; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from lingtan.core.boundary import region_chain
from lingtan.core.errors import LingtanError
from lingtan.core.messages import Message
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.suppliers.errors import SupplierError
from lingtan.modules.targets.kpis import Kpi, KpiKind, KpiStatus, track_kpi

#: the carrier whose savings the implied-factor check divides by
ELECTRICITY = "electricity"
#: electricity units accepted at the boundary → MWh
MWH_PER: Mapping[str, float] = {"kWh": 1e-3, "MWh": 1.0, "GWh": 1e3}
#: the group total's name (every project once, whatever its programmes)
ALL = "all"


class ProgrammeError(SupplierError):
    """A supplier project, measurement, programme goal or training record is invalid.

    ``key`` and ``params`` name the reason in the message catalogue
    (``supplier_programmes.err.*``) so a page or command shows it in the user's language;
    ``text`` is the English (core's catalogue does not hold these keys)."""

    def __init__(self, text: str, key: str = "", **params: Any) -> None:
        LingtanError.__init__(self, text)
        self.message = Message(key, {k: v for k, v in params.items() if v is not None})
        self.field = params.get("field")
        self.key = key
        self.params = params


class ProjectType(StrEnum):
    """What a supplier project does (星火: PV, compressed air, moulding heating, dryers)."""

    PV = "pv"
    COMPRESSED_AIR = "compressed_air"
    MOULDING_HEATING = "moulding_heating"
    DRYER = "dryer"
    OTHER = "other"


def to_mwh(quantity: float, unit: str) -> float:
    """Electricity ``quantity`` in ``unit`` (kWh, MWh, GWh) as [MWh].

    Raises:
        ProgrammeError: another unit.
    """
    try:
        return quantity * MWH_PER[unit]
    except KeyError:
        raise ProgrammeError(
            f"electricity unit {unit!r}: use kWh, MWh or GWh", "supplier_programmes.err.unit",
            unit=unit,
        ) from None  # fmt: skip


@dataclass(frozen=True)
class Saving:
    """A quantity of an energy carrier saved (or generated on site, for PV).

    Attributes:
        carrier: ``electricity``, ``natural_gas``, ``steam``, ``heat`` …
        quantity: amount [unit] (per year for an ex-ante saving, per period when measured).
        unit: its unit; electricity in kWh, MWh or GWh.
    """

    carrier: str
    quantity: float
    unit: str = "MWh"

    def __post_init__(self) -> None:
        if not self.quantity >= 0:  # also refuses NaN
            raise ProgrammeError(
                f"saving of {self.carrier}: {self.quantity} is not a quantity ≥ 0",
                "supplier_programmes.err.negative", field="quantity", value=self.quantity,
            )  # fmt: skip
        if self.carrier == ELECTRICITY:
            to_mwh(self.quantity, self.unit)

    @property
    def mwh(self) -> float:
        """The electricity saved [MWh] (0 for another carrier)."""
        return to_mwh(self.quantity, self.unit) if self.carrier == ELECTRICITY else 0.0


@dataclass(frozen=True)
class Measurement:
    """Measured result of one period [start, end] (inclusive dates), as the supplier reports it.

    Attributes:
        start, end: the period.
        t_co2e: reduction of the period [t CO2e] on the project's factor basis.
        savings: carriers saved in the period.
        note: evidence or remark.
    """

    start: date
    end: date
    t_co2e: float
    savings: tuple[Saving, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ProgrammeError(
                f"measurement {self.start}–{self.end}: the end is before the start",
                "supplier_programmes.err.period", start=str(self.start), end=str(self.end),
            )  # fmt: skip
        if not self.t_co2e >= 0:
            raise ProgrammeError(
                f"measurement {self.start}–{self.end}: {self.t_co2e} t is not a reduction ≥ 0",
                "supplier_programmes.err.negative", field="t_co2e", value=self.t_co2e,
            )  # fmt: skip

    @property
    def mwh(self) -> float:
        """Electricity saved in the period [MWh]."""
        return sum(s.mwh for s in self.savings)


@dataclass(frozen=True)
class SupplierProject:
    """One supplier reduction project (spec ``SupplierProject``).

    Attributes:
        id: stable code within the organisation.
        supplier: the supplier's code (``supplier.code``).
        name: as the supplier words it.
        type: see :class:`ProjectType`.
        region: ISO 3166 region of the project's site (``CN``, ``CN-AH``), for the grid check.
        capex_cny: investment [CNY].
        start: commissioning date.
        life_years: lifetime [years] (default 20, report line 2294).
        programmes: the buyer programmes it belongs to (one project may be in two).
        ex_ante: savings per year expected before the project [carrier unit / yr].
        ex_ante_t_per_year: reduction per year expected [t CO2e / yr] (None: not stated).
        measured: measured results per period.
        factor_basis: the factor the supplier converts savings with (text, e.g. "MEE/NBS 2021
            national average 0.5568 t CO2/MWh").
        basis_factor: that factor [t CO2e/MWh] when it is a grid factor (None: not stated).
        attribution_pct: the buyer's share of the supplier's output [%], 0–100.
    """

    id: str
    supplier: str
    name: str
    type: ProjectType = ProjectType.OTHER
    region: str = "CN"
    capex_cny: float = 0.0
    start: date | None = None
    life_years: int = 20
    programmes: tuple[str, ...] = ()
    ex_ante: tuple[Saving, ...] = ()
    ex_ante_t_per_year: float | None = None
    measured: tuple[Measurement, ...] = ()
    factor_basis: str = ""
    basis_factor: float | None = None
    attribution_pct: float = 100.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.attribution_pct <= 100.0:
            raise ProgrammeError(
                f"project {self.id}: attribution {self.attribution_pct} % is not within 0–100",
                "supplier_programmes.err.attribution", value=self.attribution_pct,
            )  # fmt: skip
        if self.life_years < 1:
            raise ProgrammeError(
                f"project {self.id}: a lifetime of {self.life_years} years is not ≥ 1",
                "supplier_programmes.err.life", value=self.life_years,
            )  # fmt: skip
        for name in ("capex_cny", "ex_ante_t_per_year", "basis_factor"):
            v = getattr(self, name)
            if v is not None and not v >= 0:
                raise ProgrammeError(
                    f"project {self.id}: {name} {v} is not ≥ 0",
                    "supplier_programmes.err.negative", field=name, value=v,
                )  # fmt: skip

    @property
    def share(self) -> float:
        """The buyer's share as a fraction (attribution_pct / 100)."""
        return self.attribution_pct / 100.0

    def cumulative_t(self, until: date | None = None) -> float:
        """Σ measured reductions [t CO2e] of the periods ending on or before ``until`` (None:
        all), the supplier's whole reduction."""
        return sum(m.t_co2e for m in self.measured if until is None or m.end <= until)

    def measured_mwh(self, until: date | None = None) -> float:
        """Σ electricity saved [MWh] in the periods ending on or before ``until``."""
        return sum(m.mwh for m in self.measured if until is None or m.end <= until)

    @property
    def ex_ante_mwh_per_year(self) -> float:
        """Electricity expected to be saved per year [MWh/yr]."""
        return sum(s.mwh for s in self.ex_ante)

    @property
    def lifetime_mwh(self) -> float:
        """Electricity expected to be saved over the lifetime [MWh] = per year · life_years."""
        return self.ex_ante_mwh_per_year * self.life_years

    @property
    def expected_lifetime_t(self) -> float | None:
        """Expected reduction over the lifetime [t CO2e] = ex-ante t/yr · life_years."""
        if self.ex_ante_t_per_year is None:
            return None
        return self.ex_ante_t_per_year * self.life_years


# -- the implied-factor check -----------------------------------------------------------------


@dataclass(frozen=True)
class GridFactor:
    """One electricity grid factor of the library, reduced to what the check needs.

    Attributes:
        factor_id: its id in the factor library.
        region: its region (``CN``, ``CN-HE``, ``CN-GRID-NORTH``).
        valid_from: first day it applies.
        value: [t CO2e/MWh] (= kg/kWh).
    """

    factor_id: str
    region: str
    valid_from: date
    value: float


def applicable_grid_factors(region: str, factors: Iterable[GridFactor]) -> list[GridFactor]:
    """The grid factors that can apply to a site in ``region``: those of the region itself, of
    its parents (``CN-AH`` → ``CN-GRID-EAST`` → ``CN``; not the global region) and of its
    sub-regions (for a country: every province and regional grid), any year."""
    own = [r for r in region_chain(region) if r != "GLO"]
    code = region.strip().upper()
    return [f for f in factors if f.region.upper() in own or code in region_chain(f.region)[1:-1]]


def highest_grid_factor(region: str, factors: Iterable[GridFactor]) -> GridFactor | None:
    """The highest applicable grid factor of ``region`` (ties: the latest, then by id); None
    when the library has none."""
    found = applicable_grid_factors(region, factors)
    if not found:
        return None
    return max(found, key=lambda f: (f.value, f.valid_from, f.factor_id))


@dataclass(frozen=True)
class ImpliedFactorCheck:
    """The implied factor of a project (or a programme) against its region's grid factors.

    Attributes:
        subject: project id or programme name.
        basis: ``ex_ante`` (expected lifetime t / lifetime MWh) or ``measured`` (cumulative t /
            measured MWh).
        t_co2e: the reduction divided [t CO2e].
        mwh: the electricity saved [MWh].
        implied: t_co2e / mwh [t CO2e/MWh].
        region: the region checked.
        highest: the highest applicable grid factor (None: the library has none: no check).
        exceeds: True when ``implied`` > ``highest.value`` — the warning.
        reference_factor: the factor the savings are valued at [t CO2e/MWh]: the project's
            stated basis factor, else the highest grid factor.
        electricity_worth_t: mwh · reference_factor [t CO2e] (星火 at 0.5568: ≈ 373 kt).
    """

    subject: str
    basis: str
    t_co2e: float
    mwh: float
    implied: float
    region: str
    highest: GridFactor | None
    exceeds: bool
    reference_factor: float | None
    electricity_worth_t: float | None

    def message(self) -> dict[str, Any] | None:
        """The warning as a catalogue message (None when the check passes)."""
        if not self.exceeds or self.highest is None:
            return None
        return {
            "key": "supplier_programmes.warn.implied_factor",
            "params": {
                "subject": self.subject,
                "implied": round(self.implied, 4),
                "highest": self.highest.value,
                "factor_region": self.highest.region,
                "factor_year": self.highest.valid_from.year,
                "region": self.region,
            },
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        h = self.highest
        return {
            "subject": self.subject,
            "basis": self.basis,
            "t_co2e": self.t_co2e,
            "mwh": self.mwh,
            "implied_t_per_mwh": self.implied,
            "region": self.region,
            "highest": None
            if h is None
            else {"factor_id": h.factor_id, "region": h.region,
                  "valid_from": h.valid_from.isoformat(), "value": h.value},
            "exceeds": self.exceeds,
            "reference_factor": self.reference_factor,
            "electricity_worth_t": self.electricity_worth_t,
            "warning": self.message(),
        }  # fmt: skip


def implied_factor_check(
    subject: str,
    basis: str,
    t_co2e: float,
    mwh: float,
    region: str,
    factors: Sequence[GridFactor],
    reference: float | None = None,
) -> ImpliedFactorCheck | None:
    """Implied factor = ``t_co2e`` / ``mwh`` [t CO2e/MWh] against the highest grid factor of
    ``region``; None when no electricity was saved (nothing to divide by)."""
    if not mwh > 0:
        return None
    implied = t_co2e / mwh
    top = highest_grid_factor(region, factors)
    ref = reference if reference is not None else (None if top is None else top.value)
    return ImpliedFactorCheck(
        subject, basis, t_co2e, mwh, implied, region, top,
        exceeds=top is not None and implied > top.value,
        reference_factor=ref,
        electricity_worth_t=None if ref is None else mwh * ref,
    )  # fmt: skip


def project_checks(
    p: SupplierProject, factors: Sequence[GridFactor], until: date | None = None
) -> tuple[ImpliedFactorCheck, ...]:
    """The implied-factor checks of a project: ex-ante (expected lifetime t / lifetime MWh)
    and measured (cumulative t / measured MWh), each where it has electricity savings."""
    out: list[ImpliedFactorCheck] = []
    life_t = p.expected_lifetime_t
    if life_t is not None:
        c = implied_factor_check(
            p.id, "ex_ante", life_t, p.lifetime_mwh, p.region, factors, p.basis_factor
        )
        if c is not None:
            out.append(c)
    c = implied_factor_check(
        p.id, "measured", p.cumulative_t(until), p.measured_mwh(until), p.region, factors,
        p.basis_factor,
    )  # fmt: skip
    if c is not None:
        out.append(c)
    return tuple(out)


# -- cost-effectiveness and the ledger ---------------------------------------------------------


def cost_per_t(capex_cny: float, t_co2e: float | None) -> float | None:
    """Investment per tonne reduced [CNY/t CO2e]; None when nothing was (or will be) reduced."""
    if t_co2e is None or not t_co2e > 0:
        return None
    return capex_cny / t_co2e


@dataclass(frozen=True)
class ProjectFigures:
    """A project's computed figures as of a date.

    Units: t CO2e, MWh, CNY, CNY/t CO2e.
    """

    project: SupplierProject
    cumulative_t: float
    attributed_t: float
    expected_lifetime_t: float | None
    attributed_lifetime_t: float | None
    measured_mwh: float
    lifetime_mwh: float
    cost_per_t_to_date: float | None
    cost_per_t_lifetime: float | None
    checks: tuple[ImpliedFactorCheck, ...]

    @property
    def warnings(self) -> tuple[dict[str, Any], ...]:
        """The implied-factor warnings (catalogue messages)."""
        return tuple(m for c in self.checks if (m := c.message()) is not None)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        p = self.project
        return {
            "id": p.id,
            "supplier": p.supplier,
            "name": p.name,
            "type": p.type.value,
            "region": p.region,
            "programmes": list(p.programmes),
            "capex_cny": p.capex_cny,
            "start": None if p.start is None else p.start.isoformat(),
            "life_years": p.life_years,
            "attribution_pct": p.attribution_pct,
            "factor_basis": p.factor_basis,
            "basis_factor": p.basis_factor,
            "ex_ante": [{"carrier": s.carrier, "quantity": s.quantity, "unit": s.unit}
                        for s in p.ex_ante],
            "ex_ante_t_per_year": p.ex_ante_t_per_year,
            "measurements": len(p.measured),
            "cumulative_t": self.cumulative_t,
            "attributed_t": self.attributed_t,
            "expected_lifetime_t": self.expected_lifetime_t,
            "attributed_lifetime_t": self.attributed_lifetime_t,
            "measured_mwh": self.measured_mwh,
            "lifetime_mwh": self.lifetime_mwh,
            "cost_per_t_to_date": self.cost_per_t_to_date,
            "cost_per_t_lifetime": self.cost_per_t_lifetime,
            "checks": [c.to_dict() for c in self.checks],
            "warnings": list(self.warnings),
        }  # fmt: skip


def project_figures(
    p: SupplierProject, factors: Sequence[GridFactor], until: date | None = None
) -> ProjectFigures:
    """Cumulative and attributed reductions, lifetime, cost-effectiveness and implied-factor
    checks of one project as of ``until`` (None: every measurement)."""
    cum = p.cumulative_t(until)
    life = p.expected_lifetime_t
    return ProjectFigures(
        p, cum, cum * p.share, life, None if life is None else life * p.share,
        p.measured_mwh(until), p.lifetime_mwh,
        cost_per_t(p.capex_cny, cum), cost_per_t(p.capex_cny, life),
        project_checks(p, factors, until),
    )  # fmt: skip


@dataclass(frozen=True)
class ProgrammeSummary:
    """A programme's totals (or the group's, :data:`ALL`: every project once).

    Units: t CO2e, MWh, CNY, CNY/t CO2e. ``expected_lifetime_t`` sums the projects that state an
    ex-ante reduction; ``check`` divides it by their lifetime MWh (the report's 660 kt / 670 GWh
    is such a programme-level figure).
    """

    name: str
    projects: tuple[str, ...]
    suppliers: int
    capex_cny: float
    cumulative_t: float
    attributed_t: float
    expected_lifetime_t: float
    lifetime_mwh: float
    cost_per_t_to_date: float | None
    cost_per_t_lifetime: float | None
    check: ImpliedFactorCheck | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name,
            "projects": list(self.projects),
            "suppliers": self.suppliers,
            "capex_cny": self.capex_cny,
            "cumulative_t": self.cumulative_t,
            "attributed_t": self.attributed_t,
            "expected_lifetime_t": self.expected_lifetime_t,
            "lifetime_mwh": self.lifetime_mwh,
            "cost_per_t_to_date": self.cost_per_t_to_date,
            "cost_per_t_lifetime": self.cost_per_t_lifetime,
            "check": None if self.check is None else self.check.to_dict(),
            "warning": None if self.check is None else self.check.message(),
        }


def summarise_programme(
    name: str,
    figures: Sequence[ProjectFigures],
    factors: Sequence[GridFactor],
    region: str = "CN",
) -> ProgrammeSummary:
    """Totals of ``figures`` (each project once: duplicates by id are dropped) and the
    programme-level implied-factor check in ``region`` (its reference factor: the basis factor
    the projects share, when they all state the same one)."""
    seen: dict[str, ProjectFigures] = {}
    for f in figures:
        seen.setdefault(f.project.id, f)
    fs = list(seen.values())
    capex = sum(f.project.capex_cny for f in fs)
    cum = sum(f.cumulative_t for f in fs)
    stated = [f for f in fs if f.expected_lifetime_t is not None]
    life = sum(f.expected_lifetime_t or 0.0 for f in stated)
    mwh = sum(f.lifetime_mwh for f in stated)
    bases = {f.project.basis_factor for f in stated}
    ref = next(iter(bases)) if len(bases) == 1 else None
    return ProgrammeSummary(
        name, tuple(sorted(seen)), len({f.project.supplier for f in fs}), capex, cum,
        sum(f.attributed_t for f in fs), life, mwh,
        cost_per_t(capex, cum), cost_per_t(capex, life if stated else None),
        implied_factor_check(name, "ex_ante", life, mwh, region, factors, ref),
    )  # fmt: skip


@dataclass(frozen=True)
class Ledger:
    """Every project's figures, each programme's totals and the group total.

    ``overlap`` lists the projects in more than one programme (listed under each, counted once
    in ``group``); ``double_count_t`` = Σ programmes' attributed t − the group's, what adding up
    the programmes would count twice [t CO2e]."""

    projects: tuple[ProjectFigures, ...]
    programmes: tuple[ProgrammeSummary, ...]
    group: ProgrammeSummary
    overlap: tuple[tuple[str, tuple[str, ...]], ...]
    double_count_t: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "projects": [f.to_dict() for f in self.projects],
            "programmes": [s.to_dict() for s in self.programmes],
            "group": self.group.to_dict(),
            "overlap": [{"project": p, "programmes": list(ps)} for p, ps in self.overlap],
            "double_count_t": self.double_count_t,
        }


def ledger(
    projects: Sequence[SupplierProject],
    factors: Sequence[GridFactor],
    until: date | None = None,
    region: str = "CN",
) -> Ledger:
    """The project ledger as of ``until``: figures per project, totals per programme (a project
    in two programmes is listed under both) and for the group (each project once)."""
    figs = tuple(project_figures(p, factors, until) for p in sorted(projects, key=lambda p: p.id))
    names = sorted({n for p in projects for n in p.programmes})
    progs = tuple(
        summarise_programme(n, [f for f in figs if n in f.project.programmes], factors, region)
        for n in names
    )
    group = summarise_programme(ALL, figs, factors, region)
    overlap = tuple(
        (f.project.id, tuple(sorted(f.project.programmes)))
        for f in figs
        if len(set(f.project.programmes)) > 1
    )
    double = sum(s.attributed_t for s in progs) - sum(
        f.attributed_t for f in figs if f.project.programmes
    )
    return Ledger(figs, progs, group, overlap, double)


# -- the programme KPI -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeGoal:
    """A supply-chain reduction goal (report lines 2143–2145).

    Attributes:
        id, name: the KPI's key and wording.
        goal_t: the goal [t CO2e] (1,000,000).
        goal_year: fiscal start year it is due (2025 = FY2025/26).
        from_year: fiscal start year counting starts (2022 = FY2022/23, the launch).
        programmes: the programmes counted (empty: every project).
        names: the name per language (``en``, ``zh-CN``).
    """

    id: str = "KPI-SC"
    name: str = "1 Mt supply-chain GHG reduction by FY2025/26"
    goal_t: float = 1_000_000.0
    goal_year: int = 2025
    from_year: int = 2022
    programmes: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.goal_year < self.from_year:
            raise ProgrammeError(
                f"KPI {self.id}: the goal year is before the first year counted",
                "supplier_programmes.err.goal_year",
            )  # fmt: skip
        if not self.goal_t > 0:
            raise ProgrammeError(
                f"KPI {self.id}: the goal {self.goal_t} is not > 0",
                "supplier_programmes.err.negative", field="goal_t", value=self.goal_t,
            )  # fmt: skip


def counted_projects(
    projects: Iterable[SupplierProject], programmes: Sequence[str] = ()
) -> list[SupplierProject]:
    """The projects a KPI counts, each once (by id, first kept): those in any of
    ``programmes`` (empty: all)."""
    seen: dict[str, SupplierProject] = {}
    for p in projects:
        if not programmes or set(p.programmes) & set(programmes):
            seen.setdefault(p.id, p)
    return list(seen.values())


def cumulative_by_year(
    projects: Iterable[SupplierProject], goal: ProgrammeGoal, calendar: FiscalCalendar
) -> dict[int, float]:
    """Attributed measured reductions [t CO2e], cumulative from ``goal.from_year``, by fiscal
    start year (each year from ``from_year`` to the latest with a measurement; a period belongs
    to the fiscal year its end date falls in; periods ending before ``from_year`` are not
    counted). Each project counts once."""
    per_year: dict[int, float] = {}
    for p in counted_projects(projects, goal.programmes):
        for m in p.measured:
            y = calendar.start_year_of(m.end)
            if y >= goal.from_year:
                per_year[y] = per_year.get(y, 0.0) + m.t_co2e * p.share
    if not per_year:
        return {}
    out: dict[int, float] = {}
    total = 0.0
    for y in range(goal.from_year, max(per_year) + 1):
        total += per_year.get(y, 0.0)
        out[y] = total
    return out


def programme_kpi(
    projects: Iterable[SupplierProject], goal: ProgrammeGoal, calendar: FiscalCalendar
) -> Kpi:
    """The goal as a targets KPI (:class:`~lingtan.modules.targets.kpis.Kpi`) with the computed
    cumulative values and the pathway's start point (0 t at the end of ``from_year − 1``)."""
    return Kpi(
        goal.id, goal.name, KpiKind.SUPPLY_CHAIN_REDUCTION, "t CO2e", goal.goal_t,
        goal.goal_year, increasing=True, start_year=goal.from_year - 1, start_value=0.0,
        values=cumulative_by_year(projects, goal, calendar),
        source="computed from the supplier project ledger (attributed measured reductions)",
        note=f"cumulative from {calendar.year(goal.from_year).label}; each project counted once",
        names=goal.names,
    )  # fmt: skip


def track_programme(
    projects: Iterable[SupplierProject], goal: ProgrammeGoal, calendar: FiscalCalendar
) -> KpiStatus:
    """The KPI's status by the targets' KPI rule (:func:`~lingtan.modules.targets.kpis.track_kpi`):
    on track when the cumulative value of the latest year with data is at or above the linear
    pathway P(y) = goal · (y − from_year + 1) / (goal_year − from_year + 1)."""
    return track_kpi(programme_kpi(projects, goal, calendar), calendar)
