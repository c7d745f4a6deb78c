"""What the registers' services share about their files: a date cell, an evidence file kept by
its sha256 in a workspace folder, and the lines naming the wrong cells of a refused import file
(file, row, column, keyed reason). Each register words its own refusals (its message keys)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from lingtan.adapters.services.errors import message_text
from lingtan.core.messages import Message, msg

_SHA256_RE = re.compile(r"[0-9a-f]{64}")


def as_date(
    value: Any,
    *,
    required: bool,
    missing: Callable[[], Exception],
    bad: Callable[[], Exception],
) -> date | None:
    """A date cell (a date, a datetime's day or ISO 8601 text), None when blank.

    Raises:
        Exception: ``missing()`` when blank and ``required``; ``bad()`` when not a date.
    """
    if value is None or value == "":
        if required:
            raise missing()
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise bad() from None


def is_sha256(text: str) -> bool:
    """Whether ``text`` is a lower-case hex sha256 (a stored file's name)."""
    return _SHA256_RE.fullmatch(text) is not None


def keep_by_sha256(folder: Path, data: bytes) -> str:
    """Keep ``data`` as ``folder/<sha256>`` (written once, atomically); its sha256."""
    from lingtan.adapters.services.stored_files import write_atomically

    sha = hashlib.sha256(data).hexdigest()
    path = folder / sha
    if not path.exists():
        write_atomically(path, data)
    return sha


def kept_file(folder: Path, sha256: str | None, name: str | None) -> tuple[str, bytes] | None:
    """A file kept by :func:`keep_by_sha256`: (``name`` or the sha256, bytes); None when there
    is none."""
    if not sha256 or not is_sha256(sha256):
        return None
    path = folder / sha256
    if not path.exists():
        return None
    return name or sha256, path.read_bytes()


def check_cells(
    cells: Mapping[str, Any],
    check: Callable[[dict[str, Any]], dict[str, Any]],
    refusal: type[Exception],
    skip: Callable[[str, Any], bool] | None = None,
) -> tuple[dict[str, Any], list[tuple[str, Message]]]:
    """A file row's cells checked one by one with ``check({column: cell})`` so that every
    wrong cell is named: (the checked values, [(column, keyed reason)] of each ``refusal``
    with ``key`` and ``params``). Cells where ``skip(column, cell)`` are left out."""
    values: dict[str, Any] = {}
    wrong: list[tuple[str, Message]] = []
    for k, v in cells.items():
        if skip is not None and skip(k, v):
            continue
        try:
            values.update(check({k: v}))
        except refusal as exc:
            wrong.append((k, Message(exc.key, exc.params)))  # type: ignore[attr-defined]
    return values, wrong


def cell_error_lines(errors: Sequence[Any], key: str, locale: str, limit: int = 50) -> list[str]:
    """The message ``key`` (params ``file``, ``row``, ``column``, ``reason``) of each wrong cell
    (``source``, ``row``, ``column``, ``message``; the first ``limit``) in ``locale``."""
    return [
        message_text(msg(key, file=e.source, row=e.row, column=e.column, reason=e.message), locale)
        for e in errors[:limit]
    ]


__all__ = ["as_date", "cell_error_lines", "check_cells", "is_sha256", "keep_by_sha256", "kept_file"]
