"""Scope 2 market-based allocation (GHG Protocol Scope 2 Guidance ch. 6–7), hand-checked."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.core.errors import MethodError
from lingtan.core.methods.scope2_market import Instrument, allocate
from lingtan.core.periods import FiscalCalendar

CAL = FiscalCalendar(4)
FY = "FY2023/24"


def ins(
    iid: str,
    kwh: float,
    site: str | None,
    region: str = "CN",
    rate: float = 0.0,
    start: date = date(2023, 4, 1),
    end: date = date(2024, 3, 31),
) -> Instrument:
    return Instrument(iid, "gec", kwh, rate, region, site, start, end)


def run(instruments: list[Instrument], consumption: dict[tuple[str, str], float]):  # type: ignore[no-untyped-def]
    regions = {"TJ": "CN-TJ", "HF": "CN-AH", "UK": "GB"}
    return allocate(instruments, consumption, regions, lambda d: CAL.of(d).label)


def test_site_certificates_then_pooled_never_more_than_consumption() -> None:
    cons = {("TJ", FY): 100_000.0, ("HF", FY): 50_000.0, ("UK", FY): 10_000.0}
    r = run([ins("A", 60_000, "TJ"), ins("POOL", 120_000, None)], cons)
    cov = {c.site: c for c in r.coverage}
    # TJ: 60 000 from A, then 40 000 from the pool; HF: 50 000 from the pool; UK not in CN market
    assert cov["TJ"].covered_kwh == 100_000
    assert cov["HF"].covered_kwh == 50_000
    assert cov["UK"].covered_kwh == 0
    assert sum(a.kwh for a in r.allocations if a.instrument_id == "POOL") == 90_000
    assert r.unallocated == (("POOL", 30_000, "exceeds consumption in CN"),)


def test_supplier_rate_is_volume_weighted() -> None:
    r = run(
        [ins("G", 30_000, "TJ", rate=0.0), ins("S", 10_000, "TJ", rate=0.4)],
        {("TJ", FY): 100_000.0},
    )
    c = r.coverage[0]
    assert c.covered_fraction == pytest.approx(0.4)
    assert c.weighted_rate == pytest.approx((30_000 * 0 + 10_000 * 0.4) / 40_000)


def test_certificate_counted_once() -> None:
    with pytest.raises(MethodError, match="only once"):
        run([ins("A", 1, "TJ"), ins("A", 1, "HF")], {("TJ", FY): 10.0})


def test_vintage_crossing_fiscal_years_is_not_used() -> None:
    r = run(
        [ins("V", 5_000, "TJ", start=date(2024, 3, 1), end=date(2024, 4, 30))],
        {("TJ", FY): 10_000.0},
    )
    assert r.coverage[0].covered_kwh == 0
    assert r.unallocated[0][2] == "vintage crosses a fiscal-year boundary"
