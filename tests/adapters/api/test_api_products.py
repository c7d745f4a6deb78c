"""Product carbon footprints in the server (issue 6 item 7): the organisation's product data
(``products/`` in its workspace folder; the demo's ILLUSTRATIVE notebook family) through the
JSON API — list, footprint by stage with hot spots, claim, label, PACT out and in — on SQLite
and PostgreSQL, with cross-tenant isolation and roles.

Hand-checked figures (ISO 14067; GHG Protocol Product Standard; illustrative data lingtan/data/lca):

- use stage of LB14-G5 ``i5-16-512-CN`` on 2024-06-30 = 18.5 kWh/yr × 4 yr × 0.5306 kg CO2e/kWh
  (MEE/NBS 2023 national average, CN; the latest year for a 2024 date) = 39.2644 kg CO2e;
- distribution of ``i7-32-1t-GB`` (route "sea": lorry 300 km + ship 10,000 km + lorry 500 km)
  = (product mass + 0.55 kg packaging) [t] × (800 × 0.1 + 10,000 × 0.012) kg CO2e/t·km
  = (m + 0.55) × 0.2 kg CO2e; with m = 1.308 kg: 1.858 × 0.2 = 0.3716 kg CO2e;
- the supplier's PACT SSD footprint (SSD-1T): 3,000 kg CO2e/kg × 0.008 kg = 24 kg CO2e per SSD
  replaces the database average (GHG Protocol Product Standard §8.3.1);
- the demo claim of ``i7-32-1t-GB`` (FY2024/25, 10,000 units): residual = footprint × 10,000 /
  1,000 t; credits retired = the residual rounded up to whole tonnes → it holds (ISO 14068-1).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from lingtan.adapters.services.products import write_demo_products
from serverkit import Server, TestClient, add_user, owner_client

API = "/api/v1"
P = f"{API}/orgs/acme/products"
ON = {"on": "2024-06-30"}
SUPPLIER_PACT = Path(__file__).parents[3] / "src/lingtan/data/lca/supplier-ssd-pact.json"


@pytest.fixture
def acme(server_factory: Callable[..., Server]) -> tuple[Server, TestClient]:
    srv = server_factory(workers=0)
    c = owner_client(srv, "a@acme.example")
    assert write_demo_products(srv.data_dir / "orgs" / "acme") is not None
    return srv, c


def test_list_products_with_stage_totals(acme: tuple[Server, TestClient]) -> None:
    _, c = acme
    r = c.get(P, params=ON)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert [p["product_id"] for p in doc["products"]] == ["LB14-G5"]
    configs = {x["configuration_id"]: x for x in doc["products"][0]["configurations"]}
    assert set(configs) == {"i5-16-512-CN", "i7-32-1t-GB", "i7-32-1t-oled-US"}
    cn = configs["i5-16-512-CN"]
    assert cn["stages_kg_co2e"]["use"] == pytest.approx(18.5 * 4 * 0.5306)  # 39.2644
    assert sum(cn["stages_kg_co2e"].values()) == pytest.approx(cn["total_kg_co2e"])
    assert (cn["claim_id"], cn["public"]) == (None, False)
    gb = configs["i7-32-1t-GB"]
    assert (gb["claim_id"], gb["claim_valid"], gb["public"]) == (
        "LB14-G5/i7-32-1t-GB/FY2024",
        True,
        True,
    )
    assert doc["supplier_footprints"] == ["SSD-1T"]  # the supplier PACT file of the demo


def test_footprint_by_stage_hot_spots_and_claim(acme: tuple[Server, TestClient]) -> None:
    srv, c = acme
    r = c.get(f"{P}/LB14-G5/i7-32-1t-GB", params={**ON, "lines": True})
    assert r.status_code == 200, r.text
    fp = r.json()
    assert fp["mass_kg"] == pytest.approx(1.308)
    # (m + 0.55 kg packaging) t × (800 km × 0.1 + 10,000 km × 0.012) kg/t·km = 1.858 × 0.2
    assert fp["stages_kg_co2e"]["distribution"] == pytest.approx((1.308 + 0.55) * 0.2)
    assert sum(fp["stages_kg_co2e"].values()) == pytest.approx(fp["total_kg_co2e"])
    assert sum(fp["stages_pct"].values()) == pytest.approx(100)
    assert sum(ln["kg_co2e"] for ln in fp["lines"]) == pytest.approx(fp["total_kg_co2e"])
    # hot spots: largest first; the supplier's SSD (3,000 kg/kg × 0.008 kg = 24 kg) among them
    spots = [h["kg_co2e"] for h in fp["hot_spots"]]
    assert spots == sorted(spots, key=abs, reverse=True)
    assert len(spots) == 10
    ssd = [ln for ln in fp["lines"] if ln["source"] == "supplier"]
    assert len(ssd) == 1
    assert ssd[0]["kg_co2e"] == pytest.approx(3000 * 0.008)
    assert sum(fp["by_component_kg_co2e"].values()) == pytest.approx(fp["total_kg_co2e"])
    assert fp["by_material_kg_co2e"]
    assert fp["by_supplier_kg_co2e"]
    assert fp["supply_chain_hot_spots"][0]["kg_co2e"] > 0
    # the claim is assessed on the footprint as of its period end (2025-03-31)
    claim = fp["claim"]
    assert claim["valid"] is True
    assert claim["public"] is True
    residual = claim["footprint_kg_co2e_per_unit"] * 10_000 / 1000  # [t]
    assert claim["residual_t_co2e"] == pytest.approx(residual)
    assert claim["retired_t_co2e"] == math.ceil(residual)
    assert all(ch["ok"] for ch in claim["checks"])
    url = "http://testserver/p/acme/LB14-G5/i7-32-1t-GB"
    assert fp["public_url"] == claim["evidence_url"] == url
    # without a claim: no claim, no public page
    cn = c.get(f"{P}/LB14-G5/i5-16-512-CN", params={**ON, "top": 3}).json()
    assert cn["claim"] is None
    assert cn["public_url"] is None
    assert len(cn["hot_spots"]) == 3
    assert "lines" not in cn or cn["lines"] is None
    # another GWP set gives another total
    ar5 = c.get(f"{P}/LB14-G5/i5-16-512-CN", params={**ON, "gwp": "AR5"}).json()
    assert ar5["gwp_set"] == "AR5"
    assert ar5["total_kg_co2e"] != cn["total_kg_co2e"]
    del srv


def test_label_svg_and_png(acme: tuple[Server, TestClient]) -> None:
    _, c = acme
    svg = c.get(f"{P}/LB14-G5/i7-32-1t-GB/label.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert 'filename="label-LB14-G5-i7-32-1t-GB.svg"' in svg.headers["content-disposition"]
    assert svg.text.lstrip().startswith(("<svg", "<?xml"))
    assert "Carbon neutral 碳中和" in svg.text  # the claim holds
    assert "http://testserver/p/acme/LB14-G5/i7-32-1t-GB" in svg.text  # the QR code's target
    plain = c.get(f"{P}/LB14-G5/i5-16-512-CN/label.svg", params=ON).text
    assert "Footprint declared" in plain
    assert "Carbon neutral" not in plain
    png = c.get(f"{P}/LB14-G5/i5-16-512-CN/label.png", params=ON)
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert c.get(f"{P}/LB14-G5/nope/label.png").status_code == 404


def test_pact_export(acme: tuple[Server, TestClient]) -> None:
    _, c = acme
    fp = c.get(f"{P}/LB14-G5/i5-16-512-CN", params=ON).json()
    r = c.get(f"{P}/LB14-G5/i5-16-512-CN/pact", params=ON)
    assert r.status_code == 200
    doc = r.json()
    assert doc["companyIds"] == ["urn:lingtan:organisation:acme"]
    assert doc["pcf"]["declaredUnit"] == "kilogram"
    # cradle to gate per kg of product = (materials + manufacturing) / mass
    gate = fp["stages_kg_co2e"]["materials"] + fp["stages_kg_co2e"]["manufacturing"]
    assert float(doc["pcf"]["pCfExcludingBiogenic"]) == pytest.approx(
        gate / fp["mass_kg"], rel=1e-5
    )
    assert float(doc["pcf"]["unitaryProductAmount"]) == pytest.approx(1.308)


def _pact(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(SUPPLIER_PACT.read_text(encoding="utf-8"))
    doc.update(
        id="0d7b5e1c-2f4a-4c8e-9a1b-3e5f7d9c1a2b",
        productIds=["urn:lingtan:part:SSD-512"],
        pcf={**doc["pcf"], "unitaryProductAmount": "0.006"},
    )
    doc.update(changes)
    return doc


def test_pact_import_replaces_the_database_average(acme: tuple[Server, TestClient]) -> None:
    srv, c = acme
    folder = srv.data_dir / "orgs" / "acme" / "products" / "pact"
    before = c.get(f"{P}/LB14-G5/i5-16-512-CN", params={**ON, "lines": True}).json()
    assert not [ln for ln in before["lines"] if ln["source"] == "supplier"]
    # a malformed document: 422 naming the property, nothing stored
    bad = _pact(pcf={**_pact()["pcf"], "declaredUnit": "piece"})
    r = c.post(f"{P}/pact", json={"document": bad})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "document.pcf.declaredUnit"
    r = c.post(f"{P}/pact", json={"document": {"data": [_pact(), _pact(id="x")]}})
    assert (r.status_code, r.json()["error"]["field"]) == (422, "document.data[1].id")
    assert len(list(folder.glob("*.json"))) == 1  # the demo's SSD-1T only
    # a valid one: stored, audited, applied
    r = c.post(f"{P}/pact", json={"document": _pact()})
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["footprints"][0]["parts"] == ["SSD-512"]
    assert got["footprints"][0]["kg_per_product"] == pytest.approx(3000 * 0.006)  # 18 kg
    assert (folder / got["file"]).is_file()
    listed = c.get(f"{P}/pact").json()
    assert {d["file"] for d in listed} == {got["file"], "supplier-ssd-pact.json"}
    after = c.get(f"{P}/LB14-G5/i5-16-512-CN", params={**ON, "lines": True}).json()
    ssd = [ln for ln in after["lines"] if ln["source"] == "supplier"]
    assert len(ssd) == 1
    assert ssd[0]["kg_co2e"] == pytest.approx(18.0)
    assert after["total_kg_co2e"] != before["total_kg_co2e"]
    with srv.engine.connect() as conn:
        actions = conn.execute(text("SELECT action FROM audit_entry")).scalars().all()
    assert "products.pact_import" in actions


def test_roles_and_other_organisations(acme: tuple[Server, TestClient]) -> None:
    srv, _ = acme
    add_user(srv.engine, "v@acme.example", {"acme": "viewer"})
    v = srv.login("v@acme.example")
    assert v.get(f"{P}/LB14-G5/i5-16-512-CN", params=ON).status_code == 200
    r = v.post(f"{P}/pact", json={"document": _pact()})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
    b = owner_client(srv, "b@bravo.example", "bravo")
    for path in ("", "/LB14-G5/i7-32-1t-GB", "/LB14-G5/i7-32-1t-GB/label.svg", "/pact"):
        r = b.get(P + path)
        assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found"), path
    # bravo has no product data: empty list, A's product ids unknown there
    assert b.get(f"{API}/orgs/bravo/products").json()["products"] == []
    assert b.get(f"{API}/orgs/bravo/products/LB14-G5/i7-32-1t-GB").status_code == 404


def test_bad_parameters(acme: tuple[Server, TestClient]) -> None:
    _, c = acme
    assert c.get(f"{P}/LB14-G5/nope").status_code == 404
    assert c.get(f"{P}/NOPE/i5-16-512-CN").status_code == 404
    r = c.get(f"{P}/LB14-G5/i5-16-512-CN", params={"gwp": "AR9"})
    assert (r.status_code, r.json()["error"]["field"]) == (422, "gwp")
    assert c.get(f"{P}/LB14-G5/i5-16-512-CN", params={"on": "2024-13-01"}).status_code == 422
