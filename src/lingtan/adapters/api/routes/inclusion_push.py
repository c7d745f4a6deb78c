"""``/orgs/{org}/inclusion/…``: the partners' signed push of events and the pull connector (issue 18
item 6).

Thin: each route parses, calls the service of ``lingtan.adapters.services`` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["inclusion"])
