"""Public evidence does not move (issue 10 item 9, decision 0030): a product claim's public page
renders the record frozen when the claim was issued — byte for byte the same after the grid
factors change — and a reissue is a new version with its own page; the old one stays online.

The organisation is the synthetic demo with the ILLUSTRATIVE notebook family; the demo issues
the claim of ``LB14-G5/i7-32-1t-GB`` (FY2024/25, 10,000 units) when it writes it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from webkit import TestClient, create_site_app, csrf_token, login, send_api_token

from lingtan.adapters.io import factor_files
from lingtan.adapters.io.lca import grid
from lingtan.adapters.services import products as svc

Site = Any  # tests/adapters/web/conftest.py: Site
GB = "LB14-G5/i7-32-1t-GB"
API = "/api/v1/orgs/{org}/products/" + GB


@pytest.fixture
def site(site_factory: Callable[[Path], Site], tmp_path: Path) -> Site:
    s = site_factory(tmp_path)
    assert svc.write_demo_products(s.root / "orgs" / s.org)
    return s


@pytest.fixture
def owner(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site, workers=0), follow_redirects=False) as c:
        login(c, site.owner)
        send_api_token(c)  # the test also reissues through the API with the cookie
        yield c


def _later_gb_edition(monkeypatch: pytest.MonkeyPatch, scale: float) -> None:
    """A later edition of the GB grid factor (valid from 2025-01-01, ``scale`` × the value in
    force): what a factor update of the library does. The products cache is emptied."""
    original = factor_files.bundled_factor_sets()
    gb = [f for s in original for f in s.factors
          if f.activity_type == "electricity.grid" and f.region == "GB"]  # fmt: skip
    assert gb
    later = [
        replace(f, factor_id=f"{f.factor_id}-later", value=f.value * scale,
                valid_from=date(2025, 1, 1), valid_to=None)
        for f in gb
    ]  # fmt: skip
    sets = [*original, SimpleNamespace(factors=later)]
    monkeypatch.setattr(grid, "bundled_factor_sets", lambda: sets)
    svc._benches.clear()


def _live(c: TestClient, site: Site) -> dict[str, Any]:
    r = c.get(API.format(org=site.org))
    assert r.status_code == 200, r.text
    return dict(r.json()["claim"])


def _record(site: Site, version: int) -> dict[str, Any]:
    folder = site.root / "orgs" / site.org / "products" / "issued"
    recs = [json.loads(p.read_bytes()) for p in folder.glob("*.json")]
    return next(r for r in recs if r["version"] == version)


def test_public_page_is_byte_stable_across_a_factor_update(
    site: Site, owner: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = f"/p/{site.org}/{GB}"
    with TestClient(owner.app, follow_redirects=False) as anon:
        before = {u: anon.get(u) for u in (f"{page}?lang=en", f"{page}?lang=zh-CN", f"{page}/v/1")}
        for r in before.values():
            assert r.status_code == 200, r.text
        live_before = _live(owner, site)
        _later_gb_edition(monkeypatch, 1.25)
        live_after = _live(owner, site)
        # the footprint recomputed today moved (use phase: more kg CO2e per kWh) …
        assert live_after["footprint_kg_co2e_per_unit"] > live_before["footprint_kg_co2e_per_unit"]
        # … the published evidence did not: same bytes, nothing excluded
        for url, r in before.items():
            again = anon.get(url)
            assert again.status_code == 200
            assert again.content == r.content, url
    # a signed-in visitor sees the same page (no user, no CSRF token on it)
    assert owner.get(f"{page}?lang=en").content == before[f"{page}?lang=en"].content
    html = before[f"{page}?lang=en"].text
    assert "csrf" not in html.lower()
    assert site.owner not in html
    rec = _record(site, 1)
    # what the page shows is the record: residual = footprint × 10,000 units / 1000 [t]
    claim = rec["page"]["claim"]
    assert claim["residual_t_co2e"] == pytest.approx(
        rec["page"]["total_kg_co2e"] * claim["units_covered"] / 1000
    )
    shown = f"{rec['page']['total_kg_co2e']:,.1f}"
    assert re.search(rf'id="kpi-total">.*?{re.escape(shown)}', html, re.S)
    assert f"{claim['retired_t_co2e']:,.1f} t CO2e" in html
    assert 'id="issued-version"' in html
    assert rec["inputs"]["use_phase_grid"]["region"] == "GB"
    assert rec["inputs"]["assessed_on"] == "2025-03-31"


def test_a_reissue_is_a_new_version_and_the_old_page_stays(
    site: Site, owner: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = API.format(org=site.org)
    # nothing changed: issuing again writes no new version
    r = owner.post(f"{api}/claim/issue")
    assert r.status_code == 200, r.text
    assert (r.json()["version"], r.json()["created"]) == (1, False)
    v1 = _record(site, 1)
    # a later, lower GB factor: a smaller footprint, still covered by the credits → version 2
    _later_gb_edition(monkeypatch, 0.8)
    form = f"/o/{site.org}/products/{GB}"  # the configuration page issues through its form
    r = owner.post(f"{form}/issue", data={"csrf_token": csrf_token(owner, form)})
    assert r.status_code == 303, r.text
    v2 = _record(site, 2)
    assert v2["previous"] is not None
    assert v2["page"]["total_kg_co2e"] < v1["page"]["total_kg_co2e"]
    assert v2["issued_by"] == site.owner
    versions = owner.get(f"{api}/claim/versions").json()
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["public_url"].endswith(f"/p/{site.org}/{GB}/v/2")
    with TestClient(owner.app, follow_redirects=False) as anon:
        latest = anon.get(f"/p/{site.org}/{GB}?lang=en").text
        old = anon.get(f"/p/{site.org}/{GB}/v/1?lang=en").text
        assert anon.get(f"/p/{site.org}/{GB}/v/3").status_code == 404
    assert f"{v2['page']['total_kg_co2e']:,.1f}" in latest
    assert f'href="/p/{site.org}/{GB}/v/1"' in latest  # the latest links to earlier versions
    assert f"{v1['page']['total_kg_co2e']:,.1f}" in old  # the old evidence, as issued
    assert 'id="newer-version"' in old
    assert f'href="/p/{site.org}/{GB}"' in old
    # the configuration page lists both versions with their public pages
    html = owner.get(f"{form}?lang=en").text
    assert 'id="issued-versions"' in html
    assert f"/p/{site.org}/{GB}/v/2" in html
    # the audit log names who issued it
    log = owner.get(f"/api/v1/orgs/{site.org}/audit").json()
    issued = [e for e in log if e["action"] == "products.claim_issue"]
    assert [e["actor"] for e in issued] == [site.owner]
    assert issued[0]["after"]["version"] == 2


def test_a_claim_that_no_longer_holds_is_not_reissued(
    site: Site, owner: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _later_gb_edition(monkeypatch, 1.25)  # a larger footprint: the credits no longer cover it
    r = owner.post(f"{API.format(org=site.org)}/claim/issue")
    assert r.status_code == 409
    assert "does not hold" in r.json()["error"]["message"]
    folder = site.root / "orgs" / site.org / "products" / "issued"
    assert len(list(folder.glob("*.json"))) == 1


def test_an_edited_record_is_not_shown(site: Site, owner: TestClient) -> None:
    folder = site.root / "orgs" / site.org / "products" / "issued"
    (path,) = folder.glob("*.json")
    path.write_bytes(path.read_bytes().replace(b'"version":1', b'"version":1 '))
    with TestClient(owner.app, follow_redirects=False) as anon:
        assert anon.get(f"/p/{site.org}/{GB}").status_code == 404
