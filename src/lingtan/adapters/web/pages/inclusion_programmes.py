"""The web app's programmes, accounts, partners and consent (admin; issue 18 item 1)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
