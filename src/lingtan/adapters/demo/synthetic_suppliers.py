"""The supplier programme of demo workspace (b), the fictional "Demo Electronics Group": 150
FICTIONAL suppliers built so that lingtan, computing from their records, reproduces the supplier
figures of the source report's FY2023/24 (§6.0, lines 2143–2296; issue 15 item 10; decision
0069).

**Everything here is FICTIONAL and ILLUSTRATIVE.** Every name ends in "（虚构）" / "(fictional)";
no supplier has a real identifier (no USCC, no D-U-N-S number: a made-up one could be a real
company's); spends, emissions, scores, audits, learners and projects are chosen for the demo. Only
the programme-level figures are the report's: the five coverage shares, the +4.7 mean rating
improvement, the 95 %-of-spend audit rule, the training counts and the 星火 programme totals.

What the records give when lingtan computes (never typed anywhere as a result):

- **Coverage by spend, FY2023/24** (report lines 2202–2213, 按采购金额计): SBT committed or set
  42 %, verified GHG data 91 %, public GHG targets 95 %, tracking renewable energy 94 %,
  renewable-energy targets 76 %. Each supplier belongs to one *profile* (:data:`PROFILES`) that
  fixes its answers, and each profile's spends sum to an exact whole percentage of the total
  (:data:`TOTAL_SPEND_WAN` 万元, 1 % = 20,750 万元): the shares are exact fractions over the
  denominators ``all`` and ``in_scope``, because every purchase of the year names its supplier
  (no unattributed spend) and the campaign asks every supplier with spend; every answer but
  one (:data:`PENDING`, the smallest supplier, with no property either way) is accepted.
- **Ratings** (lines 2192–2197): 126 suppliers rated 0–100 (EcoVadis-like); twelve score under
  45, each gets a corrective action plan due 90 days after its rating; ten were re-rated after
  their plan, their improvements sum to +47 (mean **+4.7**); two plans are still open at the
  year's end.
- **Audits** (lines 2180–2184): the suppliers that make 95 % of spend (every profile but
  ``starting``, whose suppliers are all smaller than any other) each have an RBA VAP (or
  RBA-approved equivalent) audit dated within the 24 months before the year's end: audited spend
  share exactly 95 %.
- **Training** (lines 2240–2263): 17 online courses with 787 distinct learners, the "Supplier
  ESG Day 2023" with 671 attendees, two webinars (with CDP, with EcoVadis) with 633 attendances.
- **星火行动** (lines 2286–2296): 22 suppliers of the Hefei factory, ¥150,000,000 capital
  expenditure, 27,120 t cumulative reductions by the end of 2023 ("超过 2.7 万吨"), 660,000 t
  expected over 20-year lifetimes for 670,000 MWh of electricity saved: an implied 0.985 t/MWh,
  above any Chinese grid factor, so the implied-factor check warns; the "1 Mt by FY2025/26"
  supply-chain KPI computed from the ledger is off track.

- **Scorecards**: the 60 key tier-1 suppliers' 2024Q1 scorecards on the default 30 KPIs
  (lines 2186–2188): questionnaire values here, rating/audit/plan KPIs from the stored records.

Standards the records follow: GHG Protocol Corporate Standard (Scope 1, Scope 2 both bases,
ch. 3 consolidation) and Scope 3 Standard (category 1 and 2 spend rows; supplier allocation by
revenue share, ch. 8, as CDP supply chain SM1 asks), SBTi near-term criteria (a 42 % absolute
target 2020–2030 for the suppliers with SBTs), RBA VAP (priority / major / minor findings, an
audit valid two years), EcoVadis-style 0–100 scores, ISO 14064-3 / ISAE 3410 verification.
Units: money CNY (whole 万元), masses t CO2e, energy MWh.

The FY2023/24 purchases from these suppliers are Scope 3 category 1 and 2 ``spend`` rows with a
``supplier`` column (:func:`spend_rows`, written into ``activity/fy2023-24/spend.csv`` by
:mod:`lingtan.adapters.demo.synthetic`); they replace that year's per-commodity rows (the same
NAICS codes in about the same shares, :func:`category_targets`, and about the same total, all
in CNY). FY2022/23 keeps its per-commodity rows.

Determinism: one ``numpy.random.default_rng(SEED)`` drawn in a fixed order; integer money
(whole 万元 = 10,000 CNY) split with the largest-remainder method; :func:`supplier_demo` returns
the same records on every run and platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Final

import numpy as np

from lingtan.adapters.demo._files import Cell
from lingtan.adapters.demo.valuechain import PURCHASES_MUSD, SPEND_C1, SPEND_C2

__all__ = [
    "ANSWER_PROFILE",
    "CAP_DAYS",
    "COVERAGE_PCT",
    "FISCAL_YEAR",
    "PENDING",
    "PROFILES",
    "RATING_THRESHOLD",
    "SCORECARD_PERIOD",
    "SITE_WEIGHTS",
    "SPEND_CURRENCY",
    "SUPPLIER_SPEND_HEADER",
    "TOTAL_SPEND_WAN",
    "XINGHUO",
    "Answer",
    "AuditRecord",
    "Course",
    "DemoSupplier",
    "Event",
    "Finding",
    "Profile",
    "ProjectRecord",
    "Rating",
    "SupplierDemo",
    "category_targets",
    "spend_rows",
    "supplier_demo",
]

SEED: Final = 2024
FISCAL_YEAR: Final = "FY2023/24"
FY_START: Final = date(2023, 4, 1)
FY_END: Final = date(2024, 3, 31)
#: CNY per 万元
WAN: Final = 10_000
SPEND_CURRENCY: Final = "CNY"
#: total FY2023/24 category 1 and 2 spend with the register's suppliers [万元] (20.75 bn CNY,
#: about the FY2023/24 per-commodity spend it replaces, at the planning rate of 7 CNY/USD);
#: 1 % = 20,750 万元
TOTAL_SPEND_WAN: Final = 2_075_000
#: the report's FY2023/24 coverage by spend [%] (lines 2202–2213)
COVERAGE_PCT: Final[dict[str, int]] = {
    "sbt_committed_or_set": 42,
    "verified": 91,
    "public_target": 95,
    "re_tracking": 94,
    "re_target": 76,
}
#: an external rating under this opens a corrective action plan (line 2193)
RATING_THRESHOLD: Final = 45
#: a corrective action plan is due this many days after the rating (line 2195)
CAP_DAYS: Final = 90


@dataclass(frozen=True)
class Profile:
    """A class of suppliers with the same climate answers: ``share_pct`` [%] of the total
    spend, ``count`` suppliers, the properties of their answers and the spread of their spends
    (``sigma`` of a log-normal weight, clipped to ``clip``)."""

    key: str
    share_pct: int
    count: int
    sbt: bool
    verified: bool
    public_target: bool
    re_tracking: bool
    re_target: bool
    sigma: float
    clip: tuple[float, float]


#: The profiles. Jointly plausible: an SBT commitment comes with a public target, verified data
#: and renewable tracking; a renewable target with tracking. Shares give the report's figures:
#: SBT 42 = leader; verified 91 = 42 + 34 + 15; public target 95 = 91 + 3 + 1; tracking
#: 94 = 91 + 3; RE target 76 = 42 + 34; the 5 % ``starting`` are the smallest suppliers.
PROFILES: Final[tuple[Profile, ...]] = (
    Profile("leader", 42, 28, True, True, True, True, True, 0.6, (0.35, 3.0)),
    Profile("advanced", 34, 38, False, True, True, True, True, 0.5, (0.4, 2.5)),
    Profile("verified", 15, 32, False, True, True, True, False, 0.4, (0.55, 2.0)),
    Profile("tracking", 3, 8, False, False, True, True, False, 0.2, (0.8, 1.25)),
    Profile("target_only", 1, 3, False, False, True, False, False, 0.1, (0.9, 1.1)),
    Profile("starting", 5, 35, False, False, False, False, False, 0.3, (0.6, 1.5)),
)
#: profile key → property → whether its suppliers' answers show it
ANSWER_PROFILE: Final[dict[str, dict[str, bool]]] = {
    p.key: {
        "sbt_committed_or_set": p.sbt,
        "verified": p.verified,
        "public_target": p.public_target,
        "re_tracking": p.re_tracking,
        "re_target": p.re_target,
    }
    for p in PROFILES
}

#: procurement category → (NAICS code of its spend rows, Scope 3 category, 中文, English):
#: the codes of the per-commodity rows they replace (valuechain.SPEND_C1, SPEND_C2)
CATEGORIES: Final[dict[str, tuple[str, int, str, str]]] = {
    "semiconductors": ("334413", 1, "半导体", "Semiconductor"),
    "odm": ("334111", 1, "智能制造", "Computing"),
    "storage": ("334112", 1, "存储", "Storage"),
    "pcba": ("334418", 1, "电路组装", "Assembly"),
    "pcb": ("334412", 1, "电路板", "Circuits"),
    "display": ("334419", 1, "光电显示", "Display"),
    "battery": ("335911", 1, "储能电池", "Battery"),
    "plastics": ("326199", 1, "精密塑胶", "Plastics"),
    "smt_equipment": ("333242", 2, "电子装备", "Equipment"),
    "machinery": ("333249", 2, "机械", "Machinery"),
    "conveyors": ("333922", 2, "物流装备", "Conveyors"),
    "hvac": ("333415", 2, "冷暖设备", "HVAC"),
    "construction": ("236210", 2, "建设工程", "Construction"),
}
#: the sites the suppliers deliver to, weighted by the sites' purchases [USD million/yr,
#: category 1 + 2] (valuechain.PURCHASES_MUSD): the four consolidated factories. The 30 %
#: associate in Suzhou (no control: 0 % of its emissions, GHG Protocol Corporate Standard
#: ch. 3) buys nothing from the register in FY2023/24
SITE_WEIGHTS: Final[dict[str, float]] = {
    site: c1 + c2 for site, (c1, c2) in PURCHASES_MUSD.items() if site != "SUZ-MOULDING"
}
#: countries by procurement category (others: :data:`_COUNTRIES`)
_CATEGORY_COUNTRIES: Final[dict[str, dict[str, float]]] = {
    "semiconductors": {"US": 0.35, "KR": 0.25, "TW": 0.25, "JP": 0.15},
    "odm": {"TW": 0.6, "CN": 0.4},
    "storage": {"KR": 0.4, "CN": 0.3, "US": 0.3},
    "smt_equipment": {"CN": 0.5, "JP": 0.3, "DE": 0.2},
    "machinery": {"CN": 0.7, "JP": 0.15, "DE": 0.15},
}
_COUNTRIES: Final[dict[str, float]] = {
    "CN": 0.80, "TW": 0.06, "JP": 0.04, "KR": 0.03, "VN": 0.03, "MY": 0.02, "TH": 0.01,
    "MX": 0.01,
}  # fmt: skip


def category_targets() -> dict[str, float]:
    """Each procurement category's share of the year's spend [0–1]: the shares of the
    per-commodity rows it replaces (valuechain: category 1 and 2 purchases of every site)."""
    c1 = sum(a for a, _ in PURCHASES_MUSD.values())
    c2 = sum(b for _, b in PURCHASES_MUSD.values())
    by_code = {code: share * c1 for code, (_, share, _) in SPEND_C1.items()}
    by_code.update({code: share * c2 for code, (_, share, _) in SPEND_C2.items()})
    total = sum(by_code.values())
    return {cat: by_code[naics] / total for cat, (naics, _, _, _) in CATEGORIES.items()}


#: brand syllables (汉字, pinyin) combined in pairs into fictional brand names
_SYLLABLES: Final = (
    ("瑞", "Rui"), ("鼎", "Ding"), ("晟", "Sheng"), ("泰", "Tai"), ("恒", "Heng"), ("嘉", "Jia"),
    ("宏", "Hong"), ("澜", "Lan"), ("岳", "Yue"), ("沐", "Mu"), ("青", "Qing"), ("禾", "He"),
    ("朗", "Lang"), ("启", "Qi"), ("拓", "Tuo"), ("舜", "Shun"), ("昕", "Xin"), ("颂", "Song"),
    ("璟", "Jing"), ("翊", "Yi"), ("骏", "Jun"), ("曜", "Yao"), ("溯", "Su"), ("祺", "Qi"),
    ("凯", "Kai"), ("融", "Rong"), ("钧", "Jun"), ("峰", "Feng"), ("川", "Chuan"), ("源", "Yuan"),
)  # fmt: skip
_FICTIONAL_ZH: Final = "（虚构）"
_FICTIONAL_EN: Final = " (fictional)"
#: suppliers beyond tier 1 (no direct spend; rated as strategic N-tier, line 2189):
#: (category, tier, 中文, English)
_UPSTREAM: Final = (
    ("copper_foil", "2", "铜箔", "Foil"),
    ("resin", "2", "工程树脂", "Resins"),
    ("glass_substrate", "2", "玻璃基板", "Glass"),
    ("cathode", "2", "正极材料", "Cathodes"),
    ("cobalt", "N", "钴冶炼", "Cobalt"),
    ("tin", "N", "锡冶炼", "Tin"),
)


# -- records --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSupplier:
    """One fictional supplier. ``spend_wan`` is its FY2023/24 spend [万元] (0 for
    the upstream tiers); ``site`` the factory it delivers to; ``profile`` its answer class."""

    code: str
    legal_name: str
    name_zh: str
    country: str
    tier: str
    categories: tuple[str, ...]
    strategic: bool
    key_tier1: bool
    status: str
    spend_wan: int
    site: str | None
    profile: str

    @property
    def spend_cny(self) -> int:
        """FY2023/24 spend [CNY]."""
        return self.spend_wan * WAN

    @property
    def company_ids(self) -> tuple[str, ...]:
        """A buyer-assigned PACT company id (``urn:pathfinder:company:customcode:buyer-assigned:``,
        PACT Technical Specifications v2 §4.1) — no real registry id."""
        return (f"urn:pathfinder:company:customcode:buyer-assigned:{self.code}",)


@dataclass(frozen=True)
class Answer:
    """A supplier's FY2023/24 climate answer (the fields of
    :class:`lingtan.modules.suppliers.requests.SupplierAnswer`). Masses [t CO2e]; targets as
    (type, base year, target year, reduction %) and (RE %, year)."""

    code: str
    scope1_t: float | None
    scope2_location_t: float | None
    scope2_market_t: float | None
    scope3_t: float | None
    scope3_cat1_t: float | None
    verified: bool
    verification_standard: str | None
    public_target: tuple[str, int, int, float] | None
    sbti_status: str
    sbti_date: date | None
    re_tracking: bool
    re_share_pct: float | None
    re_target: tuple[float, int] | None
    allocated_to_customer_t: float | None
    allocation_method: str | None
    answered_on: date
    #: False for the one answer the buyer has not decided yet (:data:`PENDING`)
    accepted: bool = True

    def as_form(self) -> dict[str, object]:
        """The answer as the mapping ``parse_answer`` reads (a form, a JSON body)."""
        out: dict[str, object] = {
            "scope1_t": self.scope1_t,
            "scope2_location_t": self.scope2_location_t,
            "scope2_market_t": self.scope2_market_t,
            "scope3_t": self.scope3_t,
            "reporting_period": FISCAL_YEAR,
            "boundary": "operational control",
            "verified": self.verified,
            "verification_standard": self.verification_standard,
            "sbti_status": self.sbti_status,
            "sbti_horizon": "near_term" if self.sbti_status != "none" else None,
            "sbti_date": self.sbti_date.isoformat() if self.sbti_date else None,
            "re_tracking": self.re_tracking,
            "re_share_pct": self.re_share_pct,
            "allocated_to_customer_t": self.allocated_to_customer_t,
            "allocation_method": self.allocation_method,
        }
        if self.scope3_cat1_t is not None:
            out["scope3_by_category_t"] = {"1": self.scope3_cat1_t}
        if self.public_target is not None:
            kind, base, target, pct = self.public_target
            out["public_target"] = {"type": kind, "base_year": base, "target_year": target,
                                    "reduction_pct": pct}  # fmt: skip
        if self.re_target is not None:
            out["re_target"] = {"pct": self.re_target[0], "year": self.re_target[1]}
        return out


@dataclass(frozen=True)
class Rating:
    """An external rating (0–100, EcoVadis-like) of ``code`` on ``rated_on``; ``rerating``
    is True for the re-rating after a corrective action plan."""

    code: str
    provider: str
    score: int
    rated_on: date
    rerating: bool = False

    @property
    def valid_until(self) -> date:
        """A scorecard is valid for a year."""
        return self.rated_on + timedelta(days=365)


@dataclass(frozen=True)
class Finding:
    """An audit finding: ``severity`` priority | major | minor, RBA Code ``section``, closure."""

    severity: str
    section: str
    due: date
    closed_on: date | None


@dataclass(frozen=True)
class AuditRecord:
    """An audit of ``code``'s site: ``scheme`` (``rba_vap`` | ``rba_equivalent``), ``score``
    (RBA VAP 0–200) and findings; the next one is due two years later (line 2182)."""

    code: str
    scheme: str
    audited_on: date
    score: int
    findings: tuple[Finding, ...]

    @property
    def next_due(self) -> date:
        """Two years after the audit."""
        return _add_years(self.audited_on, 2)


@dataclass(frozen=True)
class Course:
    """An online course of the supplier ESG platform, published on ``published_on``."""

    code: str
    title_zh: str
    title_en: str
    published_on: date


@dataclass(frozen=True)
class Event:
    """A training event (``kind`` conference | webinar | lecture) on ``held_on``, with
    ``attendances`` (supplier code, pseudonymous person id)."""

    code: str
    kind: str
    title_zh: str
    title_en: str
    held_on: date
    partner: str | None
    attendances: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ProjectRecord:
    """A 星火 project of supplier ``code``: ``type``, capex [CNY], start, lifetime [yr],
    ex-ante electricity saved [MWh/yr] and reduction [t CO2e/yr], measured results by half-year
    (period start, end, t CO2e, MWh saved) and the buyer's attribution [%]."""

    code: str
    supplier: str
    type: str
    name_zh: str
    name_en: str
    capex_cny: int
    start: date
    life_years: int
    region: str
    saved_mwh_per_year: int
    t_per_year: int
    measured: tuple[tuple[date, date, int, int], ...]
    attribution_pct: float

    @property
    def expected_lifetime_t(self) -> int:
        """Expected reduction over the lifetime [t CO2e] = t/yr × life_years."""
        return self.t_per_year * self.life_years

    @property
    def cumulative_t(self) -> int:
        """Measured reductions to date [t CO2e]."""
        return sum(m[2] for m in self.measured)


@dataclass(frozen=True)
class SupplierDemo:
    """Every record of the supplier demo."""

    suppliers: tuple[DemoSupplier, ...]
    answers: tuple[Answer, ...]
    ratings: tuple[Rating, ...]
    audits: tuple[AuditRecord, ...]
    courses: tuple[Course, ...]
    enrolments: tuple[tuple[str, str, str, bool], ...]  # (course, supplier, person, completed)
    events: tuple[Event, ...]
    projects: tuple[ProjectRecord, ...]
    #: (supplier code, questionnaire values by KPI code) of the :data:`SCORECARD_PERIOD`
    #: scorecards
    scorecards: tuple[tuple[str, dict[str, float]], ...] = ()

    def supplier(self, code: str) -> DemoSupplier:
        """The supplier ``code``."""
        for s in self.suppliers:
            if s.code == code:
                return s
        raise KeyError(code)

    @property
    def spend_by_code(self) -> dict[str, int]:
        """FY2023/24 spend by supplier [CNY], suppliers with spend only."""
        return {s.code: s.spend_cny for s in self.suppliers if s.spend_wan > 0}


# -- helpers --------------------------------------------------------------------------------------


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split into integers proportional to ``weights`` (Hamilton's largest-remainder
    method; ties to the earlier weight): the parts sum to ``total`` exactly."""
    s = float(sum(weights))
    raw = [total * w / s for w in weights]
    parts = [int(np.floor(r)) for r in raw]
    left = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def _day(rng: np.random.Generator, start: date, end: date) -> date:
    """A day drawn uniformly in [start, end]."""
    return start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.asarray([weights[k] for k in keys], dtype=np.float64)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


# -- the suppliers --------------------------------------------------------------------------------


def _spends(rng: np.random.Generator) -> dict[str, list[int]]:
    """Profile → spends [万元], each profile summing to its exact share of the total,
    sorted descending."""
    out: dict[str, list[int]] = {}
    for p in PROFILES:
        w = np.clip(np.exp(p.sigma * rng.standard_normal(p.count)), *p.clip)
        total = TOTAL_SPEND_WAN * p.share_pct // 100
        out[p.key] = sorted(largest_remainder(total, [float(x) for x in w]), reverse=True)
    return out


def _names(rng: np.random.Generator, n: int) -> list[tuple[str, str]]:
    """``n`` distinct fictional brand names (汉字, pinyin), drawn from syllable pairs."""
    pairs = [(a, b) for a in _SYLLABLES for b in _SYLLABLES if a[0] != b[0] and a[1] != b[1]]
    idx = rng.permutation(len(pairs))[:n]
    return [(pairs[i][0][0] + pairs[i][1][0], pairs[i][0][1] + pairs[i][1][1].lower())
            for i in idx]  # fmt: skip


def _legal_names(brand: tuple[str, str], country: str, zh_what: str, en_what: str) -> tuple[
    str, str
]:  # fmt: skip
    zh, en = brand
    zh_form = {"TW": "股份有限公司", "JP": "株式会社", "KR": "株式会社", "US": "公司"}.get(
        country, "有限公司"
    )
    en_form = {"TW": "Corp.", "JP": "K.K.", "KR": "Co., Ltd.", "DE": "GmbH", "US": "Inc.",
               "MX": "S.A. de C.V."}.get(country, "Co., Ltd.")  # fmt: skip
    return f"{en} {en_what} {en_form}{_FICTIONAL_EN}", f"{zh}{zh_what}{zh_form}{_FICTIONAL_ZH}"


def _suppliers(rng: np.random.Generator) -> list[DemoSupplier]:
    """The 144 suppliers with spend, by descending spend, then the six upstream ones. Each
    takes the procurement category furthest below its share of the spend so far (largest
    deficit first; :func:`category_targets`), so the categories keep the mix of the rows they
    replace."""
    spends = _spends(rng)
    ranked = sorted(
        ((w, p.key) for p in PROFILES for w in spends[p.key]), key=lambda t: (-t[0], t[1])
    )
    names = _names(rng, len(ranked) + len(_UPSTREAM))
    targets = {c: share * TOTAL_SPEND_WAN for c, share in category_targets().items()}
    assigned = dict.fromkeys(targets, 0.0)
    out: list[DemoSupplier] = []
    for i, (wan, profile) in enumerate(ranked):
        code = f"sup-{i + 1:03d}"
        category = max(targets, key=lambda c: (targets[c] - assigned[c], c))
        assigned[category] += wan
        country = _pick(rng, _CATEGORY_COUNTRIES.get(category, _COUNTRIES))
        site = _pick(rng, SITE_WEIGHTS)
        _, _, zh_what, en_what = CATEGORIES[category]
        legal, zh = _legal_names(names[i], country, zh_what, en_what)
        out.append(
            DemoSupplier(
                code=code,
                legal_name=legal,
                name_zh=zh,
                country=country,
                tier="1",
                categories=(category,),
                strategic=profile == "leader" or (profile == "advanced" and i < 40),
                key_tier1=i < 60,
                status="approved",
                spend_wan=wan,
                site=site,
                profile=profile,
            )
        )
    for j, (category, tier, zh_what, en_what) in enumerate(_UPSTREAM):
        i = len(ranked) + j
        legal, zh = _legal_names(names[i], "CN", zh_what, en_what)
        out.append(DemoSupplier(f"sup-{i + 1:03d}", legal, zh, "CN", tier, (category,),
                                True, False, "approved", 0, None, "upstream"))  # fmt: skip
    return out


# -- climate answers ------------------------------------------------------------------------------

#: the supplier whose answer is submitted but not yet accepted at the year's end: the smallest
#: (``starting`` profile, no property either way, so the shares over ``all`` and ``in_scope``
#: are the same); revising and accepting it is how the demo shows coverage move
PENDING: Final = "sup-144"
#: SBTi statuses of the 28 leaders, in spend order (committed or set: all count for the 42 %)
_SBTI_CYCLE: Final = ("validated", "committed", "targets_set", "committed")


def _answers(rng: np.random.Generator, suppliers: Sequence[DemoSupplier]) -> list[Answer]:
    """One answer per supplier: properties from the profile, magnitudes drawn.

    Emissions: the supplier's revenue is its spend with the group over the group's share of its
    sales (8–35 %); Scope 1+2 of 0.05–0.12 t CO2e per 万元 of revenue (electronics assembly
    magnitudes), Scope 3 category 1 of 0.10–0.20 t/万元. Verified suppliers of the ``leader``
    and ``advanced`` profiles allocate to the group by revenue share (CDP supply chain SM1):
    (Scope 1 + Scope 2 market + Scope 3 category 1) × share."""
    out: list[Answer] = []
    leaders = 0
    for s in suppliers:
        share = float(rng.uniform(0.08, 0.35))
        revenue_wan = max(s.spend_wan, 1_000) / share
        s12 = revenue_wan * float(rng.uniform(0.05, 0.12))
        s1 = round(s12 * float(rng.uniform(0.12, 0.3)))
        s2l = round(s12) - s1
        re_share = round(float(rng.uniform(5.0, 45.0)), 1)
        c1 = round(revenue_wan * float(rng.uniform(0.10, 0.20)))
        s3 = c1 + round(revenue_wan * float(rng.uniform(0.02, 0.06)))
        answered = _day(rng, date(2024, 4, 15), date(2024, 6, 28))
        flags = ANSWER_PROFILE.get(s.profile)
        if flags is None:  # upstream tiers answer like the ``verified`` profile
            flags = ANSWER_PROFILE["verified"]
        inventory = s.profile != "starting" or rng.uniform() < 0.4
        sbti = "none"
        sbti_date = None
        if flags["sbt_committed_or_set"]:
            sbti = _SBTI_CYCLE[leaders % len(_SBTI_CYCLE)]
            leaders += 1
            sbti_date = _day(rng, date(2021, 6, 1), date(2024, 3, 1))
        target = None
        if flags["public_target"]:
            if sbti != "none":
                target = ("absolute", 2020, 2030, 42.0)  # 1.5 °C-aligned (SBTi near-term)
            elif rng.uniform() < 0.5:
                target = ("absolute", int(rng.integers(2019, 2023)), 2030,
                          float(rng.integers(20, 41)))  # fmt: skip
            else:
                target = ("intensity", int(rng.integers(2019, 2023)), 2030,
                          float(rng.integers(25, 56)))  # fmt: skip
        re_target = None
        if flags["re_target"]:
            re_target = (float(rng.choice([50, 60, 80, 100])), int(rng.choice([2025, 2028, 2030])))
        s2m = round(s2l * (1.0 - re_share / 100.0)) if flags["re_tracking"] else s2l
        allocate = flags["verified"] and s.profile in ("leader", "advanced")
        allocated = round((s1 + s2m + c1) * share, 1) if allocate else None
        out.append(
            Answer(
                code=s.code,
                scope1_t=float(s1) if inventory else None,
                scope2_location_t=float(s2l) if inventory else None,
                scope2_market_t=float(s2m) if inventory else None,
                scope3_t=float(s3) if flags["verified"] else None,
                scope3_cat1_t=float(c1) if flags["verified"] else None,
                verified=flags["verified"],
                verification_standard=(
                    ("ISO 14064-3" if rng.uniform() < 0.8 else "ISAE 3410")
                    if flags["verified"]
                    else None
                ),
                public_target=target,
                sbti_status=sbti,
                sbti_date=sbti_date,
                re_tracking=flags["re_tracking"],
                re_share_pct=re_share if flags["re_tracking"] else None,
                re_target=re_target,
                allocated_to_customer_t=allocated,
                allocation_method="revenue_share" if allocate else None,
                answered_on=answered,
                accepted=s.code != PENDING,
            )
        )
    return out


# -- ratings --------------------------------------------------------------------------------------

#: the twelve ratings under 45 (score before, score after re-rating or None: plan still open).
#: Improvements 7+5+4+4+5+3+5+4+3+7 = 47 over 10 re-ratings: mean +4.7 (line 2196).
SUB_THRESHOLD: Final[tuple[tuple[int, int | None], ...]] = (
    (38, 45), (40, 45), (41, 45), (42, 46), (42, 47), (43, 46), (43, 48), (44, 48), (44, 47),
    (39, 46), (42, None), (40, None),
)  # fmt: skip
#: score ranges of the other ratings by profile
_SCORE_RANGE: Final[dict[str, tuple[int, int]]] = {
    "leader": (58, 80), "advanced": (50, 72), "verified": (46, 65), "tracking": (45, 58),
    "target_only": (45, 55), "starting": (45, 52), "upstream": (47, 66),
}  # fmt: skip


def _ratings(rng: np.random.Generator, suppliers: Sequence[DemoSupplier]) -> list[Rating]:
    """126 rated suppliers (line 2190: "超过 120 家供应商获邀"): every tier-1 supplier except
    the 22 smallest of the ``starting`` profile, and four upstream ones. The twelve under 45
    (:data:`SUB_THRESHOLD`) are among the ``verified``, ``tracking``, ``target_only`` and
    ``starting`` suppliers; ten were rated in April–October 2023, closed their plan within 90
    days and were re-rated 95–120 days after their rating; two were rated in February–March
    2024 and their plans are still open at the year's end."""
    starting = [s for s in suppliers if s.profile == "starting"]
    rated = [s for s in suppliers if s.profile not in ("starting", "upstream")]
    rated += starting[:13] + [s for s in suppliers if s.profile == "upstream"][:4]
    pool = [s.code for s in rated if s.profile in ("verified", "tracking", "target_only",
                                                   "starting")]  # fmt: skip
    low = [pool[int(i)] for i in sorted(rng.choice(len(pool), len(SUB_THRESHOLD), replace=False))]
    low_of = dict(zip(low, SUB_THRESHOLD, strict=True))
    out: list[Rating] = []
    for s in rated:
        if s.code in low_of:
            before, after = low_of[s.code]
            if after is None:
                d = _day(rng, date(2024, 2, 1), date(2024, 3, 15))
                out.append(Rating(s.code, "EcoVadis", before, d))
            else:
                d = _day(rng, date(2023, 4, 10), date(2023, 10, 31))
                out.append(Rating(s.code, "EcoVadis", before, d))
                again = d + timedelta(days=int(rng.integers(95, 121)))
                out.append(Rating(s.code, "EcoVadis", after, again, rerating=True))
        else:
            lo, hi = _SCORE_RANGE[s.profile]
            d = _day(rng, date(2023, 4, 10), date(2024, 3, 20))
            out.append(Rating(s.code, "EcoVadis", int(rng.integers(lo, hi + 1)), d))
    return out


# -- audits ---------------------------------------------------------------------------------------

#: RBA Code of Conduct sections findings are filed under
_SECTIONS: Final = ("A labor", "B health and safety", "C environment", "D ethics",
                    "E management system")  # fmt: skip


def _audits(rng: np.random.Generator, suppliers: Sequence[DemoSupplier]) -> list[AuditRecord]:
    """One audit dated in the 24 months before the year's end for every supplier of the 95 %
    set (every profile but ``starting``); five ``starting`` suppliers have an older one (out of
    date: not counted). Findings: minor 0–4, major 0–2, a priority finding in three audits;
    all closed within their due date (none suspends a supplier)."""
    out: list[AuditRecord] = []
    priority_left = 3
    old = 0
    for s in suppliers:
        if s.profile == "upstream":
            continue
        if s.profile == "starting":
            if old >= 5:
                continue
            old += 1
            d = _day(rng, date(2020, 9, 1), date(2022, 2, 28))
        else:
            d = _day(rng, date(2022, 4, 15), date(2024, 3, 15))
        findings: list[Finding] = []
        counts: list[tuple[str, int]] = [
            ("minor", int(rng.integers(0, 5))),
            ("major", int(rng.integers(0, 3))),
        ]
        if priority_left and s.profile == "verified" and rng.uniform() < 0.3:
            counts.append(("priority", 1))
            priority_left -= 1
        for severity, n in counts:
            days = {"priority": 30, "major": 90, "minor": 180}[severity]
            for _ in range(n):
                due = d + timedelta(days=days)
                closed = d + timedelta(days=int(rng.integers(7, days + 1)))
                findings.append(Finding(severity, str(rng.choice(_SECTIONS)), due, closed))
        scheme = "rba_vap" if rng.uniform() < 0.85 else "rba_equivalent"
        out.append(AuditRecord(s.code, scheme, d, int(rng.integers(120, 201)), tuple(findings)))
    return out


# -- training -------------------------------------------------------------------------------------

#: the 17 courses (中文, English). English titles never have four plain words in a row: the
#: pages show them as data in both languages
COURSES: Final[tuple[tuple[str, str], ...]] = (
    ("供应商 ESG 要求", "Supplier ESG requirements"),
    ("RBA 行为准则", "RBA Code of Conduct"),
    ("RBA VAP 审核准备", "RBA VAP audit preparation"),
    ("温室气体核算：范围一与范围二", "GHG accounting: Scopes 1 and 2"),
    ("范围三与供应商数据", "Scope 3 and supplier data"),
    ("ISO 14064-3 核查", "ISO 14064-3 verification"),
    ("科学碳目标（SBTi）", "Science-based targets (SBTi)"),
    ("可再生电力：绿证与购电协议", "Renewable power: GECs and PPAs"),
    ("CDP 气候问卷", "CDP climate questionnaire"),
    ("EcoVadis 评估", "EcoVadis assessment"),
    ("负责任矿产（CMRT）", "Responsible minerals (CMRT)"),
    ("节能技改：空压机与注塑", "Retrofits: compressed air"),
    ("屋顶光伏项目", "Rooftop PV projects"),
    ("产品碳足迹（ISO 14067）", "Product footprints (ISO 14067)"),
    ("防止强迫劳动", "Forced labour controls"),
    ("化学品管理", "Chemicals management"),
    ("ESG 信息披露", "Public ESG reporting"),
)
#: distinct learners on the course platform by the year's end (line 2252)
LEARNERS: Final = 787
#: attendees of the "2023 Supplier ESG Day" (line 2256)
ESG_DAY_ATTENDEES: Final = 671
#: attendances of the two webinars, with CDP and with EcoVadis: 352 + 281 = 633 (line 2280)
WEBINAR_ATTENDANCES: Final = (352, 281)


def _people(rng: np.random.Generator, suppliers: Sequence[DemoSupplier], n: int, prefix: str
            ) -> list[tuple[str, str]]:  # fmt: skip
    """``n`` distinct pseudonymous people (supplier code, ``<code>/<prefix>NNN``) spread over
    the suppliers with spend (larger suppliers send more people)."""
    withspend = [s for s in suppliers if s.spend_wan > 0]
    w = np.sqrt(np.asarray([s.spend_wan for s in withspend], dtype=np.float64))
    per = largest_remainder(n, [float(x) for x in w])
    out: list[tuple[str, str]] = []
    for s, k in zip(withspend, per, strict=True):
        out += [(s.code, f"{s.code}/{prefix}{j + 1:03d}") for j in range(k)]
    order = rng.permutation(len(out))
    return [out[int(i)] for i in order]


def _training(rng: np.random.Generator, suppliers: Sequence[DemoSupplier]) -> tuple[
    tuple[Course, ...], tuple[tuple[str, str, str, bool], ...], tuple[Event, ...]
]:  # fmt: skip
    """17 courses published May 2023 – March 2024 (the catalogue launched at the 24 October
    2023 lecture, line 2266), 787 learners each enrolled in 1–4 courses (80 % completed), the
    ESG Day and the two webinars. Dates other than 24 October 2023 are illustrative."""
    courses = tuple(
        Course(f"C{i + 1:02d}", zh, en, _day(rng, date(2023, 5, 1), date(2024, 3, 15)))
        for i, (zh, en) in enumerate(COURSES)
    )
    learners = _people(rng, suppliers, LEARNERS, "L")
    enrolments: list[tuple[str, str, str, bool]] = []
    for supplier, person in learners:
        k = int(rng.integers(1, 5))
        for ci in sorted(rng.choice(len(courses), k, replace=False)):
            enrolments.append((courses[int(ci)].code, supplier, person, bool(rng.uniform() < 0.8)))
    day = _people(rng, suppliers, ESG_DAY_ATTENDEES, "D")
    events = [
        Event("ESG-DAY-2023", "conference", "2023 年供应商 ESG 日（线上）",
              "Supplier ESG Day 2023", date(2023, 11, 16), None, tuple(day)),
    ]  # fmt: skip
    for (code, partner, zh, en, held), n in zip(
        (("WEB-CDP-2023", "CDP", "CDP 披露培训网络研讨会", "CDP disclosure webinar",
          date(2023, 7, 20)),
         ("WEB-EV-2024", "EcoVadis", "EcoVadis 评级与负责任原材料采购网络研讨会",
          "EcoVadis rating webinar", date(2024, 1, 18))),
        WEBINAR_ATTENDANCES, strict=True,
    ):  # fmt: skip
        events.append(Event(code, "webinar", zh, en, held, partner,
                            tuple(_people(rng, suppliers, n, code[4:6]))))  # fmt: skip
    return courses, tuple(enrolments), tuple(events)


# -- 星火 -----------------------------------------------------------------------------------------

#: the programme's published totals (lines 2290–2294)
XINGHUO: Final[dict[str, int]] = {
    "suppliers": 22,  # "20 多家供应商"
    "capex_cny": 150_000_000,  # "累计总投资 1.5 亿"
    "cumulative_t": 27_120,  # "累积减排量超过 2.7 万吨" (by the end of 2023)
    "expected_lifetime_t": 660_000,  # "20 年项目周期内预计 … 66 万吨"
    "saved_mwh_lifetime": 670_000,  # "节省用电 6.7 亿度"
    "life_years": 20,
}
#: project types, relative size (capex and savings weights) and names
_PROJECT_TYPES: Final = (
    ("pv", 8, 1.6, "屋顶光伏", "rooftop PV"),
    ("compressed_air", 6, 0.8, "空压机改造", "compressed-air retrofit"),
    ("moulding_heating", 5, 0.9, "成型加热改造", "moulding heater retrofit"),
    ("dryer", 3, 0.5, "烘料筒节能改造", "dryer retrofit"),
)


def _half_years(start: date, end: date) -> list[tuple[date, date, float]]:
    """Calendar half-years from ``start`` to ``end`` with the fraction of days in each."""
    out: list[tuple[date, date, float]] = []
    d = start
    while d <= end:
        h_end = date(d.year, 6, 30) if d.month <= 6 else date(d.year, 12, 31)
        h_end = min(h_end, end)
        out.append((d, h_end, float((h_end - d).days + 1)))
        d = h_end + timedelta(days=1)
    return out


def _projects(rng: np.random.Generator, suppliers: Sequence[DemoSupplier]) -> list[
    ProjectRecord
]:  # fmt: skip
    """22 projects, one per supplier of the Hefei factory (in the report, 联宝 runs 星火),
    started July 2022 – September 2023. Capex and yearly savings split the published totals by
    type weight, the yearly reductions (33,000 t/yr = 660,000 t / 20 yr) by savings (largest
    remainder), so each project's implied factor is ≈ 0.985 t/MWh; measured reductions to 31
    December 2023 split 27,120 t by expected yearly reduction × days running. Attribution
    100 %: the demo counts the suppliers' reductions whole, as the report's 27 kt does (it
    states no attribution)."""
    n = XINGHUO["suppliers"]
    hefei = [s for s in suppliers if s.site == "HF-FACTORY"]
    chosen = [hefei[int(i)] for i in sorted(rng.choice(len(hefei), n, replace=False))]
    kinds = [t for t in _PROJECT_TYPES for _ in range(t[1])]
    weights = [t[2] * float(rng.uniform(0.7, 1.3)) for t in kinds]
    capex = largest_remainder(XINGHUO["capex_cny"] // WAN, weights)
    life = XINGHUO["life_years"]
    mwh = largest_remainder(XINGHUO["saved_mwh_lifetime"] // life, weights)
    per_year = largest_remainder(XINGHUO["expected_lifetime_t"] // life, [float(m) for m in mwh])
    expected = [t * life for t in per_year]
    starts = [_day(rng, date(2022, 7, 1), date(2023, 9, 30)) for _ in chosen]
    end = date(2023, 12, 31)
    halves = [_half_years(st, end) for st in starts]
    running = [e / life / 365.0 * sum(h[2] for h in hs) for e, hs in zip(expected, halves,
                                                                         strict=True)]  # fmt: skip
    measured_total = largest_remainder(XINGHUO["cumulative_t"], running)
    out: list[ProjectRecord] = []
    for i, s in enumerate(chosen):
        kind, _, _, zh, en = kinds[i]
        parts = largest_remainder(measured_total[i], [h[2] for h in halves[i]])
        mwh_per_t = mwh[i] / per_year[i]
        out.append(
            ProjectRecord(
                code=f"XH-{i + 1:02d}",
                supplier=s.code,
                type=kind,
                name_zh=f"星火 {s.code} {zh}{_FICTIONAL_ZH}",
                name_en=f"Xinghuo {s.code} {en}{_FICTIONAL_EN}",
                capex_cny=capex[i] * WAN,
                start=starts[i],
                life_years=life,
                region="CN-AH",
                saved_mwh_per_year=mwh[i],
                t_per_year=per_year[i],
                measured=tuple(
                    (a, b, t, round(t * mwh_per_t))
                    for (a, b, _), t in zip(halves[i], parts, strict=True)
                ),
                attribution_pct=100.0,
            )
        )
    return out


# -- scorecards -----------------------------------------------------------------------------------

#: the quarter of the demo's scorecards (the last of FY2023/24)
SCORECARD_PERIOD: Final = "2024Q1"
_SBTI_LEVEL: Final = {"none": 0.0, "committed": 1.0, "targets_set": 2.0, "validated": 3.0}


def _scorecards(
    rng: np.random.Generator, suppliers: Sequence[DemoSupplier], answers: Sequence[Answer]
) -> list[tuple[str, dict[str, float]]]:
    """The questionnaire values of the 2024Q1 scorecard of each key tier-1 supplier (the
    report scores its main tier-1 suppliers on 30 KPIs, lines 2186–2188): climate values from
    its climate answer, the others drawn (labour, environment, minerals, reporting). The
    rating, audit and plan KPIs are left to lingtan, which reads them from the records."""
    by_code = {a.code: a for a in answers}
    out: list[tuple[str, dict[str, float]]] = []
    for s in suppliers:
        if not s.key_tier1:
            continue
        a = by_code[s.code]
        mature = s.profile in ("leader", "advanced")

        def flag(p: float) -> float:
            return 1.0 if rng.uniform() < p else 0.0

        values = {
            "rba_code_ack": 1.0,
            "forced_labour_controls": 1.0,
            "working_hours_pct": round(float(rng.uniform(85.0, 100.0)), 1),
            "iso45001": flag(0.85),
            "iso14001": flag(0.95),
            "iso50001": flag(0.6 if mature else 0.3),
            "env_permits_valid": 1.0,
            "water_intensity_change": round(float(rng.uniform(-12.0, 4.0)), 1),
            "waste_diversion_pct": round(float(rng.uniform(60.0, 98.0)), 1),
            "env_violations": 0.0 if rng.uniform() < 0.92 else 1.0,
            "ghg_inventory": 1.0 if a.scope1_t is not None else 0.0,
            "ghg_verified": 1.0 if a.verified else 0.0,
            "sbti_status": _SBTI_LEVEL[a.sbti_status],
            "re_share_pct": a.re_share_pct or 0.0,
            "re_target": 1.0 if a.re_target is not None else 0.0,
            "cdp_climate_score": float(rng.integers(5, 9) if mature else rng.integers(2, 6)),
            "emission_intensity_change": round(float(rng.uniform(-12.0, 2.0)), 1),
            "climate_request_answered": 1.0,
            "cmrt_submitted": 1.0,
            "cmrt_completeness_pct": round(float(rng.uniform(70.0, 100.0)), 1),
            "smelters_conformant_pct": round(float(rng.uniform(75.0, 100.0)), 1),
            "emrt_submitted": flag(0.7),
            "sustainability_report": 1.0 if mature else flag(0.5),
            "public_ghg_target": 1.0 if a.public_target is not None else 0.0,
            "training_completion_pct": round(float(rng.uniform(40.0, 100.0)), 1),
        }
        out.append((s.code, values))
    return out


# -- the whole demo -------------------------------------------------------------------------------


@cache
def supplier_demo(seed: int = SEED) -> SupplierDemo:
    """Every record of the supplier demo (same ``seed`` → same records)."""
    rng = np.random.default_rng(seed)
    suppliers = _suppliers(rng)
    answers = _answers(rng, suppliers)
    ratings = _ratings(rng, suppliers)
    audits = _audits(rng, suppliers)
    courses, enrolments, events = _training(rng, suppliers)
    projects = _projects(rng, suppliers)
    scorecards = _scorecards(rng, suppliers, answers)  # drawn last: the rest stays as it was
    return SupplierDemo(
        suppliers=tuple(suppliers),
        answers=tuple(answers),
        ratings=tuple(ratings),
        audits=tuple(audits),
        courses=courses,
        enrolments=enrolments,
        events=events,
        projects=tuple(projects),
        scorecards=tuple(scorecards),
    )


# -- the activity rows ----------------------------------------------------------------------------

#: ``spend`` header with the ``supplier`` column (decision 0044)
SUPPLIER_SPEND_HEADER: Final = ("date", "code", "amount", "currency", "category", "price_year",
                                "site", "description", "supplier")  # fmt: skip
_QUARTERS: Final = (date(2023, 4, 1), date(2023, 7, 1), date(2023, 10, 1), date(2024, 1, 1))


def spend_rows(label: str, seed: int = SEED) -> list[list[Cell]]:
    """The FY2023/24 Scope 3 category 1 and 2 ``spend`` rows by supplier
    (:data:`SUPPLIER_SPEND_HEADER` order): one per supplier and quarter, whole 万元 in CNY (the
    year's spend split evenly, the remainder in the last quarter); none for another year."""
    if label != FISCAL_YEAR:
        return []
    rows: list[list[Cell]] = []
    for s in supplier_demo(seed).suppliers:
        if s.spend_wan == 0 or s.site is None:
            continue
        naics, category, _, what = CATEGORIES[s.categories[0]]
        q = s.spend_wan // 4
        for k, d in enumerate(_QUARTERS):
            wan = q if k < 3 else s.spend_wan - 3 * q
            rows.append([d.isoformat(), f"naics:{naics}", wan * WAN, SPEND_CURRENCY, category,
                         d.year, s.site, f"{what.lower()}, {s.code}", s.code])  # fmt: skip
    return rows
