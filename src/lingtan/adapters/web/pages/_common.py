"""Helpers shared by the page modules."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from lingtan.adapters.web.rendering import render
from lingtan.adapters.web.session import OrgPage


def org_render(
    request: Request, op: OrgPage, template: str, active: str, **context: Any
) -> HTMLResponse:
    """Render an organisation page with the user, organisation and navigation filled in."""
    return render(
        request, template, user=op.user, org=op.org, orgs=op.orgs, active=active, **context
    )


def fy_slug(label: str) -> str:
    """A fiscal-year label as a URL path segment: ``FY2023/24`` → ``FY2023-24``."""
    return label.replace("/", "-")


def fy_label(slug: str) -> str:
    """Inverse of :func:`fy_slug` for split years: ``FY2023-24`` → ``FY2023/24``."""
    head, sep, tail = slug.rpartition("-")
    return f"{head}/{tail}" if sep and head and len(tail) == 2 and tail.isdigit() else slug
