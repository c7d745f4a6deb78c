"""The framework mapping: each IFRS S2 paragraph, HKEX requirement, CDP question and ISO 14064-1
clause with its source in lingtan and its status, computed from data (issue 19 item 3, decision
0097).

The frameworks are bundled as data (``lingtan/data/disclosure/frameworks/*.yaml``: references,
lingtan's own label keys, bindings; never the licensed texts) and checked on loading
(:func:`lingtan.modules.disclosure.frameworks.parse_framework`). A requirement's status is
computed by :mod:`lingtan.modules.disclosure.mapping` from what the sections state, the
narratives and the datapoints entered by hand:

- :func:`mapping_section` — the edition's ``mapping`` section (a table per framework: reference,
  label, pillar, sources, status; a summary table of the counts), from the sections built before
  it, the narratives and the datapoints the edition pins;
- :func:`mapping_view` — the same as plain values (per requirement, each binding's status and
  source), for the API, the web page and the command line;
- :func:`live_mapping` — the mapping of a fiscal year now, without an edition: the sections
  collected by :func:`lingtan.adapters.services.disclosure_collect.collect_sections`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from importlib.resources import files
from typing import Any

import yaml

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError, Kind, keyed_refusal
from lingtan.core.messages import Message, msg
from lingtan.modules.disclosure.document import (
    Cell,
    Column,
    Section,
    Table,
    label,
    na,
    number,
    text,
)
from lingtan.modules.disclosure.frameworks import Framework, check_frameworks, parse_framework
from lingtan.modules.disclosure.mapping import (
    STATUSES,
    BindingStatus,
    RequirementStatus,
    counts,
    framework_status,
)

#: the bundled framework files, in the order they are shown
FRAMEWORK_FILES = (
    "ifrs-s2-2023.yaml",
    "hkex-c2-partD.yaml",
    "cdp-2024.yaml",
    "iso14064-1-2018.yaml",
)
#: the columns of a framework's table in the edition
_COLUMNS: list[Column] = [
    {"key": "ref", "label": "disc_map.col.ref"},
    {"key": "requirement", "label": "disc_map.col.requirement"},
    {"key": "pillar", "label": "disc_map.col.pillar"},
    {"key": "sources", "label": "disc_map.col.sources"},
    {"key": "status", "label": "disc_map.col.status"},
]


class MappingError(KeyedError):
    """A refused mapping request (an unknown framework): besides the English ``message`` it
    carries ``key`` (``disc_map.err.*``) and ``params``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> MappingError:
    """A :class:`MappingError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(MappingError, kind, message, field)


@functools.cache
def frameworks() -> tuple[Framework, ...]:
    """The bundled frameworks, in :data:`FRAMEWORK_FILES` order (read and checked once).

    Raises:
        FrameworkError: a bundled file is invalid (names the file, requirement and field).
    """
    folder = files("lingtan").joinpath("data", "disclosure", "frameworks")
    loaded = [
        parse_framework(yaml.safe_load(folder.joinpath(name).read_text(encoding="utf-8")), name)
        for name in FRAMEWORK_FILES
    ]
    return tuple(check_frameworks(loaded))


def framework_of(key: str) -> Framework:
    """The framework whose key (``ifrs_s2``) or id (``ifrs-s2-2023``) is ``key``; refused (not
    found) otherwise."""
    for fw in frameworks():
        if key in (fw.key, fw.id):
            return fw
    known = ", ".join(f.key for f in frameworks())
    message = msg("disc_map.err.framework_unknown", value=str(key)[:60], keys=known)
    raise refused("not_found", message, "framework")


def _chosen(framework: str | None) -> tuple[Framework, ...]:
    return (framework_of(framework),) if framework else frameworks()


# ---- the edition's section ------------------------------------------------------------------


def _row(rs: RequirementStatus) -> list[Cell]:
    req = rs.requirement
    pillar = label(f"disc_map.pillar.{req.pillar}") if req.pillar else na()
    sources = ", ".join(b.binding for b in rs.bindings)
    return [text(req.ref), label(req.label), pillar, text(sources),
            label(f"disc_map.status.{rs.status}")]  # fmt: skip


def _count_cell(n: int, fw: Framework, status: str) -> Cell:
    return number(n, "", 0, ref=f"mapping:{fw.key}:{status}")


def _source_label(b: BindingStatus) -> Cell:
    if b.kind == "fact":
        return label(f"disc_map.fact.{b.key}")
    if b.kind == "datapoint":
        return label(f"disc_map.datapoint.{b.key}")
    return label("disc_map.narrative", name=b.key)


def _where(b: BindingStatus) -> Cell:
    if b.source in ("not_stated", "not_entered", "not_available"):
        return label(f"disc_map.source.{b.source}")
    return text(b.source)


def _sources_table(statuses: Iterable[RequirementStatus]) -> Table:
    """Every source the frameworks bind, once, in the order first bound: its code (as the
    frameworks' tables name it), lingtan's label, its status and where it comes from."""
    seen: dict[str, BindingStatus] = {}
    for rs in statuses:
        for b in rs.bindings:
            seen.setdefault(b.binding, b)
    rows = [[text(b.binding), _source_label(b), label(f"disc_map.status.{b.status}"), _where(b)]
            for b in seen.values()]  # fmt: skip
    return {
        "key": "mapping_sources",
        "title": "disc_map.sources_table",
        "columns": [
            {"key": "source", "label": "disc_map.col.code"},
            {"key": "label", "label": "disc_map.col.source_label"},
            {"key": "status", "label": "disc_map.col.status"},
            {"key": "where", "label": "disc_map.col.source"},
        ],
        "rows": rows,
        "note": "disc_map.sources_note",
    }


def mapping_section(
    sections: list[Section],
    narratives: dict[str, dict[str, str]],
    datapoints: dict[str, object],
) -> Section:
    """The edition's ``mapping`` section: a summary table (per framework: complete, partial,
    missing, total), a table per framework (reference, lingtan's label, pillar, the facts /
    narratives / datapoints it binds, status) and a table of those sources (code, lingtan's
    label, status, where it comes from), each status computed from ``sections`` (those
    built before it), ``narratives`` (key → language → text) and ``datapoints`` (key →
    ``{value, unit, text, status}``); the licence note of each framework under its table.
    Always available (the frameworks are bundled); it states no fact of its own."""
    tables: list[Table] = []
    summary: list[list[Cell]] = []
    every: list[RequirementStatus] = []
    for fw in frameworks():
        statuses = framework_status(fw, sections, narratives, datapoints)
        every += statuses
        c = counts(statuses)
        summary.append([label(fw.title), *(_count_cell(c[s], fw, s) for s in STATUSES),
                        _count_cell(c["total"], fw, "total")])  # fmt: skip
        tables.append({"key": f"mapping_{fw.key}", "title": fw.title, "columns": list(_COLUMNS),
                       "rows": [_row(rs) for rs in statuses],
                       "note": f"disc_map.licence.{fw.key}"})  # fmt: skip
    columns: list[Column] = [{"key": "framework", "label": "disc_map.col.framework"}]
    columns += [{"key": s, "label": f"disc_map.status.{s}"} for s in STATUSES]
    columns.append({"key": "total", "label": "disc_map.col.total"})
    head: Table = {
        "key": "mapping_summary",
        "title": "disc_map.summary",
        "columns": columns,
        "rows": summary,
        "note": "disc_map.summary_note",
    }
    return {
        "key": "mapping",
        "title": "disc_map.section.mapping",
        "pillar": None,
        "available": True,
        "paragraphs": [label("disc_map.section.intro")],
        "tables": [head, *tables, _sources_table(every)],
        "charts": [],
        "narratives": [],
        "facts": {},
    }


# ---- plain values ---------------------------------------------------------------------------


def framework_dict(fw: Framework) -> dict[str, Any]:
    """A framework and its requirements as plain values (the API's ``FrameworkPublic``)."""
    return {"key": fw.key, "id": fw.id, "version": fw.version, "source": fw.source,
            "title": fw.title, "licence": f"disc_map.licence.{fw.key}",
            "licence_note": fw.licence_note,
            "requirements": [{"ref": r.ref, "slug": r.slug, "label": r.label, "type": r.type,
                              "unit": r.unit, "pillar": r.pillar, "binds": list(r.binds),
                              "applies_if": r.applies_if, "evidence": r.evidence}
                             for r in fw.requirements]}  # fmt: skip


def list_frameworks(ctx: Context) -> list[dict[str, Any]]:
    """Every bundled framework with its requirements (needs ``read``)."""
    ctx.require("read")
    return [framework_dict(fw) for fw in frameworks()]


def _status_dict(rs: RequirementStatus) -> dict[str, Any]:
    r = rs.requirement
    return {"ref": r.ref, "slug": r.slug, "label": r.label, "type": r.type, "unit": r.unit,
            "pillar": r.pillar, "applies_if": r.applies_if, "evidence": r.evidence,
            "status": rs.status,
            "bindings": [{"binding": b.binding, "kind": b.kind, "key": b.key,
                          "status": b.status, "source": b.source}
                         for b in rs.bindings]}  # fmt: skip


def mapping_view(
    sections: Iterable[Section],
    narratives: Mapping[str, Mapping[str, str]],
    datapoints: Mapping[str, object],
    *,
    framework: str | None = None,
) -> dict[str, Any]:
    """The mapping as plain values: ``frameworks`` (each with its ``counts`` and requirements,
    every requirement with its status and each binding's status and source) and the overall
    ``counts``; only ``framework`` when given (its key or id).

    Raises:
        MappingError: unknown ``framework`` (not found).
    """
    chosen = _chosen(framework)
    listed = list(sections)
    out: list[dict[str, Any]] = []
    total = dict.fromkeys((*STATUSES, "total"), 0)
    for fw in chosen:
        statuses = framework_status(fw, listed, narratives, datapoints)
        c = counts(statuses)
        for k in total:
            total[k] += c[k]
        out.append({"key": fw.key, "id": fw.id, "version": fw.version, "title": fw.title,
                    "licence": f"disc_map.licence.{fw.key}", "counts": c,
                    "requirements": [_status_dict(rs) for rs in statuses]})  # fmt: skip
    return {"frameworks": out, "counts": total}


def live_mapping(ctx: Context, fiscal_year: str, *, framework: str | None = None) -> dict[str, Any]:
    """The mapping of ``fiscal_year`` computed from the organisation's data now, without an
    edition: the sections of :func:`~lingtan.adapters.services.disclosure_collect.collect_sections`
    (each producer's facts), the organisation's narratives and the year's datapoints. Adds
    ``fiscal_year`` and ``snapshot_id`` (the inventory the sections read; None when none was
    calculated) to :func:`mapping_view`'s values.

    Raises:
        MappingError: unknown ``framework``; a refusal of the collector (an invalid fiscal year);
            forbidden without ``read``.
    """
    from lingtan.adapters.services import disclosure_collect as dc
    from lingtan.adapters.services.disclosure_datapoints import datapoints_for

    ctx.require("read")
    chosen = _chosen(framework)  # an unknown framework is refused before anything is collected
    scope, sections = dc.collect_sections(ctx, fiscal_year)
    narratives = dc.narratives_of(ctx)
    datapoints = datapoints_for(ctx, scope.fiscal_year)
    view = mapping_view(
        sections, narratives, datapoints, framework=chosen[0].key if framework else None
    )
    return {"fiscal_year": scope.fiscal_year, "snapshot_id": scope.snapshot_id, **view}


def default_fiscal_year(ctx: Context) -> str:
    """The fiscal year a mapping is shown for when none is asked: the latest one with a
    calculated inventory, else the current one (the workspace's calendar)."""
    from datetime import UTC, datetime

    ws = ctx.workspace()
    cfg = ws.config
    calculated = {s.fiscal_year for s in ws.snapshots()}
    if calculated:
        return max(calculated, key=lambda label: cfg.period(label).start)
    return cfg.calendar.of(datetime.now(UTC).date()).label
