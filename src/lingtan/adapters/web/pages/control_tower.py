"""The web app's control tower: one home page over every module (issue 19 item 6)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
