"""``/orgs/{org}/inclusion/…``: methodology packs and the simulation of an action (issue 18 item 2).

Thin: each route parses, calls the service of ``lingtan.adapters.services`` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["inclusion"])
