"""The web app's editions (list, one edition with its sections and artefacts, diff) and narratives
(issue 19 items 1, 3, 7)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
