"""``lingtan`` — the command line: this module only lists the command groups (:data:`COMMANDS`,
loaded when used: a new command is added there too); each group's module holds its commands,
which work on a local workspace through the same services as the API, the web pages and the
jobs (a :class:`~lingtan.adapters.services.context.LocalContext`, decision 0049).
``lingtan serve`` is added above the CLI, by :mod:`lingtan.adapters.server.main`.

Exit codes: 0 success; 1 an input could not be used at all (nothing changed); 2 the command
finished but some input rows were rejected (they are in the quarantine: ``lingtan quarantine``)
or some activities could not be calculated (listed in the inventory's completeness section);
a service's refusal exits with the code of its kind (:mod:`lingtan.adapters.cli.common`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from typer import _click  # the click Typer is built on (vendored by Typer 0.29)

#: Every command and group of ``lingtan``, in the order of ``lingtan --help``: name → (module
#: of ``lingtan.adapters.cli``, its Typer app, the help line shown in that listing). A module is
#: imported only when one of its commands runs (or its own help is asked for), so that
#: ``lingtan --help`` and every command pay for the imports they use and no others (issue 14
#: item 6: each module imports the services, and they pint, SQLAlchemy, pyarrow …). An app
#: registered with a name is a group (``lingtan factors …``); the commands of an app registered
#: without one join ``lingtan``'s own. tests/adapters/cli/test_startup.py checks this index
#: against the modules' commands.
COMMANDS: dict[str, tuple[str, str, str]] = {
    # commands at the top level
    "init": (
        "workspace",
        "workspace_app",
        "Create a workspace folder with a starter lingtan.yaml.",
    ),
    "import": (
        "workspace",
        "workspace_app",
        "Import activity files. Bad rows are kept aside with their reasons (see 'quarantine').\n"
        "A file whose rows largely repeat an earlier batch (50 % or more) is refused unless\n"
        "--append (keep both) or --supersede (replace that batch) says what to do.",
    ),
    "quarantine": (
        "workspace",
        "workspace_app",
        "List rows rejected at import, with file, row, column and reason.",
    ),
    "template": (
        "workspace",
        "workspace_app",
        "Write empty import templates (CSV or XLSX, with an example row).",
    ),
    "calc": (
        "inventory",
        "inventory_app",
        "Calculate the inventory of a fiscal year and store it as a snapshot.",
    ),
    "inventory": (
        "inventory",
        "inventory_app",
        "Print (or write) the stored inventory of one or more fiscal years.",
    ),
    "snapshots": ("inventory", "inventory_app", "List stored inventory snapshots, newest first."),
    "demo": (
        "demo",
        "demo_app",
        "Build the demo workspaces, calculate them and print the inventories.",
    ),
    "explain": (
        "lineage",
        "lineage_app",
        "Trace an inventory figure to its rows, factors, GWPs and methods, and recompute it.",
    ),
    "diff": (
        "lineage",
        "lineage_app",
        "Explain the difference between two snapshots by cause (boundary, data, factors, method).",
    ),
    "baseyear": (
        "baseyear",
        "baseyear_app",
        "Review the base year: recalculate, assess significance, adopt a new version if needed.",
    ),
    # command groups
    "factors": ("factors", "factors_app", "Search and inspect the emission-factor library."),
    "mapping": (  # issue 13 (decision 0051)
        "mapping",
        "mapping_app",
        "Column mappings: your own export (ERP column names) read as an import template.",
    ),
    "entities": (  # issue 13: set-up (also factors add|remove)
        "setup",
        "entities_app",
        "Legal entities of the boundary (ownership, control).",
    ),
    "sites": ("setup", "sites_app", "Sites of the boundary (entity, region)."),
    "rates": (
        "setup",
        "rates_app",
        "Own exchange rates (units per US dollar), over the bundled ECB rates.",
    ),
    "restate": (
        "baseyear",
        "restate_app",
        "Record changes that may require a base-year recalculation.",
    ),
    "users": ("admin", "admin_app", "Users of a lingtan server."),  # issue 4
    "orgs": ("admin", "admin_app", "Organisations of a lingtan server."),
    "audit": ("audit", "audit_app", "The audit log (append-only, hash-chained)."),
    "targets": (  # issue 5
        "targets",
        "targets_app",
        "Targets (SBTi), their progress and KPIs; credits and neutrality claims.",
    ),
    "plan": ("targets", "plan_app", "Reduction planning: project impacts, MACC, least-cost plan."),
    "products": (  # issue 6
        "products",
        "app",
        "Product carbon footprints: stages, hot spots, labels, PACT, LCA data import.",
    ),
    "pact": ("pact", "pact_root", "PACT data exchange: host credentials, pull footprints."),
    "suppliers": (  # issue 15 (decision 0063)
        "suppliers",
        "app",
        "Supplier register: suppliers, onboarding checklist, spend by supplier.",
    ),
    "meters": (  # issue 16 (decision 0078)
        "meters",
        "meters_app",
        "Meters and their readings: register, readings files, data gaps.",
    ),
    "energy": (  # issue 16 (decision 0078)
        "energy",
        "energy_app",
        "Site energy: roll-up into the inventory, bills, indicators, production, assets.",
    ),
    "risk": (  # issue 17
        "risk",
        "risk_app",
        "Climate risks and opportunities: register, scoring, environmental aspects, scenarios,\n"
        "physical risk per site, governance records.",
    ),
    "inclusion": (  # issue 18
        "inclusion",
        "inclusion_app",
        "Carbon inclusion (碳普惠): programmes, accounts, consent, methodologies, events, points,\n"
        "partners' push, campaigns, rewards, leaderboards, the programme report.",
    ),
    "report": (  # issue 19
        "report",
        "report_app",
        "Disclosure editions: build, render (PDF, XLSX, HTML in zh-CN and en), list, diff;\n"
        "the framework mapping, narratives, the verification record.",
    ),
    "circularity": (  # issue 19
        "circularity",
        "circularity_app",
        "Circularity ledgers (recycled materials, packaging, returnable assets, take-back,\n"
        "approved recyclers) and their eight KPIs.",
    ),
    "reconcile": (  # issue 10
        "reconcile",
        "reconcile_app",
        "Compare a report's published figures with lingtan's inventories and project figures;\n"
        "list every difference with its cause (rounding, copied, factor basis, implied factor …).",
    ),
    "backup": (  # issue 11
        "lifecycle",
        "lifecycle_app",
        "Back up a workspace (its store, copied consistently while others write, and its files)\n"
        "into one zip with a manifest of sha256 hashes.",
    ),
    "restore": (
        "lifecycle",
        "lifecycle_app",
        "Restore a workspace from a backup: every hash is checked before anything is written;\n"
        "a non-empty folder is replaced only with --force.",
    ),
    "export-org": (
        "lifecycle",
        "lifecycle_app",
        "Export everything an organisation owns (rows as JSON Lines, workspace files, audit\n"
        "chain, manifest of hashes) into a zip: PIPL art. 45, GDPR art. 20.",
    ),
    "admin": (
        "lifecycle",
        "lifecycle_app",
        "Server administration: data lifecycle, password reset.",
    ),
    "doctor": (
        "doctor",
        "doctor_app",
        "Check that every import batch and snapshot has its files; repair what can be repaired.",
    ),
}
#: the apps registered with a name (their name is the group's); the others are merged
GROUPS = frozenset(
    {"factors", "mapping", "entities", "sites", "rates", "restate", "audit", "targets", "plan"}
    | {"products", "suppliers"}
    | {"meters", "energy"}  # issue 16
    | {"risk"}  # issue 17
    | {"inclusion"}  # issue 18
    | {"report", "circularity"}  # issue 19
)


def load_command(name: str) -> _click.Command:
    """The real command (or group) ``name`` of :data:`COMMANDS`, its module imported now."""
    module, attr, _help = COMMANDS[name]
    sub_app = getattr(importlib.import_module(f"lingtan.adapters.cli.{module}"), attr)
    group = typer.main.get_group(sub_app)
    if name in GROUPS:
        group.name = name
        return group
    command = group.get_command(typer.Context(group), name)
    if command is None:  # pragma: no cover - the index test keeps COMMANDS in step
        raise LookupError(f"{module}.{attr} has no command {name!r}")
    return command


class LazyGroup(TyperGroup):
    """``lingtan``: the commands of :data:`COMMANDS` are loaded when they are resolved; the
    listing of ``lingtan --help`` shows their help lines from the index without importing
    them. Commands registered on the app itself (``serve``) come after them."""

    #: True: the listing loads every command (the index test compares both listings)
    eager_listing = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False
        self._loaded: dict[str, _click.Command] = {}

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*COMMANDS, *(n for n in super().list_commands(ctx) if n not in COMMANDS)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        if self._listing and not self.eager_listing and cmd_name not in self._loaded:
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name][2])
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = load_command(cmd_name)
        return self._loaded[cmd_name]

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="lingtan",
    help="lingtan (零碳): GHG inventories, Scope 1-3, for manufacturers and their supply chains.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
)


@app.callback()
def _lingtan() -> None:
    """The group itself does nothing; registering it makes ``app`` a group even before any
    command is added to it (its commands are the index's, loaded by :class:`LazyGroup`)."""


def main() -> None:  # pragma: no cover - entry point
    """Console-script entry point (the ``lingtan`` program is :mod:`lingtan.adapters.server.main`,
    which adds ``serve``)."""
    app()


if __name__ == "__main__":  # pragma: no cover - python -m lingtan.adapters.cli.main
    app()
