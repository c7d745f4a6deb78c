"""The control tower's trend forecast (ETS(A,A,N), FPP3 ch. 8): hand-checked short series."""

from __future__ import annotations

import math

import pytest

from lingtan.modules.disclosure.errors import DisclosureError
from lingtan.modules.disclosure.trend import (
    MIN_POINTS,
    consecutive_tail,
    forecast_trend,
    interval_variance,
    z_value,
)


def test_a_perfect_line_forecasts_the_line() -> None:
    # 100, 110, …, 140 (+10 a year): the next three years are 150, 160, 170 and nothing is
    # uncertain (SSE = 0 → σ² = 0 → the interval is the point)
    values = {2019 + i: 100.0 + 10.0 * i for i in range(5)}
    f = forecast_trend(values, series="scope1")
    assert f.status == "ok"
    assert [p.year for p in f.points] == [2024, 2025, 2026]
    for p, want in zip(f.points, (150.0, 160.0, 170.0), strict=True):
        assert p.point == pytest.approx(want, abs=1e-6)
        assert p.lower == pytest.approx(want, abs=1e-3)
        assert p.upper == pytest.approx(want, abs=1e-3)
    assert f.params["initial_trend"] == pytest.approx(10.0, abs=1e-6)
    assert f.method == "ETS(A,A,N)"
    assert "Hyndman" in f.reference


def test_a_noisy_line_gets_the_least_squares_line_and_the_interval_of_fpp3() -> None:
    # y = 100, 112, 118, 133, 139, 151 (t = 0…5). The likelihood is best with α = β ≈ 0, i.e.
    # a fixed straight line: the least-squares slope Σ(t−2.5)(y−125.5)/Σ(t−2.5)² = 175.5/17.5
    # = 10.02857; intercept 125.5 − 2.5 × 10.02857 = 100.42857; at t = 6: 160.6000.
    # SSE of that line: residuals −0.4286, 1.5429, −2.4857, 2.4857, −1.5429, 0.4286 → 17.4857;
    # σ² = SSE/n = 2.9143; with α, β ≈ 0, σ_h² = σ² (FPP3 Table 8.8), so the 95 % interval is
    # 160.6 ± 1.95996 × √2.9143 = 160.6 ± 3.3459 → [157.254, 163.946].
    values = dict(zip(range(2018, 2024), (100.0, 112.0, 118.0, 133.0, 139.0, 151.0), strict=True))
    f = forecast_trend(values)
    first = f.points[0]
    assert first.year == 2024
    assert first.point == pytest.approx(160.6, abs=0.01)
    half = z_value(0.95) * math.sqrt(17.4857 / 6)
    assert half == pytest.approx(3.3459, abs=1e-3)
    assert first.lower == pytest.approx(160.6 - half, abs=0.02)
    assert first.upper == pytest.approx(160.6 + half, abs=0.02)
    assert f.params["sigma2"] == pytest.approx(17.4857 / 6, rel=1e-3)
    assert f.converged is True


def test_too_few_years_say_so_and_never_fit() -> None:
    for n in (0, 1, 2, MIN_POINTS - 1):
        f = forecast_trend({2020 + i: 10.0 for i in range(n)})
        assert f.status == "not_enough_data"
        assert f.points == ()
        assert f.params == {}
        assert f.n == n
        assert f.min_points == MIN_POINTS


def test_only_the_latest_consecutive_years_are_used() -> None:
    run, left = consecutive_tail({2015: 1.0, 2017: 2.0, 2018: 3.0, 2019: 4.0})
    assert run == [(2017, 2.0), (2018, 3.0), (2019, 4.0)]
    assert left == [2015]
    f = forecast_trend({2010: 5.0, **{2015 + i: 50.0 - i for i in range(5)}})
    assert f.left_out == (2010,)
    assert f.n == 5


def test_a_falling_line_is_clipped_at_zero() -> None:
    # 40, 30, 20, 10, 5 falls towards zero: a bound below 0 is shown as 0 and said
    f = forecast_trend({2019: 40.0, 2020: 30.0, 2021: 20.0, 2022: 10.0, 2023: 5.0}, horizon=5)
    assert all(p.lower >= 0 and p.point >= 0 for p in f.points)
    assert f.clipped is True


@pytest.mark.parametrize(
    ("values", "kw", "field"),
    [
        ({2020: math.nan}, {}, "values"),
        ({2020: -1.0}, {}, "values"),
        ({2020: 1.0}, {"horizon": 0}, "horizon"),
        ({2020: 1.0}, {"level": 1.0}, "level"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    values: dict[int, float], kw: dict[str, float], field: str
) -> None:
    with pytest.raises(DisclosureError) as err:
        forecast_trend(values, **kw)  # type: ignore[arg-type]
    assert err.value.field == field
    assert err.value.message.key.startswith("tower.err.")


def test_the_interval_variance_of_fpp3_table_8_8() -> None:
    # α = 0.5, β = 0.1, σ² = 4, h = 3: 4 × [1 + 2 × (0.25 + 0.5 × 0.1 × 3 + 0.01 × 3 × 5 / 6)]
    # = 4 × [1 + 2 × (0.25 + 0.15 + 0.025)] = 4 × 1.85 = 7.4; one step ahead it is σ² = 4
    params = {"smoothing_level": 0.5, "smoothing_trend": 0.1, "sigma2": 4.0}
    assert interval_variance(params, 3) == pytest.approx(7.4)
    assert interval_variance(params, 1) == pytest.approx(4.0)
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
