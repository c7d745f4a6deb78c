"""Supplier-specific emission factors from accepted supplier allocations (issue 15 item 5).

A supplier that answers a climate data request states the emissions it allocates to this
customer for a fiscal year (CDP supply chain module SM1; allocation by revenue share or by
physical output, GHG Protocol Scope 3 Standard ch. 8 "allocating emissions"). Once the buyer
accepts the answer, that figure becomes a **supplier-specific emission factor** for the
supplier's Scope 3 category 1 rows of that year — the *hybrid method* of the GHG Protocol
Scope 3 Standard ch. 7 (§7.3 "supplier-specific data") and of the Scope 3 Calculation Guidance
(category 1, hybrid method: supplier-allocated emissions in place of the spend-based estimate);
ISO 14064-1:2018 category 4 (indirect emissions from products an organisation uses):

    EF_s [kg CO2e / unit] = 1000 × allocated_to_customer [t CO2e] / denominator [unit]

where the denominator is what the customer bought from the supplier in that fiscal year, taken
from the customer's own category 1 rows of that supplier:

* ``basis = "spend"``: the money spent, converted into one currency exactly as the spend-based
  method converts an amount (at the average exchange rate of each amount's price year), with no
  price-year deflation (the factor has no price year: it is *nominal*, per unit of the fiscal
  year's own money). The unit of EF_s is then ``kg CO2e / <ISO 4217 code>`` (e.g. per CNY).
* ``basis = "quantity"``: the physical quantity bought (all rows of one unit dimension, converted
  into one unit): ``kg CO2e / <unit>`` (e.g. per t).

Applied back to the same rows, Σ EF_s × amount_i = allocated_to_customer: the supplier's
category 1 emissions equal its allocation (before the consolidation share of the sites that
bought).

This module is pure (no file, no connection): :func:`supplier_factor` validates and computes,
:meth:`SupplierFactor.emission_factor` gives the factor the engine resolves — activity type
``supplier:<code>`` (:func:`lookup`), region ``GLO``, valid for the fiscal year, set
:data:`SUPPLIER_SET`, gas CO2e — and :func:`from_emission_factor` reads it back for lineage.
The engine looks it up first for the supplier's category 1 rows and falls back to the row's own
activity type (docs/decisions/0066-supplier-specific-factors.md).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, get_args

from lingtan.core.errors import LingtanError
from lingtan.core.factors import EmissionFactor, FactorSource
from lingtan.core.gwp import CO2E
from lingtan.core.messages import Param

#: Factor set of supplier-specific factors (rows resolved to it carry tier ``supplier_specific``).
SUPPLIER_SET = "supplier-specific"
#: Activity-type prefix of a supplier-specific factor: ``supplier:<supplier code>``.
LOOKUP_PREFIX = "supplier:"
#: Region of a supplier-specific factor: it describes the supplier's own operations, wherever
#: the buying site is (the engine matches it through every region chain).
REGION = "GLO"
#: GWP set of the factor's CO2e value: the supplier computed it (as for disclosed figures).
GWP_AS_DISCLOSED = "as disclosed"
#: Largest allocation accepted [t CO2e] (10 Gt: beyond any company; as the answer form).
MAX_ALLOCATED_T = 1e10
#: Largest plausible spend intensity [kg CO2e / USD]: the most carbon-intensive sectors of
#: environmentally-extended input–output tables (cement, lime, primary metals, power) are of
#: the order of 1–10 kg CO2e per USD (US EPA USEEIO v2 supply-chain factors); a hundred times
#: the mean of such sectors is a unit slip (t for kg, 万元 for 元), not a supplier.
MAX_KG_PER_USD = 100.0

Basis = Literal["spend", "quantity"]
BASES: tuple[str, ...] = get_args(Basis)


class SupplierFactorError(LingtanError):
    """No factor can be derived: ``key`` is the message key of the ``supplier_factors``
    catalogue (``supplier_factors.err.*``) and ``params`` its parameters; ``str(error)`` is the
    English text."""

    def __init__(self, key: str, english: str, **params: Param) -> None:
        super().__init__(english)
        self.key = key
        self.params = params


def lookup(supplier: str) -> str:
    """The activity type a supplier's factor is filed under: ``supplier:<code>``."""
    return LOOKUP_PREFIX + supplier


@dataclass(frozen=True)
class SupplierFactor:
    """A supplier-specific factor of one supplier and fiscal year, with where it came from.

    Units: ``allocated_t`` [t CO2e]; ``denominator`` [``unit``] (money spent, or quantity
    bought); :attr:`kg_per_unit` [kg CO2e / ``unit``]. ``valid_from`` / ``valid_to`` are the
    fiscal year's first day and the day after its last (``valid_to`` exclusive)."""

    supplier: str
    fiscal_year: str
    valid_from: date
    valid_to: date
    allocated_t: float
    denominator: float
    unit: str
    basis: Basis
    allocation_method: str
    response_id: int
    rows: int = 0  # the customer's rows the denominator sums [count]

    @property
    def kg_per_unit(self) -> float:
        """EF_s = 1000 × allocated_t / denominator [kg CO2e / unit]."""
        return 1000.0 * self.allocated_t / self.denominator

    @property
    def factor_id(self) -> str:
        """``supplier-specific/<code>/<FY2023-24>/r<response id>/CO2e``: a new accepted answer
        gives a new id (and so a new snapshot)."""
        fy = self.fiscal_year.replace("/", "-")
        return f"{SUPPLIER_SET}/{self.supplier}/{fy}/r{self.response_id}/{CO2E}"

    def emission_factor(self) -> EmissionFactor:
        """The factor the engine resolves: activity type :func:`lookup`, region :data:`REGION`,
        valid in the fiscal year, :attr:`kg_per_unit` kg CO2e per :attr:`unit`, no price year
        (nominal money of the year), its provenance in the source and (as JSON) the
        description (:func:`from_emission_factor`)."""
        return EmissionFactor(
            factor_id=self.factor_id,
            set_name=SUPPLIER_SET,
            activity_type=lookup(self.supplier),
            region=REGION,
            unit=self.unit,
            gas=CO2E,
            value=self.kg_per_unit,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            source=FactorSource(
                f"supplier {self.supplier}",
                f"climate data response #{self.response_id}",
                self.fiscal_year,
                self.allocation_method,
            ),
            gwp_set=GWP_AS_DISCLOSED,
            description=json.dumps(self.provenance(), sort_keys=True),
        )

    def provenance(self) -> dict[str, Any]:
        """What lineage shows of the factor (JSON-ready): supplier, fiscal year, response id,
        allocation method, basis, allocated [t CO2e], denominator and unit, EF [kg CO2e/unit]."""
        return {
            "supplier": self.supplier,
            "fiscal_year": self.fiscal_year,
            "response_id": self.response_id,
            "allocation_method": self.allocation_method,
            "basis": self.basis,
            "allocated_t": self.allocated_t,
            "denominator": self.denominator,
            "unit": self.unit,
            "rows": self.rows,
            "kg_per_unit": self.kg_per_unit,
        }


def supplier_factor(
    *,
    supplier: str,
    fiscal_year: str,
    valid_from: date,
    valid_to: date,
    allocated_t: float,
    denominator: float,
    unit: str,
    basis: str,
    allocation_method: str,
    response_id: int,
    rows: int = 0,
    denominator_usd: float | None = None,
) -> SupplierFactor:
    """Validate an accepted allocation and the customer's purchases, and derive EF_s.

    Args:
        allocated_t: the supplier's emissions allocated to this customer [t CO2e], ≥ 0.
        denominator: money spent [``unit``] (``basis`` ``spend``) or quantity bought
            [``unit``] (``quantity``) with the supplier in category 1 in the fiscal year, > 0.
        unit: an ISO 4217 code (spend) or a physical unit (quantity).
        denominator_usd: the spend in USD (spend basis), for the plausibility bound
            :data:`MAX_KG_PER_USD`; not checked when None.

    Raises:
        SupplierFactorError: an empty supplier code, an unknown basis, dates that do not make a
            period, a negative, non-finite or absurd allocation, no purchases (zero spend: no
            division by zero), a negative denominator (refunds above purchases) or an
            implausible intensity — each with its catalogue key.
    """
    code = (supplier or "").strip()
    if not code or any(ord(c) < 32 for c in code):
        raise SupplierFactorError(
            "supplier_factors.err.supplier", f"supplier code {supplier!r} is empty or invalid"
        )
    if basis not in BASES:
        raise SupplierFactorError(
            "supplier_factors.err.basis", f"basis {basis!r}: spend or quantity", basis=basis
        )
    if not valid_from < valid_to:
        raise SupplierFactorError(
            "supplier_factors.err.period",
            f"{fiscal_year}: the period {valid_from} – {valid_to} is empty",
            fiscal_year=fiscal_year,
        )
    if not math.isfinite(allocated_t) or allocated_t < 0 or allocated_t > MAX_ALLOCATED_T:
        raise SupplierFactorError(
            "supplier_factors.err.allocated",
            f"supplier {code}, {fiscal_year}: allocated {allocated_t} t CO2e is not between 0 "
            f"and {MAX_ALLOCATED_T:g} t",
            supplier=code,
            fiscal_year=fiscal_year,
            value=str(allocated_t),
        )
    if not math.isfinite(denominator) or denominator == 0:
        what = "spend" if basis == "spend" else "quantity bought"
        raise SupplierFactorError(
            f"supplier_factors.err.no_{basis}",
            f"supplier {code}, {fiscal_year}: no category 1 {what} with this supplier in the "
            f"year, so {allocated_t:g} t CO2e cannot be turned into a factor per {unit} "
            "(allocated / 0); its rows keep their own factors",
            supplier=code,
            fiscal_year=fiscal_year,
            allocated=f"{allocated_t:g}",
            unit=unit,
        )
    if denominator < 0:
        raise SupplierFactorError(
            "supplier_factors.err.negative",
            f"supplier {code}, {fiscal_year}: the category 1 {basis} sums to {denominator:g} "
            f"{unit} (refunds above purchases): no factor",
            supplier=code,
            fiscal_year=fiscal_year,
            value=f"{denominator:g}",
            unit=unit,
        )
    if denominator_usd is not None and denominator_usd > 0:
        per_usd = 1000.0 * allocated_t / denominator_usd
        if per_usd > MAX_KG_PER_USD:
            raise SupplierFactorError(
                "supplier_factors.err.implausible",
                f"supplier {code}, {fiscal_year}: {per_usd:.4g} kg CO2e per USD spent is above "
                f"{MAX_KG_PER_USD:g} (a unit slip?): no factor",
                supplier=code,
                fiscal_year=fiscal_year,
                value=f"{per_usd:.4g}",
                limit=f"{MAX_KG_PER_USD:g}",
            )
    return SupplierFactor(
        supplier=code,
        fiscal_year=fiscal_year,
        valid_from=valid_from,
        valid_to=valid_to,
        allocated_t=float(allocated_t),
        denominator=float(denominator),
        unit=unit,
        basis=basis,  # type: ignore[arg-type]  # checked against BASES above
        allocation_method=allocation_method,
        response_id=int(response_id),
        rows=rows,
    )


def check_windows(factors: Iterable[SupplierFactor]) -> None:
    """Refuse two factors of one supplier whose validity overlaps (the engine looks a row's
    supplier up once per date: one factor at a time).

    Raises:
        SupplierFactorError: ``supplier_factors.err.overlap`` naming the supplier and years.
    """
    by: dict[str, list[SupplierFactor]] = {}
    for f in factors:
        by.setdefault(f.supplier, []).append(f)
    for code, fs in sorted(by.items()):
        fs.sort(key=lambda f: f.valid_from)
        for a, b in itertools.pairwise(fs):
            if b.valid_from < a.valid_to:
                raise SupplierFactorError(
                    "supplier_factors.err.overlap",
                    f"supplier {code}: factors of {a.fiscal_year} and {b.fiscal_year} overlap",
                    supplier=code,
                    a=a.fiscal_year,
                    b=b.fiscal_year,
                )


def emission_factors(factors: Sequence[SupplierFactor]) -> list[EmissionFactor]:
    """:meth:`SupplierFactor.emission_factor` of each, after :func:`check_windows`, sorted by
    factor id (a stable order: the same factors give the same snapshot)."""
    check_windows(factors)
    return sorted((f.emission_factor() for f in factors), key=lambda f: f.factor_id)


def from_emission_factor(factor: EmissionFactor) -> dict[str, Any] | None:
    """The provenance of a supplier-specific factor (:meth:`SupplierFactor.provenance`) as
    frozen in a snapshot, or None for any other factor (lineage: "supplier-specific: response
    #7, supplier S-A, revenue_share")."""
    if factor.set_name != SUPPLIER_SET or not factor.activity_type.startswith(LOOKUP_PREFIX):
        return None
    try:
        data = json.loads(factor.description or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    data.setdefault("supplier", factor.activity_type[len(LOOKUP_PREFIX) :])
    data.setdefault("fiscal_year", factor.source.edition)
    data.setdefault("allocation_method", factor.source.table)
    data.setdefault("unit", factor.unit)
    data.setdefault("kg_per_unit", factor.value)
    return data


__all__ = [
    "BASES",
    "LOOKUP_PREFIX",
    "MAX_ALLOCATED_T",
    "MAX_KG_PER_USD",
    "SUPPLIER_SET",
    "SupplierFactor",
    "SupplierFactorError",
    "check_windows",
    "emission_factors",
    "from_emission_factor",
    "lookup",
    "supplier_factor",
]
