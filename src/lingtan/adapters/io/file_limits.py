"""Limits on the activity files a user sends: rows, columns, cell length, XLSX archives.

A hostile or broken file must be refused with a clear reason — file name and limit — before
it can occupy a worker for minutes or the server's memory for gigabytes (ASVS 4.0.3 V12.1.1,
V12.1.2 "compressed files are checked for decompression bombs", V5.5.2 "XML parsers use the
most restrictive configuration: external entities and DTD processing disabled"; OWASP API4:2023
unrestricted resource consumption).

==============================  ==========================================  =================
variable                        meaning                                     default
==============================  ==========================================  =================
LINGTAN_MAX_ROWS                data rows of one file                       5 000 000
LINGTAN_MAX_COLUMNS             columns of one file                         200
LINGTAN_MAX_CELL_CHARS          characters of one cell                      32 768
LINGTAN_MAX_XLSX_EXPANDED_MB    declared uncompressed size of an XLSX [MiB] 200
LINGTAN_MAX_XLSX_RATIO          uncompressed / compressed size of a part    100
==============================  ==========================================  =================

XLSX archives are checked from the zip's central directory before openpyxl opens them
(:func:`check_xlsx_archive`): the sum of the declared uncompressed sizes, each large part's
compression ratio, the number of parts, links to other workbooks, and any document type
declaration (``<!DOCTYPE``, the carrier of entity expansion and external entities) in an XML
part. Python's zipfile never inflates a part beyond its declared size, so the declared sizes
bound what reading can produce. openpyxl itself parses through ``defusedxml`` when it is
installed (a dependency of lingtan): :func:`check_xlsx_archive` refuses to go on without it.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lingtan.adapters.i18n.rows import file_error
from lingtan.core.errors import InputFileError
from lingtan.core.messages import msg

MIB = 1024 * 1024
#: parts smaller than this are not judged by their compression ratio (headers compress well)
_RATIO_FLOOR = 1 * MIB
#: bytes of each XML part scanned for a document type declaration (the prolog comes first)
_PROLOG_BYTES = 64 * 1024
_MAX_PARTS = 10_000


class FileLimitError(InputFileError):
    """A file exceeds a limit or carries a construct that is refused (zip bomb, DTD, external
    link). Nothing from it is imported."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r}: expected a whole number") from exc
    if value <= 0:
        raise ValueError(f"{name}={raw!r}: expected a positive number")
    return value


@dataclass(frozen=True)
class FileLimits:
    """What one activity file may hold (see the module docstring for the variables)."""

    max_rows: int = 5_000_000
    max_columns: int = 200
    max_cell_chars: int = 32 * 1024
    max_xlsx_expanded_bytes: int = 200 * MIB
    max_xlsx_ratio: int = 100

    @classmethod
    def from_env(cls) -> FileLimits:
        """The limits from ``LINGTAN_MAX_*`` environment variables (defaults otherwise)."""
        d = cls()
        return cls(
            max_rows=_env_int("LINGTAN_MAX_ROWS", d.max_rows),
            max_columns=_env_int("LINGTAN_MAX_COLUMNS", d.max_columns),
            max_cell_chars=_env_int("LINGTAN_MAX_CELL_CHARS", d.max_cell_chars),
            max_xlsx_expanded_bytes=_env_int(
                "LINGTAN_MAX_XLSX_EXPANDED_MB", d.max_xlsx_expanded_bytes // MIB
            )
            * MIB,
            max_xlsx_ratio=_env_int("LINGTAN_MAX_XLSX_RATIO", d.max_xlsx_ratio),
        )

    def check_row(self, row: Sequence[object], row_number: int, source: str) -> None:
        """Refuse a row past :attr:`max_rows` (header = row 1), wider than
        :attr:`max_columns` (trailing empty cells do not count), or with a text cell longer
        than :attr:`max_cell_chars`.

        Raises:
            FileLimitError: naming the row and the limit.
        """
        if row_number > self.max_rows + 1:
            raise file_error(
                source, msg("file.too_many_rows", limit=f"{self.max_rows:,}"), FileLimitError
            )
        width = len(row)
        while width and (row[width - 1] is None or row[width - 1] == ""):
            width -= 1
        if width > self.max_columns:
            raise file_error(
                source,
                msg("file.too_many_columns", row=row_number, width=width, limit=self.max_columns),
                FileLimitError,
            )
        for pos, value in enumerate(row):
            if isinstance(value, str) and len(value) > self.max_cell_chars:
                why = msg(
                    "file.cell_too_long",
                    row=row_number,
                    column=pos + 1,
                    length=f"{len(value):,}",
                    limit=f"{self.max_cell_chars:,}",
                )
                raise file_error(source, why, FileLimitError)


def check_xlsx_archive(path: Path, source: str, limits: FileLimits) -> None:
    """Refuse an XLSX whose archive could exhaust memory or time, or that carries a DTD or
    links to other workbooks — before any part is parsed.

    Raises:
        FileLimitError: declared uncompressed size over the limit, a part compressed more than
            :attr:`FileLimits.max_xlsx_ratio` times, too many parts, an external link, a
            document type declaration, or defusedxml missing.
        InputFileError: not a zip archive at all.
    """
    import openpyxl

    if not getattr(openpyxl, "DEFUSEDXML", False):  # pragma: no cover - a dependency
        raise file_error(source, msg("file.xlsx_needs_defusedxml"), FileLimitError)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise file_error(source, msg("file.xlsx_unreadable", why=str(exc))) from exc
    with archive:
        parts = archive.infolist()
        if len(parts) > _MAX_PARTS:
            why = msg("file.xlsx_too_many_parts", parts=f"{len(parts):,}")
            raise file_error(source, why, FileLimitError)
        expanded = sum(p.file_size for p in parts)
        if expanded > limits.max_xlsx_expanded_bytes:
            why = msg(
                "file.xlsx_too_large",
                size=f"{expanded / MIB:,.0f}",
                limit=f"{limits.max_xlsx_expanded_bytes / MIB:,.0f}",
            )
            raise file_error(source, why, FileLimitError)
        for part in parts:
            ratio = part.file_size / max(1, part.compress_size)
            if part.file_size > _RATIO_FLOOR and ratio > limits.max_xlsx_ratio:
                why = msg(
                    "file.xlsx_ratio",
                    part=repr(part.filename),
                    ratio=f"{ratio:,.0f}",
                    limit=limits.max_xlsx_ratio,
                )
                raise file_error(source, why, FileLimitError)
            name = part.filename.lower()
            if name.startswith("xl/externallinks/"):
                raise file_error(source, msg("file.xlsx_external_links"), FileLimitError)
            if name.endswith((".xml", ".rels", ".vml")):
                _refuse_dtd(archive, part, source)


def _refuse_dtd(archive: zipfile.ZipFile, part: zipfile.ZipInfo, source: str) -> None:
    """Refuse a part whose prolog declares a document type (entities live there)."""
    try:
        with archive.open(part) as fh:
            head = fh.read(_PROLOG_BYTES)
    except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
        raise file_error(source, msg("file.xlsx_unreadable", why=str(exc))) from exc
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise file_error(source, msg("file.xlsx_dtd", part=repr(part.filename)), FileLimitError)
