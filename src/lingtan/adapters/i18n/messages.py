"""The message catalogues (zh-CN, en) and the choice of language for a request.

Every visible string of the pages goes through a catalogue key: ``i18n/<locale>.json`` and any
``i18n/<area>.<locale>.json`` (one file per capability, so that modules own their messages) hold
flat mappings ``key → text``, merged, a key defined twice being an error; a text may name
parameters in ``str.format`` style (``"{n} rows rejected"``). Both catalogues have the same keys
(a test checks this and that every key a template uses exists).

Language choice, first that applies: ``?lang=`` in the URL (then remembered in the
``lingtan_lang`` cookie), the cookie, the browser's ``Accept-Language`` by its weights (any
``zh`` → zh-CN, any ``en`` → en, only other languages → :data:`FALLBACK_LOCALE`, English),
else :data:`DEFAULT_LOCALE` (no header at all). Decision 0054.
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
#: the language of a browser that asks only for languages the catalogue does not have
FALLBACK_LOCALE = "en"
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

    def message(self, key: str | None, params: Mapping[str, Any] | None = None,
                default: str = "") -> str:  # fmt: skip
        """The text of a message a module returned as ``key`` + ``params`` (decision 0054);
        ``default`` (the module's own words) when there is no key or the catalogue lacks it."""
        if not key or not isinstance(key, str) or not self.has(key):
            return default
        return self(key, **(dict(params) if params else {}))

    def join(self, parts: Any, default: str = "") -> str:
        """A text a module returned in parts (``[{"key", "params"}, …]`` or ``(key, params)``
        pairs), each rendered and joined by ``text.sep``; ``default`` when a part is unknown."""
        texts: list[str] = []
        for part in parts or ():
            key, params = (
                (part.get("key"), part.get("params")) if isinstance(part, Mapping) else part
            )
            if not isinstance(key, str) or not self.has(key):
                return default
            texts.append(self(key, **(dict(params) if params else {})))
        return self("text.sep").join(texts) if texts else default

    def has(self, key: str) -> bool:
        """True when the catalogue defines ``key``."""
        return key in catalogue(self.locale)

    @property
    def html_lang(self) -> str:
        """The value of ``<html lang>``: ``zh-CN`` or ``en``."""
        return self.locale


def normalise(value: str | None) -> str | None:
    """A supported locale for a user-supplied tag (``zh``, ``zh-cn``, ``zh_Hant``, ``en-GB`` …),
    else None. The primary language subtag decides (BCP 47): ``zha`` (Zhuang) is not Chinese."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    if primary == "zh":
        return "zh-CN"
    if primary == "en":
        return "en"
    return None


def parse_accept_language(header: str | None) -> list[tuple[str, float]]:
    """The language ranges of an ``Accept-Language`` header with their weights, preferred first
    (RFC 9110 §12.5.4: ``q`` from 0 to 1, default 1; equal weights keep the header's order).

    A range with ``q=0`` ("not acceptable") or an unreadable ``q`` is left out, so is an empty
    one; ``*`` is kept (it means "anything else").
    """
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        tag, *params = (p.strip() for p in part.split(";"))
        if not tag:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if 0.0 < q <= 1.0:
            ranked.append((-q, i, tag))
    return [(tag, -neg_q) for neg_q, _, tag in sorted(ranked)]


def from_accept_language(header: str | None) -> str | None:
    """The language of an ``Accept-Language`` header: the first supported language by weight
    (any ``zh*`` → zh-CN, ``en*`` → en); **English** when the browser names only other
    languages (``de-DE,de;q=0.9`` → en: a German reader is better served in English than in
    Chinese); None when there is no header or it names no language at all (only ``*`` or
    ``q=0``), so that the configured default applies."""
    ranges = parse_accept_language(header)
    for tag, _ in ranges:
        loc = normalise(tag)
        if loc:
            return loc
    return FALLBACK_LOCALE if any(tag != "*" for tag, _ in ranges) else None


def choose_locale(
    query: str | None,
    cookie: str | None,
    accept_language: str | None,
    default: str = DEFAULT_LOCALE,
) -> str:
    """The language of a request: ``?lang=``, the cookie, ``Accept-Language``, ``default``."""
    return normalise(query) or normalise(cookie) or from_accept_language(accept_language) or default
