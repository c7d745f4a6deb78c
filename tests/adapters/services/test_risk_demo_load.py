"""The climate risk demo loaded through the services (``services.risk_demo``, what ``lingtan
demo`` and ``lingtan serve --demo`` run; issue 17 item 8, decision 0085): the register with the
report's rows and printed horizons, the other areas' demo data, nothing written twice, the key
items computed from the register, and the four scenario runs reproducible from their inputs.

Setup (cheap, not the full ``lingtan demo``): demo workspace (b) with the FY2023/24 fuel,
electricity and spend files imported and FY2023/24 calculated (the scenario runs read that
inventory), and its targets file (the register links targets and projects).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingtan.adapters.demo import climate_register as cr
from lingtan.adapters.demo.synthetic import write_synthetic_workspace
from lingtan.adapters.demo.synthetic_targets import write_targets
from lingtan.adapters.services import risk_demo as loader
from lingtan.adapters.services.calculation import calculate
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.imports import import_file
from lingtan.adapters.store.scoping import tenant_session
from lingtan.adapters.store.workspace import open_workspace

YEAR = "FY2023/24"
#: the FY2023/24 activity files the scenario runs need: Scope 1 (fuel), grid electricity
#: (Scope 2 and kWh by region), purchased goods (Scope 3 category 1, spend)
NEEDED = ("fuel", "electricity", "spend")


@dataclass
class Loaded:
    db: Session
    ctx: LocalContext
    first: loader.RiskDemoReport
    second: loader.RiskDemoReport
    audit_after_first: int
    audit_after_second: int


def _audit_entries(db: Session) -> int:
    from lingtan.adapters.store.audit import AuditEntry

    return int(db.scalar(select(func.count()).select_from(AuditEntry)) or 0)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Iterator[Loaded]:
    folder: Path = tmp_path_factory.mktemp("risk") / "synthetic"
    files = write_synthetic_workspace(folder)
    ws = open_workspace(folder)
    ctx = LocalContext.of(ws)
    for f in sorted(files):
        if f.parent.name == "fy2023-24" and f.stem in NEEDED:
            assert import_file(ctx, f).rows_rejected == 0
    calculate(ctx, YEAR)
    write_targets(folder)
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        first = loader.load_risk_demo(db, ctx)
        after_first = _audit_entries(db)
        second = loader.load_risk_demo(db, ctx)
        after_second = _audit_entries(db)
        yield Loaded(db, ctx, first, second, after_first, after_second)


def test_everything_is_loaded(loaded: Loaded) -> None:
    r = loaded.first
    assert r.items == len(cr.ITEMS) == 13
    assert r.aspects == 11  # report lines 1286–1303
    assert r.scenarios == 4  # four scenarios, one run each
    assert r.hazards > 0
    assert r.governance > 0


def test_nothing_is_written_twice(loaded: Loaded) -> None:
    assert loaded.second == loader.RiskDemoReport()
    assert loaded.second.total == 0
    assert loaded.audit_after_second == loaded.audit_after_first


def test_the_register_holds_the_reports_rows(loaded: Loaded) -> None:
    from lingtan.adapters.services.risk_register import get_item, list_items

    rows = {r.code: r for r in list_items(loaded.db, loaded.ctx)}
    assert set(rows) == {i.code for i in cr.ITEMS}
    chronic = get_item(loaded.db, loaded.ctx, "R02")
    assert chronic.title.startswith("降水模式和类型变化、海平面上升")  # lines 738–739
    assert chronic.horizons == ["medium", "long"]  # line 721
    tech = get_item(loaded.db, loaded.ctx, "R06")
    assert (tech.driver, tech.horizons) == ("low_emission_technology", ["short", "medium"])  # 769
    people = get_item(loaded.db, loaded.ctx, "R08")
    assert people.horizons == ["short", "medium", "long"]  # lines 773–774
    carbon = get_item(loaded.db, loaded.ctx, "R03")
    assert carbon.horizons == ["short"]  # line 723
    assert carbon.links["sites"] == ["TJ-FACTORY", "WH-FACTORY", "SZ-FACTORY", "BJ-HQ"]
    # L 3 × max(C) 3 = 9 → medium (lingtan's default bands: medium 5–9)
    assert (carbon.score, carbon.band) == (9.0, "medium")
    for r in rows.values():
        assert r.source is not None
        assert r.source.endswith("; scores illustrative (lingtan demo)")


def test_key_items_are_computed_from_the_register(loaded: Loaded) -> None:
    key = loader.key_items(loaded.db, loaded.ctx)
    assert key.band == "very_high"
    assert set(key.risks) == cr.REPORT_KEY_RISKS
    assert set(key.opportunities) == cr.REPORT_KEY_OPPORTUNITIES
    assert key.matches_report


def test_the_key_items_follow_the_matrix(
    tmp_path_factory: pytest.TempPathFactory, workspace_store: str
) -> None:
    """Not written in: under another matrix the same register gives other key items. With the
    mean rule no item reaches very high (≥ 15): R01 C = (4 + 2 + 4 + 3 + 2) / 5 = 3.0 → 4 × 3
    = 12; R04 (4 + 4 + 4 + 2) / 4 = 3.5 → 14; R08 (4 + 4 + 2 + 2 + 3) / 5 = 3.0 → 12; O02
    (4 + 3 + 2 + 4) / 4 = 3.25 → 13; O04 (4 + 2 + 4) / 3 → 13.3; the rest score less."""
    from lingtan.adapters.services.risk_register import import_register, set_matrix
    from lingtan.adapters.store.workspace import init_workspace

    folder = tmp_path_factory.mktemp("risk-mean") / "ws"
    ws = init_workspace(folder, organisation="Mean Co", region="CN")
    ctx = LocalContext.of(ws)
    plain = tuple(
        type(i)(**{**i.__dict__, "sites": (), "targets": (), "projects": ()}) for i in cr.ITEMS
    )
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        import_register(db, ctx, cr.register_csv(plain), "r.csv")
        assert loader.key_items(db, ctx).matches_report
        set_matrix(db, ctx, {"aggregation": "mean"})
        key = loader.key_items(db, ctx)
        assert not key.matches_report
        assert (key.risks, key.opportunities) == ((), ())


def test_summary_counts_and_runs(loaded: Loaded) -> None:
    from lingtan.adapters.services.risk_register import heatmap

    s = loader.risk_summary(loaded.db, loaded.ctx)
    bands = {b.band: (b.risks, b.opportunities) for b in s.bands}
    # module docstring of test_risk_demo_register: 16 → very high, 12 → high, 9 → medium
    assert bands == {"very_high": (3, 2), "high": (3, 3), "medium": (2, 0), "low": (0, 0)}
    assert sum(a + b for a, b in bands.values()) == heatmap(loaded.db, loaded.ctx).rated
    assert s.fiscal_year == YEAR
    assert len({r.scenario for r in s.runs}) == 4
    assert sorted({r.year for r in s.runs}) == [2030, 2040, 2050]  # report line 1080
    assert s.conclusion is not None
    assert s.conclusion.rows


def test_the_runs_are_reproducible_from_their_inputs_hash(loaded: Loaded) -> None:
    """Each run's id is the sha256 of its inputs: computing the inputs again gives the same id
    and the same results, and running it again returns the stored run."""
    from lingtan import __version__
    from lingtan.adapters.services import risk_scenarios as rsv
    from lingtan.modules.risk import scenarios as rs

    runs = rsv.list_runs(loaded.db, loaded.ctx)
    assert len(runs) == 4
    for row in runs:
        s = rsv.scenario_of(rsv.get_scenario(loaded.db, loaded.ctx, row.scenario_code))
        p = row.parameters
        years = tuple(p["years"])
        x = rsv.run_inputs(loaded.db, loaded.ctx, s, row.fiscal_year, years,
                           revenue_lowcarbon=p["revenue_lowcarbon"], bau_growth=p["bau_growth"],
                           physical_base=p["physical_base"])  # fmt: skip
        assert rs.run_id(s, x, years, __version__) == row.run_id
        assert rs.run(s, x, years).to_dict() == row.results
        again = rsv.run_scenario(loaded.db, loaded.ctx, row.scenario_code, row.fiscal_year,
                                 years=years, revenue_lowcarbon=p["revenue_lowcarbon"],
                                 bau_growth=p["bau_growth"],
                                 physical_base=p["physical_base"])  # fmt: skip
        assert again.run_id == row.run_id
    assert len(rsv.list_runs(loaded.db, loaded.ctx)) == 4
