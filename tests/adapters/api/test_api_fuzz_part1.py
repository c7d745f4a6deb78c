"""Part 1 of the API fuzz (``tests/fuzzkit.py``, decision 0086): its own module so that the
parallel runner can give it to another worker."""

from __future__ import annotations

from typing import Any

from fuzzkit import fuzz_part, fuzz_server

__all__ = ["fuzz_server"]  # the fixture


def test_the_api_keeps_its_contract_part_1(fuzz_server: dict[str, Any], db_url: str) -> None:
    fuzz_part(fuzz_server, db_url, 1)
