"""The store tables of physical risk per site: exposure, hazard indicators, vulnerability (issue 17
item 5)."""

from __future__ import annotations
