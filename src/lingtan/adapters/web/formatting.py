"""Numbers as the pages show them: thousands separators, a sensible number of decimals, units.

zh-CN and en both group digits by thousands with a comma and use a decimal point (GB/T 15835
allows it; it is what Chinese sustainability reports print), so the formats do not depend on the
locale. The unit is joined with no-break spaces so that "t CO2e" never wraps away from its
number (nor "CO2e" from its "t"). Missing values (``None``: "not available", e.g. a
location-based total when Scope 2 was disclosed only market-based) show as an em dash, never as
zero.
"""

from __future__ import annotations

import math

NBSP = "\u00a0"
MISSING = "—"
UNIT_T = "t CO2e"


def auto_digits(x: float) -> int:
    """Decimals worth showing for a mass [t]: 0 from 100 t, 1 from 1 t, else 3."""
    a = abs(x)
    if a >= 100 or a == 0:
        return 0
    if a >= 1:
        return 1
    return 3


def fmt_number(x: float | int | None, digits: int | None = None) -> str:
    """``1372293.894`` → ``"1,372,294"``; ``digits=None`` picks :func:`auto_digits`."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return MISSING
    d = auto_digits(float(x)) if digits is None else digits
    text = f"{x:,.{d}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def fmt_tco2e(x: float | None, digits: int | None = None) -> str:
    """A mass with its unit: ``"1,372,294 t CO2e"`` (no-break space before the unit)."""
    text = fmt_number(x, digits)
    return text if text == MISSING else f"{text}{NBSP}{UNIT_T.replace(' ', NBSP)}"


def fmt_pct(x: float | None, digits: int = 1) -> str:
    """A percentage: ``12.345`` → ``"12.3 %"``."""
    text = fmt_number(x, digits)
    return text if text == MISSING else f"{text}{NBSP}%"


def fmt_score(x: float | None) -> str:
    """A data-quality score on the Pedigree 1–5 scale, two decimals: ``"2.38"``."""
    return fmt_number(x, 2)
