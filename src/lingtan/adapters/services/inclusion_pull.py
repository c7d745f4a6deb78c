"""The pull connector for step counts (issue 18 item 6, decision 0090): lingtan reads a partner's
JSON feed instead of waiting for its push.

A source (``inclusion_pull_source``) names the feed (``http(s)://…`` — requested with
``?after=<cursor>`` — or ``file:///…``, a file the partner drops, configurable from the command
line only: through the API it would let an editor read the server's files), the programme and
partner it feeds and the action (``steps.donate`` by default). The feed is a JSON list of items, or
``{"items": [...]}``; each item::

    {"seq": 42, "account": "m-ABCDEFGHJK", "steps": 8500,
     "occurred_at": "2026-12-01T20:00:00+08:00"}

``seq`` is the feed's own increasing integer. :func:`pull` takes the items after the stored
cursor, settles them exactly as pushed events are (consent per account × partner × action,
H3's ``record_events``, a receipt each; external id ``pull:<source>:<seq>``, so a feed read
twice changes nothing) and stores the new cursor (the largest ``seq``) in the same transaction.
A malformed feed (not JSON, an item without an integer ``seq``) is refused as a whole, naming the
item; the cursor does not move.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.io.inclusion_wal import Topic
from lingtan.adapters.services.context import Context, LocalContext
from lingtan.adapters.services.errors import KeyedError, Kind, keyed_refusal
from lingtan.adapters.services.inclusion_push import Incoming, SettleResult, settle_group
from lingtan.adapters.store.inclusion_push import PullSourceRow
from lingtan.adapters.store.models import utcnow
from lingtan.adapters.store.scoping import current_tenant
from lingtan.core.messages import msg

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
#: the largest feed read [bytes]
MAX_FEED = 16 * 1024 * 1024
#: timeout of one feed request [s]
TIMEOUT_S = 10.0

#: ``fetch(url, cursor) -> bytes`` (raises ``OSError`` when unreachable)
Fetcher = Callable[[str, str | None], bytes]


def refusal(kind: Kind, key: str, field: str | None = None, **params: Any) -> KeyedError:
    """A keyed refusal of the push service (``incl_push.err.*``)."""
    return keyed_refusal(KeyedError, kind, msg(key, **params), field)


def fetch_feed(url: str, cursor: str | None) -> bytes:
    """The feed's bytes: a file (``file://``) as it is, an http(s) feed after ``cursor``.

    Raises:
        OSError: unreachable, or another scheme.
    """
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "file":
        return Path(urllib.parse.unquote(parsed.path)).read_bytes()[: MAX_FEED + 1]
    if parsed.scheme not in ("http", "https"):
        raise OSError(f"unsupported feed scheme {parsed.scheme!r}")
    if cursor is not None:
        url += ("&" if parsed.query else "?") + urllib.parse.urlencode({"after": cursor})
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as answer:
        return bytes(answer.read(MAX_FEED + 1))


def add_source(db: Session, ctx: Context, fields: Mapping[str, Any]) -> PullSourceRow:
    """A new pull source (``code``, ``programme``, ``partner``, ``url``, ``action``).

    Raises:
        KeyedError: a code, URL or action not valid, an unknown programme or partner, a code
            already used.
    """
    from lingtan.adapters.services.inclusion_programmes import get_partner, get_programme
    from lingtan.modules.inclusion.actions import action as action_type

    ctx.require("edit_data")
    code = str(fields.get("code") or "")
    url = str(fields.get("url") or "")
    action = str(fields.get("action") or "steps.donate")
    if not CODE.match(code):
        raise refusal("invalid", "incl_push.err.code", "code")
    scheme = urllib.parse.urlparse(url).scheme
    if scheme not in ("http", "https", "file") or len(url) > 500:
        raise refusal("invalid", "incl_push.err.url", "url")
    if scheme == "file" and not isinstance(ctx, LocalContext):  # a server's files: not via API
        raise refusal("invalid", "incl_push.err.file_feed", "url")
    if action_type(action) is None:
        raise refusal("invalid", "incl_push.err.action", "action", action=action)
    programme = get_programme(db, ctx, str(fields.get("programme") or ""))
    partner = get_partner(db, ctx, str(fields.get("partner") or ""))
    if db.scalar(select(PullSourceRow.id).where(PullSourceRow.code == code)) is not None:
        raise refusal("conflict", "incl_push.err.source_exists", "code", code=code)
    row = PullSourceRow(
        code=code, programme_code=programme.code, partner_code=partner.code, url=url, action=action
    )
    db.add(row)
    db.commit()
    return row


def list_sources(db: Session, ctx: Context) -> list[PullSourceRow]:
    """The organisation's pull sources, by code."""
    ctx.require("read")
    return list(db.scalars(select(PullSourceRow).order_by(PullSourceRow.code)))


@dataclass(frozen=True)
class PullResult:
    """One pull: the items read after the cursor, the settlement, the new cursor."""

    source: str
    items: int
    settled: SettleResult
    cursor: str | None


def feed_items(data: bytes, cursor: str | None) -> list[Mapping[str, Any]]:
    """The feed's items after ``cursor``, by ``seq``.

    Raises:
        KeyedError: not JSON, not a list of items, an item without an integer ``seq``.
    """
    if len(data) > MAX_FEED:
        raise refusal("too_large", "incl_push.err.feed_too_large", "url")
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise refusal("invalid", "incl_push.err.feed", "url") from None
    items = doc.get("items") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise refusal("invalid", "incl_push.err.feed", "items")
    after = int(cursor) if cursor and cursor.lstrip("-").isdigit() else None
    out: list[Mapping[str, Any]] = []
    for i, item in enumerate(items):
        seq = item.get("seq") if isinstance(item, dict) else None
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise refusal("invalid", "incl_push.err.feed_seq", f"items[{i}].seq", row=i + 1)
        if after is None or seq > after:
            out.append(item)
    return sorted(out, key=lambda item: int(item["seq"]))


def pull(db: Session, ctx: Context, code: str, *, fetch: Fetcher = fetch_feed) -> PullResult:
    """Read source ``code``'s feed after its cursor and settle the new items (module docstring).

    Raises:
        KeyedError: unknown source; the feed unreachable or malformed (the cursor stays).
    """
    ctx.require("edit_data")
    source = db.scalar(select(PullSourceRow).where(PullSourceRow.code == code))
    if source is None:
        raise refusal("not_found", "incl_push.err.source", "code", code=code)
    try:
        data = fetch(source.url, source.cursor)
    except OSError as exc:
        source.last_error, source.last_run_at = f"{type(exc).__name__}"[:300], utcnow()
        db.commit()
        raise refusal("conflict", "incl_push.err.feed_unreachable", "url", code=code) from None
    items = feed_items(data, source.cursor)
    incoming = [
        Incoming(
            {
                "external_id": f"pull:{source.code}:{item['seq']}",
                "account": item.get("account"),
                "action": source.action,
                "quantity": item.get("steps", item.get("quantity")),
                "unit": "steps",
                "occurred_at": item.get("occurred_at"),
            },
            time.time(),
        )
        for item in items
    ]
    organisation_id = current_tenant(db)
    assert organisation_id is not None  # a tenant session (scoping)
    topic = Topic(organisation_id, source.programme_code, source.partner_code)
    settled = settle_group(db, ctx, topic, incoming, source="pull") if incoming else SettleResult()
    if items:
        source.cursor = str(items[-1]["seq"])
    source.last_run_at, source.last_count, source.last_error = utcnow(), len(items), None
    db.commit()
    return PullResult(source.code, len(items), settled, source.cursor)
