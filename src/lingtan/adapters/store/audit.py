"""The audit log: append-only, every change, hash-chained (ISO 14064-1 §9 record keeping;
ISO 14064-3 verification needs to know who changed what, when).

Every insert, update and delete of an audited table (``__audited__`` on the model: batches,
snapshots, entities, sites, factor sets, change records, base-year versions, organisations,
memberships, tokens) is recorded automatically when the session flushes, in the same
transaction: who (``session.info["actor"]``), when (UTC), what (``<table>.create|update|delete``
and the row's key) and the values before and after (only the changed columns of an update;
secrets left out; large JSON replaced by its sha256). Services add entries for events that are
not row changes (a job started, a login) with :func:`record`.

Each organisation's entries form a chain: an entry's ``hash`` is the sha256 of the canonical
JSON (sorted keys, no blanks, UTF-8) of its fields and the previous entry's hash. Editing,
reordering or deleting an entry breaks the chain from there on, and :func:`verify` reports the
first bad entry. (Dropping the newest entries cannot be seen from the chain alone: keep the head
hashes :func:`verify` prints somewhere else to detect that too.) Appends are serialised per
organisation: a PostgreSQL advisory transaction lock, SQLite's database write lock.

The **system chain** (:class:`SystemAuditEntry`, :func:`record_system`, :func:`verify_system`)
records events about organisations that must outlive them: deletion requested, cancelled,
purged (ASVS V7.1.3, V8.3.2; decision 0039). It belongs to no organisation, is hashed by the
same :func:`entry_hash` with organisation id :data:`SYSTEM_CHAIN` (0: no organisation has it)
and checked by the same walk.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Table, event, insert, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from lingtan.adapters.store.models import Base
from lingtan.adapters.store.models import utcnow as _now
from lingtan.adapters.store.scoping import (
    ACTOR_KEY,
    BYPASS_KEY,
    TenancyError,
    TenantOwned,
    current_tenant,
)

GENESIS = "0" * 64
SYSTEM_CHAIN = 0  # organisation id of the system chain in its entries' hashes
_LOCK_BASE = 0x6C74_0000  # 'lt' << 16: advisory-lock keys of the audit chains


class ChainEntry:
    """The columns of an entry of a hash chain (mixed into both chains' tables)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(300))
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditEntry(TenantOwned, ChainEntry, Base):
    """One change (or event) in one organisation."""

    __tablename__ = "audit_entry"
    __table_args__ = ({"sqlite_autoincrement": True},)


class SystemAuditEntry(ChainEntry, Base):
    """One event of the system chain (no organisation owns it; it survives their deletion)."""

    __tablename__ = "system_audit_entry"
    __table_args__ = ({"sqlite_autoincrement": True},)

    @property
    def organisation_id(self) -> int:
        """The chain's id in :func:`entry_hash` (:data:`SYSTEM_CHAIN`)."""
        return SYSTEM_CHAIN


@dataclass(frozen=True)
class AuditVerification:
    """Result of :func:`verify`: ``entries`` checked; the first bad one and why."""

    ok: bool
    entries: int
    first_bad_id: int | None = None
    reason: str = ""
    heads: dict[int, str] = field(default_factory=dict)  # organisation id → last hash


def canonical(value: Any) -> Any:
    """``value`` as plain JSON data (what is stored is exactly what is hashed)."""
    return json.loads(json.dumps(value, default=_json_default, allow_nan=False))


def _json_default(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, float) and not math.isfinite(v):  # pragma: no cover - json handles floats
        return str(v)
    return str(v)


def _finite(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return v


def entry_hash(
    *,
    organisation_id: int,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> str:
    """sha256 of the canonical JSON of an entry's fields and the previous hash."""
    doc = {
        "organisation_id": int(organisation_id),
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "target": target,
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }
    data = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _table_of(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _table_name(model: Any) -> str:
    return str(model.__tablename__)


def _lock_chain(conn: Connection, organisation_id: int, table: str = "audit_entry") -> None:
    """Serialise appends to one organisation's chain until the transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_BASE + organisation_id})
    elif conn.dialect.name == "sqlite":
        # a (no-op) write statement takes SQLite's RESERVED lock: no other writer until commit
        conn.execute(text(f"UPDATE {table} SET hash = hash WHERE 1 = 0"))


def _append(
    conn: Connection, organisation_id: int, items: list[dict[str, Any]], *, system: bool = False
) -> None:
    """Append entries (dicts of actor, action, target, before, after) to one chain (the
    system chain when ``system``)."""
    if not items:
        return
    t = _table_of(SystemAuditEntry if system else AuditEntry)
    _lock_chain(conn, organisation_id, t.name)
    last = select(t.c.hash).order_by(t.c.id.desc()).limit(1)
    if not system:
        last = last.where(t.c.organisation_id == organisation_id)
    prev = conn.execute(last).scalar()
    prev = prev or GENESIS
    rows = []  # chained in order, inserted in one statement (ids follow the list's order)
    for it in items:
        at = _now()
        before, after = canonical(it["before"]), canonical(it["after"])
        h = entry_hash(
            organisation_id=organisation_id,
            at=at,
            actor=it["actor"],
            action=it["action"],
            target=it["target"],
            before=before,
            after=after,
            prev_hash=prev,
        )
        rows.append(
            {
                **({} if system else {"organisation_id": organisation_id}),
                "at": at,
                "actor": it["actor"][:200],
                "action": it["action"][:60],
                "target": it["target"][:300],
                "before": before,
                "after": after,
                "prev_hash": prev,
                "hash": h,
            }
        )
        prev = h
    conn.execute(insert(t), rows)


def record(
    db: Session,
    *,
    actor: str | None = None,
    organisation_id: int,
    action: str,
    target: str,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one entry to the organisation's chain, in ``db``'s transaction (the caller
    commits). ``actor`` defaults to the session's actor."""
    who = actor or str(db.info.get(ACTOR_KEY, "system"))
    item = {"actor": who, "action": action, "target": target, "before": before, "after": after}
    _append(db.connection(), organisation_id, [item])


def record_system(
    db: Session,
    *,
    actor: str | None = None,
    action: str,
    target: str,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one entry to the system chain, in ``db``'s transaction (the caller commits)."""
    who = actor or str(db.info.get(ACTOR_KEY, "system"))
    item = {"actor": who, "action": action, "target": target, "before": before, "after": after}
    _append(db.connection(), SYSTEM_CHAIN, [item], system=True)


def verify_system(db: Session) -> AuditVerification:
    """Check the system chain (same rules as :func:`verify`; its head is ``heads[0]``)."""
    result = db.scalars(
        select(SystemAuditEntry).order_by(SystemAuditEntry.id).execution_options(yield_per=1000)
    )
    try:
        return _walk(result)
    finally:
        result.close()


def verify(db: Session) -> AuditVerification:
    """Check every chain (or, in a session scoped to one organisation, its chain).

    Returns the number of entries checked and, when a chain is broken, the id of the first bad
    entry (in id order) and the reason."""
    q = select(AuditEntry).order_by(AuditEntry.id)
    if current_tenant(db) is None:
        q = q.execution_options(**{BYPASS_KEY: True})
    result = db.scalars(q.execution_options(yield_per=1000))
    try:
        return _walk(result)
    finally:
        result.close()  # a server-side cursor on PostgreSQL


def _walk(entries: Any) -> AuditVerification:
    heads: dict[int, str] = {}
    n = 0
    for e in entries:
        n += 1
        prev = heads.get(e.organisation_id, GENESIS)
        if e.prev_hash != prev:
            why = "previous-hash link broken (an entry before it was changed or removed)"
            return AuditVerification(False, n, e.id, why, heads)
        h = entry_hash(
            organisation_id=e.organisation_id,
            at=e.at,
            actor=e.actor,
            action=e.action,
            target=e.target,
            before=e.before,
            after=e.after,
            prev_hash=e.prev_hash,
        )
        if h != e.hash:
            return AuditVerification(False, n, e.id, "content does not match its hash", heads)
        heads[e.organisation_id] = e.hash
    return AuditVerification(True, n, None, "", heads)


# -- automatic recording of row changes ---------------------------------------------------------


def _org_of(obj: Any) -> int | None:
    from lingtan.adapters.store.tenancy import Organisation

    if isinstance(obj, Organisation):
        return obj.id
    org = getattr(obj, "organisation_id", None)
    return int(org) if org is not None else None


def _value(cls: Any, key: str, v: Any) -> Any:
    if key in cls.__audit_digest__:
        data = json.dumps(v, sort_keys=True, default=_json_default).encode()
        return {"sha256": hashlib.sha256(data).hexdigest()}
    return _finite(v)


def _columns(obj: Any) -> list[str]:
    cls = type(obj)
    return [
        a.key
        for a in inspect(cls).column_attrs
        if a.key not in cls.__audit_omit__ and a.key != "organisation_id"
    ]


def _snapshot(obj: Any) -> dict[str, Any]:
    cls = type(obj)
    return {k: _value(cls, k, getattr(obj, k)) for k in _columns(obj)}


def _target(obj: Any) -> str:
    mapper = inspect(type(obj))
    keys = [
        str(getattr(obj, c.key))
        for c in mapper.column_attrs
        if any(col.primary_key for col in c.columns) and c.key != "organisation_id"
    ]
    return f"{_table_name(type(obj))}:{'/'.join(keys)}"


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    cls = type(obj)
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for k in _columns(obj):
        hist = state.attrs[k].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else getattr(obj, k)
        if old == new:
            continue
        before[k] = _value(cls, k, old)
        after[k] = _value(cls, k, new)
    if set(after) <= set(cls.__audit_ignore__):
        return {}, {}
    return before, after


@event.listens_for(Session, "after_flush")
def _record_flush(session: Session, _flush_context: Any) -> None:
    """Append an entry for every audited row the flush inserted, changed or deleted."""
    actor = str(session.info.get(ACTOR_KEY, "system"))
    by_org: dict[int, list[dict[str, Any]]] = {}

    def add(obj: Any, action: str, before: Any, after: Any) -> None:
        org = _org_of(obj)
        if org is None:
            return
        table = _table_name(type(obj))
        by_org.setdefault(org, []).append(
            {
                "actor": actor,
                "action": f"{table}.{action}",
                "target": _target(obj),
                "before": before,
                "after": after,
            }
        )

    for obj in session.new:
        if getattr(obj, "__audited__", False):
            add(obj, "create", None, _snapshot(obj))
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(obj):
            before, after = _changes(obj)
            if after:
                add(obj, "update", before, after)
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            add(obj, "delete", _snapshot(obj), None)
    if not by_org:
        return
    conn = session.connection()
    for org in sorted(by_org):
        _append(conn, org, by_org[org])


@event.listens_for(Session, "do_orm_execute")
def _record_bulk(state: ORMExecuteState) -> None:
    """Bulk UPDATE / DELETE of audited rows: one entry naming the table and the criteria."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is None or not getattr(mapper.class_, "__audited__", False):
        return
    session = state.session
    org = current_tenant(session)
    if org is None:
        raise TenancyError("bulk change of audited rows needs an organisation-scoped session")
    where = getattr(state.statement, "whereclause", None)
    action = "bulk_update" if state.is_update else "bulk_delete"
    record(
        session,
        organisation_id=org,
        action=f"{_table_name(mapper.class_)}.{action}",
        target=_table_name(mapper.class_),
        after={"where": "" if where is None else str(where)},
    )
