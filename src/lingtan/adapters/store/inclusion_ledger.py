"""The store tables: Carbon-inclusion action events, their reductions and the hash-chained points
ledger (issue 18 items 2–4)."""

from __future__ import annotations
