"""``/orgs/{org}/risks/aspects``: significant environmental aspects (issue 17 item 3, ISO
14001:2015 §6.1.2).

Thin: each route parses, calls :mod:`lingtan.adapters.services.risk_aspects` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["risks"])
