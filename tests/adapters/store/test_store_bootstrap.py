"""Registering an embedded workspace with a server store (``lingtan serve --demo`` does this)
and the administration commands, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app
from lingtan.adapters.store.bootstrap import adopt_workspace
from lingtan.adapters.store.db import migrate
from lingtan.adapters.store.models import ImportBatch, Site, Snapshot
from lingtan.adapters.store.scoping import request_session, system_session, tenant_session
from lingtan.adapters.store.tenancy import Membership, Organisation, User
from serverkit import ELECTRICITY_CSV

SITE = (
    "sites:\n  - id: TJ01\n    name: Tianjin\n    entity: MAIN\n    region: CN-TJ\n"
    "    kind: factory\n"
)


def _embedded(root: Path) -> Path:
    """An embedded workspace with one import and one calculation, in its own lingtan.db."""
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.config import DEFAULT_CONFIG
    from lingtan.adapters.store.workspace import init_workspace

    text = DEFAULT_CONFIG.format(organisation="Embedded Co", region="CN", start_month=4,
                                 country="CN").split("sites:")[0] + SITE  # fmt: skip
    ws = init_workspace(root, config_text=text)
    f = root / "electricity_2024.csv"
    f.write_bytes(ELECTRICITY_CSV)
    assert import_file(ws, f).rows_accepted == 2
    calculate_year(ws, "FY2024/25")
    ws.engine.dispose()
    return root


def test_adopting_a_workspace_copies_its_store_rows(
    db_url: str, tmp_path: Path, engines: Callable[[str], Engine]
) -> None:
    root = _embedded(tmp_path / "embedded")
    engine = engines(db_url)
    migrate(engine)
    with system_session(engine, actor="test") as db:
        org = adopt_workspace(db, root, slug="embedded")
        org_id = org.id
    with request_session(engine) as db:  # a second time: the same organisation, nothing copied
        assert adopt_workspace(db, root).id == org_id
    with tenant_session(engine, org_id) as db:
        assert [b.rows_accepted for b in db.scalars(select(ImportBatch))] == [2]
        snaps = list(db.scalars(select(Snapshot)))
        assert [s.fiscal_year for s in snaps] == ["FY2024/25"]
        # market-based, no instruments: 100,000 kWh × 0.6096 kg/kWh (cn-grid residual-mix proxy,
        # CN 2023 excluding market-traded non-fossil; FY2024/25 takes 2023) = 60.96 t
        assert snaps[0].total_market_t == pytest.approx(60.96)
        assert sorted(s.code for s in db.scalars(select(Site))) == ["TJ01"]
    with system_session(engine) as db:
        o = db.get(Organisation, org_id)
        assert o is not None
        assert (o.slug, o.name, o.workspace_path) == ("embedded", "Embedded Co", str(root))


def test_admin_commands(db_url: str, tmp_path: Path, engines: Callable[[str], Engine]) -> None:
    runner = CliRunner()
    data = tmp_path / "data"
    r = runner.invoke(
        app,
        ["orgs", "add", "acme", "--name", "Acme", "--data-dir", str(data), "--database", db_url],
    )
    assert r.exit_code == 0, r.output
    assert (data / "orgs" / "acme" / "lingtan.yaml").is_file()
    r = runner.invoke(
        app,
        ["users", "add", "Li@Acme.example", "--org", "acme", "--role", "auditor", "--database",
         db_url],
        env={"LINGTAN_PASSWORD": "a long password"},
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app,
        ["users", "add", "x@acme.example", "--org", "nope", "--role", "viewer", "--database",
         db_url],
        env={"LINGTAN_PASSWORD": "a long password"},
    )  # fmt: skip
    assert r.exit_code == 1
    assert "no organisation 'nope'" in r.output
    r = runner.invoke(app, ["orgs", "list", "--database", db_url])
    assert r.exit_code == 0
    assert "acme" in r.output
    assert "1 members" in r.output
    engine = engines(db_url)
    with system_session(engine) as db:
        # nothing half-written: the user of the failed command was not created
        assert db.scalar(select(User).where(User.email == "x@acme.example")) is None
        user = db.scalar(select(User).where(User.email == "li@acme.example"))
        assert user is not None
        m = db.scalar(select(Membership).where(Membership.user_id == user.id))
        assert m is not None
        assert m.role == "auditor"
