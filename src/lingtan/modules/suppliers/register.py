"""The supplier register's rules (issue 15; report lines 2163–2177): identifiers, tiers,
statuses and the status changes the onboarding workflow allows.

Identifiers:

- **USCC** (统一社会信用代码), GB 32100-2015: 18 characters from the 31-character set
  ``0-9 A-H J-N P-R T U W-Y`` (no I, O, Z, S, V): registration authority (1), organisation type
  (1), administrative division (6 digits, GB/T 2260), organisation code (9, GB 11714) and a
  check character C18 = 31 − (Σ_{i=1..17} C_i·W_i mod 31) (31 → 0), with weights
  W_i = 3^(i−1) mod 31 = 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28.
- **D-U-N-S** number (Dun & Bradstreet): 9 digits (dashes dropped: ``15-048-3782``).
- **Company URNs** as PACT Technical Specifications ``companyIds`` (v2 §4.1, "a non-empty set of
  URNs", RFC 8141): ``urn:<NID>:<NSS>``, e.g. ``urn:uuid:…``,
  ``urn:pathfinder:company:customcode:buyer-assigned:…``. A supplier's USCC and DUNS are also
  given as ``urn:lingtan:uscc:…`` and ``urn:lingtan:duns:…`` (:func:`company_urns`).
- **Country**: ISO 3166-1 alpha-2 (the shape is checked here; the service checks the code
  against the CLDR territory list).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from lingtan.core.messages import msg
from lingtan.modules.suppliers.errors import IdentifierError, SupplierError, TransitionError

#: supplier statuses (the onboarding workflow)
STATUSES: tuple[str, ...] = (
    "prospect",
    "onboarding",
    "approved",
    "conditional",
    "suspended",
    "terminated",
)
#: tiers: a direct supplier (1), a supplier's supplier (2), further up the chain (N)
TIERS: tuple[str, ...] = ("1", "2", "N")
#: the status changes allowed: create → checklist → approved | conditional (with a corrective
#: action plan); a supplier may be suspended (an overdue priority audit finding, a failed
#: check) and reinstated, terminated from any status, and re-engaged as a prospect
TRANSITIONS: dict[str, frozenset[str]] = {
    "prospect": frozenset({"onboarding", "terminated"}),
    "onboarding": frozenset({"approved", "conditional", "prospect", "terminated"}),
    "approved": frozenset({"conditional", "suspended", "terminated"}),
    "conditional": frozenset({"approved", "suspended", "terminated"}),
    "suspended": frozenset({"approved", "conditional", "terminated"}),
    "terminated": frozenset({"prospect"}),
}

#: GB 32100-2015 character set (31 characters: no I, O, Z, S, V) and weights 3^(i-1) mod 31
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_URN_RE = re.compile(r"^urn:[a-z0-9][a-z0-9-]{0,30}[a-z0-9]:[^\s]+$", re.IGNORECASE)
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
#: a supplier code: the id of the ``supplier`` column of activity files (decision 0044)
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
#: a procurement category code
CATEGORY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
URN_PREFIX_USCC = "urn:lingtan:uscc:"
URN_PREFIX_DUNS = "urn:lingtan:duns:"


def uscc_check_char(first17: str) -> str:
    """The check character (18th) of a USCC from its first 17 characters (GB 32100-2015 §5):
    C18 = 31 − (Σ C_i·W_i mod 31), 31 → ``0``, the value mapped back through
    :data:`USCC_CHARS`.

    Raises:
        IdentifierError: a character outside the code's character set.
    """
    try:
        total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    except ValueError:
        raise IdentifierError(msg("suppliers.err.uscc", value=first17), "uscc") from None
    return USCC_CHARS[(31 - total % 31) % 31]


def normalise_uscc(value: str) -> str:
    """A USCC, upper-cased and stripped, after its shape and check character are verified.

    Raises:
        IdentifierError: not 18 characters of the set, or a wrong check character.
    """
    code = "".join(value.split()).upper()
    if not _USCC_RE.match(code) or uscc_check_char(code[:17]) != code[17]:
        raise IdentifierError(msg("suppliers.err.uscc", value=code), "uscc")
    return code


def normalise_duns(value: str) -> str:
    """A D-U-N-S number as 9 digits (dashes and spaces dropped).

    Raises:
        IdentifierError: not 9 digits.
    """
    code = re.sub(r"[\s-]", "", value)
    if not re.fullmatch(r"[0-9]{9}", code):
        raise IdentifierError(msg("suppliers.err.duns", value=value.strip()), "duns")
    return code


def normalise_urn(value: str) -> str:
    """A company URN (RFC 8141 ``urn:<NID>:<NSS>``; PACT ``companyIds``), its ``urn:`` prefix
    and namespace id lower-cased (they are case-insensitive), the rest kept.

    Raises:
        IdentifierError: not a URN.
    """
    urn = value.strip()
    if not _URN_RE.match(urn):
        raise IdentifierError(msg("suppliers.err.urn", value=urn), "company_ids")
    _, nid, nss = urn.split(":", 2)
    return f"urn:{nid.lower()}:{nss}"


def normalise_urns(values: Iterable[str]) -> list[str]:
    """:func:`normalise_urn` of each value, duplicates dropped, order kept."""
    out: list[str] = []
    for v in values:
        if v.strip():
            urn = normalise_urn(v)
            if urn not in out:
                out.append(urn)
    return out


def normalise_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased (the shape only; the service checks the list).

    Raises:
        IdentifierError: not two letters.
    """
    code = value.strip().upper()
    if not _COUNTRY_RE.match(code):
        raise IdentifierError(msg("suppliers.err.country", value=value.strip()), "country")
    return code


def normalise_tier(value: str) -> str:
    """``1``, ``2`` or ``N`` (``n`` accepted).

    Raises:
        SupplierError: another value.
    """
    tier = str(value).strip().upper()
    if tier not in TIERS:
        raise SupplierError(msg("suppliers.err.tier", value=str(value)), "tier")
    return tier


def normalise_code(value: str) -> str:
    """A supplier code as used in the ``supplier`` column of activity files.

    Raises:
        SupplierError: empty, too long, or with characters other than letters, digits, ``.``,
            ``_``, ``-``.
    """
    code = str(value).strip()
    if not CODE_RE.match(code):
        raise SupplierError(msg("suppliers.err.code", value=code), "code")
    return code


def normalise_categories(values: Iterable[str]) -> list[str]:
    """Procurement category codes, stripped, duplicates dropped, order kept.

    Raises:
        SupplierError: a code with characters other than letters, digits, ``.``, ``_``, ``-``.
    """
    out: list[str] = []
    for v in values:
        c = str(v).strip()
        if not c:
            continue
        if not CATEGORY_RE.match(c):
            raise SupplierError(msg("suppliers.err.category", value=c), "categories")
        if c not in out:
            out.append(c)
    return out


def check_status(value: str) -> str:
    """A known status.

    Raises:
        SupplierError: another value.
    """
    status = str(value).strip().lower()
    if status not in STATUSES:
        raise SupplierError(msg("suppliers.err.status", value=str(value)), "status")
    return status


def check_transition(old: str, new: str) -> None:
    """Allow the change ``old`` → ``new`` only along :data:`TRANSITIONS`.

    Raises:
        TransitionError: not allowed (also ``old`` == ``new``).
    """
    if new not in TRANSITIONS.get(old, frozenset()):
        allowed = ", ".join(s for s in STATUSES if s in TRANSITIONS.get(old, frozenset()))
        raise TransitionError(
            msg("suppliers.err.transition", old=old, new=new, allowed=allowed), "status"
        )


def company_urns(uscc: str | None, duns: str | None, company_ids: Sequence[str]) -> list[str]:
    """Every URN of a supplier as PACT ``companyIds``: its own URNs, then its USCC and DUNS as
    ``urn:lingtan:uscc:…`` / ``urn:lingtan:duns:…`` when not already listed."""
    out = list(company_ids)
    for prefix, code in ((URN_PREFIX_USCC, uscc), (URN_PREFIX_DUNS, duns)):
        if code and f"{prefix}{code}" not in out:
            out.append(f"{prefix}{code}")
    return out
