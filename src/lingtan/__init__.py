"""lingtan (零碳): carbon-neutrality management for manufacturers and their supply chains.

The package is layered: :mod:`lingtan.core` (pure domain, no I/O) ← :mod:`lingtan.modules`
← :mod:`lingtan.adapters` (files, database, engine, CLI). See ``docs/architecture.md``.
"""

__version__ = "0.1.0"
