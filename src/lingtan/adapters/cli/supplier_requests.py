"""Climate data requests to suppliers from the command line (issue 15 item 4, decision 0065),
through the same service as the API and the web pages
(:mod:`lingtan.adapters.services.supplier_requests`):

- ``requests open --fy FY`` (scope rule ``--top-pct 95 --strategic``), ``requests list``,
  ``requests tokens CAMPAIGN`` (the answer links' tokens, shown once), ``requests record
  REQUEST FILE.json`` (an answer received as a file), ``requests accept RESPONSE``,
  ``requests return RESPONSE --reason …``;
- ``coverage [--fy FY] [--basis spend|emissions] [--denominator all|in_scope|respondents]``:
  the five figures and the SBTi checks, the denominator set printed;
- ``maturity [--review]``: the maturity levels (and a review of the strategic suppliers due).

The group is :data:`app` (the lead attaches it under ``lingtan suppliers``). Every command
takes ``-w WS`` and acts as the folder's owner; a refusal exits with the code of its kind.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import (
    WorkspaceOpt,
    cli_locale,
    fail,
    out,
    run_in_store,
    say,
)
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext

HELP = "Climate data requests to suppliers, coverage and maturity."
app = typer.Typer(help=HELP, no_args_is_help=True)
requests_app = typer.Typer(help="Yearly data request campaigns and answers.", no_args_is_help=True)
app.add_typer(requests_app, name="requests")

T = TypeVar("T")
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
FyOpt = Annotated[str | None, typer.Option("--fy", help="Fiscal year, e.g. FY2023/24.")]


def _t() -> Translator:
    return Translator(cli_locale())


def _json(data: Any) -> None:
    from lingtan.adapters.services.context import jsonable

    out.print_json(json.dumps(jsonable(data), ensure_ascii=False, default=str))


@requests_app.command("open")
def open_cmd(
    fy: Annotated[str, typer.Option("--fy", help="Fiscal year, e.g. FY2023/24.")],
    top_pct: Annotated[
        float | None, typer.Option("--top-pct", help="Top share of spend [%] (0 < p ≤ 100).")
    ] = 95.0,
    no_spend: Annotated[bool, typer.Option("--no-spend", help="No spend criterion.")] = False,
    strategic: Annotated[
        bool, typer.Option("--strategic/--no-strategic", help="Add the strategic suppliers.")
    ] = True,
    key_tier1: Annotated[bool, typer.Option("--key-tier1", help="Add key tier-1.")] = False,
    kind: Annotated[str, typer.Option("--kind", help="climate, pcf, water or waste.")] = "climate",
    questionnaire: Annotated[
        str, typer.Option("--questionnaire", help="Questionnaire version.")
    ] = "CDP-SC-2023",
    due: Annotated[str | None, typer.Option("--due", help="Due date YYYY-MM-DD.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Open a campaign: the scope rule on the year's spend by supplier, one request each."""
    from lingtan.adapters.services import supplier_requests as svc
    from lingtan.modules.suppliers.requests import ScopeRule

    def call(db: Session, ctx: LocalContext) -> Any:
        rule = ScopeRule(None if no_spend else top_pct, strategic, key_tier1)
        due_on = date.fromisoformat(due) if due else None
        return svc.open_campaign(
            db,
            ctx,
            fiscal_year=fy,
            kind=kind,
            questionnaire_version=questionnaire,
            rule=rule,
            due_on=due_on,
        )

    try:
        view = run_in_store(workspace, call)
    except ValueError as exc:  # a due date that is no date; a rule out of range
        raise fail(exc) from exc
    say(
        "sr.cli.opened",
        id=view.id,
        fy=view.fiscal_year,
        rule=view.scope_rule_text,
        n=view.counts["sent"],
    )
    if view.unregistered:
        say("sr.unregistered", codes=", ".join(view.unregistered))


@requests_app.command("list")
def list_cmd(
    campaign: Annotated[int | None, typer.Option("--campaign", help="Campaign id.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only this status.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """The campaigns, then the requests with their status and answers."""
    from lingtan.adapters.services import supplier_requests as svc

    def read(db: Session, ctx: LocalContext) -> tuple[list[Any], list[Any]]:
        return svc.list_campaigns(db, ctx), svc.list_requests(db, ctx, campaign, status)

    camps, reqs = run_in_store(workspace, read)
    if as_json:
        _json({"campaigns": [vars(c) for c in camps], "requests": [vars(r) for r in reqs]})
        return
    t = _t()
    if not camps:
        say("sr.none")
    for c in camps:
        counts = " ".join(f"{t('sr.status.' + k)} {v}" for k, v in c.counts.items())
        out.print(
            f"#{c.id} {c.fiscal_year} {t('sr.kind.' + c.kind)} {c.questionnaire_version} "
            f"[{c.scope_rule_text}] {counts}",
            highlight=False,
            markup=False,
        )
    for r in reqs:
        newest = (
            f" → #{r.newest_response_id} {r.newest_response_status}" if r.newest_response_id else ""
        )
        out.print(
            f"  req {r.id:<5} {r.fiscal_year} {r.supplier_code:12} "
            f"{t('sr.status.' + r.status):8} v{r.versions}{newest}",
            highlight=False,
            markup=False,
        )


@requests_app.command("tokens")
def tokens_cmd(
    campaign: Annotated[int, typer.Argument(help="Campaign id.")],
    days: Annotated[int, typer.Option("--days", help="Days the links are valid.")] = 60,
    base_url: Annotated[
        str, typer.Option("--base-url", help="The server's address, for the form links.")
    ] = "",
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Issue an answer token for each open request (a new one replaces the old); shown once."""
    from lingtan.adapters.services import supplier_requests as svc

    got = run_in_store(workspace, lambda db, ctx: svc.issue_tokens(db, ctx, campaign, days=days))
    say("sr.tokens.once")
    for tk in got:
        link = f"{base_url.rstrip('/')}/supplier-answer/{tk.token}" if base_url else tk.token
        out.print(
            f"{tk.supplier_code:12} {link} {tk.expires_at.date().isoformat()}",
            highlight=False,
            markup=False,
        )


@requests_app.command("record")
def record_cmd(
    request: Annotated[int, typer.Argument(help="Request id.")],
    file: Annotated[Path, typer.Argument(help="The answer as JSON (the API's answer fields).")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Record an answer a supplier sent as a file (a new version of its answer)."""
    from lingtan.adapters.services import supplier_requests as svc

    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise fail(exc) from exc
    if not isinstance(data, dict):
        raise fail(_t()("sr.err.object"))
    got = run_in_store(workspace, lambda db, ctx: svc.record_answer(db, ctx, request, data))
    say("sr.cli.recorded", id=got.id, version=got.version, code=got.supplier_code)


@requests_app.command("accept")
def accept_cmd(
    response: Annotated[int, typer.Argument(help="Response id.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Accept the newest answer of a request (it counts in coverage from now on)."""
    from lingtan.adapters.services import supplier_requests as svc

    got = run_in_store(workspace, lambda db, ctx: svc.accept_response(db, ctx, response))
    say("sr.done.accepted")
    out.print(f"#{got.id} {got.supplier_code} v{got.version}", highlight=False, markup=False)


@requests_app.command("return")
def return_cmd(
    response: Annotated[int, typer.Argument(help="Response id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it goes back.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Return the newest answer of a request with a reason (the supplier answers again)."""
    from lingtan.adapters.services import supplier_requests as svc

    got = run_in_store(workspace, lambda db, ctx: svc.return_response(db, ctx, response, reason))
    say("sr.done.returned")
    out.print(f"#{got.id} {got.supplier_code} v{got.version}", highlight=False, markup=False)


@app.command("coverage")
def coverage_cmd(
    fy: FyOpt = None,
    basis: Annotated[str, typer.Option("--basis", help="spend or emissions.")] = "spend",
    denominator: Annotated[
        str, typer.Option("--denominator", help="all, in_scope or respondents.")
    ] = "all",
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Coverage of a fiscal year (default: the newest campaign's) with its denominator set."""
    from lingtan.adapters.services import supplier_requests as svc
    from lingtan.modules.suppliers.coverage import EXTRA_PROPERTIES, REPORT_PROPERTIES

    def read(db: Session, ctx: LocalContext) -> dict[str, Any] | None:
        label = fy
        if label is None:
            years = sorted({c.fiscal_year for c in svc.list_campaigns(db, ctx)})
            if not years:
                return None
            label = years[-1]
        return svc.coverage_view(db, ctx, label, basis=basis, denominator=denominator).to_dict()

    doc = run_in_store(workspace, read)
    if doc is None:
        say("sr.coverage.none")
        raise typer.Exit(3)
    if as_json:
        _json(doc)
        return
    t = _t()
    say("sr.cli.coverage_head", fy=doc["fiscal_year"], basis=t("sr.basis." + doc["basis"]))
    say(
        "sr.cli.denominator",
        what=t("sr.denominator." + doc["denominator"]),
        text=f"{doc['denominator_text']} {doc['unit']}",
    )
    for p in REPORT_PROPERTIES + EXTRA_PROPERTIES:
        c = doc["properties"][p]
        pct = "–" if c["pct"] is None else f"{c['pct']:.1f} %"
        goal = ""
        if c["goal_pct"] is not None:
            goal_text = f"{c['goal_pct']:g} %"
            goal = "  " + t("sr.coverage.goal", goal=goal_text)
        out.print(
            f"{t('sr.prop.' + p)}: {pct} ({c['fraction'] or '–'}){goal}",
            highlight=False,
            markup=False,
        )
    for p, chk in doc["sbti_checks"].items():
        verdict = t("sr.sbti.conformant") if chk["conformant"] else t("sr.sbti.not_conformant")
        out.print(f"SBTi · {t('sr.prop.' + p)}: {verdict}", highlight=False, markup=False)
        for f in chk["failures"]:
            out.print(f"  - {t(f)}", highlight=False, markup=False)


@app.command("maturity")
def maturity_cmd(
    review: Annotated[
        bool, typer.Option("--review", help="Review the strategic suppliers due.")
    ] = False,
    on: Annotated[str | None, typer.Option("--on", help="Review date YYYY-MM-DD.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Maturity levels (1–5) of the suppliers; ``--review`` assesses the strategic ones due."""
    from lingtan.adapters.services import supplier_requests as svc

    def call(db: Session, ctx: LocalContext) -> list[Any]:
        if review:
            svc.review_maturity(db, ctx, on=date.fromisoformat(on) if on else None)
        return svc.list_maturity(db, ctx)

    try:
        rows = run_in_store(workspace, call)
    except ValueError as exc:
        raise fail(exc) from exc
    for m in rows:
        out.print(
            f"{m.supplier_code:12} {m.level} {','.join(m.criteria_met)} "
            f"{m.assessed_on.isoformat()} → {m.next_review.isoformat()}",
            highlight=False,
            markup=False,
        )
