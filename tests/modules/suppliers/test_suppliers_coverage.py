"""Coverage by spend and by emissions, and the SBTi engagement-target check (issue 15 item 4).

Hand calculation: six suppliers, spend [¥10 000] S1 42, S2 34, S3 15, S4 3, S5 1, S6 5 (total
100). Their accepted answers give the report's FY2023/24 figures (lines 2202–2213):

==========================  ===============  ===================
property                    suppliers        spend share
==========================  ===============  ===================
SBT committed or set        S1               42/100 = 42 %
RE targets                  S1 S2            76/100 = 76 %
verified GHG data           S1 S2 S3         91/100 = 91 %
tracks RE                   S1 … S4          94/100 = 94 %
public GHG targets          S1 … S5          95/100 = 95 %
==========================  ===============  ===================

S6 answered nothing useful (an empty answer) in the denominator "all"; with S6 not answering
at all, the respondents' spend is 95 and SBT coverage 42/95. In scope (S1–S4): 94, verified
91/94. By emissions (E [t CO2e] S1 10, S2 30, S3 20, S4 40, S5 unknown, S6 0): Σ E = 100;
SBT 10/100, verified (S1–S3) 60/100.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import pytest

from lingtan.modules.suppliers.coverage import (
    REPORT_PROPERTIES,
    EngagementGoal,
    SupplierCoverageInput,
    check_engagement_target,
    coverage,
    history,
)
from lingtan.modules.suppliers.requests import SupplierAnswer, parse_answer

FY = "FY2023/24"
S1 = parse_answer(
    {
        "sbti_status": "committed",
        "sbti_date": "2023-01-01",
        "verified": True,
        "public_target": {"base_year": 2020, "target_year": 2030, "reduction_pct": 30},
        "re_tracking": True,
        "re_target": {"pct": 100, "year": 2030},
    }
)
S2 = parse_answer({**S1.as_dict(), "sbti_status": "none", "sbti_date": None, "sbti_horizon": None})
S3 = parse_answer({**S2.as_dict(), "re_target": None})
S4 = parse_answer({**S3.as_dict(), "verified": False, "verification_standard": None})
S5 = parse_answer({**S4.as_dict(), "re_tracking": False})
S6 = parse_answer({})
SPEND = {
    "S1": 420000.0,
    "S2": 340000.0,
    "S3": 150000.0,
    "S4": 30000.0,
    "S5": 10000.0,
    "S6": 50000.0,
}
E = {"S1": 10.0, "S2": 30.0, "S3": 20.0, "S4": 40.0, "S5": None, "S6": 0.0}
ANSWERS = {"S1": S1, "S2": S2, "S3": S3, "S4": S4, "S5": S5, "S6": S6}


def _inputs(answered: Mapping[str, SupplierAnswer] | None = None) -> list[SupplierCoverageInput]:
    ans = ANSWERS if answered is None else answered
    return [
        SupplierCoverageInput(
            c, SPEND[c], E[c], in_scope=c in ("S1", "S2", "S3", "S4"), answer=ans.get(c)
        )
        for c in SPEND
    ]


def test_report_figures_by_spend() -> None:
    cov = coverage(FY, _inputs())
    got = {p: cov.properties[p].share for p in REPORT_PROPERTIES}
    assert got == {
        "sbt_committed_or_set": Fraction(42, 100),
        "verified": Fraction(91, 100),
        "public_target": Fraction(95, 100),
        "re_tracking": Fraction(94, 100),
        "re_target": Fraction(76, 100),
    }
    sbt = cov.properties["sbt_committed_or_set"]
    assert sbt.pct == 42.0
    assert sbt.goal_pct == 95.0
    assert sbt.meets_goal is False
    assert cov.properties["sbt_validated"].share == 0
    print(cov.describe_denominator())
    assert cov.describe_denominator() == "S = all spend (6 suppliers) = 1e+06"


def test_denominators() -> None:
    without_s6 = {c: a for c, a in ANSWERS.items() if c != "S6"}
    resp = coverage(FY, _inputs(without_s6), denominator="respondents")
    print(resp.describe_denominator())
    assert resp.denominator_total == 950000
    assert resp.properties["sbt_committed_or_set"].share == Fraction(42, 95)
    scope = coverage(FY, _inputs(), denominator="in_scope")
    print(scope.describe_denominator())
    assert scope.denominator_suppliers == ("S1", "S2", "S3", "S4")
    assert scope.properties["verified"].share == Fraction(91, 94)


def test_by_emissions() -> None:
    cov = coverage(FY, _inputs(), basis="emissions")
    print(cov.describe_denominator())
    assert cov.denominator_total == 100
    assert cov.properties["sbt_committed_or_set"].share == Fraction(10, 100)
    assert cov.properties["verified"].share == Fraction(60, 100)
    assert cov.missing_emissions == ("S5",)
    assert cov.describe_denominator().startswith("S = all category 1 emissions")


def test_changing_one_answer_changes_coverage() -> None:
    # S2 (34 % of spend) commits to an SBT: 42 % → 76 %
    changed = {**ANSWERS, "S2": parse_answer({**S2.as_dict(), "sbti_status": "committed"})}
    cov = coverage(FY, _inputs(changed))
    assert cov.properties["sbt_committed_or_set"].share == Fraction(76, 100)


def test_empty_denominator() -> None:
    cov = coverage(FY, [])
    assert cov.properties["verified"].pct is None
    assert cov.properties["verified"].meets_goal is None


def test_report_goal_is_not_sbti_conformant() -> None:
    """KPI-SUP-SBT: 95 % by spend, no year, no categories (report line 2203)."""
    chk = check_engagement_target(EngagementGoal("sbt_committed_or_set", 95.0, basis="spend"))
    assert chk.conformant is False
    assert chk.failures == ("sr.sbti.no_year", "sr.sbti.no_categories")
    assert "sr.sbti.counts_commitments" in chk.notes


@pytest.mark.parametrize(
    ("goal_year", "conformant", "failures"),
    [(2029, True, ()), (2030, False, ("sr.sbti.too_far",))],  # 2024 + 5 = 2029
)
def test_goal_year_within_five_years(
    goal_year: int, conformant: bool, failures: tuple[str, ...]
) -> None:
    g = EngagementGoal("sbt_targets_set", 70.0, goal_year, "emissions", ("1",), 2024)
    chk = check_engagement_target(g)
    assert (chk.conformant, chk.failures, chk.notes) == (conformant, failures, ())


def test_history() -> None:
    older = coverage("FY2022/23", _inputs({"S1": S1}))  # only S1 answered: 42 % verified
    newer = coverage(FY, _inputs())
    pts = history([newer, older], "verified")
    assert [(p.fiscal_year, p.pct) for p in pts] == [("FY2022/23", 42.0), (FY, 91.0)]
