"""The targets use cases (``services.targets``, decision 0049): one composition of a programme
with the workspace's emissions for the command line (a targets file named on the command line)
and the server (the stored ``targets.yaml``); errors are ``ServiceError`` only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lingtan.adapters.io.importer import import_file
from lingtan.adapters.services import targets as svc
from lingtan.adapters.services.calculation import calculate
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.store.workspace import init_workspace

S12 = Path(__file__).parents[1] / "api" / "targets_s12.yaml"
YEAR = "FY2022/23"  # a year the targets file gives no emissions for


@pytest.fixture
def ctx(tmp_path: Path) -> LocalContext:
    init_workspace(tmp_path / "ws", organisation="Test Co", region="CN", start_month=4)
    elec = tmp_path / "electricity.csv"
    elec.write_text("site,date,quantity,unit\nHQ,2022-05-01,200,MWh\n", encoding="utf-8")
    c = LocalContext(tmp_path / "ws")
    assert import_file(c.workspace(), elec).rows_accepted == 1
    calculate(c, YEAR)
    return c


def test_the_stored_file_and_a_named_file_get_the_same_emissions(ctx: LocalContext) -> None:
    shutil.copy(S12, ctx.workspace().path / svc.TARGETS_FILE)
    stored, sha, notes = svc.programme(ctx)  # the server's way: every calculated year
    named = svc.file_programme(S12, ctx, years=[YEAR])  # the CLI's: the years asked for
    assert notes == []
    assert len(sha) == 64
    assert stored.emissions[2022] == named.emissions[2022]
    assert stored.emissions[2022].source.startswith(f"inventory {YEAR}")
    assert stored.emissions[2022].scope2_market > 0
    # the file's own emissions win
    assert stored.emissions[2023].scope1 == 4969
    assert stored.emissions[2023].source.endswith("emissions FY2023/24")


def test_overview_macc_and_plan_run_on_a_local_context(ctx: LocalContext) -> None:
    with pytest.raises(ServiceError) as none:
        svc.targets_overview(ctx)
    assert none.value.kind == "not_found"
    assert "targets file of ws" in none.value.message
    shutil.copy(S12, ctx.workspace().path / svc.TARGETS_FILE)
    doc = svc.targets_overview(ctx)
    assert [e["fiscal_year"] for e in doc["emissions"]] == ["FY2018/19", YEAR, "FY2023/24"]
    s12 = next(t for t in doc["targets"] if t["target"]["id"] == "S12")
    assert s12["status"] == "on_track"
    assert doc["kpis"] == []  # the file has no KPIs
    macc = svc.targets_macc(ctx, "FY2026-27")
    assert [e["project_id"] for e in macc["entries"]][:1] == ["EFF"]  # cheapest first
    with pytest.raises(ServiceError) as none:
        svc.saved_plan(ctx)
    assert none.value.kind == "not_found"


def test_file_use_cases_raise_service_errors(tmp_path: Path) -> None:
    bad = tmp_path / "targets.yaml"
    bad.write_text(S12.read_text(encoding="utf-8").replace("reduction_pct: 50", "reduction_pct: x"))
    with pytest.raises(ServiceError) as exc:
        svc.file_progress(bad)
    assert exc.value.kind == "invalid"
    assert "field 'reduction_pct'" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        svc.file_projects(S12, gwp="AR9")
    assert exc.value.kind == "invalid"
    assert "unknown GWP set 'AR9'" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        svc.file_progress(S12, LocalContext(tmp_path / "nowhere"), years=[YEAR])
    assert exc.value.kind == "invalid"
    assert svc.write_example_file(tmp_path / "example.yaml").exists()
    with pytest.raises(ServiceError) as exc:
        svc.write_example_file(tmp_path / "example.yaml")
    assert exc.value.kind == "conflict"


def test_projects_are_evaluated_with_the_bundled_or_the_workspace_library(
    ctx: LocalContext,
) -> None:
    prog = svc.load_programme_file(S12)
    bundled = svc.evaluate_projects(None, prog, gwp="AR5", years=[2024])
    local = svc.evaluate_projects(ctx, prog, gwp="AR5", years=[2024])
    assert [e.project.id for e in bundled] == [e.project.id for e in local]
    rows = svc.project_rows(prog, local)
    assert {r["project"] for r in rows} == {p.id for p in prog.projects}
