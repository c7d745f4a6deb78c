"""An edition document laid out for one language: what the HTML template and the XLSX writer
draw (decision 0095). Every text is resolved here — catalogue keys translated, numbers and dates
formatted (:mod:`.formatting`) — so the two renderers cannot disagree on a word or a figure.
Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.io.report_render.formatting import (
    cell_suffix,
    cell_text,
    source_text,
    unit_text,
)
from lingtan.modules.disclosure.document import Cell, Chart, EditionDocument, Section, Table


@dataclass(frozen=True)
class ViewCell:
    """A cell as printed: ``text`` (and ``suffix``, a unit not the column's), ``kind`` (the
    CSS class: numbers right-aligned, "not available" greyed), ``source`` (the explain command
    or record reference of a figure, '' for none) and the ``cell`` itself."""

    text: str
    suffix: str
    kind: str
    source: str
    cell: Cell


@dataclass(frozen=True)
class ViewTable:
    """A table as printed: its anchor ``key``, ``title``, ``headers`` (a column's unit in its
    heading), ``units`` (each column's unit symbol or None), ``rows``, ``note``, and the
    ``sources`` of each row (the explain commands and references of its figures)."""

    key: str
    title: str
    headers: list[str]
    units: list[str | None]
    rows: list[list[ViewCell]]
    sources: list[str]
    note: str | None


@dataclass(frozen=True)
class ViewChart:
    """A chart: its ``title``, the ``table`` title holding its numbers, the ``note`` saying so
    and the chart itself."""

    key: str
    title: str
    table: str
    note: str
    chart: Chart


@dataclass(frozen=True)
class ViewNarrative:
    """One narrative field: its heading (None: the section's own narrative) and paragraphs
    (empty: no text in this language)."""

    key: str
    heading: str | None
    paragraphs: list[str]


@dataclass(frozen=True)
class ViewSection:
    """A section as printed, ``number`` its position (1-based) in the table of contents; its
    ``paragraphs`` are cells (a number among them printed with its unit)."""

    key: str
    number: int
    title: str
    available: bool
    paragraphs: list[ViewCell]
    narratives: list[ViewNarrative]
    tables: list[ViewTable]
    charts: list[ViewChart]
    section: Section = field(repr=False)


def header_text(title: str, unit: str | None, t: Translator) -> str:
    """A column heading with its unit: ``Emissions (t CO2e)`` / ``排放量（吨 CO₂e）``."""
    if not unit:
        return title
    return t("disc_render.with_unit", label=title, unit=unit_text(unit, t))


def table_view(table: Table, t: Translator, lang: str) -> ViewTable:
    """The table ``table`` as printed in ``lang``."""
    units = [c.get("unit") for c in table["columns"]]
    headers = [header_text(t(c["label"]), c.get("unit"), t) for c in table["columns"]]
    rows: list[list[ViewCell]] = []
    sources: list[str] = []
    for row in table["rows"]:
        cells = []
        for i, cell in enumerate(row):
            unit = units[i] if i < len(units) else None
            text, suffix = cell_text(cell, t, lang), cell_suffix(cell, unit, t)
            cells.append(ViewCell(text, suffix, cell["kind"], source_text(cell), cell))
        rows.append(cells)
        sources.append("; ".join(s for s in (source_text(c) for c in row) if s))
    note = table.get("note")
    return ViewTable(
        table["key"], t(table["title"]), headers, units, rows, sources, t(note) if note else None
    )


#: where a narrative field's label is looked for: the pillars' fields, then the editions'
NARRATIVE_LABELS = ("disc_pil.narrative.{key}", "disc_ed.narrative.{key}")


def _narrative_heading(key: str, section_key: str, t: Translator) -> str | None:
    """The heading of a narrative field: none for the section's own (``key == section``), else
    its label in the catalogue (:data:`NARRATIVE_LABELS`), else the key's last part."""
    if key == section_key:
        return None
    for pattern in NARRATIVE_LABELS:
        candidate = pattern.format(key=key)
        if t.has(candidate):
            return t(candidate)
    return key.rsplit(".", 1)[-1].replace("_", " ")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip()]


def section_view(
    section: Section, number: int, doc: EditionDocument, t: Translator, lang: str
) -> ViewSection:
    """The section ``section`` as printed in ``lang``."""
    tables = [table_view(tb, t, lang) for tb in section["tables"]]
    titles = {tb.key: tb.title for tb in tables}
    charts = []
    for c in section["charts"]:
        table = titles.get(c["table"], c["table"])
        note = t("disc_render.chart_data", table=table)
        charts.append(ViewChart(c["key"], t(c["title"]), table, note, c))
    narratives = []
    for key in section["narratives"]:
        text = doc["narratives"].get(key, {}).get(lang, "")
        narratives.append(
            ViewNarrative(key, _narrative_heading(key, section["key"], t), _paragraphs(text))
        )
    paragraphs = [
        ViewCell(
            cell_text(p, t, lang),
            unit_text(p.get("unit", ""), t) if p.get("kind") == "number" else "",
            p["kind"],
            source_text(p),
            p,
        )
        for p in section["paragraphs"]
    ]
    return ViewSection(
        section["key"],
        number,
        t(section["title"]),
        bool(section["available"]),
        paragraphs,
        narratives,
        tables,
        charts,
        section,
    )


def document_view(doc: EditionDocument, lang: str) -> list[ViewSection]:
    """Every section of ``doc`` as printed in ``lang``, numbered in order."""
    t = Translator(lang)
    return [section_view(s, i, doc, t, lang) for i, s in enumerate(doc["sections"], start=1)]


def title_text(doc: EditionDocument, t: Translator) -> str:
    """The report's title: organisation and fiscal year."""
    return t("disc_render.title", org=doc["organisation_name"], fy=doc["fiscal_year"])
