"""``lingtan report build|list|show|diff|publish`` and ``lingtan report narratives set|list``
(decision 0096) on :mod:`disclosure_editions_kit`'s workspace, in en and zh-CN: the edition built
(no files with ``--no-render``), built again unchanged, published; new data refused with the
reason and exit 5 until restated with a reason; the restatement published supersedes the first;
list, show, diff (text and JSON); narratives from a text and a file; bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disclosure_editions_kit import YEAR, add_fuel, build_editions_workspace
from lingtan.adapters.cli.report import report_app
from lingtan.adapters.i18n.messages import Translator

runner = CliRunner()
EN, ZH = Translator("en"), Translator("zh-CN")


def run(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(report_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Path:
    return build_editions_workspace(tmp_path_factory.mktemp("report-cli") / "ws")


def test_build_restate_and_compare(ws: Path) -> None:
    w = ("-w", str(ws))
    code, out = run("build", "--fy", YEAR, "--no-render", *w)
    assert code == 0, out
    first = json.loads(run("list", "--json", *w)[1])[0]
    eid = first["edition_id"]
    assert EN("disc_ed.cli.built", id=eid, fiscal_year=YEAR, state=EN("disc_ed.state.draft")) in out
    code, out = run("build", "--fy", "2023/24", "--no-render", "--publish", *w, lang="zh-CN")
    assert code == 0, out
    assert ZH("disc_ed.cli.unchanged", id=eid, fiscal_year=YEAR,
              state=ZH("disc_ed.state.published")) in out  # fmt: skip
    add_fuel(ws)
    code, out = run("build", "--fy", YEAR, "--no-render", *w, lang="zh-CN")
    assert code == 5
    assert ZH("disc_ed.err.restate_needed", published=eid[:12]) in out
    code, out = run("build", "--fy", YEAR, "--no-render", "--supersedes", eid[:8], *w)
    assert code == 2
    assert EN("disc_ed.err.reason_needed") in out
    code, out = run("build", "--fy", YEAR, "--no-render", "--supersedes", eid[:8],
                    "--reason", "September fuel", "--publish", *w)  # fmt: skip
    assert code == 0, out
    rows = json.loads(run("list", "--fy", YEAR, "--json", *w)[1])
    new, old = rows
    assert (new["state"], new["supersedes"], old["state"], old["superseded_by"]) == (
        "published", eid, "superseded", new["edition_id"])  # fmt: skip
    assert EN("disc_ed.cli.restates", id=eid[:12], reason="September fuel",
              changed=", ".join(new["changed"])) in out  # fmt: skip
    code, out = run("list", *w)
    assert EN("disc_ed.cli.superseded_by", id=new["edition_id"][:12]) in out
    code, out = run("show", eid[:10], *w)
    assert code == 0
    assert f"snapshot:{YEAR}" in out
    assert EN("disc_ed.cli.inputs") in out
    code, out = run("show", new["edition_id"], "--json", *w)
    assert json.loads(out)["document"]["supersedes"] == eid
    code, out = run("diff", eid, new["edition_id"], *w, lang="zh-CN")
    assert code == 0, out
    assert ZH("disc_ed.cli.diff_head", a=eid[:12], b=new["edition_id"][:12]) in out
    assert f"snapshot:{YEAR}" in out
    diff = json.loads(run("diff", eid, new["edition_id"], "--json", *w)[1])
    assert f"snapshot:{YEAR}" in diff["changed"]
    assert run("show", "0000000000", *w)[0] == 3
    assert run("build", "--fy", "FY99", "--no-render", *w)[0] == 2


def test_narratives(ws: Path, tmp_path: Path) -> None:
    w = ("-w", str(ws))
    code, out = run("narratives", "set", "governance", "--lang", "zh-CN", "--text",
                    "董事会每季度审议气候议题。", *w)  # fmt: skip
    assert code == 0, out
    assert EN("disc_ed.cli.narrative_set", key="governance", lang="zh-CN", n=13) in out
    f = tmp_path / "en.txt"
    f.write_text("The board reviews climate every quarter.\n", encoding="utf-8")
    assert run("narratives", "set", "governance", "--lang", "en", "--file", str(f), *w)[0] == 0
    rows = json.loads(run("narratives", "list", "--json", *w)[1])
    assert [(r["key"], r["lang"]) for r in rows] == [("governance", "en"), ("governance", "zh-CN")]
    code, out = run("narratives", "set", "preface", "--lang", "en", "--text", "x", *w)
    assert code == 2
    assert EN("disc_ed.err.narrative_key", value="preface") in out
    assert run("narratives", "set", "governance", "--lang", "en", *w)[0] == 2  # no text
