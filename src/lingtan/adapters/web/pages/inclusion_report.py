"""The web app's the carbon-inclusion overview and programme report (admin; issue 18 item 7)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
