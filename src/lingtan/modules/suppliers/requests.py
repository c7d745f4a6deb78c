"""Climate data requests to suppliers: the campaign's scope rule and the supplier's answer.

A **campaign** (``DataRequest`` of ../shared/specs/suppliers.md) asks the suppliers a rule puts
in scope for one fiscal year's data of one kind (``climate`` | ``pcf`` | ``water`` |
``waste``), with the version of the questionnaire (CDP supply chain, 2023 climate questionnaire
"SC" module; the report asks its main suppliers every year, lines 2206–2210).

The **scope rule** (:class:`ScopeRule`) is evaluated on spend and flags only: the suppliers that,
by descending spend, together reach ``top_spend_pct`` of the spend (the one that crosses the
line included; ties by code), united with the strategic (and, if asked, key tier-1) suppliers —
"top 95 % of spend ∪ strategic".

The **answer** (:class:`SupplierAnswer`, ``SupplierResponse`` of the specification) carries the
supplier's inventory [t CO2e] (GHG Protocol Corporate Standard; Scope 2 on both bases, Scope 2
Guidance ch. 7; Scope 3 optionally by category, Scope 3 Standard), its verification (ISO 14064-3,
ISAE 3410), its public target, its SBTi status, its renewable-electricity tracking and target,
its emissions allocated to this customer with the method (CDP supply-chain module SM1:
revenue share or physical allocation; GHG Protocol Scope 3 Standard ch. 8), its product
footprint ids (PACT) and its maturity answers. :func:`parse_answer` checks a mapping (a form, a
JSON body, a push) field by field and raises :class:`AnswerError` naming the field and a message
key of the ``supplier_requests`` catalogue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import Any, Literal, get_args

from lingtan.core.errors import LingtanError

Kind = Literal["climate", "pcf", "water", "waste"]
KINDS: tuple[str, ...] = get_args(Kind)
#: a request's life: sent to the supplier, answered, then accepted or returned by the buyer
RequestStatus = Literal["sent", "answered", "accepted", "returned"]
REQUEST_STATUSES: tuple[str, ...] = get_args(RequestStatus)
SbtiStatus = Literal["none", "committed", "targets_set", "validated"]
SBTI_STATUSES: tuple[str, ...] = get_args(SbtiStatus)
SbtiHorizon = Literal["near_term", "net_zero"]
SBTI_HORIZONS: tuple[str, ...] = get_args(SbtiHorizon)
VerificationStandard = Literal["ISO 14064-3", "ISAE 3410", "other"]
VERIFICATION_STANDARDS: tuple[str, ...] = get_args(VerificationStandard)
#: CDP supply chain SM1: how the supplier allocated its emissions to this customer
AllocationMethod = Literal["revenue_share", "physical"]
ALLOCATION_METHODS: tuple[str, ...] = get_args(AllocationMethod)
TargetType = Literal["absolute", "intensity"]
TARGET_TYPES: tuple[str, ...] = get_args(TargetType)
#: Scope 3 categories (GHG Protocol Scope 3 Standard, categories 1–15)
SCOPE3_CATEGORIES: tuple[str, ...] = tuple(str(c) for c in range(1, 16))
#: why a supplier is in a campaign's scope
Reason = Literal["spend", "strategic", "key_tier1"]
_YEARS = range(1990, 2101)
_PCF_ID = re.compile(r"^[A-Za-z0-9:._/-]{1,200}$")
#: largest mass accepted in an answer [t CO2e] (10 Gt: beyond any company)
MAX_T = 1e10


class AnswerError(LingtanError):
    """An answer (or a scope rule) field is invalid: ``field`` names it, ``key`` is the message
    key of the ``supplier_requests`` catalogue and ``params`` its parameters."""

    def __init__(self, field: str, key: str, message: str, **params: Any) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.key = key
        self.params = params


# -- the scope rule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierFlags:
    """The flags of a supplier the scope rule reads (the register's ``strategic``,
    ``key_tier1``)."""

    strategic: bool = False
    key_tier1: bool = False


@dataclass(frozen=True)
class ScopeRule:
    """Which suppliers a campaign asks: the top ``top_spend_pct`` [%] of spend (None: no spend
    criterion), united with the strategic suppliers (``strategic``) and the key tier-1 ones
    (``key_tier1``). ``"top 95 % of spend ∪ strategic"`` = ``ScopeRule(95, True)``."""

    top_spend_pct: float | None = 95.0
    strategic: bool = True
    key_tier1: bool = False

    def __post_init__(self) -> None:
        p = self.top_spend_pct
        if p is not None and not (math.isfinite(p) and 0 < p <= 100):
            raise AnswerError("top_spend_pct", "sr.err.pct", "a percentage above 0, at most 100")

    def describe(self) -> str:
        """The rule as text: ``top 95 % of spend ∪ strategic``."""
        parts = []
        if self.top_spend_pct is not None:
            parts.append(f"top {self.top_spend_pct:g} % of spend")
        if self.strategic:
            parts.append("strategic")
        if self.key_tier1:
            parts.append("key tier 1")
        return " ∪ ".join(parts) or "nobody"

    def as_dict(self) -> dict[str, Any]:
        """The rule as a plain mapping (stored with the campaign)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScopeRule:
        """The rule of :meth:`as_dict`.

        Raises:
            AnswerError: ``top_spend_pct`` out of (0, 100].
        """
        p = data.get("top_spend_pct")
        return cls(
            top_spend_pct=None if p is None else float(p),
            strategic=bool(data.get("strategic", False)),
            key_tier1=bool(data.get("key_tier1", False)),
        )


def exact(x: float) -> Fraction:
    """``x`` as the exact fraction of its shortest decimal text (``0.1`` → 1/10, not the
    binary double), so that shares of amounts typed in decimal are exact."""
    return Fraction(repr(float(x)))


def top_spend_set(spend: Mapping[str, float], pct: float) -> list[str]:
    """The suppliers that, by descending spend (ties by code), together reach ``pct`` [%] of
    the total spend; the supplier that crosses the line is included (the audit-coverage set A
    of the report, lines 2180–2184, is the same set at 95 %). Suppliers with no or negative
    spend are never in it; an empty or zero total gives an empty set."""
    pos = {c: exact(v) for c, v in spend.items() if v > 0}
    total = sum(pos.values(), Fraction(0))
    if total == 0:
        return []
    line = exact(pct) / 100 * total
    chosen: list[str] = []
    cum = Fraction(0)
    for code, amount in sorted(pos.items(), key=lambda kv: (-kv[1], kv[0])):
        if cum >= line:
            break
        chosen.append(code)
        cum += amount
    return chosen


def evaluate_scope(
    rule: ScopeRule,
    spend: Mapping[str, float],
    flags: Mapping[str, SupplierFlags],
) -> dict[str, tuple[Reason, ...]]:
    """The suppliers the rule puts in scope, each with why (``spend``, ``strategic``,
    ``key_tier1``), sorted by code. ``spend`` is the fiscal year's spend by supplier code (any
    one currency); ``flags`` the register's flags by code (a supplier without spend may still be
    in scope as strategic)."""
    reasons: dict[str, list[Reason]] = {}
    if rule.top_spend_pct is not None:
        for code in top_spend_set(spend, rule.top_spend_pct):
            reasons.setdefault(code, []).append("spend")
    for code, f in flags.items():
        if rule.strategic and f.strategic:
            reasons.setdefault(code, []).append("strategic")
        if rule.key_tier1 and f.key_tier1:
            reasons.setdefault(code, []).append("key_tier1")
    return {c: tuple(reasons[c]) for c in sorted(reasons)}


# -- the answer ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicTarget:
    """A public GHG reduction target: ``type`` (absolute | intensity), ``base_year``,
    ``target_year``, ``reduction_pct`` [%] from the base year."""

    type: TargetType
    base_year: int
    target_year: int
    reduction_pct: float


@dataclass(frozen=True)
class ReTarget:
    """A renewable-electricity target: ``pct`` [%] of electricity by ``year``."""

    pct: float
    year: int


@dataclass(frozen=True)
class SupplierAnswer:
    """One answer of a supplier to a climate request. Masses in t CO2e; None = not answered.

    ``scope3_by_category_t`` keys are Scope 3 categories "1" … "15"; ``allocated_to_customer_t``
    is the part of the supplier's emissions it attributes to this customer, by
    ``allocation_method`` (CDP supply chain SM1)."""

    scope1_t: float | None = None
    scope2_location_t: float | None = None
    scope2_market_t: float | None = None
    scope3_t: float | None = None
    scope3_by_category_t: dict[str, float] = field(default_factory=dict)
    reporting_period: str | None = None
    boundary: str | None = None
    verified: bool = False
    verification_standard: VerificationStandard | None = None
    public_target: PublicTarget | None = None
    sbti_status: SbtiStatus = "none"
    sbti_horizon: SbtiHorizon | None = None
    sbti_date: date | None = None
    re_tracking: bool = False
    re_target: ReTarget | None = None
    re_share_pct: float | None = None
    allocated_to_customer_t: float | None = None
    allocation_method: AllocationMethod | None = None
    pcf_ids: tuple[str, ...] = ()
    cdp_score: str | None = None
    maturity_answers: dict[str, bool] = field(default_factory=dict)

    @property
    def has_inventory(self) -> bool:
        """True when Scope 1 and a Scope 2 figure are given (an inventory, GHG Protocol)."""
        s2 = self.scope2_market_t if self.scope2_market_t is not None else self.scope2_location_t
        return self.scope1_t is not None and s2 is not None

    def scope12_market_t(self) -> float | None:
        """Scope 1 + Scope 2 (market-based, else location-based) [t CO2e], None without an
        inventory."""
        s2 = self.scope2_market_t if self.scope2_market_t is not None else self.scope2_location_t
        if self.scope1_t is None or s2 is None:
            return None
        return self.scope1_t + s2

    def as_dict(self) -> dict[str, Any]:
        """The answer as JSON values (dates as ISO text), stored and shown; :func:`parse_answer`
        reads it back."""
        d = asdict(self)
        d["sbti_date"] = self.sbti_date.isoformat() if self.sbti_date else None
        d["pcf_ids"] = list(self.pcf_ids)
        return d


@dataclass(frozen=True)
class AcceptedAllocation:
    """A supplier's emissions allocated to this customer, from an accepted answer (for
    supplier-specific factors in Scope 3 category 1, GHG Protocol Scope 3 Standard ch. 7–8)."""

    supplier_code: str
    fiscal_year: str
    #: [t CO2e]
    allocated_t: float
    allocation_method: str
    response_id: int
    accepted_at: datetime


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _mass(data: Mapping[str, Any], name: str) -> float | None:
    v: Any = data.get(name)
    if _blank(v):
        return None
    try:
        x = float(str(v).replace(",", "").strip()) if isinstance(v, str) else float(v)
    except (TypeError, ValueError):
        raise AnswerError(name, "sr.err.number", "a number of t CO2e") from None
    if isinstance(v, bool) or not math.isfinite(x) or x < 0 or x > MAX_T:
        raise AnswerError(name, "sr.err.mass", "t CO2e, at least 0")
    return x


def _pct(data: Mapping[str, Any], name: str) -> float | None:
    v: Any = data.get(name)
    if _blank(v):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise AnswerError(name, "sr.err.pct", "a percentage 0–100") from None
    if isinstance(v, bool) or not (math.isfinite(x) and 0 <= x <= 100):
        raise AnswerError(name, "sr.err.pct", "a percentage 0–100")
    return x


def _year(name: str, v: Any) -> int:
    try:
        y = int(str(v).strip())
    except (TypeError, ValueError):
        raise AnswerError(name, "sr.err.year", "a year 1990–2100") from None
    if y not in _YEARS:
        raise AnswerError(name, "sr.err.year", "a year 1990–2100")
    return y


def _flag(data: Mapping[str, Any], name: str) -> bool:
    v = data.get(name)
    if isinstance(v, bool):
        return v
    if _blank(v):
        return False
    s = str(v).strip().lower()
    if s in ("1", "true", "yes", "on", "y"):
        return True
    if s in ("0", "false", "no", "off", "n"):
        return False
    raise AnswerError(name, "sr.err.flag", "yes or no")


def _choice(data: Mapping[str, Any], name: str, allowed: Sequence[str]) -> Any:
    v = data.get(name)
    if _blank(v):
        return None
    s = str(v).strip()
    if s not in allowed:
        raise AnswerError(
            name, "sr.err.choice", f"one of {', '.join(allowed)}", allowed=", ".join(allowed)
        )
    return s


def _text(data: Mapping[str, Any], name: str, limit: int) -> str | None:
    v = data.get(name)
    if _blank(v):
        return None
    s = str(v).strip()
    if len(s) > limit:
        raise AnswerError(name, "sr.err.text", f"at most {limit} characters", limit=limit)
    return s


def _sub(data: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    """A nested object, also accepted flattened (``public_target_type`` …) as forms send it."""
    v = data.get(name)
    if isinstance(v, Mapping):
        return v if any(not _blank(x) for x in v.values()) else None
    if v is not None and not _blank(v):
        raise AnswerError(name, "sr.err.object", "an object")
    flat = {k[len(name) + 1 :]: x for k, x in data.items() if k.startswith(name + "_")}
    return flat if any(not _blank(x) for x in flat.values()) else None


def _public_target(data: Mapping[str, Any]) -> PublicTarget | None:
    t = _sub(data, "public_target")
    if t is None:
        return None
    kind: TargetType = _choice(t, "type", TARGET_TYPES) or "absolute"
    base = _year("public_target.base_year", t.get("base_year"))
    target = _year("public_target.target_year", t.get("target_year"))
    if target <= base:
        raise AnswerError(
            "public_target.target_year", "sr.err.target_after_base", "after the base year"
        )
    red = _pct(t, "reduction_pct")
    if red is None:
        raise AnswerError("public_target.reduction_pct", "sr.err.pct", "a percentage 0–100")
    return PublicTarget(kind, base, target, red)


def _re_target(data: Mapping[str, Any]) -> ReTarget | None:
    t = _sub(data, "re_target")
    if t is None:
        return None
    pct = _pct(t, "pct")
    if pct is None:
        raise AnswerError("re_target.pct", "sr.err.pct", "a percentage 0–100")
    return ReTarget(pct, _year("re_target.year", t.get("year")))


def _by_category(data: Mapping[str, Any]) -> dict[str, float]:
    raw = data.get("scope3_by_category_t") or {}
    if not isinstance(raw, Mapping):
        raise AnswerError("scope3_by_category_t", "sr.err.object", "an object")
    out: dict[str, float] = {}
    for k, v in raw.items():
        key = str(k).strip()
        if key not in SCOPE3_CATEGORIES:
            raise AnswerError("scope3_by_category_t", "sr.err.category", "categories 1–15")
        x = _mass({key: v}, key)
        if x is not None:
            out[key] = x
    return dict(sorted(out.items(), key=lambda kv: int(kv[0])))


def _pcf_ids(data: Mapping[str, Any]) -> tuple[str, ...]:
    raw: Any = data.get("pcf_ids")
    if raw is None or _blank(raw):
        return ()
    items = re.split(r"[\s,;]+", raw) if isinstance(raw, str) else list(raw)
    ids = tuple(dict.fromkeys(str(i).strip() for i in items if str(i).strip()))
    if len(ids) > 500 or any(not _PCF_ID.match(i) for i in ids):
        raise AnswerError(
            "pcf_ids", "sr.err.pcf_ids", "PACT footprint ids (letters, digits, :._/-)"
        )
    return ids


def _sbti_date(data: Mapping[str, Any]) -> date | None:
    v = data.get("sbti_date")
    if _blank(v):
        return None
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v).strip())
    except ValueError:
        raise AnswerError("sbti_date", "sr.err.date", "a date YYYY-MM-DD") from None


def parse_answer(data: Mapping[str, Any]) -> SupplierAnswer:
    """The answer a mapping describes (a form, a JSON body, a push, a stored answer), checked.

    Masses are t CO2e ≥ 0; percentages 0–100; years 1990–2100. Rules beyond single fields:
    ``verification_standard`` only with ``verified``; an ``allocation_method`` with
    ``allocated_to_customer_t`` (CDP SM1 asks for both); ``sbti_date`` and ``sbti_horizon``
    only when the status is not ``none``; the categories of Scope 3 do not exceed its total.

    Raises:
        AnswerError: the first invalid field, with its message key.
    """
    by_cat = _by_category(data)
    scope3 = _mass(data, "scope3_t")
    if scope3 is None and by_cat:
        scope3 = sum(by_cat.values())
    elif scope3 is not None and sum(by_cat.values()) > scope3 * (1 + 1e-9) + 1e-9:
        raise AnswerError(
            "scope3_by_category_t",
            "sr.err.categories_exceed",
            "the categories add up to more than Scope 3",
        )
    verified = _flag(data, "verified")
    standard = _choice(data, "verification_standard", VERIFICATION_STANDARDS)
    if standard and not verified:
        raise AnswerError(
            "verification_standard", "sr.err.standard_unverified", "only for verified data"
        )
    sbti: SbtiStatus = _choice(data, "sbti_status", SBTI_STATUSES) or "none"
    horizon = _choice(data, "sbti_horizon", SBTI_HORIZONS)
    sbti_day = _sbti_date(data)
    if sbti == "none" and (horizon or sbti_day):
        raise AnswerError("sbti_status", "sr.err.sbti_none", "give the status with its date")
    allocated = _mass(data, "allocated_to_customer_t")
    method = _choice(data, "allocation_method", ALLOCATION_METHODS)
    if allocated is not None and method is None:
        raise AnswerError(
            "allocation_method",
            "sr.err.allocation_method",
            "how the emissions were allocated (CDP SM1)",
        )
    maturity = data.get("maturity_answers") or {}
    if not isinstance(maturity, Mapping):
        raise AnswerError("maturity_answers", "sr.err.object", "an object")
    return SupplierAnswer(
        scope1_t=_mass(data, "scope1_t"),
        scope2_location_t=_mass(data, "scope2_location_t"),
        scope2_market_t=_mass(data, "scope2_market_t"),
        scope3_t=scope3,
        scope3_by_category_t=by_cat,
        reporting_period=_text(data, "reporting_period", 40),
        boundary=_text(data, "boundary", 300),
        verified=verified,
        verification_standard=standard,
        public_target=_public_target(data),
        sbti_status=sbti,
        sbti_horizon=horizon,
        sbti_date=sbti_day,
        re_tracking=_flag(data, "re_tracking"),
        re_target=_re_target(data),
        re_share_pct=_pct(data, "re_share_pct"),
        allocated_to_customer_t=allocated,
        allocation_method=method,
        pcf_ids=_pcf_ids(data),
        cdp_score=_choice(data, "cdp_score", CDP_SCORES),
        maturity_answers={str(k)[:60]: _flag(maturity, k) for k in list(maturity)[:50]},
    )


#: CDP climate scores (A to D-, F for a company that did not answer)
CDP_SCORES: tuple[str, ...] = ("A", "A-", "B", "B-", "C", "C-", "D", "D-", "F")


def allocate_by_revenue_share(total_t: float, share_pct: float) -> float:
    """Emissions allocated to a customer by revenue share [t CO2e] = ``total_t`` × share
    (CDP supply chain SM1; GHG Protocol Scope 3 Standard ch. 8, economic allocation).

    Raises:
        AnswerError: a share outside 0–100 %.
    """
    share = _pct({"revenue_share_pct": share_pct}, "revenue_share_pct")
    assert share is not None
    return float(exact(total_t) * exact(share) / 100)
