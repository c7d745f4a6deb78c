"""Climate data requests (issue 15 item 4): the campaign's scope rule and the answer's checks.

Hand calculation of the scope rule "top p % of spend ∪ strategic" on four suppliers, spend
A 500, B 300, C 150, D 50 (total 1000):

- 95 %: line 950; by descending spend A (cum 500 < 950) → B (800 < 950) → C (950, reaches
  it) → stop: {A, B, C}; D is in scope only as strategic.
- 80 %: line 800; A (500) → B (800, reaches it): {A, B}.
- 80.1 %: line 801; A, B (800 < 801) → C: {A, B, C}.
"""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.modules.suppliers.requests import (
    AnswerError,
    PublicTarget,
    ReTarget,
    ScopeRule,
    SupplierFlags,
    allocate_by_revenue_share,
    evaluate_scope,
    parse_answer,
    top_spend_set,
)

SPEND = {"A": 500.0, "B": 300.0, "C": 150.0, "D": 50.0}


@pytest.mark.parametrize(
    ("pct", "expected"),
    [
        (95, ["A", "B", "C"]),
        (80, ["A", "B"]),
        (80.1, ["A", "B", "C"]),
        (100, ["A", "B", "C", "D"]),
        (1, ["A"]),
    ],
)
def test_top_spend_set(pct: float, expected: list[str]) -> None:
    assert top_spend_set(SPEND, pct) == expected


def test_top_spend_ties_by_code_and_no_spend() -> None:
    # X and Y both 100 of 300 (plus Z 100): 50 % line 150 → X (100) → Y (200): ties by code
    assert top_spend_set({"Y": 100.0, "X": 100.0, "Z": 100.0}, 50) == ["X", "Y"]
    assert top_spend_set({"A": 0.0, "B": -5.0}, 95) == []
    # decimal amounts are exact: 0.1 + 0.2 reach 100 % of 0.3 (binary floats would not)
    assert top_spend_set({"a": 0.1, "b": 0.2}, 100) == ["b", "a"]


def test_scope_rule_with_strategic() -> None:
    flags = {"D": SupplierFlags(strategic=True), "C": SupplierFlags(key_tier1=True)}
    got = evaluate_scope(ScopeRule(95, strategic=True), SPEND, flags)
    assert got == {"A": ("spend",), "B": ("spend",), "C": ("spend",), "D": ("strategic",)}
    got = evaluate_scope(ScopeRule(80, strategic=False, key_tier1=True), SPEND, flags)
    assert got == {"A": ("spend",), "B": ("spend",), "C": ("key_tier1",)}
    assert ScopeRule(95, True).describe() == "top 95 % of spend ∪ strategic"
    assert ScopeRule.from_dict(ScopeRule(80, False, True).as_dict()) == ScopeRule(80, False, True)
    with pytest.raises(AnswerError) as e:
        ScopeRule(120)
    assert e.value.field == "top_spend_pct"


FULL = {
    "scope1_t": "1,200",
    "scope2_location_t": 800,
    "scope2_market_t": 600.5,
    "scope3_by_category_t": {"1": 5000, "4": 250},
    "reporting_period": "FY2023/24",
    "boundary": "operational control",
    "verified": "yes",
    "verification_standard": "ISO 14064-3",
    "public_target_type": "absolute",
    "public_target_base_year": "2019",
    "public_target_target_year": "2030",
    "public_target_reduction_pct": "50",
    "sbti_status": "targets_set",
    "sbti_horizon": "near_term",
    "sbti_date": "2023-05-01",
    "re_tracking": True,
    "re_target": {"pct": 100, "year": 2030},
    "re_share_pct": 35,
    "allocated_to_customer_t": 90,
    "allocation_method": "revenue_share",
    "pcf_ids": "urn:pact:1, urn:pact:2 urn:pact:1",
    "cdp_score": "B",
}


def test_parse_full_answer() -> None:
    a = parse_answer(FULL)
    assert a.scope1_t == 1200.0
    assert a.scope3_t == 5250.0  # 5000 + 250: the categories' sum when no total is given
    assert a.scope12_market_t() == pytest.approx(1800.5)  # 1200 + 600.5
    assert a.public_target == PublicTarget("absolute", 2019, 2030, 50.0)
    assert a.re_target == ReTarget(100.0, 2030)
    assert a.sbti_date == date(2023, 5, 1)
    assert a.pcf_ids == ("urn:pact:1", "urn:pact:2")  # de-duplicated, order kept
    assert parse_answer(a.as_dict()) == a  # stored and read back unchanged


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        ({"scope1_t": -1}, "scope1_t", "sr.err.mass"),
        ({"scope1_t": "lots"}, "scope1_t", "sr.err.number"),
        (
            {"verified": "", "verification_standard": "ISAE 3410"},
            "verification_standard",
            "sr.err.standard_unverified",
        ),
        ({"allocation_method": ""}, "allocation_method", "sr.err.allocation_method"),
        ({"scope3_t": 100}, "scope3_by_category_t", "sr.err.categories_exceed"),
        (
            {"public_target_target_year": "2018"},
            "public_target.target_year",
            "sr.err.target_after_base",
        ),
        ({"sbti_status": "none"}, "sbti_status", "sr.err.sbti_none"),
        ({"re_share_pct": 101}, "re_share_pct", "sr.err.pct"),
        ({"cdp_score": "Z"}, "cdp_score", "sr.err.choice"),
        ({"pcf_ids": "bad id<script>"}, "pcf_ids", "sr.err.pcf_ids"),
        ({"scope3_by_category_t": {"16": 1}}, "scope3_by_category_t", "sr.err.category"),
    ],
)
def test_invalid_fields(change: dict[str, object], field: str, key: str) -> None:
    with pytest.raises(AnswerError) as e:
        parse_answer({**FULL, **change})
    assert (e.value.field, e.value.key) == (field, key)


def test_empty_answer_is_nothing() -> None:
    a = parse_answer({})
    assert not a.has_inventory
    assert a.sbti_status == "none"
    assert a.public_target is None


def test_allocation_by_revenue_share() -> None:
    # CDP SM1, economic allocation: 1,200 t × 12.5 % = 150 t
    assert allocate_by_revenue_share(1200.0, 12.5) == 150.0
    with pytest.raises(AnswerError):
        allocate_by_revenue_share(1200.0, 120.0)
