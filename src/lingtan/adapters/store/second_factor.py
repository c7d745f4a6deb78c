"""Whether a user must enrol a second factor before anything else (setting
``LINGTAN_REQUIRE_SECOND_FACTOR``; ASVS 4.0.3 V2.8, V4.1.1: enforced by the server, in the one
user dependency of the API and of the pages).

A user holding one of the listed roles in any organisation, and without an enabled second
factor, may after a password login reach only their account (enrolment), ``/auth/me`` and log
out.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.store.tenancy import Membership, User


def missing(db: Session, user: User, roles: Iterable[str]) -> bool:
    """True when ``user`` holds one of ``roles`` somewhere and has no second factor."""
    wanted = list(roles)
    if not wanted or user.totp_enabled:
        return False
    stmt = (
        select(Membership.role)
        .where(Membership.user_id == user.id, Membership.role.in_(wanted))
        .limit(1)
    )
    return db.execute(stmt).first() is not None
