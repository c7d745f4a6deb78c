"""Numbers as pages show them (lingtan.adapters.web.formatting)."""

from __future__ import annotations

import pytest

from lingtan.adapters.web.formatting import fmt_number, fmt_pct, fmt_score, fmt_tco2e


@pytest.mark.parametrize(
    ("x", "digits", "text"),
    [
        (1372293.894, None, "1,372,294"),  # ≥ 100 t: whole tonnes, thousands separated
        (12.345, None, "12.3"),  # 1 … 100 t: one decimal
        (0.20532, None, "0.205"),  # < 1 t: three decimals (kg)
        (0.0, None, "0"),
        (-0.0001, 0, "0"),  # no "-0"
        (-1234.5, 1, "-1,234.5"),
        (None, None, "—"),  # not available is not zero
        (float("nan"), None, "—"),
    ],
)
def test_fmt_number(x: float | None, digits: int | None, text: str) -> None:
    assert fmt_number(x, digits) == text


def test_units_joined_with_no_break_space() -> None:
    assert fmt_tco2e(9000.0) == "9,000\u00a0t\u00a0CO2e"
    assert fmt_tco2e(None) == "—"
    assert fmt_pct(12.345) == "12.3%"  # CLDR: no space before % in en and zh
    assert fmt_score(2.3789) == "2.38"
