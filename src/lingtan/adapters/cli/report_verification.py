"""``lingtan report verification …``: the verification record of a fiscal year's inventory and
its findings (issue 19 item 2; decision 0098), through the same service as the API and the web
page (:mod:`lingtan.adapters.services.disclosure_verification`):

- ``add --year FY --verifier … --standard "ISO 14064-3:2019" --level limited --coverage S1,S2
  --opinion unmodified --date YYYY-MM-DD`` (``--materiality``, ``--url``, ``--snapshot``: the
  snapshot verified, default the newest of the year);
- ``list`` (``--year``, ``--json``) and ``show ID`` (``--json``);
- ``finding add ID TEXT`` (``--severity``, ``--raised``) and ``finding close ID NUMBER
  --evidence TEXT`` (``--closed``);
- ``attach ID FILE``: the statement file, stored with its SHA-256.

Every command takes ``-w WS`` and acts as the folder's owner. A refusal prints the reason in the
command line's language, naming the field, and exits with the code of its kind (2 invalid,
3 not found, 5 conflict). An edition built before a record was made or changed does not show
it: build a new edition (``lingtan report build --supersedes … --reason verification``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import WorkspaceOpt, cli_locale, read_file, run_keyed, say
from lingtan.adapters.cli.common import plain as _print
from lingtan.adapters.cli.common import print_json as _json
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext

T = TypeVar("T")

HELP = "The verification record (ISO 14064-3 / ISAE 3410) of a year's inventory and its findings."
verification_app = typer.Typer(help=HELP, no_args_is_help=True)
finding_app = typer.Typer(help="Findings of a verification record.", no_args_is_help=True)
verification_app.add_typer(finding_app, name="finding")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
IdArg = Annotated[int, typer.Argument(help="Record id (see list).")]


def _run(workspace: Path, call: Callable[[Session, LocalContext], T]) -> T:
    """:func:`~lingtan.adapters.cli.common.run_keyed` with the verification refusals
    (``disc_ghg.err.*``) printed in the command line's language."""
    return run_keyed(workspace, call, "disc_ghg.")


def _lines(t: Translator, d: dict[str, Any]) -> list[str]:
    m = d["materiality_pct"]
    head = t("disc_ghg.cli.record", id=d["id"], year=d["fiscal_year"], verifier=d["verifier"],
             standard=d["standard"], level=t(f"disc_ghg.level.{d['level']}"),
             opinion=t(f"disc_ghg.opinion.{d['opinion']}"))  # fmt: skip
    out = [head, "  " + t("disc_ghg.cli.detail", snapshot=d["snapshot_id"][:16],
                          coverage=", ".join(d["coverage"]), date=d["statement_date"],
                          materiality="—" if m is None else f"{m:g} %")]  # fmt: skip
    if d["statement_sha256"]:
        out.append("  " + t("disc_ghg.cli.statement", name=d["statement_name"],
                            sha256=d["statement_sha256"]))  # fmt: skip
    if d["url"]:
        out.append(f"  {d['url']}")
    for f in d["findings"]:
        state = (t("disc_ghg.cli.closed", date=f["closed_on"], evidence=f["evidence"])
                 if f["closed_on"] else t("disc_ghg.note.finding_open"))  # fmt: skip
        out.append(f"  #{f['number']} [{t('disc_ghg.severity.' + f['severity'])}] "
                   f"{f['raised_on']} {f['text']} — {state}")  # fmt: skip
    return out


@verification_app.command("add")
def add(
    year: Annotated[str, typer.Option("--year", "-y", help="Fiscal year, e.g. FY2023/24.")],
    verifier: Annotated[str, typer.Option("--verifier", help="Who verified (the body).")],
    standard: Annotated[str, typer.Option("--standard", help="ISO 14064-3:2019 or ISAE 3410.")],
    level: Annotated[str, typer.Option("--level", help="limited or reasonable.")],
    coverage: Annotated[str, typer.Option("--coverage", help="S1,S2,S3 or S3.1 … S3.15.")],
    opinion: Annotated[
        str, typer.Option("--opinion", help="unmodified, qualified, adverse or disclaimer.")
    ],
    date: Annotated[str, typer.Option("--date", help="Statement date, YYYY-MM-DD.")],
    materiality: Annotated[
        str | None, typer.Option("--materiality", help="Materiality [% of the total].")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="Where it is published.")] = None,
    snapshot: Annotated[
        str | None, typer.Option("--snapshot", help="Snapshot id (default: the year's newest).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Record the verification of a year's inventory snapshot."""
    from lingtan.adapters.services import disclosure_verification as sv

    fields: dict[str, Any] = {"verifier": verifier, "standard": standard, "level": level,
                              "coverage": coverage, "opinion": opinion,
                              "statement_date": date}  # fmt: skip
    if materiality is not None:
        fields["materiality_pct"] = materiality
    if url is not None:
        fields["url"] = url

    def act(db: Session, c: LocalContext) -> tuple[int, str]:
        row = sv.add_record(db, c, year, fields, snapshot_id=snapshot)
        return row.id, row.snapshot_id

    rid, sid = _run(workspace, act)
    say("disc_ghg.cli.added", id=rid, snapshot=sid[:16])


@verification_app.command("list")
def list_cmd(
    year: Annotated[str | None, typer.Option("--year", "-y", help="Fiscal year.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List the verification records with their findings."""
    from lingtan.adapters.services import disclosure_verification as sv

    rows = _run(workspace, lambda db, c: [sv.record_dict(db, r)
                                          for r in sv.list_records(db, c, year)])  # fmt: skip
    if as_json:
        _json(rows)
        return
    if not rows:
        say("disc_ghg.cli.none")
    t = Translator(cli_locale())
    for d in rows:
        for line in _lines(t, d):
            _print(line)


@verification_app.command("show")
def show(record: IdArg, as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")) -> None:
    """Show one record with its findings."""
    from lingtan.adapters.services import disclosure_verification as sv

    d = _run(workspace, lambda db, c: sv.record_dict(db, sv.get_record(db, c, record)))
    if as_json:
        _json(d)
        return
    for line in _lines(Translator(cli_locale()), d):
        _print(line)


@verification_app.command("attach")
def attach(
    record: IdArg,
    file: Annotated[Path, typer.Argument(help="The statement file (PDF …).")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Attach the verification statement file (stored with its SHA-256)."""
    from lingtan.adapters.services import disclosure_verification as sv

    data = read_file(file)
    digest = _run(workspace, lambda db, c: str(
        sv.attach_statement(db, c, record, file.name, data).statement_sha256))  # fmt: skip
    say("disc_ghg.cli.attached", id=record, sha256=digest)


@finding_app.command("add")
def finding_add(
    record: IdArg,
    text: Annotated[str, typer.Argument(help="The finding.")],
    severity: Annotated[
        str, typer.Option("--severity", help="minor, major or observation.")
    ] = "minor",
    raised: Annotated[
        str | None, typer.Option("--raised", help="YYYY-MM-DD (default: the statement date).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Raise a finding on a record."""
    from lingtan.adapters.services import disclosure_verification as sv

    n = _run(workspace, lambda db, c: sv.add_finding(db, c, record, text, severity=severity,
                                                     raised_on=raised).number)  # fmt: skip
    say("disc_ghg.cli.finding_added", id=record, number=n)


@finding_app.command("close")
def finding_close(
    record: IdArg,
    number: Annotated[int, typer.Argument(help="Finding number.")],
    evidence: Annotated[str, typer.Option("--evidence", help="What shows it was dealt with.")],
    closed: Annotated[
        str | None, typer.Option("--closed", help="YYYY-MM-DD (default: today).")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Close a finding with the evidence of its closure."""
    from lingtan.adapters.services import disclosure_verification as sv

    _run(workspace, lambda db, c: sv.close_finding(db, c, record, number, evidence=evidence,
                                                   closed_on=closed).number)  # fmt: skip
    say("disc_ghg.cli.finding_closed", id=record, number=number)
