"""``lingtan suppliers …``: the supplier register from the command line (issue 15, decision
0063), through the same service as the API and the web pages
(:mod:`lingtan.adapters.services.suppliers`):

- ``list`` (filters: status, tier, category, strategic, text), ``show CODE``, ``add CODE``,
  ``edit CODE``, ``status CODE NEW --reason …``;
- ``import FILE`` (CSV or XLSX; all or nothing, every wrong cell named) and ``export FILE``;
- ``spend FY``: spend by supplier in CNY from the imported Scope 3 category 1–2 rows, with the
  total (the denominator of coverage by spend), spend without a supplier and of codes not in
  the register;
- ``onboarding CODE`` (the checklist; ``--item … --result …`` records a check, ``--evidence``
  stores its file) and ``reminders`` (evidence expiring or expired).

Every command takes ``-w WS`` and acts as the folder's owner (:class:`LocalContext`). A refusal
prints the reason in the command line's language and exits with the code of its kind (2
invalid, 3 not found, 5 conflict). The group is :data:`app`: other capabilities' commands are
added to it by :func:`_attach_capabilities` (ratings, plans, audits, scorecards, requests,
coverage, maturity, factors, projects, training).
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
    EXIT_BUSY,
    FAILURES,
    WorkspaceOpt,
    cli_locale,
    err,
    export_register,
    fail,
    is_busy,
    local_context,
    out,
    read_file,
    run_in_store,
    say,
    store_session,
)
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext

HELP = "Supplier register: suppliers, onboarding checklist, spend by supplier."
app = typer.Typer(help=HELP, no_args_is_help=True)

T = TypeVar("T")
CodeArg = Annotated[
    str, typer.Argument(help="Supplier code (the 'supplier' column of activity files).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _t() -> Translator:
    return Translator(cli_locale())


def _id(db: Session, ctx: LocalContext, code: str) -> int:
    from lingtan.adapters.services import suppliers as sv

    return int(sv.supplier_by_code(db, ctx, code).id)


def _given(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _money(x: float) -> str:
    return f"{x:,.2f}"


@app.command("list")
def list_cmd(
    status: Annotated[str | None, typer.Option("--status", help="Only this status.")] = None,
    tier: Annotated[str | None, typer.Option("--tier", help="Only this tier (1, 2, N).")] = None,
    category: Annotated[str | None, typer.Option("--category", help="Only this category.")] = None,
    strategic: Annotated[
        bool | None, typer.Option("--strategic/--not-strategic", help="Strategic or not.")
    ] = None,
    text: Annotated[
        str | None, typer.Option("--search", "-s", help="Text in code, names, USCC, DUNS.")
    ] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List suppliers: code, status, tier, country, name."""
    from lingtan.adapters.services import suppliers as sv

    def read(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        found = sv.list_suppliers(
            db, ctx, status=status, tier=tier, category=category, strategic=strategic, text=text
        )
        return [sv.supplier_dict(s) for s in found]

    rows = run_in_store(workspace, read)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        say("cli.suppliers.none")
    t = _t()
    for s in rows:
        name = s["legal_name"] + (f" / {s['name_zh']}" if s["name_zh"] else "")
        out.print(
            f"{s['code']:16} {t('suppliers.status.' + s['status']):12} "
            f"{t('suppliers.tier.' + s['tier']):6} {s['country']:3} {name}",
            highlight=False, markup=False,
        )  # fmt: skip


@app.command("show")
def show_cmd(code: CodeArg, workspace: WorkspaceOpt = Path(".")) -> None:
    """Show one supplier: identity, contacts, sites and the onboarding checklist."""
    from lingtan.adapters.services import suppliers as sv

    def read(db: Session, ctx: LocalContext) -> dict[str, Any]:
        sid = _id(db, ctx, code)
        return {
            "supplier": sv.supplier_dict(sv.get_supplier(db, ctx, sid)),
            "contacts": [
                {"name": c.name, "role": c.role, "email": c.email, "phone": c.phone}
                for c in sv.list_contacts(db, ctx, sid)
            ],
            "sites": [
                {"code": s.code, "name": s.name, "region": s.region, "lat": s.lat, "lon": s.lon}
                for s in sv.list_sites(db, ctx, sid)
            ],
            "checklist": sv.checklist(db, ctx, sid).to_dict(),
        }

    data = run_in_store(workspace, read)
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


NameOpt = Annotated[str | None, typer.Option("--name", help="Legal name.")]
NameZhOpt = Annotated[str | None, typer.Option("--name-zh", help="Chinese name (中文名称).")]
CountryOpt = Annotated[str | None, typer.Option("--country", help="ISO 3166-1 code (CN, DE).")]
UsccOpt = Annotated[str | None, typer.Option("--uscc", help="统一社会信用代码 (GB 32100-2015).")]
DunsOpt = Annotated[str | None, typer.Option("--duns", help="D-U-N-S number (9 digits).")]
UrnOpt = Annotated[
    list[str] | None, typer.Option("--urn", help="Company URN (PACT companyIds); repeatable.")
]
TierOpt = Annotated[str | None, typer.Option("--tier", help="1, 2 or N.")]
CategoryOpt = Annotated[
    list[str] | None, typer.Option("--category", help="Procurement category; repeatable.")
]
StrategicOpt = Annotated[
    bool | None, typer.Option("--strategic/--not-strategic", help="Strategic supplier.")
]
KeyOpt = Annotated[bool | None, typer.Option("--key-tier1/--not-key-tier1", help="Key tier 1.")]


@app.command("add")
def add_cmd(
    code: CodeArg,
    name: Annotated[str, typer.Option("--name", help="Legal name.")],
    country: Annotated[str, typer.Option("--country", help="ISO 3166-1 code (CN, DE).")],
    name_zh: NameZhOpt = None,
    uscc: UsccOpt = None,
    duns: DunsOpt = None,
    urn: UrnOpt = None,
    tier: TierOpt = None,
    category: CategoryOpt = None,
    strategic: StrategicOpt = None,
    key_tier1: KeyOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a supplier (status prospect)."""
    from lingtan.adapters.services import suppliers as sv

    fields = _given(code=code, legal_name=name, country=country, name_zh=name_zh, uscc=uscc,
                    duns=duns, company_ids=urn or None, tier=tier, categories=category or None,
                    strategic=strategic, key_tier1=key_tier1)  # fmt: skip
    run_in_store(workspace, lambda db, ctx: sv.create_supplier(db, ctx, fields))
    say("cli.suppliers.added", code=code)


@app.command("edit")
def edit_cmd(
    code: CodeArg,
    name: NameOpt = None,
    country: CountryOpt = None,
    name_zh: NameZhOpt = None,
    uscc: UsccOpt = None,
    duns: DunsOpt = None,
    urn: UrnOpt = None,
    tier: TierOpt = None,
    category: CategoryOpt = None,
    strategic: StrategicOpt = None,
    key_tier1: KeyOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Change the fields given of a supplier (its code stays)."""
    from lingtan.adapters.services import suppliers as sv

    fields = _given(legal_name=name, country=country, name_zh=name_zh, uscc=uscc, duns=duns,
                    company_ids=urn or None, tier=tier, categories=category or None,
                    strategic=strategic, key_tier1=key_tier1)  # fmt: skip
    run_in_store(workspace, lambda db, ctx: sv.update_supplier(db, ctx, _id(db, ctx, code), fields))
    say("suppliers.done.saved")


@app.command("status")
def status_cmd(
    code: CodeArg,
    new: Annotated[
        str,
        typer.Argument(
            help="prospect, onboarding, approved, conditional, suspended or terminated."
        ),
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Move a supplier along the workflow (prospect → onboarding → approved | conditional …)."""
    from lingtan.adapters.services import suppliers as sv

    def change(db: Session, ctx: LocalContext) -> tuple[str, str]:
        row = sv.supplier_by_code(db, ctx, code)
        old = row.status
        return old, sv.set_status(db, ctx, int(row.id), new, reason).status

    old, now = run_in_store(workspace, change)
    t = _t()
    say("cli.suppliers.status", code=code, old=t(f"suppliers.status.{old}"),
         new=t(f"suppliers.status.{now}"))  # fmt: skip


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX with the register's columns.")],
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Declared encoding of a CSV (gb18030 …).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Create or update suppliers from a file; all or nothing (every wrong cell named)."""
    from lingtan.adapters.services import suppliers as sv

    data = read_file(file)
    try:
        ctx = local_context(workspace)
        with store_session(ctx) as db:
            res = sv.import_suppliers(db, ctx, data, file.name, encoding=encoding)
    except sv.RegisterFileError as exc:
        exit_ = fail(exc)
        for line in sv.row_error_lines(exc.errors, cli_locale()):
            err.print(escape(line), highlight=False)
        raise exit_ from exc
    except FAILURES as exc:
        raise fail(exc, EXIT_BUSY if is_busy(exc) else None) from exc
    say("cli.suppliers.imported", file=file.name, created=len(res.created),
         updated=len(res.updated))  # fmt: skip


@app.command("export")
def export_cmd(
    file: Annotated[Path, typer.Argument(help="Where to write (.csv or .xlsx).")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Write the register to a CSV or XLSX file that 'import' reads back."""
    from lingtan.adapters.services import suppliers as sv

    export_register(
        workspace,
        file,
        sv.export_suppliers,
        lambda db, ctx: len(sv.list_suppliers(db, ctx)),
        "cli.suppliers.exported",
    )


@app.command("spend")
def spend_cmd(
    fiscal_year: Annotated[str, typer.Argument(help="Fiscal year, e.g. FY2023/24.")],
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Spend by supplier in a fiscal year [CNY], from the imported Scope 3 category 1–2 rows."""
    from lingtan.adapters.services import suppliers as sv

    spend, unknown = run_in_store(workspace, lambda db, ctx: sv.spend_of(db, ctx, fiscal_year))
    if as_json:
        out.print_json(json.dumps({**spend.to_dict(), "unregistered": unknown}, ensure_ascii=False))
        return
    t = _t()
    total = spend.total
    out.print(f"{spend.fiscal_year}  CNY", highlight=False, markup=False)
    rows = sorted(spend.by_supplier.items(), key=lambda kv: -kv[1])
    for code, amount in rows:
        share = f"{100 * amount / total:6.2f} %" if total else ""
        mark = f"  {t('cli.suppliers.unregistered')}" if code in unknown else ""
        out.print(f"{code:16} {_money(amount):>18} {share}{mark}", highlight=False, markup=False)
    if spend.unattributed:
        share = f"{100 * spend.unattributed / total:6.2f} %" if total else ""
        out.print(f"{t('cli.suppliers.no_supplier'):16} {_money(spend.unattributed):>18} {share}",
                  highlight=False, markup=False)  # fmt: skip
    say("cli.suppliers.spend_total", total=_money(total), unattributed=_money(spend.unattributed),
         unknown=_money(sum(unknown.values())))  # fmt: skip
    for u in spend.unconverted:
        say("cli.suppliers.unconverted", amount=_money(u.amount), unit=u.unit, year=u.price_year,
             reason=u.reason)  # fmt: skip


@app.command("onboarding")
def onboarding_cmd(
    code: CodeArg,
    item: Annotated[str | None, typer.Option("--item", help="Checklist item to record.")] = None,
    result: Annotated[str | None, typer.Option("--result", help="pass, fail or n/a.")] = None,
    checked_on: Annotated[
        str | None, typer.Option("--checked-on", help="Day checked (YYYY-MM-DD; today).")
    ] = None,
    expires_on: Annotated[
        str | None, typer.Option("--expires-on", help="Day the evidence expires (YYYY-MM-DD).")
    ] = None,
    version: Annotated[str | None, typer.Option("--version", help="Code version.")] = None,
    evidence: Annotated[
        Path | None, typer.Option("--evidence", help="Evidence file (kept by its sha256).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Note.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Print a supplier's onboarding checklist; with --item and --result, record a check."""
    from lingtan.adapters.services import suppliers as sv

    proof: tuple[str, bytes] | None = None
    if evidence is not None:
        try:
            proof = (evidence.name, evidence.read_bytes())
        except OSError as exc:
            raise fail(exc) from exc

    def act(db: Session, ctx: LocalContext) -> Any:
        sid = _id(db, ctx, code)
        if item is not None:
            fields = _given(item=item, result=result or "", checked_on=checked_on,
                            expires_on=expires_on, version=version, note=note)  # fmt: skip
            sv.record_check(db, ctx, sid, fields, proof)
        return sv.checklist(db, ctx, sid), {c.item: c for c in sv.list_checks(db, ctx, sid)}

    checklist, checks = run_in_store(workspace, act)
    t = _t()
    if item is not None:
        say("cli.suppliers.check", code=code, item=t(f"suppliers.item.{item}"),
             result=t(f"suppliers.result.{result}"))  # fmt: skip
    for s in checklist.items:
        c = checks.get(s.item)
        extra = ""
        if c is not None:
            extra = f"  {c.checked_on}" + (f" → {c.expires_on}" if c.expires_on else "")
            extra += f"  {c.evidence_name}" if c.evidence_name else ""
        out.print(f"{t('suppliers.state.' + s.state):14} {t('suppliers.item.' + s.item)}{extra}",
                  highlight=False, markup=False)  # fmt: skip
    say("suppliers.onboarding.summary", done=checklist.done, total=len(checklist.items),
         recommended=t(f"suppliers.status.{checklist.recommended}"))  # fmt: skip


@app.command("reminders")
def reminders_cmd(
    days: Annotated[int, typer.Option("--days", help="Window [days].")] = 60,
    on: Annotated[str | None, typer.Option("--on", help="Day asked (YYYY-MM-DD; today).")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List onboarding evidence that expires within --days days, or has expired."""
    from lingtan.adapters.services import suppliers as sv

    day = None
    if on is not None:
        try:
            day = date.fromisoformat(on)
        except ValueError as exc:
            raise fail(exc) from exc
    rows = run_in_store(workspace, lambda db, ctx: sv.reminders(db, ctx, on=day, within_days=days))
    t = _t()
    if not rows:
        say("suppliers.reminders.none", days=days)
    for r in rows:
        key = "suppliers.reminder.expired" if r.expired else "suppliers.reminder.expiring"
        say(key, supplier=r.supplier, item=t(f"suppliers.item.{r.item}"),
             date=r.expires_on.isoformat(), days=r.days_left)  # fmt: skip


def _attach_capabilities() -> None:
    """Add the other supplier capabilities' commands to the group (issue 15): ratings, plans,
    audits and scorecards (decision 0064), data requests, coverage and maturity (0065),
    supplier-specific factors (0066), projects and training (0067). Each module keeps its own
    Typer app (its tests invoke it directly); this group reuses their commands and groups."""
    from lingtan.adapters.cli import (
        supplier_factors,
        supplier_programmes,
        supplier_requests,
        supplier_reviews,
    )

    for sub in (supplier_reviews.app, supplier_requests.app, supplier_programmes.app):
        app.registered_groups += sub.registered_groups
        app.registered_commands += sub.registered_commands
    app.command("factors")(supplier_factors.factors_cmd)


_attach_capabilities()
