"""``lingtan risk scenarios …``: scenario data sets and runs with financial effects from the
command line (issue 17 item 4, decision 0082), through the same service as the API and the web
pages (:mod:`lingtan.adapters.services.risk_scenarios`):

- ``list`` the data sets (``--json``) and ``runs`` (``--year``, ``--json``);
- ``import MANIFEST.yaml`` (the series file the manifest names, beside it, or ``--series``;
  native or IAMC layout) or ``import --bundled`` (the four illustrative scenarios);
- ``run SCENARIO --year FY`` (``--horizon 2030 --horizon 2040 …``, ``--revenue-lowcarbon``,
  ``--bau-growth``, ``--physical-base``; ``--json``): the same inputs give the same run id;
- ``show RUN_ID`` (or a prefix of 8+ hex digits; ``--json``);
- ``conclusion --year FY``: the computed sentence with its numbers.

Every command takes ``-w WS`` and acts as the folder's owner. A refusal prints the reason in the
command line's language and exits with the code of its kind (2 invalid, 3 not found).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import (
    WorkspaceOpt,
    YearOpt,
    cli_locale,
    fail,
    out,
    read_file,
    run_in_store,
    say,
)
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext

HELP = "Climate scenarios: data sets, runs with financial effects, the conclusion."
scenarios_app = typer.Typer(help=HELP, no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _t() -> Translator:
    return Translator(cli_locale())


def _print(text: str) -> None:
    out.print(text, highlight=False, markup=False)


@scenarios_app.command("list")
def list_cmd(as_json: JsonOpt = False, workspace: WorkspaceOpt = Path(".")) -> None:
    """List the scenario data sets, coolest first (illustrative ones marked)."""
    from lingtan.adapters.services import risk_scenarios as sv

    locale = cli_locale()

    def read(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        return [sv.scenario_dict(r, locale) for r in sv.list_scenarios(db, ctx)]

    rows = run_in_store(workspace, read)
    if as_json:
        for r in rows:
            r.pop("points")
        out.print_json(json.dumps(rows, ensure_ascii=False, default=str))
        return
    if not rows:
        say("scenarios.cli.none")
    t = _t()
    for d in rows:
        mark = f" [{t('scenarios.illustrative')}]" if d["illustrative"] else ""
        _print(f"{d['code']:20} {d['warming']:>4} °C {d['pathway']:12} {d['currency']} "
               f"{','.join(str(y) for y in d['years'])} · {d['label']}{mark}")  # fmt: skip


@scenarios_app.command("import")
def import_cmd(
    manifest: Annotated[Path | None, typer.Argument(help="YAML manifest.")] = None,
    series: Annotated[Path | None, typer.Option("--series", help="Series CSV file.")] = None,
    bundled: Annotated[bool, typer.Option("--bundled", help="The illustrative sets.")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Register a data set (manifest + series file), or the illustrative ones (--bundled)."""
    from lingtan.adapters.io.scenario_files import parse_manifest
    from lingtan.adapters.services import risk_scenarios as sv
    from lingtan.modules.risk.errors import ScenarioError

    if bundled:
        n = len(run_in_store(workspace, sv.register_bundled))
        say("scenarios.cli.bundled", n=n)
        return
    if manifest is None:
        raise fail(_t()("scenarios.cli.need_files"), 2)
    data = read_file(manifest)
    if series is None:
        try:
            doc = parse_manifest(data, manifest.name)
        except ScenarioError as exc:  # printed in the command line's language
            raise fail(exc, 2) from exc
        named = str(doc.get("series") or manifest.with_suffix(".csv").name)
        series = manifest.parent / Path(named).name
    series_data = read_file(series)

    def write(db: Session, ctx: LocalContext) -> tuple[str, str]:
        row = sv.import_scenario(db, ctx, data, series_data, manifest.name, series.name)
        return row.code, row.content_sha256

    code, sha = run_in_store(workspace, write)
    say("scenarios.cli.imported", id=code, sha=sha[:12])


def _show_run(d: dict[str, Any]) -> None:
    t = _t()
    from lingtan.adapters.services.risk_scenarios import note_text
    from lingtan.modules.risk.scenarios import OPPORTUNITY_LINES, RISK_LINES

    _print(f"{d['run_id']}  {d['label']} · {d['warming']} °C · {d['fiscal_year']}")
    years = d["results"]["years"]
    _print(f"{'':44}" + "".join(f"{y['year']:>16}" for y in years) + f"  [{d['currency']}]")
    for k in (*RISK_LINES, "risks", *OPPORTUNITY_LINES, "opportunities", "net"):
        label = t(f"scenarios.line.{k}")[:42]
        cells = [(y["lines"][k] if k in y["lines"] else y[k])["central"] for y in years]
        _print(f"{label:44}" + "".join(f"{c:>16,.0f}" for c in cells))
    for n in d["results"].get("notes", []):
        _print("  · " + note_text(n, t.locale))


@scenarios_app.command("run")
def run_cmd(
    scenario: Annotated[str, typer.Argument(help="Scenario id.")],
    year: YearOpt,
    horizon: Annotated[list[int] | None, typer.Option("--horizon", help="Horizon year.")] = None,
    revenue_lowcarbon: Annotated[
        float | None, typer.Option("--revenue-lowcarbon", help="Low-carbon revenue [currency].")
    ] = None,
    bau_growth: Annotated[float, typer.Option("--bau-growth", help="Fraction per year.")] = 0.0,
    physical_base: Annotated[
        float | None, typer.Option("--physical-base", help="Annual physical loss [currency].")
    ] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Run a scenario on a fiscal year's newest inventory (same inputs → same run id)."""
    from lingtan.adapters.services import risk_scenarios as sv

    def write(db: Session, ctx: LocalContext) -> dict[str, Any]:
        row = sv.run_scenario(db, ctx, scenario, year, years=horizon or None,
                              revenue_lowcarbon=revenue_lowcarbon, bau_growth=bau_growth,
                              physical_base=physical_base)  # fmt: skip
        return sv.run_dict(row)

    d = run_in_store(workspace, write)
    if as_json:
        out.print_json(json.dumps(d, ensure_ascii=False, default=str))
        return
    say("scenarios.cli.ran", id=d["run_id"][:12], scenario=d["scenario"], year=d["fiscal_year"])
    _show_run(d)


@scenarios_app.command("runs")
def runs_cmd(
    year: Annotated[str | None, typer.Option("--year", "-y", help="Fiscal year.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List the stored runs (of a fiscal year): id, scenario, year, central net effect."""
    from lingtan.adapters.services import risk_scenarios as sv

    def read(db: Session, ctx: LocalContext) -> list[dict[str, Any]]:
        return [sv.run_dict(r) for r in sv.list_runs(db, ctx, year)]

    rows = run_in_store(workspace, read)
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False, default=str))
        return
    if not rows:
        say("scenarios.cli.no_runs")
    for d in rows:
        nets = " ".join(f"{y['year']}:{y['net']['central']:,.0f}" for y in d["results"]["years"])
        _print(f"{d['run_id'][:12]} {d['fiscal_year']:10} {d['scenario']:20} {nets} "
               f"{d['currency']}")  # fmt: skip


@scenarios_app.command("show")
def show_cmd(
    run_id: Annotated[str, typer.Argument(help="Run id (or 8+ leading hex digits).")],
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show one run: its inputs' hash, the lines by horizon, the notes."""
    from lingtan.adapters.services import risk_scenarios as sv

    d = run_in_store(workspace, lambda db, ctx: sv.run_dict(sv.get_run(db, ctx, run_id)))
    if as_json:
        out.print_json(json.dumps(d, ensure_ascii=False, default=str))
        return
    _show_run(d)


@scenarios_app.command("conclusion")
def conclusion_cmd(
    year: YearOpt,
    horizon: Annotated[int | None, typer.Option("--horizon", help="Horizon year.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """The computed conclusion of the year's runs (warmest vs coolest scenario)."""
    from lingtan.adapters.services import risk_scenarios as sv

    c = run_in_store(workspace, lambda db, ctx: sv.conclusion(db, ctx, year, horizon))
    text = sv.conclusion_text(c, cli_locale())
    if as_json:
        doc = {"text": text, "key": c.message.key, "year": c.year,
               "opportunities_exceed": c.opportunities_exceed,
               "rows": [{"label": a, "warming": w, "net": n} for a, w, n in c.rows]}  # fmt: skip
        out.print_json(json.dumps(doc, ensure_ascii=False))
        return
    _print(text)
    for label, warming, net in c.rows:
        _print(f"  {warming:>4} °C  {net:>16,.0f}  {label}")
