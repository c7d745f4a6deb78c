"""A product footprint as a PACT ``ProductFootprint`` v2 and v3 (decision 0068): every field
of lingtan's own example (written for these tests; no WBCSD example is copied), the data-type
rules (decimals as strings, UTC timestamps, URNs, UUIDs), events and list filters.

Hand-checked figures (PACT Technical Specifications: values per declared unit):

- the example notebook "NB-13", configuration "i5-CN": mass 1.25 kg, cradle-to-gate footprint
  250 kg CO2e per notebook → 250 / 1.25 = 200 kg CO2e per kg (declared unit: kilogram);
- of it, 50 kg CO2e come from suppliers' own PACT footprints → primary data share
  50 / 250 × 100 = 20 %;
- reference period 2024-01-01T00:00:00Z to 2025-01-01T00:00:00Z; published 2025-03-01 08:30
  in Beijing (UTC+8) = 2025-03-01T00:30:00Z.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from lingtan.modules.products import pact

FID = "3f0d7c1e-9a4b-4c2d-8e6f-1a2b3c4d5e6f"
EARLIER = "0b7e2f44-1c3d-4e5f-9a8b-7c6d5e4f3a2b"
BEIJING = timezone(timedelta(hours=8))


def facts(**kw: Any) -> pact.FootprintFacts:
    base = pact.FootprintFacts(
        footprint_id=FID,
        version=2,
        created=datetime(2025, 3, 1, 8, 30, tzinfo=BEIJING),
        status="Active",
        company_name="Example Notebooks Co",
        company_ids=("urn:lingtan:organisation:example", "urn:uscc:91110000600000000X"),
        product_id="NB-13",
        configuration_id="i5-CN",
        product_name="Notebook 13",
        configuration_name="i5, 16 GB, China",
        mass_kg=1.25,
        cradle_to_gate_kg=250.0,
        primary_kg=50.0,
        gwp_set="AR6",
        reference_period=(datetime(2024, 1, 1), datetime(2025, 1, 1)),
        database="lingtan illustrative LCI",
        method="IPCC 2021 GWP100",
        cpc="4526",
        geography="CN",
        product_ids=("urn:gtin:06901234567892",),
        preceding_ids=(EARLIER,),
    )
    return replace(base, **kw)


def test_every_v2_field_from_its_source() -> None:
    doc = pact.to_v2(facts())
    assert doc["id"] == FID
    assert doc["specVersion"] == "2.3.0"
    assert doc["version"] == 2
    assert doc["created"] == "2025-03-01T00:30:00Z"  # 08:30 UTC+8
    assert doc["status"] == "Active"
    assert doc["companyName"] == "Example Notebooks Co"
    assert doc["companyIds"] == ["urn:lingtan:organisation:example", "urn:uscc:91110000600000000X"]
    assert doc["productDescription"] == "Notebook 13, configuration i5, 16 GB, China"
    assert doc["productIds"] == ["urn:lingtan:product:NB-13:i5-CN", "urn:gtin:06901234567892"]
    assert doc["productCategoryCpc"] == "4526"
    assert doc["productNameCompany"] == "Notebook 13"
    assert "lingtan illustrative LCI" in doc["comment"]
    assert doc["precedingPfIds"] == [EARLIER]
    pcf = doc["pcf"]
    assert pcf["declaredUnit"] == "kilogram"
    assert pcf["unitaryProductAmount"] == "1.25"
    assert pcf["pCfExcludingBiogenic"] == "200"  # 250 kg CO2e / 1.25 kg
    assert pcf["pCfIncludingBiogenic"] == "200"
    assert pcf["fossilGhgEmissions"] == "200"
    assert (pcf["fossilCarbonContent"], pcf["biogenicCarbonContent"]) == ("0", "0")
    assert pcf["characterizationFactors"] == "AR6"
    assert pcf["ipccCharacterizationFactorsSources"] == ["AR6"]
    assert pcf["crossSectoralStandardsUsed"] == [
        "GHG Protocol Product standard",
        "ISO Standard 14067",
    ]
    assert pcf["boundaryProcessesDescription"].startswith("Cradle-to-gate")
    assert pcf["referencePeriodStart"] == "2024-01-01T00:00:00Z"
    assert pcf["referencePeriodEnd"] == "2025-01-01T00:00:00Z"
    assert pcf["geographyCountry"] == "CN"
    assert pcf["exemptedEmissionsPercent"] == 0
    assert pcf["packagingEmissionsIncluded"] is True
    assert pcf["primaryDataShare"] == pytest.approx(20.0)  # 50 / 250 × 100
    assert pact.validate_v2(doc) == []


def test_every_v3_field_from_its_source() -> None:
    doc = pact.to_v3(facts())
    assert doc["specVersion"] == "3.0.0"
    assert "version" not in doc  # v3 links versions by precedingPfIds
    assert doc["precedingPfIds"] == [EARLIER]
    assert doc["productClassifications"] == ["urn:pact:productclassification:un-cpc:4526"]
    assert doc["created"] == "2025-03-01T00:30:00Z"
    pcf = doc["pcf"]
    assert pcf["declaredUnitOfMeasurement"] == "kilogram"
    assert pcf["declaredUnitAmount"] == "1.25"
    assert pcf["productMassPerDeclaredUnit"] == "1"
    assert pcf["pcfExcludingBiogenicUptake"] == "200"
    assert pcf["pcfIncludingBiogenicUptake"] == "200"
    assert pcf["fossilGhgEmissions"] == "200"
    assert pcf["ipccCharacterizationFactors"] == ["AR6"]
    assert pcf["crossSectoralStandards"] == ["GHGP-Product", "ISO14067"]
    assert pcf["primaryDataShare"] == pytest.approx(20.0)
    assert pact.validate_v3(doc) == []


def test_a_first_version_has_no_preceding_ids_and_a_deprecated_one_says_so() -> None:
    first = pact.to_v2(facts(version=1, preceding_ids=(), status="Deprecated"))
    assert "precedingPfIds" not in first  # optional; never an empty list
    assert first["status"] == "Deprecated"
    assert pact.validate_v2(first) == []
    assert pact.validate_v3(pact.to_v3(facts(preceding_ids=()))) == []


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (200.0, "200"),
        (1.25, "1.25"),
        (0.000012, "0.000012"),  # no exponent: 1.2e-05 is not a PACT decimal
        (1250.0, "1250"),
        (1 / 3, "0.333333333"),
        (0.0, "0"),
    ],
)
def test_decimals_are_plain_strings(x: float, text: str) -> None:
    assert pact.decimal_string(x) == text


def test_timestamps_are_utc_with_z() -> None:
    assert pact.utc_timestamp(datetime(2025, 1, 1, 8, 0, tzinfo=BEIJING)) == "2025-01-01T00:00:00Z"
    assert pact.utc_timestamp(datetime(2025, 1, 1, 0, 0, 0, 999)) == "2025-01-01T00:00:00Z"
    assert pact.utc_timestamp(datetime(2025, 1, 1, tzinfo=UTC)) == "2025-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (("pcf", "pCfExcludingBiogenic"), 200.0, "pcf.pCfExcludingBiogenic: a decimal must be"),
        (("pcf", "pCfExcludingBiogenic"), "2e2", "pcf.pCfExcludingBiogenic: a decimal must be"),
        (("pcf", "unitaryProductAmount"), "0", "pcf.unitaryProductAmount: must be > 0"),
        (("created",), "2025-03-01T08:30:00+08:00", "created: not of the required form"),
        (("id",), "NB-13", "id: not of the required form"),
        (("status",), "Retired", "status: one of Active, Deprecated"),
        (("companyIds",), ["Example Co"], "companyIds[0]: not a URN"),
        (("productIds",), [], "productIds: expected a non-empty list of URNs"),
        (("pcf", "exemptedEmissionsPercent"), 6, "pcf.exemptedEmissionsPercent: expected"),
        (("pcf", "declaredUnit"), "piece", "pcf.declaredUnit: one of"),  # v3 only
        (("pcf", "ipccCharacterizationFactorsSources"), ["AR4"], "pcf.ipccCharacterization"),
        (("pcf", "geographyCountry"), "China", "pcf.geographyCountry: not of the required"),
        (("pcf", "referencePeriodEnd"), "2023-01-01T00:00:00Z", "pcf.referencePeriodEnd: must"),
        (("version",), "2", "version: expected an integer"),
        (("productCategoryCpc",), "computers", "productCategoryCpc: not of the required form"),
    ],
)
def test_v2_rules_name_the_property(path: tuple[str, ...], value: Any, problem: str) -> None:
    doc = pact.to_v2(facts())
    where = doc
    for key in path[:-1]:
        where = where[key]
    where[path[-1]] = value
    problems = pact.validate_v2(doc)
    assert any(p.startswith(problem) for p in problems), problems


def test_a_missing_property_is_named() -> None:
    doc = pact.to_v2(facts())
    del doc["pcf"]["fossilGhgEmissions"]
    assert pact.validate_v2(doc) == ["pcf.fossilGhgEmissions: required property is missing"]
    doc3 = pact.to_v3(facts())
    doc3["version"] = 1
    del doc3["pcf"]["declaredUnitAmount"]
    assert pact.validate_v3(doc3) == [
        "version: not a v3 property (v3 links versions by precedingPfIds)",
        "pcf.declaredUnitAmount: required property is missing",
    ]
    assert pact.validate_v2([]) == ["ProductFootprint: expected a JSON object"]


def test_what_pact_cannot_express_is_refused() -> None:
    with pytest.raises(pact.PactMappingError) as err:
        pact.to_v2(facts(mass_kg=0.0))
    assert err.value.field == "pcf.unitaryProductAmount"
    with pytest.raises(pact.PactMappingError) as err:
        pact.to_v3(facts(gwp_set="AR4"))
    assert err.value.field == "pcf.characterizationFactors"
    with pytest.raises(pact.PactMappingError):
        pact.to_v2(facts(reference_period=(datetime(2025, 1, 1), datetime(2024, 1, 1))))


def test_a_received_footprint_is_read_per_version() -> None:
    r2 = pact.read_received(pact.to_v2(facts()), 2)
    r3 = pact.read_received(pact.to_v3(facts()), 3)
    for r in (r2, r3):
        assert (r.declared_unit, r.declared_amount, r.kg_per_declared_unit) == (
            "kilogram",
            1.25,
            200,
        )
        assert r.kg_per_product == pytest.approx(250.0)  # 200 kg CO2e/kg × 1.25 kg
        assert r.gwp_sets == ("AR6",)
    assert (r2.version, r3.version) == (2, None)


def _event(v: int, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    types = {k: t for t, k in pact.EVENT_TYPES[v].items()}
    return {"specversion": "1.0", "id": "ev-1", "source": "//buyer.example/pact",
            "time": "2025-03-02T00:00:00Z", "type": types[kind], "data": data}  # fmt: skip


def test_events_of_both_versions() -> None:
    e = pact.parse_event(_event(2, "published", {"pfIds": [FID]}), 2)
    assert (e.kind, e.event_id, e.data["pfIds"]) == ("published", "ev-1", [FID])
    req = _event(2, "request_created", {"pf": {"productIds": ["urn:gtin:06901234567892"]}})
    assert pact.parse_event(req, 2).kind == "request_created"
    req3 = _event(3, "request_created", {"productId": ["urn:gtin:06901234567892"]})
    assert pact.parse_event(req3, 3).kind == "request_created"
    done = _event(3, "request_rejected", {"requestEventId": "ev-0", "error": {"code": "x"}})
    assert pact.parse_event(done, 3).kind == "request_rejected"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"specversion": "0.3"}, "BadRequest"),
        ({"id": ""}, "BadRequest"),
        ({"data": "x"}, "BadRequest"),
        ({"data": {"pfIds": []}}, "BadRequest"),
        ({"type": "org.example.Unknown"}, "NotImplemented"),
    ],
)
def test_a_bad_event_is_refused_with_its_code(change: dict[str, Any], code: str) -> None:
    ev = {**_event(2, "published", {"pfIds": [FID]}), **change}
    with pytest.raises(pact.PactEventError) as err:
        pact.parse_event(ev, 2)
    assert err.value.code == code
    # a v2 type sent to v3 is unknown there
    with pytest.raises(pact.PactEventError):
        pact.parse_event(_event(2, "published", {"pfIds": [FID]}), 3)


def test_v3_filters() -> None:
    doc = pact.to_v3(facts())
    assert pact.matches_v3(doc, {"productId": ["urn:gtin:06901234567892", "urn:x:y"]})
    assert not pact.matches_v3(doc, {"productId": ["urn:x:y"]})
    assert pact.matches_v3(doc, {"companyId": ["urn:uscc:91110000600000000X"]})
    assert pact.matches_v3(doc, {"geography": ["CN"], "status": ["Active"]})
    assert not pact.matches_v3(doc, {"geography": ["DE"]})
    assert pact.matches_v3(doc, {"classification": ["urn:pact:productclassification:un-cpc:4526"]})
    # no validity period: from the reference period's end for 3 years (2025-01-01 … 2028-01-01)
    assert pact.matches_v3(doc, {"validOn": ["2026-06-30T00:00:00Z"]})
    assert not pact.matches_v3(doc, {"validOn": ["2028-06-30T00:00:00Z"]})
    assert pact.matches_v3(doc, {"validAfter": ["2024-12-31T00:00:00Z"]})
    assert pact.matches_v3(doc, {"validBefore": ["2028-01-02T00:00:00Z"]})
    with pytest.raises(ValueError, match="validOn"):
        pact.matches_v3(doc, {"validOn": ["next year"]})


def test_v2_filter_subset() -> None:
    doc = pact.to_v2(facts())
    ok = "productCategoryCpc eq '4526' and created ge '2025-01-01T00:00:00Z'"
    assert pact.matches_filter(doc, pact.parse_filter(ok))
    assert pact.matches_filter(doc, pact.parse_filter("pcf/geographyCountry eq 'CN'"))
    anyp = "productIds/any(productId:(productId eq 'urn:gtin:06901234567892'))"
    assert pact.matches_filter(doc, pact.parse_filter(anyp))
    assert not pact.matches_filter(doc, pact.parse_filter("status eq 'Deprecated'"))
    for bad in ("status eq 'Active' or status eq 'Deprecated'", "pcf/pCfExcludingBiogenic gt '1'"):
        with pytest.raises(ValueError, match=r"\$filter|unsupported"):
            pact.parse_filter(bad)


def test_ids_and_urns() -> None:
    a, b = pact.new_footprint_id(), pact.new_footprint_id()
    assert a != b
    assert len(a) == 36
    assert pact.is_urn("urn:lingtan:organisation:acme")
    assert not pact.is_urn("lingtan:acme")
    assert not pact.is_urn("urn::x")
    assert pact.company_urn("acme") == "urn:lingtan:organisation:acme"
