"""Disclosure editions: build (freeze), list, show, compare, publish and restate (issue 19 item
1; decision 0096).

An edition freezes the :class:`~lingtan.modules.disclosure.document.EditionDocument` the
collector (:mod:`.disclosure_collect`) gathers for one fiscal year; its id is the document's
canonical SHA-256. Building is idempotent — the same data give the same edition, returned as it
is. Once an edition of a year is published, an edition of that year with different content is a
**restatement** (GHG Protocol Corporate Standard ch. 5; ISO 14064-1 cl. 6.4.1): it names the
edition it supersedes and why (refused otherwise), and its document records what changed (the
pinned inputs that differ). Publishing the restatement marks the old edition superseded by the
new one; the old stays readable. Every change of the table is audited.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.disclosure_collect import (
    DisclosureEditionsError,
    collect_document,
    fiscal_year_label,
    optional_service,
    refused,
)
from lingtan.adapters.services.errors import Kind
from lingtan.core.hashing import canonical_json
from lingtan.core.messages import msg
from lingtan.modules.disclosure.document import Cell, EditionDocument
from lingtan.modules.disclosure.edition import (
    check_build,
    check_publish,
    check_reason,
    content_sha,
    diff_documents,
    edition_id,
)
from lingtan.modules.disclosure.errors import EditionError

__all__ = [
    "DisclosureEditionsError",
    "EditionRecord",
    "build_edition",
    "cell_text",
    "diff_editions",
    "get_edition",
    "list_editions",
    "publish_edition",
]

#: the shortest id prefix accepted for an edition
MIN_PREFIX = 6


@dataclass(frozen=True)
class EditionRecord:
    """A stored edition: its id, fiscal year, state (``draft`` | ``published`` |
    ``superseded``), the edition it restates and the one that superseded it, the reason, who
    built and published it and when; ``document`` (None in listings); ``created`` True when
    :func:`build_edition` stored it in this call (False: the same edition existed)."""

    edition_id: str
    fiscal_year: str
    state: str
    supersedes: str | None
    superseded_by: str | None
    reason: str | None
    created_by: str
    created_at: datetime
    published_by: str | None
    published_at: datetime | None
    document: EditionDocument | None = field(default=None, compare=False, repr=False)
    created: bool = False

    def summary(self) -> dict[str, Any]:
        """The record without its document, JSON-ready (dates as ISO text)."""
        restatement = None if self.document is None else self.document.get("restatement")
        changed = restatement.get("changed") if isinstance(restatement, dict) else None
        return {
            "edition_id": self.edition_id,
            "fiscal_year": self.fiscal_year,
            "state": self.state,
            "supersedes": self.supersedes,
            "superseded_by": self.superseded_by,
            "reason": self.reason,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "published_by": self.published_by,
            "published_at": None if self.published_at is None else self.published_at.isoformat(),
            "changed": list(changed) if isinstance(changed, list) else [],
        }


def _from_module(exc: EditionError) -> DisclosureEditionsError:
    kind: Kind = "conflict" if exc.message.key.startswith("disc_ed.err.publish") else "invalid"
    if exc.message.key in ("disc_ed.err.restate_needed", "disc_ed.err.supersede_current"):
        kind = "conflict"
    return refused(kind, exc.message, exc.field)


def _record(row: Any, *, document: bool = False, created: bool = False) -> EditionRecord:
    doc: EditionDocument | None = json.loads(row.document) if document else None
    return EditionRecord(
        edition_id=row.edition_id,
        fiscal_year=row.fiscal_year,
        state=row.state,
        supersedes=row.supersedes,
        superseded_by=row.superseded_by,
        reason=row.reason,
        created_by=row.created_by,
        created_at=row.created_at,
        published_by=row.published_by,
        published_at=row.published_at,
        document=doc,
        created=created,
    )


def _columns() -> list[Any]:
    from lingtan.adapters.store.disclosure_editions import DisclosureEditionRow as R

    return [R.id, R.edition_id, R.fiscal_year, R.state, R.supersedes, R.superseded_by, R.reason,
            R.created_by, R.created_at, R.published_by, R.published_at]  # fmt: skip


def list_editions(ctx: Context, fiscal_year: str | None = None) -> list[EditionRecord]:
    """The organisation's editions (of ``fiscal_year``), newest first, without documents.

    Raises:
        DisclosureEditionsError: forbidden without ``read``; invalid fiscal year.
    """
    from lingtan.adapters.store.disclosure_editions import DisclosureEditionRow as R

    ctx.require("read")
    label = fiscal_year_label(ctx, fiscal_year) if fiscal_year else None
    q = select(*_columns()).order_by(R.created_at.desc(), R.id.desc())
    if label:
        q = q.where(R.fiscal_year == label)
    with ctx.workspace().session() as s:
        return [_record(r) for r in s.execute(q)]


def _resolve(s: Any, ref: str, field_name: str = "edition") -> Any:
    """The edition row whose id is or starts with ``ref`` (at least :data:`MIN_PREFIX` hex
    digits)."""
    from lingtan.adapters.store.disclosure_editions import DisclosureEditionRow as R

    text = str(ref or "").strip().lower()
    if len(text) < MIN_PREFIX or any(c not in "0123456789abcdef" for c in text) or len(text) > 64:
        raise refused(
            "invalid", msg("disc_ed.err.edition_ref", value=text[:64], n=MIN_PREFIX), field_name
        )
    rows = list(s.scalars(select(R).where(R.edition_id.startswith(text)).limit(2)))
    if not rows:
        raise refused("not_found", msg("disc_ed.err.not_found", edition=text[:12]), field_name)
    if len(rows) > 1:
        raise refused("invalid", msg("disc_ed.err.ambiguous", edition=text), field_name)
    return rows[0]


def get_edition(ctx: Context, ref: str) -> EditionRecord:
    """The edition whose id is or starts with ``ref``, with its document (checked: the stored
    document still hashes to the edition's id).

    Raises:
        DisclosureEditionsError: not_found; invalid (a prefix shorter than :data:`MIN_PREFIX`,
            or matching several); conflict (the stored document no longer matches its id);
            forbidden without ``read``.
    """
    ctx.require("read")
    with ctx.workspace().session() as s:
        rec = _record(_resolve(s, ref), document=True)
    assert rec.document is not None
    if edition_id(rec.document) != rec.edition_id:
        raise refused("conflict", msg("disc_ed.err.altered", edition=rec.edition_id[:12]))
    return rec


def _current_published(s: Any, label: str) -> Any | None:
    from lingtan.adapters.store.disclosure_editions import DisclosureEditionRow as R

    return s.scalars(
        select(R).where(R.fiscal_year == label, R.state == "published").order_by(R.id.desc())
    ).first()


def build_edition(
    ctx: Context,
    fiscal_year: str,
    *,
    supersedes: str | None = None,
    reason: str | None = None,
) -> EditionRecord:
    """Freeze ``fiscal_year``'s edition from the data as they stand (a draft).

    The same data as an edition of the year that is not superseded → that edition, returned as
    it is (``created`` False). A year with a published edition takes different content only as
    a restatement: ``supersedes`` names the published edition (an id or prefix) and ``reason``
    says why; the new document records them and the names of the inputs that changed.

    Raises:
        DisclosureEditionsError: forbidden without ``edit_data``; invalid fiscal year, reason or
            edition reference; not_found (``supersedes``); invalid ``supersedes`` of another
            year; conflict — a published edition exists and is not restated
            (``disc_ed.err.restate_needed``, ``disc_ed.err.supersede_current``); invalid — a
            restatement without a reason (``disc_ed.err.reason_needed``).
    """
    from lingtan.adapters.store.disclosure_editions import DisclosureEditionRow as R
    from lingtan.adapters.store.models import utcnow

    ctx.require("edit_data")
    try:
        why = check_reason(reason)
    except EditionError as exc:
        raise _from_module(exc) from None
    document = collect_document(ctx, fiscal_year)
    label = document["fiscal_year"]
    sha = content_sha(document)
    ws = ctx.workspace()
    with ws.session() as s:
        same = s.scalars(
            select(R)
            .where(R.fiscal_year == label, R.content_sha == sha, R.state != "superseded")
            .order_by(R.id.desc())
        ).first()
        if same is not None:
            return _record(same, document=True)
        old = _resolve(s, supersedes, "supersedes") if supersedes else None
        if old is not None and old.fiscal_year != label:
            raise refused(
                "invalid",
                msg("disc_ed.err.supersedes_year", edition=old.edition_id[:12],
                    year=old.fiscal_year, fiscal_year=label),
                "supersedes",
            )  # fmt: skip
        published = _current_published(s, label)
        try:
            check_build(
                published=None if published is None else published.edition_id,
                supersedes=None if old is None else old.edition_id,
                reason=why,
            )
        except EditionError as exc:
            raise _from_module(exc) from None
        if old is not None:
            before: EditionDocument = json.loads(old.document)
            document["supersedes"] = old.edition_id
            document["restatement"] = {
                "reason": why,
                "changed": diff_documents(before, document)["changed"],
            }
        new_id = edition_id(document)
        existing = s.scalars(select(R).where(R.edition_id == new_id)).first()
        if existing is not None:  # the same restatement, built again
            return _record(existing, document=True)
        row = R(
            organisation_id=ws.organisation_id,
            edition_id=new_id,
            fiscal_year=label,
            content_sha=sha,
            document=canonical_json(document).decode("utf-8"),
            state="draft",
            supersedes=None if old is None else old.edition_id,
            reason=why if old is not None else None,
            created_by=ctx.actor,
            created_at=utcnow(),
        )
        s.add(row)
        s.flush()
        return _record(row, document=True, created=True)


def publish_edition(ctx: Context, ref: str) -> EditionRecord:
    """Publish edition ``ref`` (a draft; an edition already published is returned as it is).
    The edition it restates — and a published edition of the year it restates — is marked
    superseded by it and stays readable.

    Raises:
        DisclosureEditionsError: forbidden without ``edit_data``; not_found; conflict — the
            edition is superseded (``disc_ed.err.publish_superseded``) or another edition of the
            year is published and this one does not restate it
            (``disc_ed.err.publish_not_restating``).
    """
    from lingtan.adapters.store.disclosure_editions import DisclosureEditionRow as R
    from lingtan.adapters.store.models import utcnow

    ctx.require("edit_data")
    with ctx.workspace().session() as s:
        row = _resolve(s, ref)
        published = _current_published(s, row.fiscal_year)
        current = None if published is None else published.edition_id
        try:
            check_publish(
                state=row.state,
                supersedes=row.supersedes,
                published=row.edition_id if row.state == "published" else current,
            )
        except EditionError as exc:
            raise _from_module(exc) from None
        if row.state == "published":
            return _record(row, document=True)
        now = utcnow()
        if row.supersedes:
            old = s.scalars(select(R).where(R.edition_id == row.supersedes)).first()
            if old is not None:
                old.state = "superseded"
                old.superseded_by = row.edition_id
        row.state = "published"
        row.published_by = ctx.actor
        row.published_at = now
        s.flush()
        return _record(row, document=True)


def diff_editions(ctx: Context, a: str, b: str) -> dict[str, Any]:
    """What changed from edition ``a`` to edition ``b`` (ids or prefixes):
    :func:`~lingtan.modules.disclosure.edition.diff_documents` with both editions' summaries
    (``a``, ``b``: who built and published each, when).

    Raises:
        DisclosureEditionsError: as :func:`get_edition` (field ``a`` or ``b``).
    """
    ctx.require("read")
    with ctx.workspace().session() as s:
        ra = _record(_resolve(s, a, "a"), document=True)
        rb = _record(_resolve(s, b, "b"), document=True)
    assert ra.document is not None
    assert rb.document is not None
    diff = diff_documents(ra.document, rb.document)
    return {"a": ra.summary(), "b": rb.summary(), **diff}


def cell_text(cell: Cell | None, lang: str) -> str:
    """A cell of a document (or of a diff) as the renderers print it, with its unit ('' for
    None), in ``lang``."""
    from lingtan.adapters.i18n.messages import Translator
    from lingtan.adapters.io.report_render.formatting import cell_text as text_of
    from lingtan.adapters.io.report_render.formatting import unit_text

    if cell is None:
        return ""
    t = Translator(lang)
    shown = text_of(cell, t, lang)
    unit = cell.get("unit")
    if cell.get("kind") == "number" and unit:
        shown = f"{shown} {unit_text(str(unit), t)}"
    return shown


def edition_view(document: EditionDocument, lang: str) -> list[Any]:
    """The sections of ``document`` as the renderers print them in ``lang`` (H3's
    ``document_view``: titles, paragraphs, narratives, tables of texts; the web page shows
    them)."""
    from lingtan.adapters.io.report_render.view import document_view

    return list(document_view(document, lang))


#: H3's renderer module (imported when used: it imports this module)
RENDERER = "lingtan.adapters.services.disclosure_render"


def renderer(name: str) -> Callable[..., Any] | None:
    """The function ``name`` of H3's renderer (:data:`RENDERER`), or None while the renderer
    is not installed."""
    return optional_service("disclosure_render", name)


def edition_html(document: EditionDocument, lang: str) -> str | None:
    """The body of the edition's HTML in ``lang`` as the HTML file prints it (H3's
    ``disclosure_render.html_fragment``: contents, sections, tables, inline SVG charts), for the
    edition's web page; None while the renderer is not installed."""
    fragment = renderer("html_fragment")
    return str(fragment(document, lang)) if fragment is not None else None


def diff_view(diff: dict[str, Any], lang: str) -> dict[str, Any]:
    """:func:`diff_editions` with its catalogue keys and cells as texts in ``lang`` (the web
    page and the command line show it)."""
    from lingtan.adapters.i18n.messages import Translator

    t = Translator(lang)
    sections = []
    for s in diff["sections"]:
        tables = []
        for tb in s["tables"]:
            cells = [
                {
                    "row": cell_text(c["row"], lang),
                    "column": t(c["column_label"]),
                    "before": cell_text(c["before"], lang),
                    "after": cell_text(c["after"], lang),
                }
                for c in tb["cells"]
            ]
            tables.append({**tb, "title": t(tb["title"]), "cells": cells,
                           "columns": [t(c["label"]) for c in tb["columns"]]})  # fmt: skip
        facts = [
            {"fact": f["fact"],
             "label": t(f"disc_map.fact.{f['fact']}") if t.has(f"disc_map.fact.{f['fact']}")
             else f["fact"],
             "before": (f["before"] or {}).get("status"),
             "after": (f["after"] or {}).get("status")}
            for f in s["facts"]
        ]  # fmt: skip
        sections.append({**s, "title": t(s["title"]), "tables": tables, "facts": facts})
    return {**diff, "sections": sections}


def artefact(ctx: Context, ref: str, lang: str, fmt: str) -> tuple[str, bytes, str]:
    """One rendered file of edition ``ref``: (file name, bytes, media type), by H3's
    ``disclosure_render.artefact``.

    Raises:
        DisclosureEditionsError: as :func:`get_edition`; not_found while the renderer is not
            installed.
    """
    rec = get_edition(ctx, ref)
    render = renderer("artefact")
    if render is None:
        raise refused("not_found", msg("disc_ed.err.no_renderer"))
    name, data, media = render(ctx, rec.edition_id, lang, fmt)
    return str(name), bytes(data), str(media)
