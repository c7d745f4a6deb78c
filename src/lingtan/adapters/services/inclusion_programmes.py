"""Carbon-inclusion programmes, groups, accounts, partners, consent and member links (issue 18
item 1, decision 0088).

- programmes (``code`` unique): create, list, show, change the rules (validated by
  :mod:`lingtan.modules.inclusion.programmes`); each gets its own salt for subject hashes;
- groups (team, department, class, school): a class aggregates its members without naming them
  (:func:`group_summary` returns counts and sums only);
- accounts: a pseudonymous ``ref`` (``m-`` + 10 base32 characters, random) is the only public
  id; the subject's own id (employee id, member id) is hashed with the programme's salt and
  never stored. In a school programme a person account needs the guardian's consent (PIPL
  Art. 31 [K]: personal information of minors under 14);
- partners: a partner's HMAC secret is drawn with :mod:`secrets` and returned once;
- consent: an account's consent for a partner and action codes, revocable, optionally expiring;
  :func:`consent_allows` is what the push settler asks;
- member links: a link to the phone member page (no login); only the token's sha256 is stored,
  and :func:`resolve_member_link` finds it across organisations on a system session, like the
  supplier answer form.

Reading needs ``read``; changing ``edit_data``; every change of a programme, group, account,
partner or consent is an audited row. A refusal is an :class:`InclusionProgrammesError` keyed
``incl_prog.err.*``.
"""

from __future__ import annotations

import importlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError, Kind, keyed_refusal
from lingtan.adapters.store.inclusion_programmes import (
    InclusionAccountRow,
    InclusionConsentRow,
    InclusionGroupRow,
    InclusionMemberLinkRow,
    InclusionPartnerRow,
    InclusionProgrammeRow,
    token_hash,
)
from lingtan.adapters.store.models import utcnow
from lingtan.adapters.store.scoping import BYPASS_KEY, current_tenant, set_tenant
from lingtan.core.messages import Message, msg
from lingtan.modules.inclusion import programmes as pm
from lingtan.modules.inclusion.errors import InclusionError
from lingtan.modules.inclusion.rules import Cap, ProgrammeRules

PROGRAMME_FIELDS = ("code", "name", "audience", "region", "started", "points_per_kg",
                    "engagement_points", "caps", "expiry_months", "privacy_policy_version",
                    "status")  # fmt: skip
#: the fields of a programme that may change after creation
RULE_FIELDS = ("name", "region", "points_per_kg", "engagement_points", "caps", "expiry_months",
               "privacy_policy_version", "status")  # fmt: skip
GROUP_FIELDS = ("code", "kind", "name", "parent")
ACCOUNT_FIELDS = ("subject", "kind", "group", "site", "guardian_consent")
PARTNER_FIELDS = ("code", "name", "allowed_actions", "rate_per_s", "burst", "callback_url")
PROGRAMME_STATUSES = ("active", "closed")
#: days a member link stays valid by default
LINK_DAYS = 90
_REGION_RE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_LINE_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]{1,500}$")
_URL_RE = re.compile(r"^https?://[^\s\x00-\x1f]{1,490}$")
_SITE_RE = re.compile(r"^[A-Za-z0-9*][A-Za-z0-9._-]{0,59}$")


class InclusionProgrammesError(KeyedError):
    """A refused request of programmes, accounts, partners or consent: besides the English
    ``message`` it carries ``key`` (``incl_prog.err.*``) and ``params``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> InclusionProgrammesError:
    """An :class:`InclusionProgrammesError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(InclusionProgrammesError, kind, message, field)


def _from_module(exc: InclusionError) -> InclusionProgrammesError:
    return refused("invalid", exc.message, exc.field)


def _unknown(fields: dict[str, Any], allowed: Sequence[str]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise refused("invalid", msg("incl_prog.err.field", value=str(unknown[0])[:40]), unknown[0])


def _text(value: Any, name: str, *, required: bool = False, limit: int = 300) -> str | None:
    text = " ".join(str(value if value is not None else "").split())
    if not text:
        if required:
            raise refused("invalid", msg("incl_prog.err.required", name=name), name)
        return None
    if len(text) > limit or not _LINE_RE.match(text):
        raise refused("invalid", msg("incl_prog.err.text", name=name, limit=limit), name)
    return text


def _bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in ("true", "yes", "1", "y", "on"):
        return True
    if text in ("false", "no", "0", "n", "off", ""):
        return False
    raise refused("invalid", msg("incl_prog.err.bool", name=name, value=text[:40]), name)


def _date(value: Any, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise refused("invalid", msg("incl_prog.err.date", name=name, value=str(value)[:40]),
                      name) from None  # fmt: skip


def _datetime(value: Any, name: str) -> datetime | None:
    """A time as the store keeps it (naive UTC); a date means its midnight."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        try:
            dt = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise refused("invalid", msg("incl_prog.err.date", name=name, value=str(value)[:40]),
                          name) from None  # fmt: skip
    if dt.tzinfo is not None:
        from datetime import UTC

        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


def _module(call: Any, *args: Any) -> Any:
    """``call(*args)`` with a module error turned into a keyed refusal."""
    try:
        return call(*args)
    except InclusionError as exc:
        raise _from_module(exc) from exc


# ---- programmes -----------------------------------------------------------------------------


def _programme_by_code(db: Session, code: str) -> InclusionProgrammeRow | None:
    return db.scalar(select(InclusionProgrammeRow).where(InclusionProgrammeRow.code == code))


def get_programme(db: Session, ctx: Context, code: str) -> InclusionProgrammeRow:
    """One programme by its code.

    Raises:
        InclusionProgrammesError: 403; 404 (also another organisation's).
    """
    ctx.require("read")
    row = _programme_by_code(db, str(code or "").strip())
    if row is None:
        raise refused("not_found", msg("incl_prog.err.no_programme", value=str(code)[:60]),
                      "programme")  # fmt: skip
    return row


def list_programmes(db: Session, ctx: Context) -> list[InclusionProgrammeRow]:
    """The organisation's programmes by start date, then code."""
    ctx.require("read")
    rows = db.scalars(select(InclusionProgrammeRow).order_by(InclusionProgrammeRow.code))
    return sorted(rows, key=lambda r: (r.started or date.min, r.code))


def programme_rules(row: InclusionProgrammeRow) -> ProgrammeRules:
    """A programme's points rules as the module's :class:`ProgrammeRules`."""
    caps = {
        a: Cap(per_day=c.get("per_day"), per_month=c.get("per_month"))
        for a, c in (row.caps or {}).items()
    }
    return ProgrammeRules(
        points_per_kg=float(row.points_per_kg),
        engagement_points={a: int(p) for a, p in (row.engagement_points or {}).items()},
        caps=caps,
        expiry_months=row.expiry_months,
    )


def _check_programme_fields(fields: dict[str, Any], current: ProgrammeRules) -> dict[str, Any]:
    """Validated programme values of ``fields`` (the rules checked together, the missing ones
    taken from ``current``)."""
    out: dict[str, Any] = {}
    for k, v in fields.items():
        if k == "code":
            out[k] = _module(pm.check_code, v, "code")
        elif k == "name":
            out[k] = _text(v, k, required=True)
        elif k == "audience":
            out[k] = _module(pm.check_audience, v)
        elif k == "region":
            text = str(v or "").strip().upper()
            if not _REGION_RE.match(text):
                raise refused("invalid", msg("incl_prog.err.region", value=text[:20]), k)
            out[k] = text
        elif k == "started":
            out[k] = _date(v, k)
        elif k == "privacy_policy_version":
            out[k] = _text(v, k, required=True, limit=40)
        elif k == "status":
            out[k] = _module(pm.check_choice, v, PROGRAMME_STATUSES, "status")
    rules = _module(
        pm.check_rules,
        fields.get("points_per_kg", current.points_per_kg),
        fields.get("engagement_points", current.engagement_points),
        fields.get("caps", pm.caps_json(current.caps)),
        fields.get("expiry_months", current.expiry_months),
    )
    out.update(
        points_per_kg=rules.points_per_kg,
        engagement_points=dict(rules.engagement_points),
        caps=pm.caps_json(rules.caps),
        expiry_months=rules.expiry_months,
    )
    return out


def create_programme(db: Session, ctx: Context, fields: dict[str, Any]) -> InclusionProgrammeRow:
    """Add a programme: ``code``, ``name``, ``audience`` required; ``region`` (default ``CN``),
    ``started``, ``points_per_kg`` [points/kg CO2e, default 10], ``engagement_points``,
    ``caps``, ``expiry_months`` (default 24), ``privacy_policy_version`` (default ``1``).

    Raises:
        InclusionProgrammesError: 403; 409 the code is taken; 422 a field (named).
    """
    ctx.require("edit_data")
    _unknown(fields, PROGRAMME_FIELDS)
    for k in ("code", "name", "audience"):
        if not str(fields.get(k) or "").strip():
            raise refused("invalid", msg("incl_prog.err.required", name=k), k)
    values = _check_programme_fields(fields, ProgrammeRules())
    if _programme_by_code(db, values["code"]) is not None:
        raise refused("conflict", msg("incl_prog.err.programme_exists", value=values["code"]),
                      "code")  # fmt: skip
    values.setdefault("region", "CN")
    values.setdefault("privacy_policy_version", "1")
    row = InclusionProgrammeRow(**values, subject_salt=pm.new_salt())
    db.add(row)
    db.commit()
    return row


def update_programme(
    db: Session, ctx: Context, code: str, fields: dict[str, Any]
) -> InclusionProgrammeRow:
    """Change the rules, name, region, privacy policy version or status of a programme (its
    code, audience and start stay).

    Raises:
        InclusionProgrammesError: 403; 404; 422 a field (named).
    """
    ctx.require("edit_data")
    row = get_programme(db, ctx, code)
    _unknown(fields, RULE_FIELDS)
    values = _check_programme_fields(fields, programme_rules(row))
    for k, v in values.items():
        setattr(row, k, v)
    db.commit()
    return row


def programme_dict(row: InclusionProgrammeRow) -> dict[str, Any]:
    """A programme's fields as plain data (never its salt)."""
    return {"id": row.id, **{k: getattr(row, k) for k in PROGRAMME_FIELDS}}


# ---- groups ---------------------------------------------------------------------------------


def _group_by_code(db: Session, programme_id: int, code: str) -> InclusionGroupRow | None:
    return db.scalar(
        select(InclusionGroupRow).where(
            InclusionGroupRow.programme_id == programme_id, InclusionGroupRow.code == code
        )
    )


def create_group(
    db: Session, ctx: Context, programme_code: str, fields: dict[str, Any]
) -> InclusionGroupRow:
    """Add a group to a programme: ``code``, ``kind`` (team | department | class | school),
    ``name``, ``parent`` (another group's code).

    Raises:
        InclusionProgrammesError: 403; 404 programme; 409 code taken; 422 a field.
    """
    ctx.require("edit_data")
    prog = get_programme(db, ctx, programme_code)
    _unknown(fields, GROUP_FIELDS)
    code = _module(pm.check_code, fields.get("code"), "code")
    kind = _module(pm.check_choice, fields.get("kind") or "team", pm.GROUP_KINDS, "kind")
    name = _text(fields.get("name"), "name", required=True)
    parent = str(fields.get("parent") or "").strip() or None
    if _group_by_code(db, prog.id, code) is not None:
        raise refused("conflict", msg("incl_prog.err.group_exists", value=code), "code")
    if parent is not None and (parent == code or _group_by_code(db, prog.id, parent) is None):
        raise refused("invalid", msg("incl_prog.err.no_group", value=parent[:60]), "parent")
    row = InclusionGroupRow(programme_id=prog.id, code=code, kind=kind, name=name,
                            parent_code=parent)  # fmt: skip
    db.add(row)
    db.commit()
    return row


def list_groups(db: Session, ctx: Context, programme_code: str) -> list[InclusionGroupRow]:
    """The groups of a programme, by code."""
    prog = get_programme(db, ctx, programme_code)
    return list(
        db.scalars(
            select(InclusionGroupRow)
            .where(InclusionGroupRow.programme_id == prog.id)
            .order_by(InclusionGroupRow.code)
        )
    )


def get_group(db: Session, ctx: Context, programme_code: str, code: str) -> InclusionGroupRow:
    """One group of a programme.

    Raises:
        InclusionProgrammesError: 404.
    """
    prog = get_programme(db, ctx, programme_code)
    row = _group_by_code(db, prog.id, str(code or "").strip())
    if row is None:
        raise refused("not_found", msg("incl_prog.err.no_group", value=str(code)[:60]), "group")
    return row


def accounts_in_group(db: Session, programme_id: int, group_code: str) -> list[InclusionAccountRow]:
    """The person accounts of a group (not deleted), by ref."""
    return list(
        db.scalars(
            select(InclusionAccountRow)
            .where(
                InclusionAccountRow.programme_id == programme_id,
                InclusionAccountRow.group_code == group_code,
                InclusionAccountRow.kind == "person",
                InclusionAccountRow.status != "deleted",
            )
            .order_by(InclusionAccountRow.ref)
        )
    )


def _optional(module: str) -> Any | None:
    """Another slice's module when it is there (None while it is not)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _member_sums(db: Session, ids: list[int]) -> tuple[int | None, float | None]:
    """Σ balances [points] and Σ kg CO2e of accepted events of the accounts ``ids`` from the
    points ledger (issue 18 H3); ``(None, None)`` while the ledger is not there."""
    events = _optional("lingtan.adapters.services.inclusion_events")
    ledger = _optional("lingtan.adapters.store.inclusion_ledger")
    if events is None or not hasattr(events, "balance"):
        return None, None
    points = sum(int(events.balance(db, i)) for i in ids)
    row = getattr(ledger, "InclusionEventRow", None) if ledger is not None else None
    if row is None:
        return points, None
    kg = db.scalar(
        select(func.coalesce(func.sum(row.kg_co2e), 0.0)).where(
            row.account_id.in_(ids or [-1]), row.status == "accepted"
        )
    )
    return points, float(kg or 0.0)


def group_summary(
    db: Session, ctx: Context, programme_code: str, group_code: str
) -> dict[str, Any]:
    """What a group (a class, a team) shows without naming its members: ``members`` (person
    accounts not deleted), ``active``, ``points`` (Σ balances) and ``kg_co2e`` (Σ accepted
    events) — counts and sums only, never a ref or a subject (spec: a class account names no
    student). ``points``/``kg_co2e`` are null while the points ledger is not installed.

    Raises:
        InclusionProgrammesError: 403; 404.
    """
    group = get_group(db, ctx, programme_code, group_code)
    members = accounts_in_group(db, group.programme_id, group.code)
    points, kg = _member_sums(db, [a.id for a in members])
    return {
        "group": group.code,
        "kind": group.kind,
        "name": group.name,
        "members": len(members),
        "active": sum(1 for a in members if a.status == "active"),
        "points": points,
        "kg_co2e": kg,
    }


# ---- accounts -------------------------------------------------------------------------------


def _account_by_ref(db: Session, programme_id: int, ref: str) -> InclusionAccountRow | None:
    return db.scalar(
        select(InclusionAccountRow).where(
            InclusionAccountRow.programme_id == programme_id, InclusionAccountRow.ref == ref
        )
    )


def create_account(
    db: Session, ctx: Context, programme_code: str, fields: dict[str, Any]
) -> InclusionAccountRow:
    """Enrol an account: ``subject`` (the person's own id, hashed with the programme's salt and
    never stored; for a group account defaults to the group), ``kind`` (person | group),
    ``group`` (a group's code; required for a group account), ``site`` (the employee's site,
    for the category-7 feed), ``guardian_consent`` (required for a person in a school
    programme: PIPL Art. 31 [K]).

    Raises:
        InclusionProgrammesError: 403; 404 programme; 409 the subject is already enrolled or the
            programme closed; 422 a field.
    """
    ctx.require("edit_data")
    prog = get_programme(db, ctx, programme_code)
    _unknown(fields, ACCOUNT_FIELDS)
    if prog.status != "active":
        raise refused("conflict", msg("incl_prog.err.closed", value=prog.code), "programme")
    kind = _module(pm.check_choice, fields.get("kind") or "person", pm.ACCOUNT_KINDS, "kind")
    group = str(fields.get("group") or "").strip() or None
    if group is not None and _group_by_code(db, prog.id, group) is None:
        raise refused("invalid", msg("incl_prog.err.no_group", value=group[:60]), "group")
    if kind == "group" and group is None:
        raise refused("invalid", msg("incl_prog.err.required", name="group"), "group")
    site = str(fields.get("site") or "").strip() or None
    if site is not None and not _SITE_RE.match(site):
        raise refused("invalid", msg("incl_prog.err.code", name="site", value=site[:60]), "site")
    guardian = _bool(fields.get("guardian_consent"), "guardian_consent")
    if prog.audience == "school" and kind == "person" and not guardian:
        raise refused("invalid", msg("incl_prog.err.guardian"), "guardian_consent")
    subject = fields.get("subject")
    if kind == "group" and not str(subject or "").strip():
        subject = f"group:{group}"
    digest = _module(pm.subject_hash, prog.subject_salt, subject)
    taken = db.scalar(
        select(InclusionAccountRow.id).where(
            InclusionAccountRow.programme_id == prog.id, InclusionAccountRow.subject_hash == digest
        )
    )
    if taken is not None:
        raise refused("conflict", msg("incl_prog.err.enrolled"), "subject")
    ref = pm.new_account_ref()
    while _account_by_ref(db, prog.id, ref) is not None:  # pragma: no cover - 2^-50 a draw
        ref = pm.new_account_ref()
    row = InclusionAccountRow(programme_id=prog.id, ref=ref, subject_hash=digest, kind=kind,
                              group_code=group, site_code=site, status="active",
                              guardian_consent=guardian)  # fmt: skip
    db.add(row)
    try:
        db.commit()
    except IntegrityError:  # pragma: no cover - a concurrent enrolment of the same subject
        db.rollback()
        raise refused("conflict", msg("incl_prog.err.enrolled"), "subject") from None
    return row


def find_account(
    db: Session, ctx: Context, programme_code: str, subject: str
) -> InclusionAccountRow:
    """The account of a subject (by the hash of their own id; e.g. an employee signing in).

    Raises:
        InclusionProgrammesError: 404.
    """
    prog = get_programme(db, ctx, programme_code)
    digest = _module(pm.subject_hash, prog.subject_salt, subject)
    row = db.scalar(
        select(InclusionAccountRow).where(
            InclusionAccountRow.programme_id == prog.id, InclusionAccountRow.subject_hash == digest
        )
    )
    if row is None:
        raise refused("not_found", msg("incl_prog.err.no_account", value="-"), "subject")
    return row


def get_account(db: Session, ctx: Context, programme_code: str, ref: str) -> InclusionAccountRow:
    """One account of a programme by its pseudonymous ref.

    Raises:
        InclusionProgrammesError: 403; 404.
    """
    prog = get_programme(db, ctx, programme_code)
    row = _account_by_ref(db, prog.id, str(ref or "").strip())
    if row is None:
        raise refused("not_found", msg("incl_prog.err.no_account", value=str(ref)[:40]), "ref")
    return row


def list_accounts(
    db: Session,
    ctx: Context,
    programme_code: str,
    *,
    group: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[InclusionAccountRow]:
    """Accounts of a programme by ref (optionally of one group), ``limit`` at most 1000."""
    prog = get_programme(db, ctx, programme_code)
    q = select(InclusionAccountRow).where(InclusionAccountRow.programme_id == prog.id)
    if group:
        q = q.where(InclusionAccountRow.group_code == group)
    limit = max(1, min(int(limit), 1000))
    return list(db.scalars(q.order_by(InclusionAccountRow.ref).limit(limit).offset(max(0, offset))))


def count_accounts(db: Session, programme_id: int) -> dict[str, int]:
    """Accounts of a programme by status (``active``, ``closed``, ``deleted``)."""
    rows = db.execute(
        select(InclusionAccountRow.status, func.count())
        .where(InclusionAccountRow.programme_id == programme_id)
        .group_by(InclusionAccountRow.status)
    ).all()
    return {str(s): int(n) for s, n in rows}


def account_dict(row: InclusionAccountRow) -> dict[str, Any]:
    """An account as shown: its ref and attributes, never its subject hash."""
    return {
        "ref": row.ref,
        "kind": row.kind,
        "group": row.group_code,
        "site": row.site_code,
        "status": row.status,
        "guardian_consent": row.guardian_consent,
        "created_at": row.created_at,
        "deleted_at": row.deleted_at,
    }


# ---- partners -------------------------------------------------------------------------------


def _partner_by_code(db: Session, code: str) -> InclusionPartnerRow | None:
    return db.scalar(select(InclusionPartnerRow).where(InclusionPartnerRow.code == code))


def _actions(value: Any, name: str) -> list[str]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    if not isinstance(value, list | tuple) or not value:
        raise refused("invalid", msg("incl_prog.err.required", name=name), name)
    return sorted({_module(pm.check_action, v, name) for v in value})


def _number(value: Any, name: str, lo: float, hi: float) -> float:
    try:
        x = float(value) if not isinstance(value, bool) else float("nan")
    except (TypeError, ValueError):
        x = float("nan")
    if not lo <= x <= hi:
        raise refused("invalid", msg("incl_prog.err.range", name=name, lo=lo, hi=hi), name)
    return x


def create_partner(
    db: Session, ctx: Context, fields: dict[str, Any]
) -> tuple[InclusionPartnerRow, str]:
    """Add a partner: ``code``, ``name``, ``allowed_actions`` (action codes) required;
    ``rate_per_s`` [requests/s, default 50], ``burst`` [requests, default 100], ``callback_url``
    (http/https). Returns the row and its HMAC secret (``ips_`` + 43 URL-safe characters,
    256 bits from :mod:`secrets`), shown this once.

    Raises:
        InclusionProgrammesError: 403; 409 code taken; 422 a field.
    """
    ctx.require("edit_data")
    _unknown(fields, PARTNER_FIELDS)
    code = _module(pm.check_code, fields.get("code"), "code")
    name = _text(fields.get("name"), "name", required=True)
    actions = _actions(fields.get("allowed_actions"), "allowed_actions")
    rate = _number(fields.get("rate_per_s", 50.0), "rate_per_s", 0.1, 100_000)
    burst = int(_number(fields.get("burst", 100), "burst", 1, 1_000_000))
    url = str(fields.get("callback_url") or "").strip() or None
    if url is not None and not _URL_RE.match(url):
        raise refused("invalid", msg("incl_prog.err.url"), "callback_url")
    if _partner_by_code(db, code) is not None:
        raise refused("conflict", msg("incl_prog.err.partner_exists", value=code), "code")
    secret = "ips_" + secrets.token_urlsafe(32)
    row = InclusionPartnerRow(code=code, name=name, hmac_secret=secret, allowed_actions=actions,
                              rate_per_s=rate, burst=burst, callback_url=url)  # fmt: skip
    db.add(row)
    db.commit()
    return row, secret


def get_partner(db: Session, ctx: Context, code: str) -> InclusionPartnerRow:
    """One partner by its code.

    Raises:
        InclusionProgrammesError: 403; 404.
    """
    ctx.require("read")
    row = _partner_by_code(db, str(code or "").strip())
    if row is None:
        raise refused("not_found", msg("incl_prog.err.no_partner", value=str(code)[:60]),
                      "partner")  # fmt: skip
    return row


def list_partners(db: Session, ctx: Context) -> list[InclusionPartnerRow]:
    """The organisation's partners by code."""
    ctx.require("read")
    return list(db.scalars(select(InclusionPartnerRow).order_by(InclusionPartnerRow.code)))


def set_partner_status(db: Session, ctx: Context, code: str, status: str) -> InclusionPartnerRow:
    """Suspend (``suspended``) or reactivate (``active``) a partner: a suspended partner's
    pushes are refused (:func:`consent_allows` is false).

    Raises:
        InclusionProgrammesError: 403; 404; 422 status.
    """
    ctx.require("edit_data")
    row = get_partner(db, ctx, code)
    row.status = _module(pm.check_choice, status, ("active", "suspended"), "status")
    db.commit()
    return row


def partner_dict(row: InclusionPartnerRow) -> dict[str, Any]:
    """A partner as shown: never its secret."""
    return {k: getattr(row, k) for k in ("code", "name", "allowed_actions", "rate_per_s", "burst",
                                           "callback_url", "status", "created_at")}  # fmt: skip


# ---- consent --------------------------------------------------------------------------------


def _live_consents(db: Session, account_id: int, partner_code: str) -> list[InclusionConsentRow]:
    return list(
        db.scalars(
            select(InclusionConsentRow).where(
                InclusionConsentRow.account_id == account_id,
                InclusionConsentRow.partner_code == partner_code,
                InclusionConsentRow.revoked_at.is_(None),
            )
        )
    )


def grant_consent(
    db: Session,
    ctx: Context,
    programme_code: str,
    ref: str,
    partner_code: str,
    scopes: Sequence[str],
    *,
    expires_at: datetime | date | str | None = None,
    evidence: str = "",
) -> InclusionConsentRow:
    """Record an account's consent for ``partner_code`` to push the actions of ``scopes`` (each
    one the partner is allowed), until ``expires_at`` (None: until revoked), with its
    ``evidence`` (where and how it was given, e.g. the partner app's consent record id). A new
    consent replaces the account's earlier one for that partner (which is revoked).

    Raises:
        InclusionProgrammesError: 403; 404 account or partner; 409 the account is not active;
            422 a scope the partner is not allowed, an expiry in the past.
    """
    ctx.require("edit_data")
    account = get_account(db, ctx, programme_code, ref)
    partner = get_partner(db, ctx, partner_code)
    if account.status != "active":
        raise refused("conflict", msg("incl_prog.err.inactive", value=account.ref), "ref")
    wanted = _actions(list(scopes) if not isinstance(scopes, str) else scopes, "scopes")
    for action in wanted:
        if action not in partner.allowed_actions:
            raise refused("invalid", msg("incl_prog.err.scope", value=action, partner=partner.code),
                          "scopes")  # fmt: skip
    now = utcnow()
    until = _datetime(expires_at, "expires_at")
    if until is not None and until <= now:
        raise refused("invalid", msg("incl_prog.err.expired"), "expires_at")
    for old in _live_consents(db, account.id, partner.code):
        old.revoked_at = now
    row = InclusionConsentRow(account_id=account.id, partner_code=partner.code, scopes=wanted,
                              granted_at=now, expires_at=until,
                              evidence=_text(evidence, "evidence", limit=500) or "")  # fmt: skip
    db.add(row)
    db.commit()
    return row


def revoke_consent(
    db: Session, ctx: Context, programme_code: str, ref: str, partner_code: str
) -> int:
    """Revoke the account's consent for a partner (from now on; pushes already settled stay).
    Returns how many consents were revoked (0: there was none).

    Raises:
        InclusionProgrammesError: 403; 404.
    """
    ctx.require("edit_data")
    account = get_account(db, ctx, programme_code, ref)
    now = utcnow()
    rows = _live_consents(db, account.id, str(partner_code or "").strip())
    for row in rows:
        row.revoked_at = now
    db.commit()
    return len(rows)


def list_consents(
    db: Session, ctx: Context, programme_code: str, ref: str
) -> list[InclusionConsentRow]:
    """Every consent of an account (revoked ones too), newest first."""
    account = get_account(db, ctx, programme_code, ref)
    return list(
        db.scalars(
            select(InclusionConsentRow)
            .where(InclusionConsentRow.account_id == account.id)
            .order_by(InclusionConsentRow.granted_at.desc(), InclusionConsentRow.id.desc())
        )
    )


def partner_consents(db: Session, ctx: Context, partner_code: str) -> dict[str, int]:
    """A partner's consents: ``live`` (not revoked, not expired now), ``revoked``, ``expired``."""
    partner = get_partner(db, ctx, partner_code)
    now = utcnow()
    rows = db.scalars(
        select(InclusionConsentRow).where(InclusionConsentRow.partner_code == partner.code)
    )
    out = {"live": 0, "revoked": 0, "expired": 0}
    for r in rows:
        state = consent_state(r, now)
        out[state] += 1
    return out


def consent_state(row: InclusionConsentRow, at: datetime) -> str:
    """``revoked``, ``expired`` (at ``at``) or ``live``."""
    if row.revoked_at is not None and row.revoked_at <= at:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= at:
        return "expired"
    return "live"


def consent_dict(row: InclusionConsentRow, at: datetime) -> dict[str, Any]:
    """A consent as shown, with its state at ``at``."""
    return {
        "partner": row.partner_code,
        "scopes": list(row.scopes),
        "granted_at": row.granted_at,
        "expires_at": row.expires_at,
        "revoked_at": row.revoked_at,
        "evidence": row.evidence,
        "state": consent_state(row, at),
    }


def consent_allows(
    db: Session, account_id: int, partner_code: str, action: str, at: datetime
) -> bool:
    """True when, at ``at`` (naive UTC or aware), the account (active) has a consent for
    ``partner_code`` granted by then, not revoked by then, not expired, with ``action`` in its
    scopes, and the partner (active) is allowed ``action``. ``db`` must be scoped to the
    account's organisation."""
    when = _datetime(at, "at") or utcnow()
    partner = _partner_by_code(db, partner_code)
    if partner is None or partner.status != "active" or action not in partner.allowed_actions:
        return False
    account = db.get(InclusionAccountRow, account_id)
    if account is None or account.status != "active":
        return False
    for row in db.scalars(
        select(InclusionConsentRow).where(
            InclusionConsentRow.account_id == account_id,
            InclusionConsentRow.partner_code == partner_code,
        )
    ):
        if row.granted_at <= when and consent_state(row, when) == "live" and action in row.scopes:
            return True
    return False


# ---- member links ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRef:
    """Whom a member link opens the page of."""

    organisation_id: int
    org_slug: str
    programme_code: str
    account_id: int
    account_ref: str


def issue_member_link(
    db: Session, ctx: Context, programme_code: str, ref: str, *, days: int = LINK_DAYS
) -> str:
    """A new link token to the account's member page (``ml_`` + 43 URL-safe characters),
    valid ``days`` (1–365); the account's earlier links stop working. Returned once: only its
    sha256 is stored.

    Raises:
        InclusionProgrammesError: 403; 404; 409 the account is not active; 422 days.
    """
    ctx.require("edit_data")
    if not 1 <= int(days) <= 365:
        raise refused("invalid", msg("incl_prog.err.range", name="days", lo=1, hi=365), "days")
    account = get_account(db, ctx, programme_code, ref)
    if account.status != "active":
        raise refused("conflict", msg("incl_prog.err.inactive", value=account.ref), "ref")
    now = utcnow()
    revoke_links_of(db, account.id, now)
    token = "ml_" + secrets.token_urlsafe(32)
    until = now + timedelta(days=int(days))
    db.add(InclusionMemberLinkRow(account_id=account.id, token_hash=token_hash(token),
                                  created_at=now, expires_at=until))  # fmt: skip
    db.commit()
    return token


def revoke_links_of(db: Session, account_id: int, now: datetime) -> int:
    rows = list(
        db.scalars(
            select(InclusionMemberLinkRow).where(
                InclusionMemberLinkRow.account_id == account_id,
                InclusionMemberLinkRow.revoked_at.is_(None),
            )
        )
    )
    for row in rows:
        row.revoked_at = now
    return len(rows)


def resolve_member_link(db: Session, token: str) -> MemberRef | None:
    """Whose member page ``token`` opens, or None (unknown, expired, revoked, account not
    active). The look-up by hash is the one statement that crosses organisations (the
    ``tenant_bypass`` option); it then scopes ``db`` to the link's organisation."""
    from lingtan.adapters.store.tenancy import Organisation

    if not str(token or "").startswith("ml_"):
        return None
    link = db.scalars(
        select(InclusionMemberLinkRow)
        .where(InclusionMemberLinkRow.token_hash == token_hash(str(token)))
        .execution_options(**{BYPASS_KEY: True})
    ).one_or_none()
    now = utcnow()
    if link is None or link.revoked_at is not None or link.expires_at <= now:
        return None
    org_id = current_tenant(db)
    if org_id is not None and org_id != link.organisation_id:
        return None
    if org_id is None:
        set_tenant(db, link.organisation_id)
    account = db.get(InclusionAccountRow, link.account_id)
    org = db.get(Organisation, link.organisation_id)
    if account is None or org is None or account.status != "active":
        return None
    prog = db.get(InclusionProgrammeRow, account.programme_id)
    if prog is None:  # pragma: no cover - cascaded with the programme
        return None
    return MemberRef(org.id, str(org.slug), prog.code, account.id, account.ref)


def revoke_member_links(db: Session, ctx: Context, programme_code: str, ref: str) -> int:
    """Revoke every link of an account; how many were live."""
    ctx.require("edit_data")
    account = get_account(db, ctx, programme_code, ref)
    n = revoke_links_of(db, account.id, utcnow())
    db.commit()
    return n
