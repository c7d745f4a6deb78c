"""``lingtan`` — the command line: this module only registers the command groups; each group's
module holds its commands, which work on a local workspace through the same services as the
API, the web pages and the jobs (a :class:`~lingtan.adapters.services.context.LocalContext`,
decision 0049). ``lingtan serve`` is added above the CLI, by :mod:`lingtan.adapters.server.main`.

Exit codes: 0 success; 1 an input could not be used at all (nothing changed); 2 the command
finished but some input rows were rejected (they are in the quarantine: ``lingtan quarantine``)
or some activities could not be calculated (listed in the inventory's completeness section);
a service's refusal exits with the code of its kind (:mod:`lingtan.adapters.cli.common`).
"""

from __future__ import annotations

import typer

from lingtan.adapters.cli.admin import admin_app
from lingtan.adapters.cli.audit import audit_app
from lingtan.adapters.cli.baseyear import baseyear_app, restate_app
from lingtan.adapters.cli.demo import demo_app
from lingtan.adapters.cli.doctor import doctor_app
from lingtan.adapters.cli.factors import factors_app
from lingtan.adapters.cli.inventory import inventory_app
from lingtan.adapters.cli.lifecycle import lifecycle_app
from lingtan.adapters.cli.lineage import lineage_app
from lingtan.adapters.cli.mapping import mapping_app
from lingtan.adapters.cli.products import app as products_app
from lingtan.adapters.cli.reconcile import reconcile_app
from lingtan.adapters.cli.targets import plan_app, targets_app
from lingtan.adapters.cli.workspace import workspace_app

app = typer.Typer(
    name="lingtan",
    help="lingtan (零碳): GHG inventories, Scope 1-3, for manufacturers and their supply chains.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# commands at the top level (groups without a name): their commands join ``lingtan``'s own
app.add_typer(workspace_app)  # init, import, quarantine, template
app.add_typer(inventory_app)  # calc, inventory, snapshots
app.add_typer(demo_app)  # demo
app.add_typer(lineage_app)  # explain, diff
app.add_typer(baseyear_app)  # baseyear
# command groups
app.add_typer(factors_app, name="factors")
app.add_typer(mapping_app, name="mapping")  # issue 13 (decision 0051)
app.add_typer(restate_app, name="restate")
app.add_typer(admin_app)  # users, orgs (issue 4)
app.add_typer(audit_app, name="audit")
app.add_typer(targets_app, name="targets")  # issue 5
app.add_typer(plan_app, name="plan")
app.add_typer(products_app, name="products")  # issue 6
app.add_typer(reconcile_app)  # issue 10
app.add_typer(lifecycle_app)  # backup, restore, export, purge, … (issue 11)
app.add_typer(doctor_app)  # issue 11


def main() -> None:  # pragma: no cover - entry point
    """Console-script entry point (the ``lingtan`` program is :mod:`lingtan.adapters.server.main`,
    which adds ``serve``)."""
    app()


if __name__ == "__main__":  # pragma: no cover - python -m lingtan.adapters.cli.main
    app()
