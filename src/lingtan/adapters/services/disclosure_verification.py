"""Verification records of an organisation's fiscal-year inventory (issue 19 item 2; decision
0098): who verified which snapshot, against ISO 14064-3:2019 or ISAE 3410, at which level of
assurance and materiality, what it covered, the opinion, the statement file and its URL, and the
findings with their closure (:mod:`lingtan.modules.disclosure.verification`).

A record belongs to (organisation, fiscal year, snapshot id): the inventory snapshot that was
verified (by default the newest snapshot of the year when the record is made). An edition pins
the record of its year and snapshot (:func:`record_for`, input ``verification``); recording or
changing it later means building a new edition that names ``verification`` as what changed.

- :func:`add_record`, :func:`update_record`, :func:`list_records`, :func:`get_record`,
  :func:`record_dict`;
- :func:`add_finding`, :func:`close_finding`;
- :func:`attach_statement` (the statement file stored under the workspace folder's
  ``verification/`` with its SHA-256; the file and its audit entry both or neither) and
  :func:`statement_file` (its bytes back);
- :func:`record_for` — what a disclosure edition pins.

Reading needs ``read``; changing ``edit_data``; every change is an audited row. A refusal is a
:class:`DisclosureVerificationError` with its catalogue key (``disc_ghg.err.*``), naming the field.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError, Kind, keyed_refusal
from lingtan.adapters.store.disclosure_verification import VerificationFindingRow, VerificationRow
from lingtan.adapters.store.models import Snapshot
from lingtan.core.errors import LingtanError
from lingtan.core.messages import Message, msg
from lingtan.modules.disclosure import verification as vm
from lingtan.modules.disclosure.errors import VerificationError

#: the largest statement file [bytes]
MAX_STATEMENT_BYTES = 20 * 1024 * 1024
#: the folder of the workspace the statement files are kept in
STATEMENT_DIR = "verification"
#: the media types of the statement files by extension (others: application/octet-stream)
MEDIA = {".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8", ".html": "text/html"}
_NAME_RE = re.compile(r"[^A-Za-z0-9._\-]+")


class DisclosureVerificationError(KeyedError):
    """A refused request of the verification records: besides the English ``message`` it
    carries ``key`` (``disc_ghg.err.*``) and ``params``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> DisclosureVerificationError:
    """A :class:`DisclosureVerificationError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(DisclosureVerificationError, kind, message, field)


def _module(exc: VerificationError) -> DisclosureVerificationError:
    return refused("invalid", exc.message, exc.field)


def fiscal_year_of(ctx: Context, fiscal_year: str) -> str:
    """The label of ``fiscal_year`` in the workspace's calendar.

    Raises:
        DisclosureVerificationError: 422 not a fiscal year of the calendar.
    """
    try:
        return ctx.workspace().config.period(str(fiscal_year or "").strip()).label
    except (LingtanError, ValueError) as exc:
        m = msg("disc_ghg.err.year", field="fiscal_year", value=str(fiscal_year)[:40])
        raise refused("invalid", m, "fiscal_year") from exc


def _snapshot(db: Session, label: str, snapshot_id: str | None) -> str:
    """The id of the snapshot the record verifies: the one ``snapshot_id`` (a prefix of at
    least 8 digits) names, of the year ``label``, or the newest of the year."""
    q = select(Snapshot.id, Snapshot.fiscal_year).order_by(Snapshot.created_at.desc(), Snapshot.id)
    if snapshot_id:
        prefix = str(snapshot_id).strip().lower()
        if not re.fullmatch(r"[0-9a-f]{8,64}", prefix):
            raise refused("invalid", msg("disc_ghg.err.snapshot", field="snapshot_id",
                                         value=prefix[:64]), "snapshot_id")  # fmt: skip
        rows = list(db.execute(q.where(Snapshot.id.startswith(prefix, autoescape=True)).limit(2)))
        if len(rows) != 1:
            raise refused("not_found", msg("disc_ghg.err.snapshot", field="snapshot_id",
                                           value=prefix), "snapshot_id")  # fmt: skip
        if rows[0][1] != label:
            raise refused("invalid", msg("disc_ghg.err.snapshot_year", field="snapshot_id",
                                         value=prefix, year=label), "snapshot_id")  # fmt: skip
        return str(rows[0][0])
    got = db.execute(q.where(Snapshot.fiscal_year == label).limit(1)).first()
    if got is None:
        raise refused("conflict", msg("disc_ghg.err.no_snapshot", field="fiscal_year",
                                      year=label), "fiscal_year")  # fmt: skip
    return str(got[0])


# ---- records -------------------------------------------------------------------------------


def add_record(
    db: Session,
    ctx: Context,
    fiscal_year: str,
    fields: dict[str, Any],
    *,
    snapshot_id: str | None = None,
) -> VerificationRow:
    """Record the verification of ``fiscal_year``'s snapshot (``snapshot_id`` prefix, default
    the newest of the year) with ``fields`` (:data:`~lingtan.modules.disclosure.verification.
    RECORD_FIELDS`).

    Raises:
        DisclosureVerificationError: 422 a wrong field (named); 409 no snapshot of the year, or the
            snapshot already has a record; 404 no such snapshot.
    """
    ctx.require("edit_data")
    label = fiscal_year_of(ctx, fiscal_year)
    try:
        clean = vm.check_record(dict(fields))
    except VerificationError as exc:
        raise _module(exc) from exc
    sid = _snapshot(db, label, snapshot_id)
    dup = db.scalar(
        select(VerificationRow.id).where(
            VerificationRow.fiscal_year == label, VerificationRow.snapshot_id == sid
        )
    )
    if dup is not None:
        raise refused("conflict", msg("disc_ghg.err.exists", field="snapshot_id", year=label,
                                      snapshot=sid[:12], id=int(dup)), "snapshot_id")  # fmt: skip
    row = VerificationRow(fiscal_year=label, snapshot_id=sid, **clean)
    db.add(row)
    db.commit()
    return row


def update_record(
    db: Session, ctx: Context, record_id: int, fields: dict[str, Any]
) -> VerificationRow:
    """Change the given ``fields`` of a record.

    Raises:
        DisclosureVerificationError: 404 no such record; 422 a wrong field (named).
    """
    ctx.require("edit_data")
    row = get_record(db, ctx, record_id)
    try:
        clean = vm.check_record(dict(fields), partial=True)
    except VerificationError as exc:
        raise _module(exc) from exc
    for name in ("verifier", "standard", "level", "coverage", "opinion", "statement_date"):
        if name in clean and clean[name] in (None, []):
            raise refused("invalid", msg("disc_ghg.err.required", field=name), name)
    for k, v in clean.items():
        setattr(row, k, v)
    db.commit()
    return row


def get_record(db: Session, ctx: Context, record_id: int) -> VerificationRow:
    """The record ``record_id`` of the organisation.

    Raises:
        DisclosureVerificationError: 404 no such record (also another organisation's).
    """
    ctx.require("read")
    row = db.get(VerificationRow, int(record_id))
    if row is None:
        raise refused("not_found", msg("disc_ghg.err.no_record", field="id", id=int(record_id)),
                      "id")  # fmt: skip
    return row


def list_records(
    db: Session, ctx: Context, fiscal_year: str | None = None
) -> list[VerificationRow]:
    """The organisation's records (of ``fiscal_year``), newest fiscal year first.

    Raises:
        DisclosureVerificationError: 422 not a fiscal year.
    """
    ctx.require("read")
    q = select(VerificationRow).order_by(
        VerificationRow.fiscal_year.desc(), VerificationRow.statement_date.desc(),
        VerificationRow.id,
    )  # fmt: skip
    if fiscal_year:
        q = q.where(VerificationRow.fiscal_year == fiscal_year_of(ctx, fiscal_year))
    return list(db.scalars(q))


def findings(db: Session, row: VerificationRow) -> list[VerificationFindingRow]:
    """The findings of a record, by number."""
    return list(
        db.scalars(
            select(VerificationFindingRow)
            .where(VerificationFindingRow.verification_id == row.id)
            .order_by(VerificationFindingRow.number)
        )
    )


def finding_dict(f: VerificationFindingRow) -> dict[str, Any]:
    """A finding as plain data (dates as ISO text)."""
    return {
        "number": f.number,
        "text": f.text,
        "severity": f.severity,
        "raised_on": f.raised_on.isoformat(),
        "closed_on": f.closed_on.isoformat() if f.closed_on else None,
        "evidence": f.evidence,
        "open": f.closed_on is None,
    }


def record_dict(db: Session, row: VerificationRow) -> dict[str, Any]:
    """A record and its findings as plain data (dates as ISO text; no timestamps, so that the
    same content gives the same data: an edition hashes it)."""
    return {
        "id": row.id,
        "fiscal_year": row.fiscal_year,
        "snapshot_id": row.snapshot_id,
        "verifier": row.verifier,
        "standard": row.standard,
        "level": row.level,
        "materiality_pct": row.materiality_pct,
        "coverage": list(row.coverage or []),
        "opinion": row.opinion,
        "statement_date": row.statement_date.isoformat(),
        "url": row.url,
        "statement_name": row.statement_name,
        "statement_sha256": row.statement_sha256,
        "findings": [finding_dict(f) for f in findings(db, row)],
    }


# ---- findings ------------------------------------------------------------------------------


def add_finding(
    db: Session,
    ctx: Context,
    record_id: int,
    text: str,
    *,
    severity: str = "minor",
    raised_on: str | date | None = None,
) -> VerificationFindingRow:
    """Raise a finding on a record (numbered after the last one); ``raised_on`` default the
    statement date.

    Raises:
        DisclosureVerificationError: 404 no such record; 422 a wrong field (named).
    """
    ctx.require("edit_data")
    row = get_record(db, ctx, record_id)
    try:
        body, sev, day = vm.check_finding(text, severity, raised_on or row.statement_date)
    except VerificationError as exc:
        raise _module(exc) from exc
    last = max((f.number for f in findings(db, row)), default=0)
    f = VerificationFindingRow(
        verification_id=row.id, number=last + 1, text=body, severity=sev, raised_on=day
    )
    db.add(f)
    db.commit()
    return f


def close_finding(
    db: Session,
    ctx: Context,
    record_id: int,
    number: int,
    *,
    evidence: str,
    closed_on: str | date | None = None,
) -> VerificationFindingRow:
    """Close finding ``number`` of a record on ``closed_on`` (default today) with the
    ``evidence`` of its closure.

    Raises:
        DisclosureVerificationError: 404 no such record or finding; 409 already closed; 422 closed
            before it was raised, or no evidence.
    """
    ctx.require("edit_data")
    row = get_record(db, ctx, record_id)
    f = next((x for x in findings(db, row) if x.number == int(number)), None)
    if f is None:
        raise refused("not_found", msg("disc_ghg.err.no_finding", field="number",
                                       number=int(number), id=row.id), "number")  # fmt: skip
    if f.closed_on is not None:
        raise refused("conflict", msg("disc_ghg.err.closed", field="number", number=f.number,
                                      closed=f.closed_on.isoformat()), "number")  # fmt: skip
    try:
        day, proof = vm.check_closure(f.raised_on, closed_on or date.today(), evidence)
    except VerificationError as exc:
        raise _module(exc) from exc
    f.closed_on = day
    f.evidence = proof
    db.commit()
    return f


# ---- the statement file ----------------------------------------------------------------------


def safe_name(name: str) -> str:
    """A file name kept to letters, digits, ``._-`` (at most 120 characters)."""
    base = _NAME_RE.sub("_", str(name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip("._")
    return (base or "statement")[:120]


def attach_statement(
    db: Session, ctx: Context, record_id: int, name: str, data: bytes
) -> VerificationRow:
    """Store the statement file of a record under ``verification/<sha256>-<name>`` in the
    workspace folder and record its name and SHA-256: the file and the audited change both or
    neither. Attaching again replaces the record's file reference (the old file stays on disk).

    Raises:
        DisclosureVerificationError: 404 no such record; 422 an empty file; 413 larger than
            :data:`MAX_STATEMENT_BYTES`.
    """
    from lingtan.adapters.services.stored_files import store_with_audit

    ctx.require("edit_data")
    row = get_record(db, ctx, record_id)
    if not data:
        raise refused("invalid", msg("disc_ghg.err.empty_file", field="file"), "file")
    if len(data) > MAX_STATEMENT_BYTES:
        raise refused("too_large", msg("disc_ghg.err.file_size", field="file",
                                       limit=MAX_STATEMENT_BYTES), "file")  # fmt: skip
    digest = hashlib.sha256(data).hexdigest()
    clean = safe_name(name)
    rel = f"{STATEMENT_DIR}/{digest}-{clean}"
    path = ctx.workspace().path / rel
    old = path.read_bytes() if path.exists() else None
    row.statement_name = clean
    row.statement_sha256 = digest
    row.statement_path = rel
    db.flush()
    store_with_audit(db, path, data, old)
    return row


def statement_file(db: Session, ctx: Context, record_id: int) -> tuple[str, bytes, str]:
    """The statement file of a record: (name, bytes, media type), checked against its SHA-256.

    Raises:
        DisclosureVerificationError: 404 no record, no file attached, or the file is missing or
            altered.
    """
    row = get_record(db, ctx, record_id)
    if not row.statement_path or not row.statement_sha256:
        raise refused("not_found", msg("disc_ghg.err.no_statement", field="file", id=row.id),
                      "file")  # fmt: skip
    path = ctx.workspace().path / row.statement_path
    data = path.read_bytes() if path.is_file() else b""
    if hashlib.sha256(data).hexdigest() != row.statement_sha256:
        raise refused("not_found", msg("disc_ghg.err.statement_altered", field="file",
                                       id=row.id), "file")  # fmt: skip
    name = row.statement_name or "statement"
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return name, data, MEDIA.get(suffix, "application/octet-stream")


# ---- what an edition pins ------------------------------------------------------------------


def record_for(ctx: Context, fiscal_year: str, snapshot_id: str | None) -> dict[str, Any] | None:
    """The verification record of ``fiscal_year`` and ``snapshot_id`` (:func:`record_dict`), or
    None when there is none (or no snapshot): what an edition pins as its ``verification``."""
    from lingtan.adapters.store.scoping import tenant_session

    if not snapshot_id:
        return None
    ctx.require("read")
    try:
        fiscal_year = fiscal_year_of(ctx, fiscal_year)
    except DisclosureVerificationError:
        return None  # not a fiscal year of the calendar: no record can belong to it
    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        row = db.scalar(
            select(VerificationRow).where(
                VerificationRow.fiscal_year == fiscal_year,
                VerificationRow.snapshot_id == snapshot_id,
            )
        )
        return None if row is None else record_dict(db, row)
