"""Progress from counters (issue 13 item 3, decision 0052): the tracker's arithmetic, the
catalogue keys of every stage, and the counts a real import and a real calculation report."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.adapters.i18n.messages import LOCALES, catalogue
from lingtan.adapters.io.progress import REPORT_EVERY
from lingtan.adapters.services import imports
from lingtan.adapters.services.calculation import calculate
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.progress import (
    CALCULATE,
    CAP,
    FLOOR,
    IMPORT,
    PLANS,
    ProgressEvent,
    Tracker,
    format_params,
    render,
)
from lingtan.adapters.store import jobs
from lingtan.adapters.store.workspace import Workspace, init_workspace

YEAR = "FY2023/24"
#: data rows of the test file: more than two report intervals, not a multiple of one
ROWS = 2 * REPORT_EVERY + 1


def _recording(plan: str = "import", step: float = 0.0) -> Tracker:
    seen: list[ProgressEvent] = []
    return Tracker(PLANS[plan], seen.append, step=step, keep=True)


def test_the_fraction_adds_finished_stages_and_the_current_share() -> None:
    t = _recording()
    t("read", 100, 100)  # read done: 0.3
    t("check", 250, 1000)  # 0.3 + 0.5 × 0.25 = 0.425
    t("write", 0, 10)  # 0.3 + 0.5 = 0.8
    t("write", 10, 10)  # 1.0, capped at CAP (the end is the job's to record)
    assert [e.fraction for e in t.events] == [0.3, 0.425, 0.8, CAP]
    assert [e.key for e in t.events] == [
        "progress.import.read",
        "progress.import.check",
        "progress.import.write",
        "progress.import.write",
    ]
    assert t.events[1].params == {"done": 250, "total": 1000}


def test_counts_and_fractions_never_go_back() -> None:
    t = _recording()
    t("read", 2000, part=0.5)  # 0.15; total unknown: the ".count" message
    t("read", 1000, part=0.25)  # a CSV read again in another encoding: ignored
    t("check", 10, 100)
    t("read", 4000, part=1.0)  # an earlier stage: ignored
    assert [(e.stage, e.done) for e in t.events] == [("read", 2000), ("check", 10)]
    assert t.events[0].key == "progress.import.read.count"
    assert t.events[0].params == {"done": 2000}
    assert t.events[0].fraction == pytest.approx(0.15)


def test_reports_closer_than_the_step_are_merged() -> None:
    t = _recording(step=0.05)
    for done in range(0, 1001, 10):  # 101 reports of one stage, 0.005 apart
        t("check", done, 1000)
    fractions = [e.fraction for e in t.events]
    # the first (a new stage), then every 0.05 (10 × 0.005), and the stage's end
    assert len(fractions) == 1 + 10
    assert fractions == sorted(fractions)
    assert fractions[0] == max(FLOOR, 0.3)
    assert fractions[-1] == pytest.approx(0.8)


def test_every_stage_and_job_message_has_a_key_in_both_catalogues() -> None:
    keys = {f"progress.{p.operation}.{s.name}" for p in (IMPORT, CALCULATE) for s in p.stages}
    keys |= {f"{k}.count" for k in keys}
    keys |= {getattr(jobs, n) for n in dir(jobs) if n.startswith("MSG_")}
    keys |= {f"progress.cli.{op}" for op in PLANS}
    for locale in LOCALES:
        missing = sorted(k for k in keys if k not in catalogue(locale))
        assert not missing, (locale, missing)


def test_messages_render_counts_in_the_viewers_language() -> None:
    params = {"done": 12_000, "total": 50_000}
    assert render("progress.import.check", params, "zh-CN") == "已检查 12,000 / 50,000 行"
    assert render("progress.import.check", params, "en") == "12,000 of 50,000 rows checked"
    # a job recorded before messages became keys keeps its English text
    assert render("re-queued after a server restart", None, "zh-CN") == (
        "re-queued after a server restart"
    )
    assert format_params({"done": 1234567, "ref": "ab12", "ok": True}) == {
        "done": "1,234,567",
        "ref": "ab12",
        "ok": "True",
    }


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws", organisation="Test Co", region="CN")


def _electricity(path: Path, rows: int) -> Path:
    """``rows`` monthly electricity rows of site HQ (quantities 1 … rows MWh)."""
    lines = ["site,date,quantity,unit"]
    lines += [f"HQ,2023-{4 + i % 9:02d}-01,{i + 1},MWh" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_reports_rows_read_checked_and_written(ws: Workspace, tmp_path: Path) -> None:
    path = _electricity(tmp_path / "electricity.csv", ROWS)
    t = _recording()
    rep = imports.import_file(LocalContext.of(ws), path, progress=t)
    assert rep.rows_read == ROWS
    assert rep.rows_accepted == ROWS

    by_stage = {
        s.name: [(e.done, e.total) for e in t.events if e.stage == s.name] for s in IMPORT.stages
    }
    # reading: every REPORT_EVERY lines of the file (total unknown, the share of its bytes),
    # then all its lines (header + ROWS)
    assert by_stage["read"] == [(2000, None), (4000, None), (ROWS + 1, ROWS + 1)]
    # checking: every REPORT_EVERY data rows of ROWS, then all of them
    assert by_stage["check"] == [(2000, ROWS), (4000, ROWS), (ROWS, ROWS)]
    # writing: none of them before the write lock, all of them once stored
    assert by_stage["write"] == [(0, ROWS), (ROWS, ROWS)]
    fractions = [e.fraction for e in t.events]
    assert fractions == sorted(fractions)
    assert all(0 < f < 1 for f in fractions)
    assert fractions[-1] == CAP


def test_a_calculation_reports_its_stages_in_order(ws: Workspace, tmp_path: Path) -> None:
    imports.import_file(LocalContext.of(ws), _electricity(tmp_path / "electricity.csv", 3))
    t = _recording("calculate")
    calculate(LocalContext.of(ws), YEAR, progress=t)
    stages = [e.stage for e in t.events]
    assert list(dict.fromkeys(stages)) == [s.name for s in CALCULATE.stages]
    (files,) = [(e.done, e.total) for e in t.events if e.stage == "activities" and e.done]
    assert files == (1, 1)  # one batch file summed of one
    assert [e.fraction for e in t.events] == sorted(e.fraction for e in t.events)
    assert t.events[-1].key == "progress.calculate.store"
    assert t.events[-1].fraction == CAP

    again = _recording("calculate")  # unchanged inputs: the stored snapshot is reused
    calculate(LocalContext.of(ws), YEAR, progress=again)
    assert [e.stage for e in again.events] == ["library", "store"]


def test_an_xlsx_import_reports_rows_of_the_declared_sheet(ws: Workspace, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["site", "date", "quantity", "unit"])
    for i in range(ROWS):
        sheet.append(["HQ", f"2023-{4 + i % 9:02d}-01", i + 1, "MWh"])
    path = tmp_path / "electricity.xlsx"
    wb.save(path)
    t = _recording()
    rep = imports.import_file(LocalContext.of(ws), path, progress=t)
    assert rep.rows_accepted == ROWS
    reads = [(e.done, e.total) for e in t.events if e.stage == "read"]
    # the sheet declares its rows (header + ROWS): every REPORT_EVERY of them, then all
    assert reads == [(2000, ROWS + 1), (4000, ROWS + 1), (ROWS + 1, ROWS + 1)]
    assert [(e.done, e.total) for e in t.events if e.stage == "check"][-1] == (ROWS, ROWS)
