"""Helpers of the server tests (imported by the tests; fixtures are in conftest.py)."""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"


@dataclass
class Server:
    """An app on a store, with a test client; ``engine`` is the app's store engine."""

    app: Any
    client: TestClient
    engine: Engine
    data_dir: Path

    def login(self, email: str, password: str = PASSWORD) -> TestClient:
        """A new client logged in as ``email`` (cookie session)."""
        c = TestClient(self.app)
        r = c.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]  # cookie changes need it (0035)
        return c

    def bearer(self, token: str) -> TestClient:
        """A new client sending ``Authorization: Bearer <token>``."""
        return TestClient(self.app, headers={"Authorization": f"Bearer {token}"})


def add_user(engine: Engine, email: str, memberships: dict[str, str] | None = None) -> None:
    """Create a user with password :data:`PASSWORD` and roles ``{slug: role}``."""
    from lingtan.adapters.store.bootstrap import create_user
    from lingtan.adapters.store.scoping import request_session

    with request_session(engine) as db:
        create_user(db, email, PASSWORD, email.split("@")[0], memberships or {})


def new_org(engine: Engine, data_dir: Path, slug: str, owner: str) -> None:
    """An organisation (workspace under ``data_dir``) owned by ``owner`` (created if new)."""
    from lingtan.adapters.store.bootstrap import create_organisation
    from lingtan.adapters.store.scoping import request_session

    with request_session(engine) as db:
        create_organisation(db, slug=slug, name=slug.title(), data_dir=data_dir)
        db.commit()
    add_user(engine, owner, {slug: "owner"})


def wait_job(client: TestClient, org: str, job_id: int, timeout_s: float = 60.0) -> dict[str, Any]:
    """Poll a job until it is done or failed."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        job = client.get(f"/api/v1/orgs/{org}/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return dict(job)
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout_s} s")


def owner_client(srv: Server, email: str, slug: str = "acme") -> TestClient:
    """``email`` (created) owns a new organisation ``slug`` (named ``slug.title()``); the
    user's logged-in client."""
    add_user(srv.engine, email)
    c = srv.login(email)
    assert c.post("/api/v1/orgs", json={"slug": slug, "name": slug.title()}).status_code == 201
    return c


def seed_inventory(srv: Server, email: str, slug: str = "acme") -> TestClient:
    """``email`` (created) owns a new organisation ``slug`` with site TJ01, the import of
    :data:`ELECTRICITY_CSV` and the FY2024/25 calculation, run here (start the server with
    ``workers=0``); the user's logged-in client."""
    from lingtan.adapters.server.worker import run_pending

    c = owner_client(srv, email, slug)
    c.post(
        f"/api/v1/orgs/{slug}/sites",
        json={"code": "TJ01", "name": "Tianjin", "entity_code": "MAIN", "region": "CN-TJ"},
    )
    c.post(
        f"/api/v1/orgs/{slug}/imports",
        files={"file": ("electricity.csv", ELECTRICITY_CSV, "text/csv")},
    )
    c.post(f"/api/v1/orgs/{slug}/calculations", json={"fiscal_year": "FY2024/25"})
    assert run_pending(srv.engine) == 2
    return c


#: An electricity file of site TJ01 (region CN-TJ): two good rows, one without a quantity.
ELECTRICITY_CSV = (
    b"site,date,period_end,quantity,unit,source,supplier\n"
    b"TJ01,2024-04-01,2024-04-30,52000,kWh,grid,State Grid Tianjin\n"
    b"TJ01,2024-05-01,2024-05-31,48000,kWh,grid,State Grid Tianjin\n"
    b"TJ01,2024-06-01,2024-06-30,abc,kWh,grid,State Grid Tianjin\n"
)
