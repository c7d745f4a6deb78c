"""Supplier audits: records, findings, the audit-coverage set, audits due and the suspension
rule (issue 15 item 3, decision 0064).

The source report (lines 2180–2184) requires 95 % of suppliers *by spend* (按采购金额计) to
have an RBA VAP audit, or an equivalent independent third-party audit by an RBA-approved body,
every two years; findings are tracked until closed; serious violations end the relationship.

**The audit-coverage set A** (:func:`coverage_set`), for spend amounts ``spend_s`` > 0 of one
fiscal year:

1. sort suppliers by descending spend; equal spends by supplier code (ascending) — the order
   only decides the listing, never membership (step 3);
2. take the shortest prefix whose cumulative spend reaches the target: ``Σ spend ≥ 95 % ·
   Σ_all spend`` ("reaches" includes equality), computed exactly (rational arithmetic on the
   amounts as the decimals they print as, ``0.1`` = 1/10: no floating-point rounding at the
   boundary);
3. ties at the boundary: every supplier whose spend equals the last supplier taken is in A as
   well (suppliers with equal spend are treated alike), so A may exceed the shortest prefix;
4. suppliers with zero spend are never in A; a negative amount is refused; with no spend A is
   empty.

**Valid audit**: scheme ``rba_vap`` or ``rba_equivalent`` (``other`` never counts), dated
within ``[FY end − 24 months, FY end]`` (calendar months; 29 February → 28 February).
**Audited spend share** = Σ spend of suppliers with a valid audit / Σ spend of all suppliers.
**Next due** = latest counting audit + 24 months; a supplier of A without one is due at once.
**Due in the next six months**: suppliers of A whose next due date ≤ today + 6 months
(overdue ones included and flagged).

**Suspension**: a ``priority`` finding still open after its due date suspends the supplier,
unless a waiver for that finding is in force on the day (granted on or before it, not expired).

Standards: RBA Code of Conduct and Validated Assessment Program (priority / major / minor
findings) [K]; ISO 20400:2017 §7.3.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from lingtan.modules.suppliers.review_errors import ReviewError

#: audit schemes; the first two count for coverage (report line 2181)
SCHEMES = ("rba_vap", "rba_equivalent", "other")
COUNTING_SCHEMES = ("rba_vap", "rba_equivalent")
#: finding severities of the RBA VAP
SEVERITIES = ("priority", "major", "minor")
#: share of spend the audited set must reach (report line 2181)
COVERAGE_TARGET = Fraction(95, 100)
#: months an audit stays valid (every two years, report line 2181)
VALID_MONTHS = 24
#: the scheduling horizon [months] (spec workflow 4)
DUE_HORIZON_MONTHS = 6


@dataclass(frozen=True)
class Finding:
    """One finding: ``ref`` (its id), ``severity`` (:data:`SEVERITIES`), RBA ``section``,
    ``due`` (None = no deadline set), ``closed_on`` (None = open)."""

    ref: str
    severity: str
    section: str = ""
    due: date | None = None
    closed_on: date | None = None


@dataclass(frozen=True)
class Audit:
    """One audit of a supplier (site optional): ``scheme``, ``audited_on``, ``score``
    [0–200 for the RBA VAP, or the body's scale; informative only] and findings."""

    supplier: str
    scheme: str
    audited_on: date
    score: float | None = None
    site: str | None = None
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Waiver:
    """A waiver of the suspension rule for one finding: who granted it, why, from when, until
    when (None = no end)."""

    finding_ref: str
    granted_by: str
    reason: str
    granted_on: date
    until: date | None = None


def add_months(d: date, months: int) -> date:
    """``d`` moved by ``months`` calendar months (negative: back); a day past the month's end
    becomes its last day (2024-02-29 − 24 months = 2022-02-28)."""
    m = d.year * 12 + d.month - 1 + months
    y, mo = divmod(m, 12)
    last = [31, 29 if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][mo]  # fmt: skip
    return date(y, mo + 1, min(d.day, last))


def check_audit(a: Audit) -> None:
    """Refuse an unknown scheme or severity, or a duplicate finding ref.

    Raises:
        ReviewError: the invalid field.
    """
    if a.scheme not in SCHEMES:
        raise ReviewError("supplier_reviews.err.scheme", value=a.scheme)
    refs = [f.ref for f in a.findings]
    for f in a.findings:
        if f.severity not in SEVERITIES:
            raise ReviewError("supplier_reviews.err.severity", value=f.severity)
        if refs.count(f.ref) > 1:
            raise ReviewError("supplier_reviews.err.finding_duplicate", value=f.ref)


@dataclass(frozen=True)
class CoverageSet:
    """The set A in descending spend order, its spend and the total [spend currency]; the
    share reached [fraction 0–1] and the target."""

    members: tuple[str, ...]
    spend_in_set: Fraction
    total_spend: Fraction
    target: Fraction

    @property
    def share(self) -> float:
        """Σ spend of A / Σ spend [0–1] (0 with no spend)."""
        return float(self.spend_in_set / self.total_spend) if self.total_spend else 0.0


def _exact(spend: Mapping[str, float]) -> dict[str, Fraction]:
    out: dict[str, Fraction] = {}
    for code, amount in spend.items():
        if amount < 0:
            raise ReviewError("supplier_reviews.err.spend_negative", value=code)
        # the decimal the amount prints as (0.1 → 1/10), not its binary approximation
        out[code] = Fraction(repr(float(amount))) if isinstance(amount, float) else Fraction(amount)
    return out


def coverage_set(spend: Mapping[str, float], target: Fraction = COVERAGE_TARGET) -> CoverageSet:
    """The audit-coverage set A (module docstring: order, boundary, ties, zero spend).

    Raises:
        ReviewError: a negative spend amount.
    """
    exact = _exact(spend)
    total = sum(exact.values(), Fraction(0))
    ranked = sorted(((c, v) for c, v in exact.items() if v > 0), key=lambda cv: (-cv[1], cv[0]))
    members: list[str] = []
    cum = Fraction(0)
    if total > 0:
        for code, value in ranked:
            if members and cum >= target * total and value != exact[members[-1]]:
                break
            members.append(code)
            cum += value
    return CoverageSet(tuple(members), cum, total, target)


def counts(a: Audit) -> bool:
    """True when the audit's scheme counts for coverage (RBA VAP or RBA-approved equivalent)."""
    return a.scheme in COUNTING_SCHEMES


def valid_on(a: Audit, fy_end: date) -> bool:
    """True when ``a`` counts and is dated within ``[fy_end − 24 months, fy_end]``."""
    return counts(a) and add_months(fy_end, -VALID_MONTHS) <= a.audited_on <= fy_end


def audited_share(
    spend: Mapping[str, float],
    audits: Sequence[Audit],
    fy_end: date,
    total: float | None = None,
) -> float:
    """Σ spend of suppliers with a valid audit at ``fy_end`` / Σ spend [0–1]; the denominator
    is ``total`` when given (e.g. all spend of the year, spend without a supplier included),
    the sum of ``spend`` otherwise."""
    exact = _exact(spend)
    whole = sum(exact.values(), Fraction(0)) if total is None else _exact({"": total})[""]
    return _share(exact, {a.supplier for a in audits if valid_on(a, fy_end)}, whole)


def _share(exact: Mapping[str, Fraction], audited: set[str], total: Fraction) -> float:
    if not total:
        return 0.0
    return float(sum((v for c, v in exact.items() if c in audited), Fraction(0)) / total)


def next_due(supplier: str, audits: Sequence[Audit]) -> date | None:
    """The latest counting audit of ``supplier`` + 24 months (None: never audited)."""
    dates = [a.audited_on for a in audits if a.supplier == supplier and counts(a)]
    return add_months(max(dates), VALID_MONTHS) if dates else None


@dataclass(frozen=True)
class DueAudit:
    """A supplier of A due for an audit: its last counting audit (None = never), the due date
    (None = at once), ``overdue`` when the due date has passed or it was never audited."""

    supplier: str
    last_audit: date | None
    due: date | None
    overdue: bool


def audits_due(members: Sequence[str], audits: Sequence[Audit], today: date) -> list[DueAudit]:
    """Suppliers of A due within six months of ``today`` (overdue first, then by due date,
    then by code)."""
    horizon = add_months(today, DUE_HORIZON_MONTHS)
    out: list[DueAudit] = []
    for s in members:
        due = next_due(s, audits)
        if due is None or due <= horizon:
            last = add_months(due, -VALID_MONTHS) if due is not None else None
            out.append(DueAudit(s, last, due, due is None or due < today))
    return sorted(out, key=lambda d: (not d.overdue, d.due or date.min, d.supplier))


def waived(ref: str, waivers: Sequence[Waiver], today: date) -> Waiver | None:
    """The waiver in force for finding ``ref`` on ``today`` (granted on or before it, not yet
    expired), or None."""
    for w in waivers:
        if w.finding_ref == ref and w.granted_on <= today and (w.until is None or today <= w.until):
            return w
    return None


def suspension_triggers(
    audits: Sequence[Audit], waivers: Sequence[Waiver], today: date
) -> dict[str, list[Finding]]:
    """``{supplier: [findings]}``: priority findings still open after their due date and not
    waived on ``today`` (a supplier listed here is to be suspended)."""
    out: dict[str, list[Finding]] = {}
    for a in audits:
        for f in a.findings:
            late = f.severity == "priority" and f.closed_on is None and f.due is not None
            if (
                late
                and f.due is not None
                and today > f.due
                and waived(f.ref, waivers, today) is None
            ):
                out.setdefault(a.supplier, []).append(f)
    return out
