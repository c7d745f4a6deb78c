"""Renewable-electricity share by the RE100 technical criteria (issue 16 item 3; decision 0070).

Hand calculations:

- site A: C = 1 000 kWh; S 100 + PPA 200 + green trades 50 + certificates 150 = 500 → 50 %.
- site B: C = 400 kWh; S 300 + certificates 200 = 500 > 400 → numerator capped at 400 (100 %),
  surplus 100.
- group: (500 + 400) / (1 000 + 400) = 900 / 1 400 = 0.642857… (B's surplus not counted for A).
- the report's figures, "derived from the report's share":
  Hefei S ≈ 9.5 GWh at ≈ 12 % → C = 9.5 / 0.12 = 79.17 GWh ≈ 79 GWh (lines 1920, 1954);
  Shenzhen 2.8 GWh at ≈ 11 % → C = 2.8 / 0.11 = 25.45 GWh ≈ 25 GWh (lines 2086–2088).
"""

from __future__ import annotations

import pytest

from lingtan.modules.energy.errors import EnergyError
from lingtan.modules.energy.renewables import (
    ReShare,
    group_re_share,
    implied_consumption,
    re_share,
)


def test_site_share_counts_each_part() -> None:
    a = re_share(1000, self_use=100, ppa=200, green_trades=50, certificates=150, scope="A")
    assert a.numerator_kwh == pytest.approx(500.0)
    assert a.share == pytest.approx(0.5)
    assert a.percent == pytest.approx(50.0)
    assert a.parts == {"self_use": 100, "ppa": 200, "green_trades": 50, "certificates": 150}
    assert a.surplus_kwh == 0
    assert a.to_dict()["scope"] == "A"


def test_claims_are_capped_at_consumption_and_group_is_sum_over_sum() -> None:
    a = re_share(1000, 100, 200, 50, 150)
    b = re_share(400, self_use=300, certificates=200)
    assert b.numerator_kwh == pytest.approx(400.0)
    assert b.share == pytest.approx(1.0)
    assert b.surplus_kwh == pytest.approx(100.0)
    g = group_re_share([a, b])
    assert g.share == pytest.approx(900 / 1400)
    assert g.parts["self_use"] == pytest.approx(400.0)
    assert g.surplus_kwh == pytest.approx(100.0)
    assert g.scope == "group"


def test_no_consumption_no_share() -> None:
    assert re_share(0).share is None
    assert group_re_share([]).share is None
    assert isinstance(group_re_share([re_share(0)]), ReShare)


def test_bad_input_is_refused() -> None:
    with pytest.raises(EnergyError) as e:
        re_share(100, self_use=-1)
    assert e.value.field == "self_use"
    assert e.value.message.key == "energy.err.negative"
    with pytest.raises(EnergyError):
        re_share(float("nan"))


def test_report_consumption_derived_from_the_reported_share() -> None:
    hefei = implied_consumption(9.5e6, 0.12)
    assert hefei == pytest.approx(79.1667e6, rel=1e-5)
    assert round(hefei / 1e6) == 79
    shenzhen = implied_consumption(2.8e6, 0.11)
    assert shenzhen == pytest.approx(25.4545e6, rel=1e-5)
    assert round(shenzhen / 1e6) == 25
    # and back: the share of the self-use in that consumption is the reported share
    assert re_share(hefei, self_use=9.5e6).share == pytest.approx(0.12)
    with pytest.raises(EnergyError) as e:
        implied_consumption(1.0, 0.0)
    assert e.value.message.key == "energy.err.share_range"
