"""Running the engine on Apache Spark (the ``spark`` extra): session settings and the connection.

The engine is one Ibis expression, so :func:`lingtan.adapters.compute.engine.calculate` runs
unchanged on an Ibis PySpark connection. Two Spark settings matter for correct results (see
docs/scale-out.md):

* Arrow for pandas conversion. Ibis hands the small lookup tables (factors, units, regions …) to
  Spark as pandas frames and reads small results back through pandas. Without Arrow, PySpark 4.0
  with pandas 3 turns nullable integer columns into NULL and missing strings into ``"NaN"``
  silently; with Arrow the round trip is exact. Fallback to the non-Arrow path is disabled so a
  conversion problem fails loudly instead.
* UTC session time zone, so activity dates never shift across a day boundary.

Nothing here imports pyspark at module level: the base install does not need it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from lingtan.core.errors import LingtanError

#: Spark SQL settings without which results can be silently wrong (checked by the engine).
REQUIRED_CONF: dict[str, str] = {
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
}

#: Spark SQL settings lingtan applies to a session it computes with.
SPARK_CONF: dict[str, str] = {**REQUIRED_CONF, "spark.sql.session.timeZone": "UTC"}


def connect_spark(session: Any) -> ibis.BaseBackend:
    """An Ibis connection on ``session`` (a ``pyspark.sql.SparkSession``), with
    :data:`SPARK_CONF` applied (these are runtime SQL settings: safe on a running session)."""
    for key, value in SPARK_CONF.items():
        session.conf.set(key, value)
    return ibis.pyspark.connect(session)


def check_backend(con: ibis.BaseBackend) -> None:
    """Refuse a PySpark connection whose session would corrupt the small tables.

    Raises:
        LingtanError: a setting of :data:`REQUIRED_CONF` is not set on the session.
    """
    if con.name != "pyspark":
        return
    conf = con._session.conf  # the connection's SparkSession
    wrong = [k for k, v in REQUIRED_CONF.items() if str(conf.get(k, "")).lower() != v]
    if wrong:
        raise LingtanError(
            "the Spark session lacks settings lingtan needs for exact results: "
            + ", ".join(f"{k}={REQUIRED_CONF[k]}" for k in wrong)
            + " (use lingtan.adapters.compute.spark.connect_spark(session))"
        )


def read_parquet_files(con: ibis.BaseBackend, paths: Sequence[str]) -> ir.Table:
    """Parquet files (local paths or ``s3a://`` / ``abfss://`` … URIs) as one Ibis table, read by
    Spark in a single scan. (A union of one ``read_parquet`` per batch file makes every query
    plan one scan per file: several times slower already with tens of batches.)"""
    # columns matched by name over every file: one written before a column existed (e.g.
    # ``supplier``, decision 0044) gives nulls in it instead of hiding it from the others
    df = con._session.read.option("mergeSchema", "true").parquet(*paths)
    name = ibis.util.gen_name("lingtan_activities")
    df.createOrReplaceTempView(name)
    return con.table(name)


__all__ = ["REQUIRED_CONF", "SPARK_CONF", "check_backend", "connect_spark", "read_parquet_files"]
