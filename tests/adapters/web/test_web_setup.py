"""Setting up an organisation from the web app (decision 0056): entities, sites, exchange rates
and own factor sets through their forms (CSRF, validation beside the field in zh-CN and en,
audit entries naming the user), and error pages that keep the navigation."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from sqlalchemy import create_engine, select
from webkit import create_site_app, csrf_token, login

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.store.audit import AuditEntry

Site = Any  # tests/adapters/web/conftest.py: Site
EN, ZH = Translator("en"), Translator("zh-CN")


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("setup"))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        yield c


def post(client: TestClient, url: str, lang: str = "en", **data: str) -> Any:
    """POST a page form with the session's CSRF token, in ``lang``."""
    token = csrf_token(client, "/")
    return client.post(f"{url}?lang={lang}", data={**data, "csrf_token": token})


def audit_entries(site: Site, action_prefix: str) -> list[AuditEntry]:
    engine = create_engine(site.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(AuditEntry.actor, AuditEntry.action, AuditEntry.target, AuditEntry.after)
                .where(AuditEntry.action.startswith(action_prefix))
                .order_by(AuditEntry.id)
            )
            return list(rows)  # type: ignore[arg-type]
    finally:
        engine.dispose()


def workspace_yaml(site: Site) -> dict[str, Any]:
    return yaml.safe_load((site.root / "orgs" / site.org / "lingtan.yaml").read_text("utf-8"))


def row_ids(page: str, kind: str) -> dict[str, str]:
    """Code → store id of the rows of the boundary page's ``kind`` table (their edit links)."""
    return dict(
        re.findall(
            rf'<tr><td>([A-Z-]+)</td>[^\n]*\n\s*<td><a href="/o/\w+/setup/{kind}/(\d+)"', page
        )
    )


def has_nav(html: str, org: str | None) -> bool:
    """The page has the layout's top bar with the user's menu (and ``org``'s menu)."""
    if 'class="topbar"' not in html or "/logout" not in html:
        return False
    return org is None or f'href="/o/{org}/dashboard"' in html


def test_entity_add_edit_remove_through_forms_audited(client: TestClient, site: Site) -> None:
    login(client, site.owner)
    url = f"/o/{site.org}/setup/entities/new"
    assert 'id="entity-form"' in client.get(url).text
    r = post(client, url, code="DEG-NEW", name="New Co., Ltd.", ownership_pct="60",
             operational_control="on", parent_code="DEG-TJ", country="cn")  # fmt: skip
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/o/{site.org}/sites?done=entity_added"
    page = client.get(r.headers["location"] + "&lang=en").text
    assert EN("setup.done.entity_added") in page
    assert "New Co., Ltd." in page
    # the synthetic workspace has calculated years: the page says they need recalculating
    assert EN("setup.recalc", years="FY2022/23, FY2023/24") in page
    ent = next(e for e in workspace_yaml(site)["entities"] if e["id"] == "DEG-NEW")
    assert ent == {
        "id": "DEG-NEW", "name": "New Co., Ltd.", "ownership_pct": 60.0,
        "operational_control": True, "financial_control": False, "parent": "DEG-TJ",
        "country": "CN",
    }  # fmt: skip
    ids = row_ids(page, "entities")
    new_id = ids["DEG-NEW"]
    assert (
        'value="DEG-NEW" maxlength="60" readonly'
        in client.get(f"/o/{site.org}/setup/entities/{new_id}").text
    )
    r = post(client, f"/o/{site.org}/setup/entities/{new_id}", name="Renamed Co.",
             ownership_pct="75,5", financial_control="on", parent_code="",
             country="CN")  # fmt: skip
    assert r.status_code == 303, r.text
    ent = next(e for e in workspace_yaml(site)["entities"] if e["id"] == "DEG-NEW")
    assert (ent["name"], ent["ownership_pct"], ent["parent"]) == ("Renamed Co.", 75.5, None)
    assert (ent["operational_control"], ent["financial_control"]) == (False, True)
    r = post(client, f"/o/{site.org}/setup/entities/{new_id}/delete")
    assert r.status_code == 303
    assert all(e["id"] != "DEG-NEW" for e in workspace_yaml(site)["entities"])
    entries = [e for e in audit_entries(site, "entity") if "DEG-NEW" in str(e.after or e.target)]
    assert entries, "the entity's changes are audited"
    assert {e.actor for e in audit_entries(site, "entity")[-3:]} == {site.owner}


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_entity_form_shows_the_reason_beside_the_field(
    client: TestClient, site: Site, lang: str
) -> None:
    t = Translator(lang)
    login(client, site.owner)
    url = f"/o/{site.org}/setup/entities/new"
    r = post(client, url, lang, code="BAD-PCT", name="X", ownership_pct="150", country="CN")
    assert r.status_code == 422
    assert (
        f'<span class="error field-error" id="ownership_pct-error">{t("setup.err.ownership")}'
        in r.text
    )
    assert 'value="150"' in r.text
    assert has_nav(r.text, site.org)
    r = post(client, url, lang, code="DEG-TJ", name="Dup", ownership_pct="100")
    assert r.status_code == 422
    assert t("setup.err.duplicate", value="DEG-TJ") in unescape(r.text)
    r = post(client, url, lang, code="BAD-CTRY", name="X", ownership_pct="100", country="XX")
    assert 'id="country-error"' in r.text
    assert "DEG-BAD" not in str(workspace_yaml(site)["entities"])


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_site_form_checks_entity_and_region(client: TestClient, site: Site, lang: str) -> None:
    t = Translator(lang)
    login(client, site.owner)
    url = f"/o/{site.org}/setup/sites/new"
    r = post(client, url, lang, code="NEW-SITE", name="N", entity_code="NOPE", region="CN-TJ")
    assert r.status_code == 422
    assert t("setup.err.unknown_entity", value="NOPE") in unescape(r.text)
    r = post(client, url, lang, code="NEW-SITE", name="N", entity_code="DEG-TJ", region="CN-XX")
    assert r.status_code == 422
    assert 'id="region-error"' in r.text
    assert t("setup.err.region", value="CN-XX") in unescape(r.text)
    assert "NEW-SITE" not in str(workspace_yaml(site)["sites"])


def test_site_add_edit_and_removal_refused_while_rows_name_it(
    client: TestClient, site: Site
) -> None:
    login(client, site.owner)
    r = post(client, f"/o/{site.org}/setup/sites/new", code="GZ-DC", name="Guangzhou DC",
             entity_code="DEG-SZ", region="cn-gd", kind="data_centre")  # fmt: skip
    assert r.status_code == 303, r.text
    got = next(s for s in workspace_yaml(site)["sites"] if s["id"] == "GZ-DC")
    assert got == {"id": "GZ-DC", "name": "Guangzhou DC", "entity": "DEG-SZ", "region": "CN-GD",
                   "kind": "data_centre"}  # fmt: skip
    page = client.get(f"/o/{site.org}/sites?lang=en").text
    ids = row_ids(page, "sites")
    r = post(client, f"/o/{site.org}/setup/sites/{ids['GZ-DC']}", name="Guangzhou data centre",
             entity_code="DEG-SZ", region="US-EGRID-CAMX", kind="data_centre")  # fmt: skip
    assert r.status_code == 303  # a grid region of the factor library is a region too
    got = next(s for s in workspace_yaml(site)["sites"] if s["id"] == "GZ-DC")
    assert (got["name"], got["region"]) == ("Guangzhou data centre", "US-EGRID-CAMX")
    assert post(client, f"/o/{site.org}/setup/sites/{ids['GZ-DC']}/delete").status_code == 303
    # TJ-FACTORY has imported rows: removing it is refused, naming the batches
    r = post(client, f"/o/{site.org}/setup/sites/{ids['TJ-FACTORY']}/delete", "zh-CN")
    assert r.status_code == 409
    assert has_nav(r.text, site.org)
    assert "场所 TJ-FACTORY 仍被已导入的数据使用" in r.text
    assert ".csv (" in r.text
    assert any(s["id"] == "TJ-FACTORY" for s in workspace_yaml(site)["sites"])
    actors = {e.actor for e in audit_entries(site, "site")}
    assert actors == {site.owner} or site.owner in actors


def test_exchange_rates_set_replace_remove_audited(client: TestClient, site: Site) -> None:
    login(client, site.owner)
    url = f"/o/{site.org}/setup/rates"
    fx = site.root / "orgs" / site.org / "reference" / "fx_rates.csv"
    r = post(client, url, currency="eur", year="2031", per_usd="0,92", source="ECB annual 2031")
    assert r.status_code == 303, r.text
    assert "2031,EUR,0.92,ECB annual 2031" in fx.read_text("utf-8")
    r = post(client, url, currency="EUR", year="2031", per_usd="0.95", source="corrected")
    assert r.status_code == 303
    text = fx.read_text("utf-8")
    assert "2031,EUR,0.95,corrected" in text
    assert "0.92" not in text
    page = client.get(f"/o/{site.org}/setup?done=rate_saved&lang=zh-CN").text
    assert ZH("setup.done.rate_saved") in page
    assert "corrected" in page
    entries = audit_entries(site, "exchange_rate")
    assert [(e.actor, e.action, e.target) for e in entries[-2:]] == [
        (site.owner, "exchange_rate.set", "reference/fx_rates.csv:EUR/2031"),
        (site.owner, "exchange_rate.set", "reference/fx_rates.csv:EUR/2031"),
    ]
    assert entries[-1].after["per_usd"] == 0.95
    r = post(client, f"{url}/delete", currency="EUR", year="2031")
    assert r.status_code == 303
    assert "2031,EUR" not in fx.read_text("utf-8")
    assert audit_entries(site, "exchange_rate")[-1].action == "exchange_rate.delete"


@pytest.mark.parametrize(
    ("fields", "field", "key"),
    [
        ({"currency": "XYZ", "year": "2023", "per_usd": "1", "source": "s"}, "currency",
         "setup.err.currency"),
        ({"currency": "CNY", "year": "23", "per_usd": "7", "source": "s"}, "year",
         "setup.err.year"),
        ({"currency": "CNY", "year": "2023", "per_usd": "-7", "source": "s"}, "per_usd",
         "setup.err.rate"),
        ({"currency": "CNY", "year": "2023", "per_usd": "7", "source": " "}, "source",
         "setup.err.source"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_rate_form_errors(
    client: TestClient, site: Site, fields: dict[str, str], field: str, key: str, lang: str
) -> None:
    login(client, site.owner)
    r = post(client, f"/o/{site.org}/setup/rates", lang, **fields)
    assert r.status_code == 422
    m = re.search(rf'id="{field}-error">([^<]*)<', r.text)
    assert m, r.text
    assert unescape(m.group(1)) == Translator(lang)(key, value=fields["currency"].upper())


FACTOR_CSV = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,valid_to,gwp_set,publisher,dataset,"
    "edition,table,version,price_year,description\n"
    "supplier-x/steel/CN/2024,purchased.steel,CN,t,CO2e,1850,2024-01-01,,AR5,Supplier X,"
    "EPD 2024,2024,,1,,Steel coil per t (EPD)\n"
)


def test_own_factor_set_upload_replace_remove(client: TestClient, site: Site) -> None:
    login(client, site.owner)
    url = f"/o/{site.org}/setup/factor-sets"
    token = csrf_token(client, "/")

    def upload(name: str, data: str, lang: str = "en") -> Any:
        return client.post(f"{url}?lang={lang}", data={"csrf_token": token},
                           files={"file": (name, data.encode(), "text/csv")})  # fmt: skip

    r = upload("supplier-x.csv", FACTOR_CSV)
    assert r.status_code == 303, r.text
    folder = site.root / "orgs" / site.org / "factors"
    assert (folder / "supplier-x.csv").read_text("utf-8") == FACTOR_CSV
    page = client.get(f"/o/{site.org}/setup").text
    assert "supplier-x" in page
    assert "Supplier X" in page
    r = upload("supplier-x.csv", FACTOR_CSV.replace(",1850,", ",abc,"), "zh-CN")
    assert r.status_code == 422
    assert 'id="file-error"' in r.text
    assert "因子文件未被接受" in r.text
    assert "supplier-x.csv" in r.text
    assert (folder / "supplier-x.csv").read_text("utf-8") == FACTOR_CSV  # unchanged
    r = post(client, f"{url}/demo-company/delete", "en")
    assert r.status_code == 409
    assert "demo-company" in r.text
    r = post(client, f"{url}/supplier-x/delete")
    assert r.status_code == 303
    assert not (folder / "supplier-x.csv").exists()
    assert "supplier-x" not in client.get(f"/o/{site.org}/setup").text
    acts = [(e.actor, e.action) for e in audit_entries(site, "factor_set")]
    assert (site.owner, "factor_set.delete") in acts or any(a == site.owner for a, _ in acts)


def test_viewer_sees_no_forms_and_gets_a_403_page_with_navigation(
    client: TestClient, site: Site
) -> None:
    login(client, site.viewer)
    page = client.get(f"/o/{site.org}/setup").text
    assert 'id="rate-form"' not in page
    assert 'id="factor-set-form"' not in page
    assert 'id="add-site"' not in client.get(f"/o/{site.org}/sites").text
    r = client.get(f"/o/{site.org}/setup/entities/new?lang=zh-CN")
    assert r.status_code == 403
    assert has_nav(r.text, site.org)
    assert ZH("error.forbidden_text") in r.text
    r = post(client, f"/o/{site.org}/setup/rates", currency="CNY", year="2023", per_usd="7",
             source="s")  # fmt: skip
    assert r.status_code == 403
    assert has_nav(r.text, site.org)


def test_error_pages_keep_the_navigation(client: TestClient, site: Site) -> None:
    login(client, site.owner)
    r = client.get(f"/o/{site.org}/no-such-page?lang=en")  # no route: 404 page of the org
    assert r.status_code == 404
    assert "text/html" in r.headers["content-type"]
    assert has_nav(r.text, site.org)
    assert EN("error.not_found_text") in r.text
    assert 'aria-current="true">English' in r.text or 'lang="en"' in r.text
    r = client.get("/no-such-page?lang=zh-CN")
    assert r.status_code == 404
    assert has_nav(r.text, None)
    assert ZH("error.not_found") in r.text
    r = client.get(f"/o/{site.org}/setup/sites/999999")  # a service's 404 on an org page
    assert r.status_code == 404
    assert has_nav(r.text, site.org)
    r = client.get(f"/o/{site.org}/setup/entities/not-a-number")  # unusable path: 400 page
    assert r.status_code in (400, 404)
    assert has_nav(r.text, site.org)
    r = client.post(f"/o/{site.org}/setup/rates", data={"currency": "CNY"})  # no CSRF token
    assert r.status_code == 403
    assert has_nav(r.text, site.org)
    assert EN("error.csrf") in r.text or ZH("error.csrf") in r.text
    r = client.get(f"/o/{site.other_org}/dashboard")  # not a member: no other org's menu
    assert r.status_code == 404
    assert f'href="/o/{site.other_org}/dashboard"' not in r.text
    assert has_nav(r.text, None)
    r = client.get("/api/v1/no-such-route")  # the API keeps its JSON errors
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")


def test_plan_button_without_a_plan_shows_the_plan_page(client: TestClient, site: Site) -> None:
    login(client, site.outsider)  # organisation "other": no targets file, no plan
    token = csrf_token(client, f"/o/{site.other_org}/targets/plan")
    r = client.post(f"/o/{site.other_org}/targets/plan?lang=en", data={"csrf_token": token})
    assert r.status_code == 422
    assert has_nav(r.text, site.other_org)
    assert 'id="plan-error"' in r.text
    assert EN("plan.title") in r.text
