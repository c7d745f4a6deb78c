"""Rows of the inventory page (lingtan.adapters.web.tables)."""

from __future__ import annotations

from typing import Any

import pytest

from lingtan.adapters.web.tables import breakdown_rows, scope_category_rows


def test_scope_rows_both_bases_and_selections(inv: dict[str, Any]) -> None:
    rows = scope_category_rows(inv)
    by = {r.label: r for r in rows}
    total = rows[0]
    assert total.label == "kpi.total"
    assert total.market.selection == {}
    assert (total.market.value, total.location.value) == (9000.0, 10000.0)
    s2 = by["scope.2"]  # Scope 2 Guidance: dual reporting, market 2,000 / location 3,000
    assert (s2.market.value, s2.location.value) == (2000.0, 3000.0)
    assert s2.location.basis == "location"
    assert s2.location.selection == {"scope": 2}
    c = by["cat.3.6"]
    assert c.market.value == 750.0
    assert c.market.selection == {"scope": 3, "category": 6}
    assert c.code == "3.6"
    assert c.level == "category"
    # all 15 Scope 3 categories listed, in order, after the Scope 3 subtotal
    s3 = [r.label for r in rows if r.label.startswith("cat.3.")]
    assert s3 == [f"cat.3.{i}" for i in range(1, 16)]
    # scope subtotals add up to the total: 1,250 + 2,000 + 5,750 = 9,000
    assert sum(r.market.value or 0 for r in rows if r.level == "scope") == 9000.0


def test_location_not_available_stays_none(inv: dict[str, Any]) -> None:
    inv["scope2_by_category_tco2e"]["location"] = None
    inv["totals_tco2e"]["scope2_location"] = None
    inv["totals_tco2e"]["total_location"] = None
    rows = scope_category_rows(inv)
    assert rows[0].location.value is None
    assert next(r for r in rows if r.label == "cat.2.1").location.value is None


def test_breakdowns(inv: dict[str, Any]) -> None:
    sites = breakdown_rows(inv, "site")
    assert [(k, f.value) for k, f in sites] == [("*", 5000.0), ("TJ", 3000.0), ("WH", 1000.0)]
    assert sites[1][1].selection == {"site": "TJ"}
    months = breakdown_rows(inv, "month")
    assert [k for k, _ in months] == ["2023-04", "2023-05"]
    ents = breakdown_rows(inv, "entity")
    assert ents[0][1].selection == {}  # entities: no lineage selection of their own
    with pytest.raises(ValueError, match="unknown breakdown"):
        breakdown_rows(inv, "colour")
