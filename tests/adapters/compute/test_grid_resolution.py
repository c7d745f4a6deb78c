"""The engine resolves grid factors like :func:`lingtan.core.factors.resolve` (decision 0028): a
proxy set ranks below every other set whatever the dates, and a Chinese province chains through
its regional grid to CN."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import test_accounting_cases as cases
from test_accounting_cases import run_case

from lingtan.core.factors import EmissionFactor, make_factor

CASE: dict[str, Any] = {
    "name": "grid proxy tier and China chain",
    "period": "FY2023/24",
    "gwp": {"set": "AR5", "values": {"CH4": 28, "N2O": 265}},
    "sites": {"MUC": {"region": "DE-BY"}, "SZ": {"region": "CN-JS"}, "XZ": {"region": "CN-XZ"}},
    "factors": [
        # an official DE factor that expired before the activity (earlier year) …
        {"set": "official", "factor_id": "de", "activity_type": "electricity.grid",
         "region": "DE", "unit": "kWh", "gas": "CO2", "value": 0.3,
         "valid_from": "2020-01-01", "valid_to": "2021-01-01"},
        # … still beats the proxy valid on the date
        {"set": "ember-grid-proxy", "factor_id": "de-proxy", "activity_type": "electricity.grid",
         "region": "DE", "unit": "kWh", "gas": "CO2e", "gwp_set": "AR5", "value": 0.38095,
         "valid_from": "2023-01-01"},
        {"set": "official", "factor_id": "js", "activity_type": "electricity.grid",
         "region": "CN-JS", "unit": "kWh", "gas": "CO2", "value": 0.5827,
         "valid_from": "2023-01-01", "valid_to": "2024-01-01"},
        {"set": "official", "factor_id": "east", "activity_type": "electricity.grid",
         "region": "CN-GRID-EAST", "unit": "kWh", "gas": "CO2", "value": 0.55,
         "valid_from": "2023-01-01", "valid_to": "2024-01-01"},
        {"set": "official", "factor_id": "sw", "activity_type": "electricity.grid",
         "region": "CN-GRID-SOUTHWEST", "unit": "kWh", "gas": "CO2", "value": 0.2472,
         "valid_from": "2023-01-01", "valid_to": "2024-01-01"},
        {"set": "official", "factor_id": "cn", "activity_type": "electricity.grid",
         "region": "CN", "unit": "kWh", "gas": "CO2", "value": 0.5306,
         "valid_from": "2023-01-01", "valid_to": "2024-01-01"},
    ],
    "activities": [
        {"site": "MUC", "date": "2023-05-01", "scope": 2, "category": 1,
         "activity_type": "electricity.grid", "quantity": 100, "unit": "MWh"},
        {"site": "SZ", "date": "2023-05-01", "scope": 2, "category": 1,
         "activity_type": "electricity.grid", "quantity": 1000, "unit": "MWh"},
        {"site": "SZ", "date": "2024-02-01", "scope": 2, "category": 1,
         "activity_type": "electricity.grid", "quantity": 10, "unit": "MWh"},
        {"site": "XZ", "date": "2023-05-01", "scope": 2, "category": 1,
         "activity_type": "electricity.grid", "quantity": 10, "unit": "MWh"},
    ],
}  # fmt: skip


def _make_factor(set_name: str, fields: dict[str, str], where: str = "") -> EmissionFactor:
    return make_factor(fields.get("set", set_name), fields, where)


@pytest.mark.parametrize("totals", [False, True], ids=["rows", "totals"])
def test_proxy_below_official_and_china_chain(
    totals: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cases, "make_factor", _make_factor)
    doc = run_case(CASE, tmp_path, totals=totals)
    # MUC: 100,000 kWh × 0.3 (official DE, earlier year; the proxy 0.38095 is not used) = 30 t
    # SZ 2023-05: 1,000,000 kWh × 0.5827 (Jiangsu) = 582.7 t
    # SZ 2024-02: 10,000 kWh × 0.5827 (Jiangsu 2023, nearest earlier year) = 5.827 t
    # XZ: no provincial value → Southwest grid 10,000 × 0.2472 = 2.472 t
    # total location = 30 + 582.7 + 5.827 + 2.472 = 620.999 t
    assert doc["totals_tco2e"]["scope2_location"] == pytest.approx(620.999, rel=1e-9)
    assert doc["by_site_tco2e"]["MUC"] == pytest.approx(30.0, rel=1e-9)
    assert doc["by_site_tco2e"]["XZ"] == pytest.approx(2.472, rel=1e-9)
