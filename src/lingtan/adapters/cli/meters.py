"""``lingtan meters …``: meters and their readings from the command line (issue 16, decision
0078), through the same services as the API and the web pages
(:mod:`lingtan.adapters.services.meters`, :mod:`~lingtan.adapters.services.readings`):

- ``import FILE`` (CSV or XLSX of the meter register; all or nothing, every wrong cell named),
  ``export FILE``, ``list`` (``--site``), ``show CODE``;
- ``readings import FILE`` (a meter system's CSV/XLSX export: the same encodings, locales and
  column mappings as activity files): what was stored, the duplicates, the rows refused (file,
  row, column, reason) and the findings — resets, spikes, negative values, gaps — reported,
  never interpolated; exit code 2 when rows were refused;
- ``gaps --start --end [--meter]``: intervals without a reading;
- ``listen`` (when the MQTT capability is installed: :mod:`lingtan.adapters.cli.energy_mqtt`).

Every command takes ``-w WS`` and acts as the folder's owner (:class:`LocalContext`); a refusal
prints the reason in the command line's language and exits with the code of its kind.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.markup import escape

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
    run_in_store,
    say,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from lingtan.adapters.services.context import LocalContext

T = TypeVar("T")
HELP = "Meters and their readings: register, readings files, data gaps."
meters_app = typer.Typer(help=HELP, no_args_is_help=True)
readings_app = typer.Typer(help="Readings of the meters (files of meter systems).",
                           no_args_is_help=True)  # fmt: skip
meters_app.add_typer(readings_app, name="readings")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
EncodingOpt = Annotated[
    str | None, typer.Option("--encoding", help="Declared encoding of a CSV (gb18030 …).")
]
LocaleOpt = Annotated[
    str | None, typer.Option("--locale", help="Number and date locale of the file (zh_CN, de …).")
]

METER_FIELDS = ("code", "site", "carrier", "unit", "measures", "source", "interval_minutes",
                "value_kind", "parent", "billing", "building", "line", "multiplier", "tz",
                "valid_from", "valid_to", "protocol_tag", "name")  # fmt: skip


def refusal_lines(exc: BaseException) -> list[str] | None:
    """A keyed refusal of the energy services (``key``, ``params``, and the wrong cells of a
    refused file in ``errors``) in the command line's language; None when it has no key the
    catalogue knows (:func:`fail` then shows it as the other commands do)."""
    from lingtan.adapters.i18n.messages import Translator
    from lingtan.adapters.i18n.rows import issue_line
    from lingtan.core.errors import RowIssue

    t = Translator(cli_locale())
    key, params = getattr(exc, "key", None), getattr(exc, "params", None)
    if not isinstance(key, str) or not t.has(key):
        return None
    try:
        lines = [t(key, **dict(params or {}))]
    except (KeyError, IndexError, ValueError):
        return None
    for item in list(getattr(exc, "errors", ()) or ())[:50]:
        if isinstance(item, RowIssue):
            lines.append(issue_line(item, t.locale))
        elif isinstance(item, tuple) and len(item) == 4:
            lines.append(f"{item[0]}:{item[1]}:{item[2]}: {text_of(item[3])}")
    return lines


def failed(exc: Exception) -> typer.Exit:
    """Print a refusal in the command line's language and return the exit of its kind."""
    from lingtan.adapters.services.errors import EXIT_CODES, ServiceError

    lines = refusal_lines(exc)
    if lines is None:
        return fail(exc, EXIT_BUSY if is_busy(exc) else None)
    err.print(f"[bold red]error:[/] {escape(lines[0])}", highlight=False)
    for line in lines[1:]:
        err.print(escape(line), highlight=False)
    return typer.Exit(EXIT_CODES.get(exc.kind, 1) if isinstance(exc, ServiceError) else 1)


def run(workspace: Path, call: Callable[[Session, LocalContext], T]) -> T:
    """``call(db, ctx)`` on the workspace's store (:func:`run_in_store` with the energy
    services' keyed refusals in the command line's language)."""
    return run_in_store(workspace, call, failed)


def run_ctx(workspace: Path, call: Callable[[LocalContext], T]) -> T:
    """``call(ctx)`` on the workspace (services that open the store themselves)."""
    try:
        return call(local_context(workspace))
    except FAILURES as exc:
        raise failed(exc) from exc


def meter_dict(meter: Any) -> dict[str, Any]:
    """A meter (store row or :class:`~lingtan.modules.energy.meters.Meter`) as plain JSON."""
    row: dict[str, Any] = {}
    for name in METER_FIELDS:
        value: Any = getattr(meter, name, None)
        if isinstance(value, date):
            value = value.isoformat()
        elif hasattr(value, "value"):  # an enum
            value = value.value
        row[name] = value
    return row


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise fail(f"{option}: {exc}") from exc


def text_of(message: Any) -> str:
    """A keyed message or a text in the command line's language."""
    from lingtan.adapters.i18n.rows import render
    from lingtan.core.messages import Message

    return render(message, cli_locale()) if isinstance(message, Message) else str(message or "")


def rejected_line(item: Any) -> str:
    """``file, row, column: reason`` of a refused row (a RowIssue or a 4-tuple / mapping)."""
    from lingtan.adapters.i18n.rows import issue_line
    from lingtan.core.errors import RowIssue

    if isinstance(item, RowIssue):
        return issue_line(item, cli_locale())
    if isinstance(item, dict):
        item = tuple(item.get(k) for k in ("file", "row", "field", "message"))
    file, row, field, message = item
    return f"{file}:{row}:{field}: {text_of(message)}"


def report_dict(report: Any) -> dict[str, Any]:
    """A readings report as plain JSON, its messages in the command line's language."""
    return {
        "batch_id": report.batch_id, "accepted": report.accepted,
        "duplicates": report.duplicates, "meters": list(report.meters),
        "already": bool(getattr(report, "already", False)),
        "rejected_count": int(getattr(report, "rejected_count", len(report.rejected))),
        "first_ts": report.first_ts, "last_ts": report.last_ts,
        "rejected": [rejected_line(r) for r in report.rejected],
        "issues": [{"kind": i.kind, "meter": i.meter, "ts": i.ts, "value": i.value,
                    "message": text_of(i.message)} for i in report.issues],
        "gaps": [{"meter": g.meter, "start": g.start, "end": g.end,
                  "missing_intervals": g.missing_intervals} for g in report.gaps],
    }  # fmt: skip


def print_report(report: Any) -> None:
    """What an intake of readings did, in the command line's language."""
    say("energy.cli.readings.stored", accepted=report.accepted, duplicates=report.duplicates,
        meters=len(report.meters), batch=str(report.batch_id)[:12])  # fmt: skip
    if report.first_ts is not None:
        say("energy.cli.readings.span", first=str(report.first_ts), last=str(report.last_ts))
    if getattr(report, "already", False):
        say("energy.cli.readings.already", batch=str(report.batch_id)[:12])
    if report.rejected:
        n = int(getattr(report, "rejected_count", len(report.rejected)))
        say("energy.cli.readings.rejected", n=n)
        for item in report.rejected:
            err.print(escape(rejected_line(item)), highlight=False)
    for issue in report.issues:
        say("energy.cli.readings.issue", kind=issue.kind, meter=issue.meter,
            ts=str(issue.ts or ""), text=text_of(issue.message))  # fmt: skip
    for gap in report.gaps:
        print_gap(gap)


def print_gap(gap: Any) -> None:
    say("energy.cli.gap", meter=gap.meter, start=str(gap.start), end=str(gap.end),
        n=gap.missing_intervals)  # fmt: skip


@meters_app.command("list")
def list_cmd(
    site: Annotated[str | None, typer.Option("--site", help="Only this site's meters.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List meters: code, site, carrier, measures, unit, interval, parent."""
    from lingtan.adapters.services import meters as sv

    def read(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        return [meter_dict(m) for m in sv.list_meters(db, ctx, site=site)]

    rows = run(workspace, read)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        say("energy.cli.meters.none")
    for m in rows:
        out.print(
            f"{m['code']:16} {m['site']:14} {m['carrier']:14} {m['measures']:18} "
            f"{m['unit']:6} {m['interval_minutes']:>4} min  {m['parent'] or ''}",
            highlight=False, markup=False,
        )  # fmt: skip


@meters_app.command("show")
def show_cmd(
    code: Annotated[str, typer.Argument(help="Meter code.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show one meter's fields (JSON)."""
    from lingtan.adapters.services import meters as sv

    row = run(workspace, lambda db, ctx: meter_dict(sv.meter_by_code(db, ctx, code)))
    out.print_json(json.dumps(row, ensure_ascii=False))


@meters_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX of the meter register.")],
    encoding: EncodingOpt = None,
    locale: LocaleOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Create or update meters from a file; all or nothing (every wrong cell named)."""
    from lingtan.adapters.services import meters as sv

    if not file.is_file():
        raise fail(f"{file}: not a file")
    res = run(
        workspace, lambda db, ctx: sv.import_meters(db, ctx, file, encoding=encoding, locale=locale)
    )
    created = list(getattr(res, "created", ()) or ())
    updated = list(getattr(res, "updated", ()) or ())
    say("energy.cli.meters.imported", file=file.name, created=len(created), updated=len(updated))


@meters_app.command("export")
def export_cmd(
    file: Annotated[Path, typer.Argument(help="Where to write (.csv or .xlsx).")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Write the meter register to a CSV or XLSX file that 'import' reads back."""
    from lingtan.adapters.services import meters as sv

    export_register(
        workspace,
        file,
        sv.export_meters,
        lambda db, ctx: len(sv.list_meters(db, ctx)),
        "energy.cli.meters.exported",
        run,
    )


@readings_app.command("import")
def readings_import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX export of a meter system.")],
    encoding: EncodingOpt = None,
    locale: LocaleOpt = None,
    mapping: Annotated[
        str | None, typer.Option("--mapping", help="Saved column mapping to read the file with.")
    ] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Import readings: stored once per meter and interval; rows refused are named (file, row,
    column, reason); resets, spikes and gaps reported, never interpolated."""
    from lingtan.adapters.services import readings as rs

    if not file.is_file():
        raise fail(f"{file}: not a file")
    kwargs: dict[str, Any] = {"encoding": encoding, "locale": locale}
    if mapping is not None:
        kwargs["column_map"] = mapping
    report = run_ctx(workspace, lambda ctx: rs.ingest_readings_file(ctx, file, **kwargs))
    if as_json:
        out.print_json(json.dumps(report_dict(report), ensure_ascii=False, default=str))
    else:
        print_report(report)
    if report.rejected:
        raise typer.Exit(2)


@meters_app.command("gaps")
def gaps_cmd(
    start: Annotated[str, typer.Option("--start", help="First day (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--end", help="Last day (YYYY-MM-DD).")],
    meter: Annotated[str | None, typer.Option("--meter", help="Only this meter.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List intervals without a reading between two days, per meter."""
    from lingtan.adapters.services import readings as rs

    first, last = _date(start, "--start"), _date(end, "--end")
    gaps = run_ctx(workspace, lambda ctx: rs.reading_gaps(ctx, start=first, end=last, meter=meter))
    if not gaps:
        say("energy.cli.gaps.none", start=first.isoformat(), end=last.isoformat())
    for gap in gaps:
        print_gap(gap)


def _attach_capabilities() -> None:
    """Add ``listen`` (MQTT intake, decision 0072) when its module is installed: the module
    keeps its own Typer app (its tests invoke it directly); this group reuses its commands."""
    try:
        module = importlib.import_module("lingtan.adapters.cli.energy_mqtt")
    except ModuleNotFoundError:
        return
    sub = module.mqtt_app
    meters_app.registered_commands += sub.registered_commands
    meters_app.registered_groups += sub.registered_groups


_attach_capabilities()
