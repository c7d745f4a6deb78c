"""Start-up (issue 14 item 6): the command line loads a command's module only when that command
runs, and no command pays for a library it does not use (pint, SQLAlchemy, DuckDB, Ibis, Arrow,
argon2). Behaviour, not timing: which modules a fresh process has imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from lingtan.adapters.cli import main as cli_main
from lingtan.adapters.cli.main import COMMANDS, GROUPS, LazyGroup, load_command

#: libraries none of which ``lingtan --help`` (or importing the CLI) may load
HEAVY = ("pint", "sqlalchemy", "duckdb", "ibis", "pyarrow", "argon2", "alembic", "numpy")


def loaded_after(code: str, *args: str) -> list[str]:
    """The HEAVY top-level packages a fresh interpreter has imported after running ``code``."""
    probe = (
        f"{code}\nimport sys, json\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    assert loaded_after("import lingtan.adapters.cli.main") == []
    assert loaded_after("import lingtan.adapters.server.main") == []


def test_help_loads_no_heavy_library_and_no_command_module() -> None:
    code = (
        "import sys\nfrom lingtan.adapters.server.main import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "mods = sorted(m for m in sys.modules if m.startswith('lingtan.adapters.cli.')\n"
        "              and m not in ('lingtan.adapters.cli.main',))\n"
        "print(mods, file=sys.stderr)\nassert mods == [], mods"
    )
    assert loaded_after(code) == []


def test_the_help_listing_is_the_commands_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """``lingtan --help`` from the index is the listing the loaded commands give."""
    env = {"COLUMNS": "160"}
    lazy = CliRunner().invoke(cli_main.app, ["--help"], env=env).output
    monkeypatch.setattr(LazyGroup, "eager_listing", True)
    eager = CliRunner().invoke(cli_main.app, ["--help"], env=env).output
    assert lazy == eager
    for command in (" calc ", " factors ", " doctor "):
        assert command in lazy


def test_the_index_names_every_command_of_every_module() -> None:
    """Each index entry loads the command of that name, with the help the index shows; and the
    modules have no command the index leaves out."""
    by_app: dict[tuple[str, str], set[str]] = {}
    for name, (module, attr, help_line) in COMMANDS.items():
        command = load_command(name)
        assert command.name == name
        assert (command.help or "").split("\n\n")[0] == help_line, name
        if name not in GROUPS:
            by_app.setdefault((module, attr), set()).add(name)
    for (module, attr), names in by_app.items():
        sub_app = getattr(__import__(f"lingtan.adapters.cli.{module}", fromlist=[attr]), attr)
        group = typer.main.get_group(sub_app)
        assert set(group.list_commands(typer.Context(group))) == names, (module, attr)


def test_a_command_runs_through_the_lazy_group(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli_main.app, ["init", str(tmp_path / "ws"), "--organisation", "A"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "ws" / "lingtan.yaml").is_file()
    res = CliRunner().invoke(cli_main.app, ["factors", "--help"])
    assert res.exit_code == 0, res.output
    assert "Search and inspect the emission-factor library." in res.output
    res = CliRunner().invoke(cli_main.app, ["no-such-command"])
    assert res.exit_code == 2
    assert "No such command" in res.output


def test_a_stored_inventory_is_read_without_the_engine_or_the_unit_registry(
    tmp_path: Path,
) -> None:
    """``lingtan inventory --format json`` on a stored snapshot: no pint, DuckDB, Ibis, argon2
    (the store is read through SQLAlchemy, the batches' files are Arrow)."""
    ws = tmp_path / "ws"
    runner = CliRunner()
    assert runner.invoke(cli_main.app, ["init", str(ws), "--organisation", "A"]).exit_code == 0
    fuel = ws / "fuel.csv"
    fuel.write_text(
        "site,date,fuel,quantity,unit,use\nHQ,2023-05-01,diesel,1000,L,stationary\n",
        encoding="utf-8",
    )
    res = runner.invoke(cli_main.app, ["import", str(fuel), "-w", str(ws)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli_main.app, ["calc", "--year", "FY2023/24", "-w", str(ws)])
    assert res.exit_code in (0, 2), res.output
    code = (
        "import sys\nfrom lingtan.adapters.server.main import app\n"
        "try:\n    app(sys.argv[1:])\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
    )
    args = ("inventory", "--format", "json", "-w", str(ws), "--year", "FY2023/24")
    assert loaded_after(code, *args) == ["numpy", "pyarrow", "sqlalchemy"]
