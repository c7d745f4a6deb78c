"""The risk register's heat map as server-side SVG (issue 17 item 2, decision 0080).

Likelihood (rows, highest at the top) × aggregated consequence (columns, lowest at the left),
each cell filled by the band of its score L × C under the organisation's matrix and labelled
with the number of open rated items in it; each cell links to the register filtered to its
band. Presentation attributes only (``fill``, ``x`` …): no ``style`` attribute and no script
(the content security policy). Text is escaped; labels come from the page's translator.
Pure: a :class:`lingtan.adapters.services.risk_register.HeatMap` in, markup out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from lingtan.adapters.i18n.messages import Translator

#: cell fill per band (colour-blind safe order in lightness: darkest = very high)
BAND_FILL: dict[str, str] = {
    "very_high": "#9c3d1c",
    "high": "#d9822b",
    "medium": "#f0cf6a",
    "low": "#cfe3d6",
}
#: text colour on each band's fill (contrast ≥ 4.5:1)
BAND_TEXT: dict[str, str] = {
    "very_high": "#ffffff",
    "high": "#1d1d1d",
    "medium": "#1d1d1d",
    "low": "#1d1d1d",
}
_CELL = 64  # [px] side of a cell
_LEFT = 150  # [px] room for the likelihood labels
_TOP = 16
_BOTTOM = 64  # [px] room for the consequence labels and the axis name


def heatmap_svg(hm: Any, t: Translator, link: Callable[[int, int], str] | None = None
                ) -> Markup:  # fmt: skip
    """The heat map ``hm`` (``likelihood_levels``, ``consequence_levels``, ``counts``,
    ``bands``) as an ``<svg>`` element; ``link(l, c)`` gives a cell's URL (None: no links)."""
    n_l, n_c = int(hm.likelihood_levels), int(hm.consequence_levels)
    width = _LEFT + n_c * _CELL + 8
    height = _TOP + n_l * _CELL + _BOTTOM
    title = t("risk.heatmap.title")
    desc = t("risk.heatmap.desc", rated=hm.rated, unrated=hm.unrated)
    parts = [
        f'<svg class="risk-heatmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" aria-labelledby="hm-title '
        f'hm-desc"><title id="hm-title">{escape(title)}</title>'
        f'<desc id="hm-desc">{escape(desc)}</desc>'
    ]
    for row in range(n_l):
        li = n_l - row  # highest likelihood at the top
        y = _TOP + row * _CELL
        key = f"risk.likelihood.{li}"
        label = t(key) if t.has(key) else ""  # a scale of other than 4 levels: numbers only
        parts.append(
            f'<text x="{_LEFT - 8}" y="{y + _CELL / 2 + 4}" text-anchor="end" '
            f'font-size="12">{li} {escape(label)}</text>'
        )
        for c in range(1, n_c + 1):
            x = _LEFT + (c - 1) * _CELL
            band = hm.bands.get((li, c), "low")
            count = int(hm.counts.get((li, c), 0))
            fill = BAND_FILL.get(band, "#eeeeee")
            ink = BAND_TEXT.get(band, "#1d1d1d")
            cell_label = t("risk.heatmap.cell", likelihood=li, consequence=c, count=count,
                           band=t(f"risk.band.{band}"))  # fmt: skip
            rect = (
                f'<rect x="{x}" y="{y}" width="{_CELL}" height="{_CELL}" fill="{fill}" '
                f'stroke="#ffffff" stroke-width="2"><title>{escape(cell_label)}</title></rect>'
            )
            text = (
                f'<text x="{x + _CELL / 2}" y="{y + _CELL / 2 + 6}" text-anchor="middle" '
                f'font-size="18" fill="{ink}">{count if count else ""}</text>'
            )
            if link is not None and count:
                parts.append(f'<a href="{escape(link(li, c))}" aria-label="{escape(cell_label)}">'
                             f"{rect}{text}</a>")  # fmt: skip
            else:
                parts.append(rect + text)
    base = _TOP + n_l * _CELL
    for c in range(1, n_c + 1):
        mid = _LEFT + (c - 1) * _CELL + _CELL / 2
        parts.append(f'<text x="{mid}" y="{base + 18}" text-anchor="middle" font-size="12">{c}'
                     "</text>")  # fmt: skip
    parts.append(
        f'<text x="{_LEFT + n_c * _CELL / 2}" y="{base + 42}" text-anchor="middle" '
        f'font-size="12">{escape(t("risk.heatmap.consequence"))}</text>'
    )
    parts.append(
        f'<text x="12" y="{_TOP + n_l * _CELL / 2}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 12 {_TOP + n_l * _CELL / 2})">'
        f"{escape(t('risk.heatmap.likelihood'))}</text>"
    )
    parts.append("</svg>")
    return Markup("".join(parts))
