"""``lingtan init``, ``import``, ``quarantine`` and ``template``: a workspace folder and the
activity files that go into it (through :mod:`lingtan.adapters.services.imports`, as the import
jobs of the server)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lingtan.adapters.cli.common import (
    EXIT_BUSY,
    FAILURES,
    WorkspaceOpt,
    err,
    fail,
    is_busy,
    local_context,
    out,
)
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.i18n.rows import cli_locale, issue_line, keyed_reason, stored_issue
from lingtan.adapters.services import imports, mappings
from lingtan.core.errors import LingtanError

if TYPE_CHECKING:
    from lingtan.adapters.io.intake import FileFormat
    from lingtan.adapters.services.context import LocalContext

workspace_app = typer.Typer()


@workspace_app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    organisation: Annotated[str, typer.Option(help="Organisation name.")] = "My Organisation",
    region: Annotated[str, typer.Option(help="Default region (ISO 3166).")] = "CN",
    fiscal_start_month: Annotated[int, typer.Option(help="First month of the fiscal year.")] = 4,
) -> None:
    """Create a workspace folder with a starter lingtan.yaml."""
    from lingtan.adapters.store.workspace import init_workspace

    try:
        ws = init_workspace(
            directory, organisation=organisation, region=region, start_month=fiscal_start_month
        )
    except LingtanError as exc:
        raise fail(exc) from exc
    out.print(f"Initialised workspace {ws.path}. Edit lingtan.yaml to describe your boundary.")


@workspace_app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="CSV or XLSX files, one template each.")],
    workspace: WorkspaceOpt = Path("."),
    template: Annotated[
        str | None, typer.Option(help="Template name (default: from the file name).")
    ] = None,
    supersede: Annotated[
        str | None, typer.Option(help="Batch id this file corrects and replaces.")
    ] = None,
    fixes: Annotated[
        str | None, typer.Option(help="Batch id whose rejected rows this file fixes.")
    ] = None,
    show: Annotated[int, typer.Option(help="How many rejected rows to print per file.")] = 20,
    append: Annotated[
        bool,
        typer.Option(
            "--append",
            help="Keep the file even if its rows largely repeat an earlier batch (keep both).",
        ),
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(help="Text encoding of a CSV, e.g. cp1252 (default: UTF-8, else detected)."),
    ] = None,
    locale: Annotated[
        str | None,
        typer.Option(
            help="Number and date conventions, e.g. de-DE (1.234,5; 01.04.2023), en-US, zh-CN "
            "(default: told from the file)."
        ),
    ] = None,
    map_: Annotated[
        str | None,
        typer.Option(
            "--map",
            help="Column mapping of your own export to a template: a TOML file or the name of "
            "a saved mapping (see 'lingtan mapping').",
        ),
    ] = None,
) -> None:
    """Import activity files. Bad rows are kept aside with their reasons (see 'quarantine').
    A file whose rows largely repeat an earlier batch (50 % or more) is refused unless
    --append (keep both) or --supersede (replace that batch) says what to do."""
    from lingtan.adapters.cli.progress import progress_bars
    from lingtan.adapters.io.importer import DuplicateImportError

    try:
        ctx = local_context(workspace)
        column_map = None if map_ is None else mappings.load_mapping(ctx, map_)
    except FAILURES as exc:
        raise fail(exc) from exc
    code = 0
    for f in files:
        try:
            # bars of rows read, checked, written on a terminal; nothing in a pipe (0052)
            with progress_bars("import", file=str(f)) as progress:
                rep = imports.import_file(
                    ctx,
                    f,
                    template=template,
                    supersedes=supersede,
                    fixes=fixes,
                    append=append,
                    encoding=encoding,
                    locale=locale,
                    progress=progress,
                    column_map=column_map,
                )
        except DuplicateImportError as exc:
            o = exc.overlap
            err.print(
                f"[bold red]error:[/] {f}: {o.percent} % of its rows ({o.rows_matching} of "
                f"{o.rows_new}) repeat batch {o.batch_id[:12]} ({o.file_name}, imported "
                f"{o.imported_at:%Y-%m-%d %H:%M} UTC). Nothing was imported. Run again with "
                f"--append to keep both, or --supersede {o.batch_id[:12]} to replace that "
                "batch.",
                highlight=False,
            )
            code = max(code, 1)
            continue
        except FAILURES as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
            err.print(f"  nothing was imported from {f}")
            code = EXIT_BUSY if is_busy(exc) else max(code, 1)
            continue
        if rep.already_imported and rep.repaired:
            out.print(
                f"{f}: already imported (batch {rep.batch_id[:12]}); its missing files were "
                f"written again: {', '.join(rep.repaired)}"
            )
            continue
        if rep.already_imported:
            out.print(f"{f}: already imported (batch {rep.batch_id[:12]}); nothing to do")
            continue
        out.print(
            f"{f}: template '{rep.template}', {rep.rows_read} rows read, "
            f"{rep.rows_accepted} accepted, {rep.rows_rejected} rejected "
            f"(batch {rep.batch_id[:12]})"
        )
        read_as = _read_as(rep.file_format)
        if read_as:
            out.print(f"  read as {read_as}", highlight=False)
        for issue in rep.issues[:show]:  # in LINGTAN_LANG / LANG (decision 0053)
            err.print(f"  {issue_line(issue, cli_locale())}", highlight=False, markup=False)
        if len(rep.issues) > show:
            err.print(
                f"  … {len(rep.issues) - show} more: lingtan quarantine --batch {rep.batch_id[:12]}"
            )
        if rep.duplicates:
            others = sorted({b[:12] for _, b in rep.duplicates})
            rows = ", ".join(str(r) for r, _ in rep.duplicates[:10])
            err.print(
                f"[yellow]warning:[/] {len(rep.duplicates)} rows equal rows already imported "
                f"(batch {', '.join(others)}): rows {rows}. If this file replaces that one, "
                f"import it with --supersede."
            )
        if rep.rows_rejected:
            code = max(code, 2)
    raise typer.Exit(code)


def _read_as(fmt: FileFormat | None) -> str:
    """How a file was read, when it was not a plain UTF-8, comma-separated file with its header
    on row 1 (decision 0050); empty otherwise (the output stays as it was for such files)."""
    if fmt is None:
        return ""
    plain = (
        fmt.encoding in (None, "utf-8", "utf-8-sig")
        and fmt.delimiter in (None, ",")
        and fmt.decimal == "."
        and fmt.header_row == 1
    )
    if plain:
        return ""
    parts = []
    if fmt.encoding is not None:
        parts.append(f"{fmt.encoding} (confidence {fmt.encoding_confidence or 0:.2f})")
    if fmt.delimiter is not None:
        parts.append("tab-separated" if fmt.delimiter == "\t" else f"{fmt.delimiter!r}-separated")
    if fmt.sheet is not None:
        parts.append(f"sheet {fmt.sheet!r}")
    parts.append(f"decimal mark {fmt.decimal!r}")
    parts.append(f"header on row {fmt.header_row}")
    if fmt.locale:
        parts.append(f"locale {fmt.locale}")
    return ", ".join(parts)


def _mapping_of(ctx: LocalContext, batch: str) -> str | None:
    """The mapping batch ``batch`` was imported through, as ``--map`` takes it: its name when
    the workspace has a saved mapping of that name, else ``NAME.toml`` (a mapping file is named
    after its stem; its folder was not kept); None for a file imported as its template."""
    from lingtan.adapters.io import batch_reading

    ws = ctx.workspace()
    column_map = batch_reading.load(ws, ws.batch(batch).id).column_map
    if column_map is None:
        return None
    if column_map.name and column_map.name in {m.name for m in mappings.list_mappings(ctx)}:
        return column_map.name
    return f"{column_map.name or 'mapping'}.toml"


@workspace_app.command()
def quarantine(
    workspace: WorkspaceOpt = Path("."),
    batch: Annotated[str | None, typer.Option(help="Only this batch (id prefix).")] = None,
    output: Annotated[Path | None, typer.Option(help="Write the list to this CSV.")] = None,
    export: Annotated[
        Path | None,
        typer.Option(
            help="With --batch: write the rejected rows, as the user wrote them, to "
            "this file (same template) to fix and re-import with --fixes."
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include rows already fixed.")] = False,
) -> None:
    """List rows rejected at import, with file, row, column and reason."""
    try:
        ctx = local_context(workspace)
        rows = imports.rejected_rows(ctx, batch, open_only=not all_)
        if export is not None:
            if not batch:
                raise fail(ValueError("--export needs --batch"))
            n = imports.export_rejected_rows(ctx, batch, export)
            mapped = _mapping_of(ctx, batch)  # the rows keep the user's columns: --map again
            again = "" if mapped is None else f" --map {mapped}"
            out.print(
                f"{n} rejected rows written to {export} (reasons in "
                f"{export.with_suffix('.issues.csv').name}); fix them, then: "
                f"lingtan import {export} --fixes {batch}{again}",
                highlight=False,
                markup=False,
            )
            if mapped is not None:
                hint = Translator(cli_locale())("cli.quarantine.hint_map", mapping=mapped)
                out.print(hint, highlight=False, markup=False)
            return
        names = imports.batch_file_names(ctx)
    except FAILURES as exc:
        raise fail(exc) from exc
    lang = cli_locale()  # reasons in LINGTAN_LANG / LANG (decision 0053)
    if output:
        import csv

        from lingtan.adapters.io.cell_safety import safe_row

        with output.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["file", "batch", "row", "column", "reason", "value", "fixed_by"])
            for q in rows:
                w.writerow(
                    safe_row(  # OWASP CSV injection (decision 0035)
                        [
                            names.get(q.batch_id, ""),
                            q.batch_id,
                            q.row,
                            q.field,
                            keyed_reason(q.message_key, q.message_params, q.reason, lang),
                            q.value,
                            q.resolved_by or "",
                        ]
                    )
                )
        out.print(f"{len(rows)} rejected rows written to {output}")
        return
    for q in rows:
        fixed = f" [fixed by batch {q.resolved_by[:12]}]" if q.resolved_by else ""
        out.print(
            issue_line(stored_issue(names.get(q.batch_id, q.batch_id), q), lang) + fixed,
            highlight=False,
            markup=False,
        )
    if not rows:
        out.print("No rejected rows." if all_ else "No open rejected rows.")


@workspace_app.command()
def template(
    name: Annotated[str | None, typer.Argument(help="Template name; omit to list them.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (.csv or .xlsx).")
    ] = None,
    all_: Annotated[Path | None, typer.Option("--all", help="Write every template here.")] = None,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace", "-w", help="Workspace whose first site the example row uses (else *)."
        ),
    ] = None,
) -> None:
    """Write empty import templates (CSV or XLSX, with an example row)."""
    site = None
    if workspace is not None:
        try:
            site = imports.example_site(local_context(workspace))
        except FAILURES as exc:
            raise fail(exc) from exc
    if all_ is not None:
        paths = imports.save_all_templates(all_, site=site)
        out.print(f"{len(paths)} templates written to {all_}")
        return
    known = imports.templates()
    if name is None:
        for t in known:
            out.print(f"{t['name']:18} {t['title']}")
        return
    names = [str(t["name"]) for t in known]
    if name not in names:
        raise fail(ValueError(f"unknown template {name!r}; known: {', '.join(names)}"))
    target = imports.save_template(name, output or Path(f"{name}.csv"), site=site)
    out.print(f"written {target}")
