"""The reconciliation use case (``services.reconcile``): one composition for ``lingtan
reconcile``, ``lingtan demo``, the API and the web page, on any context; errors are
``ServiceError`` only."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.adapters.io.published_figures import FIGURES_PATH
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.services.reconcile import figures_file, reconcile_report, reconcile_workspace

YEAR = "FY2023/24"


@pytest.fixture(scope="module")
def disclosed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from lingtan.adapters.demo.disclosed import write_disclosed_workspace
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate

    path = tmp_path_factory.mktemp("reconcile") / "disclosed"
    write_disclosed_workspace(path)
    ctx = LocalContext(path)
    import_file(ctx.workspace(), path / "disclosed_inventory.csv")
    calculate(ctx, YEAR)
    ctx.workspace().engine.dispose()
    return path


def test_the_command_line_and_the_server_get_the_same_findings(disclosed: Path) -> None:
    ctx = LocalContext(disclosed)
    rep = reconcile_workspace(ctx, years=[YEAR])
    doc = reconcile_report(ctx, YEAR)
    assert rep.source.endswith(FIGURES_PATH.as_posix())  # the file's path
    assert doc["source"] == FIGURES_PATH.as_posix()
    assert doc["findings"] == rep.to_dict()["findings"]
    assert {f.figure.fiscal_year for f in rep.findings} == {YEAR}
    assert doc["counts"]["missing"] == 0  # FY2023/24 is calculated
    # another year is not calculated: its figures are "missing", not an error
    older = reconcile_workspace(ctx, years=["FY2022/23"])
    assert older.findings
    assert {f.status.value for f in older.findings} <= {"missing", "input"}
    name, data = figures_file(ctx)
    assert name == FIGURES_PATH.name
    assert data


def test_bad_input_is_a_service_error(disclosed: Path, tmp_path: Path) -> None:
    ctx = LocalContext(disclosed)
    with pytest.raises(ServiceError) as exc:
        reconcile_workspace(ctx, tolerance=-1)
    assert (exc.value.kind, exc.value.field) == ("invalid", "tolerance")
    with pytest.raises(ServiceError) as exc:
        reconcile_report(ctx, "FY2023/25")
    assert (exc.value.kind, exc.value.field) == ("invalid", "fiscal_year")
    assert exc.value.message.startswith("fiscal year 'FY2023/25': ")
    bad = tmp_path / "figures.csv"
    bad.write_text("id,nonsense\n1,2\n", encoding="utf-8")
    with pytest.raises(ServiceError) as exc:
        reconcile_workspace(ctx, bad)
    assert (exc.value.kind, exc.value.field) == ("invalid", "file")
    with pytest.raises(ServiceError) as exc:
        reconcile_workspace(LocalContext(tmp_path / "nowhere"))
    assert exc.value.kind == "invalid"
