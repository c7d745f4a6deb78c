"""Administration pages: members and roles (owners and admins invite members, change roles,
remove members, issue reset links and see lockouts), and the audit log (hash chain verified).

Every change goes through the API's member services (the same checks as ``/api/v1/orgs/{org}/
members``: only an owner grants or takes away the owner role, an organisation keeps an owner)
and is recorded in the audit log by the store. The forms carry the CSRF token
(:mod:`lingtan.adapters.web.csrf`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from lingtan.adapters.api.errors import http_status
from lingtan.adapters.api.routes.common import MAX_ID
from lingtan.adapters.api.schemas.accounts import InvitationCreate
from lingtan.adapters.api.schemas.orgs import MemberUpdate
from lingtan.adapters.i18n.validation import validation_message
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web import backend
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.rendering import translator
from lingtan.adapters.web.session import OrgDep, OrgPage

router = APIRouter()

#: flash messages after a change (catalogue keys ``users.done.<key>``)
DONE = ("changed", "removed", "revoked")
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _users_page(
    request: Request,
    op: OrgPage,
    *,
    error: str = "",
    status_code: int = 200,
    link: dict[str, Any] | None = None,
    **form: Any,
) -> HTMLResponse:
    done = request.query_params.get("done")
    owner = op.org.role == "owner"
    manage = op.org.can("manage_members")
    response = org_render(
        request,
        op,
        "users.html",
        "users",
        members=backend.members(op.db, op.tenant),
        actions=backend.ACTIONS,
        role_matrix=backend.role_matrix(),
        can_manage=manage,
        invitations=backend.invitations(op.db, op.tenant) if manage else [],
        lockouts=backend.lockouts(op.db, op.tenant) if manage else [],
        link=link,
        roles=backend.ROLES,
        # only an owner grants or takes away the owner role (the service checks it too)
        grantable=[r for r in backend.ROLES if owner or r != "owner"],
        done=done if done in DONE else None,
        error=error,
        form=form,
        status_code=status_code,
    )
    if link is not None:  # a secret shown once: not kept by caches or sent as a referrer
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _done(op: OrgPage, what: str) -> RedirectResponse:
    return RedirectResponse(f"/o/{op.org.slug}/users?done={what}", status_code=303)


def _invalid(exc: ValidationError, request: Request) -> str:
    """The first validation error in the page's language (decision 0054)."""
    return validation_message(exc.errors(), translator(request))[0]


@router.get("/o/{org}/users", response_class=HTMLResponse)
def users(request: Request, op: OrgDep) -> HTMLResponse:
    """Members of the organisation and what each role may do; forms for owners and admins."""
    return _users_page(request, op)


@router.post("/o/{org}/users", response_model=None)
def invite_member(
    request: Request,
    op: OrgDep,
    email: Annotated[str, Form(max_length=254)],
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    """Invite an e-mail address with a role; the page shows the accept link once, for the
    inviter to pass on (no organisation sets or learns a password: decision 0034)."""
    op.require("manage_members")
    form: dict[str, Any] = {"email": email, "role": role}
    try:
        body = InvitationCreate.model_validate(form)
        url = backend.invite_member(op.db, op.tenant, email=body.email, role=body.role)
    except ValidationError as exc:
        return _users_page(request, op, error=_invalid(exc, request), status_code=422, **form)
    except ServiceError as exc:
        return _users_page(request, op, error=exc.message, status_code=http_status(exc), **form)
    return _users_page(request, op, link={"kind": "invite", "email": body.email, "url": url})


@router.post("/o/{org}/invitations/{invitation_id}/revoke", response_model=None)
def revoke_invitation(request: Request, op: OrgDep, invitation_id: UserId) -> Response:
    """Revoke a pending invitation (its link stops working)."""
    op.require("manage_members")
    try:
        backend.revoke_invitation(op.db, op.tenant, invitation_id)
    except ServiceError as exc:
        return _users_page(request, op, error=exc.message, status_code=http_status(exc))
    return _done(op, "revoked")


@router.post("/o/{org}/users/{user_id}/reset-link", response_model=None)
def reset_link(request: Request, op: OrgDep, user_id: UserId) -> Response:
    """A single-use password-reset link for a member, shown once (only for an account all of
    whose organisations the caller manages members of)."""
    op.require("manage_members")
    try:
        email, url = backend.reset_link(op.db, op.tenant, user_id)
    except ServiceError as exc:
        return _users_page(request, op, error=exc.message, status_code=http_status(exc))
    return _users_page(request, op, link={"kind": "reset", "email": email, "url": url})


@router.post("/o/{org}/users/{user_id}/role", response_model=None)
def change_role(
    request: Request, op: OrgDep, user_id: UserId, role: Annotated[str, Form(max_length=20)]
) -> Response:
    """Change a member's role (the organisation keeps at least one owner)."""
    op.require("manage_members")
    try:
        body = MemberUpdate.model_validate({"role": role})
        backend.change_member_role(op.db, op.tenant, user_id, body.role)
    except ValidationError as exc:
        return _users_page(request, op, error=_invalid(exc, request), status_code=422)
    except ServiceError as exc:
        return _users_page(request, op, error=exc.message, status_code=http_status(exc))
    return _done(op, "changed")


@router.post("/o/{org}/users/{user_id}/remove", response_model=None)
def remove_member(request: Request, op: OrgDep, user_id: UserId) -> Response:
    """Remove a member (their API tokens here are revoked)."""
    op.require("manage_members")
    try:
        backend.remove_member(op.db, op.tenant, user_id)
    except ServiceError as exc:
        return _users_page(request, op, error=exc.message, status_code=http_status(exc))
    return _done(op, "removed")


@router.get("/o/{org}/audit", response_class=HTMLResponse)
def audit(request: Request, op: OrgDep) -> HTMLResponse:
    """The organisation's audit log, newest first, and the verification of its hash chain."""
    op.require("read_audit")
    entries, verification = backend.audit_log(op.db, op.tenant)
    return org_render(
        request, op, "audit.html", "audit", entries=entries, verification=verification
    )
