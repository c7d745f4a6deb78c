"""Grid electricity factor of a market, resolved from the factor library (use phase).

Use-phase emissions of an energy-using product are its electricity over the lifetime times the
grid factor of the market it is sold in (GHG Protocol Scope 3 Standard, category 11, direct
use-phase emissions; location-based grid average, Scope 2 Guidance §6). The factor is the
``electricity.grid`` group resolved "as of" a date for the market's region
(:func:`lingtan.core.factors.resolve`: region chain, nearest earlier edition, recorded
fallbacks), each gas weighted by the chosen GWP set.
"""

from __future__ import annotations

from datetime import date

from lingtan.adapters.io.factor_files import bundled_factor_sets, read_gwp_sets
from lingtan.core.factors import EmissionFactor, co2e_per_unit, resolve
from lingtan.modules.products.errors import BomError
from lingtan.modules.products.model import GridFactor


def grid_factor(
    region: str,
    on: date,
    gwp_set: str = "AR6",
    factors: list[EmissionFactor] | None = None,
) -> GridFactor:
    """kg CO2e per kWh of grid electricity in ``region`` on ``on``.

    Args:
        factors: candidate factors (default: the bundled library).

    Raises:
        BomError: no ``electricity.grid`` factor for the region or any parent region.
    """
    pool = factors if factors is not None else [f for s in bundled_factor_sets() for f in s.factors]
    m = resolve(pool, "electricity.grid", region, on, "kWh")
    if m is None:
        raise BomError(f"no electricity.grid factor for market {region!r} on {on}")
    gwp = read_gwp_sets()[gwp_set]
    total = co2e_per_unit(m.factors, gwp)
    ids = ", ".join(f.factor_id for f in m.factors)
    note = f" ({m.note})" if m.note else ""
    return GridFactor(total, m.region, f"{ids}{note}", gwp_set)
