"""Import-time check of units against the factor library: a row that can never be calculated is
rejected when it is imported, not found missing after ``lingtan calc`` (decision 0029).

A row's unit can never be calculated when no factor of its activity type — in any set, region or
year of the workspace's library (bundled sets and the workspace's own ``factors/``) — has a unit
of the same dimension (:func:`lingtan.adapters.io.unit_dims.factor_dims`: physical units by
pint dimension, every currency alike since rates convert them, plain energy alike with energy on
a calorific-value basis). Such rows go to the quarantine with file, row, column and reason, like
every other invalid cell; the fix is a unit the factors take, or a factor set in ``factors/``
that has the unit (then the corrected file imports).

Activity types with no factor at all are already rejected by the template normalisers (unknown
activity type, with close matches); built-in types (``gas.*``, ``co2e.disclosed``, on-site
renewable electricity) carry their own units.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from lingtan.adapters.i18n.rows import row_issue
from lingtan.adapters.io.intake import IntakeResult
from lingtan.adapters.io.unit_dims import factor_dims, unit_dim
from lingtan.core.errors import RowIssue, UnitError
from lingtan.core.factors import EmissionFactor
from lingtan.core.messages import Message, msg
from lingtan.core.templates import TEMPLATES, is_builtin_activity_type


def unit_field(template: str) -> str:
    """The column of ``template`` that holds the unit (``unit``, ``currency`` …)."""
    tpl = TEMPLATES.get(template)
    names = [c.name for c in tpl.columns] if tpl else []
    for name in ("unit", "currency", "mass_unit", "distance_unit"):
        if name in names:
            return name
    return "unit"


def unconvertible(
    pairs: Iterable[tuple[str, str]], factors: Iterable[EmissionFactor]
) -> dict[tuple[str, str], Message]:
    """(activity type, unit) → keyed reason, for every pair no factor of that type can convert
    to."""
    dims = factor_dims(factors)
    units_of: dict[str, set[str]] = {}
    for f in factors:
        units_of.setdefault(f.activity_type, set()).add(f.unit)
    out: dict[tuple[str, str], Message] = {}
    for activity_type, unit in pairs:
        if is_builtin_activity_type(activity_type) or activity_type not in dims:
            continue
        try:
            dim = unit_dim(unit)
        except UnitError:
            out[(activity_type, unit)] = msg("row.unit_unknown", unit=unit)
            continue
        if dim not in dims[activity_type]:
            have = tuple(sorted(units_of[activity_type]))
            out[(activity_type, unit)] = msg(
                "row.unit_no_factor", unit=unit, type=activity_type, units=have
            )
    return out


def reject_unconvertible(result: IntakeResult, factors: Iterable[EmissionFactor]) -> IntakeResult:
    """``result`` with the activity rows whose unit no factor can take moved to issues (one per
    spreadsheet row: file, row, unit column, reason, value)."""
    acts = result.activities
    if acts is None or not isinstance(acts, pa.Table) or not acts.num_rows:
        return result
    pairs = acts.select(["activity_type", "unit"]).group_by(["activity_type", "unit"]).aggregate([])
    distinct = zip(pairs.column(0).to_pylist(), pairs.column(1).to_pylist(), strict=True)
    bad = unconvertible({(t, u) for t, u in distinct if t and u}, factors)
    if not bad:
        return result  # the usual case: only the distinct pairs were looked at, no row
    drop = pa.array([False] * acts.num_rows, pa.bool_())
    for t, u in bad:
        hit = pc.and_(pc.equal(acts.column("activity_type"), t), pc.equal(acts.column("unit"), u))
        drop = pc.or_(drop, pc.fill_null(hit, False))
    field = unit_field(result.template)
    issues: dict[int, RowIssue] = {}
    rejected = acts.filter(drop).select(["activity_type", "unit", "source_row"]).to_pylist()
    for r in rejected:
        row = int(r["source_row"])
        if row not in issues:
            why = bad[(r["activity_type"], r["unit"])]
            issues[row] = row_issue(result.source, row, field, why, str(r["unit"]))
    kept = acts.filter(pc.invert(drop))
    return dataclasses.replace(
        result,
        activities=kept,
        issues=sorted([*result.issues, *issues.values()], key=lambda i: (i.row, i.field)),
    )
