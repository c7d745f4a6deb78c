"""Climate scenarios and their financial effects (issue 17 item 4; decision 0082).

A :class:`Scenario` is a dated, sourced data set of assumption series (like a factor set): an id,
a label, the warming level it stands for [°C above 1850–1900], a pathway code
(:data:`PATHWAYS`, free text allowed) and the pathway of the hazard data its physical side
reads, its source, licence and edition, and points
``(variable, region, year) → value`` with an optional low–high range (:data:`VARIABLES`).
Between two given years a series is interpolated linearly; outside the years given it is
**never extrapolated**: :meth:`Scenario.value` refuses (:class:`ScenarioError`).

A run (:func:`run`) applies a scenario to the organisation's own figures (:class:`RunInputs`,
read from an inventory snapshot) without changing them — OpenFisca's reform pattern: the
scenario is a reform of the assumptions, the organisation's data the unchanged situation. Per
horizon year *y* and range *r* ∈ {low, central, high} (currency of the scenario):

- direct carbon cost (ETS-covered Scope 1): ``C_dir = Σ_region E_S1 · k(y) · P(y) · (1 − fa(y))``
  with ``E_S1`` [t CO2e], ``P`` the carbon price [currency/t CO2e], ``fa`` the free allocation
  share [fraction], ``k(y) = (1 + g)^(y − y0)`` the business-as-usual growth;
- indirect carbon cost of purchased electricity passed on by power producers:
  ``C_ind = Σ_region kWh · k(y) · EF(y) / 1000 · P(y) · pt_power(y)`` with ``EF`` [kg CO2e/kWh]
  the scenario's absolute grid factor, or the inventory's implied location-based factor
  ``EF0 = S2_location / kWh · 1000`` × the scenario's grid-factor multiplier;
- supply chain: ``C_sup = E_cat1 · k(y) · P(y) · pt_suppliers(y)`` (Scope 3 category 1);
- energy cost change: ``ΔC_energy = Σ_region kWh · k(y) · (p(y) − p(base))`` [currency/kWh];
- physical loss: the hazard model's expected annual damage and business interruption for the
  scenario's pathway (issue 17 item 5) when given, else ``L0 · h(y)`` (a stated current annual
  loss × the hazard multiplier), else 0;
- the effect of the targets and the plan: ``−(C_dir + C_ind) · max(0, 1 − f(y) / k(y))`` where
  ``f(y)`` is the share of the inventory year's Scope 1+2 emissions the target pathway allows;
- opportunity from low-carbon products: ``ΔRevenue = Revenue_lowcarbon · uplift(y)``.

Risks = the sum of the cost lines (the plan's effect negative); net effect = opportunities −
risks; the range of the net effect is pessimistic–optimistic (``low = opp_low − risk_high``).

Standards: TCFD, *Technical Supplement: The Use of Scenario Analysis in Disclosure of
Climate-related Risks and Opportunities* (2017); IFRS S2 ¶22 (climate resilience, scenario
analysis) and ¶15–21 (financial effects); the report's GeSI-CDP scenarios (1.5 °C SSP1, 2 °C
RCP2.6–4.5, 2.6 °C RCP6, 4 °C RCP8.5 at 2030, 2040, 2050).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lingtan.core.boundary import GLOBAL_REGION, region_chain
from lingtan.core.messages import Message, msg
from lingtan.modules.risk.errors import ScenarioError

#: version of the run arithmetic, hashed into every run id (a change gives new runs)
METHOD_VERSION = "1"

#: pathway codes shared with the physical-risk slice (IPCC AR6 SSPs and the RCPs); free text
#: is allowed too (e.g. the report's ``RCP2.6-4.5``)
PATHWAYS = ("SSP1-1.9", "SSP1-2.6", "SSP2-4.5", "SSP3-7.0", "SSP5-8.5",
            "RCP2.6", "RCP4.5", "RCP6.0", "RCP8.5")  # fmt: skip

#: the variables of a scenario: name → (unit, by region, default when absent)
VARIABLES: dict[str, tuple[str, bool, float | None]] = {
    "carbon_price": ("currency/t CO2e", True, None),
    "free_allocation": ("fraction", True, 0.0),
    "electricity_price": ("currency/kWh", True, None),
    "grid_factor": ("kg CO2e/kWh", True, None),
    "grid_factor_multiplier": ("ratio", True, 1.0),
    "low_carbon_uplift": ("fraction", False, 0.0),
    "pass_through_power": ("fraction", True, 0.0),
    "pass_through_suppliers": ("fraction", False, 0.0),
    "hazard_multiplier": ("ratio", False, 1.0),
}
#: the variables whose values are shares (0–1)
FRACTIONS = frozenset({"free_allocation", "pass_through_power", "pass_through_suppliers"})
#: the three values of a range
RANGES = ("low", "central", "high")
#: default horizon years (the report's, lines 1080–1081)
DEFAULT_YEARS = (2030, 2040, 2050)
#: the cost lines (risks) and opportunity lines of a run, in display order
RISK_LINES = ("direct_carbon", "indirect_power", "supply_chain", "energy_cost", "physical",
              "plan_effect")  # fmt: skip
OPPORTUNITY_LINES = ("low_carbon_revenue",)
_WORLD = frozenset({"WORLD", "GLOBAL", "GLO", "*", ""})


def norm_region(region: str) -> str:
    """A region code as lingtan writes it (upper case; ``World`` → ``GLO``)."""
    code = str(region or "").strip().upper()
    return GLOBAL_REGION if code in _WORLD else code


@dataclass(frozen=True)
class Point:
    """One value of a series: ``variable`` in ``region`` in calendar ``year``, the central
    ``value`` and an optional range ``low`` – ``high`` (units: :data:`VARIABLES`)."""

    variable: str
    region: str
    year: int
    value: float
    low: float | None = None
    high: float | None = None

    def of(self, which: str) -> float:
        """The value of range ``which`` (low | central | high; central when none given)."""
        if which == "low" and self.low is not None:
            return self.low
        if which == "high" and self.high is not None:
            return self.high
        return self.value

    def to_dict(self) -> dict[str, Any]:
        """Plain data (hashed: order and keys fixed)."""
        return {"variable": self.variable, "region": self.region, "year": self.year,
                "value": self.value, "low": self.low, "high": self.high}  # fmt: skip


@dataclass(frozen=True)
class Scenario:
    """A scenario data set (module docstring). ``currency`` is the currency of every money
    series; ``base_year`` the year the energy-cost change is measured from (its electricity
    price must be given); ``illustrative`` marks series invented for a demonstration."""

    id: str
    label: str
    warming: float
    pathway: str
    source: str
    licence: str
    edition: str
    currency: str
    points: tuple[Point, ...]
    base_year: int | None = None
    illustrative: bool = False
    description: str = ""
    source_url: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    #: the pathway code of the hazard data the physical side reads (default :attr:`pathway`),
    #: e.g. ``SSP2-4.5`` for a scenario labelled with the report's ``RCP2.6-4.5``
    hazard_pathway: str = ""

    def __post_init__(self) -> None:
        check(self)

    def series(self, variable: str, region: str = GLOBAL_REGION) -> list[Point]:
        """The points of ``variable`` for the most specific region of ``region``'s chain that
        has any (province → grid → country → ``GLO``), by year."""
        by_region: dict[str, list[Point]] = {}
        for p in self.points:
            if p.variable == variable:
                by_region.setdefault(p.region, []).append(p)
        for r in region_chain(norm_region(region)):
            if r in by_region:
                return sorted(by_region[r], key=lambda p: p.year)
        return []

    def has(self, variable: str) -> bool:
        """Whether any point of ``variable`` is given."""
        return any(p.variable == variable for p in self.points)

    def value(self, variable: str, year: int, region: str = GLOBAL_REGION,
              which: str = "central") -> float | None:  # fmt: skip
        """The value of ``variable`` in ``year`` for ``region`` (linear between given years).

        None when the variable has no series for the region's chain. Never extrapolated.

        Raises:
            ScenarioError: ``year`` before the first or after the last year given.
        """
        pts = self.series(variable, region)
        if not pts:
            return None
        for a, b in itertools.pairwise(pts):
            if a.year <= year <= b.year:
                t = (year - a.year) / (b.year - a.year)
                return a.of(which) + t * (b.of(which) - a.of(which))
        if pts[-1].year == year:
            return pts[-1].of(which)
        raise ScenarioError(
            msg(
                "scenarios.err.extrapolate",
                variable=variable,
                year=year,
                region=pts[0].region,
                first=pts[0].year,
                last=pts[-1].year,
            ),
            "year",
        )

    def to_dict(self) -> dict[str, Any]:
        """The whole data set as plain data (the input of :meth:`content_hash`)."""
        return {
            "id": self.id, "label": self.label, "warming": self.warming,
            "pathway": self.pathway, "source": self.source, "licence": self.licence,
            "edition": self.edition, "currency": self.currency, "base_year": self.base_year,
            "illustrative": self.illustrative, "description": self.description,
            "source_url": self.source_url, "labels": dict(sorted(self.labels.items())),
            "hazard_pathway": self.hazard_pathway,
            "points": [p.to_dict() for p in sorted(
                self.points, key=lambda p: (p.variable, p.region, p.year))],
        }  # fmt: skip

    def content_hash(self) -> str:
        """sha256 of the canonical JSON of :meth:`to_dict`."""
        return sha256_of(self.to_dict())

    def years(self) -> list[int]:
        """Every year with a point, ascending."""
        return sorted({p.year for p in self.points})


def sha256_of(data: Any) -> str:
    """sha256 of the canonical JSON of ``data`` (keys sorted, no spaces)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _err(key: str, field_name: str, **params: Any) -> ScenarioError:
    return ScenarioError(msg(f"scenarios.err.{key}", **params), field_name)


def check(s: Scenario) -> None:
    """The rules of a data set: an id, a label, a warming level in 0–10 °C, a source and a
    licence, a currency, known variables, one point per (variable, region, year), fractions in
    0–1, low ≤ value ≤ high, non-negative prices and factors, and a carbon price series.

    Raises:
        ScenarioError: the first rule broken (keyed ``scenarios.err.*``, field named).
    """
    for name in ("id", "label", "source", "licence", "currency"):
        if not str(getattr(s, name) or "").strip():
            raise _err("required", name, name=name)
    if not 0.0 <= s.warming <= 10.0:
        raise _err("warming", "warming", value=s.warming)
    seen: set[tuple[str, str, int]] = set()
    for p in s.points:
        if p.variable not in VARIABLES:
            raise _err("variable", "variable", value=p.variable)
        key = (p.variable, p.region, p.year)
        if key in seen:
            raise _err("duplicate", "year", variable=p.variable, region=p.region, year=p.year)
        seen.add(key)
        lo = p.low if p.low is not None else p.value
        hi = p.high if p.high is not None else p.value
        if not lo <= p.value <= hi:
            raise _err("range", "value", variable=p.variable, year=p.year)
        if lo < 0:
            raise _err("negative", "value", variable=p.variable, year=p.year)
        if p.variable in FRACTIONS and hi > 1.0:
            raise _err("fraction", "value", variable=p.variable, year=p.year)
    if not s.has("carbon_price"):
        raise _err("no_carbon_price", "carbon_price")
    if s.base_year is not None and s.has("electricity_price"):
        regions = {p.region for p in s.points if p.variable == "electricity_price"}
        for r in regions:
            if not any(p.year == s.base_year for p in s.series("electricity_price", r)):
                raise _err("base_year", "base_year", year=s.base_year, region=r)


# ---- a run ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunInputs:
    """The organisation's figures a run applies a scenario to (read from one inventory snapshot
    and the run's parameters; never changed by a run).

    Attributes:
        fiscal_year: label of the inventory's fiscal year.
        inventory_year: its calendar start year y0 (BAU growth counts from it).
        snapshot_id: the inventory snapshot's id.
        scope1_t: Scope 1 by region [t CO2e].
        kwh: purchased grid electricity by region [kWh].
        scope2_location_t: Scope 2 location-based by region [t CO2e] (implied grid factor).
        cat1_t: Scope 3 category 1 (purchased goods and services) [t CO2e].
        revenue_lowcarbon: revenue of low-carbon products in the inventory year [currency];
            None when not given.
        bau_growth: business-as-usual growth of activity per year [fraction].
        target_fraction: year → share of the inventory year's Scope 1+2 emissions the target
            pathway allows [fraction]; empty when there is no absolute Scope 1+2 target.
        physical: year → (low, central, high) physical loss of the hazard model [currency].
        physical_base: current expected annual physical loss [currency] scaled by the hazard
            multiplier when the hazard model gives nothing; None when not given.
    """

    fiscal_year: str
    inventory_year: int
    snapshot_id: str
    scope1_t: Mapping[str, float]
    kwh: Mapping[str, float]
    scope2_location_t: Mapping[str, float]
    cat1_t: float
    revenue_lowcarbon: float | None = None
    bau_growth: float = 0.0
    target_fraction: Mapping[int, float] = field(default_factory=dict)
    physical: Mapping[int, tuple[float, float, float]] = field(default_factory=dict)
    physical_base: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data (hashed into the run id)."""
        return {
            "fiscal_year": self.fiscal_year, "inventory_year": self.inventory_year,
            "snapshot_id": self.snapshot_id,
            "scope1_t": dict(sorted(self.scope1_t.items())),
            "kwh": dict(sorted(self.kwh.items())),
            "scope2_location_t": dict(sorted(self.scope2_location_t.items())),
            "cat1_t": self.cat1_t, "revenue_lowcarbon": self.revenue_lowcarbon,
            "bau_growth": self.bau_growth,
            "target_fraction": {str(k): v for k, v in sorted(self.target_fraction.items())},
            "physical": {str(k): list(v) for k, v in sorted(self.physical.items())},
            "physical_base": self.physical_base,
        }  # fmt: skip


@dataclass(frozen=True)
class Range:
    """A low–central–high figure [currency]."""

    low: float
    central: float
    high: float

    def to_dict(self) -> dict[str, float]:
        """Plain data."""
        return {"low": self.low, "central": self.central, "high": self.high}


def _range(values: Mapping[str, float]) -> Range:
    lo, hi = min(values.values()), max(values.values())
    return Range(lo, values["central"], hi)


@dataclass(frozen=True)
class YearResult:
    """The effects of one horizon year: ``lines`` name → :class:`Range` [currency], the totals
    of risks and opportunities and the net effect (opportunities − risks)."""

    year: int
    lines: Mapping[str, Range]
    risks: Range
    opportunities: Range
    net: Range

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "year": self.year,
            "lines": {k: v.to_dict() for k, v in self.lines.items()},
            "risks": self.risks.to_dict(),
            "opportunities": self.opportunities.to_dict(),
            "net": self.net.to_dict(),
        }


@dataclass(frozen=True)
class RunResult:
    """A run: the scenario's id, hash, warming and pathway, the currency, the years' results
    and the notes (keyed messages: defaults used, lines not computed)."""

    scenario_id: str
    scenario_sha256: str
    warming: float
    pathway: str
    currency: str
    years: tuple[YearResult, ...]
    notes: tuple[Message, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data (stored with the run)."""
        return {
            "scenario_id": self.scenario_id, "scenario_sha256": self.scenario_sha256,
            "warming": self.warming, "pathway": self.pathway, "currency": self.currency,
            "method_version": METHOD_VERSION,
            "years": [y.to_dict() for y in self.years],
            "notes": [{"key": n.key, "params": dict(n.params)} for n in self.notes],
        }  # fmt: skip


def run_id(scenario: Scenario, inputs: RunInputs, years: Sequence[int], version: str) -> str:
    """The id of a run: sha256 of every input — the scenario's content hash, the inputs (with
    the inventory snapshot id), the horizon years, :data:`METHOD_VERSION` and lingtan's
    ``version``. The same inputs give the same id (a run is reproducible from it)."""
    return sha256_of({
        "scenario": scenario.content_hash(), "inputs": inputs.to_dict(),
        "years": list(years), "method": METHOD_VERSION, "lingtan": version,
    })  # fmt: skip


class _Notes:
    def __init__(self) -> None:
        self.items: list[Message] = []

    def add(self, key: str, **params: Any) -> None:
        m = msg(f"scenarios.note.{key}", **params)
        if m not in self.items:
            self.items.append(m)


def _value(s: Scenario, variable: str, year: int, region: str, which: str,
           notes: _Notes) -> float:  # fmt: skip
    got = s.value(variable, year, region, which)
    if got is not None:
        return got
    default = VARIABLES[variable][2]
    if default is None:
        raise _err("no_series", variable, variable=variable, region=region)
    notes.add("default", variable=variable, value=default)
    return default


def _year_lines(s: Scenario, x: RunInputs, year: int, which: str, notes: _Notes
                ) -> dict[str, float]:  # fmt: skip
    """The lines of one year and range (module docstring) [currency]."""
    k = (1.0 + x.bau_growth) ** (year - x.inventory_year)
    direct = 0.0
    for region, e in x.scope1_t.items():
        p = _value(s, "carbon_price", year, region, which, notes)
        fa = _value(s, "free_allocation", year, region, which, notes)
        direct += e * k * p * (1.0 - fa)
    indirect = 0.0
    energy = 0.0
    for region, kwh in x.kwh.items():
        if kwh <= 0:
            continue
        ef = s.value("grid_factor", year, region, which)
        if ef is None:
            ef0 = x.scope2_location_t.get(region, 0.0) / kwh * 1000.0  # t → kg per kWh
            ef = ef0 * _value(s, "grid_factor_multiplier", year, region, which, notes)
        p = _value(s, "carbon_price", year, region, which, notes)
        pt = _value(s, "pass_through_power", year, region, which, notes)
        indirect += kwh * k * ef / 1000.0 * p * pt
        if s.has("electricity_price") and s.base_year is not None:
            now = s.value("electricity_price", year, region, which)
            then = s.value("electricity_price", s.base_year, region, "central")
            if now is not None and then is not None:
                energy += kwh * k * (now - then)
            else:
                notes.add("no_price", region=region)
        else:
            notes.add("no_energy_price")
    supply = 0.0
    if x.cat1_t:
        p_world = _value(s, "carbon_price", year, GLOBAL_REGION, which, notes)
        supply = x.cat1_t * k * p_world * _value(s, "pass_through_suppliers", year,
                                                 GLOBAL_REGION, which, notes)  # fmt: skip
    if year in x.physical:
        physical = dict(zip(RANGES, x.physical[year], strict=True))[which]
    elif x.physical_base is not None:
        physical = x.physical_base * _value(s, "hazard_multiplier", year, GLOBAL_REGION, which,
                                            notes)  # fmt: skip
    else:
        physical = 0.0
        notes.add("no_physical")
    plan = 0.0
    if year in x.target_fraction:
        plan = -(direct + indirect) * max(0.0, 1.0 - x.target_fraction[year] / k)
    else:
        notes.add("no_target")
    if x.revenue_lowcarbon is None:
        revenue = 0.0
        notes.add("no_revenue")
    else:
        revenue = x.revenue_lowcarbon * _value(s, "low_carbon_uplift", year, GLOBAL_REGION,
                                               which, notes)  # fmt: skip
    return {
        "direct_carbon": direct, "indirect_power": indirect, "supply_chain": supply,
        "energy_cost": energy, "physical": physical, "plan_effect": plan,
        "low_carbon_revenue": revenue,
    }  # fmt: skip


def run(scenario: Scenario, inputs: RunInputs, years: Sequence[int] = DEFAULT_YEARS) -> RunResult:
    """Apply ``scenario`` to ``inputs`` for each of ``years`` (module docstring). Pure: neither
    argument is changed.

    Raises:
        ScenarioError: no years, a year outside a series (never extrapolated), a carbon price
            missing for a region.
    """
    if not years:
        raise _err("no_years", "years")
    notes = _Notes()
    out: list[YearResult] = []
    for y in sorted(set(years)):
        by_range = {w: _year_lines(scenario, inputs, y, w, notes) for w in RANGES}
        lines = {n: _range({w: by_range[w][n] for w in RANGES})
                 for n in (*RISK_LINES, *OPPORTUNITY_LINES)}  # fmt: skip
        risk = {w: sum(by_range[w][n] for n in RISK_LINES) for w in RANGES}
        opp = {w: sum(by_range[w][n] for n in OPPORTUNITY_LINES) for w in RANGES}
        risks, opps = _range(risk), _range(opp)
        net = Range(opps.low - risks.high, opps.central - risks.central, opps.high - risks.low)
        out.append(YearResult(y, lines, risks, opps, net))
    return RunResult(scenario.id, scenario.content_hash(), scenario.warming, scenario.pathway,
                     scenario.currency, tuple(out), tuple(notes.items))  # fmt: skip


# ---- the conclusion ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """What the conclusion reads of one run: the scenario's label and warming [°C], the
    currency and the central net effect by year [currency]."""

    label: str
    warming: float
    currency: str
    net: Mapping[int, float]


@dataclass(frozen=True)
class Conclusion:
    """The computed sentence (``message``) with its numbers: the year compared, the hottest and
    the coolest scenario's warming and central net effect, whether opportunities exceed risks
    at the coolest, and the net effect of every run in that year (warmest first)."""

    message: Message
    year: int | None = None
    hot: RunSummary | None = None
    cool: RunSummary | None = None
    opportunities_exceed: bool | None = None
    rows: tuple[tuple[str, float, float], ...] = ()


def conclude(runs: Sequence[RunSummary], year: int | None = None) -> Conclusion:
    """The report's conclusion (lines 1087–1088: "as warming falls from 4 °C to 1.5 °C,
    opportunities exceed risks") as a computed statement: compare the central net effect in
    ``year`` (default the latest year every run has) of the warmest and the coolest run; the
    sentence says whether the net effect rises or falls and whether opportunities exceed risks
    at the coolest. It may come out either way; it is never written in advance."""
    if len(runs) < 2 or len({r.warming for r in runs}) < 2:
        return Conclusion(msg("scenarios.conclusion.too_few", n=len(runs)))
    common = set.intersection(*(set(r.net) for r in runs))
    if year is None:
        if not common:
            return Conclusion(msg("scenarios.conclusion.no_year"))
        year = max(common)
    elif year not in common:
        return Conclusion(msg("scenarios.conclusion.no_year"))
    if len({r.currency for r in runs}) > 1:
        return Conclusion(msg("scenarios.conclusion.currencies"))
    ordered = sorted(runs, key=lambda r: (-r.warming, r.label))
    hot, cool = ordered[0], ordered[-1]
    a, b = hot.net[year], cool.net[year]
    exceed = b > 0
    key = (
        "scenarios.conclusion."
        + ("rises" if b > a else "falls" if b < a else "same")
        + ("_exceed" if exceed else "_not_exceed")
    )
    m = msg(key, hot=hot.warming, cool=cool.warming, year=year, a=round(a), b=round(b),
            currency=cool.currency)  # fmt: skip
    rows = tuple((r.label, r.warming, r.net[year]) for r in ordered)
    return Conclusion(m, year, hot, cool, exceed, rows)
