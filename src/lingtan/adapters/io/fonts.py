"""The CJK font lingtan draws Chinese text with in the files it renders itself (PNG labels; later
PDFs): Noto Sans CJK SC, installed on Debian/Ubuntu by ``fonts-noto-cjk`` (``make fonts``;
decision 0058). The web pages name it in their CSS font stack; the browser finds it itself.

Where it is looked for, first found wins:

1. ``LINGTAN_CJK_FONT``: a font file (``.ttc``, ``.otf``, ``.ttf``) the user names;
2. the usual install locations (Debian/Ubuntu ``fonts-noto-cjk``, Fedora, Arch, macOS PingFang,
   Windows Microsoft YaHei);
3. fontconfig: ``fc-match`` for "Noto Sans CJK SC" restricted to fonts covering Chinese
   (``:lang=zh-cn``), else the first of ``fc-list :lang=zh-cn``.

In a font collection (``.ttc``) the face whose family name ends in "SC" (Simplified Chinese
glyph forms) is chosen, else the first. Without any, :func:`cjk_font` returns None and
:func:`missing_message` says what to install (message catalogue ``demo.*.json``).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

__all__ = ["ENV", "CjkFont", "cjk_font", "missing_message", "pil_font"]

#: environment variable naming a CJK font file
ENV: Final = "LINGTAN_CJK_FONT"
#: the family the web CSS and the renderers ask for
FAMILY: Final = "Noto Sans CJK SC"
#: usual locations of a CJK font, most wanted first
KNOWN_PATHS: Final = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch noto-fonts-cjk
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/System/Library/Fonts/PingFang.ttc",  # macOS
    "C:/Windows/Fonts/msyh.ttc",  # Windows, Microsoft YaHei
)
_FONT_SUFFIXES: Final = (".ttc", ".otf", ".ttf")


@dataclass(frozen=True)
class CjkFont:
    """A font file covering Chinese and the face to use in it (``index`` in a ``.ttc``)."""

    path: Path
    index: int = 0
    family: str = ""


def _usable(path: str | Path) -> Path | None:
    p = Path(path)
    return p if p.is_file() and p.suffix.lower() in _FONT_SUFFIXES else None


def _fontconfig() -> Path | None:
    """The CJK font fontconfig knows, if ``fc-match``/``fc-list`` are installed."""
    fc_match, fc_list = shutil.which("fc-match"), shutil.which("fc-list")
    try:
        if fc_match:
            done = subprocess.run(
                [fc_match, "-f", "%{file}", f"{FAMILY}:lang=zh-cn"],
                capture_output=True, text=True, timeout=10, check=False,
            )  # fmt: skip
            found = _usable(done.stdout.strip()) if done.returncode == 0 else None
            # fc-match always answers; keep its answer only when it covers Chinese
            if found is not None and fc_list:
                covers = subprocess.run(
                    [fc_list, ":lang=zh-cn", "file"],
                    capture_output=True, text=True, timeout=10, check=False,
                )  # fmt: skip
                if str(found) in covers.stdout:
                    return found
        if fc_list:
            done = subprocess.run(
                [fc_list, ":lang=zh-cn", "-f", "%{file}\n"],
                capture_output=True, text=True, timeout=10, check=False,
            )  # fmt: skip
            files = sorted(
                {p for line in done.stdout.splitlines() if (p := _usable(line.strip()))},
                key=lambda p: ("CJK" not in p.name, str(p)),
            )
            if files:
                return files[0]
    except (OSError, subprocess.SubprocessError):
        return None
    return None


def _face(path: Path) -> CjkFont:
    """The Simplified Chinese face of ``path`` (a collection holds several)."""
    from PIL import ImageFont

    if path.suffix.lower() != ".ttc":
        try:
            return CjkFont(path, 0, str(ImageFont.truetype(str(path), 12).getname()[0]))
        except OSError:
            return CjkFont(path, 0)
    first: CjkFont | None = None
    for i in range(16):
        try:
            family = str(ImageFont.truetype(str(path), 12, index=i).getname()[0])
        except OSError:
            break
        face = CjkFont(path, i, family)
        first = first or face
        if family.endswith(" SC") or family in ("PingFang SC", "Microsoft YaHei"):
            return face
    return first or CjkFont(path, 0)


@functools.cache
def cjk_font() -> CjkFont | None:
    """The CJK font to draw with, or None when none is installed (looked up once)."""
    named = os.environ.get(ENV)
    if named:
        p = _usable(named)
        if p is not None:
            return _face(p)
    for known in KNOWN_PATHS:
        p = _usable(known)
        if p is not None:
            return _face(p)
    p = _fontconfig()
    return None if p is None else _face(p)


def pil_font(size_px: int) -> Any:
    """A Pillow font of ``size_px`` pixels: the CJK font when there is one, else Pillow's
    built-in font (Latin text only)."""
    from PIL import ImageFont

    f = cjk_font()
    if f is None:
        return ImageFont.load_default(size=size_px)
    return ImageFont.truetype(str(f.path), size_px, index=f.index)


def missing_message(locale: str = "en") -> str:
    """What to install when no CJK font is found (message catalogue, ``locale``)."""
    from lingtan.adapters.i18n.messages import Translator

    return Translator(locale)("demo.font_missing", env=ENV, family=FAMILY)
