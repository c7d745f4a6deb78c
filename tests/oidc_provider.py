"""A minimal OpenID Connect provider for the tests, served by uvicorn in a thread on a free
loopback port (no mock: the server talks HTTP to it as to a real provider).

It has discovery, ``/authorize`` (approves :attr:`Provider.subject` at once and sends the
browser back with ``code`` and ``state``), ``/token`` (client_secret_basic, PKCE S256 checked,
codes single-use; answers an RS256 ID token signed with a key made at start) and ``/jwks``.
:attr:`Provider.misbehave` makes the next tokens wrong: ``aud``, ``nonce``, ``key`` (signed by
another key under the same ``kid``), ``expired``, ``iss``, ``none`` (alg ``none``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "lingtan-test"
CLIENT_SECRET = "s3cret-never-shown-Zq9"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Provider:
    """The provider's state; change :attr:`subject` and :attr:`misbehave` between sign-ins."""

    issuer: str = ""
    subject: str = "alice-at-idp"
    #: the ``email`` claim (an existing lingtan account's: it must never be matched on)
    email: str = "a@acme.example"
    misbehave: str | None = None
    key: Any = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    other_key: Any = field(
        default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"})
    )
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: int = 0

    def id_token(self, grant: dict[str, str]) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": grant["sub"],
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            "email": self.email,
            "email_verified": True,
        }
        key = self.key
        m = self.misbehave
        if m == "aud":
            claims["aud"] = "another-client"
        elif m == "nonce":
            claims["nonce"] = "not-the-nonce"
        elif m == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        elif m == "iss":
            claims["iss"] = self.issuer + "/other"
        elif m == "key":
            key = self.other_key
        if m == "none":
            header = _b64(json.dumps({"alg": "none"}).encode())
            return f"{header}.{_b64(json.dumps(claims).encode())}."
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def rotate(self) -> None:
        """A new signing key under a new ``kid`` (the JWKS serves only the new one)."""
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(4)})

    # -- endpoints ------------------------------------------------------------------------

    async def discovery(self, _request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        ok = (
            q.get("response_type") == "code"
            and q.get("client_id") == CLIENT_ID
            and "openid" in q.get("scope", "").split()
            and q.get("code_challenge_method") == "S256"
            and q.get("code_challenge")
            and q.get("nonce")
            and q.get("state")
        )
        if not ok:
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "sub": self.subject,
            "nonce": q["nonce"],
            "challenge": q["code_challenge"],
            "redirect_uri": q["redirect_uri"],
        }
        sep = "&" if "?" in q["redirect_uri"] else "?"
        target = q["redirect_uri"] + sep + urlencode({"code": code, "state": q["state"]})
        return RedirectResponse(target, status_code=302)

    async def token(self, request: Request) -> Response:
        self.token_requests += 1
        form = await request.form()
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Basic "):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        if (unquote(user), unquote(password)) != (CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.codes.pop(str(form.get("code", "")), None)  # single use
        if grant is None or form.get("grant_type") != "authorization_code":
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        verifier = str(form.get("code_verifier", ""))
        if _b64(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
            return JSONResponse({"error": "invalid_grant", "why": "pkce"}, status_code=400)
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token(grant),
            }
        )

    async def jwks(self, _request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})


class RunningProvider:
    """:class:`Provider` served on 127.0.0.1 in a thread (a context manager)."""

    def __init__(self) -> None:
        self.provider = Provider()
        app = Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.provider.discovery),
                Route("/authorize", self.provider.authorize),
                Route("/token", self.provider.token, methods=["POST"]),
                Route("/jwks", self.provider.jwks),
            ]
        )
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        port = self._sock.getsockname()[1]
        self.provider.issuer = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", http="h11", ws="none", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def __enter__(self) -> Provider:
        self._thread.start()
        for _ in range(500):
            if self._server.started:
                return self.provider
            time.sleep(0.01)
        raise RuntimeError("the test OpenID provider did not start")

    def __exit__(self, *_exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
