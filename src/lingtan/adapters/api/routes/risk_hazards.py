"""``/orgs/{org}/risks/sites``: physical risk per site: exposure, hazard indicators, vulnerability
(issue 17 item 5).

Thin: each route parses, calls :mod:`lingtan.adapters.services.risk_hazards` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["risks"])
