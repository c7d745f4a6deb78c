"""Double imports (issue 10 item 7, decision 0030): a file whose rows largely repeat an earlier,
active batch is refused unless the user says append (keep both) or supersede (replace it).

"Largely" = share of the new file's accepted rows whose (activity type, site, date, period end,
quantity, unit) equal a row of ONE earlier batch ≥ 50 %.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app
from lingtan.adapters.io.importer import (
    DuplicateImportError,
    find_overlap,
    import_file,
)
from lingtan.adapters.store.workspace import Workspace, init_workspace, open_workspace
from lingtan.core.activities import ACTIVITY_SCHEMA

HEAD = "site,date,fuel,quantity,unit\n"
ROWS = [f"HQ,2023-05-0{d},diesel,{100 * d},L\n" for d in range(1, 5)]  # 4 rows: 100 … 400 L


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws", organisation="Test Co")


def _file(tmp_path: Path, name: str, rows: list[str]) -> Path:
    p = tmp_path / name
    p.write_text(HEAD + "".join(rows), encoding="utf-8")
    return p


def lingtan(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, list(args))
    return res.exit_code, res.output


def test_share_is_counted_per_new_row_against_one_batch(ws: Workspace, tmp_path: Path) -> None:
    a = import_file(ws, _file(tmp_path, "fuel_q1.csv", ROWS))
    # 3 rows, 2 of them in batch a (100 L on 05-01, 200 L on 05-02), one new (999 L):
    # share = 2 / 3 = 66.7 % ≥ 50 % → refused, shown as 66 % (rounded down)
    f = _file(tmp_path, "fuel_again.csv", [ROWS[0], ROWS[1], "HQ,2023-05-09,diesel,999,L\n"])
    with pytest.raises(DuplicateImportError) as err:
        import_file(ws, f)
    o = err.value.overlap
    assert (o.batch_id, o.file_name, o.rows_matching, o.rows_new) == (a.batch_id, "fuel_q1.csv",
                                                                       2, 3)  # fmt: skip
    assert o.percent == 66
    msg = str(err.value)
    assert "fuel_q1.csv" in msg
    assert "66 %" in msg
    assert a.batch_id[:12] in msg
    assert len(ws.batches()) == 1  # nothing stored
    # the same quantity on another date is another row: 1 of 3 = 33 % < 50 % → imported
    g = _file(tmp_path, "fuel_may.csv", [ROWS[0], "HQ,2023-06-01,diesel,100,L\n",
                                         "HQ,2023-06-02,diesel,200,L\n"])  # fmt: skip
    rep = import_file(ws, g)
    assert rep.rows_accepted == 3
    assert rep.duplicates == [(2, a.batch_id)]  # the one equal row is still reported


def test_exactly_half_is_refused_and_repeats_within_a_file_count_once_each(
    ws: Workspace, tmp_path: Path
) -> None:
    import_file(ws, _file(tmp_path, "fuel_a.csv", ROWS[:1]))
    # 2 rows, the first equal to a's only row: 1 / 2 = 50 % → refused (threshold inclusive)
    with pytest.raises(DuplicateImportError):
        import_file(ws, _file(tmp_path, "fuel_b.csv", [ROWS[0], ROWS[3]]))
    # a file repeating a's row twice: both new rows match → 2 / 2 = 100 %
    with pytest.raises(DuplicateImportError) as err:
        import_file(ws, _file(tmp_path, "fuel_c.csv", [ROWS[0], ROWS[0]]))
    assert (err.value.overlap.rows_matching, err.value.overlap.rows_new) == (2, 2)


def test_the_largest_overlap_of_a_single_batch_is_named(ws: Workspace, tmp_path: Path) -> None:
    import_file(ws, _file(tmp_path, "fuel_one.csv", ROWS[:1]))
    b = import_file(ws, _file(tmp_path, "fuel_two.csv", ROWS[1:3]))
    # new file: rows 1 … 4; fuel_one.csv holds 1 (25 %), fuel_two.csv 2 (50 %): the latter named
    with pytest.raises(DuplicateImportError) as err:
        import_file(ws, _file(tmp_path, "fuel_all.csv", ROWS))
    assert (err.value.overlap.batch_id, err.value.overlap.percent) == (b.batch_id, 50)


def test_append_keeps_both_and_supersede_replaces(ws: Workspace, tmp_path: Path) -> None:
    a = import_file(ws, _file(tmp_path, "fuel.csv", ROWS))
    again = _file(tmp_path, "fuel_export2.csv", ROWS[:3])
    both = import_file(ws, again, append=True)
    assert [b.id for b in ws.batches()] == [a.batch_id, both.batch_id]
    fixed = _file(tmp_path, "fuel_fixed.csv", [*ROWS[:3], "HQ,2023-05-04,diesel,450,L\n"])
    # repeats a (3 / 4 = 75 %) and the appended batch (3 / 4): supersede names which one goes
    c = import_file(open_workspace(ws.path), fixed, supersedes=a.batch_id[:12])
    assert [b.id for b in open_workspace(ws.path).batches()] == [both.batch_id, c.batch_id]


def test_superseded_batches_are_not_compared(ws: Workspace, tmp_path: Path) -> None:
    a = import_file(ws, _file(tmp_path, "fuel_v1.csv", ROWS))
    import_file(ws, _file(tmp_path, "fuel_v2.csv", [r.replace("diesel", "petrol") for r in ROWS]),
                supersedes=a.batch_id)  # fmt: skip
    # v1 is superseded: a file equal to it again is not a repeat of an active batch
    rep = import_file(open_workspace(ws.path), _file(tmp_path, "fuel_v1_again.csv", ROWS[:3]))
    assert rep.rows_accepted == 3


def test_overlap_is_vectorised_over_many_rows(ws: Workspace, tmp_path: Path) -> None:
    """200,000 rows, half of them in an earlier batch: share = 100,000 / 200,000 = 50 %."""
    n = 200_000
    import_file(ws, _file(tmp_path, "fuel_seed.csv", ROWS[:1]))  # a batch to write the Parquet
    first = ws.batches()[0]
    import duckdb

    # an earlier batch of 100,000 rows written as the store writes it (same schema)
    con = duckdb.connect()
    path = ws.batches_dir / first.activities_file  # type: ignore[operator]
    big = con.sql(
        "SELECT * REPLACE (CAST(range AS INTEGER) AS source_row, 1.0 * range AS quantity) "
        f"FROM read_parquet('{path}'), range({n // 2})"
    ).to_arrow_table()
    con.close()
    import pyarrow.parquet as pq

    pq.write_table(big.drop_columns(["range"]).cast(ACTIVITY_SCHEMA), path)
    new = pa.table(
        {
            "activity_type": pa.array([big.column("activity_type")[0].as_py()] * n),
            "site": pa.array(["HQ"] * n),
            "date": pa.array([big.column("date")[0].as_py()] * n, pa.date32()),
            "period_end": pa.nulls(n, pa.date32()),
            "quantity": pa.array([float(i) for i in range(n)]),  # 0 … 199,999: half in batch
            "unit": pa.array([big.column("unit")[0].as_py()] * n),
        }
    )
    o = find_overlap(ws, new)
    assert o is not None
    assert (o.rows_matching, o.rows_new, o.percent) == (n // 2, n, 50)


def test_cli_refuses_and_names_the_batch(ws: Workspace, tmp_path: Path) -> None:
    first = _file(tmp_path, "fuel.csv", ROWS)
    code, out = lingtan("import", str(first), "-w", str(ws.path))
    assert code == 0, out
    batch = open_workspace(ws.path).batches()[0]
    again = _file(tmp_path, "fuel_copy.csv", ROWS[:3])
    code, out = lingtan("import", str(again), "-w", str(ws.path))
    assert code == 1
    text = " ".join(out.split())  # rich wraps long lines
    assert "100 % of its rows (3 of 3) repeat batch" in text
    assert f"{batch.id[:12]} (fuel.csv, imported {batch.imported_at:%Y-%m-%d}" in text
    assert "--append" in text
    assert f"--supersede {batch.id[:12]}" in text
    assert len(open_workspace(ws.path).batches()) == 1
    code, out = lingtan("import", str(again), "-w", str(ws.path), "--append")
    assert code == 0, out
    assert len(open_workspace(ws.path).batches()) == 2
    third = _file(tmp_path, "fuel_v3.csv", ROWS[1:])
    code, out = lingtan("import", str(third), "-w", str(ws.path), "--supersede", batch.id[:12])
    assert code == 0, out
    names = [b.file_name for b in open_workspace(ws.path).batches()]
    assert names == ["fuel_copy.csv", "fuel_v3.csv"]
    assert re.search(r"3 accepted", out)
