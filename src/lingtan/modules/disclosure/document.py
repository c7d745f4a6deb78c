"""The edition document: what a disclosure edition freezes and every renderer reads (issue 19).

An edition is built by gathering an organisation's data — its inventory snapshots, targets,
KPIs, risk register, governance records, circularity ledgers, narratives, verification record —
into one JSON document, language-neutral: every heading and label is a message-catalogue key,
every figure a number with its unit and the digits it is shown with. The document is frozen;
its canonical SHA-256 (:func:`lingtan.core.hashing.canonical_sha256`) is the edition's id, and
rendering it again (HTML, XLSX, PDF; zh-CN and en) gives the same bytes.

One contract for every part of issue 19:

- a section producer (GHG report, pillars, circularity, checks) returns a :class:`Section`;
- each section states the :class:`Fact` s of :data:`lingtan.modules.disclosure.facts.FACTS`
  it owns (complete, partial or missing, with the source in lingtan), which the framework
  mapping reads to compute each requirement's status;
- the renderers draw tables, charts and paragraphs without knowing which section they are in.

A module that is not in place, or has no data for the year, gives a section with
``available = False`` and its facts ``missing``: "not available" is shown, never an invented
figure. Pure: types and small helpers only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NotRequired, TypedDict

#: the schema name every edition document carries (``EditionDocument["schema"]``)
SCHEMA = "lingtan.disclosure.edition/1"

#: the languages an edition is rendered in
LANGUAGES = ("zh-CN", "en")

#: the formats an edition is rendered to
FORMATS = ("pdf", "xlsx", "html")

#: the four pillars of IFRS S2 / TCFD / HKEX Part D, in their order
PILLARS = ("governance", "strategy", "risk_management", "metrics_targets")

FactStatus = Literal["complete", "partial", "missing"]
CellKind = Literal["text", "label", "number", "date", "na"]


class Cell(TypedDict):
    """One value of a table or a paragraph.

    - ``kind``: ``text`` (the user's own words, shown as entered: a risk's title, a verifier's
      name), ``label`` (a catalogue key, formatted with ``args``), ``number``, ``date``
      (ISO 8601) or ``na`` ("not available", with a catalogue key in ``v`` saying why, or None);
    - ``v``: the text, the key, the number (a float or int, never pre-formatted) or the date;
    - ``unit``: the unit symbol for a number (``t CO2e``, ``%``, ``MWh``, ``kg``, ``t``);
    - ``digits``: the decimals a number is shown with (the XLSX keeps the full value and shows
      the same digits, so a verifier re-adds what the PDF prints);
    - ``explain``: for an inventory figure, the selection ``lingtan explain`` traces it with
      (``{"snapshot": "<id>", "scope": 1}``, ``{"snapshot": …, "scope": 3, "category": 1}``,
      ``{"snapshot": …, "scope": 2, "basis": "location"}``, ``{"snapshot": …, "gas": "CH4"}``);
    - ``ref``: for another figure, the record it comes from (``target:T1``, ``kpi:re_share``,
      ``risk:R3``, ``circ:packaging:2023``)."""

    kind: CellKind
    v: str | float | int | None
    args: NotRequired[dict[str, str | int | float]]
    unit: NotRequired[str]
    digits: NotRequired[int]
    explain: NotRequired[dict[str, str | int]]
    ref: NotRequired[str]


class Column(TypedDict):
    """A table column: its key, its heading (catalogue key) and the unit of its numbers."""

    key: str
    label: str
    unit: NotRequired[str]


class Table(TypedDict):
    """A table: ``key`` unique in the document (it names the XLSX sheet's table), ``title`` a
    catalogue key, ``rows`` of cells in column order, ``note`` an optional catalogue key shown
    under it (a footnote: "avoided emissions, not deducted from the inventory")."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    note: NotRequired[str]


class Series(TypedDict):
    """One series of a chart: its label (a cell: a catalogue key or the user's text) and one
    value per category of the chart's ``x`` (None: no value)."""

    label: Cell
    values: list[float | None]


class Chart(TypedDict):
    """A chart drawn server-side (SVG in HTML and PDF; its table is in the XLSX): ``kind`` is
    ``bar``, ``stacked_bar`` or ``line``; ``x`` the category labels (fiscal years, months, as
    shown); ``table`` the key of the table that holds the same numbers."""

    key: str
    title: str
    kind: Literal["bar", "stacked_bar", "line"]
    x: list[str]
    series: list[Series]
    unit: str
    table: str


class Fact(TypedDict):
    """What a section states about one fact of :data:`~.facts.FACTS`: ``status`` complete,
    partial or missing (computed from data by the section's producer), ``source`` where in
    lingtan it comes from (``snapshot:<id>``, ``risk_register``, ``targets``, ``narrative:<key>``,
    ``not_available``) and an optional ``note`` (catalogue key: why partial or missing)."""

    status: FactStatus
    source: str
    note: NotRequired[str]


class Section(TypedDict):
    """One section of an edition.

    ``key`` is one of :data:`SECTION_ORDER`; ``title`` a catalogue key; ``pillar`` the IFRS S2
    pillar it belongs to (None for the GHG report's own sections and the appendices);
    ``available`` False when the module is not in place or has no data (the renderer says "not
    available" and the facts are ``missing``); ``paragraphs`` generated statements (cells of
    kind ``label`` with args, e.g. "GWP values: IPCC AR6, 100-year"); ``narratives`` the keys
    of the narrative fields shown in it (their texts are in ``EditionDocument["narratives"]``)."""

    key: str
    title: str
    pillar: str | None
    available: bool
    paragraphs: list[Cell]
    tables: list[Table]
    charts: list[Chart]
    narratives: list[str]
    facts: dict[str, Fact]


class EditionDocument(TypedDict):
    """The frozen content of an edition.

    - ``inputs``: what it pins, by name → id or content hash (``snapshot:FY2023/24`` → the
      snapshot id, ``snapshot:base_year``, ``targets`` → sha256 of the targets file, ``kpis``,
      ``risk_register``, ``governance``, ``circularity``, ``narratives``, ``verification``);
    - ``sections``: in :data:`SECTION_ORDER` (a producer's absent section is left out only if
      its module is not installed; normally present with ``available`` False);
    - ``narratives``: narrative key → language → text (as entered; never machine-translated);
    - ``supersedes``: the edition id this one restates, None for a first edition;
      ``restatement``: why (the user's words) and what changed (the diff's keys), None for a first
      edition."""

    schema: str
    org: str
    organisation_name: str
    fiscal_year: str
    period_start: str
    period_end: str
    inputs: dict[str, str]
    sections: list[Section]
    narratives: dict[str, dict[str, str]]
    supersedes: str | None
    restatement: dict[str, object] | None


@dataclass(frozen=True)
class EditionScope:
    """What every section producer of one edition is given (built once by the edition's
    collector, ``services.disclosure_collect``), so that all sections read the same data:

    - ``org`` (slug) and ``organisation_name``;
    - ``fiscal_year`` (``FY2023/24``) and its ``period_start`` / ``period_end`` (ISO dates);
    - ``snapshot_id``: the inventory snapshot of the year the edition pins (None: no inventory
      calculated for the year; the GHG sections are then not available);
    - ``base_year`` (``FY2018/19``) and ``base_year_snapshot_id`` (None when not calculated);
    - ``previous_snapshot_id``: the previous fiscal year's snapshot, for changes and trends."""

    org: str
    organisation_name: str
    fiscal_year: str
    period_start: str
    period_end: str
    snapshot_id: str | None
    base_year: str | None
    base_year_snapshot_id: str | None
    previous_snapshot_id: str | None


#: the sections of an edition, in the order they are rendered (producers in brackets):
#: the ISO 14064-1 GHG report (organisation, inventory, methods; services.disclosure_ghg), the
#: four pillars (services.disclosure_pillars), circularity (services.circularity), the checks
#: and errata (services.disclosure_checks), the ISO 14064-1 cl. 9.3 checklist and the
#: verification record (services.disclosure_ghg), the framework mapping
#: (services.disclosure_mapping) and the lineage appendix (services.disclosure_ghg)
SECTION_ORDER = (
    "organisation",
    "ghg_inventory",
    "ghg_methods",
    "governance",
    "strategy",
    "risk_management",
    "metrics_targets",
    "circularity",
    "checks",
    "iso14064_checklist",
    "verification",
    "mapping",
    "lineage_appendix",
)


def na(reason: str | None = None) -> Cell:
    """A "not available" cell (``reason``: a catalogue key saying why, or None)."""
    return {"kind": "na", "v": reason}


def number(
    value: float | int,
    unit: str,
    digits: int,
    *,
    explain: dict[str, str | int] | None = None,
    ref: str | None = None,
) -> Cell:
    """A number cell shown with ``digits`` decimals in ``unit``; ``explain`` (an inventory
    figure's ``lingtan explain`` selection) or ``ref`` (another record) say where it comes from."""
    cell: Cell = {"kind": "number", "v": value, "unit": unit, "digits": digits}
    if explain is not None:
        cell["explain"] = explain
    if ref is not None:
        cell["ref"] = ref
    return cell


def label(key: str, **args: str | int | float) -> Cell:
    """A catalogue-key cell, formatted with ``args`` when rendered."""
    cell: Cell = {"kind": "label", "v": key}
    if args:
        cell["args"] = dict(args)
    return cell


def text(value: str) -> Cell:
    """The user's own words, shown as entered."""
    return {"kind": "text", "v": value}


def fact(status: FactStatus, source: str, note: str | None = None) -> Fact:
    """A fact's status, where in lingtan it comes from and a catalogue note (if any)."""
    stated: Fact = {"status": status, "source": source}
    if note is not None:
        stated["note"] = note
    return stated


def column(key: str, label: str, unit: str | None = None) -> Column:
    """A table column: its key, its catalogue label and the unit of its numbers (if any)."""
    col: Column = {"key": key, "label": label}
    if unit is not None:
        col["unit"] = unit
    return col


def table(
    key: str,
    title: str,
    columns: Sequence[Column],
    rows: list[list[Cell]],
    note: str | None = None,
) -> Table:
    """A table: its key, its catalogue title, columns, rows and a catalogue note (if any)."""
    tb: Table = {"key": key, "title": title, "columns": list(columns), "rows": rows}
    if note is not None:
        tb["note"] = note
    return tb


def empty_section(key: str, title: str, pillar: str | None, facts: list[str]) -> Section:
    """A section whose module is not in place or has no data: ``available`` False and every
    fact of ``facts`` ``missing`` with source ``not_available``."""
    return {
        "key": key,
        "title": title,
        "pillar": pillar,
        "available": False,
        "paragraphs": [],
        "tables": [],
        "charts": [],
        "narratives": [],
        "facts": {f: {"status": "missing", "source": "not_available"} for f in facts},
    }
