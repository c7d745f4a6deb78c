"""The web app's rewards, campaigns and leaderboards (admin; issue 18 item 5)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
