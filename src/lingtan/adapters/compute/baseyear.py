"""Base-year review: record changes, assess significance, recalculate and keep every version.

The rules are :mod:`lingtan.core.restatement`; this module runs them on a workspace:

1. The first review adopts the base year's current snapshot as version 1.
2. Each later review recalculates the base year with today's inputs (a new snapshot when
   anything changed), attributes the change to boundary, data, factors and method with
   :func:`lingtan.adapters.compute.diff.diff_snapshots`, adds the stated effects of recorded
   structural changes not present in the data, and compares the result with the adopted version.
3. At or above the threshold (``base_year_threshold_pct`` in lingtan.yaml, default 5 %) a new
   version is adopted; the earlier ones stay, with their snapshots.

The recalculation itself is the calculation use case: :func:`review_base_year` in
:mod:`lingtan.adapters.services.calculation` calculates the base year
(:func:`base_year_period`) and hands the inventory to :func:`review_calculated`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from lingtan.adapters.compute.diff import diff_snapshots
from lingtan.adapters.store.models import BaseYearVersion, ChangeRecord
from lingtan.adapters.store.workspace import Workspace
from lingtan.core.errors import WorkspaceError
from lingtan.core.inventory import Inventory
from lingtan.core.periods import Period
from lingtan.core.restatement import (
    DEFAULT_THRESHOLD_PCT,
    Assessment,
    ChangeEvent,
    ChangeKind,
    assess,
)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_change(
    ws: Workspace, kind: str, description: str, effective: date,
    base_year_effect_t: float | None = None,
) -> int:  # fmt: skip
    """Record a structural, method or factor change or an error; returns its id.

    Raises:
        WorkspaceError: unknown kind, or a negative effect.
    """
    try:
        k = ChangeKind(kind)
    except ValueError as exc:
        kinds = ", ".join(c.value for c in ChangeKind)
        raise WorkspaceError(f"unknown change kind {kind!r}; one of {kinds}") from exc
    if base_year_effect_t is not None and base_year_effect_t < 0:
        raise WorkspaceError("the base-year effect is a size (≥ 0 t); the kind gives its sign")
    with ws.session() as s:
        rec = ChangeRecord(kind=k.value, description=description, effective=effective,
                           base_year_effect_t=base_year_effect_t, recorded_at=_now())  # fmt: skip
        s.add(rec)
        s.flush()
        return int(rec.id)


def changes(ws: Workspace) -> list[ChangeRecord]:
    """Every recorded change, oldest first."""
    with ws.session() as s:
        rows = list(s.scalars(select(ChangeRecord).order_by(ChangeRecord.id)))
        s.expunge_all()
    return rows


def versions(ws: Workspace) -> list[BaseYearVersion]:
    """Adopted base-year versions, oldest first."""
    with ws.session() as s:
        rows = list(s.scalars(select(BaseYearVersion).order_by(BaseYearVersion.version)))
        s.expunge_all()
    return rows


@dataclass(frozen=True)
class Review:
    """The outcome of a base-year review."""

    base_year: str
    assessment: Assessment | None  # None on the first review (initial adoption)
    adopted: BaseYearVersion | None  # the version adopted by this review, if any
    details: dict[str, list[str]]


def base_year_period(ws: Workspace) -> Period:
    """The base year configured in lingtan.yaml (``base_year``), under the workspace's calendar.

    Raises:
        WorkspaceError: no base year is configured.
    """
    label = ws.config.base_year
    if not label:
        raise WorkspaceError("no base_year in lingtan.yaml")
    return ws.config.period(label)


def review_calculated(
    ws: Workspace, inv: Inventory, *, threshold_pct: float | None = None, apply: bool = True
) -> Review:
    """Assess the base year, given its inventory ``inv`` calculated with today's inputs (of
    :func:`base_year_period`), and adopt a recalculated version when the change is significant
    (GHG Protocol Corporate Standard ch. 5)."""
    label = inv.fiscal_year
    threshold = float(
        threshold_pct
        if threshold_pct is not None
        else ws.config.raw.get("base_year_threshold_pct", DEFAULT_THRESHOLD_PCT)
    )
    total = float(inv.totals()["total_market"] or 0.0)
    history = versions(ws)
    if not history:
        v = _adopt(ws, label, 1, inv.snapshot_id, total, 0.0, 0.0, threshold,
                   "initial base year", {}, [])  # fmt: skip
        return Review(label, None, v, {})
    current = history[-1]
    pending_rows = [c for c in changes(ws) if c.applied_in_version is None]
    events = [
        ChangeEvent(c.id, ChangeKind(c.kind), c.description, c.effective, c.base_year_effect_t)
        for c in pending_rows
    ]
    causes: dict[str, float] = {}
    details: dict[str, list[str]] = {}
    if inv.snapshot_id != current.snapshot_id:
        d = diff_snapshots(ws, ws.snapshot(current.snapshot_id), ws.snapshot(inv.snapshot_id))
        for step in d.steps:
            causes[step.cause] = float(step.delta["total_market"] or 0.0)
            if step.details:
                details[step.cause] = list(step.details)
        causes["engine"] = float(d.residual["total_market"] or 0.0)
    a = assess(current.total_t, total + current.adjustments_t, causes, events, threshold)
    adopted = None
    if a.significant and apply:
        reason = (f"recalculated: change {a.change_pct:.2f} % ≥ threshold {threshold:g} %; "
                  + ", ".join(f"{k} {v:+,.1f} t" for k, v in causes.items() if v)
                  + "".join(f"; {e.kind.value} {e.signed_effect_t:+,.1f} t ({e.description})"
                            for e in events))  # fmt: skip
        adopted = _adopt(
            ws,
            label,
            current.version + 1,
            inv.snapshot_id,
            a.new_t,
            current.adjustments_t + a.adjustments_t,
            a.change_pct,
            threshold,
            reason,
            {"causes_t": causes, "details": details},
            pending_rows,
        )
    return Review(label, a, adopted, details)


def _adopt(
    ws: Workspace, label: str, version: int, snapshot_id: str, total: float,
    adjustments: float, change_pct: float, threshold: float, reason: str,
    detail: dict[str, Any], applied: list[ChangeRecord],
) -> BaseYearVersion:  # fmt: skip
    with ws.session() as s:
        v = BaseYearVersion(
            fiscal_year=label, version=version, snapshot_id=snapshot_id, total_t=total,
            adjustments_t=adjustments, change_pct=change_pct, threshold_pct=threshold,
            reason=reason, detail=detail, created_at=_now(),
        )  # fmt: skip
        s.add(v)
        for c in applied:
            rec = s.get(ChangeRecord, c.id)
            assert rec is not None
            rec.applied_in_version = version
        s.flush()
        s.expunge(v)
    return v
