"""Adapters: the outside world (files, database, engine, CLI)."""
