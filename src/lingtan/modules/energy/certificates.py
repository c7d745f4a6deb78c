"""Certificates of sites, buildings, products and suppliers (issue 16 item 5; spec
../shared/specs/certification-circularity.md, decision 0077).

A certificate is held by a *subject* (:data:`SUBJECTS`: the organisation, a site, a building,
a product or a supplier) under a *scheme* (:data:`SCHEMES`, each with its English and Chinese
name and the standard it rests on), at a *level* (LEED Certified … Platinum, a green-factory
list …), issued by a body on a day and valid until a day (None: no end of validity, e.g. the
WEF Global Lighthouse Network).

Its *state* on a day (:func:`state`) follows from the dates and the recorded status:
``withdrawn`` (recorded), ``not_yet_valid`` (before issue), ``expired`` (after
``valid_until``), ``expiring_30`` / ``expiring_90`` (within 30 / 90 days of the end, the two
reminder windows of the specification), else ``valid``. :func:`reminders` lists the
certificates that need renewing, soonest first.

Dates are calendar days; "within 30 days" counts ``valid_until − on`` in days (0 = the last
valid day is today).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from lingtan.core.messages import msg
from lingtan.modules.energy.errors import EnergyError

#: what a certificate may be about
SUBJECTS: tuple[str, ...] = ("org", "site", "building", "product", "supplier")
#: recorded statuses (the state on a day adds the dates: :func:`state`)
STATUSES: tuple[str, ...] = ("active", "withdrawn")
#: states on a day, most urgent first after ``withdrawn``
STATES: tuple[str, ...] = (
    "withdrawn",
    "expired",
    "expiring_30",
    "expiring_90",
    "not_yet_valid",
    "valid",
)
#: the reminder windows before the end of validity [days]
REMINDER_WINDOWS: tuple[int, int] = (90, 30)


class CertificateError(EnergyError):
    """A certificate's fields are invalid (unknown scheme, subject or level; dates reversed)."""


@dataclass(frozen=True)
class Scheme:
    """A certification scheme.

    Attributes:
        code: stable key (stored on each certificate).
        name_en, name_zh: its name in English and Chinese.
        standard: the standard or rule book it certifies against.
        subjects: the subject kinds it applies to.
        levels: the levels it awards (empty: no levels, or free text).
        evidence: the tag of the specification ([D] published document, [K] background
            knowledge to check against the standard).
    """

    code: str
    name_en: str
    name_zh: str
    standard: str
    subjects: tuple[str, ...]
    levels: tuple[str, ...] = ()
    evidence: str = "K"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "code": self.code,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "standard": self.standard,
            "subjects": list(self.subjects),
            "levels": list(self.levels),
            "evidence": self.evidence,
        }


_SITE = ("site", "building")
_LEED = ("certified", "silver", "gold", "platinum")
#: the schemes of the register (report lines 355–356, 1811–1818; spec §2.6)
SCHEMES: dict[str, Scheme] = {
    s.code: s
    for s in (
        Scheme(
            "zero_carbon_factory_cesi",
            "Zero-carbon factory (General specification for zero-carbon factory evaluation)",
            "零碳工厂(《零碳工厂评价通用规范》)",
            "《零碳工厂评价通用规范》 group standard, CESI-led, 2022",
            _SITE,
            evidence="D",
        ),
        Scheme(
            "zero_carbon_factory_cieccpa",
            "Zero-carbon factory (T/CIECCPA 030—2023)",
            "零碳工厂(T/CIECCPA 030—2023 零碳工厂创建与评价通则)",
            "T/CIECCPA 030—2023 零碳工厂创建与评价通则",
            _SITE,
            evidence="D",
        ),
        Scheme(
            "carbon_neutral_building",
            "Carbon-neutral building",
            "碳中和建筑",
            "ISO 14068-1:2023 (carbon neutrality of a building's boundary)",
            _SITE,
        ),
        Scheme(
            "cbeex_carbon_neutral",
            "Carbon-neutral certificate (China Beijing Green Exchange)",
            "碳中和证书(北京绿色交易所)",
            "北京绿色交易所 carbon-neutral certificate",
            ("org", "site", "building", "product"),
        ),
        Scheme("leed_bdc", "LEED BD+C", "LEED 建筑设计与施工 (BD+C)",
               "USGBC LEED v4/v4.1 Building Design and Construction", _SITE, _LEED),
        Scheme("leed_om", "LEED O+M", "LEED 既有建筑运营与维护 (O+M)",
               "USGBC LEED v4/v4.1 Operations and Maintenance", _SITE, _LEED),
        Scheme("green_factory", "Green factory (GB/T 36132-2018)", "绿色工厂(GB/T 36132-2018)",
               "GB/T 36132-2018 绿色工厂评价通则", ("site",),
               ("national", "provincial", "municipal")),
        Scheme("green_warehouse", "Green warehouse (SB/T 11164)", "绿色仓库(SB/T 11164)",
               "SB/T 11164 绿色仓库要求与评价", _SITE),
        Scheme("iso14001", "ISO 14001 environmental management", "ISO 14001 环境管理体系",
               "ISO 14001:2015", ("org", "site", "supplier")),
        Scheme("iso50001", "ISO 50001 energy management", "ISO 50001 能源管理体系",
               "ISO 50001:2018", ("org", "site", "supplier")),
        Scheme("wef_lighthouse", "WEF Global Lighthouse", "世界经济论坛“灯塔工厂”",
               "World Economic Forum Global Lighthouse Network", ("site",),
               ("lighthouse", "sustainability_lighthouse")),
        Scheme("product_carbon_neutral", "Product carbon neutrality", "产品碳中和",
               "《产品碳中和实施通则》 group standard, China Association for Standardization, "
               "Dec 2023 (led by 上海环境能源交易所)", ("product",), evidence="D"),
        Scheme("other", "Other scheme", "其他认证", "named in the note", SUBJECTS),
    )
}  # fmt: skip
#: the zero-carbon schemes (their sites get a zero-carbon assessment each year)
ZERO_CARBON_SCHEMES: frozenset[str] = frozenset(
    {"zero_carbon_factory_cesi", "zero_carbon_factory_cieccpa", "carbon_neutral_building"}
)


@dataclass(frozen=True)
class Certificate:
    """A certificate as the rules see it (the store's row reduced to its facts).

    Attributes:
        key: the row's id (or any key naming it in reminders).
        subject_kind, subject_id: who holds it (a site code, a product id …).
        scheme: a key of :data:`SCHEMES`.
        level: the level awarded ("" when the scheme has none).
        issued: first day of validity.
        valid_until: last day of validity (None: no end).
        status: recorded status (:data:`STATUSES`).
    """

    key: str
    subject_kind: str
    subject_id: str
    scheme: str
    level: str
    issued: date
    valid_until: date | None
    status: str = "active"


@dataclass(frozen=True)
class Reminder:
    """A certificate to renew: ``days_left`` until ``valid_until`` (negative: expired that
    many days ago) and the window it falls in (90, 30 or 0 = expired)."""

    key: str
    subject_kind: str
    subject_id: str
    scheme: str
    valid_until: date
    days_left: int
    window: int

    @property
    def expired(self) -> bool:
        """The end of validity has passed."""
        return self.days_left < 0

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "key": self.key,
            "subject_kind": self.subject_kind,
            "subject_id": self.subject_id,
            "scheme": self.scheme,
            "valid_until": self.valid_until.isoformat(),
            "days_left": self.days_left,
            "window": self.window,
            "expired": self.expired,
        }


def check(
    subject_kind: str,
    subject_id: str,
    scheme: str,
    level: str,
    issued: date,
    valid_until: date | None,
    status: str = "active",
) -> None:
    """Check a certificate's fields.

    Raises:
        CertificateError: unknown subject kind, scheme or status; a subject the scheme does not
            certify; a level the scheme does not award; no subject id; ``valid_until`` before
            ``issued`` (each with its ``certs.err.*`` message and field).
    """
    if subject_kind not in SUBJECTS:
        raise CertificateError(msg("certs.err.subject_kind", value=subject_kind), "subject_kind")
    if not subject_id.strip():
        raise CertificateError(msg("certs.err.required", name="subject_id"), "subject_id")
    s = SCHEMES.get(scheme)
    if s is None:
        raise CertificateError(msg("certs.err.scheme", value=scheme), "scheme")
    if subject_kind not in s.subjects:
        raise CertificateError(
            msg("certs.err.scheme_subject", scheme=scheme, subject_kind=subject_kind),
            "subject_kind",
        )
    if s.levels and level and level not in s.levels:
        raise CertificateError(
            msg("certs.err.level", value=level, levels=", ".join(s.levels)), "level"
        )
    if status not in STATUSES:
        raise CertificateError(msg("certs.err.status", value=status), "status")
    if valid_until is not None and valid_until < issued:
        raise CertificateError(msg("certs.err.dates"), "valid_until")


def state(cert: Certificate, on: date) -> str:
    """The certificate's state on ``on`` (:data:`STATES`, module docstring)."""
    if cert.status == "withdrawn":
        return "withdrawn"
    if on < cert.issued:
        return "not_yet_valid"
    if cert.valid_until is None:
        return "valid"
    left = (cert.valid_until - on).days
    if left < 0:
        return "expired"
    if left <= REMINDER_WINDOWS[1]:
        return "expiring_30"
    if left <= REMINDER_WINDOWS[0]:
        return "expiring_90"
    return "valid"


def reminders(certs: Iterable[Certificate], on: date) -> list[Reminder]:
    """The certificates that expire within 90 days of ``on`` or have expired (withdrawn ones
    and those without an end left out), soonest end first, then by key."""
    out: list[Reminder] = []
    for c in certs:
        if c.status == "withdrawn" or c.valid_until is None:
            continue
        left = (c.valid_until - on).days
        if left > REMINDER_WINDOWS[0]:
            continue
        window = 0 if left < 0 else (30 if left <= REMINDER_WINDOWS[1] else 90)
        out.append(
            Reminder(c.key, c.subject_kind, c.subject_id, c.scheme, c.valid_until, left, window)
        )
    return sorted(out, key=lambda r: (r.valid_until, r.key))


def scheme_name(code: str, locale: str = "en") -> str:
    """The scheme's name in ``locale`` (``zh-CN``: Chinese; else English); the code itself when
    unknown."""
    s = SCHEMES.get(code)
    if s is None:
        return code
    return s.name_zh if locale.startswith("zh") else s.name_en
