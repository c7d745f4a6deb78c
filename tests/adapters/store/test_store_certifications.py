"""The certificate and zero-carbon tables (migration 0016; issue 16, decision 0077) on SQLite
and PostgreSQL: tenant-scoped (another organisation sees none of them), audited (every change
an entry of the organisation's hash chain), one assessment per site and fiscal year within an
organisation, and the migration following 0015 in the chain."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.adapters.store.certifications import CertificateRow, ZeroCarbonRow
from lingtan.adapters.store.scoping import tenant_session


def _cert() -> CertificateRow:
    return CertificateRow(subject_kind="site", subject_id="WH01", scheme="green_factory",
                          level="national", issuer="MIIT", issued=date(2023, 1, 1),
                          valid_until=date(2026, 1, 1), status="active")  # fmt: skip


def _assessment(site: str = "WH01") -> ZeroCarbonRow:
    return ZeroCarbonRow(site=site, fiscal_year="FY2024/25", e_base_t=100.0, r_own_t=10.0,
                         g_t=82.0, c_t=8.0, share_own=0.92, net_t=0.0, passed=True,
                         threshold=0.9, basis={"emissions": "market"}, inputs={"notes": []},
                         assessed_by="me")  # fmt: skip


def test_scoped_audited_unique(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    ids = {}
    for org in (a, b):
        with tenant_session(engine, org, actor=f"user{org}") as db:
            c = _cert()
            db.add_all([c, _assessment()])
            db.commit()
            ids[org] = c.id
    with tenant_session(engine, b) as db:
        assert db.get(CertificateRow, ids[a]) is None
        assert [c.id for c in db.scalars(select(CertificateRow))] == [ids[b]]
        assert len(list(db.scalars(select(ZeroCarbonRow)))) == 1
    with tenant_session(engine, a) as db:  # one assessment per site and year
        db.add(_assessment())
        with pytest.raises(IntegrityError):
            db.commit()
    with tenant_session(engine, a, actor="user-a") as db:
        db.add(_assessment("WH02"))  # another site: fine
        row = db.get(CertificateRow, ids[a])
        assert row is not None
        row.status = "withdrawn"
        db.commit()
        entries = list(db.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        actions = {e.action for e in entries}
        assert {"certificate.create", "certificate.update",
                "zero_carbon_assessment.create"} <= actions  # fmt: skip
        assert verify(db).ok


def test_0016_follows_0015() -> None:
    from lingtan.adapters.store.migrations.versions import v0016_certifications as m

    assert (m.revision, m.down_revision) == ("0016", "0015")
