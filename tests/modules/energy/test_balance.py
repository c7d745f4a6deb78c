"""Energy balance and standard coal (GB/T 2589-2020) (issue 16 item 3; decision 0070).

Hand calculations:

- balance: I = 1 000, G = 300, X = 50, charge 40, discharge 36 kWh →
  S = 300 − 50 = 250; storage net = 36 − 40 = −4; C = 1 000 + 250 − 4 = 1 246 kWh.
- the report's PV phase 3 (lines 1942–1946): 2.8 GWh × 0.1229 kgce/kWh
  = 2 800 000 × 0.1229 = 344 120 kgce = **344.12 tce** (equivalent basis, 当量值).
- the report's saving of 3.9 GWh = 479.31 tce (≈ line 1980): 3 900 000 × 0.1229 = 479 310 kgce.
- input-equivalent basis (等价值) at 0.300 kgce/kWh (a coal rate of 300 gce/kWh, given by the
  user): 2 800 000 × 0.300 = 840 000 kgce = 840 tce.
- natural gas 10 000 m³ × 1.3300 = 13 300 kgce = 13.3 tce; diesel 2 t = 2 000 kg × 1.4571
  = 2 914.2 kgce = 2.9142 tce; heat 100 GJ = 100 000 MJ × 0.03412 = 3 412 kgce = 3.412 tce.
"""

from __future__ import annotations

import pytest

from lingtan.adapters.io.standard_coal_files import bundled_standard_coal
from lingtan.modules.energy.balance import (
    SiteBalance,
    site_balance,
    tce,
    tce_breakdown,
    to_kwh,
)
from lingtan.modules.energy.errors import EnergyError

TABLE = bundled_standard_coal()


def test_consumption_is_import_plus_self_use_plus_storage_net() -> None:
    b = SiteBalance("HF", grid_import_kwh=1000, generation_kwh=300, export_kwh=50,
                    charge_kwh=40, discharge_kwh=36)  # fmt: skip
    assert b.self_use_kwh == pytest.approx(250.0)
    assert b.storage_net_kwh == pytest.approx(-4.0)
    assert b.consumption_kwh == pytest.approx(1246.0)
    assert b.to_dict()["consumption_kwh"] == pytest.approx(1246.0)


def test_site_balance_from_meter_sums() -> None:
    flows = [
        ("electricity", "grid", "consumption", 0.6, "MWh"),  # 600 kWh
        ("electricity", "ppa", "consumption", 400.0, "kWh"),  # → I and ppa
        ("electricity", "onsite_pv", "generation", 300.0, "kWh"),
        ("electricity", None, "export", 50.0, "kWh"),
        ("electricity", "storage", "storage_charge", 40.0, "kWh"),
        ("electricity", "storage", "storage_discharge", 36.0, "kWh"),
        ("natural_gas", None, "consumption", 6000.0, "m**3"),
        ("natural_gas", None, "consumption", 4000.0, "m**3"),
    ]
    b = site_balance("HF", flows)
    assert b.grid_import_kwh == pytest.approx(1000.0)  # 600 + 400
    assert b.ppa_kwh == pytest.approx(400.0)
    assert b.consumption_kwh == pytest.approx(1246.0)
    assert b.carriers == {"natural_gas": (10000.0, "m**3")}


def test_metered_self_use_when_there_is_no_generation_meter() -> None:
    b = site_balance("SZ", [("electricity", "grid", "consumption", 900.0, "kWh"),
                            ("electricity", "onsite_pv", "consumption", 100.0, "kWh")])  # fmt: skip
    assert b.self_use_kwh == pytest.approx(100.0)
    assert b.consumption_kwh == pytest.approx(1000.0)


def test_balance_refuses_what_does_not_add_up() -> None:
    with pytest.raises(EnergyError) as e:
        SiteBalance("HF", generation_kwh=10, export_kwh=11)
    assert e.value.message.key == "energy.err.export_above_generation"
    with pytest.raises(EnergyError) as e:
        SiteBalance("HF", grid_import_kwh=-1)
    assert e.value.field == "grid_import_kwh"
    with pytest.raises(EnergyError) as e:
        site_balance("HF", [("electricity", "grid", "consumption", 1.0, "m**3")])
    assert e.value.message.key == "energy.err.unit"
    with pytest.raises(EnergyError) as e:
        site_balance("HF", [("electricity", "grid", "sideways", 1.0, "kWh")])
    assert e.value.message.key == "energy.err.flow_unknown"
    with pytest.raises(EnergyError):
        site_balance("HF", [("natural_gas", None, "export", 1.0, "m**3")])
    with pytest.raises(EnergyError):
        site_balance("HF", [("natural_gas", None, "consumption", 1.0, "m**3"),
                            ("natural_gas", None, "consumption", 1.0, "kWh")])  # fmt: skip


def test_report_phase_three_pv_in_tce_equivalent_basis() -> None:
    assert tce({"electricity": (2.8, "GWh")}, "equivalent", table=TABLE) == pytest.approx(
        344.12, abs=1e-9
    )
    assert tce({"electricity": (3.9e6, "kWh")}, table=TABLE) == pytest.approx(479.31, abs=1e-9)
    assert to_kwh(2.8, "GWh") == pytest.approx(2.8e6)


def test_input_equivalent_basis_needs_the_coal_rate() -> None:
    q = {"electricity": (2.8e6, "kWh")}
    with pytest.raises(EnergyError) as e:
        tce(q, "input_equivalent", table=TABLE)
    assert e.value.message.key == "energy.err.input_equivalent_rate"
    r = tce_breakdown(q, "input_equivalent", table=TABLE, electricity_kgce_per_kwh=0.300)
    assert r.tce == pytest.approx(840.0)
    assert r.basis == "input_equivalent"
    assert r.to_dict()["basis_label"] == "input equivalent (等价值)"
    with pytest.raises(EnergyError) as e:
        tce(q, "primary", table=TABLE)
    assert e.value.message.key == "energy.err.basis"


def test_other_carriers_and_exclusions() -> None:
    q = {
        "natural_gas": (10000.0, "m**3"),
        "diesel": (2.0, "t"),
        "heat": (100.0, "GJ"),
        "steam": (100.0, "GJ"),
        "water": (500.0, "m**3"),
    }
    r = tce_breakdown(q, table=TABLE)
    assert r.parts["natural_gas"] == pytest.approx(13.3)
    assert r.parts["diesel"] == pytest.approx(2.9142)
    assert r.parts["heat"] == pytest.approx(3.412)
    assert r.parts["steam"] == pytest.approx(3.412)  # steam in GJ takes the heat coefficient
    assert r.excluded == ("water",)
    assert r.tce == pytest.approx(13.3 + 2.9142 + 3.412 + 3.412)
    assert r.coefficients["natural_gas"][:2] == (1.33, "m**3")
    with pytest.raises(EnergyError) as e:
        tce(q, table=TABLE)  # strict: water has no coefficient
    assert e.value.message.key == "energy.err.tce_no_coefficient"
    # steam in tonnes needs a grade: 1 t = 1 000 kg × 0.108571 = 108.571 kgce
    with pytest.raises(EnergyError) as e:
        tce({"steam": (1.0, "t")}, table=TABLE)
    assert e.value.message.key == "energy.err.tce_steam_grade"
    assert tce({"steam": (1.0, "t")}, table=TABLE,
               overrides={"steam": "steam_1_0mpa"}) == pytest.approx(0.108571)  # fmt: skip
    with pytest.raises(EnergyError) as e:  # a range only
        tce(
            {"natural_gas": (1.0, "m**3")},
            table=TABLE,
            overrides={"natural_gas": "natural_gas_range"},
        )
    assert e.value.message.key == "energy.err.tce_range"
    with pytest.raises(EnergyError) as e:  # diesel in litres: a volume, not a mass
        tce({"diesel": (1.0, "L")}, table=TABLE)
    assert e.value.message.key == "energy.err.unit"
