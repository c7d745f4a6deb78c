"""The energy demo's size switch (``LINGTAN_DEMO_READINGS``, decision 0086): ``full`` (the
default, ``make demo``) or ``small`` (April and May of each fiscal year; the test suite's
demos); any other value is refused rather than silently loading the full demo."""

from __future__ import annotations

import pytest

from lingtan.adapters.services.energy_demo import READINGS_ENV, small_readings


@pytest.mark.parametrize(
    ("value", "small"),
    [(None, False), ("", False), ("full", False), (" FULL ", False), ("small", True),
     ("Small", True)],
)  # fmt: skip
def test_the_switch_reads_full_or_small(
    monkeypatch: pytest.MonkeyPatch, value: str | None, small: bool
) -> None:
    if value is None:
        monkeypatch.delenv(READINGS_ENV, raising=False)
    else:
        monkeypatch.setenv(READINGS_ENV, value)
    assert small_readings() is small


def test_another_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(READINGS_ENV, "tiny")
    with pytest.raises(ValueError, match=READINGS_ENV):
        small_readings()


def test_the_suite_builds_small_demos() -> None:
    """tests/conftest.py sets ``small`` for the session (a developer's own value is kept)."""
    import os

    assert os.environ.get(READINGS_ENV) in ("small", "full")
