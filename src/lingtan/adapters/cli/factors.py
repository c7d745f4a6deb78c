"""``lingtan factors …``: search, list sets, resolve one activity."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from lingtan.core.factors import EmissionFactor, resolve, search_groups


def _factors(workspace: Path) -> tuple[list[EmissionFactor], tuple[str, ...]]:
    """Bundled factors plus the workspace's own (when ``workspace`` is one)."""
    from lingtan.adapters.compute.runner import _bundled, load_library
    from lingtan.adapters.store.config import CONFIG_FILE
    from lingtan.adapters.store.workspace import open_workspace

    if (workspace / CONFIG_FILE).exists():
        ws = open_workspace(workspace)
        return list(load_library(ws).factors), ws.config.factor_sets
    return list(_bundled()[0]), ()


def search(
    query: str,
    *,
    region: str | None,
    set_name: str | None,
    limit: int,
    workspace: Path,
    console: Console,
) -> None:
    """Print factor groups whose type, description or source contain every word of ``query``."""
    factors, _ = _factors(workspace)
    ordered = search_groups(factors, query, region=region, set_name=set_name)
    for members in ordered[:limit]:
        h = members[0]
        gases = ", ".join(f"{m.gas} {m.value:.6g}" for m in sorted(members, key=lambda m: m.gas))
        console.print(
            f"{h.activity_type}  [{h.region}]  per {h.unit}  {gases}  "
            f"(from {h.valid_from}, {h.set_name})",
            highlight=False,
            markup=False,
        )
    shown = f" (first {limit} shown; narrow with more words, --region or --set)"
    console.print(f"{len(ordered)} factor groups match" + (shown if len(ordered) > limit else ""))


def list_sets(*, workspace: Path, console: Console) -> None:
    """Print every factor set: name, publisher, edition, licence, number of values."""
    from lingtan.adapters.io.factor_files import bundled_factor_sets

    table = Table("set", "publisher", "edition", "licence", "values")
    for fs in bundled_factor_sets():
        table.add_row(fs.name, fs.publisher, fs.edition, fs.licence, str(len(fs.factors)))
    factors, _ = _factors(workspace)
    own: dict[str, int] = {}
    bundled = {fs.name for fs in bundled_factor_sets()}
    for f in factors:
        if f.set_name not in bundled:
            own[f.set_name] = own.get(f.set_name, 0) + 1
    for name, n in sorted(own.items()):
        table.add_row(name, "(workspace)", "", "", str(n))
    console.print(table)


def resolve_one(
    activity_type: str, region: str, on: date, unit: str, *, workspace: Path, console: Console
) -> int:
    """Print the factor group an activity resolves to; exit code 2 when none."""
    factors, priority = _factors(workspace)
    m = resolve(factors, activity_type, region, on, unit, priority)
    if m is None:
        console.print(f"no factor for {activity_type} in {region} on {on} per {unit}")
        return 2
    console.print(
        f"{activity_type} in {region} on {on}: {m.kind.value}" + (f" ({m.note})" if m.note else "")
    )
    for f in m.factors:
        console.print(
            f"  {f.gas:12} {f.value:.6g} kg/{f.unit}   {f.factor_id} v{f.version}  [{f.source}]",
            highlight=False,
        )
    return 0
