"""The benchmark harness's pure parts: interleaving order, paired ratios, medians, tables.

No test here measures or asserts a time: the runs are made up, the arithmetic checked by hand.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

# benchmarks/ is not an installed package: load the module from its file
_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "_harness.py"
_spec = importlib.util.spec_from_file_location("bench_harness", _PATH)
assert _spec is not None
assert _spec.loader is not None
h = importlib.util.module_from_spec(_spec)
sys.modules["bench_harness"] = h  # dataclasses look their module up
_spec.loader.exec_module(h)


def _run(variant: str, r: int, seconds: float, peak: float = 100.0, load: float = 1.0) -> h.Run:
    return h.Run(variant, r, seconds, peak, load)


def test_round_order_rotates_so_each_variant_leads_once() -> None:
    v = ["a", "b", "c"]
    assert [h.round_order(v, r) for r in range(4)] == [
        ["a", "b", "c"],
        ["b", "c", "a"],
        ["c", "a", "b"],
        ["a", "b", "c"],
    ]
    assert h.round_order([], 3) == []


def test_interleave_runs_every_variant_once_per_round_in_rotated_order() -> None:
    seen: list[tuple[str, int]] = []

    def measure(v: str, r: int) -> h.Run:
        seen.append((v, r))
        return _run(v, r, 1.0)

    runs = list(h.interleave(["x", "y"], 2, measure, echo=False))
    assert seen == [("x", 0), ("y", 0), ("y", 1), ("x", 1)]
    assert [(r.variant, r.round) for r in runs] == seen


def test_median_odd_even_and_empty() -> None:
    assert h.median([3.0, 1.0, 2.0]) == 2.0
    assert h.median([4.0, 1.0, 3.0, 2.0]) == 2.5
    with pytest.raises(ValueError, match="no values"):
        h.median([])


def test_paired_ratios_divide_within_the_same_round() -> None:
    # round 0: 2/1 = 2; round 1: 6/2 = 3; round 2: 4/4 = 1 (the reference slowed down too);
    # round 3: the variant only, no pair. Median of (2, 3, 1) = 2, spread 1–3.
    runs = [
        _run("ref", 0, 1.0), _run("v", 0, 2.0),
        _run("v", 1, 6.0), _run("ref", 1, 2.0),
        _run("ref", 2, 4.0), _run("v", 2, 4.0),
        _run("v", 3, 9.0),
    ]  # fmt: skip
    r = h.paired_ratios(runs, "v", "ref")
    assert r == h.Ratio("v", "ref", 3, 2.0, 1.0, 3.0)
    # a ratio of medians would say 4/2 = 2 here too, but not in general: (2, 6, 4, 9) vs (1, 2, 4)
    assert h.paired_ratios(runs, "v", "missing") is None
    assert h.fmt_ratio(r) == "2.00 (1.00–3.00)"
    assert h.fmt_ratio(None) == ""


def test_summarise_medians_spread_peak_and_load_per_variant() -> None:
    runs = [
        _run("a", 0, 0.3, peak=120, load=2.0),
        _run("b", 0, 5.0, peak=50, load=3.0),
        _run("a", 1, 0.1, peak=150, load=4.0),
        _run("a", 2, 0.2, peak=100, load=1.0),
    ]
    s = h.summarise(runs)
    assert list(s) == ["a", "b"]  # first-seen order
    assert s["a"] == h.Summary("a", 3, 0.2, 0.1, 0.3, 150, 2.0, 4.0)
    assert h.fmt_spread(s["a"]) == "0.200 (0.100–0.300)"
    assert s["b"].runs == 1
    assert s["b"].median_s == 5.0


def test_format_table_aligns_first_column_left_others_right() -> None:
    out = h.format_table(["variant", "s"], [["lingtan", "1.25"], ["sql", "10.5"], ["x", None]])
    assert out.splitlines() == [
        "variant     s",
        "lingtan  1.25",
        "sql      10.5",
        "x",
    ]


def test_run_process_reports_exit_code_output_and_a_peak() -> None:
    # a real child (no mock): exit code, captured output; the peak is positive (not its size)
    res = h.run_process([sys.executable, "-c", "print('hi'); raise SystemExit(3)"])
    assert res.returncode == 3
    assert res.stdout.strip() == "hi"
    assert res.peak_mib > 0
    assert res.cpu_s >= 0
