"""Recovery codes of the optional second factor (ASVS 4.0.3 V2.5.6, V2.6.1, V2.6.2, V2.8.4).

Ten single-use codes are made when the second factor is enabled (or regenerated) and shown once;
only their sha256 digests are stored (``user_account.totp_recovery``, a JSON list). A code is
accepted at login in place of the one-time code, once: its digest is removed when it is used.

sha256 rather than argon2: each code has 60 random bits (12 characters of a 32-letter alphabet
from :mod:`secrets`), far beyond an offline guess, so a slow hash adds nothing but the cost of up
to ten argon2 checks per login (ASVS V2.4.1 asks a slow hash for *passwords*, chosen by people).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from lingtan.adapters.store.tenancy import User

COUNT = 10
#: 32 letters without the easily confused 0/o, 1/l
ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
LENGTH = 12


def _normalise(code: str) -> str:
    return code.strip().replace(" ", "").replace("-", "").lower()


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def new_codes(user: User) -> list[str]:
    """Ten new codes for ``user`` (replacing any earlier ones), grouped ``xxxx-xxxx-xxxx`` for
    reading; only their digests are kept (the caller commits)."""
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(COUNT)]
    user.totp_recovery = json.dumps([_digest(c) for c in codes])
    return ["-".join(c[i : i + 4] for i in range(0, LENGTH, 4)) for c in codes]


def remaining(user: User) -> int:
    """How many unused recovery codes the user has."""
    return len(json.loads(user.totp_recovery)) if user.totp_recovery else 0


def use_code(user: User, code: str) -> bool:
    """True when ``code`` is an unused recovery code of ``user``; it is then spent (the caller
    commits)."""
    if not user.totp_recovery or len(_normalise(code)) != LENGTH:
        return False
    digests: list[str] = json.loads(user.totp_recovery)
    wanted = _digest(code)
    found = [d for d in digests if hmac.compare_digest(d, wanted)]
    if not found:
        return False
    user.totp_recovery = json.dumps([d for d in digests if d != wanted])
    return True


def clear(user: User) -> None:
    """Forget every recovery code (the second factor is disabled)."""
    user.totp_recovery = None
