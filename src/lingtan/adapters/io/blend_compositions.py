"""Refrigerant-blend compositions shipped with lingtan (``lingtan/data/gwp/blends.csv``).

Every component of each blend with its mass fraction — Kyoto gases and the others (HCFCs,
hydrocarbons) alike — for splitting a blend's emissions into HFCs and PFCs
(:func:`lingtan.core.gas_table.kyoto_table`). Source of each row: the ``source`` column (US EPA
GHG Emission Factors Hub 2025, Table 12).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from lingtan.adapters.io.factor_files import parse_blend_compositions

#: one reader of ``blends.csv`` for the GWP sets and the gas table (the factor library's)
parse_compositions = parse_blend_compositions


@lru_cache(maxsize=1)
def _bundled() -> tuple[tuple[str, tuple[tuple[str, float], ...]], ...]:
    path = resources.files("lingtan").joinpath("data", "gwp", "blends.csv")
    parsed = parse_compositions(path.read_text(encoding="utf-8"))
    return tuple((b, tuple(c.items())) for b, c in parsed.items())


def read_blend_compositions() -> dict[str, dict[str, float]]:
    """The compositions of the bundled ``blends.csv`` (read once)."""
    return {b: dict(c) for b, c in _bundled()}
