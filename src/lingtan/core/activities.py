"""Activity records and the inventory's classification (scopes, categories, ISO 14064-1).

Every import template (see :mod:`lingtan.core.templates`) turns its rows into *normalised
activities*, one schema for all: what (``activity_type``), how much (``quantity`` in ``unit``),
when (``date``), where (``site``, ``region``), how it is classified (``scope``, ``category``) and by
which method. The engine knows nothing of templates; it only reads this schema.

Category codes:

- Scope 1 (GHG Protocol Corporate Standard ch. 4): 1 stationary combustion, 2 mobile combustion,
  3 fugitive, 4 process.
- Scope 2: 1 electricity, 2 steam, 3 heat, 4 cooling.
- Scope 3: 1 … 15 as in the GHG Protocol Scope 3 Standard, Table 5.4.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pyarrow as pa

SCOPE1_CATEGORIES = {
    1: "stationary combustion",
    2: "mobile combustion",
    3: "fugitive",
    4: "process",
}
SCOPE2_CATEGORIES = {1: "electricity", 2: "steam", 3: "heat", 4: "cooling"}
SCOPE3_CATEGORIES = {
    1: "purchased goods and services",
    2: "capital goods",
    3: "fuel- and energy-related activities",
    4: "upstream transportation and distribution",
    5: "waste generated in operations",
    6: "business travel",
    7: "employee commuting",
    8: "upstream leased assets",
    9: "downstream transportation and distribution",
    10: "processing of sold products",
    11: "use of sold products",
    12: "end-of-life treatment of sold products",
    13: "downstream leased assets",
    14: "franchises",
    15: "investments",
}
SCOPE3_CATEGORIES_ZH = {
    1: "采购商品及服务",
    2: "资本货物",
    3: "燃料及能源相关活动",
    4: "运输及分销（上游）",
    5: "运营中产生的废弃物",
    6: "差旅",
    7: "员工通勤",
    8: "租赁资产（上游）",
    9: "运输及分销（下游）",
    10: "已售出产品的加工",
    11: "使用已售出产品",
    12: "已售出产品生命周期末端处理",
    13: "租赁资产（下游）",
    14: "特许经营",
    15: "投资",
}
CATEGORIES = {1: SCOPE1_CATEGORIES, 2: SCOPE2_CATEGORIES, 3: SCOPE3_CATEGORIES}


def iso14064_category(scope: int, category: int) -> int:
    """ISO 14064-1:2018 §5.2.4 / Annex B category (1–6) of a GHG Protocol scope and category.

    1 direct; 2 indirect from imported energy; 3 transportation (S3 4, 6, 7, 9); 4 products used by
    the organisation (S3 1, 2, 3, 5, 8); 5 use of products from the organisation (S3 10–13);
    6 other indirect (S3 14, 15).
    """
    if scope == 1:
        return 1
    if scope == 2:
        return 2
    if category in (4, 6, 7, 9):
        return 3
    if category in (1, 2, 3, 5, 8):
        return 4
    if category in (10, 11, 12, 13):
        return 5
    return 6


class Basis(StrEnum):
    """Which Scope 2 total a row counts in (GHG Protocol Scope 2 Guidance ch. 6).

    ``both`` rows (all Scope 1 and 3, and energy rows before market adjustment) count in the
    location-based and the market-based totals alike.
    """

    BOTH = "both"
    LOCATION = "location"
    MARKET = "market"


class Tier(StrEnum):
    """Data-quality method tier of an activity (GHG Protocol Scope 3 Standard §7.3)."""

    SUPPLIER_SPECIFIC = "supplier_specific"
    ACTIVITY = "activity"
    SPEND = "spend"
    DISCLOSED = "disclosed"


#: Data-quality indicators an activity may carry (scored 1 best … 5 worst).
DQ_INDICATORS = ("temporal", "geographical", "technological", "completeness", "reliability")

#: The normalised activity schema every template produces and the engine reads.
ACTIVITY_SCHEMA = pa.schema(
    [
        pa.field("row_id", pa.int64(), nullable=False),  # unique in the workspace
        pa.field("batch_id", pa.string(), nullable=False),  # import batch (content hash)
        pa.field("source_row", pa.int32(), nullable=False),  # 1-based row in the file
        pa.field("template", pa.string(), nullable=False),
        pa.field("site", pa.string(), nullable=False),
        pa.field("region", pa.string()),  # empty/null → the site's region
        pa.field("date", pa.date32(), nullable=False),
        pa.field("scope", pa.int8(), nullable=False),
        pa.field("category", pa.int8(), nullable=False),
        pa.field("activity_type", pa.string(), nullable=False),
        pa.field("quantity", pa.float64(), nullable=False),
        pa.field("unit", pa.string(), nullable=False),
        pa.field("price_year", pa.int16()),  # currency amounts only
        pa.field("method", pa.string(), nullable=False),
        pa.field("basis", pa.string(), nullable=False),
        pa.field("tier", pa.string(), nullable=False),
        pa.field("description", pa.string()),
        # the supplier (an id) and the product (an id or name) of the activity, where the GHG
        # Protocol Scope 3 Standard lets emissions be attributed to them (categories 1, 2, 4, 9,
        # 11, 12; decision 0044); null = not stated. Batches written before these columns
        # existed read with nulls (:func:`with_missing_columns`).
        pa.field("supplier", pa.string()),
        pa.field("product", pa.string()),
        pa.field("period_end", pa.date32()),  # inclusive end of a period row, else null
        # data-quality indicators as given, 1 (best) … 5 (worst); null = not stated
        # (GHG Protocol Scope 3 Standard §7.3, Table 7.6 pedigree-style criteria)
        *(pa.field(f"dq_{k}", pa.int8()) for k in DQ_INDICATORS),
        # integer id of the row's classification key (:data:`KEY_COLUMNS`), assigned at intake
        # and numbered per batch file; the strings are in the batch's ``keys`` sidecar
        pa.field("key_id", pa.int32()),
    ]
)

#: Optional dimensions of an activity (decision 0044): who supplied it and which product it
#: concerns. Nullable text; kept through the engine into the emission rows and the inventory's
#: breakdowns (:meth:`lingtan.core.inventory.Inventory.by_supplier`).
DIMENSION_COLUMNS = ("supplier", "product")

#: The columns that decide how an activity is calculated (besides its date and quantity), and
#: the dimensions its emissions are reported by (:data:`DIMENSION_COLUMNS`). Rows equal on all
#: of them, in the same month, give emissions proportional to their quantities, so the
#: calculation can sum quantities per (key, month) before any join, and the sums of two
#: suppliers or products stay apart.
KEY_COLUMNS = (
    "site",
    "region",
    "scope",
    "category",
    "activity_type",
    "unit",
    "price_year",
    "method",
    "basis",
    "tier",
    *(f"dq_{k}" for k in DQ_INDICATORS),
    # last, so that a batch without supplier and product (all null: one value each) numbers its
    # keys exactly as before these columns existed (:meth:`KeyDictionary.encode`)
    *DIMENSION_COLUMNS,
)

#: Schema of a batch's key dictionary: ``key_id`` → the key columns.
KEY_SCHEMA = pa.schema(
    [pa.field("key_id", pa.int32(), nullable=False)]
    + [ACTIVITY_SCHEMA.field(k) for k in KEY_COLUMNS]
)


def with_missing_columns(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with each nullable column of ``schema`` it lacks appended as nulls.

    Batch files and their key dictionaries written before a column was added to
    :data:`ACTIVITY_SCHEMA` (``supplier`` and ``product``, decision 0044) read as if the column
    had been empty. Columns the table has are left as they are; a missing non-nullable column is
    not invented (the caller's schema check names it)."""
    for f in schema:
        if f.nullable and f.name not in table.column_names:
            table = table.append_column(f, pa.nulls(table.num_rows, f.type))
    return table


def keys_path(activities_path: Path) -> Path:
    """Key-dictionary sidecar of an activities file: ``x.parquet`` → ``x.keys.parquet``."""
    return activities_path.with_name(activities_path.stem + ".keys.parquet")


#: Schema of a batch's month sums: per (``key_id``, calendar month) of its rows, written at
#: intake beside the batch (decision 0012). A calculation over whole months reads these instead
#: of every row; the sums are exact, so the result is the same (up to summation order).
MONTH_SUMS_SCHEMA = pa.schema(
    [
        pa.field("key_id", pa.int32(), nullable=False),
        pa.field("month", pa.int32(), nullable=False),  # 12 × year + month − 1
        pa.field("quantity", pa.float64()),  # Σ quantity [unit]
        pa.field("rows", pa.int64(), nullable=False),  # activity rows summed
        pa.field("quantity_sq", pa.float64()),  # Σ quantity² [unit²]
    ]
)


def month_sums_path(activities_path: Path) -> Path:
    """Month-sums sidecar of an activities file: ``x.parquet`` → ``x.months.parquet``."""
    return activities_path.with_name(activities_path.stem + ".months.parquet")


class KeyDictionary:
    """Assigns integer ids to classification keys (:data:`KEY_COLUMNS`), chunk after chunk.

    Turning the string keys into one int32 at intake lets the engine sum quantities per
    (key, month) with an integer group-by and join the (small) result, instead of joining
    strings over every row.
    """

    def __init__(self) -> None:
        self._ids: dict[tuple[object, ...], int] = {}

    def encode(self, table: pa.Table) -> pa.Array:
        """The ``key_id`` of every row of ``table`` (new keys get the next ids)."""
        import numpy as np
        import pyarrow.compute as pc

        n = table.num_rows
        code = np.zeros(n, dtype=np.int64)
        radix = 1
        dicts: list[list[object]] = []
        for name in KEY_COLUMNS:
            enc = pc.dictionary_encode(table.column(name)).combine_chunks()
            values = enc.dictionary.to_pylist()
            idx = enc.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)
            values.append(None)
            card = len(values)
            if radix * card >= 2**62:  # keep the mixed-radix code in range: renumber
                uniq, code = np.unique(code, return_inverse=True)
                dicts = _decode_all(uniq, dicts)
                radix = len(uniq)
            code = code * card + idx
            radix *= card
            dicts.append(values)
        uniq, inverse = np.unique(code, return_inverse=True)
        ids = np.empty(len(uniq), dtype=np.int32)
        for j, key in enumerate(_decode_tuples(uniq, dicts)):
            ids[j] = self._ids.setdefault(key, len(self._ids) + 1)
        return pa.array(ids[inverse.reshape(-1)], pa.int32())

    def table(self) -> pa.Table:
        """The dictionary as a table of :data:`KEY_SCHEMA`."""
        keys = list(self._ids)
        cols = [pa.array(list(self._ids.values()), pa.int32())]
        cols += [
            pa.array([k[i] for k in keys], KEY_SCHEMA.field(name).type)
            for i, name in enumerate(KEY_COLUMNS)
        ]
        return pa.Table.from_arrays(cols, schema=KEY_SCHEMA)


def _decode_tuples(codes: object, dicts: list[list[object]]) -> list[tuple[object, ...]]:
    out = []
    for c in codes.tolist():  # type: ignore[attr-defined]
        parts: list[object] = []
        for values in reversed(dicts):
            c, r = divmod(c, len(values))
            parts.append(values[r])
        parts.reverse()
        flat: list[object] = []
        for part in parts:  # a renumbered column holds tuples of the columns before it
            flat.extend(part) if isinstance(part, tuple) else flat.append(part)
        out.append(tuple(flat))
    return out


def _decode_all(codes: object, dicts: list[list[object]]) -> list[list[object]]:
    """Collapse the columns encoded so far into one column of tuples (renumbering)."""
    return [list(_decode_tuples(codes, dicts))]


@dataclass(frozen=True)
class Stream:
    """An extra emission stream an activity type gives rise to, beyond its own.

    Example: burning diesel (Scope 1) also has well-to-tank emissions upstream, which the GHG
    Protocol Scope 3 Standard puts in category 3 (ch. 5.5, activity 3a).
    """

    prefix: str  # activity types starting with this …
    factor_prefix: str  # … also look up factors under this prefix (suffix kept)
    scope: int
    category: int
    method: str
    from_scopes: tuple[int, ...] = (1, 2)  # only the company's own combustion/energy use


#: Streams applied by the engine to every activity whose type starts with ``prefix``. Only
#: factors that exist are applied; activities with no such factor are listed as "not estimated"
#: in the inventory's completeness report, never silently.
STREAMS: tuple[Stream, ...] = (
    Stream("fuel.", "wtt.fuel.", 3, 3, "s3.c3.wtt_fuel"),
    Stream("electricity.grid", "wtt.electricity.grid", 3, 3, "s3.c3.wtt_electricity"),
    Stream("electricity.grid", "td_loss.electricity.grid", 3, 3, "s3.c3.td_loss"),
    Stream("heat.", "wtt.heat.", 3, 3, "s3.c3.wtt_heat"),
)
