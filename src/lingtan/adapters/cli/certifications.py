"""``lingtan energy certs …``: the certificate register and the zero-carbon assessment from the
command line (issue 16 item 5, decision 0077), through the same service as the API and the web
pages (:mod:`lingtan.adapters.services.certifications`):

- ``list`` (filters: subject kind, subject, scheme, state; ``--json``) with the renewals due;
- ``add SUBJECT_KIND SUBJECT_ID SCHEME --issuer … --issued …`` (``--evidence FILE`` stores the
  file by its sha256);
- ``import FILE`` (CSV; all or nothing, every wrong cell named);
- ``evidence ID`` (``--attach FILE`` stores a file, ``--out FILE`` writes it back);
- ``assess SITE FY`` (``--basis``, ``--base``, ``--grid-factor``, ``--json``).

Every command takes ``-w WS`` and acts as the folder's owner. A refusal prints the reason in the
command line's language and exits with the code of its kind (2 invalid, 3 not found). The group
is :data:`certs_app`; the energy commands attach it as ``lingtan energy certs``.
"""

from __future__ import annotations

import json
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
    out,
    read_file,
    run_in_store,
    say,
)
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext
from lingtan.modules.energy.certificates import scheme_name

HELP = "Certificates of sites, buildings and products; the zero-carbon assessment."
certs_app = typer.Typer(help=HELP, no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _t() -> Translator:
    return Translator(cli_locale())


def _line(t: Translator, d: dict[str, Any]) -> str:
    until = d["valid_until"].isoformat() if d["valid_until"] else "—"
    return (f"{d['id']:>5} {t('certs.subject.' + d['subject_kind']):8} {d['subject_id']:14} "
            f"{scheme_name(d['scheme'], t.locale)} {d['level'] or ''} · {d['issued']} → {until} "
            f"· {t('certs.state.' + d['state'])}")  # fmt: skip


@certs_app.command("list")
def list_cmd(
    subject_kind: Annotated[str | None, typer.Option("--subject-kind", help="org, site …")] = None,
    subject_id: Annotated[str | None, typer.Option("--subject", help="Subject id.")] = None,
    scheme: Annotated[str | None, typer.Option("--scheme", help="Scheme code.")] = None,
    state: Annotated[str | None, typer.Option("--state", help="valid, expired …")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List certificates with their state today, then the renewals due within 90 days."""
    from lingtan.adapters.services import certifications as sv

    def read(db: Session, ctx: LocalContext) -> tuple[list[dict[str, Any]], list[Any]]:
        rows = sv.list_certificates(db, ctx, subject_kind=subject_kind, subject_id=subject_id,
                                    scheme=scheme, state=state)  # fmt: skip
        return [sv.certificate_dict(r) for r in rows], sv.reminders(db, ctx)

    rows, due = run_in_store(workspace, read)
    if as_json:
        doc = {"certificates": rows, "reminders": [r.to_dict() for r in due]}
        out.print_json(json.dumps(doc, ensure_ascii=False, default=str))
        return
    t = _t()
    if not rows:
        say("certs.cli.none")
    for d in rows:
        out.print(_line(t, d), highlight=False, markup=False)
    if due:
        say("certs.cli.reminders")
        for r in due:
            key = "certs.reminder.expired" if r.expired else "certs.reminder.expiring"
            subject = f"{t('certs.subject.' + r.subject_kind)} {r.subject_id}"
            out.print("  " + t(key, subject=subject, scheme=scheme_name(r.scheme, t.locale),
                               date=r.valid_until.isoformat(), days=r.days_left),
                      highlight=False, markup=False)  # fmt: skip


@certs_app.command("add")
def add_cmd(
    subject_kind: Annotated[str, typer.Argument(help="org, site, building, product, supplier")],
    subject_id: Annotated[str, typer.Argument(help="Site code, product id, supplier code …")],
    scheme: Annotated[str, typer.Argument(help="Scheme code (e.g. zero_carbon_factory_cesi).")],
    issuer: Annotated[str, typer.Option("--issuer", help="Issuing body.")],
    issued: Annotated[str, typer.Option("--issued", help="Day of issue (YYYY-MM-DD).")],
    valid_until: Annotated[
        str | None, typer.Option("--valid-until", help="Last valid day (YYYY-MM-DD).")
    ] = None,
    level: Annotated[str | None, typer.Option("--level", help="Level (gold …).")] = None,
    number: Annotated[str | None, typer.Option("--number", help="Certificate number.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Note.")] = None,
    evidence: Annotated[
        Path | None, typer.Option("--evidence", help="Evidence file (kept by its sha256).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a certificate."""
    from lingtan.adapters.services import certifications as sv

    proof = (evidence.name, read_file(evidence)) if evidence is not None else None
    given = {"subject_kind": subject_kind, "subject_id": subject_id, "scheme": scheme,
             "issuer": issuer, "issued": issued, "valid_until": valid_until, "level": level,
             "number": number, "note": note}  # fmt: skip
    fields = {k: v for k, v in given.items() if v is not None}

    def act(db: Session, ctx: LocalContext) -> int:
        return int(sv.create_certificate(db, ctx, fields, proof).id)

    say("certs.cli.added", id=run_in_store(workspace, act))


@certs_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV file of certificates.")],
    encoding: Annotated[str | None, typer.Option("--encoding", help="e.g. gb18030.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Import a CSV file of certificates (all or nothing; every wrong cell named)."""
    from lingtan.adapters.services import certifications as sv

    data = read_file(file)

    def act(db: Session, ctx: LocalContext) -> int | sv.CertsFileError:
        try:
            return len(sv.import_certificates(db, ctx, data, file.name, encoding=encoding).created)
        except sv.CertsFileError as exc:  # every wrong cell, in the command line's language
            return exc

    got = run_in_store(workspace, act)
    if isinstance(got, sv.CertsFileError):
        t = _t()
        err.print(f"[bold red]error:[/] {escape(t(got.key, **got.params))}", highlight=False)
        for line in sv.row_error_lines(got.errors, t.locale):
            err.print(escape(line), highlight=False)
        raise typer.Exit(2)
    say("certs.cli.imported", n=got)


@certs_app.command("evidence")
def evidence_cmd(
    cert_id: Annotated[int, typer.Argument(help="Certificate id (from 'list').")],
    attach: Annotated[Path | None, typer.Option("--attach", help="Store this file.")] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the file here.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Attach a certificate's evidence file (--attach) or write it out (--out)."""
    from lingtan.adapters.services import certifications as sv

    data = read_file(attach) if attach is not None else None

    def act(db: Session, ctx: LocalContext) -> tuple[str, bytes | None]:
        if attach is not None and data is not None:
            row = sv.attach_evidence(db, ctx, cert_id, attach.name, data)
            return str(row.evidence_name), None
        return sv.evidence_file(db, ctx, cert_id)

    name, content = run_in_store(workspace, act)
    if content is None:
        say("certs.cli.evidence_saved", id=cert_id, name=name)
        return
    target = out_file or Path(name)
    try:
        target.write_bytes(content)
    except OSError as exc:
        raise fail(exc) from exc
    say("certs.cli.evidence_written", path=str(target))


@certs_app.command("assess")
def assess_cmd(
    site: Annotated[str, typer.Argument(help="Site code.")],
    fiscal_year: Annotated[str, typer.Argument(help="Fiscal year, e.g. FY2024/25.")],
    basis: Annotated[str, typer.Option("--basis", help="market or location.")] = "market",
    base: Annotated[
        str, typer.Option("--base", help="bau (default) or a base fiscal year.")
    ] = "bau",
    grid_factor: Annotated[
        float | None, typer.Option("--grid-factor", help="t CO2e/MWh (default: the library's).")
    ] = None,
    r_own: Annotated[
        float | None, typer.Option("--r-own", help="Typed measured savings [t CO2e].")
    ] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Assess a site's year: own reductions and green power ≥ 90 % of the way, net ≤ 0."""
    from lingtan.adapters.services import certifications as sv

    def act(db: Session, ctx: LocalContext) -> dict[str, Any]:
        row = sv.assess_zero_carbon(db, ctx, site, fiscal_year, basis=basis, base=base,
                                    grid_factor=grid_factor, r_own_t=r_own)  # fmt: skip
        return sv.assessment_dict(row)

    d = run_in_store(workspace, act)
    if as_json:
        out.print_json(json.dumps(d, ensure_ascii=False, default=str))
        return
    t = _t()
    share = f"{100 * d['share_own']:.1f} %" if d["share_own"] is not None else "—"
    verdict = t("zerocarbon.passed") if d["passed"] else t("zerocarbon.failed")
    out.print(
        t("zerocarbon.cli.result", site=d["site"], year=d["fiscal_year"],
          e_base=f"{d['e_base_t']:,.1f}", r_own=f"{d['r_own_t']:,.1f}", g=f"{d['g_t']:,.1f}",
          c=f"{d['c_t']:,.1f}", share=share, net=f"{d['net_t']:,.1f}", verdict=verdict),
        highlight=False, markup=False,
    )  # fmt: skip
    for n in d["inputs"].get("notes", []):
        out.print("  " + sv.note_text(n, t.locale), highlight=False, markup=False)
