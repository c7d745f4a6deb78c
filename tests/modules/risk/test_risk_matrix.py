"""The scoring matrix, the catalogue and the review cadence (issue 17 item 2, decision 0080).
Every expected value is worked by hand in the comment beside it."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.modules.risk import cadence as cad
from lingtan.modules.risk import catalogue as cat
from lingtan.modules.risk.errors import MatrixError
from lingtan.modules.risk.matrix import DEFAULT_BANDS, DIMENSIONS, RiskMatrix


def test_default_matrix_is_the_reports_scales_with_lingtans_bands() -> None:
    m = RiskMatrix()
    assert m.likelihood_levels == 4  # 完全不可能 / 不太可能 / 可能 / 基本确定 (report 1242)
    assert m.consequence_levels == 5
    assert m.dimensions == DIMENSIONS
    assert len(DIMENSIONS) == 6
    assert m.aggregation == "max"
    assert m.bands_source == "lingtan"  # the report publishes no thresholds
    assert m.max_score == 20.0  # 4 × 5


@pytest.mark.parametrize(
    ("likelihood", "consequences", "score", "band"),
    [
        (4, {"finance": 4, "reputation": 2}, 16.0, "very_high"),  # 4 × max(4, 2) = 16 ≥ 15
        (3, {"finance": 5}, 15.0, "very_high"),  # 3 × 5 = 15: the lower bound is in the band
        (2, {"compliance": 5, "production": 1}, 10.0, "high"),  # 2 × 5 = 10
        (3, {"market_share": 3}, 9.0, "medium"),  # 3 × 3 = 9 < 10
        (1, {"human_capital": 5}, 5.0, "medium"),  # 1 × 5 = 5
        (2, {"finance": 2}, 4.0, "low"),  # 2 × 2 = 4 < 5
        (1, {"finance": 1}, 1.0, "low"),
    ],
)
def test_rate_max(likelihood: int, consequences: dict[str, int], score: float, band: str) -> None:
    r = RiskMatrix().rate(likelihood, consequences)
    assert r is not None
    assert (r.score, r.band) == (score, band)


def test_rate_mean_and_cell() -> None:
    m = RiskMatrix(aggregation="mean")
    r = m.rate(3, {"finance": 4, "reputation": 2, "compliance": 3})
    assert r is not None
    # C = (4 + 2 + 3) / 3 = 3; score = 3 × 3 = 9 → medium
    assert (r.consequence, r.score, r.band) == (3.0, 9.0, "medium")
    r2 = m.rate(4, {"finance": 4, "reputation": 3})
    assert r2 is not None
    # C = (4 + 3) / 2 = 3.5; score = 4 × 3.5 = 14 → high; cell rounds 3.5 half up to 4
    assert (r2.score, r2.band, r2.cell) == (14.0, "high", (4, 4))


def test_unrated() -> None:
    m = RiskMatrix()
    assert m.rate(None, {"finance": 3}) is None
    assert m.rate(3, {}) is None


@pytest.mark.parametrize(
    ("likelihood", "consequences", "key", "field"),
    [
        (5, {"finance": 3}, "risk.err.likelihood", "likelihood"),
        (0, {}, "risk.err.likelihood", "likelihood"),
        (2, {"finance": 6}, "risk.err.consequence", "finance"),
        (2, {"finance": 0}, "risk.err.consequence", "finance"),
        (2, {"weather": 3}, "risk.err.dimension", "weather"),
    ],
)
def test_rate_refuses(likelihood: int, consequences: dict[str, int], key: str, field: str
                      ) -> None:  # fmt: skip
    with pytest.raises(MatrixError) as err:
        RiskMatrix().rate(likelihood, consequences)
    assert (err.value.message.key, err.value.field) == (key, field)


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"aggregation": "median"}, "risk.err.matrix_aggregation"),
        ({"likelihood_levels": 1}, "risk.err.matrix_levels"),
        ({"dimensions": ()}, "risk.err.matrix_dimensions"),
        ({"dimensions": ("finance", "finance")}, "risk.err.matrix_dimensions"),
        ({"bands": (("high", 10.0), ("low", 5.0))}, "risk.err.matrix_bands"),  # not ending at 0
        ({"bands": (("high", 5.0), ("medium", 10.0), ("low", 0.0))}, "risk.err.matrix_bands"),
        ({"horizons": {"short": (0, 1), "medium": (2, 10), "long": (10, 50)}},
         "risk.err.matrix_horizons"),  # a gap between 1 and 2
        ({"cadence": {"default": 12, "very_high": 0, "key_unit": 3}}, "risk.err.matrix_cadence"),
    ],
)  # fmt: skip
def test_matrix_validation(kwargs: dict[str, object], key: str) -> None:
    with pytest.raises(MatrixError) as err:
        RiskMatrix(**kwargs)  # type: ignore[arg-type]
    assert err.value.message.key == key


def test_document_round_trip_and_own_bands() -> None:
    m = RiskMatrix(aggregation="mean")
    assert RiskMatrix.from_dict(m.to_dict()) == m
    own = RiskMatrix.from_dict({"bands": [{"band": "high", "min": 8}, {"band": "low", "min": 0}]})
    assert own.bands_source == "organisation"
    assert own.band_of(8.0) == "high"
    assert own.band_of(7.5) == "low"
    assert RiskMatrix.from_dict({}).bands == DEFAULT_BANDS
    with pytest.raises(MatrixError) as err:
        RiskMatrix.from_dict({"likelihood_levels": "four"})
    assert err.value.message.key == "risk.err.matrix_document"


def test_catalogue() -> None:
    for d in ("carbon_pricing", "disclosure_obligations", "product_mandates",
              "low_emission_technology", "consumer_behaviour", "stakeholder_expectations",
              "acute_weather", "chronic_climate", "efficient_production",
              "low_emission_products", "sustainable_solutions", "adaptation_solutions",
              "new_markets"):  # fmt: skip
        assert d in cat.DRIVERS
        for c in cat.DRIVERS[d]:
            assert c in cat.CATEGORIES
    assert cat.kind_of("physical_acute") == "risk"
    assert cat.kind_of("resilience") == "opportunity"
    assert cat.driver_fits("carbon_pricing", "policy_legal")
    assert not cat.driver_fits("carbon_pricing", "market")
    assert cat.driver_fits("other", "markets")
    assert cat.DEFAULT_HORIZON_YEARS == {"short": (0, 1), "medium": (1, 10), "long": (10, 50)}


@pytest.mark.parametrize(
    ("last", "band", "key_unit", "expected"),
    [
        (date(2024, 3, 15), "high", False, date(2025, 3, 15)),  # + 12 months
        (date(2024, 3, 15), "very_high", False, date(2024, 9, 15)),  # + 6 months
        (date(2024, 3, 15), "low", True, date(2024, 6, 15)),  # key unit: + 3 months
        (date(2024, 3, 15), "very_high", True, date(2024, 6, 15)),  # shortest: 3 months
        (date(2023, 8, 31), "very_high", False, date(2024, 2, 29)),  # 31 Feb → last day (leap)
        (date(2024, 11, 30), None, True, date(2025, 2, 28)),  # unrated, key unit; clipped
        (None, "very_high", False, None),  # never reviewed: due at once
    ],
)
def test_cadence(last: date | None, band: str | None, key_unit: bool, expected: date | None
                 ) -> None:  # fmt: skip
    assert cad.next_review(last, band, key_unit) == expected


def test_overdue_and_due() -> None:
    on = date(2024, 6, 1)
    assert cad.is_overdue(date(2024, 5, 31), on)
    assert not cad.is_overdue(date(2024, 6, 1), on)  # due today: not yet overdue
    assert not cad.is_overdue(None, on)
    assert cad.is_due(None, on)
    assert cad.is_due(date(2024, 7, 1), on)  # 30 days ahead
    assert not cad.is_due(date(2024, 7, 2), on)  # 31 days ahead
    assert cad.interval_months("very_high", False, {"default": 12, "very_high": 4,
                                                    "key_unit": 3}) == 4  # fmt: skip
