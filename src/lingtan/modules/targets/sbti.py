"""Check a set of targets against the SBTi criteria that can be checked from data.

Edition checked: **SBTi Corporate Net-Zero Standard v1.2 (March 2024)** and the **SBTi Criteria
and Recommendations for Near-Term Targets v5.x** it incorporates for near-term targets. Criterion
numbers are cited where they could be confirmed (near-term C13 timeframe and base year, C15
scope 1 and 2 ambition); elsewhere the criterion group is named (decision 0016). SBTi revises its
criteria; each result names the rule it applied so that a reviewer can compare it with the
edition the company submits under.

What is checked (thresholds in :data:`THRESHOLDS`):

- near-term, per target: base year not before 2015 (C13); target year 5–10 years after the
  submission year (C13); ambition: Scope 1+2 absolute ≥ 4.2 %/yr linear (1.5 °C, C15),
  Scope 3 absolute ≥ 2.5 %/yr linear (well-below 2 °C minimum), Scope 3 economic intensity
  ≥ 7 %/yr compound (GEVA); a target mixing Scope 3 with Scopes 1+2 must meet 4.2 %/yr;
  Scope 1+2 boundary coverage ≥ 95 %;
- near-term, over the set: ≥ 95 % of Scope 1+2 covered; when Scope 3 ≥ 40 % of Scopes 1+2+3,
  near-term Scope 3 targets covering ≥ 67 % of Scope 3;
- long-term (net zero): ≥ 90 % absolute reduction; target year ending by 2050; base year not
  before 2015; residual emissions neutralised with removals; over the set ≥ 95 % of Scope 1+2
  and ≥ 90 % of Scope 3 covered; both near-term and long-term targets present.

Texts: every result carries, next to its English ``requirement`` / ``found`` / ``explanation``
(the API's and the CLI's words), the message keys of the same three texts and their parameters
(``keys``, ``params``): the module stays pure and the adapters render the texts in the reader's
language from the catalogue (``adapters/i18n/criteria.<locale>.json``, decision 0054).

Years: a fiscal year counts as the calendar year in which it **ends** (FY2029/30 → 2030), the
way fiscal years are usually named; the base year FY2014/15 therefore counts as 2015.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.emissions import Series, YearEmissions
from lingtan.modules.targets.targets import Horizon, IntensityType, Target, TargetKind

EDITION = (
    "SBTi Corporate Net-Zero Standard v1.2 (2024) with the SBTi Criteria and Recommendations "
    "for Near-Term Targets v5.x"
)

#: Thresholds applied (all editable by passing ``thresholds=`` to :func:`validate_sbti`).
THRESHOLDS: dict[str, float] = {
    "earliest_base_year": 2015,
    "near_term_min_years": 5,
    "near_term_max_years": 10,
    "s12_min_linear_rate_pct": 4.2,  # 1.5 °C cross-sector absolute contraction
    "s3_min_linear_rate_pct": 2.5,  # well-below 2 °C absolute contraction (minimum for Scope 3)
    "s3_economic_min_compound_rate_pct": 7.0,  # GEVA, economic intensity
    "s12_min_coverage_pct": 95.0,
    "s3_trigger_share_pct": 40.0,
    "s3_near_term_min_coverage_pct": 67.0,
    "s3_long_term_min_coverage_pct": 90.0,
    "long_term_min_reduction_pct": 90.0,
    "long_term_latest_year": 2050,
}

C13 = "Near-Term Criteria v5.x C13 (timeframe and base year)"
C15 = "Near-Term Criteria v5.x C15 (scope 1 and 2 ambition, 1.5 °C)"
NT_S3_AMBITION = "Near-Term Criteria v5.x, scope 3 ambition (well-below 2 °C minimum)"
NT_BOUNDARY = "Near-Term Criteria v5.x, boundary (scope 1+2 coverage; scope 3 40 % / 67 % rule)"
NZ_LT_AMBITION = "Net-Zero Standard v1.2, long-term targets: ambition (≥ 90 % absolute)"
NZ_LT_TIMEFRAME = "Net-Zero Standard v1.2, long-term targets: timeframe (by 2050)"
NZ_LT_BOUNDARY = "Net-Zero Standard v1.2, long-term targets: boundary (95 % S1+2, 90 % S3)"
NZ_NEUTRALISE = "Net-Zero Standard v1.2, neutralisation of residual emissions with removals"
NZ_BASE_YEAR = "Net-Zero Standard v1.2, long-term targets: base year (as near-term C13)"
NZ_BOTH = "Net-Zero Standard v1.2: a net-zero target comprises near-term and long-term SBTs"
#: catalogue keys of the edition and of each clause (the adapters show them in the reader's
#: language; the English constants stay the API's words)
EDITION_KEY = "sbti.edition_text"
CLAUSE_KEYS: dict[str, str] = {
    C13: "sbti.clause.c13",
    C15: "sbti.clause.c15",
    NT_S3_AMBITION: "sbti.clause.nt_s3_ambition",
    NT_BOUNDARY: "sbti.clause.nt_boundary",
    NZ_LT_AMBITION: "sbti.clause.lt_ambition",
    NZ_LT_TIMEFRAME: "sbti.clause.lt_timeframe",
    NZ_LT_BOUNDARY: "sbti.clause.lt_boundary",
    NZ_NEUTRALISE: "sbti.clause.neutralise",
    NZ_BASE_YEAR: "sbti.clause.lt_base_year",
    NZ_BOTH: "sbti.clause.near_and_long",
}


class Verdict(StrEnum):
    """Outcome of one criterion."""

    PASS = "pass"
    FAIL = "fail"
    NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True)
class CriterionResult:
    """One criterion applied to one target (``target_id``) or to the set (``None``).

    Attributes:
        criterion: lingtan's stable key (``NT-TIMEFRAME``).
        clause: the standard's clause it implements.
        requirement: the rule as applied, with its threshold.
        found: what the data show.
        verdict: pass / fail / not assessed.
        explanation: for a failure, what breaks and what would pass; for "not assessed", why.
        text_keys: catalogue keys of ``requirement``, ``found``, ``explanation`` ("" when none).
        params: the parameters of those texts (numbers, years, labels).
        clause_key: catalogue key of ``clause`` (set from :data:`CLAUSE_KEYS`).
    """

    criterion: str
    clause: str
    target_id: str | None
    requirement: str
    found: str
    verdict: Verdict
    explanation: str = ""
    text_keys: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    params: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    clause_key: str = ""

    def __post_init__(self) -> None:
        if not self.clause_key:
            object.__setattr__(self, "clause_key", CLAUSE_KEYS.get(self.clause, ""))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "criterion": self.criterion,
            "clause": self.clause,
            "clause_key": self.clause_key,
            "target_id": self.target_id,
            "requirement": self.requirement,
            "found": self.found,
            "verdict": self.verdict.value,
            "explanation": self.explanation,
            "text_keys": dict(self.text_keys),
            "params": dict(self.params),
        }


@dataclass(frozen=True)
class SbtiReport:
    """All criteria results. ``compliant`` is True when nothing failed (criteria that could
    not be assessed are listed, never counted as passed)."""

    edition: str
    results: tuple[CriterionResult, ...]
    notes: tuple[str, ...] = ()
    #: the notes as ``(catalogue key, parameters)``, in the order of ``notes``
    note_keys: tuple[tuple[str, Mapping[str, Any]], ...] = field(default=(), compare=False)

    @property
    def failures(self) -> tuple[CriterionResult, ...]:
        """Failed criteria."""
        return tuple(r for r in self.results if r.verdict is Verdict.FAIL)

    @property
    def compliant(self) -> bool:
        """No criterion failed."""
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "edition": self.edition,
            "edition_key": EDITION_KEY,
            "compliant": self.compliant,
            "failures": len(self.failures),
            "not_assessed": sum(r.verdict is Verdict.NOT_ASSESSED for r in self.results),
            "results": [r.to_dict() for r in self.results],
            "notes": list(self.notes),
            "note_keys": [{"key": k, "params": dict(p)} for k, p in self.note_keys],
        }


def _end_year(calendar: FiscalCalendar, y: int) -> int:
    return calendar.year(y).end.year


def _covers_s12(t: Target) -> bool:
    return bool(t.coverage.scopes & {1, 2})


def _covers_s3(t: Target) -> bool:
    return 3 in t.coverage.scopes


def _pass_fail(ok: bool) -> Verdict:
    return Verdict.PASS if ok else Verdict.FAIL


def _keys(requirement: str, found: str, explanation: str = "") -> dict[str, str]:
    """The catalogue keys ``sbti.req.*``, ``sbti.found.*``, ``sbti.why.*`` ("" for none)."""
    return {
        "requirement": f"sbti.req.{requirement}" if requirement else "",
        "found": f"sbti.found.{found}" if found else "",
        "explanation": f"sbti.why.{explanation}" if explanation else "",
    }


def _check_base_year(
    t: Target, cal: FiscalCalendar, th: Mapping[str, float], clause: str = C13
) -> CriterionResult:
    by = _end_year(cal, t.base_year)
    ok = by >= th["earliest_base_year"]
    return CriterionResult(
        "BASE-YEAR",
        clause,
        t.id,
        f"base year no earlier than {th['earliest_base_year']:.0f}",
        f"base year {cal.year(t.base_year).label} (counts as {by})",
        _pass_fail(ok),
        "" if ok else f"choose a base year ending in {th['earliest_base_year']:.0f} or later",
        _keys("base_year", "base_year", "" if ok else "base_year"),
        {"earliest": th["earliest_base_year"], "base_label": cal.year(t.base_year).label,
         "counts_as": by},
    )  # fmt: skip


def _check_timeframe(
    t: Target, cal: FiscalCalendar, submitted: int | None, th: Mapping[str, float]
) -> CriterionResult:
    lo, hi = th["near_term_min_years"], th["near_term_max_years"]
    req = f"target year {lo:.0f}–{hi:.0f} years after the submission year"
    ty = _end_year(cal, t.target_year)
    if submitted is None:
        return CriterionResult(
            "NT-TIMEFRAME", C13, t.id, req, f"target year {ty}", Verdict.NOT_ASSESSED,
            "no submission year given (sbti.submitted)",
            _keys("timeframe", "target_year", "no_submission"), {"lo": lo, "hi": hi, "ty": ty},
        )  # fmt: skip
    n = ty - submitted
    ok = lo <= n <= hi
    why = ""
    if not ok:
        why = (
            f"the target year {ty} is {n} years after submission ({submitted}); near-term targets "
            f"must end {lo:.0f}–{hi:.0f} years after submission, i.e. between "
            f"{submitted + lo:.0f} and {submitted + hi:.0f}"
        )
    return CriterionResult(
        "NT-TIMEFRAME", C13, t.id, req, f"submitted {submitted}, target year {ty}: {n} years",
        _pass_fail(ok), why, _keys("timeframe", "timeframe", "" if ok else "timeframe"),
        {"lo": lo, "hi": hi, "ty": ty, "submitted": submitted, "n": n,
         "first": submitted + lo, "last": submitted + hi},
    )  # fmt: skip


def _implied_absolute_rate(t: Target, series: Mapping[str, Series]) -> float | None:
    """Linear absolute rate [%/yr] an intensity target implies, from the denominator forecast:
    (1 − (1 − r)·D(T)/D(b)) / (T − b)."""
    s = series.get(t.denominator or "")
    if s is None:
        return None
    db, dt = s.forecast(t.base_year), s.forecast(t.target_year)
    if db is None or dt is None:
        return None
    return (1.0 - (1.0 - t.reduction_pct / 100.0) * dt / db) * 100.0 / t.years


def _check_ambition(
    t: Target, series: Mapping[str, Series], th: Mapping[str, float]
) -> CriterionResult:
    s12, s3 = _covers_s12(t), _covers_s3(t)
    min12, min3 = th["s12_min_linear_rate_pct"], th["s3_min_linear_rate_pct"]
    params: dict[str, Any] = {"reduction": t.reduction_pct, "years": t.years}
    if s12:
        clause, key, need = C15, "NT-AMBITION-S12", min12
        req = f"absolute reduction ≥ {need:g} %/yr linear (1.5 °C)"
        req_key = "ambition_s12"
        if s3:
            req += "; a target mixing Scope 3 with Scopes 1+2 must meet the 1.5 °C rate"
            req_key = "ambition_s12_s3"
    else:
        clause, key, need = NT_S3_AMBITION, "NT-AMBITION-S3", min3
        req = f"absolute reduction ≥ {need:g} %/yr linear (well-below 2 °C)"
        req_key = "ambition_s3"
    if t.kind is TargetKind.ABSOLUTE:
        rate = t.linear_rate_pct
        found = f"{t.reduction_pct:g} % over {t.years} years = {rate:.3f} %/yr linear"
        found_key = "linear"
    elif s3 and not s12 and t.intensity_type is IntensityType.ECONOMIC:
        key = "NT-AMBITION-S3-ECONOMIC"
        need = th["s3_economic_min_compound_rate_pct"]
        req = f"economic intensity reduction ≥ {need:g} %/yr compound (GEVA)"
        req_key = "ambition_s3_economic"
        rate = t.compound_rate_pct
        found = f"{t.reduction_pct:g} % over {t.years} years = {rate:.3f} %/yr compound"
        found_key = "compound"
    else:
        implied = _implied_absolute_rate(t, series)
        if implied is None:
            kind = t.intensity_type.value if t.intensity_type else "intensity"
            what = "intensity target" if kind == "intensity" else f"{kind} intensity target"
            return CriterionResult(
                key, clause, t.id, req, f"{what}, {t.reduction_pct:g} %",
                Verdict.NOT_ASSESSED,
                "an intensity target is assessed on the absolute reduction it implies "
                "(or on a sector pathway, SDA); give the denominator's base-year value and a "
                "forecast to the target year (series values or growth_pct)",
                _keys(req_key, f"intensity_{kind}", "intensity"), {**params, "need": need},
            )  # fmt: skip
        rate = implied
        found = f"implied absolute reduction {rate:.3f} %/yr linear (from the denominator forecast)"
        found_key = "implied"
    ok = rate >= need - 1e-9
    why, why_key = "", ""
    params.update(need=need, rate=rate)
    if not ok:
        if t.kind is TargetKind.ABSOLUTE:
            minimum = min(need * t.years, 100.0)
            why = (
                f"{rate:.3f} %/yr is below {need:g} %/yr: over {t.years} years the reduction must "
                f"be at least {minimum:.1f} % (target says {t.reduction_pct:g} %)"
            )
            why_key, params["minimum"] = "ambition_absolute", minimum
        else:
            why, why_key = f"{rate:.3f} %/yr is below the required {need:g} %/yr", "ambition"
    return CriterionResult(
        key, clause, t.id, req, found, _pass_fail(ok), why,
        _keys(req_key, found_key, why_key), params,
    )  # fmt: skip


def _check_boundary(t: Target, th: Mapping[str, float]) -> CriterionResult:
    need = th["s12_min_coverage_pct"]
    ok = t.boundary_coverage_pct >= need
    return CriterionResult(
        "NT-BOUNDARY-S12", NT_BOUNDARY, t.id,
        f"≥ {need:g} % of company-wide Scope 1+2 emissions inside the target boundary",
        f"{t.boundary_coverage_pct:g} %", _pass_fail(ok),
        "" if ok else f"extend the boundary to at least {need:g} % of Scope 1+2 emissions",
        _keys("boundary_s12", "coverage", "" if ok else "boundary_s12"),
        {"need": need, "coverage": t.boundary_coverage_pct},
    )  # fmt: skip


def _check_long_term(
    t: Target, cal: FiscalCalendar, th: Mapping[str, float]
) -> list[CriterionResult]:
    out: list[CriterionResult] = []
    need = th["long_term_min_reduction_pct"]
    if t.kind is TargetKind.ABSOLUTE:
        ok = t.reduction_pct >= need
        out.append(CriterionResult(
            "LT-AMBITION", NZ_LT_AMBITION, t.id, f"absolute reduction ≥ {need:g} % (cross-sector)",
            f"{t.reduction_pct:g} %", _pass_fail(ok),
            "" if ok else f"long-term targets must reduce at least {need:g} % by the target year; "
            f"{t.reduction_pct:g} % leaves {100 - t.reduction_pct:g} % residual emissions",
            _keys("lt_ambition", "reduction", "" if ok else "lt_ambition"),
            {"need": need, "reduction": t.reduction_pct, "residual": 100 - t.reduction_pct},
        ))  # fmt: skip
    else:
        out.append(CriterionResult(
            "LT-AMBITION", NZ_LT_AMBITION, t.id, f"absolute reduction ≥ {need:g} % (cross-sector)",
            f"intensity target, {t.reduction_pct:g} %", Verdict.NOT_ASSESSED,
            "long-term intensity targets must converge on a sector pathway (SDA); not bundled",
            _keys("lt_ambition", "lt_intensity", "lt_intensity"),
            {"need": need, "reduction": t.reduction_pct},
        ))  # fmt: skip
    latest = int(th["long_term_latest_year"])
    ty = _end_year(cal, t.target_year)
    ok = ty <= latest
    out.append(CriterionResult(
        "LT-TIMEFRAME", NZ_LT_TIMEFRAME, t.id, f"target year {latest} at the latest",
        f"{cal.year(t.target_year).label} (ends {ty})", _pass_fail(ok),
        "" if ok else f"the target year ends in {ty}, after {latest}",
        _keys("lt_timeframe", "lt_timeframe", "" if ok else "lt_timeframe"),
        {"latest": latest, "ty": ty, "target_label": cal.year(t.target_year).label},
    ))  # fmt: skip
    out.append(_check_base_year(t, cal, th, NZ_BASE_YEAR))
    ok = t.neutralise_residual
    out.append(CriterionResult(
        "LT-NEUTRALISATION", NZ_NEUTRALISE, t.id,
        "residual emissions at the target year neutralised with permanent removals",
        "stated" if ok else "not stated", _pass_fail(ok),
        "" if ok else "state that residual emissions will be neutralised with removals "
        "(neutralise_residual: true); avoidance credits do not neutralise",
        _keys("neutralisation", "stated" if ok else "not_stated", "" if ok else "neutralisation"),
    ))  # fmt: skip
    return out


def _scope_coverage_pct(
    targets: Iterable[Target], e: YearEmissions, basis: str = "market"
) -> tuple[float | None, float | None]:
    """(Scope 1+2 coverage %, Scope 3 coverage %) of the union of ``targets`` in year ``e``;
    Scope 3 is None when it needs a category split that ``e`` lacks."""
    c1 = c2 = 0.0
    all3 = 0.0
    cats: dict[int, float] = {}
    for t in targets:
        share = t.boundary_coverage_pct / 100.0
        if 1 in t.coverage.scopes:
            c1 = max(c1, share)
        if 2 in t.coverage.scopes:
            c2 = max(c2, share)
        if t.coverage.all_scope3:
            all3 = max(all3, share)
        elif t.coverage.scope3_categories:
            for c in t.coverage.scope3_categories:
                cats[c] = max(cats.get(c, 0.0), share)
    s2 = e.scope2(basis) or 0.0
    s12 = e.scope1 + s2
    pct12 = None if s12 <= 0 else (e.scope1 * c1 + s2 * c2) / s12 * 100.0
    if e.scope3 <= 0:
        return pct12, None
    if not cats or all3 >= 1.0:
        return pct12, all3 * 100.0
    if not e.has_scope3_split:
        return pct12, None
    covered = sum(v * max(all3, cats.get(c, 0.0)) for c, v in e.scope3_by_category.items())
    return pct12, covered / e.scope3 * 100.0


def validate_sbti(
    targets: Sequence[Target],
    emissions: Mapping[int, YearEmissions],
    calendar: FiscalCalendar,
    *,
    submitted: int | None = None,
    series: Mapping[str, Series] | None = None,
    coverage_year: int | None = None,
    thresholds: Mapping[str, float] | None = None,
) -> SbtiReport:
    """Check ``targets`` against the criteria listed in the module docstring.

    Args:
        targets: the company's targets (near-term and long-term).
        emissions: emissions by fiscal start year; the base year's are used for the Scope 3
            share, and Scope 3 category coverage is measured on ``coverage_year``.
        calendar: fiscal calendar (labels, year ends).
        submitted: calendar year the targets were (or will be) submitted to the SBTi.
        series: denominator series (to assess intensity targets by their implied reduction).
        coverage_year: year whose Scope 3 category split measures coverage; default: the base
            year if it has a split, else the latest year that has one (stated in the notes).
        thresholds: overrides of :data:`THRESHOLDS`.
    """
    th = {**THRESHOLDS, **(thresholds or {})}
    ser = series or {}
    results: list[CriterionResult] = []
    notes: list[tuple[str, str, dict[str, Any]]] = []  # (English, key, parameters)
    near = [t for t in targets if t.horizon is Horizon.NEAR_TERM]
    long = [t for t in targets if t.horizon is Horizon.LONG_TERM]
    for t in near:
        results.append(_check_base_year(t, calendar, th))
        results.append(_check_timeframe(t, calendar, submitted, th))
        results.append(_check_ambition(t, ser, th))
        if _covers_s12(t):
            results.append(_check_boundary(t, th))
    for t in long:
        results.extend(_check_long_term(t, calendar, th))
    results.extend(_set_checks(near, long, emissions, calendar, th, coverage_year, notes))
    return SbtiReport(
        EDITION,
        tuple(results),
        tuple(n for n, _, _ in notes),
        tuple((k, p) for _, k, p in notes),
    )


def _set_checks(
    near: Sequence[Target],
    long: Sequence[Target],
    emissions: Mapping[int, YearEmissions],
    calendar: FiscalCalendar,
    th: Mapping[str, float],
    coverage_year: int | None,
    notes: list[tuple[str, str, dict[str, Any]]],
) -> list[CriterionResult]:
    out: list[CriterionResult] = []
    both_ok = bool(near) and bool(long)
    out.append(CriterionResult(
        "NZ-NEAR-AND-LONG", NZ_BOTH, None, "at least one near-term and one long-term target",
        f"{len(near)} near-term, {len(long)} long-term", _pass_fail(both_ok),
        "" if both_ok else "a net-zero target needs near-term targets (5–10 years) and a "
        "long-term target (≥ 90 % by 2050)",
        _keys("near_and_long", "near_and_long", "" if both_ok else "near_and_long"),
        {"near": len(near), "long": len(long)},
    ))  # fmt: skip
    base_years = sorted({t.base_year for t in (*near, *long)})
    base = emissions.get(base_years[0]) if base_years else None
    if base is None:
        out.append(CriterionResult(
            "SET-COVERAGE", NT_BOUNDARY, None, "coverage measured on the base-year inventory",
            "no base-year emissions", Verdict.NOT_ASSESSED,
            "give the base year's emissions to check Scope 1+2 and Scope 3 coverage",
            _keys("set_coverage", "no_base_emissions", "no_base_emissions"),
        ))  # fmt: skip
        return out
    cov = _coverage_emissions(base, emissions, coverage_year, calendar, notes)
    s3_share = base.scope3 / (base.total() or 1.0) * 100.0
    for label, group, min12, min3, clause in (
        ("NT", near, th["s12_min_coverage_pct"], th["s3_near_term_min_coverage_pct"], NT_BOUNDARY),
        (
            "LT",
            long,
            th["s12_min_coverage_pct"],
            th["s3_long_term_min_coverage_pct"],
            NZ_LT_BOUNDARY,
        ),
    ):
        if not group:
            continue
        pct12, _ = _scope_coverage_pct(group, base)
        _, pct3 = _scope_coverage_pct(group, cov)
        ok12 = pct12 is not None and pct12 >= min12
        out.append(CriterionResult(
            f"{label}-COVERAGE-S12", clause, None, f"targets cover ≥ {min12:g} % of Scope 1+2",
            "n/a" if pct12 is None else f"{pct12:.1f} %", _pass_fail(ok12),
            "" if ok12 else f"Scope 1+2 coverage {0 if pct12 is None else pct12:.1f} % is below "
            f"{min12:g} %; add a Scope 1+2 target or widen its boundary",
            _keys("coverage_s12", "na" if pct12 is None else "pct", "" if ok12 else "coverage_s12"),
            {"min12": min12, "pct": 0.0 if pct12 is None else pct12},
        ))  # fmt: skip
        trigger = th["s3_trigger_share_pct"]
        required = label == "LT" or s3_share >= trigger
        req = f"targets cover ≥ {min3:g} % of Scope 3"
        req_key = "coverage_s3"
        if label == "NT":
            req += f" when Scope 3 ≥ {trigger:g} % of Scopes 1+2+3 (base year: {s3_share:.2f} %)"
            req_key = "coverage_s3_nt"
        p3: dict[str, Any] = {"min3": min3, "trigger": trigger, "s3_share": s3_share}
        if not required:
            out.append(CriterionResult(
                f"{label}-COVERAGE-S3", clause, None, req, f"Scope 3 is {s3_share:.2f} %",
                Verdict.PASS, "", _keys(req_key, "s3_share"), p3,
            ))  # fmt: skip
        elif pct3 is None:
            out.append(CriterionResult(
                f"{label}-COVERAGE-S3", clause, None, req, "no Scope 3 category split",
                Verdict.NOT_ASSESSED, "give a year with Scope 3 by category",
                _keys(req_key, "no_s3_split", "no_s3_split"), p3,
            ))  # fmt: skip
        else:
            ok3 = pct3 >= min3
            out.append(CriterionResult(
                f"{label}-COVERAGE-S3", clause, None, req,
                f"{pct3:.1f} % of Scope 3 ({calendar.year(cov.year).label})", _pass_fail(ok3),
                "" if ok3 else f"Scope 3 coverage {pct3:.1f} % is below {min3:g} %; add Scope 3 "
                "categories to the targets (largest first)",
                _keys(req_key, "coverage_s3", "" if ok3 else "coverage_s3"),
                {**p3, "pct3": pct3, "year_label": calendar.year(cov.year).label},
            ))  # fmt: skip
    return out


def _coverage_emissions(
    base: YearEmissions,
    emissions: Mapping[int, YearEmissions],
    coverage_year: int | None,
    calendar: FiscalCalendar,
    notes: list[tuple[str, str, dict[str, Any]]],
) -> YearEmissions:
    if coverage_year is not None:
        return emissions.get(coverage_year, base)
    if base.has_scope3_split:
        return base
    split = [y for y, e in emissions.items() if e.has_scope3_split]
    if not split:
        return base
    y = max(split)
    base_label, year_label = calendar.year(base.year).label, calendar.year(y).label
    notes.append(
        (
            f"the base year {base_label} has no Scope 3 category split; "
            f"Scope 3 coverage is measured on {year_label}, the latest year with one",
            "sbti.note.coverage_year",
            {"base_label": base_label, "year_label": year_label},
        )
    )
    return emissions[y]
