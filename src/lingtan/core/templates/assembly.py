"""Assembly helpers of normalised rows: the ``description`` built from informational columns
(supplier, product, investee, source note) and the filtering of computed values to the rows
kept (rows with an issue produce nothing)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lingtan.core.templates.catalogue import ATTRIBUTABLE_CATEGORIES, ATTRIBUTABLE_TEMPLATES
from lingtan.core.templates.spec import BoolArray
from lingtan.core.templates.validation import _Rows

#: Informational columns whose text is kept in the activity's ``description`` → the label it is
#: given there. ``supplier`` and ``product`` also fill the activity's own columns where the
#: Scope 3 Standard allows attributing emissions to them (:func:`_dimension`); the description
#: keeps them as before.
_INFO_COLUMNS: dict[str, str] = {
    "supplier": "supplier",
    "product": "product",
    "investee": "investee",
    "source_note": "source",
}


def _descriptions(r: _Rows) -> Any:
    """User description plus informational columns (supplier, product …) joined with '; '."""
    parts: list[Any] = [r.array("description")] if r.tpl.has("description") else []
    for name, label in _INFO_COLUMNS.items():
        if r.tpl.has(name):
            parts.append(pc.binary_join_element_wise(f"{label}: ", r.array(name), ""))
    for name, written in r.written.items():  # a Chinese alias as written (decision 0055)
        parts.append(pc.binary_join_element_wise(f"{name}: ", written, ""))
    if not parts:
        return pa.nulls(r.n, pa.string())
    acc = parts[0]
    for part in parts[1:]:  # join the non-empty parts pairwise, vectorised
        both = pc.binary_join_element_wise(acc, part, "; ")
        acc = pc.if_else(pc.is_null(acc), part, pc.if_else(pc.is_null(part), acc, both))
    return acc


def _kept(value: Any, keep: BoolArray, typ: Any) -> Any:
    """``value`` (scalar, list, numpy or arrow array of length n) filtered to ``keep``."""
    count = int(keep.sum())
    if isinstance(value, (pa.Array, pa.ChunkedArray)):
        return pc.cast(pc.filter(value, pa.array(keep)), typ)
    if isinstance(value, np.ndarray):
        return pa.array(value[keep], type=typ)
    if isinstance(value, list):  # values of flagged rows may not fit ``typ``: filter first
        return pc.cast(pc.filter(pa.array(value), pa.array(keep)), typ)
    return pa.array([value] * count, type=typ)


def _dimension(r: _Rows, name: str, scope: Any, category: Any) -> list[str | None] | None:
    """The activity's ``supplier`` or ``product`` (decision 0044), or None (all null).

    Filled from the template's column of that name for the templates of
    :data:`~lingtan.core.templates.catalogue.ATTRIBUTABLE_TEMPLATES`, on Scope 3 rows of the
    categories the GHG Protocol Scope 3 Standard (ch. 5; Technical Guidance cat. 1, 2, 4, 9, 11,
    12) lets a company attribute to a supplier or a product
    (:data:`~lingtan.core.templates.catalogue.ATTRIBUTABLE_CATEGORIES`); null elsewhere and
    where the cell is empty. ``scope`` and ``category`` are a number or one per row.
    """
    if r.tpl.name not in ATTRIBUTABLE_TEMPLATES or not r.tpl.has(name):
        return None
    scopes = np.broadcast_to(np.asarray(scope if scope is not None else -1), (r.n,))
    cats = np.broadcast_to(np.asarray(category), (r.n,))
    values = r.texts(name)
    s = np.trunc(np.asarray(scopes, dtype=np.float64))  # int() of a number of either kind
    c = np.trunc(np.asarray(cats, dtype=np.float64))
    keep = (s == 3) & np.isin(c, sorted(ATTRIBUTABLE_CATEGORIES))
    kept: list[str | None] = pc.if_else(
        pa.array(keep), pa.array(values, pa.string()), pa.scalar(None, pa.string())
    ).to_pylist()
    return kept
