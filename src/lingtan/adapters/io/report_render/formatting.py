"""Cells, labels, numbers and dates as an edition's renderers print them (decision 0095).

One place decides how a :class:`~lingtan.modules.disclosure.document.Cell` is shown, so that the
HTML, the PDF (the same HTML) and the XLSX (the same number with a number format of the same
digits) agree and :func:`number_text` is what a reader finds in every file:

- ``number``: the value per locale with Babel (CLDR), exactly ``digits`` decimals rounded half
  away from zero (as spreadsheets display), grouped by thousands (``1,234.5`` in zh-CN and en
  alike, CLDR and GB/T 15835); ``-0.0`` never shown;
- ``label``: the catalogue text of the key in the language, its numeric arguments formatted per
  locale (at most three decimals), an ISO date argument as the language writes dates, a string
  argument that is itself a catalogue key translated;
- ``text``: the user's words as entered (escaped by the HTML template, never interpreted);
- ``date``: ``2024年3月31日`` / ``Mar 31, 2024``;
- ``na``: "not available" (``disc_render.na``), with the reason's text when the cell gives one.

Units: ``t CO2e`` in the catalogue's words (``unit.tco2e``: ``吨 CO₂e`` in Chinese), ``t`` and
``kg`` likewise (``disc_render.unit.*``); other symbols (``%``, ``MWh``) as they are.
"""

from __future__ import annotations

import decimal
import math
import re
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from lingtan.adapters.i18n.messages import Translator
from lingtan.modules.disclosure.document import Cell

#: Babel (CLDR) locale of each edition language
BABEL_LOCALES = {"zh-CN": "zh_Hans_CN", "en": "en"}
#: unit symbol → catalogue key of its words
UNIT_KEYS = {"t CO2e": "unit.tco2e", "t": "disc_render.unit.t", "kg": "disc_render.unit.kg"}
#: the options of ``lingtan explain`` in the order a source command names them
EXPLAIN_OPTIONS = (
    "year",
    "snapshot",
    "scope",
    "category",
    "site",
    "month",
    "gas",
    "basis",
    "supplier",
    "product",
)
#: an argument that is an ISO date (shown as the language writes dates)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def babel_locale(lang: str) -> str:
    """The Babel locale of an edition language (``zh-CN`` → ``zh_Hans_CN``)."""
    return BABEL_LOCALES.get(lang, "en")


def number_pattern(digits: int) -> str:
    """The CLDR/Excel pattern of a number with ``digits`` decimals: ``#,##0.0`` for 1."""
    d = max(0, int(digits))
    return "#,##0" + ("." + "0" * d if d else "")


def number_text(value: float | int, digits: int, lang: str) -> str:
    """``value`` with exactly ``digits`` decimals per the locale of ``lang``, rounded half away
    from zero on its shortest decimal form (``0.125`` → ``0.13``) — as a spreadsheet shows the
    same value with the same number format, so that the XLSX shows what the PDF prints."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("a number cell holds a finite number")
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_HALF_UP
        text = format_decimal(value, format=number_pattern(digits), locale=babel_locale(lang))
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    return str(text)


def unit_text(unit: str, t: Translator) -> str:
    """A unit symbol in the words of the language (:data:`UNIT_KEYS`), else the symbol."""
    key = UNIT_KEYS.get(unit)
    return t(key) if key else unit


def date_text(value: str, lang: str) -> str:
    """An ISO date as the language writes it; a text that is not a date is shown as it is."""
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    fmt = "long" if lang == "zh-CN" else "medium"
    return str(format_date(day, format=fmt, locale=babel_locale(lang)))


def _arg(value: Any, t: Translator, lang: str) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return number_text(value, 0, lang)
    if isinstance(value, float):
        if not math.isfinite(value):
            return t("disc_render.na")
        with decimal.localcontext() as ctx:
            ctx.rounding = decimal.ROUND_HALF_UP
            return str(format_decimal(value, format="#,##0.###", locale=babel_locale(lang)))
    text = str(value)
    if _ISO_DATE.fullmatch(text):
        return date_text(text, lang)
    return t(text) if "." in text and t.has(text) else text


def label_text(key: str, args: dict[str, Any] | None, t: Translator, lang: str) -> str:
    """The catalogue text of ``key`` with ``args`` filled in (numbers per locale, a catalogue
    key translated); a text naming an argument it was not given keeps its placeholder."""
    shown = {k: _arg(v, t, lang) for k, v in (args or {}).items()}
    try:
        return t(key, **shown)
    except (KeyError, IndexError, ValueError):
        return t(key)


def na_text(reason: object, t: Translator) -> str:
    """ "not available", with the reason's text when the cell names one."""
    if isinstance(reason, str) and reason:
        return t("disc_render.na_reason", reason=t(reason))
    return t("disc_render.na")


def cell_text(cell: Cell, t: Translator, lang: str) -> str:
    """The text of one cell as printed (a number without its unit: the column heading or
    :func:`cell_suffix` carries it)."""
    kind, v = cell.get("kind"), cell.get("v")
    if kind == "number" and isinstance(v, int | float) and not isinstance(v, bool):
        return number_text(v, int(cell.get("digits", 0)), lang)
    if kind == "label" and isinstance(v, str):
        return label_text(v, dict(cell.get("args", {})), t, lang)
    if kind == "date" and v is not None:
        return date_text(str(v), lang)
    if kind == "text":
        return "" if v is None else str(v)
    return na_text(v, t)


def cell_suffix(cell: Cell, column_unit: str | None, t: Translator) -> str:
    """The unit printed after a number whose unit is not its column's ('' when it is)."""
    unit = cell.get("unit")
    if cell.get("kind") != "number" or not unit or unit == column_unit:
        return ""
    return unit_text(unit, t)


def source_text(cell: Cell) -> str:
    """Where a figure comes from, language-neutral: the ``lingtan explain`` command of an
    inventory figure (its selection as options, in :data:`EXPLAIN_OPTIONS` order), else the
    record reference (``target:S12``); '' when the cell names neither."""
    sel = cell.get("explain")
    if sel:
        known = [k for k in EXPLAIN_OPTIONS if k in sel]
        rest = sorted(k for k in sel if k not in EXPLAIN_OPTIONS)
        opts = " ".join(f"--{k} {sel[k]}" for k in (*known, *rest))
        return f"lingtan explain {opts}"
    ref = cell.get("ref")
    return str(ref) if ref else ""
