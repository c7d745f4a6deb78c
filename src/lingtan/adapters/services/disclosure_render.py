"""Rendering editions: an edition's frozen document as PDF, XLSX and HTML in zh-CN and en
(issue 19 item 4; decision 0095). The drawing is in :mod:`lingtan.adapters.io.report_render`;
this module holds the use cases the command line, the API and the web pages share.

- :func:`render_document`: the bytes of a document in a language and a format — deterministic:
  the same document gives the same bytes in HTML and XLSX and the same text in PDF (no clock is
  read; the fiscal year's last day is the workbook's date);
- :func:`render_edition`: an edition's files (every language × format asked) written into a
  folder, each atomically, named ``<org>-<fiscal year>-<id[:12]>-<lang>.<ext>``;
- :func:`artefact`: one file of an edition for a download (file name, bytes, media type);
- :func:`html_fragment`: the body of the edition's HTML, for the edition's web page;
- :func:`numbers_in`: every figure of a document as the renderers print it, with its cell — what
  a reader finds in the PDF and re-adds in the XLSX (the XLSX holds the full value with a number
  format of the same digits, and names its ``lingtan explain`` selection or record).

An unknown language or format, a document that is not an edition, a Chinese PDF without a CJK
font: refused (:class:`~lingtan.modules.disclosure.errors.RenderError` from
:func:`render_document`; a keyed :class:`DisclosureRenderError` from the use cases that take a
context).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lingtan.adapters.io.report_render import MEDIA_TYPES, render
from lingtan.adapters.io.report_render.formatting import number_text
from lingtan.adapters.io.report_render.pdf import FontMissingError
from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError, keyed_refusal
from lingtan.core.messages import msg
from lingtan.modules.disclosure.document import (
    FORMATS,
    LANGUAGES,
    SCHEMA,
    Cell,
    EditionDocument,
)
from lingtan.modules.disclosure.errors import RenderError

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "MEDIA_TYPES",
    "DisclosureRenderError",
    "artefact",
    "check_request",
    "file_name",
    "html_fragment",
    "numbers_in",
    "render_document",
    "render_edition",
]


class DisclosureRenderError(KeyedError):
    """A refused rendering (``disc_render.error.*``): an unknown language or format, a missing
    CJK font, a folder that cannot be written."""


def _check_args(lang: str, fmt: str) -> None:
    if lang not in LANGUAGES:
        raise RenderError(
            msg("disc_render.error.lang", lang=str(lang)[:40], known=", ".join(LANGUAGES)), "lang"
        )
    if fmt not in FORMATS:
        raise RenderError(
            msg("disc_render.error.format", fmt=str(fmt)[:40], known=", ".join(FORMATS)), "format"
        )


def _check(document: EditionDocument, lang: str, fmt: str) -> None:
    _check_args(lang, fmt)
    schema = document.get("schema") if isinstance(document, dict) else None
    if schema != SCHEMA:
        raise RenderError(msg("disc_render.error.document", schema=str(schema)[:80]), "document")


def render_document(document: EditionDocument, lang: str, fmt: str) -> bytes:
    """``document`` in ``lang`` (one of :data:`LANGUAGES`) as ``fmt`` (one of :data:`FORMATS`).

    Raises:
        RenderError: an unknown language or format; not an edition document; a Chinese PDF and
            no CJK font on this machine.
    """
    _check(document, lang, fmt)
    try:
        return render(document, lang, fmt)
    except FontMissingError:
        raise RenderError(msg("disc_render.error.font"), "lang") from None


def numbers_in(document: EditionDocument, lang: str) -> list[tuple[str, Cell]]:
    """Every number cell of the document's paragraphs and tables, in order (a section's
    paragraphs before its tables), with its text as the renderers
    print it in ``lang`` (``1,234.5``: the cell's digits, grouped per locale, without its
    unit). A chart draws the numbers of its table, so they are not counted twice."""
    found: list[tuple[str, Cell]] = []
    for section in document["sections"]:
        cells = [*section["paragraphs"]]
        for table in section["tables"]:
            for row in table["rows"]:
                cells.extend(row)
        for cell in cells:
            v = cell.get("v")
            if (
                cell.get("kind") == "number"
                and isinstance(v, int | float)
                and not isinstance(v, bool)
            ):
                found.append((number_text(v, int(cell.get("digits", 0)), lang), cell))
    return found


def html_fragment(document: EditionDocument, lang: str) -> str:
    """The body of the edition's HTML (cover, contents, sections with their tables and inline
    SVG charts; no ``<html>`` element, no CSS) for the edition's web page to embed.

    Raises:
        RenderError: an unknown language; not an edition document.
    """
    from lingtan.adapters.io.report_render.html import render_fragment

    _check(document, lang, "html")
    return render_fragment(document, lang)


def file_name(document: EditionDocument, lang: str, fmt: str) -> str:
    """``<org>-<fiscal year, / → ->-<id[:12]>-<lang>.<ext>``: ``acme-FY2023-24-1a2b3c4d5e6f-en.pdf``
    (characters other than letters, digits, ``.``, ``_`` and ``-`` become ``-``)."""
    from lingtan.core.hashing import canonical_sha256

    def safe(text: str) -> str:
        return "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "-" for c in text)

    edition_id = canonical_sha256(document)
    fy = str(document["fiscal_year"]).replace("/", "-")
    return f"{safe(document['org'])}-{safe(fy)}-{edition_id[:12]}-{lang}.{fmt}"


def _refused(exc: RenderError) -> DisclosureRenderError:
    return keyed_refusal(DisclosureRenderError, "invalid", exc.message, exc.field)


def _document(ctx: Context, edition_id: str) -> EditionDocument:
    """The frozen document of the edition ``edition_id`` (prefix allowed) through the editions
    service (its refusals: not found, ambiguous, altered, forbidden)."""
    try:
        from lingtan.adapters.services import disclosure_editions
    except ImportError:
        raise keyed_refusal(
            DisclosureRenderError, "not_found", msg("disc_render.error.no_editions")
        ) from None
    record: Any = disclosure_editions.get_edition(ctx, edition_id)
    document = getattr(record, "document", None)
    if document is None and isinstance(record, dict):
        document = record.get("document")
    if not isinstance(document, dict):
        raise keyed_refusal(
            DisclosureRenderError, "invalid", msg("disc_render.error.document", schema="")
        )
    return document  # type: ignore[return-value]


def artefact(ctx: Context, edition_id: str, lang: str, fmt: str) -> tuple[str, bytes, str]:
    """One file of an edition for a download: (file name, bytes, media type).

    Raises:
        DisclosureRenderError: invalid language or format, no CJK font; the editions service's
            refusals (not found, forbidden …).
    """
    check_request(lang, fmt)
    document = _document(ctx, edition_id)
    try:
        data = render_document(document, lang, fmt)
    except RenderError as exc:
        raise _refused(exc) from None
    return file_name(document, lang, fmt), data, MEDIA_TYPES[fmt]


def check_request(lang: str, fmt: str) -> None:
    """Refuse an unknown language or format before anything is read or written.

    Raises:
        DisclosureRenderError: invalid ``lang`` or ``fmt``.
    """
    try:
        _check_args(lang, fmt)
    except RenderError as exc:
        raise _refused(exc) from None


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` into ``path`` through a temporary file of the same folder renamed over it, so
    that a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_refused(path: Path, exc: OSError) -> DisclosureRenderError:
    """The refusal of a file or folder that cannot be written (``out``), naming it and why."""
    return keyed_refusal(
        DisclosureRenderError,
        "invalid",
        msg("disc_render.error.write", path=str(path), reason=exc.strerror or str(exc)),
        "out",
    )


def render_edition(
    ctx: Context,
    edition_id: str,
    out_dir: Path,
    *,
    langs: Iterable[str] = LANGUAGES,
    formats: Iterable[str] = FORMATS,
) -> list[Path]:
    """The edition's files, one per language × format, written into ``out_dir`` (created),
    each atomically; their paths in order (languages, then formats).

    Raises:
        DisclosureRenderError: invalid language or format (checked before anything is written),
            no CJK font, a folder that cannot be written; the editions service's refusals.
    """
    langs, formats = list(langs), list(formats)
    for lang in langs:
        for fmt in formats:
            check_request(lang, fmt)
    document = _document(ctx, edition_id)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_refused(out, exc) from None
    paths: list[Path] = []
    for lang in langs:
        for fmt in formats:
            try:
                data = render_document(document, lang, fmt)
            except RenderError as exc:
                raise _refused(exc) from None
            path = out / file_name(document, lang, fmt)
            try:
                write_atomically(path, data)
            except OSError as exc:
                raise _write_refused(path, exc) from None
            paths.append(path)
    return paths
