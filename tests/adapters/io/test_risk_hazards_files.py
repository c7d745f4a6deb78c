"""The files of physical risk (decision 0083): exposure and indicator tables (CSV and XLSX,
exact headers, every wrong cell named by file, row and column with its keyed reason) and an
OS-Climate physrisk hazard-data document written by hand in physrisk's layout."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from lingtan.adapters.io import hazard_files as hf
from risk_hazards_kit import EXPOSURE_CSV, HAZARDS_CSV, PHYSRISK_JSON

SITES = {"WH": (30.593, 114.305), "SZ": (22.543, 114.058)}


def _xlsx(text: str) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for line in text.strip().splitlines():
        ws.append([float(c) if c.replace(".", "", 1).isdigit() else c for c in line.split(",")])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_exposure_csv_and_xlsx() -> None:
    for data in (EXPOSURE_CSV.encode(), _xlsx(EXPOSURE_CSV)):
        records, issues = hf.read_exposure_file(data, "exposure")
        assert issues == []
        wh = next(r for r in records if r.site == "WH")
        assert (wh.latitude, wh.asset_value, wh.currency, wh.bi_days) == (30.593, 1e9, "CNY", 100.0)


def test_every_wrong_cell_is_named() -> None:
    bad = EXPOSURE_CSV + "HQ,95,200,-1,x,yuan,10\nWH,30,114,1,1,CNY,1\n"
    records, issues = hf.read_exposure_file(bad.encode(), "e.csv")
    got = {(i.row, i.column, i.message.key) for i in issues}
    assert got == {
        (4, "latitude", "hazards.err.range"),
        (4, "longitude", "hazards.err.range"),
        (4, "asset_value", "hazards.err.range"),
        (4, "revenue_per_day", "hazards.err.number"),
        (4, "currency", "hazards.err.currency"),
        (5, "site", "hazards.file.twice"),  # WH again (row 2)
    }
    assert [r.site for r in records] == ["WH", "SZ"]
    bad = HAZARDS_CSV + (
        "WH,heat,SSP5-8.5,2050,10,20,days/yr,test\n"
        "WH,typhoon_wind,SSP5-8.5,2050,10,30,km/h,test\n"
        "WH,riverine_flood,SSP5-8.5,2050,10,0.6,m,again\n"
    )
    indicators, issues = hf.read_indicator_file(bad.encode(), "h.csv")
    assert {(i.row, i.column, i.message.key) for i in issues} == {
        (9, "return_period", "hazards.err.rp_chronic"),
        (10, "unit", "hazards.err.unit"),
        (11, "return_period", "hazards.file.twice"),
    }
    assert len(indicators) == 7


def test_headers_must_be_exact() -> None:
    with pytest.raises(hf.HazardFileError) as exc:
        hf.read_exposure_file(b"site,lat,lon\nWH,1,2\n", "e.csv")
    assert exc.value.message.key == "hazards.file.headers"
    with pytest.raises(hf.HazardFileError) as exc:
        hf.read_indicator_file(b"", "h.csv")
    assert exc.value.message.key == "hazards.file.empty"


def test_physrisk_document() -> None:
    records, issues = hf.read_physrisk(PHYSRISK_JSON.encode(), "p.json", SITES)
    assert issues == []
    got = sorted((i.site, i.hazard, i.pathway, i.year, i.return_period, i.value) for i in records)
    # WH's curve at RP 10/100/1000; SZ's flood curve is empty (no data): left out; SZ's heat
    assert got == [
        ("SZ", "heat", "SSP5-8.5", 2050, None, 40.0),
        ("WH", "riverine_flood", "SSP5-8.5", 2050, 10.0, 0.5),
        ("WH", "riverine_flood", "SSP5-8.5", 2050, 100.0, 1.0),
        ("WH", "riverine_flood", "SSP5-8.5", 2050, 1000.0, 2.0),
    ]
    assert all(i.source.startswith("OS-Climate physrisk: ") for i in records)


def test_physrisk_wrong_parts_and_response_alone() -> None:
    doc = json.loads(PHYSRISK_JSON)
    doc["request"]["items"][0]["latitudes"][0] = 10.0  # WH's flood curve: no site there
    doc["response"]["items"][1]["hazard_type"] = "Hail"
    _, issues = hf.read_physrisk(json.dumps(doc).encode(), "p.json", SITES)
    assert {(i.row, i.column, i.message.key) for i in issues} == {
        (1, "items[0].intensity_curve_set[0]", "hazards.file.physrisk_site"),
        (2, "items[1].hazard_type", "hazards.file.physrisk_hazard"),
    }
    alone = {
        "items": [
            {
                "request_item_id": "WH",
                "hazard_type": "Wind",
                "indicator_id": "max_speed",
                "scenario": "historical",
                "year": -1,
                "intensity_curve_set": [{"intensities": [30, 45], "return_periods": [10, 100]}],
            }
        ]
    }
    records, issues = hf.read_physrisk(json.dumps(alone).encode(), "r.json", SITES)
    assert issues == []
    assert [(i.hazard, i.pathway, i.year, i.return_period) for i in records] == [
        ("typhoon_wind", "historical", 0, 10.0),
        ("typhoon_wind", "historical", 0, 100.0),
    ]
    with pytest.raises(hf.HazardFileError):
        hf.read_physrisk(b"{not json", "x.json", SITES)
