"""Scope 2 market-based allocation (GHG Protocol Scope 2 Guidance ch. 6–7), hand-checked."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lingtan.core.errors import MethodError
from lingtan.core.methods.scope2_market import METHOD_VERSION, Instrument, allocate, allocator
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


# -- version 2: the hierarchy by instrument type (decision 0027) --------------------------------


def typed(
    iid: str, kind: str, kwh: float, site: str | None, rate: float = 0.0, region: str = "CN"
) -> Instrument:
    return Instrument(iid, kind, kwh, rate, region, site, date(2023, 4, 1), date(2024, 3, 31))


def test_certificates_before_a_supplier_rate_whose_id_sorts_first() -> None:
    # TJ consumes 1 000 000 kWh. A supplier-specific rate (id "A-…", 1 000 000 kWh at
    # 0.5 kg/kWh) and certificates (id "Z-…", 400 000 kWh at 0).
    # Guidance Table 6.3: certificates first → 400 000 kWh at 0; the supplier rate covers the
    # remaining 600 000 kWh → 600 000 × 0.5 = 300 000 kg; 400 000 kWh of it unallocated.
    # (Version 1, in id order, gave the supplier rate all 1 000 000 kWh → 500 000 kg.)
    sup, gec = typed("A-SUP", "supplier_rate", 1e6, "TJ", 0.5), typed("Z-GEC", "gec", 4e5, "TJ")
    r = run([sup, gec], {("TJ", FY): 1e6})
    c = r.coverage[0]
    assert c.covered_kwh == 1e6
    assert c.covered_kwh * c.weighted_rate == pytest.approx(300_000.0)
    assert dict(c.by_level) == {"certificate": 4e5, "supplier_rate": 6e5}
    assert r.unallocated == (("A-SUP", 4e5, "exceeds the site's consumption"),)
    assert r.method_version == METHOD_VERSION == 2
    old = allocator(1)([sup, gec], {("TJ", FY): 1e6}, {"TJ": "CN-TJ"}, lambda d: CAL.of(d).label)
    assert old.coverage[0].covered_kwh * old.coverage[0].weighted_rate == 500_000.0


def test_certificates_supplier_rate_and_residual_mix_hand_checked() -> None:
    # One site, TJ: 1 000 000 kWh. GEC 300 000 kWh (0 kg/kWh); PPA 100 000 kWh (0 kg/kWh);
    # supplier rate 400 000 kWh at 0.42 kg/kWh. Residual mix (engine) 0.62 kg/kWh.
    # Level 1 (certificates and contracts): 300 000 + 100 000 = 400 000 kWh at 0
    # Level 2 (supplier rate): 400 000 kWh (fits in the 600 000 left) → 168 000 kg
    # covered 800 000 kWh, weighted rate = 168 000 / 800 000 = 0.21 kg/kWh
    # Level 3 (residual mix): 200 000 kWh × 0.62 = 124 000 kg
    # market-based total = 168 000 + 124 000 = 292 000 kg = 292 t
    r = run(
        [
            typed("S", "supplier_rate", 4e5, "TJ", 0.42),
            typed("G", "gec", 3e5, "TJ"),
            typed("P", "ppa", 1e5, "TJ"),
        ],
        {("TJ", FY): 1e6},
    )
    c = r.coverage[0]
    assert c.covered_kwh == 8e5
    assert c.weighted_rate == pytest.approx(0.21)
    assert dict(c.by_level) == {"certificate": 4e5, "supplier_rate": 4e5}
    residual_kg = (c.consumption_kwh - c.covered_kwh) * 0.62
    assert c.covered_kwh * c.weighted_rate + residual_kg == pytest.approx(292_000.0)
    assert r.unallocated == ()


def test_pooled_certificates_pro_rata_to_remaining_need() -> None:
    # TJ 1 000 000 kWh with its own GEC 300 000 → needs 700 000; HF 400 000 kWh.
    # Pool (CN) 220 000 kWh < 1 100 000 needed → TJ 220 000 × 700/1100 = 140 000,
    # HF 220 000 × 400/1100 = 80 000, whatever the ids.
    r = run(
        [typed("ZZ-TJ", "gec", 3e5, "TJ"), typed("AA-POOL", "gec", 2.2e5, None)],
        {("TJ", FY): 1e6, ("HF", FY): 4e5},
    )
    cov = {c.site: c.covered_kwh for c in r.coverage}
    assert cov["TJ"] == pytest.approx(440_000.0)
    assert cov["HF"] == pytest.approx(80_000.0)


def test_site_specific_market_before_national_pool() -> None:
    # A CN-TJ pool (more specific market) is applied before a CN pool at the same level:
    # TJ 100 000 kWh; CN-TJ pool 60 000 → TJ; CN pool 100 000 → TJ 40 000, HF 50 000
    # (pro rata to the needs 40 000 : 50 000 = exactly the need, 90 000 ≤ 100 000).
    r = run(
        [typed("A", "gec", 1e5, None, region="CN"), typed("B", "rec", 6e4, None, region="CN-TJ")],
        {("TJ", FY): 1e5, ("HF", FY): 5e4},
    )
    got = {(a.instrument_id, a.site): a.kwh for a in r.allocations}
    assert got == {("B", "TJ"): 6e4, ("A", "TJ"): 4e4, ("A", "HF"): 5e4}
    assert r.unallocated == (("A", 1e4, "exceeds consumption in CN"),)


def test_unknown_instrument_type_is_an_error() -> None:
    with pytest.raises(MethodError, match="unknown type 'voucher'"):
        run([typed("X", "voucher", 1, "TJ")], {("TJ", FY): 10.0})


def test_unknown_version_is_an_error() -> None:
    with pytest.raises(MethodError, match="unknown version 9"):
        allocator(9)


# -- property: ids and order never change a result ---------------------------------------------

SITES = {"TJ": "CN-TJ", "HF": "CN-AH", "SH": "CN-SH", "UK": "GB"}
SHARES = {"SH": 0.3, "UK": 0.0}  # an equity-share site and one outside the boundary
TYPES = ("gec", "rec", "i-rec", "go", "ppa", "green_tariff", "supplier_rate")
VINTAGES = ((date(2023, 4, 1), date(2024, 3, 31)), (date(2023, 7, 1), date(2023, 9, 30)),
            (date(2024, 2, 1), date(2024, 5, 31)))  # fmt: skip


@st.composite
def scenario(draw: st.DrawFn) -> tuple[list[Instrument], dict[tuple[str, str], float]]:
    n = draw(st.integers(0, 8))
    out = []
    for k in range(n):
        start, end = draw(st.sampled_from(VINTAGES))
        out.append(
            Instrument(
                f"I{k}",
                draw(st.sampled_from(TYPES)),
                float(draw(st.integers(0, 2_000_000))),
                draw(st.sampled_from((0.0, 0.1, 0.37, 0.42, 0.8))),
                draw(st.sampled_from(("CN", "CN-TJ", "GB", "CN-SH"))),
                draw(st.sampled_from((None, "TJ", "HF", "SH", "UK", "XX"))),
                start,
                end,
            )
        )
    cons = {
        (s, FY): float(draw(st.integers(0, 3_000_000)))
        for s in draw(st.sets(st.sampled_from(sorted(SITES)), min_size=1))
    }
    return out, cons


def _result(instruments: list[Instrument], cons: dict[tuple[str, str], float]) -> object:
    r = allocate(instruments, cons, SITES, lambda d: CAL.of(d).label, site_shares=SHARES)
    coverage = [(c.site, c.fiscal_year, c.covered_kwh, c.weighted_rate, c.by_level)
                for c in r.coverage]  # fmt: skip
    # the market-based total with a residual mix of 0.6 kg/kWh for the uncovered rest
    total = math.fsum(c.covered_kwh * c.weighted_rate + (c.consumption_kwh - c.covered_kwh) * 0.6
                      for c in r.coverage)  # fmt: skip
    unused = math.fsum(u[1] for u in r.unallocated)
    return coverage, total, unused


@settings(max_examples=300, deadline=None)
@given(scenario(), st.randoms(use_true_random=False))
def test_renaming_or_reordering_instruments_never_changes_a_result(
    sc: tuple[list[Instrument], dict[tuple[str, str], float]], rnd: random.Random
) -> None:
    instruments, cons = sc
    expected = _result(instruments, cons)
    names = [f"N{rnd.randrange(10**9)}-{k}" for k in range(len(instruments))]
    rnd.shuffle(names)
    renamed = [replace(i, instrument_id=n) for i, n in zip(instruments, names, strict=True)]
    rnd.shuffle(renamed)
    assert _result(renamed, cons) == expected
    assert _result(list(reversed(instruments)), cons) == expected


@settings(max_examples=200, deadline=None)
@given(scenario())
def test_never_more_than_volume_or_consumption(
    sc: tuple[list[Instrument], dict[tuple[str, str], float]],
) -> None:
    instruments, cons = sc
    r = allocate(instruments, cons, SITES, lambda d: CAL.of(d).label)
    for c in r.coverage:
        assert c.covered_kwh <= c.consumption_kwh * (1 + 1e-12)
    for i in instruments:
        used = math.fsum(a.kwh for a in r.allocations if a.instrument_id == i.instrument_id)
        left = math.fsum(u[1] for u in r.unallocated if u[0] == i.instrument_id)
        assert used <= i.quantity_kwh * (1 + 1e-12)
        assert used + left == pytest.approx(i.quantity_kwh, rel=1e-9, abs=1e-6)


def test_pooled_certificates_only_cover_consumption_inside_the_boundary() -> None:
    # TJ 100 000 kWh (share 1), HF 100 000 kWh outside operational control (share 0),
    # SH 100 000 kWh at a 30 % equity share → in the boundary: TJ 100 000, HF 0, SH 30 000.
    # Pool 200 000 > 130 000 → TJ 100 000, SH 30 000, HF nothing; 70 000 unallocated.
    cons = {("TJ", FY): 1e5, ("HF", FY): 1e5, ("SH", FY): 1e5}
    regions = {"TJ": "CN-TJ", "HF": "CN-AH", "SH": "CN-SH"}
    shares = {"TJ": 1.0, "HF": 0.0, "SH": 0.3}
    r = allocate([typed("P", "gec", 2e5, None)], cons, regions, lambda d: CAL.of(d).label,
                 site_shares=shares)  # fmt: skip
    cov = {c.site: c for c in r.coverage}
    assert cov["TJ"].covered_kwh == pytest.approx(1e5)
    assert cov["HF"].covered_kwh == 0
    assert cov["SH"].covered_kwh == pytest.approx(3e4)
    assert cov["SH"].consumption_kwh == pytest.approx(3e4)  # consolidated
    assert cov["SH"].covered_fraction == pytest.approx(1.0)  # of the 30 % reported
    ((iid, left, why),) = r.unallocated
    assert (iid, why) == ("P", "exceeds consumption in CN")
    assert left == pytest.approx(7e4)


def test_a_site_instrument_is_consolidated_like_its_site() -> None:
    # SH at a 30 % equity share consumes 1 000 000 kWh and holds certificates for 300 000 kWh
    # (30 % of its power). Consolidated: consumption 0.3 × 1e6 = 300 000 kWh, certificates
    # 0.3 × 3e5 = 90 000 kWh → covered fraction 90 000 / 300 000 = 0.3, as before consolidation.
    # With a residual mix of 0.5 kg/kWh the reported market-based figure is
    # (300 000 − 90 000) × 0.5 = 105 000 kg = 0.3 × (1e6 − 3e5) × 0.5, the site's own × 30 %.
    cons = {("SH", FY): 1e6}
    r = allocate([typed("S", "gec", 3e5, "SH")], cons, {"SH": "CN-SH"}, lambda d: CAL.of(d).label,
                 site_shares={"SH": 0.3})  # fmt: skip
    (cov,) = r.coverage
    assert cov.consumption_kwh == pytest.approx(3e5)
    assert cov.covered_kwh == pytest.approx(9e4)
    assert cov.covered_fraction == pytest.approx(0.3)
    assert (cov.consumption_kwh - cov.covered_kwh) * 0.5 == pytest.approx(105_000)
    assert r.unallocated == ()
