"""``lingtan report render EDITION [--lang] [--format] [--out]`` (decision 0095): an edition
built by the editions service on a new workspace (every section but the generated ones "not
available") rendered to files named ``<org>-<fy>-<id[:12]>-<lang>.<ext>``; a second render
gives the same bytes; unknown languages and formats refused before anything is read, in the
command line's language, with the exit code of an invalid request."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.report import report_app
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.workspace import init_workspace

runner = CliRunner()

pytestmark = pytest.mark.stores(
    "sqlite",
    reason="rendering reads the frozen document only; the editions store is tested on both",
)


def lingtan(*args: str, lang: str = "en") -> tuple[int, str]:
    res = runner.invoke(report_app, list(args), env={"LINGTAN_LANG": lang, "COLUMNS": "200"})
    return res.exit_code, res.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A new workspace of "Render Co" and its FY2023/24 edition (id)."""
    from lingtan.adapters.services.disclosure_editions import build_edition

    ws = tmp_path_factory.mktemp("render") / "ws"
    init_workspace(ws, organisation="Render Co", region="CN", start_month=4).engine.dispose()
    rec = build_edition(LocalContext(ws), "FY2023/24")
    return ws, rec.edition_id


def test_render_writes_named_files_identically(built: tuple[Path, str], tmp_path: Path) -> None:
    ws, edition = built
    out = tmp_path / "files"
    code, text = lingtan("render", edition[:8], "-l", "en", "-f", "html", "-f", "xlsx",
                         "--out", str(out), "-w", str(ws))  # fmt: skip
    assert code == 0, text
    slug = sorted(p.name for p in out.iterdir())[0].split("-FY")[0]
    names = [f"{slug}-FY2023-24-{edition[:12]}-en.{ext}" for ext in ("html", "xlsx")]
    assert sorted(p.name for p in out.iterdir()) == names
    assert f"Rendered 2 file(s) of edition {edition[:8]}:" in text
    assert all(str(out / n) in text.replace("\n", "") for n in names)
    first = {n: (out / n).read_bytes() for n in names}
    html = first[names[0]].decode("utf-8")
    assert "Render Co" in html
    assert "not available" in html
    code, text = lingtan("render", edition, "-l", "en", "-f", "html", "-f", "xlsx",
                         "--out", str(out), "-w", str(ws))  # fmt: skip
    assert code == 0, text
    assert {n: (out / n).read_bytes() for n in names} == first
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_render_refusals(built: tuple[Path, str], tmp_path: Path) -> None:
    ws, edition = built
    out = tmp_path / "never"
    code, text = lingtan("render", edition, "-l", "fr", "--out", str(out), "-w", str(ws),
                         lang="zh-CN")  # fmt: skip
    assert code == 2, text
    assert "未知语言“fr”：版次只能以 zh-CN, en 呈现。" in text
    code, text = lingtan("render", edition, "-f", "docx", "--out", str(out), "-w", str(ws))
    assert code == 2, text
    assert "Unknown format “docx”: an edition is rendered to pdf, xlsx, html." in text
    assert not out.exists()
    code, text = lingtan("render", "ffffffff", "--out", str(out), "-w", str(ws))
    assert code == 3, text  # not found (the editions service's refusal)
    assert not out.exists()


def test_artefact_for_a_download(built: tuple[Path, str]) -> None:
    from lingtan.adapters.services.disclosure_render import DisclosureRenderError, artefact

    ws, edition = built
    ctx = LocalContext(ws)
    name, data, media = artefact(ctx, edition[:10], "zh-CN", "xlsx")
    assert name.endswith(f"-FY2023-24-{edition[:12]}-zh-CN.xlsx")
    assert media == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert data[:2] == b"PK"
    assert artefact(ctx, edition, "zh-CN", "xlsx")[1] == data
    with pytest.raises(DisclosureRenderError) as refused:
        artefact(ctx, edition, "en", "odt")
    assert (refused.value.kind, refused.value.key) == ("invalid", "disc_render.error.format")
