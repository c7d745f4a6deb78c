"""Carbon-neutral product claims: footprint → reductions → retired credits → claim + evidence.

Standards: ISO 14068-1:2023 (carbon neutrality: quantify the footprint, reduce first, then
offset the residual with retired credits, and disclose the evidence); PAS 2060:2014
principles; the group standard 《产品碳中和实施通则》 (Shanghai Environment and Energy Exchange,
2023) under which the source report's four notebooks were certified; ISO 14067:2018 for the
footprint itself. The report's label lets a consumer scan a QR code and see "all the efforts"
(扫码查看 … 所有努力): :class:`ProductClaim` is that evidence, JSON-serialisable.

Credits come from a register through a small interface (:class:`CreditSource`: anything with
``retired_for(claim_id)`` returning retirements with ``claim_id``, ``quantity`` [t CO2e],
``retired_on`` and ``to_dict()``), decision 0024. The targets module's
``lingtan.modules.targets.credits.CreditRegister`` satisfies it; when the register is one, its
own ``check_claim`` (serial uniqueness, vintage, accepted standards) runs too and its checks
are part of the evidence.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from lingtan.modules.products.errors import ClaimError
from lingtan.modules.products.footprint import Footprint


class RetiredCredit(Protocol):
    """A retirement of credits for one claim (one credit = 1 t CO2e)."""

    @property
    def claim_id(self) -> str:
        """The claim the credits were retired for."""
        ...

    @property
    def quantity(self) -> float:
        """Credits retired [t CO2e]."""
        ...

    @property
    def retired_on(self) -> date:
        """Date of the retirement in the registry."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """JSON form (serials, registry, project …) for the evidence."""
        ...


class CreditSource(Protocol):
    """Where retired credits for a claim are looked up (decision 0024)."""

    def retired_for(self, claim_id: str) -> Sequence[RetiredCredit]:
        """Retirements made for ``claim_id``."""
        ...


@dataclass(frozen=True)
class Reduction:
    """A reduction measure of the product, evidenced (ISO 14068-1 §8: reduce before offset).

    Attributes:
        description: e.g. ``recycled aluminium A-cover``, ``plastic-free packaging``.
        kg_co2e_per_unit: reduction per product vs the reference [kg CO2e] (> 0).
        evidence: document references (supplier certificate, test report, BOM revision …).
    """

    description: str
    kg_co2e_per_unit: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimCheck:
    """One evidence check: ``check`` and ``detail`` in English (the API's words), and the same
    two texts as catalogue messages, ``key`` and ``detail_key`` with ``params`` (``evidence.*``),
    which the adapters render in the reader's language (decision 0054)."""

    check: str
    ok: bool
    detail: str
    key: str = ""
    detail_key: str = ""
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class ProductClaim:
    """A carbon-neutral product claim with its evidence. Units: t CO2e unless stated.

    Attributes:
        claim_id: the id retirements must name.
        footprint: the configuration's footprint (per product, after its reductions).
        units: products the claim covers (sold in the period).
        residual_t: footprint of the units covered, to be offset.
        retired_t: credits retired for the claim.
        checks: every evidence check; the claim holds when all pass.
        evidence_url: the product's public evidence page (the label's QR code).
    """

    claim_id: str
    footprint: Footprint
    units: float
    period_start: date
    period_end: date
    reductions: tuple[Reduction, ...]
    residual_t: float
    retired_t: float
    retirements: tuple[dict[str, Any], ...]
    checks: tuple[ClaimCheck, ...]
    evidence_url: str
    verified_by: str = ""
    register_checks: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @property
    def valid(self) -> bool:
        """True when every check passed (the product may be labelled carbon neutral)."""
        return all(c.ok for c in self.checks)

    @property
    def footprint_sha256(self) -> str:
        """Content hash of the footprint document the claim rests on."""
        doc = json.dumps(self.footprint.to_dict(), sort_keys=True, default=str)
        return hashlib.sha256(doc.encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable evidence document (what the public page shows)."""
        fp = self.footprint
        return {
            "claim_id": self.claim_id,
            "status": "carbon neutral" if self.valid else "not carbon neutral",
            "valid": self.valid,
            "product_id": fp.product_id,
            "product_name": fp.product_name,
            "configuration_id": fp.configuration_id,
            "period": {"start": self.period_start.isoformat(), "end": self.period_end.isoformat()},
            "units_covered": self.units,
            "footprint_kg_co2e_per_unit": fp.total,
            "stages_kg_co2e_per_unit": fp.by_stage(),
            "footprint_sha256": self.footprint_sha256,
            "reductions": [
                {
                    "description": r.description,
                    "kg_co2e_per_unit": r.kg_co2e_per_unit,
                    "t_co2e": r.kg_co2e_per_unit * self.units / 1000.0,
                    "evidence": list(r.evidence),
                }
                for r in self.reductions
            ],
            "residual_t_co2e": self.residual_t,
            "retired_t_co2e": self.retired_t,
            "retirements": list(self.retirements),
            "checks": [c.__dict__ for c in self.checks],
            "register_checks": list(self.register_checks),
            "verified_by": self.verified_by,
            "evidence_url": self.evidence_url,
            "standards": [
                "ISO 14067:2018",
                "ISO 14068-1:2023",
                "PAS 2060:2014",
                "产品碳中和实施通则 (group standard, 2023)",
            ],
        }


def _keys(name: str) -> tuple[str, str]:
    """The catalogue keys of a check's name and detail: ``evidence.check.<name>``,
    ``evidence.detail.<name>``."""
    return f"evidence.check.{name}", f"evidence.detail.{name}"


def evidence_url(base_url: str, product_id: str, configuration_id: str) -> str:
    """The public evidence page of a product configuration: ``{base}/p/{product}/{config}``."""
    if not base_url.startswith(("https://", "http://")):
        raise ClaimError(f"evidence base URL must start with https:// or http://: {base_url!r}")
    return f"{base_url.rstrip('/')}/p/{product_id}/{configuration_id}"


def claim_product(
    claim_id: str,
    footprint: Footprint,
    units: float,
    period_start: date,
    period_end: date,
    credits: CreditSource,
    *,
    reductions: Sequence[Reduction] = (),
    base_url: str = "https://example.org/lingtan",
    verified_by: str = "",
    require_verification: bool = False,
) -> ProductClaim:
    """Assess a carbon-neutral claim for ``units`` products of one configuration.

    residual [t] = footprint [kg/unit] × units / 1000; the claim holds when the footprint is
    positive and quantified to ISO 14067, at least one reduction is evidenced, credits retired
    *for this claim* on or after the period start cover the residual, and (optionally) the
    footprint is third-party verified.

    Raises:
        ClaimError: units not positive, or the period ends before it starts.
    """
    if not units > 0:
        raise ClaimError(f"claim {claim_id}: units covered must be > 0, got {units}")
    if period_end < period_start:
        raise ClaimError(f"claim {claim_id}: period ends {period_end} before {period_start}")
    residual_t = footprint.total * units / 1000.0
    found = list(credits.retired_for(claim_id))
    mine = [r for r in found if r.claim_id == claim_id]
    in_time = [r for r in mine if r.retired_on >= period_start]
    retired_t = float(sum(r.quantity for r in in_time))
    reduced = sum(r.kg_co2e_per_unit for r in reductions)
    checks = [
        ClaimCheck(
            "footprint quantified (ISO 14067)",
            footprint.total > 0 and bool(footprint.lines),
            f"{footprint.total:.2f} kg CO2e per unit, {len(footprint.lines)} demand lines",
            *_keys("footprint"),
            {"kg": footprint.total, "lines": len(footprint.lines)},
        ),
        ClaimCheck(
            "reductions evidenced (reduce before offsetting)",
            any(r.kg_co2e_per_unit > 0 and r.evidence for r in reductions),
            f"{len(reductions)} measure(s), {reduced:.2f} kg CO2e per unit",
            *_keys("reductions"),
            {"n": len(reductions), "kg": reduced},
        ),
        ClaimCheck(
            "credits retired for this claim cover the residual",
            retired_t >= residual_t - 1e-9,
            f"retired {retired_t:,.3f} t vs residual {residual_t:,.3f} t",
            *_keys("credits_cover"),
            {"retired": retired_t, "residual": residual_t},
        ),
        ClaimCheck(
            "retirements dated on or after the period start",
            len(in_time) == len(mine),
            f"{len(mine) - len(in_time)} retirement(s) before {period_start}",
            *_keys("retirement_dates"),
            {"n": len(mine) - len(in_time), "start": period_start.isoformat()},
        ),
    ]
    if require_verification:
        checks.append(
            ClaimCheck(
                "footprint third-party verified",
                bool(verified_by),
                verified_by or "none",
                "evidence.check.verified",
                "" if verified_by else "evidence.detail.not_verified",
            )
        )
    reg_checks = _register_checks(
        claim_id,
        footprint,
        units,
        residual_t,
        period_start,
        period_end,
        credits,
        reductions,
        verified_by,
    )
    for rc in reg_checks:
        checks.append(
            ClaimCheck(
                f"register: {rc['check']}",
                bool(rc["ok"]),
                str(rc["detail"]),
                "evidence.check.register." + str(rc["check"]).replace(" ", "_"),
                str(rc.get("detail_key", "")),
                dict(rc.get("params") or {}),
            )
        )
    return ProductClaim(
        claim_id=claim_id,
        footprint=footprint,
        units=units,
        period_start=period_start,
        period_end=period_end,
        reductions=tuple(reductions),
        residual_t=residual_t,
        retired_t=retired_t,
        retirements=tuple(r.to_dict() for r in mine),
        checks=tuple(checks),
        evidence_url=evidence_url(base_url, footprint.product_id, footprint.configuration_id),
        verified_by=verified_by,
        register_checks=tuple(reg_checks),
    )


def _register_checks(
    claim_id: str,
    footprint: Footprint,
    units: float,
    residual_t: float,
    period_start: date,
    period_end: date,
    credits: CreditSource,
    reductions: Sequence[Reduction],
    verified_by: str,
) -> list[dict[str, Any]]:
    """The targets register's own checks (vintage, standards, serials) when ``credits`` is
    that register; [] otherwise (decision 0024)."""
    try:
        from lingtan.modules.targets import credits as reg
    except ImportError:  # pragma: no cover - the targets module is optional here
        return []
    if not isinstance(credits, reg.CreditRegister):
        return []
    claim = reg.Claim(
        id=claim_id,
        subject_type=reg.SubjectType.PRODUCT,
        subject_id=f"{footprint.product_id}/{footprint.configuration_id}",
        period_start=period_start,
        period_end=period_end,
        footprint_t=residual_t,
        footprint_standard="ISO 14067:2018",
        footprint_verified=bool(verified_by),
        reductions_t=sum(r.kg_co2e_per_unit for r in reductions) * units / 1000.0,
        reduction_evidence=tuple(e for r in reductions for e in r.evidence),
    )
    rules = reg.ClaimRules(require_verification=False)
    result = reg.check_claim(claim, credits, rules)
    return [dict(c.to_dict()) for c in result.checks]


# -- issued claims: the public evidence, frozen ------------------------------------------------

#: format tag of an issued-claim record
ISSUED_FORMAT = "lingtan.issued-claim/1"


def issued_record(
    page: dict[str, Any],
    *,
    version: int,
    previous: str | None,
    issued_at: str,
    issued_by: str,
    inputs: dict[str, Any],
    public: bool,
    url: str | None = None,
) -> dict[str, Any]:
    """The immutable record of an issued claim (decision 0030): ``page`` is everything its
    public page shows (footprint per unit [kg CO2e] and by stage, the claim with credits,
    retirements and checks, method, database, GWP set), frozen when issued, so the page never
    moves when factors change later (ISO 14068-1:2023 §11: the claim's public disclosure
    documents the footprint and offsets *as claimed*; ISO 14067:2018 §7.3 requires a
    footprint's date and data basis to be stated). ``inputs`` names what it was computed from
    (file hashes, grid factor with its source, assessment date, software version);
    ``previous`` is the sha256 of the version it replaces (None for version 1)."""
    return {
        "format": ISSUED_FORMAT,
        "claim_id": page["claim"]["claim_id"],
        "product_id": page["product_id"],
        "configuration_id": page["configuration_id"],
        "version": int(version),
        "previous": previous,
        "issued_at": issued_at,
        "issued_by": issued_by,
        "public": bool(public),
        "url": url,
        "page": page,
        "inputs": inputs,
    }


def record_bytes(record: dict[str, Any]) -> bytes:
    """Canonical JSON (sorted keys, no blanks, UTF-8, no NaN) of a record: its file's bytes."""
    return json.dumps(
        record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def record_sha256(record: dict[str, Any]) -> str:
    """sha256 of :func:`record_bytes`: the record's name."""
    return hashlib.sha256(record_bytes(record)).hexdigest()


def same_evidence(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """True when two records publish the same page (a reissue changing nothing the page
    shows — footprint, stages, credits, checks — is no new version)."""
    return record_bytes(a["page"]) == record_bytes(b["page"]) and bool(a["public"]) == bool(
        b["public"]
    )
