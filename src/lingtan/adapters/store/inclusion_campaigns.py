"""The store tables: Carbon-inclusion rewards, redemptions, campaigns and frozen leaderboards (issue
18 item 5)."""

from __future__ import annotations
