"""``/orgs/{org}/identity-provider``: an organisation's OpenID Connect provider (decision 0040).

Only the organisation's owners (``manage_org``) read and change it; the client secret is
write-only (never in an answer nor in the audit log: ASVS V2.10.4, V7.1.1). The sign-in itself
is a browser flow of the web pages (``/auth/oidc/{org}/login``, ``/auth/oidc/callback``:
``lingtan.adapters.web.pages.oidc``).
"""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, status

from lingtan.adapters.api.deps import DbDep, OrgManager
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, errors
from lingtan.adapters.api.schemas.oidc import IdentityProviderPublic, IdentityProviderUpdate
from lingtan.adapters.services import oidc

router = APIRouter(prefix="/orgs/{org}/identity-provider", tags=["identity provider"])


@router.get("", responses=READ_ERRORS)
def get_identity_provider(db: DbDep, tenant: OrgManager) -> IdentityProviderPublic:
    """The organisation's identity provider (404 when it has none); never the secret."""
    return IdentityProviderPublic(**asdict(oidc.view(db, tenant)))


@router.put("", responses=errors(400, 401, 403, 404, 409, 422))
def put_identity_provider(
    body: IdentityProviderUpdate, db: DbDep, tenant: OrgManager
) -> IdentityProviderPublic:
    """Set the organisation's identity provider (owner). The issuer is an ``https`` URL whose
    ``/.well-known/openid-configuration`` the server fetches at sign-in; a new provider needs
    its ``client_secret``, a change may leave it out. A change of issuer unlinks every
    identity of the old one. 409 when the issuer is refused by the server's policy (not
    https, or on a private address: set ``LINGTAN_OIDC_PRIVATE_ISSUERS=1`` to allow that) or a
    new provider has no secret."""
    found = oidc.save_provider(
        db,
        tenant,
        issuer=body.issuer,
        client_id=body.client_id,
        client_secret=body.client_secret,
        display_name=body.display_name,
    )
    return IdentityProviderPublic(**asdict(found))


@router.delete("", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
def delete_identity_provider(db: DbDep, _tenant: OrgManager) -> None:
    """Remove the organisation's identity provider and every identity linked through it
    (members sign in with their password again)."""
    oidc.delete_provider(db)
