"""The store tables: Carbon-inclusion programmes, groups, accounts, partners, consent, member links
(issue 18 item 1)."""

from __future__ import annotations
