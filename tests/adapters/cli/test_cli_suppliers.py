"""An activity file with a supplier column gives an inventory broken down by supplier; the same
file without the column still imports and gives the same total (decision 0044). The workspace
and its hand calculation: :mod:`supplierkit` (S-A 7 t, S-B 3 t, unattributed 1 t; total 11 t).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app
from supplierkit import (
    BY_SUPPLIER_T,
    TOTAL_T,
    WITH_SUPPLIER,
    WITHOUT_SUPPLIER,
    YEAR,
    prepare_workspace,
)

runner = CliRunner()


def lingtan(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.output


def workspace(folder: Path, activities: str) -> Path:
    """:func:`supplierkit.prepare_workspace`, then ``lingtan import`` and ``lingtan calc``."""
    prepare_workspace(folder, activities)
    spend = folder / "spend.csv"
    code, out = lingtan("import", str(spend), "--template", "spend", "-w", str(folder))
    assert code == 0, out
    assert "4 accepted, 0 rejected" in out
    code, out = lingtan("calc", "--year", YEAR, "-w", str(folder))
    assert code == 0, out
    return folder


def inventory(folder: Path, fmt: str) -> str:
    code, out = lingtan("inventory", "--year", YEAR, "-w", str(folder), "--format", fmt)
    assert code == 0, out
    return out


def test_supplier_column_gives_a_breakdown_by_supplier(tmp_path: Path) -> None:
    ws = workspace(tmp_path / "ws", WITH_SUPPLIER)
    doc = json.loads(inventory(ws, "json"))
    assert doc["totals_tco2e"]["scope3"] == pytest.approx(TOTAL_T, rel=1e-9)
    assert doc["totals_tco2e"]["total_market"] == pytest.approx(TOTAL_T, rel=1e-9)
    got = doc["by_supplier_tco2e"]
    assert list(got) == ["S-A", "S-B", "unattributed"]  # suppliers sorted, unattributed last
    assert got == pytest.approx(BY_SUPPLIER_T, rel=1e-9)
    assert "by_product_tco2e" not in doc  # the spend file names no product
    rows = list(csv.DictReader(io.StringIO(inventory(ws, "csv"))))
    by_supplier = {r["key"]: float(r["tco2e"]) for r in rows if r["section"] == "by_supplier"}
    assert by_supplier == pytest.approx(BY_SUPPLIER_T, rel=1e-9)
    table = inventory(ws, "table")
    assert "Supplier S-A (market-based)" in table
    assert "Supplier unattributed (market-based)" in table


def test_same_file_without_the_column_gives_the_same_total(tmp_path: Path) -> None:
    with_col = json.loads(inventory(workspace(tmp_path / "a", WITH_SUPPLIER), "json"))
    without = json.loads(inventory(workspace(tmp_path / "b", WITHOUT_SUPPLIER), "json"))
    assert "supplier" not in WITHOUT_SUPPLIER
    assert without["totals_tco2e"]["total_market"] == pytest.approx(TOTAL_T, rel=1e-9)
    assert without["totals_tco2e"] == with_col["totals_tco2e"]
    # no supplier anywhere: the document is as before the dimension existed
    assert "by_supplier_tco2e" not in without
    assert "by_product_tco2e" not in without
    csv_text = inventory(tmp_path / "b", "csv")
    assert "by_supplier" not in csv_text
    assert "Supplier" not in inventory(tmp_path / "b", "table")


def test_explain_rows_carry_the_supplier(tmp_path: Path) -> None:
    """Lineage recomputes the emission rows with the supplier of each activity row, and they
    still add up to the inventory's figure."""
    ws = workspace(tmp_path / "ws", WITH_SUPPLIER)
    out_csv = tmp_path / "rows.csv"
    code, out = lingtan(
        "explain", "--year", YEAR, "--scope", "3", "-w", str(ws), "--output", str(out_csv)
    )
    assert code == 0, out
    text = out_csv.read_text(encoding="utf-8")
    rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(text)))
    per: dict[str, float] = {}
    for r in rows:
        key = r["supplier"] or "unattributed"
        per[key] = per.get(key, 0.0) + float(r["co2e_kg"]) / 1000.0
    assert per == pytest.approx(BY_SUPPLIER_T, rel=1e-9)


def test_explain_one_supplier(tmp_path: Path) -> None:
    """``lingtan explain --supplier S-A``: the two rows of S-A, 7 t, matching the inventory."""
    ws = workspace(tmp_path / "ws", WITH_SUPPLIER)
    out_csv = tmp_path / "rows.csv"
    code, out = lingtan(
        "explain", "--year", YEAR, "--supplier", "S-A", "-w", str(ws), "--output", str(out_csv)
    )
    assert code == 0, out
    assert "supplier S-A" in out
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    assert {r["supplier"] for r in rows} == {"S-A"}
    assert sum(float(r["co2e_kg"]) for r in rows) / 1000.0 == pytest.approx(7.0, rel=1e-9)
