"""The columnar calculation engine (Ibis expressions, DuckDB in-process by default)."""
