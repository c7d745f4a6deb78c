"""Reference pages: the emission-factor library (search, sources). (The boundary page —
legal entities and sites — is :mod:`lingtan.adapters.web.pages.setup`'s, with its forms.)"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from lingtan.adapters.web import backend
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.session import OrgDep

router = APIRouter()

#: Factor groups shown per page of a search.
FACTOR_PAGE_SIZE = 25
#: Page links shown on either side of the current page.
PAGE_WINDOW = 3


def page_links(base: dict[str, str], page: int, pages: int) -> list[tuple[int | None, str]]:
    """The page links of a result list: ``(page number, URL query)``, None for a gap (…);
    the first and last page, and :data:`PAGE_WINDOW` pages around ``page``."""
    shown = sorted(
        {1, pages, *range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)}
    )
    out: list[tuple[int | None, str]] = []
    prev = 0
    for p in shown:
        if p > prev + 1:
            out.append((None, ""))
        out.append((p, urlencode({**base, "page": str(p)})))
        prev = p
    return out


@router.get("/o/{org}/factors", response_class=HTMLResponse)
def factors(
    request: Request,
    op: OrgDep,
    q: Annotated[str, Query(max_length=200)] = "",
    region: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Search the factor library (bundled sets and the organisation's own): Chinese or English
    names, a page of :data:`FACTOR_PAGE_SIZE` groups with kg CO2e per unit, the real count."""
    searched = bool(q.strip() or region.strip())
    found: dict[str, Any] = {"total_groups": 0, "groups": [], "gwp_set": "", "gwp_source": ""}
    if searched:
        offset = (page - 1) * FACTOR_PAGE_SIZE
        found = backend.search_factors(
            op.db, op.tenant, q.strip(), region.strip() or None, FACTOR_PAGE_SIZE, offset
        )
    total = int(found["total_groups"])
    pages = max(1, -(-total // FACTOR_PAGE_SIZE))
    base = {k: v for k, v in (("q", q.strip()), ("region", region.strip())) if v}
    return org_render(
        request,
        op,
        "factors.html",
        "factors",
        q=q,
        region=region,
        searched=searched,
        found=found,
        groups=found["groups"],
        total=total,
        page=page,
        pages=pages,
        first=(page - 1) * FACTOR_PAGE_SIZE + 1,
        last=min(total, page * FACTOR_PAGE_SIZE),
        links=page_links(base, page, pages) if pages > 1 else [],
        prev_url=urlencode({**base, "page": str(page - 1)}) if page > 1 else "",
        next_url=urlencode({**base, "page": str(page + 1)}) if page < pages else "",
    )
