"""``lingtan inclusion methodologies …`` (decision 0087): list, show, load an own version,
simulate with the arithmetic printed, refusals in the command line's language with the exit code
of their kind. The group :data:`methodologies_app` is run on its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.inclusion_methodologies import methodologies_app

runner = CliRunner()


def meth(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(methodologies_app, list(args), env={"LINGTAN_LANG": lang,
                                                           "COLUMNS": "250"})  # fmt: skip
    return res.exit_code, res.output


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from lingtan.adapters.store.workspace import init_workspace

    path = tmp_path_factory.mktemp("meth") / "ws"
    init_workspace(path, organisation="Inclusion Co", region="CN").engine.dispose()
    return path


def test_list_show_simulate(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = meth("list", *w, lang="zh-CN")
    assert code == 0, out
    assert "shenzhen.public-transport" in out
    assert "官方" in out
    assert "lingtan 保守取值" in out
    code, out = meth("show", "shenzhen.public-transport", *w)
    assert code == 0, out
    assert "r.metro" in out
    assert "46.7" in out
    assert "citysz.net" in out
    code, out = meth("simulate", "--action", "travel.metro", "--quantity", "10", "--region",
                     "CN-GD/Shenzhen", "--when", "2024-05-06", *w)  # fmt: skip
    assert code == 0, out
    assert "0.467 kg CO2e" in out
    assert "ER = 0.0467 × 10 = 0.467" in out
    code, out = meth("simulate", "--action", "household.electricity", "--quantity", "7.5",
                     "--context", "mean_7d_kwh=9", "--json", *w)  # fmt: skip
    assert code == 0, out
    assert json.loads(out)["kg_co2e"] == pytest.approx(1.5 * 0.5568)
    code, out = meth("simulate", "--action", "purchase.carbon_neutral_pc", "--quantity", "1",
                     *w, lang="zh-CN")  # fmt: skip
    assert code == 0, out
    assert "0 千克" in out
    assert "重复计算" in out


def test_refusals_and_load(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    code, out = meth("simulate", "--action", "travel.walk", "--quantity", "10", "--duration",
                     "20", *w, lang="zh-CN")  # fmt: skip
    assert code == 2
    assert "duration_min" in out
    assert "不合理" in out
    code, out = meth("show", "nope", *w)
    assert code == 3, out
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nformula: travel.net_factor\nlabel: official\n", encoding="utf-8")
    code, out = meth("load", str(bad), *w)
    assert code == 2
    assert "bad.yaml" in out
    assert "actions" in out
    good = tmp_path / "own.yaml"
    good.write_text(
        "id: acme.meeting\ntitle: Ours\npublisher: Acme\nregion: CN\nversion: '1'\n"
        "valid_from: 2024-01-01\nformula: meeting.online\nlabel: illustrative\n"
        "actions: [meeting.online]\ncitation: ours\nlicence: ours\ndouble_counting: none\n"
        "parameters:\n"
        "  avoided_km: {value: 5, unit: km, source: s, citation: c, confidence: assumption}\n"
        "  ef_baseline: {value: 0.2, unit: kgCO2e/pkm, source: s, citation: c, confidence: x}\n"
        "  device_kwh: {value: 0, unit: kWh/day, source: s, citation: c, confidence: x}\n"
        "  ef_grid: {value: 0.5, unit: kgCO2/kWh, source: s, citation: c, confidence: x}\n"
        .replace("confidence: x", "confidence: assumption"),
        encoding="utf-8",
    )  # fmt: skip
    code, out = meth("load", str(good), *w)
    assert code == 0, out
    assert "acme.meeting" in out
    code, out = meth("list", "--json", *w)
    assert {"id": "acme.meeting", "origin": "loaded"}.items() <= next(
        p for p in json.loads(out) if p["id"] == "acme.meeting"
    ).items()
