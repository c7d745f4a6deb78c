"""Schemathesis fuzzes every operation of the OpenAPI document, in-process against the ASGI app
(SQLite): valid and invalid inputs, on an organisation that has data (sites, an import with
rejected rows, a snapshot). No input may give a 5xx.

Bounded for the test run: a fixed number of examples per operation, derandomised (the same
cases every run), no example database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from serverkit import Server, seed_inventory

from lingtan.adapters.api.services.products import write_demo_products

API = "/api/v1"
EXAMPLES = {GenerationMode.POSITIVE: 20, GenerationMode.NEGATIVE: 12}
#: operations that recompute emission rows (≈ 0.1–1 s a call): fewer examples
SLOW = {
    "GET /api/v1/orgs/{org}/snapshots/{snapshot_id}/explain": 4,
    "POST /api/v1/orgs/{org}/targets/plan": 4,  # a MILP solve (and one per project to explain)
}


@pytest.fixture
def fuzz_server(server_factory: Callable[..., Server]) -> dict[str, Any]:
    srv = server_factory(workers=0)
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


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the API layer is the same on both
def test_no_input_gives_a_server_error(fuzz_server: dict[str, Any]) -> None:
    srv: Server = fuzz_server["srv"]
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
        for mode, n in EXAMPLES.items():
            for params in ({}, fixed) if fixed else ({},):
                _fuzz(op, label, mode, params, SLOW.get(label, n), auth, failures)
    assert operations >= 40
    assert not failures, "\n".join(failures[:20])


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
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append(
                f"{label} [{mode.value}] → {response.status_code}: {case.path_parameters} "
                f"{case.query} {str(case.body)[:200]!r} {response.text[:300]}"
            )

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (e.g. no parameters at all)
        assert mode is GenerationMode.NEGATIVE, label
