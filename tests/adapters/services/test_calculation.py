"""The calculation use case (``services.calculation``): parsed once, read once, runtime recorded."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from lingtan.adapters.io import library
from lingtan.adapters.io.importer import import_file
from lingtan.adapters.services import calculation
from lingtan.adapters.services.calculation import (
    calculate,
    calculate_workspace,
    calculate_year,
    inputs_description,
    latest_inventory,
    snapshot_id,
    stored_snapshots,
)
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.config import WorkspaceConfig
from lingtan.adapters.store.snapshots import RUNTIME_KEY, SNAPSHOT_INPUTS
from lingtan.adapters.store.workspace import Workspace, init_workspace
from lingtan.core.errors import WorkspaceError

YEAR = "FY2023/24"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = init_workspace(tmp_path / "ws", organisation="Test Co", region="CN")
    elec = tmp_path / "electricity.csv"
    elec.write_text("site,date,quantity,unit\nHQ,2023-05-01,200,MWh\n", encoding="utf-8")
    assert import_file(w, elec).rows_accepted == 1
    return w


def test_context_and_workspace_calculations_agree(ws: Workspace) -> None:
    by_ctx = calculate(LocalContext.of(ws), YEAR)
    again = calculate_year(ws, "2023/24")  # another label of the same fiscal year
    assert by_ctx.fiscal_year == YEAR
    assert again.snapshot_id == by_ctx.snapshot_id  # unchanged inputs: the snapshot is reused
    assert again.to_dict() == by_ctx.to_dict()
    assert latest_inventory(LocalContext.of(ws), YEAR).to_dict() == by_ctx.to_dict()
    assert latest_inventory(ws, YEAR).snapshot_id == by_ctx.snapshot_id
    (listed,) = stored_snapshots(ws, YEAR)
    assert listed[0].id == by_ctx.snapshot_id
    assert listed[1].complete == by_ctx.completeness.complete


def test_fiscal_year_is_parsed_once(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    parse = WorkspaceConfig.period

    def counting(self: WorkspaceConfig, label: str) -> object:
        calls.append(label)
        return parse(self, label)

    monkeypatch.setattr(WorkspaceConfig, "period", counting)
    calculate_year(ws, YEAR)
    assert calls == [YEAR]


def test_inputs_are_read_once(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    counts = {"library": 0, "instruments": 0, "money": 0}

    def count(name: str, fn: object) -> object:
        def wrapped(*args: object, **kwargs: object) -> object:
            counts[name] += 1
            return fn(*args, **kwargs)  # type: ignore[operator]

        return wrapped

    monkeypatch.setattr(calculation, "load_library", count("library", library.load_library))
    monkeypatch.setattr(
        calculation, "load_instruments", count("instruments", library.load_instruments)
    )
    monkeypatch.setattr(calculation, "read_money_series", count("money", library.read_money_series))
    calculate_year(ws, YEAR)
    assert counts == {"library": 1, "instruments": 1, "money": 1}
    calculate_year(ws, YEAR)  # reused snapshot: only the library (hashed into the id) is read
    assert counts == {"library": 2, "instruments": 1, "money": 1}


def test_snapshot_records_runtime_versions_outside_its_id(ws: Workspace) -> None:
    import duckdb
    import ibis
    import numpy
    import pyarrow

    inv = calculate_year(ws, YEAR)
    (snap,) = ws.snapshots(YEAR)
    stored: dict[str, Any] = dict(snap.inputs)
    runtime: dict[str, str] = stored.pop(RUNTIME_KEY)
    assert runtime["duckdb"] == duckdb.__version__
    assert runtime["ibis"] == ibis.__version__
    assert runtime["numpy"] == numpy.__version__
    assert runtime["pyarrow"] == pyarrow.__version__
    assert runtime["python"].count(".") == 2
    assert runtime["lingtan"] == stored["lingtan_version"]
    # the id is the hash of the description without the runtime versions
    assert snap.id == inv.snapshot_id == snapshot_id(stored)
    expected = hashlib.sha256(json.dumps(stored, sort_keys=True, default=str).encode())
    assert snap.id == expected.hexdigest()
    lib = library.load_library(ws)
    assert stored == inputs_description(ws, ws.config.period(YEAR), ws.config.gwp_set, lib)
    # the folder's manifest holds the same
    manifest = json.loads((ws.snapshots_dir / snap.id / SNAPSHOT_INPUTS).read_text("utf-8"))
    assert manifest[RUNTIME_KEY] == runtime
    assert {k: v for k, v in manifest.items() if k != RUNTIME_KEY} == json.loads(
        json.dumps(stored, default=str)
    )


def test_unknown_gwp_set_is_refused(ws: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="unknown GWP set XX"):
        calculate_workspace(ws, ws.config.period(YEAR), gwp_set="xx")


class _Viewer:
    """A context whose role may read but not edit (as a viewer's request would be)."""

    actor = "user:viewer@example.invalid"

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def workspace(self) -> Workspace:
        return self._ws

    def can(self, action: str) -> bool:
        return action == "read"

    def require(self, action: str) -> None:
        from lingtan.adapters.services.errors import forbidden

        if not self.can(action):
            raise forbidden(f"a viewer may not {action}")


def test_a_context_that_may_not_edit_cannot_calculate(ws: Workspace) -> None:
    from lingtan.adapters.services.errors import ServiceError

    with pytest.raises(ServiceError) as info:
        calculate(_Viewer(ws), YEAR)
    assert info.value.kind == "forbidden"
    assert ws.snapshots() == []  # nothing was written
