"""A workspace for the campaign, leaderboard and reward tests (decision 0091), shared by the
service, API, web and CLI tests: one employee programme ``emp`` whose quiz (``learn.quiz``,
engagement only, 0 kg) earns 10 points; teams ``big`` (5 members) and ``small`` (2 members),
each member's account ref in :attr:`Kit.refs`.

:func:`seed_events` records, through the events service (``record_event``):

- big: b0 … b3 one quiz each (10 points each: Σ 40, 4 active, mean 10), b4 none (not active);
- small: s0 two quizzes (20), s1 one quiz (10): Σ 30, 2 active, mean 15;

so the team board is small (15) > big (10) under ``mean`` and big (40) > small (30) under
``sum``. Every quiz is ``days_ago`` days before today, 09:00 UTC plus the member's index in
minutes (b0 first), inside a window of today − 5 … today + 5.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

PROGRAMME = "emp"
QUIZ_POINTS = 10
MEMBERS = {"big": 5, "small": 2}


@dataclass
class Kit:
    """The programme's accounts: ``refs[name]`` (``b0`` … ``b4``, ``s0``, ``s1``)."""

    refs: dict[str, str] = field(default_factory=dict)


def today() -> date:
    return datetime.now(UTC).date()


def build_campaigns_workspace(folder: Path) -> Path:
    """A new workspace at ``folder``."""
    from lingtan.adapters.store.workspace import init_workspace

    init_workspace(folder, organisation="Inclusion Co", region="CN").engine.dispose()
    return folder


def seed_programme(db: Any, ctx: Any) -> Kit:
    """The programme, its two teams and seven members."""
    from lingtan.adapters.services import inclusion_programmes as pg

    pg.create_programme(db, ctx, {"code": PROGRAMME, "name": "Employees", "audience": "employee",
                                  "engagement_points": {"learn.quiz": QUIZ_POINTS}})  # fmt: skip
    kit = Kit()
    for team, n in MEMBERS.items():
        pg.create_group(db, ctx, PROGRAMME, {"code": team, "kind": "team", "name": team})
        for i in range(n):
            name = f"{team[0]}{i}"
            row = pg.create_account(db, ctx, PROGRAMME, {"subject": f"emp-{name}", "group": team})
            kit.refs[name] = row.ref
    return kit


def quiz(db: Any, ctx: Any, ref: str, at: datetime) -> Any:
    """Record one quiz of the account ``ref`` at ``at``."""
    from lingtan.adapters.services import inclusion_events as ev

    return ev.record_event(db, ctx, PROGRAMME, ev.EventIn(ref, "learn.quiz", 1, "item", at))


def at_day(days_ago: int, minute: int = 0) -> datetime:
    """09:00 UTC + ``minute`` minutes, ``days_ago`` days before today (naive UTC)."""
    d = today() - timedelta(days=days_ago)
    return datetime(d.year, d.month, d.day, 9, minute)


def seed_events(db: Any, ctx: Any, kit: Kit, days_ago: int = 1) -> None:
    """The quizzes of the module docstring."""
    for i in range(4):
        quiz(db, ctx, kit.refs[f"b{i}"], at_day(days_ago, i))
    quiz(db, ctx, kit.refs["s0"], at_day(days_ago, 10))
    quiz(db, ctx, kit.refs["s0"], at_day(days_ago, 11))
    quiz(db, ctx, kit.refs["s1"], at_day(days_ago, 12))
    db.commit()  # record_event leaves the commit to its caller


def week(code: str = "env-week", **extra: Any) -> dict[str, Any]:
    """A campaign around today (today − 5 … today + 5) for quizzes."""
    return {"code": code, "name": "环境周 Environment Week",
            "start": (today() - timedelta(days=5)).isoformat(),
            "end": (today() + timedelta(days=5)).isoformat(),
            "eligible_actions": ["learn.quiz"], **extra}  # fmt: skip


def seed_over_api(client: Any, org: str) -> Kit:
    """The programme, teams, members and quizzes of :func:`seed_programme` and
    :func:`seed_events`, through the server's API (a logged-in ``client``)."""
    base = f"/api/v1/orgs/{org}/inclusion"
    r = client.post(f"{base}/programmes", json={
        "code": PROGRAMME, "name": "Employees", "audience": "employee",
        "engagement_points": {"learn.quiz": QUIZ_POINTS}})  # fmt: skip
    assert r.status_code == 201, r.text
    kit = Kit()
    for team, n in MEMBERS.items():
        r = client.post(f"{base}/{PROGRAMME}/groups",
                        json={"code": team, "kind": "team", "name": team})  # fmt: skip
        assert r.status_code == 201, r.text
        for i in range(n):
            name = f"{team[0]}{i}"
            r = client.post(f"{base}/{PROGRAMME}/accounts",
                            json={"subject": f"emp-{name}", "group": team})  # fmt: skip
            assert r.status_code == 201, r.text
            kit.refs[name] = r.json()["ref"]
    plan = [*((f"b{i}", i) for i in range(4)), ("s0", 10), ("s0", 11), ("s1", 12)]
    for name, minute in plan:
        r = client.post(f"{base}/{PROGRAMME}/actions", json={
            "account": kit.refs[name], "action": "learn.quiz", "quantity": 1, "unit": "item",
            "occurred_at": at_day(1, minute).isoformat()})  # fmt: skip
        assert r.status_code == 201, r.text
        assert r.json()["points"] == QUIZ_POINTS, r.text
    return kit
