"""SBTi criteria and claim evidence checks as catalogue messages: the module returns keys and
parameters, the catalogue renders them; in English exactly the module's own words, in Chinese
the same facts (decision 0054)."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.adapters.i18n.messages import Translator
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets import (
    Claim,
    ClaimRules,
    CreditBlock,
    CreditKind,
    CreditRegister,
    IntensityType,
    SerialRange,
    SubjectType,
    Target,
    TargetKind,
    YearEmissions,
    check_claim,
    validate_sbti,
)
from lingtan.modules.targets.report import report_targets
from lingtan.modules.targets.sbti import SbtiReport
from lingtan.modules.targets.targets import Coverage, Horizon

CAL = FiscalCalendar(4)
EN, ZH = Translator("en"), Translator("zh-CN")
EM = {
    2018: YearEmissions(2018, 6_000, 26_000, scope3_total=20_432_500),
    2023: YearEmissions(2023, 4_969, 17_997, scope3_by_category={
        1: 6_507_693, 2: 863_700, 3: 12_700, 4: 360_152, 11: 7_131_203}),
}  # fmt: skip


def _reports() -> list[SbtiReport]:
    weak = Target("W", "S1+2 −30 %", Coverage.of([1, 2]), TargetKind.ABSOLUTE, 2020, 2030, 30.0)
    old = Target("T", "x", Coverage.of([1, 2]), TargetKind.ABSOLUTE, 2012, 2029, 90.0)
    s3 = Target("L", "cat 4", Coverage.of(categories=[4]), TargetKind.ABSOLUTE, 2018, 2029, 30.0)
    econ = Target("E", "s3 per revenue", Coverage.of(categories=[1]), TargetKind.INTENSITY,
                  2018, 2029, 40.0, intensity_type=IntensityType.ECONOMIC,
                  denominator="revenue")  # fmt: skip
    phys = Target("P", "s1+2 per t", Coverage.of([1, 2]), TargetKind.INTENSITY, 2018, 2029, 40.0,
                  intensity_type=IntensityType.PHYSICAL, denominator="tonnes")  # fmt: skip
    lt = Target("LT", "net zero", Coverage.of([1, 2, 3]), TargetKind.ABSOLUTE, 2018, 2055, 80.0,
                horizon=Horizon.LONG_TERM)  # fmt: skip
    return [
        validate_sbti(report_targets(), EM, CAL, submitted=2022),
        validate_sbti([weak], {2020: EM[2018]}, CAL, submitted=2022),
        validate_sbti([old], {2012: EM[2018]}, CAL, submitted=2015),
        validate_sbti([old, s3, econ, lt], EM, CAL),  # no submission year, no base emissions
        validate_sbti([s3, econ, phys, lt], EM, CAL, submitted=2022),
    ]


def test_every_sbti_text_is_a_catalogue_message_equal_to_the_english() -> None:
    seen: set[str] = set()
    for rep in _reports():
        doc = rep.to_dict()
        assert EN.message(doc["edition_key"], {}) == rep.edition
        for r in doc["results"]:
            for part in ("requirement", "found", "explanation"):
                key = r["text_keys"][part]
                assert bool(key) == bool(r[part]), (r["criterion"], part)
                if not key:
                    continue
                seen.add(key)
                assert EN.has(key), key
                assert EN(key, **r["params"]) == r[part], key
                zh = ZH(key, **r["params"])
                assert zh != r[part], key  # Chinese, not the English again
                assert "{" not in zh, key
            assert EN(r["clause_key"]) == r["clause"]
        for n, nk in zip(doc["notes"], doc["note_keys"], strict=True):
            assert EN(nk["key"], **nk["params"]) == n
    # the scenarios reach the passes, failures and "not assessed" of every kind of criterion
    assert len(seen) >= 40, sorted(seen)


def test_a_failed_criterion_in_chinese() -> None:
    weak = Target("W", "S1+2 −30 %", Coverage.of([1, 2]), TargetKind.ABSOLUTE, 2020, 2030, 30.0)
    r = next(
        r
        for r in validate_sbti([weak], {2020: EM[2018]}, CAL, submitted=2022).to_dict()["results"]
        if r["criterion"] == "NT-AMBITION-S12"
    )
    # 30 % / 10 years = 3 %/yr < 4.2 %/yr; the minimum over 10 years is 42 %
    assert ZH(r["text_keys"]["explanation"], **r["params"]) == (
        "每年 3.000% 低于每年 4.2%：10 年内至少须减排 42.0%（目标为 30%）"
    )
    assert ZH(r["text_keys"]["requirement"], **r["params"]) == "绝对减排每年 ≥ 4.2%（线性，1.5 °C）"
    assert ZH(r["clause_key"]) == "近期目标标准 v5.x C15（范围一、二的雄心水平，1.5 °C）"


def _block(hid: str, vintage: int, kind: CreditKind) -> CreditBlock:
    return CreditBlock(hid, "VCS", "VCS-1234", "reforestation", vintage, kind,
                       SerialRange("VCS-1234-2022", 1, 1000))  # fmt: skip


def _claim(**kw: object) -> Claim:
    base: dict[str, object] = {
        "id": "C1", "subject_type": SubjectType.PRODUCT, "subject_id": "laptop-X1",
        "period_start": date(2023, 4, 1), "period_end": date(2024, 3, 31),
        "footprint_t": 120.0, "footprint_standard": "ISO 14067:2018",
        "footprint_verified": True, "reductions_t": 30.0, "reduction_evidence": ("LCA v2",),
    }  # fmt: skip
    base.update(kw)
    return Claim(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("good", [True, False])
def test_claim_checks_render_from_the_catalogue(good: bool) -> None:
    reg = CreditRegister()
    if good:
        reg.add(_block("H1", 2022, CreditKind.REMOVAL))
        reg.retire("H1", 120, claim_id="C1", retired_on=date(2024, 5, 1))
        claim = _claim(inventory_status="complete", inventory_snapshot="ab" * 20)
    else:
        reg.add(_block("OLD", 2015, CreditKind.AVOIDANCE))
        reg.retire("OLD", 100, claim_id="C1", retired_on=date(2023, 1, 1))
        claim = _claim(footprint_t=120.5, footprint_verified=False, reductions_t=0.0,
                       net_zero=True, footprint_standard="")  # fmt: skip
    rules = ClaimRules(accepted_standards=("Gold Standard",) if not good else ("VCS",))
    res = check_claim(claim, reg, rules)
    assert res.valid is good
    for c in res.to_dict()["checks"]:
        key, params = c["detail_key"], c["params"]
        assert EN(key, **params) == c["detail"], key
        assert ZH(key, **params) != c["detail"], key
        assert ZH.has("evidence.check.register." + c["check"].replace(" ", "_"))
    if not good:
        short = next(c for c in res.to_dict()["checks"] if c["check"] == "retirements")
        # 120.5 t residual − 100 credits = 20.5 t uncovered
        assert ZH(short["detail_key"], **short["params"]) == (
            "为本声明注销 100 个碳信用，剩余排放 120.500 吨；尚有 20.500 吨未覆盖"
        )
