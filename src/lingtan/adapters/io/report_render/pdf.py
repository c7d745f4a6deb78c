"""An edition as a PDF: the edition's HTML with its print CSS, laid out by WeasyPrint (Pango,
HarfBuzz, fontconfig; decision 0095).

A4, a running header (organisation · fiscal year · edition id), "page x of y" (``第 x 页 / 共 y
页`` in Chinese), a table of contents with page numbers, charts as SVG. Chinese is drawn with
Noto Sans CJK SC (``fonts-noto-cjk``, installed by ``make fonts``) found through fontconfig; a
font file named by ``LINGTAN_CJK_FONT`` is put first. The PDF carries no date: WeasyPrint writes
a creation date only when the page's ``<meta name="dcterms.created">`` gives one, and its
document identifier is a hash of the content, so the same document gives the same text (and, with
the same fonts and WeasyPrint, the same bytes). Nothing is fetched: the only URL the page may
name is the local font file.
"""

from __future__ import annotations

import os
from pathlib import Path

from lingtan.adapters.io.fonts import ENV, cjk_font
from lingtan.adapters.io.report_render.html import render_html
from lingtan.modules.disclosure.document import EditionDocument


class FontMissingError(Exception):
    """No CJK font is installed (nor named by ``LINGTAN_CJK_FONT``) for a Chinese PDF."""


def _named_font() -> Path | None:
    name = os.environ.get(ENV, "").strip()
    if not name:
        return None
    path = Path(name).expanduser()
    return path if path.is_file() else None


def render_pdf(doc: EditionDocument, lang: str) -> bytes:
    """The edition ``doc`` in ``lang`` as PDF bytes.

    Raises:
        FontMissingError: a Chinese PDF and no CJK font on this machine.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    font_file = _named_font()
    if lang == "zh-CN" and font_file is None and cjk_font() is None:
        raise FontMissingError(lang)
    page = render_html(doc, lang, pdf=True, font_file=font_file)
    fetcher = URLFetcher(allowed_protocols=("file",))
    pdf = HTML(string=page, base_url=None, url_fetcher=fetcher).write_pdf()
    return bytes(pdf or b"")
