"""``lingtan energy certs …`` (decision 0077): add, list, import, evidence and assess through
the service, refusals in the command line's language with the exit code of their kind. The
group :data:`certs_app` is run on its own (the energy commands attach it). Workspace and hand
calculation: :mod:`certkit` (HQ 100 t CO2e location-based in FY2024/25, 8 credits retired for
the site)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certkit import SITE, YEAR, build_cert_workspace
from lingtan.adapters.cli.certifications import certs_app

runner = CliRunner()


def certs(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(certs_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return build_cert_workspace(tmp_path / "ws")


def test_add_list_evidence(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    proof = tmp_path / "leed.pdf"
    proof.write_bytes(b"%PDF leed")
    code, out = certs("add", "site", SITE, "leed_om", "--issuer", "USGBC", "--issued",
                      "2024-01-01", "--valid-until", "2029-01-01", "--level", "gold",
                      "--evidence", str(proof), *w)  # fmt: skip
    assert code == 0, out
    cert_id = int(out.split()[1])
    code, out = certs("list", *w, lang="zh-CN")
    assert code == 0, out
    assert "LEED 既有建筑运营与维护" in out
    assert "有效" in out
    code, out = certs("list", "--json", *w)
    doc = json.loads(out)
    assert doc["certificates"][0]["evidence_name"] == "leed.pdf"
    target = tmp_path / "back.pdf"
    code, out = certs("evidence", str(cert_id), "--out", str(target), *w)
    assert code == 0, out
    assert target.read_bytes() == b"%PDF leed"
    again = tmp_path / "new.pdf"
    again.write_bytes(b"%PDF renewed")
    code, out = certs("evidence", str(cert_id), "--attach", str(again), *w)
    assert code == 0, out
    assert "new.pdf" in out


def test_refusals_and_exit_codes(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = certs("add", "site", "NOPE", "iso50001", "--issuer", "X", "--issued",
                      "2024-01-01", *w, lang="zh-CN")  # fmt: skip
    assert code == 2
    assert "站点“NOPE”不在组织边界内" in out
    code, out = certs("evidence", "999999", "--out", "x", *w)
    assert code == 3


def test_import(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    f = tmp_path / "certs.csv"
    f.write_text("subject_kind,subject_id,scheme,issuer,issued\nsite,HQ,iso14001,SGS,2024-01-01\n"
                 "site,HQ,nope,SGS,2024-01-01\n", encoding="utf-8")  # fmt: skip
    code, out = certs("import", str(f), *w)
    assert code == 2
    assert "certs.csv, row 3, column scheme" in out
    f.write_text("subject_kind,subject_id,scheme,issuer,issued\nsite,HQ,iso14001,SGS,2024-01-01\n",
                 encoding="utf-8")  # fmt: skip
    code, out = certs("import", str(f), *w)
    assert code == 0, out
    assert "1 certificate(s) imported." in out


def test_assess(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lingtan.adapters.services.energy_indicators", None)
    monkeypatch.setitem(sys.modules, "lingtan.adapters.services.energy_savings", None)
    w = ("-w", str(ws))
    # location basis, typed R_own 50 t: E_base = 100 + 50 = 150; G = 0; C = 8
    # share = 50 / 58 = 86.2 % < 90 %; net = 150 − 50 − 0 − 8 = 92 t
    code, out = certs("assess", SITE, YEAR, "--basis", "location", "--grid-factor", "0.5",
                      "--r-own", "50", *w)  # fmt: skip
    assert code == 0, out
    assert "E_base 150.0 t" in out
    assert "own share 86.2 %" in out
    assert "net 92.0 t: Does not meet the rules" in out
    code, out = certs("assess", SITE, YEAR, "--basis", "location", "--grid-factor", "0.5",
                      "--json", *w)  # fmt: skip
    d = json.loads(out)
    assert d["c_t"] == 8.0
    assert d["basis"]["emissions"] == "location"
    code, out = certs("assess", SITE, "FY2019/20", "--grid-factor", "0.5", *w)
    assert code == 2
