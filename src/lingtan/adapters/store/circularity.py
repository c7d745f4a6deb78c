"""The store tables: Circularity ledgers: material inputs, packaging, returnable assets, take-back,
approved recyclers (issue 19 item 5)."""

from __future__ import annotations
