"""The store tables of scenario data sets and runs with financial effects (issue 17 item 4)."""

from __future__ import annotations
