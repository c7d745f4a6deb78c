"""``/o/<org>/risks/aspects`` in the web app: significant environmental aspects (issue 17 item 3,
ISO 14001:2015 §6.1.2)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
