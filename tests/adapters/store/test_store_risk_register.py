"""The register, review and matrix tables (migration 0017; issue 17, decision 0080) on SQLite
and PostgreSQL: tenant-scoped (another organisation sees none of them), audited (every change an
entry of the organisation's hash chain), one code per organisation, one matrix per
organisation, and the migration following 0016 in the chain."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.adapters.store.risk_register import RiskItemRow, RiskMatrixRow, RiskReviewRow
from lingtan.adapters.store.scoping import tenant_session


def _item(code: str = "R1") -> RiskItemRow:
    return RiskItemRow(code=code, kind="risk", category="policy_legal", driver="carbon_pricing",
                       title="Carbon price", horizons=["short"], value_chain=["own_operations"],
                       key_unit=False, likelihood=3, consequences={"finance": 4}, score=12.0,
                       band="high", actions=[], financial={}, links={"sites": ["WH01"]},
                       status="open")  # fmt: skip


def test_scoped_audited_unique(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    ids = {}
    for org in (a, b):
        with tenant_session(engine, org, actor=f"user{org}") as db:
            item = _item()
            db.add_all([item, RiskMatrixRow(config={"aggregation": "max"})])
            db.add(RiskReviewRow(item_code="R1", reviewed=date(2024, 5, 1), reviewer="me",
                                 likelihood=3, consequences={"finance": 4}, score=12.0,
                                 band="high"))  # fmt: skip
            db.commit()
            ids[org] = item.id
    with tenant_session(engine, b) as db:
        assert db.get(RiskItemRow, ids[a]) is None
        assert [r.id for r in db.scalars(select(RiskItemRow))] == [ids[b]]
        assert len(list(db.scalars(select(RiskReviewRow)))) == 1
        assert len(list(db.scalars(select(RiskMatrixRow)))) == 1
    with tenant_session(engine, a) as db:  # one code per organisation
        db.add(_item())
        with pytest.raises(IntegrityError):
            db.commit()
    with tenant_session(engine, a) as db:  # one matrix per organisation
        db.add(RiskMatrixRow(config={}))
        with pytest.raises(IntegrityError):
            db.commit()
    with tenant_session(engine, a, actor="user-a") as db:
        row = db.get(RiskItemRow, ids[a])
        assert row is not None
        row.likelihood = 4
        db.commit()
        actions = {e.action for e in db.scalars(select(AuditEntry))}
        assert {"risk_item.create", "risk_item.update", "risk_review.create",
                "risk_matrix.create"} <= actions  # fmt: skip
        assert verify(db).ok


def test_0017_follows_0016() -> None:
    from lingtan.adapters.store.migrations.versions import v0017_risk_register as m

    assert (m.revision, m.down_revision) == ("0017", "0016")
