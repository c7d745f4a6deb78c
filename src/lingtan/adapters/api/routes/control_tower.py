"""``/orgs/{org}/overview``: the control tower, every module's tile, alerts and the trend forecast
(issue 19 item 6).

Thin: each route parses, calls the service of ``lingtan.adapters.services`` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["overview"])
