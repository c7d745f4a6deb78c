"""Checks on meter readings: registers to interval values, plausibility, alignment, gaps and
duplicates (issue 16 item 1; ../shared/specs/sites-energy.md workflow 3 "Validate").

Rules (decision 0070):

- **Registers** (cumulative meters): the energy of the interval ending at ``ts[i]`` is
  ``register[i] − register[i−1]``. A *fall* of the register is a reset (meter exchanged, counter
  cleared) or a roll-over (the counter wrapped at its maximum): it is **reported**, never
  interpolated. With ``rollover`` given, the wrap is computed exactly
  (``register[i] + rollover − register[i−1]``) and reported as a roll-over; without it the
  interval has no value (NaN) and a reset is reported.
- **Negative** interval values are reported on every meter except generation meters (an
  inverter draws a little at night and some meters show it as negative generation).
- **Spike**: a value above ``spike_factor`` (10 by default) × the median of the meter's positive
  values in the batch, when the batch has at least ``min_points`` (8) positive values. The value
  is kept and reported, not removed (GB 17167-2006 asks for metering to be checked, not edited).
- **Gaps**: intervals between ``start`` and ``end`` with no reading; reported as runs
  (:class:`Gap`), never filled.

Arrays: timestamps are ``numpy.datetime64`` (UTC; converted to microseconds), values [the
meter's unit] as ``float64``. Every issue carries a catalogue message ``energy.issue.<kind>``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from lingtan.core.messages import Message, Param, msg
from lingtan.modules.energy.errors import ReadingError
from lingtan.modules.energy.meters import Measures

#: kinds of reading issue
ISSUE_KINDS: frozenset[str] = frozenset(
    {
        "negative",
        "spike",
        "reset",
        "gap",
        "duplicate_conflict",
        "unaligned",
        "unknown_meter",
        "out_of_service",
    }
)
#: default spike rule: value > SPIKE_FACTOR × median of the positive values
SPIKE_FACTOR = 10.0
#: fewest positive values for the spike rule to judge
SPIKE_MIN_POINTS = 8

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ReadingIssue:
    """One problem with one reading (or run of readings) of a meter.

    Attributes:
        kind: one of :data:`ISSUE_KINDS`.
        meter: meter code.
        ts: interval start (or register time) concerned, UTC; None when not tied to one.
        message: catalogue message ``energy.issue.<kind>`` (or ``energy.issue.rollover``).
        value: the value concerned [meter unit], if any.
    """

    kind: str
    meter: str
    ts: datetime | None
    message: Message
    value: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (``ts`` ISO 8601)."""
        return {
            "kind": self.kind,
            "meter": self.meter,
            "ts": self.ts.isoformat() if self.ts else None,
            "key": self.message.key,
            "params": dict(self.message.params),
            "value": self.value,
        }

    def __str__(self) -> str:
        return self.message.english()


@dataclass(frozen=True)
class Gap:
    """A run of missing intervals of a meter: ``start`` (first missing interval start, UTC)
    to ``end`` (end of the last missing interval, exclusive), ``missing_intervals`` of them."""

    meter: str
    start: datetime
    end: datetime
    missing_intervals: int
    message: Message = field(default_factory=lambda: Message("energy.issue.gap"), compare=False)

    def __post_init__(self) -> None:
        if not self.message.params:  # the standard message, filled in
            text = msg("energy.issue.gap", meter=self.meter, start=self.start.isoformat(),
                       end=self.end.isoformat(), n=self.missing_intervals)  # fmt: skip
            object.__setattr__(self, "message", text)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "meter": self.meter,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "missing_intervals": self.missing_intervals,
        }


def to_utc(value: Any) -> datetime:
    """A ``numpy.datetime64`` (naive = UTC) or ``datetime`` as an aware UTC ``datetime``."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    us = int(np.datetime64(value, "us").astype(np.int64))
    return _EPOCH + timedelta(microseconds=us)


def as_ts(ts: Any) -> np.ndarray:
    """Timestamps as ``datetime64[us]`` (aware ``datetime`` values are taken in UTC)."""
    if isinstance(ts, pa.Array | pa.ChunkedArray) and pa.types.is_timestamp(ts.type):
        ts = ts.cast(pa.timestamp("us", tz=ts.type.tz)).to_numpy(zero_copy_only=False)
    if isinstance(ts, np.ndarray) and np.issubdtype(ts.dtype, np.datetime64):
        return ts.astype("datetime64[us]")
    items = [
        (t.astimezone(UTC).replace(tzinfo=None) if isinstance(t, datetime) and t.tzinfo else t)
        for t in ts
    ]
    return np.asarray(items, dtype="datetime64[us]")


def issue(
    kind: str, meter: str, ts: Any = None, value: float | None = None, **params: Param
) -> ReadingIssue:
    """A :class:`ReadingIssue` with the standard message ``energy.issue.<kind>`` (parameters
    ``meter``, ``ts``, ``value`` filled in, plus ``params``)."""
    if kind not in ISSUE_KINDS:
        raise ValueError(f"unknown reading issue kind {kind!r}")
    when = None if ts is None else to_utc(ts)
    p: dict[str, Param] = {"meter": meter, "ts": when.isoformat() if when else ""}
    if value is not None:
        p["value"] = _num(value)
    p.update(params)
    return ReadingIssue(kind, meter, when, Message(f"energy.issue.{kind}", p), value)


def _num(v: float) -> str:
    return f"{v:.6g}"


def _check_same_length(a: np.ndarray, b: np.ndarray, na: str, nb: str) -> None:
    if len(a) != len(b):
        raise ReadingError(msg("energy.err.length_mismatch", a=na, b=nb, n=len(a), m=len(b)), nb)


def _check_increasing(meter: str, ts: np.ndarray) -> None:
    if len(ts) > 1:
        bad = np.flatnonzero(np.diff(ts) <= np.timedelta64(0, "us"))
        if len(bad):
            i = int(bad[0])
            raise ReadingError(
                msg(
                    "energy.err.ts_not_increasing",
                    meter=meter,
                    ts=to_utc(ts[i + 1]).isoformat(),
                    previous=to_utc(ts[i]).isoformat(),
                ),
                "ts",
            )


def registers_to_intervals(
    ts: Any,
    registers: Any,
    previous: tuple[Any, float] | None = None,
    *,
    rollover: float | None = None,
    meter: str = "",
) -> tuple[np.ndarray, list[ReadingIssue]]:
    """Interval values from the registers of a cumulative meter.

    Args:
        ts: register times (strictly increasing; the end of each interval) [datetime64, UTC].
        registers: register values [meter unit, multiplier applied].
        previous: the last stored ``(ts, register)`` of the meter (``energy_meter_state``), or
            None: then the first register only sets the baseline and its value is NaN.
        rollover: the value at which the counter wraps to 0 (e.g. ``1e8`` for an 8-digit
            register) [meter unit]; None: a fall is a reset.
        meter: meter code (for messages).

    Returns:
        ``values`` (same length as ``ts``; ``values[i]`` is the energy of the interval ending at
        ``ts[i]``; NaN where there is none) and the issues (``reset`` for a fall, with message
        ``energy.issue.reset`` — no value — or ``energy.issue.rollover`` — wrapped value).

    Raises:
        ReadingError: lengths differ, timestamps do not increase, a register is not finite,
            ``rollover`` is not positive or ``previous`` is not before ``ts[0]``.
    """
    t = as_ts(ts)
    r = np.asarray(registers, dtype=np.float64)
    _check_same_length(t, r, "ts", "registers")
    _check_increasing(meter, t)
    if not np.all(np.isfinite(r)):
        bad = int(np.flatnonzero(~np.isfinite(r))[0])
        raise ReadingError(
            msg("energy.err.not_finite", field="register", value=str(r[bad])), "register"
        )
    if rollover is not None and not (np.isfinite(rollover) and rollover > 0):
        raise ReadingError(
            msg("energy.err.not_positive", field="rollover", value=str(rollover)), "rollover"
        )
    if len(r) == 0:
        return np.empty(0, dtype=np.float64), []
    if previous is not None:
        pt = as_ts([previous[0]])
        if pt[0] >= t[0]:
            raise ReadingError(
                msg(
                    "energy.err.ts_not_increasing",
                    meter=meter,
                    ts=to_utc(t[0]).isoformat(),
                    previous=to_utc(pt[0]).isoformat(),
                ),
                "ts",
            )
        base = np.concatenate(([float(previous[1])], r))
    else:
        base = np.concatenate(([np.nan], r))
    values = np.diff(base)
    issues: list[ReadingIssue] = []
    for i in np.flatnonzero(values < 0):
        before, after = float(base[i]), float(base[i + 1])
        ts = to_utc(t[i])
        said: dict[str, Param] = {
            "meter": meter,
            "ts": ts.isoformat(),
            "before": _num(before),
            "after": _num(after),
        }
        value: float | None = None
        if rollover is not None and before < rollover:
            values[i] = value = after + rollover - before
            message = msg(
                "energy.issue.rollover", **said, rollover=_num(rollover), value=_num(value)
            )
        else:
            values[i] = np.nan
            message = msg("energy.issue.reset", **said)
        issues.append(ReadingIssue("reset", meter, ts, message, value))
    return values, issues


def plausibility(
    values: Any,
    *,
    meter: str = "",
    ts: Any = None,
    measures: Measures | str = Measures.CONSUMPTION,
    spike_factor: float = SPIKE_FACTOR,
    min_points: int = SPIKE_MIN_POINTS,
) -> list[ReadingIssue]:
    """Negative values and spikes among one meter's interval values (rules in the module
    docstring). NaN values are skipped.

    Args:
        values: interval values [meter unit].
        meter: meter code; ts: the interval starts (same length) for the messages, or None.
        measures: the meter's :class:`Measures` (negatives are allowed on generation only).
        spike_factor: a value above ``spike_factor`` × median of the positive values is a spike.
        min_points: fewest positive values for the spike rule to apply.
    """
    v = np.asarray(values, dtype=np.float64)
    t = None if ts is None else as_ts(ts)
    if t is not None:
        _check_same_length(v, t, "values", "ts")
    issues: list[ReadingIssue] = []
    if Measures(measures) != Measures.GENERATION:
        for i in np.flatnonzero(v < 0):
            issues.append(issue("negative", meter, None if t is None else t[i], float(v[i])))
    positive = v[np.isfinite(v) & (v > 0)]
    if len(positive) >= min_points:
        median = float(np.median(positive))
        limit = spike_factor * median
        for i in np.flatnonzero(v > limit):
            issues.append(
                issue(
                    "spike",
                    meter,
                    None if t is None else t[i],
                    float(v[i]),
                    median=_num(median),
                    factor=_num(spike_factor),
                )
            )
    return issues


def unaligned(ts: Any, interval_minutes: int, *, meter: str = "") -> list[ReadingIssue]:
    """Interval starts that are not a whole number of intervals after midnight UTC (15-min
    data must start at :00, :15, :30, :45). Works for intervals dividing a day; the local
    offsets in use (whole or half hours) keep the same grid for 15- and 30-minute intervals."""
    t = as_ts(ts)
    step = np.int64(interval_minutes) * 60_000_000
    off = t.astype(np.int64) % step
    return [issue("unaligned", meter, t[i], minutes=interval_minutes) for i in np.flatnonzero(off)]


def out_of_service(
    ts: Any,
    valid_from: date | None,
    valid_to: date | None,
    *,
    tz: str = "Asia/Shanghai",
    meter: str = "",
) -> tuple[np.ndarray, list[ReadingIssue]]:
    """Readings outside the meter's service dates (``valid_from`` … ``valid_to``, inclusive
    local dates in ``tz``; None: open).

    Returns:
        ``in_service`` (boolean mask over ``ts``) and one ``out_of_service`` issue per reading
        outside (the caller refuses those rows; nothing is stored for them).
    """
    t = as_ts(ts)
    zone = ZoneInfo(tz)
    ok = np.ones(len(t), dtype=bool)
    if valid_from is not None:
        lo = datetime.combine(valid_from, time(), zone)
        ok &= t >= as_ts([lo])[0]
    if valid_to is not None:
        hi = datetime.combine(valid_to + timedelta(days=1), time(), zone)
        ok &= t < as_ts([hi])[0]
    issues = [issue("out_of_service", meter, t[i]) for i in np.flatnonzero(~ok)]
    return ok, issues


def duplicate_conflicts(
    ts: Any, values: Any, *, meter: str = ""
) -> tuple[np.ndarray, list[ReadingIssue]]:
    """Readings of one meter for the same interval within one batch.

    Same value twice: a harmless duplicate (kept once). Different values: a
    ``duplicate_conflict`` issue and **the last one wins** (the order of the source, as a later
    reading of a gateway corrects an earlier one); the earlier is not stored.

    Returns:
        ``keep`` (boolean mask over the input: one row per interval, the last) and the issues.
    """
    t = as_ts(ts)
    v = np.asarray(values, dtype=np.float64)
    _check_same_length(t, v, "ts", "values")
    keep = np.ones(len(t), dtype=bool)
    if len(t) < 2:
        return keep, []
    order = np.argsort(t, kind="stable")
    st, sv = t[order], v[order]
    same = np.flatnonzero(st[1:] == st[:-1])  # row order[i] is followed by a later same-ts row
    keep[order[same]] = False
    issues = [
        issue("duplicate_conflict", meter, st[i], float(sv[i + 1]), other=_num(float(sv[i])))
        for i in same
        if not (sv[i] == sv[i + 1] or (np.isnan(sv[i]) and np.isnan(sv[i + 1])))
    ]
    return keep, issues


def gaps(
    ts: Any,
    interval_minutes: int,
    start: Any,
    end: Any,
    *,
    meter: str = "",
) -> list[Gap]:
    """Runs of missing intervals of one meter between ``start`` (inclusive) and ``end``
    (exclusive), given the interval starts it has (any order, duplicates allowed).

    The expected grid is ``start + k × interval`` (``start`` aligned by the caller)."""
    t = np.unique(as_ts(ts))
    s = as_ts([start])[0]
    e = as_ts([end])[0]
    step = np.timedelta64(int(interval_minutes) * 60_000_000, "us")
    t = t[(t >= s) & (t < e)]
    # boundaries: a virtual reading just before start and at end
    points = np.concatenate(([s - step], t, [e]))
    jumps = np.diff(points)
    out: list[Gap] = []
    for i in np.flatnonzero(jumps > step):
        first = points[i] + step
        last_end = points[i + 1]
        n = int((last_end - first) // step)
        if n > 0:
            g_start, g_end = to_utc(first), to_utc(first + n * step)
            out.append(Gap(meter, g_start, g_end, n))
    return out


def expected_intervals(start: Any, end: Any, interval_minutes: int) -> int:
    """Number of intervals of ``interval_minutes`` between ``start`` and ``end`` [-]."""
    s, e = as_ts([start])[0], as_ts([end])[0]
    return max(0, int((e - s) // np.timedelta64(int(interval_minutes) * 60_000_000, "us")))


def issue_counts(issues: Sequence[ReadingIssue]) -> dict[str, int]:
    """How many issues of each kind (for a batch report)."""
    out: dict[str, int] = {}
    for i in issues:
        out[i.kind] = out.get(i.kind, 0) + 1
    return out


@dataclass(frozen=True)
class BatchCheck:
    """Result of :func:`check_batch`: ``keep`` (boolean mask over the input rows: one row per
    meter × interval, the last one of the batch) and the issues found, in row order of the
    sorted batch (meter, ts)."""

    keep: np.ndarray
    issues: list[ReadingIssue]


def check_batch(
    meters: Any,
    ts: Any,
    values: Any,
    *,
    interval_minutes: Mapping[str, int] | int = 15,
    generation: frozenset[str] | set[str] = frozenset(),
    spike_factor: float = SPIKE_FACTOR,
    min_points: int = SPIKE_MIN_POINTS,
) -> BatchCheck:
    """All per-row checks of an intake batch of many meters at once (vectorised; the rules of
    :func:`plausibility`, :func:`unaligned` and :func:`duplicate_conflicts`).

    Args:
        meters: meter code per row; ts: interval start per row [datetime64 or an Arrow
            timestamp column, UTC]; values: interval value per row [meter unit] (numpy arrays,
            sequences or Arrow columns).
        interval_minutes: one interval length for all meters, or meter → length [min]
            (a meter missing from the mapping: 15).
        generation: codes of generation meters (negatives allowed there).
    """
    names, inv = _factorize(meters)
    t = as_ts(ts).astype(np.int64)
    v = _floats(values)
    _check_same_length(inv, t, "meters", "ts")
    _check_same_length(inv, v, "meters", "values")
    n = len(inv)
    keep = np.ones(n, dtype=bool)
    if n == 0:
        return BatchCheck(keep, [])
    if np.all((inv[1:] > inv[:-1]) | ((inv[1:] == inv[:-1]) & (t[1:] >= t[:-1]))):
        order = np.arange(n)  # already grouped by meter and sorted by time (a meter export)
    else:
        order = np.lexsort((np.arange(n), t, inv))
    si, st, sv = inv[order], t[order], v[order]
    issues: list[ReadingIssue] = []
    # duplicates: same meter and ts as the next sorted row → not kept (the later row wins)
    same = np.flatnonzero((si[1:] == si[:-1]) & (st[1:] == st[:-1]))
    keep[order[same]] = False
    for i in same:
        a, b = sv[i], sv[i + 1]
        if not (a == b or (np.isnan(a) and np.isnan(b))):
            issues.append(issue("duplicate_conflict", str(names[si[i]]), _dt(st[i]), float(b),
                                other=_num(float(a))))  # fmt: skip
    # negatives (not on generation meters)
    gen = np.isin(names, list(generation))[si]
    for i in np.flatnonzero((sv < 0) & ~gen):
        issues.append(issue("negative", str(names[si[i]]), _dt(st[i]), float(sv[i])))
    # unaligned starts
    if isinstance(interval_minutes, int):
        step = np.full(n, np.int64(interval_minutes) * 60_000_000)
        minutes = np.full(len(names), interval_minutes)
    else:
        minutes = np.array([interval_minutes.get(str(c), 15) for c in names], dtype=np.int64)
        step = minutes[si] * 60_000_000
    for i in np.flatnonzero(st % step != 0):
        issues.append(
            issue("unaligned", str(names[si[i]]), _dt(st[i]), minutes=int(minutes[si[i]]))
        )
    # spikes per meter: value > factor × median of the meter's positive values
    limit = spike_factor * _group_medians(si, sv, len(names), min_points)[si]
    with np.errstate(invalid="ignore"):
        spikes = np.flatnonzero(sv > limit)  # NaN limit (too few points): never a spike
    for k in spikes:
        median = float(limit[k] / spike_factor)
        issues.append(issue("spike", str(names[si[k]]), _dt(st[k]), float(sv[k]),
                            median=_num(median), factor=_num(spike_factor)))  # fmt: skip
    return BatchCheck(keep, issues)


def _group_medians(groups: np.ndarray, values: np.ndarray, n: int, min_points: int) -> np.ndarray:
    """Median of the finite positive values of each group (``groups`` sorted), NaN for a
    group with fewer than ``min_points`` of them. One sort of ``group × span + value``
    (values in (0, span)) orders every group's values at once."""
    ok = np.isfinite(values) & (values > 0)
    g, v = groups[ok], values[ok]
    out = np.full(n, np.nan)
    if len(v) == 0:
        return out
    span = float(v.max()) * 2.0
    key = np.sort(g * span + v)
    counts = np.bincount(g, minlength=n)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    has = np.flatnonzero((counts >= min_points) & (counts > 0))
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    out[has] = (key[lo] + key[hi]) / 2.0 - has * span
    return out


def _factorize(meters: Any) -> tuple[np.ndarray, np.ndarray]:
    """Meter codes → (names, index per row), hash-based (pyarrow), in first-seen order."""
    arr = meters if isinstance(meters, pa.Array | pa.ChunkedArray) else None
    if arr is None:
        arr = pa.array(np.asarray(meters, dtype=object), type=pa.string())
    enc = arr.dictionary_encode()
    if isinstance(enc, pa.ChunkedArray):
        enc = (
            enc.combine_chunks()
            if enc.num_chunks
            else pa.array([], pa.string()).dictionary_encode()
        )
    names = np.asarray(enc.dictionary.to_pylist(), dtype=object)
    return names, enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)


def _floats(values: Any) -> np.ndarray:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    return np.asarray(values, dtype=np.float64)


def _dt(us: Any) -> datetime:
    return _EPOCH + timedelta(microseconds=int(us))
