"""``lingtan products …`` end to end (Typer's runner, bundled illustrative data)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from lingtan.adapters.cli.main import app

runner = CliRunner()


def lingtan(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, ["products", *args], env={"COLUMNS": "200"})
    return res.exit_code, res.output


def test_demo_prints_stages_hot_spots_and_writes_label(tmp_path: Path) -> None:
    code, out = lingtan("demo", "--out", str(tmp_path))
    assert code == 0, out
    for word in ("materials", "manufacturing", "use", "end of life", "Hot spots", "carbon neutral"):
        assert word in out
    files = {p.name for p in tmp_path.iterdir()}
    stem = "LB14-G5-i7-32-1t-GB"
    assert {
        f"label-{stem}.svg",
        f"label-{stem}.png",
        f"evidence-{stem}.json",
        f"pact-{stem}.json",
    } <= files
    evidence = json.loads((tmp_path / f"evidence-{stem}.json").read_text(encoding="utf-8"))
    assert evidence["valid"] is True
    assert evidence["retired_t_co2e"] >= evidence["residual_t_co2e"]


def test_footprint_json_sums_its_stages() -> None:
    code, out = lingtan("footprint", "--config", "i5-16-512-CN", "--on", "2024-06-30", "--json")
    assert code == 0, out
    doc = json.loads(out)
    assert abs(sum(doc["stages_kg_co2e"].values()) - doc["total_kg_co2e"]) < 1e-9
    assert doc["configuration_id"] == "i5-16-512-CN"


def test_import_of_a_malformed_ecospold2_names_the_element(tmp_path: Path) -> None:
    bad = tmp_path / "bad.spold"
    bad.write_text(
        '<ecoSpold xmlns="http://www.EcoInvent.org/EcoSpold02"><activityDataset>'
        "<flowData/></activityDataset></ecoSpold>",
        encoding="utf-8",
    )
    code, out = lingtan("import", str(bad))
    assert code == 1
    assert "bad.spold" in out
    assert "activityDescription/activity with an id is missing" in out
    assert "nothing was imported" in out


def test_import_round_trip_and_exports(tmp_path: Path) -> None:
    code, out = lingtan("pact-export", "--out", str(tmp_path / "pf.json"), "--on", "2024-06-30")
    assert code == 0, out
    assert json.loads((tmp_path / "pf.json").read_text(encoding="utf-8"))["specVersion"] == "2.2.0"
    code, out = lingtan("label", "--out", str(tmp_path), "--base-url", "https://lt.example/ev")
    assert code == 0, out
    assert "https://lt.example/ev/p/LB14-G5/" in out
    code, out = lingtan("efficiency")
    assert code == 0
    assert "LB14-G5" in out
    assert "+45.9 %" in out
    code, out = lingtan("montecarlo", "--iterations", "50", "--seed", "3", "--on", "2024-06-30")
    assert code == 0, out
    assert "95 % interval" in out
