"""``lingtan serve`` and the ``lingtan`` program (decision 0045): the program is the CLI plus
``serve``; the server app is handed to uvicorn as the factory object, and by its one import
string only when several worker processes must import it themselves."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lingtan.adapters.server import serve
from lingtan.adapters.server.app import create_app
from lingtan.adapters.server.main import app


def test_the_import_string_names_the_app_factory() -> None:
    module, _, name = serve.APP_FACTORY.partition(":")
    assert getattr(importlib.import_module(module), name) is create_app


def test_the_program_is_the_cli_plus_serve() -> None:
    out = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    for command in ("serve", "import", "calculate", "admin", "demo"):
        assert f" {command} " in out, out


def test_the_cli_alone_does_not_import_the_server() -> None:
    code = (
        "import sys; import lingtan.adapters.cli.main; "
        "print(sorted(m for m in sys.modules if m.startswith('lingtan.adapters.server')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(("workers", "by_name"), [(1, False), (3, True)])
def test_serve_hands_uvicorn_the_factory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int, by_name: bool
) -> None:
    import uvicorn

    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append((target, kw)))
    # serve writes its settings into the environment for its workers: a copy, restored after
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINGTAN_")}
    monkeypatch.setattr(os, "environ", env)
    data = tmp_path / "data"
    res = CliRunner().invoke(
        app, ["serve", "--data-dir", str(data), "--workers", str(workers), "--port", "8123"]
    )
    assert res.exit_code == 0, res.output
    [(target, kw)] = calls
    assert target == (serve.APP_FACTORY if by_name else create_app)
    assert kw == {"factory": True, "host": "127.0.0.1", "port": 8123, "workers": workers}
    assert (data / "lingtan.db").is_file()  # the store migrated before the workers start
