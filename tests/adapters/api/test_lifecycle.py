"""An organisation's data lifecycle, on SQLite and PostgreSQL (issue 11 item 9; ASVS 4.0.3
V8.3.1, V8.3.2; decision 0039): the owner's export holds everything of A and nothing of B and
its audit chain verifies; deletion is confirmed by the slug, marks the organisation read-only,
can be cancelled, and after the grace period purges every row and the folder of A, leaving B
untouched; each step is in the system audit chain, which verifies."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from lingtan.adapters.store.audit import SystemAuditEntry, verify, verify_system
from lingtan.adapters.store.lifecycle import (
    count_rows,
    housekeeping,
    purge_due,
    tenant_models,
    verify_exported_chain,
    verify_manifest,
)
from lingtan.adapters.store.scoping import system_session
from lingtan.adapters.store.tenancy import Organisation, User
from serverkit import Server, add_user, seed_inventory

API = "/api/v1"


@pytest.fixture
def two_orgs(server_factory: Callable[..., Server]) -> dict[str, Any]:
    srv = server_factory(workers=0)
    a = seed_inventory(srv, "owner@acme.example", "acme")
    b = seed_inventory(srv, "owner@bravo.example", "bravo")
    with system_session(srv.engine) as db:
        ids = {o.slug: int(o.id) for o in db.scalars(select(Organisation))}
    return {"srv": srv, "a": a, "b": b, "ids": ids}


def _lines(zf: zipfile.ZipFile, name: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in zf.read(name).decode().splitlines() if x.strip()]


def test_export_holds_a_and_nothing_of_b(two_orgs: dict[str, Any]) -> None:
    srv, a, ids = two_orgs["srv"], two_orgs["a"], two_orgs["ids"]
    r = a.get(f"{API}/orgs/acme/export")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    assert verify_manifest(zf) == []
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["organisation"]["slug"] == "acme"
    assert manifest["schema_revision"]
    assert manifest["lingtan_version"]
    names = set(zf.namelist())
    # every tenant-owned table is there, every row is A's, with A's own counts
    counts = count_rows(srv.engine, ids["acme"])
    for cls in tenant_models():
        table = cls.__table__.name
        rows = _lines(zf, f"tables/{table}.jsonl")
        assert {row["organisation_id"] for row in rows} <= {ids["acme"]}, table
        assert len(rows) == counts[table], table
    assert counts["import_batch"] == 1
    assert counts["snapshot"] == 1
    assert "bravo" not in zf.read("tables/organisation.jsonl").decode()
    assert [m["email"] for m in _lines(zf, "tables/members.jsonl")] == ["owner@acme.example"]
    assert "password_hash" not in zf.read("tables/members.jsonl").decode()
    assert all("token_hash" not in row for row in _lines(zf, "tables/api_token.jsonl"))
    # the workspace files: configuration, batch Parquet and source file, snapshot
    assert "workspace/lingtan.yaml" in names
    assert any(n.startswith("workspace/batches/") and n.endswith(".parquet") for n in names)
    assert any(n.startswith("workspace/snapshots/") for n in names)
    # the audit chain verifies on its own, and is A's whole chain (up to the export itself)
    ok, n, head = verify_exported_chain(zf.read("audit/chain.jsonl").decode().splitlines())
    with system_session(srv.engine) as db:
        v = verify(db)
    assert ok
    assert n == counts["audit_entry"]  # the export's own entry is its last
    assert head == v.heads[ids["acme"]]
    # B's owner cannot export A; A's owner sees the export in A's log
    assert two_orgs["b"].get(f"{API}/orgs/acme/export").status_code == 404
    log = a.get(f"{API}/orgs/acme/audit").json()
    assert "organisation.export" in json.dumps(log)


def test_deletion_grace_cancel_purge(
    two_orgs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    srv, a, ids = two_orgs["srv"], two_orgs["a"], two_orgs["ids"]
    add_user(srv.engine, "admin@acme.example", {"acme": "admin"})
    admin = srv.login("admin@acme.example")
    assert admin.post(f"{API}/orgs/acme/deletion", json={"confirm": "acme"}).status_code == 403
    assert admin.get(f"{API}/orgs/acme/export").status_code == 403
    folder_a, folder_b = srv.data_dir / "orgs" / "acme", srv.data_dir / "orgs" / "bravo"
    assert folder_a.is_dir()
    b_before = count_rows(srv.engine, ids["bravo"])
    wrong = a.post(f"{API}/orgs/acme/deletion", json={"confirm": "bravo"})
    assert (wrong.status_code, wrong.json()["error"]["field"]) == (422, "confirm")
    assert a.get(f"{API}/orgs/acme/deletion").status_code == 404
    r = a.post(f"{API}/orgs/acme/deletion", json={"confirm": "acme"})
    assert r.status_code == 202, r.text
    assert a.post(f"{API}/orgs/acme/deletion", json={"confirm": "acme"}).status_code == 409
    # during the grace period: everything still there, readable, read-only
    assert a.get(f"{API}/orgs/acme/deletion").json()["requested_by"] == "owner@acme.example"
    assert a.get(f"{API}/orgs/acme/inventories/FY2024-25").status_code == 200
    site = {"code": "SH01", "name": "Shanghai", "entity_code": "MAIN", "region": "CN-SH"}
    refused = a.post(f"{API}/orgs/acme/sites", json=site)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "deletion_pending")
    assert purge_due(srv.engine) == []  # not due yet
    page = a.get("/o/acme/targets/edit")  # the web pages too
    assert page.status_code == 409
    assert "已计划删除" in page.text  # zh-CN, the default locale
    # cancelled: writable again
    assert a.delete(f"{API}/orgs/acme/deletion").status_code == 204
    assert a.delete(f"{API}/orgs/acme/deletion").status_code == 404
    assert a.post(f"{API}/orgs/acme/sites", json=site).status_code == 201
    assert a.get("/o/acme/targets/edit").status_code == 200
    # requested again, and the (injected) grace period passes
    due = a.post(f"{API}/orgs/acme/deletion", json={"confirm": "acme"}).json()["due_at"]
    assert due
    with system_session(srv.engine) as db:
        from lingtan.adapters.store.lifecycle import OrganisationDeletion

        d = db.scalar(select(OrganisationDeletion))
        assert d is not None
        later = d.due_at + timedelta(seconds=1)
    purged = purge_due(srv.engine, now=later, actor="test")
    assert [p.slug for p in purged] == ["acme"]
    assert purged[0].folder_removed
    assert purged[0].rows["import_batch"] == 1
    assert not folder_a.exists()
    assert folder_b.is_dir()
    # every tenant-owned table is empty of A; B as before
    assert set(count_rows(srv.engine, ids["acme"]).values()) == {0}
    assert count_rows(srv.engine, ids["bravo"]) == b_before
    with system_session(srv.engine) as db:
        assert db.get(Organisation, ids["acme"]) is None
        emails = set(db.scalars(select(User.email)))
        assert "owner@acme.example" not in emails
        assert "owner@bravo.example" in emails
        system = verify_system(db)
        actions = list(db.scalars(select(SystemAuditEntry.action).order_by(SystemAuditEntry.id)))
        orgs = verify(db)
    assert system.ok
    assert system.entries == 4
    assert actions == [
        "organisation.deletion_requested",
        "organisation.deletion_cancelled",
        "organisation.deletion_requested",
        "organisation.purged",
    ]
    assert orgs.ok
    assert ids["acme"] not in orgs.heads
    assert ids["bravo"] in orgs.heads
    assert a.get(f"{API}/orgs/acme").status_code == 401  # A's only owner's account went too
    assert two_orgs["b"].get(f"{API}/orgs/bravo/inventories/FY2024-25").status_code == 200
    assert purge_due(srv.engine, now=later) == []  # nothing left to do
    # a grace period of 0 days (LINGTAN_DELETION_GRACE_DAYS): the worker's housekeeping purges
    monkeypatch.setenv("LINGTAN_DELETION_GRACE_DAYS", "0")
    b = two_orgs["b"]
    assert b.post(f"{API}/orgs/bravo/deletion", json={"confirm": "bravo"}).status_code == 202
    assert [p.slug for p in housekeeping(srv.engine, every_s=0)] == ["bravo"]
    assert set(count_rows(srv.engine, ids["bravo"]).values()) == {0}
    assert not folder_b.exists()
    # an edited entry of the system chain is detected
    with system_session(srv.engine) as db:
        first = db.scalar(select(SystemAuditEntry).order_by(SystemAuditEntry.id))
        assert first is not None
        first.actor = "someone else"
        db.commit()
        edited = verify_system(db)
    assert (edited.ok, edited.first_bad_id) == (False, first.id)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_pg_dump_and_restore_keep_rows_and_chains(tmp_path: Any) -> None:
    """The documented PostgreSQL procedure (docs/server.md): pg_dump (custom format) of the
    store, pg_restore into an empty database; every table's rows and every audit chain (the
    system chain too) come back identical."""
    import os
    import shutil
    import subprocess

    from sqlalchemy import func, inspect

    from lingtan.adapters.store.db import make_engine, migrate
    from lingtan.adapters.store.lifecycle import request_deletion
    from lingtan.adapters.store.models import Entity
    from lingtan.adapters.store.scoping import tenant_session
    from pgkit import PostgresUnavailableError, scratch_database

    tools = [shutil.which("pg_dump"), shutil.which("pg_restore")]
    if None in tools:
        if os.environ.get("CI"):
            pytest.fail("pg_dump and pg_restore are required in CI")
        pytest.skip("pg_dump / pg_restore not installed")
    pg_dump, pg_restore = (str(t) for t in tools)

    def state(url: str) -> tuple[dict[str, int], dict[int, str], str]:
        engine = make_engine(url)
        try:
            with system_session(engine) as db:
                tables = inspect(db.connection()).get_table_names()
                rows = {
                    t: int(db.connection().exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar())
                    for t in tables
                }
                chains, system = verify(db), verify_system(db)
                assert chains.ok
                assert system.ok
                return rows, chains.heads, system.heads[0]
        finally:
            engine.dispose()

    try:
        with scratch_database("lingtan_bk_") as src, scratch_database("lingtan_rs_") as dst:
            engine = make_engine(src)
            migrate(engine)
            with system_session(engine, actor="setup") as db:
                db.add_all([Organisation(slug="a", name="A"), Organisation(slug="b", name="B")])
                db.commit()
                orgs = list(db.scalars(select(Organisation)))
            for o in orgs:
                with tenant_session(engine, o.id, actor="alice@example.org") as s:
                    s.add(Entity(code="E1", name=o.name, ownership_pct=100.0,
                                 operational_control=True, financial_control=True,
                                 country="CN"))  # fmt: skip
                    s.commit()
            with system_session(engine, actor="owner") as db:
                request_deletion(db, db.merge(orgs[0]), confirm="a", actor="owner")
                assert int(db.scalar(select(func.count()).select_from(SystemAuditEntry)) or 0) == 1
            engine.dispose()
            dump = tmp_path / "store.dump"
            subprocess.run(
                [pg_dump, "--format=custom", "--file", str(dump), "--dbname", _libpq(src)],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [pg_restore, "--no-owner", "--exit-on-error", "--dbname", _libpq(dst), str(dump)],
                check=True,
                capture_output=True,
            )
            assert state(dst) == state(src)
    except PostgresUnavailableError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"PostgreSQL not reachable ({exc})")
