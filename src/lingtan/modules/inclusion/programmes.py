"""A carbon-inclusion programme's rules, pseudonymous account refs and subject hashing (issue 18
item 1; spec "Privacy", PIPL [K]; decision 0088).

- :func:`check_rules` validates a programme's points rules (:class:`~.rules.ProgrammeRules`):
  ``points_per_kg`` [points/kg CO2e] a finite number ≥ 0; ``engagement_points`` whole numbers
  ≥ 0 for actions of the catalogue (:data:`~.actions.ACTIONS`); ``caps`` per known action with
  ``per_day`` / ``per_month`` whole numbers ≥ 0 (a day's cap not above the month's);
  ``expiry_months`` a whole number 1–120 or ``None`` (points never expire);
- :func:`new_account_ref` draws a pseudonymous public id (``m-`` + 10 base32 characters, 50
  bits from :mod:`secrets`): random, never derived from the subject, so it cannot be reversed
  into an employee or member id;
- :func:`subject_hash` is the sha256 (hex) of a per-programme salt and the subject's own id: the
  raw id is never stored; the same subject enrolled twice in one programme has the same hash
  (a duplicate is found), and the hashes of two programmes cannot be linked (decision 0088).

Every refusal is a :class:`~.errors.RulesError` keyed ``incl_prog.err.*`` naming its field.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import secrets
from collections.abc import Mapping
from typing import Any

from lingtan.core.messages import msg
from lingtan.modules.inclusion.actions import ACTIONS, AUDIENCES
from lingtan.modules.inclusion.errors import RulesError
from lingtan.modules.inclusion.rules import Cap, ProgrammeRules

#: the largest expiry a programme may set [months]
MAX_EXPIRY_MONTHS = 120
#: the largest points figure a rule may hold (engagement points, caps) [points]
MAX_POINTS = 1_000_000
#: kinds of a group (a class aggregates its members without naming them)
GROUP_KINDS = ("team", "department", "class", "school")
#: kinds of an account
ACCOUNT_KINDS = ("person", "group")
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_REF_RE = re.compile(r"^m-[a-z2-7]{10}$")


def check_code(value: Any, field_name: str = "code") -> str:
    """A code: 1–40 letters, digits, ``_ . -``, starting with a letter or digit.

    Raises:
        RulesError: ``incl_prog.err.code``.
    """
    text = str(value if value is not None else "").strip()
    if not _CODE_RE.match(text):
        raise RulesError(msg("incl_prog.err.code", name=field_name, value=text[:60]), field_name)
    return text


def check_choice(value: Any, choices: tuple[str, ...], field_name: str) -> str:
    """``value`` (lower-cased) when it is one of ``choices``.

    Raises:
        RulesError: ``incl_prog.err.choice``.
    """
    text = str(value if value is not None else "").strip().lower()
    if text not in choices:
        raise RulesError(
            msg(
                "incl_prog.err.choice", name=field_name, value=text[:40], choices=", ".join(choices)
            ),
            field_name,
        )
    return text


def check_audience(value: Any) -> str:
    """A programme audience of :data:`~.actions.AUDIENCES`."""
    return check_choice(value, AUDIENCES, "audience")


def _whole(value: Any, field_name: str, hi: int = MAX_POINTS) -> int:
    """A whole number 0–``hi`` (``True``/``False`` and fractions refused)."""
    if isinstance(value, bool):
        raise RulesError(msg("incl_prog.err.whole", name=field_name, hi=hi), field_name)
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError) as exc:
        raise RulesError(msg("incl_prog.err.whole", name=field_name, hi=hi), field_name) from exc
    if not math.isfinite(number) or number != int(number) or not 0 <= number <= hi:
        raise RulesError(msg("incl_prog.err.whole", name=field_name, hi=hi), field_name)
    return int(number)


def check_action(code: Any, field_name: str) -> str:
    """An action code of the catalogue.

    Raises:
        RulesError: ``incl_prog.err.action``.
    """
    text = str(code if code is not None else "").strip()
    if text not in ACTIONS:
        raise RulesError(msg("incl_prog.err.action", name=field_name, value=text[:60]), field_name)
    return text


def check_points_per_kg(value: Any) -> float:
    """Points per kg CO2e: a finite number ≥ 0 [points/kg].

    Raises:
        RulesError: ``incl_prog.err.points_per_kg``.
    """
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < 0 or number > MAX_POINTS:
        raise RulesError(msg("incl_prog.err.points_per_kg", value=str(value)[:40]), "points_per_kg")
    return number


def check_expiry(value: Any) -> int | None:
    """Months after which earned points expire: 1–:data:`MAX_EXPIRY_MONTHS`, or ``None``
    (empty: never).

    Raises:
        RulesError: ``incl_prog.err.expiry``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        months = _whole(value, "expiry_months", MAX_EXPIRY_MONTHS)
    except RulesError as exc:
        raise RulesError(
            msg("incl_prog.err.expiry", hi=MAX_EXPIRY_MONTHS), "expiry_months"
        ) from exc
    if months < 1:
        raise RulesError(msg("incl_prog.err.expiry", hi=MAX_EXPIRY_MONTHS), "expiry_months")
    return months


def check_engagement(value: Any) -> dict[str, int]:
    """``{action: points}``: known actions, whole points ≥ 0.

    Raises:
        RulesError: ``incl_prog.err.mapping`` (not a mapping), ``.action``, ``.whole``.
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RulesError(
            msg("incl_prog.err.mapping", name="engagement_points"), "engagement_points"
        )
    out: dict[str, int] = {}
    for code, points in value.items():
        action = check_action(code, "engagement_points")
        out[action] = _whole(points, f"engagement_points.{action}")
    return dict(sorted(out.items()))


def _cap(action: str, value: Any) -> Cap:
    if not isinstance(value, Mapping):
        raise RulesError(msg("incl_prog.err.mapping", name=f"caps.{action}"), f"caps.{action}")
    unknown = sorted(set(value) - {"per_day", "per_month"})
    if unknown:
        name = f"caps.{action}.{unknown[0]}"
        raise RulesError(msg("incl_prog.err.field", value=str(unknown[0])[:40]), name)
    day, month = value.get("per_day"), value.get("per_month")
    per_day = None if day is None or day == "" else _whole(day, f"caps.{action}.per_day")
    per_month = None if month is None or month == "" else _whole(month, f"caps.{action}.per_month")
    if per_day is not None and per_month is not None and per_day > per_month:
        raise RulesError(
            msg("incl_prog.err.cap_order", action=action, day=per_day, month=per_month),
            f"caps.{action}",
        )
    return Cap(per_day=per_day, per_month=per_month)


def check_caps(value: Any) -> dict[str, Cap]:
    """``{action: {per_day, per_month}}`` → ``{action: Cap}`` (known actions; whole points ≥ 0;
    the day's cap not above the month's).

    Raises:
        RulesError: ``incl_prog.err.mapping``, ``.action``, ``.whole``, ``.cap_order``.
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RulesError(msg("incl_prog.err.mapping", name="caps"), "caps")
    out: dict[str, Cap] = {}
    for code, cap in value.items():
        action = check_action(code, "caps")
        out[action] = _cap(action, cap)
    return dict(sorted(out.items()))


def caps_json(caps: Mapping[str, Cap]) -> dict[str, dict[str, int | None]]:
    """The caps as stored (JSON): ``{action: {"per_day": …, "per_month": …}}``."""
    return {a: {"per_day": c.per_day, "per_month": c.per_month} for a, c in caps.items()}


def check_rules(
    points_per_kg: Any, engagement_points: Any, caps: Any, expiry_months: Any
) -> ProgrammeRules:
    """A programme's rules, validated (module docstring).

    Raises:
        RulesError: the first invalid field, named.
    """
    return ProgrammeRules(
        points_per_kg=check_points_per_kg(points_per_kg),
        engagement_points=check_engagement(engagement_points),
        caps=check_caps(caps),
        expiry_months=check_expiry(expiry_months),
    )


def new_account_ref() -> str:
    """A pseudonymous account ref: ``m-`` + 10 lower-case base32 characters (50 random bits
    from :func:`secrets.token_bytes`; never derived from the subject)."""
    return "m-" + base64.b32encode(secrets.token_bytes(7)).decode("ascii")[:10].lower()


def is_account_ref(value: str) -> bool:
    """True when ``value`` has the form of an account ref (``m-`` + 10 base32 characters)."""
    return bool(_REF_RE.match(value or ""))


def new_salt() -> str:
    """A fresh salt for subject hashes: 32 random bytes, hex (64 characters)."""
    return secrets.token_hex(32)


def subject_hash(salt: str, subject: str) -> str:
    """sha256 (hex) of ``salt`` + ``:`` + the subject's own id (trimmed); the raw id is never
    stored (PIPL Art. 6 minimal data [K]).

    Raises:
        RulesError: ``incl_prog.err.subject`` for an empty subject or one above 200 characters.
    """
    text = str(subject if subject is not None else "").strip()
    if not text or len(text) > 200:
        raise RulesError(msg("incl_prog.err.subject"), "subject")
    return hashlib.sha256(f"{salt}:{text}".encode()).hexdigest()


def _lines(text: str, field_name: str) -> list[tuple[int, str, str]]:
    """``(line number, action, value)`` of the non-blank lines ``action = value`` of ``text``.

    Raises:
        RulesError: ``incl_prog.err.line`` naming the line.
    """
    out: list[tuple[int, str, str]] = []
    for n, raw in enumerate(str(text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        action, sep, value = line.partition("=")
        if not sep or not action.strip() or not value.strip():
            raise RulesError(msg("incl_prog.err.line", name=field_name, line=n), field_name)
        out.append((n, action.strip(), value.strip()))
    return out


def parse_engagement(text: str) -> dict[str, str]:
    """Engagement points written one per line, ``learn.quiz = 5`` (checked by
    :func:`check_engagement`).

    Raises:
        RulesError: ``incl_prog.err.line``.
    """
    return {a: v for _n, a, v in _lines(text, "engagement_points")}


def parse_caps(text: str) -> dict[str, dict[str, str | None]]:
    """Caps written one per line, ``travel.metro = 50 / 600`` (per day / per month; ``-`` or
    nothing for no cap; checked by :func:`check_caps`).

    Raises:
        RulesError: ``incl_prog.err.line``.
    """
    out: dict[str, dict[str, str | None]] = {}
    for n, action, value in _lines(text, "caps"):
        day, _sep, month = value.partition("/")
        if value.count("/") > 1:
            raise RulesError(msg("incl_prog.err.line", name="caps", line=n), "caps")
        out[action] = {
            "per_day": None if day.strip() in ("", "-") else day.strip(),
            "per_month": None if month.strip() in ("", "-") else month.strip(),
        }
    return out


def engagement_text(points: Mapping[str, int]) -> str:
    """Engagement points as lines (the inverse of :func:`parse_engagement`)."""
    return "\n".join(f"{a} = {p}" for a, p in sorted(points.items()))


def caps_text(caps: Mapping[str, Mapping[str, int | None]]) -> str:
    """Caps as lines (the inverse of :func:`parse_caps`)."""

    def one(v: int | None) -> str:
        return "-" if v is None else str(v)

    return "\n".join(
        f"{a} = {one(c.get('per_day'))} / {one(c.get('per_month'))}"
        for a, c in sorted(caps.items())
    )
