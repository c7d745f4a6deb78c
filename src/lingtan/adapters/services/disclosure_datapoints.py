"""Disclosure datapoints entered by hand, and their review (issue 19 item 3, decision 0097).

Some figures a framework asks for are not in lingtan's data: the internal carbon price (IFRS S2
29(f), [currency / t CO2e], and how it is applied) and the capital deployed towards
climate-related risks and opportunities (29(e), [currency]). They are entered per fiscal year
(:data:`lingtan.modules.disclosure.frameworks.DATAPOINTS` lists the keys) and go through
``entered`` → ``reviewed`` → ``approved``; changing the value, unit or text starts again at
``entered``. The framework mapping counts a datapoint ``complete`` once approved, ``partial``
before (:mod:`lingtan.modules.disclosure.mapping`).

Reading needs ``read``, changing ``edit_data``; every change is an audited row. A refusal is a
:class:`DatapointError` with its catalogue key (``disc_map.err.datapoint.*``) and parameters.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError, Kind, keyed_refusal
from lingtan.adapters.store.disclosure_datapoints import DisclosureDatapointRow
from lingtan.core.errors import LingtanError
from lingtan.core.messages import Message, msg
from lingtan.modules.disclosure.frameworks import DATAPOINTS

#: the review states, in order
STATUSES = ("entered", "reviewed", "approved")
#: the largest value accepted (a currency amount or price) — beyond it is a typing error
MAX_VALUE = 1e15
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_PER_T_RE = re.compile(r"^([A-Za-z]{3})\s*/\s*t\s*CO2e$", re.IGNORECASE)
_TEXT_RE = re.compile(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]*$")
_LIMITS = {"text": 2000, "source": 500}


class DatapointError(KeyedError):
    """A refused datapoint request: besides the English ``message`` it carries ``key``
    (``disc_map.err.datapoint.*``) and ``params``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> DatapointError:
    """A :class:`DatapointError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(DatapointError, kind, message, field)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# ---- fields ---------------------------------------------------------------------------------


def check_key(key: str) -> str:
    """``key`` when it is a datapoint of :data:`DATAPOINTS`; refused (invalid) otherwise."""
    if key not in DATAPOINTS:
        raise refused("invalid", msg("disc_map.err.datapoint.key", value=str(key)[:80],
                                     keys=", ".join(DATAPOINTS)), "key")  # fmt: skip
    return key


def fiscal_year_of(ctx: Context, fiscal_year: str) -> str:
    """``fiscal_year`` (``FY2023/24``, ``FY2023-24``, ``2023/24``) as the workspace's calendar
    names it; refused (invalid) when the calendar does not read it."""
    text = str(fiscal_year or "").strip()
    try:
        return ctx.workspace().config.period(text.replace("-", "/")).label
    except (LingtanError, ValueError):
        raise refused("invalid", msg("disc_map.err.datapoint.year", value=text[:20]),
                      "fiscal_year") from None  # fmt: skip


def check_unit(key: str, unit: Any) -> str:
    """The unit of datapoint ``key`` normalised: ``CNY/t CO2e`` (a price per tonne CO2e, ISO 4217
    currency code) or ``CNY`` (an amount); refused (invalid) otherwise."""
    rule = DATAPOINTS[key][1]
    text = str(unit or "").strip()
    if rule == "currency_per_t":
        m = _PER_T_RE.match(text)
        if m:
            return f"{m.group(1).upper()}/t CO2e"
    elif _CURRENCY_RE.match(text.upper()):
        return text.upper()
    example = "CNY/t CO2e" if rule == "currency_per_t" else "CNY"
    raise refused("invalid", msg("disc_map.err.datapoint.unit", value=text[:40], example=example),
                  "unit")  # fmt: skip


def check_value(value: Any) -> float:
    """A finite number 0 … :data:`MAX_VALUE`; refused (invalid) otherwise."""
    try:
        number = (
            float(str(value).strip().replace(",", "")) if isinstance(value, str) else float(value)
        )
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < 0 or number > MAX_VALUE:
        raise refused("invalid", msg("disc_map.err.datapoint.value", value=str(value)[:40]),
                      "value")  # fmt: skip
    return number


def _text(value: Any, field: str) -> str | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    limit = _LIMITS[field]
    if len(text) > limit or not _TEXT_RE.match(text):
        raise refused("invalid", msg("disc_map.err.datapoint.text", name=field, limit=limit),
                      field)  # fmt: skip
    return text


# ---- use cases ------------------------------------------------------------------------------


def datapoint_dict(row: DisclosureDatapointRow) -> dict[str, Any]:
    """A datapoint as plain values (the API's ``DatapointPublic``)."""
    return {"id": row.id, "key": row.key, "fiscal_year": row.fiscal_year, "value": row.value,
            "unit": row.unit, "text": row.text, "source": row.source, "status": row.status,
            "requirement": DATAPOINTS.get(row.key, ("", "", ""))[2],
            "entered_by": row.entered_by, "reviewed_by": row.reviewed_by,
            "reviewed_at": row.reviewed_at, "approved_by": row.approved_by,
            "approved_at": row.approved_at, "updated_at": row.updated_at}  # fmt: skip


def list_datapoints(
    db: Session, ctx: Context, fiscal_year: str | None = None
) -> list[DisclosureDatapointRow]:
    """The datapoints (of ``fiscal_year`` when given), by fiscal year then key."""
    ctx.require("read")
    q = select(DisclosureDatapointRow).order_by(
        DisclosureDatapointRow.fiscal_year, DisclosureDatapointRow.key
    )
    if fiscal_year:
        q = q.where(DisclosureDatapointRow.fiscal_year == fiscal_year_of(ctx, fiscal_year))
    return list(db.scalars(q))


def _find(db: Session, key: str, fiscal_year: str) -> DisclosureDatapointRow | None:
    return db.scalar(
        select(DisclosureDatapointRow).where(
            DisclosureDatapointRow.key == key, DisclosureDatapointRow.fiscal_year == fiscal_year
        )
    )


def get_datapoint(db: Session, ctx: Context, key: str, fiscal_year: str) -> DisclosureDatapointRow:
    """The datapoint ``key`` of ``fiscal_year``; refused (not found) when not entered."""
    ctx.require("read")
    check_key(key)
    fy = fiscal_year_of(ctx, fiscal_year)
    row = _find(db, key, fy)
    if row is None:
        raise refused("not_found", msg("disc_map.err.datapoint.not_found", key=key, fiscal_year=fy))
    return row


def set_datapoint(
    db: Session,
    ctx: Context,
    key: str,
    fiscal_year: str,
    *,
    value: Any = None,
    unit: Any = None,
    text: Any = None,
    source: Any = None,
) -> DisclosureDatapointRow:
    """Enter (or replace) the datapoint ``key`` of ``fiscal_year``: ``value`` [``unit``] (both
    required: every datapoint is a number) with an optional ``text`` (how it is applied, what it
    covers) and ``source``. A changed value, unit or text returns it to ``entered`` (its review
    and approval cleared); the same content again changes nothing. Audited.

    Raises:
        DatapointError: invalid key, fiscal year, value, unit or text; forbidden without
            ``edit_data``.
    """
    ctx.require("edit_data")
    check_key(key)
    fy = fiscal_year_of(ctx, fiscal_year)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise refused("invalid", msg("disc_map.err.datapoint.required", name="value"), "value")
    number = check_value(value)
    clean_unit = check_unit(key, unit)
    clean_text = _text(text, "text")
    clean_source = _text(source, "source")
    row = _find(db, key, fy)
    if row is None:
        row = DisclosureDatapointRow(key=key, fiscal_year=fy, status="entered",
                                     entered_by=ctx.actor)  # fmt: skip
        db.add(row)
    elif (row.value, row.unit, row.text, row.source) == (number, clean_unit, clean_text,
                                                         clean_source):  # fmt: skip
        return row
    if (row.value, row.unit, row.text) != (number, clean_unit, clean_text):
        row.status = "entered"
        row.entered_by = ctx.actor
        row.reviewed_by = row.reviewed_at = row.approved_by = row.approved_at = None
    row.value, row.unit, row.text, row.source = number, clean_unit, clean_text, clean_source
    db.commit()
    return row


def review_datapoint(
    db: Session, ctx: Context, key: str, fiscal_year: str, status: str
) -> DisclosureDatapointRow:
    """Move the datapoint to ``status``: ``reviewed`` (from entered; the reviewer recorded),
    ``approved`` (only once reviewed: review comes first; the approver recorded) or ``entered``
    (reopened: review and approval cleared). The same status again changes nothing. Audited.

    Raises:
        DatapointError: unknown status (invalid), not entered (not found), approval before
            review (conflict); forbidden without ``edit_data``.
    """
    ctx.require("edit_data")
    if status not in STATUSES:
        raise refused("invalid", msg("disc_map.err.datapoint.status", value=str(status)[:20]),
                      "status")  # fmt: skip
    row = get_datapoint(db, ctx, key, fiscal_year)
    if row.status == status:
        return row
    now = _now()
    if status == "approved":
        if row.status != "reviewed":
            raise refused("conflict", msg("disc_map.err.datapoint.review_first", key=key),
                          "status")  # fmt: skip
        row.approved_by, row.approved_at = ctx.actor, now
    elif status == "reviewed":
        row.reviewed_by, row.reviewed_at = ctx.actor, now
        row.approved_by = row.approved_at = None
    else:
        row.reviewed_by = row.reviewed_at = row.approved_by = row.approved_at = None
    row.status = status
    db.commit()
    return row


def delete_datapoint(db: Session, ctx: Context, key: str, fiscal_year: str) -> None:
    """Remove the datapoint ``key`` of ``fiscal_year`` (audited).

    Raises:
        DatapointError: not entered (not found); forbidden without ``edit_data``.
    """
    ctx.require("edit_data")
    row = get_datapoint(db, ctx, key, fiscal_year)
    db.delete(row)
    db.commit()


def datapoints_for(ctx: Context, fiscal_year: str) -> dict[str, dict[str, Any]]:
    """The datapoints of ``fiscal_year``: key → ``{value, unit, text, status, source}`` (plain
    JSON values; a datapoint not entered is absent). What an edition pins and the mapping and the
    metrics-and-targets section read.

    Raises:
        DatapointError: the calendar does not read ``fiscal_year``; forbidden without ``read``.
    """
    ctx.require("read")
    fy = fiscal_year_of(ctx, fiscal_year)
    with ctx.workspace().session() as db:
        rows = db.scalars(
            select(DisclosureDatapointRow)
            .where(DisclosureDatapointRow.fiscal_year == fy)
            .order_by(DisclosureDatapointRow.key)
        )
        return {r.key: {"value": r.value, "unit": r.unit, "text": r.text, "status": r.status,
                        "source": r.source} for r in rows}  # fmt: skip
