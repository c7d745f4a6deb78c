"""Measured savings of a project (services/energy_savings.py, decision 0075): the boundary
meters' monthly sums, production and degree days → baseline model → savings per month and per
fiscal year, and the targets hook that puts them in place of the ex-ante estimate."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lingtan.adapters.services import energy_savings as svc
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.workspace import init_workspace
from lingtan.modules.targets.projects import Project, ProjectType, Saving

MV = """\
projects:
  - project: WH-CW
    option: C
    site: Wuhan
    boundary_meters: [WH-M1, WH-M2]
    baseline: {start: 2022-04, end: 2023-03}
    reporting: {start: 2023-04, end: 2024-05}
    normalisers: [production]
    product_types: [notebook]
"""


def _months(start: date, n: int) -> list[date]:
    out = []
    y, m = start.year, start.month
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


BASE = _months(date(2022, 4, 1), 12)
REP = _months(date(2023, 4, 1), 14)
# baseline: P_i = 100 + i units, E_i = 1000 + 2·P_i ± 5 kWh (+ even i, − odd i); 2022-06 (i = 2)
# has no reading at all. Reporting: P = 120 units, E = 1100 kWh each month.
P_BASE = [100.0 + i for i in range(12)]
E_BASE = [1000 + 2 * p + (5 if i % 2 == 0 else -5) for i, p in enumerate(P_BASE)]


def _monthly() -> list[dict[str, Any]]:
    rows = []
    for i, m in enumerate(BASE):
        if i == 2:
            continue  # no reading: left out and listed, never filled
        # the boundary is two meters: 60 % and 40 % of the consumption
        for meter, share in (("WH-M1", 0.6), ("WH-M2", 0.4)):
            rows.append({"meter": meter, "carrier": "electricity", "unit": "kWh", "month": m,
                         "value": E_BASE[i] * share, "intervals": 2880,
                         "expected_intervals": 2880 if i != 5 else 2976})  # fmt: skip
    for m in REP:
        rows.append({"meter": "WH-M1", "carrier": "electricity", "unit": "kWh", "month": m,
                     "value": 660.0, "intervals": 1, "expected_intervals": 1})  # fmt: skip
        rows.append({"meter": "WH-M2", "carrier": "electricity", "unit": "kWh", "month": m,
                     "value": 440.0, "intervals": 1, "expected_intervals": 1})  # fmt: skip
    rows.append(
        {"meter": "OTHER", "carrier": "electricity", "unit": "kWh", "month": BASE[0], "value": 1e9}
    )  # outside the boundary: ignored
    return rows


def _production() -> list[dict[str, Any]]:
    rows = [
        {"month": m, "units": p, "product_type": "notebook"}
        for m, p in zip(BASE, P_BASE, strict=True)
    ]
    rows += [{"month": m, "units": 120.0, "product_type": "notebook"} for m in REP]
    rows += [{"month": BASE[0], "units": 1e6, "product_type": "server"}]  # not counted
    return rows


@pytest.fixture
def ctx(tmp_path: Path) -> LocalContext:
    init_workspace(tmp_path / "ws", organisation="Test Co", region="CN", start_month=4)
    (tmp_path / "ws" / "mv.yaml").write_text(MV, encoding="utf-8")
    return LocalContext(tmp_path / "ws")


def test_savings_per_month_and_year_match_polyfit(ctx: LocalContext) -> None:
    got = svc.measured_savings(ctx, "WH-CW", monthly=_monthly(), production=_production())
    keep = [i for i in range(12) if i != 2]
    b1, b0 = np.polyfit([P_BASE[i] for i in keep], [E_BASE[i] for i in keep], 1)
    per_month = b0 + b1 * 120 - 1100  # ≈ 1000 + 240 − 1100 = 140 kWh
    model = got.result.model
    assert model.n == 11
    assert model.unit == "kWh"
    assert model.coefficients[1].value == pytest.approx(b1)
    assert [p.savings for p in got.result.periods] == pytest.approx([per_month] * 14)
    assert got.missing_months == ("2022-06",)
    assert got.incomplete_months == ("2022-09",)  # 2880 of 2976 intervals
    fy23, fy24 = got.by_year
    assert (fy23.year, fy23.months, fy23.complete) == (2023, 12, True)
    assert fy23.quantity == pytest.approx(12 * per_month)
    assert (fy24.year, fy24.months, fy24.complete) == (2024, 2, False)
    assert fy24.uncertainty_68 == pytest.approx(
        2 * per_month * got.result.uncertainty[0].fractional
    )
    doc = got.to_dict()
    assert doc["by_year"][0]["fiscal_year"] == "FY2023/24"
    assert doc["plan"]["boundary_meters"] == ["WH-M1", "WH-M2"]
    assert doc["standards"].startswith("IPMVP")


def test_degree_days_normaliser(ctx: LocalContext) -> None:
    ws = ctx.workspace().path
    (ws / "mv.yaml").write_text(MV.replace("[production]", "[cdd]"), encoding="utf-8")
    (ws / "energy").mkdir()
    # cdd_i = P_i − 100 → same fit shifted: E = (1000 + 200) + 2·cdd; reporting cdd 20
    lines = ["site,month,hdd,cdd,base_c,source"]
    lines += [f"Wuhan,{m:%Y-%m},0,{p - 100},18,CMA" for m, p in zip(BASE, P_BASE, strict=True)]
    lines += [f"Wuhan,{m:%Y-%m},0,20,18,CMA" for m in REP]
    (ws / "energy" / "degree_days.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = svc.measured_savings(ctx, "WH-CW", monthly=_monthly())
    assert got.result.model.normalisers == ("cdd",)
    # the same line as with production (cdd = P − 100): ŷ(cdd 20) = ŷ(P 120)
    assert got.result.periods[0].conditions == {"cdd": 20.0}
    assert got.result.periods[0].baseline == pytest.approx(
        got.result.model.coefficients[0].value + got.result.model.coefficients[1].value * 20
    )


def test_errors_name_what_is_wrong(ctx: LocalContext) -> None:
    with pytest.raises(svc.SavingsError) as e:
        svc.measured_savings(ctx, "NOPE", monthly=[], production=[])
    assert (e.value.kind, e.value.key) == ("not_found", "mv.err.no_plan")
    with pytest.raises(svc.SavingsError) as e:
        svc.measured_savings(ctx, "WH-CW", monthly=[r for r in _monthly() if r["meter"] != "WH-M2"],
                             production=_production())  # fmt: skip
    assert e.value.key == "mv.err.no_readings"
    assert "WH-M2" in e.value.message
    with pytest.raises(svc.SavingsError) as e:
        svc.measured_savings(ctx, "WH-CW", monthly=_monthly(), production=_production()[:5])
    assert e.value.key == "mv.err.no_normaliser"
    assert "2022-09 production" in e.value.message
    ws = ctx.workspace().path
    (ws / "mv.yaml").write_text(MV.replace("option: C", "option: B"), encoding="utf-8")
    with pytest.raises(svc.SavingsError) as e:
        svc.measured_savings(ctx, "WH-CW", monthly=_monthly(), production=_production())
    assert (e.value.key, e.value.field) == ("mv.err.file.option", "option")
    assert "projects[0] (project 'WH-CW')" not in e.value.message  # keyed text only
    (ws / "mv.yaml").write_text(MV.replace("2023-04, end: 2024-05", "2023-03, end: 2024-05"),
                                encoding="utf-8")  # fmt: skip
    with pytest.raises(svc.SavingsError) as e:
        svc.list_measured(ctx)
    assert e.value.key == "mv.err.file.overlap"


def test_targets_hook_replaces_ex_ante_for_fully_measured_years(
    ctx: LocalContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(svc, "_meter_monthly", lambda c, s, e: _monthly())
    monkeypatch.setattr(svc, "_production_rows", lambda c, site, s, e: _production())
    ex_ante = Project("WH-CW", "cooling water", ProjectType.EFFICIENCY,
                      savings=(Saving("electricity", 300.0, "MWh"),))  # fmt: skip
    other = Project("X", "other", ProjectType.EFFICIENCY,
                    savings=(Saving("electricity", 1.0, "MWh"),))  # fmt: skip
    notes: list[str] = []
    p, o = svc.fill_measured_projects(ctx, [ex_ante, other], notes)
    assert notes == []
    assert o == other
    measured = p.savings_in(2023)
    assert measured[0].unit == "kWh"
    assert measured[0].quantity == pytest.approx(p.measured[0].quantity)
    assert p.savings_in(2024) == ex_ante.savings  # two months only: ex-ante kept
    assert p.savings_in(2022) == ex_ante.savings
    # a plan that cannot be computed keeps the ex-ante figures and says why
    monkeypatch.setattr(svc, "_meter_monthly", lambda c, s, e: [])
    (q,) = svc.fill_measured_projects(ctx, [ex_ante], notes)
    assert q == ex_ante
    assert "WH-CW" in notes[0]


def test_degree_day_file_errors_name_row_and_field(ctx: LocalContext) -> None:
    from lingtan.adapters.io.mv_files import MvFileError, read_degree_days

    ws = ctx.workspace().path
    (ws / "energy").mkdir()
    path = ws / "energy" / "degree_days.csv"
    for body, where, fld, key in (
        ("site,month,hdd,cdd\nWuhan,2023-13,1,2\n", "row 2", "month", "mv.err.file.month"),
        ("site,month,hdd,cdd\nWuhan,2023-04,-1,2\n", "row 2", "hdd", "mv.err.file.number"),
        ("site,month,hdd\nWuhan,2023-04,1\n", "row 1", "cdd", "mv.err.file.column"),
        ("site,month,hdd,cdd\nW,2023-04,1,2\nW,2023-04,1,2\n", "row 3", "month",
         "mv.err.file.duplicate"),
    ):  # fmt: skip
        path.write_text(body, encoding="utf-8")
        with pytest.raises(MvFileError) as e:
            read_degree_days(ws)
        assert (e.value.where, e.value.field, e.value.keyed.key) == (where, fld, key)
        assert str(e.value).startswith(f"energy/degree_days.csv: {where}, field '{fld}'")
    # through the service: a keyed refusal naming the field
    (ws / "mv.yaml").write_text(MV.replace("[production]", "[hdd]"), encoding="utf-8")
    with pytest.raises(svc.SavingsError) as se:
        svc.measured_savings(ctx, "WH-CW", monthly=_monthly())
    assert (se.value.kind, se.value.key) == ("invalid", "mv.err.file.duplicate")


# -- with the store: readings ingested, monthly sums by services.readings.meter_monthly --------

# Calendar years (energykit: fiscal start month 1). Meter HF-CA, daily intervals (UTC).
# Baseline 2022: cdd_i = 10·i, E_i = 1000 + 3·cdd_i + (4 even i, −4 odd i) [kWh]; June (i = 5)
# has no readings. Reporting 2023: cdd = 50, E = 1050 each month → ŷ ≈ 1150, S ≈ 100 a month.
MV_CA = """\
projects:
  - project: CA-AI
    site: HF
    boundary_meters: [HF-CA]
    baseline: {start: 2022-01, end: 2022-12}
    reporting: {start: 2023-01, end: 2023-12}
    normalisers: [cdd]
"""
TARGETS_CA = """\
organisation: Energy Co
fiscal_year_start_month: 1
projects:
  - id: CA-AI
    name: Compressed air AI control
    type: efficiency
    region: CN
    savings: [{carrier: electricity, quantity: 500, unit: MWh}]
    start_year: FY2023
"""


def _store_workspace(folder: Path) -> LocalContext:
    import calendar
    from datetime import UTC, datetime

    from energykit import SITE, prepare_energy_workspace
    from lingtan.adapters.services.meters import create_meter
    from lingtan.adapters.services.readings import ingest_readings_file
    from lingtan.adapters.store.scoping import tenant_session

    prepare_energy_workspace(folder)
    c = LocalContext(folder)
    ws = c.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=c.actor) as db:
        create_meter(db, c, {"code": "HF-CA", "site": SITE, "tz": "UTC", "carrier": "electricity",
                             "unit": "kWh", "measures": "consumption", "source": "grid",
                             "interval_minutes": 1440})  # fmt: skip
    lines = ["meter,ts,value"]
    dd = ["site,month,hdd,cdd"]
    for y in (2022, 2023):
        for m in range(1, 13):
            i = m - 1
            cdd = 10.0 * i if y == 2022 else 50.0
            e = 1000 + 3 * cdd + (4 if i % 2 == 0 else -4) if y == 2022 else 1050.0
            dd.append(f"HF,{y}-{m:02d},0,{cdd:g}")
            if (y, m) == (2022, 6):
                continue
            n = calendar.monthrange(y, m)[1]
            lines += [f"HF-CA,{datetime(y, m, d, tzinfo=UTC).isoformat()},{e / n!r}"
                      for d in range(1, n + 1)]  # fmt: skip
    (folder / "readings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ingest_readings_file(c, folder / "readings.csv").accepted == 730 - 30
    (folder / "energy").mkdir(exist_ok=True)
    (folder / "energy" / "degree_days.csv").write_text("\n".join(dd) + "\n", encoding="utf-8")
    (folder / "mv.yaml").write_text(MV_CA, encoding="utf-8")
    return c


def test_with_stored_readings_and_the_targets_programme(tmp_path: Path) -> None:
    from lingtan.adapters.services import targets as targets_svc

    c = _store_workspace(tmp_path / "ws")
    got = svc.measured_savings(c, "CA-AI")
    keep = [i for i in range(12) if i != 5]
    x = [10.0 * i for i in keep]
    y = [1000 + 3 * v + (4 if i % 2 == 0 else -4) for i, v in zip(keep, x, strict=True)]
    b1, b0 = np.polyfit(x, y, 1)
    assert got.missing_months == ("2022-06",)
    assert got.result.model.coefficients[1].value == pytest.approx(b1)
    assert got.result.savings == pytest.approx(12 * (b0 + b1 * 50 - 1050))
    (fy,) = got.by_year
    assert (fy.year, fy.months, fy.carrier, fy.unit) == (2023, 12, "electricity", "kWh")
    (c.workspace().path / "targets.yaml").write_text(TARGETS_CA, encoding="utf-8")
    prog, _, notes = targets_svc.programme(c)
    (p,) = prog.projects
    assert notes == []
    assert p.measured == got.by_year
    assert p.savings_in(2023)[0].quantity == pytest.approx(got.result.savings)
    assert [d["plan"]["project"] for d in svc.list_measured(c)] == ["CA-AI"]


def test_production_from_the_store(tmp_path: Path) -> None:
    from lingtan.adapters.services.production import add_production
    from lingtan.adapters.store.scoping import tenant_session

    c = _store_workspace(tmp_path / "ws")
    ws = c.workspace()
    # production P = cdd + 100 (notebook) and 10⁶ servers (not counted): the same fit shifted
    with tenant_session(ws.engine, ws.organisation_id, actor=c.actor) as db:
        for y in (2022, 2023):
            for m in range(1, 13):
                cdd = 10.0 * (m - 1) if y == 2022 else 50.0
                add_production(db, c, {"site": "HF", "product_type": "notebook",
                                       "month": date(y, m, 1), "units": cdd + 100})  # fmt: skip
        add_production(db, c, {"site": "HF", "product_type": "server",
                               "month": date(2022, 1, 1), "units": 1e6})  # fmt: skip
    by_cdd = svc.measured_savings(c, "CA-AI")
    (ws.path / "mv.yaml").write_text(
        MV_CA.replace("[cdd]", "[production]\n    product_types: [notebook]"), encoding="utf-8"
    )
    with_p = svc.measured_savings(c, "CA-AI")
    assert with_p.result.model.normalisers == ("production",)
    assert with_p.result.savings == pytest.approx(by_cdd.result.savings)
