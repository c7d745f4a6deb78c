"""The targets pages (issue 5 in the web app): the targets file saved through the edit form, the
dashboard's pathway figures and charts, the SBTi clauses, the MACC's bars and the plan's
waterfall — hand-checked (docs/targets.md), in both languages.

The organisation is the synthetic demo (inventories FY2022/23 and FY2023/24 calculated); the
targets file gives FY2018/19 and FY2023/24 itself (the file's emissions win), so FY2022/23 comes
from the organisation's inventory.

- S12, Scope 1+2, base FY2018/19 = 6,000 + 26,000 = 32,000 t, −50 % by FY2029/30 → 16,000 t.
  FY2023/24 is 5 of 11 years: P = 32,000 · (1 − 0.5 · 5/11) = 24,727 t; actual 4,969 + 17,997 =
  22,966 t (−28.23 %); gap 22,966 − 24,727.27 = −1,761 t → on track.
- LT −80 % long-term: SBTi LT-AMBITION fails (long-term ≥ 90 %).
- MACC FY2024/25 at 8 %: EFF −81.94 /t over 0 → 50 t/yr; GREEN 100,000/8,000 = 12.50 /t over
  50 → 8,050 t/yr.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from webkit import TestClient, create_site_app, csrf_token, login

from lingtan.adapters.i18n.messages import Translator

Site = Any  # tests/adapters/web/conftest.py: Site

#: the hand-checked targets file of the server tests (its comments give the arithmetic)
TARGETS_YAML = (Path(__file__).parents[1] / "api" / "targets_s12.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def client(
    site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Site]]:
    site = site_factory(tmp_path_factory.mktemp("targets"))
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        page = f"/o/{site.org}/targets/edit"
        r = c.post(page, data={"content": TARGETS_YAML, "csrf_token": csrf_token(c, page)})
        assert (r.status_code, r.headers["location"]) == (303, f"/o/{site.org}/targets")
        yield c, site


def _chart(html: str, chart_id: str) -> dict[str, Any]:
    m = re.search(rf'<script type="application/json" id="{chart_id}">(.*?)</script>', html, re.S)
    assert m, chart_id
    return dict(json.loads(m.group(1)))


def test_dashboard_shows_pathway_status_and_gap(client: tuple[TestClient, Site]) -> None:
    c, site = client
    html = c.get(f"/o/{site.org}/targets?lang=en").text
    card = html[html.index('id="target-S12"') : html.index('id="target-LT"')]
    assert 'data-status="on_track"' in card
    assert re.search(r'data-testid="pathway">24,727 t CO2e<', card)  # 32,000·(1 − 0.5·5/11)
    assert re.search(r'data-testid="actual">22,966 t CO2e \(−28\.23', card)
    assert "-1,761\u00a0t\u00a0CO2e (ahead)" in card  # 22,966 − 24,727.27
    assert "32,000 t CO2e" in card
    assert "16,000 t CO2e" in card
    opt = _chart(html, "chart-target-S12")
    years = opt["xAxis"]["data"]
    pathway, actual = (s["data"] for s in opt["series"])
    i = years.index("FY2023/24")
    assert pathway[i] == pytest.approx(32_000 * (1 - 0.5 * 5 / 11))
    assert actual[i] == pytest.approx(22_966)
    assert actual[years.index("FY2020/21")] is None  # no data: a gap, never zero
    assert actual[years.index("FY2022/23")] > 0  # from the organisation's own inventory
    assert opt["series"][0]["markLine"]["data"] == [{"yAxis": 16_000}]


def test_sbti_failure_names_its_clause(client: tuple[TestClient, Site]) -> None:
    c, site = client
    html = c.get(f"/o/{site.org}/targets?lang=en").text
    table = html[html.index('id="sbti"') :]
    row = next(r for r in table.split("<tr")[1:] if "LT-AMBITION" in r)
    assert "verdict-fail" in row
    assert "Net-Zero Standard v1.2, long-term targets: ambition" in row
    assert "1 criteria failed" in html or "criteria failed" in html


def test_pages_render_in_both_languages(client: tuple[TestClient, Site]) -> None:
    c, site = client
    for lang in ("zh-CN", "en"):
        t = Translator(lang)
        for page in ("targets", "targets/macc", "targets/plan", "targets/edit"):
            r = c.get(f"/o/{site.org}/{page}?lang={lang}")
            assert r.status_code == 200, (page, r.text[:300])
            assert t("nav.targets") in r.text
        zh = c.get(f"/o/{site.org}/targets?lang=zh-CN").text
        assert "按计划进行" in zh
        assert "不符合" in zh


def test_macc_bar_widths_are_abatement_and_heights_cost(client: tuple[TestClient, Site]) -> None:
    c, site = client
    html = c.get(f"/o/{site.org}/targets/macc?fy=FY2024/25&lang=en").text
    opt = _chart(html, "chart-macc")
    series = opt["series"][0]
    assert (series["type"], series["renderItem"]) == ("custom", "macc")
    bars = [d["value"] for d in series["data"]]
    assert [b[4] for b in bars] == ["EFF", "GREEN"]  # cheapest first
    eff, green = bars
    assert (eff[0], eff[1]) == (0, 50)  # width = 50 t CO2e/yr
    assert eff[2] == pytest.approx(-81.94, abs=0.005)  # EAC −4,097.05 / 50 t
    assert (green[0], green[1]) == (50, 8_050)  # width = 8,000 t CO2e/yr
    assert green[2] == pytest.approx(12.5)  # 100,000 / 8,000
    assert 'data-unit="CNY/t CO2e"' in html
    assert re.search(r'<tr data-project="EFF">.*?-81\.94</td>', html, re.S)


def test_plan_page_computes_and_explains(client: tuple[TestClient, Site]) -> None:
    c, site = client
    page = f"/o/{site.org}/targets/plan"
    assert 'id="no-plan"' in c.get(page).text
    r = c.post(page, data={"csrf_token": csrf_token(c, page)})
    assert (r.status_code, r.headers["location"]) == (303, page)
    html = c.get(page + "?lang=en").text
    assert re.search(r'data-project="EFF" data-chosen="yes"', html)
    assert re.search(r'data-project="GREEN" data-chosen="yes"', html)
    # cost: −4,097.05 · Σ_{k=0..5} 1.08^−k + 100,000 · 1.08^−5 = 47,603 CNY (present value)
    assert re.search(r'id="plan-cost">47,603<', html)
    fall = _chart(html, "chart-waterfall")
    labels = fall["yAxis"]["data"]
    base, bars = fall["series"][0]["data"], fall["series"][1]["data"]
    # start FY2023/24 = 22,966 (+ Scope 3 90,000 = 112,966 t); EFF −50 and GREEN −8,000 float
    assert labels[0].startswith("actual FY2023/24")
    assert bars[0]["value"] == pytest.approx(112_966)
    steps = dict(zip(labels, zip(base, (b["value"] for b in bars), strict=True), strict=True))
    assert labels[2:4] == ["Green electricity contract", "Efficiency retrofit"]  # largest cut first
    assert steps["Green electricity contract"] == pytest.approx((112_966 - 8_000, 8_000))
    assert steps["Efficiency retrofit"] == pytest.approx((112_966 - 8_050, 50))
    assert labels[-1] == "net FY2029/30"
    assert bars[-1]["value"] == pytest.approx(112_966 - 8_050)
    stacked = _chart(html, "chart-stacked")
    assert stacked["xAxis"]["data"][-1] == "FY2029/30"
    # the audit log records who computed the plan
    assert "targets.plan" in c.get(f"/o/{site.org}/audit").text


def test_an_invalid_file_is_shown_again_with_its_field(client: tuple[TestClient, Site]) -> None:
    c, site = client
    page = f"/o/{site.org}/targets/edit"
    bad = TARGETS_YAML.replace("reduction_pct: 50", "reduction_pct: fifty")
    r = c.post(page + "?lang=en", data={"content": bad, "csrf_token": csrf_token(c, page)})
    assert r.status_code == 422
    assert "<code>targets[0].reduction_pct</code>" in r.text
    assert "fifty" in r.text  # the text stays in the box to be fixed
    assert (site.root / "orgs" / site.org / "targets.yaml").read_text() == TARGETS_YAML


def test_viewer_reads_targets_but_cannot_edit(client: tuple[TestClient, Site]) -> None:
    c, site = client
    viewer = TestClient(c.app, follow_redirects=False)
    login(viewer, site.viewer)
    html = viewer.get(f"/o/{site.org}/targets").text
    assert 'id="target-S12"' in html
    assert "/targets/edit" not in html
    assert viewer.get(f"/o/{site.org}/targets/edit").status_code == 403
    token = csrf_token(viewer, f"/o/{site.org}/targets")
    r = viewer.post(
        f"/o/{site.org}/targets/edit", data={"content": "organisation: x\n", "csrf_token": token}
    )
    assert r.status_code == 403
    assert viewer.post(f"/o/{site.org}/targets/plan", data={"csrf_token": token}).status_code == 403
    outsider = TestClient(c.app, follow_redirects=False)
    login(outsider, site.outsider)
    for page in ("targets", "targets/macc", "targets/plan"):
        assert outsider.get(f"/o/{site.org}/{page}").status_code == 404
