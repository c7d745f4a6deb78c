"""Disclosure (issue 19): report editions, the ISO 14064-1 GHG report, the four-pillar climate
disclosure (IFRS S2 / HKEX), the framework mapping (IFRS S2, HKEX, CDP, ISO 14064-1) and the
verification record.

Pure: no store, no I/O. The adapters (``lingtan.adapters.services.disclosure_*``) gather an
organisation's data into an :class:`~.document.EditionDocument`, freeze it as an edition and
render it.

- :mod:`.document` — the edition document: sections, tables, cells, charts, facts (the one
  contract between the section producers, the mapping and the renderers);
- :mod:`.facts` — the registry of disclosure facts the sections state and the mapping reads;
- :mod:`.errors` — the module's errors, worded from the message catalogue.
"""
