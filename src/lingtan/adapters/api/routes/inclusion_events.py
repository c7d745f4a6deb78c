"""``/orgs/{org}/inclusion/…``: action events, reversals, balances, history, expiry, fraud review
(issue 18 items 3–4).

Thin: each route parses, calls the service of ``lingtan.adapters.services`` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["inclusion"])
