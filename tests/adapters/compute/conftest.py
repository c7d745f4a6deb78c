"""Engine fixtures: the Ibis backends the engine runs on (decision 0047).

``backend`` runs a test on DuckDB (in-process, the default) and on Apache Spark through Ibis's
PySpark backend (the ``spark`` extra, docs/scale-out.md). ``spark`` is one local Spark session per
pytest worker: starting the JVM costs seconds, so every module of the worker shares it.

Needs the ``spark`` extra (``pip install -e '.[dev,spark]'``) and Java 17. When ``CI`` is set a
missing piece is a failure; locally the PySpark half is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import ibis
import pytest

#: The Ibis backends the engine is tested on.
BACKENDS = ("duckdb", "pyspark")

#: Settings of the test session on top of lingtan's (``compute.spark.SPARK_CONF``): two cores,
#: no UI, loopback only, and the cheapest plans for tables of a few rows.
TEST_SPARK_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    # tiny data: compiling whole-stage code and C2-JITting cost more than they save
    "spark.sql.codegen.wholeStage": "false",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}


def require_spark() -> str:
    """JAVA_HOME for the Spark JVM; fail under CI, skip locally, when pyspark or Java is missing."""
    why = None
    java = shutil.which("java")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        why = "pyspark is not installed (pip install -e '.[dev,spark]')"
    if why is None and not java and not os.environ.get("JAVA_HOME"):
        why = "no Java runtime (java not on PATH and JAVA_HOME unset); Spark needs Java 17"
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(f"Spark tests cannot run under CI: {why}", pytrace=False)
        pytest.skip(why)
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    assert java is not None
    return str(Path(java).resolve().parents[1])  # …/jvm/java-17-openjdk-amd64/bin/java


@pytest.fixture(scope="session")
def spark() -> Iterator[ibis.BaseBackend]:
    """One local Spark session for the pytest worker, as an Ibis connection with lingtan's
    settings (:func:`lingtan.adapters.compute.spark.connect_spark`); stopped at the end."""
    java_home = require_spark()
    os.environ.setdefault("JAVA_HOME", java_home)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    from lingtan.adapters.compute.spark import SPARK_CONF, connect_spark

    builder = SparkSession.builder.master("local[2]").appName("lingtan-tests")
    for key, value in {**SPARK_CONF, **TEST_SPARK_CONF}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield connect_spark(session)
    finally:
        session.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> ibis.BaseBackend:
    """An Ibis connection the engine runs on: a fresh in-process DuckDB, or the worker's
    Spark session."""
    if request.param == "pyspark":
        con: ibis.BaseBackend = request.getfixturevalue("spark")
        return con
    return ibis.duckdb.connect()
