"""A workspace with one metered site, for the energy tests (issue 16; rollup, indicators,
surfaces, demo). Reusable: :func:`build_energy_workspace` builds it, :data:`EXPECTED` holds the
hand-checked figures.

Calendar years (fiscal start month 1, ``FY2024`` = 2024), site ``HF`` (region CN, time zone
Asia/Shanghai). 15-minute readings of January and February 2024 (31 + 29 days: 2 976 + 2 784
= 5 760 intervals), every interval present: the value below within the hours given, 0 outside
them [per interval]:

==============  ========================  ==================  =========  =======================
meter           carrier / measures        hours (local)        value      Jan / Feb / Σ
==============  ========================  ==================  =========  =======================
HF-GRID         electricity consumption   all                  10 kWh     29 760 / 27 840 / 57 600
                (grid, billing)
HF-PV-GEN       generation (onsite_pv)    08–16 (32 / day)      4 kWh      3 968 / 3 712 / 7 680
HF-PV-EXP       export (onsite_pv)        12–14 (8 / day)       1 kWh        248 /   232 /   480
HF-BAT-CH       storage_charge            00–02 (8 / day)       2 kWh        496 /   464 /   960
HF-BAT-DIS      storage_discharge         18–20 (8 / day)     1.8 kWh      446.4 / 417.6 / 864
HF-GAS          natural_gas consumption   all                 0.5 m3     1 488 / 1 392 / 2 880
HF-LINE1        sub-meter of HF-GRID,     all                   5 kWh   14 880 / 13 920 / 28 800
                line L1 (not billing)                                   (+ Jan 2023: 6 kWh →
                                                                        17 856)
HF-DC-IT        sub-meter, data-centre IT all                   2 kWh   Σ 11 520
HF-DC-FAC       sub-meter, facility       all                 2.3 kWh   Σ 13 248
==============  ========================  ==================  =========  =======================

Balance FY2024 (GB/T 2589-2020; decision 0070): S = G − X = 7 680 − 480 = 7 200 kWh;
storage net = 864 − 960 = −96 kWh; C = 57 600 + 7 200 − 96 = 64 704 kWh.
tce (当量值) = (64 704 × 0.1229 + 2 880 × 1.3300) / 1000 = (7 952.1216 + 3 830.4) / 1000
= 11.7825216 tce; (等价值, 0.3 kgce/kWh from lingtan.yaml) = (19 411.2 + 3 830.4) / 1000
= 23.2416 tce.

Instrument: GEC ``GEC-HF-1`` of 10 MWh for site HF, vintage 2024. RE share (RE100) =
(7 200 + 10 000) / 64 704 = 0.2658259. PV ``HF-PV`` 10 kWp: yield 768 kWh/kWp,
self-consumption 7 200 / 7 680 = 0.9375. Battery ``HF-BAT`` 20 kWh / 10 kW: 960 / 20 = 48
cycles, RTE 864 / 960 = 0.9; peak shaving: grid import 10 kWh per 15 min = 40 kW flat, without
the battery 18–20 h it would be (10 + 1.8) × 4 = 47.2 kW → 7.2 kW shaved. Data centre
``HF-DC``: PUE = 13 248 / 11 520 = 1.15 (GB 40879 grade 1).

Production (line L1, notebook): Jan 2023 1 000, Jan 2024 1 000, Feb 2024 1 000 units →
I(2023) = 17 856 / 1 000 = 17.856 kWh/unit, I(2024) = 28 800 / 2 000 = 14.4 kWh/unit,
Δ = 14.4 / 17.856 − 1 = −0.1935484.

Rollup rows of FY2024 (electricity file, rows in order): grid Jan 29 760 (row 2), grid Feb
27 840 (row 3), onsite_renewable Jan 3 720 (row 4), Feb 3 480 (row 5); fuel file: natural gas
Jan 1 488 m3 (row 2), Feb 1 392 m3 (row 3).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

SITE = "HF"
FY = "FY2024"
TZ = "Asia/Shanghai"
INPUT_RATE = 0.3  # kgce/kWh, the kit's 等价值 electricity rate

SITE_YAML = f"""  - id: {SITE}
    name: Hefei plant
    entity: MAIN
    region: CN
    kind: factory
energy:
  input_equivalent_kgce_per_kwh: {INPUT_RATE}
"""

#: code → fields of :func:`lingtan.adapters.services.meters.create_meter`
METERS: dict[str, dict[str, Any]] = {
    "HF-GRID": {"carrier": "electricity", "unit": "kWh", "measures": "consumption",
                "source": "grid"},
    "HF-PV-GEN": {"carrier": "electricity", "unit": "kWh", "measures": "generation",
                  "source": "onsite_pv"},
    "HF-PV-EXP": {"carrier": "electricity", "unit": "kWh", "measures": "export",
                  "source": "onsite_pv"},
    "HF-BAT-CH": {"carrier": "electricity", "unit": "kWh", "measures": "storage_charge",
                  "source": "storage"},
    "HF-BAT-DIS": {"carrier": "electricity", "unit": "kWh", "measures": "storage_discharge",
                   "source": "storage"},
    "HF-GAS": {"carrier": "natural_gas", "unit": "m3", "measures": "consumption"},
    "HF-LINE1": {"carrier": "electricity", "unit": "kWh", "measures": "consumption",
                 "source": "grid", "parent": "HF-GRID", "billing": False, "line": "L1"},
    "HF-DC-IT": {"carrier": "electricity", "unit": "kWh", "measures": "consumption",
                 "source": "grid", "parent": "HF-GRID", "billing": False},
    "HF-DC-FAC": {"carrier": "electricity", "unit": "kWh", "measures": "consumption",
                  "source": "grid", "parent": "HF-GRID", "billing": False},
}  # fmt: skip

#: code → (value per interval, local hours [start, end)) of the readings of Jan–Feb 2024
PATTERN: dict[str, tuple[float, tuple[int, int]]] = {
    "HF-GRID": (10.0, (0, 24)),
    "HF-PV-GEN": (4.0, (8, 16)),
    "HF-PV-EXP": (1.0, (12, 14)),
    "HF-BAT-CH": (2.0, (0, 2)),
    "HF-BAT-DIS": (1.8, (18, 20)),
    "HF-GAS": (0.5, (0, 24)),
    "HF-LINE1": (5.0, (0, 24)),
    "HF-DC-IT": (2.0, (0, 24)),
    "HF-DC-FAC": (2.3, (0, 24)),
}

ASSETS: list[dict[str, Any]] = [
    {"code": "HF-PV", "site": SITE, "kind": "pv", "kwp": 10.0, "ownership": "own",
     "meters": {"generation": "HF-PV-GEN", "export": "HF-PV-EXP"}},
    {"code": "HF-BAT", "site": SITE, "kind": "storage", "kwh": 20.0, "kw": 10.0, "rte": 0.9,
     "meters": {"charge": "HF-BAT-CH", "discharge": "HF-BAT-DIS"}},
    {"code": "HF-DC", "site": SITE, "kind": "data_centre",
     "meters": {"it": "HF-DC-IT", "facility": "HF-DC-FAC"}},
]  # fmt: skip

INSTRUMENTS = (
    "instrument_id,type,quantity,unit,vintage_start,vintage_end,emission_rate,region,site\n"
    f"GEC-HF-1,gec,10,MWh,2024-01-01,2024-12-31,0,CN,{SITE}\n"
)

#: (site, line, product type, month, units)
PRODUCTION = [
    (SITE, "L1", "notebook", date(2023, 1, 1), 1000.0),
    (SITE, "L1", "notebook", date(2024, 1, 1), 1000.0),
    (SITE, "L1", "notebook", date(2024, 2, 1), 1000.0),
]


def bill_csv(kwh: float, month: date = date(2024, 2, 1)) -> str:
    """An electricity bill of site HF for ``month`` (grid, ``kwh`` [kWh])."""
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return (
        "site,date,period_end,quantity,unit,source,supplier\n"
        f"{SITE},{month.isoformat()},{end.isoformat()},{kwh:g},kWh,grid,State Grid Anhui\n"
    )


@dataclass(frozen=True)
class Expected:
    """The kit's hand-checked figures (module docstring)."""

    grid_kwh: float = 57_600.0
    generation_kwh: float = 7_680.0
    export_kwh: float = 480.0
    self_use_kwh: float = 7_200.0
    charge_kwh: float = 960.0
    discharge_kwh: float = 864.0
    consumption_kwh: float = 64_704.0
    gas_m3: float = 2_880.0
    tce_equivalent: float = 11.7825216
    tce_input_equivalent: float = 23.2416
    certificates_kwh: float = 10_000.0
    re_share: float = 17_200.0 / 64_704.0
    pv_yield: float = 768.0
    self_consumption: float = 0.9375
    cycles: float = 48.0
    rte: float = 0.9
    peak_before_kw: float = 47.2
    peak_after_kw: float = 40.0
    pue: float = 1.15
    intensity_2023: float = 17.856
    intensity_2024: float = 14.4
    intensity_change: float = 14.4 / 17.856 - 1.0
    grid_jan: float = 29_760.0
    grid_feb: float = 27_840.0
    self_use_jan: float = 3_720.0
    self_use_feb: float = 3_480.0
    gas_jan: float = 1_488.0
    gas_feb: float = 1_392.0


EXPECTED = Expected()


def readings_csv() -> str:
    """The kit's readings as a CSV (meter, ts, value): ``ts`` the interval start in local time
    with its offset (``2024-01-01T00:00:00+08:00``)."""
    zone = ZoneInfo(TZ)
    out = io.StringIO()
    out.write("meter,ts,value\n")
    start, end = datetime(2024, 1, 1, tzinfo=zone), datetime(2024, 3, 1, tzinfo=zone)
    for code, (value, (h0, h1)) in PATTERN.items():
        t = start
        while t < end:  # every interval, 0 outside the hours (a complete month)
            out.write(f"{code},{t.isoformat()},{value if h0 <= t.hour < h1 else 0:g}\n")
            t += timedelta(minutes=15)
    t, end23 = datetime(2023, 1, 1, tzinfo=zone), datetime(2023, 2, 1, tzinfo=zone)
    while t < end23:  # line L1 a year earlier, 6 kWh per interval
        out.write(f"HF-LINE1,{t.isoformat()},6\n")
        t += timedelta(minutes=15)
    return out.getvalue()


def prepare_energy_workspace(folder: Path) -> Path:
    """``init_workspace`` at ``folder`` (calendar years) with site HF and the 等价值 rate."""
    from lingtan.adapters.store.workspace import init_workspace

    ws = init_workspace(folder, organisation="Energy Co", start_month=1)
    ws.engine.dispose()
    cfg = folder / "lingtan.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").rstrip("\n") + "\n" + SITE_YAML, "utf-8")
    return folder


def add_meters_and_readings(folder: Path, *, readings: bool = True) -> None:
    """The kit's meters (and, with ``readings``, their readings) into the workspace."""
    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.meters import create_meter
    from lingtan.adapters.services.readings import ingest_readings_file
    from lingtan.adapters.store.scoping import tenant_session

    ctx = LocalContext(folder)
    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        for code, fields in METERS.items():
            create_meter(db, ctx, {"code": code, "site": SITE, "tz": TZ, **fields})
    if readings:
        path = folder / "readings.csv"
        path.write_text(readings_csv(), encoding="utf-8")
        rep = ingest_readings_file(ctx, path)
        assert not rep.rejected, rep.rejected[:5]
    ws.engine.dispose()


def add_production_assets_instrument(folder: Path) -> None:
    """Production volumes, the three assets and the GEC (imported as an instrument file)."""
    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.energy_assets import create_asset
    from lingtan.adapters.services.imports import import_file
    from lingtan.adapters.services.production import add_production
    from lingtan.adapters.store.scoping import tenant_session

    ctx = LocalContext(folder)
    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        for site, line, product, month, units in PRODUCTION:
            add_production(db, ctx, {"site": site, "line": line, "product_type": product,
                                     "month": month, "units": units})  # fmt: skip
        for a in ASSETS:
            create_asset(db, ctx, a)
    path = folder / "instruments.csv"
    path.write_text(INSTRUMENTS, encoding="utf-8")
    rep = import_file(ctx, path, template="instrument")
    assert rep.rows_rejected == 0, rep.issues
    ws.engine.dispose()


def build_energy_workspace(folder: Path) -> Path:
    """The whole kit at ``folder``: site, meters, readings, production, assets, instrument
    (no rollup, no calculation yet)."""
    prepare_energy_workspace(folder)
    add_meters_and_readings(folder)
    add_production_assets_instrument(folder)
    return folder


def import_bill(folder: Path, kwh: float, name: str = "bill_2024_02.csv") -> str:
    """Import an electricity bill of February 2024 of ``kwh`` [kWh]; its batch id."""
    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.imports import import_file

    path = folder / name
    path.write_text(bill_csv(kwh), encoding="utf-8")
    ctx = LocalContext(folder)
    rep = import_file(ctx, path, template="electricity")
    assert rep.rows_rejected == 0, rep.issues
    ctx.workspace().engine.dispose()
    return rep.batch_id


def own_store_app(root: Path, folder: Path, org: str) -> Any:
    """The app serving ``folder`` (under ``root/orgs``) on the folder's own store, so that the
    rows the kit wrote (meters, production, assets) are the server's; :data:`appkit.OWNER`
    owns it (the API and the page tests of issue 16)."""
    from appkit import OWNER, PASSWORD
    from lingtan.adapters.server.app import create_app
    from lingtan.adapters.services.settings import ServerSettings
    from lingtan.adapters.store.bootstrap import adopt_workspace, create_user
    from lingtan.adapters.store.db import make_engine, migrate
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.workspace import DB_FILE

    url = f"sqlite:///{folder / DB_FILE}"
    engine = make_engine(url)
    migrate(engine)
    with system_session(engine, actor="tests") as db:
        own = adopt_workspace(db, folder, slug=org)
        own.slug = org  # the folder's own organisation keeps its name's slug otherwise
        db.commit()
    with system_session(engine, actor="tests") as db:
        create_user(db, OWNER, PASSWORD, "Owner", memberships={org: "owner"})
    engine.dispose()
    settings = ServerSettings(database_url=url, data_dir=root, workers=0, secret="test-secret",
                              base_url="http://testserver", poll_interval_s=0.05)  # fmt: skip
    return create_app(settings)
