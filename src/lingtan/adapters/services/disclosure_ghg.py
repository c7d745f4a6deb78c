"""The ISO 14064-1:2018 GHG report of a disclosure edition (issue 19 item 2; decision 0098): the
organisation, the inventory, the methods, the cl. 9.3.1 checklist, the verification record and
the lineage appendix, each a :class:`~lingtan.modules.disclosure.document.Section` of the
edition document.

Every producer reads the inventory snapshot the edition pins (``EditionScope.snapshot_id``):
the snapshot's stored inventory (:func:`lingtan.adapters.compute.stored_inventory.
inventory_from_snapshot`), its frozen inputs (boundary, factor sets, GWP set) and, for the
appendix, its lineage (:func:`lingtan.adapters.compute.lineage.explain_many`: the factors the
rows used). Nothing is copied from any report; every figure is computed from the snapshot.

- masses in t CO2e (biogenic CO2 in t CO2, outside the scopes: GHG Protocol Corporate Standard
  ch. 9; ISO 14064-1:2018 cl. 9.3.1 g)); Scope 2 on both bases (Scope 2 Guidance ch. 7);
  Scope 3 by category (Scope 3 Standard ch. 11), each category reported, or excluded with the
  reason of the exclusions register (relevance tests, Scope 3 Standard ch. 6), or said to be
  not reported / not calculated;
- every inventory number is a ``number`` cell whose ``explain`` is the selection
  ``lingtan explain`` traces it with (snapshot, scope, category, site, gas, basis), so that a
  verifier recomputes it from the activity rows (ISO 14064-3);
- the facts of :data:`lingtan.modules.disclosure.facts.FACTS` each section owns are stated
  complete, partial or missing from the data (a missing snapshot: every fact missing and the
  section not available).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from lingtan.adapters.services.context import Context
from lingtan.adapters.store.models import Snapshot
from lingtan.core.activities import SCOPE3_CATEGORIES
from lingtan.core.errors import LingtanError
from lingtan.core.gwp import CO2_BIOGENIC
from lingtan.core.inventory import Inventory
from lingtan.modules.disclosure.document import (
    Cell,
    Chart,
    Column,
    EditionScope,
    Fact,
    FactStatus,
    Section,
    Table,
    column,
    empty_section,
    fact,
    label,
    na,
    number,
    table,
    text,
)
from lingtan.modules.disclosure.facts import facts_of
from lingtan.modules.disclosure.iso14064 import checklist

T = "t CO2e"
#: decimals of a mass [t CO2e] as shown (1 kg); percentages
T_DIGITS = 3
PCT_DIGITS = 2
#: the gas key of figures disclosed as CO2e without a split by gas
CO2E_GAS = "CO2e"
#: Scope 3 category statuses that answer "calculated or excluded with a reason"
_S3_ANSWERED = ("reported", "excluded")


@dataclass(frozen=True)
class Pinned:
    """The snapshot an edition pins and its inventory (rebuilt from the row, no recalculation)."""

    snapshot: Snapshot
    inventory: Inventory

    @property
    def id(self) -> str:
        """The snapshot id."""
        return str(self.snapshot.id)


def _title(key: str) -> str:
    return f"disc_ghg.section.{key}"


def _col(key: str, unit: str | None = None) -> Column:
    return column(key, f"disc_ghg.col.{key}", unit)


def _table(
    key: str, columns: list[Column], rows: list[list[Cell]], note: str | None = None
) -> Table:
    return table(key, f"disc_ghg.table.{key}", columns, rows, note)


def _dash() -> Cell:
    """A cell that does not apply (the reason of a reported category, the priority of a set the
    workspace does not name)."""
    return text("—")


def _fact(status: FactStatus, source: str, note: str | None = None) -> Fact:
    return fact(status, source, None if note is None else f"disc_ghg.note.{note}")


def _section(
    key: str,
    facts: dict[str, Fact],
    *,
    paragraphs: list[Cell] | None = None,
    tables: list[Table] | None = None,
) -> Section:
    """A section of the GHG report stating ``facts`` (every fact of :func:`facts_of` ``key``
    must be among them)."""
    missing = [f for f in facts_of(key) if f not in facts]
    if missing:  # a producer states every fact of its section (FACTS)
        raise AssertionError(f"section {key}: facts not stated {missing}")
    return {
        "key": key,
        "title": _title(key),
        "pillar": None,
        "available": True,
        "paragraphs": paragraphs or [],
        "tables": tables or [],
        "charts": [],
        "narratives": [],  # the collector adds the narratives entered for the section
        "facts": {f: facts[f] for f in facts_of(key)},
    }


def _not_available(key: str) -> Section:
    return empty_section(key, _title(key), None, facts_of(key))


def _pinned(ctx: Context, snapshot_id: str | None) -> Pinned | None:
    """The snapshot ``snapshot_id`` of the organisation and its inventory (None: no id, or the
    snapshot is gone)."""
    from lingtan.adapters.compute.stored_inventory import inventory_from_snapshot

    if not snapshot_id:
        return None
    ws = ctx.workspace()
    try:
        snap = ws.snapshot(snapshot_id)
    except LingtanError:
        return None
    return Pinned(snap, inventory_from_snapshot(snap, ws.snapshots_dir))


def _x(p: Pinned, **sel: str | int) -> dict[str, str | int]:
    """The ``lingtan explain`` selection of a figure of the pinned snapshot."""
    return {"snapshot": p.id, **sel}


def _t(value: float, p: Pinned, **sel: str | int) -> Cell:
    """A mass [t CO2e] with its explain selection."""
    return number(value, T, T_DIGITS, explain=_x(p, **sel))


def _item_table(key: str, rows: list[tuple[str, Cell]]) -> Table:
    """A two-column table: lingtan's label of the item, its value."""
    return _table(
        key,
        [_col("item"), _col("value")],
        [[label(f"disc_ghg.item.{k}"), v] for k, v in rows],
    )


# ---- organisation (ISO 14064-1 cl. 9.3.1 a)–e); GHG Protocol ch. 3–4) -----------------------


def _responsible(ctx: Context) -> tuple[str | None, str]:
    """The holder (or title) of the first governance role with climate responsibility, and the
    source: the risk issue's governance records (IFRS S2 ¶6(b))."""
    from lingtan.adapters.services.risk_governance import list_roles
    from lingtan.adapters.store.scoping import tenant_session

    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        for role in list_roles(db, ctx):
            if role.climate_responsible:
                who = f"{role.holder} ({role.title})" if role.holder else role.title
                return who, f"governance_role:{role.id}"
    return None, "not_available"


def organisation_section(ctx: Context, scope: EditionScope) -> Section:
    """The organisation, the person responsible, the period, the organisational boundary (the
    consolidation approach, entities and sites the pinned snapshot was calculated with; GHG
    Protocol Corporate Standard ch. 3; ISO 14064-1 cl. 5.1) and the reporting boundary (Scope 3
    categories reported or excluded under the relevance tests of the Scope 3 Standard ch. 6)."""
    from lingtan.adapters.compute.lineage import snapshot_config

    ctx.require("read")
    p = _pinned(ctx, scope.snapshot_id)
    cfg = snapshot_config(p.snapshot) if p is not None else ctx.workspace().config
    source = f"snapshot:{p.id}" if p is not None else "lingtan.yaml"
    who, who_source = _responsible(ctx)
    identity: list[tuple[str, Cell]] = [
        ("organisation", text(scope.organisation_name)),
        ("fiscal_year", text(scope.fiscal_year)),
        ("period_start", {"kind": "date", "v": scope.period_start}),
        ("period_end", {"kind": "date", "v": scope.period_end}),
        ("consolidation", label(f"disc_ghg.consolidation.{cfg.consolidation.value}")),
        ("responsible", text(who) if who else na("disc_ghg.note.no_responsible")),
    ]
    b = cfg.boundary
    entities = [
        [text(e.id), text(e.name),
         number(e.ownership_pct, "%", PCT_DIGITS, ref=f"boundary:entity:{e.id}"),
         label("disc_ghg.yes" if e.operational_control else "disc_ghg.no"),
         label("disc_ghg.yes" if e.financial_control else "disc_ghg.no"),
         number(100.0 * b.entity_share(e.id), "%", PCT_DIGITS, ref=f"boundary:share:{e.id}"),
         text(e.country) if e.country else na()]
        for e in b.entities
    ]  # fmt: skip
    sites = [[text(s.id), text(s.name), text(s.entity_id), text(s.region), text(s.kind)]
             for s in b.sites]  # fmt: skip
    tables = [
        _item_table("organisation", identity),
        _table(
            "entities",
            [
                _col("entity"),
                _col("name"),
                _col("ownership", "%"),
                _col("operational_control"),
                _col("financial_control"),
                _col("share", "%"),
                _col("country"),
            ],
            entities,
        ),
        _table(
            "sites",
            [_col("site"), _col("name"), _col("entity"), _col("region"), _col("kind")],
            sites,
        ),
    ]
    paragraphs = [label("disc_ghg.para.boundary", entities=len(b.entities), sites=len(b.sites))]
    facts: dict[str, Fact] = {
        "org.identity": _fact("complete", source),
        "org.responsible": _fact("complete", who_source) if who
        else _fact("missing", "not_available", "no_responsible"),
        "org.boundary": _fact("complete", source) if b.entities and b.sites
        else _fact("partial", source, "boundary_empty"),
    }  # fmt: skip
    if p is None:
        facts["org.reporting_boundary"] = _fact("missing", "not_available", "no_snapshot")
    else:
        s3 = p.inventory.completeness.scope3
        answered = sum(1 for v in s3.values() if v in _S3_ANSWERED)
        status: FactStatus = "complete" if answered == len(s3) else "partial"
        facts["org.reporting_boundary"] = _fact(
            status, source, None if status == "complete" else "categories_open"
        )
        paragraphs.append(label("disc_ghg.para.reporting_boundary", answered=answered,
                                total=len(s3)))  # fmt: skip
    return _section("organisation", facts, paragraphs=paragraphs, tables=tables)


# ---- the inventory (ISO 14064-1 cl. 9.3.1 f)–l); IFRS S2 29(a)) ------------------------------


def _scope_fact(p: Pinned, scope: int, basis: str = "market") -> Fact:
    """Complete when the scope has rows on ``basis`` and none of its activity rows failed;
    partial when some failed; missing without rows."""
    inv = p.inventory
    rows = [r for r in inv.rows if r.scope == scope and r.basis in ("both", basis)]
    failed = sum(g.rows for g in inv.completeness.counted() if g.scope == scope)
    src = f"snapshot:{p.id}"
    if not rows:
        return _fact("partial" if failed else "missing", src if failed else "not_available",
                     "scope_failed" if failed else "scope_empty")  # fmt: skip
    return _fact("partial", src, "scope_failed") if failed else _fact("complete", src)


def _totals_table(p: Pinned) -> Table:
    inv = p.inventory
    t = inv.totals()
    rows: list[tuple[str, Cell]] = [
        ("scope1", _t(inv.total("market", scope=1), p, scope=1)),
        ("scope2_location", _t(inv.total("location", scope=2), p, scope=2, basis="location")
         if t["scope2_location"] is not None else na("disc_ghg.note.no_location")),
        ("scope2_market", _t(inv.total("market", scope=2), p, scope=2, basis="market")),
        ("scope3", _t(inv.total("market", scope=3), p, scope=3)),
        ("total_location", _t(inv.total("location"), p, basis="location")
         if t["total_location"] is not None else na("disc_ghg.note.no_location")),
        ("total_market", _t(inv.total("market"), p, basis="market")),
        ("biogenic", number(inv.biogenic_co2(), "t CO2", T_DIGITS,
                            explain=_x(p, gas=CO2_BIOGENIC))),
    ]  # fmt: skip
    return _item_table("totals", rows)


def _scope3_table(p: Pinned) -> Table:
    """Scope 3 by category: the figure (with its explain) or why there is none."""
    inv = p.inventory
    c = inv.completeness
    reasons = {e.category: e for e in c.exclusions}
    reported = inv.by("category", scope=3)
    rows: list[list[Cell]] = []
    for cat in SCOPE3_CATEGORIES:
        status = c.scope3.get(str(cat), "not_reported")
        value: Cell = (
            _t(reported.get(cat, 0.0), p, scope=3, category=cat)
            if cat in reported
            else na(f"disc_ghg.s3status.{status}")
        )
        e = reasons.get(cat)
        why: Cell = label(f"disc_ghg.reason.{e.reason}") if e is not None else _dash()
        rows.append([number(cat, "", 0, ref=f"scope3:{cat}"), label(f"disc_ghg.s3cat.{cat}"),
                     label(f"disc_ghg.s3status.{status}"), value, why,
                     text(e.note) if e is not None and e.note else _dash()])  # fmt: skip
    return _table("scope3_categories", [_col("category"), _col("name"), _col("status"),
                                        _col("emissions", T), _col("reason"), _col("note")],
                  rows)  # fmt: skip


def _gas_table(p: Pinned) -> tuple[Table, bool]:
    """Emissions by gas per scope (market basis; the rows' gas keys: a blend or a refrigerant
    under its own name) and in total, biogenic CO2 apart; True when some figure is CO2e only
    (disclosed without a split by gas)."""
    inv = p.inventory
    gases = sorted(inv.by("gas"))
    rows: list[list[Cell]] = []
    for g in gases:
        cells: list[Cell] = [text(g)]
        for s in (1, 2, 3):
            v = inv.total("market", scope=s, gas=g)
            has = any(r.scope == s and r.gas == g for r in inv.rows)
            cells.append(_t(v, p, scope=s, gas=g) if has else na())
        cells.append(_t(inv.total("market", gas=g), p, gas=g))
        rows.append(cells)
    cols = [_col("gas"), _col("scope1", T), _col("scope2_market", T), _col("scope3", T),
            _col("total", T)]  # fmt: skip
    return _table("by_gas", cols, rows, note="disc_ghg.note.biogenic_apart"), CO2E_GAS in gases


def _site_table(p: Pinned) -> tuple[Table, float, float]:
    """Emissions by site (market basis) with the entity and the consolidation share; the sums of
    the consolidated group (share 100 %) and of other investees (share below 100 %)."""
    from lingtan.adapters.compute.lineage import snapshot_config

    inv = p.inventory
    boundary = snapshot_config(p.snapshot).boundary
    shares = boundary.site_shares()
    rows: list[list[Cell]] = []
    group = other = 0.0
    for site, v in inv.by("site").items():
        entity = inv.site_entities.get(site, "*")
        share = shares.get(site, 1.0)
        if share >= 1.0:
            group += v
        else:
            other += v
        rows.append([text(site), text(entity),
                     number(100.0 * share, "%", PCT_DIGITS, ref=f"boundary:site:{site}"),
                     _t(v, p, site=site)])  # fmt: skip
    cols = [_col("site"), _col("entity"), _col("share", "%"), _col("emissions", T)]
    return _table("by_site", cols, rows), group, other


def _instruments_table(p: Pinned) -> Table | None:
    """Contractual instruments and the Scope 2 hierarchy per site (Scope 2 Guidance ch. 6)."""
    notes = [n for n in p.inventory.market_notes if "site" in n]
    if not notes:
        return None
    rows = [
        [text(str(n["site"])),
         number(float(n.get("consumption_kwh") or 0.0), "kWh", 0, ref=f"market:{n['site']}"),
         number(float(n.get("covered_kwh") or 0.0), "kWh", 0, ref=f"market:{n['site']}"),
         number(float(n.get("covered_pct") or 0.0), "%", PCT_DIGITS, ref=f"market:{n['site']}"),
         label("disc_ghg.yes" if n.get("grid_average_used") else "disc_ghg.no"),
         text(str(n.get("method") or ""))]
        for n in notes
    ]  # fmt: skip
    cols = [_col("site"), _col("consumption", "kWh"), _col("covered", "kWh"),
            _col("covered_share", "%"), _col("grid_average"), _col("method")]  # fmt: skip
    return _table("instruments", cols, rows)


def _gross_profit(ctx: Context, p: Pinned) -> tuple[float, str] | None:
    """Gross profit of the fiscal year [its unit] (``financials.csv`` or the targets' series)."""
    from lingtan.adapters.services.intensity_denominators import denominators

    ws = ctx.workspace()
    try:
        series = denominators(ctx, ws.config.calendar, ["gross_profit"]).get("gross_profit")
        start = ws.config.period(p.inventory.fiscal_year).start.year
    except (LingtanError, ValueError):
        return None
    if series is None or start not in series.values:
        return None
    return float(series.values[start]), series.unit


def _base_year(ctx: Context, scope: EditionScope) -> tuple[list[Table], Fact, Fact, list[Cell]]:
    """The base year's totals (explained in its snapshot), its adopted versions and recorded
    changes; the facts ``ghg.base_year`` and ``ghg.recalculation`` (GHG Protocol ch. 5; ISO
    14064-1 cl. 6.4.1, 9.3.1 k)–l))."""
    from lingtan.adapters.services.baseyear import list_changes, list_versions

    tables: list[Table] = []
    paragraphs: list[Cell] = []
    if not scope.base_year:
        missing = _fact("missing", "not_available", "no_base_year")
        return tables, missing, missing, paragraphs
    base = _pinned(ctx, scope.base_year_snapshot_id)
    if base is None:
        base_fact = _fact("partial", "lingtan.yaml", "base_year_not_calculated")
    else:
        inv = base.inventory
        tables.append(_item_table("base_year", [
            ("fiscal_year", text(scope.base_year)),
            ("scope1", _t(inv.total("market", scope=1), base, scope=1)),
            ("scope2_market", _t(inv.total("market", scope=2), base, scope=2, basis="market")),
            ("scope3", _t(inv.total("market", scope=3), base, scope=3)),
            ("total_market", _t(inv.total("market"), base, basis="market")),
        ]))  # fmt: skip
        base_fact = _fact("complete", f"snapshot:{base.id}")
    versions = list_versions(ctx)
    changes = list_changes(ctx)
    raw = ctx.workspace().config.raw.get("base_year_threshold_pct", 5.0)
    threshold = float(raw) if isinstance(raw, int | float) else 5.0
    paragraphs.append(label("disc_ghg.para.recalculation_policy", threshold=threshold))
    if versions:
        tables.append(_table("base_year_versions", [
            _col("fiscal_year"), _col("version"), _col("total", T), _col("change", "%"),
            _col("threshold", "%"), _col("reason")],
            [[text(v.fiscal_year), number(v.version, "", 0, ref=f"base_year_version:{v.id}"),
              number(v.total_t, T, T_DIGITS, explain={"snapshot": v.snapshot_id}),
              number(v.change_pct, "%", PCT_DIGITS, ref=f"base_year_version:{v.id}"),
              number(v.threshold_pct, "%", PCT_DIGITS, ref=f"base_year_version:{v.id}"),
              text(v.reason)] for v in versions]))  # fmt: skip
    if changes:
        tables.append(_table("base_year_changes", [
            _col("date"), _col("kind"), _col("description"), _col("effect", T),
            _col("version")],
            [[{"kind": "date", "v": c.effective.isoformat()}, text(c.kind), text(c.description),
              number(c.base_year_effect_t, T, T_DIGITS, ref=f"change:{c.id}")
              if c.base_year_effect_t is not None else na(),
              number(c.applied_in_version, "", 0, ref=f"change:{c.id}")
              if c.applied_in_version is not None else na("disc_ghg.note.not_applied")]
             for c in changes]))  # fmt: skip
    recalc = (
        _fact("complete", "base_year_versions")
        if versions
        else _fact("partial", "lingtan.yaml", "no_base_year_version")
    )
    return tables, base_fact, recalc, paragraphs


def _trend(ctx: Context, scope: EditionScope, p: Pinned) -> tuple[Table, Chart]:
    """Scope 1, 2 (market-based) and 3 [t CO2e] of the base year, the previous year and this
    year (each explained in its own snapshot; a year without a snapshot left out), as a table
    and the stacked bar chart drawing it."""
    years: list[tuple[str, Pinned]] = []
    for fy, sid in ((scope.base_year, scope.base_year_snapshot_id),
                    (None, scope.previous_snapshot_id)):  # fmt: skip
        got = _pinned(ctx, sid) if sid and sid != p.id else None
        if got is not None and all(got.id != y[1].id for y in years):
            years.append((fy or got.inventory.fiscal_year, got))
    years.append((scope.fiscal_year, p))
    years.sort(key=lambda y: y[1].inventory.period_start)
    keys = (("scope1", {"scope": 1}), ("scope2_market", {"scope": 2, "basis": "market"}),
            ("scope3", {"scope": 3}))  # fmt: skip
    rows: list[list[Cell]] = []
    for fy, q in years:
        cells: list[Cell] = [text(fy)]
        for _, sel in keys:
            where = {k: v for k, v in sel.items() if k != "basis"}
            cells.append(_t(q.inventory.total("market", **where), q, **sel))
        cells.append(_t(q.inventory.total("market"), q, basis="market"))
        rows.append(cells)
    table = _table("trend", [_col("fiscal_year"), _col("scope1", T), _col("scope2_market", T),
                             _col("scope3", T), _col("total", T)], rows)  # fmt: skip
    chart: Chart = {
        "key": "trend_chart",
        "title": "disc_ghg.table.trend",
        "kind": "stacked_bar",
        "x": [fy for fy, _ in years],
        "series": [
            {
                "label": label(f"disc_ghg.item.{key}"),
                "values": [float(r[i + 1]["v"] or 0.0) for r in rows],
            }
            for i, (key, _) in enumerate(keys)
        ],
        "unit": T,
        "table": "trend",
    }
    return table, chart


def ghg_inventory_section(ctx: Context, scope: EditionScope) -> Section:
    """The inventory of the pinned snapshot (ISO 14064-1:2018 cl. 9.3.1 f)–l); IFRS S2 29(a)
    (i), (iv)–(vi)): totals by scope with Scope 2 on both bases, Scope 3 by category (reported,
    or excluded with the register's reason, or open), by gas, biogenic CO2 apart [t CO2], by
    site with the consolidation share, contractual instruments, intensity (Scope 1 + 2
    market-based per gross profit), the base year and its recalculations, and completeness
    (the activity rows not calculated, counted). Masses in t CO2e."""
    ctx.require("read")
    p = _pinned(ctx, scope.snapshot_id)
    if p is None:
        return _not_available("ghg_inventory")
    inv = p.inventory
    src = f"snapshot:{p.id}"
    c = inv.completeness
    tables: list[Table] = [_totals_table(p), _scope3_table(p)]
    gas, co2e_only = _gas_table(p)
    tables.append(gas)
    sites, group, other = _site_table(p)
    tables.append(sites)
    tables.append(_item_table("consolidated_split", [
        ("consolidated_group", number(group, T, T_DIGITS, ref=f"{src}:consolidated")),
        ("other_investees", number(other, T, T_DIGITS, ref=f"{src}:investees")),
    ]))  # fmt: skip
    instruments = _instruments_table(p)
    if instruments is not None:
        tables.append(instruments)
    paragraphs: list[Cell] = []
    facts: dict[str, Fact] = {
        "ghg.scope1": _scope_fact(p, 1),
        "ghg.scope2_market": _scope_fact(p, 2),
        "ghg.scope3": _scope_fact(p, 3),
        "ghg.biogenic": _fact("complete", src),
        "ghg.removals": _fact("missing", "not_available", "removals_not_quantified"),
        "ghg.consolidated_split": _fact("complete", src),
        "ghg.by_gas": _fact("partial", src, "co2e_only") if co2e_only
        else _fact("complete", src),
    }  # fmt: skip
    s2_rows = any(r.scope == 2 for r in inv.rows)
    facts["ghg.scope2_location"] = (
        _scope_fact(p, 2, "location")
        if inv.has_location_basis
        else _fact("missing", "not_available", "no_location")
    )
    facts["ghg.contractual_instruments"] = (
        _fact("complete", src) if s2_rows else _fact("missing", "not_available", "scope_empty")
    )
    answered = sum(1 for v in c.scope3.values() if v in _S3_ANSWERED)
    facts["ghg.scope3_categories"] = (
        _fact("complete", src) if answered == len(c.scope3)
        else _fact("partial" if answered else "missing", src, "categories_open")
    )  # fmt: skip
    paragraphs.append(label("disc_ghg.para.scope3_answered", answered=answered,
                            total=len(c.scope3)))  # fmt: skip
    # intensity: Scope 1 + 2 (market-based) per gross profit (HKEX Part C A1.2)
    gp = _gross_profit(ctx, p)
    s12 = inv.total("market", scope=1) + inv.total("market", scope=2)
    if gp is not None:
        value, unit = gp
        tables.append(_item_table("intensity", [
            ("scope12_market", number(s12, T, T_DIGITS, ref=f"{src}:scope1+scope2_market")),
            ("gross_profit", number(value, unit, 2, ref="series:gross_profit")),
            ("intensity", number(s12 / value, f"{T}/{unit}", 4, ref="series:gross_profit")),
        ]))  # fmt: skip
        facts["ghg.intensity"] = _fact("complete", f"{src}+series:gross_profit")
    else:
        facts["ghg.intensity"] = _fact("missing", "not_available", "no_denominator")
    base_tables, facts["ghg.base_year"], facts["ghg.recalculation"], base_par = _base_year(
        ctx, scope
    )
    tables.extend(base_tables)
    paragraphs.extend(base_par)
    # completeness: the activity rows not calculated, said with their count
    counted = c.counted()
    if counted:
        facts["ghg.completeness"] = _fact("partial", src, "rows_not_calculated")
        paragraphs.append(label("disc_ghg.para.not_calculated", rows=c.rows_not_calculated,
                                groups=len(counted)))  # fmt: skip
        tables.append(_table("not_calculated", [
            _col("scope"), _col("category"), _col("activity_type"), _col("region"),
            _col("rows"), _col("quantity"), _col("unit"), _col("cause")],
            [[number(g.scope, "", 0, ref=f"{src}:gap"), number(g.category, "", 0,
                                                               ref=f"{src}:gap"),
              text(g.activity_type), text(g.region or "—"),
              number(g.rows, "", 0, ref=f"{src}:gap"),
              number(g.quantity, g.unit, 3, ref=f"{src}:gap"), text(g.unit),
              label(f"disc_ghg.cause.{g.cause}")] for g in counted]))  # fmt: skip
    else:
        facts["ghg.completeness"] = _fact("complete", src)
        paragraphs.append(label("disc_ghg.para.all_calculated"))
    paragraphs.append(label("disc_ghg.para.biogenic", value=round(inv.biogenic_co2(), T_DIGITS)))
    trend, chart = _trend(ctx, scope, p)
    tables.append(trend)
    section = _section("ghg_inventory", facts, paragraphs=paragraphs, tables=tables)
    section["charts"] = [chart]
    return section


# ---- methods (ISO 14064-1 cl. 9.3.1 i), m)–q), t); IFRS S2 29(a)(iii)) ------------------------


def _method_rows(p: Pinned) -> list[tuple[str, int | None, str | None]]:
    """The methods of the snapshot's rows and of its Scope 2 market-based allocation, each with
    the registry's version in force on the calculation date and its standard (None: not in the
    registry)."""
    from lingtan.core.methods.registry import method as registered

    on = p.snapshot.created_at.date() if p.snapshot.created_at else date.today()
    versions: dict[str, int | None] = {}
    for note in p.inventory.market_notes:  # "s2.market.hierarchy v2": the version it used
        mid, _, ver = str(note.get("method") or "").partition(" v")
        if mid and ver.isdigit():
            versions[mid] = int(ver)
    out: list[tuple[str, int | None, str | None]] = []
    for mid in sorted({str(r.method) for r in p.inventory.rows} | set(versions)):
        try:
            got = versions.get(mid)
            m = registered(mid, version=got) if got is not None else registered(mid, on)
            out.append((mid, m.version, m.standard))
        except LingtanError:
            out.append((mid, versions.get(mid), None))
    return out


def _methods_table(p: Pinned) -> tuple[Table, bool]:
    rows = [[text(mid),
             number(v, "", 0, ref=f"method:{mid}") if v is not None else na(),
             text(std) if std else na("disc_ghg.note.method_unregistered")]
            for mid, v, std in _method_rows(p)]  # fmt: skip
    known = all(r[2]["kind"] == "text" for r in rows)
    return _table("methods", [_col("method"), _col("version"), _col("standard")], rows), known


def _gwp_source(ctx: Context, p: Pinned) -> str:
    """The source of the snapshot's frozen GWP values (``gwp.json``), "" when unknown."""
    from lingtan.adapters.store.snapshots import SNAPSHOT_GWP

    path = ctx.workspace().snapshots_dir / p.id / SNAPSHOT_GWP
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("source") or "")
    except (OSError, ValueError):
        return ""


def _changes(ctx: Context, p: Pinned, previous_id: str | None) -> tuple[list[Table], Fact]:
    """Changes against the previous fiscal year's snapshot: the totals of both (each explained
    in its own snapshot) and the inputs that changed (methods, factor sets, GWP set, boundary,
    engine version)."""
    prev = _pinned(ctx, previous_id)
    if prev is None:
        return [], _fact("missing", "not_available", "no_previous")
    rows: list[list[Cell]] = []
    for key, sel in (
        ("scope1", {"scope": 1}),
        ("scope2_market", {"scope": 2, "basis": "market"}),
        ("scope3", {"scope": 3}),
        ("total_market", {"basis": "market"}),
    ):
        where = {k: v for k, v in sel.items() if k != "basis"}
        a = prev.inventory.total("market", **where)
        b = p.inventory.total("market", **where)
        rows.append([label(f"disc_ghg.item.{key}"), _t(a, prev, **sel), _t(b, p, **sel),
                     number(b - a, T, T_DIGITS, ref=f"diff:{prev.id}:{p.id}"),
                     number(100.0 * (b - a) / a, "%", PCT_DIGITS, ref=f"diff:{prev.id}:{p.id}")
                     if a else na()])  # fmt: skip
    totals = _table("changes", [_col("item"), _col("previous", T), _col("current", T),
                                _col("change", T), _col("change_pct", "%")], rows)  # fmt: skip
    a_in, b_in = dict(prev.snapshot.inputs), dict(p.snapshot.inputs)
    a_m = {m for m, _, _ in _method_rows(prev)}
    b_m = {m for m, _, _ in _method_rows(p)}
    inputs: list[list[Cell]] = []
    for key, changed in (
        ("methods", a_m != b_m),
        ("factor_sets", a_in.get("factor_sets") != b_in.get("factor_sets")),
        ("gwp_set", a_in.get("gwp_set") != b_in.get("gwp_set")),
        ("boundary", a_in.get("boundary") != b_in.get("boundary")
         or a_in.get("consolidation") != b_in.get("consolidation")),
        ("engine_version", a_in.get("engine_version") != b_in.get("engine_version")),
    ):  # fmt: skip
        inputs.append([label(f"disc_ghg.item.{key}"),
                       label("disc_ghg.changed" if changed else "disc_ghg.unchanged")])  # fmt: skip
    for mid in sorted(b_m - a_m):
        inputs.append([label("disc_ghg.item.method_added"), text(mid)])
    for mid in sorted(a_m - b_m):
        inputs.append([label("disc_ghg.item.method_removed"), text(mid)])
    what = _table("input_changes", [_col("item"), _col("value")], inputs)
    return [totals, what], _fact("complete", f"snapshot:{prev.id}")


def ghg_methods_section(ctx: Context, scope: EditionScope) -> Section:
    """How the pinned inventory was quantified (ISO 14064-1:2018 cl. 9.3.1 i), m)–q), t); IFRS
    S2 29(a)(iii)): every method with its version and standard (the method registry), the factor
    sets in priority order with the hash of each, the GWP set and its source, the uncertainty
    (Monte Carlo 95 % interval [t CO2e]), data quality (Pedigree 1–5 scores, Scope 3 Standard
    Table 7.6), the Scope 3 exclusions register, and the changes against the previous year."""
    ctx.require("read")
    p = _pinned(ctx, scope.snapshot_id)
    if p is None:
        return _not_available("ghg_methods")
    inv = p.inventory
    src = f"snapshot:{p.id}"
    inputs: dict[str, Any] = dict(p.snapshot.inputs)
    tables: list[Table] = []
    paragraphs: list[Cell] = []
    facts: dict[str, Fact] = {}
    methods, known = _methods_table(p)
    tables.append(methods)
    facts["ghg.methods"] = (
        _fact("complete", src) if known and methods["rows"]
        else _fact("partial" if methods["rows"] else "missing", src, "method_unregistered")
    )  # fmt: skip
    priority = [str(s) for s in inputs.get("factor_set_priority") or []]
    hashes = dict(inputs.get("factor_sets") or {})
    names = priority + sorted(set(hashes) - set(priority))
    tables.append(_table("factor_sets", [_col("factor_set"), _col("priority"), _col("sha256")], [
        [text(n), number(i + 1, "", 0, ref=f"{src}:factor_sets") if n in priority else _dash(),
         text(str(hashes[n])) if n in hashes else na("disc_ghg.note.set_unused")]
        for i, n in enumerate(names)]))  # fmt: skip
    no_factor = sum(g.rows for g in inv.completeness.counted() if g.cause == "no_factor")
    facts["ghg.factors"] = (
        _fact("partial", src, "rows_without_factor") if no_factor
        else _fact("complete", src) if inv.rows
        else _fact("missing", "not_available", "scope_empty")
    )  # fmt: skip
    source = _gwp_source(ctx, p)
    paragraphs.append(label("disc_ghg.para.gwp", gwp_set=inv.gwp_set, source=source or "—"))
    facts["ghg.gwp"] = _fact("complete", src) if source else _fact("partial", src, "gwp_source")
    u = inv.uncertainty
    ci = (u or {}).get("ci95_tco2e") or {}
    if u and any(v for v in ci.values()):
        rows: list[list[Cell]] = []
        for key in ("scope1", "scope2_location", "scope2_market", "scope3", "total_market"):
            band = ci.get(key)
            if not band:
                continue
            ref = f"{src}:uncertainty:{key}"
            rows.append([label(f"disc_ghg.item.{key}"),
                         number(float(band[0]), T, T_DIGITS, ref=ref),
                         number(float(band[1]), T, T_DIGITS, ref=ref)])  # fmt: skip
        tables.append(_table("uncertainty", [_col("item"), _col("low", T), _col("high", T)],
                             rows))  # fmt: skip
        paragraphs.append(label("disc_ghg.para.uncertainty", iterations=int(u["iterations"]),
                                seed=str(u["seed"])))  # fmt: skip
        facts["ghg.uncertainty"] = _fact("complete", src)
    else:
        facts["ghg.uncertainty"] = _fact("missing", "not_available", "no_uncertainty")
    dq = inv.data_quality
    if dq and dq.get("by_scope"):
        dq_rows = [[label(f"disc_ghg.item.scope{s}"),
                    number(float(v["score"]), "", 2, ref=f"{src}:data_quality:{s}")
                    if v.get("score") is not None else na()]
                   for s, v in sorted(dq["by_scope"].items())]  # fmt: skip
        tables.append(_table("data_quality", [_col("item"), _col("score")], dq_rows,
                             note="disc_ghg.note.pedigree"))  # fmt: skip
        facts["ghg.data_quality"] = _fact("complete", src)
    else:
        facts["ghg.data_quality"] = _fact("missing", "not_available", "no_data_quality")
    c = inv.completeness
    tables.append(_table("exclusions", [_col("category"), _col("name"), _col("reason"),
                                        _col("note")],
                         [[number(e.category, "", 0, ref=f"{src}:exclusions"),
                           label(f"disc_ghg.s3cat.{e.category}"),
                           label(f"disc_ghg.reason.{e.reason}"),
                           text(e.note) if e.note else na()] for e in c.exclusions]))  # fmt: skip
    open_ = [k for k, v in c.scope3.items() if v not in _S3_ANSWERED]
    facts["ghg.exclusions"] = (
        _fact("complete", src) if not open_
        else _fact("partial" if c.exclusions else "missing", src, "categories_open")
    )  # fmt: skip
    change_tables, facts["ghg.changes"] = _changes(ctx, p, scope.previous_snapshot_id)
    tables.extend(change_tables)
    paragraphs.append(label("disc_ghg.para.engine", engine=str(inputs.get("engine_version", "")),
                            lingtan=str(inputs.get("lingtan_version", ""))))  # fmt: skip
    return _section("ghg_methods", facts, paragraphs=paragraphs, tables=tables)


# ---- the lineage appendix ----------------------------------------------------------------------


def _factors_used(ctx: Context, p: Pinned) -> list[dict[str, Any]] | None:
    """Every frozen factor the snapshot's rows used (both Scope 2 bases and biogenic CO2),
    recomputed from its frozen inputs (:func:`lingtan.adapters.compute.lineage.explain_many`);
    None when the snapshot's files are missing."""
    from lingtan.adapters.compute.lineage import Selection, explain_many
    from lingtan.adapters.compute.tables import builtin_factors

    sels = [Selection(basis="market"), Selection(basis="location"),
            Selection(gas=CO2_BIOGENIC, basis="market"),
            Selection(gas=CO2_BIOGENIC, basis="location")]  # fmt: skip
    try:
        found = explain_many(ctx.workspace(), p.snapshot, sels)
    except LingtanError:
        return None
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    used: set[str] = set()
    gases: set[str] = set()
    for ex in found:
        for f in ex.factors:
            out.setdefault((str(f["set"]), str(f["factor_id"]), str(f["version"])), f)
        used |= {str(v) for v in ex.rows.column("factor_id").to_pylist() if v}
        gases |= {str(v) for v in ex.rows.column("gas").to_pylist() if v}
    listed = {k[1] for k in out}
    for b in builtin_factors(gases):  # identity factors (disclosed CO2e, gases as reported)
        if b.factor_id in used and b.factor_id not in listed:
            out[(b.set_name, b.factor_id, str(b.version))] = {
                "factor_id": b.factor_id, "set": b.set_name, "version": b.version,
                "activity_type": b.activity_type, "region": b.region, "gas": b.gas,
                "value": b.value, "unit": f"kg/{b.unit}", "valid_from": str(b.valid_from),
                "source": str(b.source),
            }  # fmt: skip
    return [out[k] for k in sorted(out)]


def lineage_appendix_section(ctx: Context, scope: EditionScope) -> Section:
    """The appendix generated from the pinned snapshot's lineage: every factor its rows used
    (id, set, version, activity type, region, gas, value [kg gas per unit], validity, source),
    every method with its version and standard (the method registry), and the versions of the
    software that calculated it (ISO 14064-1:2018 cl. 9.3.1 m), o); ISO 14064-3 verification:
    each figure recomputable with ``lingtan explain``)."""
    ctx.require("read")
    p = _pinned(ctx, scope.snapshot_id)
    if p is None:
        return _not_available("lineage_appendix")
    paragraphs: list[Cell] = [label("disc_ghg.para.lineage", snapshot=p.id)]
    tables: list[Table] = []
    used = _factors_used(ctx, p)
    if used is None:
        paragraphs.append(label("disc_ghg.para.lineage_missing"))
    else:
        tables.append(_table("factors", [
            _col("factor_id"), _col("factor_set"), _col("version"), _col("activity_type"),
            _col("region"), _col("gas"), _col("factor_value"), _col("factor_unit"),
            _col("valid_from"), _col("source")],
            [[text(str(f["factor_id"])), text(str(f["set"])), text(str(f["version"] or "—")),
              text(str(f["activity_type"])), text(str(f["region"] or "—")), text(str(f["gas"])),
              number(float(f["value"]), str(f["unit"]), 6, ref=f"factor:{f['factor_id']}"),
              text(str(f["unit"])), text(str(f["valid_from"])), text(str(f["source"]))]
             for f in used]))  # fmt: skip
        paragraphs.append(label("disc_ghg.para.factors_used", count=len(used)))
    tables.append(_methods_table(p)[0])
    inputs: dict[str, Any] = dict(p.snapshot.inputs)
    runtime: dict[str, Any] = dict(inputs.get("runtime") or {})
    versions = [("engine_version", str(inputs.get("engine_version", "")))] + [
        (k, str(v)) for k, v in sorted(runtime.items())
    ]
    tables.append(_table("software", [_col("item"), _col("value")],
                         [[text(k), text(v)] for k, v in versions]))  # fmt: skip
    return {
        "key": "lineage_appendix",
        "title": _title("lineage_appendix"),
        "pillar": None,
        "available": True,
        "paragraphs": paragraphs,
        "tables": tables,
        "charts": [],
        "narratives": [],
        "facts": {},
    }


# ---- the ISO 14064-1 cl. 9.3.1 checklist -------------------------------------------------------


def iso14064_checklist_section(sections: list[Section]) -> Section:
    """ISO 14064-1:2018 cl. 9.3.1 items a)–t) by reference with lingtan's own short labels, each
    with its status computed from the facts the other ``sections`` state
    (:func:`lingtan.modules.disclosure.iso14064.checklist`); the standard's text is not
    reproduced."""
    stated: dict[str, Fact] = {}
    for s in sections:
        stated.update(s["facts"])
    rows: list[list[Cell]] = []
    counts = {"complete": 0, "partial": 0, "missing": 0}
    for item, status in checklist(sections):
        counts[status] += 1
        sources = sorted({stated[f]["source"] for f in item.facts if f in stated})
        rows.append([text(f"ISO 14064-1:2018 {item.ref}"), label(item.label),
                     label(f"disc_ghg.status.{status}"),
                     text(", ".join(sources)) if sources else na()])  # fmt: skip
    cols = [_col("ref"), _col("requirement"), _col("status"), _col("sources")]
    table = _table("checklist", cols, rows, note="disc_ghg.note.checklist")
    return {
        "key": "iso14064_checklist",
        "title": _title("iso14064_checklist"),
        "pillar": None,
        "available": True,
        "paragraphs": [label("disc_ghg.para.checklist", **counts)],
        "tables": [table],
        "charts": [],
        "narratives": [],
        "facts": {f: _fact("complete", "iso14064") for f in facts_of("iso14064_checklist")},
    }


# ---- the verification record -----------------------------------------------------------------


def verification_section(ctx: Context, scope: EditionScope) -> Section:
    """The verification record of the edition's fiscal year and snapshot (ISO 14064-1:2018 cl.
    9.3.1 s); ISO 14064-3:2019 / ISAE 3410; CDP 7.9): verifier, standard, level of assurance,
    materiality [%], coverage, opinion, statement date, file (SHA-256) and URL, findings and
    their closure. Not available when none is recorded."""
    from lingtan.adapters.services.disclosure_verification import record_for

    ctx.require("read")
    rec = record_for(ctx, scope.fiscal_year, scope.snapshot_id)
    if rec is None:
        return _not_available("verification")
    src = f"verification:{rec['id']}"
    m = rec["materiality_pct"]
    rows: list[tuple[str, Cell]] = [
        ("verifier", text(rec["verifier"])),
        ("standard", text(rec["standard"])),
        ("level", label(f"disc_ghg.level.{rec['level']}")),
        ("materiality", number(m, "%", PCT_DIGITS, ref=src) if m is not None else na()),
        ("coverage", text(", ".join(rec["coverage"]))),
        ("opinion", label(f"disc_ghg.opinion.{rec['opinion']}")),
        ("statement_date", {"kind": "date", "v": rec["statement_date"]}),
        ("statement_file", text(f"{rec['statement_name']} (SHA-256 {rec['statement_sha256']})")
         if rec["statement_sha256"] else na()),
        ("url", text(rec["url"]) if rec["url"] else na()),
        ("snapshot", text(rec["snapshot_id"])),
    ]  # fmt: skip
    tables = [_item_table("verification", rows)]
    found = rec["findings"]
    if found:
        tables.append(_table("findings", [
            _col("number"), _col("severity"), _col("finding"), _col("raised_on"),
            _col("closed_on"), _col("evidence")],
            [[number(f["number"], "", 0, ref=f"{src}:finding:{f['number']}"),
              label(f"disc_ghg.severity.{f['severity']}"), text(f["text"]),
              {"kind": "date", "v": f["raised_on"]},
              {"kind": "date", "v": f["closed_on"]} if f["closed_on"]
              else na("disc_ghg.note.finding_open"),
              text(f["evidence"]) if f["evidence"] else na()] for f in found]))  # fmt: skip
    still_open = sum(1 for f in found if f["open"])
    paragraphs = [label("disc_ghg.para.verification", verifier=rec["verifier"],
                        standard=rec["standard"]),
                  label("disc_ghg.para.findings", total=len(found), open=still_open)]  # fmt: skip
    has_statement = bool(rec["statement_sha256"] or rec["url"])
    facts = {
        "ver.statement": _fact("complete", src) if has_statement
        else _fact("partial", src, "no_statement"),
        "ver.scope_level": _fact("complete", src) if m is not None
        else _fact("partial", src, "no_materiality"),
    }  # fmt: skip
    return _section("verification", facts, paragraphs=paragraphs, tables=tables)
