"""The engine resolves factors exactly as :func:`lingtan.core.factors.resolve` does (property).

``lingtan.core.factors`` states that the columnar engine implements the reference rule of
:func:`~lingtan.core.factors.resolve` (docs/methods.md §Factor resolution): valid on the date
first, own region before its parents (``DE-BY → DE → GLO``), then the nearest earlier factor,
then the nearest later one; within a level the set listed first in the priority, then the latest
``valid_from``, then the highest version; a proxy set only when no other set has the type in the
chain. Here random factor tables — regions along a chain and off it, validity windows, several
sets in a random priority (one a proxy), editions and versions, units of the right and of a wrong
dimension — are run through :func:`lingtan.adapters.compute.engine.calculate` on a tiny activity
table, and every activity's factor group, region, valid_from and match kind must be the one
:func:`resolve` picks (or both find none).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingtan.adapters.compute.engine import CalcInputs, calculate
from lingtan.core.activities import ACTIVITY_SCHEMA
from lingtan.core.factors import EmissionFactor, make_factor, resolve
from lingtan.core.gwp import build_gwp_set
from lingtan.core.periods import FiscalCalendar

#: activity types of the independent factor tables checked in one engine run; no extra streams
#: and no market-based stream for them: one stream per activity row
ACTIVITY_TYPES = tuple(f"x.power{i}" for i in range(6))
CAL = FiscalCalendar(1)
PERIOD = CAL.parse("FY2023")
GWP = build_gwp_set("AR5", {"CH4": 28, "N2O": 265}, "test")
#: factor regions: the chain of DE-BY, a region off it, and the chain of FR-IDF
REGIONS = ("DE-BY", "DE", "GLO", "FR", "FR-IDF", "AT")
ACTIVITY_REGIONS = ("DE-BY", "DE", "FR-IDF", "GLO")
SETS = ("alpha", "beta", "gamma", "ember-grid-proxy")
UNITS = ("kWh", "MWh", "kg")  # kg: a factor of the wrong dimension (never fits a kWh activity)
STARTS = tuple(date(y, m, 1) for y in range(2021, 2026) for m in (1, 7))


@st.composite
def factor_table(draw: st.DrawFn, activity_type: str) -> list[EmissionFactor]:
    """Up to 10 factor groups of one activity type, one CO2 value each, distinct groups."""
    n = draw(st.integers(min_value=0, max_value=10))
    out: list[EmissionFactor] = []
    seen: set[tuple[object, ...]] = set()
    for i in range(n):
        set_name = draw(st.sampled_from(SETS))
        region = draw(st.sampled_from(REGIONS))
        unit = draw(st.sampled_from(UNITS))
        start = draw(st.sampled_from(STARTS))
        years = draw(st.sampled_from((None, 1, 2)))
        version = draw(st.integers(min_value=1, max_value=3))
        # no two groups that only input order could tell apart (same set, region, start and
        # version), and one group per key (set, region, unit, start)
        tie = (set_name, region, start, version)
        key = (set_name, region, start, unit)
        if tie in seen or key in seen:
            continue
        seen |= {tie, key}
        fields = {
            "factor_id": f"{activity_type}/f{i}",
            "activity_type": activity_type,
            "region": region,
            "unit": unit,
            "gas": "CO2",
            "value": str(0.1 + i),
            "valid_from": start.isoformat(),
            "valid_to": "" if years is None else start.replace(year=start.year + years).isoformat(),
            "publisher": "test",
            "dataset": "test",
            "edition": str(start.year),
            "version": str(version),
        }
        out.append(make_factor(set_name, fields))
    return out


#: an activity row: (activity type, region, date)
Row = tuple[str, str, date]


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[EmissionFactor], list[Row]]:
    """One random factor table per activity type of :data:`ACTIVITY_TYPES`, and 1–3 activity
    rows of each type (the types never share a factor: independent tables, one engine run)."""
    factors: list[EmissionFactor] = []
    rows: list[Row] = []
    for at in ACTIVITY_TYPES:
        factors += draw(factor_table(at))
        for region, d in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(ACTIVITY_REGIONS),
                    st.dates(min_value=PERIOD.start, max_value=PERIOD.end),
                ),
                min_size=1,
                max_size=3,
            )
        ):
            rows.append((at, region, d))
    return factors, rows


def _activities(rows: list[Row]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "row_id": i,
                "batch_id": "prop",
                "source_row": i + 1,
                "template": "activity",
                "site": "*",
                "region": region,
                "date": d,
                "scope": 3,
                "category": 1,
                "activity_type": at,
                "quantity": 1000.0,
                "unit": "kWh",
                "method": "generic.activity",
                "basis": "both",
                "tier": "activity",
            }
            for i, (at, region, d) in enumerate(rows, start=1)
        ],
        schema=ACTIVITY_SCHEMA,
    )


def _engine_choice(
    factors: list[EmissionFactor], priority: list[str], rows: list[Row], tmp: Path
) -> dict[int, tuple[Any, ...] | None]:
    path = tmp / "activities.parquet"
    pq.write_table(_activities(rows), path)
    inputs = CalcInputs(
        activity_files=[path],
        factors=factors,
        gwp=GWP,
        period=PERIOD,
        calendar=CAL,
        site_regions={},
        site_shares={},
        default_region="DE-BY",
        set_priority=priority,
    )
    res = calculate(inputs, ibis.duckdb.connect())
    got: dict[int, tuple[Any, ...] | None] = dict.fromkeys(range(1, len(rows) + 1))
    emissions = res.emissions.to_pyarrow().to_pylist()
    for e in emissions:
        if e["factor_id"] is None:
            continue
        got[e["row_id"]] = (
            e["factor_id"],
            e["factor_set"],
            e["factor_region"],
            e["factor_valid_from"],
            e["match"],
        )
    return got


def _reference_choice(
    factors: list[EmissionFactor], priority: list[str], rows: list[Row]
) -> dict[int, tuple[Any, ...] | None]:
    out: dict[int, tuple[Any, ...] | None] = {}
    for i, (at, region, d) in enumerate(rows, start=1):
        m = resolve(factors, at, region, d, "kWh", priority)
        if m is None:
            out[i] = None
            continue
        head = m.factors[0]
        out[i] = (head.factor_id, head.set_name, m.region, head.valid_from, m.kind.value)
    return out


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    world=worlds(),
    priority=st.permutations(SETS[:3]).flatmap(
        lambda p: st.integers(min_value=0, max_value=3).map(lambda k: list(p[:k]))
    ),
)
def test_engine_resolution_agrees_with_core_resolve(
    world: tuple[list[EmissionFactor], list[Row]], priority: list[str], tmp_path: Path
) -> None:
    """8 examples × 6 independent factor tables: 48 random tables, one engine run per 6."""
    factors, rows = world
    assert _engine_choice(factors, priority, rows, tmp_path) == _reference_choice(
        factors, priority, rows
    )
