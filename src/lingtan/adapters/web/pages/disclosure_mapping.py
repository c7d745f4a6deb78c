"""The web app's the framework mapping table (IFRS S2, HKEX, CDP, ISO 14064-1) with computed status
(issue 19 item 3)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
