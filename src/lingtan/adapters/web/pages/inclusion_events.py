"""The web app's action events and the fraud review (admin; issue 18 items 3–4)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
