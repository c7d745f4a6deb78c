"""Supplier coverage: the share of spend (or of emissions) of the suppliers with a property.

**Coverage by spend** (the report's basis, 按采购金额计, lines 2202–2213): for a property P,

    cov_P = Σ_{s ∈ S, P(s)} spend_s / Σ_{s ∈ S} spend_s

with the denominator set S stated (:data:`DENOMINATORS`): ``all`` (every supplier with spend in
the fiscal year), ``in_scope`` (those of the year's campaigns) or ``respondents`` (those with an
accepted answer). A supplier without an accepted answer has none of the properties.

**Coverage by emissions** (the basis SBTi prefers for supplier engagement targets, *Engaging
supply chains on the decarbonization journey*, 2023): cov_P^E = Σ E_s·1[P(s)] / Σ E_s with E_s
the supplier's attributed Scope 3 category 1 emissions [t CO2e].

Fractions are exact (:class:`fractions.Fraction` of the amounts' decimal text): 42 % is 42/100,
not 0.41999….

The five properties of the report (:data:`REPORT_PROPERTIES`) — science-based target committed
or set (42 %, goal 95 %), verified GHG data (91 %), public GHG targets (95 %), tracks renewable
energy (94 %), renewable-energy targets (76 %) — and two that SBTi's engagement targets count
apart (:data:`EXTRA_PROPERTIES`: targets set, validated).

**SBTi engagement-target check** (:func:`check_engagement_target`; SBTi Criteria and
Recommendations for Near-Term Targets, supplier engagement targets): the goal year at most five
years after the submission year, the basis (emissions or spend) and the Scope 3 categories
stated. A goal without a year (the report's "95 %", KPI-SUP-SBT) is **not conformant**, not
merely "not assessable". Counting commitments (the report's 42 %) rather than suppliers with
targets is noted: SBTi counts suppliers *with* science-based targets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, get_args

from lingtan.modules.suppliers.requests import SupplierAnswer, exact

Basis = Literal["spend", "emissions"]
BASES: tuple[str, ...] = get_args(Basis)
Denominator = Literal["all", "in_scope", "respondents"]
DENOMINATORS: tuple[str, ...] = get_args(Denominator)
Property = Literal[
    "sbt_committed_or_set",
    "verified",
    "public_target",
    "re_tracking",
    "re_target",
    "sbt_targets_set",
    "sbt_validated",
]
PROPERTIES: tuple[str, ...] = get_args(Property)
#: the five figures the report prints (lines 2202–2213), in its order
REPORT_PROPERTIES: tuple[str, ...] = PROPERTIES[:5]
#: counted apart for SBTi engagement targets (suppliers *with* targets)
EXTRA_PROPERTIES: tuple[str, ...] = PROPERTIES[5:]
#: the goals the report states [%]: SBT committed or set, 95 % by spend (line 2203, no year)
REPORT_GOALS: dict[str, float] = {"sbt_committed_or_set": 95.0}

_TESTS: dict[str, Callable[[SupplierAnswer], bool]] = {
    "sbt_committed_or_set": lambda a: a.sbti_status in ("committed", "targets_set", "validated"),
    "verified": lambda a: a.verified,
    "public_target": lambda a: a.public_target is not None,
    "re_tracking": lambda a: a.re_tracking,
    "re_target": lambda a: a.re_target is not None,
    "sbt_targets_set": lambda a: a.sbti_status in ("targets_set", "validated"),
    "sbt_validated": lambda a: a.sbti_status == "validated",
}


def properties_of(answer: SupplierAnswer | None) -> dict[str, bool]:
    """Which of :data:`PROPERTIES` an accepted answer shows (none without one)."""
    return {p: bool(answer is not None and _TESTS[p](answer)) for p in PROPERTIES}


@dataclass(frozen=True)
class SupplierCoverageInput:
    """One supplier as coverage reads it: ``spend`` in the fiscal year (one currency),
    ``emissions_t`` its attributed category 1 emissions [t CO2e] (None: unknown), whether a
    campaign of the year asked it (``in_scope``) and its accepted answer (None: none)."""

    code: str
    spend: float
    emissions_t: float | None = None
    in_scope: bool = False
    answer: SupplierAnswer | None = None


@dataclass(frozen=True)
class PropertyCoverage:
    """Coverage of one property (``name``): ``numerator`` / ``denominator`` (exact; spend in
    the spend's currency or t CO2e), ``share`` (the fraction), ``pct`` [%], the ``goal`` [%]
    if one is set and the suppliers counted (``suppliers``: the codes with the property)."""

    name: str
    numerator: Fraction
    denominator: Fraction
    goal_pct: float | None
    suppliers: tuple[str, ...]

    @property
    def share(self) -> Fraction | None:
        """numerator / denominator (None on an empty denominator)."""
        return None if self.denominator == 0 else self.numerator / self.denominator

    @property
    def pct(self) -> float | None:
        """The share in percent (None on an empty denominator)."""
        s = self.share
        return None if s is None else float(s * 100)

    @property
    def meets_goal(self) -> bool | None:
        """True when the share reaches the goal (None without a goal or a denominator)."""
        s = self.share
        if self.goal_pct is None or s is None:
            return None
        return bool(s * 100 >= exact(self.goal_pct))


@dataclass(frozen=True)
class Coverage:
    """Coverage of every property for one fiscal year on one basis and denominator set, with
    the set itself (``denominator_suppliers``) and its total (``denominator_total``)."""

    fiscal_year: str
    basis: Basis
    denominator: Denominator
    denominator_suppliers: tuple[str, ...]
    denominator_total: Fraction
    properties: dict[str, PropertyCoverage]
    #: suppliers of the set whose emissions are unknown (basis ``emissions``: counted as 0)
    missing_emissions: tuple[str, ...] = ()

    def describe_denominator(self) -> str:
        """The denominator in words: ``S = spend in scope (12 suppliers) = 1000``."""
        what = {
            "all": "all spend",
            "in_scope": "spend in scope",
            "respondents": "spend of respondents",
        }[self.denominator]
        if self.basis == "emissions":
            what = what.replace("spend", "category 1 emissions")
        n = len(self.denominator_suppliers)
        return f"S = {what} ({n} suppliers) = {float(self.denominator_total):g}"


def _in_set(s: SupplierCoverageInput, denominator: Denominator) -> bool:
    if denominator == "all":
        return True
    if denominator == "in_scope":
        return s.in_scope
    return s.answer is not None


def coverage(
    fiscal_year: str,
    suppliers: Iterable[SupplierCoverageInput],
    *,
    basis: Basis = "spend",
    denominator: Denominator = "all",
    goals: Mapping[str, float | None] | None = None,
) -> Coverage:
    """Coverage of every property (:data:`PROPERTIES`) on ``basis`` over the set
    ``denominator`` (module docstring). ``goals`` [%] by property (default
    :data:`REPORT_GOALS`). Weights: spend > 0 (basis ``spend``) or E_s ≥ 0 [t CO2e] (basis
    ``emissions``; unknown E_s counts 0 and is listed in ``missing_emissions``).

    Raises:
        ValueError: unknown basis or denominator.
    """
    if basis not in BASES or denominator not in DENOMINATORS:
        raise ValueError(f"basis {basis!r} / denominator {denominator!r}")
    goal = dict(REPORT_GOALS if goals is None else goals)
    rows = [s for s in suppliers if _in_set(s, denominator)]
    weights: dict[str, Fraction] = {}
    missing: list[str] = []
    for s in rows:
        if basis == "spend":
            if s.spend > 0:
                weights[s.code] = exact(s.spend)
        elif s.emissions_t is None:
            missing.append(s.code)
        elif s.emissions_t > 0:
            weights[s.code] = exact(s.emissions_t)
    total = sum(weights.values(), Fraction(0))
    props = {s.code: properties_of(s.answer) for s in rows}
    out: dict[str, PropertyCoverage] = {}
    for p in PROPERTIES:
        have = sorted(c for c in weights if props[c][p])
        out[p] = PropertyCoverage(
            name=p,
            numerator=sum((weights[c] for c in have), Fraction(0)),
            denominator=total,
            goal_pct=goal.get(p),
            suppliers=tuple(have),
        )
    return Coverage(
        fiscal_year=fiscal_year,
        basis=basis,
        denominator=denominator,
        denominator_suppliers=tuple(sorted(weights)),
        denominator_total=total,
        properties=out,
        missing_emissions=tuple(sorted(missing)),
    )


# -- SBTi engagement-target check ---------------------------------------------------------------

#: the most years between the submission and an engagement target's goal year
ENGAGEMENT_MAX_YEARS = 5


@dataclass(frozen=True)
class EngagementGoal:
    """A coverage goal as an engagement target: ``goal_pct`` [%] of ``property`` by
    ``goal_year`` (None: no year), on ``basis`` (None: not stated), for Scope 3
    ``categories`` (empty: not stated), submitted (or set) in ``submission_year``."""

    property: str
    goal_pct: float
    goal_year: int | None = None
    basis: Basis | None = None
    categories: tuple[str, ...] = ()
    submission_year: int | None = None


@dataclass(frozen=True)
class EngagementCheck:
    """The verdict of :func:`check_engagement_target`: ``conformant``, the ``failures`` (message
    keys of the ``supplier_requests`` catalogue) and ``notes`` (keys that do not fail it)."""

    conformant: bool
    failures: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())


def check_engagement_target(goal: EngagementGoal) -> EngagementCheck:
    """Check a coverage goal against the SBTi supplier-engagement target criteria (SBTi
    Criteria and Recommendations for Near-Term Targets; *Engaging supply chains on the
    decarbonization journey*, 2023):

    - a goal year (``sr.sbti.no_year`` — the report's "95 %, no year" fails here);
    - at most :data:`ENGAGEMENT_MAX_YEARS` after the submission year
      (``sr.sbti.too_far``; ``sr.sbti.no_submission`` when that year is unknown);
    - the basis stated, emissions or spend (``sr.sbti.no_basis``);
    - the Scope 3 categories stated (``sr.sbti.no_categories``).

    Notes (not failures): ``sr.sbti.counts_commitments`` when the property counts commitments
    (SBTi counts suppliers with targets), ``sr.sbti.spend_basis`` when the basis is spend
    (emissions preferred)."""
    fails: list[str] = []
    notes: list[str] = []
    if goal.goal_year is None:
        fails.append("sr.sbti.no_year")
    elif goal.submission_year is None:
        fails.append("sr.sbti.no_submission")
    elif goal.goal_year > goal.submission_year + ENGAGEMENT_MAX_YEARS:
        fails.append("sr.sbti.too_far")
    if goal.basis is None:
        fails.append("sr.sbti.no_basis")
    elif goal.basis == "spend":
        notes.append("sr.sbti.spend_basis")
    if not goal.categories:
        fails.append("sr.sbti.no_categories")
    if goal.property == "sbt_committed_or_set":
        notes.append("sr.sbti.counts_commitments")
    return EngagementCheck(not fails, tuple(fails), tuple(notes))


# -- history -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryPoint:
    """One fiscal year of a property's coverage history [%]."""

    fiscal_year: str
    pct: float | None


def history(points: Sequence[Coverage], prop: str) -> list[HistoryPoint]:
    """The coverage of ``prop`` by fiscal year (oldest first), from coverages of several
    years on the same basis and denominator."""
    return [
        HistoryPoint(c.fiscal_year, c.properties[prop].pct)
        for c in sorted(points, key=lambda c: c.fiscal_year)
    ]
