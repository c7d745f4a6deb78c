"""``lingtan inclusion feed category7`` (decision 0094): an employee programme without
commuting imports nothing; a consumer programme is refused, naming why."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from inclusion_inventory_kit import build_feed_workspace
from lingtan.adapters.cli.main import app


def _programmes(folder: Path) -> None:
    from lingtan.adapters.cli.common import store_session
    from lingtan.adapters.services import inclusion_programmes as progs
    from lingtan.adapters.services.context import LocalContext

    ctx = LocalContext(folder)
    with store_session(ctx) as db:
        for code, audience in (("EMP", "employee"), ("CONS", "consumer")):
            progs.create_programme(db, ctx, {"code": code, "name": code, "audience": audience})
    ctx.workspace().engine.dispose()


def test_feed_category7_from_the_command_line(tmp_path: Path, workspace_store: str) -> None:
    del workspace_store
    folder = build_feed_workspace(tmp_path / "ws")
    _programmes(folder)
    run = CliRunner()
    args = ["inclusion", "feed", "category7", "EMP", "--year", "FY2024/25", "-w", str(folder)]
    res = run.invoke(app, args, env={"LINGTAN_LANG": "en"})
    assert res.exit_code == 0, res.output
    assert "Programme EMP, FY2024/25: 0 category-7 rows" in res.output
    assert "Nothing to import" in res.output
    args = ["inclusion", "feed", "category7", "CONS", "--year", "FY2024/25", "-w", str(folder)]
    res = run.invoke(app, args, env={"LINGTAN_LANG": "en"})
    assert res.exit_code != 0
    assert "only an employee programme's commuting" in res.output
