"""Standard coal equivalent (折标准煤): quantities of energy carriers → kgce / tce.

Standard: GB/T 2589-2020 *综合能耗计算通则* (General rules for calculation of the comprehensive
energy consumption), Annex A reference coefficients (折标准煤系数), kgce per unit of the carrier;
1 kgce = 7 000 kcal = 29.3076 MJ (:mod:`lingtan.core.units`), 1 tce = 1 000 kgce.

    tce = quantity [unit] × (unit → coefficient unit) × coefficient [kgce/unit] / 1 000

Electricity uses the calorific-equivalent value (当量值) 0.1229 kgce/kWh (3 600 kJ/kWh ÷
29 307.6 kJ/kgce = 0.12283, rounded by the standard); the equal-value (等价值) basis has no fixed
coefficient (the year's thermal-power coal rate) and must be given by the caller as its own table.

The coefficients are reference data (``lingtan/data/energy/standard_coal.csv``, built from
``shared/data/china-energy-conversion`` by ``tools/build_factor_library.py``, read by
:mod:`lingtan.adapters.io.standard_coal_files`); this module only parses rows handed to it and
computes. Nothing here opens a file.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lingtan.core.errors import LingtanError, UnitError
from lingtan.core.units import conversion_factor, parse_unit

#: Columns of the coefficient table (``standard_coal.csv``).
COAL_COLUMNS: tuple[str, ...] = (
    "carrier",
    "energy_zh",
    "energy_en",
    "unit",
    "kgce_per_unit",
    "kgce_min",
    "kgce_max",
    "low_heat_value",
    "standard",
    "confidence",
    "notes",
)


class StandardCoalError(LingtanError):
    """A coefficient row is malformed, or a conversion asks for what the table cannot give."""


@dataclass(frozen=True)
class StandardCoalCoefficient:
    """One carrier's coefficient. Units: ``kgce_per_unit`` (or the range ``kgce_min`` …
    ``kgce_max``, published for carriers of variable quality) [kgce / ``unit``]."""

    carrier: str
    unit: str
    kgce_per_unit: float | None
    energy_zh: str = ""
    energy_en: str = ""
    kgce_min: float | None = None
    kgce_max: float | None = None
    low_heat_value: str = ""
    standard: str = ""
    confidence: str = ""
    notes: str = ""


@dataclass(frozen=True)
class StandardCoalTable:
    """The coefficient table and where it comes from (manifest ``name``, ``edition``)."""

    name: str
    edition: str
    coefficients: Mapping[str, StandardCoalCoefficient]

    def get(self, carrier: str) -> StandardCoalCoefficient:
        """The coefficient of ``carrier``.

        Raises:
            StandardCoalError: unknown carrier (the message lists the known ones).
        """
        c = self.coefficients.get(carrier)
        if c is None:
            raise StandardCoalError(
                f"no standard-coal coefficient for carrier {carrier!r} in {self.name}; known: "
                + ", ".join(sorted(self.coefficients))
            )
        return c


def _number(text: str, where: str, field: str) -> float | None:
    raw = (text or "").strip()
    if not raw:
        return None
    try:
        v = float(raw)
    except ValueError as exc:
        raise StandardCoalError(f"{where}: field '{field}': not a number: {raw!r}") from exc
    if not math.isfinite(v) or v <= 0:
        raise StandardCoalError(f"{where}: field '{field}': must be a positive number, got {raw}")
    return v


def parse_coefficients(
    rows: Iterable[Mapping[str, str]], *, name: str, edition: str, source: str
) -> StandardCoalTable:
    """Check and collect coefficient rows (text fields, columns of :data:`COAL_COLUMNS`).

    Raises:
        StandardCoalError: naming the source, row and field — empty carrier, duplicate carrier,
            unknown unit, no value and no range, or a value that is not a positive number.
    """
    out: dict[str, StandardCoalCoefficient] = {}
    for n, r in enumerate(rows, start=2):
        where = f"{source}, row {n}"
        carrier = (r.get("carrier") or "").strip()
        if not carrier:
            raise StandardCoalError(f"{where}: field 'carrier' is empty")
        if carrier in out:
            raise StandardCoalError(f"{where}: carrier {carrier!r} appears twice")
        unit = (r.get("unit") or "").strip()
        try:
            parse_unit(unit)
        except UnitError as exc:
            raise StandardCoalError(f"{where}: field 'unit': {exc}") from exc
        value = _number(r.get("kgce_per_unit", ""), where, "kgce_per_unit")
        lo = _number(r.get("kgce_min", ""), where, "kgce_min")
        hi = _number(r.get("kgce_max", ""), where, "kgce_max")
        if value is None and (lo is None or hi is None):
            raise StandardCoalError(f"{where}: neither 'kgce_per_unit' nor a min-max range")
        out[carrier] = StandardCoalCoefficient(
            carrier=carrier,
            unit=unit,
            kgce_per_unit=value,
            energy_zh=(r.get("energy_zh") or "").strip(),
            energy_en=(r.get("energy_en") or "").strip(),
            kgce_min=lo,
            kgce_max=hi,
            low_heat_value=(r.get("low_heat_value") or "").strip(),
            standard=(r.get("standard") or "").strip(),
            confidence=(r.get("confidence") or "").strip(),
            notes=(r.get("notes") or "").strip(),
        )
    return StandardCoalTable(name, edition, out)


def to_kgce(quantity: float, unit: str, coefficient: StandardCoalCoefficient) -> float:
    """Kilograms of standard coal equivalent of ``quantity`` [``unit``] of one carrier
    (GB/T 2589-2020 Annex A): q × (unit → coefficient unit) × kgce/unit [kgce].

    Raises:
        StandardCoalError: the carrier has only a range (choose a value: quality varies), or
            ``unit`` has another dimension than the coefficient's.
    """
    if coefficient.kgce_per_unit is None:
        raise StandardCoalError(
            f"{coefficient.carrier}: GB/T 2589 gives a range "
            f"{coefficient.kgce_min}–{coefficient.kgce_max} kgce/{coefficient.unit}, not one "
            "value; use the carrier's measured calorific value or a named carrier"
        )
    try:
        m = conversion_factor(unit, coefficient.unit)
    except UnitError as exc:
        raise StandardCoalError(f"{coefficient.carrier}: {exc}") from exc
    return quantity * m * coefficient.kgce_per_unit


def to_tce(quantity: float, unit: str, coefficient: StandardCoalCoefficient) -> float:
    """Tonnes of standard coal equivalent [tce] = :func:`to_kgce` / 1 000 (GB/T 2589-2020)."""
    return to_kgce(quantity, unit, coefficient) / 1000.0
