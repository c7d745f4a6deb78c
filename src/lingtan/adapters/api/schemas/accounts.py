"""Logging in, who am I, and the account routes (decision 0034): invitations, password change
and reset, lockouts, sessions, the second factor (``/auth``, ``/orgs/{org}/invitations``,
``/orgs/{org}/lockouts``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, StringConstraints, WithJsonSchema

from lingtan.adapters.api.schemas.common import (
    Email,
    FromAttributes,
    OptionalName,
    UtcDateTime,
    clean_text,
)
from lingtan.adapters.api.schemas.orgs import OrganisationPublic
from lingtan.adapters.store.passwords import COMMON, MAX_LENGTH, MIN_LENGTH
from lingtan.adapters.store.tenancy import Role

NO_CONTROL = r"^[^\x00-\x1f\x7f-\x9f]*$"


def _not_common(value: str) -> str:
    if value in COMMON:
        raise ValueError("a well-known password: choose another")
    return value


#: a password being chosen: 8 to 128 characters, no control characters (ASVS V2.1.1, V2.1.2);
#: the well-known passwords are refused too (422: :func:`lingtan.adapters.store.passwords.
#: password_problem`; the commonest are also excluded in the schema)
NewPassword = Annotated[
    str,
    StringConstraints(min_length=MIN_LENGTH, max_length=MAX_LENGTH, pattern=NO_CONTROL),
    AfterValidator(clean_text),
    AfterValidator(_not_common),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": MIN_LENGTH,
            "maxLength": MAX_LENGTH,
            "pattern": NO_CONTROL,
            "not": {"enum": sorted(COMMON)},
        }
    ),
]
#: a password being checked: whatever was chosen, except NUL (refused by ``clean_text``; the
#: pattern says so in the OpenAPI document)
CurrentPassword = Annotated[
    str,
    StringConstraints(min_length=1, max_length=512, pattern=r"^[^\x00]*$"),
    AfterValidator(clean_text),
]
Secret = Annotated[
    str, StringConstraints(min_length=16, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")
]
#: a current one-time code (6 digits) or, where accepted, a recovery code (``xxxx-xxxx-xxxx``)
OtpCode = Annotated[
    str, StringConstraints(min_length=6, max_length=20, pattern=r"^[0-9a-zA-Z -]+$")
]

# -- logging in, who am I ---------------------------------------------------------------------


class LoginCreate(BaseModel):
    """E-mail and password; ``otp``: the current code of the second factor, or one of its
    recovery codes, when the account has one (decision 0034)."""

    email: Email
    password: Annotated[
        str, StringConstraints(min_length=1, max_length=200), AfterValidator(clean_text)
    ]
    otp: Annotated[str, StringConstraints(max_length=20, pattern=r"^[0-9a-zA-Z -]*$")] | None = None


class UserPublic(FromAttributes):
    """A user as others see them."""

    id: int
    email: str
    name: str
    locale: str


class MePublic(BaseModel):
    """The logged-in user and their organisations."""

    user: UserPublic
    organisations: list[OrganisationPublic]


class SessionsEndedPublic(BaseModel):
    """How many web sessions were ended."""

    ended: int


# -- invitations ------------------------------------------------------------------------------


class InvitationCreate(BaseModel):
    """Invite an e-mail address into the organisation with a role."""

    email: Email
    role: Role


class InvitationPublic(FromAttributes):
    """An invitation (never its secret)."""

    id: int
    email: str
    role: Role
    created_at: UtcDateTime
    expires_at: UtcDateTime
    accepted_at: UtcDateTime | None
    revoked_at: UtcDateTime | None
    state: Literal["pending", "accepted", "revoked", "expired"]


class InvitationCreatedPublic(InvitationPublic):
    """An invitation just made: ``accept_url`` (with its secret) is shown this once — pass it
    on to the person invited (lingtan sends no mail)."""

    accept_url: str


class InvitationOfferPublic(BaseModel):
    """What the holder of an invitation link sees before accepting."""

    organisation: str
    email: str
    role: Role
    expires_at: UtcDateTime
    #: True: the address has an account — log in as it, then accept (no password here)
    account_exists: bool


class InvitationAcceptanceCreate(BaseModel):
    """Accept an invitation: a new address chooses its name and password; an existing
    account accepts logged in, without a password."""

    token: Secret
    name: OptionalName = ""
    password: NewPassword | None = None


# -- passwords and lockouts -------------------------------------------------------------------


class PasswordChangeCreate(BaseModel):
    """Change one's own password (the current one is asked for again: ASVS V2.1.6)."""

    current_password: CurrentPassword
    new_password: NewPassword


class PasswordResetCreate(BaseModel):
    """Set a new password with a reset link's secret."""

    token: Secret
    new_password: NewPassword


class ResetLinkPublic(BaseModel):
    """A single-use password-reset link for a member: pass it on to them."""

    user_id: int
    email: str
    expires_at: UtcDateTime
    reset_url: str


class LockoutPublic(FromAttributes):
    """A temporary lockout of a member's account after failed logins."""

    user_id: int | None
    email: str
    address: str
    failures: int
    created_at: UtcDateTime
    locked_until: UtcDateTime


# -- the second factor (TOTP, RFC 6238) -------------------------------------------------------


class TotpSetupCreate(BaseModel):
    """Start enrolling a second factor (the password asked again)."""

    current_password: CurrentPassword


class TotpSecretPublic(BaseModel):
    """A new second-factor secret, shown once: add it to an authenticator app, then confirm a
    code (``POST /auth/totp/enable``)."""

    secret: str
    otpauth_uri: str


class TotpCodeCreate(BaseModel):
    """A current one-time code."""

    code: OtpCode


class RecoveryCodesPublic(BaseModel):
    """Ten single-use recovery codes, shown once (ASVS V2.6.2): each logs in once in place of a
    one-time code (``otp``)."""

    recovery_codes: list[str]


class TotpProofCreate(BaseModel):
    """Remove the second factor: the password and a current code."""

    current_password: CurrentPassword
    code: OtpCode
