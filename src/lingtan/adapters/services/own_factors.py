"""An organisation's own factor sets (``factors/`` of its workspace) set up from the web app or
the API: upload (add or replace) and remove, with the caller's permission checked.

Upload is :func:`lingtan.adapters.services.factors.upload_factor_set` (the file read completely
by the factor-file reader first; its error names the file, row and column); removing deletes the
set's file under the workspace's write lock and its manifest row (an audited row: the audit log
names the caller). Changing sets needs ``edit_data``.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.boundary import SetupError, setup_conflict
from lingtan.adapters.services.context import TenantContext
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.store.models import FactorSet


def list_own_factor_sets(db: Session, tenant: TenantContext) -> list[FactorSet]:
    """The organisation's own factor sets, by name."""
    del tenant
    return list(db.scalars(select(FactorSet).order_by(FactorSet.name)))


def upload_own_factor_set(
    db: Session, tenant: TenantContext, file_name: str, data: bytes
) -> dict[str, Any]:
    """Add or replace one of the organisation's factor sets (a ``.csv`` or ``.yaml`` factor
    file, checked completely before it is stored).

    Raises:
        ServiceError: 403 without ``edit_data``; 422 :class:`SetupError` ``setup.err.factor_file``
            whose ``detail`` names the file, row and column of the first problem.
    """
    from lingtan.adapters.services.factors import upload_factor_set

    tenant.require("edit_data")
    try:
        return upload_factor_set(db, tenant, file_name, data)
    except ServiceError as exc:
        if exc.kind != "invalid" or isinstance(exc, SetupError):
            raise
        raise SetupError(
            "invalid", "setup.err.factor_file", exc.message, "file", detail=exc.message
        ) from exc


def delete_own_factor_set(db: Session, tenant: TenantContext, name: str) -> None:
    """Remove the organisation's factor set ``name`` (its file and its manifest; audited).

    Raises:
        ServiceError: 403; 404 no such set; 409 ``lingtan.yaml`` names it in ``factor_sets``.
    """
    tenant.require("edit_data")
    row = db.scalar(select(FactorSet).where(FactorSet.name == name))
    if row is None:
        raise SetupError("not_found", "setup.err.no_factor_set", f"factor set {name!r} not found",
                         value=name)  # fmt: skip
    ws = tenant.workspace()
    if name in ws.config.factor_sets:
        raise setup_conflict(
            "setup.err.factor_set_named",
            f"factor set {name!r} is named in lingtan.yaml factor_sets",
            value=name,
        )
    with ws.write_lock():  # one writer at a time (decision 0036)
        files = [ws.factors_dir / f"{name}{x}" for x in (".csv", ".yaml", ".yml")]
        aside = [(f, f.with_name(f".{f.name}.removed")) for f in files if f.exists()]
        for f, tmp in aside:  # set aside, so a failed commit puts them back
            os.replace(f, tmp)
        try:
            db.delete(row)
            db.commit()
        except BaseException:
            db.rollback()
            for f, tmp in aside:
                os.replace(tmp, f)
            raise
        for _f, tmp in aside:
            tmp.unlink(missing_ok=True)
