"""``/orgs/{org}/inclusion/…``: the programme report and the member's own data (issue 18 item 7).

Thin: each route parses, calls the service of ``lingtan.adapters.services`` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["inclusion"])
