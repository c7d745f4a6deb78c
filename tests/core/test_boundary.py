"""Consolidation approaches, GHG Protocol Corporate Standard ch. 3 (hand-checked shares)."""

from __future__ import annotations

import pytest

from lingtan.core.boundary import Boundary, Consolidation, LegalEntity, Site, region_chain
from lingtan.core.errors import BoundaryError


@pytest.fixture
def group() -> Boundary:
    return Boundary(
        organisation="G",
        entities=(
            LegalEntity("SUB", "subsidiary", 60.0, True, True),
            LegalEntity("JV", "joint venture", 50.0, True, False, parent_id="SUB"),
            LegalEntity("ASSOC", "associate", 30.0, False, False),
        ),
        sites=(
            Site("A", "a", "SUB", "CN-TJ"),
            Site("B", "b", "JV", "CN"),
            Site("C", "c", "ASSOC", "GB"),
        ),
    )


def test_equity_share_multiplies_along_the_chain(group: Boundary) -> None:
    shares = group.site_shares(Consolidation.EQUITY_SHARE)
    assert shares == pytest.approx({"A": 0.6, "B": 0.3, "C": 0.3})


def test_operational_control(group: Boundary) -> None:
    assert group.site_shares(Consolidation.OPERATIONAL_CONTROL) == {"A": 1.0, "B": 1.0, "C": 0.0}


def test_financial_control(group: Boundary) -> None:
    assert group.site_shares(Consolidation.FINANCIAL_CONTROL) == {"A": 1.0, "B": 0.0, "C": 0.0}


def test_invalid_boundaries() -> None:
    with pytest.raises(BoundaryError, match="ownership"):
        Boundary("G", entities=(LegalEntity("X", "x", 0.0),))
    with pytest.raises(BoundaryError, match="unknown entity"):
        Boundary("G", sites=(Site("S", "s", "NOPE", "CN"),))
    with pytest.raises(BoundaryError, match="cycle"):
        Boundary(
            "G",
            entities=(LegalEntity("X", "x", parent_id="Y"), LegalEntity("Y", "y", parent_id="X")),
        )


def test_region_chain() -> None:
    assert region_chain("gb-lnd") == ["GB-LND", "GB", "GLO"]
    assert region_chain("US-EGRID-CAMX") == ["US-EGRID-CAMX", "US-EGRID", "US", "GLO"]
    assert region_chain("GLO") == ["GLO"]


def test_china_province_chain_goes_through_its_regional_grid() -> None:
    # MEE/NBS 2021 calculation notes, table 1: Jiangsu is in the East China grid (华东)
    assert region_chain("CN-JS") == ["CN-JS", "CN-GRID-EAST", "CN", "GLO"]
    assert region_chain("cn-tj") == ["CN-TJ", "CN-GRID-NORTH", "CN", "GLO"]
    assert region_chain("CN-JS-SZ") == ["CN-JS-SZ", "CN-JS", "CN-GRID-EAST", "CN", "GLO"]
    assert region_chain("CN-GRID-EAST") == ["CN-GRID-EAST", "CN", "GLO"]
    # Tibet: no provincial factor and in no table of the notice → Southwest grid (decision 0028)
    assert region_chain("CN-XZ") == ["CN-XZ", "CN-GRID-SOUTHWEST", "CN", "GLO"]
    # Hong Kong, Macao, Taiwan are not in the mainland grid: their own ISO 3166-1 code
    assert region_chain("CN-HK") == ["CN-HK", "HK", "GLO"]
    assert region_chain("CN-TW") == ["CN-TW", "TW", "GLO"]
    # other countries' subdivisions chain to the country
    assert region_chain("DE-BY") == ["DE-BY", "DE", "GLO"]


def test_every_mainland_province_maps_to_one_of_seven_grids() -> None:
    from lingtan.core.boundary import CN_GRIDS, CN_PROVINCE_GRID

    # 31 mainland provincial-level divisions of ISO 3166-2:CN (30 with MEE values + Tibet)
    assert len(CN_PROVINCE_GRID) == 31
    assert set(CN_PROVINCE_GRID.values()) == set(CN_GRIDS)
    assert len(CN_GRIDS) == 7
    groups: dict[str, set[str]] = {}
    for prov, grid in CN_PROVINCE_GRID.items():
        groups.setdefault(grid, set()).add(prov)
    # the MEE grouping (华东 = 沪 苏 浙 皖 闽; 西南 = 渝 川 (+ 藏 here); 南方 = 粤 桂 琼 黔 滇)
    assert groups["CN-GRID-EAST"] == {"CN-SH", "CN-JS", "CN-ZJ", "CN-AH", "CN-FJ"}
    assert groups["CN-GRID-SOUTHWEST"] == {"CN-CQ", "CN-SC", "CN-XZ"}
    assert groups["CN-GRID-SOUTH"] == {"CN-GD", "CN-GX", "CN-HI", "CN-GZ", "CN-YN"}
    assert groups["CN-GRID-NORTH"] == {"CN-BJ", "CN-TJ", "CN-HE", "CN-SX", "CN-SD", "CN-NM"}
