"""The four-pillar sections of an edition (services/disclosure_pillars.py, decision 0099) on one
small workspace built through the existing services, and on an empty one.

The workspace is :mod:`risk_scenarios_kit`'s (site HQ, CN, fiscal years from April; FY2024/25
calculated: Scope 1 = 1 t, Scope 2 location-based = 100 t) with, added here:

- a targets file: project PV1 (500 t CO2e/yr from FY2024/25), target S12 (Scope 1+2 with the
  location-based Scope 2, −50 % from FY2020/21 to FY2030/31; the file gives FY2020/21 = 100 +
  100 = 200 t), KPI ``KPI-RE`` (start FY2020/21 10 %, goal 90 % in FY2025/26, 50 % typed for
  FY2024/25, source "meter readings"), KPI ``KPI-X`` (no value), credit holding H1 (VCS,
  1…100) with serials 1…8 retired on 2025-03-31, a removal credit option;
- datapoints: the internal carbon price 100 CNY/t CO2e (approved), capital deployment 5 M CNY
  (entered only);
- governance: the board (a mandate; the report's default "one climate update a year") meets
  on 2024-06-10 with a climate item; the EOC (no mandate; 4 a year) in May 2024 (month only)
  and once undated → held 2 < 4, not evidenced; a climate-responsible role; a pay link to
  KPI-RE of 10 % of variable pay;
- the register: T-CARBON (risk, L 3 × C 4 = 12 high, opex effect 1/2/5 M CNY, reviewed
  2024-05-01, linked to S12) and O-LOWCARB (opportunity, L 3 × C 4 = 12 high, never reviewed);
- aspects: A1 (env 4 × bus 3 = 12 ≥ θ 9: significant, linked to T-CARBON, never monitored) and
  A2 (1 × 1 = 1);
- the scenario runs kit-1 (1.5 °C) and kit-4 (4 °C) on FY2024/25, years 2030 and 2040;
- energy: meters HQ-GRID (100 kWh a day) and HQ-GAS (10 m3 a day) with the 31 daily readings of
  May 2024 → 3 100 kWh = 3.1 MWh and 310 m3; 1 000 notebooks produced in May 2024 at HQ →
  3 100 / 1 000 = 3.1 kWh/unit.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lingtan.adapters.i18n.messages import catalogue
from lingtan.adapters.services import disclosure_pillars as sv
from lingtan.adapters.services.context import LocalContext
from lingtan.core.hashing import canonical_sha256
from lingtan.modules.disclosure.document import EditionScope, Section
from lingtan.modules.disclosure.facts import facts_of
from risk_scenarios_kit import (
    DIRECT,
    INDIRECT,
    MANIFEST,
    MANIFEST_HOT,
    SERIES,
    SERIES_HOT,
    YEAR,
    build_scenario_workspace,
)

PARAM = re.compile(r"{(\w+)}")
TARGETS = """\
organisation: Cert Co
fiscal_year_start_month: 4
emissions:
  FY2020/21: {scope1: 100, scope2_market: 100, scope2_location: 100}
targets:
  - id: S12
    name: Operations -50 %
    scopes: [1, 2]
    scope2_basis: location
    base_year: FY2020/21
    target_year: FY2030/31
    reduction_pct: 50
kpis:
  - {id: KPI-RE, name: Renewable electricity, kind: other, unit: '%', goal: 90,
     goal_year: FY2025/26, start: {year: FY2020/21, value: 10}, values: {FY2024/25: 50},
     source: meter readings}
  - {id: KPI-X, name: Untracked, kind: other, unit: '%', goal: 50, goal_year: FY2029/30}
projects:
  - {id: PV1, name: Rooftop PV, type: efficiency, reduction_t_per_year: 500, scope: 2,
     opex_per_year: 1000, life_years: 10, earliest_start: FY2024/25}
credit_options:
  - {id: REMOVALS, name: Forestry removals, kind: removal, price_per_t: 120}
credits:
  holdings:
    - {id: H1, standard: VCS, project_id: VCS-1, project_type: reforestation, vintage: 2023,
       kind: removal, serial_prefix: VCS-1-2023, serial_start: 1, serial_end: 100}
  retirements:
    - {holding: H1, serial_start: 1, serial_end: 8, claim: HQ-FY2024/25,
       retired_on: 2025-03-31}
claims:
  - {id: HQ-FY2024/25, subject_type: site, subject_id: HQ, period_start: 2024-04-01,
     period_end: 2025-03-31, footprint_t: 8}
"""


def _scope(ctx: LocalContext) -> EditionScope:
    period = ctx.workspace().config.period(YEAR)
    return EditionScope(
        "test",
        "Cert Co",
        period.label,
        period.start.isoformat(),
        period.end.isoformat(),
        None,
        None,
        None,
        None,
    )


def _records(ctx: LocalContext) -> None:
    from lingtan.adapters.cli.common import store_session
    from lingtan.adapters.services import disclosure_datapoints as dp
    from lingtan.adapters.services import risk_aspects, risk_governance, risk_register
    from lingtan.adapters.services import risk_scenarios as sc
    from lingtan.adapters.services.meters import create_meter
    from lingtan.adapters.services.production import add_production

    with store_session(ctx) as db:
        risk_governance.create_body(
            db,
            ctx,
            {"code": "board", "kind": "board", "name": "Board", "mandate": "Oversees climate"},
        )
        risk_governance.create_body(
            db, ctx, {"code": "eoc", "kind": "esg_executive_committee", "name": "ESG EOC"}
        )
        for m in (
            {
                "body": "board",
                "title": "Board June",
                "date": "2024-06-10",
                "agenda": [{"topic": "strategy", "climate": True, "text": "Climate strategy"}],
                "decisions": ["Strategy approved"],
            },
            {
                "body": "eoc",
                "title": "EOC May",
                "date": "2024-05",
                "agenda": [{"topic": "targets", "climate": True, "text": "SBT update"}],
            },
            {"body": "eoc", "title": "EOC other", "fiscal_year": YEAR},
        ):
            risk_governance.create_meeting(db, ctx, m)
        risk_governance.create_role(db, ctx, {"title": "CSO", "climate_responsible": True})
        risk_governance.create_pay_link(
            db,
            ctx,
            {"fiscal_year": YEAR, "population": "executives", "kpi_id": "KPI-RE", "share_pct": 10},
        )
        risk_register.create_item(
            db,
            ctx,
            {
                "code": "T-CARBON",
                "kind": "risk",
                "category": "policy_legal",
                "driver": "carbon_pricing",
                "title": "Carbon price rises",
                "horizons": ["short", "medium"],
                "value_chain": ["own_operations"],
                "likelihood": 3,
                "consequences": {"finance": 4},
                "response": "mitigate",
                "financial": {
                    "line": "opex",
                    "low": 1e6,
                    "central": 2e6,
                    "high": 5e6,
                    "currency": "CNY",
                },
                "links": {"targets": ["S12"]},
                "last_reviewed": "2024-05-01",
            },
        )
        risk_register.create_item(
            db,
            ctx,
            {
                "code": "O-LOWCARB",
                "kind": "opportunity",
                "category": "products_services",
                "driver": "low_emission_products",
                "title": "Low-carbon products",
                "horizons": ["long"],
                "value_chain": ["downstream"],
                "likelihood": 3,
                "consequences": {"market_share": 4},
                "response": "pursue",
            },
        )
        scores = dict.fromkeys(risk_aspects.SCORE_FIELDS[:5], 4) | dict.fromkeys(
            risk_aspects.SCORE_FIELDS[5:], 3
        )
        risk_aspects.create_aspect(
            db,
            ctx,
            {
                "code": "A1",
                "aspect": "Electricity use",
                "condition": "normal",
                "risk_code": "T-CARBON",
                **scores,
            },
        )
        risk_aspects.create_aspect(
            db,
            ctx,
            {
                "code": "A2",
                "aspect": "Paper",
                "condition": "normal",
                **dict.fromkeys(risk_aspects.SCORE_FIELDS, 1),
            },
        )
        for manifest, series, name in (
            (MANIFEST, SERIES, "kit-1"),
            (MANIFEST_HOT, SERIES_HOT, "kit-4"),
        ):
            sc.import_scenario(
                db, ctx, manifest.encode(), series.encode(), f"{name}.yaml", f"{name}.csv"
            )
            sc.run_scenario(db, ctx, name, YEAR, years=[2030, 2040], revenue_lowcarbon=1_000_000)
        for code, carrier, unit, source in (
            ("HQ-GRID", "electricity", "kWh", "grid"),
            ("HQ-GAS", "natural_gas", "m3", None),
        ):
            create_meter(
                db,
                ctx,
                {
                    "code": code,
                    "site": "HQ",
                    "tz": "UTC",
                    "carrier": carrier,
                    "unit": unit,
                    "measures": "consumption",
                    "source": source,
                    "interval_minutes": 1440,
                },
            )
        add_production(
            db,
            ctx,
            {"site": "HQ", "product_type": "notebook", "month": date(2024, 5, 1), "units": 1000},
        )
        dp.set_datapoint(
            db,
            ctx,
            "internal_carbon_price",
            YEAR,
            value=100,
            unit="CNY/t CO2e",
            text="Shadow price on capex decisions",
        )
        dp.review_datapoint(db, ctx, "internal_carbon_price", YEAR, "reviewed")
        dp.review_datapoint(db, ctx, "internal_carbon_price", YEAR, "approved")
        dp.set_datapoint(db, ctx, "capital_deployment", YEAR, value=5e6, unit="CNY")
        db.commit()


def _readings(ctx: LocalContext, folder: Path) -> None:
    from lingtan.adapters.services.readings import ingest_readings_file

    zone, lines = ZoneInfo("UTC"), ["meter,ts,value"]
    day = datetime(2024, 5, 1, tzinfo=zone)
    while day.month == 5:
        lines += [f"HQ-GRID,{day.isoformat()},100", f"HQ-GAS,{day.isoformat()},10"]
        day += timedelta(days=1)
    path = folder / "readings.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rep = ingest_readings_file(ctx, path)
    assert not rep.rejected, rep.rejected[:3]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Section]:
    folder = build_scenario_workspace(tmp_path_factory.mktemp("pil") / "ws")
    (folder / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    ctx = LocalContext(folder)
    _records(ctx)
    _readings(ctx, folder)
    scope = _scope(ctx)
    out = {key: producer(ctx, scope) for key, producer in sv.PRODUCERS.items()}
    out["again"] = sv.metrics_targets_section(ctx, scope)
    ctx.workspace().engine.dispose()
    return out


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Section]:
    from lingtan.adapters.store.workspace import init_workspace

    folder = tmp_path_factory.mktemp("pil-empty") / "ws"
    init_workspace(folder, organisation="Empty Co", region="CN", start_month=4).engine.dispose()
    ctx = LocalContext(folder)
    scope = _scope(ctx)
    out = {key: producer(ctx, scope) for key, producer in sv.PRODUCERS.items()}
    ctx.workspace().engine.dispose()
    return out


def _statuses(s: Section) -> dict[str, str]:
    return {k: f["status"] for k, f in s["facts"].items()}


def _table(s: Section, key: str) -> list[list[Any]]:
    found = [t for t in s["tables"] if t["key"] == f"pil_{key}"]
    assert found, f"no table {key} in {[t['key'] for t in s['tables']]}"
    return [[c["v"] for c in row] for row in found[0]["rows"]]


def test_every_section_states_all_its_facts(
    built: dict[str, Section], empty: dict[str, Section]
) -> None:
    for sections in (built, empty):
        for key in sv.PRODUCERS:
            s = sections[key]
            assert (s["key"], s["pillar"]) == (key, key)
            assert list(s["facts"]) == facts_of(key)
            assert s["narratives"]
            assert all(n.startswith(f"{key}.") for n in s["narratives"])
            json.dumps(s, allow_nan=False)  # plain JSON, hashable into an edition id


def test_empty_workspace_is_not_available(empty: dict[str, Section]) -> None:
    for s in empty.values():
        assert s["available"] is False
        assert set(_statuses(s).values()) == {"missing"}
        assert {f["source"] for f in s["facts"].values()} == {"not_available"}
        assert s["tables"] == []
        assert s["charts"] == []
        assert s["paragraphs"]  # says what is not available


def test_governance_calendar_and_facts(built: dict[str, Section]) -> None:
    s = built["governance"]
    assert s["available"]
    bodies = {r[0]: r for r in _table(s, "gov_bodies")}
    assert bodies["board"][5:] == [1, 1, "governance.status.met"]  # 1 climate update, held 1
    assert bodies["eoc"][5:] == [4, 2, "governance.status.not_evidenced"]  # 1 dated + 1 undated
    cal = _table(s, "gov_calendar")
    assert [r[2] for r in cal] == ["EOC May", "Board June", "EOC other"]
    assert cal[0][0] == "disc_pil.month_only"
    assert cal[2][0] == "disc_pil.na.date_not_published"
    assert [r[2] for r in _table(s, "gov_agenda")] == [
        "governance.topic.targets",
        "governance.topic.strategy",
    ]
    assert _table(s, "gov_pay")[0][2] == 10
    assert _statuses(s) == {
        "gov.body": "partial",  # the EOC has no mandate
        "gov.oversight": "partial",  # the EOC's frequency not evidenced
        "gov.management_role": "complete",
        "gov.remuneration": "complete",
    }


def test_strategy_register_scenarios_and_plan(built: dict[str, Section]) -> None:
    s = built["strategy"]
    risks = _table(s, "risks")
    assert risks[0][:4] == [
        "T-CARBON",
        "risk.category.policy_legal",
        "risk.driver.carbon_pricing",
        "Carbon price rises",
    ]
    assert risks[0][4:9] == ["disc_pil.mark", "disc_pil.mark", "", 12.0, "risk.band.high"]
    assert _table(s, "opportunities")[0][7:9] == [12.0, "risk.band.high"]  # 3 × 4
    assert _table(s, "value_chain") == [
        ["risk.value_chain.own_operations", 1, 0],
        ["risk.value_chain.upstream", 0, 0],
        ["risk.value_chain.downstream", 0, 1],
    ]
    assert _table(s, "effects") == [
        ["T-CARBON", "risk.kind.risk", "risk.financial_line.opex", 1e6, 2e6, 5e6]
    ]
    scen = {(r[0], r[3]): r for r in _table(s, "scenarios")}
    assert set(scen) == {
        ("Kit 1.5 °C", 2030),
        ("Kit 1.5 °C", 2040),
        ("Kit 4 °C", 2030),
        ("Kit 4 °C", 2040),
    }
    assert s["charts"][0]["x"] == ["2030", "2040"]
    assert s["charts"][0]["table"] == "pil_scenarios"
    assert any(p["v"].startswith("scenarios.conclusion.") for p in s["paragraphs"])
    # PV1 operating from FY2024/25, the latest year evaluated: its stated 500 t CO2e/yr
    assert _table(s, "levers") == [["PV1", "Rooftop PV", "disc_pil.project_type.efficiency", 500]]
    assert _statuses(s) == {
        "strat.risks": "complete",
        "strat.opportunities": "complete",
        "strat.horizons": "complete",
        "strat.business_model": "complete",
        "strat.financial_effects": "partial",  # O-LOWCARB has no effect; runs exist
        "strat.transition_plan": "partial",  # targets and a lever, but no plan computed
        "strat.scenarios": "complete",  # 1.5 °C and 4 °C
    }


def test_risk_management_matrix_cadence_aspects(built: dict[str, Section]) -> None:
    s = built["risk_management"]
    heat = {r[0]: r[1:] for r in _table(s, "heatmap")}
    assert heat["risk.likelihood.3"] == [0, 0, 0, 2, 0]  # both items at L 3, C 4
    assert sum(sum(r) for r in heat.values()) == 2
    assert _table(s, "cadence") == [
        ["disc_pil.cadence.default", 12],
        ["disc_pil.cadence.very_high", 6],
        ["disc_pil.cadence.key_unit", 3],
    ]
    reviews = next(p for p in s["paragraphs"] if p["v"] == "disc_pil.rm.reviews")
    # T-CARBON reviewed 2024-05-01 (in the year; next 2025-05-01, 31 days after the year's
    # end: not due); O-LOWCARB never reviewed
    got = {k: reviews["args"][k] for k in ("open", "reviewed", "overdue", "never")}
    assert got == {"open": 2, "reviewed": 1, "overdue": 0, "never": 1}
    aspects = _table(s, "aspects")
    assert [a[0] for a in aspects] == ["A1"]  # A2: 1 × 1 < 9
    assert aspects[0][5:8] == [4.0, 3.0, 12.0]  # env 4 × bus 3
    assert _statuses(s) == {
        "rm.process": "complete",
        "rm.cadence": "partial",
        "rm.integration": "complete",  # A1 → T-CARBON → S12
        "rm.aspects": "partial",
    }  # A1 never monitored


def test_metrics_targets_figures(built: dict[str, Section]) -> None:
    s = built["metrics_targets"]
    target = _table(s, "targets")[0]
    # base FY2020/21 = 100 + 100 = 200 t; FY2024/25 = 1 + 100 = 101 t; pathway 2024 =
    # 200 × (1 − 0.5 × 4/10) = 160 ≥ 101 → on track; reduction to date (1 − 101/200) = 49.5 %
    assert target[0] == "S12"
    assert target[4] == pytest.approx(200.0)
    assert target[7] == pytest.approx(101.0)
    assert target[8] == pytest.approx(49.5)
    assert target[9] == "status.on_track"
    kpis = {r[0]: r for r in _table(s, "kpis")}
    # KPI-RE: pathway 2024 = 10 + 80 × 4/5 = 74 % > 50 % → off track; typed, its source kept
    assert kpis["KPI-RE"][5:9] == [50, "status.off_track", "kpi.origin.typed", "meter readings"]
    assert kpis["KPI-X"][6] == "status.no_data"
    assert _table(s, "credits") == [
        ["H1", "VCS", "reforestation", 2023, "disc_pil.credit_kind.removal", 100, 8, 92]
    ]
    assert _table(s, "datapoints") == [
        [
            "disc_pil.datapoint.internal_carbon_price",
            100,
            "Shadow price on capex decisions",
            "disc_pil.datapoint_status.approved",
        ],
        ["disc_pil.datapoint.capital_deployment", 5e6, None, "disc_pil.datapoint_status.entered"],
    ]
    energy = {r[0]: r[1] for r in _table(s, "energy")}
    assert energy["disc_pil.energy.electricity"] == pytest.approx(3.1)  # 31 × 100 kWh
    assert energy["disc_pil.carrier.natural_gas"] == pytest.approx(310.0)  # 31 × 10 m3
    # GB/T 2589-2020 当量值: (3 100 kWh × 0.1229 + 310 m3 × 1.3300 kgce) / 1000 = 0.79329 tce
    assert energy["disc_pil.energy.tce_equivalent"] == pytest.approx(0.79329)
    assert energy["disc_pil.energy.re_share"] == pytest.approx(0.0)  # no instrument, no PV
    assert energy["disc_pil.energy.tce_input_equivalent"] == "disc_pil.na.tce_rate"  # no 等价值
    intensity = _table(s, "energy_intensity")[0]
    assert intensity[:2] == ["HQ", "notebook"]
    assert intensity[4] == pytest.approx(3.1)
    exposure = {(r[0], r[1]): r for r in _table(s, "exposure")}
    one = exposure[("Kit 1.5 °C", 2030)]
    assert one[2] == pytest.approx(DIRECT[2030] + INDIRECT[2030])  # 50 + 4 000 (the kit)
    assert _statuses(s) == {
        "mt.targets": "complete",
        "mt.progress": "complete",
        "mt.kpis": "partial",  # KPI-X has no value
        "mt.credits": "complete",  # a credit option planned and a holding
        "mt.internal_carbon_price": "complete",  # approved
        "mt.capital_deployment": "partial",  # entered, not yet approved
        "mt.energy": "partial",  # the input-equivalent tce needs the year's rate
        "mt.energy_intensity": "complete",
        "mt.transition_risk_exposure": "complete",
        "mt.physical_risk_exposure": "partial",  # scenario runs, no hazard shares
        "mt.opportunity_revenue": "missing",  # no uplift series, no opportunity effect
        "mt.supplier_engagement": "missing",
        "mt.inclusion": "missing",
    }


def test_same_data_same_section(built: dict[str, Section]) -> None:
    assert canonical_sha256(built["metrics_targets"]) == canonical_sha256(built["again"])


def test_every_key_is_in_both_catalogues(
    built: dict[str, Section], empty: dict[str, Section]
) -> None:
    keys: set[str] = set()
    cells: list[Any] = []
    for s in [*built.values(), *empty.values()]:
        keys.add(s["title"])
        cells += s["paragraphs"]
        for t in s["tables"]:
            keys.add(t["title"])
            keys |= {c["label"] for c in t["columns"]}
            keys |= {t["note"]} if "note" in t else set()
            cells += [c for row in t["rows"] for c in row]
        keys |= {c["title"] for c in s["charts"]}
        keys |= {f["note"] for f in s["facts"].values() if "note" in f}
        keys |= {str(c["v"]) for c in cells if c["kind"] == "label"}
        keys |= {str(c["v"]) for c in cells if c["kind"] == "na" and c["v"]}
    labels = [c for c in cells if c["kind"] == "label"]
    for locale in ("en", "zh-CN"):
        cat = catalogue(locale)
        assert sorted(k for k in keys if k not in cat) == []
        # every parameter a label's text names is given with the cell
        short = [
            c["v"] for c in labels if set(PARAM.findall(cat[str(c["v"])])) - set(c.get("args", {}))
        ]
        assert short == []
