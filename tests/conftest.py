"""Shared fixtures. Tests mirror the source tree and speak the domain (STYLE.md habit 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(autouse=True, scope="session")
def _factor_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests use their own on-disk factor cache (never the user's ``~/.cache/lingtan``)."""
    import os

    from lingtan.adapters.io.cache import CACHE_ENV

    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("lingtan-cache"))
