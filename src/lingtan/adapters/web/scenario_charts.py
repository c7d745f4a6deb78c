"""Server-side SVG charts of the scenario pages (issue 17 item 4, decision 0082): the net effect
of each run by horizon year (grouped bars, central value, a low–high whisker) and, for one run,
risks, opportunities and net effect by horizon.

Pure functions: plain data in, an SVG document (``Markup``) out, nothing read or fetched, no
script and no ``style`` attribute (the content security policy allows neither): colours are
presentation attributes, every bar has a ``<title>`` (its value, read out by screen readers and
shown on hover) and the chart a ``role="img"`` with its title as ``aria-label``. Values are in
the runs' currency; numbers are formatted in the page's language
(:func:`lingtan.adapters.web.formatting.fmt_compact`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from lingtan.adapters.web.formatting import fmt_compact, fmt_number

#: ``t(key, **params) -> str``: the page's translator
Labeller = Callable[..., str]
#: colour-blind-safe palette (distinct in lightness as well as hue), as web/charts.py's
PALETTE = ("#9c3d1c", "#e0a526", "#4f86a8", "#2f7a68", "#7a5c99", "#8aa64b", "#c4687a")
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 36, 56
TEXT = "#33393d"
AXIS = "#5b6770"


#: one bar: (central, low, high)
Bar = tuple[float, float, float]


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values covering ``lo``–``hi``."""
    span = hi - lo or abs(hi) or 1.0
    raw = span / n
    mag = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1.0
    while mag > raw and mag > 1e-9:
        mag /= 10
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = (lo // step) * step
    out, v = [], first
    while v <= hi + step * 1e-9:
        out.append(round(v, 9))
        v += step
    return out


def grouped_bars(
    title: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[Bar]]],
    empty: str,
    locale: str,
    chart_id: str = "chart",
) -> Markup:
    """An SVG of grouped bars: one group per ``groups`` entry (e.g. a horizon year), one bar per
    series (name, one :data:`Bar` per group), a whisker from low to high, a zero line, a
    value axis and a legend. With no value at all: the title and ``empty`` in the middle."""
    head = Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="{t}" class="chart scenario-chart" id="{i}"><title>{t}</title>'
        '<text x="4" y="18" font-size="14" fill="{c}">{t}</text>'
    ).format(w=WIDTH, h=HEIGHT, t=title, i=chart_id, c=TEXT)
    values = [v for _, bars in series for bar in bars for v in bar]
    if not groups or not series or all(v == 0 for v in values):
        body = Markup(
            '<text x="{x}" y="{y}" text-anchor="middle" font-size="13" fill="{c}">{m}</text>'
        ).format(x=WIDTH / 2, y=HEIGHT / 2, c=AXIS, m=empty)
        return head + body + Markup("</svg>")
    ticks = _ticks(min(0.0, *values), max(0.0, *values))
    lo, hi = ticks[0], ticks[-1]
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT

    def y(v: float) -> float:
        return TOP + (hi - v) / (hi - lo or 1.0) * plot_h

    parts: list[Markup] = [head]
    for tv in ticks:
        parts.append(Markup(
            '<line x1="{a}" x2="{b}" y1="{y}" y2="{y}" stroke="#d8dcdf" stroke-width="1"/>'
            '<text x="{t}" y="{ty}" text-anchor="end" font-size="11" fill="{c}">{v}</text>'
        ).format(a=LEFT, b=WIDTH - RIGHT, y=round(y(tv), 1), t=LEFT - 6, ty=round(y(tv) + 4, 1),
                 c=AXIS, v=fmt_compact(tv, locale)))  # fmt: skip
    parts.append(Markup('<line x1="{a}" x2="{b}" y1="{y}" y2="{y}" stroke="{c}" '
                        'stroke-width="1.5"/>').format(a=LEFT, b=WIDTH - RIGHT,
                                                       y=round(y(0.0), 1), c=AXIS))  # fmt: skip
    gw = plot_w / len(groups)
    bw = min(36.0, gw * 0.8 / len(series))
    for gi, g in enumerate(groups):
        x0 = LEFT + gi * gw + (gw - bw * len(series)) / 2
        parts.append(
            Markup(
                '<text x="{x}" y="{y}" text-anchor="middle" font-size="12" fill="{c}">{g}</text>'
            ).format(x=round(LEFT + (gi + 0.5) * gw, 1), y=HEIGHT - BOTTOM + 16, c=TEXT, g=g)
        )
        for si, (name, bars) in enumerate(series):
            if gi >= len(bars):
                continue
            c, low, high = bars[gi]
            x = x0 + si * bw
            top, bot = y(max(c, 0.0)), y(min(c, 0.0))
            tip = f"{name} {g}: {fmt_number(c, 0, locale)} ({fmt_number(low, 0, locale)} – " \
                  f"{fmt_number(high, 0, locale)})"  # fmt: skip
            parts.append(Markup(
                '<g class="bar"><title>{tip}</title>'
                '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{f}"/>'
                '<line x1="{m}" x2="{m}" y1="{yl}" y2="{yh}" stroke="{c}" stroke-width="1.5"/>'
                "</g>"
            ).format(tip=tip, x=round(x + 1, 1), y=round(top, 1), w=round(bw - 2, 1),
                     h=round(max(bot - top, 0.5), 1), f=PALETTE[si % len(PALETTE)],
                     m=round(x + bw / 2, 1), yl=round(y(low), 1), yh=round(y(high), 1),
                     c=TEXT))  # fmt: skip
    lx, ly = float(LEFT), HEIGHT - 22
    for si, (name, _) in enumerate(series):
        w = 14 + sum(11 if ord(ch) > 0x2E80 else 6.5 for ch in name) + 16
        if lx + w > WIDTH - RIGHT and lx > LEFT:
            lx, ly = float(LEFT), ly + 16
        parts.append(Markup(
            '<rect x="{x}" y="{y}" width="10" height="10" fill="{f}"/>'
            '<text x="{tx}" y="{ty}" font-size="11" fill="{c}">{n}</text>'
        ).format(x=round(lx, 1), y=ly, f=PALETTE[si % len(PALETTE)], tx=round(lx + 14, 1),
                 ty=ly + 9, c=TEXT, n=name))  # fmt: skip
        lx += w
    if ly + 14 > HEIGHT:  # more legend rows: a taller picture
        parts[0] = Markup(
            str(parts[0]).replace(
                f'viewBox="0 0 {WIDTH} {HEIGHT}"', f'viewBox="0 0 {WIDTH} {ly + 14}"', 1
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _bar(r: Mapping[str, Any]) -> Bar:
    return float(r["central"]), float(r["low"]), float(r["high"])


def net_by_horizon(runs: Sequence[Mapping[str, Any]], t: Labeller, locale: str) -> Markup:
    """The net effect (central, low–high) of each run (``services.risk_scenarios.run_dict``) by
    horizon year, warmest run first."""
    years = sorted({int(y["year"]) for r in runs for y in r["results"].get("years", [])})
    series: list[tuple[str, Sequence[Bar]]] = []
    for r in runs:
        by_year = {int(y["year"]): _bar(y["net"]) for y in r["results"].get("years", [])}
        series.append((str(r["label"]), [by_year.get(y, (0.0, 0.0, 0.0)) for y in years]))
    currency = runs[0]["currency"] if runs else ""
    title = f"{t('scenarios.chart.title')} [{currency}]" if currency else t("scenarios.chart.title")
    return grouped_bars(title, [str(y) for y in years], series, t("scenarios.chart.empty"),
                        locale, "scenario-net-chart")  # fmt: skip


def run_by_horizon(run: Mapping[str, Any], t: Labeller, locale: str) -> Markup:
    """One run's risks, opportunities and net effect by horizon year (central, low–high)."""
    years = run["results"].get("years", [])
    series = [(t(f"scenarios.line.{k}"), [_bar(y[k]) for y in years])
              for k in ("risks", "opportunities", "net")]  # fmt: skip
    title = f"{t('scenarios.chart.run_title')} [{run['currency']}]"
    return grouped_bars(title, [str(y["year"]) for y in years], series,
                        t("scenarios.chart.empty"), locale, "scenario-run-chart")  # fmt: skip
