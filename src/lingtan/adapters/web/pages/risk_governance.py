"""``/o/<org>/risks/governance`` in the web app: governance bodies, meetings, roles and
remuneration links (issue 17 item 6)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
