"""Start-up (issue 14 item 6) of the store: argon2 loaded at the first password check, a missing
user still costs one hash (decision 0034), the schema revision checked without alembic."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import argon2
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from lingtan.adapters.store import auth, db


def test_importing_the_store_loads_no_password_hasher() -> None:
    code = (
        "import sys, json\nimport lingtan.adapters.store.auth, lingtan.adapters.store.passwords\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('argon2', 'alembic'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


def test_the_dummy_hash_costs_what_a_real_hash_costs() -> None:
    """Same algorithm and parameters as a password's hash (so verifying it is one argon2 run of
    the same cost), up to date for the hasher, and no password matches it."""
    dummy = auth._dummy_hash()
    real = auth.hash_password("s3cret-password")
    assert argon2.extract_parameters(dummy) == argon2.extract_parameters(real)
    assert dummy.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert not auth._hasher().check_needs_rehash(dummy)
    for attempt in ("", "s3cret-password", "lingtan-timing-equaliser"):
        assert auth.verify_password(dummy, attempt) is False
    assert auth._dummy_hash() == dummy  # made once per process
    assert auth.verify_password(real, "s3cret-password") is True


def test_an_unknown_email_verifies_the_dummy_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing user costs one hash: ``authenticate`` verifies the dummy hash once."""
    checked: list[str] = []
    real_verify = auth.verify_password

    def spy(password_hash: str, password: str) -> bool:
        checked.append(password_hash)
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", spy)

    class NoUsers:
        def scalar(self, *_a: object, **_k: object) -> None:
            return None

    assert auth.authenticate(NoUsers(), "nobody@example.org", "whatever-pass") is None  # type: ignore[arg-type]
    assert checked == [auth._dummy_hash()]


def test_the_head_revision_is_alembics() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    assert db._chain_head() == ScriptDirectory.from_config(cfg).get_current_head()
    assert db.head_revision() == db._chain_head()


def test_the_current_revision_is_alembics(db_url: str, engines: Callable[[str], Engine]) -> None:
    from alembic.runtime.migration import MigrationContext

    engine = engines(db_url)

    def alembics() -> str | None:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    assert db.current_revision(engine) == alembics()  # empty (SQLite) or migrated (PostgreSQL)
    db.migrate(engine)
    assert db.current_revision(engine) == alembics() == db.head_revision()
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0008'"))
    try:
        assert db.current_revision(engine) == alembics() == "0008"
    finally:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE alembic_version SET version_num = :v"), {"v": db.head_revision()}
            )


def test_a_branched_history_is_left_to_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "__init__.py").write_text("")
    for rev, down in (("a", None), ("b", "a"), ("c", "a")):
        parent = "None" if down is None else f'"{down}"'
        (versions / f"v_{rev}.py").write_text(f'revision = "{rev}"\ndown_revision = {parent}\n')
    monkeypatch.setattr(db, "MIGRATIONS", tmp_path)
    assert db._chain_head() is None  # two heads: alembic decides (and refuses)
    (versions / "v_c.py").write_text('revision = "c"\ndown_revision = "b"\n')
    assert db._chain_head() == "c"
    (versions / "v_d.py").write_text('revision: str = "d"\n')  # a style this reader does not know
    assert db._chain_head() is None
