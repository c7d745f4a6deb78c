"""The factor library of an organisation: the bundled sets plus its own (``factors/``).

The API, the web pages and ``lingtan factors …`` search, list and resolve through the same
functions; the command line may also work without a workspace (``ctx`` None: the bundled sets
only)."""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context, TenantContext
from lingtan.adapters.services.errors import invalid
from lingtan.adapters.store.models import FactorSet
from lingtan.core.errors import FactorError
from lingtan.core.factors import EmissionFactor, resolve, search_groups

if TYPE_CHECKING:
    from lingtan.core.factors import Match


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


def factor_groups(
    ctx: Context | None, query: str, *, region: str | None = None, set_name: str | None = None
) -> list[list[EmissionFactor]]:
    """Factor groups (one per activity type, region, unit, set and date; a factor per gas)
    whose type, description, source, set or region contain every word of ``query``
    (case-insensitive), those matching in the activity type first."""
    factors, _ = library_factors(ctx)
    return search_groups(factors, query, region=region, set_name=set_name)


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


def search_factors(
    db: Session,
    tenant: TenantContext,
    query: str,
    *,
    region: str | None = None,
    set_name: str | None = None,
    limit: int = 30,
    offset: int = 0,
) -> dict[str, Any]:
    """Factor groups whose type, description, source, set or region contain every word of
    ``query`` (case-insensitive), those matching in the activity type first (as ``lingtan
    factors search``). Returns ``{"total_groups": n, "groups": [...]}``."""
    del db
    ordered = factor_groups(tenant, query, region=region, set_name=set_name)
    out = []
    for members in ordered[offset : offset + limit]:
        h = members[0]
        out.append(
            {
                "activity_type": h.activity_type,
                "region": h.region,
                "unit": h.unit,
                "set_name": h.set_name,
                "valid_from": str(h.valid_from),
                "factors": [_factor(m) for m in sorted(members, key=lambda m: m.gas)],
            }
        )
    return {"total_groups": len(ordered), "groups": out}


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
