"""Programme rules, account refs and subject hashes (:mod:`lingtan.modules.inclusion.programmes`,
decision 0088): every rule checked with a keyed refusal naming its field, refs random and of one
form, the subject hash the sha256 of salt ':' id (hand-checked digest), the rule lines parsed and
written back."""

from __future__ import annotations

import hashlib
import math

import pytest

from lingtan.modules.inclusion import programmes as pm
from lingtan.modules.inclusion.errors import RulesError
from lingtan.modules.inclusion.rules import Cap


def _key(call: object, *args: object) -> tuple[str | None, str]:
    with pytest.raises(RulesError) as exc:
        call(*args)  # type: ignore[operator]
    return exc.value.field, exc.value.message.key


def test_rules_valid() -> None:
    rules = pm.check_rules("12.5", {"learn.quiz": "5", "donate.book": 3.0},
                           {"travel.metro": {"per_day": 50, "per_month": "600"},
                            "travel.bus": {"per_month": 100}}, "24")  # fmt: skip
    assert rules.points_per_kg == 12.5
    assert rules.engagement_points == {"donate.book": 3, "learn.quiz": 5}
    assert rules.caps == {"travel.bus": Cap(None, 100), "travel.metro": Cap(50, 600)}
    assert rules.expiry_months == 24
    assert pm.check_rules(0, None, None, "").expiry_months is None  # never expires
    assert pm.caps_json(rules.caps)["travel.bus"] == {"per_day": None, "per_month": 100}


@pytest.mark.parametrize(
    ("args", "field", "key"),
    [
        ((-0.1, {}, {}, 24), "points_per_kg", "incl_prog.err.points_per_kg"),
        ((math.inf, {}, {}, 24), "points_per_kg", "incl_prog.err.points_per_kg"),
        ((True, {}, {}, 24), "points_per_kg", "incl_prog.err.points_per_kg"),
        ((10, {"learn.quiz": -1}, {}, 24), "engagement_points.learn.quiz", "incl_prog.err.whole"),
        ((10, {"learn.quiz": 1.5}, {}, 24), "engagement_points.learn.quiz", "incl_prog.err.whole"),
        ((10, {"learn.quiz": True}, {}, 24), "engagement_points.learn.quiz", "incl_prog.err.whole"),
        ((10, {"fly.less": 1}, {}, 24), "engagement_points", "incl_prog.err.action"),
        ((10, ["learn.quiz"], {}, 24), "engagement_points", "incl_prog.err.mapping"),
        ((10, {}, {"travel.bus": 5}, 24), "caps.travel.bus", "incl_prog.err.mapping"),
        ((10, {}, {"travel.bus": {"per_day": 6, "per_month": 5}}, 24), "caps.travel.bus",
         "incl_prog.err.cap_order"),
        ((10, {}, {"travel.bus": {"per_day": -1}}, 24), "caps.travel.bus.per_day",
         "incl_prog.err.whole"),
        ((10, {}, {"travel.bus": {"weekly": 1}}, 24), "caps.travel.bus.weekly",
         "incl_prog.err.field"),
        ((10, {}, {}, 0), "expiry_months", "incl_prog.err.expiry"),
        ((10, {}, {}, 121), "expiry_months", "incl_prog.err.expiry"),
        ((10, {}, {}, "1.5"), "expiry_months", "incl_prog.err.expiry"),
    ],
)  # fmt: skip
def test_rules_refused(args: tuple[object, ...], field: str, key: str) -> None:
    assert _key(pm.check_rules, *args) == (field, key)


def test_codes_and_choices() -> None:
    assert pm.check_code(" emp-2022 ") == "emp-2022"
    assert _key(pm.check_code, "-x") == ("code", "incl_prog.err.code")
    assert _key(pm.check_code, "x" * 41) == ("code", "incl_prog.err.code")
    assert pm.check_audience("School") == "school"
    assert _key(pm.check_audience, "pupils") == ("audience", "incl_prog.err.choice")


def test_refs_are_random_and_well_formed() -> None:
    refs = {pm.new_account_ref() for _ in range(500)}
    assert len(refs) == 500
    assert all(pm.is_account_ref(r) for r in refs)
    assert not pm.is_account_ref("m-ABCDEFGHIJ")
    assert not pm.is_account_ref("E1001")


def test_subject_hash() -> None:
    # sha256("s:E1") computed by hand with hashlib on the literal bytes
    assert pm.subject_hash("s", " E1 ") == hashlib.sha256(b"s:E1").hexdigest()
    assert pm.subject_hash("s", "E1") != pm.subject_hash("t", "E1")
    assert len(pm.new_salt()) == 64
    assert pm.new_salt() != pm.new_salt()
    assert _key(pm.subject_hash, "s", "  ") == ("subject", "incl_prog.err.subject")


def test_rule_lines_round_trip() -> None:
    eng = pm.parse_engagement("learn.quiz = 5\n\n donate.book=2 ")
    assert eng == {"learn.quiz": "5", "donate.book": "2"}
    caps = pm.parse_caps("travel.metro = 50 / 600\ntravel.bus = - / 100\nwalk = 7")
    assert caps["travel.bus"] == {"per_day": None, "per_month": "100"}
    assert caps["walk"] == {"per_day": "7", "per_month": None}
    assert _key(pm.parse_caps, "travel.bus = 1/2/3") == ("caps", "incl_prog.err.line")
    assert _key(pm.parse_engagement, "x\nlearn.quiz") == ("engagement_points", "incl_prog.err.line")
    rules = pm.check_rules(10, eng, {k: v for k, v in caps.items() if k != "walk"}, 24)
    assert pm.engagement_text(rules.engagement_points) == "donate.book = 2\nlearn.quiz = 5"
    text = pm.caps_text(pm.caps_json(rules.caps))
    assert text == "travel.bus = - / 100\ntravel.metro = 50 / 600"
    back = pm.parse_caps(text)
    assert back["travel.bus"] == {"per_day": None, "per_month": "100"}
    assert back["travel.metro"] == {"per_day": "50", "per_month": "600"}
