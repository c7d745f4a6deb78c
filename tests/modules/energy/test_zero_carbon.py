"""The zero-carbon assessment (decision 0077): share_own = (R_own + G) / (R_own + G + C) ≥ 90 %
and net = E_base − R_own − G − C ≤ 0, checked on figures worked by hand."""

from __future__ import annotations

import pytest

from lingtan.modules.energy import zero_carbon as zc

BASIS = zc.Basis("market", "bau", (1, 2), 0.5703, "test grid CN", ("FY2024/25",))


def test_passes_with_92_percent_own() -> None:
    # E_base 10 000; R_own 3 000; G 6 200; C 800
    # share = (3 000 + 6 200) / (3 000 + 6 200 + 800) = 9 200 / 10 000 = 0.92 ≥ 0.90
    # net = 10 000 − 3 000 − 6 200 − 800 = 0 ≤ 0
    a = zc.assess("WH01", "FY2024/25", 10_000, 3_000, 6_200, 800, BASIS)
    assert a.share_own == pytest.approx(0.92)
    assert a.net_t == pytest.approx(0.0)
    assert a.share_ok
    assert a.net_ok
    assert a.passed
    # credits the share rule allows: 9 200 × 0.1 / 0.9 = 1 022.2…
    assert a.credits_allowed_t == pytest.approx(9_200 * 0.1 / 0.9)
    d = a.to_dict()
    assert d["basis"]["emissions"] == "market"
    assert d["basis"]["years"] == ["FY2024/25"]
    assert zc.Basis.from_dict(d["basis"]) == BASIS


def test_fails_share_with_too_many_credits() -> None:
    # share = (3 000 + 5 800) / (3 000 + 5 800 + 1 200) = 8 800 / 10 000 = 0.88 < 0.90
    a = zc.assess("WH01", "FY2024/25", 10_000, 3_000, 5_800, 1_200, BASIS)
    assert a.share_own == pytest.approx(0.88)
    assert not a.share_ok
    assert a.net_ok
    assert not a.passed


def test_fails_net_when_not_covered() -> None:
    # net = 10 000 − 3 000 − 6 000 − 500 = 500 > 0; share = 9 000 / 9 500 = 0.947…
    a = zc.assess("WH01", "FY2024/25", 10_000, 3_000, 6_000, 500, BASIS)
    assert a.net_t == pytest.approx(500.0)
    assert a.share_own == pytest.approx(9_000 / 9_500)
    assert a.share_ok
    assert not a.net_ok
    assert not a.passed


def test_exactly_ninety_percent_passes() -> None:
    # share = 900 / (900 + 100) = 0.9 exactly; net = 1 000 − 900 − 100 = 0
    a = zc.assess("S", "FY2024/25", 1_000, 400, 500, 100, BASIS)
    assert a.share_ok
    assert a.passed


def test_nothing_done() -> None:
    a = zc.assess("S", "FY2024/25", 50, 0, 0, 0, BASIS)
    assert a.share_own is None
    assert not a.share_ok
    assert not a.net_ok
    b = zc.assess("S", "FY2024/25", 0, 0, 0, 0, BASIS)
    assert b.share_own is None
    assert b.passed


def test_green_power_and_bau() -> None:
    # (1 000 000 + 500 000 + 250 000) kWh × 0.5703 t/MWh / 1000 = 1 750 MWh × 0.5703 = 998.025 t
    g = zc.green_power_t({"self_use": 1_000_000, "green_trades": 500_000,
                          "certificates": 250_000}, 0.5703)  # fmt: skip
    assert g == pytest.approx(998.025)
    # actual 2 000 + savings 300 + green 998.025 = 3 298.025
    assert zc.bau_base(2_000, 300, g) == pytest.approx(3_298.025)


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (lambda: zc.assess("S", "FY", 1, -1, 0, 0, BASIS), "zerocarbon.err.negative"),
        (
            lambda: zc.assess("S", "FY", 1, 0, 0, 0, BASIS, threshold=1.5),
            "zerocarbon.err.threshold",
        ),
        (lambda: zc.assess("S", "FY", 1, 0, 0, 0, BASIS, stage="done"), "zerocarbon.err.stage"),
        (
            lambda: zc.assess("S", "FY", 1, 0, 0, 0, BASIS, measures={"x": 1}),
            "zerocarbon.err.domain",
        ),
        (lambda: zc.green_power_t({"wind": 1}, 0.5), "zerocarbon.err.part"),
        (lambda: zc.Basis("average"), "zerocarbon.err.basis"),
    ],
)
def test_refusals(call: object, key: str) -> None:
    with pytest.raises(zc.AssessmentError) as e:
        call()  # type: ignore[operator]
    assert e.value.message.key == key


def test_stage_and_measures_kept() -> None:
    a = zc.assess("S", "FY", 10, 9, 1, 0, BASIS, stage="carbon_neutral",
                  measures={"green_energy": 12, "canteen": 3})  # fmt: skip
    assert a.to_dict()["measures"] == {"green_energy": 12, "canteen": 3}
    assert a.stage == "carbon_neutral"
