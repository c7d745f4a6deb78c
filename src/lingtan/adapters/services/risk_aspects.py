"""Significant environmental aspects (issue 17 item 3; ISO 14001:2015 §6.1.2; decision 0081).

The register of the organisation's environmental aspects — per site (or the whole
organisation), activity and operating condition (normal | abnormal | emergency) — with the
report's 5 + 3 factor scores, the rating computed from them under the organisation's
significance configuration (:mod:`lingtan.modules.risk.aspects`; every default lingtan's),
objectives linked to the targets file's KPIs, a link to a risk of the GRMC register
(``risk_code``: "a climate risk found in the group process is taken into the aspects and vice
versa", report lines 1204–1205), and the semi-annual monitoring records (line 1269) with the
aspects whose monitoring is due.

A CSV file of aspects is imported all or nothing (every wrong cell named with file, row, column
and keyed reason, as the certificate register does) and exported in the same columns.
:func:`load_demo` loads the report's FY2023/24 list of 11 significant aspects (lines 1286–1303)
with ILLUSTRATIVE factor scores (the report publishes none).

Reading needs ``read``; changing ``edit_data``; every change is an audited row. A refusal is an
:class:`AspectsError` with its catalogue key (``aspects.err.*``) and parameters.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
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
    as_date,
    cell_error_lines,
    check_cells,
    decode_text,
)
from lingtan.adapters.services.register_files import (
    RowError as RowError,
)
from lingtan.adapters.store.risk_aspects import AspectConfigRow, AspectMonitoringRow, AspectRow
from lingtan.adapters.store.risk_register import RiskItemRow
from lingtan.core.errors import LingtanError
from lingtan.core.messages import Message, msg
from lingtan.modules.risk import aspects as am
from lingtan.modules.risk.errors import AspectError

#: largest import file [bytes]
MAX_FILE_BYTES = 20 * 1024 * 1024
#: the store column of each factor
FACTOR_COLUMNS: dict[str, str] = {
    **{f: f"e_{f}" for f in am.ENV_FACTORS},
    **{f: f"b_{f}" for f in am.BUS_FACTORS},
}
SCORE_FIELDS: tuple[str, ...] = tuple(FACTOR_COLUMNS.values())
#: the fields of an aspect a caller may set
ASPECT_FIELDS: tuple[str, ...] = ("code", "aspect", "activity", "site", "condition",
                                  "value_chain", *SCORE_FIELDS, "objectives", "risk_code",
                                  "fiscal_year", "source", "note")  # fmt: skip
#: the columns of the file (import and export), in order
FILE_COLUMNS: tuple[str, ...] = ASPECT_FIELDS
#: computed columns the export adds and the import ignores
COMPUTED_COLUMNS: tuple[str, ...] = ("env", "bus", "overall", "significant")
REQUIRED_COLUMNS: tuple[str, ...] = ("aspect",)
#: the fields of a monitoring record
MONITORING_FIELDS: tuple[str, ...] = ("checked_on", "checked_by", "findings", "status")
_LINE_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]{1,2000}$")
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_ID_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f/\\]{1,80}$")
_LIMITS = {"aspect": 300, "activity": 300, "source": 300, "note": 500, "findings": 2000,
           "checked_by": 200}  # fmt: skip


class AspectsError(KeyedError):
    """A refused request of the aspect register: besides the English ``message`` it carries
    ``key`` (``aspects.err.*``) and ``params``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> AspectsError:
    """An :class:`AspectsError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(AspectsError, kind, message, field)


def _from_module(exc: AspectError) -> AspectsError:
    field = exc.field
    if field in FACTOR_COLUMNS:
        field = FACTOR_COLUMNS[field]
    return refused("invalid", exc.message, field)


def _today() -> date:
    return datetime.now(UTC).date()


# ---- fields ---------------------------------------------------------------------------------


def _text(value: Any, field: str, *, required: bool = False) -> str | None:
    text = " ".join(str(value if value is not None else "").split())
    if not text:
        if required:
            raise refused("invalid", msg("aspects.err.required", name=field), field)
        return None
    limit = _LIMITS.get(field, 300)
    if len(text) > limit or not _LINE_RE.match(text):
        raise refused("invalid", msg("aspects.err.text", name=field, limit=limit), field)
    return text


def _code(value: Any, field: str) -> str | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not _CODE_RE.match(text):
        raise refused("invalid", msg("aspects.err.code", name=field, value=text[:40]), field)
    return text


def _objectives(value: Any) -> list[dict[str, Any]]:
    """Objectives from a list of ``{text, kpi}`` (or of texts), or from a file cell:
    ``text|KPI-ID; text; …`` (the KPI after the last ``|``)."""
    items: list[Any]
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = []
        for part in value.split(";"):
            if not part.strip():
                continue
            text, bar, kpi = part.rpartition("|")
            items.append({"text": text, "kpi": kpi} if bar else {"text": part})
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise refused("invalid", msg("aspects.err.objectives"), "objectives")
    out: list[dict[str, Any]] = []
    for item in items[:50]:
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict) or set(item) - {"text", "kpi"}:
            raise refused("invalid", msg("aspects.err.objectives"), "objectives")
        out.append({"text": _text(item.get("text"), "objectives", required=True),
                    "kpi": _code(item.get("kpi"), "objectives")})  # fmt: skip
    return out


def _check_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Each given field checked and normalised on its own (so that an import names every wrong
    cell)."""
    unknown = sorted(set(fields) - set(ASPECT_FIELDS))
    if unknown:
        raise refused("invalid", msg("aspects.err.field", value=unknown[0]), unknown[0])
    out: dict[str, Any] = {}
    factor_of = {c: f for f, c in FACTOR_COLUMNS.items()}
    for k, v in fields.items():
        try:
            if k in ("code", "risk_code"):
                out[k] = _code(v, k)
            elif k == "aspect":
                out[k] = _text(v, k, required=True)
            elif k in ("activity", "source", "note"):
                out[k] = _text(v, k)
            elif k == "site":
                site = _text(v, k)
                if site is not None and not _ID_RE.match(site):
                    raise refused("invalid", msg("aspects.err.text", name=k, limit=80), k)
                out[k] = site
            elif k == "condition":  # blank: normal
                out[k] = am.check_condition(v) if str(v or "").strip() else "normal"
            elif k == "value_chain":
                chain = str(v or "").strip().lower() or None
                if chain is not None and chain not in am.VALUE_CHAIN:
                    raise refused("invalid", msg("aspects.err.value_chain", value=chain[:40]), k)
                out[k] = chain
            elif k in factor_of:
                blank = v is None or (isinstance(v, str) and not v.strip())
                out[k] = None if blank else am.check_factor(factor_of[k], v)
            elif k == "objectives":
                out[k] = _objectives(v)
            elif k == "fiscal_year":
                out[k] = _text(v, k)
        except AspectError as exc:
            raise _from_module(exc) from exc
    return out


def _kpi_ids(ctx: Context) -> set[str]:
    """The KPI ids of the organisation's targets file (none without a file)."""
    from lingtan.adapters.services.targets import parse_targets_text, targets_file

    try:
        _, data = targets_file(ctx)
        prog = parse_targets_text(data.decode("utf-8", errors="replace"))
    except ServiceError:
        return set()
    return {k.id for k in prog.kpis}


def _check_whole(
    db: Session, ctx: Context, values: dict[str, Any], own_id: int | None = None,
    kpis: set[str] | None = None,
) -> None:  # fmt: skip
    """The rules across fields and against stored data: the aspect named; the code unused; the
    site a site of the boundary; the risk a risk of the register; each objective's KPI a KPI of
    the targets file; the eight scores all given or none; the fiscal year one of the
    workspace's calendar (normalised)."""
    if not values.get("aspect"):
        raise refused("invalid", msg("aspects.err.required", name="aspect"), "aspect")
    code = values.get("code")
    if code:
        q = select(AspectRow.id).where(AspectRow.code == code)
        if own_id is not None:
            q = q.where(AspectRow.id != own_id)
        if db.scalar(q) is not None:
            raise refused("conflict", msg("aspects.err.code_taken", value=code), "code")
    site = values.get("site")
    if site and site not in ctx.workspace().config.site_regions():
        raise refused("invalid", msg("aspects.err.unknown_site", value=site), "site")
    risk = values.get("risk_code")
    if risk and db.scalar(select(RiskItemRow.id).where(RiskItemRow.code == risk)) is None:
        raise refused("invalid", msg("aspects.err.unknown_risk", value=risk), "risk_code")
    wanted = [o["kpi"] for o in values.get("objectives") or [] if o.get("kpi")]
    if wanted:
        known = _kpi_ids(ctx) if kpis is None else kpis
        for kpi in wanted:
            if kpi not in known:
                raise refused("invalid", msg("aspects.err.unknown_kpi", value=kpi), "objectives")
    given = [c for c in SCORE_FIELDS if values.get(c) is not None]
    if given and len(given) < len(SCORE_FIELDS):
        missing = [c for c in SCORE_FIELDS if values.get(c) is None]
        raise refused("invalid", msg("aspects.err.incomplete", factors=", ".join(missing)),
                      missing[0])  # fmt: skip
    year = values.get("fiscal_year")
    if year:
        try:
            values["fiscal_year"] = ctx.workspace().config.period(year.replace("-", "/")).label
        except (LingtanError, ValueError):
            raise refused("invalid", msg("aspects.err.year", value=year[:20]),
                          "fiscal_year") from None  # fmt: skip


# ---- the configuration and the rating ---------------------------------------------------------


def get_config(db: Session, ctx: Context) -> am.Significance:
    """The organisation's significance configuration (lingtan's defaults until one is set)."""
    ctx.require("read")
    row = db.scalar(select(AspectConfigRow))
    if row is None:
        return am.DEFAULT_SIGNIFICANCE
    return am.Significance(row.threshold, row.aggregate, row.any_factor_at)


def is_default(config: am.Significance) -> bool:
    """Whether ``config`` is lingtan's default (shown with its label)."""
    return config == am.DEFAULT_SIGNIFICANCE


def scores_of(row: AspectRow) -> dict[str, int | None]:
    """The eight factor scores of an aspect by factor name (None: not rated)."""
    return {f: getattr(row, c) for f, c in FACTOR_COLUMNS.items()}


def _apply_rating(row: AspectRow, config: am.Significance) -> None:
    """Set the computed rating of ``row`` from its scores (cleared when unrated)."""
    scores = scores_of(row)
    if any(v is None for v in scores.values()):
        row.env = row.bus = row.overall = None
        row.significant, row.reason = False, None
        return
    try:
        r = am.rate(scores, config)
    except AspectError as exc:
        raise _from_module(exc) from exc
    if (row.env, row.bus, row.overall, row.significant, row.reason) != (
        r.env,
        r.bus,
        r.overall,
        r.significant,
        r.reason,
    ):
        row.env, row.bus, row.overall = r.env, r.bus, r.overall
        row.significant, row.reason = r.significant, r.reason


def set_config(db: Session, ctx: Context, fields: dict[str, Any]) -> int:
    """Change the significance configuration (``threshold``, ``aggregate``, ``any_factor_at``:
    None turns that rule off) and re-rate every aspect; the number of aspects whose rating
    changed. Audited (the configuration row and every re-rated aspect).

    Raises:
        AspectsError: 403; 422 a value is invalid (named).
    """
    ctx.require("edit_data")
    unknown = sorted(set(fields) - {"threshold", "aggregate", "any_factor_at"})
    if unknown:
        raise refused("invalid", msg("aspects.err.field", value=unknown[0]), unknown[0])
    current = get_config(db, ctx)
    values = {**current.to_dict(), **fields}
    try:
        threshold = float(values["threshold"])
    except (TypeError, ValueError):
        raise refused("invalid", msg("aspects.err.threshold", value=str(values["threshold"])[:20]),
                      "threshold") from None  # fmt: skip
    at = values["any_factor_at"]
    if at is not None and at != "":
        try:
            at = am.check_factor("quantity", at)
        except AspectError:
            raise refused("invalid", msg("aspects.err.any_factor_at", value=str(at)[:20]),
                          "any_factor_at") from None  # fmt: skip
    else:
        at = None
    try:
        config = am.Significance(threshold, str(values["aggregate"] or ""), at).check()
    except AspectError as exc:
        raise _from_module(exc) from exc
    row = db.scalar(select(AspectConfigRow))
    if row is None:
        db.add(AspectConfigRow(threshold=config.threshold, aggregate=config.aggregate,
                               any_factor_at=config.any_factor_at))  # fmt: skip
    elif (row.threshold, row.aggregate, row.any_factor_at) != (
        config.threshold,
        config.aggregate,
        config.any_factor_at,
    ):
        row.threshold, row.aggregate = config.threshold, config.aggregate
        row.any_factor_at = config.any_factor_at
    changed = 0
    for aspect in db.scalars(select(AspectRow)):
        before = (aspect.overall, aspect.significant, aspect.reason)
        _apply_rating(aspect, config)
        changed += before != (aspect.overall, aspect.significant, aspect.reason)
    db.commit()
    return changed


# ---- the register -------------------------------------------------------------------------


def aspect_dict(row: AspectRow) -> dict[str, Any]:
    """An aspect's fields and rating as plain data (API, CLI, export)."""
    d: dict[str, Any] = {"id": row.id}
    for k in ASPECT_FIELDS:
        d[k] = getattr(row, k)
    d["objectives"] = [dict(o) for o in row.objectives or []]
    d.update(env=row.env, bus=row.bus, overall=row.overall, significant=bool(row.significant),
             reason=row.reason, rated=row.overall is not None)  # fmt: skip
    return d


def list_aspects(
    db: Session,
    ctx: Context,
    *,
    site: str | None = None,
    condition: str | None = None,
    significant: bool | None = None,
    risk_code: str | None = None,
) -> list[AspectRow]:
    """The organisation's aspects, highest overall rating first (unrated last), then by code;
    filtered by site (``*``: the organisation-wide ones), condition, significance and linked
    risk."""
    ctx.require("read")
    q = select(AspectRow)
    if site == "*":
        q = q.where(AspectRow.site.is_(None))
    elif site:
        q = q.where(AspectRow.site == site)
    if condition:
        q = q.where(AspectRow.condition == condition)
    if significant is not None:
        q = q.where(AspectRow.significant.is_(significant))
    if risk_code:
        q = q.where(AspectRow.risk_code == risk_code)
    rows = list(db.scalars(q))
    return sorted(rows, key=lambda r: (r.overall is None, -(r.overall or 0.0), r.code))


def get_aspect(db: Session, ctx: Context, aspect_id: int) -> AspectRow:
    """One aspect of the organisation.

    Raises:
        AspectsError: 404 (also for another organisation's aspect).
    """
    ctx.require("read")
    row = db.get(AspectRow, aspect_id)
    if row is None:
        raise refused("not_found", msg("aspects.err.not_found", id=aspect_id), "id")
    return row


def find_aspect(db: Session, ctx: Context, ref: str) -> AspectRow:
    """An aspect by its code or (digits) its id.

    Raises:
        AspectsError: 404.
    """
    ctx.require("read")
    row = db.scalar(select(AspectRow).where(AspectRow.code == ref))
    if row is None and ref.isdigit() and int(ref) < 2**31:
        row = db.get(AspectRow, int(ref))
    if row is None:
        raise refused("not_found", msg("aspects.err.not_found", id=ref[:40]), "id")
    return row


def _next_code(db: Session) -> str:
    n = int(db.scalar(select(func.count(AspectRow.id))) or 0) + 1
    while db.scalar(select(AspectRow.id).where(AspectRow.code == f"SEA-{n:02d}")) is not None:
        n += 1
    return f"SEA-{n:02d}"


def _new_values(fields: dict[str, Any]) -> dict[str, Any]:
    return {"condition": "normal", "objectives": [], **fields}


def create_aspect(db: Session, ctx: Context, fields: dict[str, Any]) -> AspectRow:
    """Add an aspect: ``aspect`` and optionally ``code`` (default the next ``SEA-NN``),
    ``activity``, ``site``, ``condition`` (default normal), ``value_chain``, the eight scores
    (all or none), ``objectives``, ``risk_code``, ``fiscal_year``, ``source``, ``note``; rated
    under the organisation's configuration.

    Raises:
        AspectsError: 403; 409 the code is taken; 422 a field is invalid (named).
    """
    ctx.require("edit_data")
    values = _new_values(_check_fields(fields))
    if not values.get("code"):
        values["code"] = _next_code(db)
    _check_whole(db, ctx, values)
    row = AspectRow(**values)
    _apply_rating(row, get_config(db, ctx))
    db.add(row)
    db.commit()
    return row


def update_aspect(db: Session, ctx: Context, aspect_id: int, fields: dict[str, Any]) -> AspectRow:
    """Change the fields given of an aspect (re-rated).

    Raises:
        AspectsError: 403, 404, 409, 422 as :func:`create_aspect`.
    """
    ctx.require("edit_data")
    row = get_aspect(db, ctx, aspect_id)
    current = {k: getattr(row, k) for k in ASPECT_FIELDS}
    checked = _check_fields(fields)
    if "code" in checked and not checked["code"]:
        checked.pop("code")
    values = {**current, **checked}
    _check_whole(db, ctx, values, own_id=row.id)
    for k, v in values.items():
        if current[k] != v:
            setattr(row, k, v)
    _apply_rating(row, get_config(db, ctx))
    db.commit()
    return row


def rate_aspect(db: Session, ctx: Context, aspect_id: int, scores: dict[str, Any]) -> AspectRow:
    """Rate an aspect: the eight factor scores by factor name (``quantity`` … ``management``)
    or column (``e_quantity`` … ``b_management``), all eight, each 1–5.

    Raises:
        AspectsError: 403; 404; 422 a score missing or outside 1–5.
    """
    ctx.require("edit_data")
    by_factor = {FACTOR_COLUMNS.get(k, k): v for k, v in scores.items()}
    missing = [c for c in SCORE_FIELDS if by_factor.get(c) in (None, "")]
    if missing:
        raise refused("invalid", msg("aspects.err.incomplete", factors=", ".join(missing)),
                      missing[0])  # fmt: skip
    return update_aspect(db, ctx, aspect_id, by_factor)


def delete_aspect(db: Session, ctx: Context, aspect_id: int) -> None:
    """Remove an aspect and its monitoring records (audited).

    Raises:
        AspectsError: 403; 404.
    """
    ctx.require("edit_data")
    row = get_aspect(db, ctx, aspect_id)
    for rec in db.scalars(
        select(AspectMonitoringRow).where(AspectMonitoringRow.aspect_id == row.id)
    ):
        db.delete(rec)
    db.delete(row)
    db.commit()


# ---- the link with the risk register ----------------------------------------------------------


def aspect_from_risk(
    db: Session, ctx: Context, risk_code: str, fields: dict[str, Any] | None = None
) -> AspectRow:
    """A register risk taken into the aspects (report lines 1204–1205): a new aspect linked to
    it (its title as the aspect unless ``fields`` names one), or the aspect already linked.

    Raises:
        AspectsError: 403; 422 no such risk in the register.
    """
    ctx.require("edit_data")
    risk = db.scalar(select(RiskItemRow).where(RiskItemRow.code == risk_code))
    if risk is None:
        raise refused("invalid", msg("aspects.err.unknown_risk", value=risk_code[:40]),
                      "risk_code")  # fmt: skip
    linked = db.scalar(select(AspectRow).where(AspectRow.risk_code == risk_code))
    if linked is not None and not fields:
        return linked
    given = {"aspect": risk.title[:300], "risk_code": risk_code, **(fields or {})}
    return create_aspect(db, ctx, given)


def link_risk(db: Session, ctx: Context, aspect_id: int, risk_code: str | None) -> AspectRow:
    """Link an aspect to a register risk (None: unlink).

    Raises:
        AspectsError: 403; 404; 422 no such risk.
    """
    return update_aspect(db, ctx, aspect_id, {"risk_code": risk_code})


# ---- monitoring -----------------------------------------------------------------------------


def monitoring_dict(row: AspectMonitoringRow) -> dict[str, Any]:
    """A monitoring record as plain data."""
    return {
        "id": row.id,
        "aspect_id": row.aspect_id,
        "checked_on": row.checked_on,
        "checked_by": row.checked_by,
        "findings": row.findings,
        "status": row.status,
    }


def list_monitoring(db: Session, ctx: Context, aspect_id: int) -> list[AspectMonitoringRow]:
    """An aspect's monitoring records, newest first.

    Raises:
        AspectsError: 404.
    """
    get_aspect(db, ctx, aspect_id)
    q = select(AspectMonitoringRow).where(AspectMonitoringRow.aspect_id == aspect_id)
    return sorted(db.scalars(q), key=lambda r: (r.checked_on, r.id), reverse=True)


def record_monitoring(
    db: Session, ctx: Context, aspect_id: int, fields: dict[str, Any]
) -> AspectMonitoringRow:
    """Record a monitoring of an aspect: ``checked_on`` (default today), ``checked_by``
    (default the caller), ``findings``, ``status`` (on_track | attention | off_track, default
    on_track). Audited.

    Raises:
        AspectsError: 403; 404; 422 a field is invalid; a date in the future.
    """
    ctx.require("edit_data")
    aspect = get_aspect(db, ctx, aspect_id)
    unknown = sorted(set(fields) - set(MONITORING_FIELDS))
    if unknown:
        raise refused("invalid", msg("aspects.err.field", value=unknown[0]), unknown[0])
    raw = fields.get("checked_on")
    day = as_date(
        raw, required=False,
        missing=lambda: refused("invalid", msg("aspects.err.required", name="checked_on")),
        bad=lambda: refused("invalid", msg("aspects.err.date", name="checked_on",
                                           value=str(raw)[:40]), "checked_on"),
    ) or _today()  # fmt: skip
    if day > _today():
        raise refused("invalid", msg("aspects.err.future", value=day.isoformat()), "checked_on")
    status = str(fields.get("status") or "on_track").strip().lower()
    if status not in am.MONITORING_STATUSES:
        raise refused("invalid", msg("aspects.err.status", value=status[:40]), "status")
    by = _text(fields.get("checked_by"), "checked_by") or ctx.actor[:200]
    row = AspectMonitoringRow(aspect_id=aspect.id, checked_on=day, checked_by=by,
                              findings=_text(fields.get("findings"), "findings"),
                              status=status)  # fmt: skip
    db.add(row)
    db.commit()
    return row


@dataclass(frozen=True)
class DueAspect:
    """A significant aspect whose semi-annual monitoring is due (``due``: the module's
    :class:`~lingtan.modules.risk.aspects.Due`)."""

    aspect: AspectRow
    due: am.Due

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.aspect.id, "code": self.aspect.code, "aspect": self.aspect.aspect,
                **self.due.to_dict()}  # fmt: skip


def monitoring_due(db: Session, ctx: Context, *, on: date | None = None) -> list[DueAspect]:
    """The significant aspects without a monitoring record in the six calendar months before
    ``on`` (default today): never monitored first, then the longest overdue."""
    rows = {str(r.id): r for r in list_aspects(db, ctx, significant=True)}
    last: dict[int, date] = {
        int(a): d
        for a, d in db.execute(
            select(
                AspectMonitoringRow.aspect_id, func.max(AspectMonitoringRow.checked_on)
            ).group_by(AspectMonitoringRow.aspect_id)
        )
    }
    due = am.monitoring_due(((k, last.get(int(k))) for k in rows), on or _today())
    return [DueAspect(rows[d.key], d) for d in due]


# ---- the file -------------------------------------------------------------------------------


class AspectsFileError(AspectsError, KeyedFileError):
    """An import file was refused: ``errors`` lists every wrong cell (:class:`RowError`)."""

    row_error_key = "aspects.file.row_error"


def row_error_lines(errors: Sequence[RowError], locale: str, limit: int = 50) -> list[str]:
    """``file, row r, column c: reason`` of each wrong cell (the first ``limit``)."""
    return cell_error_lines(errors, "aspects.file.row_error", locale, limit)


def _decode(data: bytes, encoding: str | None) -> str:
    return decode_text(
        data, encoding, lambda: refused("invalid", msg("aspects.file.encoding"), "file")
    )


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the ids of the aspects created and of those updated (same code)."""

    created: tuple[int, ...] = ()
    updated: tuple[int, ...] = ()


def import_aspects(
    db: Session, ctx: Context, data: bytes, file_name: str, *, encoding: str | None = None
) -> ImportResult:
    """Add (or, for a code already used, update) the aspects of a CSV file (UTF-8 or GB 18030;
    columns :data:`FILE_COLUMNS`, ``aspect`` required; the computed columns of an export are
    ignored). All or nothing: any wrong cell refuses the whole file, every wrong cell named
    (file, row, column, reason).

    Raises:
        AspectsError: 403; 413 above 20 MiB; 422 the file or a row is invalid
            (:class:`AspectsFileError`).
    """
    ctx.require("edit_data")
    source = Path(file_name).name or "aspects.csv"
    if len(data) > MAX_FILE_BYTES:
        raise AspectsError("too_large", "aspects.err.file_size", "a file is at most 20 MiB",
                           "file")  # fmt: skip
    reader = csv.reader(io.StringIO(_decode(data, encoding), newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise AspectsFileError(msg("aspects.file.columns", columns=", ".join(missing)), [])
    unknown = [h for h in header if h and h not in FILE_COLUMNS and h not in COMPUTED_COLUMNS]
    if unknown:
        raise AspectsFileError(msg("aspects.file.unknown_columns", columns=", ".join(unknown)),
                               [])  # fmt: skip
    config = get_config(db, ctx)
    existing = {r.code: r for r in db.scalars(select(AspectRow))}
    kpis = _kpi_ids(ctx) if "objectives" in header else set()
    errors: list[RowError] = []
    checked: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        raw = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)
               if h and h not in COMPUTED_COLUMNS}  # fmt: skip
        values, wrong = check_cells(raw, _check_fields, AspectsError)
        errors += [RowError(source, n, k, m) for k, m in wrong]
        if wrong:
            continue
        code = values.get("code")
        if code and code in seen:
            errors.append(RowError(source, n, "code", msg("aspects.err.code_twice", value=code)))
            continue
        if code:
            seen.add(code)
        own = existing.get(code) if code else None
        if own is None:
            values = _new_values(values)
        try:
            _check_whole(db, ctx, values, own_id=own.id if own else None, kpis=kpis)
        except AspectsError as exc:
            errors.append(RowError(source, n, exc.field or "row", Message(exc.key, exc.params)))
            continue
        checked.append(values)
    if errors:
        raise AspectsFileError(msg("aspects.file.rows", n=len(errors)), errors)
    created: list[AspectRow] = []
    updated: list[AspectRow] = []
    for values in checked:
        own = existing.get(values.get("code") or "")
        if own is None:
            if not values.get("code"):
                values["code"] = _next_code(db)
            row = AspectRow(**values)
            db.add(row)
            db.flush()
            created.append(row)
        else:
            for k, v in values.items():
                if getattr(own, k) != v:
                    setattr(own, k, v)
            row = own
            updated.append(row)
        _apply_rating(row, config)
    db.commit()
    return ImportResult(tuple(r.id for r in created), tuple(r.id for r in updated))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def export_aspects(db: Session, ctx: Context) -> bytes:
    """The register as a CSV file (UTF-8) that :func:`import_aspects` reads back: the columns
    :data:`FILE_COLUMNS` and the computed :data:`COMPUTED_COLUMNS`; objectives as
    ``text|KPI; …``."""
    rows = sorted(list_aspects(db, ctx), key=lambda r: r.code)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*FILE_COLUMNS, *COMPUTED_COLUMNS])
    for r in rows:
        d = aspect_dict(r)
        d["objectives"] = "; ".join(
            f"{o['text']}|{o['kpi']}" if o.get("kpi") else str(o["text"]) for o in d["objectives"]
        )
        w.writerow([_cell(d[c]) for c in (*FILE_COLUMNS, *COMPUTED_COLUMNS)])
    return buf.getvalue().encode("utf-8")


# ---- the demo -------------------------------------------------------------------------------

#: the source of every demo aspect
DEMO_SOURCE = ("Report FY2023/24 significant aspects (lines 1286-1303); factor scores "
               "ILLUSTRATIVE: the report publishes none")  # fmt: skip
#: the report's FY2023/24 significant aspects (lines 1286–1303, as printed), with ILLUSTRATIVE
#: factor scores (quantity, scope, frequency, severity, control; reputation, compliance,
#: management), value-chain positions, sites and objectives. Overall = mean(e) × mean(b), e.g.
#: SEA-03: (5+5+5+4+3)/5 = 4.4 × (5+5+5)/3 = 5.0 → 22.0; every one ≥ 9 (significant).
DEMO_ASPECTS: tuple[dict[str, Any], ...] = (
    {"code": "SEA-01", "aspect": "Product materials, incl. recycled plastics and "
     "environmentally preferable materials where possible", "as_printed": "产品材料－包括尽可能使用"
     "可再生塑料和环保材料", "value_chain": "upstream", "scores": (4, 4, 5, 3, 3, 4, 4, 4)},
    {"code": "SEA-02", "aspect": "Product packaging", "as_printed": "产品包装",
     "value_chain": "downstream", "scores": (4, 3, 5, 3, 2, 3, 4, 3)},
    {"code": "SEA-03", "aspect": "Product energy use and emissions", "as_printed":
     "产品能源消耗和排放", "value_chain": "downstream", "scores": (5, 5, 5, 4, 3, 5, 5, 5),
     "objectives": (("Notebook energy efficiency +30 % by FY2029/30", "KPI-EFF-NB"),
                    ("Desktop and server energy efficiency +50 % by FY2029/30", "KPI-EFF-DS"))},
    {"code": "SEA-04", "aspect": "Product end-of-life management", "as_printed":
     "产品生命周期末端管理", "value_chain": "downstream", "scores": (4, 4, 3, 4, 3, 4, 5, 3)},
    {"code": "SEA-05", "aspect": "Workplace air emissions, in particular greenhouse gas (GHG) "
     "emissions", "as_printed": "工作场所废气排放，特别是温室气体 (GHG)排放",
     "value_chain": "own_operations", "site": "WH-FACTORY", "scores": (4, 3, 5, 4, 2, 5, 5, 5)},
    {"code": "SEA-06", "aspect": "Workplace energy consumption", "as_printed": "工作场所能源消耗",
     "value_chain": "own_operations", "site": "HF-FACTORY", "scores": (5, 3, 5, 3, 2, 4, 4, 5),
     "objectives": (("90 % of electricity from renewables by FY2025/26", "KPI-RE"),)},
    {"code": "SEA-07", "aspect": "Supplier environmental performance", "as_printed":
     "供货商环境表现", "value_chain": "upstream", "scores": (5, 5, 4, 4, 4, 4, 4, 4),
     "objectives": (("1 Mt supply-chain GHG reduction by FY2025/26", "KPI-SC"),)},
    {"code": "SEA-08", "aspect": "Product transport", "as_printed": "产品运输",
     "value_chain": "downstream", "scores": (4, 4, 5, 3, 3, 3, 3, 4)},
    {"code": "SEA-09", "aspect": "Waste disposal", "as_printed": "废弃物处理",
     "value_chain": "own_operations", "site": "SZ-FACTORY", "scores": (3, 2, 5, 3, 2, 3, 4, 3)},
    {"code": "SEA-10", "aspect": "Water management", "as_printed": "水资源管理",
     "value_chain": "own_operations", "site": "TJ-FACTORY", "scores": (3, 2, 5, 2, 2, 3, 4, 3)},
    {"code": "SEA-11", "aspect": "Benefits of the net-zero commitment", "as_printed":
     "联想净零排放承诺的效益", "value_chain": "own_operations",
     "scores": (4, 5, 3, 3, 3, 5, 4, 5)},
)  # fmt: skip
#: the demo's monitoring days (the two half-years of FY2023/24; illustrative)
DEMO_MONITORING: tuple[str, ...] = ("2023-09-30", "2024-03-31")


def load_demo(db: Session, ctx: Context) -> int:
    """Load the report's FY2023/24 list of 11 significant aspects (lines 1286–1303, the text as
    printed kept in ``note``) with ILLUSTRATIVE scores (``source`` says so), sites of the demo
    group where a workplace aspect has one (when the site is in the boundary), objectives
    linked to the demo targets file's KPIs (when it has them) and two illustrative monitoring
    records each; an aspect already there (same code) is updated. The number of aspects
    loaded."""
    ctx.require("edit_data")
    sites = set(ctx.workspace().config.site_regions())
    kpis = _kpi_ids(ctx)
    year = "FY2023/24"
    try:
        year = ctx.workspace().config.period(year).label
    except (LingtanError, ValueError):
        year = ""
    n = 0
    for item in DEMO_ASPECTS:
        scores = dict(zip(SCORE_FIELDS, item["scores"], strict=True))
        objectives = [{"text": t, "kpi": k if k in kpis else None}
                      for t, k in item.get("objectives", ())]  # fmt: skip
        site = item.get("site") if item.get("site") in sites else None
        fields = {"aspect": item["aspect"], "activity": None, "site": site,
                  "condition": "normal", "value_chain": item["value_chain"], **scores,
                  "objectives": objectives, "fiscal_year": year or None,
                  "source": DEMO_SOURCE, "note": f"As printed: {item['as_printed']}"}  # fmt: skip
        row = db.scalar(select(AspectRow).where(AspectRow.code == item["code"]))
        if row is None:
            row = create_aspect(db, ctx, {"code": item["code"], **fields})
        else:
            row = update_aspect(db, ctx, row.id, fields)
        have = {r.checked_on for r in list_monitoring(db, ctx, row.id)}
        for day in DEMO_MONITORING:
            if date.fromisoformat(day) not in have:
                record_monitoring(db, ctx, row.id, {
                    "checked_on": day, "checked_by": "EMS team (illustrative)",
                    "findings": "Objectives measured (illustrative demo record)",
                    "status": "on_track"})  # fmt: skip
        n += 1
    return n


def aspects_of_risks(db: Session, ctx: Context, codes: Iterable[str]) -> dict[str, list[str]]:
    """Risk code → the codes of the aspects linked to it (for the register's pages)."""
    wanted = set(codes)
    out: dict[str, list[str]] = {}
    for r in list_aspects(db, ctx):
        if r.risk_code and r.risk_code in wanted:
            out.setdefault(r.risk_code, []).append(r.code)
    return out
