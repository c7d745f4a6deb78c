"""``/o/<org>/inclusion/review`` in the web app: the fraud review of carbon-inclusion events
(admin; issue 18 items 3–4, decision 0089).

- ``/o/<org>/inclusion/review?programme=<code>``: the events waiting for a reviewer (held for
  unusual volume, rejected by a plausibility rule) with accept/reject forms, the recent events,
  the points liability and the ledger chain check of the programme (the first one by default);
- ``/o/<org>/inclusion/review/events/<id>``: one event with its reduction and the arithmetic of
  its points (the trace), its ledger entries and the reversal form.

A refused decision or reversal is shown again with the reason in the user's language
(``incl_ev.err.*``). Reading needs ``read``; deciding and reversing ``manage_members``. Every POST
carries the CSRF token (the pages' router checks it).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services import inclusion_events as sv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.store.inclusion_programmes import InclusionAccountRow, InclusionProgrammeRow
from lingtan.adapters.web.pages._common import org_render, refused_change
from lingtan.adapters.web.session import OrgDep, OrgPage

router = APIRouter()

BASE = "/o/{slug}/inclusion/review"
CodeQuery = Annotated[str, Query(max_length=40, pattern=r"^[A-Za-z0-9_.\-]*$")]
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
Note = Annotated[str, Form(max_length=500)]
#: the outcomes a page may announce after a redirect (``?done=``)
DONE = ("accepted", "rejected", "reversed")


def reason_of(t: Translator, key: str | None) -> str:
    """The text of a stored reason key in ``t``'s language (:func:`sv.reason_text`)."""
    return sv.reason_text(key, t.locale)


def _programmes(op: OrgPage) -> list[InclusionProgrammeRow]:
    return list(op.db.scalars(select(InclusionProgrammeRow).order_by(InclusionProgrammeRow.code)))


def _refs(op: OrgPage, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = op.db.execute(
        select(InclusionAccountRow.id, InclusionAccountRow.ref).where(
            InclusionAccountRow.id.in_(sorted(ids))
        )
    )
    return {int(i): str(r) for i, r in rows}


def _rows(op: OrgPage, rows: list[Any]) -> list[dict[str, Any]]:
    refs = _refs(op, {r.account_id for r in rows})
    return [{**sv.event_json(r), "account": refs.get(r.account_id, "—")} for r in rows]


def _review(request: Request, op: OrgPage, programme: str, *, error: str = "", done: str = "",
            status_code: int = 200) -> HTMLResponse:  # fmt: skip
    progs = _programmes(op)
    code = programme or (progs[0].code if progs else "")
    ctx: dict[str, Any] = {"programmes": [p.code for p in progs], "programme": code}
    if code:
        ctx["queue"] = _rows(op, sv.review_queue(op.db, op.tenant, code))
        ctx["recent"] = _rows(op, sv.list_events(op.db, op.tenant, code, limit=50))
        ctx["liability"] = sv.liability(op.db, op.tenant, code)
        ctx["chain"] = sv.check_chain(op.db, op.tenant, code)
    return org_render(
        request, op, "inclusion_review.html", "inclusion", sub="review",
        can_decide=op.org.can("manage_members"), error=error, done=done, reason_of=reason_of,
        status_code=status_code, **ctx,
    )  # fmt: skip


@router.get("/o/{org}/inclusion/review", response_class=HTMLResponse)
def review_page(
    request: Request, op: OrgDep, programme: CodeQuery = "",
    done: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:  # fmt: skip
    """The review queue, recent events, liability and chain check of a programme."""
    op.require("read")
    return _review(request, op, programme, done=done if done in DONE else "")


@router.post("/o/{org}/inclusion/review/events/{event_id}/decide", response_model=None)
def decide(
    request: Request, op: OrgDep, event_id: IdPath,
    decision: Annotated[str, Form(max_length=10)] = "", note: Note = "",
    programme: Annotated[str, Form(max_length=40)] = "",
) -> Response:  # fmt: skip
    """Accept or reject a queued event; the review page again (with the reason when refused)."""
    op.require("manage_members")
    try:
        out = sv.review_decide(op.db, op.tenant, event_id, decision, note)
        op.db.commit()
    except ServiceError as exc:
        text = refused_change(request, op, exc, sv.InclusionEventsError)[1]
        return _review(request, op, programme, error=text, status_code=422)
    url = BASE.format(slug=op.org.slug)
    return RedirectResponse(
        f"{url}?programme={quote(programme)}&done={out.status}",
        status_code=303,
    )


def _event(request: Request, op: OrgPage, event_id: int, *, error: str = "", done: str = "",
           status_code: int = 200) -> HTMLResponse:  # fmt: skip
    detail = sv.event_detail(op.db, op.tenant, event_id)
    row = sv.get_event(op.db, op.tenant, event_id)
    prog = op.db.get(InclusionProgrammeRow, row.programme_id)
    detail["account"] = _refs(op, {row.account_id}).get(row.account_id, "—")
    return org_render(
        request, op, "inclusion_event.html", "inclusion", sub="review", event=detail,
        programme=prog.code if prog else "", can_decide=op.org.can("manage_members"),
        reason_of=reason_of,
        error=error, done=done, status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/inclusion/review/events/{event_id}", response_class=HTMLResponse)
def event_page(
    request: Request, op: OrgDep, event_id: IdPath,
    done: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:  # fmt: skip
    """One event: reduction, the arithmetic, ledger entries, the reversal form."""
    op.require("read")
    return _event(request, op, event_id, done=done if done in DONE else "")


@router.post("/o/{org}/inclusion/review/events/{event_id}/reverse", response_model=None)
def reverse(request: Request, op: OrgDep, event_id: IdPath, reason: Note = "") -> Response:
    """Reverse an event (a negative ledger entry); the event page again."""
    op.require("manage_members")
    try:
        sv.reverse_event(op.db, op.tenant, event_id, reason)
        op.db.commit()
    except ServiceError as exc:
        text = refused_change(request, op, exc, sv.InclusionEventsError)[1]
        return _event(request, op, event_id, error=text, status_code=422)
    url = BASE.format(slug=op.org.slug) + f"/events/{event_id}"
    return RedirectResponse(f"{url}?done=reversed", status_code=303)
