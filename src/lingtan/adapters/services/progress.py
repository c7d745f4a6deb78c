"""Progress that tells the truth: named stages with counters (issue 13 item 3, decision 0052).

An import reads rows, checks them and writes them; a calculation loads the factor library,
resolves the factor tables, sums the activity batches, calculates, aggregates and stores the
snapshot. The code doing the work counts (:class:`~lingtan.adapters.io.progress.OnProgress`:
stage, done, total); a :class:`Tracker` turns the counts into one :class:`ProgressEvent` —
stage, counters, overall fraction, catalogue key and parameters — for a
:class:`ProgressReporter`: the CLI's rich bars (:mod:`lingtan.adapters.cli.progress`) and the
web job's row (:mod:`lingtan.adapters.services.jobs`) hear the same events.

The overall fraction is the sum of the finished stages' weights plus the current stage's
weight times its share (``done / total``, or the share of the file's bytes read); it never goes
back and stays below :data:`CAP` until the job machinery records the end (1.0). Weights are
rough shares of the time each stage takes on a typical file (measured on the 50 MB benchmark
file: reading ≈ 30 %, checking ≈ 50 %, writing ≈ 20 %); they shape the bar, never the counts.

Nothing here imports rich, typer or a web framework.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.i18n.rows import params_from_plain
from lingtan.adapters.i18n.rows import render as render_message
from lingtan.core.messages import Message

#: the highest fraction a tracker reports (1.0 is the job's end, recorded by the worker)
CAP = 0.99
#: the lowest fraction a tracker reports (the job has started)
FLOOR = 0.01


@dataclass(frozen=True)
class Stage:
    """One named stage of an operation and its share of the whole (weights sum to 1)."""

    name: str
    weight: float


@dataclass(frozen=True)
class Plan:
    """The stages of one operation, in order."""

    operation: str
    stages: tuple[Stage, ...]

    def index(self, stage: str) -> int:
        """The position of ``stage``.

        Raises:
            ValueError: ``stage`` is not a stage of this operation.
        """
        for i, s in enumerate(self.stages):
            if s.name == stage:
                return i
        raise ValueError(f"{self.operation} has no stage {stage!r}")

    def start(self, i: int) -> float:
        """The fraction at which stage ``i`` starts."""
        return sum(s.weight for s in self.stages[:i])


#: an import: rows read (file lines, header included), rows checked (of the data lines),
#: rows written (of the rows to store)
IMPORT = Plan("import", (Stage("read", 0.3), Stage("check", 0.5), Stage("write", 0.2)))
#: a calculation: factor library, factor tables, activity batches summed (files), the engine,
#: aggregation into the inventory, the snapshot stored
CALCULATE = Plan(
    "calculate",
    (
        Stage("library", 0.1),
        Stage("resolve", 0.1),
        Stage("activities", 0.3),
        Stage("calculate", 0.3),
        Stage("aggregate", 0.1),
        Stage("store", 0.1),
    ),
)
PLANS = {p.operation: p for p in (IMPORT, CALCULATE)}


@dataclass(frozen=True)
class ProgressEvent:
    """What an operation has done so far.

    Attributes:
        operation: ``import`` or ``calculate``.
        stage: the current stage's name.
        done: items of the stage finished (rows, batch files).
        total: items of the stage, when known.
        fraction: the whole operation's share done, :data:`FLOOR` … :data:`CAP`.
        stage_fraction: the stage's share done (0 … 1).
    """

    operation: str
    stage: str
    done: int
    total: int | None
    fraction: float
    stage_fraction: float

    @property
    def key(self) -> str:
        """The catalogue key of the message: ``progress.<operation>.<stage>`` ("12,000 of
        50,000 rows checked"), or ``….count`` when the stage's total is not known yet ("12,000
        rows read")."""
        base = f"progress.{self.operation}.{self.stage}"
        return base if self.total is not None else f"{base}.count"

    @property
    def params(self) -> dict[str, Any]:
        """The message's parameters (plain numbers; :func:`render` formats them)."""
        out: dict[str, Any] = {"done": self.done}
        if self.total is not None:
            out["total"] = self.total
        return out


class ProgressReporter(Protocol):
    """Hears every :class:`ProgressEvent` a :class:`Tracker` emits (a CLI bar, a job row)."""

    def __call__(self, event: ProgressEvent) -> None: ...


@dataclass
class Tracker:
    """Turns stage counts (:class:`~lingtan.adapters.io.progress.OnProgress`) into
    :class:`ProgressEvent` s for ``reporter``: monotonic, at least ``step`` apart (or at a new
    stage, or a stage's end), between :data:`FLOOR` and :data:`CAP`.

    A report of an earlier stage, or of less of the current stage than already reported (a
    CSV read again in another encoding after a false start), is ignored: the counts the user
    sees never go back.
    """

    plan: Plan
    reporter: ProgressReporter
    step: float = 0.01
    events: list[ProgressEvent] = field(default_factory=list, repr=False)
    keep: bool = False  # keep the events (tests, the CLI's summary)
    _stage: int = -1
    _share: float = 0.0
    _done: int = -1
    _last: float = 0.0

    def __call__(
        self, stage: str, done: int, total: int | None = None, *, part: float | None = None
    ) -> None:
        i = self.plan.index(stage)
        if i < self._stage:
            return
        if part is not None:
            share = part
        elif total is not None:
            share = done / total if total > 0 else 1.0
        else:
            share = 0.0
        share = max(0.0, min(1.0, share))
        new_stage = i > self._stage
        if not new_stage and (share < self._share or done < self._done):
            return
        fraction = self.plan.start(i) + self.plan.stages[i].weight * share
        fraction = max(self._last, FLOOR, min(CAP, fraction))
        ended = total is not None and done >= total
        moved = fraction - self._last >= self.step or (total is None and part is None)
        self._stage, self._share, self._done = i, share, done
        if not (new_stage or ended or moved):
            return
        event = ProgressEvent(self.plan.operation, stage, done, total, round(fraction, 4), share)
        self._last = fraction
        if self.keep:
            self.events.append(event)
        self.reporter(event)

    def begin(self, stage: str) -> None:
        """Report that ``stage`` has started (a stage without counts)."""
        self(stage, 0, 1)

    def end(self, stage: str) -> None:
        """Report that ``stage`` is finished (a stage without counts)."""
        self(stage, 1, 1)


def tracker(operation: str, reporter: ProgressReporter, *, step: float = 0.01) -> Tracker:
    """A :class:`Tracker` of ``operation`` (``import``, ``calculate``) for ``reporter``."""
    return Tracker(PLANS[operation], reporter, step=step)


def format_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """The parameters of a progress message as shown: integers with thousands separators
    (``12,000``: the grouping of both zh-CN and en), the rest as text."""
    out: dict[str, str] = {}
    for k, v in (params or {}).items():
        out[k] = f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)
    return out


def render(key: str, params: Mapping[str, Any] | None, locale: str) -> str:
    """The message ``key`` (with ``params``) in ``locale``. A key the catalogue does not
    define — a job recorded before messages became keys — is returned as it is; a parameter
    that is a nested message (``{"key", "params"}``) or a list is rendered as
    :func:`lingtan.adapters.i18n.rows.render` does."""
    t = Translator(locale)
    if not t.has(key):
        return key
    if any(isinstance(v, Mapping | list) for v in (params or {}).values()):
        # a keyed row or file message with nested parts (a failed import's ``file.error``,
        # decision 0053): stored as ``{"key", "params"}``, rendered with its parts translated
        return render_message(Message(key, params_from_plain(params)), locale)
    try:
        return t(key, **format_params(params))
    except (KeyError, IndexError):  # parameters of another version: the bare text, not a crash
        return t(key)
