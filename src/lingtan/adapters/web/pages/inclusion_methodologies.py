"""The web app's methodology packs and the simulation of an action (admin; issue 18 item 2)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
