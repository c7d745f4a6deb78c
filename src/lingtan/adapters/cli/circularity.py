"""``lingtan circularity …``: the circularity ledgers (issue 19 item 5) from the command line —
import and list material inputs, packaging, returnable assets, take-back and approved
recyclers; print the eight KPIs. Through the same services as the API and the web pages."""

from __future__ import annotations

import typer

circularity_app = typer.Typer(
    help="Circularity ledgers (recycled materials, packaging, returnable assets, take-back,\n"
    "approved recyclers) and their eight KPIs.",
    no_args_is_help=True,
)
