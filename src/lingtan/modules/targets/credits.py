"""Carbon-credit holdings, retirements and carbon-neutrality claims.

A small, importable register (the product-footprint module calls it for product claims):

    reg = CreditRegister()
    reg.add(CreditBlock("H1", "VCS", "VCS-1234", "reforestation", 2022, CreditKind.REMOVAL,
                        SerialRange("VCS-1234-2022", 1, 1000)))
    r = reg.retire("H1", 120, claim_id="laptop-X1-FY2023/24", retired_on=date(2024, 5, 1))
    result = check_claim(claim, reg)

Rules:

- **one serial, one owner, one use**: serial numbers are integer ranges under a prefix (the
  registry's serial without its running number; ``VCS-1234-2022`` + 1…1000). A block whose
  range overlaps one already held under the same standard and prefix is rejected with a
  :class:`~lingtan.modules.targets.errors.CreditError` naming both blocks; a serial retires once.
- **claims** (ISO 14068-1:2023 carbon neutrality — organisation, site, building, product; PAS 2060
  principles): the footprint is quantified (and verified when required), reductions are
  evidenced, credits retired for the claim cover the residual footprint, each retired serial
  belongs to this claim only, vintages are recent enough, and a net-zero claim neutralises with
  removals only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from lingtan.modules.targets.errors import CreditError
from lingtan.modules.targets.plan import CreditKind


@dataclass(frozen=True, order=True)
class SerialRange:
    """Serials ``prefix``-``start`` … ``prefix``-``end`` (inclusive), one credit = 1 t CO2e."""

    prefix: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if not self.prefix.strip():
            raise CreditError("a serial range needs its prefix")
        if self.start < 0 or self.end < self.start:
            raise CreditError(f"serial range {self}: end must be >= start >= 0")

    @property
    def quantity(self) -> int:
        """Number of credits [t CO2e]."""
        return self.end - self.start + 1

    def overlaps(self, other: SerialRange) -> bool:
        """True when both ranges share a prefix and at least one serial."""
        return self.prefix == other.prefix and self.start <= other.end and other.start <= self.end

    def contains(self, other: SerialRange) -> bool:
        """True when ``other`` lies inside this range."""
        return self.prefix == other.prefix and self.start <= other.start and other.end <= self.end

    def __str__(self) -> str:
        return f"{self.prefix}-{self.start}…{self.end}"


@dataclass(frozen=True)
class CreditBlock:
    """A holding of credits.

    Attributes:
        id: holding key.
        standard: VCS (Verra), Gold Standard, CCER, Puro.earth, ISO 14064-2 …
        project_id: the issuing project's id in its registry.
        project_type: reforestation, biochar, DACCS, cookstoves, landfill gas …
        vintage: calendar year of the reductions or removals.
        kind: removal or avoidance.
        serials: serial range.
        source: evidence (registry transfer record, invoice).
    """

    id: str
    standard: str
    project_id: str
    project_type: str
    vintage: int
    kind: CreditKind
    serials: SerialRange
    source: str = ""

    @property
    def quantity(self) -> int:
        """Credits held [t CO2e]."""
        return self.serials.quantity

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "standard": self.standard,
            "project_id": self.project_id,
            "project_type": self.project_type,
            "vintage": self.vintage,
            "kind": self.kind.value,
            "serials": str(self.serials),
            "quantity": self.quantity,
            "source": self.source,
        }


@dataclass(frozen=True)
class Retirement:
    """Credits retired (cancelled in the registry) for one claim."""

    holding_id: str
    serials: SerialRange
    claim_id: str
    retired_on: date
    note: str = ""

    @property
    def quantity(self) -> int:
        """Credits retired [t CO2e]."""
        return self.serials.quantity

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "holding_id": self.holding_id,
            "serials": str(self.serials),
            "quantity": self.quantity,
            "claim_id": self.claim_id,
            "retired_on": self.retired_on.isoformat(),
            "note": self.note,
        }


def _subtract(free: list[SerialRange], used: SerialRange) -> list[SerialRange]:
    out: list[SerialRange] = []
    for r in free:
        if not r.overlaps(used):
            out.append(r)
            continue
        if r.start < used.start:
            out.append(SerialRange(r.prefix, r.start, used.start - 1))
        if used.end < r.end:
            out.append(SerialRange(r.prefix, used.end + 1, r.end))
    return out


@dataclass
class CreditRegister:
    """Holdings and retirements, with no serial held twice or retired twice."""

    holdings: dict[str, CreditBlock] = field(default_factory=dict)
    retirements: list[Retirement] = field(default_factory=list)

    def add(self, block: CreditBlock) -> None:
        """Hold ``block``.

        Raises:
            CreditError: the id is taken, or its serials overlap a block already held under the
                same standard and prefix (a serial can be owned once).
        """
        if block.id in self.holdings:
            raise CreditError(f"credit holding {block.id!r} is already in the register")
        for other in self.holdings.values():
            if other.standard == block.standard and other.serials.overlaps(block.serials):
                raise CreditError(
                    f"credit holding {block.id!r} ({block.serials}) overlaps holding "
                    f"{other.id!r} ({other.serials}) of {block.standard}: a serial can be held "
                    "only once"
                )
        self.holdings[block.id] = block

    def available(self, holding_id: str) -> list[SerialRange]:
        """Serial ranges of ``holding_id`` not yet retired, in order."""
        block = self._block(holding_id)
        free = [block.serials]
        for r in self.retirements:
            if r.holding_id == holding_id:
                free = _subtract(free, r.serials)
        return sorted(free)

    def _block(self, holding_id: str) -> CreditBlock:
        try:
            return self.holdings[holding_id]
        except KeyError:
            raise CreditError(f"no credit holding {holding_id!r}") from None

    def retire(
        self, holding_id: str, quantity: int, *, claim_id: str, retired_on: date, note: str = ""
    ) -> list[Retirement]:
        """Retire ``quantity`` credits of ``holding_id`` (lowest free serials first).

        Raises:
            CreditError: unknown holding, quantity < 1, or not enough credits left.
        """
        if quantity < 1:
            raise CreditError("retire at least one credit")
        free = self.available(holding_id)
        left = sum(r.quantity for r in free)
        if quantity > left:
            raise CreditError(
                f"holding {holding_id!r} has {left} credits left, cannot retire {quantity}"
            )
        out: list[Retirement] = []
        need = quantity
        for r in free:
            if need == 0:
                break
            take = min(need, r.quantity)
            out.append(
                Retirement(
                    holding_id,
                    SerialRange(r.prefix, r.start, r.start + take - 1),
                    claim_id,
                    retired_on,
                    note,
                )
            )
            need -= take
        self.retirements.extend(out)
        return out

    def retire_range(
        self,
        holding_id: str,
        serials: SerialRange,
        *,
        claim_id: str,
        retired_on: date,
        note: str = "",
    ) -> Retirement:
        """Retire exactly ``serials`` of ``holding_id`` (as recorded by the registry).

        Raises:
            CreditError: the range is not inside the holding, or any serial of it is already
                retired (naming the claim that used it).
        """
        block = self._block(holding_id)
        if not block.serials.contains(serials):
            raise CreditError(
                f"serials {serials} are not inside holding {holding_id!r} ({block.serials})"
            )
        for r in self.retirements:
            if r.serials.overlaps(serials):
                raise CreditError(
                    f"serials {serials} overlap {r.serials}, already retired for claim "
                    f"{r.claim_id!r} on {r.retired_on}: a serial can be retired only once"
                )
        ret = Retirement(holding_id, serials, claim_id, retired_on, note)
        self.retirements.append(ret)
        return ret

    def retired_for(self, claim_id: str) -> list[Retirement]:
        """Retirements made for ``claim_id``."""
        return [r for r in self.retirements if r.claim_id == claim_id]

    def to_dict(self) -> dict[str, Any]:
        """JSON form, with the credits left per holding."""
        return {
            "holdings": [
                {**b.to_dict(), "available": sum(r.quantity for r in self.available(b.id))}
                for b in self.holdings.values()
            ],
            "retirements": [r.to_dict() for r in self.retirements],
        }


def register_from(
    blocks: Iterable[CreditBlock], retirements: Iterable[Retirement] = ()
) -> CreditRegister:
    """Build a register, checking every block and retirement (same errors as the methods)."""
    reg = CreditRegister()
    for b in blocks:
        reg.add(b)
    for r in retirements:
        reg.retire_range(r.holding_id, r.serials, claim_id=r.claim_id, retired_on=r.retired_on,
                         note=r.note)  # fmt: skip
    return reg


class SubjectType(StrEnum):
    """What a carbon-neutrality claim is about (ISO 14068-1:2023 §5: organisation or product;
    sites and buildings are parts of an organisation claimed on their own boundary)."""

    ORGANISATION = "organisation"
    SITE = "site"
    BUILDING = "building"
    PRODUCT = "product"


@dataclass(frozen=True)
class Claim:
    """A carbon-neutrality (or net-zero) claim for one subject and period.

    Attributes:
        id: claim key; retirements name it.
        subject_type, subject_id: what is claimed neutral.
        period_start, period_end: the claim period (inclusive).
        footprint_t: the subject's footprint over the period after its own reductions
            [t CO2e] (ISO 14064-1 for organisations, ISO 14067 for products: per-unit kg ×
            units covered / 1000).
        footprint_standard: the standard it was quantified to.
        footprint_verified: third-party verified.
        reductions_t: reductions achieved and evidenced for the subject [t CO2e].
        reduction_evidence: documents (project reports, meter data, audit) for them.
        net_zero: a net-zero claim (only removals neutralise).
        inventory_status: completeness of the inventory snapshot the footprint rests on
            (``complete`` | ``incomplete``; None: not built on a snapshot). An incomplete
            inventory fails the ``completeness`` check (GHG Protocol ch. 1; ISO 14068-1 requires
            the footprint of the whole subject).
        inventory_rows_not_calculated: activity rows that snapshot did not calculate.
        inventory_snapshot: the snapshot id.
    """

    id: str
    subject_type: SubjectType
    subject_id: str
    period_start: date
    period_end: date
    footprint_t: float
    footprint_standard: str = ""
    footprint_verified: bool = False
    reductions_t: float = 0.0
    reduction_evidence: tuple[str, ...] = ()
    net_zero: bool = False
    inventory_status: str | None = None
    inventory_rows_not_calculated: int = 0
    inventory_snapshot: str = ""


@dataclass(frozen=True)
class ClaimRules:
    """Evidence rules (lingtan defaults, decision 0019).

    Attributes:
        require_verification: footprint verified by a third party.
        require_reduction_evidence: at least one evidenced reduction (reduce before offsetting).
        max_vintage_age_years: a credit's vintage at most this many years before the end of
            the claim period (None: no limit).
        accepted_standards: standards accepted (empty: any).
    """

    require_verification: bool = True
    require_reduction_evidence: bool = True
    max_vintage_age_years: int | None = 5
    accepted_standards: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimCheck:
    """One evidence check of a claim: ``check`` (its stable name) and ``detail`` in English,
    ``detail_key`` + ``params`` the same detail as a catalogue message (``evidence.register.*``,
    rendered by the adapters in the reader's language, decision 0054)."""

    check: str
    ok: bool
    detail: str
    detail_key: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {**self.__dict__, "params": dict(self.params)}


@dataclass(frozen=True)
class ClaimResult:
    """Outcome of :func:`check_claim`. Units: t CO2e."""

    claim: Claim
    checks: tuple[ClaimCheck, ...]
    residual_t: float
    retired_t: float
    retirements: tuple[Retirement, ...]

    @property
    def valid(self) -> bool:
        """Every check passed."""
        return all(c.ok for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        c = self.claim
        return {
            "claim_id": c.id,
            "subject_type": c.subject_type.value,
            "subject_id": c.subject_id,
            "period": {"start": c.period_start.isoformat(), "end": c.period_end.isoformat()},
            "net_zero": c.net_zero,
            "valid": self.valid,
            "inventory_status": c.inventory_status,
            "inventory_rows_not_calculated": c.inventory_rows_not_calculated,
            "footprint_t": c.footprint_t,
            "reductions_t": c.reductions_t,
            "residual_t": self.residual_t,
            "retired_t": self.retired_t,
            "checks": [k.to_dict() for k in self.checks],
            "retirements": [r.to_dict() for r in self.retirements],
        }


def product_footprint_t(per_unit_kg: float, units: float) -> float:
    """Footprint of the units a product claim covers: kg CO2e/unit × units / 1000 [t CO2e]."""
    return per_unit_kg * units / 1000.0


def check_claim(
    claim: Claim, register: CreditRegister, rules: ClaimRules | None = None
) -> ClaimResult:
    """Check the evidence of ``claim`` against ``register`` (module docstring, decision 0019).

    The residual to compensate is the footprint itself (it is measured after the subject's
    reductions); the credits retired for the claim must be at least that many tonnes. Credits
    are whole tonnes, so a residual of 10.2 t needs 11 credits.
    """
    ru = rules or ClaimRules()
    rets = tuple(register.retired_for(claim.id))
    retired = float(sum(r.quantity for r in rets))
    checks: list[ClaimCheck] = []
    fp_ok = claim.footprint_t > 0 and bool(claim.footprint_standard)
    std = claim.footprint_standard or "(no standard named)"
    checks.append(ClaimCheck(
        "footprint", fp_ok, f"{claim.footprint_t:,.3f} t CO2e quantified to {std}",
        _rk("footprint" if claim.footprint_standard else "footprint_no_standard"),
        {"footprint": claim.footprint_t, "standard": claim.footprint_standard or ""},
    ))  # fmt: skip
    if ru.require_verification:
        checks.append(ClaimCheck(
            "verification", claim.footprint_verified,
            "third-party verified" if claim.footprint_verified else "footprint not verified",
            _rk("verified" if claim.footprint_verified else "not_verified"),
        ))  # fmt: skip
    if ru.require_reduction_evidence:
        ok = claim.reductions_t > 0 and bool(claim.reduction_evidence)
        checks.append(ClaimCheck(
            "reductions", ok,
            f"{claim.reductions_t:,.3f} t evidenced by {len(claim.reduction_evidence)} document(s)"
            if ok else "no evidenced reduction: reduce before compensating (ISO 14068-1)",
            _rk("reductions" if ok else "no_reductions"),
            {"reductions": claim.reductions_t, "documents": len(claim.reduction_evidence)},
        ))  # fmt: skip
    if claim.inventory_status is not None:
        complete = claim.inventory_status == "complete"
        snap = f"snapshot {claim.inventory_snapshot[:16]}" if claim.inventory_snapshot else "the"
        key = ("complete" if complete else "incomplete") + (
            "_snapshot" if claim.inventory_snapshot else ""
        )
        checks.append(ClaimCheck(
            "completeness", complete,
            f"built on {snap} inventory, complete" if complete else
            f"built on an INCOMPLETE inventory ({snap}: {claim.inventory_rows_not_calculated} "
            "activity rows not calculated): the footprint is understated",
            _rk(key), {"snapshot": (claim.inventory_snapshot or "")[:16],
                       "rows": claim.inventory_rows_not_calculated or 0},
        ))  # fmt: skip
    residual = claim.footprint_t
    cover = retired >= residual - 1e-9
    checks.append(ClaimCheck(
        "retirements", cover,
        f"{retired:,.0f} credits retired for the claim against a residual of {residual:,.3f} t"
        + ("" if cover else f"; {residual - retired:,.3f} t uncovered"),
        _rk("retirements" if cover else "retirements_short"),
        {"retired": retired, "residual": residual, "uncovered": residual - retired},
    ))  # fmt: skip
    checks.extend(_credit_checks(claim, register, rets, ru))
    return ClaimResult(claim, tuple(checks), residual, retired, rets)


def _rk(name: str) -> str:
    """The catalogue key of a claim check's detail (``evidence.register.<name>``)."""
    return f"evidence.register.{name}"


def _credit_checks(
    claim: Claim, register: CreditRegister, rets: Sequence[Retirement], ru: ClaimRules
) -> list[ClaimCheck]:
    out: list[ClaimCheck] = []
    dup = [
        f"{r.serials} also retired for {o.claim_id!r}"
        for r in rets
        for o in register.retirements
        if o is not r and o.claim_id != claim.id and o.serials.overlaps(r.serials)
    ]
    out.append(ClaimCheck(
        "unique serials", not dup, "; ".join(dup) or "no serial is used by another claim",
        _rk("serials_reused" if dup else "serials_unique"),
        {"list": "; ".join(
            f"{r.serials} → {o.claim_id}"
            for r in rets
            for o in register.retirements
            if o is not r and o.claim_id != claim.id and o.serials.overlaps(r.serials)
        )},
    ))  # fmt: skip
    blocks = [register.holdings[r.holding_id] for r in rets]
    if ru.max_vintage_age_years is not None:
        oldest = claim.period_end.year - ru.max_vintage_age_years
        old = sorted({f"{b.id} ({b.vintage})" for b in blocks if b.vintage < oldest})
        out.append(ClaimCheck(
            "vintage", not old,
            f"vintages {oldest} or later required; too old: {', '.join(old)}" if old
            else f"all vintages {oldest} or later",
            _rk("vintage_old" if old else "vintage_ok"), {"oldest": oldest, "list": ", ".join(old)},
        ))  # fmt: skip
    if ru.accepted_standards:
        bad = sorted({b.standard for b in blocks if b.standard not in ru.accepted_standards})
        out.append(ClaimCheck(
            "standard", not bad,
            f"not accepted: {', '.join(bad)}" if bad
            else f"all credits under {', '.join(ru.accepted_standards)}",
            _rk("standard_bad" if bad else "standard_ok"),
            {"list": ", ".join(bad) if bad else ", ".join(ru.accepted_standards)},
        ))  # fmt: skip
    late = [r for r in rets if r.retired_on < claim.period_start]
    out.append(ClaimCheck(
        "retirement dates", not late,
        "retired before the claim period starts: " + ", ".join(str(r.serials) for r in late)
        if late else "retired on or after the start of the claim period",
        _rk("dates_early" if late else "dates_ok"),
        {"list": ", ".join(str(r.serials) for r in late)},
    ))  # fmt: skip
    if claim.net_zero:
        avoid = sorted({b.id for b in blocks if b.kind is not CreditKind.REMOVAL})
        out.append(ClaimCheck(
            "removals only", not avoid,
            "avoidance credits cannot neutralise a net-zero claim: " + ", ".join(avoid)
            if avoid else "all credits are removals",
            _rk("avoidance" if avoid else "removals"), {"list": ", ".join(avoid)},
        ))  # fmt: skip
    return out
