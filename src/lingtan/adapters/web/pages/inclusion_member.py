"""The web app's the phone-first member page, reached by the member's link (issue 18 item 7)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
