"""The scenario charts (web/scenario_charts.py, decision 0082): server-side SVG without script
or ``style`` attribute, names escaped, the empty state, bar heights on the value scale, and a
legend that wraps onto more rows (and a taller picture) rather than leaving the picture."""

from __future__ import annotations

import re

import pytest

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.web.scenario_charts import HEIGHT, WIDTH, grouped_bars, net_by_horizon

EN = Translator("en")


def _run(label: str, nets: dict[int, tuple[float, float, float]]) -> dict[str, object]:
    years = [{"year": y, "net": {"central": c, "low": lo, "high": hi}} for y, (c, lo, hi)
             in nets.items()]  # fmt: skip
    return {"label": label, "currency": "CNY", "results": {"years": years}}


def test_svg_is_safe_and_scaled() -> None:
    hot = _run("<b>4 °C</b>", {2030: (-100.0, -150.0, -50.0)})
    cool = _run("1.5 °C", {2030: (200.0, 100.0, 300.0)})
    svg = str(net_by_horizon([hot, cool], EN, "en"))
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert "style=" not in svg
    assert "<script" not in svg
    assert "<b>" not in svg
    assert "&lt;b&gt;" in svg
    heights = [float(h) for h in re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" '
                                            r'height="([^"]+)" fill', svg)]  # fmt: skip
    bars = heights[:2]  # the two bars (the legend's swatches follow, 10 high)
    assert bars[1] == pytest.approx(2 * bars[0], rel=0.02)  # 200 vs |−100|


def test_empty_state_and_legend_wrap() -> None:
    empty = str(grouped_bars("T", [], [], "Nothing to chart", "en"))
    assert "Nothing to chart" in empty
    assert "<rect" not in empty
    many = [(f"Scenario number {i} with a long name", [(float(i), 0.0, float(i))])
            for i in range(1, 6)]  # fmt: skip
    svg = str(grouped_bars("T", ["2030"], many, "-", "en"))
    box = re.search(r'viewBox="0 0 (\d+) ([\d.]+)"', svg)
    assert box is not None
    assert int(box.group(1)) == WIDTH
    assert float(box.group(2)) > HEIGHT
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="11" '
                                       r'fill="#33393d">Scenario', svg)]  # fmt: skip
    assert xs
    assert max(xs) < WIDTH
