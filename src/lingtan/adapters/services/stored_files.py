"""Workspace files changed through the API together with their audit entry: both or neither."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.orm import Session


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (its folder made if missing) through a temporary file and a
    rename, so it is never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def store_with_audit(db: Session, path: Path, data: bytes, old: bytes | None) -> None:
    """Write ``path`` and commit the audit entry already recorded in ``db``: both or neither
    (the previous content ``old`` is put back, or the new file removed, when the commit fails)."""
    try:
        write_atomically(path, data)
        db.commit()
    except BaseException:
        db.rollback()
        if old is None:
            path.unlink(missing_ok=True)
        else:
            write_atomically(path, old)
        raise
