"""The mapping page (issue 13 item 2, decision 0051): an upload whose header names no template's
columns leads to a page where the user picks the template and, for each template column, a
column of the file or a value for every row; a preview shows what the first rows become; the
mapping is saved under a name, the file imported through it, and the saved mapping is offered
for (and imports) the next export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from webkit import TestClient, create_site_app, csrf_token, login

from lingtan.adapters.i18n.messages import catalogue
from lingtan.adapters.server.worker import run_pending

Site = Any  # tests/adapters/web/conftest.py: Site
HX = {"HX-Request": "true"}


@pytest.fixture
def client(
    site_factory: Callable[[Path], Site], tmp_path: Path
) -> Iterator[tuple[TestClient, Site]]:
    site = site_factory(tmp_path)
    with TestClient(create_site_app(site, workers=0), follow_redirects=False) as c:
        login(c, site.owner)
        yield c, site


def _site_id(site: Site) -> str:
    """A site of the organisation's boundary (the first row of its fuel file names one)."""
    path = site.root / "orgs" / site.org / "activity" / "fy2023-24" / "fuel.csv"
    return next(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))["site"]


def _export(site_id: str) -> bytes:
    """An ERP export: a title row, German column names, ';' and decimal commas, a fuel code."""
    return (
        "MB51 Warenbewegungen\n"
        "Werk;Buchungsdatum;Material;Menge;Bemerkung\n"
        f"{site_id};01.06.2023;DSL;1.234,5;Tank A\n"
        f"{site_id};02.06.2023;XYZ;10;Tank B\n"
        f"NOWHERE;03.06.2023;DSL;7;Tank C\n"
    ).encode()


def _upload(c: TestClient, site: Site, name: str, data: bytes, **form: str) -> Any:
    page = f"/o/{site.org}/imports"
    return c.post(page, data={"csrf_token": csrf_token(c, page), **form},
                  files={"file": (name, data, "text/csv")})  # fmt: skip


def _form(c: TestClient, site: Site, **extra: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_token(c, f"/o/{site.org}/imports"),
        "template": "fuel",
        "template_was": "fuel",
        "src.site": "Werk",
        "src.date": "Buchungsdatum",
        "src.fuel": "Material",
        "src.quantity": "Menge",
        "src.unit": "=",
        "const.unit": "L",
        "values.fuel": "DSL=diesel",
        **extra,
    }


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_an_unknown_header_leads_to_the_mapping_page(
    client: tuple[TestClient, Site], lang: str
) -> None:
    c, site = client
    r = _upload(c, site, "mb51.csv", _export(_site_id(site)))
    assert r.status_code == 303
    url = r.headers["location"]
    assert re.fullmatch(rf"/o/{site.org}/imports/map/[0-9a-f]{{32}}", url)
    page = c.get(f"{url}?lang={lang}")
    assert page.status_code == 200
    t = catalogue(lang)
    assert str(escape(t["mapping.title"])) in page.text
    assert "<th>Buchungsdatum</th>" in page.text  # the header below the title row
    # choosing the template preselects nothing here (no column is named like the template's)
    r = c.post(url, data={"csrf_token": csrf_token(c, url), "template": "fuel",
                          "template_was": "", "action": "preview"})  # fmt: skip
    assert r.status_code == 200
    assert 'name="src.quantity"' in r.text
    # HTMX uploads are redirected by a header
    r = c.post(f"/o/{site.org}/imports", headers=HX,
               data={"csrf_token": csrf_token(c, f"/o/{site.org}/imports")},
               files={"file": ("mb51.csv", _export(_site_id(site)), "text/csv")})  # fmt: skip
    assert r.headers["HX-Redirect"].startswith(f"/o/{site.org}/imports/map/")


def test_preview_shows_what_each_row_becomes_and_why_rows_fail(
    client: tuple[TestClient, Site],
) -> None:
    c, site = client
    url = _upload(c, site, "mb51.csv", _export(_site_id(site))).headers["location"]
    r = c.post(f"{url}?lang=en", data=_form(c, site, action="preview"))
    assert r.status_code == 200, r.text
    counts = re.search(r'<p id="preview-counts">(.*?)</p>', r.text, re.S)
    assert counts
    expected = catalogue("en")["imports.result"].format(read=3, accepted=1, rejected=2)
    assert counts.group(1) == expected
    rows = re.findall(r"<tr><td class=\"num\">(\d+)</td>(.*?)</tr>", r.text, re.S)
    assert [n for n, _ in rows] == ["3", "4", "5"]  # the spreadsheet's row numbers
    assert "fuel.diesel" in rows[0][1]
    assert "1234.5" in rows[0][1]
    assert "✗ Material" in rows[1][1]  # the user's own column name
    assert "✗ Werk" in rows[2][1]


def test_an_invalid_mapping_is_explained(client: tuple[TestClient, Site]) -> None:
    c, site = client
    url = _upload(c, site, "mb51.csv", _export(_site_id(site))).headers["location"]
    form = _form(c, site, action="import")
    form["src.date"] = "Werk"  # two template columns from one file column
    form["src.site"] = ""
    form["src.fuel"] = ""  # a required column left unmapped
    r = c.post(f"{url}?lang=en", data=form)
    assert r.status_code == 200
    problems = re.search(r'<div class="card error" id="map-problems".*?</div>', r.text, re.S)
    assert problems
    assert "fuel" in problems.group(0)


def test_save_import_and_reuse(client: tuple[TestClient, Site]) -> None:
    c, site = client
    sid = _site_id(site)
    url = _upload(c, site, "mb51.csv", _export(sid)).headers["location"]
    r = c.post(url, data=_form(c, site, action="import", name="sap_mb51"))
    assert r.status_code == 303
    assert re.fullmatch(rf"/o/{site.org}/jobs/\d+", r.headers["location"])
    assert run_pending(c.app.state.engine) == 1
    batches = c.get(f"/api/v1/orgs/{site.org}/imports").json()
    mine = next(b for b in batches if b["file_name"] == "mb51.csv")
    assert (mine["template"], mine["rows_read"], mine["rows_accepted"]) == ("fuel", 3, 1)
    saved = site.root / "orgs" / site.org / "mappings" / "sap_mb51.toml"
    assert saved.is_file()
    # the next export: the saved mapping is offered, and chosen on upload it imports directly
    page = c.get(f"/o/{site.org}/imports").text
    assert '<option value="sap_mb51">' in page
    nxt = _export(sid).replace(b"1.234,5", b"2.000,25").replace(b";10;", b";11;")
    r = _upload(c, site, "mb51_july.csv", nxt, mapping="sap_mb51")
    assert r.status_code == 303
    assert "/jobs/" in r.headers["location"]
    assert run_pending(c.app.state.engine) == 1
    batches = c.get(f"/api/v1/orgs/{site.org}/imports").json()
    july = next(b for b in batches if b["file_name"] == "mb51_july.csv")
    assert july["rows_accepted"] == 1
    # and a third upload without choosing: the mapping page offers the saved mapping
    url = _upload(c, site, "mb51_aug.csv", nxt.replace(b"2.000,25", b"3,5")).headers["location"]
    assert "sap_mb51" in c.get(url).text


def test_upload_form_offers_encoding_and_locale(client: tuple[TestClient, Site]) -> None:
    c, site = client
    page = c.get(f"/o/{site.org}/imports?lang=zh-CN").text
    assert 'name="encoding"' in page
    assert '<option value="cp1252">' in page
    assert 'name="locale"' in page
    assert '<option value="de-DE">' in page
    assert catalogue("zh-CN")["mapping.detect"] in page


def test_template_download_names_a_site_of_the_organisation(
    client: tuple[TestClient, Site],
) -> None:
    c, site = client
    r = c.get(f"/o/{site.org}/imports/templates/fuel.csv")
    assert r.status_code == 200
    example_site = r.content.decode("utf-8-sig").splitlines()[1].split(",")[0]
    config = (site.root / "orgs" / site.org / "lingtan.yaml").read_text(encoding="utf-8")
    assert example_site not in ("*", "TJ01")
    assert re.search(rf"- id: {re.escape(example_site)}\b", config)


def test_a_chosen_template_is_preselected_on_the_mapping_page(
    client: tuple[TestClient, Site],
) -> None:
    c, site = client
    r = _upload(c, site, "mb51.csv", _export(_site_id(site)), template="fuel")
    assert r.status_code == 303
    assert r.headers["location"].endswith("?template=fuel")
    page = c.get(r.headers["location"]).text
    assert '<option value="fuel" selected>' in page
    assert 'name="src.quantity"' in page
