"""The bounded per-process memo (issue 14 item 5) and ``lingtan.yaml`` parsed once per
content: a changed file is read again even when its size and modification time are unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lingtan.adapters.store.config import DEFAULT_CONFIG, read_config
from lingtan.adapters.store.memo import Memo
from lingtan.core.errors import WorkspaceError


def test_memo_keeps_the_most_recently_used() -> None:
    memo: Memo[str, int] = Memo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # a is now the most recently used
    memo.put("c", 3)  # evicts b
    assert memo.held_keys() == ["a", "c"]
    assert memo.get("b") is None
    built: list[str] = []

    def build() -> int:
        built.append("b")
        return 20

    assert memo.get_or_build("b", build) == 20
    assert memo.get_or_build("b", build) == 20
    assert built == ["b"]  # built once
    assert memo.held_keys() == ["c", "b"]
    assert (memo.hits, memo.misses) == (2, 2)  # a; b twice (absent, then built); b
    assert len(memo) == 2
    memo.clear()
    assert (len(memo), memo.hits, memo.misses) == (0, 0, 0)
    with pytest.raises(ValueError, match="size"):
        Memo(0)


def _workspace(tmp_path: Path) -> Path:
    text = DEFAULT_CONFIG.format(organisation="Acme", region="CN", start_month=4, country="CN")
    (tmp_path / "lingtan.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_config_change_of_same_size_and_time_is_read(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    path = ws / "lingtan.yaml"
    first = read_config(ws)
    assert first.gwp_set == "AR5"
    assert read_config(ws) == first  # the parsed configuration, from the memo
    stat = path.stat()
    path.write_text(path.read_text("utf-8").replace("gwp_set: AR5", "gwp_set: AR6"), "utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time
    assert path.stat().st_size == stat.st_size
    assert read_config(ws).gwp_set == "AR6"


def test_each_reader_gets_its_own_raw_document(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    one = read_config(ws)
    one.raw["sites"].append({"id": "X"})
    one.raw["organisation"] = "Changed"
    two = read_config(ws)
    assert two.raw["organisation"] == "Acme"
    assert [s["id"] for s in two.raw["sites"]] == ["HQ"]


def test_invalid_or_missing_configuration_is_refused_each_time(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    read_config(ws)
    (ws / "lingtan.yaml").write_text("gwp_set: AR9\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(WorkspaceError, match="gwp_set: must be one of"):
            read_config(ws)
    (ws / "lingtan.yaml").unlink()
    with pytest.raises(WorkspaceError, match="not a lingtan workspace"):
        read_config(ws)
