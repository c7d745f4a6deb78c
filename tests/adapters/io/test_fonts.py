"""The CJK font of the files lingtan renders (issue 13, item 8; decision 0058): found where
``make fonts`` (Debian's fonts-noto-cjk) puts it, its Simplified Chinese face chosen, and the PNG
label draws Chinese glyphs with it — not empty boxes."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.io import fonts
from lingtan.adapters.io.lca.labels import LabelData, render_png


@pytest.fixture
def font() -> Iterator[fonts.CjkFont]:
    fonts.cjk_font.cache_clear()
    f = fonts.cjk_font()
    if f is None:
        if os.environ.get("CI"):
            pytest.fail(fonts.missing_message())
        pytest.skip(fonts.missing_message())
    yield f
    fonts.cjk_font.cache_clear()


def test_the_simplified_chinese_face_is_chosen(font: fonts.CjkFont) -> None:
    assert font.path.is_file()
    if font.path.name == "NotoSansCJK-Regular.ttc":  # Debian's fonts-noto-cjk: JP, KR, SC, …
        assert (font.index, font.family) == (2, "Noto Sans CJK SC")


def test_chinese_characters_have_glyphs(font: fonts.CjkFont) -> None:
    """Two different characters draw differently (a missing glyph is the same empty box)."""
    f = fonts.pil_font(32)
    tan, zu = f.getmask("碳"), f.getmask("足")
    assert bytes(tan) != bytes(zu)
    assert max(bytes(tan)) > 0
    assert f.getbbox("碳")[2] > 20  # a full-width character at 32 px


def test_the_named_font_wins_and_a_bad_name_is_passed_over(
    font: fonts.CjkFont, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(fonts.ENV, str(font.path))
    fonts.cjk_font.cache_clear()
    assert fonts.cjk_font() == font
    not_a_font = tmp_path / "notes.txt"
    not_a_font.write_text("x", encoding="utf-8")
    monkeypatch.setenv(fonts.ENV, str(not_a_font))
    fonts.cjk_font.cache_clear()
    assert fonts.cjk_font() == font  # the usual places, as without the variable


def test_the_png_label_draws_the_chinese_caption(font: fonts.CjkFont) -> None:
    label = LabelData(
        "演示笔记本", "i7 / 32 GB", 138.7,
        {"materials": 10.0, "manufacturing": 111.0, "distribution": 0.4, "use": 17.0,
         "end_of_life": 0.3},
        "https://example.org/p/LB14/i7",
    )  # fmt: skip
    img = Image.open(io.BytesIO(render_png(label, scale=1))).convert("L")
    assert img.size == (420, 600)
    caption = img.crop((24, 54, 140, 74))  # "产品碳足迹" under the title
    assert ImageChops.invert(caption).getbbox() is not None  # something is drawn there
    name = img.crop((24, 86, 140, 106))
    assert ImageChops.invert(name).getbbox() is not None


def test_the_missing_font_message_says_what_to_install() -> None:
    for locale in ("en", "zh-CN"):
        text = fonts.missing_message(locale)
        assert "fonts-noto-cjk" in text
        assert fonts.ENV in text
        assert "Noto Sans CJK SC" in text
    assert "字体" in Translator("zh-CN")("demo.font_missing", env="X", family="Y")
