"""OpenID Connect sign-in for organisations that have an identity provider (decision 0040).

The flow is the authorization-code flow with PKCE of OpenID Connect Core 1.0 §3.1, for a
confidential client (RFC 9700, the OAuth 2.0 Security Best Current Practice):

1. :func:`begin_login` — the provider's discovery document (cached per process for
   :data:`DISCOVERY_TTL_S`) gives its endpoints; a random ``state``, ``nonce`` and PKCE verifier
   (S256) are kept server-side (:mod:`lingtan.adapters.store.federation`) with the sha256 of a
   random browser-binding secret that the page sets in a short-lived cookie; the browser goes
   to the provider's authorization endpoint.
2. :func:`finish_login` — the state is taken (deleted: single use) and must match the browser
   binding; the code is exchanged at the token endpoint (``client_secret_basic`` unless the
   provider only offers ``client_secret_post``); the ID token is verified against the
   provider's JWKS (signature with an asymmetric algorithm, ``iss``, ``aud``/``azp``, ``exp``,
   ``iat``, ``nonce``: OIDC Core §3.1.3.7); the pair (issuer, subject) names a linked user.

**An identity is never matched by e-mail address.** A provider is run by one organisation's
administrators: if its assertion of ``x@example.com`` opened the lingtan account
``x@example.com``, they could take over a person who is also a member of another organisation
(issue 11). A link is made only by the account's owner, signed in, through
``?link=1`` (:func:`begin_login` with ``link_user``), while a member of the organisation; an
unlinked identity is refused (:class:`SignInRefusedError`).

Requirements: ASVS 4.0.3 V2.1 (password not the only way in, but never weakened by it), V3.2.1
(a new session at sign-in), V3.5.3 (tokens verified: signature, issuer, audience, expiry),
V5.1.5 (redirects only to local paths), V12.6.1 / V13.1.5 (outbound requests only to the
configured provider, never to private addresses unless allowed).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from authlib.oauth2.rfc6749.parameters import prepare_grant_uri  # type: ignore[import-untyped]
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import TenantContext
from lingtan.adapters.services.errors import ServiceError, conflict, not_found
from lingtan.adapters.services.settings import ServerSettings
from lingtan.adapters.store import audit, federation
from lingtan.adapters.store.models import utcnow
from lingtan.adapters.store.scoping import ACTOR_KEY, set_tenant
from lingtan.adapters.store.tenancy import User, membership, organisation_by_slug

#: how long a provider's discovery document and keys are kept [s]
DISCOVERY_TTL_S = 300.0
#: timeout of every request to a provider [s]
HTTP_TIMEOUT_S = 5.0
#: largest answer read from a provider [bytes]
MAX_RESPONSE_BYTES = 512 * 1024
#: clock skew allowed on ``exp`` and ``iat`` [s]
LEEWAY_S = 60
#: an ID token issued longer ago than this is refused [s]
MAX_TOKEN_AGE_S = 600
#: signature algorithms accepted for ID tokens (asymmetric only: never ``none`` nor HMAC)
SIGNING_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA")
#: set to 1 to allow an issuer on a loopback or private address (tests, a provider on the LAN)
PRIVATE_ISSUERS_ENV = "LINGTAN_OIDC_PRIVATE_ISSUERS"
CALLBACK_PATH = "/auth/oidc/callback"
#: the cookie binding a started sign-in to the browser that started it
BROWSER_COOKIE = "lingtan_oidc"


class SignInRefusedError(Exception):
    """A sign-in through a provider that did not succeed; ``reason`` is one of
    ``expired`` (unknown, used or expired state), ``browser`` (another browser's state, or
    the linking account is not the signed-in one), ``provider`` (no provider, or it failed or
    sent an invalid token), ``unlinked`` (identity linked to no account), ``not_member`` (the
    account is not a member of the provider's organisation), ``taken`` (the identity is linked
    to another account). The message (English, for the log) never holds a secret."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


# -- provider settings (the organisation's managers) --------------------------------------------


@dataclass(frozen=True)
class ProviderView:
    """What the API shows of a provider (never the secret)."""

    issuer: str
    client_id: str
    display_name: str
    redirect_uri: str
    login_url: str
    linked_identities: int


def _private_allowed() -> bool:
    return os.environ.get(PRIVATE_ISSUERS_ENV, "") == "1"


def check_url(url: str, *, field: str = "issuer") -> str:
    """``url`` when it may be a provider address: ``https`` (``http`` only on a loopback host),
    no user info, query or fragment; its host must not resolve to a loopback, private,
    link-local or reserved address unless :data:`PRIVATE_ISSUERS_ENV` allows it (no
    server-side request forgery into the server's network: ASVS V12.6.1).

    Raises:
        ServiceError: 409 naming ``field`` (the request was well-formed; the server's policy
            refuses the address).
    """
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError as exc:
        raise conflict(f"{field} is not a valid URL", field) from exc
    loopback = host in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise conflict(f"{field} must be an https URL", field)
    if not host or parts.username or parts.password or parts.query or parts.fragment:
        raise conflict(f"{field} must be a plain URL (no user, query or fragment)", field)
    if not _private_allowed():
        try:
            infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError, ValueError) as exc:
            raise conflict(f"{field}: host {host} does not resolve", field) from exc
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            if not ip.is_global:
                raise conflict(f"{field}: host {host} is on a non-public address", field)
    return url


def redirect_uri(settings: ServerSettings) -> str:
    """The callback address registered at the provider (``LINGTAN_BASE_URL`` + path)."""
    return settings.base_url.rstrip("/") + CALLBACK_PATH


def view(db: Session, tenant: TenantContext) -> ProviderView:
    """The organisation's provider.

    Raises:
        ServiceError: 404 when it has none.
    """
    idp = federation.provider(db)
    if idp is None:
        raise not_found("identity provider")
    return _view(db, tenant, idp)


def _view(db: Session, tenant: TenantContext, idp: federation.IdentityProvider) -> ProviderView:
    from sqlalchemy import func, select

    n = db.scalar(select(func.count()).select_from(federation.ExternalIdentity)) or 0
    base = tenant.settings.base_url.rstrip("/")
    return ProviderView(
        issuer=idp.issuer,
        client_id=idp.client_id,
        display_name=idp.display_name,
        redirect_uri=redirect_uri(tenant.settings),
        login_url=f"{base}/auth/oidc/{tenant.slug}/login",
        linked_identities=int(n),
    )


def save_provider(
    db: Session,
    tenant: TenantContext,
    *,
    issuer: str,
    client_id: str,
    client_secret: str | None,
    display_name: str,
) -> ProviderView:
    """Create or replace the organisation's provider (``client_secret`` None keeps the stored
    one); the issuer's discovery document is not fetched here (the provider may be set up
    later). A new issuer unlinks every identity of the old one.

    Raises:
        ServiceError: 409 an issuer the policy refuses (:func:`check_url`), or no secret for a new
            provider.
    """
    issuer = check_url(issuer.strip())  # kept as given: ``iss`` must match it exactly
    try:
        idp = federation.save_provider(
            db,
            issuer=issuer,
            client_id=client_id.strip(),
            client_secret=client_secret,
            display_name=display_name.strip(),
        )
    except ValueError as exc:
        raise conflict(str(exc), "client_secret") from exc
    _forget(issuer)
    return _view(db, tenant, idp)


def delete_provider(db: Session) -> None:
    """Remove the organisation's provider and its linked identities.

    Raises:
        ServiceError: 404 when it has none.
    """
    if not federation.delete_provider(db):
        raise not_found("identity provider")


# -- talking to the provider --------------------------------------------------------------------

_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_cache_lock = threading.Lock()


def _forget(issuer: str) -> None:
    with _cache_lock:
        for key in [k for k in _cache if k.startswith(issuer)]:
            del _cache[key]


def _get_json(url: str, **kw: Any) -> dict[str, Any]:
    """A JSON object from a provider (bounded in time and size, no redirects followed)."""
    try:
        check_url(url, field="url")
    except ServiceError as exc:
        raise SignInRefusedError("provider", f"{url}: {exc.message}") from exc
    import httpx  # imported by a sign-in only: a server without OIDC never needs it (issue 14)

    method = "POST" if "data" in kw else "GET"
    headers = {"Accept": "application/json"}
    try:
        with (
            httpx.Client(timeout=HTTP_TIMEOUT_S, follow_redirects=False) as client,
            client.stream(method, url, headers=headers, **kw) as r,
        ):
            body = b""
            for chunk in r.iter_bytes():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise SignInRefusedError("provider", f"{url}: answer too large")
            status = r.status_code
    except httpx.HTTPError as exc:
        raise SignInRefusedError("provider", f"{url}: {type(exc).__name__}") from exc
    if status != 200:
        raise SignInRefusedError("provider", f"{url}: HTTP {status}")
    try:
        doc = httpx.Response(200, content=body).json()
    except ValueError as exc:
        raise SignInRefusedError("provider", f"{url}: not JSON") from exc
    if not isinstance(doc, dict):
        raise SignInRefusedError("provider", f"{url}: not a JSON object")
    return doc


def _cached(key: str, fetch: Any, *, refresh: bool = False) -> dict[str, Any]:
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] > now and not refresh:
        return hit[1]
    doc: dict[str, Any] = fetch()
    with _cache_lock:
        _cache[key] = (now + DISCOVERY_TTL_S, doc)
    return doc


def discovery(issuer: str) -> dict[str, Any]:
    """The provider's discovery document (OpenID Connect Discovery 1.0 §4), cached; its
    ``issuer`` must be the configured one exactly (§4.3) and its endpoints valid URLs.

    Raises:
        SignInRefusedError: ``provider``.
    """

    def fetch() -> dict[str, Any]:
        doc = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        if doc.get("issuer") != issuer:
            raise SignInRefusedError("provider", "discovery: issuer does not match")
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            value = doc.get(key)
            if not isinstance(value, str):
                raise SignInRefusedError("provider", f"discovery: no {key}")
            try:
                check_url(value, field=key)
            except ServiceError as exc:
                raise SignInRefusedError("provider", f"discovery: {exc.message}") from exc
        return doc

    return _cached(f"{issuer}#discovery", fetch)


def _keys(issuer: str, jwks_uri: str, *, refresh: bool = False) -> KeySet:
    doc = _cached(f"{issuer}#jwks", lambda: _get_json(jwks_uri), refresh=refresh)
    try:
        return KeySet.import_key_set(doc)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise SignInRefusedError("provider", "jwks: not a key set") from exc


# -- the sign-in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartedLogin:
    """Where to send the browser, and the secret to keep in its binding cookie."""

    authorization_url: str
    browser_secret: str


def begin_login(
    db: Session,
    settings: ServerSettings,
    slug: str,
    *,
    next_url: str,
    link_user: User | None = None,
) -> StartedLogin:
    """Start a sign-in (or, with ``link_user``, the linking of that signed-in user's identity)
    at organisation ``slug``'s provider.

    Raises:
        SignInRefusedError: ``provider`` (no such organisation or provider, or the provider
            cannot be reached), ``not_member`` (``link_user`` is not a member).
    """
    org = organisation_by_slug(db, slug)
    idp = federation.provider_of(db, org.id) if org is not None else None
    if org is None or idp is None:
        raise SignInRefusedError("provider", f"no identity provider for {slug!r}")
    if link_user is not None and membership(db, link_user.id, org.id) is None:
        raise SignInRefusedError("not_member", f"{link_user.email} is not a member of {slug}")
    doc = discovery(idp.issuer)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)  # 86 characters (RFC 7636 §4.1: 43 to 128)
    browser = secrets.token_urlsafe(32)
    federation.save_state(
        db,
        state=state,
        organisation_id=org.id,
        browser_secret=browser,
        nonce=nonce,
        code_verifier=verifier,
        next_url=next_url,
        link_user_id=link_user.id if link_user is not None else None,
    )
    url = prepare_grant_uri(
        doc["authorization_endpoint"],
        idp.client_id,
        "code",
        redirect_uri=redirect_uri(settings),
        scope="openid",
        state=state,
        nonce=nonce,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
    )
    return StartedLogin(authorization_url=str(url), browser_secret=browser)


@dataclass(frozen=True)
class FinishedLogin:
    """A user signed in (or linked) through a provider, and where to go next."""

    user: User
    next_url: str
    linked: bool


def finish_login(
    db: Session,
    settings: ServerSettings,
    *,
    code: str,
    state: str,
    browser_secret: str | None,
    signed_in: User | None,
) -> FinishedLogin:
    """Complete a sign-in: take the state, exchange the code, verify the ID token, and find
    (sign-in) or make (linking) the link of (issuer, subject). The caller starts the session.

    Raises:
        SignInRefusedError: see its ``reason``.
    """
    pending = federation.take_state(db, state)
    if pending is None:
        raise SignInRefusedError("expired", "unknown, used or expired state")
    if not browser_secret or not hmac.compare_digest(
        federation.digest(browser_secret), pending.browser_hash
    ):
        raise SignInRefusedError("browser", "state of another browser")
    if pending.link_user_id is not None and (
        signed_in is None or signed_in.id != pending.link_user_id
    ):
        raise SignInRefusedError("browser", "linking started by another account")
    idp = federation.provider_of(db, pending.organisation_id)
    if idp is None:
        raise SignInRefusedError("provider", "the provider was removed")
    claims = _exchange_and_verify(idp, settings, code, pending)
    issuer, subject = idp.issuer, str(claims["sub"])
    set_tenant(db, pending.organisation_id)
    if pending.link_user_id is not None:
        assert signed_in is not None
        if membership(db, signed_in.id, pending.organisation_id) is None:
            raise SignInRefusedError("not_member", "not a member of the provider's organisation")
        db.info[ACTOR_KEY] = signed_in.email
        try:
            federation.link(db, issuer=issuer, subject=subject, user_id=signed_in.id)
        except ValueError as exc:
            raise SignInRefusedError("taken", str(exc)) from exc
        return FinishedLogin(user=signed_in, next_url=pending.next_url, linked=True)
    ident = federation.identity(db, issuer, subject)
    if ident is None:
        raise SignInRefusedError("unlinked", "identity linked to no account")
    user = db.get(User, ident.user_id)
    if user is None or user.disabled:
        raise SignInRefusedError("unlinked", "account disabled or gone")
    if membership(db, user.id, pending.organisation_id) is None:
        raise SignInRefusedError("not_member", "no longer a member of the provider's organisation")
    db.info[ACTOR_KEY] = user.email
    ident.last_login_at = utcnow()
    audit.record(
        db,
        organisation_id=pending.organisation_id,
        action="external_identity.login",
        target=f"external_identity:{ident.id}",
    )
    db.commit()
    return FinishedLogin(user=user, next_url=pending.next_url, linked=False)


def _exchange_and_verify(
    idp: federation.IdentityProvider,
    settings: ServerSettings,
    code: str,
    pending: federation.PendingLogin,
) -> dict[str, Any]:
    """The verified claims of the ID token the provider gives for ``code``."""
    doc = discovery(idp.issuer)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri(settings),
        "code_verifier": pending.code_verifier,
    }
    methods = doc.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    kw: dict[str, Any] = {}
    if "client_secret_basic" in methods:  # RFC 6749 §2.3.1: form-encoded, then Basic
        kw["auth"] = (quote(idp.client_id, safe=""), quote(idp.client_secret, safe=""))
    elif "client_secret_post" in methods:
        data |= {"client_id": idp.client_id, "client_secret": idp.client_secret}
    else:
        raise SignInRefusedError("provider", f"token endpoint auth {methods}: unsupported")
    answer = _get_json(doc["token_endpoint"], data=data, **kw)
    id_token = answer.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefusedError("provider", "token answer without an ID token")
    offered = doc.get("id_token_signing_alg_values_supported") or ["RS256"]
    algs = [a for a in SIGNING_ALGS if a in offered]
    return verify_id_token(
        id_token,
        issuer=idp.issuer,
        client_id=idp.client_id,
        nonce=pending.nonce,
        key_set=lambda refresh: _keys(idp.issuer, doc["jwks_uri"], refresh=refresh),
        algorithms=algs,
    )


def verify_id_token(
    id_token: str,
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    key_set: Any,
    algorithms: list[str],
    now: int | None = None,
) -> dict[str, Any]:
    """The claims of an ID token after OIDC Core §3.1.3.7: signature by a key of the
    provider's JWKS with an accepted asymmetric algorithm (the keys are fetched again once
    when the token names an unknown key: rotation), ``iss`` the configured issuer, ``aud``
    holding the client id (and ``azp`` it when there are several audiences), ``exp`` in the
    future and ``iat`` in the past ``MAX_TOKEN_AGE_S`` (both with ``LEEWAY_S``), ``nonce`` the
    one sent, ``sub`` present.

    Raises:
        SignInRefusedError: ``provider``, with which check failed.
    """
    if not algorithms:
        raise SignInRefusedError("provider", "no acceptable signing algorithm offered")
    token = None
    for refresh in (False, True):
        try:
            token = jwt.decode(id_token, key_set(refresh), algorithms=algorithms)
            break
        except InvalidKeyIdError as exc:  # a key not (yet) in the cached set: rotation
            if refresh:
                raise SignInRefusedError("provider", f"id_token: {exc.error}") from exc
        except JoseError as exc:
            raise SignInRefusedError("provider", f"id_token: {exc.error}") from exc
        except (ValueError, TypeError) as exc:
            raise SignInRefusedError("provider", "id_token: malformed") from exc
    assert token is not None
    claims: dict[str, Any] = dict(token.claims)
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=LEEWAY_S,
        iss={"essential": True, "value": issuer},
        sub={"essential": True},
        aud={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise SignInRefusedError("provider", f"id_token: {exc.error} {exc.description}") from exc
    aud = claims["aud"]
    audiences = [aud] if isinstance(aud, str) else list(aud)
    if client_id not in audiences:
        raise SignInRefusedError("provider", "id_token: aud is not this client")
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise SignInRefusedError("provider", "id_token: azp is not this client")
    current = now if now is not None else int(time.time())
    if claims["iat"] < current - MAX_TOKEN_AGE_S - LEEWAY_S:
        raise SignInRefusedError("provider", "id_token: issued too long ago")
    if not isinstance(claims["sub"], str) or not 0 < len(claims["sub"]) <= 255:
        raise SignInRefusedError("provider", "id_token: bad sub")
    return claims


def login_page_url(slug: str, next_url: str = "/") -> str:
    """The local address that starts a sign-in at ``slug``'s provider."""
    return f"/auth/oidc/{quote(slug, safe='')}/login?next={quote(next_url, safe='')}"
