"""The API fuzz of decision 0038, shared by ``tests/adapters/api/test_api_fuzz*.py``:
schemathesis fuzzes every operation of the OpenAPI document, in-process against the ASGI app, on
SQLite and PostgreSQL: valid and invalid inputs, on an organisation that has data (sites, an
import with rejected rows, a snapshot). The API keeps its contract (OWASP ASVS 4.0.3 V13.1.1,
V13.1.5, V13.2.1): no 5xx, every status code and content type documented, every response valid
against its schema, schema-valid requests accepted.

Bounded for the test run: a fixed number of examples per operation, derandomised (the same
cases every run), no example database. The operations are cut into :data:`PARTS` × 2 buckets
by a stable hash of their label: bucket ``2k`` is fuzzed on SQLite and ``2k + 1`` on PostgreSQL
by part ``k``, and each part is its own test module, so that the parallel runner spreads the
fuzz over its workers (it gives one module to one worker) and each operation is fuzzed once
(decision 0086).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from lingtan.adapters.services.products import write_demo_products
from serverkit import Server, seed_inventory

API = "/api/v1"
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 6}
#: the checks every response passes (schemathesis' own; the 405 check is ours, below)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    positive_data_acceptance,
]
METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH")
#: operations whose schema-valid requests may still be refused (422, documented) by a rule the
#: schema cannot state — the body is a document checked for its content, or names stored things
#: that must exist: positive_data_acceptance is not run on them (every other check is)
CONTENT_RULES = {
    # the supplier register (decision 0063)
    "POST /api/v1/orgs/{org}/suppliers": "the USCC's GB 32100-2015 check character; a code "
    "not yet used",
    "PATCH /api/v1/orgs/{org}/suppliers/{code}": "the USCC's check character",
    "POST /api/v1/orgs/{org}/suppliers/{code}/status": "a change the workflow allows",
    "POST /api/v1/orgs/{org}/suppliers/{code}/sites": "region a known ISO 3166 region",
    "PUT /api/v1/orgs/{org}/suppliers/{code}/onboarding/{item}": "expires_on not before checked_on",
    "GET /api/v1/orgs/{org}/suppliers/spend": "a fiscal year of the workspace's calendar",
    "POST /api/v1/orgs/{org}/suppliers/import": "a register file, checked cell by cell",
    # supplier projects and training (decision 0067)
    "POST /api/v1/orgs/{org}/supplier-projects": "supplier must name a supplier of the "
    "register; an electricity saving in kWh, MWh or GWh",
    "GET /api/v1/orgs/{org}/supplier-projects/kpi": "goal_year not before from_year",
    "POST /api/v1/orgs/{org}/supplier-training/events/{event}/attendance": "suppliers of the "
    "register, each once, with a date in the event's window",
    "POST /api/v1/orgs/{org}/supplier-training/import": "an attendance file, checked cell by "
    "cell (known columns, events, suppliers and dates)",
    # the PACT host's publishing (decision 0068)
    "POST /api/v1/orgs/{org}/pact-footprints": "product and configuration must exist; "
    "period_end after period_start",
    # site energy (issue 16, decisions 0071, 0073, 0078)
    "POST /api/v1/orgs/{org}/meters": "site a site of the boundary; a unit of the carrier's "
    "kind; a parent meter that exists; a code not yet used",
    "POST /api/v1/orgs/{org}/meters/import": "a meter file, checked cell by cell",
    "POST /api/v1/orgs/{org}/readings": "a readings file (NDJSON or CSV) of registered meters, "
    "checked cell by cell",
    "GET /api/v1/orgs/{org}/readings/gaps": "start not after end",
    "POST /api/v1/orgs/{org}/production": "site a site of the boundary; a month and units >= 0",
    "POST /api/v1/orgs/{org}/production/import": "a production file, checked cell by cell",
    # certificates and the zero-carbon assessment (decision 0077)
    "POST /api/v1/orgs/{org}/certificates": "a known scheme, a subject and level the scheme "
    "allows; valid_until after issued",
    "PATCH /api/v1/orgs/{org}/certificates/{cert_id}": "a known scheme, a subject and level the "
    "scheme allows; valid_until after issued",
    "POST /api/v1/orgs/{org}/certificates/import": "a certificate file, checked cell by cell",
    "POST /api/v1/orgs/{org}/certificates/zero-carbon": "a site of the boundary and a fiscal "
    "year with an inventory",
    # climate risk (issue 17): the risk register and its matrix (decision 0080)
    "POST /api/v1/orgs/{org}/risks": "a driver that fits the category, a category of the kind, "
    "ratings within the matrix, links that exist, a code not used and not a page's name",
    "PATCH /api/v1/orgs/{org}/risks/{code}": "a driver that fits the category, a category of "
    "the kind, ratings within the matrix, links that exist",
    "POST /api/v1/orgs/{org}/risks/{code}/reviews": "ratings within the matrix's scales, a day "
    "not in the future",
    "PUT /api/v1/orgs/{org}/risks/matrix": "a consistent matrix (descending bands ending at 0, "
    "contiguous horizons) that every item fits",
    "POST /api/v1/orgs/{org}/risks/import": "a register file, checked cell by cell",
    # significant environmental aspects (decision 0081)
    "POST /api/v1/orgs/{org}/risks/aspects": "site a site of the boundary, risk_code a risk of "
    "the register, objective KPIs of the targets file, a code not yet used, the eight scores "
    "all or none",
    "PATCH /api/v1/orgs/{org}/risks/aspects/{aspect_id}": "site a site of the boundary, "
    "risk_code a risk of the register, objective KPIs of the targets file, a code not yet used",
    "POST /api/v1/orgs/{org}/risks/aspects/import": "an aspect file, checked cell by cell",
    "POST /api/v1/orgs/{org}/risks/aspects/from-risk": "risk_code a risk of the register",
    "POST /api/v1/orgs/{org}/risks/aspects/{aspect_id}/monitoring": "checked_on not in the future",
    # scenarios and their financial effects (decision 0082)
    "POST /api/v1/orgs/{org}/risks/scenarios/import": "a scenario manifest and series file, "
    "checked",
    "POST /api/v1/orgs/{org}/risks/scenarios/runs": "a scenario of the organisation and a "
    "calculated fiscal year whose series cover the horizons",
    "GET /api/v1/orgs/{org}/risks/scenarios/conclusion": "a fiscal year of the workspace's "
    "calendar",
    # physical risk per site (decision 0083)
    "PUT /api/v1/orgs/{org}/risks/sites/exposure/{site}": "site a site of the boundary; the "
    "organisation's one currency",
    "POST /api/v1/orgs/{org}/risks/sites/exposure/import": "an exposure file, checked cell by cell",
    "POST /api/v1/orgs/{org}/risks/sites/indicators/import": "an indicator file or physrisk "
    "document, checked cell by cell",
    "PUT /api/v1/orgs/{org}/risks/sites/curves/{hazard}": "an acute hazard; intensities "
    "increasing, damage not falling",
    "GET /api/v1/orgs/{org}/risks/sites/shares": "return_period only for an acute hazard",
    # governance records (decision 0084)
    "POST /api/v1/orgs/{org}/risks/governance/bodies": "parent names an existing body; a code "
    "not yet used",
    "POST /api/v1/orgs/{org}/risks/governance/meetings": "body an existing body; a real date; "
    "a fiscal year of the workspace's calendar agreeing with the date, required when the date "
    "is not published",
    "POST /api/v1/orgs/{org}/risks/governance/meetings/import": "a meetings file, checked cell "
    "by cell",
    "POST /api/v1/orgs/{org}/risks/governance/roles": "chairs name existing bodies",
    "POST /api/v1/orgs/{org}/risks/governance/pay-links": "a fiscal year of the workspace's "
    "calendar; kpi_id a KPI of the targets file; body an existing body; a year's shares "
    "<= 100 %",
    # carbon inclusion (issue 18, decisions 0087–0092)
    "POST /api/v1/orgs/{org}/inclusion/methodologies": "a methodology pack file (YAML), checked "
    "field by field; a version not yet loaded",
    "POST /api/v1/orgs/{org}/inclusion/methodologies/simulate": "an action of the catalogue in "
    "its unit, a pack covering it on that day, a plausible trip",
    "POST /api/v1/orgs/{org}/inclusion/programmes": "rules that name actions of the catalogue "
    "with caps per day not above per month; a code not yet used",
    "PATCH /api/v1/orgs/{org}/inclusion/programmes/{code}": "rules that name actions of the "
    "catalogue with caps per day not above per month",
    "POST /api/v1/orgs/{org}/inclusion/{programme}/groups": "parent names a group of the "
    "programme; a kind the audience allows",
    "POST /api/v1/orgs/{org}/inclusion/{programme}/accounts": "group and site that exist; "
    "guardian consent for a minor",
    "POST /api/v1/orgs/{org}/inclusion/{programme}/accounts/{ref}/consents": "a partner of the "
    "organisation; scopes among its allowed actions; expires after now",
    "POST /api/v1/orgs/{org}/inclusion/{programme}/accounts/{ref}/consents/revoke": "a consent "
    "of the account",
    "POST /api/v1/orgs/{org}/inclusion/partners": "allowed actions of the catalogue; a callback "
    "URL that is https; a code not yet used",
    "POST /api/v1/orgs/{org}/inclusion/{programme}/actions": "an action of the catalogue in its "
    "unit, for an active account; a plausible trip",
    "POST /api/v1/orgs/{org}/inclusion/{programme}/expire": "a day not before the programme's "
    "last expiry run",
    "POST /api/v1/orgs/{org}/inclusion/events/{event_id}/reverse": "an accepted event",
    "POST /api/v1/orgs/{org}/inclusion/events/{event_id}/review": "an event pending review",
    "POST /api/v1/orgs/{org}/inclusion/{programme}/campaigns": "end not before start; actions of "
    "the catalogue; a code not yet used",
    "PATCH /api/v1/orgs/{org}/inclusion/{programme}/campaigns/{code}": "end not before start; "
    "actions of the catalogue; a campaign not frozen",
    "POST /api/v1/orgs/{org}/inclusion/{programme}/rewards": "a code not yet used",
    "PATCH /api/v1/orgs/{org}/inclusion/{programme}/rewards/{code}": "stock not below what was "
    "redeemed",
    "POST /api/v1/orgs/{org}/inclusion/{programme}/accounts/{ref}/redemptions": "a reward in "
    "stock, not beyond the balance",
    "GET /api/v1/orgs/{org}/inclusion/{programme}/report": "from not after to",
    "POST /api/v1/orgs/{org}/inclusion/pull-sources": "an http(s) URL (file:// is the command "
    "line's); a code not yet used",
    # disclosure (issue 19, decisions 0095–0099): editions, narratives, mapping, verification
    "POST /api/v1/orgs/{org}/disclosure/editions": "a fiscal year of the workspace's calendar; "
    "a reason only with supersedes, an edition of the organisation; a restatement of a "
    "published year names both",
    "POST /api/v1/orgs/{org}/disclosure/editions/{edition}/publish": "a draft edition, not a "
    "superseded one",
    "PUT /api/v1/orgs/{org}/disclosure/narratives/{key}/{lang}": "key a narrative field of a "
    "section",
    "GET /api/v1/orgs/{org}/disclosure/mapping/{fiscal_year}": "a fiscal year of the "
    "workspace's calendar",
    "GET /api/v1/orgs/{org}/disclosure/datapoints": "a fiscal year of the workspace's calendar",
    "PUT /api/v1/orgs/{org}/disclosure/datapoints/{fiscal_year}/{key}": "a fiscal year of the "
    "workspace's calendar; the unit the datapoint's key takes",
    "POST /api/v1/orgs/{org}/disclosure/datapoints/{fiscal_year}/{key}/review": "a datapoint "
    "entered; approved only after reviewed",
    "DELETE /api/v1/orgs/{org}/disclosure/datapoints/{fiscal_year}/{key}": "a fiscal year of "
    "the workspace's calendar",
    "GET /api/v1/orgs/{org}/disclosure/verification": "a fiscal year of the workspace's calendar",
    "POST /api/v1/orgs/{org}/disclosure/verification": "a fiscal year of the workspace's "
    "calendar with a snapshot (the one named, of that year); coverage of the inventory",
    "PATCH /api/v1/orgs/{org}/disclosure/verification/{record_id}": "coverage of the inventory",
    "POST /api/v1/orgs/{org}/disclosure/verification/{record_id}/findings": "raised_on not in "
    "the future",
    "POST /api/v1/orgs/{org}/disclosure/verification/{record_id}/findings/{number}/close": "an "
    "open finding; closed_on not before raised_on",
    "POST /api/v1/orgs/{org}/disclosure/verification/{record_id}/statement": "a statement file "
    "(PDF) of at most its size",
    # circularity ledgers (issue 19, decision 0100): a ledger year is a fiscal year of the
    # workspace's calendar or a calendar year 1990–2100
    "GET /api/v1/orgs/{org}/circularity/kpis": "year a fiscal year of the workspace's calendar "
    "or a calendar year 1990–2100",
    "GET /api/v1/orgs/{org}/circularity/materials": "year a ledger year",
    "POST /api/v1/orgs/{org}/circularity/materials": "a ledger year; net_kg not above "
    "gross_kg; both factors or none, the recycled one not above the virgin one, with a source",
    "PATCH /api/v1/orgs/{org}/circularity/materials/{row_id}": "the changed row as when added",
    "POST /api/v1/orgs/{org}/circularity/materials/import": "a ledger file, checked cell by cell",
    "GET /api/v1/orgs/{org}/circularity/packaging": "year a ledger year",
    "POST /api/v1/orgs/{org}/circularity/packaging": "a ledger year; a line named",
    "PATCH /api/v1/orgs/{org}/circularity/packaging/{row_id}": "the changed row as when added",
    "POST /api/v1/orgs/{org}/circularity/packaging/import": "a ledger file, checked cell by cell",
    "GET /api/v1/orgs/{org}/circularity/returnables": "year a ledger year",
    "POST /api/v1/orgs/{org}/circularity/returnables": "period_end not before period_start; "
    "returned and lost not above issued; a programme named",
    "PATCH /api/v1/orgs/{org}/circularity/returnables/{row_id}": "the changed row as when added",
    "POST /api/v1/orgs/{org}/circularity/returnables/import": "a ledger file, checked cell by cell",
    "GET /api/v1/orgs/{org}/circularity/takeback": "year a ledger year",
    "POST /api/v1/orgs/{org}/circularity/takeback": "recycler a recycler of the ledger",
    "PATCH /api/v1/orgs/{org}/circularity/takeback/{row_id}": "the changed row as when added",
    "POST /api/v1/orgs/{org}/circularity/takeback/import": "a ledger file, checked cell by cell",
    "GET /api/v1/orgs/{org}/circularity/recyclers": "year a ledger year",
    "POST /api/v1/orgs/{org}/circularity/recyclers": "an approved recycler has its three "
    "approvals and keeps the OECD export rule; a name and region named; a code not yet used",
    "PATCH /api/v1/orgs/{org}/circularity/recyclers/{row_id}": "the changed row as when added",
    "POST /api/v1/orgs/{org}/circularity/recyclers/import": "a ledger file, checked cell by cell",
    # the control tower (issue 19, decision 0101)
    "GET /api/v1/orgs/{org}/overview": "a fiscal year of the workspace's calendar",
    "POST /api/v1/orgs/{org}/calculations": "the fiscal year must have activity data",
    "POST /api/v1/orgs/{org}/deletion": "confirm must repeat the organisation's slug",
    "POST /api/v1/orgs/{org}/entities": "parent_code must name an existing entity",
    "POST /api/v1/orgs/{org}/sites": "entity_code must name an existing entity, region a known "
    "ISO 3166 region or grid",
    "PATCH /api/v1/orgs/{org}/sites/{site_id}": "entity_code must name an existing entity, "
    "region a known ISO 3166 region or grid",
    "PUT /api/v1/orgs/{org}/mappings/{name}": "a mapping, checked against its template: columns "
    "known, each given once, every required one mapped or a constant",
    "POST /api/v1/orgs/{org}/mappings/preview": "a file read through a mapping, both checked",
    "POST /api/v1/orgs/{org}/factor-sets": "a factor-set file, checked row by row",
    "POST /api/v1/orgs/{org}/imports": "an activity file, checked row by row",
    "POST /api/v1/orgs/{org}/products/pact": "a PACT v2 document",
    "PUT /api/v1/orgs/{org}/targets": "a targets file (YAML), checked",
    "PUT /api/v1/orgs/{org}/reconcile": "a published-figures file, checked",
    "POST /api/v1/orgs/{org}/targets/plan": "a plan needs targets and projects that allow one",
    "GET /api/v1/orgs/{org}/products/{product}/{config}/pact": "PACT needs the GWP set it names",
}
#: operations that recompute emission rows (≈ 0.1–1 s a call): fewer examples
SLOW = {
    "GET /api/v1/orgs/{org}/snapshots/{snapshot_id}/explain": 4,
    "POST /api/v1/orgs/{org}/targets/plan": 4,  # a MILP solve (and one per project to explain)
}


@pytest.fixture
def fuzz_server(server_factory: Callable[..., Server]) -> dict[str, Any]:
    srv = server_factory(workers=0, rate_per_s=0)  # thousands of requests from one address
    c = seed_inventory(srv, "fuzz@acme.example")
    targets = (  # the targets endpoints are fuzzed on a file with a target and a project
        "emissions: {FY2023/24: {scope1: 100, scope2_market: 900}}\n"
        "targets: [{id: T, name: T, scopes: [1, 2], base_year: FY2023/24,"
        " target_year: FY2029/30, reduction_pct: 40}]\n"
        "projects: [{id: P, name: P, type: efficiency, reduction_t_per_year: 500, scope: 2,"
        " opex_per_year: 1000, life_years: 10, earliest_start: FY2024/25}]\n"
        "plan: {start_year: FY2024/25, end_year: FY2029/30}\n"
    )
    assert c.put(f"{API}/orgs/acme/targets", json={"content": targets}).status_code == 200
    assert write_demo_products(srv.data_dir / "orgs" / "acme")  # products (issue 6)
    token = c.post(f"{API}/orgs/acme/tokens", json={"name": "fuzz"}).json()["token"]
    decoy = c.post(f"{API}/orgs/acme/tokens", json={"name": "decoy"}).json()["id"]
    snap = c.get(f"{API}/orgs/acme/snapshots").json()[0]["id"]
    batch = c.get(f"{API}/orgs/acme/imports").json()[0]["id"]
    return {"srv": srv, "token": token, "decoy": decoy, "snapshot": snap, "batch": batch}


#: how many test modules share the fuzz (``test_api_fuzz.py`` is part 0, ``…_part<k>.py``)
PARTS = 4


def bucket(label: str) -> tuple[int, str]:
    """The part that fuzzes operation ``label`` and the store it is fuzzed on: a stable hash of
    the label picks one of ``2 × PARTS`` buckets (about as many operations in each), so both
    stores answer generated requests of every kind and the suite fuzzes each operation once
    (decision 0086: what is store-specific is tested per store by the route's own tests)."""
    digest = hashlib.sha256(label.encode("utf-8")).digest()[0] % (2 * PARTS)
    return digest // 2, ("sqlite" if digest % 2 == 0 else "postgresql")


def fuzz_part(fuzz_server: dict[str, Any], db_url: str, part: int) -> None:
    """Fuzz the operations of ``part`` that fall to this store; fail with every 5xx, undocumented
    status or content type, invalid response or refused valid request found."""
    srv: Server = fuzz_server["srv"]
    store = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    schema = schemathesis.openapi.from_asgi(f"{API}/openapi.json", srv.app)
    auth = {"Authorization": f"Bearer {fuzz_server['token']}"}
    known = {
        "org": "acme",
        "token_id": fuzz_server["decoy"],  # never revoke the token the fuzzer uses
        "snapshot_id": fuzz_server["snapshot"],
        "batch_id": fuzz_server["batch"],
        "fiscal_year": "FY2024-25",
        "product": "LB14-G5",
        "config": "i7-32-1t-GB",
    }
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        op = result.ok()
        label = f"{op.method.upper()} {op.path}"
        names = {p.name for p in op.path_parameters}
        fixed = {k: v for k, v in known.items() if k in names}
        operations += 1
        if bucket(label) != (part, store):
            continue
        for mode, n in EXAMPLES.items():
            for params in ({}, fixed) if fixed else ({},):
                _fuzz(op, label, mode, params, SLOW.get(label, n), auth, failures)
    assert operations >= 40
    kinds = Counter(f.split(" :: ")[0] for f in failures)  # operation, status and check
    summary = "\n".join(f"{n:4} × {k}" for k, n in sorted(kinds.items()))
    examples = "\n".join(sorted({f.split(" :: ")[0]: f for f in failures}.values()))
    assert not failures, f"{len(failures)} failures:\n{summary}\nexamples:\n{examples}"


def _fuzz(
    op: Any,
    label: str,
    mode: GenerationMode,
    path_parameters: dict[str, Any],
    examples: int,
    headers: dict[str, str],
    failures: list[str],
) -> None:
    """Run ``examples`` generated cases of one operation; record every 5xx."""
    strategy = op.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call(headers=headers, timeout=600)  # lineage: seconds of CPU a call
        checks = CHECKS
        if label in CONTENT_RULES:
            checks = [c for c in CHECKS if c is not positive_data_acceptance]
        try:
            case.validate_response(response, checks=checks)
        except (AssertionError, BaseExceptionGroup) as exc:  # schemathesis' Failure(Group)
            found = exc.exceptions if isinstance(exc, BaseExceptionGroup) else [exc]
            first = [str(getattr(f, "title", "")) or str(f).strip().split("\n")[0] for f in found]
            failures.append(
                f"{label} [{mode.value}] → {response.status_code}: "
                f"{' | '.join(first[:3])[:300]} :: {case.query} {str(case.body)[:120]!r}"
            )

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (e.g. no parameters at all)
        assert mode is GenerationMode.NEGATIVE, label
