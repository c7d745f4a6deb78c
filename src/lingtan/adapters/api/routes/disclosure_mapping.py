"""``/orgs/{org}/disclosure/mapping…``: frameworks, requirements and their computed status;
datapoints entered by hand (issue 19 item 3).

Thin: each route parses, calls the service of ``lingtan.adapters.services`` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["disclosure"])
