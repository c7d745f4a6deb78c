"""The points arithmetic, expiry and FIFO lots (:mod:`lingtan.modules.inclusion.points`) and the
ledger's hash chain (:mod:`lingtan.modules.inclusion.ledger`), with hand-checked figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from lingtan.modules.inclusion import ledger as lg
from lingtan.modules.inclusion import points as pt
from lingtan.modules.inclusion.errors import RulesError
from lingtan.modules.inclusion.rules import Cap


def test_points_are_the_floor_of_kg_times_rate_plus_engagement() -> None:
    r = pt.compute_points(kg=0.467, points_per_kg=10, engagement=2)
    assert (r.from_kg, r.engagement, r.base, r.points) == (4, 2, 6, 6)  # ⌊4.67⌋ + 2
    assert [s.key for s in r.steps] == ["incl_ev.step.from_kg", "incl_ev.step.engagement",
                                        "incl_ev.step.base"]  # fmt: skip
    # exact decimals: 0.29 × 100 = 29 (binary floats give 28.999…)
    assert pt.points_from_kg(0.29, 100) == 29
    assert pt.points_from_kg(0, 10) == 0
    assert pt.points_from_kg(-1, 10) == 0


def test_the_multiplier_applies_to_the_base_and_is_floored() -> None:
    r = pt.compute_points(kg=0.467, points_per_kg=10, engagement=2, multiplier=1.5)
    assert (r.base, r.points) == (6, 9)
    r = pt.compute_points(kg=1.25, points_per_kg=10, engagement=0, multiplier=1.5)
    assert r.points == 18  # ⌊12 × 1.5⌋
    assert r.steps[-1].formula == "⌊12 × 1.5⌋"


def test_caps_per_day_and_month_use_what_was_already_earned() -> None:
    cap = Cap(per_day=12, per_month=30)
    assert pt.apply_cap(5, cap, 0, 0) == (5, None)
    assert pt.apply_cap(5, cap, 10, 10) == (2, "per_day")
    assert pt.apply_cap(5, cap, 0, 28) == (2, "per_month")
    assert pt.apply_cap(5, cap, 12, 12) == (0, "per_day")
    assert pt.apply_cap(5, None, 100, 100) == (5, None)
    r = pt.compute_points(kg=0, points_per_kg=10, engagement=5, cap=cap, earned_day=10,
                          earned_month=10)  # fmt: skip
    assert (r.points, r.capped) == (2, "per_day")
    assert r.steps[-1].formula == "min(5, 12 − 10)"


def test_bad_rules_are_refused() -> None:
    with pytest.raises(RulesError):
        pt.compute_points(kg=1, points_per_kg=-1, engagement=0)
    with pytest.raises(RulesError):
        pt.compute_points(kg=1, points_per_kg=1, engagement=-1)
    with pytest.raises(RulesError):
        pt.compute_points(kg=1, points_per_kg=1, engagement=0, multiplier=float("nan"))


def test_expiry_is_calendar_months_later() -> None:
    assert pt.expiry_date(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert pt.expiry_date(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert pt.expiry_date(date(2025, 11, 15), 3) == date(2026, 2, 15)
    assert pt.expiry_date(date(2025, 11, 15), 24) == date(2027, 11, 15)
    assert pt.expiry_date(date(2025, 11, 15), None) is None


def test_lots_are_consumed_first_in_first_out() -> None:
    moves = [
        pt.Movement(10, "earn", "event:1", date(2026, 1, 1)),
        pt.Movement(20, "earn", "event:2", date(2026, 6, 1)),
        pt.Movement(-12, "redeem", "redemption:1"),  # 10 of lot 1, 2 of lot 2
        pt.Movement(5, "earn", "event:3", date(2026, 3, 1)),
    ]
    left = pt.lots(moves)
    assert [(lot.ref, lot.remaining) for lot in left] == [("event:2", 18), ("event:3", 5)]
    due = pt.expiring(moves, date(2026, 3, 1))
    assert [(lot.ref, lot.remaining) for lot in due] == [("event:3", 5)]
    # a reversal takes its own event's points first
    rev = [*moves, pt.Movement(-5, "reversal", "event:3")]
    assert [(lot.ref, lot.remaining) for lot in pt.lots(rev)] == [("event:2", 18)]
    assert pt.expiring(rev, date(2026, 12, 31))[0].remaining == 18


def _chain() -> list[lg.Link]:
    out, prev, balances = [], lg.GENESIS, {}
    for seq, (acc, delta, reason) in enumerate([(1, 10, "earn"), (2, 4, "earn"),
                                                (1, -3, "redeem")], start=1):  # fmt: skip
        balances[acc] = balances.get(acc, 0) + delta
        link = lg.Link(7, 1, acc, seq, delta, reason, f"r{seq}", balances[acc], None,
                       datetime(2026, 1, 1, 0, 0, seq), prev)  # fmt: skip
        link = replace(link, hash=lg.link_hash(link))
        out.append(link)
        prev = link.hash
    return out


def test_the_chain_verifies_and_names_the_first_broken_link() -> None:
    links = _chain()
    check = lg.verify(links)
    assert (check.ok, check.entries, check.head) == (True, 3, links[-1].hash)
    edited = [links[0], replace(links[1], delta=40, balance_after=40), links[2]]
    assert (lg.verify(edited).first_bad_seq, lg.verify(edited).reason) == (2, "incl_ev.chain.hash")
    dropped = [links[0], links[2]]
    assert (lg.verify(dropped).first_bad_seq, lg.verify(dropped).reason) == (3, "incl_ev.chain.seq")
    forged = replace(links[2], balance_after=99)
    forged = replace(forged, hash=lg.link_hash(forged))
    bad = lg.verify([links[0], links[1], forged])
    assert (bad.first_bad_seq, bad.reason) == (3, "incl_ev.chain.balance")
    relinked = replace(links[1], prev_hash="f" * 64)
    assert lg.verify([links[0], relinked]).reason == "incl_ev.chain.prev"
    assert lg.verify([]).ok
