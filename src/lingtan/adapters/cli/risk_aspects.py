"""``lingtan risk aspects …``: significant environmental aspects from the command line (issue 17
item 3, ISO 14001:2015 §6.1.2, decision 0081), through the same service as the API and the web
pages (:mod:`lingtan.adapters.services.risk_aspects`):

- ``list`` (filters: site, condition, ``--significant`` / ``--not-significant``; ``--json``);
- ``add ASPECT`` (``--code``, ``--site``, ``--condition``, ``--activity``, ``--value-chain``,
  ``--scores q,s,f,sev,c,r,comp,m``, ``--objective 'text|KPI'`` repeated, ``--risk``);
- ``from-risk CODE`` (a register risk taken into the aspects, linked);
- ``import FILE`` (CSV; all or nothing, every wrong cell named) and ``export FILE``;
- ``rate CODE q,s,f,sev,c,r,comp,m`` (the eight scores, 1–5, in the report's order);
- ``monitor CODE`` (``--on``, ``--by``, ``--findings``, ``--status``);
- ``due`` (significant aspects without a record in the last six months);
- ``config`` (``--threshold``, ``--aggregate``, ``--any-factor-at`` / ``--no-any-factor``).

Every command takes ``-w WS`` and acts as the folder's owner. A refusal prints the reason in the
command line's language and exits with the code of its kind (2 invalid, 3 not found, 5
conflict). The group is :data:`aspects_app`; ``lingtan risk`` attaches it as ``aspects``.
"""

from __future__ import annotations

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
    run_in_store,
    say,
)
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.errors import EXIT_CODES, KeyedError

T = TypeVar("T")

HELP = "Significant environmental aspects (ISO 14001 §6.1.2): ratings, objectives, monitoring."
aspects_app = typer.Typer(help=HELP, no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
SCORES_HELP = (
    "Eight scores 1–5: quantity,scope,frequency,severity,control,reputation,compliance,management"
)


def _t() -> Translator:
    return Translator(cli_locale())


class _Refused:
    """A keyed refusal carried out of the store session (shown in the command line's
    language)."""

    def __init__(self, exc: KeyedError) -> None:
        self.exc = exc


def _run(workspace: Path, call: Callable[[Session, LocalContext], T]) -> T:
    """:func:`run_in_store`, an aspect refusal (``aspects.err.*``) printed in the command
    line's language and turned into the exit code of its kind."""
    from lingtan.adapters.services.risk_aspects import AspectsError

    def guarded(db: Session, ctx: LocalContext) -> T | _Refused:
        try:
            return call(db, ctx)
        except AspectsError as exc:
            db.rollback()
            return _Refused(exc)

    got = run_in_store(workspace, guarded)
    if isinstance(got, _Refused):
        text = _t()(got.exc.key, **got.exc.params)
        err.print(f"[bold red]error:[/] {escape(text)}", highlight=False)
        raise typer.Exit(EXIT_CODES.get(got.exc.kind, 1))
    return got


def _scores(text: str) -> dict[str, str]:
    """``q,s,f,sev,c,r,comp,m`` → the score columns (their checks are the service's)."""
    from lingtan.adapters.services.risk_aspects import SCORE_FIELDS

    parts = [p.strip() for p in text.split(",")]
    return dict(zip(SCORE_FIELDS, parts + [""] * (len(SCORE_FIELDS) - len(parts)), strict=False))


def _rating(t: Translator, d: dict[str, Any]) -> str:
    if not d["rated"]:
        return t("aspects.significant.unrated")
    verdict = t("aspects.significant.yes") if d["significant"] else t("aspects.significant.no")
    text = t("aspects.rating_text", env=f"{d['env']:.2f}", bus=f"{d['bus']:.2f}",
             overall=f"{d['overall']:.2f}")  # fmt: skip
    return f"{text} · {verdict}"


def _line(t: Translator, d: dict[str, Any]) -> str:
    site = d["site"] or t("aspects.site.all")
    return (f"{d['code']:8} {d['aspect'][:60]:60} {site:14} "
            f"{t('aspects.condition.' + d['condition']):10} {_rating(t, d)}")  # fmt: skip


@aspects_app.command("list")
def list_cmd(
    site: Annotated[str | None, typer.Option("--site", help="Site code (* = org-wide).")] = None,
    condition: Annotated[
        str | None, typer.Option("--condition", help="normal, abnormal or emergency.")
    ] = None,
    significant: Annotated[
        bool | None,
        typer.Option("--significant/--not-significant", help="Only (not) significant ones."),
    ] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List the aspects with their rating, highest overall first."""
    from lingtan.adapters.services import risk_aspects as sv

    def read(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        rows = sv.list_aspects(db, ctx, site=site, condition=condition, significant=significant)
        return [sv.aspect_dict(r) for r in rows]

    rows = _run(workspace, read)
    if as_json:
        out.print_json(json.dumps({"aspects": rows}, ensure_ascii=False, default=str))
        return
    t = _t()
    if not rows:
        say("aspects.cli.none")
    for d in rows:
        out.print(_line(t, d), highlight=False, markup=False)


@aspects_app.command("add")
def add_cmd(
    aspect: Annotated[str, typer.Argument(help="The aspect (e.g. 'Workplace energy use').")],
    code: Annotated[str | None, typer.Option("--code", help="Code (default SEA-NN).")] = None,
    site: Annotated[str | None, typer.Option("--site", help="Site code (default: org).")] = None,
    condition: Annotated[
        str, typer.Option("--condition", help="normal, abnormal or emergency.")
    ] = "normal",
    activity: Annotated[str | None, typer.Option("--activity", help="The activity.")] = None,
    value_chain: Annotated[
        str | None, typer.Option("--value-chain", help="own_operations, upstream, downstream.")
    ] = None,
    scores: Annotated[str | None, typer.Option("--scores", help=SCORES_HELP)] = None,
    objective: Annotated[
        list[str] | None, typer.Option("--objective", help="'text' or 'text|KPI-ID' (repeat).")
    ] = None,
    risk: Annotated[str | None, typer.Option("--risk", help="Code of a register risk.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Note.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add an aspect (rated when --scores is given)."""
    from lingtan.adapters.services import risk_aspects as sv

    given: dict[str, Any] = {"aspect": aspect, "code": code, "site": site,
                             "condition": condition, "activity": activity,
                             "value_chain": value_chain, "risk_code": risk,
                             "note": note}  # fmt: skip
    fields = {k: v for k, v in given.items() if v is not None}
    if scores is not None:
        fields.update(_scores(scores))
    if objective:
        fields["objectives"] = ";".join(objective)

    def act(db: Session, ctx: LocalContext) -> tuple[str, int]:
        row = sv.create_aspect(db, ctx, fields)
        return row.code, int(row.id)

    got_code, got_id = _run(workspace, act)
    say("aspects.cli.added", code=got_code, id=got_id)


@aspects_app.command("from-risk")
def from_risk_cmd(
    risk: Annotated[str, typer.Argument(help="Code of a register risk.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Take a register risk into the aspects (a new linked aspect, or the one linked)."""
    from lingtan.adapters.services import risk_aspects as sv

    def act(db: Session, ctx: LocalContext) -> tuple[str, int]:
        row = sv.aspect_from_risk(db, ctx, risk)
        return row.code, int(row.id)

    got_code, got_id = _run(workspace, act)
    say("aspects.cli.added", code=got_code, id=got_id)


@aspects_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV file of aspects.")],
    encoding: Annotated[str | None, typer.Option("--encoding", help="e.g. gb18030.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Import a CSV file of aspects (all or nothing; every wrong cell named)."""
    from lingtan.adapters.services import risk_aspects as sv

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise fail(exc) from exc

    def act(db: Session, ctx: LocalContext) -> sv.ImportResult | sv.AspectsFileError:
        try:
            return sv.import_aspects(db, ctx, data, file.name, encoding=encoding)
        except sv.AspectsFileError as exc:  # every wrong cell, in the command line's language
            return exc

    got = _run(workspace, act)
    if isinstance(got, sv.AspectsFileError):
        t = _t()
        err.print(f"[bold red]error:[/] {escape(t(got.key, **got.params))}", highlight=False)
        for line in sv.row_error_lines(got.errors, t.locale):
            err.print(escape(line), highlight=False)
        raise typer.Exit(2)
    say("aspects.cli.imported", created=len(got.created), updated=len(got.updated))


@aspects_app.command("export")
def export_cmd(
    file: Annotated[Path, typer.Argument(help="CSV file to write.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Write the aspects to a CSV file (the import's columns and the computed rating)."""
    from lingtan.adapters.services import risk_aspects as sv

    def export(db: Session, ctx: LocalContext, _fmt: str) -> bytes:
        return sv.export_aspects(db, ctx)  # CSV whatever the suffix

    def count(db: Session, ctx: LocalContext) -> int:
        return len(sv.list_aspects(db, ctx))

    export_register(workspace, file, export, count, "aspects.cli.exported", runner=_run)


@aspects_app.command("rate")
def rate_cmd(
    ref: Annotated[str, typer.Argument(help="Aspect code (or id).")],
    scores: Annotated[str, typer.Argument(help=SCORES_HELP)],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Rate an aspect on its eight factors."""
    from lingtan.adapters.services import risk_aspects as sv

    def act(db: Session, ctx: LocalContext) -> dict[str, Any]:
        row = sv.find_aspect(db, ctx, ref)
        return sv.aspect_dict(sv.rate_aspect(db, ctx, row.id, _scores(scores)))

    d = _run(workspace, act)
    say("aspects.cli.rated", code=d["code"], rating=_rating(_t(), d))


@aspects_app.command("monitor")
def monitor_cmd(
    ref: Annotated[str, typer.Argument(help="Aspect code (or id).")],
    on: Annotated[str | None, typer.Option("--on", help="Date (YYYY-MM-DD; today).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who monitored.")] = None,
    findings: Annotated[str | None, typer.Option("--findings", help="Findings.")] = None,
    status: Annotated[
        str, typer.Option("--status", help="on_track, attention or off_track.")
    ] = "on_track",
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Record a monitoring of an aspect (the semi-annual measurement of its objectives)."""
    from lingtan.adapters.services import risk_aspects as sv

    given = {"checked_on": on, "checked_by": by, "findings": findings, "status": status}
    fields = {k: v for k, v in given.items() if v is not None}

    def act(db: Session, ctx: LocalContext) -> tuple[str, str]:
        row = sv.find_aspect(db, ctx, ref)
        rec = sv.record_monitoring(db, ctx, row.id, fields)
        return row.code, rec.checked_on.isoformat()

    code, day = _run(workspace, act)
    say("aspects.cli.monitored", code=code, date=day)


@aspects_app.command("due")
def due_cmd(as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")) -> None:
    """Significant aspects without a monitoring record in the last six months."""
    from lingtan.adapters.services import risk_aspects as sv

    def read(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        return [d.to_dict() for d in sv.monitoring_due(db, ctx)]

    rows = _run(workspace, read)
    if as_json:
        out.print_json(json.dumps({"due": rows}, ensure_ascii=False, default=str))
        return
    if not rows:
        say("aspects.cli.due.none")
        return
    t = _t()
    say("aspects.cli.due.title")
    for d in rows:
        if d["last"] is None:
            line = t("aspects.due.never", code=d["code"], aspect=d["aspect"])
        else:
            line = t("aspects.due.overdue", code=d["code"], aspect=d["aspect"], last=d["last"],
                     next=d["next_due"], days=d["days_overdue"])  # fmt: skip
        out.print("  " + line, highlight=False, markup=False)


@aspects_app.command("config")
def config_cmd(
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="θ: significant when overall ≥ θ.")
    ] = None,
    aggregate: Annotated[str | None, typer.Option("--aggregate", help="mean or max.")] = None,
    any_factor_at: Annotated[
        int | None, typer.Option("--any-factor-at", help="Also significant at this factor score.")
    ] = None,
    no_any_factor: Annotated[
        bool, typer.Option("--no-any-factor", help="Turn the any-factor rule off.")
    ] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show, or change, how significance is decided (every aspect re-rated on a change)."""
    from lingtan.adapters.services import risk_aspects as sv

    fields: dict[str, Any] = {}
    if threshold is not None:
        fields["threshold"] = threshold
    if aggregate is not None:
        fields["aggregate"] = aggregate
    if any_factor_at is not None:
        fields["any_factor_at"] = any_factor_at
    if no_any_factor:
        fields["any_factor_at"] = None

    def act(db: Session, ctx: LocalContext) -> tuple[int | None, Any]:
        n = sv.set_config(db, ctx, fields) if fields else None
        return n, sv.get_config(db, ctx)

    n, config = _run(workspace, act)
    if n is not None:
        say("aspects.cli.configured", n=n)
    t = _t()
    text = t("aspects.config.rule", aggregate=t(f"aspects.config.aggregate.{config.aggregate}"),
             threshold=f"{config.threshold:g}")  # fmt: skip
    if config.any_factor_at:
        text += " " + t("aspects.config.any_rule", score=config.any_factor_at)
    out.print(text, highlight=False, markup=False)
    if sv.is_default(config):
        say("aspects.config.default_label")


@aspects_app.command("demo")
def demo_cmd(workspace: WorkspaceOpt = Path(".")) -> None:
    """Load the report's FY2023/24 list of 11 significant aspects (scores illustrative)."""
    from lingtan.adapters.services import risk_aspects as sv

    say("aspects.cli.demo", n=_run(workspace, sv.load_demo))
