"""The methods registry (decision 0043): every method id once, with dated, non-overlapping
versions; lookups by date and by version; every template computed by a registered method and
every normaliser reachable from the registry."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

import pyarrow as pa
import pytest

from lingtan.core.activities import STREAMS
from lingtan.core.errors import MethodError
from lingtan.core.methods import registry, scope2_market
from lingtan.core.methods.registry import METHODS, method, method_ids, versions
from lingtan.core.templates import TEMPLATES, NormaliseContext, example_rows, normalise
from lingtan.core.templates.catalogue import get_template
from lingtan.core.templates.spec import Column

MARKET = scope2_market.METHOD_ID


def test_each_version_registered_once_and_dated_without_gaps() -> None:
    counts = Counter((m.id, m.version) for m in METHODS)
    assert [k for k, n in counts.items() if n > 1] == []
    for mid in method_ids():
        every = versions(mid)
        assert [m.version for m in every] == list(range(1, len(every) + 1)), mid
        assert every[0].valid_from == date(2025, 1, 1), mid
        for old, new in itertools.pairwise(every):
            assert old.valid_to == new.valid_from, mid  # one ends the day the next starts
            assert old.valid_from < new.valid_from, mid
        assert every[-1].valid_to is None, mid
        assert sum(m.current for m in every) == 1, mid
        for m in every:
            assert m.standard.strip(), mid
            assert m.formula.strip(), mid


def test_lookup_by_date_picks_the_version_in_force() -> None:
    v2_from = date.fromisoformat(scope2_market.METHOD_DATES[2])
    assert method(MARKET, on=v2_from - timedelta(days=1)).version == 1
    assert method(MARKET, on=v2_from).version == 2
    assert method(MARKET, on=date(2030, 1, 1)).version == 2
    assert method(MARKET).version == scope2_market.METHOD_VERSION  # current
    assert method("s1.combustion.fuel", on=date(2025, 1, 1)).version == 1
    with pytest.raises(MethodError, match="no version in force on 2024-12-31"):
        method(MARKET, on=date(2024, 12, 31))


def test_lookup_by_version_and_unknown_ids() -> None:
    assert method(MARKET, version=1).valid_to == date.fromisoformat(scope2_market.METHOD_DATES[2])
    with pytest.raises(MethodError, match="unknown version 9"):
        method(MARKET, version=9)
    with pytest.raises(MethodError, match=r"unknown method 's9\.nothing'"):
        method("s9.nothing")


def test_market_method_registered_as_scope2_market_declares_it() -> None:
    every = versions(MARKET)
    assert [m.version for m in every] == sorted(scope2_market.ALLOCATORS)
    assert sorted(scope2_market.METHOD_DATES) == sorted(scope2_market.ALLOCATORS)
    for m in every:
        assert m.valid_from == date.fromisoformat(scope2_market.METHOD_DATES[m.version])
        assert m.calculator is scope2_market.ALLOCATORS[m.version]
        assert m.templates == ("instrument",)


def test_every_stream_method_registered_with_its_streams() -> None:
    for s in STREAMS:
        assert s in method(s.method).streams, s.method
    streamed = {s.method for s in STREAMS}
    assert {m.id for m in METHODS if m.streams} == streamed


def test_every_template_has_a_registered_method() -> None:
    for name, tpl in TEMPLATES.items():
        found = registry.template_methods(name)
        assert found, name
        if tpl.method:
            assert name in method(tpl.method).templates, name
    registered = {t for m in METHODS for t in m.templates}
    assert registered == set(TEMPLATES)


def test_every_normaliser_reachable_from_its_templates() -> None:
    reached = {registry.normaliser(n) for n in TEMPLATES if n != "instrument"}
    reached.add(registry.instrument_normaliser())
    assert {m.normaliser for m in METHODS if m.normaliser is not None} == reached
    for m in METHODS:
        assert (m.normaliser is None) == (not m.templates), m.id
    with pytest.raises(MethodError, match="has 0 normalisers"):
        registry.normaliser("no_such_template")


def test_methods_written_by_the_normalisers_are_registered() -> None:
    """The ``method`` of every activity an example row (and each refrigerant method) yields."""
    ctx = NormaliseContext(source="t.csv", sites={"TJ01": "CN-TJ"}, default_region="CN")
    seen: set[str] = set()
    for name in TEMPLATES:
        if name == "instrument":
            continue
        tpl = get_template(name)
        _header, example = example_rows(name)
        cols = {
            c.name: pa.array([_typed(c, v)], c.arrow_type)
            for c, v in zip(tpl.columns, example, strict=True)
        }
        cols["source_row"] = pa.array([2], pa.int32())
        res = normalise(name, pa.table(cols), ctx)
        assert res.issues == [], name
        seen |= set(res.activities.column("method").to_pylist())
    seen |= {f"s1.fugitive.{m}" for m in get_template("refrigerant").column("method").choices}
    assert seen <= set(method_ids())


def _typed(c: Column, text: str) -> object:
    """An example cell as the reader types it (empty → None)."""
    if not text:
        return None
    conv: dict[str, Callable[[str], object]] = {
        "number": float,
        "integer": int,
        "date": date.fromisoformat,
    }
    return conv.get(c.kind, str)(text)
