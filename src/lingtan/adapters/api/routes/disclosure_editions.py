"""``/orgs/{org}/disclosure/editions…``: build, list, show, diff, render and download editions;
narratives (issue 19 items 1, 4, 7).

Thin: each route parses, calls the service of ``lingtan.adapters.services`` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["disclosure"])
