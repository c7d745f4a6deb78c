"""The terminal table folds a long breakdown (suppliers, products) into its largest lines and
one "Other …" line; the unattributed emissions always keep their own line."""

from __future__ import annotations

from lingtan.adapters.io.inventory_export import _largest


def test_the_largest_are_shown_and_the_rest_summed_in_one_line() -> None:
    docs = [
        {"by_supplier_tco2e": {"a": 5.0, "b": 1.0, "c": 9.0, "unattributed": 0.5, "d": 2.0}},
        {"by_supplier_tco2e": {"a": 1.0, "b": 8.0, "d": 0.1}},  # b's largest value: 8
    ]
    keys = ["a", "b", "c", "d", "unattributed"]
    shown, rest = _largest(docs, "by_supplier_tco2e", keys, 2)
    # by largest value over the years: c 9, b 8, a 5, d 2 → c and b shown, in their own order
    assert shown == ["b", "c", "unattributed"]
    assert rest == ["a", "d"]


def test_nothing_is_folded_without_a_limit_or_for_one_line() -> None:
    docs = [{"by_supplier_tco2e": {"a": 1.0, "b": 2.0, "c": 3.0}}]
    assert _largest(docs, "by_supplier_tco2e", ["a", "b", "c"], None) == (["a", "b", "c"], [])
    # folding one key into "Other (1)" would save no line: shown as it is
    assert _largest(docs, "by_supplier_tco2e", ["a", "b", "c"], 2) == (["a", "b", "c"], [])
