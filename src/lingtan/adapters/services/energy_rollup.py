"""From meter readings to the inventory (issue 16 item 2; decision 0073).

For a fiscal year, the monthly sums of the organisation's **billing** meters become activity rows
per site × carrier × month (a local month of the meter's time zone), written as one CSV per
template under ``<workspace>/energy/rollups/`` and imported through the one door into the
calculation, :func:`lingtan.adapters.services.imports.import_file`:

==========================================  =============================================
meters (measures, source)                   activity row
==========================================  =============================================
electricity consumption, source grid/none   ``electricity``, source ``grid`` (import I)
electricity generation − export            ``electricity``, source ``onsite_renewable``
  (on-site PV/wind, self-generation)        (self-use S = G − X, GHG Protocol Scope 2
                                            Guidance §5: own zero-emission generation)
  … of an EMC PV recorded ``contractual``   added to the ``grid`` row (purchased from the
                                            energy-service company; its attributes only
                                            through an instrument, decision 0074)
natural_gas, diesel consumption             ``fuel`` (fuel = carrier, stationary)
steam / heat / chilled_water consumption    ``energy`` (type steam / heat / cooling)
==========================================  =============================================

Sub-meters (``billing`` false) are never summed into the inventory. Months whose readings are
incomplete (fewer intervals than the month holds) are imported as measured and listed in
:attr:`RollupReport.incomplete`: never interpolated.

**One figure, one source.** A site × activity type × month already present in an active batch
that is not a rollup (an invoice, a utility bill) is not imported again: the bill stays the
inventory figure and the meters' sum is compared with it, ``|Σ meters − bill| / bill`` against
a tolerance (2 % by default) → :class:`BillCheck`, flagged when over.

**Corrections supersede.** A new rollup of a fiscal year and template supersedes the previous
rollup batch of the same year and template (the importer's ``supersedes``); the old batch is
kept, never edited. The same readings give the same file (same sha256): nothing is imported
twice.

**Lineage.** Each rollup batch has a manifest ``<batch_id>.lineage.json`` beside its CSV: for
every spreadsheet row, the meters behind it with their first and last interval, the intervals
counted and expected, the value [meter unit], the sign (export counted −1) and the reading
batches it came from (:func:`rollup_lineage`); ``lingtan explain`` prints it for rollup rows
(:func:`lingtan.adapters.services.lineage.meter_lineage`).

Units: quantities in the unit of the row (the first meter's unit, others converted by
:func:`lingtan.core.units.conversion_factor`); timestamps UTC interval starts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lingtan.adapters.services.context import Context

if TYPE_CHECKING:
    from lingtan.adapters.io.importer import ImportReport
    from lingtan.adapters.store.workspace import Workspace
    from lingtan.modules.energy.meters import Meter

#: folder of the rollup files and their lineage manifests, in the workspace
ROLLUP_DIR = "energy/rollups"
#: file names of rollup batches start with this (how a rollup batch is told from a bill)
ROLLUP_PREFIX = "energy-rollup_"
#: default tolerance of the bill reconciliation, |Σ meters − bill| / bill [-]
BILL_TOLERANCE = 0.02
#: carrier → (template, activity type, the template's kind column and value)
FUELS = {"natural_gas": "natural_gas", "diesel": "diesel"}
ENERGY_TYPES = {"steam": ("steam", "heat.steam"), "heat": ("heat", "heat.district"),
                "chilled_water": ("cooling", "cooling.district")}  # fmt: skip
TEMPLATE_COLUMNS = {
    "electricity": ("site", "date", "period_end", "quantity", "unit", "source", "description"),
    "fuel": ("site", "date", "period_end", "fuel", "quantity", "unit", "use", "description"),
    "energy": ("site", "date", "period_end", "type", "quantity", "unit", "description"),
}


@dataclass(frozen=True)
class MeterContribution:
    """One meter's part of one rollup row: its readings from ``first_ts`` to ``last_ts``
    (UTC interval starts), ``intervals`` counted of ``expected_intervals`` in the month,
    ``value`` [``unit``, the meter's] counted with ``sign`` (+1; −1 for export), and the
    reading batches (content hashes) the values came from."""

    meter: str
    month: str  # YYYY-MM, local
    first_ts: str | None
    last_ts: str | None
    intervals: int
    expected_intervals: int
    value: float
    unit: str
    sign: int = 1
    reading_batches: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the manifest's line, JSON)."""
        d = asdict(self)
        d["reading_batches"] = list(self.reading_batches)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> MeterContribution:
        """The line of a manifest back."""
        return cls(**{**d, "reading_batches": tuple(d.get("reading_batches") or ())})


@dataclass(frozen=True)
class BillCheck:
    """The meters' sum of a site × activity type × month against the bill rows of the same
    key (GB 17167-2006 metering vs the utility's invoice). ``meters`` and ``bill`` in
    ``unit``; ``deviation`` = (meters − bill) / bill [-] (None when the bill is 0 or its unit
    cannot be converted); ``within`` the tolerance."""

    site: str
    activity_type: str
    month: str
    meters: float
    bill: float
    unit: str
    deviation: float | None
    tolerance: float
    within: bool
    meter_codes: tuple[str, ...] = ()
    bill_rows: tuple[tuple[str, int], ...] = ()  # (file name, spreadsheet row)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (API, CLI)."""
        d = asdict(self)
        d["meter_codes"] = list(self.meter_codes)
        d["bill_rows"] = [list(b) for b in self.bill_rows]
        return d


@dataclass(frozen=True)
class RollupBatch:
    """One template's rollup file: its batch, rows, and the batch it superseded."""

    template: str
    batch_id: str
    file: str
    rows: int
    rows_rejected: int
    supersedes: str | None
    already_imported: bool


@dataclass(frozen=True)
class RollupReport:
    """What :func:`rollup` did for ``fiscal_year``: the batches imported, the bill checks
    (rows not imported because a bill holds them), the months with incomplete readings
    (meter, YYYY-MM, intervals, expected) and rows that could not be made (unit mismatch)."""

    fiscal_year: str
    batches: tuple[RollupBatch, ...]
    bills: tuple[BillCheck, ...]
    incomplete: tuple[tuple[str, str, int, int], ...] = ()
    problems: tuple[str, ...] = ()
    rejected: tuple[str, ...] = field(default=())

    @property
    def flagged(self) -> tuple[BillCheck, ...]:
        """Bill checks over the tolerance."""
        return tuple(b for b in self.bills if not b.within)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (API, CLI)."""
        return {
            "fiscal_year": self.fiscal_year,
            "batches": [asdict(b) for b in self.batches],
            "bills": [b.to_dict() for b in self.bills],
            "incomplete": [list(i) for i in self.incomplete],
            "problems": list(self.problems),
            "rejected": list(self.rejected),
        }


@dataclass
class _Row:
    """A rollup row being built: its template cells and the meters behind it."""

    template: str
    activity_type: str
    site: str
    month: date
    unit: str
    cells: dict[str, str]
    quantity: float = 0.0
    parts: list[MeterContribution] = field(default_factory=list)


# ---- the rollup ---------------------------------------------------------------------------


def fy_slug(label: str) -> str:
    """``FY2024/25`` → ``FY2024-25`` (a file-name part)."""
    return label.replace("/", "-").replace(" ", "")


def rollup_dir(ws: Workspace) -> Path:
    """``<workspace>/energy/rollups`` (created)."""
    d = ws.path / ROLLUP_DIR
    d.mkdir(parents=True, exist_ok=True)
    return d


def _store_meters(ctx: Context) -> list[Meter]:
    """The organisation's meters (:func:`lingtan.adapters.services.meters.domain_meters`)."""
    from lingtan.adapters.services.meters import domain_meters
    from lingtan.adapters.store.scoping import tenant_session

    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        return list(domain_meters(db, ctx))


def _pv_contractual_meters(ctx: Context) -> set[str]:
    """Generation and export meters of PV assets under EMC recorded as ``contractual``."""
    from lingtan.adapters.services.energy_assets import list_assets, pv_treatment
    from lingtan.adapters.store.scoping import tenant_session

    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        return {
            code
            for a in list_assets(db, ctx, kind="pv")
            if pv_treatment(a) == "contractual"
            for code in (a.meters or {}).values()
        }


def monthly_sums(
    ctx: Context, meters: Sequence[Meter], start: date, end: date
) -> list[dict[str, Any]]:
    """Monthly sums of ``meters`` whose local month starts in [start, end] (inclusive), as
    :func:`lingtan.adapters.io.readings_store.monthly_meter_sums` gives them (one dict per
    meter × month)."""
    from lingtan.adapters.io.readings_store import monthly_meter_sums

    if not meters:
        return []
    table = monthly_meter_sums(ctx.workspace().path, list(meters), start, end)
    rows: list[dict[str, Any]] = table.to_pylist()
    return [r for r in rows if start <= _as_date(r["month"]) <= end]


def _as_date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def _iso(v: Any) -> str | None:
    if v is None:
        return None
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


def _month_end(m: date) -> date:
    nxt = date(m.year + 1, 1, 1) if m.month == 12 else date(m.year, m.month + 1, 1)
    return nxt - timedelta(days=1)


def _target(meter: Meter, contractual: set[str]) -> tuple[str, str, dict[str, str], int] | None:
    """(template, activity type, kind cells, sign) of a billing meter, or None when the meter
    does not feed the inventory."""
    carrier = str(meter.carrier)
    measures = str(meter.measures)
    source = str(meter.source) if meter.source is not None else None
    if carrier == "electricity":
        if measures == "consumption" and source in (None, "grid", "ppa"):
            return "electricity", "electricity.grid", {"source": "grid"}, 1
        if measures in ("generation", "export") and source in (None, "onsite_pv", "wind"):
            sign = 1 if measures == "generation" else -1
            if meter.code in contractual:  # EMC, recorded contractual: purchased electricity
                return "electricity", "electricity.grid", {"source": "grid"}, sign
            return (
                "electricity",
                "electricity.onsite_renewable",
                {"source": "onsite_renewable"},
                sign,
            )
        if measures == "consumption" and source in ("onsite_pv", "wind"):
            return "electricity", "electricity.onsite_renewable", {"source": "onsite_renewable"}, 1
        return None
    if measures != "consumption":
        return None
    if carrier in FUELS:
        return "fuel", f"fuel.{FUELS[carrier]}", {"fuel": FUELS[carrier], "use": "stationary"}, 1
    if carrier in ENERGY_TYPES:
        kind, activity = ENERGY_TYPES[carrier]
        return "energy", activity, {"type": kind}, 1
    return None


def build_rows(
    meters: Sequence[Meter], sums: Iterable[Mapping[str, Any]], contractual: set[str]
) -> tuple[list[_Row], list[tuple[str, str, int, int]], list[str]]:
    """Rollup rows from monthly meter sums: per site × activity type × month, Σ sign × value
    over the billing meters (converted to the row's unit). Pure.

    Returns the rows (sorted by template, site, activity type, month), the incomplete months
    (meter, YYYY-MM, intervals, expected) and problems (a unit that cannot be converted)."""
    from lingtan.core.units import conversion_factor

    by_code = {m.code: m for m in meters}
    rows: dict[tuple[str, str, str, date], _Row] = {}
    incomplete: list[tuple[str, str, int, int]] = []
    problems: list[str] = []
    for s in sorted(sums, key=lambda r: (str(r["meter"]), _as_date(r["month"]))):
        meter = by_code.get(str(s["meter"]))
        if meter is None or not meter.billing:
            continue
        target = _target(meter, contractual)
        if target is None:
            continue
        template, activity, cells, sign = target
        month = _as_date(s["month"])
        key = (template, meter.site, activity, month)
        row = rows.get(key)
        if row is None:
            row = rows[key] = _Row(template, activity, meter.site, month, meter.unit, cells)
        value = float(s["value"] or 0.0)
        try:
            factor = 1.0 if meter.unit == row.unit else conversion_factor(meter.unit, row.unit)
        except Exception:  # any unit error is reported, the meter left out
            problems.append(f"{meter.code}: {meter.unit} → {row.unit}")
            continue
        intervals, expected = int(s.get("intervals") or 0), int(s.get("expected_intervals") or 0)
        if expected and intervals < expected:
            incomplete.append((meter.code, f"{month:%Y-%m}", intervals, expected))
        row.quantity += sign * value * factor
        row.parts.append(
            MeterContribution(
                meter=meter.code,
                month=f"{month:%Y-%m}",
                first_ts=_iso(s.get("first_ts")),
                last_ts=_iso(s.get("last_ts")),
                intervals=intervals,
                expected_intervals=expected,
                value=value,
                unit=meter.unit,
                sign=sign,
                reading_batches=tuple(sorted(s.get("batches") or ())),
            )
        )
    out = sorted(rows.values(), key=lambda r: (r.template, r.site, r.activity_type, r.month))
    for r in out:
        r.quantity = max(0.0, r.quantity)  # self-use never below 0 (export over generation)
    return out, incomplete, problems


def _bill_rows(
    ws: Workspace, start: date, end: date
) -> dict[tuple[str, str, date], list[dict[str, Any]]]:
    """Active rows of batches that are not rollups, by (site, activity type, month of date),
    within [start, end]."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    out: dict[tuple[str, str, date], list[dict[str, Any]]] = defaultdict(list)
    cols = ["site", "date", "activity_type", "quantity", "unit", "source_row"]
    for b in ws.batches():
        if b.file_name.startswith(ROLLUP_PREFIX) or not b.activities_file:
            continue
        path = ws.batches_dir / b.activities_file
        if not path.is_file():
            continue
        t = pq.read_table(path, columns=cols)
        t = t.filter(pc.and_(pc.greater_equal(t["date"], start), pc.less_equal(t["date"], end)))
        for r in t.to_pylist():
            d = r["date"]
            if start <= d <= end:
                key = (str(r["site"]), str(r["activity_type"]), date(d.year, d.month, 1))
                out[key].append({**r, "file": b.file_name})
    return out


def _check_bill(row: _Row, bills: list[dict[str, Any]], tolerance: float) -> BillCheck:
    from lingtan.core.units import conversion_factor

    total = 0.0
    convertible = True
    for b in bills:
        try:
            total += float(b["quantity"]) * conversion_factor(str(b["unit"]), row.unit)
        except Exception:  # a bill in a unit of another kind: no comparison
            convertible = False
    deviation = (row.quantity - total) / total if convertible and total > 0 else None
    within = deviation is not None and abs(deviation) <= tolerance + 1e-12
    return BillCheck(
        site=row.site,
        activity_type=row.activity_type,
        month=f"{row.month:%Y-%m}",
        meters=row.quantity,
        bill=total,
        unit=row.unit,
        deviation=deviation,
        tolerance=tolerance,
        within=within,
        meter_codes=tuple(sorted({p.meter for p in row.parts})),
        bill_rows=tuple(sorted((str(b["file"]), int(b["source_row"])) for b in bills)),
    )


def _csv_text(template: str, rows: Sequence[_Row], fiscal_year: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    cols = TEMPLATE_COLUMNS[template]
    w.writerow(cols)
    for r in rows:
        meters = ", ".join(sorted({p.meter for p in r.parts}))
        cells = {
            **r.cells,
            "site": r.site,
            "date": r.month.isoformat(),
            "period_end": _month_end(r.month).isoformat(),
            "quantity": repr(round(r.quantity, 9)),
            "unit": r.unit,
            "description": f"energy rollup {fiscal_year}: meters {meters}",
        }
        w.writerow([cells.get(c, "") for c in cols])
    return buf.getvalue()


def _previous(ws: Workspace, fiscal_year: str, template: str) -> str | None:
    """The active rollup batch of ``fiscal_year`` and ``template``, if any."""
    prefix = f"{ROLLUP_PREFIX}{fy_slug(fiscal_year)}_{template}_"
    found = [b.id for b in ws.batches() if b.file_name.startswith(prefix)]
    return found[-1] if found else None


def rollup(ctx: Context, fiscal_year: str, *, tolerance: float = BILL_TOLERANCE) -> RollupReport:
    """Roll the billing meters' monthly sums of ``fiscal_year`` up into activity rows (module
    docstring), reconcile them with bill rows, write the lineage manifests and import the
    files (superseding the previous rollup of the year and template).

    Raises:
        ServiceError: 403 without ``edit_data``.
        PeriodError: ``fiscal_year`` is not understood.
        LingtanError: the import's own errors (:func:`.imports.import_file`).
    """
    from lingtan.adapters.services.imports import import_file

    ctx.require("edit_data")
    ws = ctx.workspace()
    period = ws.config.period(fiscal_year)
    label = period.label
    meters = [m for m in _store_meters(ctx) if m.billing]
    sums = monthly_sums(ctx, meters, period.start, period.end)
    rows, incomplete, problems = build_rows(meters, sums, _pv_contractual_meters(ctx))
    bills = _bill_rows(ws, period.start, period.end)
    checks: list[BillCheck] = []
    keep: dict[str, list[_Row]] = defaultdict(list)
    for r in rows:
        billed = bills.get((r.site, r.activity_type, r.month))
        if billed:
            checks.append(_check_bill(r, billed, tolerance))
        else:
            keep[r.template].append(r)
    folder = rollup_dir(ws)
    done: list[RollupBatch] = []
    rejected: list[str] = []
    for template in sorted(keep):
        text = _csv_text(template, keep[template], label)
        data = text.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        path = folder / f"{ROLLUP_PREFIX}{fy_slug(label)}_{template}_{sha[:12]}.csv"
        path.write_bytes(data)
        _write_manifest(folder, sha, label, template, path.name, keep[template])
        previous = _previous(ws, label, template)
        sup = previous if previous and previous != sha else None
        rep: ImportReport = import_file(
            ctx, path, template=template, supersedes=sup, append=sup is None
        )
        rejected.extend(f"{path.name}, row {i.row}, {i.field}: {i.reason}" for i in rep.issues)
        done.append(
            RollupBatch(
                template,
                rep.batch_id,
                path.name,
                rep.rows_accepted,
                rep.rows_rejected,
                sup,
                rep.already_imported,
            )
        )
    return RollupReport(
        fiscal_year=label,
        batches=tuple(done),
        bills=tuple(checks),
        incomplete=tuple(incomplete),
        problems=tuple(problems),
        rejected=tuple(rejected),
    )


# ---- lineage manifests ----------------------------------------------------------------------


def _write_manifest(
    folder: Path, sha: str, fiscal_year: str, template: str, file: str, rows: Sequence[_Row]
) -> Path:
    """``<batch_id>.lineage.json``: spreadsheet row (header = row 1) → meter contributions.
    Written aside and renamed, so a reader never sees half a manifest."""
    doc = {
        "batch_id": sha,
        "fiscal_year": fiscal_year,
        "template": template,
        "file": file,
        "rows": {
            str(i): {
                "site": r.site,
                "activity_type": r.activity_type,
                "month": f"{r.month:%Y-%m}",
                "quantity": r.quantity,
                "unit": r.unit,
                "meters": [p.to_dict() for p in r.parts],
            }
            for i, r in enumerate(rows, start=2)
        },
    }
    path = folder / f"{sha}.lineage.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def manifest(ctx: Context, batch_id: str) -> dict[str, Any] | None:
    """The lineage manifest of rollup batch ``batch_id`` (None: not a rollup batch)."""
    ctx.require("read")
    path = ctx.workspace().path / ROLLUP_DIR / f"{batch_id}.lineage.json"
    if not path.is_file():
        return None
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def rollup_lineage(ctx: Context, batch_id: str, source_row: int) -> list[MeterContribution]:
    """The meters and intervals behind row ``source_row`` (spreadsheet row) of rollup batch
    ``batch_id``; empty for a batch that is not a rollup or a row it does not have."""
    doc = manifest(ctx, batch_id)
    if doc is None:
        return []
    row = doc["rows"].get(str(int(source_row)))
    return [MeterContribution.from_dict(m) for m in (row or {}).get("meters", [])]


# ---- reconciliation on its own ----------------------------------------------------------------


def reconcile_bills(
    ctx: Context, fiscal_year: str, *, tolerance: float = BILL_TOLERANCE
) -> list[BillCheck]:
    """The bill checks of ``fiscal_year`` without importing anything: every site × activity
    type × month that has both billing meters and bill rows, sorted by site, type, month."""
    ctx.require("read")
    ws = ctx.workspace()
    period = ws.config.period(fiscal_year)
    meters = [m for m in _store_meters(ctx) if m.billing]
    sums = monthly_sums(ctx, meters, period.start, period.end)
    rows, _, _ = build_rows(meters, sums, _pv_contractual_meters(ctx))
    bills = _bill_rows(ws, period.start, period.end)
    return [
        _check_bill(r, bills[(r.site, r.activity_type, r.month)], tolerance)
        for r in sorted(rows, key=lambda r: (r.site, r.activity_type, r.month))
        if bills.get((r.site, r.activity_type, r.month))
    ]


# ---- words -----------------------------------------------------------------------------------


def bill_line(check: BillCheck, locale: str = "en") -> str:
    """One bill check in ``locale`` (``rollup.bill.*``): meters, bill, deviation [%]."""
    from lingtan.adapters.i18n.messages import Translator

    t = Translator(locale)
    common = {
        "site": check.site,
        "month": check.month,
        "activity_type": check.activity_type,
        "meters": f"{check.meters:,.6g}",
        "bill": f"{check.bill:,.6g}",
        "unit": check.unit,
        "tolerance": f"{100 * check.tolerance:g}",
    }
    if check.deviation is None:
        return t("rollup.bill.no_comparison", **common)
    key = "rollup.bill.within" if check.within else "rollup.bill.flagged"
    return t(key, deviation=f"{100 * check.deviation:+.2f}", **common)


def report_lines(report: RollupReport, locale: str = "en") -> list[str]:
    """What a rollup did, one line each in ``locale``: batches, bill checks, incomplete months."""
    from lingtan.adapters.i18n.messages import Translator

    t = Translator(locale)
    lines: list[str] = []
    for b in report.batches:
        if b.already_imported:
            lines.append(t("rollup.batch.unchanged", template=b.template, batch=b.batch_id[:12]))
        elif b.supersedes:
            lines.append(
                t("rollup.batch.superseded", template=b.template, rows=b.rows,
                  batch=b.batch_id[:12], old=b.supersedes[:12])
            )  # fmt: skip
        else:
            lines.append(t("rollup.batch", template=b.template, rows=b.rows, batch=b.batch_id[:12]))
    if not report.batches and not report.bills:
        lines.append(t("rollup.none", fiscal_year=report.fiscal_year))
    lines.extend(bill_line(c, locale) for c in report.bills)
    lines.extend(
        t("rollup.incomplete", meter=m, month=mo, intervals=n, expected=e)
        for m, mo, n, e in report.incomplete
    )
    return lines
