"""Unit dimensions of activity and factor units: the key on which a quantity meets a factor.

Physical units are keyed by their pint dimension (:func:`lingtan.core.units.dimension_name`),
every currency shares one key (the spend method converts between currencies with exchange rates:
GHG Protocol Scope 3 Calculation Guidance, spend-based method), and plain energy (kWh, GJ, mmBtu
…) also meets a factor per energy on a calorific-value basis (decision 0029). Used by the
import-time unit check (:mod:`lingtan.adapters.io.unit_check`) and by the engine's factor tables
(``compute.tables``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from lingtan.core.errors import UnitError
from lingtan.core.factors import EmissionFactor
from lingtan.core.units import currency_code, cv_basis, dimension_name

#: Dimension key shared by every currency unit (CNY, USD, EUR …).
CURRENCY_DIM = "[currency]"

#: Dimension key of plain energy units (kWh, MJ, GJ, mmBtu, therm …).
PLAIN_ENERGY_DIM = dimension_name("kWh")


@lru_cache(maxsize=4096)
def unit_dim(unit: str) -> str:
    """Dimension key used to match activity and factor units (all currencies share one key:
    the spend method converts between them with exchange rates)."""
    return CURRENCY_DIM if currency_code(unit) else dimension_name(unit)


def factor_dims(factors: Iterable[EmissionFactor]) -> dict[str, set[str]]:
    """Activity type → the unit dimensions (:func:`unit_dim`) its factors take, plain energy
    included where a factor is per energy on a calorific-value basis
    (``compute.tables.plain_energy_groups``). A quantity whose unit has none
    of these dimensions can never be calculated."""
    out: dict[str, set[str]] = {}
    for f in factors:
        dims = out.setdefault(f.activity_type, set())
        try:
            dims.add(unit_dim(f.unit))
            if cv_basis(f.unit) is not None:
                dims.add(PLAIN_ENERGY_DIM)
        except UnitError:
            continue
    return out
