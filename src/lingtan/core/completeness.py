"""Completeness of an inventory: what was not calculated, how much of it, and what to add.

Standards:

- GHG Protocol Corporate Standard (2004) ch. 1 (the *completeness* principle: account for and
  report all emission sources within the boundary; disclose and justify any exclusion) and ch. 4
  (operational boundaries; Scope 3 is optional but what is reported is reported completely);
- GHG Protocol Scope 3 Standard (2011) ch. 6 (relevance tests for Scope 3 categories: size,
  influence, risk, stakeholders, outsourcing, sector guidance, other) and ch. 11 (report a
  justification of every excluded category);
- ISO 14064-1:2018 §5.2 (significance of indirect emissions; exclusions justified) and §9.3
  (the report states and justifies excluded sources).

An inventory is ``incomplete`` when any required activity row could not be calculated (no
emission factor, or no unit / currency conversion) and its Scope 3 category is not in the
exclusions register with a reason. Optional streams (well-to-tank, T&D losses) without a factor
are listed as *not estimated* and do not make an inventory incomplete. A missing GWP stops the
calculation altogether (an error naming the gases), so it never yields a partial inventory.

A Scope 3 category with no data and no exclusion reason is an *open item* ("not reported, no
reason"): listed, but not by itself a cause of ``incomplete``.

Each group carries the engine's *reason* when it has one (snapshots from before it did not):
the currency, the year and the series consulted for a missing exchange rate or price index
(GHG Protocol Scope 3 Technical Guidance, cat. 1 spend-based method; decision 0029), the two
units of a conversion that cannot be made, or the region chain searched for a factor. "What to
add" is worded from it.

Units: ``quantity`` is the tonnage basis of what is missing, in the activity rows' own unit
(``t``, ``kWh``, ``CNY`` …), summed per group; never converted here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from lingtan.core.activities import SCOPE3_CATEGORIES
from lingtan.core.boundary import region_chain

COMPLETE: Final = "complete"
INCOMPLETE: Final = "incomplete"

#: Relevance tests of the GHG Protocol Scope 3 Standard ch. 6 (Table 6.1), as reason codes.
EXCLUSION_REASONS: Final[dict[str, str]] = {
    "size": "small compared with the other Scope 3 categories (size)",
    "influence": "the company has little potential to reduce these emissions (influence)",
    "risk": "contributes no material risk exposure (risk)",
    "stakeholders": "not deemed critical by key stakeholders (stakeholders)",
    "outsourcing": "no outsourced activity that was previously in-house (outsourcing)",
    "sector_guidance": "not identified as significant by sector guidance (sector guidance)",
    "other": "other criterion, stated in the note (other)",
}

#: Why a group of rows was not calculated.
CAUSES: Final[dict[str, str]] = {
    "no_factor": "no emission factor",
    "no_conversion": "no unit or currency conversion",
}


@dataclass(frozen=True)
class Exclusion:
    """One entry of the Scope 3 exclusions register.

    Attributes:
        category: Scope 3 category 1–15.
        reason: a key of :data:`EXCLUSION_REASONS`.
        note: the justification in the organisation's words (required for ``other``).
    """

    category: int
    reason: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.category not in SCOPE3_CATEGORIES:
            raise ValueError(f"category {self.category}: Scope 3 categories are 1–15")
        if self.reason not in EXCLUSION_REASONS:
            raise ValueError(
                f"reason {self.reason!r}: one of {', '.join(EXCLUSION_REASONS)} "
                "(GHG Protocol Scope 3 Standard ch. 6)"
            )
        if self.reason == "other" and not self.note.strip():
            raise ValueError("reason 'other' needs a note that states the criterion")

    @property
    def text(self) -> str:
        """The reason in words, with the note."""
        base = EXCLUSION_REASONS[self.reason]
        return f"{base}: {self.note}" if self.note else base

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "category": self.category,
            "name": SCOPE3_CATEGORIES[self.category],
            "reason": self.reason,
            "note": self.note,
            "text": self.text,
        }


@dataclass(frozen=True)
class MissingGroup:
    """Activity rows not calculated, grouped by what is missing.

    Units: ``quantity`` [the rows' ``unit``].
    """

    scope: int
    category: int
    activity_type: str
    region: str
    unit: str
    rows: int
    quantity: float
    cause: str  # a key of CAUSES
    what_to_add: str
    excluded: bool = False  # Scope 3 category in the exclusions register (does not count)
    currency: str | None = None  # ISO 4217 code when the rows are spend in a currency
    #: why, as the engine found it (keys: kind, text, currency, year, series, from_unit, to_unit,
    #: region_chain); None for snapshots stored before reasons were
    reason: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "scope": self.scope,
            "category": self.category,
            "activity_type": self.activity_type,
            "region": self.region,
            "unit": self.unit,
            "rows": self.rows,
            "quantity": self.quantity,
            "cause": self.cause,
            "cause_text": CAUSES.get(self.cause, self.cause),
            "what_to_add": self.what_to_add,
            "excluded": self.excluded,
            "currency": self.currency,
            "reason": dict(self.reason) if self.reason else None,
            "reason_text": (self.reason or {}).get("text") or CAUSES.get(self.cause, self.cause),
        }


@dataclass(frozen=True)
class Completeness:
    """The completeness assessment of one inventory (see the module docstring).

    Attributes:
        status: ``complete`` or ``incomplete``.
        rows_not_calculated: activity rows that count towards ``incomplete``.
        groups: every group of rows not calculated (including those of excluded categories).
        not_estimated: optional streams with no factor (do not count).
        exclusions: the Scope 3 exclusions register.
        scope3: per Scope 3 category ("1" … "15"): ``reported`` | ``excluded`` |
            ``not_reported`` (no data, no reason) | ``not_calculated`` (rows failed) |
            ``not_split`` (inside a Scope 3 figure disclosed without a split).
        open_items: sentences naming what is open (not-reported categories, conflicts).
    """

    status: str
    rows_not_calculated: int
    groups: tuple[MissingGroup, ...] = ()
    not_estimated: tuple[MissingGroup, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    scope3: Mapping[str, str] = field(default_factory=dict)
    open_items: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """True when nothing required is missing."""
        return self.status == COMPLETE

    def counted(self) -> tuple[MissingGroup, ...]:
        """The groups that make the inventory incomplete."""
        return tuple(g for g in self.groups if not g.excluded)

    def what_to_add(self) -> list[str]:
        """Distinct actions, in group order."""
        return list(dict.fromkeys(g.what_to_add for g in self.counted()))

    def basis(self) -> dict[str, float]:
        """Quantity not calculated per ``activity type [unit]`` (counted groups)."""
        out: dict[str, float] = {}
        for g in self.counted():
            k = f"{g.activity_type} [{g.unit}]"
            out[k] = out.get(k, 0.0) + g.quantity
        return out

    def summary(self) -> str:
        """One line: ``incomplete: 3 activity rows not calculated (fuel.x 10 t; …)``."""
        if self.complete:
            return "complete: every activity row was calculated"
        parts = "; ".join(f"{k.split(' [')[0]} {v:,.6g} {k.split(' [')[1][:-1]}"
                          for k, v in self.basis().items())  # fmt: skip
        return f"incomplete: {self.rows_not_calculated} activity rows not calculated ({parts})"

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the ``completeness`` section of the inventory document, docs/output.md)."""
        return {
            "status": self.status,
            "rows_not_calculated": self.rows_not_calculated,
            "basis": self.basis(),
            "groups": [g.to_dict() for g in self.groups],
            "what_to_add": self.what_to_add(),
            "not_estimated_groups": [g.to_dict() for g in self.not_estimated],
            "exclusions": [e.to_dict() for e in self.exclusions],
            "scope3_categories": dict(self.scope3),
            "open_items": list(self.open_items),
        }


#: Workspace files that supply what the bundled reference series lack (docs/reference-series.md).
USER_FX_FILE: Final = "reference/fx_rates.csv"
USER_INDEX_FILE: Final = "reference/price_index.csv"


def series_tried(reason: Mapping[str, Any]) -> str:
    """The series a missing value was looked up in, with the years each holds for the currency:
    ``'reference/fx_rates.csv (no CNY), ECB … (bundled) (CNY 1999–2025)'``."""
    cur = reason.get("currency") or ""
    parts = []
    for s in reason.get("series") or ():
        years = s.get("years") or ""
        parts.append(f"{s.get('name')} ({cur} {years})" if years else f"{s.get('name')} (no {cur})")
    return ", ".join(parts) or "none"


def what_to_add(
    cause: str,
    activity_type: str,
    region: str,
    unit: str,
    fiscal_year: str,
    currency: str | None,
    reason: Mapping[str, Any] | None = None,
) -> str:
    """The action that would let a group be calculated, in words, from the engine's ``reason``
    when there is one (see the module docstring), else from the cause alone."""
    kind = (reason or {}).get("kind")
    if cause == "no_factor" and kind in ("unit", "bad_unit"):
        assert reason is not None
        if kind == "bad_unit":
            return f"a unit lingtan understands for {activity_type} instead of {unit!r}: " + str(
                reason.get("text") or ""
            )
        to = reason.get("to_unit")
        return (
            f"the quantity of {activity_type} in a unit convertible to {to} (the unit of its "
            f"factors; {unit} does not convert to {to}), or an emission factor in {unit}"
        )
    if cause == "no_factor":
        chain = list((reason or {}).get("region_chain") or region_chain(region))
        return (
            f"an emission factor for {activity_type} in {region or 'any region'} valid in "
            f"{fiscal_year}, in {unit} or a unit convertible from it (a factor set in factors/; "
            f"regions searched: {' → '.join(chain)})"
        )
    if kind == "fx":
        assert reason is not None
        return (
            f"an exchange rate for {reason.get('currency')} in {reason.get('year')} (series "
            f"tried: {series_tried(reason)}): a row in {USER_FX_FILE} supplies it"
        )
    if kind == "price_index":
        assert reason is not None
        cur = reason.get("currency")
        return (
            f"a price index for {cur} {reason.get('year')} (series tried: {series_tried(reason)}):"
            f" {USER_INDEX_FILE} supplies it, as a whole {cur} series (it replaces the bundled "
            f"index of {cur} for every year)"
        )
    if kind == "price_year":
        return f"a price year for the {currency or unit} amounts of {activity_type}"
    if kind == "unit":
        assert reason is not None
        to = reason.get("to_unit")
        return (
            f"a conversion from {unit} to {to} for {activity_type}: {unit} does not convert to "
            f"{to} (the factor's unit); the quantity in a unit convertible to {to}, or a factor "
            f"in {unit}"
        )
    if currency:  # a snapshot stored before reasons: the rate or the index, year unknown
        return (
            f"a {currency} exchange rate for {fiscal_year} or a price index for the factor's "
            f"price year for {activity_type}: the bundled series (ECB rates, BEA index) lack it; "
            f"{USER_FX_FILE} or {USER_INDEX_FILE} can supply it"
        )
    return (
        f"a conversion from {unit} for {activity_type}: a factor in {unit}, or the quantity in "
        "a unit of the factor's dimension"
    )


def _currency(unit: str) -> str | None:
    from lingtan.core.units import currency_code, may_be_currency

    if not unit or not may_be_currency(unit):  # answered without building the unit registry
        return None
    try:
        return currency_code(unit)
    except Exception:  # an unparseable unit is simply not a currency
        return None


def group_of(gap: Mapping[str, Any], fiscal_year: str, excluded: frozenset[int]) -> MissingGroup:
    """A :class:`MissingGroup` from one gap row of the engine (keys ``lookup``, ``region_eff``,
    ``unit``, ``scope``, ``category``, ``rows``, ``quantity``, ``no_factor`` and, when stored,
    ``reason``)."""
    unit = str(gap.get("unit") or "")
    cause = "no_factor" if gap.get("no_factor", True) else "no_conversion"
    act = str(gap.get("lookup") or "")
    region = str(gap.get("region_eff") or "")
    scope, cat = int(gap.get("scope") or 0), int(gap.get("category") or 0)
    currency = _currency(unit)
    reason = gap.get("reason") or None
    return MissingGroup(
        scope=scope,
        category=cat,
        activity_type=act,
        region=region,
        unit=unit,
        rows=int(gap.get("rows") or 0),
        quantity=float(gap.get("quantity") or 0.0),
        cause=cause,
        what_to_add=what_to_add(cause, act, region, unit, fiscal_year, currency, reason),
        excluded=scope == 3 and cat in excluded,
        currency=currency,
        reason=reason,
    )


def assess(
    unresolved: Iterable[Mapping[str, Any]],
    not_estimated: Iterable[Mapping[str, Any]] = (),
    *,
    fiscal_year: str = "",
    scope3_reported: Iterable[int] = (),
    exclusions: Iterable[Exclusion] = (),
    scope3_split: bool = True,
) -> Completeness:
    """Assess completeness from the engine's gap rows.

    Args:
        unresolved: required rows not calculated, grouped (``Inventory.unresolved``).
        not_estimated: optional streams not estimated.
        fiscal_year: label used in "what to add".
        scope3_reported: Scope 3 categories with at least one calculated row.
        exclusions: the Scope 3 exclusions register.
        scope3_split: False when Scope 3 is one disclosed figure booked under one category:
            the other categories are then ``not_split`` (inside that figure), not unreported.
    """
    excl = tuple(sorted(exclusions, key=lambda e: e.category))
    excluded = frozenset(e.category for e in excl)
    groups = tuple(group_of(g, fiscal_year, excluded) for g in unresolved)
    optional = tuple(group_of(g, fiscal_year, excluded) for g in not_estimated)
    counted = [g for g in groups if not g.excluded]
    reported = set(scope3_reported)
    failed = {g.category for g in groups if g.scope == 3}
    status: dict[str, str] = {}
    items: list[str] = []
    for c in SCOPE3_CATEGORIES:
        if c in failed and c not in excluded:
            status[str(c)] = "not_calculated"
        elif c in reported:
            status[str(c)] = "reported"
            if c in excluded:
                items.append(
                    f"Scope 3 category {c} ({SCOPE3_CATEGORIES[c]}) is in the exclusions "
                    "register but has "
                    "calculated emissions: they are reported; remove the exclusion or the data"
                )
        elif c in excluded:
            status[str(c)] = "excluded"
        elif not scope3_split:
            status[str(c)] = "not_split"
        else:
            status[str(c)] = "not_reported"
    if not scope3_split:
        items.append(
            "Scope 3 is one disclosed figure, not split by category: split it to report the "
            "categories (GHG Protocol Scope 3 Standard ch. 11 reports each category separately)"
        )
    silent = [k for k, v in status.items() if v == "not_reported"]
    if silent:
        items.append(
            f"Scope 3 categor{'y' if len(silent) == 1 else 'ies'} {', '.join(silent)}: not "
            "reported, no reason (add a reason under exclusions: in lingtan.yaml, or the data)"
        )
    return Completeness(
        status=INCOMPLETE if counted else COMPLETE,
        rows_not_calculated=sum(g.rows for g in counted),
        groups=groups,
        not_estimated=optional,
        exclusions=excl,
        scope3=status,
        open_items=tuple(items),
    )


def exclusions_from_dicts(items: Iterable[Mapping[str, Any]]) -> tuple[Exclusion, ...]:
    """Inverse of ``Exclusion.to_dict`` (stored snapshots)."""
    return tuple(
        Exclusion(int(d["category"]), str(d["reason"]), str(d.get("note") or "")) for d in items
    )
