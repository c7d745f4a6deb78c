"""What a calculation reads from files besides the activity batches: the factor library (bundled
sets, then the workspace's own ``factors/``), the GWP sets, the contractual instruments of the
import batches and the workspace's reference tables (exchange rates, price indices).

Reading is cached: the bundled library and every user factor set are parsed once per file
version in a process and kept by content in the on-disk cache across processes
(:mod:`lingtan.adapters.io.cache`). :func:`factor_set_hash` is the content hash of a factor set
that goes into a snapshot's id (a changed value, date, unit or source gives a new snapshot).
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyarrow.parquet as pq

from lingtan.adapters.i18n.rows import file_error
from lingtan.adapters.store.snapshots import factors_table
from lingtan.adapters.store.workspace import Workspace
from lingtan.core.factors import EmissionFactor
from lingtan.core.gwp import GWPSet
from lingtan.core.messages import msg
from lingtan.core.methods.scope2_market import Instrument

#: A reference series: (year, ISO 4217 currency) → value (units per USD, or a price index).
ReferenceSeries = dict[tuple[int, str], float]


@dataclass(frozen=True)
class Library:
    """The factors a workspace can use: bundled sets, then the workspace's own sets.

    ``cache_key`` is a content key of every file the library was read from (bundled data and the
    workspace's sets): equal keys, equal libraries (:mod:`lingtan.adapters.io.cache`)."""

    factors: tuple[EmissionFactor, ...]
    set_hashes: dict[str, str]
    gwp_sets: dict[str, GWPSet]
    cache_key: str = ""

    def activity_types(self) -> frozenset[str]:
        """Every activity type with at least one factor."""
        return frozenset(f.activity_type for f in self.factors)


@lru_cache(maxsize=1)
def _bundled_key() -> str:
    """Content key of the bundled factor and GWP files."""
    from importlib import resources

    from lingtan.adapters.io.cache import content_key

    parts: list[bytes | str] = []
    for sub in ("factors", "gwp"):
        folder = resources.files("lingtan").joinpath("data", sub)
        for t in sorted((t for t in folder.iterdir() if t.is_file()), key=lambda t: t.name):
            parts += [f"{sub}/{t.name}", t.read_bytes()]
    return content_key(parts)


@lru_cache(maxsize=1)
def _bundled() -> tuple[tuple[EmissionFactor, ...], dict[str, str], dict[str, GWPSet]]:
    from lingtan.adapters.io.cache import cached

    return cached("library-bundled", _bundled_key(), _read_bundled)


def bundled_factors() -> tuple[EmissionFactor, ...]:
    """Every factor of the sets bundled with lingtan (no workspace sets)."""
    return _bundled()[0]


def _read_bundled() -> tuple[tuple[EmissionFactor, ...], dict[str, str], dict[str, GWPSet]]:
    from lingtan.adapters.io.factor_files import bundled_factor_sets, read_gwp_sets

    factors: list[EmissionFactor] = []
    hashes: dict[str, str] = {}
    for fs in bundled_factor_sets():
        factors.extend(fs.factors)
        hashes[fs.name] = factor_set_hash(fs.factors)
    return tuple(factors), hashes, read_gwp_sets()


def factor_set_hash(factors: tuple[EmissionFactor, ...] | list[EmissionFactor]) -> str:
    """Content hash of a factor set: changes when any value, date, unit or source changes."""
    h = hashlib.sha256()
    for f in sorted(factors, key=lambda f: (f.factor_id, f.gas, f.valid_from)):
        h.update(
            repr(
                (
                    f.factor_id,
                    f.activity_type,
                    f.region,
                    f.unit,
                    f.gas,
                    f.value,
                    f.valid_from,
                    f.valid_to,
                    f.gwp_set,
                    f.version,
                    f.price_year,
                    str(f.source),
                )
            ).encode()
        )
    return h.hexdigest()


def load_library(ws: Workspace) -> Library:
    """Bundled factor sets plus every set in the workspace's ``factors/`` folder."""
    from lingtan.adapters.io.cache import content_key

    factors, hashes, gwp = _bundled()
    all_factors = list(factors)
    hashes = dict(hashes)
    keys = [_bundled_key()]
    if ws.factors_dir.is_dir():
        for path in sorted(ws.factors_dir.iterdir()):
            if path.suffix.lower() not in (".csv", ".yaml", ".yml"):
                continue
            if path.suffix.lower() != ".csv" and path.with_suffix(".csv").exists():
                continue  # manifest of a CSV set
            st = path.stat()
            name, set_factors, set_hash, key = _user_set(
                path, st.st_mtime_ns, st.st_size, _manifest_stat(path)
            )
            all_factors.extend(set_factors)
            hashes[name] = set_hash
            keys.append(key)
    return Library(tuple(all_factors), hashes, gwp, content_key(keys))


def _set_files(path: Path) -> list[Path]:
    """The files a user set at ``path`` is read from (the file and its CSV / manifest)."""
    return [path, *(path.with_suffix(s) for s in (".csv", ".yaml", ".yml") if s != path.suffix)]


def _manifest_stat(path: Path) -> tuple[tuple[int, int], ...]:
    out = []
    for p in _set_files(path)[1:]:
        try:
            st = p.stat()
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((0, -1))
    return tuple(out)


@lru_cache(maxsize=64)
def _user_set(
    path: Path, mtime_ns: int, size: int, others: tuple[tuple[int, int], ...]
) -> tuple[str, tuple[EmissionFactor, ...], str, str]:
    """A user factor set's name, factors, :func:`factor_set_hash` and content key: parsed once
    per file version in the process (path, mtime, size of the set's files), and kept in the
    on-disk cache by content across processes."""
    from lingtan.adapters.io.cache import cached, file_key
    from lingtan.adapters.io.factor_files import read_user_factor_set

    del mtime_ns, size, others  # part of the in-process cache key only
    key = f"{_bundled_key()}:{file_key(_set_files(path))}"

    def build() -> tuple[str, tuple[EmissionFactor, ...], str]:
        fs = read_user_factor_set(path)
        return fs.name, tuple(fs.factors), factor_set_hash(fs.factors)

    name, factors, set_hash = cached("library-user-set", key, build)
    return name, factors, set_hash, key


def write_snapshot_factors(lib: Library, path: Path) -> None:
    """The snapshot's frozen factors (:func:`~lingtan.adapters.store.snapshots.factors_table`,
    zstd Parquet) written to ``path``, copied from the on-disk cache (one file per library
    content) when possible."""
    from lingtan.adapters.io.cache import cached_file

    def build(p: Path) -> None:
        pq.write_table(factors_table(lib.factors), p, compression="zstd")

    src = (
        cached_file("snapshot-factors", lib.cache_key, ".parquet", build) if lib.cache_key else None
    )
    if src is None:
        build(path)
    else:
        shutil.copyfile(src, path)


def read_money_series(ws: Workspace) -> tuple[ReferenceSeries, ReferenceSeries]:
    """The workspace's exchange rates (units per USD) and price indices, from
    ``reference/fx_rates.csv`` and ``reference/price_index.csv`` (both optional: empty when
    absent). The engine layers them over the series bundled with lingtan
    (``compute.tables.with_reference_defaults``).

    Raises:
        InputFileError: a file is malformed (naming file, row and column).
    """
    per_usd = read_reference(ws.reference_dir / "fx_rates.csv", "per_usd")
    index = read_reference(ws.reference_dir / "price_index.csv", "index")
    return per_usd, index


def read_reference(path: Path, value_col: str) -> ReferenceSeries:
    """One reference table (columns ``year``, ``currency`` and ``value_col``, values > 0);
    empty when the file does not exist.

    Raises:
        InputFileError: a column is missing or a value is malformed or not positive.
    """
    out: ReferenceSeries = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        need = {"year", "currency", value_col}
        if not reader.fieldnames or not need <= set(reader.fieldnames):
            raise file_error(
                str(path), msg("reader.reference.columns", columns=tuple(sorted(need)))
            )
        for i, row in enumerate(reader, start=2):
            for col, kind in (("year", int), (value_col, float)):
                try:
                    kind(row[col] or "")
                except (TypeError, ValueError) as exc:
                    why = msg("reader.reference.not_number", row=i, column=col,
                              value=repr(row[col] or ""))  # fmt: skip
                    raise file_error(str(path), why) from exc
            key = (int(row["year"]), (row["currency"] or "").strip().upper())
            value = float(row[value_col])
            if not value > 0:
                why = msg("reader.reference.not_positive", row=i, column=value_col)
                raise file_error(str(path), why)
            out[key] = value
    return out


def load_instruments(ws: Workspace) -> list[Instrument]:
    """Contractual instruments of every active import batch."""
    return instruments_from_files(ws.instrument_files())


def instruments_from_files(paths: Sequence[Path]) -> list[Instrument]:
    """Contractual instruments stored in batch Parquet files (``INSTRUMENT_SCHEMA``)."""
    return [
        Instrument(
            instrument_id=str(r["instrument_id"]),
            type=str(r["type"]),
            quantity_kwh=float(r["quantity_kwh"]),
            rate=float(r["emission_rate_kg_per_kwh"] or 0.0),
            region=str(r["region"] or ""),
            site=r["site"] or None,
            vintage_start=r["vintage_start"],
            vintage_end=r["vintage_end"],
        )
        for path in paths
        for r in pq.read_table(path).to_pylist()
    ]
