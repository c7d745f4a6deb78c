"""The store tables of significant environmental aspects (issue 17 item 3, ISO 14001 §6.1.2)."""

from __future__ import annotations
