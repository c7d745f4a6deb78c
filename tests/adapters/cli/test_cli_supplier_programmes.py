"""``lingtan suppliers projects|training …`` (decision 0067) on a workspace, on SQLite and
PostgreSQL (``workspace_store``), with hand-checked figures.

星火 as three projects (20-year lifetimes, basis 0.5568 t/MWh):

- XH-PV (S-A): ¥60 M, 12,000 MWh/yr, 11,000 t/yr; measured 4,000 t (FY2022/23) + 6,000 t
  (Apr–Dec 2023, FY2023/24);
- XH-CA (S-B): ¥50 M, 11,500 MWh/yr, 12,000 t/yr; measured 9,000 t (FY2023/24);
- XH-MH (S-C, also in LCFC): ¥40 M, 10,000 MWh/yr, 10,000 t/yr; measured 8,000 t (FY2023/24).

Σ ¥150 M, 27,000 t to date, 660,000 t over 670,000 MWh → implied 0.985 t/MWh, above the
highest grid factor of CN in the bundled library (cn-grid, 河北 CN-HE 2021: 0.7901) → warning;
670,000 MWh · 0.5568 = 373,056 t. ¥150 M / 27,000 t = ¥5,555.6/t; / 660,000 t = ¥227.3/t.
KPI: 4,000 t (FY2022/23), 27,000 t (FY2023/24) against the pathway 1,000,000 · 2/4 = 500,000 t
→ off track.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.supplier_programmes import app
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.suppliers import create_supplier
from lingtan.adapters.store.scoping import tenant_session
from lingtan.adapters.store.workspace import init_workspace

runner = CliRunner()
XH = "星火行动"


def run(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args), env={"LINGTAN_LANG": "en"})
    if res.exit_code == 1 and res.exc_info is not None:  # an unexpected exception
        import traceback

        traceback.print_exception(*res.exc_info)
    return res.exit_code, res.output


def run_json(*args: str) -> Any:
    code, out = run(*args, "--json")
    assert code == 0, out
    return json.loads(out)


@pytest.fixture
def ws(tmp_path: Path, workspace_store: str) -> Path:
    root = tmp_path / "ws"
    init_workspace(root, organisation="Buyer Co", region="CN")
    ctx = LocalContext(root)
    w = ctx.workspace()
    with tenant_session(w.engine, w.organisation_id, actor=ctx.actor) as db:
        for code in ("S-A", "S-B", "S-C"):
            create_supplier(db, ctx, {"code": code, "legal_name": f"Supplier {code}",
                                      "country": "CN"})  # fmt: skip
    return root


def _add(ws: Path, code: str, supplier: str, capex: float, mwh: float, t: float,
         *programmes: str) -> None:  # fmt: skip
    args = ["projects", "add", code, "--supplier", supplier, "--name", code, "--capex",
            str(capex), "--mwh-per-year", str(mwh), "--t-per-year", str(t),
            "--basis-factor", "0.5568", "--basis", "MEE/NBS 2021 national average",
            "-w", str(ws)]  # fmt: skip
    for p in programmes:
        args += ["--programme", p]
    code_, out = run(*args)
    assert code_ == 0, out


def _measure(ws: Path, code: str, start: str, end: str, t: float) -> None:
    c, out = run("projects", "measure", code, "--start", start, "--end", end, "--t", str(t),
                 "-w", str(ws))  # fmt: skip
    assert c == 0, out


def xinghuo(ws: Path) -> None:
    _add(ws, "XH-PV", "S-A", 60e6, 12_000, 11_000, XH)
    _add(ws, "XH-CA", "S-B", 50e6, 11_500, 12_000, XH)
    _add(ws, "XH-MH", "S-C", 40e6, 10_000, 10_000, XH, "LCFC")
    _measure(ws, "XH-PV", "2022-04-01", "2023-03-31", 4_000)
    _measure(ws, "XH-PV", "2023-04-01", "2023-12-31", 6_000)
    _measure(ws, "XH-CA", "2023-04-01", "2023-12-31", 9_000)
    _measure(ws, "XH-MH", "2023-04-01", "2023-12-31", 8_000)


def test_ledger_warning_cost_and_kpi(ws: Path) -> None:
    xinghuo(ws)
    doc = run_json("projects", "list", "-w", str(ws))
    xh = next(s for s in doc["programmes"] if s["name"] == XH)
    assert xh["capex_cny"] == pytest.approx(150e6)
    assert xh["cumulative_t"] == pytest.approx(27_000)
    assert xh["expected_lifetime_t"] == pytest.approx(660_000)
    assert xh["lifetime_mwh"] == pytest.approx(670_000)
    check = xh["check"]
    assert round(check["implied_t_per_mwh"], 3) == 0.985
    assert check["exceeds"] is True
    assert check["highest"]["region"] == "CN-HE"
    assert check["highest"]["value"] == pytest.approx(0.7901)
    assert check["electricity_worth_t"] == pytest.approx(373_056)
    assert round(xh["cost_per_t_to_date"]) == 5_556
    assert round(xh["cost_per_t_lifetime"]) == 227
    assert xh["warning"]["key"] == "supplier_programmes.warn.implied_factor"
    # XH-MH is in two programmes: listed under both, counted once in the group
    lcfc = next(s for s in doc["programmes"] if s["name"] == "LCFC")
    assert lcfc["projects"] == ["XH-MH"]
    assert doc["group"]["attributed_t"] == pytest.approx(27_000)
    assert doc["double_count_t"] == pytest.approx(8_000)
    code, out = run("projects", "list", "-w", str(ws))
    assert code == 0
    assert "implied factor 0.9851" in out
    kpi = run_json("projects", "kpi", "-w", str(ws))
    assert kpi["values"] == {"FY2022/23": 4_000, "FY2023/24": 27_000}
    assert kpi["pathway_value"] == pytest.approx(500_000)  # 1,000,000 · 2/4
    assert kpi["status"] == "off_track"
    assert kpi["progress_pct"] == pytest.approx(2.7)
    code, out = run("projects", "kpi", "-w", str(ws))
    assert code == 0
    assert "off track" in out


def test_refusals_exit_with_their_kind(ws: Path) -> None:
    code, out = run("projects", "add", "X", "--supplier", "NOPE", "--name", "x", "-w", str(ws))
    assert code == 2
    assert "No supplier with the code 'NOPE'" in out
    _add(ws, "XH-PV", "S-A", 1, 1, 1)
    code, out = run("projects", "add", "XH-PV", "--supplier", "S-A", "--name", "x",
                    "-w", str(ws))  # fmt: skip
    assert code == 5
    code, out = run("projects", "measure", "XH-PV", "--start", "2024-02-01", "--end",
                    "2024-01-01", "--t", "1", "-w", str(ws))  # fmt: skip
    assert code == 2
    assert "before it starts" in out
    code, out = run("projects", "measure", "NOPE", "--start", "2024-01-01", "--end",
                    "2024-01-31", "--t", "1", "-w", str(ws))  # fmt: skip
    assert code == 3
    code, out = run("projects", "add", "Y", "--supplier", "S-A", "--name", "y",
                    "--attribution", "120", "-w", str(ws))  # fmt: skip
    assert code == 2
    assert "0–100" in out


ATTENDANCE = """\
event,kind,title,date,organiser,person,supplier,completed
C1,course,ESG requirements,2023-05-10,,Li Lei,S-A,yes
C1,,,,,li  lei ,S-A,yes
C1,,,,,Han Meimei,S-B,no
C2,course,Carbon accounting,2023-09-01,,Li Lei,S-A,
C2,,,,,Wang Fang,S-B,1
ESG-DAY,conference,Supplier ESG Day,2023-11-08,,Li Lei,S-A,
ESG-DAY,,,,,Han Meimei,S-B,
W1,webinar,CDP disclosure,2023-06-01,CDP,Li Lei,S-A,
W2,webinar,EcoVadis rating,2024-01-15,EcoVadis,Wang Fang,S-B,
W2,,,,,Zhao Qiang,,
"""


def test_training_import_and_summary(ws: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(ATTENDANCE + "W3,webinar,,2024-02-01,,Li Lei,S-X,maybe\n", encoding="utf-8")
    code, out = run("training", "import", str(bad), "-w", str(ws))
    assert code == 2
    # row 12 (the header is row 1): title missing for a new event, unknown supplier, bad flag
    assert "bad.csv, row 12, column title" in out
    assert "bad.csv, row 12, column supplier: No supplier with the code 'S-X'" in out
    assert "bad.csv, row 12, column completed" in out
    assert run_json("training", "list", "-w", str(ws)) == []  # nothing imported
    good = tmp_path / "attendance.csv"
    good.write_text(ATTENDANCE, encoding="utf-8")
    code, out = run("training", "import", str(good), "-w", str(ws))
    assert code == 0, out
    # 10 rows, 5 events created, 9 attendances (Li Lei's second C1 row is a repeat)
    assert "10 rows, 5 events created, 9 attendances added, 1 repeats" in out
    s = run_json("training", "summary", "--year", "FY2023/24", "-w", str(ws))
    # courses C1, C2; learners Li Lei@S-A, Han Meimei@S-B, Wang Fang@S-B
    assert (s["courses"], s["learners"]) == (2, 3)
    by = {k["kind"]: (k["events"], k["attendances"], k["people"]) for k in s["by_kind"]}
    assert by == {"course": (2, 4, 3), "conference": (1, 2, 2), "webinar": (2, 3, 3),
                  "lecture": (0, 0, 0)}  # fmt: skip
    # importing the same file again adds nothing
    code, out = run("training", "import", str(good), "-w", str(ws))
    assert "0 events created, 0 attendances added, 10 repeats" in out


TARGETS = """\
organisation: Buyer Co
kpis:
  - {id: KPI-SC, name: 1 Mt supply-chain reduction, kind: supply_chain_reduction,
     unit: t CO2e, goal: 1000000, goal_year: FY2025/26}
  - {id: KPI-RE, name: renewables, kind: renewable_share, unit: "%", goal: 90,
     goal_year: FY2025/26}
"""


def test_targets_kpi_reads_the_ledger(ws: Path) -> None:
    """The targets file's supply-chain KPI without values takes the ledger's (counted from
    FY2022/23: start point 0 t at the end of FY2021/22) and is off track: 27,000 t in FY2023/24
    against 1,000,000 · 2/4 = 500,000 t. Another KPI is left as it is."""
    from lingtan.adapters.services.targets import targets_overview

    (ws / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    ctx = LocalContext(ws)
    before = {k["id"]: k for k in targets_overview(ctx)["kpis"]}
    assert before["KPI-SC"]["status"] == "no_data"  # no project yet
    xinghuo(ws)
    kpis = {k["id"]: k for k in targets_overview(LocalContext(ws))["kpis"]}
    sc = kpis["KPI-SC"]
    assert sc["values"] == {"FY2022/23": 4_000, "FY2023/24": 27_000}
    assert sc["start"] == {"year": "FY2021/22", "value": 0.0}
    assert sc["pathway_value"] == pytest.approx(500_000)
    assert sc["status"] == "off_track"
    assert kpis["KPI-RE"]["status"] == "no_data"
