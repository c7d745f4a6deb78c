"""``lingtan suppliers …`` (issue 15, decision 0063): the register from the command line —
add, list, status, import, export, onboarding, reminders and spend by supplier — through the
service, with refusals in the CLI language and exit codes of their kind.

Spend: the workspace of :mod:`supplierkit` (FY2023/24, Scope 3 category 1, USD of 2023: S-A
10,000 + 4,000, S-B 6,000, no supplier 2,000) with the workspace's own 2023 rate of 7.0 CNY per
USD: S-A 14,000 × 7 = 98,000 CNY, S-B 6,000 × 7 = 42,000 CNY, no supplier 2,000 × 7 = 14,000 CNY;
total 154,000 CNY. S-B is not in the register."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app
from supplierkit import build_supplier_workspace

runner = CliRunner()
USCC = "91350100M000100Y43"


def lingtan(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = build_supplier_workspace(tmp_path / "ws")
    (folder / "reference").mkdir(exist_ok=True)
    (folder / "reference" / "fx_rates.csv").write_text(
        "year,currency,per_usd,source\n2023,CNY,7.0,test\n", encoding="utf-8"
    )
    return folder


def test_register_from_the_command_line(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    code, out = lingtan("suppliers", "add", "S-A", "--name", "Alpha Ltd", "--country", "cn",
                        "--name-zh", "甲公司", "--uscc", USCC, "--category", "ELEC", "--strategic",
                        *w)  # fmt: skip
    assert code == 0, out
    assert "Supplier S-A added." in out
    # a wrong check character: exit 2 (invalid), the reason in Chinese
    code, out = lingtan("suppliers", "add", "S-C", "--name", "C", "--country", "CN",
                        "--uscc", USCC[:-1] + "4", *w, lang="zh")  # fmt: skip
    assert code == 2, out
    assert "统一社会信用代码" in out
    code, out = lingtan("suppliers", "add", "S-A", "--name", "A", "--country", "CN", *w)
    assert code == 5, out  # conflict
    code, out = lingtan("suppliers", "list", "--search", "甲", "--json", *w)
    assert code == 0, out
    assert [s["code"] for s in json.loads(out)] == ["S-A"]
    # the workflow, with reasons; a jump it does not allow exits 2
    code, out = lingtan("suppliers", "status", "S-A", "approved", "--reason", "x", *w)
    assert code == 2, out
    code, out = lingtan(
        "suppliers", "status", "S-A", "onboarding", "--reason", "RFQ", *w, lang="zh"
    )
    assert code == 0, out
    assert "S-A：潜在 → 准入中" in out
    code, out = lingtan("suppliers", "status", "S-Z", "onboarding", "--reason", "x", *w)
    assert code == 3, out  # not found
    # onboarding: record a check with its evidence file, then the checklist
    proof = tmp_path / "iso14001.pdf"
    proof.write_bytes(b"%PDF cert")
    code, out = lingtan("suppliers", "onboarding", "S-A", "--item", "iso14001", "--result",
                        "pass", "--checked-on", "2026-01-05", "--expires-on", "2027-01-04",
                        "--evidence", str(proof), *w)  # fmt: skip
    assert code == 0, out
    assert "ISO 14001 environmental management recorded as Pass" in out
    assert "1 of 12 items current" in out
    code, out = lingtan("suppliers", "reminders", "--on", "2026-12-05", "--days", "60", *w)
    assert code == 0, out
    assert "S-A: ISO 14001 environmental management expires on 2027-01-04 (in 30 days)" in out
    code, out = lingtan("suppliers", "show", "S-A", *w)
    assert code == 0, out
    shown = json.loads(out)
    assert shown["supplier"]["uscc"] == USCC
    assert shown["checklist"]["items"][2]["item"] == "iso14001"
    # export and import back
    exported = tmp_path / "register.xlsx"
    code, out = lingtan("suppliers", "export", str(exported), *w)
    assert code == 0, out
    code, out = lingtan("suppliers", "import", str(exported), *w)
    assert code == 0, out
    assert "register.xlsx: 0 added, 1 updated." in out
    bad = tmp_path / "bad.csv"
    bad.write_text("code,legal_name,country\nS-D,D,XX\n", encoding="utf-8")
    code, out = lingtan("suppliers", "import", str(bad), *w)
    assert code == 2, out
    assert "bad.csv, row 2, column country" in out


def test_spend_by_supplier(ws: Path) -> None:
    w = ("-w", str(ws))
    assert lingtan("suppliers", "add", "S-A", "--name", "Alpha", "--country", "CN", *w)[0] == 0
    code, out = lingtan("suppliers", "spend", "FY2023/24", "--json", *w)
    assert code == 0, out
    spend = json.loads(out)
    assert spend["by_supplier"] == pytest.approx({"S-A": 98_000.0, "S-B": 42_000.0})
    assert spend["unattributed"] == pytest.approx(14_000.0)
    assert spend["total"] == pytest.approx(154_000.0)
    assert spend["unregistered"] == pytest.approx({"S-B": 42_000.0})
    code, out = lingtan("suppliers", "spend", "FY2023/24", *w)
    assert code == 0, out
    # S-A: 98,000 / 154,000 = 63.64 %; S-B 42,000 / 154,000 = 27.27 %; none 14,000 = 9.09 %
    assert "98,000.00  63.64 %" in out
    assert "42,000.00  27.27 %  (not in the register)" in out
    assert "Total 154,000.00 CNY; without a supplier 14,000.00 CNY" in out
    code, out = lingtan("suppliers", "spend", "last year", *w)
    assert code == 2, out
