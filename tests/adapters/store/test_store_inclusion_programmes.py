"""The carbon-inclusion programme tables (migration 0022; issue 18 item 1, decision 0088) on
SQLite and PostgreSQL: tenant-scoped (another organisation sees none of them), audited (every
change an entry of the organisation's hash chain) but without the secrets — the partner's HMAC
secret, the programme's salt and the subject hash never reach the audit log —, one programme
per code, one account per ref and per subject hash within a programme (erased hashes may repeat)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.adapters.store.inclusion_programmes import (
    InclusionAccountRow,
    InclusionConsentRow,
    InclusionGroupRow,
    InclusionMemberLinkRow,
    InclusionPartnerRow,
    InclusionProgrammeRow,
    token_hash,
)
from lingtan.adapters.store.models import utcnow
from lingtan.adapters.store.scoping import tenant_session

_MODELS = (InclusionProgrammeRow, InclusionGroupRow, InclusionAccountRow, InclusionPartnerRow,
           InclusionConsentRow, InclusionMemberLinkRow)  # fmt: skip


def _fill(engine: Engine, org: int) -> int:
    with tenant_session(engine, org, actor=f"user{org}") as db:
        prog = InclusionProgrammeRow(code="emp", name="员工碳普惠", audience="employee",
                                     region="CN-GD", subject_salt="SALT-SECRET-" + "0" * 52,
                                     engagement_points={"learn.quiz": 5},
                                     caps={"travel.metro": {"per_day": 50}})  # fmt: skip
        db.add(prog)
        db.flush()
        db.add(InclusionGroupRow(programme_id=prog.id, code="c1", kind="class", name="一班"))
        acc = InclusionAccountRow(programme_id=prog.id, ref="m-abcdefghij",
                                  subject_hash="f" * 64)  # fmt: skip
        db.add(acc)
        db.add(InclusionPartnerRow(code="zz", name="转转", hmac_secret="ips_TOPSECRET",
                                   allowed_actions=["secondhand.phone"]))  # fmt: skip
        db.flush()
        now = utcnow()
        db.add(InclusionConsentRow(account_id=acc.id, partner_code="zz",
                                   scopes=["secondhand.phone"], evidence="app"))  # fmt: skip
        db.add(InclusionMemberLinkRow(account_id=acc.id, token_hash=token_hash(f"t{org}"),
                                      expires_at=now))  # fmt: skip
        db.commit()
        return prog.id


def test_scoped_audited_unique(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    ids = {org: _fill(engine, org) for org in (a, b)}
    with tenant_session(engine, b) as db:
        assert db.get(InclusionProgrammeRow, ids[a]) is None
        for model in _MODELS:
            assert len(list(db.scalars(select(model)))) == 1
    with tenant_session(engine, a) as db:  # one programme per code
        db.add(InclusionProgrammeRow(code="emp", name="x", audience="consumer", subject_salt="s"))
        with pytest.raises(IntegrityError):
            db.commit()
    with tenant_session(engine, a) as db:  # one account per subject hash in a programme
        db.add(InclusionAccountRow(programme_id=ids[a], ref="m-bbbbbbbbbb", subject_hash="f" * 64))
        with pytest.raises(IntegrityError):
            db.commit()
    with tenant_session(engine, a) as db:  # erased hashes (null) may repeat
        db.add(InclusionAccountRow(programme_id=ids[a], ref="m-cccccccccc", subject_hash=None))
        db.add(InclusionAccountRow(programme_id=ids[a], ref="m-dddddddddd", subject_hash=None))
        db.commit()
    with tenant_session(engine, a, actor="user-a") as db:
        acc = db.scalars(
            select(InclusionAccountRow).where(InclusionAccountRow.ref == "m-abcdefghij")
        ).one()
        acc.subject_hash = None
        acc.status = "deleted"
        db.commit()
        entries = list(db.scalars(select(AuditEntry)))
        actions = {e.action for e in entries}
        assert {f"{m.__tablename__}.create" for m in _MODELS[:5]} <= actions
        assert "inclusion_account.update" in actions
        assert "inclusion_member_link.create" not in actions  # not audited: only a hash
        text = json.dumps([[e.before, e.after] for e in entries], default=str)
        for secret in ("TOPSECRET", "SALT-SECRET", "f" * 64):
            assert secret not in text
        assert verify(db).ok


def test_0022_follows_0021() -> None:
    from lingtan.adapters.store.migrations.versions import v0022_inclusion_programmes as m

    assert (m.revision, m.down_revision) == ("0022", "0021")
