"""Carbon inclusion (碳普惠, issue 18): personal and group carbon accounts, methodology packs that
quantify a low-carbon action, a hash-chained points ledger, rewards, campaigns and leaderboards.

Pure: no store, no I/O. The adapters (``lingtan.adapters.services.inclusion_*``) call it.

- :mod:`.actions` — the catalogue of action codes, their units and whether they count as a
  reduction, avoided emissions or engagement only;
- :mod:`.rules` — a programme's points rules (points per kg, engagement points, caps, expiry);
- :mod:`.errors` — the module's errors, worded from the message catalogue.
"""
