"""The store tables of governance bodies, meetings, roles, remuneration links (issue 17 item 6)."""

from __future__ import annotations
