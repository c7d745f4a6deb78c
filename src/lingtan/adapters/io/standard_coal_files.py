"""The bundled standard-coal coefficient table (GB/T 2589 Annex A), read from package data.

``lingtan/data/energy/standard_coal.csv`` and its manifest ``standard_coal.yaml`` are written by
``tools/build_factor_library.py`` from ``shared/data/china-energy-conversion``; the pure parsing
and the conversion are in :mod:`lingtan.core.standard_coal`.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources

import yaml

from lingtan.core.standard_coal import (
    COAL_COLUMNS,
    StandardCoalError,
    StandardCoalTable,
    parse_coefficients,
)

CSV_NAME = "standard_coal.csv"
MANIFEST_NAME = "standard_coal.yaml"


@lru_cache(maxsize=1)
def bundled_standard_coal() -> StandardCoalTable:
    """The shipped coefficient table (read once).

    Raises:
        StandardCoalError: a file is missing its columns or a row is malformed (file, row,
            field named).
    """
    folder = resources.files("lingtan").joinpath("data", "energy")
    manifest = yaml.safe_load(folder.joinpath(MANIFEST_NAME).read_text(encoding="utf-8")) or {}
    text = folder.joinpath(CSV_NAME).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in COAL_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise StandardCoalError(f"{CSV_NAME}: missing column(s) {', '.join(missing)}")
    return parse_coefficients(
        reader,
        name=str(manifest.get("name") or "standard-coal"),
        edition=str(manifest.get("edition") or ""),
        source=CSV_NAME,
    )
