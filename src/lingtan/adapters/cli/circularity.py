"""``lingtan circularity …``: the circularity ledgers (issue 19 item 5, decision 0100) from the
command line — import and list material inputs, packaging, returnable assets, take-back and
approved recyclers; print the eight KPIs. Through the same services as the API and the web
pages (:mod:`lingtan.adapters.services.circularity`):

- ``import KIND FILE`` (CSV or XLSX; all or nothing, every wrong cell named: file, row, column,
  reason in the command line's language);
- ``list KIND`` (``--year``, ``--json``);
- ``kpis --year FY2023/24`` (``--since``, ``--json``): the eight KPIs, avoided emissions
  labelled AVOIDED (never deducted from the inventory);
- ``template KIND`` (``--out FILE``; else printed): the CSV header and an example row.

KIND is one of ``materials``, ``packaging``, ``returnables``, ``takeback``, ``recyclers``.
Every command takes ``-w WS`` and acts as the folder's owner; a refusal exits with the code of
its kind (2 invalid, 3 not found).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import (
    WorkspaceOpt,
    cli_locale,
    err,
    fail,
    listing,
    plain,
    print_json,
    read_file,
    run_keyed,
    say,
)
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext

circularity_app = typer.Typer(
    help="Circularity ledgers (recycled materials, packaging, returnable assets, take-back,\n"
    "approved recyclers) and their eight KPIs.",
    no_args_is_help=True,
)

KindArg = Annotated[
    str, typer.Argument(help="materials, packaging, returnables, takeback or recyclers.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _t() -> Translator:
    return Translator(cli_locale())


def _value(t: Translator, f: dict[str, Any]) -> str:
    if f["value"] is None:
        reason = t(f["reason"]) if f["reason"] else ""
        return f"{t('circ.na')} ({reason})" if reason else t("circ.na")
    unit = t(f"circ.unit.{f['unit']}") if f["unit"] in ("count", "devices") else f["unit"]
    return f"{f['value']:,.{f['digits']}f} {unit}".rstrip()


@circularity_app.command("import")
def import_cmd(
    kind: KindArg,
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file of the ledger.")],
    encoding: Annotated[str | None, typer.Option("--encoding", help="e.g. gb18030.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Import a ledger's file (all or nothing; every wrong cell named)."""
    from lingtan.adapters.services import circularity as sv

    data = read_file(file)

    def act(db: Session, ctx: LocalContext) -> int | sv.CircFileError:
        try:
            return len(sv.import_rows(db, ctx, kind, data, file.name, encoding=encoding).created)
        except sv.CircFileError as exc:  # every wrong cell, in the command line's language
            db.rollback()
            return exc

    got = run_keyed(workspace, act, "circ.")
    if isinstance(got, sv.CircFileError):
        t = _t()
        err.print(f"[bold red]error:[/] {escape(t(got.key, **got.params))}", highlight=False)
        for line in sv.row_error_lines(got.errors, t.locale):
            err.print(escape(line), highlight=False)
        raise typer.Exit(2)
    say("circ.cli.imported", n=got, kind=_t()(f"circ.kind.{kind}"))


@circularity_app.command("list")
def list_cmd(
    kind: KindArg,
    year: Annotated[
        str | None, typer.Option("--year", "-y", help="FY2023/24 or a calendar year (2023).")
    ] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List a ledger's rows (those of a year with --year)."""
    from lingtan.adapters.services import circularity as sv

    def read(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        return [sv.row_dict(kind, r) for r in sv.list_rows(db, ctx, kind, year=year)]

    rows = run_keyed(workspace, read, "circ.")

    def line(t: Translator, d: dict[str, Any]) -> str:
        skip = ("note", "synthetic")
        cells = [f"{k}={d[k]}" for k in sv.FIELDS[kind]
                 if k not in skip and d.get(k) not in (None, "", False)]  # fmt: skip
        mark = f" [{t('circ.basis.synthetic')}]" if d.get("synthetic") else ""
        return f"{d['id']:>5} " + " · ".join(cells) + mark

    listing(rows, as_json, "circ.none", line)


@circularity_app.command("kpis")
def kpis_cmd(
    year: Annotated[str, typer.Option("--year", "-y", help="FY2023/24 or a calendar year (2023).")],
    since: Annotated[
        int | None, typer.Option("--since", help="Start year of the cumulative recycled mass.")
    ] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Print the eight KPIs of a year (unit and formula of each: docs/circularity.md)."""
    from lingtan.adapters.services import circularity as sv

    def read(db: Session, ctx: LocalContext) -> dict[str, Any]:
        period, figures = sv.compute_kpis(db, ctx, year, since=since)
        return {"year": period.label, "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
                "figures": [sv.figure_dict(f) for f in figures]}  # fmt: skip

    doc = run_keyed(workspace, read, "circ.")
    if as_json:
        print_json(doc)
        return
    t = _t()
    say("circ.cli.kpis", year=doc["year"], start=doc["period_start"], end=doc["period_end"])
    for f in doc["figures"]:
        mark = f" [{t('circ.avoided_label')}]" if f["avoided"] else ""
        indent = "  " if f["key"] == f["kpi"] else "    "
        plain(f"{indent}{t('circ.fig.' + f['key'])}{mark}: {_value(t, f)}")
        if f["sources"]:
            plain(f"{indent}  {t('circ.sources')}: " + "; ".join(f["sources"]))
    plain(t("circ.section.avoided"))


@circularity_app.command("template")
def template_cmd(
    kind: KindArg,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the file here.")] = None,
) -> None:
    """Print (or write with --out) a ledger's CSV template: the header and an example row."""
    from lingtan.adapters.services import circularity as sv

    try:
        data = sv.template(kind)
    except sv.CircError as exc:
        t = _t()
        err.print(f"[bold red]error:[/] {escape(t(exc.key, **exc.params))}", highlight=False)
        raise typer.Exit(3) from exc
    if out_file is None:
        sys.stdout.write(data.decode("utf-8-sig"))
        return
    try:
        out_file.write_bytes(data)
    except OSError as exc:
        raise fail(exc) from exc
    say("circ.cli.template_written", path=str(out_file))
