"""Fiscal calendar (start month configurable; the source report uses April)."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.core.errors import PeriodError
from lingtan.core.periods import FiscalCalendar, months


def test_april_fiscal_year() -> None:
    p = FiscalCalendar(4).parse("FY2023/24")
    assert (p.start, p.end, p.label) == (date(2023, 4, 1), date(2024, 3, 31), "FY2023/24")
    assert p.days == 366  # includes 29 Feb 2024


@pytest.mark.parametrize("label", ["FY2023/24", "2023/24", "FY2023-24", "fy2023/2024", "FY2024"])
def test_label_spellings(label: str) -> None:
    assert FiscalCalendar(4).parse(label).label == "FY2023/24"


def test_calendar_years_and_other_start_months() -> None:
    assert FiscalCalendar(1).parse("2023").end == date(2023, 12, 31)
    p = FiscalCalendar(7).parse("FY2023/24")
    assert (p.start, p.end) == (date(2023, 7, 1), date(2024, 6, 30))


def test_date_to_fiscal_year() -> None:
    cal = FiscalCalendar(4)
    assert cal.of(date(2024, 3, 31)).label == "FY2023/24"
    assert cal.of(date(2024, 4, 1)).label == "FY2024/25"
    assert len(months(cal.parse("FY2023/24"))) == 12


@pytest.mark.parametrize("bad", ["FY2023/25", "next year", "FY23"])
def test_bad_labels(bad: str) -> None:
    with pytest.raises(PeriodError):
        FiscalCalendar(4).parse(bad)


def test_bad_start_month() -> None:
    with pytest.raises(PeriodError):
        FiscalCalendar(13)
