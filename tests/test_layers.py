"""The import contracts of ``make lint`` (``[tool.importlinter]`` in pyproject.toml, decision
0045) fail on an upward import and pass otherwise.

``lint-imports`` runs, as ``make lint`` runs it, with the project's own configuration, on a copy
of the package's Python modules in a temporary folder (first on the copy as it is, then with
probe modules added that import upwards), so ``src/`` is never touched: the probes' imports
are reported, and nothing else is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "lingtan"
LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent))

#: probe module (under src/lingtan) -> its source; each breaks one rule
PROBES = {
    # the application layer imports the API above it
    "adapters/services/_probe_upward.py": "import lingtan.adapters.api.errors\n",
    # the CLI imports its independent sibling, the API
    "adapters/cli/_probe_sibling.py": "import lingtan.adapters.api\n",
    # the store imports the composition root, the highest layer
    "adapters/store/_probe_upward.py": "from lingtan.adapters.server import worker\n",
    # a reader imports the demo, which writes its files through io
    "adapters/io/_probe_upward.py": "from lingtan.adapters.demo import products\n",
    # the lowest layer imports the store
    "adapters/i18n/_probe_upward.py": "from lingtan.adapters.store import db\n",
    # the pure core imports an adapter
    "core/_probe_upward.py": "import lingtan.adapters.store\n",
    # a use case imports a web framework
    "adapters/services/_probe_framework.py": "import fastapi\n",
    # a new adapters package that names no layer (the contract is exhaustive)
    "adapters/newthing/__init__.py": "",
}

#: what lint-imports reports for the probes (one line each, in its report)
EXPECTED = [
    "lingtan.adapters.services._probe_upward -> lingtan.adapters.api.errors (l.1)",
    "lingtan.adapters.cli._probe_sibling -> lingtan.adapters.api (l.1)",
    "lingtan.adapters.store._probe_upward -> lingtan.adapters.server.worker (l.1)",
    "lingtan.adapters.io._probe_upward -> lingtan.adapters.demo.products (l.1)",
    "lingtan.adapters.i18n._probe_upward -> lingtan.adapters.store.db (l.1)",
    "lingtan.core._probe_upward -> lingtan.adapters.store (l.1)",
    "lingtan.adapters.services._probe_framework -> fastapi (l.1)",
    "lingtan.adapters.newthing",
]


@dataclass(frozen=True)
class Lint:
    """One run of lint-imports: its exit code and its report."""

    returncode: int
    report: str

    def lines(self) -> set[str]:
        """The report's lines that name a module, without their list marker (``-``)."""
        lines = (re.sub(r"^-\s+", "", ln.strip()) for ln in self.report.splitlines())
        return {ln for ln in lines if "lingtan" in ln}


def _lint(root: Path, *, copy: bool = True) -> Lint:
    """lint-imports with the configuration of ``root/pyproject.toml`` on the package under
    ``root/src`` (a copy: put first on the path), or the installed one (``copy=False``)."""
    assert LINT_IMPORTS, "lint-imports is not installed beside this Python (make install)"
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}  # one line per import in the report
    if copy:
        env["PYTHONPATH"] = str(root / "src")
    proc = subprocess.run(
        [LINT_IMPORTS, str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Lint(proc.returncode, proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Lint, Lint]]:
    """(the copy as it is, the copy with the probes)."""
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(
        SRC,
        root / "src" / "lingtan",
        ignore=lambda folder, names: (
            [n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()]
            + ["__pycache__"]
        ),
    )
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    before = _lint(root)
    for rel, source in PROBES.items():
        path = root / "src" / "lingtan" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    after = _lint(root)
    yield before, after
    shutil.rmtree(root, ignore_errors=True)


def test_the_copy_is_linted_not_the_installed_package(runs: tuple[Lint, Lint]) -> None:
    _, after = runs
    assert "_probe_" in after.report, after.report  # the probes were seen: the copy was read


@pytest.mark.parametrize("line", EXPECTED)
def test_an_upward_import_breaks_a_contract(runs: tuple[Lint, Lint], line: str) -> None:
    before, after = runs
    assert after.returncode != 0
    assert line in after.lines(), after.report
    assert line not in before.lines()


def test_only_the_probes_are_new_violations(runs: tuple[Lint, Lint]) -> None:
    before, after = runs
    new = after.lines() - before.lines()
    assert new >= set(EXPECTED)
    # besides the probes' imports: the headers of the rules they break, and the chains through
    # them (a probe -> lingtan.adapters.api.errors -> fastapi)
    others = {
        ln
        for ln in new
        if "_probe_" not in ln
        and "newthing" not in ln
        and "is not allowed to import" not in ln
        and not ln.startswith("lingtan.adapters.api.")
    }
    assert others == set(), after.report


def test_the_package_keeps_every_contract() -> None:
    """The real package, as ``make lint`` checks it."""
    lint = _lint(ROOT, copy=False)
    assert lint.returncode == 0, lint.report
