"""The demo as the tests build it (decision 0086): ``lingtan demo`` run once per workspace store
in a pytest process and shared read-only (fixture ``built_demo``, tests/conftest.py), with the
energy demo's small readings (``LINGTAN_DEMO_READINGS=small``, set for the whole session)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuiltDemo:
    """A folder built by ``lingtan demo`` (the CLI, its default seed 2024) and what it printed."""

    folder: Path
    output: str


def build_demo(folder: Path) -> BuiltDemo:
    """Run ``lingtan demo FOLDER`` through the CLI (the store in effect: the caller's
    ``workspace_store``); it must exit with 0."""
    from typer.testing import CliRunner

    from lingtan.adapters.cli.main import app

    res = CliRunner().invoke(app, ["demo", str(folder)])
    assert res.exit_code == 0, res.output
    return BuiltDemo(folder, res.output)


def copy_demo(demo: BuiltDemo, folder: Path) -> Path:
    """A private copy of a demo built on the SQLite store (each workspace keeps its store in its
    own folder), for a module that writes into it; returns ``folder``."""
    shutil.copytree(demo.folder, folder)
    return folder
