"""``lingtan report render EDITION [--lang L] [--format F] [--out DIR]``: an edition's PDF, XLSX
and HTML in zh-CN and en (issue 19 item 4; decision 0095), through
:func:`lingtan.adapters.services.disclosure_render.render_edition`.

``EDITION`` is an edition id or a prefix of at least six hex digits (as ``lingtan report list``
shows them); ``--lang`` and ``--format`` may be repeated (default: every language and format);
``--out`` is the folder (default ``<workspace>/reports/``). The files are named
``<org>-<fiscal year>-<id[:12]>-<lang>.<ext>`` and written atomically; their paths are printed.
An unknown language or format is refused before anything is read or written. The command sits
directly under ``lingtan report`` (:data:`render_app`'s commands are added by :mod:`.report`).
Texts: ``disc_render.cli.*`` in the command line's language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lingtan.adapters.cli.common import (
    EXIT_BUSY,
    FAILURES,
    WorkspaceOpt,
    fail,
    is_busy,
    local_context,
    plain,
    say,
)

render_app = typer.Typer(help="Render disclosure editions.", no_args_is_help=True)


@render_app.command("render")
def render(
    edition: Annotated[str, typer.Argument(help="Edition id (or a prefix of 6+ hex digits).")],
    lang: Annotated[
        list[str] | None,
        typer.Option("--lang", "-l", help="zh-CN or en (repeatable; default both)."),
    ] = None,
    fmt: Annotated[
        list[str] | None,
        typer.Option("--format", "-f", help="pdf, xlsx or html (repeatable; default all)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder of the files (default <workspace>/reports/)."),
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Render an edition to PDF, XLSX and HTML in zh-CN and en."""
    from lingtan.adapters.services import disclosure_render as sv

    langs = list(lang) if lang else list(sv.LANGUAGES)
    formats = list(fmt) if fmt else list(sv.FORMATS)
    try:
        for one_lang in langs:
            for one_fmt in formats:
                sv.check_request(one_lang, one_fmt)
        ctx = local_context(workspace)
        target = out if out is not None else ctx.workspace().path / "reports"
        paths = sv.render_edition(ctx, edition, target, langs=langs, formats=formats)
    except FAILURES as exc:
        raise fail(exc, EXIT_BUSY if is_busy(exc) else None) from exc
    say("disc_render.cli.rendered", n=len(paths), id=edition)
    for path in paths:
        plain(str(path))
