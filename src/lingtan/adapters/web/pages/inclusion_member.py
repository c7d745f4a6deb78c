"""The phone-first member page of carbon inclusion (碳普惠, issue 18 item 7, decision 0092),
reached by the member's link ``/m/{token}``: public (no login, no navigation of the
organisation), one column that works at 390 × 844, in zh-CN and en (the app's language switch;
Accept-Language by default).

Sections: balance and kg (reductions and avoided emissions apart), log an action (the result
with its arithmetic), history with each event's arithmetic, rewards with a redeem button, the
leaderboards of the member's campaigns with their own rank, consent settings (revoke), my data
(export as JSON, delete the account after a confirmation).

The link is resolved by :func:`lingtan.adapters.services.inclusion_programmes.resolve_member_link`
(only the token's sha256 is stored; expired or revoked links are refused with the same 404 page
as unknown ones). The forms' CSRF token is tied to a cookie set with the page, as the supplier
answer form's (:mod:`.supplier_requests`) and the login form's are; the pages' router checks it.
Every figure comes from :mod:`lingtan.adapters.services.inclusion_report`. Texts: the
``incl_member.*`` catalogue area.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from lingtan.adapters.services import inclusion_report as rep
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.store.scoping import set_tenant
from lingtan.adapters.web import csrf
from lingtan.adapters.web.backend import DbDep
from lingtan.adapters.web.rendering import render, translator
from lingtan.core.errors import MessageError
from lingtan.modules.inclusion.actions import UNITS

router = APIRouter()

TokenPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{16,120}$")]
Text = Annotated[str, Form(max_length=200)]
#: the confirmations the page may show (``incl_member.done.<key>``)
DONE = frozenset({"logged", "redeemed", "revoked"})


def _resolve(db: Session, token: str) -> Any | None:
    """The member of ``token`` (H2 ``MemberRef``), ``db`` scoped to their organisation; ``None``
    for an unknown, expired or revoked link."""
    from lingtan.adapters.services import inclusion_programmes as programmes

    member = programmes.resolve_member_link(db, token)
    if member is None:
        return None
    set_tenant(db, member.organisation_id)
    return member


def _message(request: Request, exc: Exception) -> str:
    """A refusal in the page's language (its catalogue key), else its English message."""
    t = translator(request)
    if isinstance(exc, MessageError):
        msg = exc.message
        return t.message(msg.key, msg.params, str(exc))
    key = getattr(exc, "key", None)
    params = getattr(exc, "params", {}) or {}
    return t.message(key, params, getattr(exc, "message", str(exc)))


def _headers(response: Response) -> Response:
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(
    request: Request,
    db: Session,
    token: str,
    *,
    done: str = "",
    event_id: int | None = None,
    error: str = "",
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The member's page (404 page for an unknown, expired or revoked link)."""
    member = _resolve(db, token)
    if member is None:
        db.rollback()
        response = render(request, "inclusion_member.html", view=None, status_code=404, token="")
        return _headers(response)  # type: ignore[return-value]
    view = rep.member_view(db, member)
    result = rep.event_view(db, event_id, member.account_id) if event_id is not None else None
    nonce = None if csrf.binding(request) else csrf.new_login_nonce()
    response = render(
        request,
        "inclusion_member.html",
        view=view,
        token=token,
        done=done if done in DONE else "",
        result=result,
        error=error,
        values=values or {},
        units=UNITS,
        today=datetime.now(UTC).date().isoformat(),
        status_code=status_code,
        csrf_token=csrf.token(request, nonce),
    )
    if nonce is not None:
        response.set_cookie(
            csrf.LOGIN_COOKIE,
            nonce,
            max_age=csrf.LOGIN_COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return _headers(response)  # type: ignore[return-value]


def _back(token: str, done: str, anchor: str, event_id: int | None = None) -> Response:
    extra = f"&event={event_id}" if event_id is not None else ""
    return _headers(RedirectResponse(f"/m/{token}?done={done}{extra}#{anchor}", status_code=303))


def _refused(
    request: Request, db: Session, token: str, exc: Exception, **extra: Any
) -> HTMLResponse:
    db.rollback()
    if isinstance(exc, ServiceError) and exc.kind == "not_found" and _resolve(db, token) is None:
        return _page(request, db, token)
    return _page(request, db, token, error=_message(request, exc), status_code=422, **extra)


@router.get("/m/{token}", response_class=HTMLResponse)
def member_page(
    request: Request,
    token: TokenPath,
    db: DbDep,
    done: Annotated[str, Query(max_length=20)] = "",
    event: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    """The member's page (public; the link opens one account only)."""
    return _page(request, db, token, done=done, event_id=event)


def _float(text: str, field: str) -> float | None:
    """A number of the form, ``None`` when blank.

    Raises:
        ValueError: not a number (its ``args[0]`` names the field).
    """
    if not text.strip():
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise ValueError(field) from None


@router.post("/m/{token}/log", response_model=None)
def log_action(
    request: Request,
    token: TokenPath,
    db: DbDep,
    action: Text = "",
    quantity: Text = "",
    unit: Text = "",
    distance_km: Text = "",
    duration_min: Text = "",
    occurred_on: Text = "",
) -> Response:
    """Log an action (source ``app``): the page again with the event's arithmetic."""
    from lingtan.adapters.services import inclusion_events as events

    values = {"action": action, "quantity": quantity, "unit": unit, "distance_km": distance_km,
              "duration_min": duration_min, "occurred_on": occurred_on}  # fmt: skip
    member = _resolve(db, token)
    if member is None:
        return _page(request, db, token)
    t = translator(request)
    try:
        qty = _float(quantity, "quantity")
        dist = _float(distance_km, "distance_km")
        dur = _float(duration_min, "duration_min")
        when = (
            datetime.fromisoformat(occurred_on.strip())
            if occurred_on.strip()
            else datetime.now(UTC).replace(tzinfo=None)
        )
    except ValueError as exc:
        field = exc.args[0] if exc.args and exc.args[0] in values else "occurred_on"
        text = t("incl_member.err.number", field=t(f"incl_member.f.{field}"))
        return _page(request, db, token, error=text, values=values, status_code=422)
    if qty is None:
        qty = dist if dist is not None else 1.0
    ctx = rep.member_context(db, member)
    try:
        outcome = events.record_event(
            db,
            ctx,
            member.programme_code,
            events.EventIn(
                account_ref=member.account_ref,
                action=action.strip(),
                quantity=qty,
                unit=unit.strip(),
                occurred_at=when,
                source="app",
                distance_km=dist,
                duration_min=dur,
            ),
        )
        db.commit()
    except (ServiceError, MessageError) as exc:
        return _refused(request, db, token, exc, values=values)
    return _back(token, "logged", "result", outcome.event_id)


def _member_act(
    request: Request,
    db: Session,
    token: str,
    act: Callable[[Session, rep.MemberContext, str, str], object],
    done: str,
    anchor: str,
) -> Response:
    """``act(db, ctx, programme_code, account_ref)`` for the member of ``token``, committed, then
    back to ``anchor`` saying ``done``; a refusal shown on the page in the member's language."""
    member = _resolve(db, token)
    if member is None:
        return _page(request, db, token)
    try:
        act(db, rep.member_context(db, member), member.programme_code, member.account_ref)
        db.commit()
    except (ServiceError, MessageError) as exc:
        return _refused(request, db, token, exc)
    return _back(token, done, anchor)


@router.post("/m/{token}/redeem", response_model=None)
def redeem(request: Request, token: TokenPath, db: DbDep, reward: Text = "") -> Response:
    """Redeem a reward (its points leave the balance as a ``redeem`` ledger entry)."""
    from lingtan.adapters.services import inclusion_rewards as rewards

    def act(db: Session, ctx: rep.MemberContext, programme: str, ref: str) -> object:
        return rewards.redeem(db, ctx, programme, ref, reward)

    return _member_act(request, db, token, act, "redeemed", "rewards")


@router.post("/m/{token}/consents/revoke", response_model=None)
def revoke(request: Request, token: TokenPath, db: DbDep, partner: Text = "") -> Response:
    """Revoke the consent given to ``partner`` (its pushes are refused from now on)."""
    from lingtan.adapters.services import inclusion_programmes as programmes

    def act(db: Session, ctx: rep.MemberContext, programme: str, ref: str) -> object:
        return programmes.revoke_consent(db, ctx, programme, ref, partner)

    return _member_act(request, db, token, act, "revoked", "consents")


@router.get("/m/{token}/export.json", response_model=None)
def export(request: Request, token: TokenPath, db: DbDep) -> Response:
    """The member's data as JSON (PIPL art. 45: a copy of one's personal information)."""
    from lingtan.adapters.services import inclusion_privacy as privacy

    member = _resolve(db, token)
    if member is None:
        return _page(request, db, token)
    data = privacy.export_person(
        db, rep.member_context(db, member), member.programme_code, member.account_ref
    )
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return _headers(
        Response(
            body,
            media_type="application/json; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{member.account_ref}.json"'},
        )
    )


@router.post("/m/{token}/delete", response_model=None)
def delete(request: Request, token: TokenPath, db: DbDep, confirm: Text = "") -> Response:
    """Delete the member's account (PIPL art. 47) once they ticked the confirmation: the link
    stops working, the page says so."""
    from lingtan.adapters.services import inclusion_privacy as privacy

    member = _resolve(db, token)
    if member is None:
        return _page(request, db, token)
    if confirm != "yes":
        text = translator(request)("incl_member.err.confirm")
        return _page(request, db, token, error=text, status_code=422)
    try:
        privacy.delete_person(
            db, rep.member_context(db, member), member.programme_code, member.account_ref
        )
        db.commit()
    except (ServiceError, MessageError) as exc:
        return _refused(request, db, token, exc)
    response = render(request, "inclusion_member.html", view=None, deleted=True, token="")
    return _headers(response)
