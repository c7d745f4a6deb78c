"""The store tables: carbon-inclusion methodology packs loaded by an organisation (issue 18
item 2)."""

from __future__ import annotations
