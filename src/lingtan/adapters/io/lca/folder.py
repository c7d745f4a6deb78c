"""The products folder of a workspace (decision 0025): where an organisation's product data
live, in the files the library reads (docs/products.md).

``<workspace>/products/``
    ``family.yaml`` (the product family; its ``database:`` names the LCI database YAML beside
    it), ``pact/*.json`` (suppliers' PACT v2 ``ProductFootprint`` documents), ``claims.yaml``
    (carbon-neutral product claims and the credits retired for them) and ``issued/`` (issued
    claims, one immutable ``<sha256>.json`` per version, decision 0030).
"""

from __future__ import annotations

from pathlib import Path

PRODUCTS_DIR = "products"
FAMILY_FILE = "family.yaml"
CLAIMS_FILE = "claims.yaml"
PACT_DIR = "pact"
#: issued claims, one immutable ``<sha256>.json`` per version (decision 0030)
ISSUED_DIR = "issued"


def products_folder(workspace_path: str | Path) -> Path:
    """``<workspace>/products``."""
    return Path(workspace_path) / PRODUCTS_DIR


def pact_files(folder: Path) -> list[Path]:
    """The suppliers' PACT documents of a products folder (``pact/*.json``), sorted."""
    where = folder / PACT_DIR
    return sorted(where.glob("*.json")) if where.is_dir() else []
