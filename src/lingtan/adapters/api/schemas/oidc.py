"""An organisation's identity provider (``/orgs/{org}/identity-provider``; decision 0040)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, StringConstraints

from lingtan.adapters.api.schemas.common import NAME_PATTERN, clean_text

#: an ``https`` URL with a host name or IPv4 address (``http`` only on the loopback host, as
#: :func:`lingtan.adapters.services.oidc.check_url` allows it), an optional port and path; no
#: user info, query or fragment (the server's policy checks the rest: that the host resolves
#: to a public address, 409)
ISSUER = (
    r"^(?:https://[A-Za-z0-9.-]+|http://(?:localhost|127\.0\.0\.1))(:[0-9]{1,5})?"
    r"(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$"
)
#: RFC 6749 Appendix A.2: a client secret is VSCHAR (printable ASCII and space)
SECRET = r"^[\x20-\x7e]+$"
Printable = Annotated[
    str,
    StringConstraints(min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$"),
    AfterValidator(clean_text),
]


class IdentityProviderUpdate(BaseModel):
    """An organisation's OpenID Connect provider. ``client_secret`` is write-only: it is never
    shown again; leave it out to keep the stored one."""

    issuer: Annotated[str, StringConstraints(min_length=8, max_length=500, pattern=ISSUER)]
    client_id: Printable
    client_secret: (
        Annotated[
            str,
            StringConstraints(min_length=1, max_length=500, pattern=SECRET),
            AfterValidator(clean_text),
        ]
        | None
    ) = None
    display_name: Annotated[
        str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True,
                               pattern=NAME_PATTERN),
        AfterValidator(clean_text),
    ]  # fmt: skip


class IdentityProviderPublic(BaseModel):
    """What is shown of the provider (never the client secret). Register ``redirect_uri`` at
    the provider; members sign in at ``login_url`` and link their account there once, signed
    in, with ``?link=1``."""

    issuer: str
    client_id: str
    display_name: str
    redirect_uri: str
    login_url: str
    linked_identities: int
