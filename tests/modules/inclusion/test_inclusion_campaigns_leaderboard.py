"""The leaderboard rule (:mod:`lingtan.modules.inclusion.leaderboard`) and the campaign checks
and multipliers (:mod:`lingtan.modules.inclusion.campaigns`), with hand-checked figures."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lingtan.modules.inclusion import campaigns as cm
from lingtan.modules.inclusion import leaderboard as lb
from lingtan.modules.inclusion.errors import CampaignError


def _c(subject: str, group: str | None, points: int, day: int, hour: int = 9) -> lb.Contribution:
    return lb.Contribution(subject, group, points, datetime(2026, 6, day, hour))


# big team "big": 5 active members of 20 points = 100 points, mean 20, plus one member with 0
# points (not active); small team "small": 2 active members of 30 and 40 = 70, mean 35.
TEAMS = [
    *(_c(f"b{i}", "big", 20, 2) for i in range(5)),
    _c("b9", "big", 0, 3),
    _c("s1", "small", 30, 4),
    _c("s2", "small", 25, 2),
    _c("s2", "small", 15, 5, 8),
]


def test_team_mean_beats_size_but_sum_does_not() -> None:
    mean = lb.team(TEAMS, "mean")
    assert [(r.rank, r.subject, r.score, r.points, r.active) for r in mean] == [
        (1, "small", 35.0, 70, 2),
        (2, "big", 20.0, 100, 5),
    ]
    assert mean[0].attained_at == datetime(2026, 6, 5, 8)  # s2's last positive event
    total = lb.team(TEAMS, "sum")
    assert [(r.subject, r.score) for r in total] == [("big", 100.0), ("small", 70.0)]


def test_individual_ties_broken_by_earliest_attainment() -> None:
    items = [
        _c("late", None, 10, 1), _c("late", None, 20, 6),  # 30, reached on the 6th
        _c("early", "t", 30, 3),  # 30, reached on the 3rd
        _c("top", None, 31, 7),
        _c("zero", None, 0, 2),  # never active
        _c("tie", None, 15, 3), _c("tie", None, 15, 3),  # 30 on the 3rd too: code decides
    ]  # fmt: skip
    board = lb.individual(items)
    assert [(r.rank, r.subject, r.score) for r in board] == [
        (1, "top", 31.0), (2, "early", 30.0), (3, "tie", 30.0), (4, "late", 30.0)]  # fmt: skip
    assert [r.subject for r in lb.individual(items, limit=2)] == ["top", "early"]
    assert lb.individual([]) == []


def test_team_ties_and_groupless_accounts() -> None:
    items = [_c("a", "t1", 10, 4), _c("b", "t2", 10, 3), _c("c", None, 50, 1)]
    board = lb.team(items)
    assert [(r.subject, r.score) for r in board] == [("t2", 10.0), ("t1", 10.0)]


def test_team_rule_checked() -> None:
    assert lb.check_team_rule(" SUM ") == "sum"
    with pytest.raises(CampaignError) as exc:
        lb.check_team_rule("median")
    assert (exc.value.field, exc.value.message.key) == ("team_rule", "incl_camp.err.team_rule")


FIELDS = {
    "code": "env-week-2026", "name": "环境周 Environment Week", "start": "2026-06-01",
    "end": "2026-06-07", "eligible_actions": ["commute.bike", "commute.metro", "learn.quiz"],
    "multipliers": {"commute.bike": 2, "*": 1.5},
}  # fmt: skip


def test_window_is_inclusive_and_multipliers_multiply() -> None:
    week = cm.build(FIELDS)
    assert (week.team_rule, week.scopes) == ("mean", ("individual", "team"))
    assert week.contains(datetime(2026, 6, 7, 23, 59))
    assert week.contains(date(2026, 6, 1))
    assert not week.contains(datetime(2026, 6, 8, 0, 0))
    car_free = cm.build({"code": "car-free", "name": "无车日", "start": "2026-06-07",
                         "end": "2026-06-07", "multipliers": {"commute.bike": 3}})  # fmt: skip
    at = datetime(2026, 6, 7, 8)
    # bike on the car-free day inside the week: 2 × 3 = 6, the largest from car-free
    assert cm.multiplier([week, car_free], "commute.bike", at) == (6.0, "car-free")
    # metro: 1.5 ('*') × 1 (car-free has no multiplier for it, but every action is eligible)
    assert cm.multiplier([week, car_free], "commute.metro", at) == (1.5, "env-week-2026")
    assert cm.multiplier([week], "commute.bike", datetime(2026, 6, 8)) == (1.0, None)
    assert cm.multiplier([week], "donate.book", at) == (1.0, None)  # not eligible


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        ({"end": "2026-05-01"}, "end", "incl_camp.err.window"),
        ({"end": "2027-12-01"}, "end", "incl_camp.err.window_long"),
        ({"start": "June"}, "start", "incl_camp.err.date"),
        ({"multipliers": {"commute.bike": 0.5}}, "multipliers", "incl_camp.err.multiplier"),
        ({"multipliers": {"commute.bike": "x"}}, "multipliers", "incl_camp.err.multiplier"),
        ({"multipliers": {"donate.book": 2}}, "multipliers", "incl_camp.err.multiplier_action"),
        ({"eligible_actions": ["fly.less"]}, "eligible_actions", "incl_camp.err.action"),
        ({"scopes": ["galaxy"]}, "scopes", "incl_camp.err.scope"),
        ({"team_rule": "max"}, "team_rule", "incl_camp.err.team_rule"),
        ({"code": "a b"}, "code", "incl_camp.err.code"),
        ({"name": " "}, "name", "incl_camp.err.name"),
    ],
)
def test_invalid_campaigns_refused_by_field(change: dict[str, object], field: str,
                                            key: str) -> None:  # fmt: skip
    with pytest.raises(CampaignError) as exc:
        cm.build({**FIELDS, **change})
    assert (exc.value.field, exc.value.message.key) == (field, key)
