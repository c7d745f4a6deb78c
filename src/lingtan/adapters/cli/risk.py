"""``lingtan risk …``: climate risk and opportunity from the command line (issue 17), through
the same services as the API and the web pages.

- the register (:mod:`lingtan.adapters.services.risk_register`): list, show, add, import,
  export, review, heatmap, due, matrix;
- ``aspects …`` significant environmental aspects (:mod:`.risk_aspects`);
- ``scenarios …`` scenario data sets and runs (:mod:`.risk_scenarios`);
- ``hazards …`` physical risk per site (:mod:`.risk_hazards`);
- ``governance …`` governance records (:mod:`.risk_governance`).

Every command takes ``-w WS`` and acts as the folder's owner; a refusal prints the reason in the
command line's language and exits with the code of its kind.
"""

from __future__ import annotations

import importlib

import typer

HELP = "Climate risks and opportunities: register, scoring, aspects, scenarios, sites, governance."

risk_app = typer.Typer(help=HELP, no_args_is_help=True)

#: the sub-groups: command name → (module of lingtan.adapters.cli, its Typer app)
SUBGROUPS = {
    "aspects": ("risk_aspects", "aspects_app"),
    "scenarios": ("risk_scenarios", "scenarios_app"),
    "hazards": ("risk_hazards", "hazards_app"),
    "governance": ("risk_governance", "governance_app"),
}


def _attach_subgroups() -> None:
    """Add each sub-group whose module is installed (each keeps its own Typer app; its tests
    invoke it directly)."""
    for name, (module_name, attr) in SUBGROUPS.items():
        try:
            module = importlib.import_module(f"lingtan.adapters.cli.{module_name}")
        except ModuleNotFoundError:
            continue
        risk_app.add_typer(getattr(module, attr), name=name)


_attach_subgroups()
