"""The supplier demo loaded through the services (``services.supplier_demo.load_supplier_demo``,
what ``lingtan serve --demo`` runs) into the synthetic demo workspace: the figures the supplier
surfaces read are the report's, computed from the stored records and the imported spend rows,
and they move when a supplier's answer changes (issue 15, "Done when" 1; decision 0069).

Setup: demo workspace (b) written by ``write_synthetic_workspace``, only its FY2023/24
``spend.csv`` imported (the rows by supplier the coverage and audit shares read), and the
workspace's own store as the organisation (the command line's way, ``tenant_session``), on
both stores (SQLite and PostgreSQL: amounts must stay exact through either).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import pytest
from sqlalchemy.orm import Session

from lingtan.adapters.demo import synthetic_suppliers as sd
from lingtan.adapters.demo.synthetic import write_synthetic_workspace
from lingtan.adapters.services import supplier_demo as loader
from lingtan.adapters.services import supplier_programmes as prog
from lingtan.adapters.services import supplier_requests as req
from lingtan.adapters.services import supplier_reviews as rev
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.imports import import_file
from lingtan.adapters.services.suppliers import list_suppliers, spend_by_supplier
from lingtan.adapters.store.scoping import tenant_session
from lingtan.adapters.store.workspace import open_workspace

FY = "FY2023/24"
TOTAL_CNY = 20_750_000_000  # Σ FY2023/24 spend rows (every one names its supplier)
REPORT = {"sbt_committed_or_set": 42, "verified": 91, "public_target": 95, "re_tracking": 94,
          "re_target": 76}  # fmt: skip
TODAY = date(2026, 12, 5)


@dataclass
class Loaded:
    db: Session
    ctx: LocalContext
    report: loader.LoadReport


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Iterator[Loaded]:
    folder = tmp_path_factory.mktemp("suppliers") / "synthetic"
    write_synthetic_workspace(folder)
    ws = open_workspace(folder)
    ctx = LocalContext.of(ws)
    rep = import_file(ctx, folder / "activity" / "fy2023-24" / "spend.csv")
    assert rep.rows_rejected == 0
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        report = loader.load_supplier_demo(db, ctx)
        yield Loaded(db, ctx, report)


def test_everything_is_loaded_once(loaded: Loaded) -> None:
    r = loaded.report
    assert (r.suppliers, r.answers, r.plans, r.projects) == (150, 150, 12, 22)
    # course enrolments (1–4 courses each of 787 learners) + ESG Day + webinars
    assert r.attendances == len(sd.supplier_demo().enrolments) + 671 + 633
    assert len(list_suppliers(loaded.db, loaded.ctx)) == 150
    assert loader.load_supplier_demo(loaded.db, loaded.ctx) == loader.LoadReport()


def test_spend_by_supplier_comes_from_the_imported_rows(loaded: Loaded) -> None:
    spend = spend_by_supplier(loaded.ctx, FY)
    assert spend.total == TOTAL_CNY
    assert spend.unattributed == 0
    assert len(spend.by_supplier) == 144


def _pct(loaded: Loaded, denominator: str = "all") -> dict[str, Fraction | None]:
    view = req.coverage_view(loaded.db, loaded.ctx, FY, denominator=denominator)
    return {p: view.result.properties[p].share for p in REPORT}


@pytest.mark.parametrize("denominator", ["all", "in_scope"])
def test_coverage_read_through_the_service_is_the_report(loaded: Loaded, denominator: str) -> None:
    view = req.coverage_view(loaded.db, loaded.ctx, FY, denominator=denominator)
    assert view.spend_source == "imported_rows"
    assert float(view.result.denominator_total) == TOTAL_CNY
    assert len(view.result.denominator_suppliers) == 144
    for prop, pct in REPORT.items():
        assert view.result.properties[prop].share == Fraction(pct, 100), prop
    doc = view.to_dict()
    assert doc["properties"]["sbt_committed_or_set"]["fraction"] == "21/50"  # 42 %
    assert doc["properties"]["sbt_committed_or_set"]["goal_pct"] == 95.0


def test_ratings_plans_and_mean_improvement(loaded: Loaded) -> None:
    k = rev.cap_kpis(loaded.db, loaded.ctx, TODAY)
    assert k.plans == 12
    assert k.rerated == 10
    assert k.mean_score_change == pytest.approx(4.7, abs=1e-12)  # 47 points / 10 plans
    plans = rev.list_caps(loaded.db, loaded.ctx, today=TODAY)
    for p in plans:
        assert p["score_before"] < 45
        assert (p["due"] - p["opened"]).days == 90
    overdue = rev.list_caps(loaded.db, loaded.ctx, overdue=True, today=TODAY)
    assert len(overdue) == 2  # the two plans of February–March 2024, never closed


def test_key_suppliers_have_a_scorecard_from_their_records(loaded: Loaded) -> None:
    (card,) = rev.list_scorecards(loaded.db, loaded.ctx, "sup-001")
    assert card.period == sd.SCORECARD_PERIOD
    assert 0 < card.total <= 100
    # the rating and audit KPIs come from the stored records, not from the generator's values
    assert card.scores["ecovadis_score"]["value"] is not None
    assert card.scores["rba_vap_score"]["value"] is not None


def test_audit_coverage_is_95_percent_of_spend(loaded: Loaded) -> None:
    cov = rev.coverage(loaded.db, loaded.ctx, FY)
    assert len(cov["members"]) == 109
    assert cov["set_share_pct"] == pytest.approx(95.0, abs=1e-9)
    assert cov["audited_share_pct"] == pytest.approx(95.0, abs=1e-9)
    assert cov["gaps"] == []


def test_training_counts(loaded: Loaded) -> None:
    doc = prog.training_summary(loaded.db, loaded.ctx, fiscal_year=FY)
    assert doc["courses"] == 17
    assert doc["learners"] == 787
    kinds = {k["kind"]: k for k in doc["by_kind"]}
    assert kinds["conference"]["attendances"] == 671
    assert (kinds["webinar"]["events"], kinds["webinar"]["attendances"]) == (2, 633)


def test_xinghuo_ledger_warns_and_the_kpi_is_off_track(loaded: Loaded) -> None:
    doc = prog.projects_ledger(loaded.db, loaded.ctx, until=date(2023, 12, 31))
    (xh,) = doc["programmes"]
    assert xh["name"] == "星火行动"
    assert xh["suppliers"] == 22
    assert xh["capex_cny"] == 150_000_000
    assert 27_000 < xh["cumulative_t"] < 27_500
    assert xh["expected_lifetime_t"] == 660_000
    assert xh["lifetime_mwh"] == 670_000
    assert xh["check"]["exceeds"] is True
    assert xh["check"]["implied_t_per_mwh"] == pytest.approx(660_000 / 670_000)
    assert xh["warning"]["key"] == "supplier_programmes.warn.implied_factor"
    assert doc["warnings"]
    kpi = doc["kpi"]
    assert kpi["status"] == "off_track"
    assert 27_000 < kpi["latest_value"] < 27_500


def test_changing_one_answer_changes_the_coverage(loaded: Loaded) -> None:
    """Done when 1: the supplier still to decide revises its answer (now verified, with a public
    target, tracking renewables) and the buyer accepts it: three figures rise by exactly its
    share of spend, the two others stay; the coverage history keeps both."""
    before = _pct(loaded)
    pending = next(
        r for r in req.list_requests(loaded.db, loaded.ctx) if r.supplier_code == sd.PENDING
    )
    assert pending.status == "answered"
    revised = {
        "scope1_t": 410, "scope2_location_t": 1_250, "scope2_market_t": 1_100,
        "verified": True, "verification_standard": "ISO 14064-3",
        "public_target": {"type": "absolute", "base_year": 2022, "target_year": 2030,
                          "reduction_pct": 30},
        "re_tracking": True, "re_share_pct": 12,
    }  # fmt: skip
    resp = req.record_answer(loaded.db, loaded.ctx, pending.id, revised, channel="upload")
    assert _pct(loaded) == before  # submitted, not yet accepted: nothing moves
    req.accept_response(loaded.db, loaded.ctx, resp.id)
    after = _pct(loaded)
    share = Fraction(loaded_spend(loaded, sd.PENDING), TOTAL_CNY)
    assert share > 0
    for prop in ("verified", "public_target", "re_tracking"):
        assert after[prop] == Fraction(REPORT[prop], 100) + share
    for prop in ("sbt_committed_or_set", "re_target"):
        assert after[prop] == before[prop]
    history = req.coverage_history(loaded.db, loaded.ctx)
    assert [h.fiscal_year for h in history] == [FY]
    assert history[0].pct["verified"] == pytest.approx(float((Fraction(91, 100) + share) * 100))


def loaded_spend(loaded: Loaded, code: str) -> int:
    return int(spend_by_supplier(loaded.ctx, FY).by_supplier[code])
