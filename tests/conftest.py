"""Shared fixtures. Tests mirror the source tree and speak the domain (STYLE.md habit 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo() -> Path:
    """The repository root."""
    return REPO
