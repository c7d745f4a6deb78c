"""Setting up a workspace from the command line (issue 13): the boundary's legal entities and
sites, the workspace's own exchange rates and its own factor sets — the same use cases as the
web app's set-up pages (decision 0056), through the same services:

- ``lingtan entities list|add|edit|remove`` and ``lingtan sites list|add|edit|remove``
  (:mod:`lingtan.adapters.services.boundary`: checked, written to the store and to
  ``lingtan.yaml``, audited);
- ``lingtan rates list|set|remove`` (:mod:`lingtan.adapters.services.rates`:
  ``reference/fx_rates.csv``, units of the currency per US dollar, audited);
- ``lingtan factors add|remove`` (:mod:`lingtan.adapters.services.own_factors`: a ``.csv`` or
  ``.yaml`` factor file checked completely before it is stored in ``factors/``).

Every command takes ``-w WS`` and acts as the folder's owner (:class:`LocalContext`). A refused
change prints the reason in the command line's language (``LINGTAN_LANG``, else ``LANG``;
``setup.err.*`` and ``reader.*`` keys) and exits with the code of its kind
(:data:`lingtan.adapters.services.errors.EXIT_CODES`: 2 invalid, 3 not found, 5 conflict; 75
the workspace was busy).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import (
    WorkspaceOpt,
    cli_locale,
    fail,
    out,
    run_in_store,
)
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.context import LocalContext

entities_app = typer.Typer(
    help="Legal entities of the boundary (ownership, control).", no_args_is_help=True
)
sites_app = typer.Typer(help="Sites of the boundary (entity, region).", no_args_is_help=True)
rates_app = typer.Typer(
    help="Own exchange rates (units per US dollar), over the bundled ECB rates.",
    no_args_is_help=True,
)

T = TypeVar("T")

CodeArg = Annotated[str, typer.Argument(help="ID (letters, digits, '.', '_' or '-').")]
NameOpt = Annotated[str | None, typer.Option("--name", help="Name, one line.")]


def _t() -> Translator:
    """The catalogue in the command line's language."""
    return Translator(cli_locale())


def _run(workspace: Path, call: Callable[[Session, LocalContext], T]) -> tuple[T, LocalContext]:
    """``call(db, ctx)`` on the workspace, with the context; a failure printed and turned into
    the exit code (:func:`~lingtan.adapters.cli.common.run_in_store`)."""
    return run_in_store(workspace, lambda db, ctx: (call(db, ctx), ctx))


def _done(key: str, ctx: LocalContext, *, recalc: bool = True) -> None:
    """The confirmation (``setup.done.<key>``) and, after a change that alters figures, which
    calculated years need recalculating."""
    from lingtan.adapters.services.boundary import calculated_years

    t = _t()
    out.print(escape(t(f"setup.done.{key}")), highlight=False)
    years = calculated_years(ctx) if recalc else []
    if years:
        out.print(escape(t("setup.recalc", years=", ".join(years))), highlight=False)


def _not_found(key: str, message: str, **params: Any) -> Exception:
    from lingtan.adapters.services.boundary import SetupError

    return SetupError("not_found", key, message, **params)


def _entity_id(db: Session, ctx: LocalContext, code: str) -> int:
    from lingtan.adapters.services import boundary

    for e in boundary.list_entities(db, ctx):
        if e.code == code:
            return int(e.id)
    raise _not_found("cli.setup.no_entity", f"entity {code!r} not found", code=code)


def _site_id(db: Session, ctx: LocalContext, code: str) -> int:
    from lingtan.adapters.services import boundary

    for s in boundary.list_sites(db, ctx):
        if s.code == code:
            return int(s.id)
    raise _not_found("cli.setup.no_site", f"site {code!r} not found", code=code)


def _given(**fields: Any) -> dict[str, Any]:
    """The options given on the command line (None = not given)."""
    return {k: v for k, v in fields.items() if v is not None}


# -- legal entities --------------------------------------------------------------------------


@entities_app.command("list")
def entities_list(workspace: WorkspaceOpt = Path(".")) -> None:
    """List the legal entities: ID, name, ownership, control, parent, country."""
    from lingtan.adapters.services import boundary

    def rows(db: Session, ctx: LocalContext) -> list[str]:
        t = _t()
        yes, no = t("cli.setup.yes"), t("cli.setup.no")
        return [
            f"{e.code:14} {e.name:30} {e.ownership_pct:6g} %  "
            f"{t('cli.setup.operational')} {yes if e.operational_control else no}  "
            f"{t('cli.setup.financial')} {yes if e.financial_control else no}  "
            f"{e.parent_code or '—':12} {e.country or ''}"
            for e in boundary.list_entities(db, ctx)
        ]

    lines, _ = _run(workspace, rows)
    if not lines:
        out.print(escape(_t()("cli.setup.no_entities")), highlight=False)
    for line in lines:
        out.print(line, highlight=False, markup=False)


OwnershipOpt = Annotated[
    float | None, typer.Option("--ownership", help="Share held by the parent, 0–100 %.")
]
OperationalOpt = Annotated[
    bool | None,
    typer.Option("--operational-control/--no-operational-control", help="Operational control."),
]
FinancialOpt = Annotated[
    bool | None,
    typer.Option("--financial-control/--no-financial-control", help="Financial control."),
]
ParentOpt = Annotated[
    str | None, typer.Option("--parent", help="Parent entity ID ('' = held by the organisation).")
]
CountryOpt = Annotated[str | None, typer.Option("--country", help="ISO 3166-1 code (CN, DE).")]


@entities_app.command("add")
def entities_add(
    code: CodeArg,
    name: Annotated[str, typer.Option("--name", help="Name, one line.")],
    ownership: OwnershipOpt = None,
    operational: OperationalOpt = None,
    financial: FinancialOpt = None,
    parent: ParentOpt = None,
    country: CountryOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a legal entity (100 % owned, with operational and financial control, unless told)."""
    from lingtan.adapters.services import boundary

    fields = _given(code=code, name=name, ownership_pct=ownership,
                    operational_control=operational, financial_control=financial,
                    parent_code=parent, country=country)  # fmt: skip
    _, ctx = _run(workspace, lambda db, ctx: boundary.create_entity(db, ctx, fields))
    _done("entity_added", ctx)


@entities_app.command("edit")
def entities_edit(
    code: CodeArg,
    name: NameOpt = None,
    ownership: OwnershipOpt = None,
    operational: OperationalOpt = None,
    financial: FinancialOpt = None,
    parent: ParentOpt = None,
    country: CountryOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Change the fields given of a legal entity (its ID stays)."""
    from lingtan.adapters.services import boundary

    fields = _given(name=name, ownership_pct=ownership, operational_control=operational,
                    financial_control=financial, parent_code=parent, country=country)  # fmt: skip

    def edit(db: Session, ctx: LocalContext) -> object:
        return boundary.update_entity(db, ctx, _entity_id(db, ctx, code), fields)

    _, ctx = _run(workspace, edit)
    _done("entity_saved", ctx)


@entities_app.command("remove")
def entities_remove(code: CodeArg, workspace: WorkspaceOpt = Path(".")) -> None:
    """Remove a legal entity that has no sites and no child entities."""
    from lingtan.adapters.services import boundary

    def remove(db: Session, ctx: LocalContext) -> None:
        boundary.delete_entity(db, ctx, _entity_id(db, ctx, code))

    _, ctx = _run(workspace, remove)
    _done("entity_removed", ctx)


# -- sites -----------------------------------------------------------------------------------

EntityOpt = Annotated[str | None, typer.Option("--entity", help="Legal entity ID.")]
RegionOpt = Annotated[
    str | None,
    typer.Option("--region", help="ISO 3166-2 region (CN-TJ), country (CN) or grid region."),
]
KindOpt = Annotated[
    str | None, typer.Option("--kind", help="factory, office, warehouse, building, … (site).")
]


@sites_app.command("list")
def sites_list(workspace: WorkspaceOpt = Path(".")) -> None:
    """List the sites: ID, name, legal entity, region, kind."""
    from lingtan.adapters.services import boundary

    def rows(db: Session, ctx: LocalContext) -> list[str]:
        return [
            f"{s.code:14} {s.name:30} {s.entity_code:14} {s.region:14} {s.kind}"
            for s in boundary.list_sites(db, ctx)
        ]

    lines, _ = _run(workspace, rows)
    if not lines:
        out.print(escape(_t()("cli.setup.no_sites")), highlight=False)
    for line in lines:
        out.print(line, highlight=False, markup=False)


@sites_app.command("add")
def sites_add(
    code: CodeArg,
    name: Annotated[str, typer.Option("--name", help="Name, one line.")],
    entity: Annotated[str, typer.Option("--entity", help="Legal entity ID.")],
    region: Annotated[
        str, typer.Option("--region", help="ISO 3166-2 region (CN-TJ), country (CN) or grid.")
    ],
    kind: KindOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a site; activity files name it in their ``site`` column."""
    from lingtan.adapters.services import boundary

    fields = _given(code=code, name=name, entity_code=entity, region=region, kind=kind)
    _, ctx = _run(workspace, lambda db, ctx: boundary.create_site(db, ctx, fields))
    _done("site_added", ctx)


@sites_app.command("edit")
def sites_edit(
    code: CodeArg,
    name: NameOpt = None,
    entity: EntityOpt = None,
    region: RegionOpt = None,
    kind: KindOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Change the fields given of a site (its ID stays: imported rows name it)."""
    from lingtan.adapters.services import boundary

    fields = _given(name=name, entity_code=entity, region=region, kind=kind)

    def edit(db: Session, ctx: LocalContext) -> object:
        return boundary.update_site(db, ctx, _site_id(db, ctx, code), fields)

    _, ctx = _run(workspace, edit)
    _done("site_saved", ctx)


@sites_app.command("remove")
def sites_remove(code: CodeArg, workspace: WorkspaceOpt = Path(".")) -> None:
    """Remove a site that no imported rows name."""
    from lingtan.adapters.services import boundary

    def remove(db: Session, ctx: LocalContext) -> None:
        boundary.delete_site(db, ctx, _site_id(db, ctx, code))

    _, ctx = _run(workspace, remove)
    _done("site_removed", ctx)


# -- exchange rates --------------------------------------------------------------------------

CurrencyArg = Annotated[str, typer.Argument(help="ISO 4217 currency code (CNY, EUR).")]
YearArg = Annotated[int, typer.Argument(help="Calendar year of the annual average rate.")]


@rates_app.command("list")
def rates_list(workspace: WorkspaceOpt = Path(".")) -> None:
    """List the workspace's own rates: currency, year, units per US dollar, source."""
    from lingtan.adapters.services import rates

    found, _ = _run(workspace, lambda _db, ctx: rates.list_rates(ctx))
    if not found:
        out.print(escape(_t()("setup.rates.none")), highlight=False)
    for r in found:
        out.print(f"{r.currency} {r.year} {r.per_usd:g} {r.source}", highlight=False, markup=False)


@rates_app.command("set")
def rates_set(
    currency: CurrencyArg,
    year: YearArg,
    per_usd: Annotated[str, typer.Argument(help="Units of the currency per 1 US dollar (> 0).")],
    source: Annotated[str, typer.Option("--source", help="Where the rate comes from.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add or replace the rate of a currency in a year (overrides the bundled ECB rate)."""
    from lingtan.adapters.services import rates

    _, ctx = _run(
        workspace,
        lambda db, ctx: rates.set_rate(db, ctx, currency, year, per_usd.replace(",", "."), source),
    )
    _done("rate_saved", ctx)


@rates_app.command("remove")
def rates_remove(currency: CurrencyArg, year: YearArg, workspace: WorkspaceOpt = Path(".")) -> None:
    """Remove a rate; the bundled ECB rate applies again."""
    from lingtan.adapters.services import rates

    _, ctx = _run(workspace, lambda db, ctx: rates.delete_rate(db, ctx, currency, year))
    _done("rate_removed", ctx)


# -- own factor sets (commands of ``lingtan factors``, registered by cli/factors.py) ----------


def factors_add(
    file: Annotated[
        Path, typer.Argument(help="A .csv factor file (optional .yaml manifest) or a .yaml set.")
    ],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add or replace one of the workspace's own factor sets (checked completely first; an
    error names the file, row and column)."""
    from lingtan.adapters.services import own_factors

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise fail(f"{file}: {exc.strerror or exc}", 1) from exc

    def add(db: Session, ctx: LocalContext) -> dict[str, Any]:
        return own_factors.upload_own_factor_set(db, cast(Any, ctx), file.name, data)

    added, ctx = _run(workspace, add)
    _done("factor_set_saved", ctx)
    out.print(
        escape(_t()("cli.setup.factor_set", name=added["name"], factors=added["factors"])),
        highlight=False,
    )


def factors_remove(
    name: Annotated[str, typer.Argument(help="Name of one of the workspace's own sets.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Remove one of the workspace's own factor sets (refused while lingtan.yaml names it)."""
    from lingtan.adapters.services import own_factors

    _, ctx = _run(
        workspace, lambda db, ctx: own_factors.delete_own_factor_set(db, cast(Any, ctx), name)
    )
    _done("factor_set_removed", ctx)
