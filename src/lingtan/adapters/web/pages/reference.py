"""Reference pages: the emission-factor library (search, sources) and the boundary (legal
entities and sites)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from lingtan.adapters.web import backend
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.session import OrgDep

router = APIRouter()

#: Factor values listed per search.
FACTOR_LIMIT = 100


@router.get("/o/{org}/factors", response_class=HTMLResponse)
def factors(
    request: Request,
    op: OrgDep,
    q: Annotated[str, Query(max_length=200)] = "",
    region: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """Search the factor library (bundled sets and the organisation's own)."""
    searched = bool(q.strip() or region.strip())
    found = (
        backend.search_factors(op.db, op.tenant, q.strip(), region.strip() or None, FACTOR_LIMIT)
        if searched
        else []
    )
    return org_render(
        request, op, "factors.html", "factors", q=q, region=region, searched=searched, factors=found
    )


@router.get("/o/{org}/sites", response_class=HTMLResponse)
def sites(request: Request, op: OrgDep) -> HTMLResponse:
    """Legal entities (ownership, control) and sites (entity, region) of the boundary."""
    b = backend.boundary(op.db, op.tenant)
    return org_render(
        request,
        op,
        "sites.html",
        "sites",
        consolidation=b.consolidation,
        entities=b.entities,
        sites=b.sites,
    )
