"""Completeness is never silent (issue 10 item 1) and no command crashes on empty results (item
5): the CLI marks an incomplete inventory in calc (before the table), inventory (table, JSON,
CSV, XLSX) and snapshots; the exclusions register; "not split"."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from completenesskit import ONLY_GADGET, WIDGET_T, YEAR, write_incomplete_workspace
from lingtan.adapters.cli.main import app

runner = CliRunner()


def lingtan(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    # never a traceback: a clean exit (typer.Exit → SystemExit) or none
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert "Traceback" not in res.output
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = write_incomplete_workspace(tmp_path / "ws")
    code, out = lingtan(
        "import", str(folder / "activity.csv"), "--template", "activity", "-w", str(folder)
    )
    assert code == 0, out
    return folder


def test_calc_warns_before_the_table_and_exits_2(ws: Path) -> None:
    code, out = lingtan("calc", "-y", YEAR, "-w", str(ws))
    assert code == 2, out
    assert "INCOMPLETE FY2023/24" in out
    assert out.index("INCOMPLETE FY2023/24") < out.index("t CO2e ")  # before the table header
    assert "1 activity rows were not calculated" in out
    assert "material.gadget in CN (t), 12 t: no factor" in out
    assert "add: an emission factor for material.gadget in CN valid in FY2023/24" in out


def test_inventory_and_snapshots_mark_it(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    monkeypatch.setenv("LINGTAN_LANG", "en")  # the workbook's headers: the CLI's language

    assert lingtan("calc", "-y", YEAR, "-w", str(ws))[0] == 2
    code, out = lingtan("snapshots", "-w", str(ws))
    assert code == 0
    assert "INCOMPLETE (1 activity rows not calculated)" in out

    code, out = lingtan("inventory", "-y", YEAR, "-w", str(ws))
    assert code == 0
    assert out.splitlines()[0].startswith("completeness FY2023/24: INCOMPLETE — 1 activity rows")
    assert "material.gadget in CN, 12 t — add an emission factor" in out
    # category 2 has only the failed row: "not calculated", not 0
    cat2 = next(line for line in out.splitlines() if "Category 2:" in line)
    assert "not calculated" in cat2

    code, out = lingtan("inventory", "-y", YEAR, "-w", str(ws), "-f", "json")
    doc = json.loads(out)
    c = doc["completeness"]
    assert c["status"] == "incomplete"
    assert c["rows_not_calculated"] == 1
    assert c["basis"] == {"material.gadget [t]": 12.0}
    (g,) = c["groups"]
    assert (g["activity_type"], g["region"], g["unit"], g["quantity"], g["cause"]) == (
        "material.gadget", "CN", "t", 12.0, "no_factor")  # fmt: skip
    assert c["unresolved"][0]["rows"] == 1  # the engine's list is kept
    assert c["scope3_categories"]["1"] == "reported"
    assert c["scope3_categories"]["2"] == "not_calculated"
    assert c["scope3_categories"]["3"] == "not_reported"
    assert doc["totals_tco2e"]["scope3"] == pytest.approx(WIDGET_T)  # 5 t × 1000 kg/t

    code, out = lingtan("inventory", "-y", YEAR, "-w", str(ws), "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["section"] == "completeness"
    assert rows[0]["key"].startswith("status: incomplete: 1 activity rows not calculated")
    assert any("not calculated: 1 rows of material.gadget" in r["key"] for r in rows)

    target = tmp_path / "inv.xlsx"
    assert lingtan("inventory", "-y", YEAR, "-w", str(ws), "-f", "xlsx", "-o", str(target))[0] == 0
    wb = load_workbook(target)
    assert "Completeness" in wb.sheetnames
    lines = [r[1] for r in wb["Completeness"].iter_rows(min_row=2, values_only=True)]
    assert lines[0].startswith("status: incomplete")
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=2, values_only=True) if r}
    assert about["Completeness"] == "incomplete"


def test_calc_with_nothing_resolving_exits_cleanly(tmp_path: Path) -> None:
    folder = write_incomplete_workspace(tmp_path / "ws", activity=ONLY_GADGET)
    assert (
        lingtan(
            "import", str(folder / "activity.csv"), "--template", "activity", "-w", str(folder)
        )[0]
        == 0
    )
    code, out = lingtan("calc", "-y", YEAR, "-w", str(folder))
    assert code == 2, out
    assert "INCOMPLETE FY2023/24" in out
    code, out = lingtan("inventory", "-y", YEAR, "-w", str(folder))
    assert code == 0
    assert "INCOMPLETE" in out


def test_empty_year_and_missing_snapshots_end_with_a_message(tmp_path: Path) -> None:
    folder = write_incomplete_workspace(tmp_path / "ws")
    w = ("-w", str(folder))
    code, out = lingtan("calc", "-y", YEAR, *w)  # no rows at all
    assert code == 1
    assert "nothing to calculate: no activity row is dated in FY2023/24" in out
    code, out = lingtan("inventory", "-y", "FY2020/21", *w)
    assert code == 1
    assert "no inventory for FY2020/21" in out
    code, out = lingtan("snapshots", "-y", "FY2020/21", *w)
    assert code == 0
    assert "No snapshots of FY2020/21" in out
    code, out = lingtan("explain", "-y", "FY2020/21", *w)
    assert code == 1
    assert "error:" in out
    code, out = lingtan("diff", "aaaaaaaa", "bbbbbbbb", *w)
    assert code == 1
    assert "error:" in out


EXCLUSIONS = """
exclusions:
  - category: 8
    reason: size
    note: no upstream leased assets
  - category: 14
    reason: other
    note: the company has no franchises
"""


def test_exclusions_register_is_printed_instead_of_zero(tmp_path: Path) -> None:
    folder = write_incomplete_workspace(tmp_path / "ws", exclusions=EXCLUSIONS)
    assert (
        lingtan(
            "import", str(folder / "activity.csv"), "--template", "activity", "-w", str(folder)
        )[0]
        == 0
    )
    code, out = lingtan("calc", "-y", YEAR, "-w", str(folder))
    assert code == 2
    code, out = lingtan("inventory", "-y", YEAR, "-w", str(folder))
    cat8 = next(line for line in out.splitlines() if "Category 8:" in line)
    assert "excluded: size" in cat8
    assert "Scope 3 category 14 excluded — other criterion, stated in the note (other): the " \
        "company has no franchises" in out  # fmt: skip
    assert "not reported, no reason: 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 15" in out
    doc = json.loads(lingtan("inventory", "-y", YEAR, "-w", str(folder), "-f", "json")[1])
    c = doc["completeness"]
    assert [e["category"] for e in c["exclusions"]] == [8, 14]
    assert c["scope3_categories"]["8"] == "excluded"


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("exclusions:\n  - category: 8\n    reason: cheap\n",
         "exclusions[0].reason: 'cheap' is not one of size, influence"),
        ("exclusions:\n  - category: 16\n    reason: size\n",
         "exclusions[0].category: 16 is not a Scope 3 category 1–15"),
        ("exclusions:\n  - category: 8\n    reason: other\n",
         "exclusions[0].note: reason 'other' needs a note"),
        ("exclusions:\n  - category: 8\n", "exclusions[0].reason: required"),
        ("exclusions:\n  - {category: 8, reason: size}\n  - {category: 8, reason: risk}\n",
         "exclusions[1].category: category 8 is listed twice"),
        ("exclusions: size\n", "exclusions: expected a list"),
    ],
)  # fmt: skip
def test_bad_exclusions_name_file_field_and_reason(
    tmp_path: Path, yaml_text: str, message: str
) -> None:
    folder = write_incomplete_workspace(tmp_path / "ws", exclusions="\n" + yaml_text)
    code, out = lingtan("calc", "-y", YEAR, "-w", str(folder))
    assert code == 1
    assert "lingtan.yaml" in out
    assert message in " ".join(out.split())


def test_disclosed_scope_without_split_prints_not_split(tmp_path: Path) -> None:
    folder = write_incomplete_workspace(tmp_path / "ws")
    (folder / "disclosed.csv").write_text(
        "date,scope,category,co2e,unit,site\n"
        "2023-04-01,1,1,4969,t,HQ\n"  # Scope 1 disclosed as one figure
        "2023-04-01,3,1,100,t,HQ\n"
        "2023-04-01,3,6,50,t,HQ\n",
        encoding="utf-8",
    )
    assert lingtan("import", str(folder / "disclosed.csv"), "-w", str(folder))[0] == 0
    lingtan("calc", "-y", YEAR, "-w", str(folder))
    _, out = lingtan("inventory", "-y", YEAR, "-w", str(folder))
    lines = {ln.strip().split("  ")[0]: ln for ln in out.splitlines()}
    assert "4,969" in lines["Scope 1"]
    for name in ("S1 stationary combustion", "S1 mobile combustion", "S1 fugitive"):
        assert "not split" in lines[name], name
    assert "not split" not in lines["Category 1: purchased goods and services"]  # split: 2 cats
    doc = json.loads(lingtan("inventory", "-y", YEAR, "-w", str(folder), "-f", "json")[1])
    assert doc["split"] == {"scope1": False, "scope2": None, "scope3": True}


TARGETS = """organisation: Incomplete Co
fiscal_year_start_month: 4
emissions:
  FY2019/20: {scope1: 0, scope2_market: 0, scope3: {1: 10}}
targets:
  - id: S3
    name: Scope 3 −50 % by FY2029/30
    horizon: near_term
    kind: absolute
    scopes: [3]
    base_year: FY2019/20
    target_year: FY2029/30
    reduction_pct: 50
credits:
  holdings:
    - {id: H1, standard: VCS, project_id: VCS-1, project_type: reforestation, vintage: 2022,
       kind: removal, serial_prefix: VCS-1-2022, serial_start: 1, serial_end: 100}
  retirements:
    - {holding: H1, serial_start: 1, serial_end: 10, claim: ORG-FY23, retired_on: 2024-06-30}
claims:
  - id: ORG-FY23
    subject_type: organisation
    subject_id: Incomplete Co
    period_start: 2023-04-01
    period_end: 2024-03-31
    footprint_t: 5
    footprint_standard: ISO 14064-1:2018
    footprint_verified: true
    reductions_t: 1
    reduction_evidence: [audit]
"""


def test_target_status_and_claim_on_an_incomplete_inventory_say_so(ws: Path) -> None:
    assert lingtan("calc", "-y", YEAR, "-w", str(ws))[0] == 2
    targets = ws / "targets.yaml"
    targets.write_text(TARGETS, encoding="utf-8")
    code, out = lingtan("targets", "progress", str(targets), "-w", str(ws), "-y", YEAR)
    assert code == 0, out
    assert "[INCOMPLETE: built on an incomplete inventory: FY2023/24 (1 activity rows" in out
    code, out = lingtan("targets", "claims", str(targets), "--workspace", str(ws))
    assert code == 3  # a check fails
    assert "NO  completeness: built on an INCOMPLETE inventory (snapshot" in out
    assert "1 activity rows not calculated" in out
