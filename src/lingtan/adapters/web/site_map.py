"""The site map of physical risk (issue 17 item 5, decision 0083): a plain coordinate plot drawn
as server-side SVG — longitude on x, latitude on y (equirectangular: one degree is the same
length on both axes), a graticule with its degree labels, one marker per site sized by the
square root of its value (area ∝ value) and coloured by its fifth of the largest value, the
site's code beside it and a ``<title>`` with the figures, and a legend (sizes and colours).

No map tiles, no outline of coasts or borders (nothing fetched, nothing vendored): the
coordinates are plotted on their axes. Colours are SVG presentation attributes and classes,
never ``style=`` (the pages' content security policy). Pure: data in, markup out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

#: marker colours from no value to the largest fifth (colour-blind safe, light to dark)
BAND_COLOURS = ("#b8c2c8", "#f2d27a", "#e9a23b", "#d0632c", "#9c2a1c", "#5c1010")
WIDTH, HEIGHT = 720, 420
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 16, 40
_R_MIN, _R_MAX = 4.0, 18.0


@dataclass(frozen=True)
class MapPoint:
    """A site on the map: code, coordinates [degrees], the value it shows (None: no data) and
    the text of its tooltip."""

    site: str
    latitude: float
    longitude: float
    value: float | None
    title: str


def band(value: float | None, largest: float) -> int:
    """0 for no value (or zero), else 1–5: the fifth of ``largest`` the value falls in."""
    if value is None or value <= 0 or largest <= 0:
        return 0
    return min(5, 1 + int(5 * value / largest - 1e-9))


def radius(value: float | None, largest: float) -> float:
    """The marker radius [px]: area proportional to the value, between the smallest and the
    largest radius."""
    if value is None or value <= 0 or largest <= 0:
        return _R_MIN
    return _R_MIN + (_R_MAX - _R_MIN) * math.sqrt(value / largest)


def _step(span: float) -> float:
    for s in (1, 2, 5, 10, 20, 30, 60):
        if span / s <= 8:
            return float(s)
    return 90.0


def _bounds(points: Sequence[MapPoint]) -> tuple[float, float, float, float]:
    """(west, east, south, north) around the points, at least 10° wide and 6° high, padded."""
    lons = [p.longitude for p in points] or [0.0]
    lats = [p.latitude for p in points] or [0.0]
    w, e, s, n = min(lons), max(lons), min(lats), max(lats)
    pad_x, pad_y = max(5.0 - (e - w) / 2, 2.0), max(3.0 - (n - s) / 2, 2.0)
    w, e = max(-180.0, w - pad_x), min(180.0, e + pad_x)
    s, n = max(-90.0, s - pad_y), min(90.0, n + pad_y)
    # grow the shorter side so the plot fills its box at one scale (a degree the same length
    # on both axes), within the globe
    aspect = (HEIGHT - _TOP - _BOTTOM) / (WIDTH - _LEFT - _RIGHT)
    if (n - s) < (e - w) * aspect:
        s, n = _grown(s, n, (e - w) * aspect, 90.0)
    elif (e - w) < (n - s) / aspect:
        w, e = _grown(w, e, (n - s) / aspect, 180.0)
    return w, e, s, n


def _grown(lo: float, hi: float, span: float, limit: float) -> tuple[float, float]:
    """``[lo, hi]`` widened about its middle to ``span`` (at most ``2 · limit``), shifted to
    stay within ±``limit``."""
    span = min(span, 2 * limit)
    mid = (lo + hi) / 2
    lo, hi = mid - span / 2, mid + span / 2
    if lo < -limit:
        lo, hi = -limit, -limit + span
    if hi > limit:
        lo, hi = limit - span, limit
    return lo, hi


def _deg(v: float, pos: str, neg: str) -> str:
    if v == 0:
        return "0°"
    return f"{abs(v):g}°{pos if v > 0 else neg}"


def svg(
    points: Sequence[MapPoint],
    *,
    label: str,
    x_title: str,
    y_title: str,
    legend_title: str,
    fmt: Callable[[float], str],
    no_data: str,
) -> Markup:
    """The map as an ``<svg>`` element (``role="img"``, ``label`` its accessible name):
    ``x_title`` / ``y_title`` name the axes, ``legend_title`` the legend, ``fmt`` formats a
    value, ``no_data`` is the legend's text of a site without a value."""
    w, e, s, n = _bounds(points)
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    scale = min(plot_w / (e - w), plot_h / (n - s))  # px per degree, both axes
    x0 = _LEFT + (plot_w - scale * (e - w)) / 2
    y0 = _TOP + (plot_h - scale * (n - s)) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return x0 + (lon - w) * scale, y0 + (n - lat) * scale

    largest = max((p.value or 0.0 for p in points), default=0.0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="site-map" width="100%" '
        f'viewBox="0 0 {WIDTH} {HEIGHT + 70}" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<rect class="map-frame" x="{x0:.1f}" y="{y0:.1f}" width="{scale * (e - w):.1f}" '
        f'height="{scale * (n - s):.1f}" fill="#f6f8f9" stroke="#9aa5ab"/>',
    ]
    step = _step(max(e - w, n - s))
    lon = math.ceil(w / step) * step
    while lon <= e:
        x, _ = xy(lon, n)
        _, yb = xy(lon, s)
        out.append(f'<line class="graticule" x1="{x:.1f}" y1="{y0:.1f}" x2="{x:.1f}" '
                   f'y2="{yb:.1f}" stroke="#dde3e6"/>')  # fmt: skip
        out.append(f'<text class="tick" x="{x:.1f}" y="{yb + 14:.1f}" text-anchor="middle" '
                   f'font-size="10">{_deg(lon, "E", "W")}</text>')  # fmt: skip
        lon += step
    lat = math.ceil(s / step) * step
    while lat <= n:
        _, y = xy(w, lat)
        xr, _ = xy(e, lat)
        out.append(f'<line class="graticule" x1="{x0:.1f}" y1="{y:.1f}" x2="{xr:.1f}" '
                   f'y2="{y:.1f}" stroke="#dde3e6"/>')  # fmt: skip
        out.append(f'<text class="tick" x="{x0 - 4:.1f}" y="{y + 3:.1f}" text-anchor="end" '
                   f'font-size="10">{_deg(lat, "N", "S")}</text>')  # fmt: skip
        lat += step
    out.append(f'<text class="axis-title" x="{x0 + scale * (e - w) / 2:.1f}" '
               f'y="{y0 + scale * (n - s) + 30:.1f}" text-anchor="middle" '
               f'font-size="11">{escape(x_title)}</text>')  # fmt: skip
    out.append(f'<text class="axis-title" x="12" y="{y0 + scale * (n - s) / 2:.1f}" '
               f'text-anchor="middle" font-size="11" transform="rotate(-90 12 '
               f'{y0 + scale * (n - s) / 2:.1f})">{escape(y_title)}</text>')  # fmt: skip
    for p in sorted(points, key=lambda p: -(p.value or 0.0)):  # small markers on top
        x, y = xy(p.longitude, p.latitude)
        b = band(p.value, largest)
        out.append(
            f'<g class="site-marker band-{b}" id="marker-{escape(p.site)}">'
            f"<title>{escape(p.title)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius(p.value, largest):.1f}" '
            f'fill="{BAND_COLOURS[b]}" fill-opacity="0.85" stroke="#2b2b2b" stroke-width="0.8"/>'
            f'<text x="{x + radius(p.value, largest) + 3:.1f}" y="{y + 3:.1f}" font-size="10" '
            f'translate="no">{escape(p.site)}</text></g>'
        )
    out.append(_legend(largest, legend_title, fmt, no_data))
    out.append("</svg>")
    return Markup("".join(out))


def _legend(largest: float, title: str, fmt: Callable[[float], str], no_data: str) -> str:
    """Sizes (the largest value, half, a tenth) and the colour of each fifth."""
    y = HEIGHT + 10
    parts = [f'<g class="map-legend"><text x="{_LEFT}" y="{y + 4}" font-size="11" '
             f'font-weight="bold">{escape(title)}</text>']  # fmt: skip
    x = float(_LEFT)
    if largest > 0:
        for share in (1.0, 0.5, 0.1):
            v = largest * share
            r = radius(v, largest)
            parts.append(f'<circle cx="{x + r:.1f}" cy="{y + 30:.1f}" r="{r:.1f}" '
                         f'fill="{BAND_COLOURS[band(v, largest)]}" stroke="#2b2b2b" '
                         f'stroke-width="0.8"/>')  # fmt: skip
            parts.append(f'<text x="{x + 2 * r + 4:.1f}" y="{y + 33:.1f}" font-size="10">'
                         f"{escape(fmt(v))}</text>")  # fmt: skip
            x += 2 * r + 90
    parts.append(f'<circle cx="{x + _R_MIN:.1f}" cy="{y + 30:.1f}" r="{_R_MIN}" '
                 f'fill="{BAND_COLOURS[0]}" stroke="#2b2b2b" stroke-width="0.8"/>'
                 f'<text x="{x + 2 * _R_MIN + 4:.1f}" y="{y + 33:.1f}" font-size="10">'
                 f"{escape(no_data)}</text></g>")  # fmt: skip
    return "".join(parts)
