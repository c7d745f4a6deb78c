"""``lingtan targets`` and ``lingtan plan`` end to end on the documented example file
(docs/targets.md), bad input named by file/item/field, and the demo's targets section."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app
from lingtan.adapters.cli.targets import show_report_targets

runner = CliRunner()


def lingtan(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.output


@pytest.fixture
def example(tmp_path: Path, repo: Path) -> Path:
    """The YAML example of docs/targets.md, as a user would copy it."""
    doc = (repo / "docs" / "targets.md").read_text(encoding="utf-8")
    m = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert m is not None
    path = tmp_path / "targets.yaml"
    path.write_text(m.group(1), encoding="utf-8")
    return path


def test_list_validate_progress_on_the_documented_example(example: Path) -> None:
    code, out = lingtan("targets", "list", str(example), "--json")
    assert code == 0, out
    ids = [t["id"] for t in json.loads(out)]
    assert ids == ["S12", "S3-PG", "S3-USE", "NZ"]
    code, out = lingtan("targets", "validate", str(example), "--json")
    assert code == 0, out
    assert json.loads(out)["compliant"] is True
    # submitted in 2017: FY2029/30 ends 2030, 13 years later → C13 fails, exit 3
    code, out = lingtan("targets", "validate", str(example), "--submitted", "2017")
    assert code == 3
    assert "NT-TIMEFRAME" in out
    assert "C13" in out
    code, out = lingtan("targets", "progress", str(example), "--json")
    assert code == 0, out
    doc = json.loads(out)
    s12 = next(t for t in doc["targets"] if t["target"]["id"] == "S12")
    # base 1,200 + 4,800 = 6,000 t; FY2023/24 (4 of 10 years): 6,000 · (1 − 0.462 · 0.4) = 4,891.2
    fy23 = next(p for p in s12["points"] if p["year"] == "FY2023/24")
    assert fy23["pathway"] == pytest.approx(4891.2)
    assert fy23["actual"] == 4900
    assert s12["status"] == "off_track"
    assert doc["kpis"][0]["status"] == "off_track"  # 55 % vs pathway 10 + 80 · 4/6 = 63.33 %


def test_plan_commands(example: Path) -> None:
    code, out = lingtan("plan", "projects", str(example), "--json")
    assert code == 0, out
    rows = json.loads(out)
    pv = next(r for r in rows if r["project"] == "PV" and r["year"] == "FY2024/25")
    # 1,300 MWh × 0.1229 = 159.77 tce; FY2024/25 from 2024-04-01: × 0.5827 kg/kWh (MEE/NBS 2023
    # Jiangsu, the latest year, nearest earlier) = 1,300,000 × 0.5827 / 1000 = 757.51 t
    assert pv["tce"] == pytest.approx(159.77)
    assert pv["tco2e"] == pytest.approx(757.51)
    code, out = lingtan("plan", "macc", str(example), "--year", "FY2026/27", "--json")
    assert code == 0, out
    costs = [e["cost_per_t"] for e in json.loads(out)["entries"]]
    assert costs == sorted(costs)
    code, out = lingtan("plan", "optimise", str(example), "--json")
    assert code == 0, out
    res = json.loads(out)
    assert res["status"] == "optimal"
    assert all(c["met"] for c in res["checks"])
    got = {d["project_id"]: d for d in res["decisions"]}
    assert "not economically feasible" in got["BOILER"]["reason"]
    assert got["PV"]["chosen"]
    assert got["AIR"]["chosen"]
    assert res["waterfall"][0]["kind"] == "start"
    assert res["waterfall"][-1]["kind"] == "net"
    assert set(res["series"]) >= {"bau", "residual", "net", "abatement:PV", "credits:REMOVALS"}


def test_claims(example: Path) -> None:
    code, out = lingtan("targets", "claims", str(example))
    assert code == 0, out
    assert "valid" in out
    text = example.read_text(encoding="utf-8").replace("footprint_t: 4900", "footprint_t: 5000")
    example.write_text(text, encoding="utf-8")
    code, out = lingtan("targets", "claims", str(example))
    assert code == 3
    assert "100.000 t uncovered" in out


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    reduction_pct: 46.2\n",
            "    reduction_pct: lots\n",
            "targets[0] (id 'S12'), field 'reduction_pct': not a number: 'lots'",
        ),
        (
            "    base_year: FY2019/20\n    target_year: FY2029/30\n    reduction_pct: 46.2",
            "    base_year: FY2019/21\n    target_year: FY2029/30\n    reduction_pct: 46.2",
            "targets[0] (id 'S12'), field 'base_year': 'FY2019/21': the two years must be "
            "consecutive",
        ),
        (
            "    type: certificate\n",
            "    type: certifcate\n",
            "projects[3] (id 'GEC'), field 'type': unknown value 'certifcate'",
        ),
        (
            "      serial_end: 10000\n",
            "      serial_end: 10000\n    - {id: H2, standard: VCS, "
            "project_id: X, project_type: x, vintage: 2022, kind: removal, serial_prefix: "
            "VCS-1234-2022, serial_start: 9000, serial_end: 12000}\n",
            "overlaps holding 'H1'",
        ),
        ("    capex: 4200000 ", "    capx: 4200000 ", "unknown field(s) capx"),
    ],
)
def test_bad_input_names_file_item_field(example: Path, old: str, new: str, message: str) -> None:
    text = example.read_text(encoding="utf-8")
    assert old in text
    example.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out = lingtan("targets", "list", str(example))
    assert code == 1
    flat = " ".join(out.split())
    assert "targets.yaml" in flat
    assert message in flat


def test_example_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "report.yaml"
    code, out = lingtan("targets", "example", str(path))
    assert code == 0, out
    code, out = lingtan("targets", "progress", str(path), "--json")
    assert code == 0, out
    doc = json.loads(out)
    status = {t["target"]["id"]: t["status"] for t in doc["targets"]}
    assert status == {"NT-S12": "on_track", "NT-S3-USE": "no_data", "NT-S3-PGS": "no_data",
                      "NT-S3-LOG": "no_data", "LT-ALL": "on_track"}  # fmt: skip
    code, _ = lingtan("targets", "example", str(path))
    assert code == 1  # never overwrites


def test_demo_targets_section() -> None:
    console = Console(record=True, width=200)
    code = show_report_targets([], console)
    text = console.export_text()
    assert code == 0
    assert "NT-S12" in text
    assert "ON TRACK" in text
    assert "NO DATA" in text
    assert "actual 22,966 (−28.23 %) vs pathway 24,727" in text
    assert "[report: not on track (未能按计划进行)]" in text
    assert "HF-PV3" in text
    assert "tce reproduced; t CO2 reproduced" in text
    assert "HF-N2" in text
    assert "t CO2 not reproduced" in text
