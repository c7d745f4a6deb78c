"""Reconciliation of published figures (lingtan.core.reconcile): every status with hand-checked
figures from the source report (seed text line numbers in comments; ISO 14064-3 recalculation,
GHG Protocol ch. 10 accuracy)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from lingtan.core.reconcile import (
    CAUSES,
    FactorCandidate,
    Grid,
    GridEvidence,
    Kind,
    PublishedFigure,
    SelectorError,
    Share,
    Status,
    Sum,
    Tce,
    check_references,
    parse_decimal,
    parse_selector,
    reconcile,
)


def fig(id_: str, fy: str, kind: Kind, value: str, unit: str, decimals: int, sel: str,
        **kw: object) -> PublishedFigure:  # fmt: skip
    return PublishedFigure(id_, id_, "", fy, kind, parse_decimal(value), unit, decimals,
                           parse_selector(sel), **kw)  # type: ignore[arg-type]  # fmt: skip


def by_id(findings: list) -> dict:  # type: ignore[type-arg]
    return {f.figure.id: f for f in findings}


ETS = FactorCandidate("cn/ets-2022", "cn-grid", "CN", "2022-01-01", "", 0.5703)
NAT21 = FactorCandidate("cn/nat-2021", "cn-grid", "CN", "2021-01-01", "2022-01-01", 0.5568)
AH23 = FactorCandidate("cn/ah-2023", "cn-grid", "CN-AH", "2023-01-01", "2024-01-01", 0.6553)


# -- selectors and numbers -----------------------------------------------------------------------


def test_selectors_parse() -> None:
    assert parse_selector("scope3-s3.c1 - s3.c2") == Sum(
        ((1, "scope3"), (-1, "s3.c1"), (-1, "s3.c2"))
    )
    assert parse_selector("share(s3.c1, total)") == Share(
        Sum(((1, "s3.c1"),)), Sum(((1, "total"),))
    )
    assert parse_selector("tce(HF-N2-E)") == Tce("HF-N2-E")
    assert parse_selector("grid_tco2e(XH-E)") == Grid("XH-E")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("scope4", "unknown quantity 'scope4'"),
        ("s3.c16", "unknown quantity 's3.c16'"),
        ("share(scope1)", "two sums"),
        ("scope1++scope2_market", "not a sum"),
        ("tce(bad id!)", "not a figure id"),
    ],
)
def test_bad_selectors_say_why(text: str, reason: str) -> None:
    with pytest.raises(SelectorError, match=re.escape(reason)):
        parse_selector(text)


def test_numbers_as_printed_and_half_up_rounding() -> None:
    assert parse_decimal("1,512.30") == Decimal("1512.30")
    assert parse_decimal("46.16%") == Decimal("46.16")
    with pytest.raises(ValueError, match="not a number"):
        parse_decimal("n/a")
    f = fig("x", "FY2023/24", Kind.SHARE, "0.13", "%", 2, "share(scope1, total)")
    assert f.rounded(0.125) == Decimal("0.13")  # reports round half up; round(0.125, 2) = 0.12
    hundred = fig("y", "FY2023/24", Kind.PROJECT_TCO2E, "1600", "t", -2, "grid_tco2e(E)")
    assert hundred.rounded(1596.84) == Decimal("1.6E+3") == Decimal(1600)


# -- statuses ------------------------------------------------------------------------------------


def test_base_year_total_differs_from_the_sum_of_its_rounded_parts() -> None:
    # seed 1620–1626: 0.60 + 2.60 + 2043.25 = 2046.45 ×10⁴ t, printed total 2046.46;
    # lingtan's lines: 6,000 + 26,000 + 20,432,500 = 20,464,500 t = 2046.45 ×10⁴ t
    figs = [
        fig("S1", "FY2018/19", Kind.SCOPE_TOTAL, "0.60", "1e4 t", 2, "scope1"),
        fig("S2", "FY2018/19", Kind.SCOPE_TOTAL, "2.60", "1e4 t", 2, "scope2_market"),
        fig("S3", "FY2018/19", Kind.SCOPE_TOTAL, "2043.25", "1e4 t", 2, "scope3"),
        fig("T", "FY2018/19", Kind.INVENTORY_TOTAL, "2046.46", "1e4 t", 2, "total",
            parts=("S1", "S2", "S3")),
    ]  # fmt: skip
    got = by_id(reconcile(figs, {"S1": 0.6, "S2": 2.6, "S3": 2043.25, "T": 2046.45}))
    assert [got[k].status for k in ("S1", "S2", "S3")] == [Status.MATCH] * 3
    t = got["T"]
    assert t.status == Status.ROUNDING
    assert t.code == "rounding_parts_sum"
    assert t.computed_rounded == Decimal("2046.45")
    assert t.params["parts_sum"] == "2,046.45"
    assert "2,046.46 ≠ 2,046.45" in t.cause


def test_fy2023_24_total_matches_lingtan_but_not_its_own_parts() -> None:
    # seed 1652–1658: 0.50 + 1.80 + 1510.01 = 1512.31, printed 1512.30; lingtan 15,123,029 t
    # = 1512.3029 ×10⁴ t → 1512.30: lingtan agrees with the total, the parts do not add up
    figs = [
        fig("S1", "FY2023/24", Kind.SCOPE_TOTAL, "0.50", "1e4 t", 2, "scope1"),
        fig("S2", "FY2023/24", Kind.SCOPE_TOTAL, "1.80", "1e4 t", 2, "scope2_market"),
        fig("S3", "FY2023/24", Kind.SCOPE_TOTAL, "1510.01", "1e4 t", 2, "scope3"),
        fig("T", "FY2023/24", Kind.INVENTORY_TOTAL, "1512.30", "1e4 t", 2, "total",
            parts=("S1", "S2", "S3")),
    ]  # fmt: skip
    computed = {"S1": 0.4969, "S2": 1.7997, "S3": 1510.0063, "T": 1512.3029}
    t = by_id(reconcile(figs, computed))["T"]
    assert (t.status, t.code) == (Status.ROUNDING, "rounding_parts_total")
    assert t.params["parts_sum"] == "1,512.31"
    assert t.computed_rounded == Decimal("1512.30")


def test_category_1_share_copied_from_the_previous_year() -> None:
    # seed 3047 / 3151: FY2022/23 8,662,378 / 18,767,323 = 46.157 % → 46.16 (printed 46.16);
    # FY2023/24 6,507,693 / 15,123,029 = 43.0317 % → 43.03, printed 46.16 = last year's value
    figs = [
        fig("C1-22", "FY2022/23", Kind.SHARE, "46.16%", "%", 2, "share(s3.c1, total)"),
        fig("C1-23", "FY2023/24", Kind.SHARE, "46.16%", "%", 2, "share(s3.c1, total)"),
    ]
    computed = {"C1-22": 100 * 8_662_378 / 18_767_323, "C1-23": 100 * 6_507_693 / 15_123_029}
    got = by_id(reconcile(figs, computed))
    assert got["C1-22"].status == Status.MATCH
    c = got["C1-23"]
    assert c.status == Status.COPIED
    assert c.computed_rounded == Decimal("43.03")
    assert list(c.other_years) == ["FY2022/23"]
    assert c.difference == pytest.approx(46.16 - 43.0317, abs=1e-4)  # 43.0317 unrounded


def test_share_moved_so_the_printed_shares_add_up_to_100() -> None:
    # seed 3081–3083 (FY2022/23): 6,303 / 18,767,323 = 0.0336 % → 0.03; 19,540 / 18,767,323
    # = 0.1041 % → 0.10 (printed 0.11); Scope 3 99.8622 → 99.86. Printed 0.03 + 0.11 + 99.86 =
    # 100.00, computed-and-rounded 0.03 + 0.10 + 99.86 = 99.99
    total = 18_767_323
    figs = [
        fig("S1", "FY2022/23", Kind.SHARE, "0.03", "%", 2, "share(scope1, total)", group="g"),
        fig("S2", "FY2022/23", Kind.SHARE, "0.11", "%", 2, "share(scope2_market, total)",
            group="g"),
        fig("S3", "FY2022/23", Kind.SHARE, "99.86", "%", 2, "share(scope3, total)", group="g"),
    ]  # fmt: skip
    computed = {"S1": 100 * 6_303 / total, "S2": 100 * 19_540 / total,
                "S3": 100 * 18_741_480 / total}  # fmt: skip
    got = by_id(reconcile(figs, computed))
    assert got["S2"].status == Status.ROUNDING
    assert got["S2"].code == "rounding_group"
    assert got["S2"].params["exact"] == "0.1041"
    assert got["S1"].status == got["S3"].status == Status.MATCH
    # without the group, the same difference is unexplained
    alone = [fig("S2", "FY2022/23", Kind.SHARE, "0.11", "%", 2, "share(scope2_market, total)")]
    assert reconcile(alone, {"S2": computed["S2"]})[0].status == Status.UNEXPLAINED


def _energy(id_: str, gwh: str) -> PublishedFigure:
    return fig(id_, "FY2023/24", Kind.ENERGY, gwh, "GWh", 1, "-")


def test_n2_plant_implies_a_factor_no_library_factor_equals() -> None:
    # seed 1979–1980: 3.9 GWh, 2,510 t → 2,510 · 1000 / 3,900,000 kWh = 0.64359 kg/kWh;
    # lingtan at 0.5703: 3,900,000 · 0.5703 / 1000 = 2,224.17 t; nearest 0.5703:
    # 0.64359 / 0.5703 − 1 = +12.85 %
    figs = [
        _energy("E", "3.9"),
        fig("T", "FY2023/24", Kind.PROJECT_TCO2E, "2510", "t", 0, "grid_tco2e(E)", region="CN-AH"),
    ]
    ev = GridEvidence(3.9e6, ETS, (NAT21, ETS))
    got = by_id(reconcile(figs, {"T": 3.9e6 * 0.5703 / 1000}, grid={"T": ev}))
    assert got["E"].status == Status.INPUT
    t = got["T"]
    assert t.status == Status.IMPLIED_FACTOR
    assert t.implied_factor == pytest.approx(0.643590, abs=1e-6)
    assert t.nearest is not None
    assert t.nearest[0] is ETS
    assert t.nearest[1] == pytest.approx(12.851, abs=1e-3)
    assert t.computed_rounded == Decimal("2224")
    assert "0.6436" in t.cause
    assert "+12.9 %" in t.cause


def test_supplier_programme_implies_0_985() -> None:
    # seed 2294–2295: 66万吨 = 660 kt over 20 years, 6.7亿度 = 670 GWh:
    # 660,000 t · 1000 / 670,000,000 kWh = 0.98507 kg/kWh
    figs = [
        fig("E", "FY2023/24", Kind.ENERGY, "670", "GWh", -1, "-"),
        fig("T", "FY2023/24", Kind.PROGRAMME_TCO2E, "660", "kt", -1, "grid_tco2e(E)",
            region="CN"),
    ]  # fmt: skip
    ev = GridEvidence(670e6, ETS, (NAT21, ETS))
    t = reconcile(figs, {"T": 670e6 * 0.5703 / 1000 / 1000}, grid={"T": ev})[1]
    assert t.status == Status.IMPLIED_FACTOR
    assert t.implied_factor == pytest.approx(0.985075, abs=1e-6)
    assert t.computed_rounded == Decimal("380")  # 382.101 kt to the ten


def test_pv_phase_3_is_reproduced_by_another_factor() -> None:
    # seed 1945–1946: 2.8 GWh, 1,600 t (to the hundred). At Anhui 2023 0.6553: 1,834.84 t →
    # 1,800 ≠ 1,600; at 0.5703: 1,596.84 → 1,600 ✓; implied 1,600 · 1000 / 2.8e6 = 0.5714
    figs = [
        _energy("E", "2.8"),
        fig("T", "FY2023/24", Kind.PROJECT_TCO2E, "1600", "t", -2, "grid_tco2e(E)", region="CN-AH"),
    ]
    ev = GridEvidence(2.8e6, AH23, (NAT21, ETS, AH23))
    t = reconcile(figs, {"T": 2.8e6 * 0.6553 / 1000}, grid={"T": ev})[1]
    assert t.status == Status.FACTOR_BASIS
    assert t.nearest is not None
    assert t.nearest[0] is ETS  # 0.5568 gives 1,559 → 1,600 too, but 0.5703 is nearer 0.5714
    assert t.implied_factor == pytest.approx(0.571429, abs=1e-6)
    # with the factor lingtan resolves equal to 0.5703, the same figure matches
    ev2 = GridEvidence(2.8e6, ETS, (NAT21, ETS))
    assert reconcile(figs, {"T": 2.8e6 * 0.5703 / 1000}, grid={"T": ev2})[1].status == "match"


def test_tolerance_missing_and_unexplained() -> None:
    figs = [
        fig("A", "FY2023/24", Kind.SHARE, "100.00", "%", 2, "share(total, total)"),
        fig("B", "FY2023/24", Kind.SCOPE_TOTAL, "50", "t", 0, "scope1"),
        fig("C", "FY2030/31", Kind.SCOPE_TOTAL, "60", "t", 0, "scope1"),
    ]
    # 100.005 rounds half up to 100.01 ≠ 100.00, but |0.005| / 100.005 = 5.0e-5 ≤ 1e-4
    got = by_id(reconcile(figs, {"A": 100.005, "B": 40.0, "C": None}))
    assert (got["A"].status, got["A"].code) == (Status.MATCH, "match_tolerance")
    assert by_id(reconcile(figs, {"A": 100.005, "B": 40.0}, tolerance=0))["A"].status == (
        Status.UNEXPLAINED
    )
    assert got["B"].status == Status.UNEXPLAINED
    assert got["B"].params["difference"] == "+10.0000"
    assert got["C"].status == Status.MISSING
    with pytest.raises(ValueError, match="tolerance"):
        reconcile(figs, {}, tolerance=-1)


def test_cross_row_checks() -> None:
    figs = [
        _energy("E", "1"),
        fig("E", "FY2023/24", Kind.SCOPE_TOTAL, "1", "t", 0, "scope1", parts=("X",)),
        fig("G", "FY2023/24", Kind.PROJECT_TCO2E, "1", "t", 0, "grid_tco2e(Q)"),
    ]
    assert check_references(figs) == [
        (0, "id", "id 'E' also on row 0"),
        (0, "parts", "no figure with id 'X'"),
        (0, "lingtan", "'Q' is not the id of an energy figure"),
        (0, "region", "a grid_tco2e figure needs the grid's region"),
    ]


def test_every_cause_is_in_both_catalogues_with_the_same_parameters() -> None:
    i18n = Path(__file__).parents[2] / "src/lingtan/adapters/i18n"
    names = re.compile(r"{(\w+)}")
    for loc in ("en", "zh-CN"):
        cat = json.loads((i18n / f"reconcile.{loc}.json").read_text(encoding="utf-8"))
        for code, text in CAUSES.items():
            assert set(names.findall(cat[f"reconcile.cause.{code}"])) == set(names.findall(text)), (
                loc,
                code,
            )
        for s in Status:
            assert f"reconcile.status.{s.value}" in cat
