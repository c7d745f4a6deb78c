"""The on-disk factor cache: keyed by content, so never stale; broken entries are rebuilt."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.adapters.io import library as runner
from lingtan.adapters.io.cache import CACHE_ENV, cached
from lingtan.adapters.store.workspace import init_workspace

SET = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,valid_to,gwp_set,publisher,"
    "dataset,edition,table,version,price_year,description\n"
    "acme/widget,material.widget,GLO,kg,CO2e,{value},2020-01-01,,AR5,ACME,PCF,2023,,1,,widget\n"
)


def test_changed_user_set_is_reread_not_served_stale(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", organisation="T", region="GB")
    path = ws.factors_dir / "acme.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text(SET.format(value="2.5"))
    a = runner.load_library(ws)
    runner._user_set.cache_clear()  # a fresh process: only the disk cache remains
    b = runner.load_library(ws)
    assert a == b
    assert a.cache_key
    path.write_text(SET.format(value="3.5"))
    runner._user_set.cache_clear()
    c = runner.load_library(ws)
    assert [f.value for f in c.factors if f.set_name == "acme"] == [3.5]
    assert c.cache_key != a.cache_key
    assert c.set_hashes["acme"] != a.set_hashes["acme"]


def test_corrupt_entry_is_rebuilt_and_cache_can_be_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "c"))
    assert cached("t", "k", lambda: [1]) == [1]
    (entry,) = (tmp_path / "c" / "t").iterdir()
    entry.write_bytes(b"not a pickle")
    assert cached("t", "k", lambda: [2]) == [2]  # rebuilt
    assert cached("t", "k", lambda: [3]) == [2]  # and stored again
    monkeypatch.setenv(CACHE_ENV, "off")
    assert cached("t", "k", lambda: [4]) == [4]
