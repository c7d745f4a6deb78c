"""Fuel quantities in energy units resolve for every fuel that has a factor (decision 0029): the
class of defect behind "natural gas in mmBtu counts as 0" (issue 10, item 3)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pytest

from lingtan.adapters.compute.tables import (
    PLAIN_ENERGY_DIM,
    MoneyTables,
    conversion_rows,
    factor_tables,
    unit_dim,
)
from lingtan.adapters.io.importer import import_file
from lingtan.adapters.io.library import _bundled
from lingtan.adapters.services.calculation import calculate_year
from lingtan.adapters.store.workspace import init_workspace
from lingtan.core.units import cv_basis

#: the energy units docs/methods.md and docs/templates.md list for fuel quantities
ENERGY_UNITS = ("kWh", "MWh", "MJ", "GJ", "mmBtu", "therm", "kgce", "tce")


def test_every_fuel_with_an_energy_factor_takes_every_energy_unit() -> None:
    factors = _bundled()[0]
    ft = factor_tables(factors, [])
    g = ft.groups
    fuel = pc.starts_with(g.column("activity_type"), "fuel.")
    cv = [cv_basis(u) is not None for u in g.column("factor_unit").to_pylist()]
    with_cv = {
        t
        for t, f, c in zip(g.column("activity_type").to_pylist(), fuel.to_pylist(), cv, strict=True)
        if f and c
    }
    assert "fuel.natural_gas" in with_cv
    assert len(with_cv) > 50
    plain = g.filter(pc.equal(g.column("dim"), PLAIN_ENERGY_DIM))
    takes_plain = set(plain.column("activity_type").to_pylist())
    assert with_cv <= takes_plain, sorted(with_cv - takes_plain)[:10]
    # and each plain energy unit converts to each factor unit those rows carry
    funits = set(plain.filter(pc.starts_with(plain.column("activity_type"), "fuel.")).column(
        "factor_unit").to_pylist())  # fmt: skip
    combos = [(u, f, None, None) for u in ENERGY_UNITS for f in funits]
    table, failed = conversion_rows(combos, MoneyTables({}, {}))
    assert not failed
    assert table.num_rows == len(combos)
    assert all(unit_dim(u) == PLAIN_ENERGY_DIM for u in ENERGY_UNITS)


def test_gross_basis_is_chosen_where_a_set_has_both() -> None:
    factors = [f for f in _bundled()[0] if f.set_name == "desnz-2025"]
    g = factor_tables(factors, []).groups
    rows = g.filter(
        pc.and_(
            pc.equal(g.column("activity_type"), "fuel.natural_gas"),
            pc.equal(g.column("dim"), PLAIN_ENERGY_DIM),
        )
    )
    assert rows.column("factor_unit").to_pylist() == ["kWh_gcv"]


def test_natural_gas_in_mmbtu_and_kwh_calculates_with_the_bundled_library(
    tmp_path: Path,
) -> None:
    ws = init_workspace(tmp_path / "ws", organisation="Gas Co")  # site HQ in CN
    f = tmp_path / "fuel_gas.csv"
    f.write_text(
        "site,date,fuel,quantity,unit\n"
        "HQ,2025-05-01,natural_gas,100,mmBtu\n"
        "HQ,2025-06-01,natural_gas,10000,kWh\n",
        encoding="utf-8",
    )
    rep = import_file(ws, f)
    assert (rep.rows_accepted, rep.rows_rejected) == (2, 0)
    inv = calculate_year(ws, "FY2025/26")
    doc = inv.to_dict(digits=9)
    assert not inv.unresolved  # both rows calculated
    # CN has no natural-gas factor of its own: DESNZ 2025 (GLO) per kWh gross CV, 0.18259 kg CO2
    # 100 mmBtu = 29 307.107 kWh; + 10 000 kWh = 39 307.107 kWh × 0.18259 = 7177.0847 kg CO2
    assert doc["by_gas_tco2e"]["CO2"] == pytest.approx(39307.10701722 * 0.18259 / 1000, rel=1e-9)


def test_lineage_arithmetic_states_the_basis() -> None:
    from lingtan.adapters.compute.lineage import arithmetic

    row = {"quantity": 100.0, "unit": "mmBtu", "conversion": 293.0710701722222,
           "factor_unit": "kWh_gcv", "cover_multiplier": 1.0, "stream": "own",
           "factor_value": 0.18259, "gas": "CO2", "gwp": 1.0, "share": 1.0,
           "co2e_kg": 100 * 293.0710701722222 * 0.18259}  # fmt: skip
    assert arithmetic(row) == (
        "100 [mmBtu] × 293.071 [kWh_gcv/mmBtu] (mmBtu read on the gross calorific value basis "
        "of the factor (kWh_gcv)) × 0.18259 [kg CO2/kWh_gcv] = 5351.18 kg CO2e"
    )
