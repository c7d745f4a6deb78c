"""The inventory by supplier and by product (decision 0044).

Hand-made rows [kg CO2e]:

=====  ========  ========  ===============  ========  =======  ======
scope  category  basis     gas              supplier  product  kg
=====  ========  ========  ===============  ========  =======  ======
3      1         both      CO2              S-A       P-1      3 000
3      1         both      CH4              S-A       —          500
3      1         both      CO2              S-B       P-1      1 500
3      1         both      CO2biogenic      S-B       P-1        400  (outside the scopes)
1      1         both      CO2              —         —        2 000
2      1         location  CO2              —         —        1 000
2      1         market    CO2              —         —          800
=====  ========  ========  ===============  ========  =======  ======

Market-based [t CO2e]: S-A 3.5, S-B 1.5, unattributed 2.0 + 0.8 = 2.8; sum 7.8 = the total.
Location-based: unattributed 2.0 + 1.0 = 3.0. By product (market): P-1 3.0 + 1.5 = 4.5,
unattributed 0.5 + 2.0 + 0.8 = 3.3. The biogenic 0.4 t is in none of them.
"""

from __future__ import annotations

import pytest

from lingtan.core.gwp import CO2_BIOGENIC
from lingtan.core.inventory import (
    UNATTRIBUTED,
    AggregateRow,
    Inventory,
    build_inventory,
)


def row(
    scope: int,
    basis: str,
    gas: str,
    kg: float,
    supplier: str | None = None,
    product: str | None = None,
) -> AggregateRow:
    return AggregateRow(
        scope, 1, 1 if scope == 1 else scope, basis, gas, "HQ", "2023-05", "m", "activity", kg,
        1, supplier, product,
    )  # fmt: skip


ROWS = [
    row(3, "both", "CO2", 3000.0, "S-A", "P-1"),
    row(3, "both", "CH4", 500.0, "S-A"),
    row(3, "both", "CO2", 1500.0, "S-B", "P-1"),
    row(3, "both", CO2_BIOGENIC, 400.0, "S-B", "P-1"),
    row(1, "both", "CO2", 2000.0),
    row(2, "location", "CO2", 1000.0),
    row(2, "market", "CO2", 800.0),
]

#: The keys of the inventory document before suppliers and products existed, in order.
KEYS_BEFORE = [
    "organisation", "fiscal_year", "period", "gwp_set", "consolidation", "units", "totals_tco2e",
    "scope1_by_category_tco2e", "scope2_by_category_tco2e", "scope3_by_category_tco2e",
    "iso14064_by_category_tco2e", "by_gas_tco2e", "by_site_tco2e", "by_entity_tco2e",
    "by_month_tco2e", "by_tier_tco2e", "by_kyoto_gas", "by_kyoto_gas_note", "shares_pct",
    "completeness", "split", "market_based", "data_quality", "uncertainty", "snapshot_id",
]  # fmt: skip


def inventory(rows: list[AggregateRow]) -> Inventory:
    return build_inventory(
        rows,
        organisation="T",
        fiscal_year="FY2023/24",
        period_start="2023-04-01",
        period_end="2024-03-31",
        gwp_set="AR5",
        consolidation="operational_control",
    )


def test_by_supplier_with_unattributed_last() -> None:
    inv = inventory(ROWS)
    got = inv.by_supplier()
    assert list(got) == ["S-A", "S-B", UNATTRIBUTED]
    assert got == pytest.approx({"S-A": 3.5, "S-B": 1.5, UNATTRIBUTED: 2.8})
    assert sum(got.values()) == pytest.approx(inv.totals()["total_market"])  # 7.8
    assert inv.by_supplier("location") == pytest.approx({"S-A": 3.5, "S-B": 1.5, UNATTRIBUTED: 3.0})
    assert inv.by_supplier(scope=3) == pytest.approx({"S-A": 3.5, "S-B": 1.5})  # none unattributed


def test_by_product() -> None:
    got = inventory(ROWS).by_product()
    assert got == pytest.approx({"P-1": 4.5, UNATTRIBUTED: 3.3})


def test_document_has_the_breakdowns_only_when_rows_name_them() -> None:
    doc = inventory(ROWS).to_dict()
    assert doc["by_supplier_tco2e"] == {"S-A": 3.5, "S-B": 1.5, UNATTRIBUTED: 2.8}
    assert doc["by_product_tco2e"] == {"P-1": 4.5, UNATTRIBUTED: 3.3}
    keys = list(doc)
    at = keys.index("by_tier_tco2e")
    assert keys[at + 1 : at + 3] == ["by_supplier_tco2e", "by_product_tco2e"]

    plain = [row(r.scope, r.basis, r.gas, r.co2e_kg) for r in ROWS]  # no supplier, no product
    assert list(inventory(plain).to_dict()) == KEYS_BEFORE
    only_supplier = [row(3, "both", "CO2", 1000.0, "S-A")]
    doc = inventory(only_supplier).to_dict()
    assert doc["by_supplier_tco2e"] == {"S-A": 1.0}
    assert "by_product_tco2e" not in doc


def test_state_round_trip_and_old_state() -> None:
    """A row is stored with its dimensions only when stated; a row stored before they existed
    (no such keys) reads with none."""
    with_dims = ROWS[0]
    assert AggregateRow(**with_dims.to_state()) == with_dims
    plain = ROWS[4]
    state = plain.to_state()
    assert "supplier" not in state
    assert "product" not in state
    old = {k: v for k, v in plain.__dict__.items() if k not in ("supplier", "product")}
    assert AggregateRow(**old) == plain
    assert AggregateRow(**old).supplier is None


def test_a_supplier_named_unattributed_is_counted_with_them() -> None:
    """``unattributed`` is reserved: a supplier of that id joins the rows without one."""
    rows = [row(3, "both", "CO2", 1000.0, UNATTRIBUTED), row(3, "both", "CO2", 500.0)]
    assert inventory(rows).by_supplier() == pytest.approx({UNATTRIBUTED: 1.5})
