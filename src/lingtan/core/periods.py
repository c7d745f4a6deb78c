"""Reporting periods: calendar and fiscal years.

A fiscal year starts on the first day of a configurable month. With start month 4 (the source
report's convention), ``FY2023/24`` is 2023-04-01 … 2024-03-31. Labels accepted: ``FY2023/24``,
``FY2023-24``, ``2023/24``, ``FY2024`` (the year in which the fiscal year *ends*, as many companies
write it) and, for a calendar calendar (start month 1), ``2023`` or ``CY2023``.
Periods are half-open in code (``start <= d < end_exclusive``) and shown with an inclusive end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from lingtan.core.errors import PeriodError

_FY_SPLIT = re.compile(r"^(?:FY)?\s*(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})$", re.IGNORECASE)
_FY_SINGLE = re.compile(r"^(?:FY|CY)?\s*(\d{4})$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period [start, end] (inclusive dates) with its label."""

    start: date
    end: date
    label: str

    @property
    def end_exclusive(self) -> date:
        """The day after :attr:`end`."""
        return self.end + timedelta(days=1)

    def contains(self, d: date) -> bool:
        """True when ``start <= d <= end``."""
        return self.start <= d <= self.end

    @property
    def days(self) -> int:
        """Length in days."""
        return (self.end_exclusive - self.start).days


@dataclass(frozen=True)
class FiscalCalendar:
    """Fiscal years starting on day 1 of ``start_month`` (1 = calendar years)."""

    start_month: int = 4

    def __post_init__(self) -> None:
        if not 1 <= self.start_month <= 12:
            raise PeriodError(f"fiscal start month must be 1..12, got {self.start_month}")

    def year(self, start_year: int) -> Period:
        """The fiscal year that begins in calendar year ``start_year``."""
        start = date(start_year, self.start_month, 1)
        if self.start_month == 1:
            return Period(start, date(start_year, 12, 31), f"FY{start_year}")
        end = date(start_year + 1, self.start_month, 1) - timedelta(days=1)
        return Period(start, end, f"FY{start_year}/{(start_year + 1) % 100:02d}")

    def parse(self, label: str) -> Period:
        """The period named by ``label`` (see module docstring).

        Raises:
            PeriodError: the label is not understood or its two years are not consecutive.
        """
        text = label.strip()
        m = _FY_SPLIT.match(text)
        if m:
            first = int(m.group(1))
            second_raw = m.group(2)
            second = (
                int(second_raw) if len(second_raw) == 4 else (first // 100) * 100 + int(second_raw)
            )
            if second % 100 != (first + 1) % 100:
                raise PeriodError(f"{label!r}: the two years must be consecutive")
            if self.start_month == 1:
                raise PeriodError(f"{label!r}: a split year needs a fiscal start month after 1")
            return self.year(first)
        m = _FY_SINGLE.match(text)
        if m:
            y = int(m.group(1))
            # "FY2024" names the fiscal year ending in 2024 when the year is split
            return self.year(y if self.start_month == 1 else y - 1)
        raise PeriodError(f"cannot understand period {label!r}; write e.g. FY2023/24")

    def of(self, d: date) -> Period:
        """The fiscal year containing date ``d``."""
        return self.year(self.start_year_of(d))

    def start_year_of(self, d: date) -> int:
        """Calendar year in which the fiscal year containing ``d`` starts."""
        return d.year if d.month >= self.start_month else d.year - 1


def months(period: Period) -> list[date]:
    """First day of every month that starts within ``period``."""
    out: list[date] = []
    y, m = period.start.year, period.start.month
    while date(y, m, 1) <= period.end:
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
