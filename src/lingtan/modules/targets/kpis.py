"""Key performance indicators tracked towards a goal: renewable electricity share, supplier
coverage by spend, product efficiency gains, supply-chain reductions, or any other series.

Status rule (docs/targets.md §KPIs), for the latest year y with an actual value A:

- **achieved** when A has reached the goal G (A ≥ G for an increasing KPI, A ≤ G decreasing);
- otherwise, after the goal year: **off track** (missed);
- otherwise, with a start point (s, S): pathway P(y) = S + (G − S)·(y − s)/(g − s);
  **on track** when A is at or beyond P(y) in the KPI's direction, **off track** when not;
- **not assessable** without a start point or a goal year (the pathway cannot be drawn), and
  **no data** when no actual value exists.

A report's printed status is carried beside the computed one (``reported_status``) and never
used to compute it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.errors import TargetError
from lingtan.modules.targets.targets import Message, ReportedStatus, Status, message, names_of

KPI_RULE = (
    "achieved when the goal is reached; on track when the latest value is at or beyond the linear "
    "pathway from the start value to the goal; off track otherwise (and after a missed goal "
    "year); not assessable without a start value or goal year; no data without a value"
)


class KpiKind(StrEnum):
    """What a KPI measures (for grouping and display)."""

    RENEWABLE_SHARE = "renewable_share"
    SUPPLIER_COVERAGE = "supplier_coverage"
    EFFICIENCY_GAIN = "efficiency_gain"
    SUPPLY_CHAIN_REDUCTION = "supply_chain_reduction"
    OTHER = "other"


class KpiOrigin(StrEnum):
    """Where a KPI's values come from (decision 0076): typed in the targets file, or computed
    from the workspace's data (meters, instruments, product records, supplier ledger)."""

    TYPED = "typed"
    COMPUTED = "computed"


@dataclass(frozen=True)
class Kpi:
    """A tracked indicator.

    Attributes:
        id: stable key.
        name: as the company words it.
        kind: see :class:`KpiKind`.
        unit: unit of the values (``%``, ``t CO2e``, ``% vs FY2018/19``).
        goal: goal value [unit].
        goal_year: fiscal start year by which the goal is due (None: no date given).
        increasing: True when higher is better.
        start_year: year of the pathway's start point (None: no start point).
        start_value: value at ``start_year`` [unit].
        values: fiscal start year → actual value [unit].
        source: citation.
        origin: ``typed`` (given in the targets file) or ``computed`` (from data), with
            ``derivation`` saying how.
        reported_status: status printed by a report (shown, never computed from), free text;
            set from ``reported`` when only that is given.
        note: free text (assumptions, base years …).
        names: the name in each language given (``en``, ``zh-CN``).
        reported: the reported status in words of no language.
    """

    id: str
    name: str
    kind: KpiKind
    unit: str
    goal: float
    goal_year: int | None
    increasing: bool = True
    start_year: int | None = None
    start_value: float | None = None
    values: Mapping[int, float] = field(default_factory=dict)
    source: str = ""
    reported_status: str | None = None
    note: str = ""
    names: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    reported: ReportedStatus | None = None
    #: where ``values`` come from: typed in the targets file, or computed from data
    origin: KpiOrigin = KpiOrigin.TYPED
    #: how computed values were derived (formula, data, base years); empty for typed values
    derivation: str = ""

    def __post_init__(self) -> None:
        if self.reported is not None and self.reported_status is None:
            object.__setattr__(self, "reported_status", self.reported.text)
        if (self.start_year is None) != (self.start_value is None):
            raise TargetError(f"KPI {self.id!r}: give both start_year and start_value, or neither")
        if (
            self.start_year is not None
            and self.goal_year is not None
            and self.goal_year <= self.start_year
        ):
            raise TargetError(f"KPI {self.id!r}: goal year must come after the start year")


@dataclass(frozen=True)
class KpiStatus:
    """A KPI's status and pathway.

    Units: every value in the KPI's unit.
    """

    kpi: Kpi
    status: Status
    latest_year: str | None
    latest_value: float | None
    pathway_value: float | None
    gap: float | None
    pathway: tuple[tuple[str, float], ...]
    reason: str
    rule: str = KPI_RULE
    #: ``reason`` as a catalogue message (``kpi.why.*``)
    reason_key: Message | None = field(default=None, compare=False)

    def to_dict(self, calendar: FiscalCalendar) -> dict[str, Any]:
        """JSON form."""
        k = self.kpi
        lab = calendar.year
        return {
            "id": k.id,
            "name": k.name,
            "kind": k.kind.value,
            "unit": k.unit,
            "goal": k.goal,
            "goal_year": None if k.goal_year is None else lab(k.goal_year).label,
            "direction": "increase" if k.increasing else "decrease",
            "start": None
            if k.start_year is None
            else {"year": lab(k.start_year).label, "value": k.start_value},
            "values": {lab(y).label: v for y, v in sorted(k.values.items())},
            "status": self.status.value,
            "latest_year": self.latest_year,
            "latest_value": self.latest_value,
            "pathway_value": self.pathway_value,
            "gap": self.gap,
            "pathway": [{"year": y, "value": v} for y, v in self.pathway],
            "reason": self.reason,
            "reason_key": None if self.reason_key is None else dict(self.reason_key),
            "rule": self.rule,
            "reported_status": k.reported_status,
            "reported": None if k.reported is None else k.reported.to_dict(),
            "names": names_of(k.names),
            "source": k.source,
            "note": k.note,
            "origin": k.origin.value,
            "derivation": k.derivation,
        }


def _pathway(k: Kpi, y: int) -> float | None:
    if k.start_year is None or k.start_value is None or k.goal_year is None:
        return None
    frac = min(max((y - k.start_year) / (k.goal_year - k.start_year), 0.0), 1.0)
    return k.start_value + (k.goal - k.start_value) * frac


def track_kpi(kpi: Kpi, calendar: FiscalCalendar) -> KpiStatus:
    """Status of ``kpi`` by the rule in the module docstring."""
    path: tuple[tuple[str, float], ...] = ()
    if kpi.start_year is not None and kpi.goal_year is not None:
        path = tuple(
            (calendar.year(y).label, v)
            for y in range(kpi.start_year, kpi.goal_year + 1)
            if (v := _pathway(kpi, y)) is not None
        )
    if not kpi.values:
        why = message("kpi.why.no_value")
        return KpiStatus(kpi, Status.NO_DATA, None, None, None, None, path,
                         "no actual value given", reason_key=why)  # fmt: skip
    y = max(kpi.values)
    a = float(kpi.values[y])
    sign = 1.0 if kpi.increasing else -1.0
    label = calendar.year(y).label
    p = _pathway(kpi, y)
    gap = None if p is None else sign * (a - p)
    vals = {"value": a, "unit": kpi.unit, "goal": kpi.goal}
    if sign * (a - kpi.goal) >= 0:
        return KpiStatus(kpi, Status.ACHIEVED, label, a, p, gap, path,
                         f"{a:g} {kpi.unit} has reached the goal {kpi.goal:g}",
                         reason_key=message("kpi.why.achieved", **vals))  # fmt: skip
    if kpi.goal_year is not None and y >= kpi.goal_year:
        missed = f"goal year passed with {a:g} {kpi.unit} against {kpi.goal:g}"
        return KpiStatus(kpi, Status.OFF_TRACK, label, a, p, gap, path, missed,
                         reason_key=message("kpi.why.goal_passed", **vals))  # fmt: skip
    if p is None:
        missing = "goal year" if kpi.goal_year is None else "start value"
        key = "kpi.why.no_goal_year" if kpi.goal_year is None else "kpi.why.no_start_value"
        return KpiStatus(kpi, Status.NOT_ASSESSABLE, label, a, None, None, path,
                         f"no {missing}: the pathway to the goal cannot be drawn",
                         reason_key=message(key))  # fmt: skip
    ok = sign * (a - p) >= 0
    word = "at or beyond" if ok else "behind"
    return KpiStatus(
        kpi, Status.ON_TRACK if ok else Status.OFF_TRACK, label, a, p, gap, path,
        f"{a:g} {kpi.unit} is {word} the pathway value {p:.4g} for {label}",
        reason_key=message("kpi.why.on_path" if ok else "kpi.why.behind",
                           value=a, unit=kpi.unit, pathway=p, year=label),
    )  # fmt: skip
