"""Accounts that belong to their owners (decision 0034): invitations, throttled login,
password change and reset links, lockouts seen by admins.

- No organisation sets or learns the password of an account (ASVS V2.5, V3): members join
  only through an invitation (:mod:`lingtan.adapters.store.invitations`); an address that has
  an account joins only when that person, logged in, accepts.
- Logins are throttled per account and per client address (ASVS V2.2.1,
  :mod:`lingtan.adapters.store.throttle`).
- A password change asks for the current password (V2.1.6) and ends the user's other web
  sessions (V3.3.3); a reset link (issued by an admin of *every* organisation of the account,
  or by the server operator) ends every session and revokes every API token of the account.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import TenantContext
from lingtan.adapters.services.errors import (
    ServiceError,
    conflict,
    forbidden,
    invalid,
    not_found,
    unauthorized,
)
from lingtan.adapters.services.settings import ServerSettings
from lingtan.adapters.store import audit, auth, passwords, recovery_codes, throttle, totp
from lingtan.adapters.store.invitations import Invitation, invitation_for_token, new_invitation
from lingtan.adapters.store.models import utcnow
from lingtan.adapters.store.scoping import ACTOR_KEY, set_tenant
from lingtan.adapters.store.tenancy import (
    Membership,
    Organisation,
    Role,
    User,
    can,
    members_of,
    memberships_of,
    normalise_email,
    user_by_email,
)

log = logging.getLogger("lingtan.auth")
INVALID_LINK = "this link is not valid: unknown, used, revoked or expired"


class LoginThrottledError(ServiceError):
    """429: too many failed logins for the account or from the client address."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "too_many_requests",
            "too_many_requests",
            f"too many failed logins: try again in {retry_after} s",
        )
        self.retry_after = retry_after


def throttle_policy(settings: ServerSettings) -> throttle.ThrottlePolicy:
    """The login throttle of the server's settings."""
    return throttle.ThrottlePolicy(
        max_failures=settings.login_max_failures,
        max_failures_per_address=settings.login_max_failures_per_address,
        lockout_s=settings.lockout_s,
        lockout_max_s=settings.lockout_max_s,
    )


def _check_password(password: str, email: str, field: str) -> None:
    problem = passwords.password_problem(password, email)
    if problem:
        raise invalid(f"password: {problem}", field)


# -- login -------------------------------------------------------------------------------------


def login(
    db: Session,
    settings: ServerSettings,
    email: str,
    password: str,
    address: str,
    otp: str | None = None,
) -> User:
    """The user of a correct e-mail and password (and, when the account has a second factor, a
    current one-time code: ASVS V2.8), unless the account or the client address is locked
    (ASVS V2.2.1).

    Raises:
        LoginThrottledError: 429, locked (the password is not even checked).
        ServiceError: 401 wrong e-mail or password, or a wrong code (counted); 401 ``otp_required``
            when the account has a second factor and no code was sent (not counted).
    """
    wait = throttle.retry_after(db, email, address)
    if wait is not None:
        log.info("login refused while locked: %r from %s (%d s left)", email, address, wait)
        raise LoginThrottledError(wait)
    user = auth.authenticate(db, email, password)
    if user is None:
        known = user_by_email(db, email)
        throttle.record_failure(
            db,
            email,
            address,
            throttle_policy(settings),
            user_id=None if known is None else known.id,
        )
        log.info(  # ASVS V7.1.3, V7.2.1: every authentication decision, never the secret
            "login failed: %r from %s (%s)", email, address, "known" if known else "unknown"
        )
        raise unauthorized("wrong e-mail or password")
    if user.totp_enabled:
        if not otp:
            raise ServiceError(
                "unauthorized", "otp_required", "this account needs its one-time code (otp)"
            )
        if not _second_factor_ok(user, otp):
            throttle.record_failure(db, email, address, throttle_policy(settings), user_id=user.id)
            log.info("login failed: %r from %s (wrong one-time code)", email, address)
            raise unauthorized("wrong e-mail, password or one-time code")
        db.commit()  # the code's step (or the recovery code): never accepted again
    throttle.record_success(db, email)
    log.info("login: %s from %s", user.email, address)
    return user


# -- second factor -------------------------------------------------------------------------------


def _second_factor_ok(user: User, code: str) -> bool:
    """A current one-time code not used before, or an unused recovery code (then spent:
    ASVS V2.6.1); the caller commits."""
    if totp.check_code(user, code):
        return True
    if recovery_codes.use_code(user, code):
        log.warning(
            "recovery code used by %s (%d left)", user.email, recovery_codes.remaining(user)
        )
        return True
    return False


def _reauthenticate(
    db: Session,
    settings: ServerSettings,
    user: User,
    address: str,
    password: str,
    code: str | None = None,
) -> None:
    """Check the password asked again (and a code of the second factor, when ``code`` is
    given: V3.7.1); a failure counts like a failed login, and a locked account is refused
    before anything is checked (ASVS V2.2.1: no unthrottled guessing of the password or of
    the codes through these forms).

    Raises:
        LoginThrottledError: 429, the account or the address is locked.
        ServiceError: 403 wrong password or code.
    """
    wait = throttle.retry_after(db, user.email, address)
    if wait is not None:
        raise LoginThrottledError(wait)
    ok = auth.verify_password(user.password_hash, password)
    if ok and code is not None:
        ok = _second_factor_ok(user, code)
    if not ok:
        throttle.record_failure(db, user.email, address, throttle_policy(settings), user_id=user.id)
        raise forbidden(
            "the current password is wrong" if code is None else "wrong password or one-time code"
        )


def totp_setup(
    db: Session, settings: ServerSettings, user: User, current_password: str, address: str
) -> tuple[str, str]:
    """Start enrolling a second factor (the password asked again): a new secret, not yet in
    force, and its ``otpauth://`` URI. Refused while one is enabled.

    Raises:
        LoginThrottledError: 429, locked.
        ServiceError: 403 wrong password; 409 a second factor is enabled already.
    """
    _reauthenticate(db, settings, user, address, current_password)
    if user.totp_enabled:
        raise conflict("a second factor is enabled already: disable it first")
    secret = totp.new_secret()
    user.totp_secret = secret
    user.totp_last_step = None
    db.commit()
    return secret, totp.provisioning_uri(secret, user.email)


def totp_enable(db: Session, user: User, code: str) -> list[str]:
    """Put the enrolled second factor in force after one correct code; its ten recovery codes
    (shown once, kept as digests: ASVS V2.6.2).

    Raises:
        ServiceError: 409 nothing enrolled or enabled already; 403 wrong code.
    """
    if user.totp_enabled or not user.totp_secret:
        raise conflict("start with POST /auth/totp/setup")
    step = totp.matching_step(user.totp_secret, code)
    if step is None:
        raise forbidden("wrong one-time code")
    user.totp_enabled = True
    user.totp_last_step = step
    codes = recovery_codes.new_codes(user)
    db.commit()
    log.info("second factor enabled for %s", user.email)
    return codes


def totp_recovery_codes(
    db: Session,
    settings: ServerSettings,
    user: User,
    current_password: str,
    code: str,
    address: str,
) -> list[str]:
    """Ten new recovery codes in place of the earlier ones (password and a current code, or a
    recovery code, asked).

    Raises:
        LoginThrottledError: 429, locked.
        ServiceError: 409 no second factor enabled; 403 wrong password or code.
    """
    if not user.totp_enabled:
        raise conflict("no second factor is enabled")
    _reauthenticate(db, settings, user, address, current_password, code)
    codes = recovery_codes.new_codes(user)
    db.commit()
    log.warning("recovery codes regenerated for %s", user.email)
    return codes


def totp_disable(
    db: Session,
    settings: ServerSettings,
    user: User,
    current_password: str,
    code: str,
    address: str,
) -> None:
    """Remove the second factor and its recovery codes (password and a current code, or a
    recovery code, asked).

    Raises:
        LoginThrottledError: 429, locked.
        ServiceError: 409 none enabled; 403 wrong password or code.
    """
    if not user.totp_enabled:
        raise conflict("no second factor is enabled")
    _reauthenticate(db, settings, user, address, current_password, code)
    recovery_codes.clear(user)
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    db.commit()
    log.warning("second factor disabled for %s", user.email)


def start_session(db: Session, settings: ServerSettings, user: User) -> str:
    """A new web session of ``user`` with the server's timeouts; the cookie value."""
    return auth.create_web_session(
        db, user, days=settings.session_days, idle_minutes=settings.session_idle_minutes
    )


# -- invitations ---------------------------------------------------------------------------------


def _check_owner_grant(tenant: TenantContext, role: Role) -> None:
    if role == Role.OWNER and tenant.role != Role.OWNER:
        raise forbidden("only an owner may grant or take away the owner role")


def invite_member(
    db: Session, tenant: TenantContext, *, email: str, role: Role
) -> tuple[Invitation, str]:
    """Invite ``email`` with ``role``; returns the invitation and its accept link (shown once:
    the inviter passes it on). An earlier pending invitation of the address here is revoked.

    Raises:
        ServiceError: 403 owner role by a non-owner; 409 already a member.
    """
    _check_owner_grant(tenant, role)
    address = normalise_email(email)
    user = user_by_email(db, address)
    if user is not None and db.get(Membership, (user.id, tenant.organisation_id)) is not None:
        raise conflict(f"{address} is a member already", "email")
    inv, secret = new_invitation(
        db,
        email=address,
        role=role.value,
        invited_by=tenant.user.id,
        days=tenant.settings.invitation_days,
    )
    db.commit()
    return inv, accept_url(tenant.settings, secret)


def accept_url(settings: ServerSettings, secret: str) -> str:
    """The web address where an invitation is accepted."""
    return f"{settings.base_url.rstrip('/')}/invitations/{secret}"


def list_invitations(db: Session, tenant: TenantContext) -> list[Invitation]:
    """The organisation's invitations, newest first (the last 200)."""
    set_tenant(db, tenant.organisation_id)  # scoped already; fails closed otherwise
    q = select(Invitation).order_by(Invitation.created_at.desc(), Invitation.id.desc())
    return list(db.scalars(q.limit(200)))


def revoke_invitation(db: Session, tenant: TenantContext, invitation_id: int) -> Invitation:
    """Revoke a pending invitation (no-op for one accepted, revoked or expired).

    Raises:
        ServiceError: 404 no such invitation here.
    """
    set_tenant(db, tenant.organisation_id)
    inv = db.get(Invitation, invitation_id)
    if inv is None:
        raise not_found(f"invitation {invitation_id}")
    if inv.state() == "pending":
        inv.revoked_at = utcnow()
        db.commit()
    return inv


@dataclass(frozen=True)
class InvitationInfo:
    """A live invitation, its organisation, and whether its address has an account."""

    invitation: Invitation
    organisation: Organisation
    account: User | None


def invitation_info(db: Session, secret: str) -> InvitationInfo:
    """The live invitation of a link's secret.

    Raises:
        ServiceError: 404 unknown, used, revoked or expired (one message for all).
    """
    inv = invitation_for_token(db, secret)
    if inv is None or inv.state() != "pending":
        raise ServiceError("not_found", "not_found", INVALID_LINK)
    org = db.get(Organisation, inv.organisation_id)
    if org is None:  # pragma: no cover - cascade deletes the invitation
        raise ServiceError("not_found", "not_found", INVALID_LINK)
    return InvitationInfo(inv, org, user_by_email(db, inv.email))


def accept_invitation(
    db: Session, secret: str, *, caller: User | None, name: str = "", password: str | None = None
) -> User:
    """Accept an invitation: the user (new, with the password the person chose here; or the
    existing account of the address, which must be the caller) becomes a member. Commits.

    Raises:
        ServiceError: 404 invalid link; 401 the address has an account and nobody is logged in;
            403 logged in as another account; 422 password missing, weak, or given for an
            existing account; 409 a member already.
    """
    info = invitation_info(db, secret)
    inv = info.invitation
    user = info.account
    if user is not None:
        if password:
            raise invalid(
                "this address has an account: log in as it and accept (no password here)",
                "password",
            )
        if caller is None:
            raise unauthorized(f"log in as {inv.email} to accept")
        if caller.id != user.id:
            raise forbidden(f"this invitation is for {inv.email}: log in as that account")
        if user.disabled:
            raise forbidden("this account is disabled")
    else:
        if not password:
            raise invalid("choose a password for the new account", "password")
        _check_password(password, inv.email, "password")
        user = User(
            email=inv.email,
            name=name.strip() or inv.email.split("@")[0],
            password_hash=auth.hash_password(password),
            locale="zh-CN",
            disabled=False,
            password_changed_at=utcnow(),
        )
        db.add(user)
    db.info[ACTOR_KEY] = inv.email
    try:
        db.flush()
        if db.get(Membership, (user.id, inv.organisation_id)) is not None:
            raise conflict(f"{inv.email} is a member already")
        set_tenant(db, inv.organisation_id)
        inv.accepted_at = utcnow()
        inv.accepted_by = user.id
        db.add(Membership(user_id=user.id, organisation_id=inv.organisation_id, role=inv.role))
        db.commit()
    except IntegrityError as exc:  # the same link (or address) used twice at once
        db.rollback()
        raise ServiceError("not_found", "not_found", INVALID_LINK) from exc
    except ServiceError:
        db.rollback()
        raise
    log.info("invitation %d accepted by %s", inv.id, inv.email)
    return user


# -- passwords ---------------------------------------------------------------------------------


def change_password(
    db: Session, settings: ServerSettings, user: User, current: str, new: str, address: str
) -> int:
    """Change one's own password (the current one is checked and a wrong one counted like a
    failed login); every web session of the user ends. Returns how many ended (the caller
    starts a fresh session for the browser that asked). API tokens are kept (decision 0034).

    Raises:
        LoginThrottledError: 429, the account is locked.
        ServiceError: 403 wrong current password; 422 the new one breaks a rule.
    """
    wait = throttle.retry_after(db, user.email, address)
    if wait is not None:
        raise LoginThrottledError(wait)
    if not auth.verify_password(user.password_hash, current):
        throttle.record_failure(db, user.email, address, throttle_policy(settings), user_id=user.id)
        raise forbidden("the current password is wrong")
    _check_password(new, user.email, "new_password")
    auth.set_password(db, user, new)
    ended = auth.end_all_sessions(db, user.id)
    log.info("password changed by %s; %d sessions ended", user.email, ended)
    return ended


def issue_reset_link(
    db: Session, tenant: TenantContext, user_id: int
) -> tuple[User, str, datetime]:
    """A single-use reset link for a member (the caller manages members), returned once.

    Only for an account every organisation of which the caller manages members of — with the
    owner's rights where the account is an owner — so that no organisation resets the
    password of a member of another (decision 0034). The link is recorded in this
    organisation's audit log.

    Raises:
        ServiceError: 404 not a member here; 403 one's own account, or an account that belongs to an
            organisation where the caller may not reset it.
    """
    if db.get(Membership, (user_id, tenant.organisation_id)) is None:
        raise not_found(f"member {user_id}")
    if user_id == tenant.user.id:
        raise forbidden("change your own password with your current one (POST /auth/password)")
    target = db.get(User, user_id)
    assert target is not None
    mine = {org.id: role for org, role in memberships_of(db, tenant.user.id)}
    for org, role in memberships_of(db, user_id):
        caller_role = mine.get(org.id)
        if (
            caller_role is None
            or not can(caller_role, "manage_members")
            or (role == Role.OWNER and caller_role != Role.OWNER)
        ):
            raise forbidden(
                "this account also belongs where you may not reset it: its owner changes the "
                "password, or the server operator issues a link (lingtan users reset-password)"
            )
    minutes = tenant.settings.reset_minutes
    secret = passwords.new_reset(db, user_id, issued_by=tenant.actor, minutes=minutes)
    expires = utcnow() + timedelta(minutes=minutes)
    audit.record(
        db,
        organisation_id=tenant.organisation_id,
        action="user_account.reset_link",
        target=target.email,
        after={"expires_at": expires.isoformat(timespec="seconds")},
    )
    db.commit()
    log.warning("reset link for %s issued by %s", target.email, tenant.actor)
    return target, reset_url(tenant.settings, secret), expires


def reset_url(settings: ServerSettings, secret: str) -> str:
    """The web address where a reset link is used."""
    return f"{settings.base_url.rstrip('/')}/reset/{secret}"


def reset_account(db: Session, secret: str) -> User:
    """The account of a live reset link.

    Raises:
        ServiceError: 404 unknown, used or expired.
    """
    r = passwords.live_reset(db, secret)
    user = None if r is None else db.get(User, r.user_id)
    if r is None or user is None:
        raise ServiceError("not_found", "not_found", INVALID_LINK)
    return user


def use_reset_link(db: Session, secret: str, new_password: str) -> User:
    """Set the password chosen by the holder of a reset link; the link is used up, every web
    session of the account ends and every API token of it is revoked.

    Raises:
        ServiceError: 404 invalid link; 422 the password breaks a rule.
    """
    r = passwords.live_reset(db, secret)
    user = None if r is None else db.get(User, r.user_id)
    if r is None or user is None:
        raise ServiceError("not_found", "not_found", INVALID_LINK)
    _check_password(new_password, user.email, "new_password")
    r.used_at = utcnow()
    auth.set_password(db, user, new_password)
    ended = auth.end_all_sessions(db, user.id)
    revoked = auth.revoke_all_tokens(db, user.id)
    throttle.record_success(db, user.email)
    log.warning(
        "password of %s reset (link by %s): %d sessions ended, %d tokens revoked",
        user.email, r.issued_by, ended, revoked,
    )  # fmt: skip
    return user


# -- lockouts ----------------------------------------------------------------------------------


def member_lockouts(
    db: Session, tenant: TenantContext, *, days: int = 30
) -> list[tuple[throttle.LoginLockout, str]]:
    """Recent lockouts of the organisation's members' accounts (newest first), with e-mail."""
    emails = {u.id: u.email for u, _ in members_of(db, tenant.organisation_id)}
    since = utcnow() - timedelta(days=days)
    return [
        (lock, emails.get(lock.user_id or 0, lock.key))
        for lock in throttle.lockouts_of(db, list(emails), since=since)
    ]
