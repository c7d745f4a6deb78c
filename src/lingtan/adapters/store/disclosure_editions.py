"""The store tables: Disclosure editions (pinned inputs, frozen document, state, supersession),
their artefacts and the narratives (issue 19 items 1, 3)."""

from __future__ import annotations
