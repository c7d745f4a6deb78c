"""Normalise a typed table of a template: validate every row, run the template's normaliser
(registered in :mod:`lingtan.core.methods.registry`) and assemble the activities.

Invariant: **every row either becomes an activity or is reported as a**
:class:`~lingtan.core.errors.RowIssue` **, never both and never neither**.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lingtan.core.activities import DQ_INDICATORS
from lingtan.core.inventory import UNATTRIBUTED
from lingtan.core.messages import msg
from lingtan.core.templates.assembly import _descriptions, _dimension, _kept
from lingtan.core.templates.catalogue import get_template
from lingtan.core.templates.spec import NORMALISED_SCHEMA, NormaliseContext, NormaliseResult
from lingtan.core.templates.validation import _check_columns, _check_period, _Rows

if TYPE_CHECKING:
    from lingtan.core.methods.common import _Out


def _types(arr: Any) -> list[str | None]:
    return list(arr.to_pylist()) if hasattr(arr, "to_pylist") else list(arr)


def _finish(r: _Rows, out: _Out, sites: list[str]) -> Any:
    """Drop bad rows and assemble :data:`NORMALISED_SCHEMA`."""
    types = _types(out.activity_type)
    r.known_types(types, out.type_field)
    with np.errstate(all="ignore"):
        q = np.asarray(out.quantity, dtype=np.float64)
        r.flag(
            ~r.bad & ~np.isfinite(q),
            "",
            msg("row.quantity_not_finite"),
        )
    if out.region is not None:
        regions = out.region
    else:
        given = r.region_column("region") if r.tpl.has("region") else [None] * r.n
        default = r.ctx.default_region.strip().upper() or None
        regions = [
            g if g is not None else (default if s == "*" else None)
            for g, s in zip(given, sites, strict=True)
        ]
    tier = pc.fill_null(r.array("tier"), r.tpl.default_tier.value)
    scope = out.scope if out.scope is not None else r.tpl.scope
    dims = {d: _dimension(r, d, scope, out.category) for d in ("supplier", "product")}
    for d, filled in dims.items():  # the inventory's key for rows without one (decision 0044)
        if filled is not None:
            reserved = [v is not None and v.strip().lower() == UNATTRIBUTED for v in filled]
            r.flag(
                np.asarray(reserved, dtype=np.bool_),
                d,
                msg("row.reserved_unattributed", reserved=UNATTRIBUTED, column=d),
            )
    keep = ~r.bad
    values: dict[str, Any] = {
        "source_row": r.rows,
        "template": r.tpl.name,
        "site": sites,
        "region": regions,
        "date": r.array("date"),
        "scope": scope,
        "category": out.category,
        "activity_type": types,
        "quantity": q,
        "unit": out.unit,
        "price_year": out.price_year,
        "method": out.method,
        "basis": out.basis,
        "tier": tier,
        "description": _descriptions(r),
        "supplier": dims["supplier"],
        "product": dims["product"],
        "period_end": r.array("period_end") if r.tpl.has("period_end") else None,
        **{f"dq_{k}": r.array(f"dq_{k}") for k in DQ_INDICATORS},
    }
    arrays = [_kept(values[f.name], keep, f.type) for f in NORMALISED_SCHEMA]
    return pa.Table.from_arrays(arrays, schema=NORMALISED_SCHEMA)


def empty_activities() -> Any:
    """An empty table of :data:`NORMALISED_SCHEMA`."""
    return NORMALISED_SCHEMA.empty_table()


def normalise(template_name: str, table: Any, context: NormaliseContext) -> NormaliseResult:
    """Validate typed rows of a template and turn the valid ones into activities.

    Args:
        template_name: a key of :data:`TEMPLATES`.
        table: an Arrow table with the template's columns typed as :attr:`Column.arrow_type`
            (missing optional columns are read as empty) and an integer ``source_row`` column
            (1-based spreadsheet row, header = 1).
        context: sites, default region, fiscal calendar, known activity types, source name.

    Returns:
        Activities (:data:`NORMALISED_SCHEMA`, one per valid row, input order) and issues; for
        the ``instrument`` template the rows go to ``instruments`` (:data:`INSTRUMENT_SCHEMA`).
        Every input row is in exactly one of the two.

    Raises:
        UnknownTemplateError: ``template_name`` is not a template.
        InputFileError: the table has no ``source_row`` or has columns the template lacks.
    """
    # the methods import the validation machinery of this package: resolved at call time
    from lingtan.core.methods import registry as _registry

    tpl = get_template(template_name)
    r = _Rows(tpl, table, context)
    _check_columns(r)
    _check_period(r)
    if tpl.name == "instrument":
        instruments = _registry.instrument_normaliser()(r)
        return NormaliseResult(empty_activities(), r.issues(), instruments)
    sites = r.sites()
    out = _registry.normaliser(tpl.name)(r)
    activities = _finish(r, out, sites)
    return NormaliseResult(activities, r.issues())
