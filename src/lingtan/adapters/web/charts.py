"""ECharts options of the dashboard, built from inventory documents (``Inventory.to_dict``).

Pure functions: plain dicts in, a JSON-serialisable ECharts ``option`` out, nothing read or
fetched. The page embeds the option as JSON and ``static/js/lingtan.js`` draws it with the
vendored ECharts; values are t CO2e (market-based totals, the basis the dashboard shows, GHG
Protocol Scope 2 Guidance ch. 7). The page's script formats tooltips with thousands separators
and value axes compactly in the page's language (``Intl.NumberFormat`` ``compact``: 1.2万 / 3.5亿
in Chinese, 12K / 3.5M in English; the same rule as
:func:`lingtan.adapters.web.formatting.fmt_compact`); the unit of a value axis is its ``name``
and the chart's ``unit`` (tooltips), both from the catalogue (``unit.tco2e``).

A chart without data (nothing, or only zeros) is an **empty state**: its title and a message
from the catalogue (``chart.empty.*``) in the middle, no axes, no series — never clipped axes
or a blank box (decision 0054).

Labels come from the page's translator ``t`` (so a chart speaks the page's language) and the
optional ``link`` turns a selection (``{"scope": 3, "category": 1}``) into the URL a click on
that bar or slice opens (drill-down to the inventory figure and its lineage).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

#: ``t(key, **params) -> str`` (:class:`lingtan.adapters.i18n.messages.Translator`).
Labeller = Callable[..., str]
#: ``link(selection) -> URL`` for a clicked data item, or None for no link.
Linker = Callable[[Mapping[str, Any]], str] | None

#: Colours of the three scopes (colour-blind safe: distinct in lightness as well as hue).
SCOPE_COLOURS = {1: "#9c3d1c", 2: "#e0a526", 3: "#2f7a68"}
BASE_YEAR_COLOUR = "#5b6770"
ORG_LEVEL_SITE = "*"


EMPTY_TEXT_COLOUR = "#5b6770"


def _base(title: str) -> dict[str, Any]:
    return {
        "aria": {"enabled": True},
        "title": {"text": title, "left": "left", "textStyle": {"fontSize": 14}},
        "tooltip": {},
        "grid": {"containLabel": True, "left": 8, "right": 24, "top": 40, "bottom": 8},
    }


def _nothing(values: Iterable[float | None]) -> bool:
    """True when there is no value, or every value is missing or zero."""
    return all(v is None or float(v) == 0.0 for v in values)


def empty(title: str, message: str) -> dict[str, Any]:
    """The option of a chart with nothing to show: its title and ``message`` in the middle
    (an ECharts ``graphic`` text, read out by screen readers through ``aria``), no axes, no
    series. ``empty`` is true so that pages and tests can tell."""
    return {
        "aria": {"enabled": True, "label": {"description": message}},
        "title": {"text": title, "left": "left", "textStyle": {"fontSize": 14}},
        "tooltip": {"show": False},
        "graphic": [
            {
                "type": "text",
                "left": "center",
                "top": "middle",
                "silent": True,
                "style": {
                    "text": message,
                    "fill": EMPTY_TEXT_COLOUR,
                    "fontSize": 14,
                    "width": 320,
                    "overflow": "break",
                    "align": "center",
                },
            }
        ],
        "series": [],
        "empty": True,
    }


def _value_axis(t: Labeller, **extra: Any) -> dict[str, Any]:
    """A value axis named by its unit (t CO2e in the catalogue's words)."""
    return {"type": "value", "name": t("unit.tco2e"), **extra}


def _item(name: str, value: float | None, link: Linker, sel: Mapping[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"name": name, "value": 0.0 if value is None else value}
    if link is not None:
        item["href"] = link(sel)
    return item


def _bars(
    title: str,
    names: Sequence[str],
    data: Sequence[Mapping[str, Any]],
    colour: str,
    series_name: str,
    *,
    horizontal: bool,
    unit: str,
) -> dict[str, Any]:
    """One series of bars named ``names`` (top to bottom when ``horizontal``)."""
    opt = _base(title)
    opt["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}}
    categories = {"type": "category", "data": list(names)}
    value = {"type": "value", "name": unit}
    if horizontal:
        opt["xAxis"], opt["yAxis"] = value, {**categories, "inverse": True}
    else:
        opt["xAxis"], opt["yAxis"] = categories, value
    opt["unit"] = unit
    opt["series"] = [
        {"type": "bar", "data": list(data), "itemStyle": {"color": colour}, "name": series_name}
    ]
    return opt


def scope_split(inv: Mapping[str, Any], t: Labeller, link: Linker = None) -> dict[str, Any]:
    """Donut of Scope 1, Scope 2 (market-based) and Scope 3 [t CO2e]."""
    tot = inv["totals_tco2e"]
    parts = [(1, tot["scope1"]), (2, tot["scope2_market"]), (3, tot["scope3"])]
    if _nothing(v for _, v in parts):
        return empty(t("chart.scope_split"), t("chart.empty.scope_split"))
    data = [
        {**_item(t(f"scope.{s}"), v, link, {"scope": s}), "itemStyle": {"color": SCOPE_COLOURS[s]}}
        for s, v in parts
    ]
    opt = _base(t("chart.scope_split"))
    opt["unit"] = t("unit.tco2e")
    opt["tooltip"] = {"trigger": "item"}
    opt["legend"] = {"bottom": 0}
    opt["series"] = [
        {
            "type": "pie",
            "radius": ["45%", "70%"],
            "avoidLabelOverlap": True,
            "minShowLabelAngle": 4,  # [degrees] no label on a sliver; the legend names it
            "label": {"formatter": "{b}\n{d}%"},
            "data": data,
        }
    ]
    return opt


def scope3_categories(inv: Mapping[str, Any], t: Labeller, link: Linker = None) -> dict[str, Any]:
    """Horizontal bars of the 15 Scope 3 categories [t CO2e], category 1 on top; zeros kept so
    that what was not reported is visible (GHG Protocol Scope 3 Standard ch. 11)."""
    cats = inv["scope3_by_category_tco2e"]
    if _nothing(cats.values()):
        return empty(t("chart.scope3_categories"), t("chart.empty.scope3_categories"))
    keys = sorted(cats, key=int)
    names = [f"{k}. {t(f'cat.3.{k}')}" for k in keys]
    data = [
        _item(n, cats[k], link, {"scope": 3, "category": int(k)})
        for k, n in zip(keys, names, strict=True)
    ]
    return _bars(
        t("chart.scope3_categories"), names, data, SCOPE_COLOURS[3], t("scope.3"),
        horizontal=True, unit=t("unit.tco2e"),
    )  # fmt: skip


def trend(
    rows: Sequence[Mapping[str, Any]],
    base_year: str | None,
    t: Labeller,
    link: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """Stacked bars of Scope 1, 2 (market) and 3 per fiscal year [t CO2e] with the base year
    marked (GHG Protocol Corporate Standard ch. 5: emissions tracked against it).

    ``rows``: the API's trend (``services.inventory_years``), oldest first — ``fiscal_year``
    and the totals ``scope1``, ``scope2_market``, ``scope3`` of each year's newest snapshot.
    ``link(fiscal_year)`` gives the URL a click on that year's bar opens.
    """
    years = [r["fiscal_year"] for r in rows]
    keys = {1: "scope1", 2: "scope2_market", 3: "scope3"}
    if _nothing(r[k] for r in rows for k in keys.values()):
        return empty(t("chart.trend"), t("chart.empty.trend"))
    series: list[dict[str, Any]] = []
    for s, key in keys.items():
        data = []
        for r in rows:
            v = r[key]
            item: dict[str, Any] = {"value": 0.0 if v is None else v}
            if link is not None:
                item["href"] = link(r["fiscal_year"])
            data.append(item)
        series.append(
            {
                "type": "bar",
                "stack": "total",
                "name": t(f"scope.{s}"),
                "data": data,
                "itemStyle": {"color": SCOPE_COLOURS[s]},
            }
        )
    if base_year in years:
        series[-1]["markLine"] = {
            "symbol": "none",
            "lineStyle": {"color": BASE_YEAR_COLOUR, "type": "dashed"},
            "label": {"formatter": t("chart.base_year"), "position": "end"},
            "data": [{"xAxis": base_year}],
        }
    opt = _base(t("chart.trend"))
    opt["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}}
    opt["legend"] = {"bottom": 0}
    opt["grid"]["bottom"] = 32
    opt["xAxis"] = {"type": "category", "data": years, "axisLabel": {"interval": 0}}
    opt["yAxis"] = _value_axis(t)
    opt["unit"] = t("unit.tco2e")
    opt["series"] = series
    return opt


def top_sites(
    inv: Mapping[str, Any], t: Labeller, link: Linker = None, n: int = 10
) -> dict[str, Any]:
    """The ``n`` sites with the largest emissions [t CO2e, market-based], largest on top.

    Rows not tied to a site (``*``: organisation level, e.g. use of sold products) are shown
    under their own label, ranked with the sites.
    """
    sites = sorted(
        ((k, v) for k, v in inv["by_site_tco2e"].items() if v), key=lambda kv: (-kv[1], kv[0])
    )[:n]
    if not sites:
        return empty(t("chart.top_sites"), t("chart.empty.top_sites"))
    names = [t("site.org_level") if k == ORG_LEVEL_SITE else k for k, _ in sites]
    data = [_item(name, v, link, {"site": k}) for (k, v), name in zip(sites, names, strict=True)]
    return _bars(
        t("chart.top_sites"), names, data, BASE_YEAR_COLOUR, t("kpi.total"),
        horizontal=True, unit=t("unit.tco2e"),
    )  # fmt: skip


def monthly(inv: Mapping[str, Any], t: Labeller, link: Linker = None) -> dict[str, Any]:
    """Bars of the emissions of each month of the fiscal year [t CO2e, market-based]."""
    if _nothing(inv["by_month_tco2e"].values()):
        return empty(t("chart.monthly"), t("chart.empty.monthly"))
    months = sorted(inv["by_month_tco2e"])
    data = [_item(m, inv["by_month_tco2e"][m], link, {"month": m}) for m in months]
    return _bars(
        t("chart.monthly"), months, data, SCOPE_COLOURS[3], t("kpi.total"),
        horizontal=False, unit=t("unit.tco2e"),
    )  # fmt: skip


# -- targets and planning (issue 5) ---------------------------------------------------------------

PATHWAY_COLOUR = "#5b6770"
ACTUAL_COLOUR = "#2f7a68"
TARGET_COLOUR = "#9c3d1c"
#: bar colours of the waterfall by step kind (lingtan.modules.targets.plan.WaterfallStep)
WATERFALL_COLOURS = {
    "start": "#5b6770",
    "growth": "#e0a526",
    "reduction": "#2f7a68",
    "residual": "#5b6770",
    "credits": "#7a5c99",
    "net": "#1d2528",
}
#: MACC bar colours by abatement-hierarchy rank (1 efficiency … 4 offsets)
HIERARCHY_COLOURS = {1: "#2f7a68", 2: "#e0a526", 3: "#9c3d1c", 4: "#7a5c99"}


def target_pathway(progress: Mapping[str, Any], t: Labeller) -> dict[str, Any]:
    """A target's linear pathway P(y) (dashed) and the actual values A(y) per fiscal year, with
    the target value V_T marked (docs/targets.md: P(y) = V_b − (V_b − V_T)·(y − b)/(T − b)).

    ``progress``: one ``targets`` item of the API's targets overview (``TargetProgress.to_dict``);
    values in its ``unit`` (t CO2e, or t CO2e per denominator unit). Missing values are null
    (a gap in the line, never zero).
    """
    points = progress["points"]
    years = [p["year"] for p in points]
    # the name in the page's language (docs/targets.md §Names), else the other one, else as typed
    names = progress["target"].get("names") or {}
    locale = getattr(t, "locale", "")
    title = names.get(locale) or next(iter(names.values()), progress["target"]["name"])
    if _nothing(v for p in points for v in (p.get("pathway"), p.get("actual"))):
        return empty(title, t("chart.empty.pathway"))
    opt = _base(title)
    opt["tooltip"] = {"trigger": "axis"}
    opt["legend"] = {"bottom": 0}
    opt["grid"]["bottom"] = 32
    opt["xAxis"] = {"type": "category", "data": years, "boundaryGap": False}
    unit = str(progress.get("unit") or "t CO2e").replace("t CO2e", t("unit.tco2e"))
    opt["yAxis"] = {"type": "value", "min": 0, "name": unit}
    pathway: dict[str, Any] = {
        "type": "line",
        "name": t("targets.pathway"),
        "data": [p["pathway"] for p in points],
        "showSymbol": False,
        "lineStyle": {"type": "dashed", "color": PATHWAY_COLOUR},
        "itemStyle": {"color": PATHWAY_COLOUR},
    }
    if progress.get("target_value") is not None:
        pathway["markLine"] = {
            "symbol": "none",
            "lineStyle": {"color": TARGET_COLOUR, "type": "dotted"},
            "label": {"formatter": t("targets.target_value"), "position": "insideEndTop"},
            "data": [{"yAxis": progress["target_value"]}],
        }
    actual = {
        "type": "line",
        "name": t("targets.actual"),
        "data": [p["actual"] for p in points],
        "connectNulls": False,
        "symbolSize": 8,
        "lineStyle": {"color": ACTUAL_COLOUR},
        "itemStyle": {"color": ACTUAL_COLOUR},
    }
    opt["series"] = [pathway, actual]
    return opt


def macc(curve: Mapping[str, Any], t: Labeller) -> dict[str, Any]:
    """The marginal abatement cost curve: one bar per project, cheapest first, its **width** the
    abatement [t CO2e/yr] (from ``cumulative_start_t`` to ``cumulative_end_t`` on the x axis)
    and its **height** the cost [currency / t CO2e] (negative: the project saves money).

    ECharts has no variable-width bar, so the bars are a ``custom`` series whose renderer is
    named ``"macc"`` (``static/js/lingtan.js`` draws a rectangle from (start, 0) to (end, cost)).
    Each datum is ``[start, end, cost per t, name, project id]``.
    """
    if not curve["entries"]:
        return empty(t("macc.chart", year=curve["year"]), t("chart.empty.macc"))
    data = [
        {
            "value": [
                e["cumulative_start_t"],
                e["cumulative_end_t"],
                e["cost_per_t"],
                e["name"],
                e["project_id"],
            ],
            "itemStyle": {"color": HIERARCHY_COLOURS.get(e["hierarchy_rank"], PATHWAY_COLOUR)},
        }
        for e in curve["entries"]
    ]
    opt = _base(t("macc.chart", year=curve["year"]))
    opt["tooltip"] = {"trigger": "item"}
    opt["grid"].update(bottom=32, top=64)  # room for the title and the y axis name
    opt["xAxis"] = {"type": "value", "name": t("macc.x_axis"), "nameLocation": "middle",
                    "nameGap": 24, "min": 0}  # fmt: skip
    opt["yAxis"] = {"type": "value", "name": t("macc.y_axis", currency=curve["currency"])}
    opt["series"] = [
        {
            "type": "custom",
            "renderItem": "macc",
            "name": t("macc.cost_per_t"),
            "encode": {"x": [0, 1], "y": 2, "tooltip": [2], "itemName": 3},
            "dimensions": ["start", "end", "cost", "name", "id"],
            "data": data,
        }
    ]
    return opt


def _step_label(step: Mapping[str, Any], t: Labeller) -> str:
    """A waterfall bar's label in the page's language (``chart.step.<kind>`` with its fiscal
    year); a project's own name for a reduction; the stored label when the step has no year."""
    kind, year = step["kind"], step.get("year") or ""
    if kind == "credits":
        return t("chart.step.credits")
    if kind == "reduction" or not year:
        return str(step["label"])
    return t(f"chart.step.{kind}", year=year)


def waterfall(result: Mapping[str, Any], t: Labeller) -> dict[str, Any]:
    """The plan's waterfall to its last year [t CO2e]: start, BAU change, each project's
    abatement, residual, credits, net (``PlanResult.waterfall``).

    ``start``, ``residual`` and ``net`` stand on zero; every other step floats from the running
    level: an invisible base bar of min(level, level + Δ) and a visible bar of |Δ| stacked on it.
    """
    if _nothing(step["value_t"] for step in result.get("waterfall") or ()):
        return empty(t("plan.waterfall"), t("chart.empty.waterfall"))
    level = 0.0
    bases: list[float] = []
    bars: list[dict[str, Any]] = []
    for step in result["waterfall"]:
        v = float(step["value_t"])
        if step["kind"] in ("start", "residual", "net"):
            base, height, level = 0.0, v, v
        else:
            base, height = min(level, level + v), abs(v)
            level += v
        bases.append(base)
        colour = WATERFALL_COLOURS.get(step["kind"], PATHWAY_COLOUR)
        bars.append({"value": height, "delta": v, "itemStyle": {"color": colour}})
    opt = _base(t("plan.waterfall"))
    opt["tooltip"] = {"trigger": "item"}
    opt["grid"]["bottom"] = 8
    opt["xAxis"] = _value_axis(t)
    opt["unit"] = t("unit.tco2e")
    opt["yAxis"] = {
        "type": "category",
        "data": [_step_label(s, t) for s in result["waterfall"]],
        "inverse": True,
    }
    opt["series"] = [
        {
            "type": "bar",
            "stack": "w",
            "data": bases,
            "itemStyle": {"color": "transparent"},
            "tooltip": {"show": False},
            "silent": True,
        },
        {"type": "bar", "stack": "w", "name": t("plan.t_co2e"), "data": bars},
    ]
    return opt


def plan_stacked(result: Mapping[str, Any], t: Labeller) -> dict[str, Any]:
    """The plan year by year [t CO2e]: the residual emissions and each chosen project's
    abatement stacked (together the BAU forecast), the BAU line and the net line (residual −
    credits retired) (``PlanResult.series``)."""
    series = result["series"]
    years = list(result["years"])
    if not years or _nothing(v for values in series.values() for v in values):
        return empty(t("plan.stacked"), t("chart.empty.plan"))
    stacked: list[dict[str, Any]] = [
        {"type": "bar", "stack": "plan", "name": t("plan.residual"), "data": series["residual"],
         "itemStyle": {"color": PATHWAY_COLOUR}},
    ]  # fmt: skip
    names = {d["project_id"]: d["name"] for d in result["decisions"]}
    for n, key in enumerate(k for k in series if k.startswith("abatement:")):
        pid = key.split(":", 1)[1]
        stacked.append(
            {
                "type": "bar",
                "stack": "plan",
                "name": names.get(pid, pid),
                "data": series[key],
                "itemStyle": {"color": _PALETTE[n % len(_PALETTE)]},
            }
        )
    lines = [
        {"type": "line", "name": t("plan.bau"), "data": series["bau"],
         "lineStyle": {"type": "dashed", "color": TARGET_COLOUR},
         "itemStyle": {"color": TARGET_COLOUR}},
        {"type": "line", "name": t("plan.net"), "data": series["net"],
         "lineStyle": {"color": WATERFALL_COLOURS["net"]},
         "itemStyle": {"color": WATERFALL_COLOURS["net"]}},
    ]  # fmt: skip
    opt = _base(t("plan.stacked"))
    opt["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}}
    opt["legend"] = {"bottom": 0, "type": "scroll"}
    opt["grid"]["bottom"] = 40
    opt["xAxis"] = {"type": "category", "data": years}
    opt["yAxis"] = _value_axis(t)
    opt["unit"] = t("unit.tco2e")
    opt["series"] = [*stacked, *lines]
    return opt


_PALETTE = ("#2f7a68", "#e0a526", "#4f86a8", "#9c3d1c", "#7a5c99", "#8aa64b", "#c4687a")
