"""Rows of the inventory page's tables, built from an inventory document (``Inventory.to_dict``).

Pure functions. Each figure carries the :class:`Selection`-like criteria that name it
(``{"scope": 3, "category": 1}``, ``{"site": "TJ-FACTORY"}`` …) so the page can link it to its
lineage (``lingtan explain`` in the browser). Scope 2 is shown on both bases side by side
(GHG Protocol Scope 2 Guidance ch. 7); Scope 1 and 3 rows are the same on both bases. Masses in
t CO2e.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One figure of a table: its value [t CO2e] (None = not available) and what it selects."""

    value: float | None
    selection: Mapping[str, Any] = field(default_factory=dict)
    basis: str = "market"


@dataclass(frozen=True)
class ScopeRow:
    """A row of the scope/category table. ``label`` is a catalogue key (``scope.1``,
    ``cat.3.4``, ``kpi.total``); ``level`` is ``total``, ``scope`` or ``category``."""

    label: str
    level: str
    market: Figure
    location: Figure
    code: str = ""


def _f(x: Any) -> float | None:
    return None if x is None else float(x)


def scope_category_rows(inv: Mapping[str, Any]) -> list[ScopeRow]:
    """Total, then each scope followed by its categories (Scope 3: all 15, zeros included)."""
    tot = inv["totals_tco2e"]
    s2 = inv["scope2_by_category_tco2e"]
    loc2: Mapping[str, Any] | None = s2.get("location")
    rows = [
        ScopeRow(
            "kpi.total",
            "total",
            Figure(_f(tot["total_market"]), {}, "market"),
            Figure(_f(tot["total_location"]), {}, "location"),
        )
    ]
    by_scope: dict[int, tuple[Mapping[str, Any], Mapping[str, Any] | None]] = {
        1: (inv["scope1_by_category_tco2e"], inv["scope1_by_category_tco2e"]),
        2: (s2["market"], loc2),
        3: (inv["scope3_by_category_tco2e"], inv["scope3_by_category_tco2e"]),
    }
    scope_totals = {
        1: (tot["scope1"], tot["scope1"]),
        2: (tot["scope2_market"], tot["scope2_location"]),
        3: (tot["scope3"], tot["scope3"]),
    }
    for scope, (market, location) in by_scope.items():
        m, loc = scope_totals[scope]
        sel = {"scope": scope}
        rows.append(
            ScopeRow(
                f"scope.{scope}",
                "scope",
                Figure(_f(m), sel, "market"),
                Figure(_f(loc), sel, "location"),
                str(scope),
            )
        )
        keys = set(market) | set(location or {})
        for k in sorted(keys, key=int):
            sel = {"scope": scope, "category": int(k)}
            lv = None if location is None else location.get(k, 0.0)
            rows.append(
                ScopeRow(
                    f"cat.{scope}.{k}",
                    "category",
                    Figure(_f(market.get(k, 0.0)), sel, "market"),
                    Figure(_f(lv), sel, "location"),
                    f"{scope}.{k}",
                )
            )
    return rows


def breakdown_rows(inv: Mapping[str, Any], dimension: str) -> list[tuple[str, Figure]]:
    """Rows ``(key, figure)`` of the market-based totals by ``site``, ``month``, ``gas`` or
    ``entity``; sites, gases and entities largest first, months in calendar order. Entities
    have no lineage selection of their own (their figures are sums of sites)."""
    source = {
        "site": "by_site_tco2e",
        "month": "by_month_tco2e",
        "gas": "by_gas_tco2e",
        "entity": "by_entity_tco2e",
    }
    if dimension not in source:
        raise ValueError(f"unknown breakdown {dimension!r}; known: {', '.join(source)}")
    data: Mapping[str, Any] = inv[source[dimension]]
    if dimension == "month":
        items = sorted(data.items())
    else:
        items = sorted(data.items(), key=lambda kv: (-(kv[1] or 0.0), kv[0]))
    sel_key = None if dimension == "entity" else dimension
    return [(k, Figure(_f(v), {sel_key: k} if sel_key else {}, "market")) for k, v in items]
