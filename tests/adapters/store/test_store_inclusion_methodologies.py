"""The methodology-pack table (migration 0023; decision 0087) on SQLite and PostgreSQL:
tenant-scoped (another organisation sees none), audited, one row per pack id and version within
an organisation, and the migration following 0022 in the chain."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.adapters.store.inclusion_methodologies import InclusionMethodologyRow
from lingtan.adapters.store.scoping import tenant_session


def _row(version: str = "1") -> InclusionMethodologyRow:
    return InclusionMethodologyRow(
        pack_id="acme.travel", version=version, label="illustrative", region="CN",
        valid_from=date(2024, 1, 1), digest="0" * 64, file_name="acme.yaml",
        content={"id": "acme.travel"},
    )  # fmt: skip


def test_scoped_audited_unique(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    ids = {}
    for org in (a, b):
        with tenant_session(engine, org, actor=f"user{org}") as db:
            row = _row()
            db.add(row)
            db.commit()
            ids[org] = row.id
    with tenant_session(engine, b) as db:
        assert db.get(InclusionMethodologyRow, ids[a]) is None
        assert [r.id for r in db.scalars(select(InclusionMethodologyRow))] == [ids[b]]
    with tenant_session(engine, a) as db:
        db.add(_row())
        with pytest.raises(IntegrityError):
            db.commit()
    with tenant_session(engine, a) as db:
        db.add(_row("2"))
        db.commit()
        got = db.scalars(select(InclusionMethodologyRow).order_by(InclusionMethodologyRow.id))
        assert [(r.version, r.content) for r in got] == [("1", {"id": "acme.travel"}),
                                                        ("2", {"id": "acme.travel"})]  # fmt: skip
        actions = {e.action for e in db.scalars(select(AuditEntry))}
        assert "inclusion_methodology.create" in actions
        assert verify(db).ok


def test_0023_follows_0022() -> None:
    from lingtan.adapters.store.migrations.versions import v0023_inclusion_methodologies as m

    assert (m.revision, m.down_revision) == ("0023", "0022")
