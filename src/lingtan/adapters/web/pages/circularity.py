"""The web app's circularity ledgers and KPIs (issue 19 item 5)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
