"""Capabilities built only on the core: demo data (and later targets, suppliers, products …)."""
