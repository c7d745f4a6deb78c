"""The demo edition's section of ``lingtan demo`` (issue 19 item 8; decision 0102): load what the
``disclosed`` workspace's FY2023/24 edition needs and build it through
:func:`lingtan.adapters.services.disclosure_demo.load_disclosure_demo`, then print the
edition, its sections, the mapping's status counts, the checks and the report's errata — and
the ``lingtan report build`` command that renders it (the demo itself renders nothing, to
stay cheap). Texts: ``disc_demo.*`` in the command line's language."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lingtan.adapters.i18n.messages import Translator

if TYPE_CHECKING:
    from rich.console import Console

    from lingtan.adapters.services.disclosure_demo import DisclosureDemoReport


def demo_lines(rep: DisclosureDemoReport, ws_path: Path, t: Translator) -> list[str]:
    """What the section prints."""
    lines = [t("disc_demo.cli.synthetic")]
    lines.append(t("disc_demo.cli.loaded", targets=t("disc_demo.cli.yes" if rep.targets_written
                                                     else "disc_demo.cli.kept"),
                   governance=rep.governance, aspects=rep.aspects, narratives=rep.narratives,
                   verification=t("disc_demo.cli.yes" if rep.verification
                                  else "disc_demo.cli.kept"),
                   circularity=rep.circularity))  # fmt: skip
    lines.append(t("disc_demo.cli.edition", fy=rep.fiscal_year, id=rep.edition_id[:12],
                   sections=rep.sections, available=rep.available))  # fmt: skip
    if rep.mapping:
        lines.append(t("disc_demo.cli.mapping", complete=rep.mapping.get("complete", 0),
                       partial=rep.mapping.get("partial", 0),
                       missing=rep.mapping.get("missing", 0)))  # fmt: skip
    lines.append(t("disc_demo.cli.checks", failed=rep.checks_failed, errata=len(rep.errata)))
    for e in rep.errata:
        lines.append(t("disc_demo.cli.erratum", id=e["id"],
                       kind=t.message(f"reconcile.status.{e['kind']}", default=e["kind"]),
                       published=e["published"], lingtan=e["lingtan"]))  # fmt: skip
    cmd = f"lingtan report build --fy {rep.fiscal_year} -w {ws_path} --out {ws_path / 'reports'}"
    lines.append(t("disc_demo.cli.render", command=cmd))
    return lines


def disclosure_section(ws_path: Path, *, console: Console) -> int:
    """Issue 19 (decision 0102): the demo edition of the ``disclosed`` workspace, loaded and
    built (not rendered), printed in the command line's language. Returns 0 (a refusal of a
    service is raised: the demo data are valid by construction)."""
    from lingtan.adapters.cli.common import cli_locale
    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.disclosure_demo import load_disclosure_demo

    t = Translator(cli_locale())
    console.rule(t("disc_demo.cli.rule"))
    rep = load_disclosure_demo(LocalContext(ws_path))
    for line in demo_lines(rep, ws_path, t):
        console.print(line, highlight=False, markup=False)
    return 0
