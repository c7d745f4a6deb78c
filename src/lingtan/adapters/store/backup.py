"""Backup and restore of an embedded workspace (its own SQLite store and its files).

:func:`backup_workspace` copies the store with SQLite's online backup API
(:meth:`sqlite3.Connection.backup`: a consistent copy while other processes keep writing),
*then* the workspace files, into one zip with a manifest of sha256 hashes. The order makes the
copy consistent without stopping writers: batch and snapshot files are immutable and written
before the metadata that names them commits (:meth:`Workspace.record_batch`), so every file the
copied store names already exists when the files are copied; files written later are merely
unreferenced and swept away when the restored workspace is opened.

:func:`restore_workspace` verifies every hash before anything is written, extracts into a
staging folder next to the target and renames it into place; it refuses a non-empty target
unless ``force`` (and even then only a lingtan workspace is replaced). ASVS 4.0.3 V8.1.5
(backups and tested restoration), V8.1.6 (where backups are kept is the deployment's; their
integrity is checked here); decision 0039. A server on PostgreSQL is backed up with
``pg_dump`` and a copy of the data folder, in that order, for the same reason (docs/server.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lingtan import __version__
from lingtan.adapters.store.config import CONFIG_FILE
from lingtan.adapters.store.lifecycle import (
    MANIFEST,
    HashingZip,
    fsync_dir,
    safe_member,
    verify_manifest,
    workspace_files,
)
from lingtan.adapters.store.workspace import DB_FILE
from lingtan.core.errors import WorkspaceError

FORMAT = "lingtan-workspace-backup/1"
STORE_MEMBER = "store/lingtan.db"


def _revision(db_file: Path) -> str | None:
    con = sqlite3.connect(db_file)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    return str(row[0]) if row else None


def _online_copy(src_file: Path, dst_file: Path) -> None:
    """Copy a SQLite database with the online backup API (consistent under writers)."""
    src = sqlite3.connect(src_file, timeout=30)
    dst = sqlite3.connect(dst_file)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def backup_workspace(root: Path | str, out: Path | str) -> dict[str, Any]:
    """Write a backup of the workspace ``root`` to the zip ``out``; returns its manifest.

    Raises:
        WorkspaceError: ``root`` is not a workspace with its own store (a workspace on
            ``LINGTAN_DATABASE_URL`` is backed up with its database's tools), ``out`` exists,
            or ``out`` is inside the workspace.
    """
    root, out = Path(root).resolve(), Path(out).resolve()
    if not (root / CONFIG_FILE).is_file():
        raise WorkspaceError(f"{root} is not a lingtan workspace (no {CONFIG_FILE})")
    if os.environ.get("LINGTAN_DATABASE_URL"):
        raise WorkspaceError(
            "the workspace's store is LINGTAN_DATABASE_URL: back it up with the database's "
            "own tools (docs/server.md, Backup and restore)"
        )
    if not (root / DB_FILE).is_file():
        raise WorkspaceError(f"{root} has no store ({DB_FILE}): open it once with lingtan")
    if out.exists():
        raise WorkspaceError(f"{out} exists; choose a new file name")
    if out.is_relative_to(root):
        raise WorkspaceError("write the backup outside the workspace folder")
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    try:
        with tempfile.TemporaryDirectory(prefix="lingtan-backup-") as d:
            copy = Path(d) / DB_FILE
            _online_copy(root / DB_FILE, copy)  # the store first, then the files (see above)
            z = HashingZip(tmp)
            try:
                z.write_file(STORE_MEMBER, copy)
                for path, rel in workspace_files(root):
                    try:
                        z.write_file(f"workspace/{rel}", path)
                    except FileNotFoundError:  # a temporary or orphan file swept meanwhile
                        continue
                manifest = {
                    "format": FORMAT,
                    "workspace": str(root),
                    "lingtan_version": __version__,
                    "schema_revision": _revision(copy),
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "files": dict(sorted(z.files.items())),
                }
                z.write_bytes(MANIFEST, json.dumps(manifest, indent=2).encode())
            finally:
                z.close()
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return manifest


def _target_path(name: str) -> str:
    if name == STORE_MEMBER:
        return DB_FILE
    return name.removeprefix("workspace/")


def restore_workspace(
    archive: Path | str, root: Path | str, *, force: bool = False
) -> dict[str, Any]:
    """Restore the backup ``archive`` into the folder ``root``; returns its manifest. Open the
    result with :func:`~lingtan.adapters.store.workspace.open_workspace` (it migrates the store
    and notes the new location).

    Raises:
        WorkspaceError: the archive is not a lingtan backup, is damaged (a hash differs), names
            a path outside the folder; or ``root`` is not empty and ``force`` is not given, or
            is not a workspace (``force`` replaces only a workspace).
    """
    archive, root = Path(archive), Path(root).resolve()
    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise WorkspaceError(f"{archive}: not a lingtan backup ({exc})") from exc
    with zf:
        try:
            manifest = json.loads(zf.read(MANIFEST))
        except (KeyError, ValueError) as exc:
            raise WorkspaceError(f"{archive}: not a lingtan backup (no manifest)") from exc
        if manifest.get("format") != FORMAT:
            raise WorkspaceError(f"{archive}: not a lingtan workspace backup")
        files: dict[str, dict[str, Any]] = manifest["files"]
        unsafe = [n for n in files if not safe_member(n)]
        if unsafe or STORE_MEMBER not in files:
            raise WorkspaceError(f"{archive}: refused (unsafe or missing members: {unsafe})")
        bad = verify_manifest(zf)
        if bad:
            raise WorkspaceError(f"{archive} is damaged: {', '.join(bad[:5])} differ")
        if root.exists() and any(root.iterdir()):
            if not force:
                raise WorkspaceError(f"{root} is not empty: restore with --force to replace it")
            if not (root / CONFIG_FILE).is_file():
                raise WorkspaceError(f"{root} is not a lingtan workspace: not replaced")
        root.parent.mkdir(parents=True, exist_ok=True)
        stage = root.parent / f".{root.name}.restore-{uuid.uuid4().hex[:8]}"
        try:
            for name, meta in files.items():
                target = stage / _target_path(name)
                target.parent.mkdir(parents=True, exist_ok=True)
                h = hashlib.sha256()
                with zf.open(name) as src, target.open("wb") as dst:
                    for chunk in iter(lambda: src.read(1 << 20), b""):
                        h.update(chunk)
                        dst.write(chunk)
                    dst.flush()
                    os.fsync(dst.fileno())
                if h.hexdigest() != meta["sha256"]:  # changed since verified
                    raise WorkspaceError(f"{archive} is damaged: {name} differs")
            old = None
            if root.exists():
                old = root.parent / f".{root.name}.replaced-{uuid.uuid4().hex[:8]}"
                os.replace(root, old)
            os.replace(stage, root)
            fsync_dir(root.parent)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)
    result: dict[str, Any] = manifest
    return result
