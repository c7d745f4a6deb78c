"""Plain energy units read on a factor's calorific-value basis (decision 0029)."""

from __future__ import annotations

import pytest

from lingtan.core.errors import UnitError
from lingtan.core.units import (
    basis_note,
    conversion_factor_on_basis,
    cv_basis,
    is_plain_energy,
    parse_unit,
)


@pytest.mark.parametrize(
    ("unit", "kwh"),
    [
        # 1 mmBtu = 10^6 × 1055.056 J / 3.6 MJ = 293.0711 kWh (the EPA Hub divides by 293.07107)
        ("mmBtu", 293.0710701722222),
        ("MMBTU", 293.0710701722222),
        # 1 therm = 100 000 IT Btu = 0.1 mmBtu = 29.30711 kWh
        ("therm", 29.30710701722222),
        ("GJ", 1000 / 3.6),
        ("MJ", 1 / 3.6),
        ("kWh", 1.0),
        ("MWh", 1000.0),
    ],
)
def test_plain_energy_meets_a_gross_cv_factor(unit: str, kwh: float) -> None:
    assert is_plain_energy(unit)
    assert conversion_factor_on_basis(unit, "kWh_gcv") == pytest.approx(kwh, rel=1e-12)
    assert conversion_factor_on_basis(unit, "kWh_ncv") == pytest.approx(kwh, rel=1e-12)
    # GJ on the gross basis: 1 kWh → 1/277.78 GJ_gcv
    assert conversion_factor_on_basis(unit, "GJ_gcv") == pytest.approx(kwh * 3.6 / 1000)


def test_stated_bases_never_mix() -> None:
    assert cv_basis("kWh_gcv") == "gross"
    assert cv_basis("GJ_ncv") == "net"
    assert cv_basis("kWh") is None
    assert not is_plain_energy("kWh_gcv")
    with pytest.raises(UnitError):
        conversion_factor_on_basis("kWh_ncv", "kWh_gcv")
    with pytest.raises(UnitError):
        conversion_factor_on_basis("kWh_gcv", "kWh")  # stated fuel energy is not electricity
    with pytest.raises(UnitError):
        conversion_factor_on_basis("L", "kWh_gcv")  # volume needs a calorific value per litre


def test_basis_note_for_lineage() -> None:
    assert basis_note("kWh", "kWh_gcv") == (
        "kWh read on the gross calorific value basis of the factor (kWh_gcv)"
    )
    assert basis_note("kWh_gcv", "kWh_gcv") is None
    assert basis_note("kWh", "kWh") is None


def test_spellings() -> None:
    assert parse_unit("therms").dimensionality == parse_unit("therm").dimensionality
    assert parse_unit("million Btu").to("kWh").magnitude == pytest.approx(293.0710701722222)
