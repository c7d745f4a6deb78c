"""The store tables: Disclosure datapoints entered by hand and their review (issue 19 item 3)."""

from __future__ import annotations
