"""``/o/<org>/risks/scenarios`` in the web app: scenario data sets and runs with financial effects
(issue 17 item 4)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
