"""PACT Technical Specifications v2 ProductFootprint in and out, supplier footprints replacing
database averages, and the product label (SVG, PNG, QR code)."""

from __future__ import annotations

import copy
import io
import json
import re
from datetime import date
from importlib import resources

import pytest
from PIL import Image

from lingtan.adapters.io.lca.labels import LabelData, qr_modules, render_png, render_svg
from lingtan.adapters.io.lca.pact import (
    apply_supplier_footprints,
    parse_pact,
    parse_pact_document,
    to_pact,
)
from lingtan.adapters.io.lca.workflow import open_workbench
from lingtan.modules.products.errors import LciFileError

EXAMPLE = json.loads(
    resources.files("lingtan").joinpath("data", "lca", "supplier-ssd-pact.json").read_text("utf-8")
)


def test_supplier_pact_footprint_is_read_and_validated() -> None:
    pf = parse_pact(EXAMPLE, "ssd.json")
    # 3000 kg CO2e per kg × 0.008 kg per SSD = 24 kg CO2e per SSD
    assert pf.kg_per_product == pytest.approx(24.0)
    sf = pf.supplier_footprint()
    assert (sf.kg_co2e, sf.unit, sf.pact_id) == (pytest.approx(24.0), "item", EXAMPLE["id"])
    assert parse_pact_document({"data": [EXAMPLE, EXAMPLE]}, "list")[1].id == EXAMPLE["id"]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("id",), "not-a-uuid", r"ProductFootprint.id: not a UUID"),
        (("specVersion",), "3.0.0", r"specVersion: not a v2.x version"),
        (("companyIds",), [], r"companyIds: expected a non-empty list of URNs"),
        (("productIds",), ["gtin:123"], r"productIds\[0\]: not a URN"),
        (("pcf", "declaredUnit"), "piece", r"pcf.declaredUnit: must be one of"),
        (("pcf", "unitaryProductAmount"), "0", r"pcf.unitaryProductAmount: must be > 0"),
        (("pcf", "pCfExcludingBiogenic"), None, r"pcf.pCfExcludingBiogenic: required"),
        (("pcf", "exemptedEmissionsPercent"), 7, r"exemptedEmissionsPercent: expected a number"),
        (("pcf", "referencePeriodEnd"), "last year", r"referencePeriodEnd: not an ISO 8601"),
    ],
)
def test_invalid_pact_names_the_property(
    path: tuple[str, ...], value: object, message: str
) -> None:
    doc = copy.deepcopy(EXAMPLE)
    target = doc
    for k in path[:-1]:
        target = target[k]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    with pytest.raises(LciFileError, match=message):
        parse_pact(doc, "supplier.json")


def test_supplier_footprint_replaces_the_database_average() -> None:
    plain = open_workbench(on=date(2024, 6, 30))
    fp0 = plain.footprint("LB14-G5", "i7-32-1t-GB", 0)
    ssd0 = fp0.by_component()["SSD-1T"]
    product, hits = apply_supplier_footprints(
        plain.product("LB14-G5"), {"SSD-1T": parse_pact(EXAMPLE).supplier_footprint()}
    )
    assert hits == ["SSD-1T", "SSD-1T"]  # two configurations use the 1 TB SSD
    fp1 = plain.model.footprint(product, "i7-32-1t-GB", 0)
    assert fp1.by_component()["SSD-1T"] == pytest.approx(24.0)
    assert fp1.total == pytest.approx(fp0.total - ssd0 + 24.0, rel=1e-12)


def test_pact_export_is_cradle_to_gate_per_kilogram_and_valid() -> None:
    fp = open_workbench(on=date(2024, 6, 30)).footprint("LB14-G5", "i5-16-512-CN", 0)
    doc = to_pact(fp, company_name="Demo", company_ids=["urn:uuid:1"])
    pf = parse_pact(doc)
    stages = fp.by_stage()
    # per kg × kg = materials + manufacturing (use, distribution, end of life excluded)
    assert pf.kg_per_product == pytest.approx(
        stages["materials"] + stages["manufacturing"], rel=1e-5
    )
    assert pf.unitary_amount == pytest.approx(fp.mass_kg, rel=1e-5)
    assert doc["pcf"]["packagingEmissionsIncluded"] is True


def test_label_svg_and_png_carry_footprint_stages_and_qr() -> None:
    label = LabelData(
        "Book 14",
        "i7 / 32 GB",
        138.7,
        {
            "materials": 10.0,
            "manufacturing": 111.0,
            "distribution": 0.4,
            "use": 17.0,
            "end_of_life": 0.3,
        },
        "https://example.org/p/LB14/i7",
    )
    svg = render_svg(label)
    assert "139" in svg
    assert "kg CO₂e" in svg
    for stage in ("Materials", "Manufacturing", "Distribution", "Use", "End of life"):
        assert stage in svg
    # 111 / 138.7 = 80.0 %
    assert "80 %" in svg
    mods = qr_modules(label.url)
    dark = sum(sum(row) for row in mods)
    path = re.search(r'<path d="([^"]+)"', svg)
    assert path is not None
    assert path.group(1).count("M") == dark
    img = Image.open(io.BytesIO(render_png(label, scale=1)))
    assert img.size == (420, 600)
    assert qr_modules(label.url) == mods  # deterministic
