"""From meter readings to the inventory (issue 16 item 2, decision 0073) on both workspace
stores: hand-checked monthly sums become activity rows through the import, a month held by a
bill is reconciled and not imported twice, a deviation over 2 % is flagged, ``lingtan explain``
names the meters and intervals behind a rollup row, and a new rollup supersedes the previous
one. Figures: tests/energykit.py."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from energykit import EXPECTED, FY, SITE, build_energy_workspace, import_bill
from lingtan.adapters.services import energy_rollup as svc
from lingtan.adapters.services.context import LocalContext

pytestmark = pytest.mark.stores("sqlite", "postgresql")


@pytest.fixture
def folder(tmp_path: Path, workspace_store: str) -> Path:
    return build_energy_workspace(tmp_path / f"energy-{workspace_store}")


def _rows(ctx: LocalContext, batch_id: str) -> list[dict[str, object]]:
    ws = ctx.workspace()
    b = ws.batch(batch_id)
    assert b.activities_file
    cols = ["source_row", "site", "date", "activity_type", "quantity", "unit"]
    return pq.read_table(ws.batches_dir / b.activities_file, columns=cols).to_pylist()


def _batch(report: svc.RollupReport, template: str) -> svc.RollupBatch:
    return next(b for b in report.batches if b.template == template)


def _quantities(rows: list[dict[str, object]]) -> dict[tuple[str, str], float]:
    return {
        (str(r["activity_type"]), f"{r['date']:%Y-%m}"): float(str(r["quantity"])) for r in rows
    }


def test_monthly_sums_become_activity_rows(folder: Path) -> None:
    ctx = LocalContext(folder)
    report = svc.rollup(ctx, FY)
    assert sorted(b.template for b in report.batches) == ["electricity", "fuel"]
    assert report.bills == ()
    assert report.incomplete == ()
    assert report.rejected == ()
    elec = _rows(ctx, _batch(report, "electricity").batch_id)
    # grid: 10 kWh × 2 976 (Jan) and × 2 784 (Feb); self-use: (128 − 8) kWh/day × 31 and × 29
    assert _quantities(elec) == pytest.approx(
        {
            ("electricity.grid", "2024-01"): EXPECTED.grid_jan,
            ("electricity.grid", "2024-02"): EXPECTED.grid_feb,
            ("electricity.onsite_renewable", "2024-01"): EXPECTED.self_use_jan,
            ("electricity.onsite_renewable", "2024-02"): EXPECTED.self_use_feb,
        },
        rel=1e-12,
    )
    assert {r["site"] for r in elec} == {SITE}
    assert {r["unit"] for r in elec} == {"kWh"}
    fuel = _rows(ctx, _batch(report, "fuel").batch_id)
    # 0.5 m3 × 2 976 and × 2 784; the sub-meters (line, data centre) are not summed
    assert _quantities(fuel) == pytest.approx(
        {("fuel.natural_gas", "2024-01"): EXPECTED.gas_jan,
         ("fuel.natural_gas", "2024-02"): EXPECTED.gas_feb},
        rel=1e-12,
    )  # fmt: skip


def test_a_billed_month_is_reconciled_not_imported_twice(folder: Path) -> None:
    ctx = LocalContext(folder)
    bill = import_bill(folder, 27_500)
    report = svc.rollup(ctx, FY)
    elec = _quantities(_rows(ctx, _batch(report, "electricity").batch_id))
    assert ("electricity.grid", "2024-02") not in elec  # the bill holds February
    assert ("electricity.grid", "2024-01") in elec
    (check,) = report.bills
    # (27 840 − 27 500) / 27 500 = 0.0123636… ≤ 2 %
    assert (check.site, check.activity_type, check.month) == (SITE, "electricity.grid", "2024-02")
    assert check.meters == pytest.approx(27_840.0)
    assert check.bill == pytest.approx(27_500.0)
    assert check.deviation == pytest.approx(340 / 27_500, rel=1e-12)
    assert check.within
    assert check.meter_codes == ("HF-GRID",)
    assert check.bill_rows == (("bill_2024_02.csv", 2),)
    # the active electricity rows of February: the bill's only
    ws = ctx.workspace()
    feb = [
        r
        for b in ws.batches()
        if b.template == "electricity"
        for r in _rows(ctx, b.id)
        if r["activity_type"] == "electricity.grid" and f"{r['date']:%Y-%m}" == "2024-02"
    ]
    assert [r["quantity"] for r in feb] == [27_500.0]
    assert bill in {b.id for b in ws.batches()}


def test_a_deviation_over_the_tolerance_is_flagged(folder: Path) -> None:
    ctx = LocalContext(folder)
    import_bill(folder, 27_000)
    # (27 840 − 27 000) / 27 000 = 0.0311 > 0.02
    (check,) = svc.reconcile_bills(ctx, FY)
    assert not check.within
    assert check.deviation == pytest.approx(840 / 27_000, rel=1e-12)
    report = svc.rollup(ctx, FY)
    assert report.flagged == report.bills
    assert len(report.flagged) == 1
    line = svc.bill_line(check, "en")
    assert "HF" in line
    assert "+3.11" in line
    assert "2 %" in line
    assert "+3.11" in svc.bill_line(check, "zh-CN")
    # a wider tolerance accepts it
    assert svc.reconcile_bills(ctx, FY, tolerance=0.05)[0].within


def test_explain_names_the_meters_and_intervals(folder: Path) -> None:
    from typer.testing import CliRunner

    from lingtan.adapters.cli.main import app
    from lingtan.adapters.compute.lineage import Selection
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.services.lineage import explain_figure, meter_lineage

    ctx = LocalContext(folder)
    report = svc.rollup(ctx, FY)
    elec = _batch(report, "electricity").batch_id
    # row 2 of the electricity file is grid, January: HF-GRID, 2 976 intervals from local
    # 2024-01-01 00:00 (UTC 2023-12-31 16:00) to 2024-01-31 23:45 (UTC 15:45)
    (grid,) = svc.rollup_lineage(ctx, elec, 2)
    assert (grid.meter, grid.intervals, grid.expected_intervals) == ("HF-GRID", 2976, 2976)
    assert grid.value == pytest.approx(29_760.0)
    assert grid.unit == "kWh"
    assert grid.first_ts is not None
    assert grid.first_ts.startswith("2023-12-31T16:00")
    assert grid.last_ts is not None
    assert grid.last_ts.startswith("2024-01-31T15:45")
    assert grid.reading_batches  # the intake batch of readings.csv
    # row 4 is self-use, January: generation + export (sign −1)
    parts = {p.meter: p.sign for p in svc.rollup_lineage(ctx, elec, 4)}
    assert parts == {"HF-PV-GEN": 1, "HF-PV-EXP": -1}
    assert svc.rollup_lineage(ctx, elec, 99) == []
    assert svc.rollup_lineage(ctx, "0" * 64, 2) == []

    calculate_year(ctx.workspace(), FY)
    ex = explain_figure(ctx, Selection(scope=2, site=SITE, month="2024-01"), fiscal_year=FY)
    meters = meter_lineage(ctx, ex.rows)
    assert {m["meter"] for ms in meters.values() for m in ms} >= {"HF-GRID"}
    out = CliRunner().invoke(
        app,
        [
            "explain",
            "-w",
            str(folder),
            "--year",
            FY,
            "--scope",
            "2",
            "--month",
            "2024-01",
            "--site",
            SITE,
        ],
        env={"LANG": "en_US.UTF-8", "LINGTAN_LANG": "en"},
    )
    assert out.exit_code == 0, out.output
    assert "HF-GRID" in out.output
    assert "2976" in out.output
    assert "2023-12-31T16:00" in out.output


def test_a_new_rollup_supersedes_the_previous_one(folder: Path) -> None:
    from lingtan.adapters.services.readings import ingest_readings_file

    ctx = LocalContext(folder)
    first = svc.rollup(ctx, FY)
    again = svc.rollup(ctx, FY)  # same readings: same files, nothing imported twice
    assert all(b.already_imported for b in again.batches)
    assert {b.batch_id for b in again.batches} == {b.batch_id for b in first.batches}
    # a correction: HF-GRID's first interval of January read 20 kWh instead of 10
    fix = folder / "fix.csv"
    fix.write_text("meter,ts,value\nHF-GRID,2024-01-01T00:00:00+08:00,20\n", encoding="utf-8")
    ingest_readings_file(ctx, fix)
    third = svc.rollup(ctx, FY)
    old, new = _batch(first, "electricity"), _batch(third, "electricity")
    assert new.batch_id != old.batch_id
    assert new.supersedes == old.batch_id
    assert _batch(third, "fuel").already_imported  # gas unchanged
    active = {b.id for b in ctx.workspace().batches()}
    assert new.batch_id in active
    assert old.batch_id not in active
    elec = _quantities(_rows(ctx, new.batch_id))
    assert elec[("electricity.grid", "2024-01")] == pytest.approx(29_770.0)  # 29 760 + 10
    lines = svc.report_lines(third, "en")
    assert any("supersed" in line for line in lines)


def test_a_bill_imported_after_a_rollup_takes_its_month_over(folder: Path) -> None:
    ctx = LocalContext(folder)
    first = _batch(svc.rollup(ctx, FY), "electricity")
    import_bill(folder, 27_500)
    # before the next rollup February is counted twice: that is what the checks show
    (check,) = svc.reconcile_bills(ctx, FY)
    assert check.within
    second = svc.rollup(ctx, FY)
    new = _batch(second, "electricity")
    assert new.supersedes == first.batch_id
    assert ("electricity.grid", "2024-02") not in _quantities(_rows(ctx, new.batch_id))
    grid_feb = [
        r["quantity"]
        for b in ctx.workspace().batches()
        if b.template == "electricity"
        for r in _rows(ctx, b.id)
        if r["activity_type"] == "electricity.grid" and f"{r['date']:%Y-%m}" == "2024-02"
    ]
    assert grid_feb == [27_500.0]  # once, the bill's
