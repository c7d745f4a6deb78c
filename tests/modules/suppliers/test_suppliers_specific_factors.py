"""Supplier-specific factors (issue 15 item 5, decision 0066): EF_s = allocated / spend or
quantity, its validation and the factor the engine resolves (GHG Protocol Scope 3 Standard
ch. 7–8, hybrid method; ISO 14064-1:2018 category 4). Hand calculations in the comments."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

import pytest

from lingtan.core.gwp import CO2E
from lingtan.modules.suppliers.specific_factors import (
    LOOKUP_PREFIX,
    SUPPLIER_SET,
    SupplierFactorError,
    check_windows,
    emission_factors,
    from_emission_factor,
    lookup,
    supplier_factor,
)

FY = {"fiscal_year": "FY2023/24", "valid_from": date(2023, 4, 1), "valid_to": date(2024, 4, 1)}


def make(**kw: Any) -> Any:
    args: dict[str, Any] = {
        "supplier": "S-A",
        **FY,
        "allocated_t": 22.44,
        "denominator": 112_200.0,
        "unit": "CNY",
        "basis": "spend",
        "allocation_method": "revenue_share",
        "response_id": 7,
    }
    args.update(kw)
    return supplier_factor(**args)


def test_spend_factor_is_allocated_over_spend() -> None:
    # 1000 × 22.44 t / 112 200 CNY = 0.2 kg CO2e / CNY
    f = make()
    assert f.kg_per_unit == pytest.approx(0.2, rel=1e-12)
    # applied back to the spend, the factor gives the allocation: 112 200 × 0.2 = 22 440 kg
    assert f.denominator * f.kg_per_unit / 1000.0 == pytest.approx(22.44, rel=1e-12)


def test_quantity_factor_per_unit_bought() -> None:
    # 3 t CO2e allocated over 12 t of steel bought: 1000 × 3 / 12 = 250 kg CO2e / t
    f = make(allocated_t=3.0, denominator=12.0, unit="t", basis="quantity")
    assert f.kg_per_unit == pytest.approx(250.0)
    assert f.basis == "quantity"


def test_emission_factor_is_the_engine_s_lookup() -> None:
    f = make()
    ef = f.emission_factor()
    assert ef.set_name == SUPPLIER_SET
    assert ef.activity_type == lookup("S-A") == LOOKUP_PREFIX + "S-A" == "supplier:S-A"
    assert (ef.region, ef.unit, ef.gas) == ("GLO", "CNY", CO2E)
    assert ef.value == pytest.approx(0.2)
    assert (ef.valid_from, ef.valid_to) == (date(2023, 4, 1), date(2024, 4, 1))
    assert ef.price_year is None  # nominal money of the year: no deflation
    assert ef.factor_id == "supplier-specific/S-A/FY2023-24/r7/CO2e"
    assert "response #7" in str(ef.source)
    assert "revenue_share" in str(ef.source)
    # lineage reads the provenance back from the frozen factor
    prov = from_emission_factor(ef)
    assert prov is not None
    assert prov["response_id"] == 7
    assert prov["supplier"] == "S-A"
    assert prov["allocation_method"] == "revenue_share"
    assert prov["allocated_t"] == 22.44
    assert prov["denominator"] == 112_200.0
    assert json.loads(ef.description)["basis"] == "spend"


def test_other_factors_have_no_provenance() -> None:
    from lingtan.core.factors import EmissionFactor, FactorSource

    other = EmissionFactor("x", "useeio", "spend.x", "GLO", "USD", "CO2", 0.5, date(2020, 1, 1),
                           FactorSource("EPA", "USEEIO", "2"))  # fmt: skip
    assert from_emission_factor(other) is None


def test_zero_spend_is_an_explained_refusal_not_a_division_by_zero() -> None:
    with pytest.raises(SupplierFactorError) as err:
        make(denominator=0.0)
    assert err.value.key == "supplier_factors.err.no_spend"
    assert err.value.params["supplier"] == "S-A"
    assert "allocated / 0" in str(err.value)
    with pytest.raises(SupplierFactorError) as err:
        make(denominator=0.0, basis="quantity", unit="t")
    assert err.value.key == "supplier_factors.err.no_quantity"


@pytest.mark.parametrize(
    ("kw", "key"),
    [
        ({"allocated_t": -1.0}, "supplier_factors.err.allocated"),
        ({"allocated_t": math.nan}, "supplier_factors.err.allocated"),
        ({"allocated_t": math.inf}, "supplier_factors.err.allocated"),
        ({"allocated_t": 2e10}, "supplier_factors.err.allocated"),
        ({"denominator": -500.0}, "supplier_factors.err.negative"),
        ({"denominator": math.inf}, "supplier_factors.err.no_spend"),
        ({"supplier": " "}, "supplier_factors.err.supplier"),
        ({"supplier": "S\x00A"}, "supplier_factors.err.supplier"),
        ({"basis": "mass"}, "supplier_factors.err.basis"),
        ({"valid_to": date(2023, 4, 1)}, "supplier_factors.err.period"),
    ],
)
def test_refusals(kw: dict[str, Any], key: str) -> None:
    with pytest.raises(SupplierFactorError) as err:
        make(**kw)
    assert err.value.key == key


def test_implausible_intensity_is_refused() -> None:
    # 22.44 t over 112 200 CNY, said to be 100 USD: 224.4 kg CO2e / USD > 100 → a unit slip
    with pytest.raises(SupplierFactorError) as err:
        make(denominator_usd=100.0)
    assert err.value.key == "supplier_factors.err.implausible"
    # at the year's rate (7.0 CNY/USD: 16 028.6 USD) it is 1.4 kg / USD: accepted
    assert make(denominator_usd=112_200 / 7.0).kg_per_unit == pytest.approx(0.2)


def test_zero_allocation_is_a_zero_factor() -> None:
    assert make(allocated_t=0.0).kg_per_unit == 0.0


def test_overlapping_windows_are_refused_and_order_is_stable() -> None:
    a = make()
    b = make(fiscal_year="FY2024/25", valid_from=date(2024, 4, 1), valid_to=date(2025, 4, 1))
    c = make(supplier="S-B", response_id=9)
    got = emission_factors([c, b, a])
    assert [f.factor_id for f in got] == sorted(f.factor_id for f in got)
    overlapping = make(fiscal_year="FY2023/24 bis", valid_from=date(2024, 1, 1),
                       valid_to=date(2024, 7, 1))  # fmt: skip
    with pytest.raises(SupplierFactorError) as err:
        check_windows([a, overlapping])
    assert err.value.key == "supplier_factors.err.overlap"
