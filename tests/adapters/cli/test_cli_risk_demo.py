"""Section (e) of ``lingtan demo`` (``cli.demo.risk_section``; issue 17 item 8, decision 0085):
the climate risk demo loaded into a small synthetic workspace and printed in zh-CN and en —
the heat-map counts by band, the four runs' net effect per year, the key items computed from
the register (the report's, lines 1085–1086) and the scenarios' conclusion, every text from
the catalogue.

Setup: demo workspace (b) with the FY2023/24 fuel, electricity and spend files imported and
FY2023/24 calculated, its targets file written (not the full ``lingtan demo``: it is slow).
Counts (test_risk_demo_register's docstring): very high 3 risks + 2 opportunities, high 3 + 3,
medium 2 + 0, low 0 + 0.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from lingtan.adapters.cli.demo import risk_section
from lingtan.adapters.demo.synthetic import write_synthetic_workspace
from lingtan.adapters.demo.synthetic_targets import write_targets
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.calculation import calculate
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.imports import import_file
from lingtan.adapters.store.workspace import open_workspace


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Path:
    path = tmp_path_factory.mktemp("risk-cli") / "synthetic"
    files = write_synthetic_workspace(path)
    ws = open_workspace(path)
    ctx = LocalContext.of(ws)
    for f in sorted(files):
        if f.parent.name == "fy2023-24" and f.stem in ("fuel", "electricity", "spend"):
            assert import_file(ctx, f).rows_rejected == 0
    calculate(ctx, "FY2023/24")
    write_targets(path)
    ws.engine.dispose()
    return path


def _run(folder: Path, lang: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("LINGTAN_LANG", lang)
    buf = io.StringIO()
    code = risk_section(folder, console=Console(file=buf, width=200))
    return code, buf.getvalue()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_risk_section_in_both_languages(
    folder: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, text = _run(folder, lang, monkeypatch)
    t = Translator(lang)
    assert code == 0
    band = t("risk.band.very_high")
    assert t("risk_demo.band", band=band, risks=3, opportunities=2) in text
    assert t("risk_demo.band", band=t("risk.band.medium"), risks=2, opportunities=0) in text
    risks = t("text.sep").join(
        t(f"risk.driver.{d}")
        for d in ("acute_weather", "disclosure_obligations", "stakeholder_expectations")
    )
    assert t("risk_demo.key_risks", drivers=risks) in text
    opportunities = t("text.sep").join(
        t(f"risk.driver.{d}") for d in ("adaptation_solutions", "low_emission_products")
    )
    assert t("risk_demo.key_opportunities", drivers=opportunities) in text
    assert t("risk_demo.matches") in text
    assert t("risk_demo.runs", currency="CNY") in text
    for year in (2030, 2040, 2050):  # report line 1080
        assert t("risk_demo.year_value", year=year, net="").strip() in text
    assert t("risk_demo.conclusion", text="").strip() in text
    other = Translator("en" if lang == "zh-CN" else "zh-CN")
    assert other("risk_demo.heatmap") not in text


def test_a_second_section_loads_nothing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run(folder, "en", monkeypatch)
    code, text = _run(folder, "en", monkeypatch)
    assert code == 0
    t = Translator("en")
    zero = t("risk_demo.loaded", items=0, aspects=0, scenarios=0, hazards=0, governance=0)
    assert zero in text
