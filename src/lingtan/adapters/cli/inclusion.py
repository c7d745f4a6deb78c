"""``lingtan inclusion …``: carbon inclusion (碳普惠, issue 18) from the command line, through the
same services as the API and the web pages. Each area is a sub-group owned by its module:

- ``programmes …`` programmes, groups, accounts, partners, consent, a person's export and
  deletion (:mod:`.inclusion_programmes`);
- ``methodologies …`` methodology packs, ``simulate`` an action (:mod:`.inclusion_methodologies`);
- ``events …`` log, reverse, expire, balance, history, review (:mod:`.inclusion_events`);
- ``push …`` partners' signed push, the settlement worker, the pull connector
  (:mod:`.inclusion_push`);
- ``campaigns …`` rewards, campaigns, leaderboards (:mod:`.inclusion_campaigns`);
- ``report …`` the programme report (:mod:`.inclusion_report`);
- ``scale …`` the event archive and its queries at scale (:mod:`.inclusion_scale`);
- ``feed …`` commuting into Scope 3 category 7 (:mod:`.inclusion_feed`).

Every command takes ``-w WS`` and acts as the folder's owner; a refusal prints the reason in the
command line's language and exits with the code of its kind.
"""

from __future__ import annotations

import importlib

import typer

HELP = (
    "Carbon inclusion (碳普惠): programmes, accounts, consent, methodologies, events, points,\n"
    "partners' push, campaigns, rewards, leaderboards, the programme report."
)

inclusion_app = typer.Typer(help=HELP, no_args_is_help=True)

#: the sub-groups: command name → (module of lingtan.adapters.cli, its Typer app)
SUBGROUPS = {
    "programmes": ("inclusion_programmes", "programmes_app"),
    "methodologies": ("inclusion_methodologies", "methodologies_app"),
    "events": ("inclusion_events", "events_app"),
    "push": ("inclusion_push", "push_app"),
    "campaigns": ("inclusion_campaigns", "campaigns_app"),
    "report": ("inclusion_report", "report_app"),
    "scale": ("inclusion_scale", "scale_app"),
    "feed": ("inclusion_feed", "feed_app"),
}


def _attach_subgroups() -> None:
    """Add each sub-group whose module is installed (each keeps its own Typer app; its tests
    invoke it directly)."""
    for name, (module_name, attr) in SUBGROUPS.items():
        try:
            module = importlib.import_module(f"lingtan.adapters.cli.{module_name}")
        except ModuleNotFoundError:
            continue
        inclusion_app.add_typer(getattr(module, attr), name=name)


_attach_subgroups()
