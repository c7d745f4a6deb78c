"""A small on-disk cache for what is slow to derive from the factor library in a fresh process:
parsed factor sets with their content hashes, the engine's factor tables, the snapshot's frozen
factor file.

Entries are keyed by content, never by time: the sha256 of the input files' bytes plus a *code
key* (the lingtan version and the bytes of the modules that parse and lay out factors), so an
entry can never be stale — a changed file or a changed parser gives a new key. The folder is
``$LINGTAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/lingtan``, else ``~/.cache/lingtan``;
``LINGTAN_CACHE_DIR=off`` disables the cache. A missing, unreadable or corrupt entry is rebuilt;
a folder that cannot be written only costs the speed-up. Entries are written aside and renamed
into place (concurrent processes at worst both build the same entry).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import uuid
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

CACHE_ENV = "LINGTAN_CACHE_DIR"
#: Bump when the layout of cached values changes.
CACHE_FORMAT = 1
#: Modules whose code decides a cached value (relative to the ``lingtan`` package).
_CODE = (
    "adapters/io/factor_files.py",
    "adapters/io/cache.py",
    "adapters/io/library.py",
    "adapters/io/unit_dims.py",
    "adapters/store/snapshots.py",
    "adapters/compute/tables.py",
    "core/factors.py",
    "core/gwp.py",
    "core/units.py",
)


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when disabled."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return None if env.strip().lower() in ("", "0", "off", "false", "no") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lingtan"


@lru_cache(maxsize=1)
def code_key() -> str:
    """sha256 of the lingtan version, :data:`CACHE_FORMAT` and the deciding modules' bytes."""
    from lingtan import __version__

    root = Path(__file__).resolve().parents[2]
    h = hashlib.sha256(f"{__version__}\0{CACHE_FORMAT}\0".encode())
    for rel in _CODE:
        p = root / rel
        h.update(rel.encode() + b"\0" + (p.read_bytes() if p.exists() else b"") + b"\0")
    return h.hexdigest()


def content_key(parts: Iterable[bytes | str]) -> str:
    """sha256 over ``parts`` (each length-prefixed, so boundaries count)."""
    h = hashlib.sha256()
    for part in parts:
        b = part.encode() if isinstance(part, str) else part
        h.update(len(b).to_bytes(8, "little") + b)
    return h.hexdigest()


def file_key(paths: Iterable[Path]) -> str:
    """:func:`content_key` of the files' names and bytes (a missing file counts as absent)."""
    parts: list[bytes | str] = []
    for p in paths:
        parts += [p.name, p.read_bytes() if p.is_file() else b"\0missing"]
    return content_key(parts)


def _entry(kind: str, key: str, suffix: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / kind / f"{content_key([code_key(), key])}{suffix}"


def cached(kind: str, key: str, build: Callable[[], T]) -> T:
    """The value of ``build()`` for ``key``, from the cache when present (pickled)."""
    path = _entry(kind, key, ".pickle")
    if path is not None and path.is_file():
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)  # type: ignore[no-any-return]
        except Exception:  # corrupt or from an incompatible interpreter: rebuild
            pass
    value = build()
    if path is not None:
        _write(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def cached_file(kind: str, key: str, suffix: str, build: Callable[[Path], None]) -> Path | None:
    """The cached file for ``key``, written by ``build(path)`` when missing; ``None`` when the
    cache is disabled or cannot be written (then the caller builds the file itself)."""
    path = _entry(kind, key, suffix)
    if path is None:
        return None
    if path.is_file():
        return path
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        build(tmp)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        return None
    return path


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


__all__ = ["CACHE_ENV", "cache_dir", "cached", "cached_file", "code_key", "content_key", "file_key"]
