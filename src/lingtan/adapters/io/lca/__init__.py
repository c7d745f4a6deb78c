"""LCA data exchange (issue 6): ecospold2, openLCA JSON-LD, Brightway, PACT, labels, and the
bundled illustrative inventory and laptop family.

Readers return new in-memory objects only after the whole input is valid (nothing half
imported); every error names the file, the element and the reason
(:class:`~lingtan.modules.products.errors.LciFileError`).
"""
