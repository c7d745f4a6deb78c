"""A small workspace for the edition tests (decision 0096), shared by the service, CLI, API and
web tests: :mod:`lineagekit`'s workspace (one fuel file, FY2023/24 calculated: Scope 1
0.719075 t CO2e) — and :func:`add_fuel`, which imports one more litre-count and recalculates,
so that the year's snapshot (a pinned input) changes."""

from __future__ import annotations

from pathlib import Path

from lineagekit import YEAR, build_lineage_workspace

__all__ = ["YEAR", "add_fuel", "build_editions_workspace"]

#: 20 L more on 2023-09-01: 20 × 2.0545 = 41.09 kg CO2e
EXTRA = "site,date,fuel,quantity,unit,use\nHQ,2023-09-01,xofuel,20,L,stationary\n"


def build_editions_workspace(folder: Path) -> Path:
    """A new workspace at ``folder`` with FY2023/24 calculated."""
    return build_lineage_workspace(folder)


def add_fuel(folder: Path) -> None:
    """Import :data:`EXTRA` and recalculate FY2023/24 (a new snapshot of the year)."""
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.workspace import open_workspace

    path = folder / "fuel-extra.csv"
    path.write_text(EXTRA, encoding="utf-8")
    ws = open_workspace(folder)
    rep = import_file(ws, path, template="fuel")
    assert rep.rows_rejected == 0, rep.issues
    calculate_year(ws, YEAR)
    ws.engine.dispose()
