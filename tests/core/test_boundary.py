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
    assert region_chain("cn-tj") == ["CN-TJ", "CN", "GLO"]
    assert region_chain("US-EGRID-CAMX") == ["US-EGRID-CAMX", "US-EGRID", "US", "GLO"]
    assert region_chain("GLO") == ["GLO"]
