"""``lingtan inventory``: the table of emissions by Kyoto gas (GHG Protocol Corporate Standard
ch. 9; ISO 14064-1:2018 §9.3.1), printed after the summary. The table is the inventory's own
(:attr:`lingtan.core.inventory.Inventory.gas_table`, computed once when the snapshot was
calculated with its GWP set, :mod:`lingtan.adapters.compute.gases`); here it is only printed.
Units: t CO2e and t of gas; biogenic CO2 in t CO2, outside the scopes."""

from __future__ import annotations

from collections.abc import Sequence

from lingtan.core.gas_table import (
    COLUMNS,
    HFC_PFC_UNSPECIFIED,
    KYOTO_GROUPS,
    NOT_SPLIT,
    OTHER,
    SCOPES,
    GasTable,
)
from lingtan.core.inventory import Inventory

_LABELS = {
    NOT_SPLIT: "CO2e, not split by gas",
    HFC_PFC_UNSPECIFIED: "HFCs/PFCs, unspecified",
    OTHER: "other (not Kyoto)",
}
_SCOPE_LABELS = {
    "scope1": "Scope 1",
    "scope2_location": "Scope 2 (location)",
    "scope2_market": "Scope 2 (market)",
    "scope3": "Scope 3",
}


def render(inv: Inventory, table: GasTable) -> str:
    """Fixed-width text: one line per gas / group, per scope ``t CO2e (t of gas)`` (1 kg CO2e,
    1 g of gas)."""
    head = [f"{inv.fiscal_year} by gas", *(_SCOPE_LABELS[s] for s in SCOPES)]
    empty = {s: _empty_cell(inv, table, s) for s in SCOPES}
    body = []
    for col in COLUMNS:
        cells = [table.scopes[s][col] for s in SCOPES]
        if col not in KYOTO_GROUPS and not any(c.t_co2e for c in cells):
            continue  # the seven gases always shown; the other columns only when used
        row = [_LABELS.get(col, col)]
        for s, c in zip(SCOPES, cells, strict=True):
            if not c.t_co2e:
                row.append(empty[s])
                continue
            mass = "" if c.t_gas is None else f" ({c.t_gas:,.6f} t)"  # 1 g
            row.append(f"{c.t_co2e:,.3f}{mass}")
        body.append(row)
    body.append(
        ["total", *("n/a" if empty[s] == "n/a" else f"{table.total(s):,.3f}" for s in SCOPES)]
    )
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    fmt = [f"{{:<{widths[0]}}}", *[f"{{:>{w}}}" for w in widths[1:]]]
    lines = ["  ".join(f.format(c) for f, c in zip(fmt, head, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(f.format(c) for f, c in zip(fmt, r, strict=True)) for r in body)
    bio = table.biogenic_co2_t
    if bio:
        parts = ", ".join(f"{_SCOPE_LABELS[s]} {v:,.3f} t" for s, v in bio.items())
        lines.append(f"biogenic CO2, outside the scopes (t CO2): {parts}")
    else:
        lines.append("biogenic CO2, outside the scopes: none reported")
    return "\n".join(lines)


def _empty_cell(inv: Inventory, table: GasTable, scope: str) -> str:
    """What a gas with nothing in ``scope`` shows: ``n/a`` (location-based Scope 2 not
    available), ``—`` (nothing reported in the scope), ``not split`` (the scope was reported as
    CO2e only, so a gas's share is unknown, not zero), else ``0``."""
    if scope == "scope2_location" and not inv.has_location_basis:
        return "n/a"
    total = table.total(scope)
    if not total:
        return "—"
    if table.scopes[scope][NOT_SPLIT].t_co2e == total:
        return "not split"
    return "0"


def kyoto_text(invs: Sequence[Inventory]) -> str:
    """The gas tables of ``invs`` for ``lingtan inventory`` (``""`` when there is none); an
    inventory without one gets its note (:attr:`Inventory.gas_table_note`)."""
    parts = []
    for inv in invs:
        if inv.gas_table is None:
            parts.append(f"{inv.fiscal_year}: no table by gas — {inv.gas_table_note}")
        else:
            parts.append(render(inv, inv.gas_table))
    if not parts:
        return ""
    title = (
        "\n\nEmissions by gas, t CO2e (t of gas) — GHG Protocol ch. 9, ISO 14064-1 §9.3.1; "
        f"GWP {', '.join(sorted({i.gwp_set for i in invs}))}:\n"
    )
    return title + "\n\n".join(parts)
