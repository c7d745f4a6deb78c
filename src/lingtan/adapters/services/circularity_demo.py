"""Load the circularity demo: the source report's circular-economy figures as ledger rows
(issue 19 item 5, decision 0100; docs/circularity.md), through the same import use case as the
command line, the API and the web page (:func:`lingtan.adapters.services.circularity.import_rows`,
one file per ledger, all or nothing).

The KPIs are computed from these rows, never copied. Where the report gives a figure as such,
the row carries it (``synthetic`` false, its note naming the report's lines — numbers of
``../shared/seeds/000_fbf9cbf94a988f67.txt``); where the report gives only a total, rows are
made up so that they add up to it, each marked ``synthetic`` and its note saying so:

- materials: 2023 gross of the parts with recycled plastic ≈ 9,700 t, CL-PCC net ≈ 6,600 t;
  OBP 14 t gross, 0.7 t net (2314–2317) — as reported; 2005–2022: synthetic yearly rows (split
  evenly) so that the totals since 2005 are the report's: > 140 kt gross (140,186 t),
  PCC net > 55 kt (55,100 t), CL-PCC net ≈ 25 kt (24,900 t) (2313–2314). The factor pair on the
  2023 CL-PCC row is ILLUSTRATIVE: its difference is the one the report's "zero-plastic" figure
  implies, 6,055 t CO2 / 2,165 t ≈ 2.80 kg CO2e/kg (2345–2347); the avoided emissions are
  labelled AVOIDED and never deducted from the inventory;
- packaging FY2023/24: 672 t avoided of which 548 t plastic (2404) as three synthetic lines
  (plastic-free packaging 8,000,000 units × 0.0685 kg = 548 t; the bamboo gift box −30 % mass
  (2418): 800,000 × (0.300 − 0.210) kg = 72 t; paper inserts 800,000 × (0.130 − 0.065) kg =
  52 t); the plastic share 548 / 672 = 81.5 % is computed;
- returnable assets: the supplier plastic-pallet scheme returned 49,197 pallets in its first
  half year (2407–2408; the issued count and the dates synthetic); the Wuhan base's pool, a
  loss rate of about 3 ‰ a year (2002: a synthetic pool of 10,000 with 30 lost);
- take-back: over 1 M devices since 2005 (2579): synthetic yearly totals 2005–2022 (980,000
  devices) and four synthetic FY2023/24 rows (40,000 devices) — 1,020,000 in all; two
  synthetic recyclers, one approved, one suspended (the approval steps of 2505–2523).

Idempotent: a ledger that holds rows already is left as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context

#: the demo ledgers' file names (named in the rows' ``source_file`` and the audit log)
FILES = {k: f"lingtan-demo-circularity-{k}.csv" for k in
         ("recyclers", "materials", "packaging", "returnables", "takeback")}  # fmt: skip
#: the report's source lines (the seed report's line numbers)
_SRC = "source report, lines"

#: totals of the synthetic material history 2005–2022 [kg]
PCC_HISTORY = {"gross": 103_036_000, "net": 55_100_000}
CL_PCC_HISTORY = {"gross": 27_450_000, "net": 18_300_000}
#: devices taken back 2005–2022 (synthetic yearly totals)
TAKEBACK_HISTORY = 980_000
#: the implied difference EF_virgin − EF_recycled [kg CO2e/kg]: 6,055 t CO2 / 2,165 t
IMPLIED_EF = 6055 / 2165


def split_evenly(total: int, n: int) -> list[int]:
    """``total`` split evenly over ``n`` years in whole units, the last year taking the
    rounding so that the parts add up to ``total`` exactly."""
    parts = [total // n] * n
    parts[-1] += total - sum(parts)
    return parts


def _materials() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"year": "2023", "material": "cl_pcc", "product_line": "All products",
         "gross_kg": 9_700_000, "net_kg": 6_600_000, "ef_virgin": round(IMPLIED_EF, 4),
         "ef_recycled": 0,
         "ef_source": "ILLUSTRATIVE: difference implied by the report's zero-plastic figure, "
                      "6,055 t CO2 / 2,165 t (lines 2345-2347)",
         "synthetic": False,
         "note": f"{_SRC} 2314-2317: gross of parts with recycled plastic ~9,700 t; CL-PCC net "
                 "~6,600 t (PCC net of 2023 not given)"},
        {"year": "2023", "material": "obp", "product_line": "All products", "gross_kg": 14_000,
         "net_kg": 700, "synthetic": False, "note": f"{_SRC} 2316-2317: OBP 14 t gross, 0.7 t net"},
    ]  # fmt: skip
    years = list(range(2005, 2023))
    for y, g, n in zip(years, split_evenly(PCC_HISTORY["gross"], len(years)),
                       split_evenly(PCC_HISTORY["net"], len(years)), strict=True):  # fmt: skip
        rows.append({"year": str(y), "material": "pcc", "gross_kg": g, "net_kg": n,
                     "synthetic": True,
                     "note": f"synthetic: yearly split of the report's totals since 2005 "
                             f"({_SRC} 2313-2314)"})  # fmt: skip
    cl_years = list(range(2017, 2023))
    cl_gross = split_evenly(CL_PCC_HISTORY["gross"], len(cl_years))
    cl_net = split_evenly(CL_PCC_HISTORY["net"], len(cl_years))
    for y, g, n in zip(cl_years, cl_gross, cl_net, strict=True):
        rows.append({"year": str(y), "material": "cl_pcc", "gross_kg": g, "net_kg": n,
                     "synthetic": True,
                     "note": f"synthetic: yearly split of the report's CL-PCC total "
                             f"({_SRC} 2314)"})  # fmt: skip
    return rows


def _packaging() -> list[dict[str, Any]]:
    fy = "FY2023/24"
    note = (
        "synthetic: units and masses per unit made up to add up to the report's total "
        f"({_SRC} 2404)"
    )
    return [
        {"year": fy, "line": "ThinkPad (except E series) and smartphones: plastic-free packaging",
         "material": "plastic", "kg_per_unit_before": 0.0685, "kg_per_unit_after": 0,
         "units": 8_000_000, "synthetic": True, "note": note},
        {"year": fy, "line": "ThinkPad bamboo-fibre gift box (-30 % mass)",
         "material": "bamboo_fibre", "kg_per_unit_before": 0.300, "kg_per_unit_after": 0.210,
         "units": 800_000, "synthetic": True, "note": f"{note}; -30 % mass: lines 2417-2418"},
        {"year": fy, "line": "Paper inserts and cushions", "material": "paper",
         "kg_per_unit_before": 0.130, "kg_per_unit_after": 0.065, "units": 800_000,
         "synthetic": True, "note": note},
    ]  # fmt: skip


def _returnables() -> list[dict[str, Any]]:
    return [
        {"asset_kind": "pallet", "programme": "Supplier plastic pallet return scheme",
         "period_start": "2023-10-01", "period_end": "2024-03-31", "issued": 50_000,
         "returned": 49_197, "synthetic": True,
         "note": f"returned as reported ({_SRC} 2407-2408); the issued count and the half "
                 "year's dates synthetic"},
        {"asset_kind": "pallet", "programme": "Wuhan base pallets and totes", "site": "WUH",
         "period_start": "2023-04-01", "period_end": "2024-03-31", "issued": 10_000,
         "returned": 9_970, "lost": 30, "synthetic": True,
         "note": f"synthetic pool giving the report's loss rate of about 3 per mille a year "
                 f"({_SRC} 2002)"},
    ]  # fmt: skip


def _takeback() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    years = list(range(2005, 2023))
    for y, n in zip(years, split_evenly(TAKEBACK_HISTORY, len(years)), strict=True):
        rows.append({"day": f"{y}-12-31", "programme": "ars", "customer": "all customers",
                     "device_category": "mixed", "count": n, "route": "refurbish",
                     "synthetic": True,
                     "note": f"synthetic yearly total; over 1 M devices and 1,000 customers "
                             f"since 2005 ({_SRC} 2579)"})  # fmt: skip
    cert = "destroyed to the national secrecy bureau's standard, certificate DEMO-"
    rows += [
        {"day": "2023-06-15", "programme": "ars", "customer": "Customer A",
         "device_category": "notebook", "count": 12_000, "kg": 26_400, "route": "refurbish",
         "sanitisation_cert": cert + "001", "residual_value": 1_800_000, "synthetic": True},
        {"day": "2023-09-20", "programme": "ars", "customer": "Customer B",
         "device_category": "desktop", "count": 8_000, "kg": 64_000, "route": "recycle",
         "recycler": "REC-TJ", "sanitisation_cert": cert + "002",
         "recycling_cert": "REC-TJ-2023-117", "synthetic": True},
        {"day": "2023-12-05", "programme": "trade_in", "device_category": "phone",
         "count": 15_000, "kg": 3_000, "route": "reuse", "sanitisation_cert": cert + "003",
         "synthetic": True},
        {"day": "2024-02-28", "programme": "ars", "customer": "Customer C",
         "device_category": "mixed", "count": 5_000, "kg": 40_000, "route": "recycle",
         "recycler": "REC-XX", "synthetic": True},
    ]  # fmt: skip
    return rows


def _recyclers() -> list[dict[str, Any]]:
    return [
        {"code": "REC-TJ", "name": "Approved recycler, Tianjin (synthetic)", "region": "CN-TJ",
         "services": "recycling;dismantling;data_destruction", "supplier_audit": "2022-03-01",
         "environmental_audit": "2022-04-12", "document_approval": "2022-05-20",
         "contract_terms": True, "oecd_export_ok": True, "status": "approved",
         "expires": "2026-12-31", "synthetic": True,
         "note": f"synthetic; the approval steps of {_SRC} 2505-2523"},
        {"code": "REC-XX", "name": "Recycler under review (synthetic)", "region": "CN-GD",
         "services": "recycling", "contract_terms": True, "oecd_export_ok": False,
         "status": "suspended", "synthetic": True,
         "note": "synthetic; not approved: counts against the coverage"},
    ]  # fmt: skip


#: each ledger's rows, in the order they are loaded (recyclers first)
LEDGERS = {"recyclers": _recyclers, "materials": _materials, "packaging": _packaging,
           "returnables": _returnables, "takeback": _takeback}  # fmt: skip


@dataclass(frozen=True)
class CircularityDemoReport:
    """What :func:`load_circularity_demo` wrote: rows created per ledger (0: there already)."""

    created: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Rows created in all."""
        return sum(self.created.values())


def demo_files() -> dict[str, bytes]:
    """The demo's ledger files (CSV) by ledger."""
    from lingtan.adapters.io.circularity_files import ledger_csv

    return {k: ledger_csv(k, make()) for k, make in LEDGERS.items()}


def _load(db: Session, ctx: Context, kinds: Sequence[str]) -> dict[str, int]:
    from lingtan.adapters.services import circularity as sv

    created: dict[str, int] = {}
    files = demo_files()
    for kind in kinds:
        if db.scalar(select(sv.MODELS[kind].id).limit(1)) is not None:
            created[kind] = 0
            continue
        created[kind] = len(sv.import_rows(db, ctx, kind, files[kind], FILES[kind]).created)
    return created


def load_circularity_demo(ctx: Context, db: Session | None = None) -> CircularityDemoReport:
    """Write the circularity demo into the organisation of ``ctx`` (module docstring), on
    ``db`` when given (committed by the imports), else on a session of its own.

    Raises:
        ServiceError: an import refused a row (a bug of the demo data: every row is valid by
            construction and tested) or the caller may not edit data.
    """
    ctx.require("edit_data")
    kinds = list(LEDGERS)
    if db is not None:
        return CircularityDemoReport(_load(db, ctx, kinds))
    from lingtan.adapters.store.scoping import tenant_session

    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as own:
        return CircularityDemoReport(_load(own, ctx, kinds))
