"""``/orgs/{org}/inclusion/…``: rewards, redemptions, campaigns and leaderboards (issue 18 item 5).

Thin: each route parses, calls the service of ``lingtan.adapters.services`` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["inclusion"])
