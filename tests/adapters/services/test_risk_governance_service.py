"""The governance-record use cases (decision 0084) on the workspace of
:mod:`risk_governance_kit` (April fiscal year; targets file with KPI ``KPI-RE``): bodies with the
report's default frequencies, meetings with month-level and unpublished dates, the frequency
check and its gaps, remuneration links checked against the targets file's KPIs, the CSV file of
meetings (all or nothing, every wrong cell named; exported in the same columns), the records
view, the report's FY2023/24 demo, and every change in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import store_session
from lingtan.adapters.services import risk_governance as sv
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.audit import AuditEntry, verify
from risk_governance_kit import KPI, MEETINGS_CSV, YEAR, build_governance_workspace


@pytest.fixture
def ctx(tmp_path: Path) -> LocalContext:
    return LocalContext(build_governance_workspace(tmp_path / "ws"))


@pytest.fixture
def db(ctx: LocalContext) -> Iterator[Session]:
    with store_session(ctx) as s:
        yield s


def _eoc(db: Session, ctx: LocalContext) -> None:
    sv.create_body(db, ctx, {"code": "eoc", "kind": "esg_executive_committee",
                             "name": "ESG EOC"})  # fmt: skip


def test_bodies_get_the_reports_frequency(db: Session, ctx: LocalContext) -> None:
    _eoc(db, ctx)
    eoc = sv.get_body(db, ctx, "eoc")
    assert (eoc.per_year, eoc.counts) == (4, "meetings")
    assert "671–673" in (eoc.frequency_source or "")
    audit = sv.create_body(db, ctx, {"code": "audit", "kind": "audit_committee",
                                     "name": "Audit Committee", "parent": "eoc"})  # fmt: skip
    assert audit.per_year is None  # the report publishes none
    own = sv.create_body(db, ctx, {"code": "wg", "kind": "working_group", "name": "WG",
                                   "per_year": 0})  # fmt: skip
    assert own.per_year is None  # 0: no requirement, not the monthly default
    with pytest.raises(sv.RiskGovernanceError) as exc:
        _eoc(db, ctx)
    assert (exc.value.kind, exc.value.key) == ("conflict", "governance.err.body_exists")
    with pytest.raises(sv.RiskGovernanceError) as exc:
        sv.create_body(db, ctx, {"code": "x", "kind": "council", "name": "X"})
    assert (exc.value.field, exc.value.key) == ("kind", "governance.err.kind")
    with pytest.raises(sv.RiskGovernanceError) as exc:
        sv.create_body(db, ctx, {"code": "y", "kind": "other", "name": "Y", "parent": "nope"})
    assert exc.value.field == "parent"
    sv.update_body(db, ctx, "audit", {"per_year": 2, "chair": "Independent director"})
    assert sv.get_body(db, ctx, "audit").per_year == 2
    sv.delete_body(db, ctx, "wg")
    with pytest.raises(sv.RiskGovernanceError) as exc:
        sv.get_body(db, ctx, "wg")
    assert exc.value.kind == "not_found"


def test_meetings_dates_and_check(db: Session, ctx: LocalContext) -> None:
    _eoc(db, ctx)
    m1 = sv.create_meeting(db, ctx, {
        "body": "eoc", "title": "Q1", "date": "2023-05-18",
        "agenda": [{"topic": "strategy", "climate": True, "text": "climate strategy"},
                   {"topic": "other", "climate": False, "text": "budget"}],
        "decisions": ["SBT update approved"]})  # fmt: skip
    assert (m1.fiscal_year, m1.precision) == (YEAR, "day")
    m2 = sv.create_meeting(db, ctx, {"body": "eoc", "title": "Q2", "date": "2023-08"})
    assert (m2.date, m2.precision) == (date(2023, 8, 1), "month")
    m3 = sv.create_meeting(db, ctx, {"body": "eoc", "title": "?", "fiscal_year": "FY2023-24"})
    assert (m3.date, m3.precision, m3.fiscal_year) == (None, "not_published", YEAR)
    # the check: held 3 (2 dated + 1 undated) < 4 → not evidenced; quarters 3 and 4 without a
    # dated meeting but with an undated one in the year → unknown, not gaps
    (c,) = sv.frequency_check(db, ctx, YEAR)
    assert (c.body, c.required, c.held, c.dated, c.undated) == ("eoc", 4, 3, 2, 1)
    assert [w.state for w in c.windows] == ["met", "met", "unknown", "unknown"]
    assert c.status == "not_evidenced"
    # the undated one gets its date (February 2024): quarter 3 is now a gap
    sv.update_meeting(db, ctx, m3.id, {"date": "2024-02-01"})
    (c,) = sv.frequency_check(db, ctx, YEAR)
    assert [w.state for w in c.windows] == ["met", "met", "gap", "met"]
    assert [(g.start, g.end) for g in c.gaps] == [(date(2023, 10, 1), date(2023, 12, 31))]
    d = sv.meeting_dict(db, m1)
    assert d["climate_items"] == 1
    assert [a["topic"] for a in d["agenda"]] == ["strategy", "other"]
    with pytest.raises(sv.RiskGovernanceError) as exc:
        sv.create_meeting(db, ctx, {"body": "eoc", "title": "x", "date": "2023-05-01",
                                    "fiscal_year": "FY2024/25"})  # fmt: skip
    assert exc.value.key == "governance.err.year_mismatch"
    with pytest.raises(sv.RiskGovernanceError) as exc:
        sv.create_meeting(db, ctx, {"body": "eoc", "title": "x"})
    assert exc.value.key == "governance.err.year_needed"
    with pytest.raises(sv.RiskGovernanceError) as exc:
        sv.create_meeting(db, ctx, {"body": "eoc", "title": "x", "date": "2023-05",
                                    "agenda": [{"topic": "weather", "text": "x"}]})  # fmt: skip
    assert exc.value.key == "governance.err.topic"
    with pytest.raises(sv.RiskGovernanceError) as exc:
        sv.delete_body(db, ctx, "eoc")
    assert exc.value.kind == "conflict"
    sv.delete_meeting(db, ctx, m2.id)
    assert [m.title for m in sv.list_meetings(db, ctx, fiscal_year=YEAR)] == ["Q1", "?"]


def test_pay_links_check_the_targets_kpis(db: Session, ctx: LocalContext) -> None:
    link = sv.create_pay_link(db, ctx, {"fiscal_year": YEAR, "population": "executives",
                                        "kpi_id": KPI, "share_pct": "10"})  # fmt: skip
    assert link.share_pct == 10.0
    with pytest.raises(sv.RiskGovernanceError) as exc:
        sv.create_pay_link(db, ctx, {"fiscal_year": YEAR, "population": "executives",
                                     "kpi_id": "KPI-NOPE"})  # fmt: skip
    assert (exc.value.field, exc.value.key) == ("kpi_id", "governance.err.unknown_kpi")
    # 10 % + 95 % = 105 % of the executives' variable pay in FY2023/24: refused
    with pytest.raises(sv.RiskGovernanceError) as exc:
        sv.create_pay_link(db, ctx, {"fiscal_year": YEAR, "population": "executives",
                                     "kpi_label": "ESG", "share_pct": 95})  # fmt: skip
    assert exc.value.key == "governance.err.share_total"
    sv.update_pay_link(db, ctx, link.id, {"share_pct": 5})
    sv.create_pay_link(
        db,
        ctx,
        {"fiscal_year": YEAR, "population": "executives", "kpi_label": "ESG", "share_pct": 95},
    )  # 5 + 95 = 100: fine
    assert len(sv.list_pay_links(db, ctx, fiscal_year=YEAR)) == 2


def test_without_a_targets_file_kpi_ids_are_not_checked(tmp_path: Path) -> None:
    ctx = LocalContext(build_governance_workspace(tmp_path / "bare", targets=False))
    with store_session(ctx) as db:
        assert sv.known_kpis(ctx) is None
        row = sv.create_pay_link(db, ctx, {"fiscal_year": YEAR, "population": "executives",
                                           "kpi_id": "ANY"})  # fmt: skip
        assert row.kpi_id == "ANY"


def test_import_all_or_nothing_and_export(db: Session, ctx: LocalContext) -> None:
    _eoc(db, ctx)
    bad = MEETINGS_CSV + "eoc,2023-13-01,,Bad,weather: x,,,,\nnope,,,,,,,,\n"
    with pytest.raises(sv.GovernanceFileError) as exc:
        sv.import_meetings(db, ctx, bad.encode(), "meetings.csv")
    lines = sv.row_error_lines(exc.value.errors, "en")
    # row 5: the date and the topic; row 6: the body, then the title (required)
    assert [(e.row, e.column) for e in exc.value.errors] == [
        (5, "date"), (5, "climate_items"), (6, "body"), (6, "title")]  # fmt: skip
    assert lines[0].startswith("meetings.csv, row 5, column date:")
    assert sv.list_meetings(db, ctx) == []  # nothing imported
    ids = sv.import_meetings(db, ctx, MEETINGS_CSV.encode(), "meetings.csv")
    assert len(ids) == 3
    first = sv.meeting_dict(db, sv.get_meeting(db, ctx, ids[0]))
    assert [(a["topic"], a["climate"]) for a in first["agenda"]] == [
        ("strategy", True), ("targets", True), ("other", False)]  # fmt: skip
    assert first["decisions"] == ["SBT update approved"]
    (c,) = sv.frequency_check(db, ctx, YEAR)
    assert (c.held, c.status, len(c.gaps)) == (3, "not_evidenced", 1)  # kit docstring
    out = sv.export_meetings(db, ctx, YEAR).decode("utf-8-sig")
    assert out.splitlines()[0] == ",".join(sv.MEETING_COLUMNS)
    assert "eoc,2023-08,FY2023/24,EOC Q2,targets: net-zero,,,,month only" in out
    # the export imports again (round trip): 3 more meetings, same content
    again = sv.import_meetings(db, ctx, out.encode("utf-8"), "export.csv")
    assert len(again) == 3
    assert sv.export_meetings(db, ctx, YEAR).decode("utf-8-sig").count("EOC Q2") == 2


def test_demo_summary_and_audit(db: Session, ctx: LocalContext) -> None:
    n = sv.load_demo(db, ctx)
    # 10 bodies + 10 meetings (7 board, 2 audit, 1 EOC summary) + 6 roles + 1 pay link = 27
    assert n == 27
    assert sv.load_demo(db, ctx) == 0  # once only
    s = sv.governance_summary(db, ctx, YEAR)
    board = [m for m in s["meetings"] if m["body"] == "board"]
    assert len(board) == 7
    dated = [(m["date_text"], m["precision"]) for m in board if m["date"]]
    assert dated == [("2023-05", "month"), ("2023-08", "month")]  # report 610–611
    audit = [m["date_text"] for m in s["meetings"] if m["body"] == "audit"]
    assert audit == ["2023-05", "2023-11"]  # report 630–632
    checks = {b["code"]: b["check"] for b in s["bodies"]}
    # board: 1 climate update a year required; May and August hold one each → met
    assert (checks["board"]["held"], checks["board"]["status"]) == (2, "met")
    # EOC: 4 required, one undated summary record → not evidenced; China committee and working
    # groups: nothing published for the year → not evidenced, every window a gap
    assert (checks["eoc"]["held"], checks["eoc"]["status"]) == (1, "not_evidenced")
    assert len(checks["wg-e"]["gaps"]) == 12
    assert checks["audit"]["status"] == "no_requirement"
    assert {i["topic"] for i in s["climate_items"]} >= {"risk_review", "disclosure", "targets"}
    assert [p["share_pct"] for p in s["pay_links"]] == [None]  # not published
    assert any("eoc" in r["chairs"] for r in s["roles"])
    actions = {e.action for e in db.scalars(select(AuditEntry))}
    assert {"governance_body.create", "governance_meeting.create",
            "governance_agenda_item.create", "governance_role.create",
            "governance_pay_link.create"} <= actions  # fmt: skip
    assert verify(db).ok


def test_bad_year_is_keyed(db: Session, ctx: LocalContext) -> None:
    with pytest.raises(sv.RiskGovernanceError) as exc:
        sv.frequency_check(db, ctx, "FY1999/01")
    assert (exc.value.field, exc.value.key) == ("fiscal_year", "governance.err.year")
