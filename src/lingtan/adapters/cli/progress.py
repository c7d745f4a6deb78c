"""Rich progress bars for ``lingtan import`` and ``lingtan calc`` (issue 13 item 3, decision 0052).

One bar per stage — rows read, checked and written; the stages of a calculation — fed by the
same :class:`~lingtan.adapters.services.progress.Tracker` events as the web jobs. The bars go to
standard error and only when it is a terminal: in a pipe, a redirect or a test runner nothing
extra is printed, so standard output stays machine-clean and standard error holds only the
command's own messages.

The bars speak the command line's one language (:func:`lingtan.adapters.cli.common.cli_locale`,
as the row messages and refusals do): ``LINGTAN_LANG`` (``zh-CN`` or ``en``), else ``LC_ALL`` or
``LANG`` starting with ``zh`` → Chinese, else English.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from lingtan.adapters.cli.common import cli_locale, err
from lingtan.adapters.io.progress import OnProgress
from lingtan.adapters.services.progress import ProgressEvent, Tracker, render, tracker


def terminal() -> Console | None:
    """The console the bars are drawn on: standard error when it really is a terminal, else
    None (a pipe, a redirect, a test runner; ``FORCE_COLOR`` alone draws no bars into a
    pipe)."""
    return err if err.is_terminal and sys.stderr.isatty() else None


class _Bars:
    """A :class:`~lingtan.adapters.services.progress.ProgressReporter` drawing one rich task
    per stage; a stage's bar is filled when the next stage starts."""

    def __init__(self, bars: Progress, locale: str) -> None:
        self.bars = bars
        self.locale = locale
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, event: ProgressEvent) -> None:
        text = render(event.key, event.params, self.locale)
        task = self.tasks.get(event.stage)
        if task is None:
            for earlier in self.tasks.values():  # a new stage: the earlier ones are finished
                self.bars.update(earlier, completed=1.0)
            task = self.bars.add_task(text, total=1.0)
            self.tasks[event.stage] = task
        self.bars.update(task, completed=event.stage_fraction, description=text)
        self.bars.refresh()  # every event drawn (they come every 2,000 rows, not per row)

    def close(self) -> None:
        """Fill every bar (the operation is over)."""
        for task in self.tasks.values():
            self.bars.update(task, completed=1.0)


@contextmanager
def progress_bars(
    operation: str, console: Console | None = None, **title: str
) -> Iterator[OnProgress | None]:
    """Bars for one ``operation`` (``import``, ``calculate``) under a heading
    (``progress.cli.<operation>`` with the parameters ``title``); yields the callback to hand
    to the service (None when no bars are drawn: the service then counts for nobody). The bars
    stay on screen once the operation is over (finished, or stopped by an error printed after
    them)."""
    con = console if console is not None else terminal()
    if con is None or not con.is_terminal:
        yield None
        return
    locale = cli_locale()
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=con,
        transient=False,
    )
    reporter = _Bars(bars, locale)
    track: Tracker = tracker(operation, reporter, step=0.0)
    with bars:
        heading = render(f"progress.cli.{operation}", title, locale)
        con.print(heading, highlight=False, markup=False)
        ok = False
        try:
            yield track
            ok = True
        finally:
            if ok:
                reporter.close()
