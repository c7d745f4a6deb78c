"""The three Scope 3 intensity denominators of the targets, computed from the workspace
(issue 16 item 6, decision 0076):

- ``tkm`` — Σ tonne-kilometres of the freight rows (template ``transport``, categories 4 and 9;
  quantity = mass [t] × distance [km], GHG Protocol Scope 3 Technical Guidance ch. 4/9) per
  fiscal year;
- ``comparable_products`` — Σ units sold of the use-phase rows (template ``use_phase``, category
  11) per fiscal year; with a product family (``products/family.yaml``) only the products that
  have an energy record there (the comparable ones) count, and a product-year without
  use-phase rows takes the family's ``sales`` record;
- ``gross_profit`` — the series of ``<workspace>/financials.csv`` [``1e6*USD`` unless the file
  names another unit].

A series the targets file gives with values is kept as typed (:func:`fill_denominators`);
computed ones say so in their ``source``. Rows are the active import batches' accepted rows;
units sold are read back from each batch's stored copy of its original file (the activity
rows keep the lifetime kWh, not the units), in the conventions it was imported with.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow.parquet as pq

from lingtan.adapters.io.mv_files import MvFileError, read_financials
from lingtan.adapters.services.context import Context
from lingtan.core.errors import LingtanError, PeriodError
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.emissions import Series

#: the denominators computed here: name → (unit, what is measured)
DENOMINATORS: dict[str, tuple[str, str]] = {
    "tkm": ("tkm", "freight transported"),
    "comparable_products": ("item", "comparable products sold"),
    "gross_profit": ("1e6*USD", "gross profit"),
}


@dataclass(frozen=True)
class Sale:
    """Units of one product sold, from one use-phase row: its date, ``units`` and the row's
    energy use ``kwh_per_year`` [kWh/yr per unit]; ``batch`` and ``row`` locate the row."""

    day: date
    product: str
    units: float
    kwh_per_year: float
    batch: str
    row: int


def _key(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().lstrip("\ufeff").lower()


def _activities(ctx: Context, template: str) -> list[dict[str, Any]]:
    """The accepted activity rows of ``template`` of the active batches."""
    ws = ctx.workspace()
    out: list[dict[str, Any]] = []
    cols = ["batch_id", "source_row", "template", "date", "quantity", "unit", "product"]
    for path in ws.activity_files():
        have = set(pq.read_schema(path).names)
        t = pq.read_table(path, columns=[c for c in cols if c in have],
                          filters=[("template", "=", template)])  # fmt: skip
        if t.num_rows:
            out.extend(t.to_pylist())
    return out


def tkm_by_year(ctx: Context, calendar: FiscalCalendar) -> dict[int, float]:
    """Σ tkm of the freight rows per fiscal start year (module docstring)."""
    out: dict[int, float] = defaultdict(float)
    for r in _activities(ctx, "transport"):
        if str(r.get("unit")) == "tkm":
            out[calendar.start_year_of(r["date"])] += float(r["quantity"])
    return dict(out)


def use_phase_sales(ctx: Context) -> list[Sale]:
    """Every accepted use-phase row as a :class:`Sale` (units sold read from the batch's stored
    copy of its file, as imported).

    Raises:
        LingtanError: a batch's stored copy cannot be read.
    """
    from lingtan.adapters.io import batch_reading
    from lingtan.adapters.io.intake import parse_number, read_raw_rows_as
    from lingtan.core.templates.catalogue import get_template

    ws = ctx.workspace()
    rows = _activities(ctx, "use_phase")
    by_batch: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_batch[r["batch_id"]].append(r)
    tpl = get_template("use_phase")
    names = {_key(n): c.name for c in tpl.columns for n in (c.name, *c.aliases)}
    sales: list[Sale] = []
    for batch_id, acts in sorted(by_batch.items()):
        batch = ws.batch(batch_id)
        if not batch.source_file:
            raise LingtanError(f"batch {batch_id[:12]} has no copy of its original file")
        how = batch_reading.load(ws, batch_id)
        header, raw, _ = read_raw_rows_as(
            ws.batches_dir / batch.source_file, "use_phase",
            encoding=how.encoding, column_map=how.column_map,
        )  # fmt: skip
        if how.column_map is not None:
            cols = [how.column_map.columns.get(h, "") for h in header]
        else:
            cols = [names.get(_key(h), "") for h in header]
        for a in acts:
            cells = dict(zip(cols, raw.get(int(a["source_row"]), []), strict=False))
            units = parse_number(cells.get("units_sold", "") or "0", how.decimal)
            kwh = parse_number(cells.get("kwh_per_year", "") or "0", how.decimal)
            product = str(a.get("product") or cells.get("product", ""))
            sales.append(Sale(a["date"], product, units, kwh, batch_id, int(a["source_row"])))
    return sales


def comparable_products(ctx: Context) -> set[str] | None:
    """Product ids with an energy record in the workspace's product family, or None when there
    is no family (every product counts then)."""
    from lingtan.adapters.io.lca.folder import FAMILY_FILE, products_folder
    from lingtan.adapters.io.lca.native import read_family_yaml

    path = products_folder(ctx.workspace().path) / FAMILY_FILE
    if not path.is_file():
        return None
    return {r.product_id for r in read_family_yaml(path).energy}


def products_sold_by_year(ctx: Context, calendar: FiscalCalendar) -> dict[int, float]:
    """Σ units sold of comparable products per fiscal start year (module docstring); a
    comparable product-year without use-phase rows takes the family's ``sales`` record
    (:func:`lingtan.modules.products.efficiency.units_sold`: never both)."""
    from lingtan.adapters.io.lca.folder import FAMILY_FILE, products_folder
    from lingtan.adapters.io.lca.native import read_family_yaml
    from lingtan.modules.products.efficiency import units_sold

    keep = comparable_products(ctx)
    rows: dict[tuple[str, int], float] = defaultdict(float)
    for s in use_phase_sales(ctx):
        if keep is None or s.product in keep:
            rows[(s.product, calendar.start_year_of(s.day))] += s.units
    records = []
    if keep is not None:  # a family exists
        family = read_family_yaml(products_folder(ctx.workspace().path) / FAMILY_FILE)
        records = [r for r in family.sales if r.product_id in keep]
    out: dict[int, float] = defaultdict(float)
    for (_, year), (units, _) in units_sold(rows, records).items():
        out[year] += units
    return dict(out)


def gross_profit_series(ctx: Context, calendar: FiscalCalendar) -> tuple[dict[int, float], str]:
    """Gross profit per fiscal start year and its unit, from ``financials.csv``.

    Raises:
        MvFileError: the file is invalid, or a fiscal year is not understood (row named).
    """
    out: dict[int, float] = {}
    unit = DENOMINATORS["gross_profit"][0]
    for i, fy in enumerate(read_financials(ctx.workspace().path)):
        unit = fy.unit
        try:
            y = int(fy.fiscal_year) if fy.fiscal_year.isdigit() else None
            y = calendar.parse(fy.fiscal_year).start.year if y is None else y
        except (PeriodError, ValueError) as exc:
            from lingtan.core.messages import msg

            raise MvFileError(
                "financials.csv", f"row {i + 2}", "fiscal_year",
                msg("denominators.err.year", value=fy.fiscal_year, reason=str(exc)),
            ) from None  # fmt: skip
        out[y] = fy.gross_profit
    return out, unit


def denominators(
    ctx: Context, calendar: FiscalCalendar, names: Iterable[str] | None = None
) -> dict[str, Series]:
    """The denominators ``names`` (default: all three) computed from the workspace (module
    docstring); a denominator without any data is left out.

    Raises:
        LingtanError: a batch's file or ``financials.csv`` cannot be read.
    """
    want = set(DENOMINATORS if names is None else names)
    got: dict[str, tuple[dict[int, float], str, str]] = {}
    if "tkm" in want:
        got["tkm"] = (tkm_by_year(ctx, calendar), "tkm", "Σ tkm of the transport rows")
    if "comparable_products" in want:
        got["comparable_products"] = (
            products_sold_by_year(ctx, calendar), "item",
            "Σ units sold of the use-phase rows (comparable products)",
        )  # fmt: skip
    if "gross_profit" in want:
        gp, gp_unit = gross_profit_series(ctx, calendar)
        got["gross_profit"] = (gp, gp_unit, "financials.csv")
    out = {}
    for name, (values, unit, how) in got.items():
        vals = {y: v for y, v in sorted(values.items()) if v > 0}
        if vals:
            out[name] = Series(name, unit, vals, DENOMINATORS[name][1],
                               source=f"computed: {how}")  # fmt: skip
    return out


def fill_denominators(
    ctx: Context,
    series: Mapping[str, Series],
    calendar: FiscalCalendar,
    notes: list[str] | None = None,
    wanted: Iterable[str] | None = None,
) -> dict[str, Series]:
    """The targets hook: each of the three denominators (of ``wanted`` — the ones the targets
    divide by; default all) the targets file does not give values for takes the computed series
    (typed values win); when the workspace's data cannot be read the series stay as given and
    the reason goes to ``notes``."""
    out = dict(series)
    asked = set(DENOMINATORS if wanted is None else wanted)
    todo = [n for n in DENOMINATORS if n in asked and not (n in series and series[n].values)]
    if not todo:
        return out
    try:
        got = denominators(ctx, calendar, todo)
    except LingtanError as exc:
        if notes is not None:
            notes.append(f"intensity denominators not computed: {exc}")
        return out
    for name in todo:
        if name in got:
            s = got[name]
            old = series.get(name)
            if old is not None and old.unit and old.unit != s.unit:
                if notes is not None:
                    notes.append(f"series {name}: computed in {s.unit}, the file says {old.unit}")
                continue
            out[name] = s if old is None else Series(
                name, old.unit or s.unit, s.values, old.measure or s.measure, old.growth_pct,
                f"{old.source}; {s.source}".lstrip("; "),
            )  # fmt: skip
    return out
