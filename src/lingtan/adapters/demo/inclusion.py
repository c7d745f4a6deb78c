"""The carbon-inclusion demo's data (issue 18 item 10; decision 0094; docs/inclusion-demo.md).

**All members, events and figures are SYNTHETIC** — the source report (lines 2800–2837)
publishes no participant or tonnage figures, only the three programmes, their start dates and
their action lists. What is the report's: the programmes 员工碳普惠 (employees, June 2022),
联萌乐碳圈 (consumers, November 2023) and 八一乐碳圈 (class accounts, September 2024); the
employee actions (低碳差旅, 低碳通勤, 电子签章, 在线会议, 二手书籍/衣物, 电子产品回收, 低碳知识
阅读/测试, 运动捐步); the consumer scenarios (碳中和电脑/低碳电脑购买, 笔记本/平板/手机回收,
图书/衣物捐赠, 低碳资讯); the points PK between teams in Environment Week (环境周) 2023 and 2024;
third-party platforms pushing second-hand trades with the member's authorisation. Everything
else (names, counts, distances, rewards, the partner "二手平台 demo") is lingtan's invention.

Determinism: one ``numpy.random.default_rng([seed, 18])`` drawn in a fixed order; the same seed
and sites give the same data. Size: a few hundred employees, some consumers, two classes and
about 2,500 events (seconds to load: the demo is built in the tests).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final

import numpy as np

#: the label every demo record carries
LABEL: Final = "SYNTHETIC demo data (lingtan), not any company's figures"
SEED: Final = 2024
EMPLOYEES: Final = 200
CONSUMERS: Final = 50
#: the demo's year of actions: FY2024/25 of the synthetic workspace (April fiscal year)
YEAR_START: Final = date(2024, 4, 1)
YEAR_END: Final = date(2025, 3, 31)
FISCAL_YEAR: Final = "FY2024/25"
#: the demo laptop of the products demo (adapters/demo/products.py): product/configuration
DEMO_LAPTOP: Final = "LB14-G5/i7-32-1t-GB"
#: the consumer who buys the demo laptop (subject id, hashed on enrolment)
LAPTOP_BUYER: Final = "consumer-0001"
#: the consumer whose push arrives without consent (refused)
NO_CONSENT: Final = "consumer-0050"
PARTNER: Final = "resale-demo"
PARTNER_NAME: Final = "二手平台 demo (synthetic second-hand platform)"
PARTNER_ACTIONS: Final = ("secondhand.book", "secondhand.clothes", "secondhand.phone")


@dataclass(frozen=True)
class ProgrammeSpec:
    """One programme as :func:`lingtan.adapters.services.inclusion_programmes.create_programme`
    takes it."""

    code: str
    name: str
    audience: str
    started: date
    region: str = "CN-BJ"
    points_per_kg: float = 10.0
    engagement_points: Mapping[str, int] = field(default_factory=dict)
    caps: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    expiry_months: int = 24

    def fields(self) -> dict[str, object]:
        """The service's fields."""
        return {
            "code": self.code, "name": self.name, "audience": self.audience,
            "started": self.started, "region": self.region,
            "points_per_kg": self.points_per_kg,
            "engagement_points": dict(self.engagement_points),
            "caps": {k: dict(v) for k, v in self.caps.items()},
            "expiry_months": self.expiry_months, "privacy_policy_version": "demo-1",
        }  # fmt: skip


EMP, CONS, CLASS = "EMP-CI", "LM-LTQ", "BAYI-LTQ"
PROGRAMMES: Final = (
    ProgrammeSpec(EMP, "员工碳普惠", "employee", date(2022, 6, 1),
                  engagement_points={"learn.read": 2, "learn.quiz": 5, "steps.donate": 3,
                                     "recycle.phone": 20, "recycle.laptop": 30},
                  caps={"learn.read": {"per_day": 3, "per_month": 30}}),
    ProgrammeSpec(CONS, "联萌乐碳圈", "consumer", date(2023, 11, 1),
                  engagement_points={"purchase.carbon_neutral_pc": 200,
                                     "purchase.low_carbon_pc": 100, "donate.book": 10,
                                     "donate.clothes": 10, "learn.read": 2, "recycle.phone": 20,
                                     "recycle.laptop": 30, "recycle.tablet": 20}),
    ProgrammeSpec(CLASS, "八一乐碳圈", "school", date(2024, 9, 1),
                  engagement_points={"learn.quiz": 5, "learn.read": 2, "donate.book": 10,
                                     "steps.donate": 3}),
)  # fmt: skip

#: the report's employee actions (lines 2833–2837) and consumer scenarios (2814–2815)
EMPLOYEE_ACTIONS: Final = (
    "travel.business.rail_for_air", "commute.metro", "commute.bus", "commute.bike",
    "commute.walk", "commute.carpool", "office.esign", "meeting.online", "secondhand.book",
    "secondhand.clothes", "recycle.phone", "recycle.laptop", "learn.read", "learn.quiz",
    "steps.donate",
)  # fmt: skip
CONSUMER_ACTIONS: Final = (
    "purchase.carbon_neutral_pc", "purchase.low_carbon_pc", "recycle.laptop", "recycle.tablet",
    "recycle.phone", "donate.book", "donate.clothes", "learn.read",
)  # fmt: skip
CLASS_ACTIONS: Final = ("learn.quiz", "learn.read", "donate.book", "steps.donate")

#: departments (code, name) and their two teams each
DEPARTMENTS: Final = (("RD", "研发部"), ("MFG", "制造部"), ("SALES", "销售部"), ("OPS", "职能部"))
CLASSES: Final = (("C7-1", "初一（1）班"), ("C7-2", "初一（2）班"))
SCHOOL: Final = ("BAYI", "八一学校 (synthetic)")

#: commuting modes: (mode, share of commuters, one-way km range, speed [km/h])
COMMUTE_MODES: Final = (("metro", 0.40, (6.0, 25.0), 30.0), ("bus", 0.25, (3.0, 15.0), 18.0),
                        ("bike", 0.15, (2.0, 8.0), 14.0), ("walk", 0.05, (0.8, 3.0), 4.5),
                        ("carpool", 0.15, (8.0, 30.0), 32.0))  # fmt: skip


@dataclass(frozen=True)
class CampaignSpec:
    """An Environment Week campaign (H5's fields)."""

    code: str
    name: str
    start: date
    end: date
    multipliers: Mapping[str, float]

    def fields(self) -> dict[str, object]:
        """The service's fields."""
        return {
            "code": self.code, "name": self.name, "start": self.start, "end": self.end,
            "eligible_actions": list(EMPLOYEE_ACTIONS), "multipliers": dict(self.multipliers),
            "team_rule": "mean", "scopes": ["individual", "team"],
            "prizes": {"1": "环境周团队奖杯 (synthetic)"},
        }  # fmt: skip


_DOUBLE_COMMUTE = {f"commute.{m}": 2.0 for m in ("metro", "bus", "bike", "walk", "carpool")}
CAMPAIGNS: Final = (
    CampaignSpec("ENV-WEEK-2023", "环境周 2023 · 碳积分 PK", date(2023, 6, 5), date(2023, 6, 11),
                 _DOUBLE_COMMUTE),
    CampaignSpec("ENV-WEEK-2024", "环境周 2024 · 碳积分 PK", date(2024, 6, 3), date(2024, 6, 9),
                 _DOUBLE_COMMUTE),
)  # fmt: skip
#: rewards per programme: (code, name, points cost, stock)
REWARDS: Final = {
    EMP: (("COFFEE", "咖啡券 (synthetic)", 60, 500), ("BAG", "环保帆布袋 (synthetic)", 150, 200),
          ("FOREST", "公益林认领证书 (synthetic)", 300, None)),
    CONS: (("COUPON", "会员优惠券 (synthetic)", 100, 1000),),
    CLASS: (("BOOKS", "班级图书角 (synthetic)", 200, 10),),
}  # fmt: skip


@dataclass(frozen=True)
class Group:
    """A group: ``code``, ``kind`` (team | department | class | school), ``name``, parent."""

    code: str
    kind: str
    name: str
    parent: str | None = None


@dataclass(frozen=True)
class Member:
    """An account to enrol: its ``subject`` (synthetic id; hashed, never stored), ``kind``
    (person | group), its ``group`` and ``site``."""

    subject: str
    kind: str = "person"
    group: str | None = None
    site: str | None = None


@dataclass(frozen=True)
class Action:
    """One event of a member (H3's ``EventIn`` without the account ref)."""

    subject: str
    action: str
    quantity: float
    unit: str
    occurred_at: datetime
    external_id: str
    distance_km: float | None = None
    duration_min: float | None = None
    mode: str | None = None
    product: str | None = None
    evidence_hash: str | None = None
    context: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ProgrammeData:
    """A programme's groups, members and events (the partner's pushes apart)."""

    spec: ProgrammeSpec
    groups: tuple[Group, ...]
    members: tuple[Member, ...]
    events: tuple[Action, ...]


@dataclass(frozen=True)
class InclusionDemoData:
    """Everything the loader writes: the programmes, the partner's consented subjects and its
    pushes (one without consent), the campaigns and the rewards."""

    programmes: tuple[ProgrammeData, ...]
    consents: tuple[str, ...]
    pushes: tuple[Action, ...]
    campaigns: tuple[CampaignSpec, ...] = CAMPAIGNS

    def programme(self, code: str) -> ProgrammeData:
        """The programme of ``code``."""
        return next(p for p in self.programmes if p.spec.code == code)


def _evidence(text: str) -> str:
    return hashlib.sha256(f"synthetic evidence: {text}".encode()).hexdigest()


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def _weekday_in(rng: np.random.Generator, start: date, end: date) -> date:
    days = [start + timedelta(d) for d in range((end - start).days + 1)]
    work = [d for d in days if d.weekday() < 5] or days
    return work[int(rng.integers(len(work)))]


def _months() -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    d = YEAR_START
    while d <= YEAR_END:
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        out.append((d, nxt - timedelta(1)))
        d = nxt
    return out


class _Ids:
    def __init__(self, prefix: str) -> None:
        self.prefix, self.n = prefix, 0

    def next(self) -> str:
        self.n += 1
        return f"{self.prefix}-{self.n:06d}"


def _commute(subject: str, mode: str, km: float, speed: float, day: date, ids: _Ids
             ) -> list[Action]:  # fmt: skip
    minutes = round(km / speed * 60.0, 1)
    return [Action(subject, f"commute.{mode}", km, "km", _at(day, h, 10), ids.next(),
                   distance_km=km, duration_min=minutes, mode=mode)
            for h in (8, 18)]  # fmt: skip


def _office(rng: np.random.Generator, subject: str, day: date, ids: _Ids) -> Action:
    """One of the employee's other actions on ``day``."""
    pick = str(rng.choice(("travel.business.rail_for_air", "office.esign", "meeting.online",
                           "secondhand.book", "secondhand.clothes", "recycle.phone",
                           "learn.read", "learn.quiz", "steps.donate"),
                          p=(0.06, 0.18, 0.18, 0.06, 0.05, 0.03, 0.2, 0.14, 0.1)))  # fmt: skip
    at = _at(day, 12, int(rng.integers(60)))
    if pick == "travel.business.rail_for_air":
        km = float(rng.choice((1_060.0, 1_318.0, 1_200.0)))  # Beijing–Shanghai/Shenzhen-ish
        return Action(subject, pick, km, "km", at, ids.next(), distance_km=km,
                      duration_min=round(km / 250.0 * 60.0), mode="rail_for_air")  # fmt: skip
    if pick == "office.esign":
        return Action(subject, pick, float(rng.integers(2, 30)), "page", at, ids.next())
    if pick == "meeting.online":
        return Action(subject, pick, float(rng.integers(2, 8)), "participant", at, ids.next(),
                      duration_min=60.0)  # fmt: skip
    if pick == "steps.donate":
        return Action(subject, pick, float(rng.integers(6_000, 20_000)), "steps", at, ids.next())
    evidence = _evidence(f"{subject} {pick} {day}") if pick.startswith("recycle.") else None
    return Action(subject, pick, 1.0, "item", at, ids.next(), evidence_hash=evidence)


def _employees(rng: np.random.Generator, sites: Sequence[str]) -> ProgrammeData:
    groups = [Group(code, "department", name) for code, name in DEPARTMENTS]
    teams = [f"{code}-{i}" for code, _ in DEPARTMENTS for i in (1, 2)]
    groups += [Group(t, "team", f"{t} 团队", t.split("-")[0]) for t in teams]
    members: list[Member] = []
    events: list[Action] = []
    ids = _Ids("emp")
    shares = np.array([m[1] for m in COMMUTE_MODES])
    for i in range(EMPLOYEES):
        subject = f"employee-{i + 1:04d}"
        team = teams[i % len(teams)]
        site = sites[int(rng.integers(len(sites)))] if sites else None
        members.append(Member(subject, group=team, site=site))
        mode, _, (lo, hi), speed = COMMUTE_MODES[int(rng.choice(len(COMMUTE_MODES), p=shares))]
        km = round(float(rng.uniform(lo, hi)), 1)
        if rng.random() < 0.4:  # a low-carbon commuter logs one day a month (two trips)
            for start, end in _months():
                events += _commute(subject, mode, km, speed, _weekday_in(rng, start, end), ids)
        for _ in range(int(rng.integers(2, 5))):  # the year's other actions
            events.append(_office(rng, subject, _weekday_in(rng, YEAR_START, YEAR_END), ids))
        for c in CAMPAIGNS:  # Environment Week: most take part, a team PK
            if rng.random() < 0.5:
                day = _weekday_in(rng, c.start, c.end)
                events += _commute(subject, mode, km, speed, day, ids)
                events.append(_office(rng, subject, day, ids))
    return ProgrammeData(PROGRAMMES[0], tuple(groups), tuple(members), tuple(events))


def _consumers(rng: np.random.Generator) -> ProgrammeData:
    members = tuple(Member(f"consumer-{i + 1:04d}") for i in range(CONSUMERS))
    ids = _Ids("cons")
    start = PROGRAMMES[1].started
    buy = datetime(2024, 11, 11, 20, 30)
    order = _evidence("order LB14-G5 demo")
    events = [Action(LAPTOP_BUYER, "purchase.carbon_neutral_pc", 1.0, "item", buy, ids.next(),
                     product=DEMO_LAPTOP, evidence_hash=order)]  # fmt: skip
    for m in members[1:]:
        for _ in range(int(rng.integers(1, 4))):
            day = _weekday_in(rng, start, YEAR_END)
            act = str(rng.choice(CONSUMER_ACTIONS[1:]))
            ev = _evidence(f"{m.subject} {act} {day}") if act != "learn.read" else None
            ctx = {"product_kg": 260.0, "reference_kg": 310.0} if act.endswith("low_carbon_pc") \
                else {}  # fmt: skip
            events.append(Action(m.subject, act, 1.0, "item", _at(day, 19), ids.next(),
                                 evidence_hash=ev, context=ctx))  # fmt: skip
    return ProgrammeData(PROGRAMMES[1], (), members, tuple(events))


def _classes(rng: np.random.Generator) -> ProgrammeData:
    groups = (Group(SCHOOL[0], "school", SCHOOL[1]),
              *(Group(c, "class", n, SCHOOL[0]) for c, n in CLASSES))  # fmt: skip
    members = tuple(Member(f"class-{c}", "group", c) for c, _ in CLASSES)
    ids = _Ids("class")
    events: list[Action] = []
    for m in members:
        for _ in range(15):
            day = _weekday_in(rng, PROGRAMMES[2].started, YEAR_END)
            act = str(rng.choice(CLASS_ACTIONS))
            qty, unit = (float(rng.integers(50_000, 200_000)), "steps") if act == "steps.donate" \
                else (1.0, "item")  # fmt: skip
            events.append(Action(m.subject, act, qty, unit, _at(day, 15), ids.next()))
    return ProgrammeData(PROGRAMMES[2], groups, members, tuple(events))


def _pushes(rng: np.random.Generator) -> tuple[tuple[str, ...], tuple[Action, ...]]:
    consented = tuple(f"consumer-{i:04d}" for i in range(2, 22))
    ids = _Ids("resale")
    pushes = [
        Action(s, str(rng.choice(PARTNER_ACTIONS)), 1.0, "item",
               _at(_weekday_in(rng, date(2024, 4, 1), YEAR_END), 21), ids.next())
        for s in consented
    ]  # fmt: skip
    pushes.append(Action(NO_CONSENT, "secondhand.phone", 1.0, "item",
                         datetime(2024, 12, 1, 21, 0), ids.next()))  # fmt: skip
    return consented, tuple(pushes)


def inclusion_demo(seed: int = SEED, sites: Sequence[str] = ()) -> InclusionDemoData:
    """The demo's data for the workspace's ``sites`` (employees spread over them; none: no
    site), drawn with ``seed`` (module docstring)."""
    rng = np.random.default_rng([seed, 18])
    emp = _employees(rng, tuple(sites))
    cons = _consumers(rng)
    cls = _classes(rng)
    consents, pushes = _pushes(rng)
    return InclusionDemoData((emp, cons, cls), consents, pushes)
