"""The control tower service (issue 19 item 6, decision 0101) on a small hand-made workspace.

Hand calculation. The workspace's own factor set ``zc`` gives the grid 0.5 kg CO2 per kWh (CN,
from 2020; tests/certkit.py). One electricity row a fiscal year (April–March) at site HQ:
FY2020/21 … FY2024/25 = 100, 110, 120, 130, 140 MWh → Scope 2 = MWh × 1,000 × 0.5 / 1,000
= 50, 55, 60, 65, 70 t CO2e location-based, no Scope 1 or 3. A perfect line of +5 t a year:
the location-based trend forecast of FY2025/26 … FY2027/28 is 75, 80, 85 t with an interval of
zero width. (Market-based, the built-in residual mix of each year applies — FY2024/25: 140 MWh
× 0.6096 kg/kWh = 85.344 t — so that series is read from the snapshots, not hand-computed.)

One open risk (owner Ms Li, never reviewed: due), one certificate ending in 30 days, one
supplier with a corrective action plan due 2024-03-01 and still open (overdue; item owner
Mr Zhao).

Targets file: S12, Scope 1+2 −50 % from FY2020/21 (50 t) by FY2030/31 (25 t); the pathway of
FY2024/25 is 50 × (1 − 0.5 × 4/10) = 40 t, the actual 70 t → off track. No BAU drivers: the
BAU forecast stays flat at FY2024/25's 70 t (modules/targets/forecast.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from certkit import FACTORS
from lingtan.adapters.cli.common import store_session
from lingtan.adapters.io.importer import import_file
from lingtan.adapters.services import certifications as certs
from lingtan.adapters.services import control_tower as sv
from lingtan.adapters.services import risk_register as rr
from lingtan.adapters.services import supplier_reviews as rv
from lingtan.adapters.services.calculation import calculate_year
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.suppliers import create_supplier
from lingtan.adapters.store.workspace import init_workspace

YEARS = ("FY2020/21", "FY2021/22", "FY2022/23", "FY2023/24", "FY2024/25")
MWH = (100, 110, 120, 130, 140)
TARGETS = """\
organisation: Tower Co
fiscal_year_start_month: 4
targets:
  - id: S12
    name: Scope 1+2 -50 % by FY2030/31
    scopes: [1, 2]
    base_year: FY2020/21
    target_year: FY2030/31
    reduction_pct: 50
"""


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> LocalContext:
    folder = tmp_path_factory.mktemp("tower") / "ws"
    init_workspace(folder, organisation="Tower Co", region="CN", start_month=4).engine.dispose()
    cfg = folder / "lingtan.yaml"
    text = re.sub(r"factor_sets: \[[^\]]*\]", "factor_sets: [zc]", cfg.read_text("utf-8"))
    cfg.write_text(text, "utf-8")  # the own set only: the library's grid factors vary by year
    (folder / "factors").mkdir(exist_ok=True)
    (folder / "factors" / "zc.csv").write_text(FACTORS, encoding="utf-8")
    rows = "".join(f"HQ,{2020 + i}-05-01,{2020 + i}-05-31,{q},MWh\n" for i, q in enumerate(MWH))
    elec = folder.parent / "electricity.csv"
    elec.write_text("site,date,period_end,quantity,unit\n" + rows, encoding="utf-8")
    c = LocalContext(folder)
    assert import_file(c.workspace(), elec, template="electricity").rows_accepted == len(MWH)
    for fy in YEARS:
        calculate_year(c.workspace(), fy)
    (folder / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    with store_session(c) as db:
        rr.create_item(db, c, {"code": "R1", "kind": "risk", "category": "market",
                               "driver": "consumer_behaviour", "title": "Buyers",
                               "owner": "Ms Li"})  # fmt: skip
        certs.create_certificate(db, c, {
            "subject_kind": "site", "subject_id": "HQ", "scheme": "green_factory",
            "level": "national", "issuer": "MIIT", "issued": "2023-01-10",
            "valid_until": (date.today() + timedelta(days=30)).isoformat()})  # fmt: skip
        create_supplier(db, c, {"code": "S1", "legal_name": "Supplier One Ltd", "country": "CN"})
        cap = rv.open_cap(db, c, "S1", {"trigger": "grade", "opened": "2024-01-02",
                                        "due": "2024-03-01"})  # fmt: skip
        rv.add_cap_item(db, c, "S1", cap.id, {"finding": "no GHG data", "action": "report it",
                                              "owner": "Mr Zhao"})  # fmt: skip
        db.commit()
    return c


@pytest.fixture(scope="module")
def doc(ctx: LocalContext) -> dict:
    return sv.tower(ctx)


def _tile(doc: dict, key: str) -> dict:
    return next(t for t in doc["tiles"] if t["key"] == key)


def _figures(tile: dict) -> dict:
    return {f["key"]: f["value"] for f in tile["figures"]}


def test_every_module_has_a_tile_in_order(doc: dict) -> None:
    assert [t["key"] for t in doc["tiles"]] == list(sv.TILES)
    assert doc["fiscal_year"] == "FY2024/25"
    for t in doc["tiles"]:
        assert t["status"] in sv.STATUSES
        assert t["link"] == sv.LINKS[t["key"]]
        if t["status"] == "not_available":
            assert t["figures"] == []
            assert t["reason"].startswith("tower.reason.")


def test_modules_without_data_say_so(doc: dict) -> None:
    for key in ("energy", "inclusion", "plan"):
        assert _tile(doc, key)["status"] == "not_available", key
    assert _tile(doc, "products")["reason"] == "tower.reason.server_only"
    assert _tile(doc, "plan")["reason"] == "tower.reason.no_plan"


def test_inventory_tile_is_the_snapshot_of_the_year(doc: dict) -> None:
    inv = _tile(doc, "inventory")
    assert inv["status"] == "ok"
    got = _figures(inv)
    assert got["scope2_market"] == pytest.approx(85.344)  # 140 MWh × 0.6096 kg/kWh
    assert got["total_market"] == pytest.approx(85.344)
    assert got["total_location"] == pytest.approx(70.0)  # 140 MWh × 0.5 kg/kWh
    assert got["scope1"] == 0
    assert got["rows_not_calculated"] == 0
    assert inv["detail"]["years"] == list(YEARS)


def test_targets_risks_certificates_and_their_alerts(doc: dict) -> None:
    targets = _tile(doc, "targets")
    assert targets["status"] == "alert"
    assert _figures(targets)["targets_off_track"] == 1  # 85.344 t against a 40 t pathway
    assert targets["detail"]["targets"] == {"S12": "off_track"}
    risks = _tile(doc, "risks")
    assert risks["status"] == "attention"  # never reviewed: due, not overdue
    assert _figures(risks) == {"risks_open": 1, "reviews_due": 1, "reviews_overdue": 0,
                               "risks_high": 0}  # fmt: skip
    cert = _tile(doc, "certificates")
    assert cert["status"] == "attention"
    assert _figures(cert)["certificates_expiring"] == 1
    kinds = [(a["kind"], a["subject"], a["owner"]) for a in doc["alerts"]]
    assert ("target_off_track", "S12", None) in kinds
    assert ("review_due", "R1", "Ms Li") in kinds
    assert ("certificate_expiring", "HQ · green_factory", None) in kinds
    suppliers = _tile(doc, "suppliers")
    assert suppliers["status"] == "alert"  # a plan due 2024-03-01, still open
    assert _figures(suppliers)["caps_overdue"] == 1
    assert ("cap_overdue", "S1", "Mr Zhao") in kinds
    assert doc["alerts"][0]["severity"] == "alert"  # alerts before attention


def test_the_trend_forecast_continues_the_line_beside_the_bau(doc: dict) -> None:
    fc = doc["forecast"]
    total = fc["series"]["total_location"]
    assert total["status"] == "ok"
    assert total["n"] == 5
    assert [p["fiscal_year"] for p in total["points"]] == ["FY2025/26", "FY2026/27", "FY2027/28"]
    for p, want in zip(total["points"], (75.0, 80.0, 85.0), strict=True):
        assert p["point"] == pytest.approx(want, abs=1e-6)
        assert p["upper"] - p["lower"] == pytest.approx(0.0, abs=1e-3)
    assert fc["series"]["scope1"]["points"][0]["point"] == pytest.approx(0.0, abs=1e-6)
    bau = fc["bau"]
    assert bau["status"] == "ok"
    assert bau["start_year"] == "FY2024/25"
    flat = 85.344  # FY2024/25's market-based total, no driver
    assert bau["by_scope"]["total_market"] == pytest.approx(
        {"FY2025/26": flat, "FY2026/27": flat, "FY2027/28": flat}
    )
    assert fc["series"]["total_market"]["status"] == "ok"


def test_an_unknown_fiscal_year_is_refused_naming_the_field(ctx: LocalContext) -> None:
    with pytest.raises(sv.TowerError) as err:
        sv.tower(ctx, "FY20xx")
    assert err.value.field == "fiscal_year"
    assert err.value.key == "tower.err.fiscal_year"
    older = sv.tower(ctx, "FY2022/23")
    assert _figures(_tile(older, "inventory"))["total_location"] == pytest.approx(60.0)


@pytest.fixture
def db(ctx: LocalContext) -> Iterator[Session]:
    with store_session(ctx) as s:
        yield s


def test_the_callers_session_gives_the_same_tower(ctx: LocalContext, db: Session) -> None:
    assert sv.tower(ctx, db=db)["tiles"] == sv.tower(ctx)["tiles"]


def test_every_text_the_tower_names_is_in_both_catalogues() -> None:
    import inspect

    from lingtan.adapters.i18n.messages import catalogue

    src = inspect.getsource(sv)
    keys = {f"tower.tile.{k}" for k in sv.TILES} | {f"tower.status.{s}" for s in sv.STATUSES}
    keys |= {f"tower.fig.{k}" for k in re.findall(r'\bfig\(\s*"(\w+)"', src)}
    keys |= {f"tower.reason.{k}" for k in re.findall(r'not_available\(\s*"\w+",\s*"(\w+)"', src)}
    keys |= {f"tower.alert.{k}" for k in re.findall(r'\balert\(\s*"(\w+)"', src)}
    keys |= set(re.findall(r'"(tower\.reason\.\w+)"', src))
    assert len(keys) > 60  # the scan found them
    for locale in ("en", "zh-CN"):
        assert sorted(k for k in keys if k not in catalogue(locale)) == [], locale
