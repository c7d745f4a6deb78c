"""Tenant scoping in the store (one place: lingtan.adapters.store.scoping), the role matrix and
authentication, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine

from lingtan.adapters.store import auth
from lingtan.adapters.store.bootstrap import create_user
from lingtan.adapters.store.db import migrate
from lingtan.adapters.store.models import Entity, ImportBatch
from lingtan.adapters.store.scoping import (
    TenancyError,
    request_session,
    system_session,
    tenant_session,
)
from lingtan.adapters.store.tenancy import ACTIONS, Organisation, Role, can


def _orgs(engine: Engine) -> tuple[int, int]:
    with system_session(engine) as db:
        a, b = Organisation(slug="a", name="A"), Organisation(slug="b", name="B")
        db.add_all([a, b])
        db.commit()
        return a.id, b.id


def _batch(sha: str, seq: int = 1) -> ImportBatch:
    return ImportBatch(
        id=sha, seq=seq, file_name="f.csv", template="fuel", rows_read=1, rows_accepted=1,
        rows_rejected=0, imported_at=datetime(2024, 1, 1),
    )  # fmt: skip


def _entity(code: str) -> Entity:
    return Entity(
        code=code, name=code, ownership_pct=100.0, operational_control=True,
        financial_control=True, country="CN",
    )  # fmt: skip


@pytest.fixture
def store(db_url: str, engines: Callable[[str], Engine]) -> tuple[Engine, int, int]:
    engine = engines(db_url)
    migrate(engine)
    a, b = _orgs(engine)
    return engine, a, b


def test_each_organisation_sees_only_its_rows(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    # the same file imported by both organisations: the key is (organisation_id, sha256)
    for org, code in ((a, "EA"), (b, "EB")):
        with tenant_session(engine, org) as s:
            s.add(_batch("f" * 64))
            s.add(_entity(code))
            s.commit()
    with tenant_session(engine, a) as s:
        assert [e.code for e in s.scalars(select(Entity))] == ["EA"]
        got = s.get(ImportBatch, "f" * 64)  # scalar id completed with the session's tenant
        assert got is not None
        assert got.organisation_id == a
        # bulk statements are scoped too
        s.execute(update(Entity).values(name="renamed"))
        s.execute(delete(ImportBatch))
        s.commit()
    with tenant_session(engine, b) as s:
        assert [e.name for e in s.scalars(select(Entity))] == ["EB"]
        assert s.get(ImportBatch, "f" * 64) is not None
    with system_session(engine) as s:
        assert sorted(e.code for e in s.scalars(select(Entity))) == ["EA", "EB"]


def test_forgetting_the_tenant_is_an_error(store: tuple[Engine, int, int]) -> None:
    engine, _, _ = store
    with request_session(engine) as s:
        assert s.scalars(select(Organisation)).all()  # not tenant-owned: allowed
        with pytest.raises(TenancyError):
            s.scalars(select(Entity)).all()
        s.add(_entity("X"))
        with pytest.raises(TenancyError):
            s.flush()


def test_rows_of_another_organisation_are_refused(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    with tenant_session(engine, b) as s:
        s.add(_entity("EB"))
        s.commit()
    with tenant_session(engine, a) as s:
        e = _entity("SNEAK")
        e.organisation_id = b
        s.add(e)
        with pytest.raises(TenancyError):
            s.flush()
        s.rollback()
        own = _entity("EA")
        s.add(own)
        s.commit()
        own.organisation_id = b  # moving a row to another organisation
        with pytest.raises(TenancyError):
            s.flush()
    with system_session(engine) as s:  # nothing of the above reached the store
        assert sorted(e.code for e in s.scalars(select(Entity))) == ["EA", "EB"]


def test_role_matrix() -> None:
    # tenancy module docstring: the table of roles × actions
    expected = {
        Role.OWNER: {"read", "read_audit", "edit_data", "manage_members", "manage_org"},
        Role.ADMIN: {"read", "read_audit", "edit_data", "manage_members"},
        Role.ANALYST: {"read", "edit_data"},
        Role.VIEWER: {"read"},
        Role.AUDITOR: {"read", "read_audit"},
    }
    for role, allowed in expected.items():
        assert {a for a in ACTIONS if can(role, a)} == allowed
    with pytest.raises(ValueError, match="unknown action"):
        can("viewer", "delete_everything")


def test_passwords_sessions_tokens(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    h = auth.hash_password("s3cret-password")
    assert h.startswith("$argon2id$")
    assert auth.verify_password(h, "s3cret-password")
    assert not auth.verify_password(h, "wrong")
    assert not auth.verify_password("not a hash", "x")
    with request_session(engine) as db:
        user = create_user(db, "u@example.org", "s3cret-password", "U", {"a": "analyst"})
        assert auth.authenticate(db, "U@example.org ", "s3cret-password") is not None
        assert auth.authenticate(db, "u@example.org", "nope") is None
        assert auth.authenticate(db, "nobody@example.org", "s3cret-password") is None
        sid = auth.create_web_session(db, user)
        found = auth.user_for_web_session(db, sid)
        assert found is not None
        assert found.id == user.id
        auth.end_web_session(db, sid)
        assert auth.user_for_web_session(db, sid) is None
        old = auth.create_web_session(db, user)
        ws = db.get(auth.WebSession, auth._digest(old))
        assert ws is not None
        ws.expires_at = datetime.now() - timedelta(days=400)
        db.commit()
        assert auth.user_for_web_session(db, old) is None
    with request_session(engine) as db:
        org_a = db.get(Organisation, a)
        org_b = db.get(Organisation, b)
        assert org_a is not None
        assert org_b is not None
        u = db.scalar(select(auth.User).where(auth.User.email == "u@example.org"))
        assert u is not None
        with pytest.raises(PermissionError):
            auth.create_token(db, u, org_b, "not a member")
        token = auth.create_token(db, u, org_a, "ci")
        pair = auth.user_for_token(db, token)
        assert pair is not None
        assert (pair[0].id, pair[1].id) == (u.id, a)
        tok_id = db.scalar(select(auth.ApiToken.id))
        assert tok_id is not None
        assert auth.revoke_token(db, tok_id) is True
        assert auth.user_for_token(db, token) is None
        assert auth.user_for_token(db, "lt_forged") is None
