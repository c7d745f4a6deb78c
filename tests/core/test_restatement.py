"""Base-year significance rules (GHG Protocol Corporate Standard ch. 5), hand-checked."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.core.errors import MethodError
from lingtan.core.restatement import ChangeEvent, ChangeKind, assess

D = date(2024, 1, 1)


def test_acquisition_effect_added_and_significance() -> None:
    ev = ChangeEvent(1, ChangeKind.ACQUISITION, "bought plant X", D, 600.0)
    a = assess(10_000.0, 10_000.0, {}, [ev], threshold_pct=5.0)
    assert a.new_t == 10_600.0  # 10 000 + 600
    assert a.change_pct == pytest.approx(6.0)
    assert a.significant


def test_divestment_subtracts_and_small_changes_are_not_significant() -> None:
    ev = ChangeEvent(1, ChangeKind.DIVESTMENT, "sold plant Y", D, 300.0)
    a = assess(10_000.0, 10_100.0, {"factors": 100.0}, [ev])
    assert a.new_t == 9_800.0  # 10 100 − 300
    assert a.change_pct == pytest.approx(2.0)
    assert not a.significant


def test_cumulative_effects_cross_the_threshold_together() -> None:
    evs = [ChangeEvent(i, ChangeKind.ACQUISITION, "small", D, 200.0) for i in range(3)]
    assert assess(10_000.0, 10_000.0, {}, evs).significant  # 3 × 2 % = 6 %
    assert not assess(10_000.0, 10_000.0, {}, evs[:2]).significant  # 4 %


def test_method_changes_have_no_stated_sign() -> None:
    ev = ChangeEvent(1, ChangeKind.METHOD_CHANGE, "AR6", D, 999.0)
    assert ev.signed_effect_t == 0.0  # the recalculation measures it


def test_invalid_inputs() -> None:
    with pytest.raises(MethodError):
        ChangeEvent(1, ChangeKind.ACQUISITION, "x", D, -1.0)
    with pytest.raises(MethodError):
        assess(1.0, 1.0, {}, [], threshold_pct=0.0)
