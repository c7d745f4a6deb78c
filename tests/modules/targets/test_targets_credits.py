"""Credit register (serials held and retired once) and carbon-neutrality claims
(ISO 14068-1:2023 evidence: footprint, reductions, retirements, unique serials, vintages)."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.modules.targets import (
    Claim,
    ClaimRules,
    CreditBlock,
    CreditError,
    CreditKind,
    CreditRegister,
    Retirement,
    SerialRange,
    SubjectType,
    check_claim,
    product_footprint_t,
)


def _block(hid: str = "H1", start: int = 1, end: int = 1000, vintage: int = 2022,
           kind: CreditKind = CreditKind.REMOVAL) -> CreditBlock:  # fmt: skip
    return CreditBlock(hid, "VCS", "VCS-1234", "reforestation", vintage, kind,
                       SerialRange("VCS-1234-2022", start, end))  # fmt: skip


def _claim(footprint: float = 120.0, **kw: object) -> Claim:
    base = {
        "id": "C1", "subject_type": SubjectType.PRODUCT, "subject_id": "laptop-X1",
        "period_start": date(2023, 4, 1), "period_end": date(2024, 3, 31),
        "footprint_t": footprint, "footprint_standard": "ISO 14067:2018",
        "footprint_verified": True, "reductions_t": 30.0, "reduction_evidence": ("LCA v2",),
    }  # fmt: skip
    base.update(kw)
    return Claim(**base)


def test_overlapping_serials_are_rejected_naming_both_blocks() -> None:
    reg = CreditRegister()
    reg.add(_block("H1", 1, 1000))
    with pytest.raises(CreditError, match=r"'H2' \(VCS-1234-2022-900…1100\) overlaps holding 'H1'"):
        reg.add(_block("H2", 900, 1100))
    reg.add(_block("H3", 1001, 1100))  # adjacent, not overlapping
    assert reg.holdings["H3"].quantity == 100


def test_retire_takes_lowest_free_serials_and_never_twice() -> None:
    reg = CreditRegister()
    reg.add(_block("H1", 1, 1000))
    r1 = reg.retire("H1", 120, claim_id="C1", retired_on=date(2024, 5, 1))
    assert [str(r.serials) for r in r1] == ["VCS-1234-2022-1…120"]
    assert reg.available("H1") == [SerialRange("VCS-1234-2022", 121, 1000)]
    with pytest.raises(CreditError, match="already retired for claim 'C1'"):
        reg.retire_range("H1", SerialRange("VCS-1234-2022", 100, 130), claim_id="C2",
                         retired_on=date(2024, 6, 1))  # fmt: skip
    with pytest.raises(CreditError, match="has 880 credits left, cannot retire 881"):
        reg.retire("H1", 881, claim_id="C2", retired_on=date(2024, 6, 1))


def test_valid_product_claim() -> None:
    reg = CreditRegister()
    reg.add(_block())
    # 1.2 t per 100 units: 1,200 kg × 100 / 1000 = 120 t
    fp = product_footprint_t(1_200.0, 100)
    assert fp == 120.0
    reg.retire("H1", 120, claim_id="C1", retired_on=date(2024, 5, 1))
    res = check_claim(_claim(fp), reg)
    assert res.valid, res.to_dict()
    assert res.retired_t == 120
    assert res.residual_t == 120


def test_claim_failures_are_explained() -> None:
    reg = CreditRegister()
    reg.add(_block("OLD", 1, 100, vintage=2015, kind=CreditKind.AVOIDANCE))
    reg.retire("OLD", 100, claim_id="C1", retired_on=date(2023, 1, 1))
    res = check_claim(_claim(120.5, footprint_verified=False, reductions_t=0.0, net_zero=True),
                      reg, ClaimRules(accepted_standards=("Gold Standard",)))  # fmt: skip
    failed = {c.check: c.detail for c in res.checks if not c.ok}
    assert set(failed) == {"verification", "reductions", "retirements", "vintage", "standard",
                           "retirement dates", "removals only"}  # fmt: skip
    assert "20.500 t uncovered" in failed["retirements"]  # 120.5 − 100
    assert "vintages 2019 or later" in failed["vintage"]  # period ends 2024, 5-year rule
    assert not res.valid


def test_unique_serials_check_catches_a_register_built_by_hand() -> None:
    blk = _block()
    day = date(2024, 5, 1)
    dup = [Retirement("H1", SerialRange("VCS-1234-2022", 1, 50), "C1", day),
           Retirement("H1", SerialRange("VCS-1234-2022", 40, 60), "C2", day)]  # fmt: skip
    reg = CreditRegister({"H1": blk}, dup)  # bypasses retire(): loaded from elsewhere
    res = check_claim(_claim(50.0), reg)
    bad = next(c for c in res.checks if c.check == "unique serials")
    assert not bad.ok
    assert "also retired for 'C2'" in bad.detail
