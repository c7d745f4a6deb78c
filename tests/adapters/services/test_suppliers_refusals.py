"""A supplier refusal whose message has a parameter named ``field`` (found in review, issue 16):
it used to raise TypeError (``field`` given twice) instead of the keyed refusal."""

from __future__ import annotations

import pytest

from lingtan.adapters.services import suppliers as sv


def test_blank_required_date_is_a_keyed_refusal() -> None:
    with pytest.raises(sv.SuppliersError) as got:
        sv._as_date("", "checked_on", required=True)
    assert (got.value.kind, got.value.key, got.value.field) == (
        "invalid", "suppliers.err.required", "checked_on")  # fmt: skip
    assert got.value.params == {"field": "checked_on"}
    with pytest.raises(sv.SuppliersError) as bad:
        sv._as_date("2024-13-01", "expires_on", required=False)
    assert (bad.value.key, bad.value.field) == ("suppliers.err.date", "expires_on")
    assert sv._as_date("", "expires_on", required=False) is None
