"""``lingtan risk governance …`` (decision 0084): bodies, meetings (add, list, import, export),
roles, pay links and the frequency check through the service, refusals in the command line's
language with the exit code of their kind. The group :data:`governance_app` is run on its own
(``lingtan risk`` attaches it). Workspace: :mod:`risk_governance_kit`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.risk_governance import governance_app
from lingtan.adapters.i18n.messages import Translator
from risk_governance_kit import KPI, MEETINGS_CSV, YEAR, build_governance_workspace

runner = CliRunner()


def gov(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(governance_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return build_governance_workspace(tmp_path / "ws")


def test_bodies_meetings_check(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    code, out = gov("bodies", "add", "eoc", "esg_executive_committee", "ESG EOC", *w)
    assert code == 0, out
    code, out = gov("bodies", *w, lang="zh-CN")
    assert code == 0, out
    assert "ESG 执行监督委员会" in out
    assert "每年 4 次会议" in out
    code, out = gov("meetings", "add", "eoc", "EOC Q1", "--date", "2023-05", "--climate",
                    "targets: SBT update", "--decision", "approved", *w)  # fmt: skip
    assert code == 0, out
    f = tmp_path / "m.csv"
    f.write_text(MEETINGS_CSV, encoding="utf-8")
    code, out = gov("meetings", "import", str(f), *w)
    assert code == 0, out
    assert "3" in out
    code, out = gov("meetings", "list", "--year", YEAR, "--json", *w)
    titles = [m["title"] for m in json.loads(out)]
    assert titles == ["EOC Q1", "EOC Q1", "EOC Q2", "EOC Q4"]
    code, out = gov("meetings", "list", *w)
    assert "2023-08 (month only)" in out
    # May (2), August, February: the Oct–Dec quarter is a gap; held 4 of 4 → not evidenced
    code, out = gov("check", YEAR, "--json", *w)
    (c,) = json.loads(out)
    assert (c["held"], c["status"], c["gaps"]) == (
        4, "not_evidenced", [{"start": "2023-10-01", "end": "2023-12-31"}])  # fmt: skip
    code, out = gov("check", YEAR, *w)
    assert "not evidenced" in out
    assert "2023-10-01 – 2023-12-31" in out
    target = tmp_path / "out.csv"
    code, out = gov("meetings", "export", str(target), "--year", YEAR, *w)
    assert code == 0, out
    assert "EOC Q4" in target.read_text(encoding="utf-8-sig")


def test_roles_pay_links_and_refusals(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    code, out = gov("roles", "add", "CLCRO", "--reports-to", "Executive Committee", *w)
    assert code == 0, out
    code, out = gov("roles", *w)
    assert "CLCRO → Executive Committee" in out
    code, out = gov("pay-links", "add", YEAR, "executives", "--kpi", KPI, "--share", "10", *w)
    assert code == 0, out
    code, out = gov("pay-links", "--json", *w)
    assert [p["share_pct"] for p in json.loads(out)] == [10.0]
    code, out = gov("pay-links", "add", YEAR, "executives", "--kpi", "NOPE", *w, lang="zh-CN")
    assert code == 2
    assert Translator("zh-CN")("governance.err.unknown_kpi", value="NOPE") in out
    code, out = gov("meetings", "add", "nobody", "x", "--date", "2023-05", *w)
    assert code == 2
    assert "no governance body 'nobody'" in out
    code, out = gov("bodies", "add", "b", "board", "B", *w)
    code, out = gov("bodies", "add", "b", "board", "B", *w)
    assert code == 5  # conflict
    bad = tmp_path / "bad.csv"
    bad.write_text("body,date,title\nb,2023-02-30,x\n", encoding="utf-8")
    code, out = gov("meetings", "import", str(bad), *w)
    assert code == 2
    assert "bad.csv, row 2, column date" in out
