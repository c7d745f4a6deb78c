"""Data-quality scoring of emission rows (pure: no file, no connection).

Standards and sources:

- GHG Protocol *Corporate Value Chain (Scope 3) Standard* (2011), ch. 7 "Assessing data quality",
  §7.3 and **Table 7.6** (data-quality indicators: technological, temporal and geographical
  representativeness, completeness, reliability; scored "very good" … "very poor").
- The **Pedigree matrix** of Weidema & Wesnæs (1996), *J. Cleaner Prod.* 4(3–4), 167–174, as used
  by ecoinvent (v3 data-quality guideline, Weidema et al. 2013, Table 10.4): five indicators scored
  1 (best) … 5 (worst). lingtan uses the Pedigree 1–5 scale for the five Table 7.6 indicators.

Every indicator of every emission row gets a score 1 (best) … 5 (worst):

1. A score the user gave on the activity (columns ``dq_temporal`` … ``dq_reliability``) wins.
2. Otherwise a default is derived from what lingtan knows about the row: the method tier, the
   factor-resolution match kind, the factor's region and edition (the rules below, one function
   per indicator).

The *combined* score of a row is the unweighted mean of its five indicator scores (Pedigree
practice; Table 7.6 gives no weights). Inventory-level scores are emission-weighted means,
Σ |E|·s / Σ |E| over rows of the market-based inventory (absolute values so that a negative row —
a refrigerant mass balance returning gas — cannot flip the mean).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lingtan.core.activities import DQ_INDICATORS, SCOPE3_CATEGORIES, Tier
from lingtan.core.boundary import CN_GRIDS, GLOBAL_REGION, region_chain

BEST, WORST = 1, 5

#: Technological representativeness by method tier (Table 7.6 "technological": very good = data
#: generated using the same technology; Pedigree "further technological correlation"):
#: supplier-specific factors describe the very process (1); average-data (activity-based) factors
#: describe the same technology class on average (2); spend-based EEIO factors describe a whole
#: economic sector (4: "data on related processes or materials"). Disclosed figures (computed by
#: someone else, method unknown to lingtan) get 3; a user who knows the figure was verified or
#: supplier-specific states ``dq_technological`` (e.g. 2).
TECHNOLOGICAL_BY_TIER: Mapping[str, int] = {
    Tier.SUPPLIER_SPECIFIC: 1,
    Tier.ACTIVITY: 2,
    Tier.SPEND: 4,
    Tier.DISCLOSED: 3,
}

#: Reliability by method tier (Pedigree "reliability": 1 verified data based on measurements;
#: 2 verified data partly based on assumptions or non-verified data based on measurements;
#: 3 non-verified data partly based on qualified estimates; 4 qualified estimate; 5 non-qualified
#: estimate). Supplier-specific and activity rows rest on metered or invoiced quantities (2);
#: spend rows on financial records turned into physical flows by a model (3); disclosed figures
#: are third-party results lingtan cannot check (3).
RELIABILITY_BY_TIER: Mapping[str, int] = {
    Tier.SUPPLIER_SPECIFIC: 2,
    Tier.ACTIVITY: 2,
    Tier.SPEND: 3,
    Tier.DISCLOSED: 3,
}

#: Reliability floor by factor (decision 0028), recognised from the factor key (factor id without
#: gas): a generation-based life-cycle grid intensity standing in for an official consumption-based
#: grid factor (set ``ember-grid-proxy``) is a qualified estimate (4); a residual-mix proxy (the
#: Chinese national factor excluding market-traded non-fossil electricity) and a transcription of
#: an official value not verified against its source (``/single-source`` in the id) are non-verified
#: data partly based on qualified estimates (3).
FACTOR_RELIABILITY_FLOORS: tuple[tuple[str, str, int], ...] = (
    ("prefix", "ember-grid-proxy/", 4),
    ("contains", "/excl-market-nonfossil/", 3),
    ("contains", "/single-source", 3),
)

#: The economy a spend-based (EEIO) factor set describes, recognised from the factor key (decision
#: 0029): USEEIO is the US economy, shipped as region GLO for want of any other. Applied to a
#: purchase from another economy (the row's region: its own ``region`` column, its site's, or the
#: organisation's) it is "data from a distinctly different area" (Pedigree geographical 5) and the
#: inventory's quality section warns; applied to a US purchase it is the area under study (1).
FACTOR_ECONOMIES: tuple[tuple[str, str], ...] = (("useeio-", "US"),)

#: Completeness when not stated: 3 ("not assessed"; the middle of the scale, Pedigree
#: "completeness" 3 = representative data from an adequate share of sites but from shorter periods).
COMPLETENESS_DEFAULT = 3

#: Temporal score by |activity year − factor edition year| (Table 7.6 / Pedigree "temporal
#: correlation": < 3 years → 1, < 6 → 2, < 10 → 3, < 15 → 4, otherwise 5).
TEMPORAL_STEPS: tuple[tuple[int, int], ...] = ((3, 1), (6, 2), (10, 3), (15, 4))

#: Match kinds (engine column ``match``) whose factor was *not* valid on the activity date.
OUT_OF_VALIDITY = frozenset({"earlier_year", "later_year"})

#: Match kind (engine column ``match``) of a row resolved to its supplier's own factor: an
#: accepted supplier allocation (GHG Protocol Scope 3 Standard ch. 7–8, hybrid method; decision
#: 0066). Its tier is ``supplier_specific`` (technological 1, reliability 2 above).
SUPPLIER_SPECIFIC_MATCH = "supplier_specific"

#: Default rank length of :func:`worst_contributors`.
WORST_N = 10


def _clamp(score: int) -> int:
    return max(BEST, min(WORST, score))


def temporal_score(activity_year: int, factor_year: int | None, match: str) -> int:
    """Temporal representativeness 1–5 of a factor for an activity.

    Base: the Pedigree / Table 7.6 step on Δ = |activity year − year of the factor's
    ``valid_from``| (:data:`TEMPORAL_STEPS`). One point worse (capped at 5) when the factor was not
    valid on the activity date (match ``earlier_year``: nearest older edition; ``later_year``: a
    newer edition used backwards). Contractual instruments (match ``instrument``) are for the
    reporting year by construction (vintage inside the fiscal year): 1. Unknown factor year: 5.
    """
    if match == "instrument":
        return BEST
    if factor_year is None:
        return WORST
    delta = abs(activity_year - factor_year)
    base = next((s for limit, s in TEMPORAL_STEPS if delta < limit), WORST)
    return _clamp(base + (1 if match in OUT_OF_VALIDITY else 0))


def region_depth(region_eff: str, factor_region: str) -> int | None:
    """Levels between the activity's region and the factor's: 0 same, 1 parent, 2 grandparent …;
    ``None`` when the factor's region is not in the activity region's chain."""
    fr = (factor_region or "").upper()
    # A Chinese regional grid between a province and CN is a level only for a grid factor itself.
    chain = [r for r in region_chain(region_eff or GLOBAL_REGION) if r == fr or r not in CN_GRIDS]
    return chain.index(fr) if fr in chain else None


def factor_economy(factor_key: str) -> str | None:
    """The economy (ISO 3166-1 alpha-2) a spend factor describes (:data:`FACTOR_ECONOMIES`), or
    None for factors whose region says where they apply."""
    key = factor_key or ""
    return next((eco for prefix, eco in FACTOR_ECONOMIES if key.startswith(prefix)), None)


def economy_mismatch(region_eff: str, factor_key: str) -> str | None:
    """The purchase's country when a spend factor of another economy is applied to it (e.g.
    ``'CN'`` for a USEEIO factor on a row in ``CN-JS``), else None (also when the row's region is
    ``GLO`` or empty: nothing known to compare)."""
    eco = factor_economy(factor_key)
    country = (region_eff or "").upper().split("-", 1)[0]
    if eco is None or not country or country in (GLOBAL_REGION, eco):
        return None
    return country


def geographical_score(
    region_eff: str, factor_region: str, match: str, economy: str | None = None
) -> int:
    """Geographical representativeness 1–5 (Table 7.6; Pedigree "geographical correlation").

    - factor of the activity's own region (match ``exact`` or ``instrument``) → 1 ("data from the
      area under study"; an activity recorded at ``GLO`` with a ``GLO`` factor also scores 1);
    - a parent region (``region_fallback``: ``CN-TJ`` → ``CN``) → 2 one level up, 3 two or more
      levels up ("average data from a larger area in which the area under study is included");
    - the global proxy ``GLO`` for an activity in a named region → 4 ("data from an area with
      slightly similar conditions");
    - a factor region outside the activity region's chain → 5 (unknown / different area);
    - a spend factor of a stated ``economy`` (:func:`factor_economy`): 1 for a purchase in that
      country, 5 for a purchase from another ("distinctly different area": USEEIO on Chinese
      suppliers);
    - a supplier-specific factor (match ``supplier_specific``: the supplier's own emissions
      allocated to the purchase, decision 0066) → 1: it describes the very supplier, wherever
      the factor's nominal region (``GLO``) is.
    """
    if match in ("instrument", SUPPLIER_SPECIFIC_MATCH):
        return BEST
    country = (region_eff or "").upper().split("-", 1)[0]
    if economy is not None and country and country != GLOBAL_REGION:
        return BEST if country == economy else WORST
    depth = region_depth(region_eff, factor_region)
    if depth is None:
        return WORST
    if depth == 0:
        return BEST
    if (factor_region or "").upper() == GLOBAL_REGION:
        return 4
    return 2 if depth == 1 else 3


def technological_score(tier: str, match: str) -> int:
    """Technological representativeness 1–5: :data:`TECHNOLOGICAL_BY_TIER`, one point worse
    (capped) for a ``type_fallback`` match (a related activity type's factor stood in, e.g. the
    grid average for a missing residual mix — Scope 2 Guidance Table 6.3). A contractual instrument
    rate (match ``instrument``) is the supplier's own: 1. Unknown tier: 5."""
    if match == "instrument":
        return BEST
    base = TECHNOLOGICAL_BY_TIER.get(tier, WORST)
    return _clamp(base + (1 if match == "type_fallback" else 0))


def factor_reliability_floor(factor_key: str) -> int:
    """The best reliability a factor allows (:data:`FACTOR_RELIABILITY_FLOORS`; 1 = no floor)."""
    key = factor_key or ""
    floors = [
        f
        for how, text, f in FACTOR_RELIABILITY_FLOORS
        if (key.startswith(text) if how == "prefix" else text in key)
    ]
    return max(floors, default=BEST)


def reliability_score(tier: str, floor: int = BEST) -> int:
    """Reliability 1–5 by tier (:data:`RELIABILITY_BY_TIER`; unknown tier: 5), no better than the
    factor's ``floor`` (:func:`factor_reliability_floor`)."""
    return max(RELIABILITY_BY_TIER.get(tier, WORST), floor)


def completeness_score() -> int:
    """Completeness when the user did not state it: :data:`COMPLETENESS_DEFAULT` (3)."""
    return COMPLETENESS_DEFAULT


@dataclass(frozen=True)
class QualityGroup:
    """Emission rows sharing everything that decides their scores. Units: ``co2e_kg`` [kg CO2e].

    ``given`` holds the user's scores (indicator → 1–5 or ``None``); ``activity_year`` is the
    calendar year of the activity date, ``factor_year`` the year of the factor's ``valid_from``.
    """

    scope: int
    category: int
    activity_type: str
    site: str
    factor_key: str
    tier: str
    match: str
    region_eff: str
    factor_region: str
    activity_year: int
    factor_year: int | None
    co2e_kg: float
    given: Mapping[str, int | None] = field(default_factory=dict)


def indicator_scores(g: QualityGroup) -> dict[str, int]:
    """The five indicator scores (1–5) of a group: the given score, else the derived default."""
    derived = {
        "temporal": temporal_score(g.activity_year, g.factor_year, g.match),
        "geographical": geographical_score(
            g.region_eff, g.factor_region, g.match, factor_economy(g.factor_key)
        ),
        "technological": technological_score(g.tier, g.match),
        "completeness": completeness_score(),
        "reliability": reliability_score(g.tier, factor_reliability_floor(g.factor_key)),
    }
    out: dict[str, int] = {}
    for k in DQ_INDICATORS:
        v = g.given.get(k)
        out[k] = _clamp(int(v)) if v is not None else derived[k]
    return out


def combined_score(scores: Mapping[str, float]) -> float:
    """Unweighted mean of the indicator scores (1–5)."""
    return sum(scores[k] for k in DQ_INDICATORS) / len(DQ_INDICATORS)


class _Acc:
    """Running emission-weighted sums of the indicator scores."""

    __slots__ = ("kg", "sums", "w")

    def __init__(self) -> None:
        self.kg = 0.0  # signed kg CO2e
        self.w = 0.0  # Σ |kg|
        self.sums = dict.fromkeys(DQ_INDICATORS, 0.0)

    def add(self, kg: float, scores: Mapping[str, int]) -> None:
        self.kg += kg
        self.w += abs(kg)
        for k in DQ_INDICATORS:
            self.sums[k] += abs(kg) * scores[k]

    def indicators(self) -> dict[str, float] | None:
        if self.w <= 0:
            return None
        return {k: self.sums[k] / self.w for k in DQ_INDICATORS}

    def summary(self) -> dict[str, Any]:
        ind = self.indicators()
        return {
            "score": None if ind is None else round(combined_score(ind), 3),
            "indicators": None if ind is None else {k: round(v, 3) for k, v in ind.items()},
            "tco2e": round(self.kg / 1000.0, 3),
        }


def improvement_potential(tco2e: float, score: float) -> float:
    """Ranking key of :func:`worst_contributors`: |E| [t CO2e] × (score − 1).

    ``tco2e`` is the group's gross emissions (Σ |E| of its rows). Zero for perfect data (score 1)
    whatever the size, and proportional to the emissions at stake: a large source of middling
    quality outranks a tiny source of very poor quality, which is where better data changes the
    inventory most (Scope 3 Standard §7.2: prioritise data collection on the activities most
    relevant by size and by data quality).
    """
    return abs(tco2e) * (score - BEST)


def worst_contributors(
    groups: Iterable[QualityGroup], n: int = WORST_N, total_kg: float | None = None
) -> list[dict[str, Any]]:
    """The ``n`` (activity type, site, factor) groups with the largest
    :func:`improvement_potential`, largest first (ties: by activity type, site, factor).

    Each entry: ``activity_type``, ``site``, ``factor``, ``scope``, ``category`` (of the largest
    part), ``tier``, ``tco2e``, ``share_pct`` (of ``total_kg``, market basis), ``score``, the
    ``indicators`` and the ``worst_indicator`` (the first of the highest-scoring indicators, i.e.
    what to improve first), and ``improvement_potential`` [t CO2e × score points].
    """
    accs: dict[tuple[str, str, str], _Acc] = {}
    meta: dict[tuple[str, str, str], tuple[float, int, int, str]] = {}
    for g in groups:
        key = (g.activity_type, g.site, g.factor_key)
        accs.setdefault(key, _Acc()).add(g.co2e_kg, indicator_scores(g))
        if key not in meta or abs(g.co2e_kg) > meta[key][0]:
            meta[key] = (abs(g.co2e_kg), g.scope, g.category, g.tier)
    ranked: list[tuple[tuple[float, str, str, str], dict[str, Any]]] = []
    for key, acc in accs.items():
        ind = acc.indicators()
        if ind is None:
            continue
        score = combined_score(ind)
        t = acc.kg / 1000.0
        worst = max(DQ_INDICATORS, key=lambda k: (ind[k], -DQ_INDICATORS.index(k)))
        _, scope, category, tier = meta[key]
        rank = (-improvement_potential(acc.w / 1000.0, score), *key)
        ranked.append(
            (
                rank,
                {
                    "activity_type": key[0],
                    "site": key[1],
                    "factor": key[2],
                    "scope": scope,
                    "category": category,
                    "tier": tier,
                    "tco2e": round(t, 3),
                    "share_pct": None if not total_kg else round(100.0 * acc.kg / total_kg, 4),
                    "score": round(score, 3),
                    "indicators": {k: round(v, 3) for k, v in ind.items()},
                    "worst_indicator": worst,
                    "improvement_potential": round(-rank[0], 3),
                },
            )
        )
    ranked.sort(key=lambda x: x[0])
    return [e for _, e in ranked[:n]]


def assess(groups: Iterable[QualityGroup], n: int = WORST_N) -> dict[str, Any]:
    """The inventory's data-quality section (market basis; see docs/output.md).

    Returns ``by_scope`` {"1", "2", "3"}, ``by_scope3_category`` {"1" … "15"; categories without
    emissions are omitted}, ``overall`` and ``worst_contributors``. Each score block holds the
    combined ``score`` (emission-weighted mean of the combined row scores, equal to the mean of the
    weighted indicator means), the weighted ``indicators`` and ``tco2e``.
    """
    gs = list(groups)
    overall = _Acc()
    by_scope: dict[int, _Acc] = {}
    by_cat: dict[int, _Acc] = {}
    for g in gs:
        s = indicator_scores(g)
        overall.add(g.co2e_kg, s)
        by_scope.setdefault(g.scope, _Acc()).add(g.co2e_kg, s)
        if g.scope == 3:
            by_cat.setdefault(g.category, _Acc()).add(g.co2e_kg, s)
    return {
        "method": "GHG Protocol Scope 3 Standard Table 7.6 indicators on the Pedigree 1–5 scale "
        "(1 best); combined = unweighted mean; weighted by |t CO2e|, market basis",
        "by_scope": {str(k): by_scope[k].summary() for k in sorted(by_scope)},
        "by_scope3_category": {
            str(k): by_cat[k].summary() for k in sorted(by_cat) if k in SCOPE3_CATEGORIES
        },
        "overall": overall.summary(),
        "worst_contributors": worst_contributors(gs, n, overall.kg),
        "warnings": economy_warnings((g.factor_key, g.region_eff, g.co2e_kg) for g in gs),
    }


def _derived(
    tier: str,
    match: str,
    region_eff: str,
    factor_region: str,
    activity_year: int,
    factor_year: int | None,
    floor: int = BEST,
    economy: str | None = None,
) -> tuple[int, int, int, int, int]:
    """The derived (default) scores of :func:`indicator_scores`, in :data:`DQ_INDICATORS`
    order."""
    d = {
        "temporal": temporal_score(activity_year, factor_year, match),
        "geographical": geographical_score(region_eff, factor_region, match, economy),
        "technological": technological_score(tier, match),
        "completeness": completeness_score(),
        "reliability": reliability_score(tier, floor),
    }
    s = tuple(d[k] for k in DQ_INDICATORS)
    return s[0], s[1], s[2], s[3], s[4]


def _summary(kg: float, w: float, sums: Sequence[float]) -> dict[str, Any]:
    """:meth:`_Acc.summary` from totals: signed kg, Σ |kg|, Σ |kg|·score per indicator."""
    if w <= 0:
        return {"score": None, "indicators": None, "tco2e": round(kg / 1000.0, 3)}
    ind = {k: float(sums[i]) / w for i, k in enumerate(DQ_INDICATORS)}
    return {
        "score": round(combined_score(ind), 3),
        "indicators": {k: round(v, 3) for k, v in ind.items()},
        "tco2e": round(kg / 1000.0, 3),
    }


#: Columns of :func:`assess_columns` (besides the optional ``gross_kg`` and ``dq_<indicator>``).
QUALITY_COLUMNS = (
    "scope", "category", "activity_type", "site", "factor_key", "tier", "match", "region_eff",
    "factor_region", "activity_year", "factor_year", "co2e_kg",
)  # fmt: skip


def assess_columns(cols: Mapping[str, Sequence[Any]], n: int = WORST_N) -> dict[str, Any]:
    """:func:`assess` on groups given as columns (vectorised twin: same rules, same result up to
    floating-point summation order).

    ``cols`` holds :data:`QUALITY_COLUMNS` (one entry per group, as the fields of
    :class:`QualityGroup`), optionally ``gross_kg`` (Σ |E| of the group's rows [kg CO2e]; default
    |``co2e_kg``|: the group is one row, or its rows share a sign) and ``dq_<indicator>`` (the
    given score or ``None``). The derived scores are computed once per distinct combination of
    what decides them (a handful), the weighted sums with numpy.
    """
    kg = np.asarray(cols["co2e_kg"], dtype=np.float64)
    m = len(kg)
    w = np.abs(kg) if "gross_kg" not in cols else np.asarray(cols["gross_kg"], dtype=np.float64)
    cache: dict[tuple[Any, ...], tuple[int, int, int, int, int]] = {}
    derived = []
    for key in zip(
        cols["tier"], cols["match"], cols["region_eff"], cols["factor_region"],
        cols["activity_year"], cols["factor_year"],
        [factor_reliability_floor(str(k or "")) for k in cols["factor_key"]],
        [factor_economy(str(k or "")) for k in cols["factor_key"]], strict=True,
    ):  # fmt: skip
        d = cache.get(key)
        if d is None:
            d = cache[key] = _derived(*key)
        derived.append(d)
    scores = np.array(derived, dtype=np.float64).reshape(m, len(DQ_INDICATORS))
    for j, k in enumerate(DQ_INDICATORS):
        given = cols.get(f"dq_{k}")
        if given is None:
            continue
        for i, v in enumerate(given):
            if v is not None:
                scores[i, j] = _clamp(int(v))
    ws = scores * w[:, None]  # |E|·s per group and indicator
    scope = np.asarray(cols["scope"], dtype=np.int64)
    category = np.asarray(cols["category"], dtype=np.int64)

    def block(mask: Any) -> dict[str, Any]:
        return _summary(float(kg[mask].sum()), float(w[mask].sum()), ws[mask].sum(axis=0))

    total_kg = float(kg.sum())
    s3 = scope == 3
    by_cat = sorted(int(c) for c in np.unique(category[s3]))
    return {
        "method": "GHG Protocol Scope 3 Standard Table 7.6 indicators on the Pedigree 1–5 scale "
        "(1 best); combined = unweighted mean; weighted by |t CO2e|, market basis",
        "by_scope": {str(int(s)): block(scope == s) for s in np.unique(scope)},
        "by_scope3_category": {
            str(c): block(s3 & (category == c)) for c in by_cat if c in SCOPE3_CATEGORIES
        },
        "overall": _summary(total_kg, float(w.sum()), ws.sum(axis=0)),
        "worst_contributors": _worst_columns(cols, kg, w, ws, n, total_kg),
        "warnings": economy_warnings(
            zip(cols["factor_key"], cols["region_eff"], kg.tolist(), strict=True)
        ),
    }


def _worst_columns(
    cols: Mapping[str, Sequence[Any]],
    kg: Any,
    w: Any,
    ws: Any,
    n: int,
    total_kg: float | None,
) -> list[dict[str, Any]]:
    """:func:`worst_contributors` on columns (see :func:`assess_columns`)."""
    index: dict[tuple[str, str, str], int] = {}
    gid = np.empty(len(kg), dtype=np.intp)
    meta: list[tuple[float, int, int, str]] = []
    names = zip(cols["activity_type"], cols["site"], cols["factor_key"], strict=True)
    for i, key in enumerate(names):
        j = index.get(key)
        part = (float(w[i]), int(cols["scope"][i]), int(cols["category"][i]), cols["tier"][i])
        if j is None:
            j = index[key] = len(meta)
            meta.append(part)
        elif part[0] > meta[j][0]:
            meta[j] = part
        gid[i] = j
    k = len(meta)
    gw = np.bincount(gid, weights=w, minlength=k)
    gkg = np.bincount(gid, weights=kg, minlength=k)
    sums = np.stack(
        [np.bincount(gid, weights=ws[:, c], minlength=k) for c in range(ws.shape[1])], axis=1
    ) if k else np.zeros((0, len(DQ_INDICATORS)))  # fmt: skip
    keys = list(index)
    ranked = []
    for jj in np.flatnonzero(gw > 0).tolist():
        ind = {c: float(sums[jj, i]) / float(gw[jj]) for i, c in enumerate(DQ_INDICATORS)}
        score = combined_score(ind)
        ranked.append((-improvement_potential(float(gw[jj]) / 1000.0, score), *keys[jj], jj, ind))
    out = []
    for rank, at, site, fkey, j, ind in heapq.nsmallest(n, ranked, key=lambda r: r[:4]):
        score = combined_score(ind)
        _, scope, category, tier = meta[j]
        t = float(gkg[j]) / 1000.0
        out.append(
            {
                "activity_type": at,
                "site": site,
                "factor": fkey,
                "scope": scope,
                "category": category,
                "tier": tier,
                "tco2e": round(t, 3),
                "share_pct": None if not total_kg else round(100.0 * float(gkg[j]) / total_kg, 4),
                "score": round(score, 3),
                "indicators": {c: round(v, 3) for c, v in ind.items()},
                "worst_indicator": max(
                    DQ_INDICATORS, key=lambda c: (ind[c], -DQ_INDICATORS.index(c))
                ),
                "improvement_potential": round(-rank, 3),
            }
        )
    return out


__all__ = [
    "COMPLETENESS_DEFAULT",
    "QUALITY_COLUMNS",
    "RELIABILITY_BY_TIER",
    "TECHNOLOGICAL_BY_TIER",
    "TEMPORAL_STEPS",
    "QualityGroup",
    "assess",
    "assess_columns",
    "combined_score",
    "completeness_score",
    "factor_reliability_floor",
    "geographical_score",
    "improvement_potential",
    "indicator_scores",
    "region_depth",
    "reliability_score",
    "technological_score",
    "temporal_score",
    "worst_contributors",
]


def economy_warnings(groups: Iterable[tuple[str, str, float]]) -> list[str]:
    """Warnings of the quality section for spend factors applied outside their economy
    (:func:`economy_mismatch`), one per (economy, purchase country), largest first.

    Args:
        groups: (factor key, region of the rows, kg CO2e) per group.
    """
    kg: dict[tuple[str, str], float] = {}
    for key, region, co2e in groups:
        country = economy_mismatch(str(region or ""), str(key or ""))
        if country is not None:
            eco = factor_economy(str(key)) or ""
            kg[(eco, country)] = kg.get((eco, country), 0.0) + float(co2e)
    return [
        f"spend-based factors of the {eco} economy applied to purchases from {country}: "
        f"{v / 1000.0:,.3f} t CO2e (geographical score 5, a distinctly different economy); use "
        f"factors for {country} (a factor set in factors/) or supplier-specific data"
        for (eco, country), v in sorted(kg.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
    ]
