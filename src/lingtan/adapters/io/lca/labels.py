"""Product carbon labels: SVG and PNG with the footprint, its stages and a QR code.

The source report's label (碳中和标签): a consumer scans the QR code on the product page and sees
the product's evidence (footprint, reductions, credits). Content: product and configuration
name, the footprint [kg CO2e per product], a bar per life-cycle stage with its share, the claim
status (carbon neutral or not), the GWP set and standard, and a QR code of the public evidence
page (``base_url/p/<product>/<configuration>``, :func:`~lingtan.modules.products.certification.
evidence_url`). ISO 14026:2017 (communication of footprint information) asks that such a label
state the declared unit, the boundary and where the supporting information is: the label says
"per product, cradle to grave" and the QR code is the link.

The QR matrix comes from ``segno``; both renderings draw the same modules, so SVG and PNG carry
the same code. The PNG draws its text with the installed CJK font (Noto Sans CJK SC,
:mod:`lingtan.adapters.io.fonts`; decision 0058) and then carries the Chinese caption and stage
names as the SVG does; without one it falls back to Pillow's built-in font, Latin text only, and
logs what to install.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import segno

from lingtan.modules.products.footprint import Footprint
from lingtan.modules.products.model import STAGES

STAGE_COLOURS = {
    "materials": "#4e79a7",
    "manufacturing": "#f28e2b",
    "distribution": "#76b7b2",
    "use": "#e15759",
    "end_of_life": "#59a14f",
}
STAGE_LABELS = {
    "materials": "Materials 材料",
    "manufacturing": "Manufacturing 制造",
    "distribution": "Distribution 运输",
    "use": "Use 使用",
    "end_of_life": "End of life 末端",
}
WIDTH, HEIGHT = 420, 600


@dataclass(frozen=True)
class LabelData:
    """What a label shows (JSON-serialisable through :meth:`to_dict`)."""

    product_name: str
    configuration_name: str
    total_kg_co2e: float
    stages_kg_co2e: dict[str, float]
    url: str
    carbon_neutral: bool = False
    gwp_set: str = "AR6"
    standard: str = "ISO 14067:2018"

    @staticmethod
    def of(fp: Footprint, url: str, carbon_neutral: bool = False) -> LabelData:
        """Label content of a footprint."""
        return LabelData(
            fp.product_name,
            fp.configuration_name,
            fp.total,
            fp.by_stage(),
            url,
            carbon_neutral,
            fp.gwp_set,
        )

    def shares(self) -> dict[str, float]:
        """Stage shares [%] (0 when the total is 0)."""
        t = self.total_kg_co2e
        return {
            s.value: (100 * self.stages_kg_co2e.get(s.value, 0.0) / t if t else 0.0) for s in STAGES
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {**self.__dict__, "stage_shares_pct": self.shares()}


def qr_modules(url: str) -> list[list[bool]]:
    """QR code of ``url`` (error correction M, 4-module quiet zone) as rows of dark flags."""
    qr = segno.make(url, error="m", micro=False)
    return [[bool(v) for v in row] for row in qr.matrix_iter(scale=1, border=4)]


def render_svg(label: LabelData) -> str:
    """The label as an SVG document (UTF-8 text)."""
    e = escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Helvetica, Arial, sans-serif">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" rx="16" fill="#ffffff" stroke="#1b5e20" '
        'stroke-width="4"/>',
        '<text x="24" y="44" font-size="22" font-weight="bold" fill="#1b5e20">'
        "Product carbon footprint</text>",
        '<text x="24" y="68" font-size="14" fill="#1b5e20">产品碳足迹</text>',
        f'<text x="24" y="100" font-size="15">{e(label.product_name)}</text>',
        f'<text x="24" y="120" font-size="12" fill="#555">{e(label.configuration_name)}</text>',
        f'<text x="24" y="170" font-size="40" font-weight="bold">{label.total_kg_co2e:,.0f}'
        '<tspan font-size="18" font-weight="normal"> kg CO₂e</tspan></text>',
        '<text x="24" y="192" font-size="11" fill="#555">per product, cradle to grave, '
        f"{e(label.standard)}, IPCC {e(label.gwp_set)} GWP100</text>",
    ]
    y = 218
    shares = label.shares()
    for s in STAGES:
        k = s.value
        w = max(0.0, min(100.0, shares[k])) / 100 * 250
        parts += [
            f'<text x="24" y="{y + 12}" font-size="12">{e(STAGE_LABELS[k])}</text>',
            f'<rect x="150" y="{y}" width="250" height="16" fill="#eeeeee"/>',
            f'<rect x="150" y="{y}" width="{w:.1f}" height="16" fill="{STAGE_COLOURS[k]}"/>',
            f'<text x="396" y="{y + 12}" font-size="11" text-anchor="end">{shares[k]:.0f} %</text>',
        ]
        y += 26
    status = "Carbon neutral 碳中和" if label.carbon_neutral else "Footprint declared 已披露"
    parts.append(
        f'<text x="24" y="{y + 20}" font-size="14" font-weight="bold" '
        f'fill="#1b5e20">{status}</text>'
    )
    mods = qr_modules(label.url)
    size = 170
    cell = size / len(mods)
    x0, y0 = (WIDTH - size) / 2, y + 36
    path = []
    for r, row in enumerate(mods):
        for c, dark in enumerate(row):
            if dark:
                path.append(
                    f"M{x0 + c * cell:.2f} {y0 + r * cell:.2f}h{cell:.2f}v{cell:.2f}h-{cell:.2f}z"
                )
    parts.append(f'<path d="{"".join(path)}" fill="#000000"/>')
    parts.append(
        f'<text x="{WIDTH / 2}" y="{y0 + size + 18}" font-size="10" '
        f'text-anchor="middle" fill="#555">Scan for the evidence 扫码查看 · '
        f"{e(label.url)}</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render_png(label: LabelData, scale: int = 2) -> bytes:
    """The label as PNG bytes (``scale`` × the SVG's size)."""
    from PIL import Image, ImageDraw

    from lingtan.adapters.io.fonts import cjk_font, missing_message, pil_font

    s = scale
    img = Image.new("RGB", (WIDTH * s, HEIGHT * s), "white")
    d = ImageDraw.Draw(img)
    cjk = cjk_font() is not None
    if not cjk:
        logging.getLogger(__name__).warning(missing_message())

    def font(px: int) -> Any:
        return pil_font(px * s)

    d.rounded_rectangle(
        (2 * s, 2 * s, (WIDTH - 2) * s, (HEIGHT - 2) * s),
        radius=16 * s,
        outline="#1b5e20",
        width=4 * s,
    )
    d.text((24 * s, 24 * s), "Product carbon footprint", fill="#1b5e20", font=font(22))
    if cjk:
        d.text((24 * s, 54 * s), "产品碳足迹", fill="#1b5e20", font=font(14))
    d.text((24 * s, 86 * s), label.product_name, fill="black", font=font(15))
    d.text((24 * s, 108 * s), label.configuration_name, fill="#555555", font=font(12))
    d.text((24 * s, 130 * s), f"{label.total_kg_co2e:,.0f} kg CO2e", fill="black", font=font(36))
    d.text(
        (24 * s, 182 * s),
        f"per product, cradle to grave, {label.standard}, IPCC {label.gwp_set}",
        fill="#555555",
        font=font(11),
    )
    y = 218
    shares = label.shares()
    for st in STAGES:
        k = st.value
        w = max(0.0, min(100.0, shares[k])) / 100 * 250
        d.text(
            (24 * s, y * s),
            STAGE_LABELS[k] if cjk else k.replace("_", " ").capitalize(),
            fill="black",
            font=font(12),
        )
        d.rectangle((150 * s, y * s, 400 * s, (y + 16) * s), fill="#eeeeee")
        if w > 0:
            d.rectangle((150 * s, y * s, (150 + w) * s, (y + 16) * s), fill=STAGE_COLOURS[k])
        d.text((404 * s, y * s), f"{shares[k]:.0f}%", fill="black", font=font(11), anchor="ra")
        y += 26
    status = "Carbon neutral" if label.carbon_neutral else "Footprint declared"
    d.text((24 * s, (y + 6) * s), status, fill="#1b5e20", font=font(14))
    mods = qr_modules(label.url)
    size = 170 * s
    cell = size // len(mods)
    x0 = (WIDTH * s - cell * len(mods)) // 2
    y0 = (y + 36) * s
    for r, row in enumerate(mods):
        for c, dark in enumerate(row):
            if dark:
                d.rectangle(
                    (
                        x0 + c * cell,
                        y0 + r * cell,
                        x0 + (c + 1) * cell - 1,
                        y0 + (r + 1) * cell - 1,
                    ),
                    fill="black",
                )
    d.text(
        (WIDTH * s // 2, y0 + cell * len(mods) + 6 * s),
        label.url,
        fill="#555555",
        font=font(9),
        anchor="ma",
    )
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def write_label(label: LabelData, stem: str | Path) -> tuple[Path, Path]:
    """Write ``<stem>.svg`` and ``<stem>.png``; returns both paths."""
    base = Path(stem)
    base.parent.mkdir(parents=True, exist_ok=True)
    svg, png = base.with_suffix(".svg"), base.with_suffix(".png")
    svg.write_text(render_svg(label), encoding="utf-8")
    png.write_bytes(render_png(label))
    return svg, png
