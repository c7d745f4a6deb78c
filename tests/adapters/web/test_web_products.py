"""The product pages (issue 6 in the web app): list, configuration page (stage chart, hot spots,
claim with its evidence, label and downloads) and the public evidence page of the label's QR
code, in both languages, with the tenant and privacy boundaries.

The organisation is the synthetic demo with the ILLUSTRATIVE notebook family (lingtan/data/lca)
as its product data. Hand-checked (ISO 14067; GHG Protocol Product Standard):

- use stage of ``i5-16-512-CN`` on 2024-06-30 = 18.5 kWh/yr × 4 yr × 0.5306 kg CO2e/kWh (MEE/NBS
  2023 national average, CN) = 39.2644 → "39.26" kg CO2e;
- distribution of ``i7-32-1t-GB`` = (1.308 kg + 0.55 kg packaging) × (800 km × 0.1 + 10,000 km
  × 0.012) kg CO2e/t·km / 1000 = 0.3716 kg CO2e;
- the supplier SSD (PACT): 3,000 kg CO2e/kg × 0.008 kg = 24.00 kg CO2e.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from webkit import TestClient, create_site_app, login

from lingtan.adapters.i18n.messages import catalogue
from lingtan.adapters.services.products import write_demo_products
from lingtan.adapters.web.pages.products import STAGES

Site = Any  # tests/adapters/web/conftest.py: Site
ON = "on=2024-06-30"
GB = "LB14-G5/i7-32-1t-GB"


@pytest.fixture(scope="module")
def client(
    site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Site]]:
    site = site_factory(tmp_path_factory.mktemp("products"))
    assert write_demo_products(site.root / "orgs" / site.org)
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        yield c, site


def _chart(html: str, chart_id: str) -> dict[str, Any]:
    m = re.search(rf'<script type="application/json" id="{chart_id}">(.*?)</script>', html, re.S)
    assert m, chart_id
    return dict(json.loads(m.group(1)))


@pytest.mark.parametrize(
    ("lang", "title", "neutral"),
    [("en", "Product carbon footprints", "carbon neutral"), ("zh-CN", "产品碳足迹", "碳中和")],
)
def test_list_in_both_languages(
    client: tuple[TestClient, Site], lang: str, title: str, neutral: str
) -> None:
    c, site = client
    r = c.get(f"/o/{site.org}/products?lang={lang}&{ON}")
    assert r.status_code == 200, r.text
    html = r.text
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{title}</h1>" in html
    row = re.search(r'<tr data-config="i5-16-512-CN">(.*?)</tr>', html, re.S)
    assert row
    assert "39.26" in row.group(1)
    gb = re.search(r'<tr data-config="i7-32-1t-GB">(.*?)</tr>', html, re.S)
    assert gb
    assert neutral in gb.group(1)
    assert "0.37" in gb.group(1)
    assert f'href="/o/{site.org}/products/{GB}?on=2024-06-30"' in html
    assert f'href="/o/{site.org}/products" aria-current="page"' in html  # the nav link


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_configuration_page(client: tuple[TestClient, Site], lang: str) -> None:
    c, site = client
    html = c.get(f"/o/{site.org}/products/{GB}?lang={lang}&{ON}").text
    api = c.get(f"/api/v1/orgs/{site.org}/products/{GB}?{ON}").json()
    chart = _chart(html, "chart-stages")
    bars = [d["value"] for d in chart["series"][0]["data"]]
    assert bars == pytest.approx([api["stages_kg_co2e"][s] for s in STAGES])
    assert bars[STAGES.index("distribution")] == pytest.approx((1.308 + 0.55) * 0.2)
    assert chart["yAxis"]["data"] == [catalogue(lang)[f"products.stage_{s}"] for s in STAGES]
    table = html[
        html.index('id="table-hot-spots"') : html.index("</table>", html.index("hot-spots"))
    ]
    assert table.count("<tr>") == 1 + 10  # header + the ten largest lines
    assert "24.00" in table  # the supplier's SSD: 3,000 kg/kg × 0.008 kg
    assert 'id="claim-status"' in html
    assert catalogue(lang)["products.claim_valid"] in html
    assert html.count("<tr><td>") >= 4 + 4  # claim checks and reductions listed
    assert f"/api/v1/orgs/{site.org}/products/{GB}/label.svg?gwp=AR6&amp;on=2024-06-30" in html
    assert 'id="public-link"' in html
    assert f"/p/{site.org}/{GB}" in html
    svg = c.get(f"/api/v1/orgs/{site.org}/products/{GB}/label.svg")  # the page's session opens it
    png = c.get(f"/api/v1/orgs/{site.org}/products/{GB}/label.png")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert png.headers["content-type"] == "image/png"
    other = c.get(f"/o/{site.org}/products/LB14-G5/i5-16-512-CN?lang={lang}&{ON}").text
    assert 'id="no-claim"' in other
    assert 'id="public-link"' not in other


def test_public_evidence_page_without_login(client: tuple[TestClient, Site]) -> None:
    _, site = client
    with TestClient(create_site_app(site), follow_redirects=False) as anon:
        for lang in ("en", "zh-CN"):
            r = anon.get(f"/p/{site.org}/{GB}?lang={lang}")
            assert r.status_code == 200, r.text
            html = r.text
            assert catalogue(lang)["products.claim_valid"] in html
            assert 'id="claim-retirements"' in html
            assert "VCS-0000-DEMO" in html
            assert _chart(html, "chart-stages")["series"][0]["data"]
            # privacy: no bill of materials, supplier or material breakdown, hot spots (the
            # reductions' evidence references are part of the claim's published evidence)
            for secret in (
                "LB14-MB",
                "SSD-1T",
                "Deepwell",
                "table-hot-spots",
                "by_supplier",
                "supply-chain",
                "aluminium (recycled)",
            ):
                assert secret not in html, secret
        # a configuration without a published claim, or another organisation: not found
        assert anon.get(f"/p/{site.org}/LB14-G5/i5-16-512-CN").status_code == 404
        assert anon.get(f"/p/{site.other_org}/{GB}").status_code == 404
        assert anon.get(f"/p/nosuch/{GB}").status_code == 404
        # the organisation's own pages still need a login
        r = anon.get(f"/o/{site.org}/products")
        assert r.status_code == 302
        assert r.headers["location"].startswith("/login")


def test_other_organisations_and_empty(client: tuple[TestClient, Site]) -> None:
    _, site = client
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.outsider)
        assert c.get(f"/o/{site.org}/products").status_code == 404
        assert c.get(f"/o/{site.org}/products/{GB}").status_code == 404
        assert c.get(f"/api/v1/orgs/{site.org}/products/{GB}/label.svg").status_code == 404
        html = c.get(f"/o/{site.other_org}/products?lang=en").text
        assert 'id="no-products"' in html
        assert c.get(f"/o/{site.other_org}/products/{GB}").status_code == 404


def test_stage_keys_in_both_catalogues() -> None:
    for lang in ("en", "zh-CN"):
        assert all(f"products.stage_{s}" in catalogue(lang) for s in STAGES)
