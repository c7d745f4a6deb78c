"""Optional second factor: time-based one-time passwords (RFC 6238 TOTP, 30 s, 6 digits) with
pyotp (ASVS 4.0.3 V2.8.1, V2.8.3, V2.8.4).

A user enrols by asking for a secret (160 random bits, base32), adding it to an authenticator
app (the ``otpauth://`` URI) and confirming one code; from then on a login needs the password
*and* a current code. A code is accepted within one 30 s step either side (clock drift) and only
once: the last step used is stored (V2.8.4, no replay). Failed codes count as failed logins
(:mod:`.throttle`).
"""

from __future__ import annotations

import time

import pyotp

from lingtan.adapters.store.tenancy import User

ISSUER = "lingtan"
STEP_S = 30


def new_secret() -> str:
    """A new TOTP secret (base32, 160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (as text or as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def matching_step(secret: str, code: str, *, at: float | None = None) -> int | None:
    """The time step (``unix time // 30``) whose code ``code`` is, within one step either side
    of ``at`` (default now), else None."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    now = time.time() if at is None else at
    totp = pyotp.TOTP(secret)
    step = int(now // STEP_S)
    for s in (step, step - 1, step + 1):
        if pyotp.utils.strings_equal(totp.at(s * STEP_S), code):
            return s
    return None


def check_code(user: User, code: str, *, at: float | None = None) -> bool:
    """True when ``code`` is a current code of the user's enabled second factor that was not
    used before; records its step (the caller commits)."""
    if not user.totp_enabled or not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, at=at)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True
