"""Circularity ledgers (issue 19 item 5): recycled and bio-based material inputs, packaging,
returnable assets (pallets, totes), take-back and asset recovery, approved recyclers, and the
eight KPIs computed from them. Avoided emissions are labelled as avoided and never deducted from
an inventory (GHG Protocol Corporate Standard ch. 9; ISO 14021 for recycled-content claims).

Pure: no store, no I/O. The adapters (``lingtan.adapters.services.circularity``) call it.

- :mod:`.ledgers` — the ledgers' rows, their lists and checks;
- :mod:`.kpis` — the eight KPIs, their units and formulas, the reporting period's rules;
- :mod:`.errors` — the module's errors, worded from the message catalogue.
"""
