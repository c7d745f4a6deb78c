"""The supplier register's tables (migration 0010; issue 15, decision 0063) on SQLite and
PostgreSQL: tenant-scoped (another organisation sees none of them), audited (every change an
entry of the organisation's hash chain), a supplier's contacts, sites and checks deleted with
it, a code unique within an organisation only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.adapters.store.scoping import tenant_session
from lingtan.adapters.store.suppliers import (
    OnboardingCheck,
    Supplier,
    SupplierContact,
    SupplierSite,
)


def _supplier(code: str) -> Supplier:
    return Supplier(code=code, legal_name=code, country="CN", company_ids=[], categories=[],
                    tier="1", strategic=False, key_tier1=False, status="prospect")  # fmt: skip


def _children(db: object, supplier_id: int) -> None:
    from sqlalchemy.orm import Session

    assert isinstance(db, Session)
    db.add(SupplierContact(supplier_id=supplier_id, name="Wang"))
    db.add(SupplierSite(supplier_id=supplier_id, code="S1", name="Plant", region="CN-JS"))
    db.add(OnboardingCheck(supplier_id=supplier_id, item="iso14001", result="pass",
                           checked_by="me", checked_on=date(2026, 1, 1)))  # fmt: skip


def test_scoped_audited_and_deleted_with_the_supplier(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    ids = {}
    for org in (a, b):  # the same code in two organisations
        with tenant_session(engine, org, actor=f"user{org}") as db:
            s = _supplier("S-1")
            db.add(s)
            db.flush()
            _children(db, s.id)
            db.commit()
            ids[org] = s.id
    with tenant_session(engine, b) as db:
        assert db.get(Supplier, ids[a]) is None
        assert [c.supplier_id for c in db.scalars(select(SupplierContact))] == [ids[b]]
        assert [s.supplier_id for s in db.scalars(select(SupplierSite))] == [ids[b]]
        assert [c.supplier_id for c in db.scalars(select(OnboardingCheck))] == [ids[b]]
    with tenant_session(engine, a) as db:
        db.add(_supplier("S-1"))
        with pytest.raises(IntegrityError):
            db.commit()
    with tenant_session(engine, a, actor="user-a") as db:
        entries = list(db.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        tables = {e.target.split(":")[0] for e in entries}
        assert {"supplier", "supplier_contact", "supplier_site",
                "supplier_onboarding_check"} <= tables  # fmt: skip
        row = db.get(Supplier, ids[a])
        assert row is not None
        db.delete(row)
        db.commit()
    with tenant_session(engine, a) as db:
        assert list(db.scalars(select(SupplierContact))) == []
        assert list(db.scalars(select(SupplierSite))) == []
        assert list(db.scalars(select(OnboardingCheck))) == []
        assert verify(db).ok
    with tenant_session(engine, b) as db:  # B's rows untouched
        assert len(list(db.scalars(select(SupplierContact)))) == 1
