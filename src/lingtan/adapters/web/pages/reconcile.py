"""The reconciliation page (issue 10 item 11): the organisation's published figures
(``published/figures.csv``) against lingtan's, every difference with its cause, in both
languages (docs/reconcile.md).

Every figure comes from :func:`lingtan.adapters.services.reconcile.reconcile_report`; the
page only lays it out and translates each cause from its code (``reconcile.cause.<code>``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from lingtan.adapters.api.errors import http_status
from lingtan.adapters.i18n.readers import cause_text
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.services.reconcile import reconcile_report
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.rendering import translator
from lingtan.adapters.web.session import OrgDep

router = APIRouter()

#: statuses in the order the summary shows them (lingtan.core.reconcile.Status)
STATUSES = (
    "match", "rounding", "copied", "factor_basis", "implied_factor", "unexplained", "missing",
    "input",
)  # fmt: skip
#: how a unit of a published figure is shown (``1e4 t`` is 10⁴ t, 万吨)
UNIT_LABELS = {"1e4 t": "×10⁴ t"}


def _shown(value: str | None, unit: str) -> str:
    if value is None:
        return "—"
    head, dot, tail = value.partition(".")
    sign = "-" if head.startswith("-") else ""
    grouped = f"{int(head.lstrip('-') or 0):,}"
    return f"{sign}{grouped}{dot}{tail} {UNIT_LABELS.get(unit, unit)}"


@router.get("/o/{org}/reconcile", response_class=HTMLResponse)
def reconcile_page(
    request: Request,
    op: OrgDep,
    year: Annotated[str | None, Query(max_length=20)] = None,
    every: Annotated[bool, Query(alias="all")] = False,
) -> HTMLResponse:
    """Counts per status, then each difference (or every figure with ``?all=1``): the figure,
    where it is printed, the published and lingtan's value, the status and its cause."""
    doc: dict[str, Any] | None
    error = None
    try:
        doc = reconcile_report(op.tenant, year or None)
    except ServiceError as exc:
        if http_status(exc) != 404:  # a bad figures file: the reader's words, page language
            error = cause_text(exc, translator(request).locale) or exc.message
        doc = None
    rows = []
    if doc is not None:
        for f in doc["findings"]:
            if not every and f["status"] in ("match", "input"):
                continue
            rows.append(
                f
                | {
                    "published_shown": _shown(f["published"], f["unit"]),
                    "computed_shown": _shown(f["computed_rounded"], f["unit"]),
                }
            )
    return org_render(
        request,
        op,
        "reconcile.html",
        "inventory",
        doc=doc,
        rows=rows,
        statuses=STATUSES,
        every=every,
        year=year or "",
        error=error,
    )
