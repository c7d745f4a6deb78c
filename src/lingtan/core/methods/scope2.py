"""Scope 2 normalisers (GHG Protocol Scope 2 Guidance (2015) ch. 6–7; ISO 14064-1 category 2).

Templates ``electricity`` (``s2.electricity``: one row gives the location- and the market-based
totals), ``energy`` (steam, heat, cooling: ``s2.energy``) and ``instrument`` (contractual
instruments for the market-based method, Table 7.1; allocated by
:mod:`lingtan.core.methods.scope2_market`). Units: energy [kWh], rates [kg CO2e/kWh].
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lingtan.core.messages import Message, msg
from lingtan.core.methods.common import _Out
from lingtan.core.templates.assembly import _descriptions, _kept
from lingtan.core.templates.spec import INSTRUMENT_SCHEMA
from lingtan.core.templates.units import _has_dimension
from lingtan.core.templates.validation import _Rows

_ELECTRICITY_TYPES = {
    "grid": "electricity.grid",
    "onsite_renewable": "electricity.onsite_renewable",
}


def _n_electricity(r: _Rows) -> _Out:
    """Purchased or own renewable electricity (GHG Protocol Scope 2 Guidance ch. 6)."""
    units = r.units("unit", "quantity")
    source = r.texts("source")
    return _Out(
        activity_type=[_ELECTRICITY_TYPES.get(s or "") for s in source],
        quantity=r.numbers("quantity"),
        unit=units.text,
        category=1,
        method="s2.electricity",
        type_field="source",
    )


_ENERGY_TYPES = {"steam": ("heat.steam", 2), "heat": ("heat.district", 3),
                 "cooling": ("cooling.district", 4)}  # fmt: skip


def _n_energy(r: _Rows) -> _Out:
    """Purchased steam, heat, cooling (Scope 2 Guidance ch. 6); mass units for steam only."""
    units = r.units("unit", "quantity")
    kind = r.texts("type")
    mass = np.array([u is not None and _has_dimension(u, "mass") for u in units.text], dtype=bool)
    not_steam = np.array([k is not None and k != "steam" for k in kind], dtype=bool)
    r.flag(
        mass & not_steam,
        "unit",
        lambda i: msg("row.steam_mass_only", unit=units.text[i] or "", type=kind[i] or ""),
    )
    return _Out(
        activity_type=[_ENERGY_TYPES.get(k or "", (None, 0))[0] for k in kind],
        quantity=r.numbers("quantity"),
        unit=units.text,
        category=np.array([_ENERGY_TYPES.get(k or "", (None, 0))[1] for k in kind]),
        method="s2.energy",
        type_field="type",
    )


def _instruments(r: _Rows) -> Any:
    """Contractual instruments (GHG Protocol Scope 2 Guidance ch. 7) → :data:`INSTRUMENT_SCHEMA`.

    quantity_kwh = quantity × conversion to kWh; emission_rate [kg CO2e/kWh] defaults to 0 except
    for ``supplier_rate``, where it is required; region defaults to the country of the site (or
    of the organisation's default region for pooled instruments). A duplicated instrument_id is
    an issue on every row that carries it (either could be the wrong one).
    """
    ids = r.texts("instrument_id")
    where: dict[str, list[int]] = {}
    for i, v in enumerate(ids):
        if v is not None:
            where.setdefault(v, []).append(int(r.rows[i]))
    dup = np.array([v is not None and len(where[v]) > 1 for v in ids], dtype=bool)

    def duplicate(i: int) -> Message:
        return msg("row.instrument_duplicate", id=ids[i] or "", rows=tuple(where[ids[i] or ""]))

    r.flag(dup, "instrument_id", duplicate)
    units = r.units("unit", "quantity", target="kWh")
    with np.errstate(all="ignore"):
        kwh = r.numbers("quantity") * units.factor
    kind = r.texts("type")
    r.require_if(
        np.array([k == "supplier_rate" for k in kind], dtype=bool),
        "emission_rate",
        msg("row.required_for_supplier_rate"),
    )
    rate = r.numbers("emission_rate")
    r.flag(
        np.isfinite(rate) & (rate > 3.0),
        "emission_rate",
        msg("row.emission_rate_high"),
    )
    start, end = r.array("vintage_start"), r.array("vintage_end")
    backwards = np.asarray(
        pc.fill_null(pc.less(end, start), False).to_numpy(zero_copy_only=False), dtype=bool
    )
    r.flag(
        backwards,
        "vintage_end",
        lambda i: msg("row.vintage_backwards", date=r.shown("vintage_start", i)),
    )
    sites = r.sites()
    given = r.region_column("region")
    org_country = r.ctx.default_region.strip().upper().split("-")[0]
    regions = [
        g
        if g is not None
        else (org_country if s == "*" else r.ctx.sites[s].strip().upper().split("-")[0])
        for g, s in zip(given, sites, strict=True)
    ]
    keep = ~r.bad
    values: dict[str, Any] = {
        "instrument_id": ids,
        "type": kind,
        "quantity_kwh": kwh,
        "emission_rate_kg_per_kwh": rate,
        "region": regions,
        "site": [None if s == "*" else s for s in sites],
        "vintage_start": start,
        "vintage_end": end,
        "source_row": r.rows,
        "description": _descriptions(r),
    }
    arrays = [_kept(values[f.name], keep, f.type) for f in INSTRUMENT_SCHEMA]
    return pa.Table.from_arrays(arrays, schema=INSTRUMENT_SCHEMA)
