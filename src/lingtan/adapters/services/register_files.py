"""What the registers' services share about their files: a date cell, an evidence file kept by
its sha256 in a workspace folder, the lines naming the wrong cells of a refused import file
(file, row, column, keyed reason), and an uploaded file's safe name and temporary copy for the
services that read a path. Each register words its own refusals (its message keys)."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from lingtan.adapters.services.errors import KeyedError, message_text
from lingtan.core.messages import Message, msg

_SHA256_RE = re.compile(r"[0-9a-f]{64}")

T = TypeVar("T")


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


@dataclass(frozen=True)
class RowError:
    """A wrong cell of an import file: file, row (1 = the header), column, keyed reason."""

    source: str
    row: int
    column: str
    message: Message


class KeyedFileError(KeyedError):
    """An import file was refused: ``summary`` is the keyed reason, ``errors`` lists every wrong
    cell. A register subclasses it together with its own error class (first in the bases) and
    sets :attr:`row_error_key`, the catalogue key of one wrong cell's line."""

    #: the message key (params ``file``, ``row``, ``column``, ``reason``) of one wrong cell
    row_error_key: ClassVar[str]

    def __init__(self, summary: Message, errors: Sequence[RowError]) -> None:
        params = {k: v for k, v in summary.params.items() if isinstance(v, str | int | float)}
        self.errors: tuple[RowError, ...] = tuple(errors)
        self.summary = summary
        lines = [message_text(summary), *cell_error_lines(self.errors, self.row_error_key, "en")]
        super().__init__("invalid", summary.key, "\n".join(lines), "file", **params)


def decode_text(data: bytes, encoding: str | None, refusal: Callable[[], Exception]) -> str:
    """An uploaded text file's bytes decoded with ``encoding``, or when None as UTF-8 (a byte
    order mark dropped) else GB 18030.

    Raises:
        Exception: ``refusal()`` when no encoding fits (or ``encoding`` is unknown).
    """
    for enc in [encoding] if encoding else ["utf-8-sig", "gb18030"]:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise refusal()


def safe_file_name(name: str | None, default: str) -> str:
    """An uploaded file's name as kept for messages (file, row, column): its last part, ASCII
    letters, digits and ``._-`` (any other character ``_``), no leading dot; ``default`` when
    nothing is left."""
    base = (name or default).replace("\\", "/").rsplit("/", 1)[-1]
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in base)
    return safe.lstrip(".") or default


def with_file(name: str, data: bytes, call: Callable[[Path], T]) -> T:
    """``call(path)`` on ``data`` written as ``name`` in a private temporary folder (the
    services read files; the name is the one their messages give), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="lingtan-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return call(path)


__all__ = [
    "KeyedFileError",
    "RowError",
    "as_date",
    "cell_error_lines",
    "check_cells",
    "decode_text",
    "is_sha256",
    "keep_by_sha256",
    "kept_file",
    "safe_file_name",
    "with_file",
]
