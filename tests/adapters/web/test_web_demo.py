"""The demo in the web app (issue 13, item 7): after ``lingtan demo`` and ``lingtan serve --demo``
the organisation the printed link opens (``synthetic``) has something on every page — targets,
a MACC with ILLUSTRATIVE project costs, a computed plan, products and a public claim.

Hand-checked MACC bars of FY2024/25 (docs/targets.md: EAC = capex · CRF(r, n) + opex − savings,
height EAC / abatement; 8 % discount rate):

- LOG (value chain, 15,000 t/yr stated): EAC = 500,000 − 2,000,000 = −1,500,000 CNY/yr
  → −100.00 CNY/t;
- WH-AIR (3,200 MWh/yr in Hubei, 0.4044 kg CO2e/kWh, MEE/NBS 2023): abatement 3,200,000 ·
  0.4044 / 1000 = 1,294.08 t/yr; CRF(8 %, 10) = 0.149029; EAC = 4,800,000 · 0.149029 + 60,000
  − 2,080,000 = −1,304,658.6 CNY/yr → −1,008.17 CNY/t, the cheapest bar.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from webkit import TestClient, login

from demokit import BuiltDemo, copy_demo

ORG = "synthetic"


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory,
    built_demo: Callable[[str], BuiltDemo],
    workspace_store: str,
) -> Iterator[TestClient]:
    """``lingtan demo`` (the session's build on the SQLite store, copied: tests/conftest.py),
    then what ``lingtan serve --demo`` does before it serves: register the organisations and
    the demo user, write the demo data."""
    from lingtan.adapters.server import serve
    from lingtan.adapters.server.app import create_app
    from lingtan.adapters.services.settings import ServerSettings

    assert workspace_store == "sqlite"  # the demo as `make demo` builds it
    folder = copy_demo(built_demo(workspace_store), tmp_path_factory.mktemp("demo") / "demo")
    url = f"sqlite:///{folder / 'lingtan-server.db'}"
    email, password, slugs = serve.prepare_demo(folder, url)
    assert slugs[-1] == ORG  # the organisation of the printed link (serve: slugs[-1])
    settings = ServerSettings(
        database_url=url, data_dir=folder, workers=1, secret="test-secret",
        base_url="http://testserver", poll_interval_s=0.05,
    )  # fmt: skip
    with TestClient(create_app(settings), follow_redirects=False) as c:
        login(c, email, password)
        yield c


def _chart(html: str, chart_id: str) -> dict[str, Any]:
    m = re.search(rf'<script type="application/json" id="{chart_id}">(.*?)</script>', html, re.S)
    assert m, chart_id
    return dict(json.loads(m.group(1)))


def test_targets_page_shows_the_demo_targets(client: TestClient) -> None:
    html = client.get(f"/o/{ORG}/targets?lang=en").text
    for target in ("S12", "S3", "NZ"):
        assert f'id="target-{target}"' in html
        assert _chart(html, f"chart-target-{target}")["series"]


def test_macc_has_every_project_with_illustrative_costs(client: TestClient) -> None:
    r = client.get(f"/o/{ORG}/targets/macc?lang=en")
    assert r.status_code == 200
    bars = [d["value"] for d in _chart(r.text, "chart-macc")["series"][0]["data"]]
    assert len(bars) == 12  # 11 + the measured project SZ-CA-AI (issue 16)
    by_id = {b[4]: b for b in bars}
    assert bars[0][4] == "WH-AIR"  # cheapest first
    assert by_id["WH-AIR"][1] - by_id["WH-AIR"][0] == pytest.approx(1_294.08, abs=0.01)
    assert by_id["WH-AIR"][2] == pytest.approx(-1_008.17, abs=0.01)
    assert by_id["LOG"][2] == pytest.approx(-100.0)
    assert by_id["LOG"][1] - by_id["LOG"][0] == pytest.approx(15_000)
    rows = re.findall(r'<tr data-project="([^"]+)">(.*?)</tr>', r.text, re.S)
    assert len(rows) == 12
    assert all("(illustrative cost)" in row for _, row in rows)


def test_plan_is_computed_and_has_rows(client: TestClient) -> None:
    html = client.get(f"/o/{ORG}/targets/plan?lang=en").text
    assert 'id="no-plan"' not in html
    chosen = dict(re.findall(r'<tr data-project="([^"]+)" data-chosen="(yes|no)"', html))
    assert len(chosen) == 12
    assert chosen["WH-AIR"] == chosen["HF-PV4"] == "yes"  # they pay for themselves
    assert chosen["SZ-CA-AI"] == "no"  # started FY2023/24, before the plan (issue 16)
    assert _chart(html, "chart-waterfall")["series"]


def test_products_and_the_claim_are_there(client: TestClient) -> None:
    html = client.get(f"/o/{ORG}/products?lang=en").text
    assert "LB14-G5" in html
    page = client.get(f"/o/{ORG}/products/LB14-G5/i7-32-1t-GB?lang=en")
    assert page.status_code == 200
    assert "LB14-G5/i7-32-1t-GB/FY2024" in page.text  # the claim's id
    public = client.get(f"/p/{ORG}/LB14-G5/i7-32-1t-GB")
    assert public.status_code == 200


def test_the_targets_file_says_illustrative(tmp_path: Path) -> None:
    import yaml

    from lingtan.adapters.demo.synthetic_targets import targets_text, write_targets
    from lingtan.adapters.io.targets_files import parse_targets

    text = targets_text()
    assert text == targets_text()  # deterministic
    assert "ILLUSTRATIVE" in text.splitlines()[1]
    prog = parse_targets(yaml.safe_load(text), "targets.yaml")
    assert len(prog.projects) == 12  # issue 16: the measured project SZ-CA-AI
    assert all(
        "ILLUSTRATIVE" in p.source and "(illustrative cost)" in p.name for p in prog.projects
    )
    assert write_targets(tmp_path) == tmp_path / "targets.yaml"
    assert write_targets(tmp_path) is None  # kept: a user may have edited it


def test_energy_pages_show_the_energy_demo(client: TestClient) -> None:
    """Issue 16 "Done when": the demo shows the energy pages with data (decision 0079)."""
    html = client.get(f"/o/{ORG}/energy?lang=en").text
    for site in ("HF-FACTORY", "TJ-FACTORY", "WH-FACTORY", "SZ-FACTORY", "BJ-HQ"):
        assert site in html
    site = client.get(f"/o/{ORG}/energy/sites/HF-FACTORY?lang=en")
    assert site.status_code == 200
    assert "HF-PV" in site.text  # the 10.12 MW PV system and its yield
    meters = client.get(f"/o/{ORG}/energy/meters?lang=en").text
    assert "SZ-E-CA" in meters


def test_certificates_and_computed_kpis_are_shown(client: TestClient) -> None:
    """The demo's certificate register, and the report's KPIs computed from data on the
    targets page (KPI-RE from the meters, KPI-SC from the supplier ledger; decision 0079; the
    two efficiency KPIs from the family's ILLUSTRATIVE products and sales, decision 0076)."""
    certs = client.get(f"/o/{ORG}/certificates?lang=en").text
    for subject in ("TJ-FACTORY", "WH-FACTORY", "BJ-HQ"):
        assert subject in certs
    html = client.get(f"/o/{ORG}/targets?lang=en").text
    computed = html.count('data-origin="computed"')
    assert computed >= 4
    assert 'data-origin="typed"' not in html
