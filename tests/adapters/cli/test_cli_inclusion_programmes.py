"""``lingtan inclusion programmes …`` (decision 0088): programmes with their rules, groups,
pseudonymous accounts (guardian consent in a school programme), partners with the secret printed
once, consent grant and revoke, a member link, export and deletion through the services,
refusals in the command line's language with the exit code of their kind. The group
:data:`programmes_app` is run on its own (``lingtan inclusion`` attaches it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inclusion_programmes_kit import build_inclusion_workspace
from lingtan.adapters.cli.inclusion_programmes import programmes_app
from lingtan.adapters.i18n.messages import Translator

runner = CliRunner()


def prog(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(programmes_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return build_inclusion_workspace(tmp_path / "ws")


def test_programme_accounts_consent_privacy(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    code, out = prog("add", "emp", "员工碳普惠", "employee", "--region", "CN-GD", "--started",
                     "2022-06-01", "--engagement", "learn.quiz=5", "--cap", "travel.metro=50/600",
                     *w)  # fmt: skip
    assert code == 0, out
    code, out = prog("add", "bad", "x", "employee", "--cap", "travel.metro=60/50", *w)
    assert code == 2
    assert "travel.metro" in out
    code, out = prog("show", "emp", "--json", *w)
    doc = json.loads(out)
    assert doc["caps"]["travel.metro"] == {"per_day": 50, "per_month": 600}
    assert "subject_salt" not in doc
    code, out = prog("show", "emp", *w, lang="zh-CN")
    assert "每千克二氧化碳当量 10.0 积分" in out
    code, out = prog("groups", "add", "emp", "t1", "team", "Team 1", *w)
    assert code == 0, out
    code, out = prog("accounts", "add", "emp", "--subject", "E1", "--group", "t1", "--site",
                     "SZ01", *w)  # fmt: skip
    assert code == 0, out
    ref = re.search(r"m-[a-z2-7]{10}", out)
    assert ref
    code, out = prog("partners", "add", "zz", "转转", "--action", "travel.metro", *w)
    assert code == 0, out
    assert re.search(r"ips_[A-Za-z0-9_-]{40,}", out)
    code, out = prog("partners", *w)
    assert "ips_" not in out
    assert "travel.metro" in out
    r = ref.group(0)
    code, out = prog("consent", "grant", "emp", r, "zz", "--scope", "travel.metro", "--evidence",
                     "app", *w)  # fmt: skip
    assert code == 0, out
    code, out = prog("consent", "grant", "emp", r, "zz", "--scope", "learn.quiz", *w,
                     lang="zh-CN")  # fmt: skip
    assert code == 2
    assert Translator("zh-CN")("incl_prog.err.scope", value="learn.quiz", partner="zz") in out
    code, out = prog("member-link", "emp", r, *w)
    assert code == 0, out
    assert "/m/ml_" in out
    dump = tmp_path / "me.json"
    code, out = prog("export", "emp", r, "--out", str(dump), *w)
    assert code == 0, out
    data = json.loads(dump.read_text(encoding="utf-8"))
    assert data["account"]["ref"] == r
    assert data["consents"][0]["state"] == "live"
    code, out = prog("consent", "revoke", "emp", r, "zz", *w)
    assert code == 0, out
    assert "1" in out
    code, out = prog("delete", "emp", r, "--yes", *w)
    assert code == 0, out
    code, out = prog("accounts", "list", "emp", "--json", *w)
    assert [a["status"] for a in json.loads(out)] == ["deleted"]
    code, out = prog("export", "emp", "m-aaaaaaaaaa", *w)
    assert code == 3


def test_school_needs_guardian_consent(ws: Path) -> None:
    w = ("-w", str(ws))
    assert prog("add", "school", "八一乐碳圈", "school", *w)[0] == 0
    code, out = prog("accounts", "add", "school", "--subject", "S1", *w, lang="zh-CN")
    assert code == 2
    assert "监护人" in out
    code, out = prog("accounts", "add", "school", "--subject", "S1", "--guardian-consent", *w)
    assert code == 0, out
    code, out = prog(*w)
    assert "school" in out
