"""Supplier ESG scorecards (issue 15 item 2, decision 0064): KPI definitions, per-KPI scores,
the weighted total, the grade and the allocation multiplier of the next period.

The source report (lines 2186–2188) describes a key-supplier ESG scorecard of 30 KPIs across
RBA, environment, responsible raw-material sourcing and sustainability reporting, "used as a
reference to set purchase volumes" (以此为参考确立采购额度). It publishes neither the KPIs'
weights nor grade bands: the shipped set (``lingtan/data/suppliers/scorecard_default.toml``)
and the bands below are **lingtan's defaults**, configurable per organisation.

Formulas (every score on 0–100):

- a KPI's score ``s_k`` comes from its rule:

  - ``threshold``: a table of ``(bound, score)`` steps; with ``higher_is_better`` the score of
    the highest bound the value reaches (``value ≥ bound``), otherwise of the lowest bound it
    stays within (``value ≤ bound``); 0 when no step applies;
  - ``linear``: ``100 · (v − zero_at) / (full_at − zero_at)``, clamped to [0, 100]
    ("linear between min and max"; ``zero_at > full_at`` makes lower values better);

- a KPI without a value scores 0 (no evidence, no points) and is listed as missing;
- ``total = Σ w_k s_k / Σ w_k``;
- ``grade`` = the first band whose ``min_total`` the total reaches;
- next period: ``share_s′ = share_s · m(grade_s)``, renormalised so that each category's shares
  keep their sum (:func:`reallocate`).

Standards: ISO 20400:2017 (sustainable procurement, §7.3 supplier evaluation); RBA Code of
Conduct (labour, health and safety, environment, ethics); GB/T 33635-2017 (绿色供应链管理).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from lingtan.modules.suppliers.review_errors import ReviewError

#: the five pillars of the report's scorecard (2186–2187)
PILLARS = ("labour_rba", "environment", "climate", "responsible_minerals", "reporting")
#: where a KPI's value comes from
SOURCES = ("questionnaire", "audit", "rating", "computed")
RuleKind = Literal["threshold", "linear"]


@dataclass(frozen=True)
class Rule:
    """How a KPI's value [its ``unit``] becomes a score [0–100].

    ``threshold``: ``steps`` = ((bound, score), …); ``linear``: ``zero_at`` scores 0 and
    ``full_at`` scores 100, linearly between, clamped outside."""

    kind: RuleKind
    steps: tuple[tuple[float, float], ...] = ()
    higher_is_better: bool = True
    zero_at: float = 0.0
    full_at: float = 100.0


@dataclass(frozen=True)
class KpiDefinition:
    """One scorecard KPI: ``code``, ``pillar`` (:data:`PILLARS`), ``weight`` (> 0, relative),
    ``rule``, ``source`` (:data:`SOURCES`), ``unit`` of the value; names and the rule's
    explanation in English and Chinese."""

    code: str
    pillar: str
    weight: float
    rule: Rule
    source: str
    unit: str
    name_en: str = ""
    name_zh: str = ""
    explain_en: str = ""
    explain_zh: str = ""


@dataclass(frozen=True)
class GradeBand:
    """A grade reached from ``min_total`` [0–100] up, and its allocation multiplier ``m``."""

    grade: str
    min_total: float
    multiplier: float


@dataclass(frozen=True)
class KpiSet:
    """A versioned set of KPI definitions and grade bands (bands sorted by ``min_total``,
    highest first; the last band starts at 0)."""

    version: str
    kpis: tuple[KpiDefinition, ...]
    bands: tuple[GradeBand, ...]

    def kpi(self, code: str) -> KpiDefinition:
        """The definition of ``code``.

        Raises:
            ReviewError: no such KPI in the set.
        """
        for k in self.kpis:
            if k.code == code:
                return k
        raise ReviewError("supplier_reviews.err.kpi_unknown", code=code)


@dataclass(frozen=True)
class KpiScore:
    """The value of one KPI [its unit] (None = missing) and its score [0–100]."""

    code: str
    value: float | None
    score: float
    weight: float


@dataclass(frozen=True)
class ScorecardResult:
    """A supplier's scorecard for one period: per-KPI scores, weighted ``total`` [0–100],
    ``grade``, allocation ``multiplier`` and the KPIs without a value."""

    period: str
    scores: tuple[KpiScore, ...]
    total: float
    grade: str
    multiplier: float
    missing: tuple[str, ...] = field(default_factory=tuple)


def score_value(rule: Rule, value: float) -> float:
    """The score [0–100] of ``value`` under ``rule`` (see the module docstring)."""
    if rule.kind == "linear":
        span = rule.full_at - rule.zero_at
        frac = (value - rule.zero_at) / span
        return 100.0 * min(1.0, max(0.0, frac))
    if rule.higher_is_better:
        reached = [s for b, s in rule.steps if value >= b]
        return max(reached) if reached else 0.0
    within = [s for b, s in rule.steps if value <= b]
    return max(within) if within else 0.0


def grade_of(total: float, bands: Sequence[GradeBand]) -> GradeBand:
    """The first band (highest ``min_total`` first) whose ``min_total`` ``total`` reaches."""
    for band in sorted(bands, key=lambda b: -b.min_total):
        if total >= band.min_total:
            return band
    raise ReviewError("supplier_reviews.err.bands", detail="no band starts at 0")


def compute_scorecard(
    kpi_set: KpiSet, values: Mapping[str, float | None], period: str
) -> ScorecardResult:
    """``total = Σ w_k s_k / Σ w_k`` over every KPI of the set (a missing value scores 0), its
    grade and multiplier.

    Raises:
        ReviewError: a value names a KPI the set does not define, or is not finite.
    """
    known = {k.code for k in kpi_set.kpis}
    for code, v in values.items():
        if code not in known:
            raise ReviewError("supplier_reviews.err.kpi_unknown", code=code)
        if v is not None and not math.isfinite(v):
            raise ReviewError("supplier_reviews.err.kpi_value", code=code)
    scores: list[KpiScore] = []
    missing: list[str] = []
    for k in kpi_set.kpis:
        v = values.get(k.code)
        if v is None:
            missing.append(k.code)
            scores.append(KpiScore(k.code, None, 0.0, k.weight))
        else:
            scores.append(KpiScore(k.code, float(v), score_value(k.rule, float(v)), k.weight))
    wsum = math.fsum(s.weight for s in scores)
    total = math.fsum(s.weight * s.score for s in scores) / wsum
    band = grade_of(total, kpi_set.bands)
    return ScorecardResult(
        period, tuple(scores), total, band.grade, band.multiplier, tuple(missing)
    )


def reallocate(
    shares: Mapping[str, Mapping[str, float]], multipliers: Mapping[str, float]
) -> dict[str, dict[str, float]]:
    """Next period's purchase shares: ``share_s′ = share_s · m_s``, renormalised within each
    category so that the category's shares keep their sum (normally 1).

    ``shares`` is ``{category: {supplier: share}}``; a supplier without a multiplier keeps
    ``m = 1``. A category whose weighted shares are all 0 is returned unchanged.
    """
    out: dict[str, dict[str, float]] = {}
    for cat, row in shares.items():
        before = math.fsum(row.values())
        weighted = {s: v * multipliers.get(s, 1.0) for s, v in row.items()}
        after = math.fsum(weighted.values())
        if after <= 0:
            out[cat] = dict(row)
            continue
        out[cat] = {s: v * before / after for s, v in weighted.items()}
    return out


def quarter_label(text: str) -> str:
    """``2024Q1`` / ``2024-q1`` → ``2024Q1`` (calendar quarter of the scorecard).

    Raises:
        ReviewError: not a year and a quarter 1–4.
    """
    t = text.strip().upper().replace("-", "")
    if len(t) == 6 and t[:4].isdigit() and t[4] == "Q" and t[5] in "1234":
        return t
    raise ReviewError("supplier_reviews.err.period", value=text)


def _rule(data: Mapping[str, Any], code: str) -> Rule:
    kind = data.get("kind")
    if kind == "linear":
        zero, full = float(data["zero_at"]), float(data["full_at"])
        if zero == full:
            raise ReviewError("supplier_reviews.err.kpi_rule", code=code)
        return Rule("linear", zero_at=zero, full_at=full)
    if kind == "threshold":
        steps = tuple((float(b), float(s)) for b, s in data["steps"])
        if not steps or any(not 0 <= s <= 100 for _, s in steps):
            raise ReviewError("supplier_reviews.err.kpi_rule", code=code)
        return Rule("threshold", steps, bool(data.get("higher_is_better", True)))
    raise ReviewError("supplier_reviews.err.kpi_rule", code=code)


def parse_kpi_set(data: Mapping[str, Any]) -> KpiSet:
    """A :class:`KpiSet` from its document (the TOML layout of the shipped default set:
    ``version``, ``[[band]]`` and ``[[kpi]]`` tables).

    Raises:
        ReviewError: a missing or invalid field, a duplicate code, an unknown pillar or source,
            a weight ≤ 0, or bands without one starting at 0.
    """
    try:
        kpis: list[KpiDefinition] = []
        for item in data["kpi"]:
            code = str(item["code"])
            k = KpiDefinition(
                code=code,
                pillar=str(item["pillar"]),
                weight=float(item["weight"]),
                rule=_rule(item["rule"], code),
                source=str(item["source"]),
                unit=str(item["unit"]),
                name_en=str(item.get("name_en", "")),
                name_zh=str(item.get("name_zh", "")),
                explain_en=str(item.get("explain_en", "")),
                explain_zh=str(item.get("explain_zh", "")),
            )
            if k.pillar not in PILLARS or k.source not in SOURCES or not k.weight > 0:
                raise ReviewError("supplier_reviews.err.kpi_field", code=code)
            kpis.append(k)
        bands = tuple(
            GradeBand(str(b["grade"]), float(b["min_total"]), float(b["multiplier"]))
            for b in data["band"]
        )
        version = str(data["version"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ReviewError("supplier_reviews.err.kpi_set", detail=str(exc)) from exc
    _check(kpis, bands)
    return KpiSet(version, tuple(kpis), tuple(sorted(bands, key=lambda b: -b.min_total)))


def _check(kpis: Iterable[KpiDefinition], bands: Sequence[GradeBand]) -> None:
    codes = [k.code for k in kpis]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise ReviewError("supplier_reviews.err.kpi_duplicate", code=dup[0])
    if not codes:
        raise ReviewError("supplier_reviews.err.kpi_set", detail="no KPI")
    if not bands or min(b.min_total for b in bands) != 0 or any(b.multiplier < 0 for b in bands):
        raise ReviewError("supplier_reviews.err.bands", detail="one band must start at 0")


def kpi_set_document(kpi_set: KpiSet) -> dict[str, Any]:
    """The document :func:`parse_kpi_set` reads (to store a set as JSON)."""

    def rule(r: Rule) -> dict[str, Any]:
        if r.kind == "linear":
            return {"kind": "linear", "zero_at": r.zero_at, "full_at": r.full_at}
        return {
            "kind": "threshold",
            "steps": [list(s) for s in r.steps],
            "higher_is_better": r.higher_is_better,
        }

    return {
        "version": kpi_set.version,
        "band": [
            {"grade": b.grade, "min_total": b.min_total, "multiplier": b.multiplier}
            for b in kpi_set.bands
        ],
        "kpi": [
            {
                "code": k.code,
                "pillar": k.pillar,
                "weight": k.weight,
                "rule": rule(k.rule),
                "source": k.source,
                "unit": k.unit,
                "name_en": k.name_en,
                "name_zh": k.name_zh,
                "explain_en": k.explain_en,
                "explain_zh": k.explain_zh,
            }
            for k in kpi_set.kpis
        ],
    }
