"""Schemathesis fuzzes every operation of the OpenAPI document (decision 0038; the fuzz itself
and its bounds are in ``tests/fuzzkit.py``): this module is part 0 of :data:`fuzzkit.PARTS`
(``test_api_fuzz_part<k>.py`` are the others), and checks that every method a path does not
declare is answered 405.
"""

from __future__ import annotations

import re
from typing import Any

from fuzzkit import API, METHODS, fuzz_part, fuzz_server
from serverkit import Server

__all__ = ["fuzz_server"]  # the fixture, used by the tests below


def test_the_api_keeps_its_contract(fuzz_server: dict[str, Any], db_url: str) -> None:
    fuzz_part(fuzz_server, db_url, 0)


class _Params(dict[str, Any]):
    """Path parameters; any other is ``1`` (an id: the 405 comes before the lookup)."""

    def __missing__(self, key: str) -> Any:
        return 1


def _other_route(doc: dict[str, Any], path: str, url: str, method: str) -> bool:
    """True when another path of the document declares ``method`` and matches ``url`` (e.g.
    ``GET /auth/invitations/{token}`` for ``/auth/invitations/accept``): that route answers."""
    for other, item in doc["paths"].items():
        template = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(other))
        if other != path and method.lower() in item and re.fullmatch(template, url):
            return True
    return False


def test_undeclared_methods_answer_405(fuzz_server: dict[str, Any]) -> None:
    """Every path answers a method it does not declare with 405 and an ``Allow`` header."""
    srv: Server = fuzz_server["srv"]
    doc = srv.client.get(f"{API}/openapi.json").json()
    auth = {"Authorization": f"Bearer {fuzz_server['token']}"}
    wrong: list[str] = []
    for path, item in doc["paths"].items():
        url = path.format_map(_Params(
            org="acme", token_id=fuzz_server["decoy"], snapshot_id=fuzz_server["snapshot"],
            batch_id=fuzz_server["batch"], fiscal_year="FY2024-25", product="LB14-G5",
            config="i7-32-1t-GB", invitation_id=1, token="x" * 43,  # decision 0034
        ))  # fmt: skip
        declared = {m.upper() for m in item}
        for method in METHODS:
            if method in declared or _other_route(doc, path, url, method):
                continue
            r = srv.client.request(method, url, headers=auth)
            if r.status_code != 405 or "allow" not in r.headers:
                wrong.append(f"{method} {path} → {r.status_code} {r.text[:100]}")
    assert not wrong, "\n".join(wrong)
