"""``lingtan report …``: disclosure editions (issue 19) from the command line, through the same
services as the API and the web pages. The commands are owned by their area's module:

- ``build``, ``list``, ``show``, ``diff`` — editions: freeze the pinned inputs, restate, compare
  (:mod:`.report_editions`); ``render`` — PDF, XLSX, HTML in zh-CN and en (:mod:`.report_render`);
  ``overview`` — the control tower's tiles and alerts (:mod:`.report_tower`);
- ``narratives …`` the narrative fields per section and language (:mod:`.report_narratives`);
- ``mapping …`` the framework mapping table, datapoints entered by hand (:mod:`.report_mapping`);
- ``verification …`` the verification record and its findings (:mod:`.report_verification`).

Every command takes ``-w WS`` and acts as the folder's owner; a refusal prints the reason in the
command line's language and exits with the code of its kind.
"""

from __future__ import annotations

import importlib

import typer

HELP = (
    "Disclosure editions: build, render (PDF, XLSX, HTML in zh-CN and en), list, diff;\n"
    "the framework mapping, narratives, the verification record."
)

report_app = typer.Typer(help=HELP, no_args_is_help=True)

#: modules whose commands sit directly under ``lingtan report``: module → its Typer app
COMMAND_MODULES = {
    "report_editions": "editions_app",
    "report_render": "render_app",
    "report_tower": "tower_app",
}

#: the sub-groups: command name → (module of lingtan.adapters.cli, its Typer app)
SUBGROUPS = {
    "narratives": ("report_narratives", "narratives_app"),
    "mapping": ("report_mapping", "mapping_app"),
    "verification": ("report_verification", "verification_app"),
}


def _attach() -> None:
    """Add each installed module's commands (each keeps its own Typer app; its tests invoke it
    directly): the commands of :data:`COMMAND_MODULES` at the top, :data:`SUBGROUPS` as groups."""
    for module_name, attr in COMMAND_MODULES.items():
        try:
            module = importlib.import_module(f"lingtan.adapters.cli.{module_name}")
        except ModuleNotFoundError:
            continue
        sub: typer.Typer = getattr(module, attr)
        report_app.registered_commands.extend(sub.registered_commands)
    for name, (module_name, attr) in SUBGROUPS.items():
        try:
            module = importlib.import_module(f"lingtan.adapters.cli.{module_name}")
        except ModuleNotFoundError:
            continue
        report_app.add_typer(getattr(module, attr), name=name)


_attach()
