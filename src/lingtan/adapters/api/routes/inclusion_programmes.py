"""``/orgs/{org}/inclusion/…``: programmes, groups, accounts, partners, consent, privacy export and
deletion (issue 18 item 1).

Thin: each route parses, calls the service of ``lingtan.adapters.services`` and returns a
schema."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["inclusion"])
