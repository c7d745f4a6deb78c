"""Targets and their progress: absolute and intensity targets, the linear pathway from the base
year to the target year, and each year's status.

Formulas (docs/targets.md §Progress):

- target level: ``V_T = V_b · (1 − r/100)`` with V_b the base-year value (t CO2e, or t CO2e per
  denominator unit for an intensity target) and r the reduction [%];
- pathway: the straight line ``P(y) = V_b − (V_b − V_T) · (y − b)/(T − b)`` for b ≤ y ≤ T, and
  V_T after T (SBTi tracks progress against the linear path between base and target year);
- status of a year with an actual value A(y): **achieved** when y ≥ T and A ≤ V_T; **on track**
  when A ≤ P(y); **off track** otherwise; **no data** when A(y) (or, for an intensity target, the
  denominator) is missing;
- gap [t CO2e] = A(y) − P(y) for an absolute target, (A(y) − P(y)) · D(y) for an intensity
  target with denominator D; negative = ahead of the pathway;
- linear annual reduction rate (LAR) = r / (T − b) [%/yr of base]; compound annual rate
  = 1 − (1 − r/100)^(1/(T − b)) [%/yr].

Standards: GHG Protocol Corporate Standard ch. 11; SBTi Corporate Net-Zero Standard v1.2 and
Criteria for near-term targets (progress is tracked as the reduction achieved against the base
year; offsets and credits never count as reductions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.emissions import Coverage, Series, YearEmissions
from lingtan.modules.targets.errors import TargetError


class TargetKind(StrEnum):
    """Absolute (t CO2e) or intensity (t CO2e per unit of a denominator series)."""

    ABSOLUTE = "absolute"
    INTENSITY = "intensity"


class Horizon(StrEnum):
    """SBTi horizons: near-term (5–10 years) and long-term (net zero, by 2050)."""

    NEAR_TERM = "near_term"
    LONG_TERM = "long_term"


class IntensityType(StrEnum):
    """Economic (per money: gross profit, revenue, value added) or physical (per t·km, unit,
    m² …) intensity; SBTi sets different minimum ambition for them."""

    ECONOMIC = "economic"
    PHYSICAL = "physical"


class Status(StrEnum):
    """Status of a target or KPI in a year (docs/targets.md §Progress states the rules)."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    NOT_ASSESSABLE = "not_assessable"

    @property
    def text(self) -> str:
        """``on track``, ``no data`` …"""
        return self.value.replace("_", " ")


#: a text as a catalogue message: ``{"key": …, "params": {…}}`` (decision 0054); the adapters
#: render it in the page's language, the module's English words stay for the API and CLI
Message = Mapping[str, Any]


def message(key: str, **params: Any) -> dict[str, Any]:
    """The catalogue message ``key`` with its parameters (plain values, never translated)."""
    return {"key": key, "params": params}


@dataclass(frozen=True)
class ReportedStatus:
    """A status as a published report prints it: the status (in words of no language), the
    report's own words quoted verbatim (``printed``: ``按计划进行中``), the report's footnote mark
    (``"5"``) and whether the report calls it an estimate (docs/targets.md §Reported status).
    Shown beside the computed status, never used to compute it."""

    status: Status
    footnote: str = ""
    estimate: bool = False
    printed: str = ""

    @property
    def text(self) -> str:
        """English words: ``on track (按计划进行中, footnote 5: best estimate at publication)``."""
        words = "not on track" if self.status is Status.OFF_TRACK else self.status.text
        detail = ""
        if self.footnote and self.estimate:
            detail = f"footnote {self.footnote}: best estimate at publication"
        elif self.footnote:
            detail = f"footnote {self.footnote}"
        elif self.estimate:
            detail = "best estimate at publication"
        inside = ", ".join(x for x in (self.printed, detail) if x)
        return f"{words} ({inside})" if inside else words

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the file's ``reported_status`` mapping)."""
        return {"status": self.status.value, "printed": self.printed or None,
                "footnote": self.footnote or None, "estimate": self.estimate}  # fmt: skip


def names_of(names: Mapping[str, str]) -> dict[str, str]:
    """A name per language (``en``, ``zh-CN``), the empty ones left out."""
    return {str(k): str(v) for k, v in names.items() if v}


STATUS_RULE = (
    "on track when the year's actual value is at or below the linear pathway from the base-year "
    "value to the target value; achieved when at or below the target value in or after the "
    "target year; off track otherwise; no data when the actual value or its denominator is missing"
)


@dataclass(frozen=True)
class Target:
    """A GHG reduction target.

    Attributes:
        id: stable key.
        name: as the company words it.
        coverage: scopes / categories counted (and the Scope 2 basis).
        kind: absolute or intensity.
        base_year: fiscal start year of the base year.
        target_year: fiscal start year of the target year.
        reduction_pct: reduction of the base-year value by the target year [%].
        horizon: near-term or long-term.
        denominator: for an intensity target, the name of the :class:`Series` divided by.
        intensity_type: economic or physical (intensity targets only).
        boundary_coverage_pct: share of the covered scopes' emissions inside the target
            boundary [%] (100 unless the company excludes part, e.g. 96 % of Scope 1+2).
        neutralise_residual: long-term net-zero target that neutralises the residual
            emissions with removals (Net-Zero Standard).
        source: citation (report, page, table).
        reported_status: the status a published report prints for it (shown beside the
            computed one, never used to compute), as free text; set from ``reported`` when
            only that is given.
        note: free text.
        names: the name in each language given (``en``, ``zh-CN``; docs/targets.md §Names);
            ``name`` is the name when no language is known.
        reported: the reported status in words of no language (:class:`ReportedStatus`).
    """

    id: str
    name: str
    coverage: Coverage
    kind: TargetKind
    base_year: int
    target_year: int
    reduction_pct: float
    horizon: Horizon = Horizon.NEAR_TERM
    denominator: str | None = None
    intensity_type: IntensityType | None = None
    boundary_coverage_pct: float = 100.0
    neutralise_residual: bool = False
    source: str = ""
    reported_status: str | None = None
    note: str = ""
    names: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    reported: ReportedStatus | None = None

    def __post_init__(self) -> None:
        if self.reported is not None and self.reported_status is None:
            object.__setattr__(self, "reported_status", self.reported.text)
        where = f"target {self.id!r}"
        if self.target_year <= self.base_year:
            raise TargetError(f"{where}: target year must come after the base year")
        if not 0 < self.reduction_pct <= 100:
            raise TargetError(
                f"{where}: reduction_pct must be in (0, 100], got {self.reduction_pct}"
            )
        if not 0 < self.boundary_coverage_pct <= 100:
            raise TargetError(f"{where}: boundary_coverage_pct must be in (0, 100]")
        if self.kind is TargetKind.INTENSITY and not self.denominator:
            raise TargetError(f"{where}: an intensity target needs a denominator series")
        if self.kind is TargetKind.ABSOLUTE and self.denominator:
            raise TargetError(f"{where}: an absolute target has no denominator")

    @property
    def years(self) -> int:
        """T − b [yr]."""
        return self.target_year - self.base_year

    @property
    def linear_rate_pct(self) -> float:
        """Linear annual reduction rate r / (T − b) [% of base per year]."""
        return linear_rate_pct(self.reduction_pct, self.years)

    @property
    def compound_rate_pct(self) -> float:
        """Compound annual rate 1 − (1 − r)^(1/(T − b)) [% per year]."""
        return compound_rate_pct(self.reduction_pct, self.years)

    def to_dict(self, calendar: FiscalCalendar) -> dict[str, Any]:
        """JSON form (years as fiscal-year labels)."""
        return {
            "id": self.id,
            "name": self.name,
            "coverage": self.coverage.to_dict(),
            "kind": self.kind.value,
            "horizon": self.horizon.value,
            "base_year": calendar.year(self.base_year).label,
            "target_year": calendar.year(self.target_year).label,
            "reduction_pct": self.reduction_pct,
            "denominator": self.denominator,
            "intensity_type": None if self.intensity_type is None else self.intensity_type.value,
            "boundary_coverage_pct": self.boundary_coverage_pct,
            "neutralise_residual": self.neutralise_residual,
            "linear_rate_pct_per_year": self.linear_rate_pct,
            "compound_rate_pct_per_year": self.compound_rate_pct,
            "source": self.source,
            "reported_status": self.reported_status,
            "reported": None if self.reported is None else self.reported.to_dict(),
            "names": names_of(self.names),
            "note": self.note,
        }


def linear_rate_pct(reduction_pct: float, years: int) -> float:
    """r / n [% per year]."""
    return reduction_pct / years


def compound_rate_pct(reduction_pct: float, years: int) -> float:
    """(1 − (1 − r/100)^(1/n)) · 100 [% per year]; 100 for a 100 % reduction."""
    remaining = 1.0 - reduction_pct / 100.0
    if remaining <= 0:
        return 100.0
    return float((1.0 - remaining ** (1.0 / years)) * 100.0)


def pathway_fraction(target: Target, year: int) -> float:
    """Share of the base-year value the linear pathway allows in ``year``:
    1 − (r/100) · clamp((y − b)/(T − b), 0, 1)."""
    progress = min(max((year - target.base_year) / target.years, 0.0), 1.0)
    return 1.0 - target.reduction_pct / 100.0 * progress


@dataclass(frozen=True)
class ProgressPoint:
    """One year of a target's progress.

    Units: ``actual``, ``pathway``, ``target_value`` in the target's unit (t CO2e, or t CO2e
    per denominator unit); ``gap_t`` [t CO2e]; percentages [%].
    """

    year: int
    label: str
    pathway_pct_of_base: float
    pathway: float | None
    actual: float | None
    covered_t: float | None
    denominator: float | None
    reduction_to_date_pct: float | None
    gap_t: float | None
    status: Status
    note: str = ""
    #: activity rows the year's inventory did not calculate (0: complete)
    incomplete_rows: int = 0
    #: ``note`` as a catalogue message (``targets.why.*``), None without a note
    note_key: Message | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "year": self.label,
            "inventory_complete": self.incomplete_rows == 0,
            "incomplete_rows": self.incomplete_rows,
            "pathway_pct_of_base": self.pathway_pct_of_base,
            "pathway": self.pathway,
            "actual": self.actual,
            "covered_tco2e": self.covered_t,
            "denominator": self.denominator,
            "reduction_to_date_pct": self.reduction_to_date_pct,
            "gap_tco2e": self.gap_t,
            "status": self.status.value,
            "note": self.note,
            "note_key": None if self.note_key is None else dict(self.note_key),
        }


@dataclass(frozen=True)
class TargetProgress:
    """A target's base, target, pathway and status, year by year.

    ``status`` is the status of the latest year with an actual value (``no data`` if none).
    """

    target: Target
    unit: str
    base_value: float | None
    target_value: float | None
    points: tuple[ProgressPoint, ...]
    status: Status
    latest_year: str | None
    rule: str = STATUS_RULE
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: years whose inventory is incomplete among the base year and the status year
    incomplete_years: tuple[str, ...] = ()
    #: ``notes`` as catalogue messages (``targets.why.*``), one per note
    note_keys: tuple[Message, ...] = field(default=(), compare=False)

    @property
    def on_incomplete_inventory(self) -> bool:
        """True when the status or its base rests on an incomplete inventory."""
        return bool(self.incomplete_years)

    @property
    def completeness_note(self) -> str:
        """Empty, or a sentence naming the incomplete inventories the status rests on."""
        if not self.incomplete_years:
            return ""
        rows = {p.label: p.incomplete_rows for p in self.points}
        parts = ", ".join(
            f"{y} ({rows.get(y, 0)} activity rows not calculated)" for y in self.incomplete_years
        )
        return f"built on an incomplete inventory: {parts}"

    @property
    def denominator_unit(self) -> str | None:
        """The unit after ``t CO2e / `` of an intensity target (None for an absolute one)."""
        head = "t CO2e / "
        return self.unit[len(head) :] if self.unit.startswith(head) else None

    def to_dict(self, calendar: FiscalCalendar) -> dict[str, Any]:
        """JSON form."""
        return {
            "target": self.target.to_dict(calendar),
            "unit": self.unit,
            "base_value": self.base_value,
            "target_value": self.target_value,
            "status": self.status.value,
            "inventory_complete": not self.incomplete_years,
            "incomplete_years": list(self.incomplete_years),
            "completeness_note": self.completeness_note,
            "latest_year": self.latest_year,
            "reported_status": self.target.reported_status,
            "rule": self.rule,
            "notes": list(self.notes),
            "note_keys": [dict(k) for k in self.note_keys],
            "denominator_unit": self.denominator_unit,
            "points": [p.to_dict() for p in self.points],
        }


def _value(
    target: Target, e: YearEmissions | None, series: Series | None
) -> tuple[float | None, float | None, float | None, str, Message | None]:
    """(value in target unit, covered t, denominator, note, note as a message) of one year."""
    if e is None:
        return None, None, None, "no emissions for this year", message("targets.why.no_emissions")
    covered = target.coverage.covered(e)
    if covered is None:
        if target.coverage.scope3_categories is not None and not e.has_scope3_split:
            why, key = "no Scope 3 category split for this year", "targets.why.no_scope3_split"
        else:
            basis = target.coverage.scope2_basis
            why, key = f"no {basis}-based Scope 2 for this year", f"targets.why.no_scope2_{basis}"
        return None, None, None, why, message(key)
    if target.kind is TargetKind.ABSOLUTE:
        return covered, covered, None, "", None
    d = None if series is None else series.get(e.year)
    if d is None:
        dkey = message("targets.why.no_denominator_value", denominator=target.denominator)
        return None, covered, None, f"no value of the denominator {target.denominator!r}", dkey
    return covered / d, covered, d, "", None


def track_target(
    target: Target,
    emissions: Mapping[int, YearEmissions],
    series: Mapping[str, Series],
    calendar: FiscalCalendar,
    *,
    through_year: int | None = None,
) -> TargetProgress:
    """Progress of ``target`` for every year from its base year to ``through_year`` (default:
    the later of the target year and the last year with emissions). See the module docstring
    for every formula."""
    s = series.get(target.denominator) if target.denominator else None
    notes: list[str] = []
    keys: list[Message] = []
    if target.denominator and s is None:
        notes.append(f"denominator series {target.denominator!r} is not given")
        keys.append(message("targets.why.denominator_missing", denominator=target.denominator))
    unit = "t CO2e"
    if target.kind is TargetKind.INTENSITY:
        unit = f"t CO2e / {s.unit if s is not None else target.denominator}"
    base_e = emissions.get(target.base_year)
    base_value, _, _, base_note, base_key = _value(target, base_e, s)
    if base_value is None:
        base_label = calendar.year(target.base_year).label
        notes.append(f"base year {base_label}: {base_note}")
        keys.append({**message("targets.why.base_year", year=base_label), "why": base_key})
    target_value = None if base_value is None else base_value * (1 - target.reduction_pct / 100)
    last = max([target.target_year, *emissions.keys()]) if through_year is None else through_year
    points: list[ProgressPoint] = []
    for y in range(target.base_year, last + 1):
        frac = pathway_fraction(target, y)
        pathway = None if base_value is None else base_value * frac
        actual, covered, d, note, key = _value(target, emissions.get(y), s)
        if actual is None and y in emissions and not note:
            note, key = "no data", message("targets.why.no_data")
        status, gap, red = Status.NO_DATA, None, None
        if actual is not None and pathway is not None and base_value:
            red = (1.0 - actual / base_value) * 100.0
            scale = 1.0 if d is None else d
            gap = (actual - pathway) * scale
            if y >= target.target_year and target_value is not None and actual <= target_value:
                status = Status.ACHIEVED
            elif actual <= pathway:
                status = Status.ON_TRACK
            else:
                status = Status.OFF_TRACK
        elif actual is not None and base_value is None and not note:
            note, key = "no base-year value", message("targets.why.no_base_value")
        points.append(
            ProgressPoint(
                year=y,
                label=calendar.year(y).label,
                pathway_pct_of_base=frac * 100.0,
                pathway=pathway,
                actual=actual,
                covered_t=covered,
                denominator=d,
                reduction_to_date_pct=red,
                gap_t=gap,
                status=status,
                note="" if actual is not None or y not in emissions else note,
                incomplete_rows=_incomplete_rows(emissions.get(y)),
                note_key=None if actual is not None or y not in emissions else key,
            )
        )
    measured = [p for p in points if p.actual is not None and p.year > target.base_year]
    latest = measured[-1] if measured else None
    status = latest.status if latest is not None else Status.NO_DATA
    if latest is None:
        later = {p.note: p.note_key for p in points if p.note and p.year > target.base_year}
        for r, k in later.items():
            if r not in notes:
                notes.append(r)
                keys.append(k if k is not None else message("targets.why.no_data"))
    # completeness (GHG Protocol ch. 1): a status on an incomplete inventory says so
    used = [p for p in points if p.year == target.base_year or p is latest]
    incomplete = tuple(p.label for p in used if p.incomplete_rows)
    return TargetProgress(
        target=target,
        unit=unit,
        base_value=base_value,
        target_value=target_value,
        points=tuple(points),
        status=status,
        latest_year=None if latest is None else latest.label,
        notes=tuple(notes),
        incomplete_years=incomplete,
        note_keys=tuple(keys),
    )


def _incomplete_rows(e: YearEmissions | None) -> int:
    return 0 if e is None else e.incomplete_rows


def required_reduction_pct(target: Target, year: int) -> float:
    """Reduction against the base year the pathway requires in ``year`` [%]."""
    return (1.0 - pathway_fraction(target, year)) * 100.0
