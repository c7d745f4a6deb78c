"""The control tower's forecast chart and its table (pages/control_tower.py): the ECharts option
from a forecast (actual, trend with its bounds joined to the last actual year, BAU), the actual
values alone without a forecast, the empty chart saying why without any actual value, the table
rows with the same numbers."""

from __future__ import annotations

from typing import Any

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.web.pages.control_tower import forecast_chart, forecast_rows
from lingtan.modules.disclosure.trend import forecast_trend

EN = Translator("en")
YEARS = [f"FY{2019 + i}/{20 + i}" for i in range(5)]  # FY2019/20 … FY2023/24


def _forecast() -> dict[str, Any]:
    # 50, 55, …, 70 t: a perfect line → 75, 80, 85 t; BAU flat at 70 t
    trend = forecast_trend({2019 + i: 50.0 + 5 * i for i in range(5)}).to_dict()
    for row in trend["points"]:
        row["fiscal_year"] = f"FY{row['year']}/{row['year'] - 1999}"
    bau = {"FY2024/25": 70.0, "FY2025/26": 70.0, "FY2026/27": 70.0}
    return {
        "history": [{"fiscal_year": y, "total_market": 50.0 + 5 * i} for i, y in enumerate(YEARS)],
        "series": {"total_market": trend},
        "bau": {"status": "ok", "by_scope": {"total_market": bau}},
    }


def test_the_chart_joins_the_forecast_to_the_last_actual_year() -> None:
    opt = forecast_chart(_forecast(), EN)
    assert opt["xAxis"]["data"] == [*YEARS, "FY2024/25", "FY2025/26", "FY2026/27"]
    names = [s["name"] for s in opt["series"]]
    assert names == [EN("tower.forecast.actual"), EN("tower.forecast.trend"),
                     EN("tower.forecast.lower"), EN("tower.forecast.upper"),
                     EN("tower.forecast.bau")]  # fmt: skip
    actual, trend = opt["series"][0]["data"], opt["series"][1]["data"]
    assert actual == [50.0, 55.0, 60.0, 65.0, 70.0, None, None, None]
    assert trend[:4] == [None] * 4
    assert trend[4] == 70.0  # starts at the last actual value
    assert [round(v, 6) for v in trend[5:]] == [75.0, 80.0, 85.0]
    assert opt["series"][4]["data"][4:] == [70.0, 70.0, 70.0, 70.0]
    rows = forecast_rows(_forecast())
    assert [r["fiscal_year"] for r in rows] == opt["xAxis"]["data"]
    assert rows[5]["bau"] == 70.0
    assert round(rows[5]["point"], 6) == 75.0


def test_nothing_to_forecast_shows_the_actual_values_alone() -> None:
    fc = _forecast()
    fc["history"] = fc["history"][-2:]  # two years: too few to fit a trend, no BAU
    fc["series"]["total_market"] = forecast_trend({2022: 65.0, 2023: 70.0}).to_dict()
    fc["bau"] = {"status": "not_available", "reason": "tower.reason.no_targets"}
    opt = forecast_chart(fc, EN)
    assert "empty" not in opt  # the page says why above the chart
    assert [s["name"] for s in opt["series"]] == [EN("tower.forecast.actual")]
    assert opt["series"][0]["data"] == [65.0, 70.0]


def test_no_actual_value_is_an_empty_chart_saying_why() -> None:
    fc = _forecast()
    fc["history"] = []
    fc["series"]["total_market"] = forecast_trend({}).to_dict()
    fc["bau"] = {"status": "not_available", "reason": "tower.reason.no_targets"}
    opt = forecast_chart(fc, EN)
    assert opt["empty"] is True
    assert EN("tower.forecast.not_enough", n=0, min=5) in str(opt)
