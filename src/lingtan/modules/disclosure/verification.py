"""The verification record of a GHG inventory and its findings (issue 19 item 2; decision 0098).

A record belongs to an organisation's fiscal year and the inventory snapshot that was verified:
who verified it (``verifier``), against which standard (:data:`STANDARDS`: ISO 14064-3:2019,
the specification for validating and verifying GHG statements, or ISAE 3410, the IAASB's
assurance engagements on GHG statements), at which level of assurance (:data:`LEVELS`: limited
or reasonable), with which materiality [% of the verified total], what it covered
(:data:`COVERAGE`: ``S1``, ``S2``, ``S3`` or a Scope 3 category ``S3.1`` … ``S3.15``), the
opinion given (:data:`OPINIONS`: unmodified, or modified as qualified, adverse or a disclaimer),
the statement's date, the statement file (its SHA-256 and name) and a URL where it is published.

A finding is raised on a date and closed on a later (or the same) date with the evidence of its
closure. Validation here is pure: each function returns the cleaned value or raises a
:class:`~.errors.VerificationError` keyed ``disc_ghg.err.*`` naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from lingtan.core.messages import msg
from lingtan.modules.disclosure.errors import VerificationError

#: the verification standards a record may name
STANDARDS = ("ISO 14064-3:2019", "ISAE 3410")
#: the levels of assurance
LEVELS = ("limited", "reasonable")
#: the opinions (ISAE 3000/3410 and ISO 14064-3 call every opinion but the first "modified")
OPINIONS = ("unmodified", "qualified", "adverse", "disclaimer")
#: what a record can cover: the three scopes and each Scope 3 category
COVERAGE = ("S1", "S2", "S3", *(f"S3.{c}" for c in range(1, 16)))
#: the severities of a finding
SEVERITIES = ("minor", "major", "observation")
#: the fields of a record a user enters (the statement file is attached separately)
RECORD_FIELDS = (
    "verifier", "standard", "level", "materiality_pct", "coverage", "opinion",
    "statement_date", "url",
)  # fmt: skip
_LINE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]+$")
_URL = re.compile(r"^https?://[^\s<>\"']{1,1990}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _err(key: str, field: str, **params: str | int | float) -> VerificationError:
    return VerificationError(msg(f"disc_ghg.err.{key}", field=field, **params), field)


def check_text(value: Any, field: str, *, required: bool = True, limit: int = 300) -> str | None:
    """One line of text (white space folded) of at most ``limit`` characters.

    Raises:
        VerificationError: ``disc_ghg.err.required`` or ``disc_ghg.err.text``.
    """
    text = " ".join(str(value if value is not None else "").split())
    if not text:
        if required:
            raise _err("required", field)
        return None
    if len(text) > limit or not _LINE.match(text):
        raise _err("text", field, limit=limit)
    return text


def check_choice(value: Any, field: str, choices: tuple[str, ...]) -> str:
    """``value`` (case and white space of a level or opinion ignored) one of ``choices``.

    Raises:
        VerificationError: ``disc_ghg.err.choice`` naming the choices.
    """
    text = " ".join(str(value or "").split())
    for c in choices:
        if text.lower() == c.lower():
            return c
    raise _err("choice", field, value=text[:60], choices=", ".join(choices))


def check_materiality(value: Any) -> float | None:
    """The materiality threshold [% of the verified total], 0 < m ≤ 100; blank: not stated.

    Raises:
        VerificationError: ``disc_ghg.err.materiality``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        pct = float(str(value).strip().rstrip("%"))
    except ValueError:
        raise _err("materiality", "materiality_pct", value=str(value)[:40]) from None
    if not (0.0 < pct <= 100.0):
        raise _err("materiality", "materiality_pct", value=str(value)[:40])
    return pct


def check_coverage(value: Any) -> list[str]:
    """What a record covers: items of :data:`COVERAGE` (a list, or text separated by commas or
    spaces), at least one, in :data:`COVERAGE` order, each once.

    Raises:
        VerificationError: ``disc_ghg.err.coverage`` (an unknown item) or ``required``.
    """
    items: Iterable[Any] = (
        value if isinstance(value, list | tuple) else str(value or "").replace(",", " ").split()
    )
    got: set[str] = set()
    for raw in items:
        token = str(raw).strip().upper()
        if token not in COVERAGE:
            raise _err("coverage", "coverage", value=token[:20], choices=", ".join(COVERAGE[:4]))
        got.add(token)
    if not got:
        raise _err("required", "coverage")
    return [c for c in COVERAGE if c in got]


def check_date(value: Any, field: str, *, required: bool = True) -> date | None:
    """An ISO date (YYYY-MM-DD).

    Raises:
        VerificationError: ``disc_ghg.err.date`` or ``required``.
    """
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            raise _err("required", field)
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _err("date", field, value=text[:40]) from None


def check_url(value: Any) -> str | None:
    """An http(s) URL of the published statement; blank: none.

    Raises:
        VerificationError: ``disc_ghg.err.url``.
    """
    text = str(value or "").strip()
    if not text:
        return None
    if not _URL.match(text):
        raise _err("url", "url", value=text[:80])
    return text


def check_sha256(value: Any) -> str:
    """A lower-case hex SHA-256.

    Raises:
        VerificationError: ``disc_ghg.err.sha256``.
    """
    text = str(value or "").strip().lower()
    if not _SHA256.match(text):
        raise _err("sha256", "statement_sha256")
    return text


def check_record(fields: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The fields of a record cleaned (:data:`RECORD_FIELDS`; unknown fields refused). With
    ``partial`` only the fields given are checked (an update); otherwise ``verifier``,
    ``standard``, ``level``, ``coverage``, ``opinion`` and ``statement_date`` are required.

    Raises:
        VerificationError: the first wrong field, named.
    """
    unknown = sorted(set(fields) - set(RECORD_FIELDS))
    if unknown:
        raise _err("field", unknown[0])
    required = ("verifier", "standard", "level", "coverage", "opinion", "statement_date")
    if not partial:
        for name in required:
            if name not in fields or fields[name] in (None, "", []):
                raise _err("required", name)
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "verifier":
            out[name] = check_text(value, name)
        elif name == "standard":
            out[name] = check_choice(value, name, STANDARDS)
        elif name == "level":
            out[name] = check_choice(value, name, LEVELS)
        elif name == "opinion":
            out[name] = check_choice(value, name, OPINIONS)
        elif name == "materiality_pct":
            out[name] = check_materiality(value)
        elif name == "coverage":
            out[name] = check_coverage(value)
        elif name == "statement_date":
            out[name] = check_date(value, name)
        else:
            out[name] = check_url(value)
    return out


def check_finding(text: Any, severity: Any, raised: Any) -> tuple[str, str, date]:
    """A new finding: its text (≤ 2,000 characters), severity (:data:`SEVERITIES`) and the date
    it was raised.

    Raises:
        VerificationError: the wrong field, named.
    """
    body = check_text(text, "text", limit=2000)
    assert body is not None
    sev = check_choice(severity or "minor", "severity", SEVERITIES)
    day = check_date(raised, "raised_on")
    assert day is not None
    return body, sev, day


def check_closure(raised: date, closed: Any, evidence: Any) -> tuple[date, str]:
    """The closure of a finding raised on ``raised``: its date (not before ``raised``) and the
    evidence of the closure (required: what shows the finding was dealt with).

    Raises:
        VerificationError: ``disc_ghg.err.closed_before`` or the missing field.
    """
    day = check_date(closed, "closed_on")
    assert day is not None
    if day < raised:
        raise _err("closed_before", "closed_on", closed=day.isoformat(), raised=raised.isoformat())
    proof = check_text(evidence, "evidence", limit=2000)
    assert proof is not None
    return day, proof
