"""The significant-aspect use cases (ISO 14001:2015 §6.1.2; decision 0081) on the workspace of
:mod:`risk_aspects_kit` (site HQ, KPI ``KPI-RE``, register risk ``CR-01``): create, rate,
update, filter and remove (audited); the checks against stored data (site, risk, KPI, code);
the significance configuration re-rating every aspect; monitoring records and the aspects due;
the CSV import (all or nothing, every wrong cell named) and export round trip; the link with
the register; the demo's 11 aspects. Hand calculations in :mod:`risk_aspects_kit`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import store_session
from lingtan.adapters.services import risk_aspects as sv
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.audit import AuditEntry
from lingtan.adapters.store.risk_aspects import AspectMonitoringRow
from risk_aspects_kit import (
    KPI,
    LOW,
    OVERALL,
    RISK,
    SCORES,
    SITE,
    add_risk,
    build_aspects_workspace,
)

#: the workspace's own store on both (deletes cascade in order on PostgreSQL too)
pytestmark = pytest.mark.stores("sqlite", "postgresql")


@pytest.fixture
def ctx(tmp_path: Path) -> LocalContext:
    return LocalContext(build_aspects_workspace(tmp_path / "ws"))


@pytest.fixture
def db(ctx: LocalContext) -> Iterator[Session]:
    with store_session(ctx) as s:
        add_risk(s)
        yield s


def _actions(db: Session) -> set[str]:
    return {e.action for e in db.scalars(select(AuditEntry))}


def test_create_rate_update_filter_remove(db: Session, ctx: LocalContext) -> None:
    row = sv.create_aspect(db, ctx, {"aspect": "Workplace energy", "site": SITE,
                                     "objectives": [{"text": "90 % RE", "kpi": KPI}],
                                     "risk_code": RISK, "fiscal_year": "FY2023-24"})  # fmt: skip
    assert row.code == "SEA-01"
    assert row.fiscal_year == "FY2023/24"
    assert (row.overall, row.significant) == (None, False)  # not rated yet
    row = sv.rate_aspect(db, ctx, row.id, {k.split("_", 1)[1]: v for k, v in SCORES.items()})
    # env = 18 / 5 = 3.6; bus = 13 / 3; overall = 15.6 ≥ 9
    assert row.env == pytest.approx(3.6)
    assert row.bus == pytest.approx(13 / 3)
    assert row.overall == pytest.approx(OVERALL)
    assert (row.significant, row.reason) == (True, "threshold")
    low = sv.create_aspect(db, ctx, {"aspect": "Office paper", "condition": "abnormal", **LOW})
    assert (low.overall, low.significant) == (6.0, False)  # 2 × 3
    assert [r.code for r in sv.list_aspects(db, ctx)] == ["SEA-01", "SEA-02"]  # highest first
    assert [r.code for r in sv.list_aspects(db, ctx, significant=True)] == ["SEA-01"]
    assert [r.code for r in sv.list_aspects(db, ctx, condition="abnormal")] == ["SEA-02"]
    assert [r.code for r in sv.list_aspects(db, ctx, site="*")] == ["SEA-02"]
    assert [r.code for r in sv.list_aspects(db, ctx, site=SITE)] == ["SEA-01"]
    assert sv.aspects_of_risks(db, ctx, [RISK]) == {RISK: ["SEA-01"]}
    row = sv.update_aspect(db, ctx, row.id, {"e_control": 1})
    # env = 17 / 5 = 3.4; overall = 3.4 × 13 / 3 = 14.733…
    assert row.overall == pytest.approx(3.4 * 13 / 3)
    sv.delete_aspect(db, ctx, low.id)
    assert {"env_aspect.create", "env_aspect.update", "env_aspect.delete"} <= _actions(db)


@pytest.mark.parametrize(
    ("fields", "kind", "key", "field"),
    [
        ({"site": "NOPE"}, "invalid", "aspects.err.unknown_site", "site"),
        ({"risk_code": "CR-99"}, "invalid", "aspects.err.unknown_risk", "risk_code"),
        ({"objectives": "x|KPI-NOPE"}, "invalid", "aspects.err.unknown_kpi", "objectives"),
        ({"condition": "startup"}, "invalid", "aspects.err.condition", "condition"),
        ({"e_quantity": 6}, "invalid", "aspects.err.score", "e_quantity"),
        ({"e_quantity": 3}, "invalid", "aspects.err.incomplete", "e_scope"),
        ({"fiscal_year": "FY2023/25"}, "invalid", "aspects.err.year", "fiscal_year"),
        ({"aspect": ""}, "invalid", "aspects.err.required", "aspect"),
        ({"code": "bad code"}, "invalid", "aspects.err.code", "code"),
        ({"colour": "red"}, "invalid", "aspects.err.field", "colour"),
    ],
)
def test_refusals_are_keyed(
    db: Session, ctx: LocalContext, fields: dict[str, object], kind: str, key: str, field: str
) -> None:
    with pytest.raises(sv.AspectsError) as info:
        sv.create_aspect(db, ctx, {"aspect": "Water use", **fields})
    assert (info.value.kind, info.value.key, info.value.field) == (kind, key, field)


def test_code_taken_is_a_conflict(db: Session, ctx: LocalContext) -> None:
    sv.create_aspect(db, ctx, {"aspect": "A", "code": "X1"})
    with pytest.raises(sv.AspectsError) as info:
        sv.create_aspect(db, ctx, {"aspect": "B", "code": "X1"})
    assert (info.value.kind, info.value.key) == ("conflict", "aspects.err.code_taken")
    with pytest.raises(sv.AspectsError) as info:
        sv.get_aspect(db, ctx, 999_999)
    assert info.value.kind == "not_found"


def test_configuration_rerates_every_aspect(db: Session, ctx: LocalContext) -> None:
    assert sv.is_default(sv.get_config(db, ctx))
    low = sv.create_aspect(db, ctx, {"aspect": "Office paper", **LOW})  # overall 6
    high = sv.create_aspect(db, ctx, {"aspect": "Energy", **SCORES})  # overall 15.6
    # θ = 5: 6 ≥ 5 → significant; 15.6 stays significant (unchanged)
    assert sv.set_config(db, ctx, {"threshold": 5}) == 1
    db.refresh(low)
    assert (low.significant, low.reason) == (True, "threshold")
    # max aggregate, θ = 20: low → 2 × 3 = 6 < 20; high → 5 × 5 = 25 ≥ 20
    assert sv.set_config(db, ctx, {"threshold": 20, "aggregate": "max"}) == 2
    db.refresh(low)
    db.refresh(high)
    assert (low.overall, low.significant) == (6.0, False)
    assert (high.overall, high.significant) == (25.0, True)
    # any factor at 3: low has b = 3 → significant by that rule
    sv.set_config(db, ctx, {"any_factor_at": 3})
    db.refresh(low)
    assert (low.significant, low.reason) == (True, "any_factor")
    assert not sv.is_default(sv.get_config(db, ctx))
    with pytest.raises(sv.AspectsError) as info:
        sv.set_config(db, ctx, {"threshold": 30})
    assert info.value.field == "threshold"
    assert {"env_aspect_config.create", "env_aspect_config.update"} <= _actions(db)


def test_monitoring_and_due(db: Session, ctx: LocalContext) -> None:
    a = sv.create_aspect(db, ctx, {"aspect": "Energy", "code": "A", **SCORES})
    b = sv.create_aspect(db, ctx, {"aspect": "Waste", "code": "B", **SCORES})
    sv.create_aspect(db, ctx, {"aspect": "Paper", "code": "C", **LOW})  # not significant
    sv.record_monitoring(db, ctx, a.id, {"checked_on": "2024-03-31", "findings": "on plan"})
    sv.record_monitoring(db, ctx, a.id, {"checked_on": "2024-09-30", "status": "attention"})
    recs = sv.list_monitoring(db, ctx, a.id)
    assert [r.checked_on for r in recs] == [date(2024, 9, 30), date(2024, 3, 31)]
    assert recs[1].checked_by == ctx.actor
    # on 2025-03-31: A last 2024-09-30 + 6 months = 2025-03-30 → due 1 day; B never → first
    due = sv.monitoring_due(db, ctx, on=date(2025, 3, 31))
    assert [(d.aspect.code, d.due.days_overdue) for d in due] == [("B", 0), ("A", 1)]
    assert [d.aspect.code for d in sv.monitoring_due(db, ctx, on=date(2025, 3, 29))] == ["B"]
    with pytest.raises(sv.AspectsError) as info:
        sv.record_monitoring(db, ctx, b.id, {"checked_on": "2999-01-01"})
    assert info.value.key == "aspects.err.future"
    with pytest.raises(sv.AspectsError) as info:
        sv.record_monitoring(db, ctx, b.id, {"status": "fine"})
    assert info.value.key == "aspects.err.status"
    sv.delete_aspect(db, ctx, a.id)
    assert list(db.scalars(select(AspectMonitoringRow))) == []
    assert "env_aspect_monitoring.create" in _actions(db)


def test_import_all_or_nothing_and_export_round_trip(db: Session, ctx: LocalContext) -> None:
    good = ("code,aspect,site,condition,e_quantity,e_scope,e_frequency,e_severity,e_control,"
            "b_reputation,b_compliance,b_management,objectives,risk_code\n"
            f"W1,Workplace energy,{SITE},normal,5,3,5,3,2,4,4,5,90 % RE|{KPI},{RISK}\n"
            "W2,Packaging,,normal,,,,,,,,,,\n")  # fmt: skip
    bad = good + "W3,Water,NOPE,sometimes,9,3,5,3,2,4,4,5,,\nW1,Again,,,,,,,,,,,,\n"
    with pytest.raises(sv.AspectsFileError) as info:
        sv.import_aspects(db, ctx, bad.encode(), "sea.csv")
    lines = sv.row_error_lines(info.value.errors, "en")
    assert "sea.csv, row 4, column condition: condition 'sometimes' is not normal, abnormal or " \
        "emergency" in lines  # fmt: skip
    assert any(line.startswith("sea.csv, row 4, column e_quantity") for line in lines)
    assert "sea.csv, row 5, column code: code 'W1' appears twice in the file" in lines
    assert sv.list_aspects(db, ctx) == []  # nothing imported
    res = sv.import_aspects(db, ctx, good.encode(), "sea.csv")
    assert (len(res.created), len(res.updated)) == (2, 0)
    w1 = sv.find_aspect(db, ctx, "W1")
    assert w1.overall == pytest.approx(OVERALL)
    assert w1.objectives == [{"text": "90 % RE", "kpi": KPI}]
    exported = sv.export_aspects(db, ctx)
    assert b"W1,Workplace energy,," in exported
    assert b"90 % RE|KPI-RE" in exported
    assert b",15.6,true" in exported  # overall, significant
    res = sv.import_aspects(db, ctx, exported, "aspects.csv")  # the export reads back
    assert (len(res.created), len(res.updated)) == (0, 2)
    with pytest.raises(sv.AspectsFileError) as info:
        sv.import_aspects(db, ctx, b"code,colour\nX,red\n", "x.csv")
    assert info.value.key == "aspects.file.columns"


def test_aspect_from_risk(db: Session, ctx: LocalContext) -> None:
    row = sv.aspect_from_risk(db, ctx, RISK)
    assert (row.aspect, row.risk_code) == ("Typhoons and floods at coastal sites", RISK)
    assert sv.aspect_from_risk(db, ctx, RISK).id == row.id  # already linked: the same
    with pytest.raises(sv.AspectsError) as info:
        sv.aspect_from_risk(db, ctx, "CR-404")
    assert info.value.key == "aspects.err.unknown_risk"
    assert sv.link_risk(db, ctx, row.id, None).risk_code is None


def test_demo_loads_the_reports_eleven_aspects(db: Session, ctx: LocalContext) -> None:
    assert sv.load_demo(db, ctx) == 11
    assert sv.load_demo(db, ctx) == 11  # again: updated, not doubled
    rows = sv.list_aspects(db, ctx)
    assert len(rows) == 11
    assert all(r.significant for r in rows)  # the report lists them as significant
    assert all("ILLUSTRATIVE" in (r.source or "") for r in rows)
    top = rows[0]
    # SEA-03: e = (5, 5, 5, 4, 3) → 22 / 5 = 4.4; b = (5, 5, 5) → 5; overall 22.0
    assert top.code == "SEA-03"
    assert top.overall == pytest.approx(22.0)
    assert "产品能源消耗和排放" in (top.note or "")
    by_code = {r.code: r for r in rows}
    assert by_code["SEA-06"].objectives == [{"text": "90 % of electricity from renewables by "
                                             "FY2025/26", "kpi": KPI}]  # fmt: skip
    assert by_code["SEA-07"].objectives[0]["kpi"] is None  # no KPI-SC in this targets file
    assert by_code["SEA-06"].site is None  # HF-FACTORY is not a site of this workspace
    assert len(sv.list_monitoring(db, ctx, top.id)) == 2
