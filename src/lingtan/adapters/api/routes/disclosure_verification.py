"""``/orgs/{org}/disclosure/editions/{edition}/verification…``: the verification record and its
findings (issue 19 item 2).

Thin: each route parses, calls the service of ``lingtan.adapters.services`` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["disclosure"])
