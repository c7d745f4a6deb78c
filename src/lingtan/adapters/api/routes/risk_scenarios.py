"""``/orgs/{org}/risks/scenarios``: scenario data sets and runs with financial effects (issue 17
item 4).

Thin: each route parses, calls :mod:`lingtan.adapters.services.risk_scenarios` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["risks"])
