"""The factor library of an organisation: the bundled sets plus its own (``factors/``).

The API, the web pages and ``lingtan factors …`` search, list and resolve through the same
functions; the command line may also work without a workspace (``ctx`` None: the bundled sets
only). Search goes through a :class:`~lingtan.core.factor_index.FactorIndex` built once per
library content (its cache key) and kept in the process: Chinese names and aliases
(:mod:`lingtan.core.factor_names`, decision 0055), CO2e per unit under the inventory's GWP set,
the real number of matches and a page of them."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context, TenantContext
from lingtan.adapters.services.errors import invalid
from lingtan.adapters.store.models import FactorSet
from lingtan.core.errors import FactorError
from lingtan.core.factor_index import FactorIndex, IndexedGroup, co2e_per_unit
from lingtan.core.factor_names import is_standard_coal, zh_name
from lingtan.core.factors import EmissionFactor, resolve

if TYPE_CHECKING:
    from lingtan.core.factors import Match
    from lingtan.core.gwp import GWPSet

#: Indexes kept per library cache key (bundled library, a few workspaces).
_INDEX_CACHE_SIZE = 8
_INDEXES: dict[str, FactorIndex] = {}
_INDEX_LOCK = threading.Lock()


def library_factors(ctx: Context | None) -> tuple[list[EmissionFactor], tuple[str, ...]]:
    """The factors a calculation in the context's workspace can use — the bundled sets, then
    the workspace's own — and its set priority (``factor_sets`` of lingtan.yaml); without a
    context, the bundled sets and no priority."""
    from lingtan.adapters.io.library import bundled_factors, load_library

    if ctx is None:
        return list(bundled_factors()), ()
    ctx.require("read")
    ws = ctx.workspace()
    return list(load_library(ws).factors), ws.config.factor_sets


def _cached_index(
    key: str, factors: tuple[EmissionFactor, ...] | list[EmissionFactor]
) -> FactorIndex:
    """The index of the library whose content key is ``key``, built on first use (one build
    at a time: requests of the server's threads share it)."""
    with _INDEX_LOCK:
        index = _INDEXES.get(key)
        if index is None:
            index = FactorIndex(factors)
            while len(_INDEXES) >= _INDEX_CACHE_SIZE:
                _INDEXES.pop(next(iter(_INDEXES)))
            _INDEXES[key] = index
        return index


def library_index(ctx: Context | None) -> tuple[FactorIndex, dict[str, GWPSet], str]:
    """The search index of the context's library (cached per library content), the GWP sets
    and the inventory's GWP set name (``gwp_set`` of lingtan.yaml; AR5 without a context)."""
    from lingtan.adapters.io.factor_files import read_gwp_sets
    from lingtan.adapters.io.library import bundled_factors, load_library

    if ctx is None:
        return _cached_index("bundled", bundled_factors()), read_gwp_sets(), "AR5"
    ctx.require("read")
    ws = ctx.workspace()
    lib = load_library(ws)
    key = lib.cache_key or f"workspace:{ws.path}"
    return _cached_index(key, lib.factors), lib.gwp_sets, ws.config.gwp_set


def factor_groups(
    ctx: Context | None, query: str, *, region: str | None = None, set_name: str | None = None
) -> list[list[EmissionFactor]]:
    """Factor groups (one per activity type, region, unit, set and date; a factor per gas)
    whose type, names (Chinese or English), description, source, set or region contain every
    word of ``query`` (case- and width-insensitive), best first (decision 0055)."""
    index, _, _ = library_index(ctx)
    return [list(g.factors) for g in index.search(query, region=region, set_name=set_name)]


def bundled_sets() -> list[dict[str, Any]]:
    """The factor sets bundled with lingtan: name, publisher, dataset, edition, licence and
    number of factors."""
    from lingtan.adapters.io.factor_files import bundled_factor_sets

    return [
        {
            "name": fs.name,
            "publisher": fs.publisher,
            "dataset": fs.dataset,
            "edition": fs.edition,
            "licence": fs.licence,
            "factors": len(fs.factors),
            "bundled": True,
        }
        for fs in bundled_factor_sets()
    ]


def own_set_sizes(ctx: Context | None) -> dict[str, int]:
    """The number of factors of each of the workspace's own sets (those in ``factors/``, not
    bundled), by set name in name order."""
    factors, _ = library_factors(ctx)
    bundled = {str(s["name"]) for s in bundled_sets()}
    own: dict[str, int] = {}
    for f in factors:
        if f.set_name not in bundled:
            own[f.set_name] = own.get(f.set_name, 0) + 1
    return dict(sorted(own.items()))


def resolve_activity(
    ctx: Context | None, activity_type: str, region: str, on: date, unit: str
) -> Match | None:
    """The factor group an activity of ``activity_type`` in ``region`` on ``on``, measured in
    ``unit``, resolves to, with the fallback taken (:func:`lingtan.core.factors.resolve`, as the
    engine resolves it); None when no factor applies."""
    factors, priority = library_factors(ctx)
    return resolve(factors, activity_type, region, on, unit, priority)


def _factor(f: EmissionFactor) -> dict[str, Any]:
    return {
        "factor_id": f.factor_id,
        "set_name": f.set_name,
        "activity_type": f.activity_type,
        "region": f.region,
        "unit": f.unit,
        "gas": f.gas,
        "value": float(f.value),
        "valid_from": str(f.valid_from),
        "valid_to": None if f.valid_to is None else str(f.valid_to),
        "gwp_set": f.gwp_set or None,
        "version": str(f.version),
        "source": str(f.source),
        "description": f.description or "",
    }


def group_dict(g: IndexedGroup, gwp: GWPSet) -> dict[str, Any]:
    """One factor group as the API and the pages show it: type, Chinese name, region, unit,
    set, validity, kg CO2e per unit under ``gwp`` (None when a gas has no GWP in it) and the
    factor per gas."""
    h = g.head
    return {
        "activity_type": h.activity_type,
        "name_zh": zh_name(h.activity_type),
        "region": h.region,
        "unit": h.unit,
        "set_name": h.set_name,
        "valid_from": str(h.valid_from),
        "valid_to": None if h.valid_to is None else str(h.valid_to),
        "co2e_per_unit": co2e_per_unit(g.factors, gwp),
        "factors": [_factor(m) for m in g.factors],
    }


def search_library(
    ctx: Context | None,
    query: str,
    *,
    region: str | None = None,
    set_name: str | None = None,
    limit: int = 30,
    offset: int = 0,
    gwp_set: str | None = None,
) -> dict[str, Any]:
    """A page of the factor groups matching ``query`` (see :func:`factor_groups`) with their
    kg CO2e per activity unit under ``gwp_set`` (default: the inventory's, lingtan.yaml).

    Returns ``{"total_groups": n (every match, not only this page), "offset", "limit",
    "gwp_set", "gwp_source", "standard_coal": bool (the query names standard coal, an energy
    measure without a factor), "groups": [...]}``.

    Raises:
        ServiceError: 422 for an unknown GWP set.
    """
    index, gwp_sets, default = library_index(ctx)
    name = (gwp_set or default).upper()
    if name not in gwp_sets:
        raise invalid(f"unknown GWP set {name}; known: {', '.join(gwp_sets)}", "gwp")
    gwp = gwp_sets[name]
    found = index.search(query, region=region, set_name=set_name)
    return {
        "total_groups": len(found),
        "offset": offset,
        "limit": limit,
        "gwp_set": gwp.name,
        "gwp_source": gwp.source,
        "standard_coal": is_standard_coal(query),
        "groups": [group_dict(g, gwp) for g in found[offset : offset + limit]],
    }


def search_factors(
    db: Session,
    tenant: TenantContext,
    query: str,
    *,
    region: str | None = None,
    set_name: str | None = None,
    limit: int = 30,
    offset: int = 0,
    gwp_set: str | None = None,
) -> dict[str, Any]:
    """:func:`search_library` in the tenant's workspace (the API's and the pages' search)."""
    del db
    return search_library(
        tenant,
        query,
        region=region,
        set_name=set_name,
        limit=limit,
        offset=offset,
        gwp_set=gwp_set,
    )


def factor_sets(db: Session, tenant: TenantContext) -> list[dict[str, Any]]:
    """Every set the organisation's calculations can use: bundled, then its own."""
    del tenant
    out = bundled_sets()
    out += [
        {
            "name": fs.name,
            "publisher": fs.publisher,
            "dataset": fs.dataset,
            "edition": fs.edition,
            "licence": fs.licence,
            "factors": fs.factors,
            "bundled": False,
        }
        for fs in db.scalars(select(FactorSet).order_by(FactorSet.name))
    ]
    return out


def upload_factor_set(
    db: Session, tenant: TenantContext, file_name: str, data: bytes
) -> dict[str, Any]:
    """Add (or replace) one of the organisation's factor sets: a ``.csv`` (the set is named
    after the file; publisher, dataset, edition uniform in the rows) or a ``.yaml`` with the
    manifest and ``factors:``. Checked completely before it is stored.

    Raises:
        ServiceError: 422 naming the file, row and column of the first problem.
    """
    from lingtan.adapters.io.factor_files import read_user_factor_set

    safe = os.path.basename(file_name.replace("\\", "/"))
    suffix = os.path.splitext(safe)[1].lower()
    if suffix not in (".csv", ".yaml", ".yml"):
        raise invalid("a factor set is a .csv or a .yaml file", "file")
    ws = tenant.workspace()
    tmp = ws.factors_dir / f".upload-{uuid.uuid4().hex}"
    tmp.mkdir(parents=True)
    try:
        path = tmp / safe
        path.write_bytes(data)
        try:
            fs = read_user_factor_set(path)
        except (FactorError, UnicodeDecodeError, ValueError) as exc:
            raise invalid(f"{safe}: {exc}", "file") from exc
        target = ws.factors_dir / f"{fs.name}{suffix}"
        with ws.write_lock():  # one writer at a time (decision 0036)
            for other in (".csv", ".yaml", ".yml"):  # one file per set
                (ws.factors_dir / f"{fs.name}{other}").unlink(missing_ok=True)
            os.replace(path, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    row = db.scalar(select(FactorSet).where(FactorSet.name == fs.name))
    if row is None:
        row = FactorSet(name=fs.name)
        db.add(row)
    row.title = fs.title[:300]
    row.publisher = fs.publisher[:300]
    row.dataset = fs.dataset[:300]
    row.edition = fs.edition[:100]
    row.licence = fs.licence[:100]
    row.file_name = target.name
    row.sha256 = hashlib.sha256(data).hexdigest()
    row.factors = len(fs.factors)
    row.created_at = datetime.now(UTC).replace(tzinfo=None)
    db.commit()
    return {
        "name": row.name,
        "publisher": row.publisher,
        "dataset": row.dataset,
        "edition": row.edition,
        "licence": row.licence,
        "factors": row.factors,
        "bundled": False,
    }
