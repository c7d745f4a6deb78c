"""The inventory page ends with the table "Emissions by greenhouse gas (ISO 14064-1 §9.3.1)",
biogenic CO2 on its own line outside the scopes, in English and Chinese. Hand calculation:
tests/biogenickit.py (Scope 1: CO2 2.0 t, CH4 0.0028 t CO2e, N2O 0.0053 t CO2e; biogenic
0.5 t CO2)."""

from __future__ import annotations

import html as htmllib
import json
import re
import warnings
from collections.abc import Iterator

import pytest
from webkit import login

from biogenickit import ORG, OWNER, bio_server_app
from lingtan.adapters.i18n.messages import CATALOGUE_DIR

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = bio_server_app(tmp_path_factory.mktemp("web-gases"))
    with TestClient(app, follow_redirects=False) as c:
        login(c, OWNER)
        yield c


def _table(html: str) -> dict[str, list[str]]:
    table = html[html.index('id="table-kyoto-gas"') :]
    table = table[: table.index("</table>")]
    rows = {}
    for key, body in re.findall(r'<tr class="[^"]*" data-gas="([^"]+)">(.*?)</tr>', table, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        rows[key] = [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
    return rows


@pytest.mark.parametrize(
    ("lang", "title", "biogenic", "unit"),
    [
        ("en", "Emissions by greenhouse gas (ISO 14064-1 §9.3.1)",
         "Biogenic CO₂, outside of scopes", "t CO₂"),
        ("zh-CN", "按温室气体种类的排放（ISO 14064-1 §9.3.1）",
         "生物源二氧化碳（不计入各范围）", "吨 CO₂"),
    ],
)  # fmt: skip
def test_inventory_page_shows_the_gas_table(
    client: TestClient, lang: str, title: str, biogenic: str, unit: str
) -> None:
    html = client.get(f"/o/{ORG}/inventory/FY2023-24", params={"lang": lang}).text
    assert title in html
    rows = _table(html)
    nb = "\u00a0"
    t = "t" if lang == "en" else "吨"
    te = f"t{nb}CO2e" if lang == "en" else f"吨{nb}CO₂e"  # the catalogue's unit.tco2e
    assert rows["CO2"][1] == f"2.000{nb}{te} (2.000000{nb}{t})"  # Scope 1: t CO2e (t of gas)
    assert rows["CH4"][1].startswith(f"0.003{nb}{te} (0.000100")
    assert rows["total"][1] == f"2.008{nb}{te}"
    assert rows["biogenic"][0] == biogenic
    assert rows["biogenic"][1] == f"0.500{nb}{unit}"  # Scope 1
    assert rows["biogenic"][4] == f"0.000{nb}{unit}"  # Scope 3: none


def test_gas_catalogues_have_the_same_keys() -> None:
    en = json.loads((CATALOGUE_DIR / "gases.en.json").read_text(encoding="utf-8"))
    zh = json.loads((CATALOGUE_DIR / "gases.zh-CN.json").read_text(encoding="utf-8"))
    assert set(en) == set(zh)
