"""An edition as one standalone HTML page, and the same page with print CSS for the PDF
(decision 0095).

Standalone: the CSS is inline, the charts are inline SVG (:mod:`.charts`), nothing is fetched —
no script, no external URL, no font file (the reader's fonts draw the text: Noto Sans CJK SC
first). Jinja2 with auto-escaping draws :mod:`.view`'s texts, so a user's words are shown as
entered and never interpreted. Deterministic: no date or time of rendering anywhere; the same
document gives the same bytes.

The PDF variant (``pdf=True``) adds the paged-media rules WeasyPrint reads: A4, a running header
(organisation · fiscal year · edition id), "page x of y" in the language, each section on a new
page, and page numbers in the table of contents (``target-counter``); its charts draw their text
as outlines.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.io.report_render.charts import chart_svg
from lingtan.adapters.io.report_render.formatting import date_text
from lingtan.adapters.io.report_render.view import document_view, title_text
from lingtan.core.hashing import canonical_sha256
from lingtan.modules.disclosure.document import EditionDocument

TEMPLATES = Path(__file__).parent / "templates"
#: the font stack of the page (the PDF puts a font named by ``LINGTAN_CJK_FONT`` first)
FONTS = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", ' + (
    '"Microsoft YaHei", "Noto Sans", "DejaVu Sans", sans-serif'
)
#: the family name an explicitly named CJK font file is given in the PDF's CSS
CUSTOM_FAMILY = "lingtan-cjk"


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: quotes and backslashes escaped, line breaks and ``<``
    as hexadecimal escapes (so that no user text ends the ``<style>`` element)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\r\f<>" or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def pages_content(t: Translator) -> str:
    """The CSS ``content`` of "page x of y" from the catalogue text ``disc_render.page_x_of_y``
    (its ``{page}`` and ``{pages}`` become the page counters)."""
    parts = re.split(r"(\{page\}|\{pages\})", t("disc_render.page_x_of_y"))
    tokens = []
    for part in parts:
        if part == "{page}":
            tokens.append("counter(page)")
        elif part == "{pages}":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(css_string(part))
    return " ".join(tokens)


def _font_face(font_file: Path | None) -> str:
    if font_file is None:
        return ""
    url = font_file.resolve().as_uri()
    family, src = css_string(CUSTOM_FAMILY), css_string(url)
    return f"@font-face {{ font-family: {family}; src: url({src}); }}"


def render_html(doc: EditionDocument, lang: str, *, pdf: bool = False,
                font_file: Path | None = None) -> str:  # fmt: skip
    """The edition ``doc`` in ``lang`` as one HTML page; ``pdf`` adds the paged-media CSS and
    draws chart text as outlines; ``font_file`` (PDF only) a CJK font file put first in the
    font stack."""
    t = Translator(lang)
    fonts = FONTS if font_file is None or not pdf else f'"{CUSTOM_FAMILY}", {FONTS}'
    context = _context(doc, lang, t, pdf=pdf)
    header = t(
        "disc_render.header",
        org=doc["organisation_name"],
        fy=doc["fiscal_year"],
        id=str(context["edition_id"])[:12],
    )
    env = _env()
    css = env.get_template("edition.css").render(
        pdf=pdf,
        fonts=fonts,
        font_face=_font_face(font_file) if pdf else "",
        header_css=css_string(header),
        pages_css=pages_content(t),
    )
    return env.get_template("edition.html").render(**context, css=Markup(css))


def render_fragment(doc: EditionDocument, lang: str) -> str:
    """The body of the edition's page (cover, contents, sections; no ``<html>``, no CSS) for a
    page of the web application to embed: the same texts, tables and inline SVG charts."""
    return _env().get_template("_body.html").render(**_context(doc, lang, Translator(lang)))


def _context(
    doc: EditionDocument, lang: str, t: Translator, *, pdf: bool = False
) -> dict[str, Any]:
    """What the templates draw: the document's view in ``lang`` and its charts."""
    edition_id = canonical_sha256(doc)
    sections = document_view(doc, lang)
    svgs = {c.key: chart_svg(c.chart, lang, text_as_paths=pdf) for s in sections for c in s.charts}
    restatement = doc.get("restatement") or {}
    restates = None
    if doc.get("supersedes"):
        reason = restatement.get("reason") if isinstance(restatement, dict) else None
        restates = t(
            "disc_render.restates", id=str(doc["supersedes"])[:12], reason=str(reason or "")
        )
    return {
        "lang": lang,
        "doc": doc,
        "title": title_text(doc, t),
        "period": t(
            "disc_render.period",
            start=date_text(doc["period_start"], lang),
            end=date_text(doc["period_end"], lang),
        ),
        "edition_id": edition_id,
        "edition_line": t("disc_render.edition_line", id=edition_id),
        "restates": restates,
        "toc": t("disc_render.toc"),
        "sections": sections,
        "section_na": t("disc_render.section_na"),
        "narrative_na": t("disc_render.narrative_na"),
        "svgs": {k: Markup(v) for k, v in svgs.items()},
    }
