"""The store tables of the risk and opportunity register, the scoring matrix and the reviews (issue
17 items 1–2)."""

from __future__ import annotations
