"""Greenhouse gases and global-warming-potential (GWP100) sets.

Standards: IPCC AR4 (2007) WGI Table 2.14, AR5 (2013) WGI Table 8.A.1, AR6 (2021) WGI
Table 7.15 / 7.SM.7; GHG Protocol "Global Warming Potential Values" (2016, 2024);
ISO 14064-1:2018 §6.4.

Methane origin: AR6 distinguishes fossil methane (29.8, including the CO2 from its oxidation)
from non-fossil methane (27.0); the generic AR6 value 27.9 applies when the origin is unknown.
For AR5 and AR4 lingtan uses a single CH4 value for all origins (28 and 25), as the GHG Protocol
tables, UK DESNZ and US EPA apply them, so their published CO2e factors are reproduced exactly. See
``docs/decisions/0003-methane-origin.md``.

Refrigerant blends (R-410A, R-404A …) have no GWP of their own in IPCC tables: their GWP is computed
from their composition by mass, :func:`blend_gwp`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lingtan.core.errors import FactorError

CO2 = "CO2"
CO2E = "CO2e"
#: Gas key of biogenic CO2 (``CO2_biogenic`` normalised): GWP 1, outside the scopes.
CO2_BIOGENIC = "CO2biogenic"
#: Gas keys lingtan treats as methane of a stated origin.
CH4_FOSSIL = "CH4_fossil"
CH4_NONFOSSIL = "CH4_nonfossil"

#: Methane by origin per GWP set [kg CO2e / kg CH4] (see module docstring).
METHANE_BY_ORIGIN: dict[str, dict[str, float]] = {
    "AR6": {CH4_FOSSIL: 29.8, CH4_NONFOSSIL: 27.0},
    "AR5": {CH4_FOSSIL: 28.0, CH4_NONFOSSIL: 28.0},
    "AR4": {CH4_FOSSIL: 25.0, CH4_NONFOSSIL: 25.0},
}


#: ASHRAE 34 refrigerant numbers of pure CFCs and HCFCs (R-numbers of pure HFCs map to ``HFC…``;
#: 400- and 500-series numbers are blends and stay ``R…``).
_R_NUMBERS = {
    "11": "CFC11",
    "12": "CFC12",
    "13": "CFC13",
    "113": "CFC113",
    "114": "CFC114",
    "115": "CFC115",
    "22": "HCFC22",
    "123": "HCFC123",
    "124": "HCFC124",
    "141b": "HCFC141b",
    "142b": "HCFC142b",
}


def normalise_gas(name: str) -> str:
    """Canonical gas key: upper-case chemistry, no hyphens or spaces (``HFC-134a`` → ``HFC134a``,
    ``co2e`` → ``CO2e``). Refrigerant numbers (ASHRAE 34): ``R-134a`` → ``HFC134a``,
    ``R-22`` → ``HCFC22``, blends ``r-410a`` → ``R410A``."""
    key = name.strip().replace("-", "").replace(" ", "").replace("_", "")
    low = key.lower()
    if len(low) > 1 and low[0] == "r" and low[1].isdigit():
        num = key[1:]
        if num[0] in "45" and len(num) == 4 and num[:3].isdigit():
            return "R" + num.upper()
        return _R_NUMBERS.get(num.lower(), "HFC" + num.lower())
    if low == "co2e":
        return CO2E
    if low == "ch4fossil":
        return CH4_FOSSIL
    if low in ("ch4nonfossil", "ch4biogenic"):
        return CH4_NONFOSSIL
    # keep the case of suffixes like HFC134a / HFC245fa, but upper-case the family prefix
    i = 0
    while i < len(key) and key[i].isalpha():
        i += 1
    return key[:i].upper() + key[i:]


@dataclass(frozen=True)
class GWPSet:
    """A GWP100 table: kg CO2e per kg of each gas.

    Attributes:
        name: "AR4", "AR5" or "AR6" (or a user-defined name).
        values: gas key (see :func:`normalise_gas`) → GWP100 [kg CO2e / kg gas]. CO2 = 1.
        source: citation of the table.
    """

    name: str
    values: Mapping[str, float]
    source: str
    blends: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def gwp(self, gas: str) -> float:
        """GWP100 of ``gas`` [kg CO2e / kg], blends computed from their composition.

        Raises:
            FactorError: the gas is not in this set and is not a known blend.
        """
        key = normalise_gas(gas)
        if key in (CO2, CO2_BIOGENIC):
            return 1.0
        if key in self.values:
            return float(self.values[key])
        if key in self.blends:
            return blend_gwp(self.blends[key], self)
        raise FactorError(f"gas {gas!r} has no GWP in set {self.name}")

    def has(self, gas: str) -> bool:
        """True when :meth:`gwp` can answer for ``gas``."""
        key = normalise_gas(gas)
        return key in (CO2, CO2_BIOGENIC) or key in self.values or key in self.blends

    def table(self) -> dict[str, float]:
        """Every gas and blend of the set with its GWP, for the engine's join."""
        out = {CO2: 1.0, **{k: float(v) for k, v in self.values.items()}}
        for name, comp in self.blends.items():
            if name not in out:
                out[name] = blend_gwp(comp, self)
        return out


def blend_gwp(composition: Mapping[str, float], gwp_set: GWPSet) -> float:
    """GWP of a mixture = Σ wᵢ · GWPᵢ, with wᵢ the mass fraction of component i.

    Standard: IPCC AR4 WGI §2.10 (GWPs of mixtures are mass-weighted); GHG Protocol HFC tool.

    Args:
        composition: component gas → mass fraction (fractions must sum to 1 ± 0.001;
            percentages summing to 100 are accepted and scaled).
    """
    total = sum(composition.values())
    if abs(total - 100.0) <= 0.1:
        composition = {g: w / 100.0 for g, w in composition.items()}
        total = 1.0
    if abs(total - 1.0) > 1e-3:
        raise FactorError(f"blend composition sums to {total:g}, not 1 (or 100 %)")
    return sum(w * gwp_set.gwp(g) for g, w in composition.items())


def build_gwp_set(
    name: str,
    values: Mapping[str, float],
    source: str,
    blends: Mapping[str, Mapping[str, float]] | None = None,
) -> GWPSet:
    """Make a :class:`GWPSet`, normalising gas keys and adding methane-by-origin values.

    Raises:
        FactorError: a GWP is not a positive finite number.
    """
    clean: dict[str, float] = {}
    for gas, value in values.items():
        v = float(value)
        if not v > 0 or v != v or v == float("inf"):
            raise FactorError(f"GWP set {name}: GWP of {gas!r} must be positive, got {value!r}")
        clean[normalise_gas(gas)] = v
    for gas, v in METHANE_BY_ORIGIN.get(name, {}).items():
        clean.setdefault(gas, v)
    if "CH4" in clean:
        clean.setdefault(CH4_FOSSIL, clean["CH4"])
        clean.setdefault(CH4_NONFOSSIL, clean["CH4"])
    return GWPSet(
        name=name,
        values=clean,
        source=source,
        blends={
            normalise_gas(k): {normalise_gas(g): w for g, w in c.items()}
            for k, c in (blends or {}).items()
        },
    )
