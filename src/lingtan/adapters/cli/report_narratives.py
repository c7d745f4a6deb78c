"""``lingtan report narratives set|list``: the narrative fields of a disclosure per section and
language (issue 19 item 3; decision 0096), through
:mod:`lingtan.adapters.services.disclosure_narratives`. An empty text removes a narrative;
an edition pins the texts as they stand when it is built. Texts: ``disc_ed.cli.*``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lingtan.adapters.cli.common import WorkspaceOpt, cli_locale, fail, plain, print_json, read_file
from lingtan.adapters.cli.report_editions import _run
from lingtan.adapters.i18n.messages import Translator

narratives_app = typer.Typer(help="Narrative fields per section and language.",
                             no_args_is_help=True)  # fmt: skip


@narratives_app.callback()
def _group() -> None:
    """Narratives (a group, so that ``set`` and ``list`` stay sub-commands)."""


@narratives_app.command("set")
def set_cmd(
    key: Annotated[str, typer.Argument(help="Section key or section.field, e.g. governance.")],
    lang: Annotated[str, typer.Option("--lang", "-l", help="zh-CN or en.")],
    text: Annotated[str | None, typer.Option("--text", help="The text (empty: remove).")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Read the text (UTF-8).")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Set (or, with an empty text, remove) the text of a narrative in one language."""
    from lingtan.adapters.services import disclosure_narratives as sv

    t = Translator(cli_locale())
    if (text is None) == (file is None):
        raise fail(t("disc_ed.cli.text_or_file"), 2)
    if file is not None:
        try:
            text = read_file(file).decode("utf-8")
        except UnicodeDecodeError:
            raise fail(t("disc_ed.cli.not_utf8", file=str(file)), 2) from None
    got = _run(workspace, lambda c: sv.set_narrative(c, key, lang, text or ""))
    if got is None:
        plain(t("disc_ed.cli.narrative_removed", key=key, lang=lang))
    else:
        plain(t("disc_ed.cli.narrative_set", key=got.key, lang=got.lang, n=len(got.text)))


@narratives_app.command("list")
def list_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List the stored narratives (key, language, who changed it last, its first words)."""
    from lingtan.adapters.services import disclosure_narratives as sv

    rows = _run(workspace, sv.list_narratives)
    if as_json:
        print_json([{"key": n.key, "lang": n.lang, "text": n.text, "updated_by": n.updated_by,
                     "updated_at": n.updated_at.isoformat()} for n in rows])  # fmt: skip
        return
    t = Translator(cli_locale())
    if not rows:
        plain(t("disc_ed.cli.no_narratives"))
    for n in rows:
        first = " ".join(n.text.split())
        plain(t("disc_ed.cli.narrative_row", key=n.key, lang=n.lang, by=n.updated_by,
                at=n.updated_at.isoformat()[:19],
                text=first[:60] + ("…" if len(first) > 60 else "")))  # fmt: skip
