"""Supplier reviews (issue 15 items 2–3, decision 0064): external ratings and the corrective
action plans (CAP) they open, quarterly scorecards, audits with their findings, the
audit-coverage set, audits due, the suspension rule and its waivers.

Use cases take the store session scoped to the organisation and the caller's
:class:`Context`, as the supplier register does (:mod:`.suppliers`). Reading needs ``read``,
changing ``edit_data``; every change is an audited row. The rules are the pure ones of
:mod:`lingtan.modules.suppliers` (``ratings``, ``caps``, ``scorecard``, ``audits``):

- a rating under 45 that is the supplier's latest opens a CAP due 90 days after the rating
  date (report lines 2192–2196); a later rating records ``score_after`` on the open rating
  plans (the score change after re-rating);
- the audit-coverage set A is built from the year's spend by supplier (S1's
  :func:`.suppliers.spend_by_supplier`, [CNY]); its denominator is stated;
- a priority finding open past its due date suspends an approved or conditional supplier
  (the register's status workflow, :func:`.suppliers.set_status`), unless waived.

Dates ("today") default to the UTC date; every use case takes it as an argument so that the
results are reproducible.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib.resources import files
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context, get_or_404
from lingtan.adapters.services.errors import Kind
from lingtan.adapters.services.suppliers import (
    SuppliersError,
    refused,
    set_status,
    spend_by_supplier,
    supplier_by_code,
)
from lingtan.adapters.store.supplier_reviews import (
    SupplierAudit,
    SupplierAuditFinding,
    SupplierCap,
    SupplierCapItem,
    SupplierKpiSet,
    SupplierRating,
    SupplierScorecard,
    SupplierWaiver,
)
from lingtan.adapters.store.suppliers import Supplier
from lingtan.core.messages import msg
from lingtan.modules.suppliers import audits as aud
from lingtan.modules.suppliers import caps, ratings, scorecard
from lingtan.modules.suppliers.review_errors import ReviewError

#: the shipped default KPI set (lingtan's defaults; the report publishes none)
DEFAULT_SET = ("data", "suppliers", "scorecard_default.toml")
#: supplier statuses the suspension rule moves to ``suspended`` (the register's workflow)
SUSPENDABLE = ("approved", "conditional")


def today_utc() -> date:
    """Today's date in UTC (the default "today" of the use cases)."""
    return datetime.now(UTC).date()


def _refused(kind: Kind, exc: ReviewError, field: str | None = None) -> SuppliersError:
    return refused(kind, msg(exc.key, **exc.params), field)


def _bad(key: str, where: str | None = None, **params: Any) -> SuppliersError:
    return refused("invalid", msg(key, **params), where)


def _text(value: Any, field: str, limit: int, *, required: bool = True) -> str | None:
    text = " ".join(str(value or "").split())
    if not text:
        if required:
            raise _bad("supplier_reviews.err.required", field, field=field)
        return None
    if len(text) > limit:
        raise _bad("supplier_reviews.err.too_long", field, field=field, limit=limit)
    return text


def _date(value: Any, field: str, *, required: bool = True) -> date | None:
    if value is None or value == "":
        if required:
            raise _bad("supplier_reviews.err.required", field, field=field)
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise _bad("supplier_reviews.err.date", field, field=field, value=str(value)) from exc


def _day(value: Any, field: str) -> date:
    """A required date (:func:`_date`)."""
    found = _date(value, field)
    if found is None:  # pragma: no cover - _date raises for a missing required date
        raise _bad("supplier_reviews.err.required", field, field=field)
    return found


# ---- KPI sets and scorecards ------------------------------------------------------------


@cache
def default_kpi_set() -> scorecard.KpiSet:
    """The shipped default set of 30 KPIs (``lingtan/data/suppliers/scorecard_default.toml``)."""
    text = files("lingtan").joinpath(*DEFAULT_SET).read_text(encoding="utf-8")
    return scorecard.parse_kpi_set(tomllib.loads(text))


def kpi_set(db: Session, ctx: Context) -> scorecard.KpiSet:
    """The organisation's KPI set in force: its latest stored version, else the default."""
    ctx.require("read")
    row = db.scalar(select(SupplierKpiSet).order_by(SupplierKpiSet.id.desc()).limit(1))
    return default_kpi_set() if row is None else scorecard.parse_kpi_set(row.document)


def kpi_set_document(kset: scorecard.KpiSet) -> dict[str, Any]:
    """The set as plain data (API, CLI): :func:`lingtan.modules.suppliers.scorecard.
    kpi_set_document`."""
    return scorecard.kpi_set_document(kset)


def save_kpi_set(db: Session, ctx: Context, document: Mapping[str, Any]) -> scorecard.KpiSet:
    """Store a new version of the KPI set (the TOML/JSON layout of the default set).

    Raises:
        ServiceError: 403; 422 an invalid definition; 409 the version exists.
    """
    ctx.require("edit_data")
    try:
        parsed = scorecard.parse_kpi_set(document)
    except ReviewError as exc:
        raise _refused("invalid", exc, "document") from exc
    taken = db.scalar(select(SupplierKpiSet.id).where(SupplierKpiSet.version == parsed.version))
    if taken is not None:
        raise refused("conflict", msg("supplier_reviews.err.version_taken",
                                      value=parsed.version), "version")  # fmt: skip
    db.add(SupplierKpiSet(version=parsed.version, document=scorecard.kpi_set_document(parsed)))
    db.commit()
    return parsed


def _latest_rating(db: Session, supplier_id: int) -> SupplierRating | None:
    q = select(SupplierRating).where(SupplierRating.supplier_id == supplier_id)
    rows = list(db.scalars(q))
    best = ratings.latest([_as_rating(r) for r in rows])
    return None if best is None else next(r for r in rows if r.id == best.seq)


def _as_rating(r: SupplierRating) -> ratings.Rating:
    return ratings.Rating(str(r.supplier_id), r.provider, r.score, r.rated_on, r.valid_until,
                          r.evidence, r.id)  # fmt: skip


def _computed_values(
    db: Session, kset: scorecard.KpiSet, supplier_id: int, on: date
) -> dict[str, float]:
    """Values of the KPIs lingtan knows from its own records, as of ``on``: the latest rating
    (``source = rating``); the latest counting audit's score and its open priority / major
    findings (``source = audit``); the CAP items closed on time [%] (``cap_items_on_time_pct``)."""
    out: dict[str, float] = {}
    rating = _latest_rating(db, supplier_id)
    audits = [a for a in _audits_of(db, supplier_id) if a[0].audited_on <= on]
    counting = [a for a in audits if a[0].scheme in aud.COUNTING_SCHEMES]
    last = max(counting, key=lambda a: (a[0].audited_on, a[0].id), default=None)
    open_findings = [f for _, fs in audits for f in fs if f.closed_on is None or f.closed_on > on]
    items = [
        i
        for c in db.scalars(select(SupplierCap).where(SupplierCap.supplier_id == supplier_id))
        for i in _items(db, c.id)
    ]
    decided = [i for i in items if (i.closed_on is not None and i.closed_on <= on) or i.due < on]
    for k in kset.kpis:
        if k.source == "rating" and rating is not None:
            out[k.code] = rating.score
        elif k.code == "rba_vap_score" and last is not None and last[0].score is not None:
            out[k.code] = last[0].score
        elif k.code == "rba_open_priority" and last is not None:
            out[k.code] = float(sum(1 for f in open_findings if f.severity == "priority"))
        elif k.code == "rba_open_major" and last is not None:
            out[k.code] = float(sum(1 for f in open_findings if f.severity == "major"))
        elif k.code == "cap_items_on_time_pct" and decided:
            on_time = sum(1 for i in decided if i.closed_on is not None and i.closed_on <= i.due)
            out[k.code] = 100.0 * on_time / len(decided)
    return out


def compute_scorecard(
    db: Session,
    ctx: Context,
    code: str,
    period: str,
    values: Mapping[str, float | None] | None = None,
) -> SupplierScorecard:
    """Compute and keep (replacing the same quarter's) the scorecard of supplier ``code`` for
    ``period`` (``2024Q1``): questionnaire values as given in ``values``, rating and audit
    KPIs from the records as of the quarter's last day (a value given overrides them);
    ``total = Σ w s / Σ w``, grade and allocation multiplier (:mod:`~.scorecard`).

    Raises:
        ServiceError: 403; 404 unknown supplier; 422 unknown KPI, bad value or period.
    """
    ctx.require("edit_data")
    supplier = supplier_by_code(db, ctx, code)
    kset = kpi_set(db, ctx)
    try:
        label = scorecard.quarter_label(period)
        year, quarter = int(label[:4]), int(label[5])
        end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
        merged: dict[str, float | None] = {
            **_computed_values(db, kset, supplier.id, end - timedelta(days=1)),
            **(values or {}),
        }
        result = scorecard.compute_scorecard(kset, merged, label)
    except ReviewError as exc:
        raise _refused("invalid", exc) from exc
    row = db.scalar(
        select(SupplierScorecard).where(
            SupplierScorecard.supplier_id == supplier.id, SupplierScorecard.period == label
        )
    )
    if row is None:
        row = SupplierScorecard(supplier_id=supplier.id, period=label)
        db.add(row)
    row.kpi_set_version = kset.version
    row.scores = {s.code: {"value": s.value, "score": s.score, "weight": s.weight}
                  for s in result.scores}  # fmt: skip
    row.total = result.total
    row.grade = result.grade
    row.multiplier = result.multiplier
    row.computed_at = datetime.now(UTC).replace(tzinfo=None)
    db.commit()
    return row


def list_scorecards(db: Session, ctx: Context, code: str) -> list[SupplierScorecard]:
    """The supplier's scorecards, latest quarter first."""
    supplier = supplier_by_code(db, ctx, code)
    q = select(SupplierScorecard).where(SupplierScorecard.supplier_id == supplier.id)
    return list(db.scalars(q.order_by(SupplierScorecard.period.desc())))


def scorecard_dict(row: SupplierScorecard, kset: scorecard.KpiSet) -> dict[str, Any]:
    """A stored scorecard with each KPI's pillar, unit and names."""
    kpis = {k.code: k for k in kset.kpis}
    lines = []
    for code, s in row.scores.items():
        k = kpis.get(code)
        lines.append({
            "code": code, "value": s["value"], "score": s["score"], "weight": s["weight"],
            "pillar": k.pillar if k else "", "unit": k.unit if k else "",
            "name_en": k.name_en if k else code, "name_zh": k.name_zh if k else code,
        })  # fmt: skip
    return {
        "id": row.id, "period": row.period, "kpi_set_version": row.kpi_set_version,
        "total": row.total, "grade": row.grade, "multiplier": row.multiplier,
        "computed_at": row.computed_at, "scores": lines,
        "missing": [ln["code"] for ln in lines if ln["value"] is None],
    }  # fmt: skip


# ---- ratings and corrective action plans -----------------------------------------------


def record_rating(
    db: Session, ctx: Context, code: str, fields: Mapping[str, Any]
) -> dict[str, Any]:
    """Record an external rating of supplier ``code``: ``provider``, ``score`` [0–100],
    ``rated_on``, optional ``valid_until`` and ``evidence``.

    The loop of report lines 2192–2196: the rating is recorded as ``score_after`` on the
    supplier's rating plans opened before it and not yet re-rated; when it is the supplier's
    latest rating and under 45, a plan is opened, due ``rated_on + 90 days``, with
    ``score_before`` = the score. All audited.

    Returns:
        ``{"rating": SupplierRating, "cap": SupplierCap | None, "rerated": [SupplierCap]}``.

    Raises:
        ServiceError: 403; 404; 422 an invalid field.
    """
    ctx.require("edit_data")
    supplier = supplier_by_code(db, ctx, code)
    provider = _text(fields.get("provider"), "provider", 100) or ""
    rated_on = _day(fields.get("rated_on"), "rated_on")
    try:
        score = float(fields.get("score"))  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise _bad("supplier_reviews.err.score", "score", value=str(fields.get("score"))) from exc
    valid_until = _date(fields.get("valid_until"), "valid_until", required=False)
    evidence = _text(fields.get("evidence"), "evidence", 300, required=False)
    try:
        ratings.check_rating(ratings.Rating(code, provider, score, rated_on, valid_until))
    except ReviewError as exc:
        raise _refused("invalid", exc, "score" if "score" in exc.key else None) from exc
    row = SupplierRating(supplier_id=supplier.id, provider=provider, score=score,
                         rated_on=rated_on, valid_until=valid_until, evidence=evidence)  # fmt: skip
    db.add(row)
    db.flush()
    rerated = []
    pending = select(SupplierCap).where(
        SupplierCap.supplier_id == supplier.id,
        SupplierCap.trigger == "rating",
        SupplierCap.rerating_id.is_(None),
        SupplierCap.opened < rated_on,
    )
    for cap in db.scalars(pending):
        cap.score_after = score
        cap.rerating_id = row.id
        rerated.append(cap)
    opened = None
    latest = _latest_rating(db, supplier.id)
    if latest is not None and latest.id == row.id and ratings.below_threshold(_as_rating(row)):
        opened = SupplierCap(supplier_id=supplier.id, trigger="rating", rating_id=row.id,
                             opened=rated_on, due=ratings.cap_due(rated_on),
                             score_before=score)  # fmt: skip
        db.add(opened)
    db.commit()
    return {"rating": row, "cap": opened, "rerated": rerated}


def list_ratings(db: Session, ctx: Context, code: str) -> list[SupplierRating]:
    """The supplier's ratings, latest first."""
    supplier = supplier_by_code(db, ctx, code)
    q = select(SupplierRating).where(SupplierRating.supplier_id == supplier.id)
    return list(db.scalars(q.order_by(SupplierRating.rated_on.desc(), SupplierRating.id.desc())))


def open_cap(db: Session, ctx: Context, code: str, fields: Mapping[str, Any]) -> SupplierCap:
    """Open a plan by hand (trigger ``audit_finding`` or ``grade``; ``opened``, ``due``).

    Raises:
        ServiceError: 403; 404; 422.
    """
    ctx.require("edit_data")
    supplier = supplier_by_code(db, ctx, code)
    trigger = str(fields.get("trigger") or "")
    if trigger not in caps.TRIGGERS:
        raise _bad("supplier_reviews.err.trigger", "trigger", value=trigger)
    opened_on = _day(fields.get("opened"), "opened")
    due = _day(fields.get("due"), "due")
    if due < opened_on:
        raise _bad("supplier_reviews.err.due_before_opened", "due")
    row = SupplierCap(supplier_id=supplier.id, trigger=trigger, opened=opened_on, due=due)
    db.add(row)
    db.commit()
    return row


def _items(db: Session, cap_id: int) -> list[SupplierCapItem]:
    q = select(SupplierCapItem).where(SupplierCapItem.cap_id == cap_id)
    return list(db.scalars(q.order_by(SupplierCapItem.id)))


def _as_cap(row: SupplierCap, items: Sequence[SupplierCapItem], code: str) -> caps.Cap:
    return caps.Cap(
        code, row.trigger, row.opened, row.due,
        tuple(caps.CapItem(i.finding, i.action, i.owner, i.due, i.closed_on, i.evidence)
              for i in items),
        row.score_before, row.score_after,
    )  # fmt: skip


def cap_dict(db: Session, row: SupplierCap, today: date) -> dict[str, Any]:
    """A plan with its items, computed status and closing date."""
    items = _items(db, row.id)
    supplier = db.get(Supplier, row.supplier_id)
    code = supplier.code if supplier is not None else ""
    plan = _as_cap(row, items, code)
    return {
        "id": row.id, "supplier": code,
        "supplier_name": supplier.legal_name if supplier is not None else "",
        "trigger": row.trigger, "opened": row.opened, "due": row.due,
        "status": caps.status(plan, today), "closed_on": caps.closed_on(plan.items),
        "score_before": row.score_before, "score_after": row.score_after,
        "score_change": None if row.score_after is None or row.score_before is None
        else row.score_after - row.score_before,
        "items": [
            {"id": i.id, "finding": i.finding, "action": i.action, "owner": i.owner,
             "due": i.due, "closed_on": i.closed_on, "evidence": i.evidence,
             "status": caps.item_status(p, today)}
            for i, p in zip(items, plan.items, strict=True)
        ],
    }  # fmt: skip


def list_caps(
    db: Session,
    ctx: Context,
    *,
    code: str | None = None,
    overdue: bool = False,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Plans (of one supplier, or all), overdue only when asked, by due date."""
    ctx.require("read")
    on = today or today_utc()
    q = select(SupplierCap)
    if code is not None:
        q = q.where(SupplierCap.supplier_id == supplier_by_code(db, ctx, code).id)
    out = [cap_dict(db, c, on) for c in db.scalars(q.order_by(SupplierCap.due, SupplierCap.id))]
    return [c for c in out if c["status"] == "overdue"] if overdue else out


def _cap_of(db: Session, ctx: Context, code: str, cap_id: int) -> SupplierCap:
    supplier = supplier_by_code(db, ctx, code)
    row = get_or_404(db, SupplierCap, cap_id, f"corrective action plan {cap_id}")
    if row.supplier_id != supplier.id:
        raise refused("not_found", msg("supplier_reviews.err.cap_not_found", id=cap_id), "cap")
    return row


def get_cap(
    db: Session, ctx: Context, code: str, cap_id: int, today: date | None = None
) -> dict[str, Any]:
    """One plan of supplier ``code``.

    Raises:
        ServiceError: 404 (also another supplier's or organisation's plan).
    """
    ctx.require("read")
    return cap_dict(db, _cap_of(db, ctx, code, cap_id), today or today_utc())


def add_cap_item(
    db: Session, ctx: Context, code: str, cap_id: int, fields: Mapping[str, Any]
) -> SupplierCapItem:
    """Add an item (finding, action, owner, due — the plan's due date by default).

    Raises:
        ServiceError: 403; 404; 422.
    """
    ctx.require("edit_data")
    cap = _cap_of(db, ctx, code, cap_id)
    item = SupplierCapItem(
        cap_id=cap.id,
        finding=_text(fields.get("finding"), "finding", 500),
        action=_text(fields.get("action"), "action", 500),
        owner=_text(fields.get("owner"), "owner", 200),
        due=_date(fields.get("due"), "due", required=False) or cap.due,
    )
    db.add(item)
    db.commit()
    return item


def close_cap_item(
    db: Session,
    ctx: Context,
    code: str,
    cap_id: int,
    item_id: int,
    *,
    closed_on: Any,
    evidence: Any,
) -> dict[str, Any]:
    """Close an item on ``closed_on`` with its ``evidence`` (required: a reference or a file's
    sha256). The plan closes when its last item does. Audited.

    Raises:
        ServiceError: 403; 404; 422 no evidence, or a date before the plan opened.
    """
    ctx.require("edit_data")
    cap = _cap_of(db, ctx, code, cap_id)
    item = get_or_404(db, SupplierCapItem, item_id, f"item {item_id}")
    if item.cap_id != cap.id:
        raise refused("not_found", msg("supplier_reviews.err.item_not_found", id=item_id), "item")
    when = _day(closed_on, "closed_on")
    if when < cap.opened:
        raise _bad("supplier_reviews.err.closed_before_opened", "closed_on")
    item.evidence = _text(evidence, "evidence", 300)
    item.closed_on = when
    db.commit()
    return cap_dict(db, cap, today_utc())


def cap_kpis(db: Session, ctx: Context, today: date | None = None) -> caps.CapKpis:
    """CAPs closed on time [%] and the mean score change after re-rating [points]."""
    ctx.require("read")
    rows = list(db.scalars(select(SupplierCap)))
    return caps.kpis([_as_cap(r, _items(db, r.id), "") for r in rows], today or today_utc())


# ---- audits -----------------------------------------------------------------------------


def _finding_fields(data: Mapping[str, Any], index: int) -> dict[str, Any]:
    where = f"findings[{index}]"
    severity = str(data.get("severity") or "")
    if severity not in aud.SEVERITIES:
        raise _bad("supplier_reviews.err.severity", f"{where}.severity", value=severity)
    return {
        "ref": _text(data.get("ref") or str(index + 1), f"{where}.ref", 60),
        "severity": severity,
        "section": _text(data.get("section"), f"{where}.section", 200, required=False) or "",
        "due": _date(data.get("due"), f"{where}.due", required=False),
        "closed_on": _date(data.get("closed_on"), f"{where}.closed_on", required=False),
        "evidence": _text(data.get("evidence"), f"{where}.evidence", 300, required=False),
    }


def add_audit(db: Session, ctx: Context, code: str, fields: Mapping[str, Any]) -> SupplierAudit:
    """Record an audit of supplier ``code``: ``scheme`` (rba_vap | rba_equivalent | other),
    ``audited_on``, optional ``score``, ``site``, ``auditor`` and ``findings`` (each: ``ref``,
    ``severity`` priority | major | minor, ``section``, ``due``, ``closed_on``). Audited.

    Raises:
        ServiceError: 403; 404; 422.
    """
    ctx.require("edit_data")
    supplier = supplier_by_code(db, ctx, code)
    scheme = str(fields.get("scheme") or "")
    if scheme not in aud.SCHEMES:
        raise _bad("supplier_reviews.err.scheme", "scheme", value=scheme)
    audited_on = _day(fields.get("audited_on"), "audited_on")
    score_in = fields.get("score")
    try:
        score = None if score_in in (None, "") else float(score_in)
    except (TypeError, ValueError) as exc:
        raise _bad("supplier_reviews.err.score", "score", value=str(score_in)) from exc
    findings = [_finding_fields(f, i) for i, f in enumerate(fields.get("findings") or [])]
    refs = [f["ref"] for f in findings]
    if len(set(refs)) != len(refs):
        dup = next(r for r in refs if refs.count(r) > 1)
        raise _bad("supplier_reviews.err.finding_duplicate", "findings", value=dup)
    row = SupplierAudit(
        supplier_id=supplier.id, scheme=scheme, audited_on=audited_on, score=score,
        site=_text(fields.get("site"), "site", 60, required=False),
        auditor=_text(fields.get("auditor"), "auditor", 200, required=False),
    )  # fmt: skip
    db.add(row)
    db.flush()
    for f in findings:
        db.add(SupplierAuditFinding(audit_id=row.id, **f))
    db.commit()
    return row


def _audits_of(
    db: Session, supplier_id: int | None = None
) -> list[tuple[SupplierAudit, list[SupplierAuditFinding]]]:
    q = select(SupplierAudit)
    if supplier_id is not None:
        q = q.where(SupplierAudit.supplier_id == supplier_id)
    rows = list(db.scalars(q.order_by(SupplierAudit.audited_on.desc(), SupplierAudit.id.desc())))
    found: dict[int, list[SupplierAuditFinding]] = {r.id: [] for r in rows}
    if rows:
        fq = select(SupplierAuditFinding).where(SupplierAuditFinding.audit_id.in_(list(found)))
        for f in db.scalars(fq.order_by(SupplierAuditFinding.id)):
            found[f.audit_id].append(f)
    return [(r, found[r.id]) for r in rows]


def audit_dict(
    row: SupplierAudit, findings: Sequence[SupplierAuditFinding], code: str
) -> dict[str, Any]:
    """An audit with its findings."""
    return {
        "id": row.id, "supplier": code, "scheme": row.scheme, "audited_on": row.audited_on,
        "score": row.score, "site": row.site, "auditor": row.auditor,
        "counts": row.scheme in aud.COUNTING_SCHEMES,
        "findings": [
            {"id": f.id, "ref": f.ref, "severity": f.severity, "section": f.section,
             "due": f.due, "closed_on": f.closed_on, "evidence": f.evidence}
            for f in findings
        ],
    }  # fmt: skip


def list_audits(db: Session, ctx: Context, code: str) -> list[dict[str, Any]]:
    """The supplier's audits, latest first, with their findings."""
    supplier = supplier_by_code(db, ctx, code)
    return [audit_dict(a, fs, code) for a, fs in _audits_of(db, supplier.id)]


def close_finding(
    db: Session,
    ctx: Context,
    code: str,
    audit_id: int,
    finding_id: int,
    *,
    closed_on: Any,
    evidence: Any,
) -> dict[str, Any]:
    """Close a finding on ``closed_on`` with its ``evidence``. Audited.

    Raises:
        ServiceError: 403; 404; 422.
    """
    ctx.require("edit_data")
    supplier = supplier_by_code(db, ctx, code)
    audit = get_or_404(db, SupplierAudit, audit_id, f"audit {audit_id}")
    finding = get_or_404(db, SupplierAuditFinding, finding_id, f"finding {finding_id}")
    if audit.supplier_id != supplier.id or finding.audit_id != audit.id:
        raise refused("not_found", msg("supplier_reviews.err.finding_not_found", id=finding_id))
    when = _day(closed_on, "closed_on")
    if when < audit.audited_on:
        raise _bad("supplier_reviews.err.closed_before_opened", "closed_on")
    finding.closed_on = when
    finding.evidence = _text(evidence, "evidence", 300)
    db.commit()
    fs = next(f for a, f in _audits_of(db, supplier.id) if a.id == audit.id)
    return audit_dict(audit, fs, code)


def _codes(db: Session) -> dict[int, str]:
    return {s.id: s.code for s in db.scalars(select(Supplier))}


def _pure_audits(db: Session) -> list[aud.Audit]:
    codes = _codes(db)
    return [
        aud.Audit(
            codes.get(a.supplier_id, ""), a.scheme, a.audited_on, a.score, a.site,
            tuple(aud.Finding(str(f.id), f.severity, f.section, f.due, f.closed_on) for f in fs),
        )
        for a, fs in _audits_of(db)
    ]  # fmt: skip


def _fy_end(ctx: Context, fiscal_year: str) -> date:
    from lingtan.core.errors import PeriodError

    try:
        period = ctx.workspace().config.period(fiscal_year.replace("-", "/"))
    except (PeriodError, ValueError, OverflowError) as exc:
        raise _bad("supplier_reviews.err.fiscal_year", "fiscal_year", value=fiscal_year) from exc
    return period.end_exclusive - timedelta(days=1)


def coverage(
    db: Session,
    ctx: Context,
    fiscal_year: str,
    *,
    spend: Mapping[str, float] | None = None,
    total: float | None = None,
) -> dict[str, Any]:
    """The audit-coverage set A of ``fiscal_year`` (:func:`lingtan.modules.suppliers.audits.
    coverage_set`), each member's latest counting audit and validity at the FY end, and the
    audited spend share. Spend [CNY] is the year's spend by supplier from the imported rows
    (:func:`.suppliers.spend_by_supplier`) unless ``spend`` (and ``total``) are given.

    The set A is built over spend attributed to suppliers; the audited share's denominator is
    all spend of the year (rows without a supplier included), as ``denominator`` says.

    Raises:
        ServiceError: 403; 422 not a fiscal year of the workspace, a negative amount.
    """
    ctx.require("read")
    fy_end = _fy_end(ctx, fiscal_year)
    if spend is None:
        found = spend_by_supplier(ctx, fiscal_year)
        spend, total = found.by_supplier, found.total
    whole = total if total is not None else sum(spend.values())
    audits = _pure_audits(db)
    try:
        cov = aud.coverage_set(spend)
        share = aud.audited_share(spend, audits, fy_end, whole)
    except ReviewError as exc:
        raise _refused("invalid", exc, "spend") from exc
    members = []
    for s in cov.members:
        last = max((a.audited_on for a in audits if a.supplier == s and aud.counts(a)),
                   default=None)  # fmt: skip
        valid = any(aud.valid_on(a, fy_end) for a in audits if a.supplier == s)
        members.append({"supplier": s, "spend": spend[s], "last_audit": last, "valid": valid})
    return {
        "fiscal_year": fiscal_year.replace("-", "/"),
        "fy_end": fy_end,
        "target_pct": float(cov.target) * 100,
        "members": members,
        "set_spend": float(cov.spend_in_set),
        "supplier_spend": float(cov.total_spend),
        "total_spend": whole,
        "set_share_pct": cov.share * 100,
        "audited_share_pct": share * 100,
        "denominator": "all_spend",
        "gaps": [m["supplier"] for m in members if not m["valid"]],
    }


def audits_due(
    db: Session,
    ctx: Context,
    fiscal_year: str,
    *,
    today: date | None = None,
    spend: Mapping[str, float] | None = None,
) -> list[dict[str, Any]]:
    """Suppliers of A (``fiscal_year``'s spend) due for an audit within six months of
    ``today`` (overdue first)."""
    cov = coverage(db, ctx, fiscal_year, spend=spend)
    members = [m["supplier"] for m in cov["members"]]
    due = aud.audits_due(members, _pure_audits(db), today or today_utc())
    return [asdict(d) for d in due]


def add_waiver(
    db: Session,
    ctx: Context,
    code: str,
    finding_id: int,
    *,
    reason: Any,
    granted_on: Any = None,
    until: Any = None,
) -> SupplierWaiver:
    """Waive the suspension rule for one finding: who (the caller), why, from, until.
    Audited (the waiver row names them; the audit log names the actor).

    Raises:
        ServiceError: 403; 404; 422 no reason, or ``until`` before ``granted_on``.
    """
    ctx.require("edit_data")
    supplier = supplier_by_code(db, ctx, code)
    finding = get_or_404(db, SupplierAuditFinding, finding_id, f"finding {finding_id}")
    audit = db.get(SupplierAudit, finding.audit_id)
    if audit is None or audit.supplier_id != supplier.id:
        raise refused("not_found", msg("supplier_reviews.err.finding_not_found", id=finding_id))
    start = _date(granted_on, "granted_on", required=False) or today_utc()
    end = _date(until, "until", required=False)
    if end is not None and end < start:
        raise _bad("supplier_reviews.err.until_before_granted", "until")
    row = SupplierWaiver(finding_id=finding.id, granted_by=ctx.actor[:200],
                         reason=_text(reason, "reason", 1000), granted_on=start,
                         until=end)  # fmt: skip
    db.add(row)
    db.commit()
    return row


def suspension_check(
    db: Session, ctx: Context, *, today: date | None = None, apply: bool = False
) -> dict[str, Any]:
    """The suppliers a priority finding open past its due date suspends (not waived), and —
    with ``apply`` — suspend the approved or conditional ones through the register's status
    workflow (reason naming the findings; audited). Others are listed as ``not_suspendable``
    with their status.

    Raises:
        ServiceError: 403 (``edit_data`` to apply).
    """
    ctx.require("edit_data" if apply else "read")
    on = today or today_utc()
    waivers = [
        aud.Waiver(str(w.finding_id), w.granted_by, w.reason, w.granted_on, w.until)
        for w in db.scalars(select(SupplierWaiver))
    ]
    triggers = aud.suspension_triggers(_pure_audits(db), waivers, on)
    suppliers = {s.code: s for s in db.scalars(select(Supplier))}
    out: dict[str, Any] = {"triggered": [], "suspended": [], "not_suspendable": []}
    for code, fs in sorted(triggers.items()):
        s = suppliers[code]
        out["triggered"].append({"supplier": code, "status": s.status,
                                 "findings": [int(f.ref) for f in fs]})  # fmt: skip
        if not apply or s.status == "suspended":
            continue
        if s.status not in SUSPENDABLE:
            out["not_suspendable"].append(code)
            continue
        reason = "priority finding open past due: " + ", ".join(
            f"#{f.ref} ({f.section or '-'}, due {f.due})" for f in fs
        )
        set_status(db, ctx, s.id, "suspended", reason[:300])
        out["suspended"].append(code)
    return out


def waivers_of(db: Session, ctx: Context, code: str) -> list[SupplierWaiver]:
    """The waivers of the supplier's findings, latest first."""
    supplier = supplier_by_code(db, ctx, code)
    ids = [f.id for _, fs in _audits_of(db, supplier.id) for f in fs]
    if not ids:
        return []
    q = select(SupplierWaiver).where(SupplierWaiver.finding_id.in_(ids))
    return list(db.scalars(q.order_by(SupplierWaiver.id.desc())))
