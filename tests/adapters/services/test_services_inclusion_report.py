"""The carbon-inclusion programme report and the member's view (decision 0092) on SQLite and
PostgreSQL, hand-checked on the kit's programme (tests/inclusion_member_kit.py: its table)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.engine import Engine

from inclusion_member_kit import CODE, AllowAll, seed
from lingtan.adapters.services import inclusion_programmes as prog
from lingtan.adapters.services import inclusion_report as rep
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.store.db import migrate
from lingtan.adapters.store.scoping import system_session, tenant_session
from lingtan.adapters.store.tenancy import Organisation


@pytest.fixture
def store(db_url: str, engines: Callable[[str], Engine]) -> tuple[Engine, int, int]:
    """A migrated store with organisations ``a`` and ``b``: (engine, a's id, b's id)."""
    engine = engines(db_url)
    migrate(engine)
    with system_session(engine) as db:
        a, b = Organisation(slug="a", name="A"), Organisation(slug="b", name="B")
        db.add_all([a, b])
        db.commit()
        return engine, a.id, b.id


def test_report_hand_checked(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    ctx = AllowAll()
    with tenant_session(engine, a, actor="t") as db:
        seed(db, ctx)
        march = rep.programme_report(db, ctx, CODE, date(2026, 3, 1), date(2026, 3, 31))
        whole = rep.programme_report(db, ctx, CODE, None, None)
    assert march["participants"] == 3
    assert march["groups"] == 0
    assert march["active_accounts"] == 2  # carol's only event was rejected
    assert march["events_total"] == 4
    assert {(r["action"], r["status"]): r["count"] for r in march["events"]} == {
        ("learn.quiz", "accepted"): 1, ("commute.metro", "accepted"): 1,
        ("recycle.phone", "accepted"): 1, ("travel.bus", "rejected"): 1,
    }  # fmt: skip
    assert march["kg_by_counts_as"] == {"reduction": 1.2, "avoided": 3.5, "engagement": 0.0}
    assert whole["kg_by_counts_as"]["reduction"] == pytest.approx(1.7)  # 1.2 + 0.5
    by_pack = {(r["pack_id"], r["counts_as"]): (r["kg_co2e"], r["events"])
               for r in whole["kg_by_method"]}  # fmt: skip
    assert by_pack[("lingtan.travel", "reduction")] == (pytest.approx(1.7), 2)
    assert by_pack[("lingtan.recycling", "avoided")] == (3.5, 1)
    # the ledger: the quiz's 5 earned, 12 + 35 + 5 adjusted, the cup redeemed
    pts = whole["points"]
    assert (pts["issued"], pts["redeemed"], pts["expired"], pts["reversed"]) == (5, 10, 0, 0)
    assert pts["adjusted"] == 52
    assert pts["outstanding"] == 47
    assert whole["points_in_period"]["adjusted"] == 52  # all posted today
    assert whole["points_in_period"]["redeemed"] == 10
    assert march["points_in_period"]["issued"] == 0  # none posted in March
    assert march["category7"] == [
        {"site": "TJ", "mode": "metro", "month": "2026-03", "pkm": 12.0, "events": 1}
    ]
    assert [(r["site"], r["mode"], r["pkm"]) for r in whole["category7"]] == [
        ("TJ", "metro", 12.0),
        ("WH", "bike", 5.0),
    ]
    with tenant_session(engine, a) as db:
        over = rep.overview(db, ctx)
    assert [(p["code"], p["participants"], p["outstanding"]) for p in over] == [(CODE, 3, 47)]
    with tenant_session(engine, b) as db:  # another organisation does not see it
        with pytest.raises(ServiceError):
            rep.programme_report(db, ctx, CODE, None, None)
        assert rep.overview(db, ctx) == []


def test_member_view(store: tuple[Engine, int, int]) -> None:
    engine, a, _b = store
    ctx = AllowAll()
    with tenant_session(engine, a, actor="t") as db:
        s = seed(db, ctx)
        token = prog.issue_member_link(db, ctx, CODE, s.alice)
    with system_session(engine) as db:
        member = prog.resolve_member_link(db, token)
        assert member is not None
        assert member.account_ref == s.alice
        view = rep.member_view(db, member)
    assert view["balance"] == 7  # 5 + 12 − 10
    assert view["kg"] == {"reduction": 1.2, "avoided": 0.0, "engagement": 0.0}
    assert [h["action"] for h in view["history"]] == ["commute.metro", "learn.quiz"]
    assert view["history"][0]["trace"][0]["formula"] == "12 km × 0.1"
    assert {r["code"]: r["affordable"] for r in view["rewards"]} == {"cup": False, "bike": False}
    boards = {b["scope"]: b for b in view["leaderboards"]}
    assert set(boards) == {"individual", "team"}
    # nothing was earned inside the campaign's window (events are of March): nobody ranks yet
    # or everyone ranks at 0 — either way the member's own row is the one marked
    for board in boards.values():
        assert all(r["label"] != "E001" for r in board["rows"])  # never the subject's own id
        assert [r["mine"] for r in board["rows"]].count(True) == (1 if board["my_rank"] else 0)
    assert [(c["partner_code"], c["active"]) for c in view["consents"]] == [("zz", True)]
    assert "learn.quiz" in view["actions"]
    assert "donate.book" not in view["actions"]


def test_member_context_may_not_manage() -> None:
    ctx = rep.MemberContext(1, "m-x", None, None)  # type: ignore[arg-type]
    assert ctx.can("read")
    assert ctx.can("edit_data")
    assert not ctx.can("manage_org")
    with pytest.raises(ServiceError):
        ctx.require("manage_members")
    with pytest.raises(ServiceError):
        ctx.workspace()  # no workspace folder
    assert ctx.actor == "member:m-x (link)"
