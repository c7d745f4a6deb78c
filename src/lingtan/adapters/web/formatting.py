"""Numbers, dates and units as the pages show them, per locale (Babel, CLDR data; decision 0054).

- numbers: thousands separators and a sensible number of decimals (``1,372,294``; zh-CN and en
  both group by thousands with a comma and use a decimal point, as CLDR and GB/T 15835 have it);
- percentages: a fixed number of decimals (``11.7%``, never ``11.74913790803899``);
- compact values for chart axes: ``1.2万`` / ``3.5亿`` in Chinese (myriads, the way Chinese
  readers count), ``12.3K`` / ``3.5M`` in English;
- dates: ``2026年12月4日`` / ``Dec 4, 2026``; times of day stay ISO-like (``2026-12-04 22:07``).

The unit is the catalogue's (``unit.tco2e``: ``t CO2e`` / ``吨CO₂e``) joined with no-break
spaces so that it never wraps away from its number. Missing values (``None``: "not available",
e.g. a location-based total when Scope 2 was disclosed only market-based) show as an em dash,
never as zero. ``locale`` is a catalogue locale (``zh-CN``, ``en``); English when not given.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from lingtan.adapters.i18n.messages import Translator

NBSP = "\u00a0"
MISSING = "—"
UNIT_T = "t CO2e"
#: Babel (CLDR) locale of each catalogue locale
BABEL_LOCALES = {"zh-CN": "zh_Hans_CN", "en": "en"}
DEFAULT = "en"


def babel_locale(locale: str | None) -> str:
    """The Babel locale of a catalogue locale: ``zh-CN`` → ``zh_Hans_CN``; else English."""
    return BABEL_LOCALES.get(locale or DEFAULT, "en")


def auto_digits(x: float) -> int:
    """Decimals worth showing for a mass [t]: 0 from 100 t, 1 from 1 t, else 3."""
    a = abs(x)
    if a >= 100 or a == 0:
        return 0
    if a >= 1:
        return 1
    return 3


def _missing(x: float | int | None) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def _no_negative_zero(text: str) -> str:
    """``-0`` / ``-0.0`` (a tiny negative rounded away) → ``0`` / ``0.0``."""
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def fmt_number(x: float | int | None, digits: int | None = None, locale: str | None = None) -> str:
    """``1372293.894`` → ``"1,372,294"``; ``digits=None`` picks :func:`auto_digits`."""
    if x is None or _missing(x):
        return MISSING
    d = auto_digits(float(x)) if digits is None else digits
    text = format_decimal(x, format=_pattern(d), locale=babel_locale(locale))
    return _no_negative_zero(text)


def unit_tco2e(locale: str | None = None) -> str:
    """The unit of a mass of CO2e in the catalogue's words (``t CO2e``, ``吨CO₂e``)."""
    return Translator(locale or DEFAULT)("unit.tco2e")


def fmt_tco2e(x: float | None, digits: int | None = None, locale: str | None = None) -> str:
    """A mass with its unit: ``"1,372,294 t CO2e"`` (no-break spaces in and before the unit)."""
    text = fmt_number(x, digits, locale)
    if text == MISSING:
        return text
    return f"{text}{NBSP}{unit_tco2e(locale).replace(' ', NBSP)}"


def fmt_pct(x: float | None, digits: int = 1, locale: str | None = None) -> str:
    """A percentage given in percent: ``11.74913790803899`` → ``"11.7%"``."""
    if x is None or _missing(x):
        return MISSING
    text = format_percent(x / 100.0, format=_pattern(digits) + "%", locale=babel_locale(locale))
    return _no_negative_zero(text)


def fmt_score(x: float | None, locale: str | None = None) -> str:
    """A data-quality score on the Pedigree 1–5 scale, two decimals: ``"2.38"``."""
    return fmt_number(x, 2, locale)


def fmt_compact(x: float | int | None, locale: str | None = None, digits: int = 1) -> str:
    """A short value for a chart axis: zh ``12345`` → ``"1.2万"``, ``1.5e8`` → ``"1.5亿"``;
    en ``12345`` → ``"12.3K"``; below 10,000 (zh) / 1,000 (en) the plain number."""
    if x is None or _missing(x):
        return MISSING
    text = format_compact_decimal(x, locale=babel_locale(locale), fraction_digits=digits)
    return _no_negative_zero(text)


def fmt_date(value: date | str | None, locale: str | None = None) -> str:
    """A calendar date: zh ``2026年12月4日``, en ``Dec 4, 2026``; ISO text is parsed first."""
    if value is None or value == "":
        return MISSING
    day: date
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            return value
    else:
        day = value.date() if isinstance(value, datetime) else value
    fmt = "long" if babel_locale(locale).startswith("zh") else "medium"
    return format_date(day, format=fmt, locale=babel_locale(locale))
