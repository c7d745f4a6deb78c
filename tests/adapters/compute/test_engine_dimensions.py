"""Suppliers and products through the engine (decision 0044): both calculations keep them on
every emission row, the summed one keeps the sums of two suppliers (products) apart, and batch
files written before the columns existed read as if they were empty.

Hand calculation (Scope 3 category 1, purchased goods, mass-based, one factor set):
material.steel, GLO, per kg: 2.0 kg CO2 + 0.01 kg CH4 × GWP 28 (AR5) = 2.28 kg CO2e/kg.

=====  ========  =======  ==========  =========  ========================
row    supplier  product  date        kg         kg CO2e (× 2.28)
=====  ========  =======  ==========  =========  ========================
1      S-A       P-1      2023-05-10  1 000      2 280
2      S-A       P-1      2023-05-20    500      1 140
3      S-B       P-2      2023-05-15  2 000      4 560
4      —         —        2023-05-12    100        228
5      S-A       P-2      2023-06-01    250        570
=====  ========  =======  ==========  =========  ========================

By supplier: S-A 1 750 kg → 3 990 kg CO2e; S-B 4 560; none 228. By product: P-1 1 500 kg →
3 420; P-2 2 250 kg → 5 130; none 228. Total 3 850 kg → 8 778 kg CO2e.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from numpy.testing import assert_allclose

from lingtan.adapters.compute.engine import (
    EMISSION_COLUMNS,
    CalcInputs,
    calculate,
    calculate_totals,
)
from lingtan.adapters.store.workspace import month_sums
from lingtan.core.activities import (
    ACTIVITY_SCHEMA,
    DIMENSION_COLUMNS,
    KEY_COLUMNS,
    KeyDictionary,
    keys_path,
    month_sums_path,
)
from lingtan.core.factors import make_factor
from lingtan.core.gwp import build_gwp_set
from lingtan.core.periods import FiscalCalendar, Period

ROWS = [  # (supplier, product, date, kg)
    ("S-A", "P-1", date(2023, 5, 10), 1000.0),
    ("S-A", "P-1", date(2023, 5, 20), 500.0),
    ("S-B", "P-2", date(2023, 5, 15), 2000.0),
    (None, None, date(2023, 5, 12), 100.0),
    ("S-A", "P-2", date(2023, 6, 1), 250.0),
]
PER_KG = 2.0 + 0.01 * 28  # kg CO2e / kg
BY_SUPPLIER = {"S-A": 1750 * PER_KG, "S-B": 2000 * PER_KG, None: 100 * PER_KG}
BY_PRODUCT = {"P-1": 1500 * PER_KG, "P-2": 2250 * PER_KG, None: 100 * PER_KG}
TOTAL = 3850 * PER_KG  # 8 778 kg CO2e = 3 990 + 4 560 + 228


def _activities(batch: str = "b1", rows: list[Any] = ROWS) -> pa.Table:
    out = [
        {"row_id": i, "batch_id": batch, "source_row": i + 1, "template": "purchased_goods",
         "site": "HQ", "region": None, "date": d, "scope": 3, "category": 1,
         "activity_type": "material.steel", "quantity": kg, "unit": "kg", "price_year": None,
         "method": "s3.c1.average_data", "basis": "both", "tier": "activity",
         "description": None, "supplier": s, "product": p}
        for i, (s, p, d, kg) in enumerate(rows, start=1)
    ]  # fmt: skip
    return pa.Table.from_pylist(out, schema=ACTIVITY_SCHEMA)


def write_batch(
    folder: Path, name: str, *, old: bool = False, sidecars: bool = True, rows: list[Any] = ROWS
) -> Path:
    """A batch file as intake writes it (key ids, key dictionary and month sums beside it);
    ``old``: without the supplier and product columns, as written before they existed."""
    table = _activities(name, rows)
    keys = KeyDictionary()
    table = table.set_column(table.schema.get_field_index("key_id"), "key_id", keys.encode(table))
    key_table = keys.table()
    if old:
        table = table.drop_columns(list(DIMENSION_COLUMNS))
        key_table = key_table.drop_columns(list(DIMENSION_COLUMNS))
    path = folder / f"{name}.activities.parquet"
    pq.write_table(table, path)
    if sidecars:
        pq.write_table(key_table, keys_path(path))
        pq.write_table(month_sums(table), month_sums_path(path))
    return path


def inputs(files: list[Path], period: Period | None = None) -> CalcInputs:
    cal = FiscalCalendar(4)
    meta = {
        "publisher": "case",
        "dataset": "case",
        "edition": "1",
        "region": "GLO",
        "activity_type": "material.steel",
        "unit": "kg",
        "valid_from": "2020-01-01",
    }
    factors = [
        make_factor("case", {**meta, "factor_id": "steel/CO2", "gas": "CO2", "value": "2.0"}),
        make_factor("case", {**meta, "factor_id": "steel/CH4", "gas": "CH4", "value": "0.01"}),
    ]  # fmt: skip
    return CalcInputs(
        activity_files=files,
        factors=factors,
        gwp=build_gwp_set("AR5", {"CH4": 28, "N2O": 265}, "case"),
        period=period or cal.parse("FY2023/24"),
        calendar=cal,
        site_regions={"HQ": "CN"},
        site_shares={},
        default_region="CN",
    )


def sums_by(emissions: ibis.Table, column: str) -> dict[Any, float]:
    t = emissions.group_by(column).aggregate(kg=emissions.co2e_kg.sum()).to_pyarrow()
    return dict(zip(t.column(column).to_pylist(), t.column("kg").to_pylist(), strict=True))


def test_key_columns_end_with_the_dimensions() -> None:
    """Supplier and product are key columns (sums kept apart), last: a batch without them
    numbers its keys exactly as before (one null value each adds no digit)."""
    assert KEY_COLUMNS[-2:] == DIMENSION_COLUMNS == ("supplier", "product")
    assert EMISSION_COLUMNS[-2:] == DIMENSION_COLUMNS
    for name in DIMENSION_COLUMNS:
        assert ACTIVITY_SCHEMA.field(name).type == pa.string()
        assert ACTIVITY_SCHEMA.field(name).nullable


def test_key_ids_unchanged_without_dimensions() -> None:
    """The key ids of rows without supplier and product do not depend on the new columns."""
    table = _activities(rows=[(None, None, d, kg) for _, _, d, kg in ROWS])
    with_dims = KeyDictionary().encode(table).to_pylist()
    assert with_dims == [1] * len(ROWS)  # one key: every other column is equal


@pytest.mark.parametrize("sidecars", [True, False], ids=["month-sums", "no-sidecars"])
def test_totals_keep_suppliers_and_products_apart(tmp_path: Path, sidecars: bool) -> None:
    path = write_batch(tmp_path, "b1", sidecars=sidecars)
    result = calculate_totals(inputs([path]), ibis.duckdb.connect())
    compact = result.stages.bound(result.compact).to_pyarrow().to_pylist()
    # four (key, month) sums: S-A/P-1 May (2 rows), S-B/P-2 May, none May, S-A/P-2 June
    got = sorted(
        (str(r["supplier"]), str(r["product"]), r["date"].month, r["quantity"], r["rows"])
        for r in compact
    )
    assert got == [
        ("None", "None", 5, 100.0, 1),
        ("S-A", "P-1", 5, 1500.0, 2),
        ("S-A", "P-2", 6, 250.0, 1),
        ("S-B", "P-2", 5, 2000.0, 1),
    ]
    assert_allclose(sums_by(result.emissions, "supplier")["S-A"], 3990.0, rtol=1e-12)
    for column, expected in (("supplier", BY_SUPPLIER), ("product", BY_PRODUCT)):
        got_sums = sums_by(result.emissions, column)
        assert got_sums.keys() == expected.keys()
        assert_allclose([got_sums[k] for k in expected], list(expected.values()), rtol=1e-12)


def test_totals_by_key_id_in_a_part_month(tmp_path: Path) -> None:
    """A period that is not whole months sums per key id (not the month sums): still apart."""
    path = write_batch(tmp_path, "b1")
    period = Period(date(2023, 5, 11), date(2023, 6, 30), "part")
    result = calculate_totals(inputs([path], period), ibis.duckdb.connect())
    got = sums_by(result.emissions, "supplier")
    # row 1 (10 May) is outside: S-A 750 kg, S-B 2 000 kg, none 100 kg
    assert_allclose([got["S-A"], got["S-B"], got[None]], [750 * PER_KG, 4560.0, 228.0])


def test_rows_carry_supplier_and_product(tmp_path: Path) -> None:
    """The per-row calculation (lineage) gives each emission row its activity's dimensions."""
    path = write_batch(tmp_path, "b1")
    rows = calculate(inputs([path]), ibis.duckdb.connect()).emissions.to_pyarrow()
    assert rows.num_rows == 2 * len(ROWS)  # CO2 and CH4 per activity row
    by_row = {
        (r["row_id"], r["gas"]): (r["supplier"], r["product"], r["co2e_kg"])
        for r in rows.to_pylist()
    }
    assert by_row[(3, "CO2")] == ("S-B", "P-2", pytest.approx(4000.0))
    assert by_row[(3, "CH4")] == ("S-B", "P-2", pytest.approx(560.0))  # 2000 × 0.01 × 28
    assert by_row[(4, "CO2")][:2] == (None, None)


@pytest.mark.parametrize("engine", [calculate, calculate_totals], ids=["rows", "totals"])
def test_old_batch_reads_with_empty_dimensions(tmp_path: Path, engine: Any) -> None:
    """A batch written before supplier and product existed (file and key dictionary without
    them) calculates as before: same total, every row unattributed."""
    path = write_batch(tmp_path, "old", old=True)
    assert "supplier" not in pq.read_schema(path).names
    assert "supplier" not in pq.read_schema(keys_path(path)).names
    result = engine(inputs([path]), ibis.duckdb.connect())
    assert sums_by(result.emissions, "supplier") == {None: pytest.approx(TOTAL)}
    assert sums_by(result.emissions, "product") == {None: pytest.approx(TOTAL)}


@pytest.mark.parametrize("engine", [calculate, calculate_totals], ids=["rows", "totals"])
def test_old_and_new_batches_together(tmp_path: Path, engine: Any) -> None:
    """An old batch first, a new one second: the new one's suppliers are not lost (the files
    are read by column name, not by the first file's schema)."""
    old = write_batch(tmp_path, "old", old=True)
    new = write_batch(tmp_path, "new")
    result = engine(inputs([old, new]), ibis.duckdb.connect())
    got = sums_by(result.emissions, "supplier")
    expected = {**BY_SUPPLIER, None: BY_SUPPLIER[None] + TOTAL}  # the old batch: unattributed
    assert got.keys() == expected.keys()
    assert_allclose([got[k] for k in expected], list(expected.values()), rtol=1e-12)


def test_old_batch_without_sidecars(tmp_path: Path) -> None:
    """An old batch with neither key ids' dictionary nor month sums (grouped on the columns)."""
    path = write_batch(tmp_path, "old", old=True, sidecars=False)
    result = calculate_totals(inputs([path]), ibis.duckdb.connect())
    assert sums_by(result.emissions, "supplier") == {None: pytest.approx(TOTAL)}


@pytest.mark.parametrize(
    ("supplier", "expected_t"), [("S-A", 7.0), ("S-B", 3.0), ("unattributed", 1.0)]
)
def test_explain_a_supplier_figure(tmp_path: Path, supplier: str, expected_t: float) -> None:
    """Lineage recomputes the figure of one supplier (``unattributed``: the rows without one)
    and checks it against the inventory's (:mod:`supplierkit`: S-A 7 t, S-B 3 t, none 1 t)."""
    from lingtan.adapters.compute.lineage import Selection, explain, find_snapshot
    from lingtan.adapters.store.workspace import open_workspace
    from supplierkit import YEAR, build_supplier_workspace

    ws = open_workspace(build_supplier_workspace(tmp_path / "ws"))
    try:
        snap = find_snapshot(ws, snapshot=None, fiscal_year=YEAR)
        ex = explain(ws, snap, Selection(scope=3, supplier=supplier))
        assert ex.matches
        assert ex.reported_t == pytest.approx(expected_t, rel=1e-9)
        assert ex.recomputed_t == pytest.approx(expected_t, rel=1e-9)
        want = None if supplier == "unattributed" else supplier
        assert set(ex.rows.column("supplier").to_pylist()) == {want}
    finally:
        ws.engine.dispose()
