"""``lingtan report build|list|show|diff|publish``: disclosure editions from the command line
(issue 19 items 1, 7; decision 0096), through :mod:`lingtan.adapters.services.disclosure_editions`.

- ``build --fy FY [--out DIR] [--supersedes ID --reason TEXT] [--publish] [--no-render]``
  freezes the year's edition (the same data: the same edition, said so), then renders its six
  files (PDF, XLSX, HTML in zh-CN and en; ``services.disclosure_render.render_edition``) into
  ``DIR`` (default ``<workspace>/reports/``) and prints their paths and the edition id;
- ``list [--fy]``, ``show ID``, ``diff A B`` (inputs, sections, tables and cells that changed),
  ``publish ID``; ``--json`` prints what the API returns.

The commands sit directly under ``lingtan report`` (:data:`editions_app`'s commands are added
by :mod:`.report`). Texts: ``disc_ed.cli.*`` in the command line's language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from lingtan.adapters.cli.common import (
    EXIT_BUSY,
    FAILURES,
    WorkspaceOpt,
    cli_locale,
    err,
    fail,
    is_busy,
    local_context,
    plain,
    print_json,
)
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext, jsonable

T = TypeVar("T")

editions_app = typer.Typer(help="Disclosure editions.", no_args_is_help=True)

FyOpt = Annotated[str, typer.Option("--fy", "-y", help="Fiscal year, e.g. FY2023/24.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _run(workspace: Path, call: Callable[[LocalContext], T]) -> T:
    """``call(ctx)`` on the workspace folder; a refusal printed in the command line's language
    with the exit code of its kind."""
    try:
        return call(local_context(workspace))
    except FAILURES as exc:
        raise fail(exc, EXIT_BUSY if is_busy(exc) else None) from exc


def _t() -> Translator:
    return Translator(cli_locale())


def record_line(t: Translator, r: dict[str, Any]) -> str:
    """One edition as a line of ``list``."""
    line = t(
        "disc_ed.cli.row",
        id=r["edition_id"][:12],
        fiscal_year=r["fiscal_year"],
        state=t(f"disc_ed.state.{r['state']}"),
        at=str(r["created_at"])[:19],
        by=r["created_by"],
    )
    if r.get("supersedes"):
        line += " " + t("disc_ed.cli.supersedes", id=r["supersedes"][:12])
    if r.get("superseded_by"):
        line += " " + t("disc_ed.cli.superseded_by", id=r["superseded_by"][:12])
    return line


def render_files(ctx: LocalContext, edition: str, out: Path) -> list[Path]:
    """The edition's six files rendered into ``out`` by H3's ``render_edition``.

    Raises:
        LookupError: the renderer is not installed.
    """
    from lingtan.adapters.services import disclosure_editions as sv

    render = sv.renderer("render_edition")
    if render is None:
        raise LookupError(sv.RENDERER)
    return list(render(ctx, edition, out))


@editions_app.command("build")
def build(
    fy: FyOpt,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder of the files (default <workspace>/reports/)."),
    ] = None,
    supersedes: Annotated[
        str | None, typer.Option("--supersedes", help="The published edition this restates.")
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why the published figures change.")
    ] = None,
    publish: Annotated[bool, typer.Option("--publish", help="Publish it once built.")] = False,
    no_render: Annotated[
        bool, typer.Option("--no-render", help="Freeze the edition only (no files).")
    ] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Freeze the year's edition, then render its PDF, XLSX and HTML in zh-CN and en."""
    from lingtan.adapters.services import disclosure_editions as sv

    t = _t()

    def go(ctx: LocalContext) -> tuple[sv.EditionRecord, LocalContext]:
        rec = sv.build_edition(ctx, fy, supersedes=supersedes, reason=reason)
        if publish:
            published = sv.publish_edition(ctx, rec.edition_id)
            rec = replace(published, created=rec.created)
        return rec, ctx

    rec, ctx = _run(workspace, go)
    key = "disc_ed.cli.built" if rec.created else "disc_ed.cli.unchanged"
    plain(t(key, id=rec.edition_id, fiscal_year=rec.fiscal_year,
            state=t(f"disc_ed.state.{rec.state}")))  # fmt: skip
    if rec.supersedes:
        changed = rec.summary()["changed"]
        plain(t("disc_ed.cli.restates", id=rec.supersedes[:12], reason=rec.reason or "",
                changed=", ".join(changed) or "—"))  # fmt: skip
    if no_render:
        return
    target = out if out is not None else ctx.workspace().path / "reports"
    try:
        files = _run(workspace, lambda c: render_files(c, rec.edition_id, target))
    except LookupError:
        err.print(t("disc_ed.cli.no_renderer"), highlight=False, markup=False)
        raise typer.Exit(1) from None
    for path in files:
        plain(str(path))


@editions_app.command("list")
def list_cmd(
    fy: Annotated[str | None, typer.Option("--fy", "-y", help="Fiscal year.")] = None,
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """List the editions, newest first."""
    from lingtan.adapters.services import disclosure_editions as sv

    rows = [r.summary() for r in _run(workspace, lambda c: sv.list_editions(c, fy))]
    if as_json:
        print_json(rows)
        return
    t = _t()
    if not rows:
        plain(t("disc_ed.cli.none"))
    for r in rows:
        plain(record_line(t, r))


def section_lines(t: Translator, document: dict[str, Any]) -> list[str]:
    """The sections of a document as lines: title, available or not, facts by status, tables."""
    lines = []
    for s in document["sections"]:
        counts = Counter(f["status"] for f in s["facts"].values())
        lines.append(
            t(
                "disc_ed.cli.section",
                title=t(s["title"]),
                available=t("disc_ed.available" if s["available"] else "disc_ed.not_available"),
                complete=counts.get("complete", 0),
                partial=counts.get("partial", 0),
                missing=counts.get("missing", 0),
                tables=len(s["tables"]),
            )
        )
    return lines


@editions_app.command("show")
def show(
    edition: Annotated[str, typer.Argument(help="Edition id (or its first characters).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole document.")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Show one edition: its state, pinned inputs and sections."""
    from lingtan.adapters.services import disclosure_editions as sv

    rec = _run(workspace, lambda c: sv.get_edition(c, edition))
    assert rec.document is not None
    if as_json:
        print_json({**rec.summary(), "document": rec.document})
        return
    t = _t()
    plain(record_line(t, jsonable(rec.summary())))
    if rec.reason:
        plain(t("disc_ed.cli.reason", reason=rec.reason))
    plain(t("disc_ed.cli.inputs"))
    for name, value in sorted(rec.document["inputs"].items()):
        plain(f"  {name}: {value}")
    for line in section_lines(t, dict(rec.document)):
        plain(line)


def diff_lines(t: Translator, diff: dict[str, Any], lang: str) -> list[str]:
    """A diff as lines: the inputs, then per section its facts, tables and cells."""
    from lingtan.adapters.services.disclosure_editions import cell_text

    lines = [t("disc_ed.cli.diff_head", a=diff["a"]["edition_id"][:12],
               b=diff["b"]["edition_id"][:12])]  # fmt: skip
    if not (diff["inputs"] or diff["sections"] or diff["narratives"] or diff["document"]):
        return [*lines, t("disc_ed.diff.same")]
    for i in diff["inputs"]:
        lines.append(
            t("disc_ed.cli.diff_input", name=i["name"], before=(i["before"] or "—")[:12],
              after=(i["after"] or "—")[:12])
        )  # fmt: skip
    for s in diff["sections"]:
        lines.append(t("disc_ed.cli.diff_section", title=t(s["title"]),
                       status=t(f"disc_ed.diff.{s['status']}")))  # fmt: skip
        for f in s["facts"]:
            lines.append(
                t("disc_ed.cli.diff_fact", fact=f["fact"],
                  before=(f["before"] or {}).get("status", "—"),
                  after=(f["after"] or {}).get("status", "—"))
            )  # fmt: skip
        for tb in s["tables"]:
            lines.append(
                t("disc_ed.cli.diff_table", title=t(tb["title"]),
                  status=t(f"disc_ed.diff.{tb['status']}"), added=tb["rows_added"],
                  removed=tb["rows_removed"])
            )  # fmt: skip
            if tb.get("sources_changed"):
                lines.append(t("disc_ed.cli.diff_sources", n=tb["sources_changed"]))
            for c in tb["cells"]:
                lines.append(
                    t("disc_ed.cli.diff_cell", row=cell_text(c["row"], lang),
                      column=t(c["column_label"]), before=cell_text(c["before"], lang),
                      after=cell_text(c["after"], lang))
                )  # fmt: skip
    for n in diff["narratives"]:
        lines.append(t("disc_ed.cli.diff_narrative", key=n["key"], lang=n["lang"]))
    return lines


@editions_app.command("diff")
def diff_cmd(
    a: Annotated[str, typer.Argument(help="The earlier edition.")],
    b: Annotated[str, typer.Argument(help="The later edition.")],
    as_json: JsonOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Compare two editions: inputs, sections, tables and cells that changed."""
    from lingtan.adapters.services import disclosure_editions as sv

    diff = _run(workspace, lambda c: sv.diff_editions(c, a, b))
    if as_json:
        print_json(diff)
        return
    lang = cli_locale()
    for line in diff_lines(Translator(lang), diff, lang):
        plain(line)


@editions_app.command("publish")
def publish_cmd(
    edition: Annotated[str, typer.Argument(help="Edition id (or its first characters).")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Publish an edition (a restatement marks the edition it restates superseded)."""
    from lingtan.adapters.services import disclosure_editions as sv

    rec = _run(workspace, lambda c: sv.publish_edition(c, edition))
    t = _t()
    plain(t("disc_ed.cli.published", id=rec.edition_id, fiscal_year=rec.fiscal_year))
    if rec.supersedes:
        plain(t("disc_ed.cli.superseded", id=rec.supersedes[:12]))
