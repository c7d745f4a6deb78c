"""The message catalogues (zh-CN, en) and the choice of language for a request.

Every visible string of the pages goes through a catalogue key: ``i18n/<locale>.json`` and any
``i18n/<area>.<locale>.json`` (one file per capability, so that modules own their messages) hold
flat mappings ``key → text``, merged, a key defined twice being an error; a text may name
parameters in ``str.format`` style (``"{n} rows rejected"``). Both catalogues have the same keys
(a test checks this and that every key a template uses exists).

Language choice, first that applies: ``?lang=`` in the URL (then remembered in the
``lingtan_lang`` cookie), the cookie, the browser's ``Accept-Language`` (any ``zh`` → zh-CN),
else :data:`DEFAULT_LOCALE`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LOCALES: tuple[str, ...] = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"
LANG_COOKIE = "lingtan_lang"
CATALOGUE_DIR = Path(__file__).parent


@cache
def catalogue(locale: str) -> Mapping[str, str]:
    """The messages of ``locale`` (one of :data:`LOCALES`), read once from ``i18n/``.

    Raises:
        ValueError: an unknown locale, or a catalogue that is not a flat string mapping.
    """
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; known: {', '.join(LOCALES)}")
    merged: dict[str, str] = {}
    paths = [CATALOGUE_DIR / f"{locale}.json", *sorted(CATALOGUE_DIR.glob(f"*.{locale}.json"))]
    for path in paths:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise ValueError(f"{path}: a catalogue is a flat JSON object of strings")
        twice = sorted(set(data) & set(merged))
        if twice:
            raise ValueError(f"{path}: keys already defined in another file: {', '.join(twice)}")
        merged.update(data)
    return merged


@dataclass(frozen=True)
class Translator:
    """``t("key", n=3)`` → the text of ``key`` in this locale with its parameters filled in.

    An unknown key renders as the key itself (visible, never a crash); the catalogue tests make
    sure no template uses one.
    """

    locale: str

    def __call__(self, key: str, /, **params: Any) -> str:
        text = catalogue(self.locale).get(key, key)
        return text.format(**params) if params else text

    def has(self, key: str) -> bool:
        """True when the catalogue defines ``key``."""
        return key in catalogue(self.locale)

    @property
    def html_lang(self) -> str:
        """The value of ``<html lang>``: ``zh-CN`` or ``en``."""
        return self.locale


def normalise(value: str | None) -> str | None:
    """A supported locale for a user-supplied tag (``zh``, ``zh-cn``, ``en-GB`` …), else None."""
    if not value:
        return None
    tag = value.strip().lower()
    if tag.startswith("zh"):
        return "zh-CN"
    if tag.startswith("en"):
        return "en"
    return None


def from_accept_language(header: str | None) -> str | None:
    """The first supported language of an ``Accept-Language`` header, by its q-weights."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        tag, _, rest = part.strip().partition(";")
        q = 1.0
        if rest.strip().startswith("q="):
            try:
                q = float(rest.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag))
    for neg_q, _, tag in sorted(ranked):
        loc = normalise(tag)
        if loc and neg_q < 0:
            return loc
    return None


def choose_locale(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of a request: ``?lang=``, the cookie, ``Accept-Language``, the default."""
    return (
        normalise(query)
        or normalise(cookie)
        or from_accept_language(accept_language)
        or DEFAULT_LOCALE
    )
