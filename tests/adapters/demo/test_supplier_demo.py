"""The supplier demo's records, recomputed by lingtan's own functions, give the source report's
FY2023/24 supplier figures (issue 15 item 10; report §6.0, lines 2143–2296; decision 0069).

Nothing here reads a figure from the generator's constants to check it against itself: coverage,
the CAP rule and its mean improvement, the audit-coverage set and audited share, the training
counts and the 星火 ledger are computed by :mod:`lingtan.modules.suppliers` from the generated
records (and the coverage spend from the generated activity rows), and compared with the
report's printed numbers typed here.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from lingtan.adapters.demo import synthetic_suppliers as sd
from lingtan.adapters.demo.operations import Year
from lingtan.adapters.demo.synthetic import write_synthetic_workspace, year_files
from lingtan.adapters.demo.valuechain import spend as commodity_spend
from lingtan.adapters.io.factor_files import bundled_factor_sets
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.suppliers import audits, caps, coverage, projects, ratings, training
from lingtan.modules.suppliers.requests import (
    ScopeRule,
    SupplierFlags,
    evaluate_scope,
    parse_answer,
)
from lingtan.modules.targets.targets import Status

FY = "FY2023/24"
FY_END = date(2024, 3, 31)
#: the report's coverage by spend, FY2023/24 [%] (lines 2202–2213), typed from the report
REPORT_COVERAGE = {"sbt_committed_or_set": 42, "verified": 91, "public_target": 95,
                   "re_tracking": 94, "re_target": 76}  # fmt: skip


@pytest.fixture(scope="module")
def demo() -> sd.SupplierDemo:
    return sd.supplier_demo()


def _spend_from_rows() -> dict[str, int]:
    """FY2023/24 spend by supplier [CNY] summed from the generated ``spend`` rows."""
    out: Counter[str] = Counter()
    for row in sd.spend_rows(FY):
        assert row[3] == "CNY"
        assert row[4] in (1, 2)
        out[str(row[8])] += int(str(row[2]))
    return dict(out)


def _inputs(demo: sd.SupplierDemo) -> list[coverage.SupplierCoverageInput]:
    spend = _spend_from_rows()
    flags = {s.code: SupplierFlags(s.strategic, s.key_tier1) for s in demo.suppliers}
    scope = evaluate_scope(ScopeRule(top_spend_pct=100.0, strategic=True), spend, flags)
    answers = {a.code: parse_answer(a.as_form()) for a in demo.answers if a.accepted}
    return [
        coverage.SupplierCoverageInput(
            s.code,
            float(spend.get(s.code, 0)),
            in_scope=s.code in scope,
            answer=answers.get(s.code),
        )
        for s in demo.suppliers
    ]


def test_about_150_fictional_suppliers(demo: sd.SupplierDemo) -> None:
    assert len(demo.suppliers) == 150
    assert len({s.code for s in demo.suppliers}) == 150
    assert len({s.legal_name for s in demo.suppliers}) == 150
    assert len({s.name_zh for s in demo.suppliers}) == 150
    for s in demo.suppliers:
        assert s.legal_name.endswith("(fictional)")
        assert s.name_zh.endswith("（虚构）")
        assert all(i.startswith("urn:pathfinder:company:customcode:buyer-assigned:")
                   for i in s.company_ids)  # fmt: skip
    tiers = Counter(s.tier for s in demo.suppliers)
    assert tiers["1"] == 144
    assert tiers["2"] + tiers["N"] == 6
    assert len({s.country for s in demo.suppliers}) >= 5


def test_deterministic() -> None:
    sd.supplier_demo.cache_clear()
    a = sd.supplier_demo()
    sd.supplier_demo.cache_clear()
    assert sd.supplier_demo() == a
    assert sd.spend_rows(FY) == sd.spend_rows(FY)
    assert sd.spend_rows("FY2022/23") == []


def test_spend_rows_are_whole_ten_thousands_and_match_the_register(demo: sd.SupplierDemo) -> None:
    rows = sd.spend_rows(FY)
    assert all(int(str(r[2])) % 10_000 == 0 and int(str(r[2])) > 0 for r in rows)
    spend = _spend_from_rows()
    assert spend == {s.code: s.spend_wan * 10_000 for s in demo.suppliers if s.spend_wan}
    # 20.75 bn CNY: about the per-commodity spend of the year they replace (categories 1 and 2,
    # USD rows at the generator's planning rate of 7 CNY/USD, 万元 rows × 10,000)
    assert sum(spend.values()) == 20_750_000_000
    y = Year(FY, np.random.default_rng(2024))
    to_cny = {"USD": 7.0, "CNY": 1.0, "万元": 1e4}
    replaced = sum(float(str(r[2])) * to_cny[str(r[3])] for r in commodity_spend(y))
    assert abs(replaced - 20_750_000_000) / 20_750_000_000 < 0.01
    # each NAICS code keeps about its share of the replaced rows (within 0.1 point)
    by_code: Counter[str] = Counter()
    for r in rows:
        by_code[str(r[1])] += int(str(r[2]))
    for cat, share in sd.category_targets().items():
        code = f"naics:{sd.CATEGORIES[cat][0]}"
        assert abs(by_code[code] / 20_750_000_000 - share) < 0.001, cat


@pytest.mark.parametrize("denominator", ["all", "in_scope"])
def test_coverage_by_spend_is_the_report_exactly(demo: sd.SupplierDemo, denominator: str) -> None:
    cov = coverage.coverage(FY, _inputs(demo), denominator=denominator)  # type: ignore[arg-type]
    # S = every supplier with FY2023/24 spend: 144 suppliers, 20.75 bn CNY
    assert len(cov.denominator_suppliers) == 144
    assert cov.denominator_total == 20_750_000_000
    for prop, pct in REPORT_COVERAGE.items():
        assert cov.properties[prop].share == Fraction(pct, 100), prop
        assert cov.properties[prop].pct == pct
    assert cov.properties["sbt_committed_or_set"].meets_goal is False  # goal 95 %


def test_coverage_of_respondents_leaves_out_the_pending_answer(demo: sd.SupplierDemo) -> None:
    cov = coverage.coverage(FY, _inputs(demo), denominator="respondents")
    pending = demo.supplier(sd.PENDING).spend_cny
    assert sd.PENDING not in cov.denominator_suppliers
    assert cov.denominator_total == 20_750_000_000 - pending
    for prop, pct in REPORT_COVERAGE.items():
        share = Fraction(pct, 100) * 20_750_000_000 / (20_750_000_000 - pending)
        assert cov.properties[prop].share == share, prop


def test_answers_are_jointly_plausible(demo: sd.SupplierDemo) -> None:
    for a in demo.answers:
        p = parse_answer(a.as_form())
        if p.sbti_status != "none":
            assert p.public_target is not None
            assert p.verified
            assert p.re_tracking
        if p.re_target is not None:
            assert p.re_tracking
        if p.verified:
            assert p.has_inventory
        if p.allocated_to_customer_t is not None:
            assert p.allocation_method == "revenue_share"
            s12 = p.scope12_market_t()
            assert s12 is not None
            assert p.scope3_by_category_t["1"] is not None
            assert p.allocated_to_customer_t <= s12 + p.scope3_by_category_t["1"]


def test_changing_one_answer_changes_coverage(demo: sd.SupplierDemo) -> None:
    inputs = _inputs(demo)
    top = max((i for i in inputs if i.answer and i.answer.sbti_status != "none"),
              key=lambda i: i.spend)  # fmt: skip
    before = coverage.coverage(FY, inputs).properties["sbt_committed_or_set"].share
    changed = [
        coverage.SupplierCoverageInput(i.code, i.spend, i.emissions_t, i.in_scope,
                                       parse_answer({**_form(demo, i.code), "sbti_status": "none",
                                                     "sbti_date": None, "sbti_horizon": None}))
        if i.code == top.code else i
        for i in inputs
    ]  # fmt: skip
    after = coverage.coverage(FY, changed).properties["sbt_committed_or_set"].share
    assert before == Fraction(42, 100)
    assert after == before - Fraction(int(top.spend), 20_750_000_000)


def _form(demo: sd.SupplierDemo, code: str) -> dict[str, object]:
    return next(a for a in demo.answers if a.code == code).as_form()


def test_ratings_under_45_have_a_plan_due_in_90_days_and_improve_by_4_7(
    demo: sd.SupplierDemo,
) -> None:
    by_supplier: dict[str, list[sd.Rating]] = {}
    for r in demo.ratings:
        by_supplier.setdefault(r.code, []).append(r)
    assert len(by_supplier) >= 120  # "超过 120 家供应商获邀" (line 2190)
    plans: list[caps.Cap] = []
    for code, rs in by_supplier.items():
        rs.sort(key=lambda r: r.rated_on)
        first = ratings.Rating(code, rs[0].provider, rs[0].score, rs[0].rated_on,
                               rs[0].valid_until)  # fmt: skip
        ratings.check_rating(first)
        if not ratings.below_threshold(first):
            assert len(rs) == 1
            continue
        due = ratings.cap_due(first.rated_on)
        assert due == first.rated_on + timedelta(days=90)
        after = rs[1].score if len(rs) > 1 else None
        if after is not None:
            assert first.rated_on < due < rs[1].rated_on <= FY_END
            assert not ratings.below_threshold(
                ratings.Rating(code, rs[1].provider, rs[1].score, rs[1].rated_on)
            )
        item_closed = due - timedelta(days=5) if after is not None else None
        plans.append(caps.Cap(code, "rating", first.rated_on, due,
                              (caps.CapItem("rating under 45", "corrective actions", "supplier",
                                            due, item_closed),),
                              score_before=first.score,
                              score_after=after))  # fmt: skip
    assert len(plans) == 12
    k = caps.kpis(plans, FY_END)
    # 10 re-rated plans, improvements 7+5+4+4+5+3+5+4+3+7 = 47 points → +4.7 (line 2196)
    assert k.rerated == 10
    assert k.mean_score_change == pytest.approx(4.7, abs=1e-12)
    assert round(k.mean_score_change or 0, 1) == 4.7
    assert k.closed_on_time == 10
    # the two plans still open at the year's end are overdue today
    assert sum(caps.status(c, date(2026, 12, 5)) == "overdue" for c in plans) == 2


def test_audit_coverage_set_reaches_95_percent_and_is_audited(demo: sd.SupplierDemo) -> None:
    spend = {c: float(v) for c, v in _spend_from_rows().items()}
    a = audits.coverage_set(spend)
    # the 109 suppliers outside the "starting" profile make exactly 95 % of spend
    assert len(a.members) == 109
    assert a.spend_in_set / a.total_spend == Fraction(95, 100)
    records = [
        audits.Audit(r.code, r.scheme, r.audited_on, r.score, findings=tuple(
            audits.Finding(f"{r.code}-{i}", f.severity, f.section, f.due, f.closed_on)
            for i, f in enumerate(r.findings)))
        for r in demo.audits
    ]  # fmt: skip
    for rec in records:
        audits.check_audit(rec)
    valid = {r.supplier for r in records if audits.valid_on(r, FY_END)}
    assert set(a.members) <= valid
    share = audits.audited_share(spend, records, FY_END)
    assert share >= 0.95  # the report's rule: 95 % of spend audited every two years (l. 2181)
    assert share == pytest.approx(0.95, abs=1e-12)
    assert audits.suspension_triggers(records, [], FY_END) == {}
    assert audits.audits_due(a.members, records, FY_END)  # some are due within six months


def test_training_counts_are_the_report(demo: sd.SupplierDemo) -> None:
    events = [training.TrainingEvent(c.code, training.EventKind.COURSE, c.title_en,
                                     c.published_on) for c in demo.courses]  # fmt: skip
    events += [training.TrainingEvent(e.code, training.EventKind(e.kind), e.title_en, e.held_on,
                                      e.partner or "") for e in demo.events]  # fmt: skip
    att = [training.Attendance(c, p, s, done) for c, s, p, done in demo.enrolments]
    att += [training.Attendance(e.code, p, s) for e in demo.events for s, p in e.attendances]
    summary = training.summarise(events, att, end=FY_END)
    assert summary.courses == 17  # line 2252
    assert summary.learners == 787  # line 2252
    conf = summary.kind(training.EventKind.CONFERENCE)
    assert (conf.events, conf.attendances) == (1, 671)  # ESG Day, line 2256
    web = summary.kind(training.EventKind.WEBINAR)
    assert (web.events, web.attendances) == (2, 633)  # two webinars, line 2280
    assert summary.duplicates == 0


def _grid_factors() -> list[projects.GridFactor]:
    out = []
    for fs in bundled_factor_sets():
        for f in fs.factors:
            if f.activity_type == "electricity.grid" and f.unit == "kWh":
                out.append(projects.GridFactor(f.factor_id, f.region, f.valid_from, f.value))
    return out


def _ledger_projects(demo: sd.SupplierDemo) -> list[projects.SupplierProject]:
    return [
        projects.SupplierProject(
            p.code, p.supplier, p.name_en, projects.ProjectType(p.type), p.region,
            float(p.capex_cny), p.start, p.life_years, ("星火行动",),
            (projects.Saving("electricity", float(p.saved_mwh_per_year)),),
            float(p.t_per_year),
            tuple(projects.Measurement(a, b, float(t), (projects.Saving("electricity",
                                                                        float(m)),))
                  for a, b, t, m in p.measured),
            attribution_pct=p.attribution_pct,
        )
        for p in demo.projects
    ]  # fmt: skip


def test_xinghuo_programme_figures_and_warning(demo: sd.SupplierDemo) -> None:
    grid = _grid_factors()
    led = projects.ledger(_ledger_projects(demo), grid, until=date(2023, 12, 31), region="CN-AH")
    (prog,) = led.programmes
    assert prog.suppliers >= 20  # "20 多家供应商"
    assert prog.capex_cny == 150_000_000  # "累计总投资 1.5 亿"
    assert prog.cumulative_t > 27_000
    assert round(prog.cumulative_t / 1000) == 27
    assert prog.attributed_t == prog.cumulative_t
    assert prog.expected_lifetime_t == 660_000  # "66 万吨" over 20 years
    assert prog.lifetime_mwh == 670_000  # "6.7 亿度"
    # 660,000 t / 670,000 MWh = 0.985 t/MWh, above every Chinese grid factor (≤ 0.79)
    check = prog.check
    assert check is not None
    assert check.exceeds
    assert check.implied == pytest.approx(0.98507, abs=1e-5)
    assert check.message() is not None
    assert all(f.warnings for f in led.projects)  # every project warns too
    # cost-effectiveness: ¥150 M / 27.12 kt ≈ ¥5,531/t; ¥150 M / 660 kt ≈ ¥227/t
    assert prog.cost_per_t_lifetime == pytest.approx(227.27, abs=0.01)


def test_one_megatonne_kpi_is_off_track(demo: sd.SupplierDemo) -> None:
    goal = projects.ProgrammeGoal()  # 1,000,000 t by FY2025/26, counted from FY2022/23
    st = projects.track_programme(_ledger_projects(demo), goal, FiscalCalendar(4))
    assert st.latest_year == "FY2023/24"
    assert st.latest_value is not None
    assert 27_000 < st.latest_value < 28_000
    # pathway P(FY2023/24) = 1,000,000 × 2 / 4 = 500,000 t
    assert st.pathway_value == pytest.approx(500_000)
    assert st.status is Status.OFF_TRACK


def test_synthetic_year_files_book_fy2023_24_purchases_by_supplier() -> None:
    import csv
    import io

    rng = np.random.default_rng(2024)
    before = year_files(Year("FY2022/23", rng))["spend"]
    rows = list(csv.DictReader(io.StringIO(year_files(Year(FY, rng))["spend"])))
    assert all(r["supplier"] for r in rows)  # no unattributed spend in FY2023/24
    assert len(rows) == 4 * 144
    # the four consolidated factories: nothing bought for the 30 % associate (counted 0 %)
    assert {r["site"] for r in rows} == {"TJ-FACTORY", "HF-FACTORY", "WH-FACTORY", "SZ-FACTORY"}
    assert sum(int(r["amount"]) for r in rows) == 20_750_000_000
    assert "supplier" not in before.splitlines()[0]  # FY2022/23 unchanged


def test_demo_folder_written_twice_is_identical(tmp_path: Path) -> None:
    a = write_synthetic_workspace(tmp_path / "a")
    b = write_synthetic_workspace(tmp_path / "b")
    spend = [p for p in a if p.name == "spend.csv" and "fy2023-24" in str(p)]
    assert len(spend) == 1
    twin = tmp_path / "b" / spend[0].relative_to(tmp_path / "a")
    assert twin in b
    assert spend[0].read_bytes() == twin.read_bytes()


def test_key_tier1_scorecards_fill_every_questionnaire_kpi(demo: sd.SupplierDemo) -> None:
    from lingtan.adapters.services.supplier_reviews import default_kpi_set
    from lingtan.modules.suppliers import scorecard

    kset = default_kpi_set()
    assert len(kset.kpis) == 30
    left_to_records = {k.code for k in kset.kpis if k.source in ("rating", "audit")} | {
        "cap_items_on_time_pct"
    }
    assert len(demo.scorecards) == 60  # the key tier-1 suppliers
    for code, values in demo.scorecards:
        assert demo.supplier(code).key_tier1
        result = scorecard.compute_scorecard(kset, values, sd.SCORECARD_PERIOD)
        assert set(result.missing) == left_to_records
        assert 0 < result.total <= 100
