"""Cross-tenant isolation, proven over every operation of the API (taken from the app's OpenAPI
document, so a new endpoint is covered without editing this test), and the roles.

Organisation A ("acme") has data of every kind: entities, sites, an import batch with rejected
rows, a calculation snapshot, jobs, tokens, members. Organisation B ("bravo")'s owner then calls
every operation (1) on A's organisation with A's object ids, (2) on B's own organisation with A's
object ids, with a session cookie and with B's bearer token; A's user's token is also tried on
B. Every call must answer 403 or 404 and leave every row and file of A as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from lingtan.adapters.io.lca.native import bundled_text
from lingtan.adapters.services.products import write_demo_products
from serverkit import ELECTRICITY_CSV, Server, TestClient, add_user, owner_client, wait_job

API = "/api/v1"
DOCS_PAGE = f"{API}/docs"  # the Swagger UI page (static, no organisation data; decision 0035)

#: a valid body of every request schema of the API (a new schema must be added here)
BODIES: dict[str, dict[str, Any]] = {
    # climate data requests (decision 0065)
    "CampaignCreate": {"fiscal_year": "FY2024/25"},
    "TokensCreate": {"days": 30},
    "ResponseCreate": {"channel": "buyer", "answer": {"scope1_t": 1}},
    "ReturnBody": {"reason": "evil"},
    "GoalUpdate": {"goal_pct": 10},
    "MaturityReview": {"due_only": False},
    "PushAnswer": {"allocated_t": 1, "allocation_method": "physical"},
    # supplier reviews (decision 0064)
    "RatingCreate": {"provider": "Evil", "score": 10, "rated_on": "2024-01-01"},
    "CapCreate": {"trigger": "grade", "opened": "2024-01-01", "due": "2024-02-01"},
    "CapItemCreate": {"finding": "evil", "action": "evil", "owner": "evil"},
    "CloseWithEvidence": {"closed_on": "2024-02-01", "evidence": "evil"},
    "AuditCreate": {"scheme": "other", "audited_on": "2024-01-01"},
    "WaiverCreate": {"finding_id": 1, "reason": "evil"},
    "ScorecardCompute": {"period": "2024Q1"},
    "LoginCreate": {"email": "b@bravo.example", "password": "x"},
    "OrganisationCreate": {"slug": "newco", "name": "New Co"},
    "OrganisationUpdate": {"name": "Taken Over"},
    "MemberCreate": {"email": "b@bravo.example", "role": "owner"},
    "InvitationCreate": {"email": "b@bravo.example", "role": "owner"},
    "MemberUpdate": {"role": "viewer"},
    "TokenCreate": {"name": "stolen"},
    "EntityCreate": {"code": "EVIL", "name": "Evil", "ownership_pct": 100},
    "EntityUpdate": {"name": "Hacked", "ownership_pct": 1},
    "SiteCreate": {"code": "EVIL1", "name": "Evil", "entity_code": "MAIN", "region": "CN"},
    "SiteUpdate": {"name": "Hacked", "region": "GB"},
    "ExchangeRateUpdate": {"per_usd": 1.0, "source": "evil"},  # decision 0056
    "MappingCreate": {  # decision 0051
        "template": "electricity",
        "columns": {"Zähler": "site", "Von": "date", "Menge": "quantity"},
        "constants": {"unit": "kWh"},
    },
    "CalculationCreate": {"fiscal_year": "FY2024/25"},
    "TargetsFileUpdate": {"content": "organisation: Taken Over\n"},
    "FiguresFileUpdate": {
        "content": "id,fiscal_year,kind,value,unit,decimals,lingtan\n"
        "EVIL,FY2024/25,inventory_total,1,t,0,total\n"
    },
    "PactImportCreate": {"document": json.loads(bundled_text("supplier-ssd-pact.json"))},
    "DeletionCreate": {"confirm": "acme"},  # A's slug: refused on A (404) and on B (422)
    # PACT host (decision 0068)
    "PactCredentialCreate": {"name": "stolen"},
    "PactPublishCreate": {
        "product": "LB14-G5",
        "configuration": "i7-32-1t-GB",
        "period_start": "2024-04-01",
        "period_end": "2025-04-01",
    },
    # supplier projects and training (decision 0067)
    "ProjectCreate": {"code": "EVIL", "supplier": "SP-ACME", "name": "Evil"},
    "ProjectUpdate": {"name": "Hacked"},
    "MeasurementCreate": {"start": "2024-01-01", "end": "2024-01-31", "t_co2e": 1},
    "EventCreate": {"code": "EVIL", "kind": "course", "title": "Evil", "date": "2024-01-01"},
    "AttendanceCreate": {"person": "Evil"},
    # the supplier register (decision 0063)
    "SupplierCreate": {"code": "EVIL", "legal_name": "Evil", "country": "CN"},
    "SupplierUpdate": {"legal_name": "Hacked"},
    "StatusChange": {"status": "onboarding", "reason": "evil"},
    "ContactCreate": {"name": "Evil"},
    "ContactUpdate": {"name": "Hacked"},
    "SupplierSiteCreate": {"code": "EVIL", "name": "Evil", "region": "CN"},
    "SupplierSiteUpdate": {"name": "Hacked"},
    "CheckUpdate": {"result": "fail"},
    # certificates and the zero-carbon assessment (decision 0077)
    "CertificateCreate": {
        "subject_kind": "site",
        "subject_id": "TJ01",
        "scheme": "iso50001",
        "issuer": "Evil",
        "issued": "2024-01-01",
    },
    "CertificateUpdate": {"issuer": "Hacked"},
    "AssessmentCreate": {"site": "TJ01", "fiscal_year": "FY2024/25", "grid_factor": 0.5},
    # site energy (decision 0078)
    "MeterCreate": {"code": "EVIL-M", "site": "EVIL", "carrier": "electricity", "unit": "kWh"},
    "MeterUpdate": {"name": "Hacked"},
    "ProductionCreate": {"site": "TJ01", "product_type": "x", "month": "2024-01-01", "units": 1},
    # climate risk (issue 17): the risk register and its matrix (decision 0080)
    "RiskItemCreate": {
        "code": "EVIL",
        "kind": "risk",
        "category": "policy_legal",
        "driver": "carbon_pricing",
        "title": "Evil",
    },
    "RiskItemUpdate": {"title": "Hacked"},
    "RiskReviewCreate": {"likelihood": 1, "note": "evil"},
    "RiskMatrixUpdate": {"aggregation": "mean"},
    # significant environmental aspects (decision 0081)
    "AspectCreate": {"aspect": "Evil"},
    "AspectUpdate": {"aspect": "Hacked"},
    "AspectScores": {
        "quantity": 1,
        "scope": 1,
        "frequency": 1,
        "severity": 1,
        "control": 1,
        "reputation": 1,
        "compliance": 1,
        "management": 1,
    },
    "MonitoringCreate": {"findings": "evil"},
    "SignificanceUpdate": {"threshold": 1},
    "AspectFromRisk": {"risk_code": "SP-ACME"},
    # scenarios and their financial effects (decision 0082)
    "ScenarioRunCreate": {"scenario": "illustrative-1.5c", "fiscal_year": "FY2024/25"},
    # physical risk per site (decision 0083)
    "ExposureUpdate": {
        "latitude": 30.0,
        "longitude": 114.0,
        "asset_value": 1,
        "revenue_per_day": 1,
        "currency": "CNY",
        "bi_days": 1,
    },
    "CurveUpdate": {"points": [[0, 0], [2, 1]], "label": "Evil", "source": "Evil"},
    # governance records (decision 0084)
    "BodyCreate": {"code": "EVIL", "kind": "board", "name": "Evil"},
    "BodyUpdate": {"chair": "Hacked"},
    "MeetingCreate": {"body": "SP-ACME", "title": "Evil", "date": "2024-05"},
    "MeetingUpdate": {"title": "Hacked"},
    "RoleCreate": {"title": "Evil"},
    "RoleUpdate": {"holder": "Hacked"},
    "PayLinkCreate": {"fiscal_year": "FY2024/25", "population": "executives", "kpi_label": "Evil"},
    "PayLinkUpdate": {"share_pct": 5},
    # carbon inclusion (issue 18, decisions 0087–0092)
    "ProgrammeCreate": {"code": "EVIL", "name": "Evil", "audience": "employee"},
    "ProgrammeRulesIn": {"name": "Hacked", "points_per_kg": 1000},
    "GroupCreate": {"code": "EVIL", "kind": "team", "name": "Evil"},
    "AccountCreate": {"subject": "evil", "kind": "person"},
    "ConsentGrant": {"partner": "SP-ACME", "scopes": ["travel.metro"], "evidence": "evil"},
    "ConsentRevoke": {"partner": "SP-ACME"},
    "MemberLinkIn": {"days": 30},
    "PartnerCreate": {"code": "EVIL", "name": "Evil", "allowed_actions": ["travel.metro"]},
    "PartnerStatus": {"status": "suspended"},
    "SimulateIn": {"action": "travel.metro", "quantity": 10},
    "InclusionCampaignCreate": {
        "code": "EVIL",
        "name": "Evil",
        "start": "2024-05-01",
        "end": "2024-05-31",
    },
    "CampaignUpdate": {"name": "Hacked"},
    "RewardCreate": {"code": "EVIL", "name": "Evil", "points_cost": 1},
    "RewardUpdate": {"stock": 0},
    "RedemptionCreate": {"reward": "SP-ACME"},
    "ActionLog": {
        "account": "m-aaaaaaaaaa",
        "action": "travel.metro",
        "quantity": 10,
        "unit": "pkm",
        "occurred_at": "2024-05-06T08:00:00",
    },
    "Reversal": {"reason": "evil"},
    "Expiry": {"as_of": "2030-01-01"},
    "Decision": {"decision": "reject"},
    "PullSourceCreate": {
        "code": "EVIL",
        "programme": "SP-ACME",
        "partner": "SP-ACME",
        "url": "https://127.0.0.1:9/evil",
    },
    # disclosure (issue 19, decisions 0096–0098): editions, narratives, datapoints, verification
    "EditionBuild": {"fiscal_year": "FY2024/25"},
    "NarrativeSet": {"text": "Evil"},
    "DatapointUpdate": {"value": 1, "unit": "CNY/t CO2e"},
    "DatapointReview": {"status": "reviewed"},
    "VerificationCreate": {
        "fiscal_year": "FY2024/25",
        "verifier": "Evil",
        "standard": "ISO 14064-3:2019",
        "level": "limited",
        "coverage": ["S1"],
        "opinion": "unmodified",
        "statement_date": "2024-06-30",
    },
    "VerificationUpdate": {"verifier": "Hacked"},
    "VerificationFindingCreate": {"text": "Evil"},
    "VerificationFindingClose": {"evidence": "Evil"},
    # circularity ledgers (issue 19, decision 0100)
    "MaterialCreate": {"year": "2024", "material": "pcc", "net_kg": 1},
    "MaterialUpdate": {"note": "Hacked"},
    "PackagingCreate": {
        "year": "2024",
        "line": "Evil",
        "material": "plastic",
        "kg_per_unit_before": 1,
        "kg_per_unit_after": 0,
        "units": 1,
    },
    "PackagingUpdate": {"note": "Hacked"},
    "ReturnableCreate": {
        "asset_kind": "pallet",
        "programme": "Evil",
        "period_start": "2024-01-01",
        "period_end": "2024-06-30",
        "issued": 1,
        "returned": 1,
    },
    "ReturnableUpdate": {"note": "Hacked"},
    "TakeBackCreate": {
        "day": "2024-01-01",
        "programme": "ars",
        "device_category": "notebook",
        "count": 1,
        "route": "recycle",
    },
    "TakeBackUpdate": {"note": "Hacked"},
    "RecyclerCreate": {"code": "EVIL", "name": "Evil", "region": "CN", "status": "suspended"},
    "RecyclerUpdate": {"note": "Hacked"},
    # OpenID Connect (decision 0040): a loopback issuer, refused on B (422) without setup
    "IdentityProviderUpdate": {
        "issuer": "https://127.0.0.1:9/realms/evil",
        "client_id": "evil",
        "client_secret": "evil-secret",
        "display_name": "Evil SSO",
    },
}
#: acme's targets file (docs/targets.md): a target, a project and a plan section
ACME_TARGETS = """\
organisation: Acme Targets Co
emissions:
  FY2023/24: {scope1: 100, scope2_market: 900}
targets:
  - {id: ACME-S12, name: Acme S1+2, scopes: [1, 2], base_year: FY2023/24,
     target_year: FY2029/30, reduction_pct: 40}
projects:
  - {id: ACME-PV, name: Acme PV, type: efficiency, reduction_t_per_year: 500, scope: 2,
     opex_per_year: 1000, life_years: 10, earliest_start: FY2024/25}
plan: {start_year: FY2024/25, end_year: FY2029/30, discount_rate_pct: 8, currency: CNY}
"""
#: a valid value for every urlencoded form field of the API (the answer to a pending upload)
FORM_FIELDS = {"decision": "cancel"}
FILES = {
    "file": ("electricity_evil.csv", ELECTRICITY_CSV + b"TJ01,2024-07-01,,1,kWh,,\n", "text/csv")
}
FACTOR_FILE = (
    b"factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition\n"
    b"x1,electricity.grid,CN,kWh,CO2,9.9,2020-01-01,Evil,Evil,1\n"
)


@pytest.fixture
def world(server_factory: Callable[..., Server]) -> dict[str, Any]:
    srv = server_factory(workers=1, rate_per_s=0)  # hundreds of calls from one address
    a = owner_client(srv, "a@acme.example")
    b = owner_client(srv, "b@bravo.example", "bravo")
    site = a.post(
        f"{API}/orgs/acme/sites",
        json={"code": "TJ01", "name": "Acme Tianjin Works", "entity_code": "MAIN",
              "region": "CN-TJ"},
    ).json()  # fmt: skip
    entity = a.post(
        f"{API}/orgs/acme/entities", json={"code": "ACME-SUB", "name": "Acme Sub"}
    ).json()
    upload = {"file": ("electricity.csv", ELECTRICITY_CSV, "text/csv")}
    job = wait_job(a, "acme", a.post(f"{API}/orgs/acme/imports", files=upload).json()["id"])
    # the same file again: refused as a repeat (409) and held as a pending upload of acme's
    repeat = ELECTRICITY_CSV + b"TJ01,2024-08-01,,2,kWh,,\n"
    again = a.post(
        f"{API}/orgs/acme/imports", files={"file": ("electricity_again.csv", repeat, "text/csv")}
    )
    assert again.status_code == 409, again.text
    calc = a.post(f"{API}/orgs/acme/calculations", json={"fiscal_year": "FY2024/25"}).json()
    calc = wait_job(a, "acme", calc["id"])
    assert calc["status"] == "done", calc
    # a member joins by invitation (decision 0034); a second invitation stays pending
    link = a.post(
        f"{API}/orgs/acme/invitations", json={"email": "v@acme.example", "role": "viewer"}
    ).json()["accept_url"]
    joined = TestClient(srv.app).post(
        f"{API}/auth/invitations/accept",
        json={"token": link.rsplit("/", 1)[-1], "password": "viewer-password"},
    )
    assert joined.status_code == 200, joined.text
    member = {"user_id": joined.json()["user"]["id"]}
    pending = a.post(
        f"{API}/orgs/acme/invitations", json={"email": "p@acme.example", "role": "analyst"}
    ).json()
    r = a.put(f"{API}/orgs/acme/targets", json={"content": ACME_TARGETS})
    assert r.status_code == 200, r.text
    assert a.post(f"{API}/orgs/acme/targets/plan").json()["result"]["status"] == "optimal"
    assert write_demo_products(srv.data_dir / "orgs" / "acme")  # the notebook family (issue 6)
    a_token = a.post(f"{API}/orgs/acme/tokens", json={"name": "a-ci"}).json()
    b_token = b.post(f"{API}/orgs/bravo/tokens", json={"name": "b-ci"}).json()
    _acme_identity_provider(srv.engine)
    r = a.put(f"{API}/orgs/acme/exchange-rates/CNY/2024", json={"per_usd": 7.2, "source": "acme"})
    assert r.status_code == 200, r.text
    _acme_supplier_programmes(a)  # decision 0067
    register = _acme_supplier_register(a)  # decision 0063
    reviews = _acme_supplier_reviews(a)  # decision 0064
    requests = _acme_supplier_request(a, register["code"])  # decision 0065
    certificate = _acme_certificate(a)  # decision 0077
    energy = _acme_energy(a)  # site energy (decision 0078)
    risk = _acme_risk_register(a)  # the risk register (decisions 0080–0082)
    hazards = _acme_hazards(a)  # physical risk per site (decision 0083)
    governance = _acme_governance(a)  # governance records (decision 0084)
    inclusion = _acme_inclusion(a)  # carbon inclusion (issue 18)
    disclosure = _acme_disclosure(a)  # disclosure (issue 19)
    circularity = _acme_circularity(a)  # circularity ledgers (issue 19)
    pact_cred = a.post(f"{API}/orgs/acme/pact-credentials", json={"name": "Acme Buyer"}).json()
    r = a.post(f"{API}/orgs/acme/pact-footprints", json=BODIES["PactPublishCreate"])
    assert r.status_code == 201, r.text  # acme's published PACT footprint (decision 0068)
    ids = {
        "entity_id": entity["id"],
        "site_id": site["id"],
        "user_id": member["user_id"],
        "token_id": a_token["id"],
        "invitation_id": pending["id"],
        "batch_id": job["result"]["batch_id"],
        "upload_id": again.json()["error"]["upload_id"],
        "job_id": calc["id"],
        "snapshot_id": calc["result"]["snapshot_id"],
        "fiscal_year": "FY2024-25",
        "name": "electricity",
        "product": "LB14-G5",
        "config": "i7-32-1t-GB",
        "currency": "CNY",  # acme's own exchange rate (decision 0056)
        "year": 2024,
        "credential_id": pact_cred["id"],  # PACT client credential (decision 0068)
        "project": "SP-ACME-PV",  # supplier projects and training (decision 0067)
        "event": "SP-ACME-DAY",
        **register,  # the supplier register (decision 0063)
        **reviews,  # ratings, plans, audits (decision 0064)
        **requests,  # climate data requests (decision 0065)
        **certificate,  # certificates (decision 0077)
        **energy,  # site energy (decision 0078)
        **risk,  # the risk register, aspects and scenario runs (decisions 0080–0082)
        **hazards,  # physical risk per site (decision 0083)
        **governance,  # governance records (decision 0084)
        **inclusion,  # carbon inclusion (issue 18)
        **disclosure,  # disclosure: editions, narratives, datapoints, verification (issue 19)
        **circularity,  # circularity ledgers (issue 19)
    }
    return {"srv": srv, "a": a, "b": b, "ids": ids, "a_token": a_token, "b_token": b_token}


def _acme_supplier_programmes(a: TestClient) -> None:
    """acme's supplier project (with a measurement) and training event (decision 0067)."""
    supplier = {"code": "SP-ACME", "legal_name": "Acme Projects Supplier", "country": "CN"}
    project = {"code": "SP-ACME-PV", "supplier": "SP-ACME", "name": "Acme Rooftop PV"}
    measured = {"start": "2024-01-01", "end": "2024-03-31", "t_co2e": 10}
    event = {"code": "SP-ACME-DAY", "kind": "conference", "title": "Acme ESG Day"}
    person = {"person": "Acme Person", "supplier": "SP-ACME"}
    for path, body in (
        ("suppliers", supplier),
        ("supplier-projects", project),
        ("supplier-projects/SP-ACME-PV/measurements", measured),
        ("supplier-training/events", {**event, "date": "2024-01-01"}),
        ("supplier-training/events/SP-ACME-DAY/attendance", person),
    ):
        r = a.post(f"{API}/orgs/acme/{path}", json=body)
        assert r.status_code == 201, r.text


def _acme_supplier_register(a: TestClient) -> dict[str, Any]:
    """acme's supplier SP-ACME with a contact, a site and a checked item with its evidence
    (decision 0063): the ids of the register's paths (the supplier by its code)."""
    url = f"{API}/orgs/acme/suppliers/SP-ACME"
    contact = a.post(f"{url}/contacts", json={"name": "Acme Contact"})
    assert contact.status_code == 201, contact.text
    site = a.post(f"{url}/sites", json={"code": "SP-S1", "name": "Acme Plant", "region": "CN"})
    assert site.status_code == 201, site.text
    assert a.put(f"{url}/onboarding/iso14001", json={"result": "pass"}).status_code == 200
    proof = {"file": ("acme-iso.pdf", b"acme certificate", "application/pdf")}
    assert a.put(f"{url}/onboarding/iso14001/evidence", files=proof).status_code == 200
    return {"contact_id": contact.json()["id"], "item": "iso14001", "code": "SP-ACME"}


def _acme_supplier_reviews(a: TestClient) -> dict[str, Any]:
    """acme's rating under 45 (its plan and an item) and an audit with a priority finding
    (decision 0064): the ids of the reviews' paths."""
    base = f"{API}/orgs/acme/suppliers/SP-ACME"
    rating = {"provider": "EcoVadis", "score": 30, "rated_on": "2024-01-15"}
    r = a.post(f"{base}/ratings", json=rating)
    assert r.status_code == 201, r.text
    cap = r.json()["cap"]["id"]
    r = a.post(f"{base}/caps/{cap}/items", json={"finding": "f", "action": "a", "owner": "o"})
    assert r.status_code == 201, r.text
    item = r.json()["items"][0]["id"]
    finding = {"severity": "priority", "due": "2024-03-01"}
    r = a.post(
        f"{base}/audits",
        json={"scheme": "rba_vap", "audited_on": "2024-01-10", "findings": [finding]},
    )
    assert r.status_code == 201, r.text
    audit = r.json()
    return {"cap_id": cap, "item_id": item, "audit_id": audit["id"],
            "finding_id": audit["findings"][0]["id"]}  # fmt: skip


def _acme_supplier_request(a: TestClient, code: str) -> dict[str, Any]:
    """acme's climate data campaign asking its (strategic) supplier SP-ACME, with an answer
    recorded by the buyer (decision 0065): the ids of the requests' paths."""
    base = f"{API}/orgs/acme/supplier-requests"
    r = a.patch(f"{API}/orgs/acme/suppliers/{code}", json={"strategic": True})
    assert r.status_code == 200, r.text
    rule = {"top_spend_pct": None, "strategic": True}
    r = a.post(f"{base}/campaigns", json={"fiscal_year": "FY2024/25", "scope_rule": rule})
    assert r.status_code == 201, r.text
    campaign = r.json()["id"]
    request = a.get(f"{base}/requests").json()[0]["id"]
    answer = {"scope1_t": 12.5, "verified": True, "sbti_status": "committed"}
    r = a.post(f"{base}/requests/{request}/responses", json={"channel": "buyer", "answer": answer})
    assert r.status_code == 201, r.text
    return {"campaign_id": campaign, "request_id": request, "response_id": r.json()["id"],
            "prop": "verified"}  # fmt: skip


def _acme_energy(a: TestClient) -> dict[str, Any]:
    """acme's meter ACME-GRID at TJ01 with a reading, and a production row (decision 0078):
    the ids of the energy paths (a meter by its code is ``{code}``, shared with suppliers)."""
    meter = {"code": "ACME-GRID", "site": "TJ01", "carrier": "electricity", "unit": "kWh",
             "name": "Acme Grid Incomer"}  # fmt: skip
    r = a.post(f"{API}/orgs/acme/meters", json=meter)
    assert r.status_code == 201, r.text
    line = b'{"meter": "ACME-GRID", "ts": "2024-07-01T00:00:00+08:00", "value": 1}\n'
    r = a.post(f"{API}/orgs/acme/readings", content=line,
               headers={"content-type": "application/x-ndjson"})  # fmt: skip
    assert r.status_code == 200, r.text
    prod = {"site": "TJ01", "product_type": "acme-notebook", "month": "2024-07-01", "units": 5}
    r = a.post(f"{API}/orgs/acme/production", json=prod)
    assert r.status_code == 201, r.text
    return {"site": "TJ01"}


def _acme_risk_register(a: TestClient) -> dict[str, Any]:
    """acme's register risk (by the shared ``{code}``) reviewed once, an aspect made from it
    with a monitoring record, the bundled scenarios and a run of FY2024/25 (decisions
    0080–0082): the ids of the register's, aspects' and scenarios' paths."""
    base = f"{API}/orgs/acme/risks"
    item = {"code": "SP-ACME", "kind": "risk", "category": "policy_legal",
            "driver": "carbon_pricing", "title": "Acme Carbon Price Risk"}  # fmt: skip
    r = a.post(base, json=item)
    assert r.status_code == 201, r.text
    r = a.post(f"{base}/SP-ACME/reviews", json={"likelihood": 2, "note": "Acme review"})
    assert r.status_code == 201, r.text
    r = a.post(f"{base}/aspects", json={"aspect": "Acme Energy Aspect", "risk_code": "SP-ACME"})
    assert r.status_code == 201, r.text
    aspect = r.json()["id"]
    r = a.post(f"{base}/aspects/{aspect}/monitoring", json={"findings": "Acme Finding"})
    assert r.status_code == 201, r.text
    assert a.post(f"{base}/scenarios/bundled").status_code == 201
    r = a.post(f"{base}/scenarios/runs", json=BODIES["ScenarioRunCreate"])
    assert r.status_code == 201, r.text
    return {"aspect_id": aspect, "run_id": r.json()["run_id"]}


def _acme_hazards(a: TestClient) -> dict[str, Any]:
    """acme's exposure record of TJ01 and its own riverine flood curve (decision 0083): the ids
    of the physical-risk paths (a site by its code ``{site}``, a hazard by its name)."""
    base = f"{API}/orgs/acme/risks/sites"
    r = a.put(f"{base}/exposure/TJ01", json=BODIES["ExposureUpdate"])
    assert r.status_code == 200, r.text
    curve = {"points": [[0, 0], [3, 0.5]], "label": "Acme Flood Curve", "source": "Acme"}
    r = a.put(f"{base}/curves/riverine_flood", json=curve)
    assert r.status_code == 200, r.text
    return {"site": "TJ01", "hazard": "riverine_flood"}


def _acme_governance(a: TestClient) -> dict[str, Any]:
    """acme's governance body (by the shared ``{code}``), a meeting of it, a role and a pay
    link (decision 0084): the ids of the governance paths."""
    base = f"{API}/orgs/acme/risks/governance"
    body = {"code": "SP-ACME", "kind": "board", "name": "Acme Climate Board"}
    r = a.post(f"{base}/bodies", json=body)
    assert r.status_code == 201, r.text
    meeting = {"body": "SP-ACME", "title": "Acme Board Meeting", "date": "2024-05-10"}
    r = a.post(f"{base}/meetings", json=meeting)
    assert r.status_code == 201, r.text
    meeting_id = r.json()["id"]
    r = a.post(f"{base}/roles", json={"title": "Acme Climate Officer", "chairs": ["SP-ACME"]})
    assert r.status_code == 201, r.text
    role = r.json()["id"]
    r = a.post(f"{base}/pay-links", json={"fiscal_year": "FY2024/25", "population": "executives",
                                          "kpi_label": "Acme Pay KPI"})  # fmt: skip
    assert r.status_code == 201, r.text
    return {"meeting_id": meeting_id, "role_id": role, "link_id": r.json()["id"]}


#: acme's own methodology pack (decision 0087)
ACME_PACK = """\
id: acme.esign
title: Acme Own Pack
publisher: Acme
region: CN
version: "1"
valid_from: 2024-01-01
formula: esign.paper
label: illustrative
actions: [office.esign]
citation: acme
licence: acme
double_counting: none
parameters:
  paper_per_page: {value: 5, unit: g/page, source: s, citation: c, confidence: assumption}
  ef_paper: {value: 1000, unit: kgCO2e/t, source: s, citation: c, confidence: assumption}
"""


def _acme_inclusion(a: TestClient) -> dict[str, Any]:
    """acme's carbon-inclusion objects (issue 18): a programme, a group, a member account with a
    consent to a partner, a logged event, a campaign, a reward redeemed, its own methodology
    pack and a pull source — by the shared ``{code}`` where a path names one by code."""
    base = f"{API}/orgs/acme/inclusion"
    prog = {"code": "SP-ACME", "name": "Acme Inclusion Programme", "audience": "employee",
            "region": "CN-GD", "points_per_kg": 10}  # fmt: skip
    r = a.post(f"{base}/programmes", json=prog)
    assert r.status_code == 201, r.text
    p = f"{base}/SP-ACME"
    r = a.post(f"{p}/groups", json={"code": "SP-ACME", "kind": "team", "name": "Acme Team"})
    assert r.status_code == 201, r.text
    r = a.post(f"{p}/accounts", json={"subject": "acme-emp-1", "group": "SP-ACME"})
    assert r.status_code == 201, r.text
    ref = r.json()["ref"]
    partner = {"code": "SP-ACME", "name": "Acme Inclusion Partner",
               "allowed_actions": ["travel.metro"]}  # fmt: skip
    r = a.post(f"{base}/partners", json=partner)
    assert r.status_code == 201, r.text
    consent = {"partner": "SP-ACME", "scopes": ["travel.metro"], "evidence": "Acme Consent"}
    r = a.post(f"{p}/accounts/{ref}/consents", json=consent)
    assert r.status_code == 201, r.text
    action = {"account": ref, "action": "travel.metro", "quantity": 10, "unit": "pkm",
              "occurred_at": "2024-05-06T08:00:00", "external_id": "acme-ext-1"}  # fmt: skip
    r = a.post(f"{p}/actions", json=action)
    assert r.status_code == 201, r.text
    event = r.json()["event_id"]
    campaign = {"code": "SP-ACME", "name": "Acme Inclusion Campaign", "start": "2024-05-01",
                "end": "2024-05-31"}  # fmt: skip
    r = a.post(f"{p}/campaigns", json=campaign)
    assert r.status_code == 201, r.text
    reward = {"code": "SP-ACME", "name": "Acme Inclusion Reward", "points_cost": 1, "stock": 5}
    r = a.post(f"{p}/rewards", json=reward)
    assert r.status_code == 201, r.text
    r = a.post(f"{p}/accounts/{ref}/redemptions", json={"reward": "SP-ACME"})
    assert r.status_code == 201, r.text
    redemption = r.json()["id"]
    pack = {"file": ("acme.yaml", ACME_PACK.encode(), "application/yaml")}
    r = a.post(f"{base}/methodologies", files=pack)
    assert r.status_code == 201, r.text
    source = {"code": "SP-ACME", "programme": "SP-ACME", "partner": "SP-ACME",
              "url": "https://127.0.0.1:9/acme-steps"}  # fmt: skip
    r = a.post(f"{base}/pull-sources", json=source)
    assert r.status_code == 201, r.text
    return {"programme": "SP-ACME", "ref": ref, "event_id": event,
            "redemption_id": redemption, "pack": "acme.esign",
            "external_id": "acme-ext-1"}  # fmt: skip


def _acme_disclosure(a: TestClient) -> dict[str, Any]:
    """acme's disclosure objects (issue 19, decisions 0096–0098): a narrative, a datapoint, a
    verification record of FY2024/25 with a finding and a statement file, and an edition of the
    year (built after them, so it pins them) — the ids of the disclosure paths (a narrative or
    datapoint by its ``{key}``, a name of the catalogue, not an object id of acme's)."""
    base = f"{API}/orgs/acme/disclosure"
    r = a.put(f"{base}/narratives/governance.board_oversight/en",
              json={"text": "Acme Narrative Text"})  # fmt: skip
    assert r.status_code == 200, r.text
    datapoint = {"value": 80, "unit": "CNY/t CO2e", "text": "Acme Shadow Price"}
    r = a.put(f"{base}/datapoints/FY2024-25/internal_carbon_price", json=datapoint)
    assert r.status_code == 200, r.text
    record = {**BODIES["VerificationCreate"], "verifier": "Acme Verifier Co"}
    r = a.post(f"{base}/verification", json=record)
    assert r.status_code == 201, r.text
    record_id = r.json()["id"]
    r = a.post(f"{base}/verification/{record_id}/findings", json={"text": "Acme Finding Text"})
    assert r.status_code == 201, r.text
    statement = {"file": ("acme-statement.pdf", b"%PDF-1.4 acme", "application/pdf")}
    r = a.post(f"{base}/verification/{record_id}/statement", files=statement)
    assert r.status_code == 200, r.text
    r = a.post(f"{base}/editions", json={"fiscal_year": "FY2024/25"})
    assert r.status_code == 201, r.text
    edition = r.json()["edition_id"]
    return {"edition": edition, "a": edition, "b": edition, "lang": "en", "fmt": "html",
            "key": "internal_carbon_price", "record_id": record_id, "number": 1}  # fmt: skip


#: acme's row of each circularity ledger (decision 0100)
ACME_LEDGERS = {
    "materials": {"year": "2024", "material": "pcc", "net_kg": 5, "supplier": "Acme Resin"},
    "packaging": {"year": "2024", "line": "Acme Pack Line", "material": "plastic",
                  "kg_per_unit_before": 1, "kg_per_unit_after": 0.5, "units": 10},
    "returnables": {"asset_kind": "pallet", "programme": "Acme Pallet Pool",
                    "period_start": "2024-01-01", "period_end": "2024-06-30", "issued": 10,
                    "returned": 9},
    "takeback": {"day": "2024-03-01", "programme": "ars", "device_category": "notebook",
                 "count": 3, "route": "recycle", "customer": "Acme Customer"},
    "recyclers": {"code": "SP-ACME", "name": "Acme Recycler", "region": "CN",
                  "status": "suspended"},
}  # fmt: skip


def _acme_circularity(a: TestClient) -> dict[str, Any]:
    """acme's row in each of the five circularity ledgers (decision 0100), added until each
    ledger's row has one id (the paths name a row ``{row_id}`` whatever its ledger)."""
    base = f"{API}/orgs/acme/circularity"
    ids: dict[str, int] = {}
    for kind, row in ACME_LEDGERS.items():
        r = a.post(f"{base}/{kind}", json=row)
        assert r.status_code == 201, r.text
        ids[kind] = r.json()["id"]
    top = max(ids.values())
    for kind, row in ACME_LEDGERS.items():
        while ids[kind] < top:  # one more row (another code for a recycler)
            r = a.post(f"{base}/{kind}", json={**row, "code": f"SP-ACME-{ids[kind]}"}
                       if kind == "recyclers" else row)  # fmt: skip
            assert r.status_code == 201, r.text
            ids[kind] = r.json()["id"]
    return {"row_id": top}


def _acme_certificate(a: TestClient) -> dict[str, Any]:
    """acme's zero-carbon factory certificate of TJ01 with its evidence, and TJ01's assessment
    of FY2024/25 (decision 0077): the id of the certificate's paths."""
    body = {"subject_kind": "site", "subject_id": "TJ01", "scheme": "zero_carbon_factory_cesi",
            "issuer": "Acme Cert Body", "issued": "2024-01-01"}  # fmt: skip
    r = a.post(f"{API}/orgs/acme/certificates", json=body)
    assert r.status_code == 201, r.text
    cert_id = r.json()["id"]
    proof = {"file": ("acme-zc.pdf", b"acme zero-carbon", "application/pdf")}
    assert a.put(f"{API}/orgs/acme/certificates/{cert_id}/evidence", files=proof).status_code == 200
    r = a.post(f"{API}/orgs/acme/certificates/zero-carbon", json=BODIES["AssessmentCreate"])
    assert r.status_code == 201, r.text
    return {"cert_id": cert_id}


def _acme_identity_provider(engine: Engine) -> None:
    """acme's OpenID Connect provider, stored directly (its issuer is not reachable here)."""
    from lingtan.adapters.store.federation import IdentityProvider
    from lingtan.adapters.store.scoping import tenant_session

    with tenant_session(engine, _org_id(engine, "acme")) as s:
        s.add(
            IdentityProvider(
                issuer="https://sso.acme.example", client_id="acme-lingtan",
                client_secret="acme-secret", display_name="Acme SSO",
            )
        )  # fmt: skip
        s.commit()


def operations(app: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) of every API operation; checks no API route is missing from
    the OpenAPI document, and that the document holds the ``/api/v1`` API only: the PACT host's
    routes at the root (``/auth/token``, ``/2/…``, ``/3/…``) are PACT's interface, defined by
    the PACT specification's own OpenAPI, and tested in test_api_pact.py (decision 0068)."""
    doc = app.openapi()
    assert all(p.startswith(API) for p in doc["paths"]), "a root route in /api/v1's document"
    ops = [
        (method.upper(), path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
    ]
    documented = {(m, p) for m, p, _ in ops}
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path.startswith(API) and route.path != DOCS_PAGE:
            for m in route.methods - {"HEAD", "OPTIONS"}:
                assert (m, route.path) in documented, f"{m} {route.path} not in OpenAPI"
    return ops


#: the partners' push (decision 0090): signed by a partner (HMAC headers), never by a user's
#: session or token — every user is answered 401 (documented), whatever the organisation
PARTNER_SIGNED = {
    ("POST", f"{API}/orgs/{{org}}/inclusion/{{programme}}/events"),
    ("GET", f"{API}/orgs/{{org}}/inclusion/{{programme}}/events/{{external_id}}/status"),
}

#: POSTs that read: a simulation of an action's quantification stores nothing (decision
#: 0087), so readers may run it (the state check below proves nothing changed)
READ_POSTS = {("POST", f"{API}/orgs/{{org}}/inclusion/methodologies/simulate")}


def call(client: TestClient, method: str, path: str, op: dict[str, Any]) -> Any:
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content and "$ref" not in content["application/json"]["schema"]:
        return client.request(method, path, json={"events": []})  # the partners' push
    if "application/json" in content:
        name = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert name in BODIES, f"add a valid {name} body to BODIES"
        return client.request(method, path, json=BODIES[name])
    if "application/x-www-form-urlencoded" in content:
        return client.request(method, path, data=FORM_FIELDS)
    if "multipart/form-data" in content:
        files = {"file": ("evil.csv", FACTOR_FILE, "text/csv")} if "factor-sets" in path else FILES
        return client.request(method, path, files=files)
    return client.request(method, path)


def fill(path: str, org: str, ids: dict[str, Any]) -> str:
    return re.sub(
        r"\{(\w+)\}", lambda m: org if m.group(1) == "org" else str(ids[m.group(1)]), path
    )


def state_of(engine: Engine, org_id: int, folder: Path) -> dict[str, Any]:
    """Every row belonging to organisation ``org_id`` and every file of its workspace."""
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            cols = [c["name"] for c in inspect(conn).get_columns(table)]
            if table == "organisation":
                where = f"id = {org_id}"
            elif table == "user_account":
                where = f"id IN (SELECT user_id FROM membership WHERE organisation_id = {org_id})"
            elif "organisation_id" in cols:
                where = f"organisation_id = {org_id}"
            else:
                continue
            # when A's own token was last presented (to B, refused) is bookkeeping, not data
            keep = ", ".join(f'"{c}"' for c in cols if c != "last_used_at")
            rows = conn.execute(text(f'SELECT {keep} FROM "{table}" WHERE {where}')).all()
            out[table] = sorted(repr(tuple(r)) for r in rows)
    out["files"] = sorted(
        (str(p.relative_to(folder)), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in folder.rglob("*")
        if p.is_file()
    )
    return out


def _org_id(engine: Engine, slug: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT id FROM organisation WHERE slug = :s"), {"s": slug}
            ).scalar_one()
        )


#: path parameters that name no object of acme's: years, names of a catalogue (a template, a
#: currency, a hazard, a narrative or datapoint key), a language or a file format
NOT_OBJECTS = ("fiscal_year", "name", "currency", "year", "prop", "hazard", "key", "lang", "fmt")


def test_no_operation_reaches_another_organisation(world: dict[str, Any]) -> None:
    srv: Server = world["srv"]
    ids = world["ids"]
    acme = _org_id(srv.engine, "acme")
    folder = srv.data_dir / "orgs" / "acme"
    before = state_of(srv.engine, acme, folder)
    b_cookie: TestClient = world["b"]
    b_bearer = srv.bearer(world["b_token"]["token"])
    a_bearer = srv.bearer(world["a_token"]["token"])
    markers = [
        str(ids["batch_id"]),
        str(ids["snapshot_id"]),
        "ACME-SUB",
        "Acme Tianjin",
        "a-ci",
        "Acme Targets Co",
        "ACME-PV",
        "LB14-G5",
        "p@acme.example",  # acme's pending invitation
        "Acme SSO",  # acme's identity provider (decision 0040)
        "Acme Buyer",  # acme's PACT client credential (decision 0068)
        "Acme Rooftop PV",  # acme's supplier project (decision 0067)
        "Acme Cert Body",  # acme's certificate (decision 0077)
        "Acme ESG Day",
        "Acme Grid Incomer",  # acme's meter (decision 0078)
        "acme-notebook",
        "Acme Carbon Price Risk",  # acme's register, aspects (decisions 0080, 0081)
        "Acme Energy Aspect",
        "Acme Finding",
        "Acme Flood Curve",  # acme's vulnerability curve (decision 0083)
        "Acme Climate Board",  # acme's governance records (decision 0084)
        "Acme Board Meeting",
        "Acme Climate Officer",
        "Acme Pay KPI",
        "Acme Inclusion Programme",
        "Acme Team",
        "Acme Inclusion Partner",
        "Acme Consent",
        "Acme Inclusion Campaign",
        "Acme Inclusion Reward",
        "Acme Own Pack",
        "acme-steps",
        ids["ref"],
        "Acme Narrative Text",  # acme's disclosure (issue 19)
        "Acme Shadow Price",
        "Acme Verifier Co",
        "Acme Finding Text",
        "acme-statement.pdf",
        ids["edition"],
        "Acme Resin",  # acme's circularity ledgers (issue 19)
        "Acme Pack Line",
        "Acme Pallet Pool",
        "Acme Customer",
        "Acme Recycler",
    ]
    checked = 0
    for method, path, op in operations(srv.app):
        if "{org}" not in path:
            continue
        object_path = any(f"{{{k}}}" in path for k in ids if k not in NOT_OBJECTS)
        for client, org, why in (
            (b_cookie, "acme", "B's session on A"),
            (b_bearer, "acme", "B's token on A"),
            (a_bearer, "bravo", "A's token on B"),
        ):
            r = call(client, method, fill(path, org, ids), op)
            if (method, path) in PARTNER_SIGNED:  # no user reaches them: a partner's signature
                assert r.status_code == 401, f"{why}: {method} {path} → {r.status_code}"
                checked += 1
                continue
            assert r.status_code in (403, 404), f"{why}: {method} {path} → {r.status_code}"
            assert r.json()["error"]["code"] in ("forbidden", "not_found")
            checked += 1
        r = call(b_cookie, method, fill(path, "bravo", ids), op)
        if (method, path) in PARTNER_SIGNED:
            assert r.status_code == 401, f"A's ids in B: {method} {path} → {r.status_code}"
            checked += 1
        elif object_path:  # A's object ids inside B's organisation
            # a PUT at a site's code sets B's own record of B's site of that code: B has no
            # such site, refused (422; decision 0083) — A's record is untouched (state below)
            upsert = method == "PUT" and "{site}" in path
            # an id of A's that does not have the form of this path's ids (a code shared by
            # several kinds of object) is refused by its form, before any lookup
            malformed = r.status_code == 422 and f"{{{r.json()['error']['field']}}}" in path
            allowed = (403, 404, 422) if upsert or malformed else (403, 404)
            assert r.status_code in allowed, f"A's ids in B: {method} {path} → {r.status_code}"
            checked += 1
        elif method == "GET" and r.status_code == 200:  # B's own lists show nothing of A's
            leaked = [m for m in markers if m in r.text]
            assert not leaked, f"{method} {path} shows A's {leaked}"
            checked += 1
    assert checked > 100
    # organisation-free endpoints do not show A either
    assert [o["slug"] for o in b_cookie.get(f"{API}/orgs").json()] == ["bravo"]
    assert "acme" not in b_cookie.get(f"{API}/auth/me").text
    assert state_of(srv.engine, acme, folder) == before


WRITE = ("POST", "PATCH", "PUT", "DELETE")


def _writes(app: Any) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (m, p, op)
        for m, p, op in operations(app)
        if "{org}" in p and m in WRITE and "/tokens" not in p  # every member manages own tokens
    ]


@pytest.mark.parametrize("role", ["viewer", "auditor"])
def test_readers_change_nothing(world: dict[str, Any], role: str) -> None:
    srv: Server = world["srv"]
    ids = world["ids"]
    add_user(srv.engine, f"{role}@acme.example", {"acme": role})
    c = srv.login(f"{role}@acme.example")
    acme = _org_id(srv.engine, "acme")
    folder = srv.data_dir / "orgs" / "acme"
    before = state_of(srv.engine, acme, folder)
    for method, path, op in _writes(srv.app):
        r = call(c, method, fill(path, "acme", ids), op)
        if (method, path) in PARTNER_SIGNED:  # a partner's signature, not a role (0090)
            assert r.status_code == 401, f"{role}: {method} {path} → {r.status_code}"
            continue
        if (method, path) in READ_POSTS:  # a POST that computes and stores nothing
            assert r.status_code == 200, f"{role}: {method} {path} → {r.status_code}"
            continue
        assert r.status_code == 403, f"{role}: {method} {path} → {r.status_code}"
        assert r.json()["error"]["code"] == "forbidden"
    # both read everything, lineage included; only the auditor reads the audit log
    assert c.get(f"{API}/orgs/acme/inventories/FY2024-25").status_code == 200
    ex = c.get(f"{API}/orgs/acme/snapshots/{ids['snapshot_id']}/explain", params={"scope": 2})
    assert ex.status_code == 200
    audit = c.get(f"{API}/orgs/acme/audit")
    verify = c.get(f"{API}/orgs/acme/audit/verify")
    if role == "auditor":
        assert audit.status_code == 200
        assert verify.json()["ok"] is True
    else:
        assert (audit.status_code, verify.status_code) == (403, 403)
    assert state_of(srv.engine, acme, folder) == before


def test_analyst_edits_data_not_members(world: dict[str, Any]) -> None:
    srv: Server = world["srv"]
    add_user(srv.engine, "an@acme.example", {"acme": "analyst"})
    c = srv.login("an@acme.example")
    r = c.post(f"{API}/orgs/acme/entities", json={"code": "NEW", "name": "New"})
    assert r.status_code == 201
    r = c.post(f"{API}/orgs/acme/invitations", json={"email": "x@acme.example", "role": "viewer"})
    assert r.status_code == 403
    assert c.patch(f"{API}/orgs/acme", json={"name": "x"}).status_code == 403
    assert c.get(f"{API}/orgs/acme/audit").status_code == 403
    # an admin manages members but cannot make owners
    add_user(srv.engine, "ad@acme.example", {"acme": "admin"})
    ad = srv.login("ad@acme.example")
    r = ad.patch(f"{API}/orgs/acme/members/{world['ids']['user_id']}", json={"role": "owner"})
    assert r.status_code == 403
    r = ad.patch(f"{API}/orgs/acme/members/{world['ids']['user_id']}", json={"role": "analyst"})
    assert (r.status_code, r.json()["role"]) == (200, "analyst")
