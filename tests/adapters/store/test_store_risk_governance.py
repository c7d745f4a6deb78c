"""The governance tables (migration 0021; issue 17 item 6, decision 0084) on SQLite and
PostgreSQL: tenant-scoped (another organisation sees none of them), audited (every change an
entry of the organisation's hash chain), one body per code within an organisation, and the
migration following 0020 in the chain."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.adapters.store.risk_governance import (
    GovernanceAgendaItemRow,
    GovernanceBodyRow,
    GovernanceMeetingRow,
    GovernancePayLinkRow,
    GovernanceRoleRow,
)
from lingtan.adapters.store.scoping import tenant_session


def test_scoped_audited_unique(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    ids = {}
    for org in (a, b):
        with tenant_session(engine, org, actor=f"user{org}") as db:
            body = GovernanceBodyRow(code="board", kind="board", name="Board", per_year=1,
                                     counts="climate_items")  # fmt: skip
            db.add(body)
            db.flush()
            m = GovernanceMeetingRow(body_id=body.id, fiscal_year="FY2023/24",
                                     date=date(2023, 5, 1), precision="month", title="May",
                                     decisions=["ESG report approved"])  # fmt: skip
            db.add(m)
            db.flush()
            db.add(GovernanceAgendaItemRow(meeting_id=m.id, position=0, topic="disclosure",
                                           climate=True, text="ESG report"))  # fmt: skip
            db.add(GovernanceRoleRow(title="CLCRO", chairs=["board"]))
            db.add(GovernancePayLinkRow(fiscal_year="FY2023/24", population="executives",
                                        kpi_label="ESG KPIs"))  # fmt: skip
            db.commit()
            ids[org] = m.id
    with tenant_session(engine, b) as db:
        assert db.get(GovernanceMeetingRow, ids[a]) is None
        assert [m.id for m in db.scalars(select(GovernanceMeetingRow))] == [ids[b]]
        for model in (GovernanceBodyRow, GovernanceAgendaItemRow, GovernanceRoleRow,
                      GovernancePayLinkRow):  # fmt: skip
            assert len(list(db.scalars(select(model)))) == 1
    with tenant_session(engine, a) as db:  # one body per code
        db.add(GovernanceBodyRow(code="board", kind="board", name="Again", counts="meetings"))
        with pytest.raises(IntegrityError):
            db.commit()
    with tenant_session(engine, a, actor="user-a") as db:
        row = db.get(GovernanceMeetingRow, ids[a])
        assert row is not None
        assert row.decisions == ["ESG report approved"]
        row.title = "Board, May 2023"
        db.commit()
        actions = {e.action for e in db.scalars(select(AuditEntry))}
        assert {"governance_body.create", "governance_meeting.create", "governance_meeting.update",
                "governance_agenda_item.create", "governance_role.create",
                "governance_pay_link.create"} <= actions  # fmt: skip
        assert verify(db).ok


def test_0021_follows_0020() -> None:
    from lingtan.adapters.store.migrations.versions import v0021_risk_governance as m

    assert (m.revision, m.down_revision) == ("0021", "0020")
