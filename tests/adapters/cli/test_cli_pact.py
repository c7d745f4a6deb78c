"""``lingtan pact credentials add|list|revoke`` (decision 0068) on a workspace's own store, on
SQLite and PostgreSQL (``workspace_store``): the secret printed once and stored as an argon2id
hash, the list without secrets, revocation; refusals with their exit codes. ``lingtan pact
pull`` runs against a live server in tests/adapters/api/test_api_pact.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from lingtan.adapters.cli.pact import pact_app
from lingtan.adapters.store.pact import PactCredential
from lingtan.adapters.store.scoping import tenant_session
from lingtan.adapters.store.workspace import init_workspace, open_workspace

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    res = runner.invoke(pact_app, list(args), env={"LINGTAN_LANG": "en", **(env or {})})
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path, workspace_store: str) -> Path:
    root = tmp_path / "ws"
    init_workspace(root, organisation="Supplier Co", region="CN")
    return root


def test_credentials_add_list_revoke(ws: Path) -> None:
    code, out = run("credentials", "add", "Buyer One ERP", "--workspace", str(ws))
    assert code == 0, out
    assert 'Client credential "Buyer One ERP" created.' in out
    client_id = out.split("client_id", 1)[1].split()[0]
    secret = out.split("client_secret", 1)[1].split()[0]
    assert client_id.startswith("lingtan-")
    assert len(secret) >= 40  # 256 random bits, url-safe base64
    w = open_workspace(ws)
    with tenant_session(w.engine, w.organisation_id) as db:
        row = db.scalars(select(PactCredential)).one()
    assert row.secret_hash.startswith("$argon2id$")
    assert secret not in row.secret_hash
    code, out = run("credentials", "list", "--workspace", str(ws))
    assert code == 0, out
    assert client_id in out
    assert "Buyer One ERP" in out
    assert secret not in out
    code, out = run("credentials", "revoke", str(row.id), "--workspace", str(ws))
    assert code == 0, out
    assert f"{client_id} revoked" in out
    code, out = run("credentials", "revoke", "999", "--workspace", str(ws))
    assert code == 3, out  # not found
    assert "no client credential 999" in out


def test_refusals(ws: Path) -> None:
    code, out = run("credentials", "add", " ", "--workspace", str(ws))
    assert code == 2, out
    assert "1 to 100 characters" in out
    code, out = run("credentials", "list")
    assert code == 1
    assert "--org SLUG" in out
    code, out = run("pull", "https://pact.example", "--client-id", "x", "--secret-env",
                    "LINGTAN_TEST_NO_SUCH_VAR", "--workspace", str(ws))  # fmt: skip
    assert code == 1
    assert "LINGTAN_TEST_NO_SUCH_VAR" in out
    code, out = run("pull", "http://pact.example", "--client-id", "x", "--secret-env", "S",
                    "--workspace", str(ws), env={"S": "secret"})  # fmt: skip
    assert code == 1
    assert "https" in out
