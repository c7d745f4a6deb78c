"""``lingtan mapping …``: column mappings of a workspace (decision 0051) — a user's own export
read as an import template with ``lingtan import FILE --map NAME`` (or ``--map FILE.toml``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from lingtan.adapters.cli.common import FAILURES, WorkspaceOpt, fail, local_context, out
from lingtan.adapters.services import mappings
from lingtan.core.templates.mapping import to_toml

mapping_app = typer.Typer(
    help="Column mappings: your own export (ERP column names) read as an import template.",
    no_args_is_help=True,
)


@mapping_app.command("list")
def list_(workspace: WorkspaceOpt = Path(".")) -> None:
    """List the workspace's saved mappings."""
    try:
        found = mappings.list_mappings(local_context(workspace))
    except FAILURES as exc:
        raise fail(exc) from exc
    if not found:
        out.print("No saved mappings.")
    for m in found:
        cols = ", ".join(f"{s} → {c}" for s, c in m.columns.items())
        out.print(f"{m.name:20} {m.template:16} {cols}", highlight=False)


@mapping_app.command()
def show(
    name: Annotated[str, typer.Argument(help="Saved mapping name.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Print a saved mapping as its TOML file."""
    try:
        m = mappings.get_mapping(local_context(workspace), name)
    except FAILURES as exc:
        raise fail(exc) from exc
    out.print(to_toml(m), end="", highlight=False, markup=False)


@mapping_app.command()
def save(
    name: Annotated[str, typer.Argument(help="Name to save it under (letters, digits, _ - .).")],
    file: Annotated[Path, typer.Argument(help="The mapping's TOML file.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Check a mapping file against its template and save it in the workspace
    (``mappings/NAME.toml``), to import with ``--map NAME``."""
    try:
        ctx = local_context(workspace)
        m = mappings.load_mapping(ctx, str(file))
        saved = mappings.save_mapping(ctx, dataclasses.replace(m, name=name))
    except FAILURES as exc:
        raise fail(exc) from exc
    out.print(f"saved mapping {saved.name} (template {saved.template})", highlight=False)


@mapping_app.command()
def delete(
    name: Annotated[str, typer.Argument(help="Saved mapping name.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Delete a saved mapping (batches imported through it keep their own copy)."""
    try:
        mappings.delete_mapping(local_context(workspace), name)
    except FAILURES as exc:
        raise fail(exc) from exc
    out.print(f"deleted mapping {name}", highlight=False)


@mapping_app.command()
def draft(
    file: Annotated[Path, typer.Argument(help="Your export (CSV or XLSX).")],
    template: Annotated[str, typer.Option("--template", "-t", help="Template to map it to.")],
    encoding: Annotated[str | None, typer.Option(help="The CSV's encoding.")] = None,
) -> None:
    """Print a first mapping of FILE's header to a template (columns named like the template's
    are mapped; the rest are listed as comments) to complete, save and import with."""
    try:
        head = mappings.file_head(file, encoding=encoding)
        m = mappings.suggest_mapping(head.header, template)
    except FAILURES as exc:
        raise fail(exc) from exc
    text = to_toml(m)
    unmapped = [h for h in head.header if h and h not in m.columns]
    tpl_left = [c for c in m.tpl.column_names if c not in m.columns.values()]
    text += f"\n# file columns not mapped: {', '.join(unmapped) or '-'}\n"
    text += f"# template columns not given: {', '.join(tpl_left) or '-'}\n"
    out.print(text, end="", highlight=False, markup=False)
