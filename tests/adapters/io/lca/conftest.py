"""Brightway keeps its projects under BRIGHTWAY2_DIR: tests point it at a temporary folder
(never $HOME) before bw2data is imported."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def bw_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("brightway")
    old = os.environ.get("BRIGHTWAY2_DIR")
    os.environ["BRIGHTWAY2_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("BRIGHTWAY2_DIR", None)
    else:
        os.environ["BRIGHTWAY2_DIR"] = old
