"""The ``lingtan`` command line (Typer)."""
