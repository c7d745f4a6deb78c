"""Completeness assessment (GHG Protocol ch. 1 completeness; Scope 3 Standard ch. 6 relevance
tests; ISO 14064-1 §5.2, §9.3): status, rows, tonnage basis, what to add, exclusions."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from lingtan.core.completeness import COMPLETE, INCOMPLETE, Exclusion, assess
from lingtan.core.inventory import AggregateRow, build_inventory


def gap(lookup: str, **kw: Any) -> dict[str, Any]:
    """One gap row as the engine stores it (``runner._gap_rows``)."""
    return {
        "lookup": lookup,
        "region_eff": kw.get("region", "CN"),
        "unit": kw.get("unit", "t"),
        "scope": kw.get("scope", 3),
        "category": kw.get("category", 1),
        "rows": kw.get("rows", 1),
        "quantity": kw.get("quantity", 10.0),
        "no_factor": kw.get("no_factor", True),
    }


def row(scope: int, category: int, kg: float, method: str = "test") -> AggregateRow:
    return AggregateRow(scope, category, 1, "both", "CO2", "HQ", "2023-05", method, "activity", kg)


def test_nothing_missing_is_complete() -> None:
    c = assess([], fiscal_year="FY2023/24", scope3_reported=[1])
    assert c.status == COMPLETE
    assert c.rows_not_calculated == 0
    assert c.scope3["1"] == "reported"
    assert c.scope3["2"] == "not_reported"
    # categories with no data and no reason are one open item; they do not make it incomplete
    assert c.open_items == (
        "Scope 3 categories 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15: not reported, no "
        "reason (add a reason under exclusions: in lingtan.yaml, or the data)",
    )


def test_rows_basis_and_what_to_add() -> None:
    c = assess(
        [
            gap("fuel.biogas", scope=1, category=1, unit="m3", rows=3, quantity=120.0),
            gap("fuel.biogas", scope=1, category=1, unit="m3", rows=1, quantity=30.0),
            gap("spend.eeio.331", unit="EUR", rows=2, quantity=5000.0, no_factor=False),
        ],
        fiscal_year="FY2023/24",
    )
    assert c.status == INCOMPLETE
    assert c.rows_not_calculated == 3 + 1 + 2
    assert c.basis() == {"fuel.biogas [m3]": 150.0, "spend.eeio.331 [EUR]": 5000.0}
    # gap rows without a reason (a snapshot stored before reasons): worded from the cause, the
    # region chain of core.boundary (CN → GLO) and the unit's currency
    assert c.what_to_add() == [
        "an emission factor for fuel.biogas in CN valid in FY2023/24, in m3 or a unit "
        "convertible from it (a factor set in factors/; regions searched: CN → GLO)",
        "a EUR exchange rate for FY2023/24 or a price index for the factor's price year for "
        "spend.eeio.331: the bundled series (ECB rates, BEA index) lack it; "
        "reference/fx_rates.csv or reference/price_index.csv can supply it",
    ]
    assert c.groups[2].currency == "EUR"
    assert c.groups[2].cause == "no_conversion"
    assert c.summary() == (
        "incomplete: 6 activity rows not calculated (fuel.biogas 150 m3; spend.eeio.331 5,000 EUR)"
    )


def test_unit_conversion_missing_names_the_unit() -> None:
    c = assess([gap("material.steel", unit="m3", no_factor=False)], fiscal_year="FY2023/24")
    assert c.what_to_add() == [
        "a conversion from m3 for material.steel: a factor in m3, or the quantity in a unit of "
        "the factor's dimension"
    ]


BEA = "US BEA GDP implicit price deflator A191RD3A086NBEA, 2017=100 (bundled)"


def test_missing_price_index_names_currency_year_and_series() -> None:
    reason = {
        "kind": "price_index",
        "text": f"no conversion: price index for 2031 missing in series {BEA} (currency USD)",
        "currency": "USD",
        "year": 2031,
        "series": [{"name": "reference/price_index.csv", "years": ""},
                   {"name": BEA, "years": "1929–2025"}],
        "from_unit": "USD",
        "to_unit": "USD",
    }  # fmt: skip
    g = {**gap("spend.naics.111110", unit="USD", no_factor=False), "reason": reason}
    c = assess([g], fiscal_year="FY2031/32")
    assert c.what_to_add() == [
        "a price index for USD 2031 (series tried: reference/price_index.csv (no USD), "
        f"{BEA} (USD 1929–2025)): reference/price_index.csv supplies it, as a whole USD series "
        "(it replaces the bundled index of USD for every year)"
    ]
    d = c.to_dict()["groups"][0]
    assert d["reason"] == reason
    assert d["reason_text"] == reason["text"]


def test_units_that_cannot_convert_are_both_named() -> None:
    # same dimension, no conversion (the engine's reason kind "unit")
    r = {"kind": "unit", "text": "…", "from_unit": "kWh", "to_unit": "kWh (Net CV)"}
    c = assess([{**gap("fuel.x", unit="kWh", no_factor=False), "reason": r}])
    assert c.what_to_add() == [
        "a conversion from kWh to kWh (Net CV) for fuel.x: kWh does not convert to kWh (Net CV) "
        "(the factor's unit); the quantity in a unit convertible to kWh (Net CV), or a factor in "
        "kWh"
    ]
    # another dimension: the rows have no factor of their dimension
    r = {"kind": "unit", "text": "kWh does not convert to t", "from_unit": "kWh", "to_unit": "t"}
    c = assess([{**gap("material.widget", unit="kWh"), "reason": r}])
    assert c.groups[0].cause == "no_factor"
    assert c.what_to_add() == [
        "the quantity of material.widget in a unit convertible to t (the unit of its factors; "
        "kWh does not convert to t), or an emission factor in kWh"
    ]


def test_no_factor_names_activity_region_chain_and_year() -> None:
    chain = ["CN-JS", "CN-GRID-EAST", "CN", "GLO"]
    r = {"kind": "factor", "text": "no emission factor", "region_chain": chain}
    c = assess([{**gap("material.gadget", region="CN-JS"), "reason": r}], fiscal_year="FY2023/24")
    assert c.what_to_add() == [
        "an emission factor for material.gadget in CN-JS valid in FY2023/24, in t or a unit "
        "convertible from it (a factor set in factors/; regions searched: CN-JS → CN-GRID-EAST → "
        "CN → GLO)"
    ]


def test_excluded_category_with_a_reason_does_not_count() -> None:
    excl = [Exclusion(8, "size", "no leased assets")]
    c = assess([gap("asset.lease", category=8)], exclusions=excl, scope3_reported=[1])
    assert c.status == COMPLETE
    assert c.groups[0].excluded
    assert c.scope3["8"] == "excluded"
    # a failed row in a category that is not excluded counts
    c = assess([gap("asset.lease", category=9)], exclusions=excl)
    assert c.status == INCOMPLETE
    assert c.scope3["9"] == "not_calculated"


def test_excluded_category_with_data_is_an_open_item() -> None:
    c = assess([], scope3_reported=[8], exclusions=[Exclusion(8, "risk")])
    assert c.scope3["8"] == "reported"
    assert any("category 8" in item and "exclusions register" in item for item in c.open_items)


@pytest.mark.parametrize(
    ("category", "reason", "note", "message"),
    [
        (0, "size", "", "Scope 3 categories are 1–15"),
        (3, "cheap", "", "one of size, influence"),
        (3, "other", " ", "reason 'other' needs a note"),
    ],
)
def test_exclusion_validates(category: int, reason: str, note: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Exclusion(category, reason, note)


def test_inventory_exposes_status_and_document_section() -> None:
    inv = build_inventory(
        [row(3, 1, 5000.0)],
        organisation="T",
        fiscal_year="FY2023/24",
        period_start="2023-04-01",
        period_end="2024-03-31",
        gwp_set="AR5",
        consolidation="operational_control",
        unresolved=(gap("material.gadget", category=2, quantity=12.0),),
    )
    assert inv.status == INCOMPLETE
    doc = inv.to_dict()["completeness"]
    assert doc["status"] == INCOMPLETE
    assert doc["rows_not_calculated"] == 1
    assert doc["basis"] == {"material.gadget [t]": 12.0}
    assert doc["unresolved"][0]["lookup"] == "material.gadget"  # kept for older readers
    assert doc["scope3_categories"]["2"] == "not_calculated"


def test_split_of_a_disclosed_scope() -> None:
    meta: dict[str, Any] = {
        "organisation": "T", "fiscal_year": "FY2023/24", "period_start": "2023-04-01",
        "period_end": "2024-03-31", "gwp_set": "AR5", "consolidation": "operational_control",
    }  # fmt: skip
    inv = build_inventory(
        [row(1, 1, 1.0, "disclosed"), row(3, 1, 1.0, "disclosed"), row(3, 6, 1.0, "disclosed")],
        **meta,
    )
    assert inv.split(1) is False  # one disclosed figure: no split
    assert inv.split(2) is None  # no Scope 2 rows
    assert inv.split(3) is True  # disclosed per category
    assert build_inventory([row(1, 1, 1.0)], **meta).split(1) is True  # calculated rows


def test_scope3_disclosed_without_split_is_not_split_not_unreported() -> None:
    meta: dict[str, Any] = {
        "organisation": "T", "fiscal_year": "FY2018/19", "period_start": "2018-04-01",
        "period_end": "2019-03-31", "gwp_set": "AR5", "consolidation": "operational_control",
    }  # fmt: skip
    inv = build_inventory([row(3, 1, 20_432_500.0, "disclosed")], **meta)
    c = inv.completeness
    assert c.status == COMPLETE
    assert c.scope3["1"] == "reported"
    assert {c.scope3[str(k)] for k in range(2, 16)} == {"not_split"}
    assert not any("not reported" in item for item in c.open_items)
    assert any("not split by category" in item for item in c.open_items)
    split = build_inventory(
        [row(3, 1, 1.0, "disclosed"), row(3, 6, 1.0, "disclosed")], **meta
    ).completeness
    assert split.scope3["2"] == "not_reported"  # split, and category 2 has nothing: say so


def test_snapshot_stored_before_completeness_still_loads() -> None:
    """An inventory state written before the completeness fields existed (no ``exclusions``,
    no ``completeness``): its status is derived from its ``unresolved`` list."""
    from lingtan.adapters.compute.stored_inventory import inventory_from_snapshot

    state = {
        "meta": {
            "organisation": "T", "fiscal_year": "FY2023/24", "period_start": "2023-04-01",
            "period_end": "2024-03-31", "gwp_set": "AR5", "consolidation": "operational_control",
            "site_entities": {}, "snapshot_id": "0" * 64,
        },
        "rows": [row(3, 1, 5000.0).__dict__],
        "unresolved": [gap("material.gadget", category=2, rows=4, quantity=12.0)],
        "not_estimated": [],
        "market_notes": [],
    }  # fmt: skip
    inv = inventory_from_snapshot(SimpleNamespace(inventory=state))  # type: ignore[arg-type]
    assert inv.status == INCOMPLETE
    assert inv.completeness.rows_not_calculated == 4
    assert inv.exclusions == ()
    state["unresolved"] = []
    assert inventory_from_snapshot(SimpleNamespace(inventory=state)).status == COMPLETE  # type: ignore[arg-type]
