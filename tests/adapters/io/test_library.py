"""The factor library and the other files a calculation reads (``io.library``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lingtan.adapters.io.library import (
    bundled_factors,
    factor_set_hash,
    instruments_from_files,
    load_library,
    read_money_series,
    read_reference,
    write_snapshot_factors,
)
from lingtan.adapters.store.snapshots import factors_from_table
from lingtan.adapters.store.workspace import init_workspace
from lingtan.core.errors import InputFileError

SET = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,valid_to,gwp_set,publisher,"
    "dataset,edition,table,version,price_year,description\n"
    "acme/widget,material.widget,GLO,kg,CO2e,2.5,2020-01-01,,AR5,ACME,PCF,2023,,1,,widget\n"
)


def test_library_is_bundled_sets_then_workspace_sets(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", organisation="T", region="GB")
    bare = load_library(ws)
    assert bare.factors == bundled_factors()
    assert {"AR4", "AR5", "AR6"} <= set(bare.gwp_sets)
    ws.factors_dir.mkdir(exist_ok=True)
    (ws.factors_dir / "acme.csv").write_text(SET, encoding="utf-8")
    lib = load_library(ws)
    assert lib.factors[: len(bare.factors)] == bare.factors
    (own,) = lib.factors[len(bare.factors) :]
    assert own.factor_id == "acme/widget"
    assert own.value == 2.5
    assert lib.set_hashes["acme"] == factor_set_hash([own])
    assert "material.widget" in lib.activity_types()
    assert lib.cache_key != bare.cache_key


def test_factor_set_hash_follows_content_not_order() -> None:
    fs = list(bundled_factors()[:20])
    assert factor_set_hash(fs) == factor_set_hash(list(reversed(fs)))
    changed = [replace(fs[0], value=fs[0].value * 2), *fs[1:]]
    assert factor_set_hash(changed) != factor_set_hash(fs)


def test_reference_tables(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", organisation="T", region="GB")
    assert read_money_series(ws) == ({}, {})  # both optional
    ws.reference_dir.mkdir(exist_ok=True)
    (ws.reference_dir / "fx_rates.csv").write_text(
        "year,currency,per_usd\n2023, cny ,7.08\n", encoding="utf-8"
    )
    assert read_money_series(ws) == ({(2023, "CNY"): 7.08}, {})
    bad = tmp_path / "bad.csv"
    bad.write_text("year,currency,index\n2023,USD,0\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="column 'index': must be > 0"):
        read_reference(bad, "index")
    with pytest.raises(InputFileError, match="needs columns"):
        read_reference(bad, "per_usd")


def test_instruments_from_batch_files(tmp_path: Path) -> None:
    path = tmp_path / "i.parquet"
    pq.write_table(
        pa.table({
            "instrument_id": ["g1"], "type": ["green_certificate"], "quantity_kwh": [1000.0],
            "emission_rate_kg_per_kwh": [None], "region": ["CN"], "site": [""],
            "vintage_start": [date(2023, 1, 1)], "vintage_end": [date(2023, 12, 31)],
        }),
        path,
    )  # fmt: skip
    (i,) = instruments_from_files([path])
    assert (i.instrument_id, i.quantity_kwh, i.rate, i.site) == ("g1", 1000.0, 0.0, None)


def test_snapshot_factors_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINGTAN_CACHE_DIR", str(tmp_path / "cache"))
    lib = load_library(init_workspace(tmp_path / "ws", organisation="T", region="GB"))
    for name in ("a.parquet", "b.parquet"):  # built once, then copied from the cache
        write_snapshot_factors(lib, tmp_path / name)
        assert factors_from_table(pq.read_table(tmp_path / name)) == list(lib.factors)
