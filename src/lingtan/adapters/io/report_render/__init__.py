"""Rendering an edition document to HTML, XLSX and PDF in zh-CN and en (issue 19 item 4;
decision 0095): :mod:`.formatting` (cells, numbers per locale), :mod:`.view` (the document laid out
for one language), :mod:`.charts` (matplotlib SVG), :mod:`.html` (Jinja2, standalone page),
:mod:`.pdf` (WeasyPrint from the same page with print CSS), :mod:`.xlsx` (openpyxl).

:func:`render` is the one entry: the bytes of a document in a language and a format. The use
cases (which edition, where the files go, refusals) are in
:mod:`lingtan.adapters.services.disclosure_render`.
"""

from __future__ import annotations

from lingtan.modules.disclosure.document import EditionDocument

#: the media type and the file extension of each format
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


def render(doc: EditionDocument, lang: str, fmt: str) -> bytes:
    """``doc`` in ``lang`` (``zh-CN`` | ``en``) as ``fmt`` (``pdf`` | ``xlsx`` | ``html``) bytes
    (the caller has checked both).

    Raises:
        report_render.pdf.FontMissingError: a Chinese PDF and no CJK font installed.
    """
    if fmt == "html":
        from lingtan.adapters.io.report_render.html import render_html

        return render_html(doc, lang).encode("utf-8")
    if fmt == "xlsx":
        from lingtan.adapters.io.report_render.xlsx import render_xlsx

        return render_xlsx(doc, lang)
    if fmt == "pdf":
        from lingtan.adapters.io.report_render.pdf import render_pdf

        return render_pdf(doc, lang)
    raise ValueError(fmt)
