"""``lingtan`` — the program (``[project.scripts]``): the command line of
:mod:`lingtan.adapters.cli.main` plus ``lingtan serve``.

``serve`` starts the server app, the highest layer, so it is registered here, above the CLI
(decision 0045): ``lingtan.adapters.cli`` never imports ``lingtan.adapters.server``.
"""

from __future__ import annotations

from lingtan.adapters.cli.main import app
from lingtan.adapters.server.serve import serve_app

app.add_typer(serve_app)

__all__ = ["app"]

if __name__ == "__main__":  # pragma: no cover - python -m lingtan.adapters.server.main
    app()
