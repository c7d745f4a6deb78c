"""The four-pillar climate disclosure sections of an edition (issue 19 item 3, decision 0099):
governance, strategy, risk management, metrics and targets (IFRS S2 ¶5–37; TCFD 2017; HKEX
Listing Rules Appendix C2 Part D; references only, never the licensed texts).

Each producer takes the edition's :class:`~lingtan.modules.disclosure.document.EditionScope`
and returns a :class:`~lingtan.modules.disclosure.document.Section` gathered from the services
that own the data — nothing is computed here that another service computes:

- :func:`governance_section`: the governance records (``services.risk_governance``): bodies with
  their required vs held meetings, the governance calendar of the fiscal year, the management
  roles and the remuneration links (IFRS S2 ¶6, ¶29(g));
- :func:`strategy_section`: the risk and opportunity register (``services.risk_register``) with
  horizons, value-chain positions and financial effects, the scenario runs of the year and
  their computed conclusion (``services.risk_scenarios``), and the transition plan of the
  targets module (``services.targets``: targets, levers, the least-cost plan) (¶10–22);
- :func:`risk_management_section`: the scoring matrix and its heat map, the review cadence and
  the reviews due at the end of the year, the significant environmental aspects
  (``services.risk_aspects``, ISO 14001:2015 §6.1.2) and how they link to the register (¶25);
- :func:`metrics_targets_section`: targets with their status in the edition's year, KPIs with
  their value source, carbon credits (¶36(e)), the internal carbon price and capital deployment
  (datapoints entered by hand, ``services.disclosure_datapoints``), energy by carrier and per
  unit (``services.energy_indicators``), transition and physical risk exposure and opportunity
  revenue (scenario runs; ``services.risk_hazards`` ¶29(c) shares), supplier engagement
  (``services.supplier_requests`` coverage) and carbon-inclusion participation
  (``services.inclusion_report``) (¶29–37).

Every figure is a ``number`` cell with its unit and the record it comes from (``ref``); statuses
are the modules' own (targets and KPIs in the edition's year, never a printed one); anything
dated is evaluated at the end of the fiscal year, so that the same data give the same section.
A module without data leaves its tables out, says so in a paragraph and states its facts
``missing`` (or ``partial``): never an invented figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import ServiceError
from lingtan.core.errors import LingtanError
from lingtan.modules.disclosure.document import (
    Cell,
    Chart,
    Column,
    EditionScope,
    Fact,
    FactStatus,
    Section,
    Series,
    Table,
    column,
    empty_section,
    label,
    na,
    number,
    table,
    text,
)
from lingtan.modules.disclosure.document import fact as stated
from lingtan.modules.disclosure.facts import facts_of
from lingtan.modules.disclosure.pillars import (
    PILLAR_SECTIONS,
    graded,
    narrative_keys,
    status_of,
)

T = TypeVar("T")
#: what a service raises when its module has no (readable) data: the section says "not
#: available" for that part instead of failing the edition
SOFT = (ServiceError, LingtanError)
#: transition-risk lines of a scenario run (``modules.risk.scenarios.RISK_LINES`` less
#: physical loss and the plan's effect)
TRANSITION_LINES = ("direct_carbon", "indirect_power", "supply_chain", "energy_cost")
#: the datapoints entered by hand this section reads (``services.disclosure_datapoints``)
DATAPOINTS = {
    "internal_carbon_price": "mt.internal_carbon_price",
    "capital_deployment": "mt.capital_deployment",
}


# ---- helpers ---------------------------------------------------------------------------------


@contextmanager
def _session(ctx: Context) -> Iterator[Session]:
    """A store session of the edition's organisation (read only in effect)."""
    with ctx.workspace().session() as db:
        yield db


def _soft(call: Callable[[], T]) -> T | None:
    """``call()``, or None when its module refuses for want of data (:data:`SOFT`)."""
    try:
        return call()
    except SOFT:
        return None


def _known(key: str) -> bool:
    from lingtan.adapters.i18n.messages import catalogue

    return key in catalogue("en")


def _code(prefix: str, code: str | None) -> Cell:
    """The catalogue label ``<prefix>.<code>`` when the catalogue has it, else the code as
    entered (a user's own code), or "not available" for none."""
    if code is None or code == "":
        return na()
    key = f"{prefix}.{code}"
    return label(key) if _known(key) else text(str(code))


def _text(value: Any) -> Cell:
    return text(str(value)) if value not in (None, "") else na()


def _num(value: float | int | None, unit: str, digits: int, ref: str | None = None) -> Cell:
    """A number cell, or "not available" for None."""
    if value is None:
        return na()
    return number(value, unit, digits, ref=ref)


def _mark(present: bool) -> Cell:
    return label("disc_pil.mark") if present else text("")


def _col(key: str, unit: str | None = None) -> Column:
    return column(key, f"disc_pil.col.{key}", unit)


def _table(
    key: str, columns: Sequence[Column], rows: list[list[Cell]], note: str | None = None
) -> Table:
    return table(f"pil_{key}", f"disc_pil.table.{key}", columns, rows, note)


def _fact(status: FactStatus, source: str, note: str | None = None) -> Fact:
    """A fact's status, where it comes from (``not_available`` when missing) and, when partial,
    the catalogue note saying what is missing."""
    return stated(status, source if status != "missing" else "not_available",
                  note if status == "partial" else None)  # fmt: skip


def _section(key: str, available: bool) -> Section:
    """An empty section of pillar ``key`` with its narrative fields and every fact missing."""
    s = empty_section(key, PILLAR_SECTIONS[key], key, facts_of(key))
    s["available"] = available
    s["narratives"] = narrative_keys(key)
    return s


def _day(iso: str) -> date:
    return date.fromisoformat(iso)


def _start_year(ctx: Context, scope: EditionScope) -> int:
    """The fiscal start year of the edition's year under the workspace's calendar."""
    return int(ctx.workspace().config.calendar.start_year_of(_day(scope.period_start)))


# ---- governance (IFRS S2 ¶6, ¶29(g)) ---------------------------------------------------------


def governance_section(ctx: Context, scope: EditionScope) -> Section:
    """The governance pillar of ``scope``'s fiscal year from the governance records: bodies
    (kind, parent, chair, required vs held meetings and the check's status), the governance
    calendar (meetings of the year, their climate agenda items and decisions), management roles
    and remuneration links (share of variable pay [%]).

    Facts: ``gov.body`` (bodies, each with a mandate), ``gov.oversight`` (climate agenda items
    held and every body's frequency met), ``gov.management_role`` (a climate-responsible role),
    ``gov.remuneration`` (links of the year, each with its published share).
    """
    from lingtan.adapters.services import risk_governance as gov

    with _session(ctx) as db:
        summary = _soft(lambda: gov.governance_summary(db, ctx, scope.fiscal_year))
    if summary is None:
        return _not_available("governance", "disc_pil.na.governance")
    bodies, meetings = summary["bodies"], summary["meetings"]
    roles, links, items = summary["roles"], summary["pay_links"], summary["climate_items"]
    s = _section("governance", bool(bodies or meetings or roles or links))
    if not s["available"]:
        s["paragraphs"].append(label("disc_pil.na.governance"))
        return s
    s["paragraphs"].append(
        label(
            "disc_pil.gov.summary",
            fiscal_year=scope.fiscal_year,
            bodies=len(bodies),
            meetings=len(meetings),
            climate_items=len(items),
        )
    )
    if bodies:
        s["tables"].append(_bodies_table(bodies))
    if meetings:
        s["tables"].append(_calendar_table(meetings))
    if items:
        s["tables"].append(_agenda_table(items))
    if roles:
        s["tables"].append(_roles_table(roles))
    if links:
        s["tables"].append(_pay_table(links))
    checks = [b["check"]["status"] for b in bodies]
    s["facts"] = {
        "gov.body": _fact(
            graded(bool(bodies), all(b.get("mandate") for b in bodies)),
            "governance",
            "disc_pil.note.no_mandate",
        ),
        "gov.oversight": _fact(
            graded(bool(items), all(c in ("met", "no_requirement") for c in checks)),
            "governance",
            "disc_pil.note.frequency",
        ),
        "gov.management_role": _fact(
            graded(bool(roles), any(r.get("climate_responsible") for r in roles)),
            "governance",
            "disc_pil.note.no_climate_role",
        ),
        "gov.remuneration": _fact(
            graded(bool(links), all(p.get("share_pct") is not None for p in links)),
            "governance",
            "disc_pil.note.share_not_published",
        ),
    }
    return s


def _not_available(key: str, why: str) -> Section:
    s = _section(key, False)
    s["paragraphs"].append(label(why))
    return s


def _bodies_table(bodies: list[dict[str, Any]]) -> Table:
    rows = []
    for b in bodies:
        c = b["check"]
        ref = f"governance:body:{b['code']}"
        rows.append(
            [
                text(b["code"]),
                text(b["name"]),
                _code("governance.kind", b["kind"]),
                _text(b.get("parent")),
                _text(b.get("chair")),
                _num(c["required"], "/yr", 0, ref),
                number(c["held"], "/yr", 0, ref=ref),
                _code("governance.status", c["status"]),
            ]
        )
    cols = [
        _col("code"),
        _col("body"),
        _col("kind"),
        _col("parent"),
        _col("chair"),
        _col("required", "/yr"),
        _col("held", "/yr"),
        _col("frequency_status"),
    ]
    return _table("gov_bodies", cols, rows, "disc_pil.note.held_counts")


def _date_cell(day: date | None, precision: str) -> Cell:
    if day is None or precision == "not_published":
        return na("disc_pil.na.date_not_published")
    if precision == "month":
        return label("disc_pil.month_only", month=day.isoformat()[:7])
    return {"kind": "date", "v": day.isoformat()}


def _calendar_table(meetings: list[dict[str, Any]]) -> Table:
    rows = [
        [
            _date_cell(m["date"], m["precision"]),
            text(m["body"]),
            text(m["title"]),
            number(m["climate_items"], "", 0, ref=f"governance:meeting:{m['id']}"),
            _text("; ".join(m["decisions"])),
        ]
        for m in meetings
    ]
    cols = [_col("date"), _col("body"), _col("meeting"), _col("climate_items"), _col("decisions")]
    return _table("gov_calendar", cols, rows)


def _agenda_table(items: list[dict[str, Any]]) -> Table:
    rows = [
        [
            _date_cell(i["date"], i["precision"]),
            text(i["body"]),
            _code("governance.topic", i["topic"]),
            _text(i["text"]),
        ]
        for i in items
    ]
    return _table("gov_agenda", [_col("date"), _col("body"), _col("topic"), _col("item")], rows)


def _roles_table(roles: list[dict[str, Any]]) -> Table:
    rows = [
        [
            text(r["title"]),
            _text(r.get("holder")),
            _mark(bool(r.get("climate_responsible"))),
            _text(r.get("reports_to")),
            _text(r.get("responsibilities")),
        ]
        for r in roles
    ]
    cols = [
        _col("role"),
        _col("holder"),
        _col("climate_responsible"),
        _col("reports_to"),
        _col("responsibilities"),
    ]
    return _table("gov_roles", cols, rows)


def _pay_table(links: list[dict[str, Any]]) -> Table:
    rows = []
    for p in links:
        share = p.get("share_pct")
        rows.append(
            [
                text(p["population"]),
                _text(p.get("kpi_id") or p.get("kpi_label")),
                number(share, "%", 1, ref=f"governance:pay:{p['id']}")
                if share is not None
                else na("disc_pil.na.not_published"),
                _text(p.get("body")),
                _text(p.get("description")),
            ]
        )
    cols = [
        _col("population"),
        _col("kpi"),
        _col("share_of_variable_pay", "%"),
        _col("body"),
        _col("description"),
    ]
    return _table("gov_pay", cols, rows)


# ---- strategy (IFRS S2 ¶10–22) ---------------------------------------------------------------


def _open_items(db: Session, ctx: Context, on: date) -> list[dict[str, Any]]:
    from lingtan.adapters.services import risk_register as reg

    return [reg.item_dict(r, on) for r in reg.list_items(db, ctx, status="open")]


def strategy_section(ctx: Context, scope: EditionScope) -> Section:
    """The strategy pillar: the open risks and opportunities (category, driver, horizons,
    rating band, response), where in the value chain they sit, their financial effects
    [currency], the horizons' ranges [years], the scenario runs of the year (risks,
    opportunities and net effect per horizon year [currency], the computed conclusion) and the
    transition plan (the targets module's levers and its least-cost plan).

    Facts: ``strat.risks`` / ``strat.opportunities`` (items, all rated), ``strat.horizons``
    (every item with a horizon), ``strat.business_model`` (every item placed in the value
    chain), ``strat.financial_effects`` (every item with an effect; scenario runs),
    ``strat.transition_plan`` (targets; levers; a current plan), ``strat.scenarios`` (runs of
    at least two warming levels).
    """
    from lingtan.adapters.services import risk_register as reg

    end = _day(scope.period_end)
    with _session(ctx) as db:
        items = _soft(lambda: _open_items(db, ctx, end)) or []
        matrix = reg.get_matrix(db, ctx)
        runs = _newest_runs(db, ctx, scope.fiscal_year)
        conclusion = _soft(lambda: _conclusion(db, ctx, scope.fiscal_year)) if runs else None
    plan = _transition_plan(ctx, _start_year(ctx, scope))
    s = _section("strategy", bool(items or runs or plan["targets"]))
    risks = [i for i in items if i["kind"] == "risk"]
    opps = [i for i in items if i["kind"] == "opportunity"]
    if not items:
        s["paragraphs"].append(label("disc_pil.na.register"))
    else:
        s["tables"].append(_horizons_table(matrix.horizons))
        for kind, group in (("risks", risks), ("opportunities", opps)):
            if group:
                s["tables"].append(_items_table(kind, group))
        s["tables"].append(_value_chain_table(risks, opps))
        effects = [i for i in items if _has_effect(i)]
        if effects:
            s["tables"].append(_effects_table(effects))
    if runs:
        table, chart = _scenario_table(runs)
        s["tables"].append(table)
        s["charts"].append(chart)
        if conclusion is not None:
            s["paragraphs"].append(conclusion)
    else:
        s["paragraphs"].append(label("disc_pil.na.scenarios", fiscal_year=scope.fiscal_year))
    s["paragraphs"].extend(plan["paragraphs"])
    s["tables"].extend(plan["tables"])
    s["facts"] = _strategy_facts(items, risks, opps, runs, plan)
    return s


def _strategy_facts(
    items: list[dict[str, Any]],
    risks: list[dict[str, Any]],
    opps: list[dict[str, Any]],
    runs: list[Any],
    plan: dict[str, Any],
) -> dict[str, Fact]:
    warmings = {r.warming for r in runs}
    return {
        "strat.risks": _fact(
            graded(bool(risks), all(i["band"] for i in risks)),
            "risk_register",
            "disc_pil.note.unrated",
        ),
        "strat.opportunities": _fact(
            graded(bool(opps), all(i["band"] for i in opps)),
            "risk_register",
            "disc_pil.note.unrated",
        ),
        "strat.horizons": _fact(
            graded(bool(items), all(i["horizons"] for i in items)),
            "risk_register",
            "disc_pil.note.no_horizon",
        ),
        "strat.business_model": _fact(
            graded(bool(items), all(i["value_chain"] for i in items)),
            "risk_register",
            "disc_pil.note.no_value_chain",
        ),
        "strat.financial_effects": _fact(
            status_of([bool(items) and all(_has_effect(i) for i in items), bool(runs)]),
            "risk_register+scenario_runs",
            "disc_pil.note.effects",
        ),
        "strat.transition_plan": _fact(
            status_of([bool(plan["targets"]), bool(plan["levers"]), bool(plan["current"])]),
            "targets",
            "disc_pil.note.plan",
        ),
        "strat.scenarios": _fact(
            graded(bool(runs), len(warmings) >= 2), "scenario_runs", "disc_pil.note.one_scenario"
        ),
    }


def _has_effect(item: dict[str, Any]) -> bool:
    f = item["financial"]
    return any(f.get(k) is not None for k in ("low", "central", "high"))


def _horizons_table(horizons: Any) -> Table:
    rows = [
        [
            _code("risk.horizon", h),
            number(lo, "yr", 0, ref="risk_matrix"),
            number(hi, "yr", 0, ref="risk_matrix"),
        ]
        for h, (lo, hi) in horizons.items()
    ]
    return _table("horizons", [_col("horizon"), _col("from", "yr"), _col("to", "yr")], rows)


def _items_table(kind: str, items: list[dict[str, Any]]) -> Table:
    rows = []
    for i in items:
        hs = set(i["horizons"])
        rows.append(
            [
                text(i["code"]),
                _code("risk.category", i["category"]),
                _code("risk.driver", i["driver"]),
                text(i["title"]),
                _mark("short" in hs),
                _mark("medium" in hs),
                _mark("long" in hs),
                _num(i["score"], "", 1, f"risk:{i['code']}"),
                _code("risk.band", i["band"] or "unrated"),
                _code("risk.response", i["response"]),
                _text(i["owner"]),
            ]
        )
    cols = [
        _col("code"),
        _col("category"),
        _col("driver"),
        _col("title"),
        _col("short"),
        _col("medium"),
        _col("long"),
        _col("score"),
        _col("band"),
        _col("response"),
        _col("owner"),
    ]
    return _table(kind, cols, rows)


def _value_chain_table(risks: list[dict[str, Any]], opps: list[dict[str, Any]]) -> Table:
    from lingtan.modules.risk.catalogue import VALUE_CHAIN

    rows = [
        [
            _code("risk.value_chain", v),
            number(sum(v in i["value_chain"] for i in risks), "", 0, ref="risk_register"),
            number(sum(v in i["value_chain"] for i in opps), "", 0, ref="risk_register"),
        ]
        for v in VALUE_CHAIN
    ]
    return _table("value_chain", [_col("position"), _col("risk_count"), _col("opp_count")], rows)


def _effects_table(items: list[dict[str, Any]]) -> Table:
    rows = []
    for i in items:
        f, ref = i["financial"], f"risk:{i['code']}"
        cur = f.get("currency") or ""
        rows.append(
            [
                text(i["code"]),
                _code("risk.kind", i["kind"]),
                _code("risk.financial_line", f.get("line")),
                *(_num(f.get(k), cur, 0, ref) for k in ("low", "central", "high")),
            ]
        )
    cols = [
        _col("code"),
        _col("kind"),
        _col("financial_line"),
        _col("low"),
        _col("central"),
        _col("high"),
    ]
    return _table("effects", cols, rows, "disc_pil.note.effects_currency")


def _newest_runs(db: Session, ctx: Context, fiscal_year: str) -> list[Any]:
    """The newest run of each scenario of ``fiscal_year``, warmest first."""
    from lingtan.adapters.services import risk_scenarios as sc

    newest: dict[str, Any] = {}
    for r in sorted(sc.list_runs(db, ctx, fiscal_year), key=lambda r: (r.created_at, r.id)):
        newest[r.scenario_code] = r
    return sorted(newest.values(), key=lambda r: (-r.warming, r.scenario_code))


def _conclusion(db: Session, ctx: Context, fiscal_year: str) -> Cell:
    from lingtan.adapters.services import risk_scenarios as sc

    c = sc.conclusion(db, ctx, fiscal_year)
    args = {k: v for k, v in c.message.params.items() if isinstance(v, str | int | float)}
    return label(c.message.key, **args)


def _year_rows(run: Any) -> list[dict[str, Any]]:
    return list((run.results or {}).get("years", []))


def _scenario_table(runs: list[Any]) -> tuple[Table, Chart]:
    rows = []
    for r in runs:
        ref = f"scenario_run:{r.run_id[:12]}"
        for y in _year_rows(r):
            rows.append(
                [
                    text(r.label),
                    number(r.warming, "°C", 1, ref=ref),
                    text(r.pathway),
                    number(int(y["year"]), "", 0, ref=ref),
                    number(y["risks"]["central"], r.currency, 0, ref=ref),
                    number(y["opportunities"]["central"], r.currency, 0, ref=ref),
                    number(y["net"]["low"], r.currency, 0, ref=ref),
                    number(y["net"]["central"], r.currency, 0, ref=ref),
                    number(y["net"]["high"], r.currency, 0, ref=ref),
                ]
            )
    cols = [
        _col("scenario"),
        _col("warming", "°C"),
        _col("pathway"),
        _col("year"),
        _col("risks"),
        _col("opportunities"),
        _col("net_low"),
        _col("net_central"),
        _col("net_high"),
    ]
    table = _table("scenarios", cols, rows, "disc_pil.note.scenarios")
    years = sorted({int(y["year"]) for r in runs for y in _year_rows(r)})
    series: list[Series] = []
    for r in runs:
        net = {int(y["year"]): float(y["net"]["central"]) for y in _year_rows(r)}
        series.append({"label": text(r.label), "values": [net.get(y) for y in years]})
    chart: Chart = {
        "key": "pil_scenarios_net",
        "title": "disc_pil.chart.scenarios_net",
        "kind": "bar",
        "x": [str(y) for y in years],
        "series": series,
        "unit": runs[0].currency,
        "table": table["key"],
    }
    return table, chart


def _transition_plan(ctx: Context, year: int) -> dict[str, Any]:
    """The transition plan from the targets module: targets (count), the levers (projects of
    the targets file, their abatement [t CO2e/yr] in the latest year evaluated with the data up
    to fiscal start year ``year``) and the saved least-cost plan (status, credits [t CO2e],
    whether current)."""
    from lingtan.adapters.services import targets as tg

    out: dict[str, Any] = {
        "targets": [],
        "levers": [],
        "current": False,
        "paragraphs": [],
        "tables": [],
    }
    got = _soft(lambda: tg.programme(ctx))
    if got is None:
        out["paragraphs"].append(label("disc_pil.na.targets"))
        return out
    prog = got[0]
    out["targets"] = list(prog.targets)
    levers = _levers(ctx, _as_of(prog, year))
    if levers:
        out["levers"] = levers
        cols = [_col("code"), _col("project"), _col("project_type"), _col("abatement", "t CO2e/yr")]
        out["tables"].append(_table("levers", cols, levers, "disc_pil.note.levers"))
    saved = _soft(lambda: tg.saved_plan(ctx))
    if saved is not None:
        res = saved.get("result") or {}
        out["current"] = not saved.get("stale", True)
        out["paragraphs"].append(
            label(
                "disc_pil.strat.plan_stale" if saved.get("stale") else "disc_pil.strat.plan",
                status=str(res.get("status", "")),
                credits=float(res.get("credits_t") or 0.0),
            )
        )
    else:
        out["paragraphs"].append(label("disc_pil.na.plan"))
    return out


def _levers(ctx: Context, prog: Any) -> list[list[Cell]]:
    """One row per project of the targets file: its abatement [t CO2e/yr] in the latest year
    the programme is evaluated for, as if operating (the rule of ``targets.plan_candidates``,
    on the programme already read), else the reduction the file states; "not available" when
    the project cannot be evaluated (no factor)."""
    from lingtan.adapters.services import targets as tg
    from lingtan.modules.targets.programme import plan_years

    years = plan_years(prog)
    evaluated = _soft(lambda: tg.evaluate_projects(ctx, prog, years=years[-1:])) if years else None
    impacts = {ev.project.id: ev.impacts.get(years[-1]) for ev in evaluated or []}
    rows = []
    for p in prog.projects:
        imp = impacts.get(p.id)
        t = imp.tco2e if imp is not None else p.reduction_t_per_year
        rows.append(
            [
                text(p.id),
                text(p.name),
                _code("disc_pil.project_type", p.type.value),
                _num(t, "t CO2e/yr", 0, f"project:{p.id}"),
            ]
        )
    return rows


# ---- risk management (IFRS S2 ¶25) -----------------------------------------------------------


def risk_management_section(ctx: Context, scope: EditionScope) -> Section:
    """The risk-management pillar: the scoring matrix (likelihood × consequence, its bands and
    whose they are), the heat map of the open items, the review cadence [months] with the
    reviews done in the year and due at its end, and the significant environmental aspects
    (ISO 14001:2015 §6.1.2) with their ratings, monitoring due at the year's end and their
    links to the register.

    Facts: ``rm.process`` (rated items under the matrix), ``rm.cadence`` (every open item
    reviewed, none overdue at the year's end), ``rm.integration`` (aspects linked to register
    risks; risks linked to targets or projects), ``rm.aspects`` (significant aspects, none
    with monitoring due).
    """
    from lingtan.adapters.services import risk_aspects as asp
    from lingtan.adapters.services import risk_register as reg

    start, end = _day(scope.period_start), _day(scope.period_end)
    with _session(ctx) as db:
        items = _soft(lambda: _open_items(db, ctx, end)) or []
        matrix = reg.get_matrix(db, ctx)
        heat = reg.heatmap(db, ctx) if items else None
        due = reg.due_reviews(db, ctx, on=end) if items else []
        reviewed = _reviewed_in(db, ctx, items, start, end)
        aspects = [asp.aspect_dict(a) for a in asp.list_aspects(db, ctx)]
        config = asp.get_config(db, ctx)
        default_config = asp.is_default(config)
        monitor = asp.monitoring_due(db, ctx, on=end) if aspects else []
    s = _section("risk_management", bool(items or aspects))
    significant = [a for a in aspects if a["significant"]]
    if items and heat is not None:
        s["paragraphs"].append(
            label(
                "disc_pil.rm.matrix",
                likelihood=matrix.likelihood_levels,
                consequence=matrix.consequence_levels,
                aggregation=matrix.aggregation,
            )
        )
        if matrix.bands_source == "lingtan":
            s["paragraphs"].append(label("disc_pil.rm.bands_lingtan"))
        s["tables"] += [_bands_table(matrix), _heat_table(heat), _cadence_table(matrix)]
        overdue = sum(1 for d in due if d.overdue)
        never = sum(1 for i in items if i["last_reviewed"] is None)
        s["paragraphs"].append(
            label(
                "disc_pil.rm.reviews",
                fiscal_year=scope.fiscal_year,
                open=len(items),
                reviewed=reviewed,
                overdue=overdue,
                never=never,
                end=scope.period_end,
            )
        )
    else:
        s["paragraphs"].append(label("disc_pil.na.register"))
        overdue = never = 0
    if significant:
        s["paragraphs"].append(
            label(
                "disc_pil.rm.aspects",
                threshold=config.threshold,
                aggregate=config.aggregate,
                n=len(significant),
                of=len(aspects),
            )
        )
        if default_config:
            s["paragraphs"].append(label("disc_pil.rm.aspects_lingtan"))
        s["tables"].append(_aspects_table(significant))
    else:
        s["paragraphs"].append(label("disc_pil.na.aspects"))
    linked_aspects = any(a["risk_code"] for a in aspects)
    linked_risks = any(i["links"].get("targets") or i["links"].get("projects") for i in items)
    s["facts"] = {
        "rm.process": _fact(
            graded(bool(items), all(i["band"] for i in items)),
            "risk_register",
            "disc_pil.note.unrated",
        ),
        "rm.cadence": _fact(
            graded(bool(items), overdue == 0 and never == 0),
            "risk_register",
            "disc_pil.note.reviews_due",
        ),
        "rm.integration": _fact(
            status_of([linked_aspects, linked_risks]),
            "risk_register+aspects",
            "disc_pil.note.integration",
        ),
        "rm.aspects": _fact(
            graded(bool(significant), not monitor), "aspects", "disc_pil.note.monitoring_due"
        ),
    }
    return s


def _reviewed_in(
    db: Session, ctx: Context, items: list[dict[str, Any]], start: date, end: date
) -> int:
    """The open items with a review dated within [start, end]."""
    from lingtan.adapters.services import risk_register as reg

    n = 0
    for i in items:
        days = [r.reviewed for r in reg.reviews(db, ctx, i["code"])]
        if i["last_reviewed"] is not None:
            days.append(i["last_reviewed"])
        n += any(d is not None and start <= d <= end for d in days)
    return n


def _bands_table(matrix: Any) -> Table:
    rows = [[_code("risk.band", b), number(lo, "", 1, ref="risk_matrix")] for b, lo in matrix.bands]
    return _table("bands", [_col("band"), _col("lowest_score")], rows)


def _heat_table(heat: Any) -> Table:
    rows = []
    for li in range(heat.likelihood_levels, 0, -1):
        rows.append(
            [
                _code("risk.likelihood", str(li)),
                *(
                    number(heat.counts.get((li, c), 0), "", 0, ref="risk_register")
                    for c in range(1, heat.consequence_levels + 1)
                ),
            ]
        )
    cols = [_col("likelihood")] + [
        {"key": f"c{c}", "label": f"disc_pil.col.c{c}"}
        for c in range(1, heat.consequence_levels + 1)
    ]
    return _table("heatmap", cols, rows, "disc_pil.note.heatmap")


def _cadence_table(matrix: Any) -> Table:
    rows = [
        [_code("disc_pil.cadence", k), number(v, "months", 0, ref="risk_matrix")]
        for k, v in matrix.cadence.items()
    ]
    return _table("cadence", [_col("rule"), _col("interval", "months")], rows)


def _aspects_table(aspects: list[dict[str, Any]]) -> Table:
    rows = []
    for a in aspects:
        ref = f"aspect:{a['code']}"
        rows.append(
            [
                text(a["code"]),
                _text(a["site"]),
                _text(a["activity"]),
                text(a["aspect"]),
                _code("aspects.condition", a["condition"]),
                _num(a["env"], "", 1, ref),
                _num(a["bus"], "", 1, ref),
                _num(a["overall"], "", 1, ref),
                number(len(a["objectives"]), "", 0, ref=ref),
                _text(a["risk_code"]),
            ]
        )
    cols = [
        _col("code"),
        _col("site"),
        _col("activity"),
        _col("aspect"),
        _col("condition"),
        _col("env"),
        _col("bus"),
        _col("overall"),
        _col("objectives"),
        _col("risk"),
    ]
    return _table("aspects", cols, rows)


# ---- metrics and targets (IFRS S2 ¶29–37) ----------------------------------------------------


def metrics_targets_section(ctx: Context, scope: EditionScope) -> Section:
    """The metrics-and-targets pillar of ``scope``'s year (module docstring lists each part and
    where it comes from; every fact of ``facts_of("metrics_targets")`` is stated)."""
    s = _section("metrics_targets", False)
    facts: dict[str, Fact] = {}
    for part in (
        _targets_part,
        _datapoints_part,
        _energy_part,
        _exposure_part,
        _suppliers_part,
        _inclusion_part,
    ):
        available = part(ctx, scope, s, facts)
        s["available"] = s["available"] or available
    s["facts"] = {k: facts.get(k, _fact("missing", "")) for k in facts_of("metrics_targets")}
    return s


def _as_of(prog: Any, year: int) -> Any:
    """The programme as it stood in fiscal start year ``year``: emissions and KPI values of
    later years left out (an edition states the status of its own year)."""
    kpis = tuple(
        replace(k, values={y: v for y, v in k.values.items() if y <= year}) for k in prog.kpis
    )
    return replace(
        prog, emissions={y: e for y, e in prog.emissions.items() if y <= year}, kpis=kpis
    )


def _targets_part(ctx: Context, scope: EditionScope, s: Section, facts: dict[str, Fact]) -> bool:
    """Targets with their status in the edition's year, KPIs with their value source, credits."""
    from lingtan.adapters.services import targets as tg
    from lingtan.modules.targets.programme import overview

    got = _soft(lambda: tg.programme(ctx))
    if got is None:
        s["paragraphs"].append(label("disc_pil.na.targets"))
        return False
    prog = got[0]
    try:
        year = prog.calendar.parse(scope.fiscal_year).start.year
    except (LingtanError, ValueError):
        year = _start_year(ctx, scope)
    ov = overview(_as_of(prog, year))
    points = [next((p for p in t.points if p.year == year), None) for t in ov.targets]
    if ov.targets:
        s["tables"].append(_targets_table(ov, points, prog.calendar))
    kpis = list(ov.kpis)
    if kpis:
        s["tables"].append(_kpis_table(kpis, prog.calendar))
    has_point = [p is not None and p.actual is not None for p in points]
    facts["mt.targets"] = _fact(
        graded(bool(ov.targets), all(t.base_value is not None for t in ov.targets)),
        "targets",
        "disc_pil.note.no_base_value",
    )
    facts["mt.progress"] = _fact(
        graded(any(has_point), all(has_point)), "targets", "disc_pil.note.no_actual"
    )
    sourced = [
        bool(k.latest_value is not None and (k.kpi.source or k.kpi.derivation)) for k in kpis
    ]
    facts["mt.kpis"] = _fact(
        graded(any(sourced), all(sourced)), "targets", "disc_pil.note.kpi_source"
    )
    _credits(prog, year, s, facts)
    return bool(ov.targets or kpis)


def _targets_table(ov: Any, points: list[Any], cal: Any) -> Table:
    rows = []
    for t, p in zip(ov.targets, points, strict=True):
        tg, ref = t.target, f"target:{t.target.id}"
        digits = 0 if tg.kind.value == "absolute" else 4
        status = p.status.value if p is not None else "no_data"
        rows.append(
            [
                text(tg.id),
                text(tg.name),
                text(tg.coverage.label),
                text(cal.year(tg.base_year).label),
                _num(t.base_value, t.unit, digits, ref),
                text(cal.year(tg.target_year).label),
                number(tg.reduction_pct, "%", 1, ref=ref),
                _num(p.actual if p else None, t.unit, digits, ref),
                _num(p.reduction_to_date_pct if p else None, "%", 1, ref),
                _code("status", status),
                _text(tg.reported_status),
            ]
        )
    cols = [
        _col("code"),
        _col("target"),
        _col("coverage"),
        _col("base_year"),
        _col("base_value"),
        _col("target_year"),
        _col("reduction", "%"),
        _col("actual"),
        _col("reduction_to_date", "%"),
        _col("status"),
        _col("reported"),
    ]
    return _table("targets", cols, rows, "disc_pil.note.targets_status")


def _kpis_table(kpis: list[Any], cal: Any) -> Table:
    rows = []
    for k in kpis:
        kpi, ref = k.kpi, f"kpi:{k.kpi.id}"
        source = kpi.derivation or kpi.source
        rows.append(
            [
                text(kpi.id),
                text(kpi.name),
                number(kpi.goal, kpi.unit, 1, ref=ref),
                _text(cal.year(kpi.goal_year).label if kpi.goal_year is not None else None),
                _text(k.latest_year),
                _num(k.latest_value, kpi.unit, 1, ref),
                _code("status", k.status.value),
                _code("kpi.origin", kpi.origin.value),
                _text(source),
                _text(kpi.reported_status),
            ]
        )
    cols = [
        _col("code"),
        _col("kpi"),
        _col("goal"),
        _col("goal_year"),
        _col("latest_year"),
        _col("value"),
        _col("status"),
        _col("origin"),
        _col("value_source"),
        _col("reported"),
    ]
    return _table("kpis", cols, rows, "disc_pil.note.kpis_status")


def _credits(prog: Any, year: int, s: Section, facts: dict[str, Fact]) -> None:
    """IFRS S2 ¶36(e): the credits held and retired (the register of the targets file), the
    credits the plan may buy and the goals and targets that neutralise residual emissions."""
    reg = prog.register
    held = list(reg.holdings.values())
    if held:
        rows = []
        for b in held:
            ref = f"credit:{b.id}"
            left = sum(r.quantity for r in reg.available(b.id))
            rows.append(
                [
                    text(b.id),
                    text(b.standard),
                    text(b.project_type),
                    number(b.vintage, "", 0, ref=ref),
                    _code("disc_pil.credit_kind", b.kind.value),
                    number(b.quantity, "t CO2e", 0, ref=ref),
                    number(b.quantity - left, "t CO2e", 0, ref=ref),
                    number(left, "t CO2e", 0, ref=ref),
                ]
            )
        cols = [
            _col("code"),
            _col("standard"),
            _col("project_type"),
            _col("vintage"),
            _col("credit_kind"),
            _col("held", "t CO2e"),
            _col("retired", "t CO2e"),
            _col("available", "t CO2e"),
        ]
        s["tables"].append(_table("credits", cols, rows, "disc_pil.note.credits"))
        in_year = sum(
            r.quantity for r in reg.retirements if prog.calendar.start_year_of(r.retired_on) == year
        )
        s["paragraphs"].append(label("disc_pil.mt.retired_in_year", t=in_year))
    options = list(prog.credit_options)
    if options:
        rows = [
            [
                text(o.id),
                text(o.name),
                _code("disc_pil.credit_kind", o.kind.value),
                number(o.price_per_t, "/t CO2e", 2, ref=f"credit_option:{o.id}"),
                _num(o.max_t_per_year, "t CO2e/yr", 0, f"credit_option:{o.id}"),
            ]
            for o in options
        ]
        cols = [
            _col("code"),
            _col("name"),
            _col("credit_kind"),
            _col("price", "/t CO2e"),
            _col("max_per_year", "t CO2e/yr"),
        ]
        s["tables"].append(_table("credit_options", cols, rows))
    planned = bool(options or prog.goals or any(t.neutralise_residual for t in prog.targets))
    facts["mt.credits"] = _fact(
        status_of([planned, bool(held)]), "targets", "disc_pil.note.credits_partial"
    )


def _datapoints_part(ctx: Context, scope: EditionScope, s: Section, facts: dict[str, Fact]) -> bool:
    """The internal carbon price (IFRS S2 ¶29(f)) and capital deployment (¶29(e)) entered by
    hand: complete once approved, partial while entered or reviewed (as the framework mapping
    counts them, decision 0097), else missing."""
    points: dict[str, dict[str, Any]] = {}
    try:
        from lingtan.adapters.services import disclosure_datapoints as dp

        read = dp.datapoints_for
    except (ImportError, AttributeError):  # H1's slice not in place: every datapoint missing
        read = None
    if read is not None:
        points = _soft(lambda: read(ctx, scope.fiscal_year)) or {}
    rows = []
    for key, fact in DATAPOINTS.items():
        p = points.get(key)
        given = p is not None and (p.get("value") is not None or bool(p.get("text")))
        if p is None or not given:
            facts[fact] = _fact("missing", "")
            continue
        st = str(p.get("status") or "entered")
        facts[fact] = _fact(
            "complete" if st == "approved" else "partial",
            f"datapoint:{key}",
            "disc_pil.note.not_approved",
        )
        value = p.get("value")
        rows.append(
            [
                label(f"disc_pil.datapoint.{key}"),
                number(value, str(p.get("unit") or ""), 2, ref=f"datapoint:{key}")
                if isinstance(value, int | float)
                else na(),
                _text(p.get("text")),
                _code("disc_pil.datapoint_status", st),
            ]
        )
    if rows:
        cols = [_col("datapoint"), _col("value"), _col("text"), _col("review_status")]
        s["tables"].append(_table("datapoints", cols, rows))
    else:
        s["paragraphs"].append(label("disc_pil.na.datapoints"))
    return bool(rows)


def _energy_part(ctx: Context, scope: EditionScope, s: Section, facts: dict[str, Fact]) -> bool:
    """Energy by carrier [MWh, carriers in their units], standard coal [tce] on both bases of
    GB/T 2589-2020 and the renewable share [%] (RE100), and electricity per unit produced
    [kWh/unit] by site and product type (services.energy_indicators)."""
    from lingtan.adapters.services import energy_indicators as en

    group = _soft(lambda: en.group_energy(ctx, scope.fiscal_year))
    carriers: dict[str, tuple[float, str]] = {}
    for site in group.sites if group is not None else []:
        for c, (q, u) in site.balance.carriers.items():
            old = carriers.get(c, (0.0, u))
            carriers[c] = (old[0] + q, u)
    if group is None or (group.consumption_kwh <= 0 and not carriers):
        s["paragraphs"].append(label("disc_pil.na.energy"))
        facts["mt.energy"] = _fact("missing", "")
    else:
        s["tables"].append(_energy_table(group, carriers))
        tce_known = all(v is not None for v in group.tce.values())
        facts["mt.energy"] = _fact(graded(True, tce_known), "energy", "disc_pil.note.tce_basis")
    year = _start_year(ctx, scope)
    rows = [i for i in (_soft(lambda: en.intensity_by_year(ctx)) or []) if i.year == year]
    if rows:
        s["tables"].append(_intensity_table(rows))
    facts["mt.energy_intensity"] = _fact(
        graded(bool(rows), all(i.kwh_per_unit is not None for i in rows)),
        "energy",
        "disc_pil.note.no_units",
    )
    return bool(rows) or facts["mt.energy"]["status"] != "missing"


def _energy_table(group: Any, carriers: dict[str, tuple[float, str]]) -> Table:
    ref = f"energy:{group.fiscal_year}"
    grid = sum(x.balance.grid_import_kwh for x in group.sites)
    self_use = sum(x.balance.self_use_kwh for x in group.sites)
    rows: list[list[Cell]] = [
        [label("disc_pil.energy.grid"), number(grid / 1000, "MWh", 1, ref=ref)],
        [label("disc_pil.energy.self_use"), number(self_use / 1000, "MWh", 1, ref=ref)],
        [
            label("disc_pil.energy.electricity"),
            number(group.consumption_kwh / 1000, "MWh", 1, ref=ref),
        ],
    ]
    for c, (q, u) in sorted(carriers.items()):
        rows.append([_code("disc_pil.carrier", c), number(q, u, 1, ref=ref)])
    for basis, v in group.tce.items():
        rows.append(
            [
                label(f"disc_pil.energy.tce_{basis}"),
                _num(v, "tce", 2, ref) if v is not None else na("disc_pil.na.tce_rate"),
            ]
        )
    pct = group.re_share.percent
    rows.append([label("disc_pil.energy.re_share"), _num(pct, "%", 1, ref)])
    return _table("energy", [_col("quantity"), _col("value")], rows, "disc_pil.note.energy")


def _intensity_table(rows: list[Any]) -> Table:
    out = []
    for i in rows:
        ref = f"energy:intensity:{i.site}:{i.product_type}"
        change = None if i.change_vs_previous is None else 100.0 * i.change_vs_previous
        out.append(
            [
                text(i.site),
                text(i.product_type),
                number(i.kwh, "kWh", 0, ref=ref),
                number(i.units, "", 0, ref=ref),
                _num(i.kwh_per_unit, "kWh/unit", 2, ref),
                _num(change, "%", 1, ref),
                _code("disc_pil.intensity_method", i.method),
            ]
        )
    cols = [
        _col("site"),
        _col("product_type"),
        _col("electricity", "kWh"),
        _col("units"),
        _col("per_unit", "kWh/unit"),
        _col("change", "%"),
        _col("method"),
    ]
    return _table("energy_intensity", cols, out)


def _exposure_part(ctx: Context, scope: EditionScope, s: Section, facts: dict[str, Fact]) -> bool:
    """IFRS S2 ¶29(b)–(d): transition costs, physical loss and low-carbon revenue of the
    year's scenario runs [currency] per horizon year; the shares of asset value and revenue at
    sites above a hazard threshold (each pathway's latest year); the register's financial
    effects as the partial evidence without runs."""
    from lingtan.adapters.services import risk_hazards as hz

    with _session(ctx) as db:
        runs = _newest_runs(db, ctx, scope.fiscal_year)
        items = _soft(lambda: _open_items(db, ctx, _day(scope.period_end))) or []
        shares = _physical_shares(db, ctx, hz)
    rows = []
    for r in runs:
        ref = f"scenario_run:{r.run_id[:12]}"
        for y in _year_rows(r):
            lines = y["lines"]
            trans = sum(float(lines[k]["central"]) for k in TRANSITION_LINES if k in lines)
            phys = lines.get("physical", {}).get("central")
            opp = y["opportunities"]["central"]
            rows.append(
                [
                    text(r.label),
                    number(int(y["year"]), "", 0, ref=ref),
                    number(trans, r.currency, 0, ref=ref),
                    _num(phys, r.currency, 0, ref),
                    number(opp, r.currency, 0, ref=ref),
                ]
            )
    if rows:
        cols = [
            _col("scenario"),
            _col("year"),
            _col("transition_cost"),
            _col("physical_loss"),
            _col("opportunity_revenue"),
        ]
        s["tables"].append(_table("exposure", cols, rows, "disc_pil.note.exposure"))
    if shares:
        s["tables"].append(_shares_table(shares))
    if not rows and not shares:
        s["paragraphs"].append(label("disc_pil.na.exposure"))
    transition = [
        i
        for i in items
        if i["kind"] == "risk"
        and _has_effect(i)
        and i["category"] not in ("physical_acute", "physical_chronic")
    ]
    physical = [
        i
        for i in items
        if i["category"] in ("physical_acute", "physical_chronic") and _has_effect(i)
    ]
    opps = [i for i in items if i["kind"] == "opportunity" and _has_effect(i)]
    revenue = any(float(y["opportunities"]["central"]) > 0 for r in runs for y in _year_rows(r))
    facts["mt.transition_risk_exposure"] = _fact(
        status_of([bool(runs), bool(transition)]),
        "scenario_runs+risk_register",
        "disc_pil.note.exposure_partial",
    )
    facts["mt.physical_risk_exposure"] = _fact(
        status_of([bool(shares), bool(runs) or bool(physical)]),
        "hazards+scenario_runs",
        "disc_pil.note.exposure_partial",
    )
    facts["mt.opportunity_revenue"] = _fact(
        status_of([revenue, bool(opps)]),
        "scenario_runs+risk_register",
        "disc_pil.note.exposure_partial",
    )
    return bool(rows or shares)


def _physical_shares(db: Session, ctx: Context, hz: Any) -> list[tuple[str, int, Any]]:
    """(pathway, year, share) of every hazard at each pathway's latest year with indicators,
    at lingtan's default thresholds; none without exposure records."""
    if not hz.list_exposure(db, ctx):
        return []
    latest: dict[str, int] = {}
    for p, y in hz.layers(db, ctx):
        latest[p] = max(y, latest.get(p, y))
    out = []
    for p, y in latest.items():
        try:
            got = hz.shares(db, ctx, p, y)
        except SOFT:  # a layer that cannot be read: left out
            continue
        out += [(p, y, share) for share in got]
    return out


def _shares_table(shares: list[tuple[str, int, Any]]) -> Table:
    from lingtan.modules.risk.physical import HAZARDS

    rows = []
    for p, y, sh in shares:
        ref = f"hazards:{p}:{y}:{sh.hazard}"
        unit = HAZARDS[sh.hazard].unit if sh.hazard in HAZARDS else ""
        a, r = sh.assets_share, sh.revenue_share
        rows.append(
            [
                text(p),
                number(y, "", 0, ref=ref),
                _code("hazards.hazard", sh.hazard),
                number(sh.threshold, unit, 1, ref=ref),
                number(len(sh.sites_above), "", 0, ref=ref),
                _num(None if a is None else 100.0 * a, "%", 1, ref),
                _num(None if r is None else 100.0 * r, "%", 1, ref),
            ]
        )
    cols = [
        _col("pathway"),
        _col("year"),
        _col("hazard"),
        _col("threshold"),
        _col("sites_above"),
        _col("assets_share", "%"),
        _col("revenue_share", "%"),
    ]
    return _table("physical_shares", cols, rows, "disc_pil.note.thresholds")


def _suppliers_part(ctx: Context, scope: EditionScope, s: Section, facts: dict[str, Fact]) -> bool:
    """CDP 5.11 supplier engagement: the coverage by spend of every supplier property over
    all suppliers with spend in the year (services.supplier_requests; nothing recorded)."""
    from lingtan.adapters.services import supplier_requests as sr

    with _session(ctx) as db:
        view = _soft(lambda: sr.coverage_view(db, ctx, scope.fiscal_year, record=False))
    c = view.result if view is not None else None
    if view is None or c is None or c.denominator_total <= 0:
        s["paragraphs"].append(label("disc_pil.na.suppliers"))
        facts["mt.supplier_engagement"] = _fact("missing", "")
        return False
    ref = f"supplier_coverage:{c.fiscal_year}"
    rows = []
    for name, p in c.properties.items():
        rows.append(
            [
                _code("sr.prop", name),
                number(float(p.numerator), view.currency, 0, ref=ref),
                number(float(p.denominator), view.currency, 0, ref=ref),
                _num(p.pct, "%", 1, ref),
                _num(p.goal_pct, "%", 1, ref),
            ]
        )
    cols = [
        _col("property"),
        _col("numerator"),
        _col("denominator"),
        _col("share", "%"),
        _col("goal", "%"),
    ]
    s["tables"].append(_table("suppliers", cols, rows, "disc_pil.note.suppliers"))
    answered = any(p.numerator > 0 for p in c.properties.values())
    facts["mt.supplier_engagement"] = _fact(
        graded(True, answered), "supplier_coverage", "disc_pil.note.no_answers"
    )
    return True


def _inclusion_part(ctx: Context, scope: EditionScope, s: Section, facts: dict[str, Fact]) -> bool:
    """Carbon-inclusion participation over the fiscal year per programme: participants,
    accounts active, accepted events, kg CO2e reduced and avoided (apart, never summed) and
    points issued (services.inclusion_report)."""
    from lingtan.adapters.services import inclusion_report as ir

    start, end = _day(scope.period_start), _day(scope.period_end)
    with _session(ctx) as db:
        progs = _soft(lambda: ir.overview(db, ctx)) or []
        reports = []
        for p in progs:
            try:
                reports.append(ir.programme_report(db, ctx, p["code"], start, end))
            except SOFT:  # a programme that cannot be read: left out
                continue
    if not reports:
        s["paragraphs"].append(label("disc_pil.na.inclusion"))
        facts["mt.inclusion"] = _fact("missing", "")
        return False
    rows = []
    for r in reports:
        ref = f"inclusion:{r['programme']['code']}"
        accepted = sum(e["count"] for e in r["events"] if e["status"] == "accepted")
        kg = r["kg_by_counts_as"]
        rows.append(
            [
                text(r["programme"]["name"]),
                number(r["participants"], "", 0, ref=ref),
                number(r["active_accounts"], "", 0, ref=ref),
                number(accepted, "", 0, ref=ref),
                number(kg.get("reduction", 0.0) / 1000, "t CO2e", 3, ref=ref),
                number(kg.get("avoided", 0.0) / 1000, "t CO2e", 3, ref=ref),
                number(r["points_in_period"]["issued"], "", 0, ref=ref),
            ]
        )
    cols = [
        _col("programme"),
        _col("participants"),
        _col("active_accounts"),
        _col("accepted_events"),
        _col("reduced", "t CO2e"),
        _col("avoided", "t CO2e"),
        _col("points_issued"),
    ]
    s["tables"].append(_table("inclusion", cols, rows, "disc_pil.note.inclusion"))
    active = any(r["active_accounts"] > 0 for r in reports)
    facts["mt.inclusion"] = _fact(
        status_of([any(r["participants"] > 0 for r in reports), active]),
        "inclusion_report",
        "disc_pil.note.no_activity",
    )
    return True


#: the producers, by section key (for the edition's collector and the tests)
PRODUCERS: dict[str, Callable[[Context, EditionScope], Section]] = {
    "governance": governance_section,
    "strategy": strategy_section,
    "risk_management": risk_management_section,
    "metrics_targets": metrics_targets_section,
}
