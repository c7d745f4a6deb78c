"""Governance records of climate-related matters (issue 17 item 6, decision 0084): the bodies,
their meetings with climate agenda items and decisions, the management roles responsible and
the links of climate KPIs to variable pay, with the check of each body's required meeting
frequency in a fiscal year (:mod:`lingtan.modules.risk.governance`).

- bodies (``code`` unique): CRUD; a body created without a frequency gets the report's default
  for its kind (``per_year`` 0 = no requirement);
- meetings: CRUD with their agenda items; the date is a day, a month (approximate: the report
  gives only the month) or not published (then the fiscal year is given);
- a CSV file of meetings, imported all or nothing (every wrong cell named with file, row,
  column and keyed reason) and exported in the same columns (:data:`MEETING_COLUMNS`);
- roles (IFRS S2 ¶6(b)) and remuneration links (IFRS S2 ¶29(g)): a link's ``kpi_id`` must be a
  KPI of the organisation's targets file when it has one;
- :func:`calendar`, :func:`frequency_check` and :func:`governance_summary` (the records view
  the disclosure reads) for a fiscal year; :func:`load_demo` the report's FY2023/24 records.

Reading needs ``read``; changing ``edit_data``; every change is an audited row. A refusal is a
:class:`RiskGovernanceError` with its catalogue key (``governance.err.*``) and parameters.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import (
    KeyedError,
    Kind,
    ServiceError,
    keyed_refusal,
)
from lingtan.adapters.services.register_files import (
    KeyedFileError,
    cell_error_lines,
    check_cells,
    decode_text,
)
from lingtan.adapters.services.register_files import (
    RowError as RowError,
)
from lingtan.adapters.store.risk_governance import (
    GovernanceAgendaItemRow,
    GovernanceBodyRow,
    GovernanceMeetingRow,
    GovernancePayLinkRow,
    GovernanceRoleRow,
)
from lingtan.core.errors import LingtanError
from lingtan.core.messages import Message, msg
from lingtan.core.periods import Period
from lingtan.modules.risk import governance as gm
from lingtan.modules.risk.errors import GovernanceError

#: largest import file [bytes]
MAX_FILE_BYTES = 20 * 1024 * 1024
BODY_FIELDS = ("code", "kind", "name", "parent", "chair", "established", "mandate", "per_year",
               "counts", "frequency_source", "source")  # fmt: skip
MEETING_FIELDS = ("body", "date", "fiscal_year", "title", "agenda", "decisions", "source", "note")
ROLE_FIELDS = ("title", "holder", "responsibilities", "climate_responsible", "reports_to",
               "chairs", "source")  # fmt: skip
PAY_FIELDS = ("fiscal_year", "population", "kpi_id", "kpi_label", "share_pct", "body",
              "description", "source")  # fmt: skip
#: the columns of a meetings file (import and export)
MEETING_COLUMNS = ("body", "date", "fiscal_year", "title", "climate_items", "other_items",
                   "decisions", "source", "note")  # fmt: skip
REQUIRED_COLUMNS = ("body", "title")
_LINE_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]{1,2000}$")
_LONG = ("mandate", "responsibilities", "description")


class RiskGovernanceError(KeyedError):
    """A refused request of the governance records: besides the English ``message`` it carries
    ``key`` (``governance.err.*``) and ``params``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> RiskGovernanceError:
    """A :class:`RiskGovernanceError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(RiskGovernanceError, kind, message, field)


def _from_module(exc: GovernanceError) -> RiskGovernanceError:
    return refused("invalid", exc.message, exc.field)


# ---- fields -------------------------------------------------------------------------------


def _text(value: Any, name: str, *, required: bool = False, limit: int = 300) -> str | None:
    text = " ".join(str(value if value is not None else "").split())
    if not text:
        if required:
            raise refused("invalid", msg("governance.err.required", name=name), name)
        return None
    if len(text) > limit or not _LINE_RE.match(text):
        raise refused("invalid", msg("governance.err.text", name=name, limit=limit), name)
    return text


def _bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in ("true", "yes", "1", "y"):
        return True
    if text in ("false", "no", "0", "n", ""):
        return False
    raise refused("invalid", msg("governance.err.bool", name=name, value=text[:40]), name)


def period_of(ctx: Context, fiscal_year: str) -> Period:
    """The fiscal year ``fiscal_year`` of the workspace's calendar.

    Raises:
        RiskGovernanceError: 422 not a fiscal year of the calendar.
    """
    try:
        return ctx.workspace().config.period(str(fiscal_year or "").strip())
    except (LingtanError, ValueError) as exc:
        raise refused("invalid", msg("governance.err.year", value=str(fiscal_year)[:40]),
                      "fiscal_year") from exc  # fmt: skip


def _body_by_code(db: Session, code: str) -> GovernanceBodyRow | None:
    return db.scalar(select(GovernanceBodyRow).where(GovernanceBodyRow.code == code))


# ---- bodies -------------------------------------------------------------------------------


def _check_body_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(BODY_FIELDS))
    if unknown:
        raise refused("invalid", msg("governance.err.field", value=unknown[0]), unknown[0])
    out: dict[str, Any] = {}
    try:
        for k, v in fields.items():
            if k in ("code", "parent"):
                out[k] = gm.check_code(v, k) if (k == "code" or str(v or "").strip()) else None
            elif k == "kind":
                out[k] = gm.check_kind(v)
            elif k == "counts":
                out[k] = str(v or "meetings").strip().lower()
                if out[k] not in gm.COUNTS:
                    raise refused("invalid", msg("governance.err.counts", value=out[k]), k)
            elif k == "per_year":
                out[k] = _per_year(v)
            else:
                limit = 2000 if k in _LONG else (40 if k == "established" else 300)
                out[k] = _text(v, k, required=k == "name", limit=limit)
    except GovernanceError as exc:
        raise _from_module(exc) from exc
    return out


def _per_year(value: Any) -> int | None:
    """A required frequency [per fiscal year]; 0 or blank: no requirement."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise refused("invalid", msg("governance.err.per_year", value=str(value)), "per_year")
    try:
        n = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise refused("invalid", msg("governance.err.per_year", value=str(value)[:40]),
                      "per_year") from None  # fmt: skip
    if n == 0:
        return None
    gm.check_frequency_fields(n, "meetings")
    return n


def body_frequency(row: GovernanceBodyRow) -> gm.Frequency | None:
    """A body's required frequency (None: no requirement)."""
    if not row.per_year:
        return None
    return gm.Frequency(row.per_year, row.counts, row.frequency_source or "user")


def body_dict(row: GovernanceBodyRow) -> dict[str, Any]:
    """A body's fields as plain data."""
    return {"id": row.id, **{k: getattr(row, k) for k in BODY_FIELDS}}


def list_bodies(db: Session, ctx: Context) -> list[GovernanceBodyRow]:
    """The organisation's bodies in the order of :data:`BODY_KINDS`, then by code."""
    ctx.require("read")
    order = {k: i for i, k in enumerate(gm.BODY_KINDS)}
    rows = list(db.scalars(select(GovernanceBodyRow)))
    return sorted(rows, key=lambda r: (order.get(r.kind, 99), r.code))


def get_body(db: Session, ctx: Context, code: str) -> GovernanceBodyRow:
    """One body by its code.

    Raises:
        RiskGovernanceError: 404 (also another organisation's).
    """
    ctx.require("read")
    row = _body_by_code(db, str(code))
    if row is None:
        raise refused("not_found", msg("governance.err.no_body", value=str(code)[:60]), "body")
    return row


def _check_parent(db: Session, code: str, parent: str | None) -> None:
    if parent is None:
        return
    if parent == code:
        raise refused("invalid", msg("governance.err.parent_self"), "parent")
    if _body_by_code(db, parent) is None:
        raise refused("invalid", msg("governance.err.no_body", value=parent), "parent")


def create_body(db: Session, ctx: Context, fields: dict[str, Any]) -> GovernanceBodyRow:
    """Add a body (``code``, ``kind``, ``name`` required). Without ``per_year`` the report's
    frequency for the kind applies (:data:`~lingtan.modules.risk.governance.DEFAULT_FREQUENCIES`).

    Raises:
        RiskGovernanceError: 403; 409 the code is taken; 422 a field is invalid (named).
    """
    ctx.require("edit_data")
    for k in ("code", "kind", "name"):
        if not str(fields.get(k) or "").strip():
            raise refused("invalid", msg("governance.err.required", name=k), k)
    values = _check_body_fields(fields)
    if "per_year" not in fields:
        default = gm.default_frequency(values["kind"])
        if default is not None:
            source = values.get("frequency_source") or default.source
            values.update(per_year=default.per_year, counts=default.counts, frequency_source=source)
    values.setdefault("counts", "meetings")
    if _body_by_code(db, values["code"]) is not None:
        raise refused("conflict", msg("governance.err.body_exists", value=values["code"]), "code")
    _check_parent(db, values["code"], values.get("parent"))
    row = GovernanceBodyRow(**values)
    db.add(row)
    db.commit()
    return row


def update_body(db: Session, ctx: Context, code: str, fields: dict[str, Any]) -> GovernanceBodyRow:
    """Change the fields given of a body (its code stays).

    Raises:
        RiskGovernanceError: 403; 404; 422 a field is invalid.
    """
    ctx.require("edit_data")
    row = get_body(db, ctx, code)
    if "code" in fields and fields["code"] != row.code:
        raise refused("invalid", msg("governance.err.code_fixed"), "code")
    values = _check_body_fields({k: v for k, v in fields.items() if k != "code"})
    if "name" in values and not values["name"]:
        raise refused("invalid", msg("governance.err.required", name="name"), "name")
    if "parent" in values:
        _check_parent(db, row.code, values["parent"])
    for k, v in values.items():
        if getattr(row, k) != v:
            setattr(row, k, v)
    db.commit()
    return row


def delete_body(db: Session, ctx: Context, code: str) -> None:
    """Remove a body that has no meetings.

    Raises:
        RiskGovernanceError: 403; 404; 409 it has meetings.
    """
    ctx.require("edit_data")
    row = get_body(db, ctx, code)
    if db.scalar(select(GovernanceMeetingRow.id).where(GovernanceMeetingRow.body_id == row.id)):
        raise refused("conflict", msg("governance.err.body_in_use", value=row.code), "code")
    db.delete(row)
    db.commit()


# ---- meetings -----------------------------------------------------------------------------


def _agenda_items(value: Any) -> list[gm.AgendaItem]:
    """Agenda items of an API body or a form: a list of ``{topic, climate, text}``."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise refused("invalid", msg("governance.err.agenda"), "agenda")
    items = []
    for item in value:
        d = item if isinstance(item, dict) else getattr(item, "__dict__", {})
        topic = str(d.get("topic") or "").strip().lower()
        text = _text(d.get("text"), "agenda", limit=500) or ""
        try:
            items.append(gm.AgendaItem(topic, _bool(d.get("climate", True), "climate"), text))
        except GovernanceError as exc:
            raise _from_module(exc) from exc
    return items


def _decisions(value: Any) -> list[str]:
    if value is None:
        return []
    parts = value.split(";") if isinstance(value, str) else list(value)
    out = []
    for p in parts:
        t = _text(p, "decisions", limit=500)
        if t:
            out.append(t)
    return out


def _check_meeting_fields(db: Session, ctx: Context, fields: dict[str, Any]) -> dict[str, Any]:
    """Each given field checked on its own (so that an import names every wrong cell). File
    columns ``climate_items`` / ``other_items`` become ``agenda``."""
    out: dict[str, Any] = {}
    try:
        for k, v in fields.items():
            if k == "body":
                code = str(v or "").strip()
                body = _body_by_code(db, code) if code else None
                if body is None:
                    raise refused("invalid", msg("governance.err.no_body", value=code[:60]), k)
                out["body_id"], out["body"] = body.id, body.code
            elif k == "date":
                day, precision = (v, "day") if isinstance(v, date) else gm.parse_date(str(v or ""))
                out["date"], out["precision"] = day, precision
            elif k == "fiscal_year":
                out[k] = period_of(ctx, v).label if str(v or "").strip() else None
            elif k in ("climate_items", "other_items"):
                out[k] = list(gm.parse_agenda(str(v or ""), k == "climate_items"))
            elif k == "agenda":
                out[k] = _agenda_items(v)
            elif k == "decisions":
                out[k] = _decisions(v)
            elif k in ("title", "source", "note"):
                out[k] = _text(v, k, required=k == "title", limit=500 if k != "title" else 300)
            else:
                raise refused("invalid", msg("governance.err.field", value=k), k)
    except GovernanceError as exc:
        raise _from_module(exc) from exc
    return out


def _settle_year(ctx: Context, values: dict[str, Any]) -> None:
    """The meeting's fiscal year: the date's (a given one must agree), or the given one when
    the date is not published.

    Raises:
        RiskGovernanceError: 422 no year for an undated meeting, or a year the date is not in.
    """
    day = values.get("date")
    given = values.get("fiscal_year")
    if day is None:
        values["precision"] = "not_published"
        if not given:
            raise refused("invalid", msg("governance.err.year_needed"), "fiscal_year")
        return
    own = ctx.workspace().config.calendar.of(day).label
    if given and given != own:
        raise refused("invalid", msg("governance.err.year_mismatch", date=day.isoformat(),
                                     year=given), "fiscal_year")  # fmt: skip
    values["fiscal_year"] = own


def _agenda_rows(
    db: Session, meeting_ids: Sequence[int]
) -> dict[int, list[GovernanceAgendaItemRow]]:
    out: dict[int, list[GovernanceAgendaItemRow]] = {i: [] for i in meeting_ids}
    if not meeting_ids:
        return out
    q = select(GovernanceAgendaItemRow).where(
        GovernanceAgendaItemRow.meeting_id.in_(list(meeting_ids))
    )
    for r in db.scalars(q):
        out.setdefault(r.meeting_id, []).append(r)
    for items in out.values():
        items.sort(key=lambda r: (r.position, r.id))
    return out


def _set_agenda(db: Session, meeting: GovernanceMeetingRow, items: Sequence[gm.AgendaItem]) -> None:
    for old in _agenda_rows(db, [meeting.id])[meeting.id]:
        db.delete(old)
    for i, a in enumerate(items):
        db.add(GovernanceAgendaItemRow(meeting_id=meeting.id, position=i, topic=a.topic,
                                       climate=a.climate, text=a.text))  # fmt: skip


def meeting_dict(
    db: Session,
    row: GovernanceMeetingRow,
    agenda: Sequence[GovernanceAgendaItemRow] | None = None,
    bodies: dict[int, GovernanceBodyRow] | None = None,
) -> dict[str, Any]:
    """A meeting as plain data with its body, agenda and the date as written in files."""
    items = agenda if agenda is not None else _agenda_rows(db, [row.id])[row.id]
    body = (bodies or {}).get(row.body_id) or db.get(GovernanceBodyRow, row.body_id)
    return {
        "id": row.id,
        "body": body.code if body else "",
        "body_kind": body.kind if body else "",
        "body_name": body.name if body else "",
        "fiscal_year": row.fiscal_year,
        "date": row.date,
        "precision": row.precision,
        "date_text": gm.format_date(row.date, row.precision),
        "title": row.title,
        "agenda": [{"topic": a.topic, "climate": a.climate, "text": a.text} for a in items],
        "climate_items": sum(1 for a in items if a.climate),
        "decisions": list(row.decisions or []),
        "source": row.source,
        "note": row.note,
    }


def list_meetings(
    db: Session, ctx: Context, *, fiscal_year: str | None = None, body: str | None = None
) -> list[GovernanceMeetingRow]:
    """Meetings by date (undated ones of a year after its dated ones), filtered by fiscal year
    and body code."""
    ctx.require("read")
    q = select(GovernanceMeetingRow)
    if fiscal_year:
        q = q.where(GovernanceMeetingRow.fiscal_year == period_of(ctx, fiscal_year).label)
    if body:
        found = _body_by_code(db, body)
        if found is None:
            return []
        q = q.where(GovernanceMeetingRow.body_id == found.id)
    rows = list(db.scalars(q))
    return sorted(rows, key=lambda r: (r.fiscal_year, r.date is None, r.date or date.max, r.id))


def get_meeting(db: Session, ctx: Context, meeting_id: int) -> GovernanceMeetingRow:
    """One meeting.

    Raises:
        RiskGovernanceError: 404 (also another organisation's).
    """
    ctx.require("read")
    row = db.get(GovernanceMeetingRow, meeting_id)
    if row is None:
        raise refused("not_found", msg("governance.err.no_meeting", id=meeting_id), "id")
    return row


def _meeting_values(db: Session, ctx: Context, fields: dict[str, Any]) -> dict[str, Any]:
    values = _check_meeting_fields(db, ctx, fields)
    if "climate_items" in values or "other_items" in values:
        values["agenda"] = [*values.pop("climate_items", []), *values.pop("other_items", [])]
    return values


def create_meeting(db: Session, ctx: Context, fields: dict[str, Any]) -> GovernanceMeetingRow:
    """Add a meeting: ``body`` (code), ``title``, ``date`` (``YYYY-MM-DD``, ``YYYY-MM`` for a
    month-level date, or none: not published — then ``fiscal_year``), ``agenda`` (``[{topic,
    climate, text}]``), ``decisions`` (texts), ``source``, ``note``.

    Raises:
        RiskGovernanceError: 403; 422 a field is invalid (named).
    """
    ctx.require("edit_data")
    unknown = sorted(set(fields) - set(MEETING_FIELDS))
    if unknown:
        raise refused("invalid", msg("governance.err.field", value=unknown[0]), unknown[0])
    for k in ("body", "title"):
        if not str(fields.get(k) or "").strip():
            raise refused("invalid", msg("governance.err.required", name=k), k)
    values = _meeting_values(db, ctx, {"date": None, **fields})
    return _add_meeting(db, ctx, values, commit=True)


def _add_meeting(
    db: Session, ctx: Context, values: dict[str, Any], *, commit: bool
) -> GovernanceMeetingRow:
    _settle_year(ctx, values)
    row = GovernanceMeetingRow(
        body_id=values["body_id"], fiscal_year=values["fiscal_year"], date=values.get("date"),
        precision=values.get("precision") or "day", title=values["title"],
        decisions=values.get("decisions") or [], source=values.get("source"),
        note=values.get("note"),
    )  # fmt: skip
    db.add(row)
    db.flush()
    _set_agenda(db, row, values.get("agenda") or [])
    if commit:
        db.commit()
    return row


def update_meeting(
    db: Session, ctx: Context, meeting_id: int, fields: dict[str, Any]
) -> GovernanceMeetingRow:
    """Change the fields given of a meeting (``agenda`` given: replaces the agenda).

    Raises:
        RiskGovernanceError: 403; 404; 422 a field is invalid.
    """
    ctx.require("edit_data")
    row = get_meeting(db, ctx, meeting_id)
    unknown = sorted(set(fields) - set(MEETING_FIELDS))
    if unknown:
        raise refused("invalid", msg("governance.err.field", value=unknown[0]), unknown[0])
    values = _meeting_values(db, ctx, fields)
    if "title" in values and not values["title"]:
        raise refused("invalid", msg("governance.err.required", name="title"), "title")
    year = None if "date" in values else row.fiscal_year
    whole: dict[str, Any] = {"date": row.date, "precision": row.precision, "fiscal_year": year}
    whole.update({k: values[k] for k in ("date", "precision", "fiscal_year") if k in values})
    _settle_year(ctx, whole)
    for k in ("date", "precision", "fiscal_year"):
        if getattr(row, k) != whole[k]:
            setattr(row, k, whole[k])
    if "body_id" in values:
        row.body_id = values["body_id"]
    for k in ("title", "source", "note", "decisions"):
        if k in values and getattr(row, k) != values[k]:
            setattr(row, k, values[k])
    if "agenda" in values:
        _set_agenda(db, row, values["agenda"])
    db.commit()
    return row


def delete_meeting(db: Session, ctx: Context, meeting_id: int) -> None:
    """Remove a meeting and its agenda items.

    Raises:
        RiskGovernanceError: 403; 404.
    """
    ctx.require("edit_data")
    row = get_meeting(db, ctx, meeting_id)
    for item in _agenda_rows(db, [row.id])[row.id]:
        db.delete(item)
    db.delete(row)
    db.commit()


def meeting_dicts(db: Session, rows: Sequence[GovernanceMeetingRow]) -> list[dict[str, Any]]:
    """:func:`meeting_dict` of many meetings (two queries)."""
    agenda = _agenda_rows(db, [r.id for r in rows])
    bodies = {b.id: b for b in db.scalars(select(GovernanceBodyRow))}
    return [meeting_dict(db, r, agenda[r.id], bodies) for r in rows]


def calendar(db: Session, ctx: Context, fiscal_year: str) -> list[dict[str, Any]]:
    """The meetings of ``fiscal_year`` by date (undated ones last) as plain data."""
    return meeting_dicts(db, list_meetings(db, ctx, fiscal_year=fiscal_year))


# ---- the frequency check ------------------------------------------------------------------


def _as_meeting(row: GovernanceMeetingRow, code: str,
                agenda: Sequence[GovernanceAgendaItemRow]) -> gm.Meeting:  # fmt: skip
    items = tuple(gm.AgendaItem(a.topic if a.topic in gm.TOPICS else "other", a.climate, a.text)
                  for a in agenda)  # fmt: skip
    return gm.Meeting(code, row.fiscal_year, row.date, row.precision, items,
                      tuple(row.decisions or []))  # fmt: skip


def frequency_check(db: Session, ctx: Context, fiscal_year: str) -> list[gm.FrequencyCheck]:
    """Required vs held of every body in ``fiscal_year`` (bodies in :func:`list_bodies` order;
    rule: :func:`lingtan.modules.risk.governance.check_frequency`).

    Raises:
        RiskGovernanceError: 422 not a fiscal year of the calendar.
    """
    period = period_of(ctx, fiscal_year)
    bodies = list_bodies(db, ctx)
    rows = list_meetings(db, ctx, fiscal_year=period.label)
    agenda = _agenda_rows(db, [r.id for r in rows])
    codes = {b.id: b.code for b in bodies}
    meetings = [_as_meeting(r, codes.get(r.body_id, ""), agenda[r.id]) for r in rows]
    return [gm.check_frequency(b.code, period, body_frequency(b), meetings) for b in bodies]


def check_dict(c: gm.FrequencyCheck) -> dict[str, Any]:
    """A body's check as plain data (gaps: the windows without a counted meeting)."""
    return {
        "body": c.body, "fiscal_year": c.fiscal_year, "required": c.required,
        "counts": c.counts, "held": c.held, "dated": c.dated, "undated": c.undated,
        "status": c.status, "source": c.source,
        "windows": [{"start": w.start, "end": w.end, "held": w.held, "state": w.state}
                    for w in c.windows],
        "gaps": [{"start": w.start, "end": w.end} for w in c.gaps],
    }  # fmt: skip


# ---- roles --------------------------------------------------------------------------------


def _check_role_fields(db: Session, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(ROLE_FIELDS))
    if unknown:
        raise refused("invalid", msg("governance.err.field", value=unknown[0]), unknown[0])
    out: dict[str, Any] = {}
    for k, v in fields.items():
        if k == "climate_responsible":
            out[k] = _bool(v, k)
        elif k == "chairs":
            codes = [c.strip() for c in (v.split(";") if isinstance(v, str) else v or [])]
            for c in (c for c in codes if c):
                if _body_by_code(db, c) is None:
                    raise refused("invalid", msg("governance.err.no_body", value=c[:60]), k)
            out[k] = [c for c in codes if c]
        else:
            limit = 2000 if k in _LONG else (500 if k == "source" else 300)
            out[k] = _text(v, k, required=k == "title", limit=limit)
    return out


def role_dict(row: GovernanceRoleRow) -> dict[str, Any]:
    """A role as plain data."""
    return {"id": row.id, **{k: getattr(row, k) for k in ROLE_FIELDS},
            "chairs": list(row.chairs or [])}  # fmt: skip


def list_roles(db: Session, ctx: Context) -> list[GovernanceRoleRow]:
    """The management roles, climate-responsible ones first."""
    ctx.require("read")
    rows = list(db.scalars(select(GovernanceRoleRow)))
    return sorted(rows, key=lambda r: (not r.climate_responsible, r.id))


def get_role(db: Session, ctx: Context, role_id: int) -> GovernanceRoleRow:
    """One role.

    Raises:
        RiskGovernanceError: 404.
    """
    ctx.require("read")
    row = db.get(GovernanceRoleRow, role_id)
    if row is None:
        raise refused("not_found", msg("governance.err.no_role", id=role_id), "id")
    return row


def create_role(db: Session, ctx: Context, fields: dict[str, Any]) -> GovernanceRoleRow:
    """Add a role (``title`` required; ``chairs``: codes of existing bodies).

    Raises:
        RiskGovernanceError: 403; 422 a field is invalid.
    """
    ctx.require("edit_data")
    if not str(fields.get("title") or "").strip():
        raise refused("invalid", msg("governance.err.required", name="title"), "title")
    row = GovernanceRoleRow(**{"climate_responsible": True, "chairs": [],
                               **_check_role_fields(db, fields)})  # fmt: skip
    db.add(row)
    db.commit()
    return row


def update_role(
    db: Session, ctx: Context, role_id: int, fields: dict[str, Any]
) -> GovernanceRoleRow:
    """Change the fields given of a role.

    Raises:
        RiskGovernanceError: 403; 404; 422.
    """
    ctx.require("edit_data")
    row = get_role(db, ctx, role_id)
    kept = ("title", "climate_responsible", "chairs")  # null: unchanged (they cannot be null)
    values = _check_role_fields(
        db, {k: v for k, v in fields.items() if v is not None or k not in kept}
    )
    if "title" in values and not values["title"]:
        raise refused("invalid", msg("governance.err.required", name="title"), "title")
    for k, v in values.items():
        if getattr(row, k) != v:
            setattr(row, k, v)
    db.commit()
    return row


def delete_role(db: Session, ctx: Context, role_id: int) -> None:
    """Remove a role.

    Raises:
        RiskGovernanceError: 403; 404.
    """
    ctx.require("edit_data")
    db.delete(get_role(db, ctx, role_id))
    db.commit()


# ---- remuneration links -------------------------------------------------------------------


def known_kpis(ctx: Context) -> dict[str, str] | None:
    """The KPIs of the organisation's targets file (id → name); None when it has no (valid)
    targets file — KPI ids are then not checked."""
    from lingtan.adapters.services.targets import parse_targets_text, targets_file

    try:
        _, data = targets_file(ctx)
        prog = parse_targets_text(data.decode("utf-8", errors="replace"))
    except (ServiceError, OSError):
        return None
    return {k.id: k.name for k in prog.kpis}


def _check_pay_fields(db: Session, ctx: Context, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(PAY_FIELDS))
    if unknown:
        raise refused("invalid", msg("governance.err.field", value=unknown[0]), unknown[0])
    out: dict[str, Any] = {}
    for k, v in fields.items():
        if k == "fiscal_year":
            out[k] = period_of(ctx, v).label
        elif k == "share_pct":
            if v is None or (isinstance(v, str) and not v.strip()):
                out[k] = None
                continue
            try:
                share = float(str(v).replace(",", ".")) if isinstance(v, str) else float(v)
            except (TypeError, ValueError):
                raise refused("invalid", msg("governance.err.share", value=str(v)[:40]),
                              k) from None  # fmt: skip
            if not 0.0 <= share <= 100.0:
                raise refused("invalid", msg("governance.err.share", value=str(v)[:40]), k)
            out[k] = share
        elif k == "kpi_id":
            kpi = _text(v, k, limit=80)
            kpis = known_kpis(ctx) if kpi else None
            if kpi and kpis is not None and kpi not in kpis:
                raise refused("invalid", msg("governance.err.unknown_kpi", value=kpi), k)
            out[k] = kpi
        elif k == "body":
            code = _text(v, k, limit=40)
            if code and _body_by_code(db, code) is None:
                raise refused("invalid", msg("governance.err.no_body", value=code), k)
            out[k] = code
        else:
            limit = 2000 if k in _LONG else (500 if k == "source" else 300)
            out[k] = _text(v, k, required=k == "population", limit=limit)
    return out


def pay_link_dict(row: GovernancePayLinkRow) -> dict[str, Any]:
    """A remuneration link as plain data."""
    return {"id": row.id, **{k: getattr(row, k) for k in PAY_FIELDS}}


def list_pay_links(
    db: Session, ctx: Context, *, fiscal_year: str | None = None
) -> list[GovernancePayLinkRow]:
    """The remuneration links by fiscal year and population, filtered by fiscal year."""
    ctx.require("read")
    q = select(GovernancePayLinkRow)
    if fiscal_year:
        q = q.where(GovernancePayLinkRow.fiscal_year == period_of(ctx, fiscal_year).label)
    return sorted(db.scalars(q), key=lambda r: (r.fiscal_year, r.population, r.id))


def get_pay_link(db: Session, ctx: Context, link_id: int) -> GovernancePayLinkRow:
    """One remuneration link.

    Raises:
        RiskGovernanceError: 404.
    """
    ctx.require("read")
    row = db.get(GovernancePayLinkRow, link_id)
    if row is None:
        raise refused("not_found", msg("governance.err.no_pay_link", id=link_id), "id")
    return row


def _check_pay_whole(db: Session, values: dict[str, Any], own_id: int | None = None) -> None:
    """The module's rules over a link and the year's other links (shares ≤ 100 %)."""
    try:
        link = gm.PayLink(values["fiscal_year"], values["population"], values.get("kpi_id"),
                          values.get("kpi_label") or "", values.get("share_pct"))  # fmt: skip
        others = [
            gm.PayLink(r.fiscal_year, r.population, r.kpi_id, r.kpi_label, r.share_pct)
            for r in db.scalars(select(GovernancePayLinkRow))
            if r.id != own_id
        ]
        gm.check_pay_shares([*others, link])
    except GovernanceError as exc:
        raise _from_module(exc) from exc


def create_pay_link(db: Session, ctx: Context, fields: dict[str, Any]) -> GovernancePayLinkRow:
    """Add a remuneration link: ``fiscal_year``, ``population``, ``kpi_id`` (a KPI of the
    targets file, when it has one) or ``kpi_label``, ``share_pct`` (of variable pay; none: not
    published), ``body``, ``description``, ``source``.

    Raises:
        RiskGovernanceError: 403; 422 a field is invalid or the year's shares exceed 100 %.
    """
    ctx.require("edit_data")
    for k in ("fiscal_year", "population"):
        if not str(fields.get(k) or "").strip():
            raise refused("invalid", msg("governance.err.required", name=k), k)
    values = {"kpi_label": "", **_check_pay_fields(db, ctx, fields)}
    values["kpi_label"] = values.get("kpi_label") or ""
    _check_pay_whole(db, values)
    row = GovernancePayLinkRow(**values)
    db.add(row)
    db.commit()
    return row


def update_pay_link(
    db: Session, ctx: Context, link_id: int, fields: dict[str, Any]
) -> GovernancePayLinkRow:
    """Change the fields given of a remuneration link.

    Raises:
        RiskGovernanceError: 403; 404; 422.
    """
    ctx.require("edit_data")
    row = get_pay_link(db, ctx, link_id)
    values = {**pay_link_dict(row), **_check_pay_fields(db, ctx, fields)}
    values.pop("id")
    values["kpi_label"] = values.get("kpi_label") or ""
    if not values.get("population"):
        raise refused("invalid", msg("governance.err.required", name="population"), "population")
    _check_pay_whole(db, values, row.id)
    for k, v in values.items():
        if getattr(row, k) != v:
            setattr(row, k, v)
    db.commit()
    return row


def delete_pay_link(db: Session, ctx: Context, link_id: int) -> None:
    """Remove a remuneration link.

    Raises:
        RiskGovernanceError: 403; 404.
    """
    ctx.require("edit_data")
    db.delete(get_pay_link(db, ctx, link_id))
    db.commit()


# ---- the records view ---------------------------------------------------------------------


def governance_summary(db: Session, ctx: Context, fiscal_year: str) -> dict[str, Any]:
    """What the disclosure reads for ``fiscal_year`` (IFRS S2 ¶6, ¶29(g); HKEX Appendix C2
    Part D): the bodies with their required vs held meetings, the meetings, their climate agenda
    items, the roles and the year's remuneration links.

    Raises:
        RiskGovernanceError: 422 not a fiscal year of the calendar.
    """
    period = period_of(ctx, fiscal_year)
    checks = {c.body: c for c in frequency_check(db, ctx, period.label)}
    meetings = calendar(db, ctx, period.label)
    climate = [
        {"meeting": m["id"], "body": m["body"], "date": m["date"], "precision": m["precision"],
         "topic": a["topic"], "text": a["text"]}
        for m in meetings for a in m["agenda"] if a["climate"]
    ]  # fmt: skip
    return {
        "fiscal_year": period.label,
        "start": period.start,
        "end": period.end,
        "bodies": [
            {**body_dict(b), "check": check_dict(checks[b.code])} for b in list_bodies(db, ctx)
        ],
        "meetings": meetings,
        "climate_items": climate,
        "roles": [role_dict(r) for r in list_roles(db, ctx)],
        "pay_links": [pay_link_dict(r) for r in list_pay_links(db, ctx, fiscal_year=period.label)],
    }


# ---- the meetings file --------------------------------------------------------------------


class GovernanceFileError(RiskGovernanceError, KeyedFileError):
    """An import file was refused: ``errors`` lists every wrong cell (:class:`RowError`)."""

    row_error_key = "governance.file.row_error"


def row_error_lines(errors: Sequence[RowError], locale: str, limit: int = 50) -> list[str]:
    """``file, row r, column c: reason`` of each wrong cell (the first ``limit``)."""
    return cell_error_lines(errors, "governance.file.row_error", locale, limit)


def _decode(data: bytes) -> str:
    return decode_text(
        data, None, lambda: refused("invalid", msg("governance.file.encoding"), "file")
    )


def import_meetings(db: Session, ctx: Context, data: bytes, file_name: str) -> list[int]:
    """Add the meetings of a CSV file (UTF-8 or GB 18030; columns :data:`MEETING_COLUMNS`,
    ``body`` and ``title`` required). All or nothing: any wrong cell refuses the whole file,
    every wrong cell named (file, row, column, keyed reason). The ids of the meetings added.

    Raises:
        RiskGovernanceError: 403; 413 above 20 MiB; 422 (:class:`GovernanceFileError`).
    """
    ctx.require("edit_data")
    source = Path(file_name).name or "meetings.csv"
    if len(data) > MAX_FILE_BYTES:
        raise RiskGovernanceError("too_large", "governance.file.size", "a file is at most 20 MiB",
                                "file")  # fmt: skip
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise GovernanceFileError(msg("governance.file.columns", columns=", ".join(missing)), [])
    unknown = [h for h in header if h and h not in MEETING_COLUMNS]
    if unknown:
        raise GovernanceFileError(
            msg("governance.file.unknown_columns", columns=", ".join(unknown)), []
        )
    errors: list[RowError] = []
    checked: list[dict[str, Any]] = []
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        raw = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        values, wrong = check_cells(
            raw, lambda f: _check_meeting_fields(db, ctx, f), RiskGovernanceError,
            lambda k, v: not str(v).strip() and k not in REQUIRED_COLUMNS,
        )  # fmt: skip
        errors += [RowError(source, n, k, m) for k, m in wrong]
        if wrong:
            continue
        values.setdefault("date", None)
        values["agenda"] = [*values.pop("climate_items", []), *values.pop("other_items", [])]
        try:
            _settle_year(ctx, values)
        except RiskGovernanceError as exc:
            errors.append(RowError(source, n, exc.field or "row", Message(exc.key, exc.params)))
            continue
        checked.append(values)
    if errors:
        raise GovernanceFileError(msg("governance.file.rows", n=len(errors)), errors)
    ids = [_add_meeting(db, ctx, v, commit=False).id for v in checked]
    db.commit()
    return ids


def export_meetings(db: Session, ctx: Context, fiscal_year: str | None = None) -> bytes:
    """The meetings (of ``fiscal_year``, or all) as a CSV file in the import's columns (UTF-8
    with a byte-order mark, for spreadsheets)."""
    docs = meeting_dicts(db, list_meetings(db, ctx, fiscal_year=fiscal_year))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(MEETING_COLUMNS)
    for d in docs:
        items = [gm.AgendaItem(a["topic"] if a["topic"] in gm.TOPICS else "other", a["climate"],
                               a["text"]) for a in d["agenda"]]  # fmt: skip
        w.writerow([
            d["body"], d["date_text"], d["fiscal_year"], d["title"],
            gm.format_agenda(a for a in items if a.climate),
            gm.format_agenda(a for a in items if not a.climate),
            "; ".join(x.replace(";", ",") for x in d["decisions"]),
            d["source"] or "", d["note"] or "",
        ])  # fmt: skip
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# ---- the demo -----------------------------------------------------------------------------

#: the report's governance records (governance chapter, lines 590–695 of the source report)
DEMO_BODIES: tuple[dict[str, Any], ...] = (
    {"code": "board", "kind": "board", "name": "Board of Directors", "chair": "Chairman and CEO",
     "mandate": "Highest oversight of climate matters and their reporting: reviews and guides "
                "the climate strategy and the risk management process, oversees the setting of "
                "climate targets and their progress. Hears at least once a year on the climate "
                "strategy and mitigation targets, and on ESG (incl. climate) risks and "
                "opportunities.",
     "source": "report lines 604–608"},
    {"code": "audit", "kind": "audit_committee", "name": "Audit Committee", "parent": "board",
     "mandate": "Oversees internal audit and the enterprise risk management system, both of "
                "which support the ESG risk management practice.",
     "source": "report lines 628–632"},
    {"code": "nomination", "kind": "nomination_committee",
     "name": "Nomination and Corporate Governance Committee", "parent": "board",
     "mandate": "Leads the formal board evaluation (every two years, or as the board agrees), "
                "including the oversight of ESG matters and of governance policies.",
     "source": "report lines 634–635"},
    {"code": "remuneration", "kind": "remuneration_committee", "name": "Compensation Committee",
     "parent": "board",
     "mandate": "Sets the policy linking incentive pay to ESG performance: ESG KPIs and climate "
                "considerations in the executives' incentive pay, KPIs linked to variable pay, "
                "or non-monetary incentives.",
     "source": "report lines 637–638"},
    {"code": "lec", "kind": "other", "name": "Lenovo Executive Committee",
     "mandate": "Senior management authorised by the CEO to manage the company's operating "
                "performance, including strategic decisions.",
     "source": "report line 686"},
    {"code": "eoc", "kind": "esg_executive_committee",
     "name": "ESG Executive Oversight Committee (EOC)", "parent": "lec",
     "chair": "Chief Legal and Corporate Responsibility Officer", "established": "FY2020/21",
     "mandate": "Strategic guidance and coordination of the ESG initiatives including the "
                "climate strategy; since FY2022/23 responsible for climate regulation matters: "
                "climate strategy, reduction targets, science-based and net-zero target "
                "updates. Reports to the Lenovo Executive Committee and the board as needed.",
     "source": "report lines 668–676"},
    {"code": "china-esg", "kind": "china_esg_committee",
     "name": "Lenovo China Platform ESG Committee", "chair": "President of China",
     "established": "2022-04",
     "mandate": "Strategic guidance and coordination of the China platform's ESG work including "
                "the climate strategy; council, secretariat and working groups (renamed from "
                "the China Platform Social Value Committee in October 2023).",
     "source": "report lines 659–666, 687"},
    {"code": "wg-e", "kind": "working_group", "name": "E working group (green environment)",
     "parent": "china-esg", "source": "report lines 661–663"},
    {"code": "wg-s", "kind": "working_group", "name": "S working group (social)",
     "parent": "china-esg", "source": "report lines 661–663"},
    {"code": "wg-g", "kind": "working_group", "name": "G working group (compliance governance)",
     "parent": "china-esg", "source": "report lines 661–663"},
)  # fmt: skip

_UNDATED_BOARD = (
    "The report counts 7 board meetings in FY2023/24 (line 610) and publishes the month and ESG "
    "items of two; this meeting's date and agenda are not published."
)
_ERM = ("Enterprise risk management reviewed: ERM policy, enterprise risk summary, external "
        "environment analysis, risk assessment, key risks, mitigation activities and actions, "
        "further action plans")  # fmt: skip
_ESG_RESOURCES = "Group ESG performance and adequacy of reporting resources reviewed"
_MONTH_ONLY = "The report gives the month only; the day is not published."


def _item(topic: str, text: str) -> dict[str, Any]:
    """A climate agenda item of the demo."""
    return {"topic": topic, "climate": True, "text": text}


def _demo_meetings(fy: str) -> list[dict[str, Any]]:
    board = [
        {"body": "board", "date": "2023-05", "title": "Board meeting, May 2023",
         "agenda": [_item("performance", "Group ESG update reviewed"),
                    _item("disclosure", "Annual ESG report approved")],
         "decisions": ["Annual ESG report approved"], "source": "report lines 610–611",
         "note": _MONTH_ONLY},
        {"body": "board", "date": "2023-08", "title": "Board meeting, August 2023",
         "agenda": [_item("performance", "Group ESG update reviewed")],
         "source": "report lines 610–611", "note": _MONTH_ONLY},
    ]  # fmt: skip
    board += [
        {"body": "board", "fiscal_year": fy, "title": f"Board meeting {i} of 7 (not published)",
         "source": "report line 610", "note": _UNDATED_BOARD}
        for i in range(3, 8)
    ]  # fmt: skip
    audit = [
        {"body": "audit", "date": "2023-05", "title": "Audit Committee, May 2023",
         "agenda": [_item("disclosure", _ESG_RESOURCES),
                    _item("risk_review", _ERM)],
         "source": "report lines 630–632", "note": _MONTH_ONLY},
        {"body": "audit", "date": "2023-11", "title": "Audit Committee, November 2023",
         "agenda": [_item("risk_review", _ERM)],
         "source": "report lines 631–632", "note": _MONTH_ONLY},
    ]  # fmt: skip
    eoc = [
        {"body": "eoc", "fiscal_year": fy,
         "title": "ESG EOC work in FY2023/24 (number and dates of meetings not published)",
         "agenda": [_item("strategy", "Climate change strategy assessed"),
                    _item("targets", "Emission reduction targets assessed"),
                    _item("targets", "Science-based target update"),
                    _item("targets", "Net-zero target update"),
                    _item("disclosure", "Net-zero announcement"),
                    _item("policy", "Annual ESG material topics reviewed and approved")],
         "decisions": ["Annual ESG material topics approved: climate change, energy management, "
                       "product energy efficiency and carbon footprint among the material "
                       "environmental topics"],
         "source": "report lines 675–677",
         "note": "The report summarises the committee's year without the number or dates of its "
                 "meetings; this record holds that summary."},
    ]  # fmt: skip
    return board + audit + eoc


DEMO_ROLES: tuple[dict[str, Any], ...] = (
    {"title": "Chief Legal and Corporate Responsibility Officer",
     "responsibilities": "Leads the ESG work including the climate projects; chairs the ESG EOC; "
                         "reports regularly to the Lenovo Executive Committee, the board and its "
                         "committees (newsletters on ESG and climate progress); briefs the CEO "
                         "and the board on climate at least once a year; advises the board on "
                         "sustainability.",
     "reports_to": "Lenovo Executive Committee; Board of Directors and its committees",
     "chairs": ["eoc"], "source": "report lines 617, 640–650"},
    {"title": "Chairman and Chief Executive Officer",
     "responsibilities": "Signs the response to the CDP climate change questionnaire.",
     "reports_to": "Board of Directors", "chairs": ["board"], "source": "report line 613"},
    {"title": "Company Secretary",
     "responsibilities": "Keeps the directors informed of ESG news from HKEX and other bodies; "
                         "advises the board on sustainability with the Chief Legal and Corporate "
                         "Responsibility Officer.",
     "reports_to": "Board of Directors", "source": "report lines 616–617"},
    {"title": "EMS owner",
     "responsibilities": "Owns the ISO 14001:2015 certified global environmental management "
                         "system within which the climate projects are managed day to day.",
     "reports_to": "Chief Legal and Corporate Responsibility Officer",
     "source": "report lines 651–653"},
    {"title": "Global ISO 14001 programme manager",
     "responsibilities": "Reports at least once a year to the EMS owner on science-based "
                         "targets, renewable energy installations and other environmental "
                         "matters.",
     "reports_to": "EMS owner", "source": "report lines 651–653"},
    {"title": "President of China",
     "responsibilities": "Chairs the Lenovo China Platform ESG Committee.",
     "chairs": ["china-esg"], "source": "report line 661"},
)  # fmt: skip


def load_demo(db: Session, ctx: Context) -> int:
    """The report's governance records of FY2023/24 (module :data:`DEMO_BODIES`,
    :data:`DEMO_ROLES`, the meetings it publishes and the remuneration link of its Compensation
    Committee): the number of records added. Dates the report gives by month only are
    month-level (approximate); meetings without a published date carry only their fiscal year.
    Nothing is added when the organisation already has a body ``board`` (0)."""
    ctx.require("edit_data")
    if _body_by_code(db, "board") is not None:
        return 0
    try:
        fy = ctx.workspace().config.period("FY2023/24").label
    except (LingtanError, ValueError):
        fy = ctx.workspace().config.calendar.of(date(2023, 5, 1)).label
    n = 0
    for body in DEMO_BODIES:
        create_body(db, ctx, dict(body))
        n += 1
    for meeting in _demo_meetings(fy):
        create_meeting(db, ctx, dict(meeting))
        n += 1
    for role in DEMO_ROLES:
        create_role(db, ctx, dict(role))
        n += 1
    create_pay_link(db, ctx, {
        "fiscal_year": fy, "population": "executive management", "body": "remuneration",
        "kpi_label": "ESG performance indicators and climate-related considerations",
        "description": "ESG KPIs and climate considerations in the executives' incentive pay "
                       "policy, KPIs linked to variable pay (or non-monetary incentives); the "
                       "share of variable pay is not published.",
        "source": "report lines 637–638",
    })  # fmt: skip
    return n + 1
