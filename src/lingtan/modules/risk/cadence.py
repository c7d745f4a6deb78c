"""Review cadence of the climate risk register (issue 17 item 2, decision 0080).

The report's group risk process (lines 1244–1245) reviews every risk at least once a year,
"very high" climate risks twice a year; lingtan adds the quarterly review of items owned by a
key unit (the issue's "key units: quarterly"). The interval is the shortest that applies:

- next_review = last_reviewed + 12 months (default);
- + 6 months when the band is ``very_high``;
- + 3 months when the owner unit is a key unit.

Months are calendar months; a day past the end of the target month falls on its last day
(31 August + 6 months = 28/29 February). An item is overdue on a day after its next review.
Pure: no I/O.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date

from lingtan.modules.risk.matrix import DEFAULT_CADENCE


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clipped to the last day of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def interval_months(
    band: str | None, key_unit: bool, cadence: Mapping[str, int] = DEFAULT_CADENCE
) -> int:
    """The review interval in months: the shortest of the default, the very-high one (when the
    band is ``very_high``) and the key-unit one (when the owner unit is a key unit)."""
    months = cadence["default"]
    if band == "very_high":
        months = min(months, cadence["very_high"])
    if key_unit:
        months = min(months, cadence["key_unit"])
    return months


def next_review(
    last_reviewed: date | None,
    band: str | None,
    key_unit: bool,
    cadence: Mapping[str, int] = DEFAULT_CADENCE,
) -> date | None:
    """The date of the next review (None for an item never reviewed: it is due at once)."""
    if last_reviewed is None:
        return None
    return add_months(last_reviewed, interval_months(band, key_unit, cadence))


def is_overdue(next_day: date | None, on: date) -> bool:
    """True when the next review lies before ``on`` (a never-reviewed item is not overdue but
    due: see :func:`is_due`)."""
    return next_day is not None and next_day < on


def is_due(next_day: date | None, on: date, within_days: int = 30) -> bool:
    """True when a review is due on ``on``: never reviewed, overdue, or falling within
    ``within_days`` days."""
    return next_day is None or (next_day - on).days <= within_days
