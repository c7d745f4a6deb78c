"""Who is asking, and about which organisation: the pages' dependencies.

A page needs a signed-in user (else a 302 to ``/login?next=…``) and, under ``/o/{org}/``, a
membership of that organisation (else 404: the page does not say whether the organisation
exists). Tenant scoping itself is the store's (``lingtan.adapters.store.scoping``); these
dependencies only ask the backend's services for the user's organisations and open the tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request

from lingtan.adapters.services import TenantContext
from lingtan.adapters.web import backend
from lingtan.adapters.web.rendering import OrgView


class LoginRequiredError(Exception):
    """Raised by a page dependency when nobody is signed in; answered with a 302 to /login."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url

    @property
    def location(self) -> str:
        """Where to send the browser."""
        return f"/login?next={quote(self.next_url, safe='')}"


class SecondFactorRequiredError(LoginRequiredError):
    """Raised by a page dependency when the server requires a second factor of the user's role
    and they have none (``LINGTAN_REQUIRE_SECOND_FACTOR``): a 302 to the enrolment on /account."""

    @property
    def location(self) -> str:
        """Where to send the browser."""
        return "/account?need=second_factor"


class PageError(Exception):
    """An error page: HTTP status and the catalogue keys of its title and message."""

    def __init__(self, status: int, title: str, message: str, detail: str = "") -> None:
        super().__init__(f"{status} {title}")
        self.status = status
        self.title = title
        self.message = message
        self.detail = detail


def not_found(detail: str = "") -> PageError:
    """404 page (also for an organisation the user is not a member of)."""
    return PageError(404, "error.not_found", "error.not_found_text", detail)


def forbidden() -> PageError:
    """403 page: the user's role does not allow the action."""
    return PageError(403, "error.forbidden", "error.forbidden_text")


def bad_request(detail: str) -> PageError:
    """400 page: the input could not be used, nothing changed."""
    return PageError(400, "error.bad_request", "error.bad_request_text", detail)


def safe_next(url: str | None) -> str:
    """``url`` when it is a path of this site, else ``"/"`` — the only redirect targets a
    ``next=`` parameter may name (no open redirect, OWASP ASVS 4.0.3 V5.1.5).

    Accepted: a path starting with one ``/`` and made of printable characters. Refused:
    another site's address (``https://x``, ``//x``), ``/\\x`` (browsers read a backslash as
    ``/``), ``javascript:``/``data:`` URLs, and any control character or space (browsers drop
    tabs and newlines, so ``/<TAB>/x`` would become ``//x``); at most 2,000 characters.
    """
    if not url or len(url) > 2000 or not url.startswith("/") or url.startswith("//"):
        return "/"
    if "\\" in url or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in url):
        return "/"
    return url


def _next_url(request: Request) -> str:
    q = request.url.query
    return request.url.path + (f"?{q}" if q else "")


def page_user(request: Request, db: backend.DbDep) -> Any:
    """The signed-in user (session cookie), or :class:`LoginRequiredError`."""
    user = backend.user_for_session(db, backend.session_id(request))
    if user is None:
        raise LoginRequiredError(_next_url(request))
    from lingtan.adapters.web.errors import remember

    remember(request, user=user)  # an error page shows the user's layout (decision 0056)
    roles = request.app.state.settings.require_second_factor
    if roles and not request.url.path.startswith(("/account", "/logout")):
        from lingtan.adapters.store import second_factor

        if second_factor.missing(db, user, roles):  # ASVS V2.8: enrol before anything else
            raise SecondFactorRequiredError(_next_url(request))
    return user


PageUser = Annotated[Any, Depends(page_user)]


@dataclass(frozen=True)
class OrgPage:
    """Everything an organisation page needs: the store session scoped to the organisation,
    the user, the organisation (with the user's role) and the tenant the services expect."""

    db: Any
    user: Any
    org: OrgView
    orgs: list[OrgView]
    tenant: TenantContext

    def require(self, action: str) -> None:
        """Raise a 403 page unless the user's role allows ``action``; a 409 page for a change
        while the organisation is scheduled for deletion (decision 0039)."""
        if not self.org.can(action):
            raise forbidden()
        if action in ("edit_data", "manage_members"):
            from lingtan.adapters.store.lifecycle import pending_deletion

            if pending_deletion(self.db, self.tenant.organisation_id) is not None:
                raise PageError(
                    409, "lifecycle.deletion_pending_title", "lifecycle.deletion_pending"
                )


def org_page(request: Request, org: str, db: backend.DbDep, user: PageUser) -> OrgPage:
    """The organisation ``org`` (slug) of the URL, if the user is a member; else a 404 page."""
    orgs = backend.organisations(db, user)
    found = next((o for o in orgs if o.slug == org), None)
    from lingtan.adapters.web.errors import remember

    remember(request, orgs=orgs, org=found)  # an error page keeps this organisation's menu
    tenant = None if found is None else backend.open_tenant(request, db, user, org)
    if found is None or tenant is None:
        raise not_found()
    return OrgPage(db=db, user=user, org=found, orgs=orgs, tenant=tenant)


OrgDep = Annotated[OrgPage, Depends(org_page)]
