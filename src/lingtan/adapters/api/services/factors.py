"""The factor library of an organisation: the bundled sets plus its own (``factors/``)."""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.api.errors import invalid
from lingtan.adapters.api.services.context import TenantContext
from lingtan.adapters.store.models import FactorSet
from lingtan.core.errors import FactorError
from lingtan.core.factors import EmissionFactor, search_groups


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
    from lingtan.adapters.compute.runner import load_library

    del db
    lib = load_library(tenant.workspace())
    ordered = search_groups(lib.factors, query, region=region, set_name=set_name)
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
    from lingtan.adapters.io.factor_files import bundled_factor_sets

    del tenant
    out = [
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
        ApiError: 422 naming the file, row and column of the first problem.
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
