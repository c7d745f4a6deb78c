"""Climate scenarios with financial effects (issue 17 item 4, decision 0082): the data sets of
the organisation, runs on a fiscal year's inventory and the computed conclusion.

A scenario data set (:mod:`lingtan.modules.risk.scenarios`) is imported from a manifest and a
series file (:mod:`lingtan.adapters.io.scenario_files`: native, or the IAMC layout of the NGFS
files the user obtained) or registered from the illustrative ones bundled for the demo. A run
reads, from the newest inventory snapshot of the fiscal year:

- Scope 1 and Scope 2 (location-based) by region of the sites [t CO2e];
- purchased grid electricity by region [kWh]: the ``electricity.grid`` activity rows of the
  snapshot's own import batches (immutable files, so the snapshot id fixes them);
- Scope 3 category 1 [t CO2e];

and from the targets file the strictest absolute Scope 1+2 target pathway (share of the
inventory year's emissions allowed each horizon year, :func:`lingtan.modules.targets.targets.
pathway_fraction`), from the physical-risk slice (``services.risk_hazards.physical_loss``, when
installed) the loss of the scenario's pathway, and from the run's parameters the revenue of
low-carbon products [currency], the BAU growth [fraction/yr] and a current annual physical loss
[currency]. The run's id is the sha256 of all of it (:func:`lingtan.modules.risk.scenarios.
run_id`): the same inputs reproduce the same run, stored once.

Reading needs ``read``; importing and running ``edit_data``; every change is an audited row. A
refusal is a :class:`ScenariosError` with its catalogue key (``scenarios.err.*``).
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan import __version__
from lingtan.adapters.io import scenario_files as sf
from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import (
    KeyedError,
    Kind,
    ServiceError,
    keyed_refusal,
    message_text,
)
from lingtan.adapters.store.risk_scenarios import ScenarioRunRow, ScenarioSetRow
from lingtan.core.boundary import GLOBAL_REGION
from lingtan.core.errors import LingtanError
from lingtan.core.messages import Message, msg
from lingtan.core.periods import Period
from lingtan.modules.risk import scenarios as rs
from lingtan.modules.risk.errors import ScenarioError

#: the largest manifest or series file [bytes]
MAX_FILE_BYTES = sf.MAX_BYTES
#: an illustrative revenue of low-carbon products for the demo run [CNY/yr] (invented, labelled:
#: the demo manufacturer's ten plants, sales of 10 bn CNY of low-carbon products a year)
DEMO_REVENUE_LOWCARBON = 1.0e10
#: an illustrative current annual physical loss for the demo run [CNY] (invented, labelled)
DEMO_PHYSICAL_BASE = 3.0e7


class ScenariosError(KeyedError):
    """A refused request about scenarios: besides the English ``message`` it carries ``key``
    (``scenarios.err.*``) and ``params``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> ScenariosError:
    """A :class:`ScenariosError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(ScenariosError, kind, message, field)


def _from_module(exc: ScenarioError) -> ScenariosError:
    return refused("invalid", exc.message, exc.field)


# ---- data sets --------------------------------------------------------------------------------


def scenario_of(row: ScenarioSetRow) -> rs.Scenario:
    """The stored data set as the module sees it."""
    c = dict(row.content)
    points = [rs.Point(p["variable"], p["region"], int(p["year"]), float(p["value"]),
                       p.get("low"), p.get("high")) for p in c.get("points", [])]  # fmt: skip
    return rs.Scenario(
        id=c["id"], label=c["label"], warming=float(c["warming"]), pathway=c["pathway"],
        source=c["source"], licence=c["licence"], edition=c["edition"], currency=c["currency"],
        points=tuple(points), base_year=c.get("base_year"),
        illustrative=bool(c.get("illustrative")), description=c.get("description", ""),
        source_url=c.get("source_url", ""), labels=dict(c.get("labels") or {}),
        hazard_pathway=c.get("hazard_pathway", ""),
    )  # fmt: skip


def scenario_dict(row: ScenarioSetRow, locale: str = "en") -> dict[str, Any]:
    """A data set as plain data (API, CLI): its fields, years, variables and points."""
    c = dict(row.content)
    labels = dict(c.get("labels") or {})
    return {
        "code": row.code, "label": labels.get(locale) or row.label, "warming": row.warming,
        "pathway": row.pathway, "source": row.source, "source_url": c.get("source_url", ""),
        "licence": row.licence, "edition": row.edition, "currency": row.currency,
        "base_year": c.get("base_year"), "illustrative": row.illustrative,
        "hazard_pathway": c.get("hazard_pathway") or row.pathway,
        "description": c.get("description", ""), "content_sha256": row.content_sha256,
        "years": sorted({int(p["year"]) for p in c.get("points", [])}),
        "variables": sorted({str(p["variable"]) for p in c.get("points", [])}),
        "points": list(c.get("points", [])),
        "created_by": row.created_by, "created_at": row.created_at,
    }  # fmt: skip


def list_scenarios(db: Session, ctx: Context) -> list[ScenarioSetRow]:
    """The organisation's data sets, coolest first."""
    ctx.require("read")
    return sorted(db.scalars(select(ScenarioSetRow)), key=lambda r: (r.warming, r.code))


def get_scenario(db: Session, ctx: Context, code: str) -> ScenarioSetRow:
    """One data set by its id.

    Raises:
        ScenariosError: 404 (also another organisation's).
    """
    ctx.require("read")
    row = db.scalar(select(ScenarioSetRow).where(ScenarioSetRow.code == code))
    if row is None:
        raise refused("not_found", msg("scenarios.err.not_found", id=code[:60]), "scenario")
    return row


def _register(db: Session, ctx: Context, s: rs.Scenario) -> ScenarioSetRow:
    """Store ``s`` (replacing the data set of the same id when its content changed)."""
    sha = s.content_hash()
    values = {
        "label": s.label[:200], "warming": s.warming, "pathway": s.pathway[:40],
        "source": s.source[:500], "licence": s.licence[:300], "edition": s.edition[:100],
        "currency": s.currency[:8], "illustrative": s.illustrative, "content_sha256": sha,
        "content": s.to_dict(), "created_by": ctx.actor[:300],
    }  # fmt: skip
    row = db.scalar(select(ScenarioSetRow).where(ScenarioSetRow.code == s.id))
    if row is None:
        row = ScenarioSetRow(code=s.id, **values)
        db.add(row)
    elif row.content_sha256 != sha:
        for k, v in values.items():
            setattr(row, k, v)
    db.commit()
    return row


def import_scenario(
    db: Session,
    ctx: Context,
    manifest: bytes,
    series: bytes,
    manifest_name: str = "scenario.yaml",
    series_name: str = "series.csv",
) -> ScenarioSetRow:
    """Register the data set of a manifest and its series file (native or IAMC layout); a data
    set of the same id is replaced (audited).

    Raises:
        ScenariosError: 403; 413 a file above 20 MiB; 422 a file or value is invalid.
    """
    ctx.require("edit_data")
    for data, name in ((manifest, manifest_name), (series, series_name)):
        if len(data) > MAX_FILE_BYTES:
            raise ScenariosError("too_large", "scenarios.err.file_size",
                                 "a file is at most 20 MiB", "file", file=name[:80])  # fmt: skip
    try:
        s = sf.read_scenario(manifest, series, manifest_name, series_name)
    except ScenarioError as exc:
        raise _from_module(exc) from exc
    return _register(db, ctx, s)


def register_bundled(db: Session, ctx: Context) -> list[ScenarioSetRow]:
    """Register the data sets bundled with lingtan (the four illustrative ones)."""
    ctx.require("edit_data")
    return [_register(db, ctx, s) for s in sf.bundled_scenarios()]


def warming_levels() -> list[sf.WarmingLevel]:
    """The IPCC AR6 warming levels lingtan cites (with their attribution)."""
    return sf.warming_levels()


# ---- the organisation's figures -----------------------------------------------------------------


def _period(ctx: Context, fiscal_year: str) -> Period:
    try:
        return ctx.workspace().config.period(fiscal_year.replace("-", "/"))
    except (LingtanError, ValueError) as exc:
        raise refused("invalid", msg("scenarios.err.year", value=fiscal_year[:20]),
                      "fiscal_year") from exc  # fmt: skip


def _grid_kwh(ctx: Context, batch_ids: Sequence[str], period: Period) -> dict[str, float]:
    """Purchased grid electricity per site in ``period`` [kWh]: the Scope 2 ``electricity.grid``
    rows of the import batches ``batch_ids`` (a snapshot's; superseded ones included), each
    site's kWh × its consolidation share (as its emissions are counted)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from lingtan.core.units import conversion_factor

    ws = ctx.workspace()
    wanted = set(batch_ids)
    out: dict[str, float] = defaultdict(float)
    for b in ws.batches(active_only=False):
        if b.id not in wanted or not b.activities_file:
            continue
        path = ws.batches_dir / b.activities_file
        if not path.is_file():
            continue
        cols = ["site", "date", "scope", "activity_type", "quantity", "unit"]
        t = pq.read_table(path, columns=cols)
        t = t.filter(pc.and_(pc.equal(t["activity_type"], "electricity.grid"),
                             pc.equal(t["scope"], 2)))  # fmt: skip
        for r in t.to_pylist():
            if period.contains(r["date"]):
                try:
                    out[str(r["site"])] += float(r["quantity"]) * conversion_factor(
                        r["unit"], "kWh"
                    )
                except Exception:  # a row the engine would refuse counts nothing
                    continue
    shares = ws.config.boundary.site_shares()
    return {site: kwh * shares.get(site, 1.0) for site, kwh in out.items()}


def _by_region(values: Mapping[str, float], regions: Mapping[str, str], default: str
               ) -> dict[str, float]:  # fmt: skip
    out: dict[str, float] = defaultdict(float)
    for site, v in values.items():
        out[rs.norm_region(regions.get(site, default))] += v
    return {k: v for k, v in sorted(out.items()) if v}


def _target_fraction(ctx: Context, y0: int, years: Sequence[int]) -> dict[int, float]:
    """Year → share of the inventory year's Scope 1+2 emissions the strictest absolute target
    covering Scopes 1 and 2 allows (the linear pathways of the targets file); empty without a
    targets file or such a target."""
    from lingtan.adapters.services.targets import parse_targets_text, targets_file
    from lingtan.modules.targets.targets import TargetKind, pathway_fraction

    try:
        _, data = targets_file(ctx)
        prog = parse_targets_text(data.decode("utf-8", errors="replace"))
    except (ServiceError, LingtanError):
        return {}
    targets = [t for t in prog.targets
               if t.kind is TargetKind.ABSOLUTE and {1, 2} <= set(t.coverage.scopes)]  # fmt: skip
    out: dict[int, float] = {}
    for y in years:
        fractions = [pathway_fraction(t, y) / pathway_fraction(t, y0) for t in targets
                     if pathway_fraction(t, y0) > 0]  # fmt: skip
        if fractions:
            out[y] = min(fractions)
    return out


def _physical(db: Session, ctx: Context, pathway: str, currency: str, years: Sequence[int]
              ) -> dict[int, tuple[float, float, float]]:  # fmt: skip
    """Year → (low, central, high) physical loss of the scenario's pathway [currency] from
    ``services.risk_hazards.physical_loss`` when installed: its ``total`` (else ``ead`` +
    ``bi``), ``low``/``high`` when it has them; a year it gives None for, or a loss in another
    currency than the scenario's, is left out."""
    try:
        hazards = importlib.import_module("lingtan.adapters.services.risk_hazards")
    except ImportError:
        return {}
    fn = getattr(hazards, "physical_loss", None)
    if fn is None:
        return {}
    out: dict[int, tuple[float, float, float]] = {}
    for y in years:
        try:
            loss = fn(db, ctx, pathway, y)
        except (ServiceError, LingtanError):
            continue
        if loss is None or str(getattr(loss, "currency", currency) or currency) != currency:
            continue
        total = getattr(loss, "total", None)
        if total is None:
            total = float(getattr(loss, "ead", 0.0) or 0.0) + float(getattr(loss, "bi", 0.0) or 0.0)
        central = float(total)
        low = getattr(loss, "low", None)
        high = getattr(loss, "high", None)
        out[y] = (float(low) if low is not None else central, central,
                  float(high) if high is not None else central)  # fmt: skip
    return out


def _number(value: float | None, name: str, *, low: float = 0.0, high: float = 1e15
            ) -> float | None:  # fmt: skip
    if value is None:
        return None
    if not low <= float(value) <= high:
        raise refused("invalid", msg("scenarios.err.parameter", name=name), name)
    return float(value)


def run_inputs(
    db: Session,
    ctx: Context,
    scenario: rs.Scenario,
    fiscal_year: str,
    years: Sequence[int],
    *,
    revenue_lowcarbon: float | None = None,
    bau_growth: float = 0.0,
    physical_base: float | None = None,
) -> rs.RunInputs:
    """The organisation's figures of ``fiscal_year`` a run applies ``scenario`` to (module
    docstring).

    Raises:
        ScenariosError: 422 the year is unknown or was never calculated, a parameter is out of
            range.
    """
    from lingtan.adapters.compute.stored_inventory import inventory_from_snapshot
    from lingtan.adapters.services.calculation import newest_snapshot

    period = _period(ctx, fiscal_year)
    ws = ctx.workspace()
    _, snap = newest_snapshot(ws, period.label)
    if snap is None:
        raise refused("invalid", msg("scenarios.err.no_inventory", year=period.label),
                      "fiscal_year")  # fmt: skip
    inv = inventory_from_snapshot(snap, ws.snapshots_dir)
    regions = ws.config.site_regions()
    default = ws.config.region or GLOBAL_REGION
    batches = [str(b) for b in (snap.inputs or {}).get("batches", [])]  # type: ignore[attr-defined]
    growth = _number(bau_growth, "bau_growth", low=-0.5, high=0.5) or 0.0
    return rs.RunInputs(
        fiscal_year=period.label,
        inventory_year=period.start.year,
        snapshot_id=snap.id,
        scope1_t=_by_region(inv.by("site", "market", scope=1), regions, default),
        kwh=_by_region(_grid_kwh(ctx, batches, period), regions, default),
        scope2_location_t=_by_region(inv.by("site", "location", scope=2), regions, default),
        cat1_t=inv.total("market", scope=3, category=1),
        revenue_lowcarbon=_number(revenue_lowcarbon, "revenue_lowcarbon"),
        bau_growth=growth,
        target_fraction=_target_fraction(ctx, period.start.year, years),
        physical=_physical(
            db, ctx, scenario.hazard_pathway or scenario.pathway, scenario.currency, years
        ),
        physical_base=_number(physical_base, "physical_base"),
    )


# ---- runs ----------------------------------------------------------------------------------------


def _years(years: Sequence[int] | None) -> tuple[int, ...]:
    ys = tuple(sorted({int(y) for y in (years or rs.DEFAULT_YEARS)}))
    if not ys or len(ys) > 20 or not all(2000 <= y <= 2200 for y in ys):
        raise refused("invalid", msg("scenarios.err.years"), "years")
    return ys


def run_scenario(
    db: Session,
    ctx: Context,
    scenario_id: str,
    fiscal_year: str,
    *,
    years: Sequence[int] | None = None,
    revenue_lowcarbon: float | None = None,
    bau_growth: float = 0.0,
    physical_base: float | None = None,
) -> ScenarioRunRow:
    """Run ``scenario_id`` on ``fiscal_year``'s newest inventory for ``years`` (default 2030,
    2040, 2050): parameters ``revenue_lowcarbon`` [currency of the scenario], ``bau_growth``
    [fraction per year], ``physical_base`` [currency per year]. The run is identified by the
    sha256 of every input; the same inputs return the stored run unchanged.

    Raises:
        ScenariosError: 403; 404 no such scenario; 422 the year was never calculated, a series
            does not cover a year (never extrapolated), a parameter is out of range.
    """
    ctx.require("edit_data")
    s = scenario_of(get_scenario(db, ctx, scenario_id))
    ys = _years(years)
    x = run_inputs(db, ctx, s, fiscal_year, ys, revenue_lowcarbon=revenue_lowcarbon,
                   bau_growth=bau_growth, physical_base=physical_base)  # fmt: skip
    rid = rs.run_id(s, x, ys, __version__)
    found = db.scalar(select(ScenarioRunRow).where(ScenarioRunRow.run_id == rid))
    if found is not None:
        return found
    try:
        result = rs.run(s, x, ys)
    except ScenarioError as exc:
        raise _from_module(exc) from exc
    row = ScenarioRunRow(
        run_id=rid, scenario_code=s.id, scenario_sha256=s.content_hash(), label=s.label[:200],
        warming=s.warming, pathway=s.pathway[:40], currency=s.currency[:8],
        fiscal_year=x.fiscal_year, snapshot_id=x.snapshot_id, method_version=rs.METHOD_VERSION,
        lingtan_version=__version__,
        parameters={"years": list(ys), "revenue_lowcarbon": revenue_lowcarbon,
                    "bau_growth": bau_growth, "physical_base": physical_base},
        inputs=x.to_dict(), results=result.to_dict(), created_by=ctx.actor[:300],
    )  # fmt: skip
    db.add(row)
    db.commit()
    return row


def list_runs(db: Session, ctx: Context, fiscal_year: str | None = None) -> list[ScenarioRunRow]:
    """The stored runs (of ``fiscal_year``), newest year first, warmest first within a year."""
    ctx.require("read")
    q = select(ScenarioRunRow)
    if fiscal_year:
        q = q.where(ScenarioRunRow.fiscal_year == fiscal_year.replace("-", "/"))
    rows = list(db.scalars(q))
    rows.sort(key=lambda r: (r.warming, r.created_at, r.id), reverse=True)
    rows.sort(key=lambda r: r.fiscal_year, reverse=True)
    return rows


def get_run(db: Session, ctx: Context, run_id: str) -> ScenarioRunRow:
    """One run by its id (or a unique prefix of at least 8 characters).

    Raises:
        ScenariosError: 404.
    """
    ctx.require("read")
    key = run_id.strip().lower()
    rows: list[ScenarioRunRow] = []
    if len(key) >= 8 and all(c in "0123456789abcdef" for c in key):
        rows = list(db.scalars(select(ScenarioRunRow).where(ScenarioRunRow.run_id.startswith(key))))
    if len(rows) != 1:
        raise refused("not_found", msg("scenarios.err.run_not_found", id=key[:64]), "run_id")
    return rows[0]


def run_dict(row: ScenarioRunRow) -> dict[str, Any]:
    """A run as plain data (API, CLI): ids, scenario, year, parameters, inputs and results."""
    return {
        "run_id": row.run_id, "scenario": row.scenario_code,
        "scenario_sha256": row.scenario_sha256, "label": row.label, "warming": row.warming,
        "pathway": row.pathway, "currency": row.currency, "fiscal_year": row.fiscal_year,
        "snapshot_id": row.snapshot_id, "method_version": row.method_version,
        "lingtan_version": row.lingtan_version, "parameters": dict(row.parameters or {}),
        "inputs": dict(row.inputs or {}), "results": dict(row.results or {}),
        "created_by": row.created_by, "created_at": row.created_at,
    }  # fmt: skip


def note_text(note: Mapping[str, Any], locale: str) -> str:
    """A stored note of a run in ``locale``."""
    return message_text(Message(str(note.get("key", "")), dict(note.get("params") or {})), locale)


# ---- the conclusion ------------------------------------------------------------------------------


def _summary(row: ScenarioRunRow) -> rs.RunSummary:
    years = (row.results or {}).get("years", [])
    net = {int(y["year"]): float(y["net"]["central"]) for y in years}
    return rs.RunSummary(row.label, row.warming, row.currency, net)


def conclusion(db: Session, ctx: Context, fiscal_year: str, year: int | None = None
               ) -> rs.Conclusion:  # fmt: skip
    """The computed conclusion of ``fiscal_year``'s runs (the newest run of each scenario):
    as warming falls from the warmest to the coolest scenario, how the central net effect in
    ``year`` (default the latest horizon every run has) changes and whether opportunities
    exceed risks (:func:`lingtan.modules.risk.scenarios.conclude`)."""
    label = _period(ctx, fiscal_year).label
    newest: dict[str, ScenarioRunRow] = {}
    for r in sorted(list_runs(db, ctx, label), key=lambda r: (r.created_at, r.id)):
        newest[r.scenario_code] = r
    return rs.conclude([_summary(r) for r in newest.values()], year)


def conclusion_text(c: rs.Conclusion, locale: str = "en") -> str:
    """The conclusion's sentence in ``locale`` (amounts with thousands separators, warming
    levels without a trailing ``.0``)."""
    params = dict(c.message.params)
    for k in ("a", "b"):
        if isinstance(params.get(k), int | float):
            params[k] = f"{params[k]:,.0f}"
    for k in ("hot", "cool"):
        if isinstance(params.get(k), int | float):
            params[k] = f"{params[k]:g}"
    return message_text(Message(c.message.key, params), locale)


# ---- the demo ------------------------------------------------------------------------------------


def _latest_year(ctx: Context) -> str | None:
    from lingtan.adapters.services.calculation import stored_snapshots

    snaps = stored_snapshots(ctx.workspace())
    return max((s.fiscal_year for s, _ in snaps), default=None)


def load_demo(db: Session, ctx: Context) -> int:
    """Register the four illustrative scenarios and run each on the latest calculated fiscal
    year with the illustrative demo parameters (:data:`DEMO_REVENUE_LOWCARBON`,
    :data:`DEMO_PHYSICAL_BASE`); the number of runs (0 when no year was calculated)."""
    rows = register_bundled(db, ctx)
    year = _latest_year(ctx)
    if year is None:
        return 0
    runs = [run_scenario(db, ctx, r.code, year, revenue_lowcarbon=DEMO_REVENUE_LOWCARBON,
                         physical_base=DEMO_PHYSICAL_BASE) for r in rows]  # fmt: skip
    return len(runs)
