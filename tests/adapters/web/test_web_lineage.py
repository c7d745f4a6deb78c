"""The lineage page (one line per activity row, by file name and spreadsheet row, paged, sorted,
CSV/XLSX downloads) and the inventory page's downloads and names (decision 0057), on the
hand-checked workspace of tests/lineagekit.py served as organisation ``lineage``."""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from webkit import create_site_app, login

from lineagekit import CO2E_KG, PER_UNIT, ROWS, build_lineage_workspace
from lingtan.adapters.i18n.messages import Translator

ORG = "lineage"
OWNER = "owner@lingtan.invalid"


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory, password: str, workspace_store: str
) -> Iterator[TestClient]:
    from lingtan.adapters.store.bootstrap import adopt_workspace, create_user
    from lingtan.adapters.store.db import make_engine, migrate
    from lingtan.adapters.store.scoping import system_session

    root = tmp_path_factory.mktemp("lineage-site")
    build_lineage_workspace(root / "orgs" / ORG)
    url = f"sqlite:///{root / 'server.db'}"
    engine = make_engine(url)
    migrate(engine)
    with system_session(engine, actor="tests") as db:
        adopt_workspace(db, root / "orgs" / ORG, slug=ORG)
    with system_session(engine, actor="tests") as db:
        create_user(db, OWNER, password, "Owner", memberships={ORG: "owner"})
    engine.dispose()
    site = SimpleNamespace(root=root, database_url=url)
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, OWNER, password)
        yield c


def lineage_url(client: TestClient) -> str:
    html = client.get(f"/o/{ORG}/inventory/FY2023-24").text
    m = re.search(rf'href="(/o/{ORG}/lineage/[0-9a-f]+\?scope=1&amp;basis=market)"', html)
    assert m, "the inventory page links Scope 1 to its lineage"
    return m.group(1).replace("&amp;", "&")


def test_lineage_page_lists_file_rows_with_kg_per_unit(client: TestClient) -> None:
    r = client.get(lineage_url(client) + "&lang=en")
    assert r.status_code == 200, r.text[:500]
    lines = re.findall(r'<tr class="activity-row" data-row="(\d+)"><td>([^<]+)</td>', r.text)
    assert [(int(n), cell) for n, cell in lines] == [
        (2, "fuel.csv, Row 2"),
        (3, "fuel.csv, Row 3"),
        (4, "fuel.csv, Row 4"),
    ]
    per_unit = re.findall(r'<td class="num per-unit">([^<]+)</td>', r.text)
    assert per_unit == ["2.0545"] * 3  # 2.0 + 0.001 × 28 + 0.0001 × 265 kg CO2e / L
    assert "3 activity rows (9 emission lines by gas) · page 1 of 1" in r.text
    assert "✓ equal" in r.text
    assert "100 × 2.0545 = 205.45" in r.text  # the folded row's arithmetic
    assert r.text.count('<details class="gases">') == 3  # gases on demand, per row
    assert "CH4: 0.1 kg of gas = 2.8 kg CO2e" in r.text


def test_lineage_page_sorts_by_co2e(client: TestClient) -> None:
    r = client.get(lineage_url(client) + "&sort=co2e_desc&lang=en")
    rows = [int(n) for n in re.findall(r'class="activity-row" data-row="(\d+)"', r.text)]
    assert rows == sorted(ROWS, key=lambda n: -CO2E_KG[n])  # 3, 2, 4
    r = client.get(lineage_url(client) + "&sort=co2e_asc&lang=en")
    assert re.findall(r'class="activity-row" data-row="(\d+)"', r.text)[0] == "4"


def test_api_lineage_pages_and_counts(client: TestClient) -> None:
    snap = lineage_url(client).removeprefix(f"/o/{ORG}/lineage/").split("?")[0]
    url = f"/api/v1/orgs/{ORG}/snapshots/{snap}/lineage"
    got = client.get(url, params={"scope": 1, "page_size": 2})
    assert got.status_code == 200, got.text
    first = got.json()
    assert (first["total_rows"], first["pages"], first["page"]) == (3, 2, 1)
    assert [(r["file"], r["row"]) for r in first["rows"]] == [("fuel.csv", 2), ("fuel.csv", 3)]
    second = client.get(url, params={"scope": 1, "page_size": 2, "page": 2}).json()
    assert [r["row"] for r in second["rows"]] == [4]
    assert second["rows"][0]["co2e_kg"] == pytest.approx(CO2E_KG[4])
    assert second["rows"][0]["kg_co2e_per_unit"] == pytest.approx(PER_UNIT)
    assert client.get(url, params={"page": 3, "page_size": 2}).json()["rows"] == []


def test_lineage_csv_download_has_every_row(client: TestClient) -> None:
    page = client.get(lineage_url(client) + "&lang=en").text
    m = re.search(r'href="([^"]+)" id="lineage-csv"', page)
    assert m
    r = client.get(m.group(1).replace("&amp;", "&"))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(x["File"], int(x["Row in file"])) for x in rows] == [("fuel.csv", n) for n in ROWS]
    for x in rows:
        n = int(x["Row in file"])
        assert float(x["Quantity"]) == ROWS[n]
        assert float(x["kg CO2e per unit"]) == pytest.approx(PER_UNIT)
        assert float(x["kg CO2e"]) == pytest.approx(CO2E_KG[n])
        assert x["kg CO2e by gas"].startswith("CH4=")


def test_lineage_csv_headers_follow_the_language(client: TestClient) -> None:
    url = lineage_url(client).replace("?", "/download?", 1) + "&format=csv&lang=zh-CN"
    head = client.get(url).content.decode("utf-8-sig").splitlines()[0]
    assert head.startswith("文件,文件行号,场所,日期")


def test_inventory_page_shows_site_names_and_downloads(client: TestClient) -> None:
    t = Translator("en")
    html = client.get(f"/o/{ORG}/inventory/FY2023-24?lang=en").text
    site_table = html.split('id="table-site"')[1].split("</table>")[0]
    assert "Headquarters" in site_table  # the name, the code as secondary text
    assert 'title="Code HQ"' in site_table
    entity_table = html.split('id="table-entity"')[1].split("</table>")[0]
    assert "Lineage Co" in entity_table  # the entity MAIN's name
    assert t("lineage.inv.download_csv") in html
    csv_url = f"/o/{ORG}/inventory/FY2023-24/download?format=csv"
    assert csv_url in html.replace("&amp;", "&")
    r = client.get(csv_url)
    rows = list(csv.DictReader(io.StringIO(r.text)))
    scope1 = next(x for x in rows if x["section"] == "total" and x["key"] == "scope1")
    assert float(scope1["share_pct"]) == 100.0


def test_inventory_xlsx_download_is_the_reviewer_workbook(
    client: TestClient, tmp_path: Path
) -> None:
    t = Translator("zh-CN")
    r = client.get(f"/o/{ORG}/inventory/FY2023-24/download?format=xlsx&lang=zh-CN")
    assert r.status_code == 200
    path = tmp_path / "inv.xlsx"
    path.write_bytes(r.content)
    book = load_workbook(path)
    assert t("lineage.xlsx.sheet.lineage") in book.sheetnames
    rows: list[Any] = list(book[t("lineage.xlsx.sheet.activity_rows")].iter_rows(values_only=True))
    assert rows[0][0] == "文件"
    assert sorted(r[1] for r in rows[1:]) == sorted(ROWS)
    assert {r[3] for r in rows[1:]} == {"Headquarters"}  # site names from the organisation
    api = client.get(f"/api/v1/orgs/{ORG}/inventories/FY2023-24/download?format=xlsx&lang=en")
    path.write_bytes(api.content)
    assert load_workbook(path).sheetnames[0] == "Summary"


def test_supplier_and_product_tables_only_when_the_inventory_has_them() -> None:
    from lingtan.adapters.web.pages.inventory import describe, dimension_rows

    inv = {"by_supplier_tco2e": {"unattributed": 9.0, "S-A": 7.0, "S-B": 3.0}}
    rows = dimension_rows(inv)
    assert list(rows) == ["supplier"]  # no by_product_tco2e: no product table
    assert [(k, f.value, dict(f.selection)) for k, f in rows["supplier"]] == [
        ("S-A", 7.0, {"supplier": "S-A"}),
        ("S-B", 3.0, {"supplier": "S-B"}),
        ("unattributed", 9.0, {"supplier": "unattributed"}),  # last, whatever its size
    ]
    assert dimension_rows({}) == {}
    t = Translator("zh-CN")
    assert describe({"supplier": "unattributed"}, "market", t) == "供应商 未注明 (基于市场)"
