"""Running the engine's stages on a backend, with each stage's SQL compiled once on DuckDB.

Every step of :mod:`lingtan.adapters.compute.engine` after the scan of the batch files is a
*stage*: a pure function of a few Ibis tables and literal parameters, returning one Ibis
expression (:data:`Builder`). :class:`Stages` runs them:

* **Compiled** (DuckDB, summed calculation): each input table is an Arrow table (or a Parquet
  file) registered on the connection under a fixed name, the stage is built over unbound tables of
  those names and compiled to SQL *once per shape*: the SQL text is kept in the process and in the
  on-disk cache (:mod:`lingtan.adapters.io.cache`), keyed by the stage function, its literal
  parameters, the names and schemas of its input tables, the bytes of the modules that define the
  stages and the Ibis and DuckDB versions — so a cached SQL text can never belong to other code or
  other parameters. Building and compiling Ibis expressions costs about 0.3 s per calculation on
  the benchmark machine (docs/benchmarks.md); running cached SQL costs nothing extra.
* **Direct** (any other backend, e.g. PySpark, and the per-row lineage calculation): the stage is
  built over Ibis in-memory tables or expressions and executed as usual.

Both modes run the same stage functions, so results do not depend on the mode (the Spark parity
test and the totals-versus-rows test check it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pyarrow as pa

#: A stage: Ibis tables (positional) and literal parameters (keywords) → one expression.
Builder = Callable[..., ir.Table]

#: Modules (in this package) whose code builds stage expressions: part of every SQL key.
_STAGE_MODULES = ("aggregate.py", "engine.py", "quality.py", "stages.py", "tables.py")

_SQL: dict[str, tuple[str, pa.Schema]] = {}


@lru_cache(maxsize=1)
def code_key() -> str:
    """sha256 of the stage modules' bytes and the Ibis and DuckDB versions."""
    import duckdb

    h = hashlib.sha256(f"{ibis.__version__}\0{duckdb.__version__}\0".encode())
    here = Path(__file__).resolve().parent
    for name in _STAGE_MODULES:
        h.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    return h.hexdigest()


def stage_key(build: Builder, tables: tuple[ir.Table, ...], params: dict[str, Any]) -> str:
    """The key of one stage's SQL: function, input names and schemas, parameters, code."""
    from lingtan.adapters.io.cache import content_key

    parts: list[str] = [code_key(), build.__module__, build.__qualname__]
    for t in tables:
        parts += [t.get_name(), repr(t.schema())]
    parts += [f"{k}={v!r}" for k, v in sorted(params.items())]
    return content_key(parts)


class Stages:
    """Runs stages on one connection (see the module docstring for the two modes)."""

    def __init__(self, con: ibis.BaseBackend, *, compiled: bool) -> None:
        self.con = con
        self.compiled = compiled and con.name == "duckdb"
        #: the DuckDB connection compiled stages run on
        self.db: Any = con.con if self.compiled else None

    def table(self, name: str, data: pa.Table) -> ir.Table:
        """``data`` as a stage input: registered as ``name`` (compiled), else in memory."""
        if not self.compiled:
            # one chunk per column: PySpark's Arrow path cannot take multi-chunk pandas columns
            return ibis.memtable(data.combine_chunks())
        self.db.register(name, data)
        return ibis.table(ibis.Schema.from_pyarrow(data.schema), name=name)

    def parquet(self, name: str, path: Path | str) -> ir.Table:
        """A Parquet file as a stage input (a view named ``name`` when compiled)."""
        if not self.compiled:
            return self.con.read_parquet(str(path))
        import pyarrow.parquet as pq

        quoted = "'" + str(path).replace("'", "''") + "'"
        self.db.execute(
            f'CREATE OR REPLACE TEMP VIEW "{name}" AS SELECT * FROM read_parquet({quoted})'
        )
        return ibis.table(ibis.Schema.from_pyarrow(pq.read_schema(path)), name=name)

    def fetch(self, build: Builder, *tables: ir.Table, **params: Any) -> pa.Table:
        """Run the stage ``build(*tables, **params)`` and return its rows."""
        if not self.compiled:
            return build(*tables, **params).to_pyarrow()
        for t in tables:
            if not isinstance(t.op(), ops.UnboundTable):
                raise TypeError(f"stage {build.__qualname__}: inputs must be Stages.table()s")
        key = stage_key(build, tables, params)
        sql, schema = _SQL.get(key) or self._compile(key, lambda: build(*tables, **params))
        return self.db.sql(sql).to_arrow_table().cast(schema)

    def bound(self, t: ir.Table) -> ir.Table:
        """``t`` as an ordinary table of the connection (compiled mode's inputs are unbound)."""
        if self.compiled and isinstance(t.op(), ops.UnboundTable):
            return self.con.table(t.get_name())
        return t

    def _compile(self, key: str, expr: Callable[[], ir.Table]) -> tuple[str, pa.Schema]:
        from lingtan.adapters.io.cache import cached

        def build() -> tuple[str, pa.Schema]:
            e = expr()
            return str(self.con.compile(e)), e.schema().to_pyarrow()

        _SQL[key] = value = cached("engine-sql", key, build)
        return value


def numbered(t: ir.Table, keys: Sequence[str], name: str) -> tuple[ir.Table, ir.Table]:
    """``t`` with its ``keys`` replaced by one integer column ``name`` (their dense rank: equal
    keys, equal numbers, nulls included), and the table of the distinct keys with their number.
    Grouping and joining on one integer is much cheaper than on several text columns."""
    t = t.mutate(**{name: ibis.dense_rank().over(order_by=list(keys))})
    return t.drop(*keys), t.select(name, *keys).distinct()


__all__ = ["Builder", "Stages", "code_key", "numbered", "stage_key"]
