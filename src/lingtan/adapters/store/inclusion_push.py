"""The store tables: Carbon-inclusion partner push: receipts, settlement callbacks, pull connectors
(issue 18 item 6)."""

from __future__ import annotations
