"""``/o/<org>/inclusion/campaigns`` in the web app: a programme's campaigns with their windows
and multipliers, the leaderboards of the chosen campaign (individual and team, live until
frozen, then the snapshot with its hash), the freeze button, and the reward catalogue with
stock (issue 18 item 5, decision 0091).

Every form is checked by :mod:`lingtan.adapters.services.inclusion_campaigns` or
:mod:`lingtan.adapters.services.inclusion_rewards`: a refused change is shown again with the
reason in the user's language (``incl_camp.err.*``) and its writes rolled back; a change that
went through redirects (303) with a confirmation. Reading needs ``read``; changing
``edit_data`` (403 page otherwise). Every POST carries the CSRF token.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import inclusion_campaigns as sv
from lingtan.adapters.services import inclusion_rewards as rw
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import org_render, refused_change
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.modules.inclusion.actions import ACTIONS

router = APIRouter()

#: what the confirmation after a change may say (``incl_camp.done.<key>``)
DONE = frozenset({"campaign", "frozen", "reward", "stock"})
Text = Annotated[str, Form(max_length=2000)]
Pick = Annotated[str, Query(max_length=40)]
BASE = "/o/{slug}/inclusion/campaigns"


def _programmes(op: OrgPage) -> list[Any]:
    from lingtan.adapters.services.inclusion_programmes import list_programmes

    return list(list_programmes(op.db, op.tenant))


def _boards(op: OrgPage, campaign: Any) -> list[dict[str, Any]]:
    """The published boards of the chosen campaign (individual first)."""
    return [sv.leaderboard_view(op.db, op.tenant, campaign.code, scope, 50)
            for scope in campaign.scopes or []]  # fmt: skip


def _page(
    request: Request,
    op: OrgPage,
    programme: str = "",
    campaign: str = "",
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    programmes = _programmes(op)
    codes = [p.code for p in programmes]
    chosen = programme if programme in codes else (codes[0] if codes else "")
    campaigns = sv.list_campaigns(op.db, op.tenant, chosen) if chosen else []
    picked = next((c for c in campaigns if c.code == campaign), campaigns[0] if campaigns else None)
    boards = _boards(op, picked) if picked is not None else []
    return org_render(
        request, op, "inclusion_campaigns.html", "inclusion", sub="campaigns",
        programmes=programmes, programme=chosen,
        campaigns=[sv.campaign_dict(c) for c in campaigns],
        picked=sv.campaign_dict(picked) if picked is not None else None, boards=boards,
        rewards=[rw.reward_dict(r) for r in rw.list_rewards(op.db, op.tenant, chosen)]
        if chosen else [],
        actions=sorted(ACTIONS), can_edit=op.org.can("edit_data"),
        done=done if done in DONE else "", errors=errors or {}, values=values or {},
        status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/inclusion/campaigns", response_class=HTMLResponse)
def campaigns_page(
    request: Request,
    op: OrgDep,
    programme: Pick = "",
    campaign: Pick = "",
    done: Pick = "",
) -> HTMLResponse:
    """Campaigns, the chosen campaign's leaderboards, the reward catalogue."""
    op.require("read")
    return _page(request, op, programme, campaign, done=done)


def _back(op: OrgPage, programme: str, done: str, campaign: str = "", anchor: str = "") -> Response:
    query = {"programme": programme, "done": done, **({"campaign": campaign} if campaign else {})}
    url = BASE.format(slug=op.org.slug) + "?" + urlencode(query)
    return RedirectResponse(url + (f"#{anchor}" if anchor else ""), status_code=303)


def _refusal(
    request: Request, op: OrgPage, exc: ServiceError, form: str, programme: str,
    values: dict[str, str] | None = None, campaign: str = "",
) -> HTMLResponse:  # fmt: skip
    text = refused_change(request, op, exc, sv.InclusionCampaignError)[1]
    return _page(request, op, programme, campaign, errors={form: text},
                 values={form: values or {}}, status_code=422)  # fmt: skip


def _multipliers(text: str) -> dict[str, str]:
    """``action=m`` pairs separated by commas or new lines (checked by the service)."""
    got = {}
    for part in text.replace("\n", ",").split(","):
        if part.strip():
            key, _, value = part.partition("=")
            got[key.strip()] = value.strip()
    return got


@router.post("/o/{org}/inclusion/campaigns/add", response_model=None)
def campaign_add(
    request: Request,
    op: OrgDep,
    programme: Text = "",
    code: Text = "",
    name: Text = "",
    start: Text = "",
    end: Text = "",
    actions: Text = "",
    multipliers: Text = "",
    team_rule: Text = "mean",
) -> Response:
    """Add a campaign (actions and multipliers as comma-separated text)."""
    op.require("edit_data")
    values = {"code": code, "name": name, "start": start, "end": end, "actions": actions,
              "multipliers": multipliers, "team_rule": team_rule}  # fmt: skip
    fields = {"code": code, "name": name, "start": start, "end": end, "team_rule": team_rule,
              "eligible_actions": [a.strip() for a in actions.replace("\n", ",").split(",")
                                   if a.strip()],
              "multipliers": _multipliers(multipliers)}  # fmt: skip
    try:
        sv.create_campaign(op.db, op.tenant, programme, fields)
    except ServiceError as exc:
        return _refusal(request, op, exc, "campaign", programme, values)
    return _back(op, programme, "campaign", code.strip(), "campaigns")


@router.post("/o/{org}/inclusion/campaigns/{code}/freeze", response_model=None)
def campaign_freeze(request: Request, op: OrgDep, code: str, programme: Text = "") -> Response:
    """Freeze the campaign's leaderboards now."""
    op.require("edit_data")
    try:
        sv.freeze(op.db, op.tenant, code)
    except ServiceError as exc:
        return _refusal(request, op, exc, "freeze", programme, campaign=code)
    return _back(op, programme, "frozen", code, "boards")


@router.post("/o/{org}/inclusion/rewards/add", response_model=None)
def reward_add(
    request: Request,
    op: OrgDep,
    programme: Text = "",
    code: Text = "",
    name: Text = "",
    points_cost: Text = "",
    stock: Text = "",
    partner: Text = "",
) -> Response:
    """Add a reward (blank stock: unlimited)."""
    op.require("edit_data")
    values = {"code": code, "name": name, "points_cost": points_cost, "stock": stock,
              "partner": partner}  # fmt: skip
    try:
        rw.create_reward(op.db, op.tenant, programme, values)
    except ServiceError as exc:
        return _refusal(request, op, exc, "reward", programme, values)
    return _back(op, programme, "reward", anchor="rewards")


@router.post("/o/{org}/inclusion/rewards/{code}/stock", response_model=None)
def reward_stock(
    request: Request, op: OrgDep, code: str, programme: Text = "", stock: Text = ""
) -> Response:
    """Set a reward's stock (blank: unlimited)."""
    op.require("edit_data")
    try:
        rw.update_reward(op.db, op.tenant, programme, code, {"stock": stock})
    except ServiceError as exc:
        return _refusal(request, op, exc, "stock", programme, {"stock": stock})
    return _back(op, programme, "stock", anchor="rewards")
