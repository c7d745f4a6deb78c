"""The disclosure table of emissions by gas: the seven Kyoto gases / groups, per scope.

Standards: GHG Protocol Corporate Standard ch. 9 (required information: Scope 1 and 2 emissions
of the seven gases — CO2, CH4, N2O, HFCs, PFCs, SF6, NF3 — reported separately, in metric tonnes
and in tonnes CO2e; direct CO2 from biomass combustion reported separately from the scopes);
ISO 14064-1:2018 §9.3.1 (report quantified GHG emissions per GHG in tonnes CO2e; biogenic CO2
reported separately) and Annex B/D; IPCC AR4 WGI §2.10 (GWP of a mixture = Σ mass fraction ×
component GWP). Units: t CO2e and t of gas.

The mapping is pure: aggregated inventory rows (``AggregateRow``: gas key and kg CO2e) and a GWP
table in, the table out. A row's tonnes of gas = t CO2e ÷ its GWP. Special keys:

* a refrigerant **blend** (``R410A`` …) is split into its HFC and PFC parts by composition: part
  g's CO2e = row CO2e × Σ_{c∈g} wᶜ·GWPᶜ ÷ Σ_{c Kyoto} wᶜ·GWPᶜ; its mass = blend mass × Σ_{c∈g}
  wᶜ, the blend mass being row CO2e ÷ the blend's GWP (the set's value: for blends with HCFCs or
  hydrocarbons the Kyoto-constituents-only value, as US EPA and UK DESNZ publish it). Non-Kyoto
  components (HCFCs, hydrocarbons) carry no CO2e here;
* **biogenic CO2** (``CO2_biogenic``) is reported outside the scopes and never added to a scope
  total; its row value is read as tonnes of CO2 (GWP 1);
* ``CO2e`` rows (factors published as total CO2e with no split by gas) are ``not_split``: their
  tonnes CO2e are kept, their gases unknown (no mass);
* ``HFCPFCUNSPECIFIED`` (USEEIO "HFCs and PFCs, unspecified", published as CO2e) is
  ``hfcs_pfcs_unspecified``: CO2e only;
* any other gas (an HCFC or CFC emitted as such …) is ``other``, with its mass, so that each
  scope's parts add up to the scope total of the inventory.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lingtan.core.errors import FactorError
from lingtan.core.gwp import CH4_FOSSIL, CH4_NONFOSSIL, CO2, CO2_BIOGENIC, CO2E, normalise_gas
from lingtan.core.inventory import KG_PER_T, AggregateRow

#: The seven Kyoto gases / groups, in the order of GHG Protocol ch. 9.
KYOTO_GROUPS = ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3")
NOT_SPLIT = "not_split"
HFC_PFC_UNSPECIFIED = "hfcs_pfcs_unspecified"
OTHER = "other"
#: Every column of a scope's table, in order.
COLUMNS = (*KYOTO_GROUPS, HFC_PFC_UNSPECIFIED, NOT_SPLIT, OTHER)
#: Gas key of biogenic CO2 (as in :mod:`lingtan.modules.products.lci`), normalised.
BIOGENIC_CO2 = CO2_BIOGENIC
#: The scopes of the table: Scope 2 on both bases (Scope 2 Guidance ch. 7, dual reporting).
SCOPES = {
    "scope1": (1, "market"),
    "scope2_location": (2, "location"),
    "scope2_market": (2, "market"),
    "scope3": (3, "market"),
}

_PFC = re.compile(r"^C+\d*F\d+$")  # CF4, C2F6, C3F8, CC4F8 (c-C4F8), C10F18 …
_UNSPECIFIED = "HFCPFCUNSPECIFIED"


def kyoto_group(gas: str) -> str | None:
    """The Kyoto group of a single gas key, else None (HCFCs, CFCs, HFEs, hydrocarbons …).

    SF5CF3 is counted with the PFCs, as IPCC AR4 WGI Table 2.14 lists it."""
    key = normalise_gas(gas)
    if key in (CO2, "N2O", "SF6", "NF3"):
        return key
    if key in ("CH4", CH4_FOSSIL, CH4_NONFOSSIL):
        return "CH4"
    if key.startswith("HFC") and key != _UNSPECIFIED:
        return "HFCs"
    if key == "SF5CF3" or _PFC.match(key):
        return "PFCs"
    return None


@dataclass(frozen=True)
class GasCell:
    """One cell of the table: t CO2e and t of gas (None when the gas is unknown)."""

    t_co2e: float = 0.0
    t_gas: float | None = 0.0

    def plus(self, t_co2e: float, t_gas: float | None) -> GasCell:
        mass = None if self.t_gas is None or t_gas is None else self.t_gas + t_gas
        return GasCell(self.t_co2e + t_co2e, mass)


@dataclass(frozen=True)
class GasTable:
    """Per scope (:data:`SCOPES`) and column (:data:`COLUMNS`): t CO2e and t of gas; biogenic
    CO2 per scope [t CO2], outside the scope totals."""

    gwp_set: str
    scopes: Mapping[str, Mapping[str, GasCell]]
    biogenic_co2_t: Mapping[str, float] = field(default_factory=dict)

    def total(self, scope: str) -> float:
        """The scope's total [t CO2e] (every column; biogenic CO2 excluded)."""
        return math.fsum(c.t_co2e for c in self.scopes[scope].values())

    def to_dict(self, digits: int = 3) -> dict[str, Any]:
        """The JSON form (docs/output.md, ``by_kyoto_gas``); masses to ``digits`` + 3 decimals
        (1 g for a tonne at the default), CO2e to ``digits``."""

        def cell(c: GasCell) -> dict[str, float | None]:
            mass = None if c.t_gas is None else round(c.t_gas, digits + 3)
            return {"t_co2e": round(c.t_co2e, digits), "t_gas": mass}

        return {
            "gwp_set": self.gwp_set,
            "units": {"t_co2e": "t CO2e", "t_gas": "t"},
            "scopes": {
                s: {
                    **{k: cell(v) for k, v in cols.items()},
                    "total_t_co2e": round(self.total(s), digits),
                }
                for s, cols in self.scopes.items()
            },
            "biogenic_co2_t_outside_scopes": {
                k: round(v, digits + 3) for k, v in self.biogenic_co2_t.items()
            },
        }

    def to_state(self) -> dict[str, Any]:
        """Unrounded form stored with a snapshot (:meth:`from_state` reads it back)."""
        return {
            "gwp_set": self.gwp_set,
            "scopes": {
                s: {k: [c.t_co2e, c.t_gas] for k, c in cols.items()}
                for s, cols in self.scopes.items()
            },
            "biogenic_co2_t": dict(self.biogenic_co2_t),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> GasTable:
        """The table stored by :meth:`to_state`."""
        scopes = {
            str(s): {
                str(k): GasCell(float(v[0]), None if v[1] is None else float(v[1]))
                for k, v in cols.items()
            }
            for s, cols in state["scopes"].items()
        }
        bio = {str(k): float(v) for k, v in (state.get("biogenic_co2_t") or {}).items()}
        return cls(str(state.get("gwp_set") or ""), scopes, bio)


def _in_basis(row_basis: str, basis: str) -> bool:
    return row_basis in ("both", basis)


def blend_split(
    blend: str,
    composition: Mapping[str, float],
    gwp: Mapping[str, float],
) -> dict[str, tuple[float, float]]:
    """Kyoto group → (share of the blend's CO2e, mass fraction) for a refrigerant blend.

    Raises:
        FactorError: a Kyoto component has no GWP, or the blend has no Kyoto component.
    """
    parts: dict[str, list[float]] = {}
    for comp, w in composition.items():
        group = kyoto_group(comp)
        if group is None:
            continue  # HCFC, hydrocarbon: outside the Kyoto basket, no CO2e here
        key = normalise_gas(comp)
        if key not in gwp:
            raise FactorError(f"blend {blend}: component {key} has no GWP")
        got = parts.setdefault(group, [0.0, 0.0])
        got[0] += w * float(gwp[key])
        got[1] += w
    weighted = math.fsum(p[0] for p in parts.values())
    if not weighted > 0:
        raise FactorError(f"blend {blend}: no Kyoto component with a GWP")
    return {g: (p[0] / weighted, p[1]) for g, p in sorted(parts.items())}


def kyoto_table(
    rows: Iterable[AggregateRow],
    gwp: Mapping[str, float],
    compositions: Mapping[str, Mapping[str, float]],
    gwp_set: str = "",
) -> GasTable:
    """Emissions by Kyoto gas / group per scope, biogenic CO2 apart (module docstring).

    Args:
        rows: the inventory's aggregated rows (``Inventory.rows``).
        gwp: gas key → GWP100 of the set the inventory used [kg CO2e/kg] (``GWPSet.table()``,
            blends included).
        compositions: blend key → component key → mass fraction (0–1), every component
            (Kyoto or not).
        gwp_set: the set's name, for the table's heading.

    Raises:
        FactorError: a gas of a row has no GWP (the table cannot give its mass), or a blend's
            Kyoto components have none.
    """
    comps = {normalise_gas(b): {normalise_gas(g): w for g, w in c.items()}
             for b, c in compositions.items()}  # fmt: skip
    table: dict[str, dict[str, GasCell]] = {s: {c: GasCell() for c in COLUMNS} for s in SCOPES}
    for c in table.values():
        c[NOT_SPLIT] = GasCell(0.0, None)
        c[HFC_PFC_UNSPECIFIED] = GasCell(0.0, None)
    biogenic: dict[str, float] = {}
    splits: dict[str, dict[str, tuple[float, float]]] = {}

    def gwp_of(key: str) -> float:
        if key == CO2:
            return 1.0
        if key not in gwp:
            raise FactorError(f"gas {key} has no GWP in set {gwp_set or '?'}: no mass")
        return float(gwp[key])

    for r in rows:
        key = normalise_gas(r.gas)
        t = r.co2e_kg / KG_PER_T
        for name, (scope, basis) in SCOPES.items():
            if r.scope != scope or not _in_basis(r.basis, basis):
                continue
            if key == BIOGENIC_CO2:
                biogenic[name] = biogenic.get(name, 0.0) + t
                continue
            cells = table[name]
            if key == CO2E:
                cells[NOT_SPLIT] = cells[NOT_SPLIT].plus(t, None)
            elif key == _UNSPECIFIED:
                cells[HFC_PFC_UNSPECIFIED] = cells[HFC_PFC_UNSPECIFIED].plus(t, None)
            elif key in comps and kyoto_group(key) is None:
                if key not in splits:
                    splits[key] = blend_split(key, comps[key], gwp)
                mass = t / gwp_of(key)
                for group, (share, frac) in splits[key].items():
                    cells[group] = cells[group].plus(t * share, mass * frac)
            else:
                group = kyoto_group(key) or OTHER
                cells[group] = cells[group].plus(t, t / gwp_of(key))
    return GasTable(gwp_set, table, dict(sorted(biogenic.items())))
