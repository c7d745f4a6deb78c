"""``/o/<org>/risks/sites`` in the web app: physical risk per site: exposure, hazard indicators,
vulnerability (issue 17 item 5)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
