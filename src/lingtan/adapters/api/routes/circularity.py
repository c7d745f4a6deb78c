"""``/orgs/{org}/circularity…``: circularity ledgers and their eight KPIs (issue 19 item 5).

Thin: each route parses, calls the service of ``lingtan.adapters.services`` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["circularity"])
