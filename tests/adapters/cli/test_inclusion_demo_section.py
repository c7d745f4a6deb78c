"""``lingtan demo`` section (f) (decision 0094): the built demo (shared ``built_demo``, both
stores) prints the three programmes, the Environment Week winners, the refused push, the 0-kg
laptop with its evidence page and the category-7 rows; its workspace holds the feed batch."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from demokit import BuiltDemo


@pytest.fixture(scope="module")
def demo(built_demo: Callable[[str], BuiltDemo], workspace_store: str) -> BuiltDemo:
    """The demo built once per store (read only)."""
    return built_demo(workspace_store)


def test_the_inclusion_section(demo: BuiltDemo) -> None:
    out = demo.output
    for name in ("员工碳普惠", "联萌乐碳圈", "八一乐碳圈"):
        assert name in out
    assert "ENV-WEEK-2023: team" in out
    assert "ENV-WEEK-2024: team" in out
    assert "Partner push resale-000021 refused" in out
    assert "LB14-G5/i7-32-1t-GB: 0 kg CO2e credited" in out
    assert re.search(r"evidence /p/[a-z0-9-]+/LB14-G5/i7-32-1t-GB", out)
    feeds = list((demo.folder / "synthetic" / "inclusion" / "category7").glob("*.csv"))
    assert len(feeds) == 1
    assert "Commuting fed into Scope 3 category 7 as primary data: 180 rows" in out
