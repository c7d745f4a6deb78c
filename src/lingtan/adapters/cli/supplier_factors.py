"""``lingtan suppliers factors`` (issue 15 item 5, decision 0066): the supplier-specific factors
the next calculation of a fiscal year uses (from the allocations the buyer accepted), the
allocations refused with their reason, and — once the year is calculated — Scope 3 category 1
by supplier with the share from primary (supplier-specific) data.

``factors_cmd`` is one Typer command; the lead attaches it under ``lingtan suppliers`` (e.g.
``suppliers_app.command("factors")(factors_cmd)``). Exit codes: 0 success; a refusal exits with
the code of its kind (:func:`lingtan.adapters.cli.common.fail`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from lingtan.adapters.cli.common import FAILURES, WorkspaceOpt, fail, local_context, out


def _t(key: str, **params: Any) -> str:
    """The catalogue text of ``key`` in the command line's language."""
    from lingtan.adapters.i18n.messages import Translator
    from lingtan.adapters.i18n.rows import cli_locale

    return Translator(cli_locale())(key, **params)


def factors_cmd(
    year: Annotated[str, typer.Option("--year", "-y", help="Fiscal year, e.g. FY2023/24.")],
    workspace: WorkspaceOpt = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Supplier-specific factors of a year (accepted allocations ÷ spend) and category 1 by
    supplier with its primary-data share."""
    from lingtan.adapters.services import supplier_factors as service
    from lingtan.core.errors import WorkspaceError

    try:
        ctx = local_context(workspace)
        got = service.supplier_factors(ctx, year)
        try:
            summary: dict[str, Any] | None = service.category1_by_supplier(ctx, year)
        except WorkspaceError:  # not calculated yet: the factors alone
            summary = None
    except FAILURES as exc:
        raise fail(exc) from exc
    if as_json:
        out.print_json(json.dumps({**got.to_dict(), "category1": summary}, default=str))
        return
    _print_factors(got)
    if summary is not None:
        _print_summary(summary)


def _print_factors(got: Any) -> None:
    if not got.factors and not got.refused:
        out.print(_t("supplier_factors.summary.none", fiscal_year=got.fiscal_year))
    for f in got.factors:
        method = f"supplier_factors.method.{f.allocation_method}"
        out.print(
            _t(
                "supplier_factors.summary.factor",
                supplier=f.supplier,
                kg_per_unit=f"{f.kg_per_unit:.6g}",
                unit=f.unit,
                basis=_t(f"supplier_factors.basis.{f.basis}"),
                response_id=f.response_id,
                method=_t(method),
            ),
            highlight=False,
            markup=False,
        )
    for r in got.refused:
        out.print(
            _t(
                "supplier_factors.summary.refused",
                supplier=r.supplier,
                reason=_t(r.key, **dict(r.params)),
            ),
            highlight=False,
            markup=False,
        )


def _print_summary(summary: dict[str, Any]) -> None:
    out.print("\n" + _t("supplier_factors.summary.title", fiscal_year=summary["fiscal_year"]))
    for supplier, t in summary["by_supplier_tco2e"].items():
        out.print(f"  {supplier}  {t:,.3f} t CO2e", highlight=False, markup=False)
    share = summary["primary_share_pct"]
    if share is None:
        out.print(_t("supplier_factors.summary.no_primary_share"))
    else:
        out.print(_t("supplier_factors.summary.primary_share", share=f"{share:.1f}"))


__all__ = ["factors_cmd"]
