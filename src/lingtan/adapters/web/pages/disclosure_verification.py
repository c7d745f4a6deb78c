"""The web app's an edition's verification record and findings (issue 19 item 2)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
