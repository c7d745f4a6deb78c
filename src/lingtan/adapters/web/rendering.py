"""Rendering a page: the Jinja2 environment, its filters, and what every page's context holds.

Every page gets ``t`` (the translator of the request's language), ``locale``, the language-switch
links, the signed-in ``user``, the current organisation ``org`` with the navigation its role may
see, the organisations the user belongs to, and the ``csrf_token`` its forms carry
(:mod:`lingtan.adapters.web.csrf`). ``?lang=`` is remembered in a cookie.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from lingtan.adapters.i18n.messages import LANG_COOKIE, LOCALES, Translator, choose_locale
from lingtan.adapters.i18n.rows import keyed_reason
from lingtan.adapters.services.progress import render as job_message
from lingtan.adapters.store.memo import Memo
from lingtan.adapters.web import csrf
from lingtan.adapters.web.formatting import (
    fmt_compact,
    fmt_date,
    fmt_number,
    fmt_pct,
    fmt_score,
    fmt_tco2e,
)
from lingtan.adapters.web.nav import MENUS, NavEntry

TEMPLATE_DIR = Path(__file__).parent / "templates"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600  # [s]


@dataclass(frozen=True)
class OrgView:
    """The organisation a page is about, as the page shows it, and the user's role in it."""

    id: int
    slug: str
    name: str
    role: str
    allowed: frozenset[str] = field(default_factory=frozenset)

    def can(self, action: str) -> bool:
        """True when the user's role allows ``action`` (``read``, ``edit_data`` …)."""
        return action in self.allowed


def _datetime(value: datetime | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value.replace("T", " ")[:16]
    return value.strftime("%Y-%m-%d %H:%M")


def _locale(ctx: Context) -> str | None:
    loc = ctx.get("locale")
    return loc if isinstance(loc, str) else None


@pass_context
def _f_tco2e(ctx: Context, x: float | None, digits: int | None = None) -> str:
    return fmt_tco2e(x, digits, _locale(ctx))


@pass_context
def _f_number(ctx: Context, x: float | None, digits: int | None = None) -> str:
    return fmt_number(x, digits, _locale(ctx))


@pass_context
def _f_pct(ctx: Context, x: float | None, digits: int = 1) -> str:
    return fmt_pct(x, digits, _locale(ctx))


@pass_context
def _f_score(ctx: Context, x: float | None) -> str:
    return fmt_score(x, _locale(ctx))


@pass_context
def _f_compact(ctx: Context, x: float | None) -> str:
    return fmt_compact(x, _locale(ctx))


@pass_context
def _f_date(ctx: Context, value: Any) -> str:
    return fmt_date(value, _locale(ctx))


def _environment() -> Jinja2Templates:
    """The templates and their filters; number filters format in the page's ``locale``."""
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
    f = templates.env.filters
    f["tco2e"] = _f_tco2e
    f["number"] = _f_number
    f["pct"] = _f_pct
    f["score"] = _f_score
    f["compact"] = _f_compact
    f["date"] = _f_date
    f["datetime"] = _datetime
    templates.env.globals["menus"] = MENUS  # the navigation (lingtan.adapters.web.nav)
    templates.env.globals["row_reason"] = keyed_reason  # a rejected row's reason (0053)
    templates.env.globals["job_message"] = job_message  # a job's stage or failure (0052)
    templates.env.globals["url_for"] = _url_for  # remembered (issue 14 item 5)
    templates.env.globals["t_data"] = _t_data  # a sentence whose names are data (issue 15)
    return templates


@pass_context
def _t_data(ctx: Context, key: str, /, **params: Any) -> Markup:
    """The catalogue text of ``key`` with its text parameters marked as data (names a user
    entered: a programme, a supplier), ``<span translate="no">`` — so a Chinese programme name
    in an English sentence is neither machine-translated nor taken for an untranslated text.
    Numbers and dates are formatted by the caller. The catalogue text is escaped, then the
    parameters (escaped by :meth:`Markup.format`) are put in."""
    text = ctx["t"](key)
    marked = {
        k: Markup('<span translate="no">{}</span>').format(v) if isinstance(v, str) else v
        for k, v in params.items()
    }
    return Markup(escape(text)).format(**marked)


@pass_context
def _url_for(ctx: Context, name: str, /, **path_params: Any) -> Any:
    """Starlette's template ``url_for``, remembered per app (on ``app.state``, so it goes with
    the app) by (base URL, route, parameters): an app's routes never change once it serves, and
    every page asks for the same static files (route matching cost ~1 ms a page)."""
    request: Request = ctx["request"]
    try:
        key = (str(request.base_url), name, tuple(sorted(path_params.items())))
        hash(key)
    except TypeError:  # an unhashable parameter: not remembered
        return request.url_for(name, **path_params)
    state = request.app.state
    urls: Memo[tuple[Any, ...], Any] | None = getattr(state, "url_for_memo", None)
    if urls is None:
        urls = Memo(256)
        state.url_for_memo = urls
    return urls.get_or_build(key, lambda: request.url_for(name, **path_params))


TEMPLATES = _environment()


def translator(request: Request) -> Translator:
    """The translator of the request's language (``?lang=``, cookie, Accept-Language; a browser
    asking only for other languages than Chinese gets English, decision 0054)."""
    loc = choose_locale(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )
    return Translator(loc)


def lang_urls(request: Request) -> list[tuple[str, str]]:
    """``(locale, URL of this page in that locale)`` for the language switch."""
    kept = {k: v for k, v in request.query_params.items() if k != "lang"}
    return [(loc, f"{request.url.path}?{query_string({**kept, 'lang': loc})}") for loc in LOCALES]


def query_string(params: Mapping[str, Any]) -> str:
    """``{"scope": 3, "category": None}`` → ``"scope=3"`` (None left out, values quoted)."""
    return "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items() if v is not None)


def main_nav(org: OrgView | None) -> list[NavEntry]:
    """The main menu's entries the user's role in ``org`` allows (none without an org)."""
    return [] if org is None else MENUS["main"].visible(org.allowed)


def render(
    request: Request,
    template: str,
    *,
    user: Any = None,
    org: OrgView | None = None,
    orgs: Sequence[OrgView] = (),
    active: str = "",
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with the common page context; remember ``?lang=`` in a cookie."""
    t = translator(request)
    nav = main_nav(org)
    ctx: dict[str, Any] = {
        "t": t,
        "locale": t.locale,
        "lang_urls": lang_urls(request),
        "user": user,
        "org": org,
        "orgs": list(orgs),
        "nav": nav,
        "active": active,
        "csrf_token": csrf.token(request),
        **context,
    }
    response = TEMPLATES.TemplateResponse(request, template, ctx, status_code=status_code)
    if request.query_params.get("lang") and t.locale != request.cookies.get(LANG_COOKIE):
        response.set_cookie(
            LANG_COOKIE, t.locale, max_age=LANG_COOKIE_MAX_AGE, samesite="lax", httponly=False
        )
    return response
