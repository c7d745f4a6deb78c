"""Every "no conversion" names the currency, the year and the series (issue 10 items 1 and 4):
a spend row whose price year has no exchange rate, and a quantity whose unit cannot convert to
its factor's, are reported by ``lingtan calc`` and in the JSON completeness section with what is
missing; the summed and per-row calculations report the same gaps."""

from __future__ import annotations

import json
from pathlib import Path

import ibis
import pytest
from typer.testing import CliRunner

from completenesskit import write_incomplete_workspace
from lingtan.adapters.cli.main import app
from lingtan.adapters.io.reference_series import BEA_SERIES, ECB_SERIES

runner = CliRunner()
YEAR = "FY2031/32"

# FY2031/32 (April–March). Row 1: 1,000 CNY of crop farming (USEEIO v1.3, USD of 2022) spent
# in June 2031 (price year 2031): the bundled ECB series has CNY for 2006–2025 only and
# reference/fx_rates.csv is absent, so the CNY rate of 2031 is missing. Row 2: 5 kWh of widget,
# whose only factor (set xo, CN) is per t after the import (energy does not convert to mass).
ACTIVITY = (
    "date,scope,category,activity_type,quantity,unit,site\n"
    "2031-06-01,3,1,spend.naics.111110,1000,CNY,HQ\n"
    "2031-06-01,3,1,material.widget,5,kWh,HQ\n"
)
FACTORS_AFTER = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition\n"
    "xo/widget,material.widget,CN,t,CO2,1000,2020-01-01,Test Co,own factors,2024\n"
    "xo/gadget,material.gadget,XO,t,CO2,1000,2020-01-01,Test Co,own factors,2024\n"
)
FACTORS_AT_IMPORT = FACTORS_AFTER.replace("material.widget,CN,t", "material.widget,CN,kWh")


def lingtan(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert "Traceback" not in res.output
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = write_incomplete_workspace(tmp_path / "ws", activity=ACTIVITY)
    factors = folder / "factors" / "xo.csv"
    factors.write_text(FACTORS_AT_IMPORT, encoding="utf-8")
    code, out = lingtan(
        "import", str(folder / "activity.csv"), "--template", "activity", "-w", str(folder)
    )
    assert code == 0, out
    # the library changes after the import: the widget factor is now per t
    factors.write_text(FACTORS_AFTER, encoding="utf-8")
    return folder


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_calc_names_currency_year_series_and_both_units(ws: Path) -> None:
    code, out = lingtan("calc", "-y", YEAR, "-w", str(ws))
    assert code == 2, out
    flat = _flat(out)
    assert "2 activity rows were not calculated" in flat
    # the conversion's own words: currency, year, series in priority order
    assert (
        _flat(
            "spend.naics.111110 in CN (CNY), 1,000 CNY: no unit/currency conversion "
            "(no conversion: exchange rate for CNY in 2031 missing in series "
            "reference/fx_rates.csv, then "
            f"{ECB_SERIES})"
        )
        in flat
    )
    assert (
        _flat(
            "add: an exchange rate for CNY in 2031 (series tried: reference/fx_rates.csv (no CNY), "
            f"{ECB_SERIES} (CNY 2006–2025)): a row in reference/fx_rates.csv supplies it"
        )
        in flat
    )
    # the unit that cannot convert names both units
    assert "material.widget in CN (kWh), 5 kWh: no factor (kWh does not convert to t" in flat
    assert (
        _flat(
            "add: the quantity of material.widget in a unit convertible to t (the unit of its "
            "factors; kWh does not convert to t), or an emission factor in kWh"
        )
        in flat
    )
    assert BEA_SERIES not in flat  # the price index is not what is missing


def test_json_completeness_section_carries_the_reason(ws: Path) -> None:
    assert lingtan("calc", "-y", YEAR, "-w", str(ws))[0] == 2
    code, out = lingtan("inventory", "-y", YEAR, "-w", str(ws), "-f", "json")
    assert code == 0, out
    doc = json.loads(out)
    doc = doc[0] if isinstance(doc, list) else doc
    groups = {g["activity_type"]: g for g in doc["completeness"]["groups"]}
    spend = groups["spend.naics.111110"]
    assert spend["cause"] == "no_conversion"
    r = spend["reason"]
    assert (r["kind"], r["currency"], r["year"]) == ("fx", "CNY", 2031)
    assert (r["from_unit"], r["to_unit"]) == ("CNY", "USD")
    assert [s["name"] for s in r["series"]] == ["reference/fx_rates.csv", ECB_SERIES]
    assert r["series"][0]["years"] == ""
    # the bundled ECB file (lingtan/data/reference/ecb-eurofxref-annual.csv) has CNY rows for
    # 2006 to 2025: first row "2006,CNY,10.00955765,255", last "2025,CNY,8.118504314,255"
    assert r["series"][1]["years"] == "2006–2025"
    assert spend["what_to_add"].startswith("an exchange rate for CNY in 2031 (series tried: ")
    widget = groups["material.widget"]
    assert widget["cause"] == "no_factor"
    assert (widget["reason"]["kind"], widget["reason"]["from_unit"]) == ("unit", "kWh")
    assert widget["reason"]["to_unit"] == "t"
    assert widget["reason"]["region_chain"] == ["CN", "GLO"]
    assert any("CNY in 2031" in w for w in doc["completeness"]["what_to_add"])


def test_summed_and_row_paths_report_the_same_gaps(ws: Path) -> None:
    from lingtan.adapters.compute.engine import calculate, calculate_totals
    from lingtan.adapters.services.calculation import workspace_inputs
    from lingtan.adapters.store.workspace import open_workspace

    w = open_workspace(ws)
    try:
        inputs = workspace_inputs(w, YEAR, w.config.gwp_set)
        rows = calculate(inputs, ibis.duckdb.connect()).unresolved
        summed = calculate_totals(inputs, ibis.duckdb.connect()).unresolved
    finally:
        w.engine.dispose()
    assert rows.equals(summed)
    kinds = {r["lookup"]: r["reason"]["kind"] for r in rows.to_pylist()}
    assert kinds == {"spend.naics.111110": "fx", "material.widget": "unit"}
