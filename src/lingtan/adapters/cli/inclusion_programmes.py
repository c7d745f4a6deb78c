"""``lingtan inclusion programmes …``: carbon-inclusion programmes, groups, accounts, partners,
consent, member links, and a person's export and deletion (issue 18 item 1, decision 0088),
through the same services as the API and the web pages
(:mod:`lingtan.adapters.services.inclusion_programmes`,
:mod:`~lingtan.adapters.services.inclusion_privacy`):

- ``programmes`` (list, ``--json``), ``add CODE NAME AUDIENCE`` (``--region``, ``--started``,
  ``--points-per-kg``, ``--expiry-months``, ``--engagement ACTION=POINTS`` and
  ``--cap ACTION=DAY/MONTH`` repeated), ``show CODE`` (``--json``);
- ``groups add PROGRAMME CODE KIND NAME`` (``--parent``);
- ``accounts add PROGRAMME`` (``--subject``, ``--kind``, ``--group``, ``--site``,
  ``--guardian-consent``) prints the new pseudonymous ref; ``accounts list PROGRAMME``;
- ``partners`` (list) and ``partners add CODE NAME --action …`` (prints the HMAC secret once);
- ``consent grant PROGRAMME REF PARTNER --scope …`` (``--expires``, ``--evidence``) and
  ``consent revoke PROGRAMME REF PARTNER``;
- ``member-link PROGRAMME REF`` (the link, shown once), ``export PROGRAMME REF`` (JSON, to
  ``--out`` or the screen), ``delete PROGRAMME REF --yes`` (PIPL erasure).

Every command takes ``-w WS`` and acts as the folder's owner. A refusal prints the reason in the
command line's language and exits with the code of its kind (2 invalid, 3 not found, 5
conflict). The group is :data:`programmes_app`; ``lingtan inclusion`` attaches it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import WorkspaceOpt, cli_locale, listing, run_keyed, say
from lingtan.adapters.cli.common import plain as _print
from lingtan.adapters.cli.common import print_json as _json
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext

T = TypeVar("T")

HELP = "Programmes, groups, accounts, partners, consent, member links, export and deletion."
programmes_app = typer.Typer(help=HELP, invoke_without_command=True)
groups_app = typer.Typer(help="Teams, departments, classes, schools.", no_args_is_help=True)
accounts_app = typer.Typer(help="Pseudonymous accounts.", no_args_is_help=True)
partners_app = typer.Typer(help="Partners pushing actions (HMAC).", invoke_without_command=True)
consent_app = typer.Typer(help="Accounts' consent for partners.", no_args_is_help=True)
programmes_app.add_typer(groups_app, name="groups")
programmes_app.add_typer(accounts_app, name="accounts")
programmes_app.add_typer(partners_app, name="partners")
programmes_app.add_typer(consent_app, name="consent")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Multi = Annotated[list[str] | None, typer.Option(help="Repeat for more.")]


def _t() -> Translator:
    return Translator(cli_locale())


def run_in_store(workspace: Path, call: Callable[[Session, LocalContext], T]) -> T:
    """:func:`lingtan.adapters.cli.common.run_in_store`, a keyed refusal of the programme
    services (``incl_prog.err.*``) printed in the command line's language with the exit code of
    its kind."""
    return run_keyed(workspace, call, "incl_prog.")


def _pairs(items: list[str] | None, sep: str) -> dict[str, str]:
    """``ACTION=VALUE`` options as a mapping (the service names a wrong one)."""
    got: dict[str, str] = {}
    for item in items or []:
        key, _s, value = item.partition(sep)
        got[key.strip()] = value.strip()
    return got


def _cap(value: str) -> dict[str, str | None]:
    """``DAY/MONTH`` (``-`` or nothing: no cap) as the service's cap fields."""
    day, _s, month = value.partition("/")
    return {
        "per_day": day.strip().strip("-") or None,
        "per_month": month.strip().strip("-") or None,
    }


# ---- programmes ----------------------------------------------------------------------------


@programmes_app.callback()
def programmes_list(
    ctx: typer.Context, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")
) -> None:
    """List the programmes with their rules."""
    if ctx.invoked_subcommand is not None:
        return
    from lingtan.adapters.services import inclusion_programmes as sv

    rows = run_in_store(
        workspace,
        lambda db, c: [
            {**sv.programme_dict(p), "accounts": sv.count_accounts(db, p.id)}
            for p in sv.list_programmes(db, c)
        ],
    )

    def line(t: Translator, p: dict[str, Any]) -> str:
        aud = t("incl_prog.audience." + p["audience"])
        active = t("incl_prog.accounts.active", n=p["accounts"].get("active", 0))
        return f"{p['code']:14} {p['name']} · {aud} · {p['region']} · {active}"

    listing(rows, as_json, "incl_prog.cli.none", line)


@programmes_app.command("add")
def programme_add(
    code: str,
    name: str,
    audience: str,
    region: Annotated[str, typer.Option(help="e.g. CN-GD")] = "CN",
    started: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    points_per_kg: Annotated[float, typer.Option(help="points/kg CO2e")] = 10.0,
    expiry_months: Annotated[int | None, typer.Option(help="empty: never")] = 24,
    engagement: Multi = None,
    cap: Multi = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a programme (``--engagement learn.quiz=5``, ``--cap travel.metro=50/600``)."""
    from lingtan.adapters.services import inclusion_programmes as sv

    caps = {a: _cap(v) for a, v in _pairs(cap, "=").items()}
    fields: dict[str, Any] = {
        "code": code, "name": name, "audience": audience, "region": region,
        "points_per_kg": points_per_kg, "expiry_months": expiry_months,
        "engagement_points": _pairs(engagement, "="), "caps": caps,
    }  # fmt: skip
    if started:
        fields["started"] = started
    row = run_in_store(workspace, lambda db, c: sv.create_programme(db, c, fields).code)
    say("incl_prog.cli.added", code=row)


@programmes_app.command("show")
def programme_show(
    code: str, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")
) -> None:
    """A programme's rules, groups (counts only) and accounts by status."""
    from lingtan.adapters.services import inclusion_programmes as sv

    def view(db: Session, c: LocalContext) -> dict[str, Any]:
        p = sv.get_programme(db, c, code)
        groups = [sv.group_summary(db, c, p.code, g.code) for g in sv.list_groups(db, c, p.code)]
        return {**sv.programme_dict(p), "groups": groups, "accounts": sv.count_accounts(db, p.id)}

    doc = run_in_store(workspace, view)
    if as_json:
        _json(doc)
        return
    t = _t()
    expiry = t("incl_prog.months", n=doc["expiry_months"]) if doc["expiry_months"] else (
        t("incl_prog.never"))  # fmt: skip
    say("incl_prog.cli.rules", code=doc["code"], points_per_kg=doc["points_per_kg"], expiry=expiry)
    for a, p in doc["engagement_points"].items():
        _print(f"  {a:32} {t('incl_prog.col.engagement')}: {p}")
    for a, c in doc["caps"].items():
        day, month = (c.get(k) for k in ("per_day", "per_month"))
        day_t, month_t = ("—" if v is None else str(v) for v in (day, month))
        _print(f"  {a:32} {t('incl_prog.col.per_day')}: {day_t} · "
               f"{t('incl_prog.col.per_month')}: {month_t}")  # fmt: skip
    for g in doc["groups"]:
        _print(f"{g['group']:14} {t('incl_prog.kind.' + g['kind'])} · "
               f"{t('incl_prog.col.members')}: {g['members']} · {t('incl_prog.col.points')}: "
               f"{g['points'] if g['points'] is not None else '—'}")  # fmt: skip
    _print(" · ".join(t(f"incl_prog.accounts.{s}", n=doc["accounts"].get(s, 0))
                      for s in ("active", "closed", "deleted")))  # fmt: skip


# ---- groups and accounts ---------------------------------------------------------------------


@groups_app.command("add")
def group_add(
    programme: str,
    code: str,
    kind: str,
    name: str,
    parent: Annotated[str | None, typer.Option(help="Parent group's code")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a group (team, department, class, school)."""
    from lingtan.adapters.services import inclusion_programmes as sv

    fields = {"code": code, "kind": kind, "name": name, "parent": parent}
    got = run_in_store(workspace, lambda db, c: sv.create_group(db, c, programme, fields).code)
    say("incl_prog.cli.group_added", code=got)


@accounts_app.command("add")
def account_add(
    programme: str,
    subject: Annotated[str | None, typer.Option(help="The person's own id (hashed)")] = None,
    kind: Annotated[str, typer.Option(help="person | group")] = "person",
    group: Annotated[str | None, typer.Option(help="Group code")] = None,
    site: Annotated[str | None, typer.Option(help="Site code (category-7 feed)")] = None,
    guardian_consent: Annotated[bool, typer.Option("--guardian-consent")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Enrol an account; prints its pseudonymous ref."""
    from lingtan.adapters.services import inclusion_programmes as sv

    fields = {"subject": subject, "kind": kind, "group": group, "site": site,
              "guardian_consent": guardian_consent}  # fmt: skip
    fields = {k: v for k, v in fields.items() if v is not None}
    ref = run_in_store(workspace, lambda db, c: sv.create_account(db, c, programme, fields).ref)
    say("incl_prog.cli.account_added", ref=ref)


@accounts_app.command("list")
def account_list(
    programme: str,
    group: Annotated[str | None, typer.Option(help="Only this group")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Accounts by ref (pseudonymous)."""
    from lingtan.adapters.services import inclusion_programmes as sv

    rows = run_in_store(
        workspace,
        lambda db, c: [sv.account_dict(a) for a in sv.list_accounts(db, c, programme, group=group)],
    )
    listing(
        rows,
        as_json,
        "incl_prog.cli.none",
        lambda _t, a: (
            f"{a['ref']}  {a['kind']:6} {a['status']:8} {a['group'] or '—':14} {a['site'] or '—'}"
        ),
    )


# ---- partners and consent --------------------------------------------------------------------


@partners_app.callback()
def partners_list(
    ctx: typer.Context, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")
) -> None:
    """List the partners (never their secrets) with their consents by state."""
    if ctx.invoked_subcommand is not None:
        return
    from lingtan.adapters.services import inclusion_programmes as sv

    rows = run_in_store(
        workspace,
        lambda db, c: [
            {**sv.partner_dict(p), "consents": sv.partner_consents(db, c, p.code)}
            for p in sv.list_partners(db, c)
        ],
    )

    def line(t: Translator, p: dict[str, Any]) -> str:
        consents = t("incl_prog.consents", **p["consents"])
        status = t("incl_prog.partner_status." + p["status"])
        actions = ", ".join(p["allowed_actions"])
        return f"{p['code']:14} {p['name']} · {status} · {actions} · {consents}"

    listing(rows, as_json, "incl_prog.cli.none", line)


@partners_app.command("add")
def partner_add(
    code: str,
    name: str,
    action: Annotated[list[str], typer.Option(help="An allowed action; repeat for more")],
    rate_per_s: Annotated[float, typer.Option(help="requests/s")] = 50.0,
    burst: Annotated[int, typer.Option(help="requests")] = 100,
    callback_url: Annotated[str | None, typer.Option()] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a partner; prints its HMAC secret this once."""
    from lingtan.adapters.services import inclusion_programmes as sv

    fields = {"code": code, "name": name, "allowed_actions": list(action),
              "rate_per_s": rate_per_s, "burst": burst, "callback_url": callback_url}  # fmt: skip

    def add(db: Session, c: LocalContext) -> tuple[str, str]:
        row, secret = sv.create_partner(db, c, fields)
        return row.code, secret

    got, secret = run_in_store(workspace, add)
    say("incl_prog.cli.partner_added", code=got, secret=secret)


@consent_app.command("grant")
def consent_grant(
    programme: str,
    ref: str,
    partner: str,
    scope: Annotated[list[str], typer.Option(help="An action; repeat for more")],
    expires: Annotated[str | None, typer.Option(help="YYYY-MM-DD or ISO time (UTC)")] = None,
    evidence: Annotated[str, typer.Option(help="Where and how it was given")] = "",
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Record an account's consent for a partner."""
    from lingtan.adapters.services import inclusion_programmes as sv

    scopes = run_in_store(
        workspace,
        lambda db, c: sv.grant_consent(db, c, programme, ref, partner, list(scope),
                                       expires_at=expires, evidence=evidence).scopes,
    )  # fmt: skip
    say("incl_prog.cli.consent_granted", ref=ref, partner=partner, scopes=", ".join(scopes))


@consent_app.command("revoke")
def consent_revoke(
    programme: str, ref: str, partner: str, workspace: WorkspaceOpt = Path(".")
) -> None:
    """Revoke an account's consent for a partner."""
    from lingtan.adapters.services import inclusion_programmes as sv

    n = run_in_store(workspace, lambda db, c: sv.revoke_consent(db, c, programme, ref, partner))
    say("incl_prog.cli.consent_revoked", n=n, ref=ref, partner=partner)


# ---- member links and privacy ---------------------------------------------------------------


@programmes_app.command("member-link")
def member_link(
    programme: str,
    ref: str,
    days: Annotated[int, typer.Option(help="Valid days (1–365)")] = 90,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Issue a member-page link (shown once; earlier links stop working)."""
    from lingtan.adapters.services import inclusion_programmes as sv

    token = run_in_store(
        workspace, lambda db, c: sv.issue_member_link(db, c, programme, ref, days=days)
    )
    say("incl_prog.cli.link", path=f"/m/{token}")


@programmes_app.command("export")
def export(
    programme: str,
    ref: str,
    out_file: Annotated[Path | None, typer.Option("--out", help="JSON file to write")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Everything held about an account (PIPL Art. 45), as JSON."""
    from lingtan.adapters.services import inclusion_privacy as pv

    doc = run_in_store(workspace, lambda db, c: pv.export_person(db, c, programme, ref))
    if out_file is None:
        _json(doc)
        return
    out_file.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    say("incl_prog.cli.exported", ref=ref, path=str(out_file))


@programmes_app.command("delete")
def delete(
    programme: str,
    ref: str,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Erase a person (PIPL Art. 47): subject hash, consents, links; the ledger keeps no
    personal data."""
    from lingtan.adapters.services import inclusion_privacy as pv

    if not yes and not typer.confirm(_t()("incl_prog.cli.confirm_delete", ref=ref)):
        raise typer.Exit(1)
    run_in_store(workspace, lambda db, c: pv.delete_person(db, c, programme, ref))
    say("incl_prog.cli.deleted", ref=ref)
