"""The schemas of the new set-up, mapping and factor endpoints say exactly what their handlers
take (decision 0048): the enums are the service's own lists, unknown fields are refused, and a
mapping sent with a preview is checked as the PUT body is — a 422 naming it, never a 500."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, get_args

import pytest

from lingtan.adapters.api.schemas.mappings import TemplateName
from lingtan.adapters.services.disclosure_datapoints import STATUSES as DATAPOINT_STATUSES
from lingtan.adapters.services.rates import rate_currencies
from lingtan.adapters.store.disclosure_editions import EDITION_STATES
from lingtan.core.templates.catalogue import TEMPLATES
from lingtan.modules.circularity import ledgers
from lingtan.modules.disclosure import document, frameworks, verification
from lingtan.modules.inclusion import actions, leaderboard, programmes
from lingtan.modules.risk import aspects, catalogue, governance, matrix, physical
from serverkit import Server, owner_client

API = "/api/v1"


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The OpenAPI description the server serves at ``/api/v1/openapi.json``: made from the
    routes, the same on every store, so made once for the module (decision 0086, addendum 2)."""
    from lingtan.adapters.server.app import create_app
    from lingtan.adapters.services.settings import ServerSettings

    folder = tmp_path_factory.mktemp("openapi")
    settings = ServerSettings(database_url=f"sqlite:///{folder / 'store.db'}",
                              data_dir=folder / "data", workers=0, secret="test")  # fmt: skip
    app = create_app(settings)
    try:
        got: dict[str, Any] = json.loads(json.dumps(app.openapi()))
    finally:
        app.state.engine.dispose()
    return got


def _param(doc: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    op = doc["paths"][f"{API}{path}"][method]
    (p,) = [p for p in op["parameters"] if p["name"] == name]
    schema: dict[str, Any] = p["schema"]
    return schema


def _body(doc: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = doc["components"]["schemas"][name]
    return schema


def test_the_enums_are_the_services_lists(doc: dict[str, Any]) -> None:
    assert list(get_args(TemplateName)) == list(TEMPLATES)  # every template, nothing else
    assert _body(doc, "MappingCreate")["properties"]["template"]["enum"] == list(TEMPLATES)
    currency = _param(doc, "/orgs/{org}/exchange-rates/{currency}/{year}", "put", "currency")
    assert currency["enum"] == list(rate_currencies())
    assert "USD" not in currency["enum"]  # the reference
    assert {"CNY", "EUR", "JPY"} <= set(currency["enum"])
    gwp = _param(doc, "/orgs/{org}/factors", "get", "gwp")
    assert [s for s in gwp["anyOf"] if "enum" in s] == [
        {"type": "string", "enum": ["AR4", "AR5", "AR6"]}
    ]


def test_the_bodies_refuse_unknown_fields(doc: dict[str, Any]) -> None:
    for name in ("MappingCreate", "ExchangeRateUpdate"):
        assert _body(doc, name)["additionalProperties"] is False, name


def _enum(prop: dict[str, Any]) -> set[str]:
    """The values of a property's enum: its own, its items' (a list), or its non-null choice's
    (an optional field), or its keys' (a mapping)."""
    if "enum" in prop:
        return set(prop["enum"])
    for schema in (prop.get("items"), prop.get("propertyNames"), *prop.get("anyOf", [])):
        if schema and schema.get("type") != "null":
            return _enum(schema)  # an optional list: the non-null choice's items
    raise AssertionError(f"no enum in {prop}")


def test_the_risk_enums_are_the_modules_lists(doc: dict[str, Any]) -> None:
    """The climate-risk bodies (decisions 0080–0084) offer exactly the values the modules
    accept: a list written twice would drift."""
    expected = {
        ("RiskItemCreate", "kind"): catalogue.KINDS,
        ("RiskItemCreate", "category"): catalogue.CATEGORIES,
        ("RiskItemCreate", "driver"): catalogue.DRIVERS,
        ("RiskItemCreate", "horizons"): catalogue.HORIZONS,
        ("RiskItemCreate", "value_chain"): catalogue.VALUE_CHAIN,
        ("RiskItemCreate", "response"): catalogue.RESPONSES,
        ("RiskItemUpdate", "status"): catalogue.STATUSES,
        ("FinancialEffect", "line"): catalogue.FINANCIAL_LINES,
        ("RiskMatrixUpdate", "aggregation"): matrix.AGGREGATIONS,
        ("RiskMatrixUpdate", "horizons"): catalogue.HORIZONS,
        ("RiskMatrixUpdate", "cadence"): matrix.DEFAULT_CADENCE,
        ("AspectCreate", "condition"): aspects.CONDITIONS,
        ("AspectCreate", "value_chain"): aspects.VALUE_CHAIN,
        ("MonitoringCreate", "status"): aspects.MONITORING_STATUSES,
        ("SignificanceUpdate", "aggregate"): aspects.AGGREGATES,
        ("BodyCreate", "kind"): governance.BODY_KINDS,
        ("BodyCreate", "counts"): governance.COUNTS,
        ("AgendaItem", "topic"): governance.TOPICS,
    }
    for (name, field), values in expected.items():
        assert _enum(_body(doc, name)["properties"][field]) == set(values), (name, field)
    hazard = _param(doc, "/orgs/{org}/risks/sites/curves/{hazard}", "put", "hazard")
    assert set(hazard["enum"]) == set(physical.HAZARDS)


def test_the_risk_bodies_refuse_unknown_fields(doc: dict[str, Any]) -> None:
    for name in ("RiskItemCreate", "RiskItemUpdate", "RiskReviewCreate", "RiskMatrixUpdate",
                 "ScenarioRunCreate", "ExposureUpdate", "CurveUpdate"):  # fmt: skip
        assert _body(doc, name)["additionalProperties"] is False, name


def test_the_inclusion_enums_are_the_modules_lists(doc: dict[str, Any]) -> None:
    """The carbon-inclusion bodies (issue 18, decisions 0087–0091) offer exactly the actions,
    units, audiences, kinds and scopes the modules accept, and the paths' codes and account
    refs have the modules' forms."""
    every_action = set(actions.ACTIONS)
    expected = {
        ("ProgrammeCreate", "audience"): actions.AUDIENCES,
        ("ProgrammeCreate", "engagement_points"): every_action,
        ("ProgrammeCreate", "caps"): every_action,
        ("ProgrammeRulesIn", "caps"): every_action,
        ("GroupCreate", "kind"): programmes.GROUP_KINDS,
        ("AccountCreate", "kind"): programmes.ACCOUNT_KINDS,
        ("PartnerCreate", "allowed_actions"): every_action,
        ("ConsentGrant", "scopes"): every_action,
        ("SimulateIn", "action"): every_action,
        ("ActionLog", "action"): every_action,
        ("ActionLog", "unit"): actions.UNITS,
        ("InclusionCampaignCreate", "team_rule"): leaderboard.TEAM_RULES,
        ("InclusionCampaignCreate", "scopes"): leaderboard.SCOPES,
    }
    for (name, field), values in expected.items():
        assert _enum(_body(doc, name)["properties"][field]) == set(values), (name, field)
    base = "/orgs/{org}/inclusion/{programme}"
    scope = _param(doc, f"{base}/campaigns/{{code}}/leaderboard", "get", "scope")
    assert set(scope["enum"]) == set(leaderboard.SCOPES)
    ref = _param(doc, f"{base}/accounts/{{ref}}", "get", "ref")
    assert ref["pattern"] == programmes._REF_RE.pattern  # m- and 10 base32 letters
    code = _param(doc, f"{base}/accounts/{{ref}}", "get", "programme")
    assert code["maxLength"] == 40
    assert code["pattern"].startswith("^[A-Za-z0-9][A-Za-z0-9_.")


def test_the_inclusion_bodies_refuse_unknown_fields(doc: dict[str, Any]) -> None:
    for name in ("ProgrammeCreate", "ProgrammeRulesIn", "GroupCreate", "AccountCreate",
                 "PartnerCreate", "PartnerStatus", "ConsentGrant", "ConsentRevoke",
                 "MemberLinkIn", "SimulateIn", "ActionLog", "Reversal", "Decision", "Expiry",
                 "InclusionCampaignCreate", "CampaignUpdate", "RewardCreate", "RewardUpdate",
                 "RedemptionCreate", "PullSourceCreate"):  # fmt: skip
        assert _body(doc, name)["additionalProperties"] is False, name


def test_the_disclosure_enums_are_the_modules_lists(doc: dict[str, Any]) -> None:
    """The disclosure bodies and paths (issue 19, decisions 0096–0098) offer exactly the
    standards, levels, opinions, coverage, severities, datapoint keys, review states,
    languages and formats the modules accept, and answer the states the store keeps."""
    expected = {
        ("VerificationCreate", "standard"): verification.STANDARDS,
        ("VerificationCreate", "level"): verification.LEVELS,
        ("VerificationCreate", "opinion"): verification.OPINIONS,
        ("VerificationCreate", "coverage"): verification.COVERAGE,
        ("VerificationUpdate", "coverage"): verification.COVERAGE,
        ("VerificationFindingCreate", "severity"): verification.SEVERITIES,
        ("DatapointReview", "status"): DATAPOINT_STATUSES,
        ("DatapointPublic", "status"): DATAPOINT_STATUSES,
        ("EditionSummary", "state"): EDITION_STATES,
        ("RequirementPublic", "type"): frameworks.REQUIREMENT_TYPES,
        ("RequirementPublic", "evidence"): frameworks.EVIDENCE,
    }
    for (name, field), values in expected.items():
        assert _enum(_body(doc, name)["properties"][field]) == set(values), (name, field)
    base = "/orgs/{org}/disclosure"
    key = _param(doc, f"{base}/datapoints/{{fiscal_year}}/{{key}}", "put", "key")
    assert set(key["enum"]) == set(frameworks.DATAPOINTS)
    files = f"{base}/editions/{{edition}}/files/{{lang}}/{{fmt}}"
    assert set(_param(doc, files, "get", "lang")["enum"]) == set(document.LANGUAGES)
    assert set(_param(doc, files, "get", "fmt")["enum"]) == set(document.FORMATS)
    lang = _param(doc, f"{base}/narratives/{{key}}/{{lang}}", "put", "lang")
    assert set(lang["enum"]) == set(document.LANGUAGES)


def test_the_circularity_enums_are_the_modules_lists(doc: dict[str, Any]) -> None:
    """The circularity ledgers' bodies (decision 0100) offer exactly the module's lists."""
    expected = {
        ("MaterialCreate", "material"): ledgers.MATERIALS,
        ("PackagingCreate", "material"): ledgers.PACKAGING_MATERIALS,
        ("ReturnableCreate", "asset_kind"): ledgers.ASSET_KINDS,
        ("TakeBackCreate", "programme"): ledgers.PROGRAMMES,
        ("TakeBackCreate", "route"): ledgers.ROUTES,
        ("TakeBackCreate", "device_category"): ledgers.DEVICE_CATEGORIES,
        ("RecyclerCreate", "status"): ledgers.RECYCLER_STATUSES,
        ("RecyclerCreate", "services"): ledgers.RECYCLER_SERVICES,
    }
    for (name, field), values in expected.items():
        assert _enum(_body(doc, name)["properties"][field]) == set(values), (name, field)
        update = name.replace("Create", "Update")
        assert _enum(_body(doc, update)["properties"][field]) == set(values), (update, field)


#: every request body of issue 19 (disclosure, circularity)
ISSUE_19_BODIES = (
    "EditionBuild", "NarrativeSet", "DatapointUpdate", "DatapointReview", "VerificationCreate",
    "VerificationUpdate", "VerificationFindingCreate", "VerificationFindingClose",
    *(f"{kind}{verb}" for kind in ("Material", "Packaging", "Returnable", "TakeBack", "Recycler")
      for verb in ("Create", "Update")),
)  # fmt: skip


def test_the_disclosure_and_circularity_bodies_refuse_unknown_fields(doc: dict[str, Any]) -> None:
    for name in ISSUE_19_BODIES:
        assert _body(doc, name)["additionalProperties"] is False, name


def _utc(value: str) -> bool:
    """Whether ``value`` is a date-time with the UTC offset (``Z`` or ``+00:00``)."""
    return value.endswith(("Z", "+00:00"))


def test_the_issue_19_times_are_utc(server_factory: Callable[..., Server]) -> None:
    """Every time an issue-19 answer gives is an RFC 3339 date-time with its offset (the store
    keeps naive UTC times; decision 0038): a datapoint's review times and a narrative's."""
    srv = server_factory(workers=0)
    c = owner_client(srv, "owner@acme.example")
    base = f"{API}/orgs/acme/disclosure"
    r = c.put(f"{base}/datapoints/FY2024-25/internal_carbon_price",
              json={"value": 80, "unit": "CNY/t CO2e"})  # fmt: skip
    assert r.status_code == 200, r.text
    r = c.post(f"{base}/datapoints/FY2024-25/internal_carbon_price/review",
               json={"status": "reviewed"})  # fmt: skip
    assert r.status_code == 200, r.text
    got = r.json()
    assert _utc(got["reviewed_at"]), got
    assert _utc(got["updated_at"]), got
    r = c.put(f"{base}/narratives/governance.board_oversight/en", json={"text": "Oversight."})
    assert r.status_code == 200, r.text
    assert _utc(r.json()["updated_at"]), r.json()


def test_a_preview_mapping_is_checked_like_the_put_body(
    server_factory: Callable[..., Server],
) -> None:
    srv = server_factory(workers=0)
    c = owner_client(srv, "owner@acme.example")
    url = f"{API}/orgs/acme/mappings"
    csv = ("a.csv", b"Werk,Menge\nTJ01,1\n", "text/csv")
    for mapping, says in (
        ("{}", "mapping: template: Field required"),
        ('{"template": "fuel", "colums": {}}', "mapping: colums: Extra inputs are not permitted"),
        ('{"template": "fuel"', "mapping: not JSON"),
    ):
        r = c.post(f"{url}/preview", files={"file": csv}, data={"mapping": mapping})
        assert r.status_code == 422, (mapping, r.text)
        err = r.json()["error"]
        assert err["field"] == "mapping"
        assert err["message"].startswith(says), err
    r = c.post(f"{url}/preview", files={"file": csv}, data={"mapping": "never-saved"})
    assert r.status_code == 404
    r = c.put(f"{url}/m1", json={"template": "FUEL"})  # the enum is lower case
    assert r.status_code == 422
    r = c.put(f"{url}/m1", json={"template": "fuel", "extra": 1})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "extra"
    rates = f"{API}/orgs/acme/exchange-rates/EUR/2024"
    for body in ({"per_usd": 0.9, "source": "\u3000"}, {"per_usd": 0.9, "source": "x", "y": 1}):
        assert c.put(rates, json=body).status_code == 422, body
    r = c.put(rates, content=b'{"per_usd": Infinity, "source": "x"}',
              headers={"Content-Type": "application/json"})  # fmt: skip
    assert r.status_code == 422
    assert c.put(rates, json={"per_usd": 0.9, "source": " ECB \u3000"}).json()["source"] == "ECB"
    assert json.loads(c.get(f"{API}/orgs/acme/exchange-rates").text)[0]["per_usd"] == 0.9
