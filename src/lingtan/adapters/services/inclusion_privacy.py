"""A member's rights over their carbon-inclusion data (PIPL Art. 45 copy, Art. 47 deletion [K];
issue 18 "Privacy"; decision 0088).

- :func:`export_person`: everything lingtan holds about one account as JSON-able data — the
  account (its pseudonymous ref, never the subject hash), its group and site, its consents and
  member links (dates only), and its events and points from the points ledger
  (``account_history`` of :mod:`lingtan.adapters.services.inclusion_events`, when installed);
- :func:`delete_person`: erases the subject hash (the account can no longer be linked to the
  person), revokes every consent and member link, marks the account ``deleted``, and asks the
  ledger to erase the events' personal details (``erase_account_events``: evidence hash,
  product, free text). The points entries stay: they hold no personal data and the ledger's hash
  chain (and the programme's liability) must stay verifiable.

Both need ``edit_data`` for the administrator's path (the member page calls them for the
member's own account). Each deletion is an audited change of the account and its consents.
"""

from __future__ import annotations

import importlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services import inclusion_programmes as ip
from lingtan.adapters.services.context import Context, jsonable
from lingtan.adapters.store.inclusion_programmes import (
    InclusionConsentRow,
    InclusionMemberLinkRow,
)
from lingtan.adapters.store.models import utcnow

#: the version of the export's layout
EXPORT_FORMAT = "lingtan.inclusion.export/1"


def _events_service() -> Any | None:
    """The points ledger's service (issue 18 H3) when installed."""
    try:
        return importlib.import_module("lingtan.adapters.services.inclusion_events")
    except ImportError:
        return None


def export_person(db: Session, ctx: Context, programme_code: str, ref: str) -> dict[str, Any]:
    """The account's data as JSON-able data (module docstring): ``format``, ``exported_at``,
    ``programme`` (code, name, privacy policy version), ``account``, ``consents``,
    ``member_links``, ``history`` (events and points, or null with ``history_available``
    false while the ledger is not installed).

    Raises:
        InclusionProgrammesError: 403; 404.
    """
    ctx.require("read")
    prog = ip.get_programme(db, ctx, programme_code)
    account = ip.get_account(db, ctx, programme_code, ref)
    now = utcnow()
    consents = [ip.consent_dict(c, now) for c in ip.list_consents(db, ctx, programme_code, ref)]
    links = [
        {"created_at": m.created_at, "expires_at": m.expires_at, "revoked_at": m.revoked_at}
        for m in db.scalars(
            select(InclusionMemberLinkRow)
            .where(InclusionMemberLinkRow.account_id == account.id)
            .order_by(InclusionMemberLinkRow.id)
        )
    ]
    events = _events_service()
    history: list[dict[str, Any]] | None = None
    if events is not None and hasattr(events, "account_history"):
        history = list(events.account_history(db, ctx, programme_code, account.ref))
    out = {
        "format": EXPORT_FORMAT,
        "exported_at": now,
        "programme": {
            "code": prog.code,
            "name": prog.name,
            "privacy_policy_version": prog.privacy_policy_version,
        },
        "account": ip.account_dict(account),
        "consents": consents,
        "member_links": links,
        "history_available": history is not None,
        "history": history,
    }
    result: dict[str, Any] = jsonable(out)
    return result


def delete_person(db: Session, ctx: Context, programme_code: str, ref: str) -> None:
    """Erase a person (module docstring). Deleting a deleted account again changes nothing.

    Raises:
        InclusionProgrammesError: 403; 404.
    """
    ctx.require("edit_data")
    account = ip.get_account(db, ctx, programme_code, ref)
    now = utcnow()
    for c in db.scalars(
        select(InclusionConsentRow).where(
            InclusionConsentRow.account_id == account.id, InclusionConsentRow.revoked_at.is_(None)
        )
    ):
        c.revoked_at = now
    ip.revoke_links_of(db, account.id, now)
    if account.status != "deleted":
        account.subject_hash = None
        account.status = "deleted"
        account.deleted_at = now
    db.flush()
    events = _events_service()
    if events is not None and hasattr(events, "erase_account_events"):
        events.erase_account_events(db, account.id)
    db.commit()
