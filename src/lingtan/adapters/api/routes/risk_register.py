"""``/orgs/{org}/risks``: the risk and opportunity register, the scoring matrix and the reviews
(issue 17 items 1–2).

Thin: each route parses, calls :mod:`lingtan.adapters.services.risk_register` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["risks"])
