"""Import templates: hand-checked normalisation per template, and every issue case.

Each expected number is worked out by hand in the test (the formula of docs/templates.md with
the row's numbers), never copied from the code's output.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lingtan.core.activities import Tier
from lingtan.core.errors import InputFileError
from lingtan.core.periods import FiscalCalendar
from lingtan.core.templates import (
    INSTRUMENT_SCHEMA,
    NORMALISED_SCHEMA,
    TEMPLATES,
    NormaliseContext,
    NormaliseResult,
    UnknownTemplateError,
    describe_unit,
    get_template,
    match_choice,
    normalise,
    template_names,
)

SITES = {"TJ01": "CN-TJ", "HF02": "CN-AH", "LON": "GB-LND"}
CTX = NormaliseContext(source="test.csv", sites=SITES, default_region="CN")
D = date(2024, 5, 1)

_COMMON = {"period_end", "description", "tier"} | {
    f"dq_{k}" for k in ("temporal", "geographical", "technological", "completeness", "reliability")
}


def table(template: str, rows: list[dict[str, Any]]) -> pa.Table:
    """A typed table of ``template`` with ``rows`` (source rows 2, 3, …)."""
    tpl = get_template(template)
    cols = {c.name: pa.array([r.get(c.name) for r in rows], c.arrow_type) for c in tpl.columns}
    cols["source_row"] = pa.array(range(2, 2 + len(rows)), pa.int32())
    return pa.table(cols)


def run(template: str, rows: list[dict[str, Any]], ctx: NormaliseContext = CTX) -> NormaliseResult:
    return normalise(template, table(template, rows), ctx)


def one(template: str, row: dict[str, Any], ctx: NormaliseContext = CTX) -> dict[str, Any]:
    """The single activity of a one-row table that must have no issue."""
    res = run(template, [row], ctx)
    assert res.issues == [], [str(i) for i in res.issues]
    assert res.activities.num_rows == 1
    out: dict[str, Any] = res.activities.to_pylist()[0]
    return out


def issues_of(template: str, row: dict[str, Any], ctx: NormaliseContext = CTX) -> list[str]:
    res = run(template, [row], ctx)
    assert res.activities.num_rows == 0, "a row with an issue must produce no activity"
    assert res.issues, "expected at least one issue"
    return [str(i) for i in res.issues]


# ---- Scope 1 ---------------------------------------------------------------------------------


def test_fuel_stationary_and_mobile() -> None:
    rows = [
        {"site": "TJ01", "date": D, "fuel": "Natural  Gas", "quantity": 1500.0, "unit": "m3"},
        {"site": "TJ01", "date": D, "fuel": "diesel", "quantity": 80.0, "unit": "L",
         "use": "Mobile"},
    ]  # fmt: skip
    res = run("fuel", rows)
    assert res.issues == []
    got = res.activities.to_pylist()
    assert [(a["activity_type"], a["category"], a["quantity"], a["unit"]) for a in got] == [
        ("fuel.natural_gas", 1, 1500.0, "m3"),
        ("fuel.diesel", 2, 80.0, "L"),
    ]
    assert {a["scope"] for a in got} == {1}
    assert {a["method"] for a in got} == {"s1.combustion.fuel"}
    assert {a["basis"] for a in got} == {"both"}
    assert {a["tier"] for a in got} == {"activity"}
    assert got[0]["region"] is None  # a site row: the engine takes the site's region


def test_vehicle_distance_keeps_distance_and_unit() -> None:
    a = one("vehicle_distance", {"site": "TJ01", "date": D, "vehicle": "car.average.diesel",
                                 "distance": 300.0, "unit": "mile"})  # fmt: skip
    assert (a["activity_type"], a["quantity"], a["unit"]) == ("vehicle.car.average.diesel", 300.0,
                                                              "mile")  # fmt: skip
    assert (a["scope"], a["category"], a["method"]) == (1, 2, "s1.mobile.distance")


def refrigerant(**kw: Any) -> dict[str, Any]:
    return {"site": "TJ01", "date": D, "gas": "R-410A", **kw}


def test_refrigerant_mass_balance_hand_checked() -> None:
    # (100 − 80) + (30 − 5) + (0 − 10) = 20 + 25 − 10 = 35 kg
    a = one("refrigerant", refrigerant(method="mass_balance", inventory_start=100.0,
                                       inventory_end=80.0, purchased=30.0, disposed=5.0,
                                       capacity_new=10.0, capacity_retired=0.0))  # fmt: skip
    assert a["activity_type"] == "gas.R410A"
    assert (a["quantity"], a["unit"]) == (35.0, "kg")
    assert (a["scope"], a["category"], a["method"]) == (1, 3, "s1.fugitive.mass_balance")


def test_refrigerant_mass_balance_empty_cells_are_zero_and_unit_converts_to_kg() -> None:
    # 0.1 t − 0.08 t = 0.02 t = 20 kg; other terms empty = 0
    a = one("refrigerant", refrigerant(method="mass_balance", unit="t", inventory_start=0.1,
                                       inventory_end=0.08))  # fmt: skip
    assert a["quantity"] == pytest.approx(20.0)
    assert a["unit"] == "kg"


def test_refrigerant_screening_and_direct() -> None:
    # screening: 12 kg charge × 4 % = 0.48 kg; direct: 1.5 kg measured
    res = run("refrigerant", [
        refrigerant(method="screening", charge=12.0, leak_rate_pct=4.0),
        refrigerant(method="direct", emitted=1.5, gas="HFC-134a"),
    ])  # fmt: skip
    assert res.issues == []
    got = res.activities.to_pylist()
    assert got[0]["quantity"] == pytest.approx(0.48)
    assert got[0]["method"] == "s1.fugitive.screening"
    assert (got[1]["activity_type"], got[1]["quantity"], got[1]["method"]) == (
        "gas.HFC134a", 1.5, "s1.fugitive.direct")  # fmt: skip


def test_refrigerant_negative_mass_balance_is_an_issue() -> None:
    # (100 − 130) = −30 kg: more refrigerant at the end than was there and bought
    msgs = issues_of("refrigerant", refrigerant(method="mass_balance", inventory_start=100.0,
                                                inventory_end=130.0))  # fmt: skip
    assert len(msgs) == 1
    assert "mass balance is negative" in msgs[0]
    assert "(100 − 130)" in msgs[0]
    assert "= -30 kg" in msgs[0]
    assert msgs[0].startswith("test.csv, row 2:")


def test_refrigerant_method_inputs_required_and_not_mixed() -> None:
    msgs = issues_of("refrigerant", refrigerant(method="screening", charge=10.0))
    assert msgs == ["test.csv, row 2, column 'leak_rate_pct': required for method 'screening'"]
    msgs = issues_of("refrigerant", refrigerant(method="mass_balance", inventory_start=5.0,
                                                charge=10.0))  # fmt: skip
    assert "column 'charge': is used by method 'screening' only" in msgs[0]


def test_direct_gas_converts_to_kg_and_kind_sets_category() -> None:
    res = run("direct_gas", [
        {"site": "TJ01", "date": D, "gas": "co2", "quantity": 2.5, "unit": "t"},
        {"site": "TJ01", "date": D, "gas": "CH4", "quantity": 40.0, "unit": "kg",
         "kind": "fugitive"},
    ])  # fmt: skip
    assert res.issues == []
    got = res.activities.to_pylist()
    assert [(a["activity_type"], a["quantity"], a["unit"], a["category"]) for a in got] == [
        ("gas.CO2", 2500.0, "kg", 4),
        ("gas.CH4", 40.0, "kg", 3),
    ]
    assert {a["method"] for a in got} == {"s1.direct_gas"}


# ---- Scope 2 ---------------------------------------------------------------------------------


def test_electricity_grid_and_onsite_renewable() -> None:
    res = run("electricity", [
        {"site": "TJ01", "date": D, "quantity": 52.0, "unit": "MWh", "supplier": "State Grid"},
        {"site": "TJ01", "date": D, "quantity": 800.0, "unit": "度", "source": "onsite renewable"},
    ])  # fmt: skip
    assert res.issues == []
    got = res.activities.to_pylist()
    assert [(a["activity_type"], a["quantity"], a["unit"]) for a in got] == [
        ("electricity.grid", 52.0, "MWh"),
        ("electricity.onsite_renewable", 800.0, "度"),
    ]
    assert {(a["scope"], a["category"], a["method"]) for a in got} == {(2, 1, "s2.electricity")}
    assert got[0]["description"] == "supplier: State Grid"


def test_electricity_in_a_mass_unit_is_an_issue_with_the_spec_message() -> None:
    msgs = issues_of("electricity", {"site": "TJ01", "date": D, "quantity": 5.0, "unit": "kg"})
    assert msgs == [
        "test.csv, row 2, column 'unit': unit 'kg' is a mass; column 'quantity' of template "
        "'electricity' needs an energy unit (value: 'kg')"
    ]


def test_energy_types_and_steam_mass() -> None:
    res = run("energy", [
        {"site": "TJ01", "date": D, "type": "steam", "quantity": 350.0, "unit": "t"},
        {"site": "TJ01", "date": D, "type": "heat", "quantity": 120.0, "unit": "GJ"},
        {"site": "TJ01", "date": D, "type": "cooling", "quantity": 9.0, "unit": "MWh"},
    ])  # fmt: skip
    assert res.issues == []
    got = [(a["activity_type"], a["category"], a["unit"]) for a in res.activities.to_pylist()]
    assert got == [("heat.steam", 2, "t"), ("heat.district", 3, "GJ"),
                   ("cooling.district", 4, "MWh")]  # fmt: skip
    msgs = issues_of("energy", {"site": "TJ01", "date": D, "type": "heat", "quantity": 1.0,
                                "unit": "t"})  # fmt: skip
    assert "accepted for steam only" in msgs[0]


def instrument(**kw: Any) -> dict[str, Any]:
    return {"instrument_id": "GEC-1", "type": "gec", "quantity": 500.0, "unit": "MWh",
            "vintage_start": date(2024, 1, 1), "vintage_end": date(2024, 12, 31), **kw}  # fmt: skip


def test_instrument_converts_to_kwh_and_defaults_region() -> None:
    res = run("instrument", [
        instrument(),
        instrument(instrument_id="PPA-7", type="PPA", site="LON", quantity=2.0, unit="GWh"),
        instrument(instrument_id="SUP-1", type="supplier_rate", emission_rate=0.35,
                   region="cn-tj", site="TJ01"),
    ])  # fmt: skip
    assert res.issues == []
    assert res.activities.num_rows == 0
    assert res.instruments.schema.equals(INSTRUMENT_SCHEMA)
    got = res.instruments.to_pylist()
    # 500 MWh = 500 000 kWh; 2 GWh = 2 000 000 kWh
    assert [(g["instrument_id"], g["type"], g["quantity_kwh"]) for g in got] == [
        ("GEC-1", "gec", 500_000.0), ("PPA-7", "ppa", 2_000_000.0), ("SUP-1", "supplier_rate",
                                                                    500_000.0)]  # fmt: skip
    # pooled → the organisation's country; LON (GB-LND) → GB; given region kept (upper-cased)
    assert [(g["region"], g["site"]) for g in got] == [("CN", None), ("GB", "LON"),
                                                       ("CN-TJ", "TJ01")]  # fmt: skip
    assert [g["emission_rate_kg_per_kwh"] for g in got] == [0.0, 0.0, 0.35]
    assert [g["source_row"] for g in got] == [2, 3, 4]


def test_instrument_issues() -> None:
    res = run("instrument", [
        instrument(),
        instrument(),  # duplicate id: both rows rejected
        instrument(instrument_id="S", type="supplier_rate"),  # rate missing
        instrument(instrument_id="V", vintage_end=date(2023, 12, 31)),  # ends before it starts
        instrument(instrument_id="G", emission_rate=550.0),  # g/kWh by mistake
    ])  # fmt: skip
    assert res.instruments.num_rows == 0
    by_row = {(i.row, i.field): i.reason for i in res.issues}
    assert "appears more than once (rows 2, 3)" in by_row[(2, "instrument_id")]
    assert (3, "instrument_id") in by_row
    assert by_row[(4, "emission_rate")].startswith("required for type 'supplier_rate'")
    assert by_row[(5, "vintage_end")] == "ends before vintage_start 2024-01-01"
    assert "g/kWh" in by_row[(6, "emission_rate")]


# ---- Scope 3 ---------------------------------------------------------------------------------


def test_spend_wan_yuan_becomes_cny_with_price_year() -> None:
    # 12.5 万元 = 12.5 × 10 000 = 125 000 CNY
    a = one("spend", {"date": D, "code": "NAICS:334111", "amount": 12.5, "currency": "万元"})
    assert (a["activity_type"], a["quantity"], a["unit"]) == ("spend.naics.334111", 125_000.0,
                                                              "CNY")  # fmt: skip
    assert (a["scope"], a["category"], a["price_year"]) == (3, 1, 2024)
    assert (a["method"], a["tier"]) == ("s3.spend_eeio", "spend")
    assert (a["site"], a["region"]) == ("*", "CN")  # organisation level: default region
    b = one("spend", {"date": D, "code": "spend.exiobase.CN.electronics", "amount": 9.0,
                      "currency": "USD", "category": 2, "price_year": 2022, "site": "HF02",
                      "supplier": "ACME", "region": "cn"})  # fmt: skip
    assert (b["activity_type"], b["unit"], b["category"], b["price_year"]) == (
        "spend.exiobase.CN.electronics", "USD", 2, 2022)  # fmt: skip
    assert (b["site"], b["region"], b["description"]) == ("HF02", "CN", "supplier: ACME")


def test_spend_issues() -> None:
    msgs = issues_of("spend", {"date": D, "code": "naics:1", "amount": 1.0, "currency": "kg"})
    assert "unit 'kg' is a mass; column 'amount' of template 'spend' needs a currency" in msgs[0]
    msgs = issues_of("spend", {"date": D, "code": "naics:", "amount": 1.0, "currency": "CNY"})
    assert "scheme:code" in msgs[0]
    msgs = issues_of("spend", {"date": D, "code": "naics:1", "amount": 1.0, "currency": "CNY",
                               "category": 16})  # fmt: skip
    assert "category 1–15 of Scope 3" in msgs[0]


def test_activity_template_as_given() -> None:
    a = one("activity", {"date": D, "scope": 3, "category": 2, "activity_type":
                         "material.steel.primary", "quantity": 120.0, "unit": "t"})  # fmt: skip
    assert (a["scope"], a["category"], a["activity_type"], a["quantity"], a["unit"]) == (
        3, 2, "material.steel.primary", 120.0, "t")  # fmt: skip
    assert (a["method"], a["price_year"]) == ("generic.activity", None)
    b = one("activity", {"date": D, "scope": 3, "category": 1, "activity_type": "spend.x",
                         "quantity": 2.0, "unit": "万元", "method": "s3.spend_eeio",
                         "tier": "Supplier-Specific"})  # fmt: skip
    assert (b["quantity"], b["unit"], b["price_year"], b["method"], b["tier"]) == (
        20_000.0, "CNY", 2024, "s3.spend_eeio", "supplier_specific")  # fmt: skip
    msgs = issues_of("activity", {"date": D, "scope": 1, "category": 7, "activity_type": "x.y",
                                  "quantity": 1.0, "unit": "t"})  # fmt: skip
    assert "Scope 1 has categories 1–4" in msgs[0]
    msgs = issues_of("activity", {"date": D, "scope": 4, "category": 1, "activity_type": "x.y",
                                  "quantity": 1.0, "unit": "t"})  # fmt: skip
    assert msgs == ["test.csv, row 2, column 'scope': must be a whole number from 1 to 3 "
                    "(value: '4')"]  # fmt: skip


def test_transport_tonne_km_hand_checked() -> None:
    res = run("transport", [
        # 2.5 t × 1 200 km = 3 000 tkm
        {"date": D, "mode": "road.hgv.average", "mass": 2.5, "mass_unit": "t", "distance": 1200.0,
         "distance_unit": "km"},
        # 500 kg × 300 miles = 0.5 t × 482.8032 km = 241.4016 tkm, downstream (category 9)
        {"date": D, "mode": "sea.container.average", "mass": 500.0, "mass_unit": "kg",
         "distance": 300.0, "distance_unit": "miles", "category": 9},
    ])  # fmt: skip
    assert res.issues == []
    got = res.activities.to_pylist()
    assert got[0]["quantity"] == pytest.approx(3000.0, rel=1e-12)
    assert got[1]["quantity"] == pytest.approx(241.4016, rel=1e-12)
    assert [(a["activity_type"], a["unit"], a["category"]) for a in got] == [
        ("freight.road.hgv.average", "tkm", 4),
        ("freight.sea.container.average", "tkm", 9),
    ]
    assert {a["method"] for a in got} == {"s3.transport.distance"}
    msgs = issues_of(
        "transport",
        {
            "date": D,
            "mode": "rail",
            "mass": 1.0,
            "mass_unit": "t",
            "distance": 1.0,
            "distance_unit": "km",
            "category": 5,
        },
    )
    assert "template 'transport' takes category 4 or 9" in msgs[0]


def test_business_travel_and_hotel() -> None:
    # 1 100 km × 2 travellers = 2 200 pkm
    a = one("business_travel", {"date": D, "mode": "air.short_haul.economy", "distance": 1100.0,
                                "unit": "km", "travellers": 2})  # fmt: skip
    assert (a["activity_type"], a["quantity"], a["unit"], a["category"], a["method"]) == (
        "travel.air.short_haul.economy", 2200.0, "pkm", 6, "s3.c6.distance")  # fmt: skip
    # default 1 traveller; 100 miles = 160.9344 km
    b = one("business_travel", {"date": D, "mode": "rail.national", "distance": 100.0,
                                "unit": "mile"})  # fmt: skip
    assert b["quantity"] == pytest.approx(160.9344)
    h = one("hotel", {"date": D, "country": "gb", "nights": 3.0})
    assert (h["activity_type"], h["quantity"], h["unit"], h["region"], h["method"]) == (
        "hotel.GB", 3.0, "room_night", "GB", "s3.c6.hotel")  # fmt: skip
    msgs = issues_of("hotel", {"date": D, "country": "GBR", "nights": 3.0})
    assert "ISO 3166-1 alpha-2" in msgs[0]


def test_commuting_hand_checked() -> None:
    # 10 employees × 220 days × 2 × 12.5 km = 55 000 pkm
    a = one("commuting", {"date": D, "mode": "car.average", "employees": 10.0, "days": 220.0,
                          "one_way_distance": 12.5, "distance_unit": "km"})  # fmt: skip
    assert (a["activity_type"], a["quantity"], a["unit"]) == ("travel.car.average", 55_000.0,
                                                              "pkm")  # fmt: skip
    assert (a["category"], a["method"]) == (7, "s3.c7.distance")


def test_waste() -> None:
    a = one("waste", {"date": D, "waste_type": "Mixed Plastics", "treatment": "Anaerobic "
                      "digestion", "quantity": 12.0, "unit": "t", "site": "TJ01"})  # fmt: skip
    assert (a["activity_type"], a["quantity"], a["unit"], a["category"]) == (
        "waste.mixed_plastics.anaerobic_digestion", 12.0, "t", 5)  # fmt: skip


def test_use_phase_hand_checked() -> None:
    # 1 000 units × 25 kWh/yr × 4 yr = 100 000 kWh, in the market region
    a = one("use_phase", {"date": D, "product": "Laptop", "units_sold": 1000.0,
                          "kwh_per_year": 25.0, "lifetime_years": 4.0, "market": "de"})  # fmt: skip
    assert (a["activity_type"], a["quantity"], a["unit"], a["region"]) == (
        "electricity.grid", 100_000.0, "kWh", "DE")  # fmt: skip
    assert (a["scope"], a["category"], a["method"], a["site"]) == (
        3, 11, "s3.c11.use_phase_energy", "*")  # fmt: skip
    assert a["description"] == "product: Laptop"


def test_end_of_life_hand_checked() -> None:
    # 1 000 × 2.1 kg × 40 % = 840 kg = 0.84 t
    a = one("end_of_life", {"date": D, "product": "Laptop", "units_sold": 1000.0,
                            "mass_per_unit": 2.1, "mass_unit": "kg", "waste_type": "weee",
                            "treatment": "recycling", "share_pct": 40.0})  # fmt: skip
    assert a["quantity"] == pytest.approx(0.84, rel=1e-12)
    assert (a["activity_type"], a["unit"], a["category"], a["region"]) == (
        "waste.weee.recycling", "t", 12, "CN")  # fmt: skip
    msgs = issues_of("end_of_life", {"date": D, "product": "L", "units_sold": 1.0,
                                     "mass_per_unit": 1.0, "mass_unit": "kg", "waste_type": "w",
                                     "treatment": "recycling", "share_pct": 140.0})  # fmt: skip
    assert "percentage and must be between 0 and 100" in msgs[0]


def test_investment_hand_checked() -> None:
    # 12 000 t × 25 % = 3 000 t; "tCO2e" is read as t
    a = one("investment", {"date": D, "investee": "Example Co.", "investee_emissions": 12_000.0,
                           "unit": "tCO2e", "ownership_pct": 25.0})  # fmt: skip
    assert (a["activity_type"], a["quantity"], a["unit"]) == ("co2e.disclosed", 3000.0, "t")
    assert (a["category"], a["method"], a["tier"]) == (15, "s3.c15.equity_share", "disclosed")
    assert a["description"] == "investee: Example Co."


def test_disclosed_basis() -> None:
    a = one(
        "disclosed",
        {
            "date": D,
            "scope": 2,
            "category": 1,
            "co2e": 35.2,
            "unit": "t",
            "basis": "market",
            "source_note": "verified 2023",
            "site": "TJ01",
        },
    )
    assert (a["activity_type"], a["quantity"], a["unit"], a["basis"]) == (
        "co2e.disclosed", 35.2, "t", "market")  # fmt: skip
    assert (a["scope"], a["category"], a["method"], a["tier"]) == (2, 1, "disclosed", "disclosed")
    assert a["description"] == "source: verified 2023"
    msgs = issues_of("disclosed", {"date": D, "scope": 3, "category": 1, "co2e": 1.0,
                                   "unit": "kg", "basis": "location"})  # fmt: skip
    assert "Scope 2 only" in msgs[0]


# ---- common rules ----------------------------------------------------------------------------


def fuel(**kw: Any) -> dict[str, Any]:
    return {"site": "TJ01", "date": D, "fuel": "diesel", "quantity": 1.0, "unit": "L", **kw}


def test_unknown_site_suggests_close_ids() -> None:
    msgs = issues_of("fuel", fuel(site="TJ1"))
    assert msgs == ["test.csv, row 2, column 'site': unknown site 'TJ1'; did you mean 'TJ01'? "
                    "(value: 'TJ1')"]  # fmt: skip


def test_site_case_is_forgiven_and_star_is_the_organisation() -> None:
    assert one("fuel", fuel(site="tj01"))["site"] == "TJ01"
    a = one("fuel", fuel(site="*"))
    assert (a["site"], a["region"]) == ("*", "CN")


def test_period_crossing_the_fiscal_year_says_where_to_split() -> None:
    msgs = issues_of("fuel", fuel(date=date(2024, 3, 1), period_end=date(2024, 4, 30)))
    assert len(msgs) == 1
    assert "crosses the fiscal-year boundary (FY2023/24 and FY2024/25)" in msgs[0]
    assert (
        "split the row at 2024-04-01 into: 2024-03-01 … 2024-03-31; 2024-04-01 … 2024-04-30"
        in (msgs[0])
    )
    # the same period is fine under calendar years, and a period within one year is fine
    cal = NormaliseContext("test.csv", SITES, "CN", calendar=FiscalCalendar(1))
    one("fuel", fuel(date=date(2024, 3, 1), period_end=date(2024, 4, 30)), cal)
    one("fuel", fuel(date=date(2024, 4, 1), period_end=date(2024, 4, 30)))


def test_period_end_before_date() -> None:
    msgs = issues_of("fuel", fuel(period_end=date(2024, 4, 1)))
    assert msgs == ["test.csv, row 2, column 'period_end': ends before the date 2024-05-01 "
                    "(value: '2024-04-01')"]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (fuel(quantity=-1.0), "column 'quantity': must be ≥ 0 (value: '-1')"),
        (fuel(quantity=float("inf")), "column 'quantity': must be a finite number"),
        (fuel(quantity=None), "column 'quantity': required value is empty"),
        (fuel(unit="kWhh"), "column 'unit': unknown unit 'kWhh'"),
        (fuel(unit="L/h"), "unit 'L/h' is of dimension [length] ** 3 / [time]; column 'quantity'"),
        (fuel(use="flying"), "column 'use': must be one of: stationary, mobile"),
        (fuel(dq_temporal=6), "column 'dq_temporal': must be a whole number from 1 to 5"),
        (fuel(tier="best"), "column 'tier': must be one of: supplier_specific, activity"),
    ],
)
def test_cell_rules(row: dict[str, Any], expected: str) -> None:
    msgs = issues_of("fuel", row)
    assert any(expected in m for m in msgs), msgs


def test_known_activity_types_suggest_close_matches_and_builtins_pass() -> None:
    ctx = NormaliseContext(
        "test.csv", SITES, "CN", known_activity_types=frozenset({"fuel.diesel", "fuel.natural_gas"})
    )
    msgs = issues_of("fuel", fuel(fuel="disel"), ctx)
    assert msgs == [
        "test.csv, row 2, column 'fuel': activity type 'fuel.disel' has no emission factor in "
        "the factor library; close matches: fuel.diesel (value: 'disel')"
    ]
    # gas.*, co2e.* and electricity.onsite_renewable need no library factor
    one("direct_gas", {"site": "TJ01", "date": D, "gas": "SF6", "quantity": 1.0, "unit": "kg"},
        ctx)  # fmt: skip
    one("investment", {"date": D, "investee": "X", "investee_emissions": 1.0, "unit": "t",
                       "ownership_pct": 10.0}, ctx)  # fmt: skip
    one("electricity", {"site": "TJ01", "date": D, "quantity": 1.0, "unit": "kWh",
                        "source": "onsite_renewable"}, ctx)  # fmt: skip
    msgs = issues_of("electricity", {"site": "TJ01", "date": D, "quantity": 1.0, "unit": "kWh"},
                     ctx)  # fmt: skip
    assert "column 'source': activity type 'electricity.grid' has no emission factor" in msgs[0]


def test_all_issues_of_a_row_are_reported_in_column_order() -> None:
    res = run("fuel", [fuel(site="nowhere", quantity=-2.0, unit="kWhh")])
    assert [i.field for i in res.issues] == ["site", "quantity", "unit"]
    assert res.activities.num_rows == 0


def test_output_schema_and_row_order() -> None:
    res = run("fuel", [fuel(quantity=float(i)) for i in range(5)] + [fuel(quantity=-1.0)])
    assert res.activities.schema.equals(NORMALISED_SCHEMA)
    assert res.activities.column("source_row").to_pylist() == [2, 3, 4, 5, 6]
    assert [i.row for i in res.issues] == [7]
    assert [f.name for f in NORMALISED_SCHEMA][:2] == ["source_row", "template"]


def test_empty_table() -> None:
    res = run("fuel", [])
    assert res.activities.num_rows == 0
    assert res.issues == []


def test_table_with_foreign_columns_is_refused() -> None:
    t = table("fuel", [fuel()]).append_column("qty", pa.array([1.0]))
    with pytest.raises(InputFileError, match="'qty' are not part of template 'fuel'"):
        normalise("fuel", t, CTX)


def test_unknown_template() -> None:
    with pytest.raises(UnknownTemplateError, match="did you mean 'fuel'"):
        get_template("fule")
    assert get_template(" Fuel ").name == "fuel"


def test_match_choice_and_describe_unit() -> None:
    assert match_choice("I_REC", ("rec", "i-rec")) == "i-rec"
    assert match_choice("Onsite Renewable", ("grid", "onsite_renewable")) == "onsite_renewable"
    assert match_choice("solar", ("grid",)) is None
    assert describe_unit("kg") == "a mass"
    assert describe_unit("万元") == "a currency (CNY)"
    assert describe_unit("tkm") == "a freight distance (mass × length)"


# ---- the catalogue agrees with docs/templates.md -------------------------------------------


def _doc_table(repo: Path) -> dict[str, tuple[set[str], set[str]]]:
    """template → (required columns, optional columns) as docs/templates.md lists them."""
    out: dict[str, tuple[set[str], set[str]]] = {}
    for line in (repo / "docs" / "templates.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| `(\w+)` \|[^|]*\| (.*?) \| .* \|$", line)
        if not m:
            continue
        cell = m.group(2)
        depth, flat = 0, []
        for ch in cell:  # drop parenthesised remarks (they hold values, not column names)
            depth += ch == "("
            if depth == 0:
                flat.append(ch)
            depth -= ch == ")"
        text = "".join(flat)
        out[m.group(1)] = (set(re.findall(r"\*\*(\w+)\*\*", text)),
                           set(re.findall(r"`(\w+)`", text)))  # fmt: skip
    return out


def test_catalogue_matches_the_documentation(repo: Path) -> None:
    doc = _doc_table(repo)
    assert list(doc) == list(template_names())
    for name, (required, optional) in doc.items():
        tpl = TEMPLATES[name]
        assert set(tpl.required_columns) == required, name
        documented_optional = set(tpl.column_names) - set(tpl.required_columns) - _COMMON
        assert documented_optional == optional, name


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_every_example_row_normalises_cleanly(name: str) -> None:
    tpl = TEMPLATES[name]
    parse: dict[str, Callable[[str], Any]] = {
        "number": float,
        "integer": int,
        "date": date.fromisoformat,
    }
    row = {c.name: parse.get(c.kind, str)(c.example) for c in tpl.columns if c.example}
    res = run(name, [row])
    assert res.issues == []
    produced = res.instruments if name == "instrument" else res.activities
    assert produced.num_rows == 1
    for c in tpl.columns:
        assert c.description, (name, c.name)
        assert c.description_zh, (name, c.name)
        assert c.kind != "choice" or c.choices
        assert c.kind == "unit" or c.dimension is None
    assert tpl.default_tier in Tier


# ---- nothing is dropped ----------------------------------------------------------------------

_SITE = st.sampled_from(["TJ01", "tj01", "*", "XX", None, ""])
_NUM = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=64),
                 st.sampled_from([0.0, 1.0, -1.0, 100.0, 1e308]))  # fmt: skip
_DATE = st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
_TEXT = st.one_of(st.none(), st.sampled_from(["diesel", "R410A", "", "  ", "Natural Gas"]),
                  st.text(max_size=6))  # fmt: skip
_UNIT = st.one_of(st.none(), st.sampled_from(["kg", "t", "L", "kWh", "km", "万元", "bogus", ""]))


def _row_strategy(template: str) -> st.SearchStrategy[dict[str, Any]]:
    tpl = get_template(template)
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for c in tpl.columns:
        if c.name == "site":
            fields[c.name] = _SITE
        elif c.kind == "number":
            fields[c.name] = _NUM
        elif c.kind == "integer":
            fields[c.name] = st.one_of(st.none(), st.integers(-3, 20))
        elif c.kind == "date":
            fields[c.name] = _DATE
        elif c.kind == "unit":
            fields[c.name] = _UNIT
        elif c.kind == "choice":
            fields[c.name] = st.one_of(st.none(), st.sampled_from([*c.choices, "nonsense"]))
        else:
            fields[c.name] = _TEXT
    return st.fixed_dictionaries(fields)


@pytest.mark.parametrize("template", list(TEMPLATES))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_row_becomes_an_activity_or_an_issue_never_both(template: str, data: Any) -> None:
    rows = data.draw(st.lists(_row_strategy(template), max_size=12))
    known = data.draw(st.one_of(st.none(), st.just(frozenset({"fuel.diesel"}))))
    ctx = NormaliseContext("h.csv", SITES, "CN", known_activity_types=known)
    res = run(template, rows, ctx)
    produced = res.instruments if template == "instrument" else res.activities
    ok = set(produced.column("source_row").to_pylist())
    bad = {i.row for i in res.issues}
    assert ok.isdisjoint(bad)
    assert ok | bad == set(range(2, 2 + len(rows)))
    assert produced.num_rows == len(ok)
    if produced.num_rows:
        q = produced.column("quantity_kwh" if template == "instrument" else "quantity")
        assert all(v >= 0 and v != float("inf") for v in q.to_pylist())


# ---- suppliers and products as activity dimensions (decision 0044) -------------------------


def test_supplier_and_product_fill_the_activity_columns_where_attributable() -> None:
    # spend category 1 (purchased goods): the supplier and product are the activity's
    a = one("spend", {"date": D, "code": "naics:334111", "amount": 1.0, "currency": "CNY",
                      "supplier": "acme", "product": "panel-14"})  # fmt: skip
    assert (a["supplier"], a["product"]) == ("acme", "panel-14")
    assert a["description"] == "supplier: acme; product: panel-14"  # still kept there too
    # spend category 6 (business travel): not attributable, kept in the description only
    b = one("spend", {"date": D, "code": "naics:481000", "amount": 1.0, "currency": "CNY",
                      "category": 6, "supplier": "airline"})  # fmt: skip
    assert (b["supplier"], b["product"], b["description"]) == (None, None, "supplier: airline")
    # transport (category 4 and 9) and activity rows of Scope 3 category 2
    t = one("transport", {"date": D, "mode": "rail", "mass": 1.0, "mass_unit": "t",
                          "distance": 1.0, "distance_unit": "km", "category": 9,
                          "supplier": "carrier-1"})  # fmt: skip
    assert (t["supplier"], t["product"]) == ("carrier-1", None)
    g = one("activity", {"date": D, "scope": 3, "category": 2, "activity_type": "m.x",
                         "quantity": 1.0, "unit": "t", "supplier": "s",
                         "product": "p"})  # fmt: skip
    assert (g["supplier"], g["product"]) == ("s", "p")
    s1 = one("activity", {"date": D, "scope": 1, "category": 1, "activity_type": "fuel.x",
                          "quantity": 1.0, "unit": "t", "supplier": "s"})  # fmt: skip
    assert s1["supplier"] is None  # Scope 1: not a Scope 3 attribution


def test_sold_products_keep_their_product_in_the_description() -> None:
    # use_phase / end_of_life are not ATTRIBUTABLE_TEMPLATES (yet): the demo stays unchanged
    a = one("use_phase", {"date": D, "product": "Laptop", "units_sold": 1.0,
                          "kwh_per_year": 1.0, "lifetime_years": 1.0, "market": "CN"})  # fmt: skip
    assert (a["product"], a["supplier"], a["description"]) == (None, None, "product: Laptop")
    b = one("activity", {"date": D, "scope": 3, "category": 11, "activity_type": "m.x",
                         "quantity": 1.0, "unit": "t", "product": "Laptop"})  # fmt: skip
    assert b["product"] == "Laptop"  # category 11 through the generic template


def test_files_without_supplier_or_product_leave_them_empty() -> None:
    a = one("spend", {"date": D, "code": "naics:334111", "amount": 1.0, "currency": "CNY"})
    assert (a["supplier"], a["product"], a["description"]) == (None, None, None)
    e = one("electricity", {"site": "TJ01", "date": D, "quantity": 1.0, "unit": "kWh",
                            "supplier": "State Grid"})  # fmt: skip
    assert (e["supplier"], e["description"]) == (None, "supplier: State Grid")  # Scope 2


def test_docs_templates_md_is_generated_from_the_catalogue(repo: Path) -> None:
    """docs/templates.md is what ``tools/gen_templates_doc.py`` writes (decision 0043)."""
    from lingtan.core.templates.doc import render

    committed = (repo / "docs" / "templates.md").read_text(encoding="utf-8")
    assert committed == render(), "run .venv/bin/python tools/gen_templates_doc.py"


def test_unattributed_is_not_a_supplier_or_product_id() -> None:
    # "unattributed" is the inventory's key for rows without a supplier (decision 0044): a row
    # naming it would be counted with those rows, so it is refused, naming the column
    res = run("spend", [
        {"date": D, "code": "naics:334111", "amount": 1.0, "currency": "CNY", "supplier": "S-A"},
        {"date": D, "code": "naics:334111", "amount": 1.0, "currency": "CNY",
         "supplier": " Unattributed "},
        {"date": D, "code": "naics:481000", "amount": 1.0, "currency": "CNY", "category": 6,
         "supplier": "unattributed"},  # business travel: description only, so no clash
    ])  # fmt: skip
    assert res.activities.column("source_row").to_pylist() == [2, 4]
    assert [(i.row, i.field) for i in res.issues] == [(3, "supplier")]
    assert "reserved" in res.issues[0].reason
