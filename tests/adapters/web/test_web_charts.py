"""ECharts options built from inventory documents (lingtan.adapters.web.charts)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.web import charts


def test_scope_split_is_market_based_totals(inv: dict[str, Any], t: Translator) -> None:
    opt = charts.scope_split(inv, t, link=lambda sel: f"/x?scope={sel['scope']}")
    data = opt["series"][0]["data"]
    # Scope 1 = 1,000 + 250; Scope 2 market = 2,000 (not the 3,000 location); Scope 3 = 5,750
    assert [d["value"] for d in data] == [1250.0, 2000.0, 5750.0]
    assert [d["name"] for d in data] == [t("scope.1"), t("scope.2"), t("scope.3")]
    assert [d["href"] for d in data] == ["/x?scope=1", "/x?scope=2", "/x?scope=3"]
    json.dumps(opt)  # serialisable as the page embeds it


def test_scope3_categories_all_fifteen_in_order(inv: dict[str, Any], t: Translator) -> None:
    opt = charts.scope3_categories(inv, t)
    values = [d["value"] for d in opt["series"][0]["data"]]
    assert len(values) == 15  # GHG Protocol Scope 3: all 15 categories, zeros shown
    assert values[0] == 5000.0
    assert values[5] == 750.0
    assert sum(values) == 5750.0
    assert opt["yAxis"]["data"][0] == f"1. {t('cat.3.1')}"
    assert "href" not in opt["series"][0]["data"][0]  # no link given


def test_trend_stacked_with_base_year(
    t: Translator, make_inventory: Callable[..., dict[str, Any]]
) -> None:
    later = make_inventory("FY2023/24")
    base = make_inventory("FY2018/19", scale=2.0)  # every row doubled: total 18,000 t
    rows = [{"fiscal_year": d["fiscal_year"], **d["totals_tco2e"]} for d in (base, later)]
    opt = charts.trend(rows, "FY2018/19", t, link=lambda y: f"/d?fy={y}")
    assert opt["xAxis"]["data"] == ["FY2018/19", "FY2023/24"]  # oldest first
    stacks = [[d["value"] for d in s["data"]] for s in opt["series"]]
    assert stacks == [[2500.0, 1250.0], [4000.0, 2000.0], [11500.0, 5750.0]]
    assert [sum(col) for col in zip(*stacks, strict=True)] == [18000.0, 9000.0]
    assert {s["stack"] for s in opt["series"]} == {"total"}
    mark = opt["series"][-1]["markLine"]
    assert mark["data"] == [{"xAxis": "FY2018/19"}]
    assert mark["label"]["formatter"] == t("chart.base_year")
    assert opt["series"][0]["data"][0]["href"] == "/d?fy=FY2018/19"


def test_trend_without_base_year_in_range_has_no_mark(inv: dict[str, Any], t: Translator) -> None:
    opt = charts.trend([{"fiscal_year": inv["fiscal_year"], **inv["totals_tco2e"]}], "FY2010/11", t)
    assert all("markLine" not in s for s in opt["series"])


def test_top_sites_largest_first_org_level_labelled(inv: dict[str, Any], t: Translator) -> None:
    opt = charts.top_sites(inv, t, link=lambda sel: f"/l?site={sel['site']}", n=2)
    # market basis: * = 5,000; TJ = 1,000 + 2,000 = 3,000; WH = 250 + 750 = 1,000 (cut by n=2)
    assert opt["yAxis"]["data"] == [t("site.org_level"), "TJ"]
    assert [d["value"] for d in opt["series"][0]["data"]] == [5000.0, 3000.0]
    assert opt["series"][0]["data"][0]["href"] == "/l?site=*"


def test_monthly_in_calendar_order(inv: dict[str, Any], t: Translator) -> None:
    opt = charts.monthly(inv, t)
    assert opt["xAxis"]["data"] == ["2023-04", "2023-05"]
    # April: 1,000 + 2,000 + 750 = 3,750; May: 250 + 5,000 = 5,250
    assert [d["value"] for d in opt["series"][0]["data"]] == [3750.0, 5250.0]


def test_labels_follow_the_language(inv: dict[str, Any]) -> None:
    zh = charts.scope_split(inv, Translator("zh-CN"))
    en = charts.scope_split(inv, Translator("en"))
    assert zh["series"][0]["data"][0]["name"] == "范围一"
    assert en["series"][0]["data"][0]["name"] == "Scope 1"


# -- targets and planning ----------------------------------------------------------------------


def _progress() -> dict[str, Any]:
    """S12: base 32,000 t FY2018/19, −50 % by FY2029/30 (docs/targets.md); two actuals."""
    base, target = 32_000.0, 16_000.0
    points = []
    for k in range(12):  # FY2018/19 … FY2029/30
        pathway = base - (base - target) * k / 11
        actual = {0: base, 5: 22_966.0}.get(k)
        points.append({"year": f"FY{2018 + k}/{(19 + k) % 100:02d}", "pathway": pathway,
                       "actual": actual})  # fmt: skip
    return {"target": {"id": "S12", "name": "S12"}, "unit": "t CO2e", "base_value": base,
            "target_value": target, "points": points}  # fmt: skip


def test_target_pathway_actual_vs_linear(t: Translator) -> None:
    opt = charts.target_pathway(_progress(), t)
    years = opt["xAxis"]["data"]
    pathway, actual = (s["data"] for s in opt["series"])
    i = years.index("FY2023/24")
    assert round(pathway[i]) == 24_727  # 32,000 · (1 − 0.5 · 5/11)
    assert pathway[-1] == 16_000.0
    assert pathway[0] == 32_000.0
    assert actual[i] == 22_966.0
    assert actual[1] is None
    assert opt["series"][0]["markLine"]["data"] == [{"yAxis": 16_000.0}]
    assert opt["series"][0]["name"] == t("targets.pathway")
    json.dumps(opt)


def test_macc_bars_width_abatement_height_cost(t: Translator) -> None:
    curve = {"year": "FY2024/25", "currency": "CNY", "entries": [
        {"project_id": "A", "name": "a", "hierarchy_rank": 1, "cost_per_t": -81.94,
         "cumulative_start_t": 0.0, "cumulative_end_t": 50.0},
        {"project_id": "B", "name": "b", "hierarchy_rank": 2, "cost_per_t": 12.5,
         "cumulative_start_t": 50.0, "cumulative_end_t": 8050.0},
    ]}  # fmt: skip
    opt = charts.macc(curve, t)
    s = opt["series"][0]
    assert (s["type"], s["renderItem"]) == ("custom", "macc")  # drawn by lingtan.js
    values = [d["value"] for d in s["data"]]
    assert [v[1] - v[0] for v in values] == [50.0, 8000.0]  # widths: t CO2e/yr
    assert [v[2] for v in values] == [-81.94, 12.5]  # heights: CNY/t
    assert s["data"][0]["itemStyle"]["color"] != s["data"][1]["itemStyle"]["color"]
    json.dumps(opt)


def test_waterfall_floats_deltas_on_the_running_level(t: Translator) -> None:
    steps = [("start", 1000.0), ("growth", 100.0), ("reduction", -300.0), ("reduction", -200.0),
             ("residual", 600.0), ("credits", -50.0), ("net", 550.0)]  # fmt: skip
    result = {"waterfall": [{"label": f"s{i}", "value_t": v, "kind": k}
                            for i, (k, v) in enumerate(steps)]}  # fmt: skip
    opt = charts.waterfall(result, t)
    base, bars = opt["series"][0]["data"], opt["series"][1]["data"]
    # level 1000 → +100: 1000..1100 → −300: 800..1100 → −200: 600..800 → residual 600 on 0
    # → −50: 550..600 → net 550 on 0
    assert base == [0.0, 1000.0, 800.0, 600.0, 0.0, 550.0, 0.0]
    assert [b["value"] for b in bars] == [1000.0, 100.0, 300.0, 200.0, 600.0, 50.0, 550.0]
    assert opt["series"][0]["itemStyle"]["color"] == "transparent"


def test_plan_stacked_residual_plus_abatement_is_bau(t: Translator) -> None:
    result = {
        "years": ["FY2024/25", "FY2025/26"],
        "decisions": [{"project_id": "P", "name": "PV"}],
        "series": {"bau": [100.0, 110.0], "residual": [100.0, 80.0], "net": [100.0, 70.0],
                   "abatement:P": [0.0, 30.0], "credits:R": [0.0, 10.0]},
    }  # fmt: skip
    opt = charts.plan_stacked(result, t)
    bars = [s for s in opt["series"] if s["type"] == "bar"]
    assert [s["name"] for s in bars] == [t("plan.residual"), "PV"]
    assert [sum(col) for col in zip(*(s["data"] for s in bars), strict=True)] == [100.0, 110.0]
    lines = {s["name"]: s["data"] for s in opt["series"] if s["type"] == "line"}
    assert lines[t("plan.net")] == [100.0, 70.0]
