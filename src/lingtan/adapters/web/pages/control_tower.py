"""The web app's control tower: one home page over every module (issue 19 item 6, decision 0101).

``/o/<org>/overview?fy=…``: a tile per module (:data:`lingtan.adapters.services.control_tower.
TILES`) with its status and headline figures, each linking to its page; the alerts with their
owner where known; the emission trend forecast with its 95 % interval beside the business-as-
usual driver forecast — an ECharts chart (the app's vendored copy, drawn by ``lingtan.js``) with
the same figures in a table below it (the fallback without scripts, and for screen readers).

Reading needs ``read``. Texts: ``tower.*`` (and each module's own labels, e.g. ``risk.band.*``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from lingtan.adapters.services import control_tower as ct
from lingtan.adapters.web.charts import empty
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.rendering import translator
from lingtan.adapters.web.session import OrgDep

router = APIRouter()

#: catalogue keys of the units the tiles use (other symbols — t, kg, % … — are shown as they are)
UNIT_KEYS = {"t CO2e": "unit.tco2e", "MWh": "tower.unit.mwh", "points": "tower.unit.points"}
#: the badge class of each tile status (``lingtan.css``)
BADGES = {
    "ok": "badge done",
    "attention": "badge",
    "alert": "badge failed",
    "not_available": "badge",
}
ACTUAL_COLOUR = "#1d2528"
TREND_COLOUR = "#2f7a68"
BOUND_COLOUR = "#8fbfb1"
BAU_COLOUR = "#e0a526"

Labeller = Callable[..., str]


def _line(name: str, data: list[float | None], colour: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "line",
        "name": name,
        "data": data,
        "connectNulls": False,
        "lineStyle": {"color": colour, **extra.pop("line", {})},
        "itemStyle": {"color": colour},
        **extra,
    }


def forecast_chart(fc: Mapping[str, Any], t: Labeller) -> dict[str, Any]:
    """The market-based total [t CO2e] per fiscal year: the actual values, the trend forecast
    (dashed) with its interval bounds (dotted), and the BAU driver forecast. Without a forecast
    (too few years, no drivers) the actual values alone, the page saying why above the chart;
    an empty chart saying why only without any actual value."""
    title = t("tower.forecast.chart")
    series = (fc.get("series") or {}).get("total_market") or {}
    bau = fc.get("bau") or {}
    bau_values: Mapping[str, float] = (bau.get("by_scope") or {}).get("total_market") or {}
    history = {r["fiscal_year"]: r.get("total_market") for r in fc.get("history") or []}
    points = {p["fiscal_year"]: p for p in series.get("points") or []}
    if not history:
        reason = t("tower.forecast.not_enough", n=series.get("n", 0), min=series.get("min_points"))
        return empty(title, reason)
    years = sorted({*history, *points, *bau_values})
    last = max(history)

    def at(values: Mapping[str, Any], key: str | None = None) -> list[float | None]:
        out = []
        for y in years:
            v = values.get(y)
            out.append(v.get(key) if isinstance(v, Mapping) and key else v)
        return out

    # the forecast lines start at the last actual year, so that they join the actual line
    joined = {**points, last: {"point": history[last], "lower": history[last],
                               "upper": history[last]}}  # fmt: skip
    lines = [_line(t("tower.forecast.actual"), at(history), ACTUAL_COLOUR, symbolSize=7)]
    if points:
        lines += [
            _line(t("tower.forecast.trend"), at(joined, "point"), TREND_COLOUR,
                  line={"type": "dashed"}),
            _line(t("tower.forecast.lower"), at(joined, "lower"), BOUND_COLOUR,
                  line={"type": "dotted"}, showSymbol=False),
            _line(t("tower.forecast.upper"), at(joined, "upper"), BOUND_COLOUR,
                  line={"type": "dotted"}, showSymbol=False),
        ]  # fmt: skip
    if bau_values:
        lines.append(
            _line(t("tower.forecast.bau"), at({**bau_values, last: history[last]}), BAU_COLOUR,
                  line={"type": "dashed"})
        )  # fmt: skip
    return {
        "aria": {"enabled": True},
        "title": {"text": title, "left": "left", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"containLabel": True, "left": 8, "right": 24, "top": 40, "bottom": 40},
        "xAxis": {"type": "category", "data": years, "boundaryGap": False},
        "yAxis": {"type": "value", "min": 0, "name": t("unit.tco2e")},
        "series": lines,
        "unit": t("unit.tco2e"),
    }


def forecast_rows(fc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The chart's figures as table rows [t CO2e]: each fiscal year's actual value, trend
    forecast with its bounds and BAU forecast (None where there is none)."""
    series = (fc.get("series") or {}).get("total_market") or {}
    bau = ((fc.get("bau") or {}).get("by_scope") or {}).get("total_market") or {}
    points = {p["fiscal_year"]: p for p in series.get("points") or []}
    history = {r["fiscal_year"]: r.get("total_market") for r in fc.get("history") or []}
    rows = []
    for y in sorted({*history, *points, *bau}):
        p = points.get(y) or {}
        rows.append(
            {"fiscal_year": y, "actual": history.get(y), "point": p.get("point"),
             "lower": p.get("lower"), "upper": p.get("upper"), "bau": bau.get(y)}
        )  # fmt: skip
    return rows


@router.get("/o/{org}/overview", response_class=HTMLResponse)
def overview_page(
    request: Request,
    op: OrgDep,
    fy: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """The control tower of ``fy`` (default: the latest year with an inventory)."""
    op.require("read")
    t = translator(request)
    error = ""
    try:
        doc = ct.tower(op.tenant, fy or None, db=op.db)
    except ct.TowerError as exc:
        error = t(exc.key, **exc.params)
        doc = ct.tower(op.tenant, None, db=op.db)
    inventory = next(x for x in doc["tiles"] if x["key"] == "inventory")
    fc = doc["forecast"]
    return org_render(
        request, op, "control_tower.html", "overview",
        doc=doc, fy=doc["fiscal_year"], years=inventory["detail"].get("years") or [],
        base_year=None, error=error, unit_keys=UNIT_KEYS, badges=BADGES,
        chart=forecast_chart(fc, t), rows=forecast_rows(fc),
    )  # fmt: skip
