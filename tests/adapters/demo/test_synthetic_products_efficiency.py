"""The ILLUSTRATIVE comparable products of the synthetic demo
(``adapters/demo/synthetic_products_efficiency.py``, decision 0076): merged into a family file
once, keeping its own records and comments, and giving the gains of the module's table."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.adapters.demo import synthetic_products_efficiency as spe
from lingtan.adapters.io.lca.native import bundled_text, parse_family_yaml
from lingtan.adapters.services.kpi_values import REPORT_BASE_YEARS, sales_weighted_gain
from lingtan.modules.products.efficiency import units_sold


def test_merged_into_the_bundled_family_once_keeping_its_text() -> None:
    laptops = bundled_text("laptops.yaml")
    merged = spe.merge_family_text(laptops)
    assert merged is not None
    assert spe.merge_family_text(merged) is None  # idempotent
    assert merged.startswith(laptops.split("# reductions of Gen 5")[0])  # text kept
    family = parse_family_yaml(merged, "family.yaml")
    assert [r.product_id for r in family.energy][:3] == ["LB14-G1", "LB14-G4", "LB14-G5"]
    assert len(family.energy) == 3 + len(spe.RECORDS)
    assert len(family.sales) == len(spe.SALES)
    assert family.products == parse_family_yaml(laptops, "laptops.yaml").products


def test_a_flow_style_family_is_merged_plainly() -> None:
    record = "{product_id: A, line: x, generation: 1, year: 1, kwh_per_year: 1}"
    text = f"energy: {{records: [{record}]}}\n"
    merged = spe.merge_family_text(text)
    assert merged is not None
    family = parse_family_yaml(merged, "family.yaml")
    assert len(family.energy) == 1 + len(spe.RECORDS)
    assert len(family.sales) == len(spe.SALES)


def test_no_family_file_nothing_written(tmp_path: Path) -> None:
    assert spe.merge_into_family(tmp_path) is None
    assert not (tmp_path / "products").exists()


def test_the_gains_of_the_module_table() -> None:
    """Sales-weighted TEC per line and fiscal year; gain vs the report's base years."""
    tec = {p: (line, kwh) for p, line, _, _, kwh in spe.RECORDS}
    sold = units_sold({}, parse_family_yaml(spe.merge_family_text("{}") or "", "f").sales)
    sums: dict[tuple[str, int], tuple[float, float]] = {}
    for (p, y), (u, _) in sold.items():
        n, e = sums.get((tec[p][0], y), (0.0, 0.0))
        sums[(tec[p][0], y)] = (n + u, e + u * tec[p][1])
    ds = sales_weighted_gain(sums, REPORT_BASE_YEARS, ["desktop", "server"], 2023)
    assert ds is not None
    # desktop 116/92 − 1 = 26.087 %, server 1,720/1,320 − 1 = 30.303 %
    assert ds[1] == pytest.approx({"desktop": 26.0870, "server": 30.3030}, abs=1e-4)
    assert ds[0] == pytest.approx(26.288, abs=1e-3)  # weights 100,000 and 5,000 units
    fy22 = sales_weighted_gain(sums, REPORT_BASE_YEARS, ["desktop", "server"], 2022)
    assert fy22 is not None
    # desktop 116/97.5 − 1 = 18.974 %, server 1,720/1,360 − 1 = 26.471 %
    assert fy22[1] == pytest.approx({"desktop": 18.9744, "server": 26.4706}, abs=1e-4)
    nbm = sales_weighted_gain(sums, REPORT_BASE_YEARS, ["notebook", "motorola"], 2023)
    assert nbm is not None
    # notebook 30.8/25.727 − 1 = 19.717 %, Motorola (base FY2020/21) 5.85/4.7333 − 1 = 23.592 %
    assert nbm[1] == pytest.approx({"notebook": 19.7173, "motorola": 23.5915}, abs=1e-4)
    assert all(0 < g < 50 for g in ds[1].values())  # below the goal: +50 % by FY2029/30
    assert all(0 < g < 30 for g in nbm[1].values())  # below the goal: +30 % by FY2029/30
