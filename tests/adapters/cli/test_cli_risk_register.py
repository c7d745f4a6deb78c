"""``lingtan risk …`` (issue 17 items 1–2, decision 0080): import, list, show, add, review,
heatmap, due, export and matrix through the service; refusals in the command line's language
with the exit code of their kind. Workspace and hand-worked ratings: :mod:`riskkit`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.risk import risk_app
from lingtan.adapters.i18n.messages import Translator
from riskkit import prepare

runner = CliRunner()
ZH = Translator("zh-CN")


def risk(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(risk_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return prepare(tmp_path / "ws")


def test_register_from_the_command_line(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    code, out = risk("import", str(ws / "risks.csv"), *w)
    assert code == 0, out
    assert "4 added, 0 updated" in out
    code, out = risk("list", "--json", *w)
    assert code == 0, out
    scores = {d["code"]: d["score"] for d in json.loads(out)}
    assert scores == {"O-LOWCARB": 12.0, "P-TYPHOON": 20.0, "T-CARBON": 12.0, "T-DISCL": None}
    code, out = risk("list", "--band", "very_high", *w, lang="zh-CN")
    assert code == 0, out
    assert "P-TYPHOON" in out
    assert "很高" in out
    assert "T-CARBON" not in out
    code, out = risk("show", "T-CARBON", *w)
    assert code == 0, out
    assert "12 (high)" in out  # 3 × max(4, 2)
    code, out = risk("add", "M-1", "market", "consumer_behaviour", "Buyers shift",
                     "--likelihood", "2", "--c", "market_share=3", "--horizon", "medium",
                     *w)  # fmt: skip
    assert code == 0, out
    assert "6 (medium)" in out  # 2 × 3
    code, out = risk("review", "M-1", "--likelihood", "4", "--c", "market_share=4",
                     "--date", "2024-01-31", "--note", "GRMC", *w)  # fmt: skip
    assert code == 0, out
    assert "16 (very high)" in out  # 4 × 4
    assert "2024-07-31" in out  # very high: + 6 months
    code, out = risk("heatmap", "--json", *w)
    doc = json.loads(out)
    # T-CARBON and O-LOWCARB (3, 4), P-TYPHOON (4, 5), M-1 (4, 4); T-DISCL unrated
    assert {(c["likelihood"], c["consequence"]): c["count"] for c in doc["cells"]} == {
        (3, 4): 2, (4, 5): 1, (4, 4): 1}  # fmt: skip
    assert (doc["rated"], doc["unrated"]) == (4, 1)
    code, out = risk("heatmap", *w)
    assert code == 0, out
    assert "almost certain" in out
    code, out = risk("due", "--on", "2024-06-15", *w)
    assert code == 0, out
    assert "P-TYPHOON" in out  # next 2024-06-01: overdue
    assert "overdue since 2024-06-01" in out
    target = tmp_path / "back.xlsx"
    code, out = risk("export", str(target), *w)
    assert code == 0, out
    assert target.read_bytes()[:2] == b"PK"
    code, out = risk("import", str(target), *w)
    assert code == 0, out
    assert "0 added, 5 updated" in out
    # matrix: mean re-rates every item
    spec = tmp_path / "matrix.yaml"
    spec.write_text("aggregation: mean\n", encoding="utf-8")
    code, out = risk("matrix", "--set", str(spec), *w)
    assert code == 0, out
    assert "5 items re-rated" in out
    code, out = risk("matrix", *w)
    assert "aggregation: mean" in out
    code, out = risk("show", "T-CARBON", "--json", *w)
    assert json.loads(out)["item"]["score"] == 9.0  # 3 × (4 + 2) / 2


def test_refusals(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    code, out = risk("add", "due", "market", "consumer_behaviour", "X", *w, lang="zh-CN")
    assert code == 2
    assert ZH("risk.err.code_reserved", value="due") in out
    code, out = risk("show", "NOPE", *w)
    assert code == 3
    bad = tmp_path / "bad.csv"
    bad.write_text((ws / "risks.csv").read_text().replace("HQ;WH", "HQ;XX"), encoding="utf-8")
    code, out = risk("import", str(bad), *w, lang="zh-CN")
    assert code == 2
    assert "bad.csv，第 2 行，sites 列" in out
    spec = tmp_path / "matrix.yaml"
    spec.write_text("- not a mapping\n", encoding="utf-8")
    code, out = risk("matrix", "--set", str(spec), *w)
    assert code == 2
    spec.write_text("aggregation: median\n", encoding="utf-8")
    code, out = risk("matrix", "--set", str(spec), *w)
    assert code == 2
