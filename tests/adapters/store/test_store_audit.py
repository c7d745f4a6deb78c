"""The audit log: every change recorded with who / when / what / before / after, hash-chained
per organisation; an entry edited or removed with raw SQL is detected (``lingtan audit verify``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app
from lingtan.adapters.store.audit import GENESIS, AuditEntry, verify
from lingtan.adapters.store.db import migrate
from lingtan.adapters.store.models import Entity
from lingtan.adapters.store.scoping import system_session, tenant_session
from lingtan.adapters.store.tenancy import Organisation


@pytest.fixture
def store(db_url: str, engines: Callable[[str], Engine]) -> tuple[Engine, int, int]:
    engine = engines(db_url)
    migrate(engine)
    with system_session(engine, actor="setup") as db:
        a, b = Organisation(slug="a", name="A"), Organisation(slug="b", name="B")
        db.add_all([a, b])
        db.commit()
        ids = a.id, b.id
    for org in ids:
        with tenant_session(engine, org, actor="alice@example.org") as s:
            e = Entity(
                code="E1", name="First", ownership_pct=100.0, operational_control=True,
                financial_control=True, country="CN",
            )  # fmt: skip
            s.add(e)
            s.commit()
            e.name = "Renamed"
            e.ownership_pct = 60.0
            s.commit()
            s.delete(e)
            s.commit()
    return engine, ids[0], ids[1]


def _entries(engine: Engine, org: int) -> list[AuditEntry]:
    with tenant_session(engine, org) as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_every_change_is_recorded(store: tuple[Engine, int, int]) -> None:
    engine, a, _ = store
    log = _entries(engine, a)
    assert [e.action for e in log] == [
        "organisation.create", "entity.create", "entity.update", "entity.delete",
    ]  # fmt: skip
    create, upd, dele = log[1:]
    assert create.actor == "alice@example.org"
    assert create.before is None
    assert create.after["name"] == "First"
    assert create.target == f"entity:{create.after['id']}"
    assert upd.before == {"name": "First", "ownership_pct": 100.0}
    assert upd.after == {"name": "Renamed", "ownership_pct": 60.0}
    assert dele.before["name"] == "Renamed"
    assert dele.after is None


def test_entries_are_chained_with_sha256(store: tuple[Engine, int, int]) -> None:
    engine, a, _ = store
    log = _entries(engine, a)
    assert log[0].prev_hash == GENESIS
    for prev, e in itertools.pairwise(log):
        assert e.prev_hash == prev.hash
    # the hash, recomputed here from its definition: sha256 of the canonical JSON (sorted keys,
    # no blanks, UTF-8) of the entry's fields and the previous hash
    e = log[1]
    doc = {
        "organisation_id": a, "at": e.at.isoformat(timespec="microseconds"), "actor": e.actor,
        "action": e.action, "target": e.target, "before": e.before, "after": e.after,
        "prev_hash": e.prev_hash,
    }  # fmt: skip
    canon = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert e.hash == hashlib.sha256(canon.encode()).hexdigest()


def test_verify_detects_an_edited_and_a_removed_entry(
    db_url: str, store: tuple[Engine, int, int]
) -> None:
    engine, a, b = store
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", "--database", db_url])
    assert ok.exit_code == 0, ok.output
    assert "OK: 8 audit entries verified" in ok.output  # 4 per organisation
    with system_session(engine) as s:
        v = verify(s)
    assert (v.ok, v.entries) == (True, 8)

    victim = _entries(engine, b)[2]  # the update of organisation B's entity
    with engine.begin() as conn:  # a raw edit, past the ORM
        conn.execute(
            text("UPDATE audit_entry SET actor = 'mallory' WHERE id = :id"), {"id": victim.id}
        )
    with system_session(engine) as s:
        v = verify(s)
    assert (v.ok, v.first_bad_id) == (False, victim.id)
    assert "does not match its hash" in v.reason
    with tenant_session(engine, a) as s:  # organisation A's chain is intact
        assert verify(s).ok
    bad = runner.invoke(app, ["audit", "verify", "--database", db_url])
    assert bad.exit_code == 1
    assert f"audit entry {victim.id}" in bad.output

    with engine.begin() as conn:  # restore it, then remove A's second entry instead
        conn.execute(
            text("UPDATE audit_entry SET actor = :a WHERE id = :id"),
            {"a": victim.actor, "id": victim.id},
        )
        removed, following = _entries(engine, a)[1:3]
        conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": removed.id})
    with system_session(engine) as s:
        v = verify(s)
    assert (v.ok, v.first_bad_id) == (False, following.id)
    assert "link broken" in v.reason


def test_bulk_changes_are_recorded(store: tuple[Engine, int, int]) -> None:
    engine, a, _ = store
    with tenant_session(engine, a, actor="bob") as s:
        s.execute(update(Entity).where(Entity.code == "E9").values(name="x"))
        s.commit()
    last = _entries(engine, a)[-1]
    assert (last.action, last.actor) == ("entity.bulk_update", "bob")
    assert "entity.code" in last.after["where"]
