"""``lingtan suppliers projects …`` and ``lingtan suppliers training …`` (issue 15 items 6–7,
decision 0067): the supplier project ledger with its implied-factor warnings, measured results,
the supply-chain KPI, and supplier training (events, attendance import, counts).

``app`` is a Typer app with the sub-apps ``projects`` (list, add, measure, kpi) and ``training``
(list, import, summary); the lead attaches it under ``lingtan suppliers``. Every command works on
a workspace folder (``-w``, default the current folder) through the services of
:mod:`lingtan.adapters.services.supplier_programmes`.

Exit codes: 0 success; a refusal exits with the code of its kind (2 invalid, 3 not found,
4 forbidden, 5 conflict); 1 an input that could not be used at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import FAILURES, WorkspaceOpt, err, fail, local_context, out
from lingtan.adapters.services.errors import EXIT_CODES

app = typer.Typer(
    help="Supplier projects, the supply-chain KPI and training.", no_args_is_help=True
)
projects_app = typer.Typer(
    help="Supplier reduction projects: ledger, measurements, the supply-chain KPI.",
    no_args_is_help=True,
)
training_app = typer.Typer(
    help="Supplier training: events, attendance import, counts.", no_args_is_help=True
)
app.add_typer(projects_app, name="projects")
app.add_typer(training_app, name="training")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _t(key: str, **params: Any) -> str:
    """The catalogue text of ``key`` in the command line's language."""
    from lingtan.adapters.i18n.messages import Translator
    from lingtan.adapters.i18n.rows import cli_locale

    return Translator(cli_locale())(key, **params)


def _refusal(exc: Exception) -> typer.Exit:
    """Print a refusal in the command line's language (each wrong cell of a refused file on its
    own line) and return the exit of its kind."""
    from lingtan.adapters.services.supplier_programmes import ProgrammesError

    if not isinstance(exc, ProgrammesError):
        return fail(exc)
    err.print(f"[bold red]error:[/] {escape(_t(exc.key, **exc.params))}", highlight=False)
    from lingtan.adapters.i18n.messages import catalogue
    from lingtan.adapters.i18n.rows import cli_locale
    from lingtan.core.messages import render

    lookup = catalogue(cli_locale()).get
    for e in exc.errors:
        text = render(e.message, lookup, ", ")
        err.print(f"  {escape(e.source)}, row {e.row}, column {e.column}: {escape(text)}")
    return typer.Exit(EXIT_CODES.get(exc.kind, 1))


@contextmanager
def _session(workspace: Path) -> Iterator[tuple[Session, Any]]:
    """The workspace's store session and context; a failure becomes the command's exit."""
    from lingtan.adapters.store.scoping import tenant_session

    try:
        ctx = local_context(workspace)
        ws = ctx.workspace()
        with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
            yield db, ctx
    except FAILURES as exc:
        raise _refusal(exc) from exc


def _json(doc: Any) -> None:
    out.print_json(json.dumps(doc, ensure_ascii=False, default=str))


def _n(x: float | None, digits: int = 0) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


# -- projects --------------------------------------------------------------------------------------


@projects_app.command("list")
def projects_list(workspace: WorkspaceOpt = Path("."), as_json: JsonOpt = False) -> None:
    """The project ledger: cumulative and attributed reductions, lifetime, cost per tonne and
    the implied-factor warnings; per programme and for the group (each project once)."""
    from lingtan.adapters.services import supplier_programmes as svc

    with _session(workspace) as (db, ctx):
        doc = svc.projects_ledger(db, ctx)
    if as_json:
        _json(doc)
        return
    if not doc["projects"]:
        out.print(_t("supplier_programmes.cli.no_projects"))
        return
    tab = Table("project", "supplier", "programmes", "capex CNY", "cum. t", "attr. t",
                "lifetime t", "implied t/MWh", "CNY/t to date", "CNY/t lifetime")  # fmt: skip
    for p in doc["projects"]:
        implied = next((c["implied_t_per_mwh"] for c in p["checks"]), None)
        tab.add_row(
            p["id"], p["supplier"], ", ".join(p["programmes"]), _n(p["capex_cny"]),
            _n(p["cumulative_t"]), _n(p["attributed_t"]), _n(p["expected_lifetime_t"]),
            _n(implied, 3) + (" ⚠" if p["warnings"] else ""), _n(p["cost_per_t_to_date"]),
            _n(p["cost_per_t_lifetime"]),
        )  # fmt: skip
    out.print(tab)
    for s in [*doc["programmes"], doc["group"]]:
        out.print(
            f"{s['name']}: {s['suppliers']} suppliers, {_n(s['capex_cny'])} CNY, "
            f"{_n(s['cumulative_t'])} t to date ({_n(s['attributed_t'])} t attributed), "
            f"{_n(s['expected_lifetime_t'])} t over the lifetime; "
            f"{_n(s['cost_per_t_to_date'])} CNY/t to date, "
            f"{_n(s['cost_per_t_lifetime'])} CNY/t over the lifetime",
            highlight=False, markup=False,
        )  # fmt: skip
    for w in doc["warnings"]:
        err.print(
            f"[bold yellow]warning:[/] {escape(_t(w['key'], **w['params']))}", highlight=False
        )


@projects_app.command("add")
def projects_add(
    code: Annotated[str, typer.Argument(help="Project code.")],
    supplier: Annotated[str, typer.Option(help="Supplier code (register).")],
    name: Annotated[str, typer.Option(help="Project name.")],
    type_: Annotated[
        str, typer.Option("--type", help="pv | compressed_air | moulding_heating | dryer | other")
    ] = "other",
    region: Annotated[str, typer.Option(help="Region of the site (CN, CN-AH …).")] = "CN",
    capex: Annotated[float, typer.Option(help="Investment [CNY].")] = 0.0,
    start: Annotated[str | None, typer.Option(help="Commissioning date YYYY-MM-DD.")] = None,
    life: Annotated[int, typer.Option(help="Lifetime [years].")] = 20,
    programme: Annotated[
        list[str] | None, typer.Option(help="Programme (repeat for several).")
    ] = None,
    mwh_per_year: Annotated[
        float | None, typer.Option(help="Electricity saved per year, ex ante [MWh/yr].")
    ] = None,
    t_per_year: Annotated[
        float | None, typer.Option(help="Reduction per year, ex ante [t CO2e/yr].")
    ] = None,
    basis: Annotated[str, typer.Option(help="Factor basis (text).")] = "",
    basis_factor: Annotated[
        float | None, typer.Option(help="The basis factor [t CO2e/MWh].")
    ] = None,
    attribution: Annotated[float, typer.Option(help="The buyer's share [%].")] = 100.0,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a supplier project (or replace the fields given of an existing one)."""
    from lingtan.adapters.services import supplier_programmes as svc

    fields: dict[str, Any] = {
        "code": code, "supplier": supplier, "name": name, "type": type_, "region": region,
        "capex_cny": capex, "start": start, "life_years": life,
        "programmes": programme or [], "ex_ante_t_per_year": t_per_year,
        "factor_basis": basis, "basis_factor": basis_factor, "attribution_pct": attribution,
        "ex_ante": [] if mwh_per_year is None
        else [{"carrier": "electricity", "quantity": mwh_per_year, "unit": "MWh"}],
    }  # fmt: skip
    with _session(workspace) as (db, ctx):
        svc.create_project(db, ctx, fields)
    out.print(_t("supplier_programmes.cli.added", code=code), highlight=False)


@projects_app.command("measure")
def projects_measure(
    code: Annotated[str, typer.Argument(help="Project code.")],
    start: Annotated[str, typer.Option(help="First day of the period YYYY-MM-DD.")],
    end: Annotated[str, typer.Option(help="Last day of the period YYYY-MM-DD.")],
    t: Annotated[float, typer.Option("--t", help="Reduction of the period [t CO2e].")],
    mwh: Annotated[float, typer.Option(help="Electricity saved in the period [MWh].")] = 0.0,
    note: Annotated[str, typer.Option(help="Evidence or remark.")] = "",
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Record a measured result of a project for one period."""
    from lingtan.adapters.services import supplier_programmes as svc

    fields = {"start": start, "end": end, "t_co2e": t, "electricity_mwh": mwh, "note": note}
    with _session(workspace) as (db, ctx):
        m = svc.add_measurement(db, ctx, code, fields)
    out.print(
        _t("supplier_programmes.cli.measured", code=code, t=_n(m["t_co2e"], 1),
           start=m["start"], end=m["end"]),
        highlight=False,
    )  # fmt: skip


@projects_app.command("kpi")
def projects_kpi(
    goal: Annotated[float | None, typer.Option(help="Goal [t CO2e] (default 1,000,000).")] = None,
    goal_year: Annotated[str | None, typer.Option(help="Goal year (default FY2025/26).")] = None,
    from_year: Annotated[
        str | None, typer.Option(help="First year counted (default FY2022/23).")
    ] = None,
    programme: Annotated[
        list[str] | None, typer.Option(help="Count only these programmes.")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """The supply-chain KPI: cumulative attributed reductions against the linear pathway to the
    goal, and its status (on track | off track | achieved | no data)."""
    from lingtan.adapters.services import supplier_programmes as svc

    with _session(workspace) as (db, ctx):
        doc = svc.programme_kpi(db, ctx, goal_t=goal, goal_year=goal_year,
                                from_year=from_year, programmes=programme or ())  # fmt: skip
    if as_json:
        _json(doc)
        return
    out.print(
        _t("supplier_programmes.cli.kpi", name=doc["name"], value=_n(doc["latest_value"]),
           year=doc["latest_year"] or "–", pathway=_n(doc["pathway_value"]),
           goal=_n(doc["goal"]), goal_year=doc["goal_year"],
           status=_t("status." + doc["status"])),
        highlight=False, markup=False,
    )  # fmt: skip
    out.print(doc["rule"], highlight=False, markup=False, style="dim")


# -- training --------------------------------------------------------------------------------------


@training_app.command("list")
def training_list(workspace: WorkspaceOpt = Path("."), as_json: JsonOpt = False) -> None:
    """The training events with their attendance counts."""
    from lingtan.adapters.services import supplier_programmes as svc

    with _session(workspace) as (db, ctx):
        events = svc.list_events(db, ctx)
    if as_json:
        _json(events)
        return
    if not events:
        out.print(_t("supplier_programmes.cli.no_events"))
        return
    tab = Table("code", "kind", "date", "title", "organiser", "attendances")
    for e in events:
        tab.add_row(e["code"], e["kind"], e["date"], e["title"], e["organiser"],
                    str(e["attendances"]))  # fmt: skip
    out.print(tab)


@training_app.command("import")
def training_import(
    file: Annotated[Path, typer.Argument(help="Attendance file (CSV or XLSX).")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Import attendance (columns event, person, supplier, completed; kind, title, date,
    organiser for an event not yet recorded). All or nothing: every wrong cell is named."""
    from lingtan.adapters.services import supplier_programmes as svc

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise fail(f"{file}: {exc.strerror or exc}") from exc
    with _session(workspace) as (db, ctx):
        r = svc.import_attendance(db, ctx, data, file.name)
    out.print(
        _t("supplier_programmes.cli.imported", file=r["file"], rows=r["rows"],
           events=r["events_created"], added=r["attendances_added"], repeats=r["repeats"]),
        highlight=False,
    )  # fmt: skip


@training_app.command("summary")
def training_summary(
    year: Annotated[
        str | None, typer.Option("--year", "-y", help="Fiscal year, e.g. FY2023/24.")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Courses, learners, and events, attendances and people per kind; per supplier."""
    from lingtan.adapters.services import supplier_programmes as svc

    with _session(workspace) as (db, ctx):
        doc = svc.training_summary(db, ctx, fiscal_year=year)
    if as_json:
        _json(doc)
        return
    out.print(
        f"{_t('supplier_programmes.training.courses')}: {doc['courses']}  "
        f"{_t('supplier_programmes.training.learners')}: {doc['learners']}",
        highlight=False, markup=False,
    )  # fmt: skip
    tab = Table("kind", "events", "attendances", "people", "completed")
    for k in doc["by_kind"]:
        tab.add_row(_t("supplier_programmes.kind." + k["kind"]), str(k["events"]),
                    str(k["attendances"]), str(k["people"]), str(k["completed"]))  # fmt: skip
    out.print(tab)
