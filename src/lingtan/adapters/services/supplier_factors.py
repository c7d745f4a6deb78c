"""Supplier-specific factors from accepted supplier allocations (issue 15 item 5, decision 0066).

The use cases that turn the answers a buyer accepted (:func:`lingtan.adapters.services.
supplier_requests.accepted_allocations`) into the supplier-specific factors a calculation of the
fiscal year uses, and that show the result:

* :func:`library_with_supplier_factors` — called by :func:`lingtan.adapters.services.
  calculation.calculate_workspace` before it describes its inputs, so that ``lingtan calc``, the
  API and the job worker all get the factors, the snapshot id changes when an accepted answer
  does, and the snapshot freezes the factors for ``lingtan explain``. Without accepted
  allocations for the year it returns the library untouched (no query of the activity files).
* :func:`supplier_factors` — the factors of a fiscal year and the allocations refused, with the
  reason (``lingtan suppliers factors``, an API route, a page).
* :func:`category1_by_supplier` — category 1 by supplier and its primary-data share, from the
  year's newest inventory.

The spend with a supplier is the sum of the supplier's Scope 3 category 1 money rows of the
fiscal year, each converted into one currency as the spend-based method converts an amount
(:func:`lingtan.adapters.compute.tables.conversion_rows`: the average rate of the amount's price
year; no deflation, the factor has no price year); the currency is that of the supplier's rows
when they share one, else USD. Rows in physical units give a factor per unit bought instead; a
supplier with both, or with units of two dimensions, gets no factor (its rows could not all take
one). Formula, units and refusals: :mod:`lingtan.modules.suppliers.specific_factors`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from lingtan.adapters.services.context import Context, JobContext
from lingtan.modules.suppliers.specific_factors import (
    SUPPLIER_SET,
    SupplierFactor,
    SupplierFactorError,
    emission_factors,
    supplier_factor,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from lingtan.adapters.compute.tables import MoneyTables
    from lingtan.adapters.io.library import Library
    from lingtan.adapters.store.workspace import Workspace
    from lingtan.core.periods import Period
    from lingtan.modules.suppliers.requests import AcceptedAllocation

#: The currency of a factor when a supplier's rows are in several (the pivot of the rates).
PIVOT_CURRENCY = "USD"


@dataclass(frozen=True)
class Refused:
    """An accepted allocation that did not become a factor: ``key`` / ``params`` name the
    reason in the ``supplier_factors`` catalogue, ``text`` says it in English."""

    supplier: str
    fiscal_year: str
    response_id: int
    key: str
    text: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SupplierFactors:
    """The supplier-specific factors of one fiscal year and the allocations refused."""

    fiscal_year: str
    factors: tuple[SupplierFactor, ...] = ()
    refused: tuple[Refused, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``factors`` (their provenance, :meth:`SupplierFactor.provenance`) and
        ``refused`` (supplier, response id, key, params, text)."""
        return {
            "fiscal_year": self.fiscal_year,
            "factors": [f.provenance() for f in self.factors],
            "refused": [
                {"supplier": r.supplier, "fiscal_year": r.fiscal_year,
                 "response_id": r.response_id, "key": r.key, "params": dict(r.params),
                 "text": r.text}
                for r in self.refused
            ],
        }  # fmt: skip


def accepted_for(ws: Workspace, period: Period) -> list[AcceptedAllocation]:
    """The allocations the buyer accepted for the fiscal year of ``period`` (the climate data
    requests of :mod:`lingtan.adapters.services.supplier_requests`), read in the workspace's
    own store with the workspace's rights (a calculation reads them as the job worker does).
    None while lingtan is installed without the requests capability."""
    try:
        from lingtan.adapters.services.supplier_requests import accepted_allocations
    except ImportError:  # the requests use case is not there (a partial installation)
        return []
    # every year's, filtered here: the period's label is not parsed again (parsed once, at the
    # boundary of the calculation)
    every = accepted_allocations(JobContext(ws), None)
    return [a for a in every if a.fiscal_year == period.label]


def build_factors(
    ws: Workspace,
    period: Period,
    allocations: Sequence[AcceptedAllocation],
    money: MoneyTables,
) -> SupplierFactors:
    """Turn ``allocations`` (of ``period``'s fiscal year) into supplier-specific factors: the
    customer's category 1 rows of each supplier in the period summed (one query over the
    workspace's activity files, grouped by supplier, unit and price year), converted and
    divided (:func:`lingtan.modules.suppliers.specific_factors.supplier_factor`). An
    allocation that cannot become a factor is in ``refused`` with its reason; the others'
    rows are not touched by it."""
    mine = [a for a in allocations if a.fiscal_year == period.label]
    if not mine:
        return SupplierFactors(period.label)
    sums = _category1_sums(ws.activity_files(), period, sorted({a.supplier_code for a in mine}))
    by_supplier: dict[str, list[tuple[str, int, float, int]]] = {}
    for s, unit, py, q, n in zip(
        *(sums.column(c).to_pylist() for c in ("supplier", "unit", "py", "quantity", "rows")),
        strict=True,
    ):
        by_supplier.setdefault(str(s), []).append((str(unit), int(py), float(q or 0.0), int(n)))
    factors: list[SupplierFactor] = []
    refused: list[Refused] = []
    for a in sorted(mine, key=lambda a: a.supplier_code):
        try:
            factors.append(_factor(a, period, by_supplier.get(a.supplier_code, []), money))
        except SupplierFactorError as exc:
            refused.append(
                Refused(a.supplier_code, a.fiscal_year, a.response_id, exc.key, str(exc),
                        {k: v for k, v in exc.params.items() if isinstance(v, str | int | float)})
            )  # fmt: skip
    return SupplierFactors(period.label, tuple(factors), tuple(refused))


def _factor(
    a: AcceptedAllocation,
    period: Period,
    rows: list[tuple[str, int, float, int]],
    money: MoneyTables,
) -> SupplierFactor:
    """One allocation's factor from its supplier's summed rows ``(unit, price year, Σ quantity,
    rows)``.

    Raises:
        SupplierFactorError: mixed units, a failed conversion, or the refusals of
            :func:`~lingtan.modules.suppliers.specific_factors.supplier_factor`.
    """
    from lingtan.adapters.compute.tables import unit_dim
    from lingtan.core.errors import UnitError
    from lingtan.core.units import currency_code

    def dim(u: str) -> str:
        try:
            return unit_dim(u)
        except UnitError:
            return f"?{u}"

    codes = {u: currency_code(u) if not dim(u).startswith("?") else None for u, *_ in rows}
    dims = sorted({dim(u) for u, *_ in rows})
    if len(dims) > 1:
        raise SupplierFactorError(
            "supplier_factors.err.mixed_units",
            f"supplier {a.supplier_code}, {a.fiscal_year}: its category 1 rows are in units of "
            f"different kinds ({', '.join(sorted({u for u, *_ in rows}))}): one factor cannot "
            "divide the allocation among them",
            supplier=a.supplier_code,
            fiscal_year=a.fiscal_year,
            units=", ".join(sorted({u for u, *_ in rows})),
        )
    spend = not rows or any(codes.values())
    if spend:
        isos = sorted({c for c in codes.values() if c})
        target = isos[0] if len(isos) == 1 else PIVOT_CURRENCY
    else:
        target = sorted({u for u, *_ in rows})[0]
    denominator = _converted(a, rows, target, money, spend)
    usd = _converted(a, rows, PIVOT_CURRENCY, money, spend) if spend and rows else None
    return supplier_factor(
        supplier=a.supplier_code,
        fiscal_year=a.fiscal_year,
        valid_from=period.start,
        valid_to=period.end + timedelta(days=1),
        allocated_t=float(a.allocated_t),
        denominator=denominator,
        unit=target,
        basis="spend" if spend else "quantity",
        allocation_method=a.allocation_method,
        response_id=a.response_id,
        rows=sum(n for *_, n in rows),
        denominator_usd=usd,
    )


def _converted(
    a: AcceptedAllocation,
    rows: list[tuple[str, int, float, int]],
    target: str,
    money: MoneyTables,
    spend: bool,
) -> float:
    """Σ quantity × the engine's conversion of each (unit, price year) into ``target`` — for
    money the spend-based method's (rate of the price year; no factor price year, so no
    deflation), else the unit conversion — [``target``].

    Raises:
        SupplierFactorError: a conversion failed (a missing exchange rate …), with its reason.
    """
    from lingtan.adapters.compute.tables import conversion_rows

    combos = [(u, target, py if spend else None, None) for u, py, _, _ in rows]
    table, failed = conversion_rows(combos, money)
    if failed:
        reason = "; ".join(sorted(set(failed.values())))
        raise SupplierFactorError(
            "supplier_factors.err.conversion",
            f"supplier {a.supplier_code}, {a.fiscal_year}: its rows do not convert into "
            f"{target}: {reason}",
            supplier=a.supplier_code,
            fiscal_year=a.fiscal_year,
            unit=target,
            reason=reason,
        )
    mult: dict[tuple[str, int | None], float] = {
        (str(u), py): float(c)
        for u, py, c in zip(
            *(table.column(k).to_pylist() for k in ("unit", "price_year", "conversion")),
            strict=True,
        )
    }
    return sum(q * mult[(u, py if spend else None)] for u, py, q, _ in rows)


def _category1_sums(files: Sequence[Any], period: Period, suppliers: Sequence[str]) -> pa.Table:
    """Σ quantity and rows of the Scope 3 category 1 rows of ``suppliers`` dated in ``period``,
    by (supplier, unit, effective price year: stated, else the year of the date) — the rows the
    engine gives the factor (:func:`lingtan.adapters.compute.engine._supplier_lookup`). One
    DuckDB query over the batch files (columns matched by name: a file written before the
    ``supplier`` column existed has none)."""
    import ibis
    import pyarrow as pa

    empty = pa.table({
        "supplier": pa.array([], pa.string()), "unit": pa.array([], pa.string()),
        "py": pa.array([], pa.int32()), "quantity": pa.array([], pa.float64()),
        "rows": pa.array([], pa.int64()),
    })  # fmt: skip
    if not files or not suppliers:
        return empty
    con = ibis.duckdb.connect()
    try:
        t = con.read_parquet([str(f) for f in files], union_by_name=True)
        if "supplier" not in t.columns:
            return empty
        t = t.filter(
            (t.scope == 3)
            & (t.category == 1)
            & t.supplier.isin(list(suppliers))
            & (t.date >= period.start)
            & (t.date <= period.end)
        )
        py = ibis.coalesce(t.price_year.cast("int32"), t.date.year().cast("int32"))
        g = t.group_by([t.supplier, t.unit, py.name("py")]).aggregate(
            quantity=t.quantity.sum(), rows=t.count()
        )
        out: pa.Table = g.order_by(["supplier", "unit", "py"]).to_pyarrow()
        return out.cast(empty.schema)
    finally:
        con.disconnect()


def library_with_supplier_factors(
    ws: Workspace,
    period: Period,
    lib: Library,
    allocations: Sequence[AcceptedAllocation] | None = None,
) -> Library:
    """``lib`` with the supplier-specific factors of ``period``'s fiscal year added as the
    factor set :data:`~lingtan.modules.suppliers.specific_factors.SUPPLIER_SET` (its content
    hash among the set hashes, so the snapshot id changes with an accepted answer; its cache key
    extended, so the factor tables and the frozen factor file are those of library + factors).

    ``allocations``: the accepted allocations (default: :func:`accepted_for`). None accepted,
    or none that gives a factor: ``lib`` itself, unchanged.
    """
    got = accepted_for(ws, period) if allocations is None else list(allocations)
    if not any(a.fiscal_year == period.label for a in got):
        return lib
    from lingtan.adapters.services.calculation import load_money

    built = build_factors(ws, period, got, load_money(ws))
    return extend_library(lib, built.factors)


def extend_library(lib: Library, factors: Sequence[SupplierFactor]) -> Library:
    """``lib`` plus ``factors`` as the set :data:`SUPPLIER_SET` (``lib`` when none)."""
    from lingtan.adapters.io.cache import content_key

    if not factors:
        return lib
    extra = emission_factors(factors)
    digest = hashlib.sha256(
        json.dumps([f.provenance() for f in factors], sort_keys=True, default=str).encode()
    ).hexdigest()
    return replace(
        lib,
        factors=(*lib.factors, *extra),
        set_hashes={**lib.set_hashes, SUPPLIER_SET: digest},
        cache_key=content_key([lib.cache_key, SUPPLIER_SET, digest]) if lib.cache_key else "",
    )


def supplier_factors(
    ctx: Context,
    fiscal_year: str,
    allocations: Sequence[AcceptedAllocation] | None = None,
) -> SupplierFactors:
    """The supplier-specific factors the next calculation of ``fiscal_year`` (a label, parsed
    under the workspace's calendar) will use, and the accepted allocations refused, with why.

    Raises:
        PeriodError: the label is not a fiscal year.
        ServiceError: forbidden without read access.
    """
    from lingtan.adapters.services.calculation import load_money

    ctx.require("read")
    ws = ctx.workspace()
    period = ws.config.period(fiscal_year)
    got = accepted_for(ws, period) if allocations is None else list(allocations)
    return build_factors(ws, period, got, load_money(ws))


def category1_by_supplier(ctx: Context, fiscal_year: str) -> dict[str, Any]:
    """Scope 3 category 1 of the newest inventory of ``fiscal_year`` by supplier [t CO2e]
    (``unattributed``: rows without one) and the share from primary, supplier-specific data
    [%] (None when category 1 is empty); GHG Protocol Scope 3 Standard §7.3, §7.5.

    Raises:
        WorkspaceError: the year was never calculated.
    """
    from lingtan.adapters.services.calculation import latest_inventory

    ctx.require("read")
    inv = latest_inventory(ctx, fiscal_year)
    share = inv.primary_share()
    return {
        "fiscal_year": inv.fiscal_year,
        "snapshot_id": inv.snapshot_id,
        "category1_tco2e": inv.total("market", scope=3, category=1),
        "by_supplier_tco2e": inv.category1_by_supplier(),
        "primary_share_pct": None if share is None else 100.0 * share,
    }


def explain_line(provenance: Mapping[str, Any], locale: str) -> str:
    """The lineage line of a supplier-specific factor (its :meth:`SupplierFactor.provenance`,
    as a snapshot froze it), e.g. ``supplier-specific: response #7, supplier S-A, revenue
    share, FY2023/24: 22.44 t CO2e / 112,200 CNY = 0.2 kg CO2e/CNY`` in ``locale``."""
    from lingtan.adapters.i18n.messages import Translator

    t = Translator(locale)
    method = str(provenance.get("allocation_method") or "")
    key = f"supplier_factors.method.{method}"

    def num(v: Any, spec: str) -> str:
        try:
            return format(float(v), spec)
        except (TypeError, ValueError):
            return "?"

    return t(
        "supplier_factors.explain.line",
        response_id=provenance.get("response_id", "?"),
        supplier=provenance.get("supplier", "?"),
        method=t(key) if t.has(key) else method,
        fiscal_year=provenance.get("fiscal_year", "?"),
        allocated_t=num(provenance.get("allocated_t"), ",.6g"),
        denominator=num(provenance.get("denominator"), ",.6g"),
        unit=provenance.get("unit", "?"),
        kg_per_unit=num(provenance.get("kg_per_unit"), ".6g"),
    )


__all__ = [
    "Refused",
    "SupplierFactors",
    "accepted_for",
    "build_factors",
    "category1_by_supplier",
    "explain_line",
    "extend_library",
    "library_with_supplier_factors",
    "supplier_factors",
]
