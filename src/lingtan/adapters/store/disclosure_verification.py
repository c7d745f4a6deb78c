"""The store tables: Verification records of disclosure editions and their findings (issue 19 item
2)."""

from __future__ import annotations
