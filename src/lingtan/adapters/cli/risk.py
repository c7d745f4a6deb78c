"""``lingtan risk …``: climate risk and opportunity from the command line (issue 17), through
the same services as the API and the web pages.

- the register (:mod:`lingtan.adapters.services.risk_register`): list, show, add, import,
  export, review, heatmap, due, matrix;
- ``aspects …`` significant environmental aspects (:mod:`.risk_aspects`);
- ``scenarios …`` scenario data sets and runs (:mod:`.risk_scenarios`);
- ``hazards …`` physical risk per site (:mod:`.risk_hazards`);
- ``governance …`` governance records (:mod:`.risk_governance`).

Every command takes ``-w WS`` and acts as the folder's owner; a refusal prints the reason in the
command line's language and exits with the code of its kind.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import (
    WorkspaceOpt,
    cli_locale,
    err,
    export_register,
    fail,
    out,
    read_file,
    run_in_store,
    say,
)
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext

HELP = (  # the index's line (cli/main.py COMMANDS)
    "Climate risks and opportunities: register, scoring, environmental aspects, scenarios,\n"
    "physical risk per site, governance records."
)

risk_app = typer.Typer(help=HELP, no_args_is_help=True)

T = TypeVar("T")
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ConsOpt = Annotated[
    list[str] | None,
    typer.Option("--c", help="A consequence DIMENSION=LEVEL (repeatable), e.g. finance=4."),
]


def _t() -> Translator:
    return Translator(cli_locale())


def _failed(exc: Exception) -> typer.Exit:
    """A refusal of the register in the command line's language (``risk.*`` keys), with the
    exit code of its kind; anything else as every command prints it."""
    from lingtan.adapters.services.errors import EXIT_CODES, KeyedError

    if isinstance(exc, KeyedError) and exc.key.startswith("risk."):
        text = _t()(exc.key, **exc.params)
        err.print(f"[bold red]error:[/] {escape(text)}", highlight=False)
        return typer.Exit(EXIT_CODES.get(exc.kind, 1))
    return fail(exc)


def _run(workspace: Path, call: Callable[[Session, LocalContext], T]) -> T:
    """``call(db, ctx)`` on the workspace's store, refusals shown by :func:`_failed`."""
    return run_in_store(workspace, call, _failed)


def _consequences(given: list[str] | None) -> dict[str, str]:
    """``["finance=4", …]`` as ``{"finance": "4"}`` (the service checks the levels)."""
    out_: dict[str, str] = {}
    for item in given or []:
        dim, sep, level = item.partition("=")
        if not sep:
            raise fail(_t()("risk.err.consequences"), 2)
        out_[dim.strip()] = level.strip()
    return out_


def _rating(t: Translator, d: dict[str, Any]) -> str:
    if d.get("score") is None:
        return t("risk.cli.unrated")
    band = d["band"]
    label = t(f"risk.band.{band}") if t.has(f"risk.band.{band}") else str(band)
    return t("risk.cli.score", score=f"{d['score']:g}", band=label)


def _print(text: str) -> None:
    out.print(text, highlight=False, markup=False)


@risk_app.command("list")
def list_cmd(
    kind: Annotated[str | None, typer.Option("--kind", help="risk or opportunity.")] = None,
    category: Annotated[str | None, typer.Option("--category", help="e.g. policy_legal.")] = None,
    band: Annotated[str | None, typer.Option("--band", help="very_high … low, unrated.")] = None,
    horizon: Annotated[str | None, typer.Option("--horizon", help="short, medium, long.")] = None,
    q: Annotated[str | None, typer.Option("--q", help="Text in code, title, owner …")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List the register's items with their ratings and next reviews."""
    from lingtan.adapters.services import risk_register as sv

    def read(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        rows = sv.list_items(db, ctx, kind=kind, category=category, band=band, horizon=horizon,
                             q=q)  # fmt: skip
        return [sv.item_dict(r) for r in rows]

    items = _run(workspace, read)
    if as_json:
        out.print_json(json.dumps(items, ensure_ascii=False, default=str))
        return
    if not items:
        say("risk.cli.none")
        return
    t = _t()
    for d in items:
        nxt = d["next_review"].isoformat() if d["next_review"] else t("risk.due.never")
        flag = f" {t('risk.overdue')}" if d["overdue"] else ""
        _print(f"{d['code']:12} {t('risk.category.' + d['category'])} · {d['title']} · "
               f"{_rating(t, d)} · {t('risk.field.next_review')} {nxt}{flag}")  # fmt: skip


@risk_app.command("show")
def show_cmd(
    code: Annotated[str, typer.Argument(help="Item code.")],
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show one item with its reviews."""
    from lingtan.adapters.services import risk_register as sv

    def read(db: Session, ctx: LocalContext) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        row = sv.get_item(db, ctx, code)
        return sv.item_dict(row), [sv.review_dict(r) for r in sv.reviews(db, ctx, code)]

    item, reviews = _run(workspace, read)
    if as_json:
        doc = {"item": item, "reviews": reviews}
        out.print_json(json.dumps(doc, ensure_ascii=False, default=str))
        return
    t = _t()
    _print(f"{item['code']} {item['title']}")
    _print(f"  {t('risk.field.category')}: {t('risk.kind.' + item['kind'])}: "
           f"{t('risk.category.' + item['category'])}")  # fmt: skip
    _print(f"  {t('risk.field.driver')}: {t('risk.driver.' + item['driver'])}")
    horizons = ", ".join(t("risk.horizon." + h) for h in item["horizons"]) or "—"
    _print(f"  {t('risk.field.horizons')}: {horizons}")
    owner = item["owner"] or "—"
    if item["owner_unit"]:
        owner += f" ({item['owner_unit']})"
    _print(f"  {t('risk.field.owner')}: {owner}")
    cons = ", ".join(f"{k} {v}" for k, v in item["consequences"].items()) or "—"
    _print(f"  {t('risk.field.likelihood')}: {item['likelihood'] or '—'} · "
           f"{t('risk.field.consequences')}: {cons} · {_rating(t, item)}")  # fmt: skip
    last = item["last_reviewed"].isoformat() if item["last_reviewed"] else "—"
    nxt = item["next_review"].isoformat() if item["next_review"] else t("risk.due.never")
    _print(f"  {t('risk.field.last_reviewed')}: {last} · {t('risk.field.next_review')}: {nxt}")
    for r in reviews:
        _print(f"  - {r['reviewed'].isoformat()} {r['reviewer']}: {_rating(t, r)} "
               f"{r['note'] or ''}")  # fmt: skip


@risk_app.command("add")
def add_cmd(
    code: Annotated[str, typer.Argument(help="Item code.")],
    category: Annotated[str, typer.Argument(help="e.g. policy_legal, physical_acute, markets.")],
    driver: Annotated[str, typer.Argument(help="e.g. carbon_pricing (docs/risks.md).")],
    title: Annotated[str, typer.Argument(help="Title.")],
    likelihood: Annotated[int | None, typer.Option("--likelihood", help="1–4.")] = None,
    c: ConsOpt = None,
    horizon: Annotated[
        list[str] | None, typer.Option("--horizon", help="short, medium, long (repeatable).")
    ] = None,
    value_chain: Annotated[
        list[str] | None, typer.Option("--value-chain", help="own_operations … (repeatable).")
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Owner.")] = None,
    owner_unit: Annotated[str | None, typer.Option("--owner-unit", help="Owner unit.")] = None,
    key_unit: Annotated[bool, typer.Option("--key-unit", help="A key unit.")] = False,
    response: Annotated[str | None, typer.Option("--response", help="mitigate …")] = None,
    site: Annotated[list[str] | None, typer.Option("--site", help="Linked site.")] = None,
    last_reviewed: Annotated[
        str | None, typer.Option("--last-reviewed", help="YYYY-MM-DD.")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a risk or opportunity (its kind follows the category), rated under the matrix."""
    from lingtan.adapters.services import risk_register as sv
    from lingtan.modules.risk.catalogue import kind_of

    fields: dict[str, Any] = {
        "code": code, "category": category, "kind": kind_of(category) or "", "driver": driver,
        "title": title, "likelihood": likelihood, "consequences": _consequences(c),
        "horizons": horizon or [], "value_chain": value_chain or [], "owner": owner,
        "owner_unit": owner_unit, "key_unit": key_unit, "response": response,
        "links": {"sites": site or []}, "last_reviewed": last_reviewed,
    }  # fmt: skip

    def act(db: Session, ctx: LocalContext) -> dict[str, Any]:
        return sv.item_dict(sv.create_item(db, ctx, fields))

    d = _run(workspace, act)
    say("risk.cli.added", code=d["code"], rating=_rating(_t(), d))


@risk_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="Register file (CSV or XLSX).")],
    encoding: Annotated[str | None, typer.Option("--encoding", help="e.g. gb18030.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Import a register file (all or nothing; every wrong cell named); a row whose code
    exists updates that item."""
    from lingtan.adapters.services import risk_register as sv

    data = read_file(file)

    def act(db: Session, ctx: LocalContext) -> sv.RegisterImport | sv.RiskRegisterFileError:
        try:
            return sv.import_register(db, ctx, data, file.name, encoding=encoding)
        except sv.RiskRegisterFileError as exc:  # every wrong cell, in the CLI's language
            return exc

    got = _run(workspace, act)
    if isinstance(got, sv.RiskRegisterFileError):
        lines = sv.file_error_lines(got, cli_locale())
        err.print(f"[bold red]error:[/] {escape(lines[0])}", highlight=False)
        for line in lines[1:]:
            err.print(escape(line), highlight=False)
        raise typer.Exit(2)
    say("risk.cli.imported", file=file.name, created=len(got.created), updated=len(got.updated))


@risk_app.command("export")
def export_cmd(
    file: Annotated[Path, typer.Argument(help="Output file (.csv or .xlsx).")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Write the register to a file that ``import`` reads back."""
    from lingtan.adapters.services import risk_register as sv

    export_register(workspace, file, sv.export_register,
                    lambda db, ctx: len(sv.list_items(db, ctx)), "risk.cli.exported",
                    runner=_run)  # fmt: skip


@risk_app.command("review")
def review_cmd(
    code: Annotated[str, typer.Argument(help="Item code.")],
    likelihood: Annotated[int | None, typer.Option("--likelihood", help="1–4.")] = None,
    c: ConsOpt = None,
    on: Annotated[str | None, typer.Option("--date", help="Review day (YYYY-MM-DD).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Note.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Record a review: the new ratings, the score and band, the next review."""
    from lingtan.adapters.services import risk_register as sv

    def act(db: Session, ctx: LocalContext) -> dict[str, Any]:
        day = sv.check_fields({"last_reviewed": on})["last_reviewed"] if on else None
        sv.review_item(db, ctx, code, likelihood=likelihood, consequences=_consequences(c),
                       reviewed=day, note=note)  # fmt: skip
        return sv.item_dict(sv.get_item(db, ctx, code))

    d = _run(workspace, act)
    t = _t()
    nxt = d["next_review"].isoformat() if d["next_review"] else t("risk.due.never")
    say("risk.cli.reviewed", code=code, rating=_rating(t, d), next=nxt)


@risk_app.command("heatmap")
def heatmap_cmd(as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")) -> None:
    """The heat map as a terminal table: open rated items per likelihood × consequence."""
    from lingtan.adapters.services import risk_register as sv

    hm = _run(workspace, sv.heatmap)
    if as_json:
        doc = [
            {
                "likelihood": li,
                "consequence": c,
                "count": n,
                "band": hm.bands[(li, c)],
                "codes": list(hm.codes[(li, c)]),
            }
            for (li, c), n in sorted(hm.counts.items())
        ]
        out.print_json(json.dumps({"cells": doc, "rated": hm.rated, "unrated": hm.unrated}))
        return
    from rich.table import Table

    t = _t()
    table = Table(title=t("risk.cli.heatmap", rated=hm.rated, unrated=hm.unrated))
    table.add_column(t("risk.heatmap.likelihood"))
    for c in range(1, hm.consequence_levels + 1):
        table.add_column(str(c), justify="right")
    styles = {"very_high": "bold red", "high": "red", "medium": "yellow", "low": "green"}
    for li in range(hm.likelihood_levels, 0, -1):
        label = (
            f"{li} {t('risk.likelihood.' + str(li))}" if t.has(f"risk.likelihood.{li}") else str(li)
        )
        row: list[str] = []
        for c in range(1, hm.consequence_levels + 1):
            n = hm.counts.get((li, c), 0)
            style = styles.get(hm.bands[(li, c)], "")
            row.append(f"[{style}]{n}[/]" if n and style else ("·" if not n else str(n)))
        table.add_row(escape(label), *row)
    out.print(table)


@risk_app.command("due")
def due_cmd(
    on: Annotated[str | None, typer.Option("--on", help="Day (YYYY-MM-DD), default today.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Open items whose review is due (never reviewed, overdue, or within 30 days)."""
    from lingtan.adapters.services import risk_register as sv

    def read(db: Session, ctx: LocalContext) -> list[Any]:
        day = sv.check_fields({"last_reviewed": on})["last_reviewed"] if on else None
        return sv.due_reviews(db, ctx, on=day)

    due = _run(workspace, read)
    if as_json:
        out.print_json(json.dumps([d.__dict__ for d in due], default=str))
        return
    if not due:
        say("risk.cli.due_none")
        return
    t = _t()
    for d in due:
        if d.next_review is None:
            state = t("risk.due.never")
        elif d.overdue:
            state = t("risk.due.overdue", date=d.next_review.isoformat())
        else:
            state = t("risk.due.on", date=d.next_review.isoformat())
        _print(f"{d.code:12} {d.title} · {state}")


@risk_app.command("matrix")
def matrix_cmd(
    set_file: Annotated[
        Path | None, typer.Option("--set", help="A YAML file of the matrix (docs/risks.md).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show the scoring matrix, or set it from a YAML file (re-rates every item)."""
    import yaml

    from lingtan.adapters.services import risk_register as sv

    if set_file is not None:
        text = read_file(set_file).decode("utf-8", errors="replace")
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError:
            doc = None
        if not isinstance(doc, dict):
            raise fail(_t()("risk.cli.yaml", file=set_file.name), 2)
        n = _run(workspace, lambda db, ctx: sv.set_matrix(db, ctx, doc))
        say("risk.cli.matrix_set", n=n)
        return
    m = _run(workspace, sv.get_matrix)
    out.print(yaml.safe_dump(m.to_dict(), sort_keys=False, allow_unicode=True),
              highlight=False, markup=False)  # fmt: skip


#: the sub-groups: command name → (module of lingtan.adapters.cli, its Typer app)
SUBGROUPS = {
    "aspects": ("risk_aspects", "aspects_app"),
    "scenarios": ("risk_scenarios", "scenarios_app"),
    "hazards": ("risk_hazards", "hazards_app"),
    "governance": ("risk_governance", "governance_app"),
}


def _attach_subgroups() -> None:
    """Add each sub-group whose module is installed (each keeps its own Typer app; its tests
    invoke it directly)."""
    for name, (module_name, attr) in SUBGROUPS.items():
        try:
            module = importlib.import_module(f"lingtan.adapters.cli.{module_name}")
        except ModuleNotFoundError:
            continue
        risk_app.add_typer(getattr(module, attr), name=name)


_attach_subgroups()
