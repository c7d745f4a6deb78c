"""GWP sets and blends (IPCC AR4/AR5/AR6; blends by mass fraction)."""

from __future__ import annotations

import pytest

from lingtan.core.errors import FactorError
from lingtan.core.gwp import blend_gwp, build_gwp_set, normalise_gas


def test_ar6_methane_by_origin() -> None:
    ar6 = build_gwp_set("AR6", {"CH4": 27.9, "N2O": 273}, "IPCC AR6 WGI Table 7.15")
    assert ar6.gwp("CH4_fossil") == 29.8
    assert ar6.gwp("CH4_nonfossil") == 27.0
    assert ar6.gwp("CH4") == 27.9
    ar5 = build_gwp_set("AR5", {"CH4": 28, "N2O": 265}, "IPCC AR5")
    assert ar5.gwp("CH4_fossil") == 28.0  # as GHG Protocol / DESNZ / EPA apply AR5


def test_blend_from_composition() -> None:
    ar5 = build_gwp_set(
        "AR5",
        {"HFC32": 677, "HFC125": 3170},
        "AR5",
        blends={"R-410A": {"HFC-32": 0.5, "HFC-125": 0.5}},
    )
    # R-410A = 50 % HFC-32 + 50 % HFC-125 → 0.5·677 + 0.5·3170 = 1923.5 (EPA Table 12: 1924)
    assert ar5.gwp("R410A") == pytest.approx(1923.5)
    assert blend_gwp({"HFC32": 50, "HFC125": 50}, ar5) == pytest.approx(1923.5)


def test_bad_blends_and_gases() -> None:
    ar5 = build_gwp_set("AR5", {"HFC32": 677}, "AR5")
    with pytest.raises(FactorError, match="sums to"):
        blend_gwp({"HFC32": 0.5}, ar5)
    with pytest.raises(FactorError, match="no GWP"):
        ar5.gwp("HFC-999")
    with pytest.raises(FactorError, match="positive"):
        build_gwp_set("X", {"CH4": -1}, "x")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("HFC-134a", "HFC134a"),
        ("r-410a", "R410A"),
        ("R-134a", "HFC134a"),
        ("R-22", "HCFC22"),
        ("R32", "HFC32"),
        ("co2e", "CO2e"),
        ("ch4 fossil", "CH4_fossil"),
        ("SF6", "SF6"),
    ],
)
def test_normalise_gas(raw: str, key: str) -> None:
    assert normalise_gas(raw) == key
