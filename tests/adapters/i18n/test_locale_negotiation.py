"""Accept-Language negotiation: Chinese → zh-CN, English → en, any other language → English,
no header → the default (lingtan.adapters.i18n.messages, decision 0054)."""

from __future__ import annotations

import pytest

from lingtan.adapters.i18n.messages import (
    DEFAULT_LOCALE,
    choose_locale,
    from_accept_language,
    normalise,
    parse_accept_language,
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-DE,de;q=0.9", "en"),  # a German browser: English, not Chinese
        ("de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7", "en"),
        ("fr;q=0.9, zh-CN;q=0.8", "zh-CN"),  # French is not offered; Chinese is the next choice
        ("ja-JP,ja;q=0.9", "en"),
        ("en-US", "en"),
        ("en-GB,en;q=0.9,zh-CN;q=0.8", "en"),
        ("zh-TW,zh;q=0.9", "zh-CN"),  # any zh → the simplified catalogue
        ("zh-Hant-HK", "zh-CN"),
        ("en;q=0.5, zh-CN;q=0.9", "zh-CN"),  # weights, not order, decide
        ("zh;q=0.8, en;q=0.8", "zh-CN"),  # equal weights: the header's order
        ("zha", "en"),  # Zhuang is not Chinese (primary subtag)
        ("de;q=0, zh;q=0", None),  # nothing acceptable: the default applies
        ("*", None),
        ("", None),
        (None, None),
    ],
)
def test_accept_language(header: str | None, expected: str | None) -> None:
    assert from_accept_language(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-DE,de;q=0.9", "en"),
        ("fr;q=0.9, zh-CN;q=0.8", "zh-CN"),
        ("en-US", "en"),
        (None, DEFAULT_LOCALE),  # no header at all: the configured default (zh-CN)
    ],
)
def test_choose_locale_from_real_headers(header: str | None, expected: str) -> None:
    assert choose_locale(None, None, header) == expected


def test_no_header_default_can_be_english_for_the_api() -> None:
    assert choose_locale(None, None, None, default="en") == "en"
    assert choose_locale(None, None, "zh-CN", default="en") == "zh-CN"


def test_parse_orders_by_weight_then_position() -> None:
    assert parse_accept_language("fr;q=0.9, zh-CN;q=0.8, de, en;q=0.8;x=1, it;q=bad") == [
        ("de", 1.0),
        ("fr", 0.9),
        ("zh-CN", 0.8),
        ("en", 0.8),
    ]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("zh", "zh-CN"), ("zh_CN", "zh-CN"), ("EN-gb", "en"), ("de", None), ("zha", None), ("", None)],
)
def test_normalise(tag: str, expected: str | None) -> None:
    assert normalise(tag) == expected
