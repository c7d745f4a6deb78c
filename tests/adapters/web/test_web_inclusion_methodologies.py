"""The methodology-pack pages (decision 0087): the list with labels (official, lingtan
conservative) and confidence in zh-CN and en, a pack's parameters with citations, the simulate
form showing the arithmetic, refusals shown with the reason in the user's language, loading an
own pack version; a viewer simulates but gets 403 on loading, another organisation's member
404."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from webkit import create_site_app, csrf_token, login

Site = Any  # tests/adapters/web/conftest.py: Site


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("inclusion-meth"))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        yield c


def _base(site: Site) -> str:
    return f"/o/{site.org}/inclusion/methodologies"


def post(client: TestClient, url: str, lang: str = "en", files: Any = None, **data: str) -> Any:
    token = csrf_token(client, "/")
    return client.post(f"{url}?lang={lang}", data={**data, "csrf_token": token}, files=files)


def test_list_and_pack_pages(client: TestClient, site: Site) -> None:
    r = client.get(f"{_base(site)}?lang=zh-CN")
    assert r.status_code == 200, r.text
    html = unescape(r.text)
    assert "方法学包" in html
    assert "官方" in html
    assert "lingtan 保守取值" in html
    assert 'aria-current="page"' in html  # the sub-menu marks methodologies
    assert "shenzhen.public-transport" in html
    r = client.get(f"{_base(site)}/shenzhen.public-transport?lang=en")
    assert r.status_code == 200
    html = unescape(r.text)
    assert "r.metro" in html
    assert "46.7" in html
    assert "citysz.net" in html
    assert "single source" in html
    r = client.get(f"{_base(site)}/lingtan.travel?lang=en")
    assert "0.02860 / 0.17700 = 0.1616" in unescape(r.text)  # a derivation shown
    assert client.get(f"{_base(site)}/nope").status_code == 404


def test_simulate_shows_the_arithmetic(client: TestClient, site: Site) -> None:
    r = post(client, f"{_base(site)}/simulate", "en", action="travel.metro", quantity="10",
             region="CN-GD/Shenzhen", occurred_at="2024-05-06")  # fmt: skip
    assert r.status_code == 200, r.text
    html = unescape(r.text)
    assert "0.4670 kg CO2e" in html
    assert "ER = 0.0467 × 10 = 0.467" in html
    r = post(client, f"{_base(site)}/simulate", "zh-CN", action="purchase.carbon_neutral_pc",
             quantity="1")  # fmt: skip
    assert "仅计参与积分" in unescape(r.text)
    r = post(client, f"{_base(site)}/simulate", "zh-CN", action="travel.walk", quantity="10",
             duration_min="20")  # fmt: skip
    assert r.status_code == 422
    assert "不合理" in unescape(r.text)
    assert "duration_min" in r.text


def test_load_and_access(client: TestClient, site: Site) -> None:
    bad = ("bad.yaml", b"id: x\nformula: travel.net_factor\nlabel: official\n", "text/yaml")
    r = post(client, f"{_base(site)}/load", "en", files={"file": bad})
    assert r.status_code == 422
    assert "bad.yaml" in r.text
    assert "actions" in r.text
    own = (
        "id: acme.recycling\ntitle: Ours\npublisher: Acme\nregion: CN\nversion: '1'\n"
        "valid_from: 2024-01-01\nformula: recycling.avoided\nlabel: illustrative\n"
        "actions: [recycle.phone]\ncitation: ours\nlicence: ours\ndouble_counting: none\n"
        "parameters:\n"
        "  transport: {value: 0, unit: kgCO2e, source: s, citation: c, confidence: assumption}\n"
    )  # fmt: skip
    r = post(client, f"{_base(site)}/load", "en", files={"file": ("own.yaml", own.encode(),
                                                                  "text/yaml")})  # fmt: skip
    assert r.status_code == 303, r.text
    assert r.headers["location"].endswith("/acme.recycling?version=1")
    with TestClient(create_site_app(site), follow_redirects=False) as viewer:
        login(viewer, site.viewer)
        assert viewer.get(_base(site)).status_code == 200
        r = post(viewer, f"{_base(site)}/load", "en", files={"file": ("own.yaml", own.encode(),
                                                                      "text/yaml")})  # fmt: skip
        assert r.status_code == 403
        r = post(viewer, f"{_base(site)}/simulate", "en", action="office.esign", quantity="10")
        assert r.status_code == 200
        login(viewer, site.outsider)
        assert viewer.get(_base(site)).status_code == 404
