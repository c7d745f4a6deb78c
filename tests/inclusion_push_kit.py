"""Helpers of the partners' push tests (decision 0090): an organisation with a programme, two
accounts, a partner and one account's consent, made through the programme services; signed
requests; a small HTTP server that records the callbacks it receives.

:func:`setup_push_org`: programme ``staff`` (employee) giving 2 engagement points for
``learn.quiz`` and 1 for ``steps.donate``, no caps; accounts for the subjects ``alice`` (who
consents to partner ``zz`` pushing ``learn.quiz`` and ``steps.donate``) and ``bob`` (no
consent); partner ``zz`` allowed both actions.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from lingtan.adapters.services.context import JobContext
from lingtan.adapters.services.inclusion_push import signed_headers
from lingtan.adapters.store.scoping import system_session, tenant_session
from lingtan.adapters.store.tenancy import Organisation
from lingtan.adapters.store.workspace import org_workspace

PROGRAMME = "staff"
PARTNER = "zz"
QUIZ_POINTS = 2
STEPS_POINTS = 1
OCCURRED = "2026-11-30T08:00:00+08:00"


@dataclass(frozen=True)
class PushOrg:
    """What :func:`setup_push_org` made."""

    slug: str
    organisation_id: int
    secret: str
    alice: str  # account ref with consent
    bob: str  # account ref without consent
    alice_id: int
    bob_id: int


def context(engine: Engine, slug: str) -> tuple[int, JobContext]:
    """The organisation's id and a context that may do everything in it."""
    with system_session(engine) as db:
        org = db.scalar(select(Organisation).where(Organisation.slug == slug))
        assert org is not None
        org_id, path = int(org.id), str(org.workspace_path)
    return org_id, JobContext(org_workspace(engine, org_id, Path(path), actor="tester"))


def setup_push_org(
    engine: Engine,
    slug: str = "acme",
    *,
    rate_per_s: float = 10_000,
    burst: int = 10_000,
    callback_url: str | None = None,
) -> PushOrg:
    """The kit's programme, accounts, partner and consent in organisation ``slug``."""
    from lingtan.adapters.services import inclusion_programmes as pg

    org_id, ctx = context(engine, slug)
    with tenant_session(engine, org_id, actor="tester") as db:
        pg.create_programme(
            db,
            ctx,
            {
                "code": PROGRAMME,
                "name": "Staff",
                "audience": "employee",
                "engagement_points": {"learn.quiz": QUIZ_POINTS, "steps.donate": STEPS_POINTS},
                "caps": {},
            },
        )
        alice = pg.create_account(db, ctx, PROGRAMME, {"subject": "alice"})
        bob = pg.create_account(db, ctx, PROGRAMME, {"subject": "bob"})
        fields: dict[str, Any] = {
            "code": PARTNER,
            "name": "ZZ second-hand",
            "allowed_actions": ["learn.quiz", "steps.donate"],
            "rate_per_s": rate_per_s,
            "burst": burst,
        }
        if callback_url:
            fields["callback_url"] = callback_url
        _, secret = pg.create_partner(db, ctx, fields)
        pg.grant_consent(
            db, ctx, PROGRAMME, alice.ref, PARTNER, ["learn.quiz", "steps.donate"],
            evidence="zz consent record 1",
        )  # fmt: skip
        db.commit()
        return PushOrg(slug, org_id, secret, alice.ref, bob.ref, alice.id, bob.id)


def event(ext: str, account: str, **over: Any) -> dict[str, Any]:
    """A ``learn.quiz`` event (1 item) of ``account`` with external id ``ext``."""
    return {"external_id": ext, "account": account, "action": "learn.quiz", "quantity": 1,
            "unit": "item", "occurred_at": OCCURRED, **over}  # fmt: skip


def body_of(doc: Any) -> bytes:
    """A JSON body's bytes."""
    return json.dumps(doc, separators=(",", ":")).encode()


def events_path(org: PushOrg) -> str:
    """The push path of the kit's programme."""
    return f"/api/v1/orgs/{org.slug}/inclusion/{PROGRAMME}/events"


def status_path(org: PushOrg, ext: str) -> str:
    """The status path of an event."""
    return f"{events_path(org)}/{ext}/status"


def signed(org: PushOrg, body: bytes, *, secret: str | None = None, now: float | None = None
           ) -> dict[str, str]:  # fmt: skip
    """Headers of ``body`` signed by the kit's partner."""
    headers = signed_headers(PARTNER, secret or org.secret, body, now)
    return {"Content-Type": "application/json", **headers}


def balance(engine: Engine, org: PushOrg, account_id: int) -> int:
    """The account's points balance (H3's ledger)."""
    from lingtan.adapters.services.inclusion_events import balance as ledger_balance

    with tenant_session(engine, org.organisation_id) as db:
        return ledger_balance(db, account_id)


def stored_events(engine: Engine, org: PushOrg) -> tuple[int, int]:
    """(events in H3's table, distinct external ids among them)."""
    from lingtan.adapters.store.inclusion_ledger import InclusionEventRow

    with tenant_session(engine, org.organisation_id) as db:
        n = db.scalar(select(func.count()).select_from(InclusionEventRow))
        d = db.scalar(select(func.count(func.distinct(InclusionEventRow.external_id))))
    return int(n or 0), int(d or 0)


@dataclass
class Received:
    """Callbacks received: (headers, body) each."""

    calls: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)


@contextmanager
def callback_server(status: int = 200) -> Iterator[tuple[str, Received]]:
    """A local HTTP server recording the POSTs it gets, answering ``status``; its URL."""
    got = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            got.calls.append(({k.lower(): v for k, v in self.headers.items()},
                              self.rfile.read(length)))  # fmt: skip
            got.arrived.set()
            self.send_response(status)
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/lingtan-callback", got
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def feed_server(feed: Path) -> Iterator[str]:
    """A local HTTP server answering every GET with the file ``feed`` (a partner's step-count
    feed; the connector filters by its cursor); its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = feed.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/steps"
    finally:
        server.shutdown()
        server.server_close()
