"""A client of any PACT host (WBCSD PACT Technical Specifications for PCF Data Exchange v2 / v3,
decision 0068): authenticate with OAuth 2.0 client credentials, list every footprint page by
page, get one footprint.

- **Authenticate** (RFC 6749 §4.4): the token endpoint is the one the host's
  ``/.well-known/openid-configuration`` names, else ``<host>/auth/token``; the client id and
  secret go in HTTP Basic (§2.3.1, form-urlencoded first), the body is
  ``grant_type=client_credentials``.
- **ListFootprints**: ``GET <host>/<v>/footprints?limit=…``, then every ``Link: <…>;
  rel="next"`` URL (RFC 8288) until there is none. A next link to another origin than the
  host's is refused (the token would be sent elsewhere). A ``TokenExpired`` answer (401) makes
  the client authenticate once more and repeat the request.

Network only at the caller's request (``lingtan pact pull``); ``transport`` lets a test hand
in an in-process transport.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

#: most pages followed (a host that links forever is cut off)
MAX_PAGES = 10_000


class PactClientError(Exception):
    """A PACT host refused or answered what the specification does not allow: ``code`` is the
    host's PACT error code (or ``invalid_client``, ``BadResponse``, ``Network``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


@dataclass
class PactClient:
    """A PACT host at ``base_url`` (its root: ``https://host/pact`` serves
    ``https://host/pact/2/footprints``), spoken to in API ``version`` 2 or 3."""

    base_url: str
    client_id: str
    client_secret: str
    version: int = 2
    timeout_s: float = 30.0
    transport: httpx.BaseTransport | None = None
    _token: str | None = field(default=None, init=False, repr=False)
    _http: httpx.Client | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.version not in (2, 3):
            raise ValueError("PACT API version: 2 or 3")
        self.base_url = self.base_url.rstrip("/")

    # -- plumbing --------------------------------------------------------------------------------

    def http(self) -> httpx.Client:
        """The HTTP client (made on first use; closed by :meth:`close`)."""
        if self._http is None:
            self._http = httpx.Client(
                timeout=self.timeout_s, transport=self.transport, follow_redirects=False
            )
        return self._http

    def close(self) -> None:
        """Close the connections."""
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> PactClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _send(self, method: str, url: str, **kw: Any) -> httpx.Response:
        try:
            return self.http().request(method, url, **kw)
        except httpx.HTTPError as exc:
            raise PactClientError("Network", f"{method} {url}: {exc}") from None

    # -- Authenticate ----------------------------------------------------------------------------

    def token_endpoint(self) -> str:
        """The token endpoint: the discovery document's ``token_endpoint`` when the host has
        one (on the host's own origin), else ``<host>/auth/token``."""
        fallback = f"{self.base_url}/auth/token"
        r = self._send("GET", f"{self.base_url}/.well-known/openid-configuration")
        if r.status_code != 200:
            return fallback
        try:
            found = r.json().get("token_endpoint")
        except (ValueError, AttributeError):
            return fallback
        if isinstance(found, str) and _origin(found) == _origin(self.base_url):
            return found
        return fallback

    def authenticate(self) -> str:
        """A new access token (kept for the next requests).

        Raises:
            PactClientError: ``invalid_client`` (wrong id or secret), ``BadResponse``.
        """
        # RFC 6749 §2.3.1: id and secret form-urlencoded, then Basic
        auth = httpx.BasicAuth(quote(self.client_id, safe=""), quote(self.client_secret, safe=""))
        r = self._send(
            "POST",
            self.token_endpoint(),
            data={"grant_type": "client_credentials"},
            auth=auth,
            headers={"Accept": "application/json"},
        )
        try:
            doc = r.json()
        except ValueError:
            doc = {}
        if r.status_code != 200:
            error = doc.get("error", "invalid_client") if isinstance(doc, dict) else "error"
            raise PactClientError(str(error), f"authentication refused ({r.status_code})")
        token = doc.get("access_token") if isinstance(doc, dict) else None
        if not isinstance(token, str) or not token:
            raise PactClientError("BadResponse", "the token answer has no access_token")
        self._token = token
        return token

    def _get(self, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """GET with the bearer token; once more after authenticating again on TokenExpired."""
        if self._token is None:
            self.authenticate()
        for attempt in (1, 2):
            r = self._send(
                "GET", url, params=params, headers={"Authorization": f"Bearer {self._token}"}
            )
            if r.status_code == 401 and attempt == 1:
                self.authenticate()
                continue
            return r
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _raise(r: httpx.Response) -> None:
        try:
            doc = r.json()
        except ValueError:
            doc = None
        if isinstance(doc, dict) and isinstance(doc.get("code"), str):
            raise PactClientError(doc["code"], str(doc.get("message", "")))
        raise PactClientError("BadResponse", f"HTTP {r.status_code}")

    # -- ListFootprints, GetFootprint -------------------------------------------------------------

    def footprints(self, limit: int | None = 100) -> list[dict[str, Any]]:
        """Every footprint the host lists for this client, following the ``Link`` pages.

        Raises:
            PactClientError: the host's error code, or ``BadResponse`` (no ``data`` list, a
                next link to another origin, too many pages).
        """
        url = f"{self.base_url}/{self.version}/footprints"
        params: dict[str, Any] | None = {"limit": limit} if limit else None
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            r = self._get(url, params)
            if r.status_code not in (200, 202):
                self._raise(r)
            try:
                data = r.json().get("data")
            except (ValueError, AttributeError):
                data = None
            if not isinstance(data, list):
                raise PactClientError("BadResponse", "ListFootprints answer without a data list")
            out += [d for d in data if isinstance(d, dict)]
            nxt = r.links.get("next", {}).get("url")
            if not nxt:
                return out
            if _origin(nxt) != _origin(self.base_url):
                raise PactClientError("BadResponse", f"next page on another origin: {nxt}")
            if nxt in seen:
                raise PactClientError("BadResponse", f"the pages loop back to {nxt}")
            seen.add(nxt)
            url, params = nxt, None
        raise PactClientError("BadResponse", f"more than {MAX_PAGES} pages")

    def footprint(self, footprint_id: str) -> dict[str, Any]:
        """One footprint (GetFootprint).

        Raises:
            PactClientError: the host's error code (NoSuchFootprint / NotFound …).
        """
        r = self._get(f"{self.base_url}/{self.version}/footprints/{quote(footprint_id, safe='')}")
        if r.status_code != 200:
            self._raise(r)
        data = r.json().get("data")
        if not isinstance(data, dict):
            raise PactClientError("BadResponse", "GetFootprint answer without a data object")
        return data
