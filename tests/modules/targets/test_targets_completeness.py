"""A target status and an organisation claim built on an incomplete inventory say so (issue 10
item 1; GHG Protocol Corporate Standard ch. 1 completeness)."""

from __future__ import annotations

from datetime import date

from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets import (
    Claim,
    Coverage,
    CreditRegister,
    Status,
    SubjectType,
    Target,
    TargetKind,
    YearEmissions,
    check_claim,
    track_target,
)

CAL = FiscalCalendar(4)


def test_target_status_on_an_incomplete_inventory_says_so() -> None:
    # S1+2: base FY2020/21 1,000 t; FY2023/24 700 t, its inventory missing 3 activity rows.
    # Pathway −50 % over 2020 → 2030: 2023 allows 1,000 × (1 − 0.5 × 3/10) = 850 t → on track
    t = Target("S12", "S1+2", Coverage.of([1, 2]), TargetKind.ABSOLUTE, 2020, 2030, 50.0)
    emissions = {
        2020: YearEmissions(2020, 400.0, 600.0),
        2023: YearEmissions(2023, 300.0, 400.0, incomplete_rows=3),
    }
    p = track_target(t, emissions, {}, CAL)
    assert p.status is Status.ON_TRACK
    assert p.incomplete_years == ("FY2023/24",)
    assert p.on_incomplete_inventory
    assert p.completeness_note == (
        "built on an incomplete inventory: FY2023/24 (3 activity rows not calculated)"
    )
    d = p.to_dict(CAL)
    assert d["inventory_complete"] is False
    assert d["incomplete_years"] == ["FY2023/24"]
    assert {pt["year"]: pt["inventory_complete"] for pt in d["points"]}["FY2023/24"] is False
    complete = track_target(t, {**emissions, 2023: YearEmissions(2023, 300.0, 400.0)}, {}, CAL)
    assert not complete.on_incomplete_inventory
    assert complete.to_dict(CAL)["inventory_complete"] is True


def _claim(**kw: object) -> Claim:
    base: dict[str, object] = {
        "id": "ORG-FY23", "subject_type": SubjectType.ORGANISATION, "subject_id": "Test Co",
        "period_start": date(2023, 4, 1), "period_end": date(2024, 3, 31),
        "footprint_t": 100.0, "footprint_standard": "ISO 14064-1:2018",
    }  # fmt: skip
    base.update(kw)
    return Claim(**base)  # type: ignore[arg-type]


def test_claim_on_an_incomplete_inventory_fails_its_completeness_check() -> None:
    reg = CreditRegister()
    r = check_claim(
        _claim(inventory_status="incomplete", inventory_rows_not_calculated=2,
               inventory_snapshot="ab" * 32),
        reg,
    )  # fmt: skip
    check = next(k for k in r.checks if k.check == "completeness")
    assert not check.ok
    assert check.detail.startswith("built on an INCOMPLETE inventory (snapshot abababababababab")
    assert "2 activity rows not calculated" in check.detail
    assert not r.valid
    assert r.to_dict()["inventory_status"] == "incomplete"
    ok = check_claim(_claim(inventory_status="complete"), reg)
    assert next(k for k in ok.checks if k.check == "completeness").ok
    # a claim not built on a snapshot has no completeness check
    assert all(k.check != "completeness" for k in check_claim(_claim(), reg).checks)
