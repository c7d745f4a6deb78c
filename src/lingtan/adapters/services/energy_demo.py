"""Load the energy demo (:mod:`lingtan.adapters.demo.synthetic_energy`) into an organisation
through the energy services — the same use cases the command line, the API and the web pages
call (issue 16 item 8, decision 0079). A use case of its own, in the services layer (the demo
package sits below it and may not call services), as :mod:`lingtan.adapters.services.
supplier_demo` is for issue 15:

1. the register, in ONE transaction of the caller's session (all or nothing): meters
   (:mod:`~lingtan.adapters.services.meters`), energy assets (PV, storage, data centre:
   :mod:`~lingtan.adapters.services.energy_assets`), monthly production per line
   (:mod:`~lingtan.adapters.services.production`) and the certificates
   (:mod:`~lingtan.adapters.services.certifications`);
2. the readings, one batch per fiscal year (:func:`lingtan.adapters.services.readings.
   ingest_readings_table`, idempotent by content hash);
3. the M&V files ``mv.yaml`` and ``energy/degree_days.csv`` (kept when they exist);
4. the rollup of each fiscal year (:func:`lingtan.adapters.services.energy_rollup.rollup`):
   every site × carrier × month of the demo has an invoice, so nothing is imported and the
   meters are reconciled with the bills (2 %) — the inventories stay as they were;
5. the product data behind the two efficiency KPIs: the demo's notebook family
   (:func:`lingtan.adapters.services.products.write_demo_products`, kept when ``products/``
   exists) merged with the ILLUSTRATIVE comparable products and their sales
   (:mod:`lingtan.adapters.demo.synthetic_products_efficiency`, decision 0076).

Idempotent: the register is written only when the demo's first meter is missing; readings are
not stored twice (same content, same batch); files are kept; a rollup of the same readings
imports nothing new. :func:`prepare_energy_demo` is what ``lingtan serve --demo`` calls.

Size: the full demo (two whole fiscal years, ≈ 1.41 M readings) unless the environment variable
``LINGTAN_DEMO_READINGS`` is ``small`` (April and May of each fiscal year, the generator's
``small`` mode): the test suite sets it for the demos its fixtures build (decision 0086);
``make demo`` leaves it unset.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from lingtan.adapters.demo.synthetic_energy import FISCAL_YEARS, SEED, EnergyDemo, energy_demo
from lingtan.adapters.services.context import Context
from lingtan.adapters.services.supplier_demo import one_transaction
from lingtan.modules.energy.meters import Meter

__all__ = [
    "EnergyLoadReport",
    "load_energy_demo",
    "load_energy_register",
    "meter_fields",
    "prepare_energy_demo",
    "small_readings",
]

#: origin named on the demo's reading batches
ORIGIN = "lingtan demo (synthetic, ILLUSTRATIVE)"
#: environment variable choosing the demo's readings: ``full`` (default) or ``small`` (tests)
READINGS_ENV = "LINGTAN_DEMO_READINGS"
READINGS_SIZES = ("full", "small")


def small_readings() -> bool:
    """Whether :data:`READINGS_ENV` asks for the small demo (April and May of each fiscal
    year); unset or empty means ``full``.

    Raises:
        ValueError: another value (a typo must not silently load the full demo).
    """
    size = os.environ.get(READINGS_ENV, "").strip().lower() or "full"
    if size not in READINGS_SIZES:
        raise ValueError(f"{READINGS_ENV} must be one of {READINGS_SIZES}, not {size!r}")
    return size == "small"


@dataclass(frozen=True)
class EnergyLoadReport:
    """What :func:`load_energy_demo` wrote (zeros for what was there already).

    ``readings``: readings accepted in this call; ``duplicates``: readings found stored;
    ``bill_checks``/``bills_flagged``: the rollups' reconciliations (flagged: over 2 %);
    ``rollup_rows``: activity rows the rollups imported (0 when every month has an invoice).
    """

    meters: int = 0
    assets: int = 0
    production: int = 0
    certificates: int = 0
    readings: int = 0
    duplicates: int = 0
    files: tuple[str, ...] = ()
    bill_checks: int = 0
    bills_flagged: int = 0
    rollup_rows: int = 0
    issues: tuple[str, ...] = field(default=())


def meter_fields(m: Meter) -> dict[str, Any]:
    """The fields of ``services.meters.create_meter`` for a domain meter (enums as text)."""
    return {
        "code": m.code,
        "site": m.site,
        "carrier": str(m.carrier),
        "unit": m.unit,
        "measures": str(m.measures),
        "source": None if m.source is None else str(m.source),
        "interval_minutes": m.interval_minutes,
        "value_kind": str(m.value_kind),
        "parent": m.parent,
        "billing": m.billing,
        "building": m.building,
        "line": m.line,
        "multiplier": m.multiplier,
        "tz": m.tz,
        "valid_from": m.valid_from,
        "valid_to": m.valid_to,
        "protocol_tag": m.protocol_tag,
        "name": m.name,
    }


def _loaded(db: Session, ctx: Context, demo: EnergyDemo) -> bool:
    from lingtan.adapters.services.errors import ServiceError
    from lingtan.adapters.services.meters import meter_by_code

    try:
        meter_by_code(db, ctx, demo.meters[0].code)
    except ServiceError:
        return False
    return True


def load_energy_register(db: Session, ctx: Context, demo: EnergyDemo) -> tuple[int, int, int, int]:
    """Meters, assets, production and certificates in ONE transaction of ``db`` (committed at
    the end; nothing written when a service refuses a record); nothing when the demo's first
    meter exists. Returns the counts written (meters, assets, production rows, certificates).
    """
    from lingtan.adapters.services.certifications import create_certificate
    from lingtan.adapters.services.energy_assets import create_asset
    from lingtan.adapters.services.meters import create_meter
    from lingtan.adapters.services.production import add_production

    if _loaded(db, ctx, demo):
        return 0, 0, 0, 0
    with one_transaction(db) as tx:
        for m in demo.meters:
            create_meter(tx, ctx, meter_fields(m))
        for a in demo.assets:
            create_asset(tx, ctx, {k: v for k, v in a.items() if v is not None})
        for p in demo.production:
            add_production(tx, ctx, p.to_fields())
        for c in demo.certificates:
            fields = {k: v for k, v in c.items() if v is not None}
            create_certificate(tx, ctx, fields, evidence=_evidence(c))
    return len(demo.meters), len(demo.assets), len(demo.production), len(demo.certificates)


def _evidence(cert: dict[str, Any]) -> tuple[str, bytes]:
    """A one-line evidence file of a demo certificate (there is no real document)."""
    text = (f"lingtan demo: FICTIONAL certificate {cert['number']} ({cert['scheme']}, "
            f"{cert['subject_id']}, issued {cert['issued']}); not a real document.\n")  # fmt: skip
    return f"{cert['number']}.txt", text.encode("utf-8")


def _write_files(ctx: Context, demo: EnergyDemo) -> list[str]:
    """``mv.yaml`` and ``energy/degree_days.csv``, each kept when it exists."""
    from lingtan.adapters.io.mv_files import DEGREE_DAYS_FILE, MV_FILE

    root = ctx.workspace().path
    written = []
    for name, text in ((MV_FILE, demo.mv_yaml), (DEGREE_DAYS_FILE, demo.degree_days_csv)):
        path = root / name
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(path)  # never half a file
        written.append(name)
    return written


def _write_products(ctx: Context) -> None:
    """Step 5 of the module docstring (idempotent: merged once)."""
    from lingtan.adapters.demo.synthetic_products_efficiency import merge_into_family
    from lingtan.adapters.services.products import write_demo_products

    write_demo_products(ctx.workspace().path)
    merge_into_family(ctx.workspace().path)


def load_energy_demo(
    db: Session,
    ctx: Context,
    *,
    seed: int = SEED,
    years: Sequence[str] = FISCAL_YEARS,
    small: bool | None = None,
    rollup: bool = True,
) -> EnergyLoadReport:
    """Write the energy demo into the organisation of ``ctx`` (module docstring).

    Args:
        db: the organisation's store session (the register is one transaction of it).
        ctx: the organisation (needs ``edit_data``).
        seed: the synthetic workspace's seed (its invoices are replayed with it).
        years: fiscal years to load.
        small: two months a year (tests); None: as :data:`READINGS_ENV` says (full unless
            ``small``).
        rollup: also roll each year up and reconcile it with the bills.

    Raises:
        ServiceError: a service refused a record (a bug of the generator: every record is valid
            by construction and tested).
        ValueError: :data:`READINGS_ENV` has a value other than ``full`` or ``small``.
    """
    from lingtan.adapters.services.readings import ingest_readings_table

    ctx.require("edit_data")
    if small is None:
        small = small_readings()
    demo = energy_demo(seed, years=years, small=small)
    meters, assets, production, certificates = load_energy_register(db, ctx, demo)
    accepted = duplicates = 0
    issues: list[str] = []
    for label in years:
        rep = ingest_readings_table(ctx, demo.readings[label], source="file",
                                    origin=f"{ORIGIN} {label}")  # fmt: skip
        accepted += rep.accepted
        duplicates += rep.duplicates
        issues += [f"{label}: {r}" for r in rep.rejected]
    files = _write_files(ctx, demo)
    _write_products(ctx)
    checks = flagged = rows = 0
    if rollup:
        from lingtan.adapters.services.energy_rollup import rollup as roll_up

        for label in years:
            r = roll_up(ctx, label)
            checks += len(r.bills)
            flagged += len(r.flagged)
            rows += sum(b.rows for b in r.batches if not b.already_imported)
            issues += list(r.rejected) + list(r.problems)
    return EnergyLoadReport(meters, assets, production, certificates, accepted, duplicates,
                            tuple(files), checks, flagged, rows, tuple(issues))  # fmt: skip


def prepare_energy_demo(
    engine: Any, *, url: str, data_dir: Path, slug: str, email: str
) -> EnergyLoadReport:
    """Load the energy demo into the demo organisation ``slug`` as the demo user ``email``
    (``lingtan serve --demo``, after the organisations and the user exist); nothing when the
    user does not exist."""
    from lingtan.adapters.services.context import open_tenant
    from lingtan.adapters.services.settings import ServerSettings
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import user_by_email

    actor = "lingtan serve --demo"
    with system_session(engine, actor=actor) as db:
        user = user_by_email(db, email)
        if user is None:
            return EnergyLoadReport()
        settings = ServerSettings(database_url=url, data_dir=data_dir)
        tenant = open_tenant(db, user, slug, engine=engine, settings=settings, actor=actor)
        return load_energy_demo(db, tenant)


# ---- what ``lingtan demo`` prints ------------------------------------------------------------


@dataclass(frozen=True)
class SiteLine:
    """One metered site in a fiscal year: consumption C, grid import I, PV self-use S [MWh]
    and its renewable share [%] (RE100 technical criteria, instruments included)."""

    site: str
    consumption_mwh: float
    grid_mwh: float
    pv_self_use_mwh: float
    re_share_pct: float | None


@dataclass(frozen=True)
class IntensityLine:
    """Per-unit electricity of a product type at a site [kWh/unit] and its change [%]."""

    site: str
    product_type: str
    fiscal_year: str
    kwh_per_unit: float | None
    change_pct: float | None


@dataclass(frozen=True)
class KpiLine:
    """A KPI's latest value [its unit] and status; ``origin`` computed | typed | None."""

    id: str
    name: str
    unit: str
    goal: float
    goal_year: str | None
    latest_year: str | None
    latest_value: float | None
    status: str
    origin: str | None


@dataclass(frozen=True)
class DemoSummary:
    """The energy section of ``lingtan demo`` for one fiscal year (all computed)."""

    fiscal_year: str
    sites: tuple[SiteLine, ...]
    consumption_mwh: float
    re_share_pct: float | None
    intensity: tuple[IntensityLine, ...]
    kpis: tuple[KpiLine, ...]


def _pct(share: float | None) -> float | None:
    return None if share is None else 100.0 * share


def energy_summary(ctx: Context, fiscal_year: str = FISCAL_YEARS[-1]) -> DemoSummary:
    """Sites, group RE share, per-unit changes of ``fiscal_year`` and the targets file's KPIs
    with the values the targets hooks compute (:func:`lingtan.adapters.services.targets.
    programme`); no KPI when the workspace has no targets file."""
    from lingtan.adapters.services.energy_indicators import group_energy, intensity_by_year

    ctx.require("read")
    group = group_energy(ctx, fiscal_year)
    sites = tuple(
        SiteLine(
            s.site,
            s.balance.consumption_kwh / 1000.0,
            s.balance.grid_import_kwh / 1000.0,
            s.balance.self_use_kwh / 1000.0,
            _pct(s.re_share.share),
        )
        for s in group.sites
    )
    cal = ctx.workspace().config.calendar
    year = cal.parse(fiscal_year).start.year
    intensity = tuple(
        IntensityLine(
            i.site,
            i.product_type,
            cal.year(i.year).label,
            i.kwh_per_unit,
            _pct(i.change_vs_previous),
        )
        for i in intensity_by_year(ctx)
        if i.year == year
    )
    return DemoSummary(group.fiscal_year, sites, group.consumption_kwh / 1000.0,
                       _pct(group.re_share.share), intensity, _kpi_lines(ctx))  # fmt: skip


def _kpi_lines(ctx: Context) -> tuple[KpiLine, ...]:
    from lingtan.adapters.services.errors import ServiceError
    from lingtan.adapters.services.targets import programme
    from lingtan.modules.targets.kpis import track_kpi

    try:
        prog, _sha, _notes = programme(ctx)
    except ServiceError:  # no targets file
        return ()
    cal = prog.calendar
    out = []
    for k in prog.kpis:
        st = track_kpi(k, cal)
        origin = str(k.origin) if k.values else None  # typed | computed; None: no data
        goal_year = None if k.goal_year is None else cal.year(k.goal_year).label
        out.append(
            KpiLine(k.id, k.name, k.unit, k.goal, goal_year, st.latest_year, st.latest_value,
                    st.status.value, origin)
        )  # fmt: skip
    return tuple(out)
