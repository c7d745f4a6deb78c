"""The charts of an edition, drawn on the server as SVG with matplotlib (decision 0095).

Each :class:`~lingtan.modules.disclosure.document.Chart` becomes one SVG: ``bar`` (series side by
side), ``stacked_bar`` or ``line``, the categories of ``x`` along the bottom, the unit on the
value axis, a legend of the series' labels in the language. The numbers a chart draws are those
of its table (``Chart["table"]``), printed beside it and in the XLSX.

Deterministic: a :class:`~matplotlib.figure.Figure` of its own (no pyplot state, no back end
chosen for the process), ``svg.hashsalt`` fixed (the clip-path ids), no ``Date`` in the
metadata, a fixed size and fonts — the same chart gives the same bytes. Text is kept as SVG
``<text>`` in the HTML (``svg.fonttype = "none"``: searchable, drawn by the browser's fonts) and
drawn as outlines in the PDF (``"path"``: the glyphs of the very font matplotlib measured, so that
the PDF's text layer holds the report's statements only, not axis ticks).
"""

from __future__ import annotations

import io
import re
import threading
from typing import Any, cast

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.io.report_render.formatting import (
    babel_locale,
    cell_text,
    unit_text,
)
from lingtan.modules.disclosure.document import Chart

#: the fonts the chart text asks for, first found wins (CJK first: it covers Latin too)
FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]
#: a fixed salt for the SVG's generated ids, so that two renders give the same bytes
HASHSALT = "lingtan-edition"
#: the figure size in inches (width, height) and the palette of the series
SIZE = (6.4, 3.2)
#: matplotlib's settings are process-wide: one chart is drawn at a time (a server renders
#: downloads on several threads), so that no chart is drawn with another's settings
_LOCK = threading.Lock()
PALETTE = ("#2f6f4f", "#7fb069", "#e6aa68", "#ca3c25", "#1d4e89", "#9d8df1", "#6b6b6b")


def _axis_formatter(lang: str) -> FuncFormatter:
    from babel.numbers import format_decimal

    def fmt(value: float, _pos: int) -> str:
        return str(format_decimal(value, format="#,##0.##", locale=babel_locale(lang)))

    return FuncFormatter(fmt)


def _draw(fig: Figure, chart: Chart, t: Translator, lang: str) -> None:
    ax = fig.add_subplot(1, 1, 1)
    xs = list(range(len(chart["x"])))
    series = chart["series"]
    n = max(1, len(series))
    width = 0.8 / n if chart["kind"] == "bar" else 0.6
    bottoms = [0.0] * len(xs)
    for i, s in enumerate(series):
        values = [0.0 if v is None else float(v) for v in s["values"]][: len(xs)]
        values += [0.0] * (len(xs) - len(values))
        name = cell_text(s["label"], t, lang)
        colour = PALETTE[i % len(PALETTE)]
        if chart["kind"] == "line":
            pts = [(x, v) for x, v in zip(xs, s["values"], strict=False) if v is not None]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", color=colour, label=name)
        elif chart["kind"] == "stacked_bar":
            ax.bar(xs, values, width, bottom=bottoms, color=colour, label=name)
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        else:
            offset = (i - (n - 1) / 2) * width
            ax.bar([x + offset for x in xs], values, width, color=colour, label=name)
    ax.set_xticks(xs, chart["x"])
    ax.set_ylabel(unit_text(chart["unit"], t))
    ax.yaxis.set_major_formatter(_axis_formatter(lang))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", linewidth=0.4, alpha=0.5)
    if series:
        # below the plot, so that it never hides a bar or a point
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(4, n),
                  frameon=False, fontsize=8)  # fmt: skip


def chart_svg(chart: Chart, lang: str, *, text_as_paths: bool = False) -> str:
    """The SVG of ``chart`` in ``lang`` (an ``<svg>`` element, no XML prolog, ready to inline):
    text as ``<text>`` elements, or as outlines with ``text_as_paths``."""
    t = Translator(lang)
    rc: dict[str, Any] = {
        "svg.hashsalt": HASHSALT,
        "svg.fonttype": "path" if text_as_paths else "none",
        "font.family": FONTS,
        "font.size": 9,
        "axes.unicode_minus": False,
        "path.simplify": True,
    }
    with _LOCK, matplotlib.rc_context():
        # matplotlib's own defaults, not a user's matplotlibrc nor another module's settings
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(cast(Any, rc))
        fig = Figure(figsize=SIZE, layout="constrained")
        try:
            _draw(fig, chart, t, lang)
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            fig.clear()
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    # a chart's ids are unique in the page it is inlined in: prefix them with the chart's key
    prefix = re.sub(r"[^A-Za-z0-9_-]", "_", chart["key"]) + "-"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{prefix}{m.group(1)}"', svg)
    return re.sub(r'(?<!:)href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
