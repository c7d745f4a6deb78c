"""An edition as an XLSX workbook a verifier can re-add (openpyxl; decision 0095).

- a first sheet ``edition`` (``版次``): the edition id, organisation, fiscal year and period,
  language, what it supersedes and why, and every pinned input (snapshot ids, content hashes);
- one sheet per section, in order, named ``<n> <title>`` (at most 31 characters, without the
  characters Excel refuses, unique): the title, "not available" for a section without data, the
  generated paragraphs and the narratives, then each table — its title row, a header row (a
  column's unit in its heading) and its rows, **numbers stored as numbers** with a number format
  of the cell's digits (so the sheet shows what the PDF prints and sums the full values), a last
  column "source" naming the ``lingtan explain`` command or the record of each row's figures —
  and the facts the section states with their status;
- dates as dates, "not available" cells as the words.

Byte-identical for the same document: the workbook's created/modified dates are the fiscal
year's last day (never "now"), the zip entries carry that date too and are written in a fixed
order with fixed attributes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.io.report_render.formatting import number_pattern
from lingtan.adapters.io.report_render.view import (
    ViewCell,
    ViewSection,
    ViewTable,
    document_view,
    title_text,
)
from lingtan.core.hashing import canonical_sha256
from lingtan.modules.disclosure.document import EditionDocument

#: the characters Excel refuses in a sheet name, and its length limit
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
#: column widths of the section sheets (characters): first column wide, then figures
WIDTHS = (42, 18, 18, 18, 18, 18, 18, 18)
SOURCE_WIDTH = 60


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid, unique sheet name for ``wanted``: Excel's forbidden characters replaced, no
    leading or trailing apostrophe, at most 31 characters, a ``~2`` … suffix when taken (case
    insensitive, as Excel compares)."""
    name = _BAD_SHEET_CHARS.sub("_", wanted).strip().strip("'") or "sheet"
    name = name[:SHEET_NAME_MAX].strip()
    candidate, n = name, 1
    while candidate.lower() in taken or candidate.lower() == "history":
        n += 1
        suffix = f"~{n}"
        candidate = name[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def fixed_moment(doc: EditionDocument) -> datetime:
    """The moment the workbook says it was made: the fiscal year's last day, 00:00 (the edition
    is a statement about that year; no clock is read)."""
    try:
        day = date.fromisoformat(str(doc["period_end"])[:10])
    except ValueError:
        day = date(2000, 1, 1)
    return datetime(max(day.year, 1980), day.month, day.day)


def _number_format(vc: ViewCell) -> str:
    pattern = number_pattern(int(vc.cell.get("digits", 0)))
    if vc.suffix:
        pattern += '" ' + vc.suffix.replace('"', "") + '"'
    return pattern


def _write_cell(ws: Worksheet, row: int, col: int, vc: ViewCell) -> None:
    cell = ws.cell(row=row, column=col)
    v = vc.cell.get("v")
    if vc.kind == "number" and isinstance(v, int | float) and not isinstance(v, bool):
        cell.value = v
        cell.number_format = _number_format(vc)
    elif vc.kind == "date" and isinstance(v, str):
        try:
            cell.value = date.fromisoformat(v[:10])
            cell.number_format = "yyyy-mm-dd"
        except ValueError:
            cell.value = vc.text
    else:
        _text(cell, vc.text)


def _text(cell: Any, text: str | None) -> None:
    """A text cell, stored as a string whatever it starts with: a user's ``=…`` is shown as
    entered, never read as a formula (OWASP "CSV injection"; an XLSX string cell is not
    evaluated)."""
    cell.value = text
    if text is not None:
        cell.data_type = "s"


def _table(ws: Worksheet, row: int, tb: ViewTable, t: Translator) -> int:
    _text(ws.cell(row=row, column=1), tb.title)
    ws.cell(row=row, column=1).font = BOLD
    row += 1
    # the source column after the widest of the header and the rows
    width = max([len(tb.headers), *(len(r) for r in tb.rows)])
    headers = [*tb.headers, *([""] * (width - len(tb.headers))), t("disc_render.source")]
    for col, text in enumerate(headers, start=1):
        _text(ws.cell(row=row, column=col), text)
        ws.cell(row=row, column=col).font = BOLD
    row += 1
    for cells, source in zip(tb.rows, tb.sources, strict=True):
        for col, vc in enumerate(cells, start=1):
            _write_cell(ws, row, col, vc)
        _text(ws.cell(row=row, column=len(headers)), source or None)
        row += 1
    if tb.note:
        _text(ws.cell(row=row, column=1), tb.note)
        row += 1
    return row + 1


def _section(ws: Worksheet, s: ViewSection, t: Translator) -> None:
    _text(ws.cell(row=1, column=1), f"{s.number}. {s.title}")
    ws.cell(row=1, column=1).font = TITLE
    row = 2
    if not s.available:
        ws.cell(row=row, column=1, value=t("disc_render.section_na"))
        row += 1
    for p in s.paragraphs:
        if p.kind == "number":
            _write_cell(ws, row, 1, p)
            _text(ws.cell(row=row, column=2), p.source or None)
        else:
            _text(ws.cell(row=row, column=1), p.text)
            ws.cell(row=row, column=1).alignment = WRAP
        row += 1
    for n in s.narratives:
        if n.heading:
            ws.cell(row=row, column=1, value=n.heading).font = BOLD
            row += 1
        for para in n.paragraphs or [t("disc_render.narrative_na")]:
            _text(ws.cell(row=row, column=1), para)
            ws.cell(row=row, column=1).alignment = WRAP
            row += 1
    row += 1
    width = 1
    for tb in s.tables:
        row = _table(ws, row, tb, t)
        width = max([width, len(tb.headers) + 1, *(len(r) + 1 for r in tb.rows)])
    for c in s.charts:
        ws.cell(row=row, column=1, value=c.note)
        row += 1
    facts = s.section["facts"]
    if facts:
        row += 1 if s.charts else 0
        ws.cell(row=row, column=1, value=t("disc_render.facts")).font = BOLD
        row += 1
        for col, key in enumerate(("fact", "status", "source"), start=1):
            ws.cell(row=row, column=col, value=t(f"disc_render.fact.{key}")).font = BOLD
        row += 1
        for fact_key, fact in facts.items():
            lbl = f"disc_map.fact.{fact_key}"
            ws.cell(row=row, column=1, value=t(lbl) if t.has(lbl) else fact_key)
            ws.cell(row=row, column=2, value=t(f"disc_render.status.{fact['status']}"))
            _text(ws.cell(row=row, column=3), fact["source"])
            row += 1
    for i in range(max(width, 3)):
        letter = get_column_letter(i + 1)
        last = i == width - 1 and width > 1
        ws.column_dimensions[letter].width = SOURCE_WIDTH if last else WIDTHS[min(i, 7)]


def _edition_sheet(ws: Worksheet, doc: EditionDocument, lang: str, t: Translator) -> None:
    restatement: dict[str, Any] = dict(doc.get("restatement") or {})
    changed = restatement.get("changed")
    rows: list[tuple[str, object]] = [
        ("disc_render.edition.id", canonical_sha256(doc)),
        ("disc_render.edition.org", doc["organisation_name"]),
        ("disc_render.edition.org_slug", doc["org"]),
        ("disc_render.edition.fy", doc["fiscal_year"]),
        ("disc_render.edition.period_start", doc["period_start"]),
        ("disc_render.edition.period_end", doc["period_end"]),
        ("disc_render.edition.language", lang),
        ("disc_render.edition.schema", doc["schema"]),
        ("disc_render.edition.supersedes", doc.get("supersedes") or t("disc_render.edition.none")),
    ]
    if doc.get("supersedes"):
        rows.append(("disc_render.edition.reason", str(restatement.get("reason") or "")))
        if isinstance(changed, list | tuple):
            rows.append(("disc_render.edition.changed", ", ".join(str(c) for c in changed)))
    _text(ws.cell(row=1, column=1), title_text(doc, t))
    ws.cell(row=1, column=1).font = TITLE
    r = 3
    for key, value in rows:
        ws.cell(row=r, column=1, value=t(key)).font = BOLD
        _text(ws.cell(row=r, column=2), str(value))
        r += 1
    r += 1
    ws.cell(row=r, column=1, value=t("disc_render.edition.inputs")).font = BOLD
    r += 1
    ws.cell(row=r, column=1, value=t("disc_render.edition.input")).font = BOLD
    ws.cell(row=r, column=2, value=t("disc_render.edition.value")).font = BOLD
    r += 1
    for name in sorted(doc["inputs"]):
        _text(ws.cell(row=r, column=1), name)
        _text(ws.cell(row=r, column=2), str(doc["inputs"][name]))
        r += 1
    r += 1
    ws.cell(row=r, column=1, value=t("disc_render.edition.sources_note")).alignment = WRAP
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 70


def _fixed_zip(data: bytes, moment: datetime) -> bytes:
    """The zip ``data`` rewritten with every entry dated ``moment`` and fixed attributes, in the
    order openpyxl wrote them."""
    stamp = (moment.year, moment.month, moment.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename), compresslevel=6)
    return out.getvalue()


def render_xlsx(doc: EditionDocument, lang: str) -> bytes:
    """The edition ``doc`` in ``lang`` as XLSX bytes."""
    t = Translator(lang)
    moment = fixed_moment(doc)
    wb = Workbook()
    props = wb.properties
    props.creator = "lingtan"
    props.lastModifiedBy = "lingtan"
    props.created = moment
    props.modified = moment
    props.title = title_text(doc, t)
    props.identifier = canonical_sha256(doc)
    props.language = lang
    taken: set[str] = set()
    first = wb.active
    assert first is not None
    first.title = sheet_name(t("disc_render.sheet.edition"), taken)
    _edition_sheet(first, doc, lang, t)
    for s in document_view(doc, lang):
        ws = wb.create_sheet(sheet_name(f"{s.number} {s.title}", taken))
        _section(ws, s, t)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    return _fixed_zip(buf.getvalue(), moment)
