"""Issue 15, "Done when" 1, as a user meets it: on a fresh demo (``lingtan demo``, then what
``lingtan serve --demo`` does before it serves), the supplier coverage page shows the five
figures of the source report (lines 2202–2213) computed from the supplier records, and one
supplier revising its answer through its own form, accepted by the buyer on the requests page,
changes them (decision 0069).

Hand check of the change: the revised supplier (``sup-144``) buys s CNY of the year's
20,750,000,000 CNY; its new answer is verified, has a public target and tracks renewables, so
those three figures become 91/100 + s/D, 95/100 + s/D and 94/100 + s/D; the SBT and RE-target
figures stay 21/50 and 19/25.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from fractions import Fraction

import pytest

from demokit import BuiltDemo, copy_demo
from lingtan.adapters.demo import synthetic_suppliers as sd

with warnings.catch_warnings():  # starlette prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.stores(
    "sqlite",
    reason="the demo as `make demo` builds it (each folder's own SQLite file and a SQLite "
    "server database); the same services on PostgreSQL: test_supplier_demo_loaded",
)

ORG = "synthetic"
TOTAL_CNY = 20_750_000_000
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def _csrf(client: TestClient, page: str) -> str:
    m = _CSRF.search(client.get(page, follow_redirects=True).text)
    assert m, page
    return m.group(1)


@pytest.fixture(scope="module")
def client(
    tmp_path_factory: pytest.TempPathFactory,
    built_demo: Callable[[str], BuiltDemo],
    workspace_store: str,
) -> Iterator[TestClient]:
    """The session's ``lingtan demo`` on SQLite, copied (a supplier writes an answer here;
    tests/conftest.py), then what ``lingtan serve --demo`` does before it serves."""
    from lingtan.adapters.server import serve
    from lingtan.adapters.server.app import create_app
    from lingtan.adapters.services.settings import ServerSettings

    folder = copy_demo(built_demo(workspace_store), tmp_path_factory.mktemp("demo") / "demo")
    url = f"sqlite:///{folder / 'lingtan-server.db'}"
    email, password, _slugs = serve.prepare_demo(folder, url)
    settings = ServerSettings(
        database_url=url, data_dir=folder, workers=1, secret="test-secret",
        base_url="http://testserver", poll_interval_s=0.05,
    )  # fmt: skip
    with TestClient(create_app(settings), follow_redirects=False) as c:
        token = _csrf(c, "/login")
        r = c.post("/login", data={"email": email, "password": password, "next": "/",
                                   "csrf_token": token})  # fmt: skip
        assert r.status_code == 303, r.text
        yield c


def _tiles(client: TestClient) -> dict[str, str]:
    html = client.get(f"/o/{ORG}/suppliers/coverage?fy=FY2023/24&lang=en").text
    return dict(re.findall(r'id="tile-(\w+)".*?data-fraction="([^"]*)"', html, re.S))


def _fraction(x: Fraction) -> str:
    return f"{x.numerator}/{x.denominator}"


def test_coverage_page_shows_the_report_and_moves_with_one_answer(client: TestClient) -> None:
    assert _tiles(client) == {
        "sbt_committed_or_set": "21/50",  # 42 %
        "verified": "91/100",
        "public_target": "19/20",  # 95 %
        "re_tracking": "47/50",  # 94 %
        "re_target": "19/25",  # 76 %
    }
    # the buyer issues the answer links of the campaign's open requests
    requests = f"/o/{ORG}/suppliers/requests?lang=en"
    html = client.get(requests).text
    campaign = re.search(rf"/o/{ORG}/suppliers/requests/(\d+)/tokens", html)
    assert campaign
    r = client.post(f"/o/{ORG}/suppliers/requests/{campaign.group(1)}/tokens",
                    data={"csrf_token": _csrf(client, requests)})  # fmt: skip
    assert r.status_code == 200
    link = re.search(rf"<td>{sd.PENDING}</td><td class=\"mono\"><a href=\"[^\"]*"
                     r"/supplier-answer/([^\"]+)\"", r.text)  # fmt: skip
    assert link, "no answer link for the pending supplier"
    # the supplier revises its answer through its form
    form = f"/supplier-answer/{link.group(1)}"
    answer = {
        "csrf_token": _csrf(client, form), "reporting_period": "FY2023/24",
        "scope1_t": "410", "scope2_location_t": "1250", "scope2_market_t": "1100",
        "verified": "yes", "verification_standard": "ISO 14064-3",
        "public_target_type": "absolute", "public_target_base_year": "2022",
        "public_target_target_year": "2030", "public_target_reduction_pct": "30",
        "sbti_status": "none", "re_tracking": "yes", "re_share_pct": "12",
    }  # fmt: skip
    r = client.post(form, data=answer)
    assert r.status_code == 200, r.text
    assert _tiles(client)["verified"] == "91/100"  # not accepted yet: nothing moves
    # the buyer accepts it on the requests page (the one answer waiting for a decision)
    html = client.get(requests).text
    (accept,) = re.findall(rf"/o/{ORG}/suppliers/requests/responses/(\d+)/accept", html)
    decide = {"csrf_token": _csrf(client, requests), "campaign": campaign.group(1)}
    r = client.post(f"/o/{ORG}/suppliers/requests/responses/{accept}/accept", data=decide)
    assert r.status_code == 303
    share = Fraction(sd.supplier_demo().supplier(sd.PENDING).spend_cny, TOTAL_CNY)
    assert share > 0
    assert _tiles(client) == {
        "sbt_committed_or_set": "21/50",
        "verified": _fraction(Fraction(91, 100) + share),
        "public_target": _fraction(Fraction(95, 100) + share),
        "re_tracking": _fraction(Fraction(94, 100) + share),
        "re_target": "19/25",
    }
