"""``/orgs/{org}/risks/governance``: governance bodies, meetings, roles and remuneration links
(issue 17 item 6).

Thin: each route parses, calls :mod:`lingtan.adapters.services.risk_governance` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["risks"])
