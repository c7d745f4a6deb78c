"""Refrigerant-blend compositions shipped with lingtan (``lingtan/data/gwp/blends.csv``).

Every component of each blend with its mass fraction — Kyoto gases and the others (HCFCs,
hydrocarbons) alike — for splitting a blend's emissions into HFCs and PFCs
(:func:`lingtan.core.gas_table.kyoto_table`). Source of each row: the ``source`` column (US EPA
GHG Emission Factors Hub 2025, Table 12).
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources

from lingtan.core.errors import FactorError
from lingtan.core.gwp import normalise_gas

COLUMNS = ("blend", "component", "mass_fraction", "source")


def parse_compositions(text: str, name: str = "blends.csv") -> dict[str, dict[str, float]]:
    """Blend key → component key → mass fraction (0–1), from ``blends.csv`` text.

    Raises:
        FactorError: wrong columns, a fraction that is not a number, a repeated component.
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise FactorError(f"{name}, row 1: expected columns {', '.join(COLUMNS)}")
    out: dict[str, dict[str, float]] = {}
    for n, row in enumerate(reader, start=2):
        try:
            frac = float(row["mass_fraction"])
        except ValueError as exc:
            raise FactorError(f"{name}, row {n}, column 'mass_fraction': not a number") from exc
        comp = out.setdefault(normalise_gas(row["blend"]), {})
        key = normalise_gas(row["component"])
        if key in comp:
            raise FactorError(f"{name}, row {n}, column 'component': {key} repeated")
        comp[key] = frac
    return out


@lru_cache(maxsize=1)
def _bundled() -> tuple[tuple[str, tuple[tuple[str, float], ...]], ...]:
    path = resources.files("lingtan").joinpath("data", "gwp", "blends.csv")
    parsed = parse_compositions(path.read_text(encoding="utf-8"))
    return tuple((b, tuple(c.items())) for b, c in parsed.items())


def read_blend_compositions() -> dict[str, dict[str, float]]:
    """The compositions of the bundled ``blends.csv`` (read once)."""
    return {b: dict(c) for b, c in _bundled()}
