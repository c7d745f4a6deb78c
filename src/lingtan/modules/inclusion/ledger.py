"""The hash chain of a programme's points ledger (issue 18 item 4: "append-only and
hash-chained, like the audit log").

Each entry's ``hash`` is the sha256 of the canonical JSON (sorted keys, no blanks, UTF-8 — the
form of :func:`lingtan.adapters.store.audit.entry_hash`) of its fields and the previous entry's
hash; the first entry of a programme follows :data:`GENESIS`. Editing, reordering or deleting an
entry breaks the chain from there on, and :func:`verify` names the first bad entry. The derived
figure ``balance_after`` is checked too: it must be the account's previous balance + ``delta``.

Pure: no store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

#: the previous hash of a programme's first entry (as the audit log's)
GENESIS = "0" * 64
#: the reasons of an entry
REASONS = ("earn", "redeem", "expire", "adjust", "reversal")


@dataclass(frozen=True)
class Link:
    """The hashed fields of one ledger entry (``expires_at`` a date or None; ``created_at``
    naive UTC)."""

    organisation_id: int
    programme_id: int
    account_id: int
    seq: int
    delta: int
    reason: str
    ref: str
    balance_after: int
    expires_at: date | None
    created_at: datetime
    prev_hash: str
    hash: str = ""


def link_hash(link: Link) -> str:
    """sha256 hex of the canonical JSON of ``link``'s fields and its ``prev_hash``."""
    doc = {
        "organisation_id": int(link.organisation_id),
        "programme_id": int(link.programme_id),
        "account_id": int(link.account_id),
        "seq": int(link.seq),
        "delta": int(link.delta),
        "reason": link.reason,
        "ref": link.ref,
        "balance_after": int(link.balance_after),
        "expires_at": link.expires_at.isoformat() if link.expires_at else None,
        "created_at": link.created_at.isoformat(timespec="microseconds"),
        "prev_hash": link.prev_hash,
    }
    data = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    """Result of :func:`verify`: ``entries`` checked, the first bad entry's ``seq`` and the
    catalogue key of the ``reason`` (``incl_ev.chain.*``), the ``head`` hash."""

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str = ""
    head: str = GENESIS


def verify(links: Iterable[Link]) -> ChainCheck:
    """Walk one programme's entries in ``seq`` order and report the first broken link: a gap in
    ``seq``, a ``prev_hash`` that is not the previous hash, a ``hash`` that does not match the
    fields, or a ``balance_after`` that is not the account's previous balance + ``delta``."""
    prev, n, expected_seq = GENESIS, 0, 1
    balances: dict[int, int] = {}
    for link in links:
        n += 1
        bad = ""
        if link.seq != expected_seq:
            bad = "incl_ev.chain.seq"
        elif link.prev_hash != prev:
            bad = "incl_ev.chain.prev"
        elif link_hash(link) != link.hash:
            bad = "incl_ev.chain.hash"
        elif balances.get(link.account_id, 0) + link.delta != link.balance_after:
            bad = "incl_ev.chain.balance"
        if bad:
            return ChainCheck(False, n, link.seq, bad, prev)
        balances[link.account_id] = link.balance_after
        prev, expected_seq = link.hash, link.seq + 1
    return ChainCheck(True, n, head=prev)
