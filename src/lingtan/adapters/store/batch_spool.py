"""The accepted activity rows of a file being imported, spooled to Parquet chunk by chunk.

An import streams its file in chunks (decision 0061); holding every accepted row until the
batch is written would bound its memory by the file (~140 B per row: 1.4 GB at 10 M rows).
:class:`ActivitySpool` writes each chunk, as the intake hands it over, to a Parquet file in the
workspace folder (outside ``batches/``: it is written before the write lock is taken, and the
locked sweep of ``batches/`` must not take it for an orphan). The write of the batch
(:meth:`~lingtan.adapters.store.workspace.Workspace.record_batch`) and the overlap and duplicate
checks then read it back chunk by chunk (pyarrow) or through DuckDB. Decision 0061, "Streamed
batch write".

The spool also learns, chunk by chunk, what numbering the batch's keys need: the key ids of
one :meth:`~lingtan.core.activities.KeyDictionary.encode` of all the rows are in the
lexicographic order of the keys' columns, each column's values ranked by first appearance in
the file (nulls last) — :meth:`ActivitySpool.key_dictionary` gives that dictionary, so the
batch written chunk by chunk has the ``key_id`` and keys file of the batch written at once.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lingtan.core.activities import KEY_COLUMNS, KeyDictionary

#: name prefix of spool files in the workspace folder (swept when older than :data:`STALE_AFTER`)
SPOOL_PREFIX = ".import-"
SPOOL_SUFFIX = ".parquet.tmp"
#: a spool not written for this long [s] is left by a killed process: the sweep removes it
STALE_AFTER = 24 * 3600.0
#: rows read back at a time (one row group of the batch file each)
READ_ROWS = 131_072


#: the rank of a null value in a key column: after every value
_NULL = 1 << 40
#: a numpy array of int64 (rank rows, codes)
_Ints = np.ndarray[Any, np.dtype[np.int64]]


class _Ranks:
    """Per key column, the rank of each value by first appearance in the file (0, 1, …)."""

    def __init__(self) -> None:
        self.of: dict[str, dict[object, int]] = {name: {} for name in KEY_COLUMNS}

    def rows(self, table: pa.Table, *, learn: bool) -> _Ints:
        """The (rows × key columns) ranks of ``table``'s keys, :data:`_NULL` for a null; a
        value seen first is ranked next when ``learn``, else raises KeyError."""
        n = table.num_rows
        out = np.full((n, len(KEY_COLUMNS)), _NULL, dtype=np.int64)
        for j, name in enumerate(KEY_COLUMNS):
            if name not in table.column_names:  # a column a normaliser does not give: null
                continue
            ranks = self.of[name]
            enc = pc.dictionary_encode(table.column(name)).combine_chunks()
            values = enc.dictionary.to_pylist()  # in order of first appearance
            if learn:
                for v in values:
                    ranks.setdefault(v, len(ranks))
            of_value = np.array([*(ranks[v] for v in values), _NULL], dtype=np.int64)
            idx = enc.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)
            out[:, j] = of_value[idx]
        return out


class _PresetKeys(KeyDictionary):
    """The key dictionary of a whole batch, its ids given up front: key ``i`` (from 1) is row
    ``i - 1`` of ``rows`` (its keys' ranks, sorted). :meth:`encode` finds a chunk's keys by
    one mixed-radix code per row and a binary search (no tuple per key and chunk)."""

    def __init__(self, ranks: _Ranks, rows: _Ints) -> None:
        super().__init__()
        values = {name: list(ranks.of[name]) for name in KEY_COLUMNS}
        for r in rows.tolist():
            key = tuple(
                None if x == _NULL else values[name][x]
                for name, x in zip(KEY_COLUMNS, r, strict=True)
            )
            self._ids[key] = len(self._ids) + 1
        self._ranks = ranks
        self._radix = [len(ranks.of[name]) + 1 for name in KEY_COLUMNS]
        fits = float(np.prod(np.array(self._radix, dtype=np.float64))) < 2.0**62
        self._codes = self._code(rows) if fits else None

    def _code(self, rows: _Ints) -> _Ints:
        """Mixed-radix code of rank rows (null → the column's last digit): ascending in the
        rows' lexicographic order, the order of the ids."""
        code = np.zeros(len(rows), dtype=np.int64)
        for j, radix in enumerate(self._radix):
            digit = np.where(rows[:, j] == _NULL, radix - 1, rows[:, j])
            code = code * radix + digit
        return code

    def encode(self, table: pa.Table) -> pa.Array:
        """The ``key_id`` of every row of ``table`` (every key is in the dictionary)."""
        if self._codes is None:
            return super().encode(table)
        try:
            code = self._code(self._ranks.rows(table, learn=False))
        except KeyError:
            return super().encode(table)
        at = np.searchsorted(self._codes, code)
        if len(code) and (at.max() >= len(self._codes) or (self._codes[at] != code).any()):
            return super().encode(table)  # a key not spooled: cannot happen
        return pa.array((at + 1).astype(np.int32), pa.int32())


class ActivitySpool:
    """Accepted activity rows written aside chunk by chunk (see the module docstring).

    Use as a context manager: the file is removed on leaving it, whatever happened.

    Attributes:
        path: the spool's Parquet file (``<workspace>/.import-<uuid>.parquet.tmp``).
        rows: activity rows spooled.
        source_rows: distinct spreadsheet rows those come from (chunks never share a row).
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / f"{SPOOL_PREFIX}{uuid.uuid4().hex}{SPOOL_SUFFIX}"
        self._writer: pq.ParquetWriter | None = None
        self.rows = 0
        self.source_rows = 0
        self._ranks = _Ranks()
        self._keys: _Ints | None = None  # sorted rank rows

    def __enter__(self) -> ActivitySpool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.remove()

    def add(self, table: pa.Table) -> None:
        """Spool one chunk of accepted activities (chunks come in file order)."""
        if not table.num_rows:
            return
        if self._writer is None:
            # lz4: read back once, soon; zstd's extra squeeze is not worth its time here
            self._writer = pq.ParquetWriter(self.path, table.schema, compression="lz4")
        elif table.schema != self._writer.schema:
            table = table.cast(self._writer.schema)
        self._writer.write_table(table)
        self.rows += table.num_rows
        self.source_rows += int(pc.count_distinct(table.column("source_row")).as_py())
        rows = _distinct(self._ranks.rows(table, learn=True))
        if self._keys is not None:
            rows = np.unique(np.vstack([self._keys, rows]), axis=0)
        self._keys = rows

    def reset(self) -> None:
        """Forget every chunk (the intake starts the file again another way)."""
        self.remove()
        self.rows = self.source_rows = 0
        self._ranks = _Ranks()
        self._keys = None

    def close(self) -> None:
        """Finish the file (after the last chunk; reading it needs its footer)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def remove(self) -> None:
        """Close and delete the file."""
        self.close()
        self.path.unlink(missing_ok=True)

    def chunks(self, columns: list[str] | None = None) -> Iterator[pa.Table]:
        """The spooled rows, :data:`READ_ROWS` at a time, in file order."""
        self.close()
        if not self.rows:
            return
        f = pq.ParquetFile(self.path)
        try:
            for batch in f.iter_batches(batch_size=READ_ROWS, columns=columns):
                yield pa.Table.from_batches([batch])
        finally:
            f.close()

    def table(self) -> pa.Table:
        """Every spooled row at once (a repair of a batch, not the import's path)."""
        self.close()
        return pq.read_table(self.path)

    def key_dictionary(self) -> KeyDictionary:
        """The key dictionary one encode of all the spooled rows would have built: keys in
        lexicographic order of their columns' first-appearance ranks, nulls last; each chunk's
        :meth:`~lingtan.core.activities.KeyDictionary.encode` then finds every key there.
        (``np.unique`` of the rank rows sorts them lexicographically; a null's rank is after
        every value's.)"""
        empty = np.zeros((0, len(KEY_COLUMNS)), dtype=np.int64)
        return _PresetKeys(self._ranks, empty if self._keys is None else self._keys)


def _distinct(rows: _Ints) -> _Ints:
    """The distinct rank rows, sorted lexicographically (``np.unique(rows, axis=0)``, which
    sorts every row: the rows are first told apart by one mixed-radix code each)."""
    if not len(rows):
        return rows
    top = rows.max(axis=0, initial=0)
    radix = [int(t) + 1 if t < _NULL else int(rows[rows[:, j] < _NULL, j].max(initial=0)) + 2
             for j, t in enumerate(top)]  # fmt: skip
    if float(np.prod(np.array(radix, dtype=np.float64))) < 2.0**62:
        code = np.zeros(len(rows), dtype=np.int64)
        for j, r in enumerate(radix):
            code = code * r + np.where(rows[:, j] == _NULL, r - 1, rows[:, j])
        _, first = np.unique(code, return_index=True)
        rows = rows[first]
    return np.unique(rows, axis=0)


def sweep_spools(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove spool files of ``folder`` not written for :data:`STALE_AFTER` seconds (left by
    a killed import; a running import's spool is younger). Returns the paths removed."""
    removed: list[Path] = []
    t = time.time() if now is None else now
    for p in folder.glob(f"{SPOOL_PREFIX}*{SPOOL_SUFFIX}"):
        try:
            if t - os.stat(p).st_mtime > STALE_AFTER:
                p.unlink(missing_ok=True)
                removed.append(p)
        except OSError:
            continue
    return removed
