"""Carbon-neutral product claims (ISO 14068-1:2023: quantify, reduce, offset the residual with
retired credits, disclose) and energy-efficiency tracking per product line."""

from __future__ import annotations

from datetime import date

import pytest
from test_products_footprint import CATALOGUE, DB, PRODUCT

from lingtan.adapters.io.factor_files import read_gwp_sets
from lingtan.modules.products.certification import Reduction, claim_product, evidence_url
from lingtan.modules.products.efficiency import EnergyRecord, improvement_pct, track
from lingtan.modules.products.errors import ClaimError
from lingtan.modules.products.footprint import FootprintModel
from lingtan.modules.products.lci import characterise

START, END = date(2024, 4, 1), date(2025, 3, 31)
REDUCTIONS = (Reduction("recycled aluminium case", 0.2, ("supplier declaration 17",)),)


class Retired:
    def __init__(self, claim_id: str, quantity: float, retired_on: date) -> None:
        self.claim_id, self.quantity, self.retired_on = claim_id, quantity, retired_on

    def to_dict(self) -> dict[str, object]:
        return {"claim_id": self.claim_id, "quantity": self.quantity}


class Register:
    def __init__(self, *items: Retired) -> None:
        self.items = items

    def retired_for(self, claim_id: str) -> list[Retired]:
        return [r for r in self.items if r.claim_id == claim_id]


@pytest.fixture(scope="module")
def fp():  # type: ignore[no-untyped-def]
    model = FootprintModel(DB, characterise(DB.flows, read_gwp_sets()["AR6"]), CATALOGUE)
    return model.footprint(PRODUCT, "base")


def test_claim_holds_when_retired_credits_cover_the_residual(fp) -> None:  # type: ignore[no-untyped-def]
    # residual = 30.6454 kg × 1,000 units / 1000 = 30.6454 t → 31 credits cover it, 30 do not
    ok = claim_product(
        "C1", fp, 1000, START, END, Register(Retired("C1", 31, END)), reductions=REDUCTIONS
    )
    assert ok.residual_t == pytest.approx(30.6454, rel=1e-9)
    assert ok.valid
    doc = ok.to_dict()
    assert doc["status"] == "carbon neutral"
    assert doc["evidence_url"] == "https://example.org/lingtan/p/P1/base"
    assert doc["reductions"][0]["t_co2e"] == pytest.approx(0.2)  # 0.2 kg × 1000 / 1000
    short = claim_product(
        "C1", fp, 1000, START, END, Register(Retired("C1", 30, END)), reductions=REDUCTIONS
    )
    assert not short.valid
    assert "retired 30.000 t vs residual 30.645 t" in str(short.to_dict()["checks"])


def test_claim_needs_reductions_own_credits_and_timely_retirements(fp) -> None:  # type: ignore[no-untyped-def]
    reg = Register(Retired("OTHER", 100, END), Retired("C2", 40, date(2023, 1, 1)))
    c = claim_product("C2", fp, 1000, START, END, reg)
    failed = {k.check for k in c.checks if not k.ok}
    assert "reductions evidenced (reduce before offsetting)" in failed
    assert "credits retired for this claim cover the residual" in failed  # only C2's count
    assert "retirements dated on or after the period start" in failed
    with pytest.raises(ClaimError):
        claim_product("C3", fp, 0, START, END, reg)
    with pytest.raises(ClaimError):
        evidence_url("ftp://x", "P", "c")


def test_claim_uses_the_targets_register_when_given_one(fp) -> None:  # type: ignore[no-untyped-def]
    credits = pytest.importorskip("lingtan.modules.targets.credits")
    from lingtan.modules.targets.plan import CreditKind

    reg = credits.CreditRegister()
    reg.add(
        credits.CreditBlock(
            "H1",
            "VCS",
            "VCS-1",
            "reforestation",
            2023,
            CreditKind.REMOVAL,
            credits.SerialRange("VCS-1-2023", 1, 100),
        )
    )
    reg.retire("H1", 31, claim_id="C4", retired_on=END)
    c = claim_product("C4", fp, 1000, START, END, reg, reductions=REDUCTIONS)
    assert c.retired_t == 31
    assert c.register_checks  # the register's own checks are part of the evidence
    assert c.valid, [k for k in c.checks if not k.ok]


def test_energy_efficiency_vs_previous_generation_and_base_year() -> None:
    recs = [
        EnergyRecord("G1", "notebook", 1, 2019, 27.0),
        EnergyRecord("G4", "notebook", 4, 2023, 21.0),
        EnergyRecord("G5", "notebook", 5, 2024, 18.5),
    ]
    rows = {r.record.product_id: r for r in track(recs, {"notebook": 2019}, {"notebook": 30})}
    g5 = rows["G5"]
    # efficiency = 1 / energy: vs base (27.0 / 18.5 - 1) = 45.95 %; vs previous G4? no: G4 is
    # generation 4, G5's previous → (21.0 / 18.5 - 1) = 13.51 %
    assert g5.vs_base_pct == pytest.approx((27.0 / 18.5 - 1) * 100)
    assert g5.vs_previous_pct == pytest.approx((21.0 / 18.5 - 1) * 100)
    assert g5.on_track is True  # 45.95 % ≥ 30 %
    assert rows["G4"].previous is None  # no generation 3 recorded
    assert improvement_pct(26.0, 20.0) == pytest.approx(30.0)  # +30 % ⇔ energy / 1.3
