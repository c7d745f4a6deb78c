"""Editions: their id, the comparison of two editions and the restatement rules (issue 19 item
1; decision 0096).

- An edition's id is the canonical SHA-256 of its document (:func:`edition_id`); its
  :func:`content_sha` is the same hash without ``supersedes`` and ``restatement``, so that two
  builds of the same data are recognised as one edition whatever they restate.
- :func:`diff_documents` compares two documents: the pinned inputs that changed, and per
  section its availability, facts, paragraphs, charts, narratives and tables down to the cell
  (rows matched by their first cell, columns by key), plus the narrative texts.
- :func:`check_build` and :func:`check_publish` are the restatement rules of the GHG Protocol
  Corporate Standard ch. 5 / ISO 14064-1 cl. 6.4 as an edition applies them: once an edition of
  a year is published, another edition of that year with different content is a restatement —
  it names the edition it supersedes and why, and the superseded one stays readable.

Pure: no store, no I/O.
"""

from __future__ import annotations

from typing import Any

from lingtan.core.hashing import canonical_sha256
from lingtan.core.messages import msg
from lingtan.modules.disclosure.document import Cell, EditionDocument, Section, Table
from lingtan.modules.disclosure.errors import EditionError

#: the parts of a document that say what it restates, not what it contains
RESTATEMENT_FIELDS = ("supersedes", "restatement")
#: the keys of a cell that say where its value comes from, not what is shown
SOURCE_KEYS = ("explain", "ref")
#: the longest restatement reason [characters]
MAX_REASON = 2_000


def edition_id(document: EditionDocument) -> str:
    """The edition's id: the canonical SHA-256 of its whole document."""
    return canonical_sha256(document)


def content_sha(document: EditionDocument) -> str:
    """The canonical SHA-256 of the document without :data:`RESTATEMENT_FIELDS`: equal for two
    builds of the same data."""
    return canonical_sha256({k: v for k, v in document.items() if k not in RESTATEMENT_FIELDS})


# -- the comparison --------------------------------------------------------------------------------


def _row_key(row: list[Cell]) -> str:
    """A row's identity: its first cell (a label with its args, a text, a date …)."""
    if not row:
        return ""
    return canonical_sha256(row[0])


def _shown(cell: Cell) -> dict[str, Any]:
    """What a reader sees of a cell: everything but its source (:data:`SOURCE_KEYS`)."""
    return {k: v for k, v in cell.items() if k not in SOURCE_KEYS}


def _table_diff(a: Table | None, b: Table | None) -> dict[str, Any] | None:
    """What changed between two versions of one table (None: nothing)."""
    key = (b or a or {"key": ""})["key"]
    title = (b or a or {"title": ""})["title"]
    if a is None or b is None:
        rows = (b or a or {"rows": []})["rows"]
        return {
            "key": key,
            "title": title,
            "status": "added" if a is None else "removed",
            "rows_added": len(rows) if a is None else 0,
            "rows_removed": len(rows) if b is None else 0,
            "columns": [],
            "cells": [],
            "sources_changed": 0,
        }
    if canonical_sha256(a) == canonical_sha256(b):
        return None
    cols_a = [c["key"] for c in a["columns"]]
    cols_b = [c["key"] for c in b["columns"]]
    labels = {c["key"]: c["label"] for c in (*a["columns"], *b["columns"])}
    columns = [k for k in cols_b if k not in cols_a] + [k for k in cols_a if k not in cols_b]
    keys_a = [_row_key(r) for r in a["rows"]]
    keys_b = [_row_key(r) for r in b["rows"]]
    by_key = len(set(keys_a)) == len(keys_a) and len(set(keys_b)) == len(keys_b)
    if by_key:
        rows_a = dict(zip(keys_a, a["rows"], strict=True))
        pairs: list[tuple[list[Cell] | None, list[Cell] | None]] = [
            (rows_a.get(k), r) for k, r in zip(keys_b, b["rows"], strict=True)
        ]
        pairs += [(r, None) for k, r in zip(keys_a, a["rows"], strict=True) if k not in keys_b]
    else:  # rows without a unique first cell: compared by position
        n = max(len(a["rows"]), len(b["rows"]))
        pairs = [
            (a["rows"][i] if i < len(a["rows"]) else None,
             b["rows"][i] if i < len(b["rows"]) else None)
            for i in range(n)
        ]  # fmt: skip
    cells: list[dict[str, Any]] = []
    added = removed = sources = 0
    for ra, rb in pairs:
        if ra is None:
            added += 1
        if rb is None:
            removed += 1
        if ra is None or rb is None:
            continue
        va = dict(zip(cols_a, ra, strict=False))
        vb = dict(zip(cols_b, rb, strict=False))
        for col in cols_b:
            if col not in va or col not in vb or va[col] == vb[col]:
                continue
            if _shown(va[col]) == _shown(vb[col]):  # the same figure, traced to a new source
                sources += 1
            else:
                cells.append(
                    {
                        "row": rb[0] if rb else None,
                        "column": col,
                        "column_label": labels[col],
                        "before": va[col],
                        "after": vb[col],
                    }
                )
    return {
        "key": key,
        "title": title,
        "status": "changed",
        "rows_added": added,
        "rows_removed": removed,
        "columns": [{"key": k, "label": labels[k]} for k in columns],
        "cells": cells,
        "sources_changed": sources,
    }


def _section_diff(a: Section | None, b: Section | None) -> dict[str, Any] | None:
    """What changed between two versions of one section (None: nothing)."""
    some = b if b is not None else a
    assert some is not None
    if a is not None and b is not None and canonical_sha256(a) == canonical_sha256(b):
        return None
    out: dict[str, Any] = {
        "key": some["key"],
        "title": some["title"],
        "status": "added" if a is None else "removed" if b is None else "changed",
        "available": [None if a is None else a["available"], None if b is None else b["available"]],
        "facts": [],
        "paragraphs": False,
        "charts": [],
        "narratives": [],
        "tables": [],
    }
    if a is None or b is None:
        return out
    for fact in sorted(set(a["facts"]) | set(b["facts"])):
        fa, fb = a["facts"].get(fact), b["facts"].get(fact)
        if fa != fb:
            out["facts"].append({"fact": fact, "before": fa, "after": fb})
    out["paragraphs"] = a["paragraphs"] != b["paragraphs"]
    charts_a = {c["key"]: c for c in a["charts"]}
    charts_b = {c["key"]: c for c in b["charts"]}
    out["charts"] = sorted(
        k for k in set(charts_a) | set(charts_b) if charts_a.get(k) != charts_b.get(k)
    )
    out["narratives"] = sorted(set(a["narratives"]) ^ set(b["narratives"]))
    tables_a = {t["key"]: t for t in a["tables"]}
    tables_b = {t["key"]: t for t in b["tables"]}
    order = [t["key"] for t in b["tables"]] + [k for k in tables_a if k not in tables_b]
    for key in order:
        d = _table_diff(tables_a.get(key), tables_b.get(key))
        if d is not None:
            out["tables"].append(d)
    return out


def diff_documents(a: EditionDocument, b: EditionDocument) -> dict[str, Any]:
    """What changed from edition document ``a`` to ``b``:

    - ``inputs``: each pinned input added, removed or changed (``name``, ``before``, ``after``);
    - ``sections``: each section added, removed or changed, with its facts whose status changed,
      whether its paragraphs changed, the charts that changed and its tables: added, removed or
      changed with the rows added and removed, every cell whose shown value changed (the row's
      first cell, the column, the cell before and after) and the number of cells that show the
      same value traced to another source (``sources_changed``: a new snapshot id in
      ``explain`` or a new ``ref``);
    - ``narratives``: each narrative text (key, language) added, removed or changed;
    - ``changed``: the names of the changed inputs (what a restatement names).
    """
    inputs = [
        {"name": name, "before": a["inputs"].get(name), "after": b["inputs"].get(name)}
        for name in sorted(set(a["inputs"]) | set(b["inputs"]))
        if a["inputs"].get(name) != b["inputs"].get(name)
    ]
    sections_a = {s["key"]: s for s in a["sections"]}
    sections_b = {s["key"]: s for s in b["sections"]}
    order = [s["key"] for s in b["sections"]] + [k for k in sections_a if k not in sections_b]
    sections = [
        d for k in order if (d := _section_diff(sections_a.get(k), sections_b.get(k))) is not None
    ]
    narratives = []
    for key in sorted(set(a["narratives"]) | set(b["narratives"])):
        na_, nb_ = a["narratives"].get(key, {}), b["narratives"].get(key, {})
        for lang in sorted(set(na_) | set(nb_)):
            if na_.get(lang) != nb_.get(lang):
                narratives.append(
                    {"key": key, "lang": lang, "before": na_.get(lang), "after": nb_.get(lang)}
                )
    meta = [
        {"field": f, "before": a.get(f), "after": b.get(f)}
        for f in ("organisation_name", "fiscal_year", "period_start", "period_end", "schema")
        if a.get(f) != b.get(f)
    ]
    return {
        "inputs": inputs,
        "sections": sections,
        "narratives": narratives,
        "document": meta,
        "changed": [i["name"] for i in inputs],
    }


def is_empty(diff: dict[str, Any]) -> bool:
    """True when :func:`diff_documents` found nothing changed."""
    return not (diff["inputs"] or diff["sections"] or diff["narratives"] or diff["document"])


# -- the restatement rules -------------------------------------------------------------------------


def check_reason(reason: str | None) -> str | None:
    """A restatement reason as kept: white space folded, None when empty.

    Raises:
        EditionError: longer than :data:`MAX_REASON` or with control characters (``reason``).
    """
    text = " ".join(str(reason or "").split())
    if not text:
        return None
    if len(text) > MAX_REASON:
        raise EditionError(msg("disc_ed.err.reason_long", limit=MAX_REASON), "reason")
    if any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F or 0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise EditionError(msg("disc_ed.err.text_control"), "reason")
    return text


def check_build(
    *,
    published: str | None,
    supersedes: str | None,
    reason: str | None,
) -> None:
    """May a new edition of a year be built? ``published``: the id of the year's current
    published edition (None: none); ``supersedes``: the edition the new one names (resolved);
    ``reason``: why (checked by :func:`check_reason`).

    A year with a published edition takes new content only as a restatement of that edition,
    with a reason (GHG Protocol ch. 5: a recalculation is disclosed with its reason); a
    restatement always says why; a reason without an edition to restate is refused (it would be
    lost).

    Raises:
        EditionError: ``disc_ed.err.restate_needed`` (field ``supersedes``),
            ``disc_ed.err.supersede_current`` (``supersedes``: not the published edition),
            ``disc_ed.err.reason_needed`` (``reason``), ``disc_ed.err.reason_alone``
            (``reason``).
    """
    if supersedes is None and reason:
        raise EditionError(msg("disc_ed.err.reason_alone"), "reason")
    if published is not None and supersedes is None:
        raise EditionError(
            msg("disc_ed.err.restate_needed", published=published[:12]), "supersedes"
        )
    if published is not None and supersedes != published:
        raise EditionError(
            msg("disc_ed.err.supersede_current", published=published[:12],
                edition=str(supersedes)[:12]),
            "supersedes",
        )  # fmt: skip
    if supersedes is not None and not reason:
        raise EditionError(msg("disc_ed.err.reason_needed"), "reason")


def check_publish(*, state: str, supersedes: str | None, published: str | None) -> None:
    """May an edition in ``state`` that restates ``supersedes`` be published while ``published``
    is the year's current published edition (None: none; the edition's own id: it is already
    published)?

    Raises:
        EditionError: ``disc_ed.err.publish_superseded`` (a superseded edition),
            ``disc_ed.err.publish_not_restating`` (``supersedes``: another edition of the year is
            published and this one does not restate it).
    """
    if state == "superseded":
        raise EditionError(msg("disc_ed.err.publish_superseded"), "edition")
    if state == "published":
        return
    if published is not None and supersedes != published:
        raise EditionError(
            msg("disc_ed.err.publish_not_restating", published=published[:12]), "supersedes"
        )
