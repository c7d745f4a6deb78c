"""``lingtan factors search`` with Chinese names, CO2e per unit and the real count
(decision 0055), on the bundled library (no workspace)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from lingtan.adapters.cli.main import app

runner = CliRunner()


def test_search_in_chinese_shows_name_co2e_and_count(tmp_path: Path) -> None:
    res = runner.invoke(app, ["factors", "search", "柴油", "--limit", "2", "-w", str(tmp_path)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    # DESNZ 2025 diesel per litre, AR5: 2.53763 CO2 + 1.0357e-05 CH4 × 28 + 1.24151e-04 N2O
    # × 265 = 2.53763 + 0.00029 + 0.0329 = 2.57082 kg CO2e/L (biogenic 0.14 not counted)
    assert lines[0].startswith("fuel.diesel 柴油  [GLO]  2.57082 kg CO2e/L (AR5)")
    m = re.fullmatch(r"(\d+) factor groups match \(1–2 shown; .*\)", lines[-1])
    assert m, lines[-1]
    assert int(m.group(1)) > 2
    res = runner.invoke(
        app, ["factors", "search", "柴油", "--limit", "1", "--gwp", "AR6", "-w", str(tmp_path)]
    )
    # AR6: 2.53763 + 1.0357e-05 × 29.8 + 1.24151e-04 × 273 = 2.571832 kg CO2e/L
    assert "2.57183 kg CO2e/L (AR6)" in res.output
