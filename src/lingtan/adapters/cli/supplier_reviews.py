"""``lingtan suppliers ratings|cap|audits|scorecards …``: supplier reviews from the command line
(issue 15 items 2–3, decision 0064), through the same service as the API and the web pages
(:mod:`lingtan.adapters.services.supplier_reviews`):

- ``ratings add CODE --provider … --score … --date …`` (under 45 it opens a corrective action
  plan due 90 days later), ``ratings list CODE``;
- ``cap list [--supplier CODE] [--overdue]``, ``cap add-item CODE PLAN …``,
  ``cap close-item CODE PLAN ITEM --on DATE --evidence …``, ``cap kpis``;
- ``audits add CODE --scheme … --date … [--finding REF:SEVERITY:SECTION:DUE]…``,
  ``audits list CODE``, ``audits coverage FY``, ``audits due FY``;
- ``scorecards compute CODE PERIOD [--value KPI=VALUE]…``, ``scorecards show CODE``.

Every command takes ``-w WS`` and acts as the folder's owner. A refusal prints the reason in
the command line's language and exits with the code of its kind (2 invalid, 3 not found, 5
conflict). The group is :data:`app` (the lead attaches it under ``lingtan suppliers``).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import (
    WorkspaceOpt,
    cli_locale,
    out,
    run_in_store,
    say,
)
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services import supplier_reviews as svc
from lingtan.adapters.services.context import LocalContext, jsonable

HELP = "Supplier reviews: ratings and corrective action plans, audits, scorecards."
app = typer.Typer(help=HELP, no_args_is_help=True)
ratings_app = typer.Typer(help="External ratings (under 45: a plan due in 90 days).",
                          no_args_is_help=True)  # fmt: skip
cap_app = typer.Typer(help="Corrective action plans and their items.", no_args_is_help=True)
audits_app = typer.Typer(help="Audits, the audit-coverage set and audits due.",
                         no_args_is_help=True)  # fmt: skip
scorecards_app = typer.Typer(help="Quarterly supplier scorecards.", no_args_is_help=True)
app.add_typer(ratings_app, name="ratings")
app.add_typer(cap_app, name="cap")
app.add_typer(audits_app, name="audits")
app.add_typer(scorecards_app, name="scorecards")

T = TypeVar("T")
CodeArg = Annotated[str, typer.Argument(help="Supplier code.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
TodayOpt = Annotated[
    str | None, typer.Option("--today", help="Judge as of this date (YYYY-MM-DD; default today).")
]
FyArg = Annotated[str, typer.Argument(help="Fiscal year, e.g. FY2023/24.")]


def _t() -> Translator:
    return Translator(cli_locale())


def _json(value: Any) -> None:
    out.print_json(json.dumps(jsonable(value), ensure_ascii=False))


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(_t()("supplier_reviews.err.date", value=text,
                                      field="--today")) from exc  # fmt: skip


# ---- ratings ------------------------------------------------------------------------------


@ratings_app.command("add")
def ratings_add(
    code: CodeArg,
    score: Annotated[float, typer.Option("--score", help="Score [0–100].")],
    rated_on: Annotated[str, typer.Option("--date", help="Rating date (YYYY-MM-DD).")],
    provider: Annotated[str, typer.Option("--provider", help="Rating provider.")] = "EcoVadis",
    valid_until: Annotated[str | None, typer.Option("--valid-until")] = None,
    evidence: Annotated[str | None, typer.Option("--evidence", help="Reference or sha256.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Record a rating; under 45 it opens a corrective action plan due 90 days later."""
    fields = {"provider": provider, "score": score, "rated_on": rated_on,
              "valid_until": valid_until, "evidence": evidence}  # fmt: skip
    res = run_in_store(workspace, lambda db, ctx: svc.record_rating(db, ctx, code, fields))
    r = res["rating"]
    say("supplier_reviews.cli.rating_recorded", code=code, score=f"{r.score:g}",
         date=r.rated_on.isoformat())  # fmt: skip
    if res["cap"] is not None:
        say("supplier_reviews.cli.cap_opened", id=res["cap"].id, due=res["cap"].due.isoformat())
    for c in res["rerated"]:
        say(
            "supplier_reviews.cli.rerated", id=c.id, change=f"{c.score_after - c.score_before:+.1f}"
        )


@ratings_app.command("list")
def ratings_list(
    code: CodeArg, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")
) -> None:
    """The supplier's ratings, latest first."""
    rows = run_in_store(workspace, lambda db, ctx: svc.list_ratings(db, ctx, code))
    data = [{"id": r.id, "provider": r.provider, "score": r.score, "rated_on": r.rated_on,
             "valid_until": r.valid_until} for r in rows]  # fmt: skip
    if as_json:
        _json(data)
        return
    if not data:
        say("supplier_reviews.no_ratings")
    for r in rows:
        out.print(f"{r.rated_on}  {r.score:>6.1f}  {escape(r.provider)}", highlight=False)


# ---- corrective action plans --------------------------------------------------------------


@cap_app.command("list")
def cap_list(
    supplier: Annotated[str | None, typer.Option("--supplier", help="Only this supplier.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue plans.")] = False,
    today: TodayOpt = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Plans by due date with their status (open, overdue, closed)."""
    on = _day(today)
    plans = run_in_store(
        workspace, lambda db, ctx: svc.list_caps(db, ctx, code=supplier, overdue=overdue, today=on)
    )
    if as_json:
        _json(plans)
        return
    if not plans:
        say("supplier_reviews.no_plans")
    t = _t()
    for c in plans:
        out.print(
            f"#{c['id']}  {escape(c['supplier'])}  {c['opened']} → {c['due']}  "
            f"{t('supplier_reviews.status.' + c['status'])}  "
            f"{len(c['items'])} {t('supplier_reviews.col.items')}",
            highlight=False,
        )


@cap_app.command("add-item")
def cap_add_item(
    code: CodeArg,
    cap_id: Annotated[int, typer.Argument(help="Plan id.")],
    finding: Annotated[str, typer.Option("--finding")],
    action: Annotated[str, typer.Option("--action")],
    owner: Annotated[str, typer.Option("--owner")],
    due: Annotated[str | None, typer.Option("--due", help="Default: the plan's due date.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add an item to a plan."""
    fields = {"finding": finding, "action": action, "owner": owner, "due": due}
    item = run_in_store(workspace, lambda db, ctx: svc.add_cap_item(db, ctx, code, cap_id, fields))
    say("supplier_reviews.cli.item_added", id=item.id, cap=cap_id, due=item.due.isoformat())


@cap_app.command("close-item")
def cap_close_item(
    code: CodeArg,
    cap_id: Annotated[int, typer.Argument(help="Plan id.")],
    item_id: Annotated[int, typer.Argument(help="Item id.")],
    closed_on: Annotated[str, typer.Option("--on", help="Closing date (YYYY-MM-DD).")],
    evidence: Annotated[str, typer.Option("--evidence", help="Reference or sha256.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Close a plan item with its evidence (the plan closes with its last item)."""
    plan = run_in_store(workspace, lambda db, ctx: svc.close_cap_item(
        db, ctx, code, cap_id, item_id, closed_on=closed_on, evidence=evidence))  # fmt: skip
    say("supplier_reviews.cli.item_closed", id=item_id, cap=cap_id,
         status=_t()("supplier_reviews.status." + plan["status"]))  # fmt: skip


@cap_app.command("kpis")
def cap_kpis(today: TodayOpt = None, workspace: WorkspaceOpt = Path(".")) -> None:
    """CAPs closed on time [%] and the mean score change after re-rating [points]."""
    on = _day(today)
    k = run_in_store(workspace, lambda db, ctx: svc.cap_kpis(db, ctx, on))
    pct = "—" if k.closed_on_time_pct is None else f"{k.closed_on_time_pct:.1f} %"
    change = "—" if k.mean_score_change is None else f"{k.mean_score_change:+.1f}"
    say("supplier_reviews.cli.kpis", on_time=pct, n=k.closed_on_time, d=k.decided,
         change=change, rerated=k.rerated)  # fmt: skip


# ---- audits -------------------------------------------------------------------------------


def _finding(text: str) -> dict[str, Any]:
    parts = [*text.split(":"), "", "", ""][:4]
    ref, severity, section, due = (p.strip() for p in parts)
    return {"ref": ref or None, "severity": severity, "section": section, "due": due or None}


@audits_app.command("add")
def audits_add(
    code: CodeArg,
    scheme: Annotated[str, typer.Option("--scheme", help="rba_vap | rba_equivalent | other")],
    audited_on: Annotated[str, typer.Option("--date", help="Audit date (YYYY-MM-DD).")],
    score: Annotated[float | None, typer.Option("--score")] = None,
    site: Annotated[str | None, typer.Option("--site")] = None,
    auditor: Annotated[str | None, typer.Option("--auditor")] = None,
    finding: Annotated[
        list[str] | None,
        typer.Option("--finding", help="REF:SEVERITY:SECTION:DUE (repeatable)."),
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Record an audit and its findings."""
    findings = [_finding(f) for f in finding or []]
    fields = {"scheme": scheme, "audited_on": audited_on, "score": score, "site": site,
              "auditor": auditor, "findings": findings}  # fmt: skip
    row = run_in_store(workspace, lambda db, ctx: svc.add_audit(db, ctx, code, fields))
    say("supplier_reviews.cli.audit_added", id=row.id, code=code, n=len(findings))


@audits_app.command("list")
def audits_list(
    code: CodeArg, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")
) -> None:
    """The supplier's audits and findings, latest first."""
    rows = run_in_store(workspace, lambda db, ctx: svc.list_audits(db, ctx, code))
    if as_json:
        _json(rows)
        return
    if not rows:
        say("supplier_reviews.no_audits")
    for a in rows:
        open_ = sum(1 for f in a["findings"] if f["closed_on"] is None)
        out.print(f"#{a['id']}  {a['audited_on']}  {a['scheme']}  "
                  f"{len(a['findings'])} / {open_}", highlight=False)  # fmt: skip


@audits_app.command("coverage")
def audits_coverage(
    fy: FyArg, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")
) -> None:
    """The audit-coverage set A (suppliers by descending spend reaching 95 % of spend) and the
    audited spend share at the fiscal year's end."""
    cov = run_in_store(workspace, lambda db, ctx: svc.coverage(db, ctx, fy))
    if as_json:
        _json(cov)
        return
    for m in cov["members"]:
        mark = "✓" if m["valid"] else "✗"
        out.print(f"{mark} {escape(m['supplier'])}  {m['spend']:,.2f}  {m['last_audit'] or '—'}",
                  highlight=False)  # fmt: skip
    say("supplier_reviews.coverage_line", fy=cov["fiscal_year"], n=len(cov["members"]),
         set=f"{cov['set_share_pct']:.1f}", audited=f"{cov['audited_share_pct']:.1f}",
         end=cov["fy_end"].isoformat())  # fmt: skip


@audits_app.command("due")
def audits_due(
    fy: FyArg, today: TodayOpt = None, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")
) -> None:
    """Suppliers of A due for an audit within six months (overdue first)."""
    on = _day(today)
    due = run_in_store(workspace, lambda db, ctx: svc.audits_due(db, ctx, fy, today=on))
    if as_json:
        _json(due)
        return
    if not due:
        say("supplier_reviews.none_due")
    t = _t()
    for d in due:
        when = d["due"].isoformat() if d["due"] else t("supplier_reviews.at_once")
        state = t(
            "supplier_reviews.status.overdue"
            if d["overdue"]
            else "supplier_reviews.status.due_soon"
        )
        out.print(f"{escape(d['supplier'])}  {when}  {state}", highlight=False)


# ---- scorecards ---------------------------------------------------------------------------


def _values(pairs: list[str]) -> dict[str, float | None]:
    out_: dict[str, float | None] = {}
    for p in pairs:
        key, _, value = p.partition("=")
        try:
            out_[key.strip()] = float(value) if value.strip() else None
        except ValueError as exc:
            raise typer.BadParameter(_t()("supplier_reviews.err.kpi_value", code=key)) from exc
    return out_


@scorecards_app.command("compute")
def scorecards_compute(
    code: CodeArg,
    period: Annotated[str, typer.Argument(help="Quarter, e.g. 2024Q1.")],
    value: Annotated[
        list[str] | None, typer.Option("--value", help="KPI=VALUE (repeatable).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Compute a quarter's scorecard (questionnaire values given; ratings and audits from the
    records)."""
    values = _values(value or [])
    row = run_in_store(
        workspace, lambda db, ctx: svc.compute_scorecard(db, ctx, code, period, values)
    )
    say("supplier_reviews.scorecard_line", period=row.period, total=f"{row.total:.1f}",
         grade=row.grade, m=f"{row.multiplier:.2f}")  # fmt: skip


@scorecards_app.command("show")
def scorecards_show(
    code: CodeArg, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")
) -> None:
    """The supplier's latest scorecard, KPI by KPI."""

    def call(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        kset = svc.kpi_set(db, ctx)
        return [svc.scorecard_dict(r, kset) for r in svc.list_scorecards(db, ctx, code)]

    cards = run_in_store(workspace, call)
    if as_json:
        _json(cards)
        return
    if not cards:
        say("supplier_reviews.no_scorecard")
        return
    card = cards[0]
    zh = cli_locale().startswith("zh")
    for s in card["scores"]:
        value = "—" if s["value"] is None else f"{s['value']:g}"
        name = s["name_zh"] if zh else s["name_en"]
        out.print(
            f"{s['score']:>5.0f}  ×{s['weight']:<4g} {escape(name)} = {value}", highlight=False
        )
    say("supplier_reviews.scorecard_line", period=card["period"], total=f"{card['total']:.1f}",
         grade=card["grade"], m=f"{card['multiplier']:.2f}")  # fmt: skip


@scorecards_app.command("kpis")
def scorecards_kpis(as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")) -> None:
    """The KPI definitions and grade bands in force (lingtan's defaults unless replaced)."""
    doc = run_in_store(workspace, lambda db, ctx: svc.kpi_set_document(svc.kpi_set(db, ctx)))
    if as_json:
        _json(doc)
        return
    zh = cli_locale().startswith("zh")
    for k in doc["kpi"]:
        name = k["name_zh"] if zh else k["name_en"]
        explain = k["explain_zh"] if zh else k["explain_en"]
        out.print(f"{k['code']:<28} ×{k['weight']:<4g} {escape(name)} — {escape(explain)}",
                  highlight=False)  # fmt: skip
    for b in doc["band"]:
        out.print(f"{b['grade']}  ≥ {b['min_total']:g}  × {b['multiplier']:g}", highlight=False)
