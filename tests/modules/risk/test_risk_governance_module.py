"""The governance records' pure rules (decision 0084): the report's default frequencies, date
precision, agenda cells, the frequency check per fiscal year with its windows and gaps, and the
remuneration links' shares (IFRS S2 ¶29(g)). Every expected value is worked by hand below."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.core.periods import FiscalCalendar
from lingtan.modules.risk import governance as gm
from lingtan.modules.risk.errors import GovernanceError

FY = FiscalCalendar(4).year(2023)  # FY2023/24 = 2023-04-01 … 2024-03-31


def _m(body: str, day: date | None, *, climate: bool = False, precision: str = "day",
       fy: str = "FY2023/24") -> gm.Meeting:  # fmt: skip
    agenda = (gm.AgendaItem("strategy", climate, "x"),)
    prec = "not_published" if day is None else precision
    return gm.Meeting(body, fy, day, prec, agenda)


def test_report_defaults_cite_their_lines() -> None:
    board = gm.default_frequency("board")
    assert board is not None
    assert (board.per_year, board.counts) == (1, "climate_items")
    assert "606–608" in board.source
    eoc = gm.default_frequency("esg_executive_committee")
    assert eoc is not None
    assert (eoc.per_year, eoc.counts) == (4, "meetings")
    assert "671–673" in eoc.source
    china = gm.default_frequency("china_esg_committee")
    wg = gm.default_frequency("working_group")
    assert china is not None
    assert wg is not None
    assert (china.per_year, wg.per_year) == (4, 12)
    assert "661–663" in china.source
    assert "661–663" in wg.source
    assert gm.default_frequency("audit_committee") is None  # the report publishes none


def test_windows_of_a_fiscal_year() -> None:
    # 4 a year from April: Apr–Jun, Jul–Sep, Oct–Dec, Jan–Mar (12 / 4 = 3 months each)
    assert gm.windows_of(FY, 4) == [
        (date(2023, 4, 1), date(2023, 6, 30)),
        (date(2023, 7, 1), date(2023, 9, 30)),
        (date(2023, 10, 1), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 3, 31)),
    ]
    assert gm.windows_of(FY, 1) == [(date(2023, 4, 1), date(2024, 3, 31))]
    assert len(gm.windows_of(FY, 12)) == 12
    assert gm.windows_of(FY, 5) == []  # 5 does not divide 12: only the count is checked


def test_quarterly_check_names_the_gap() -> None:
    freq = gm.Frequency(4, "meetings", "test")
    # meetings in May, August and February: the Oct–Dec quarter has none → a gap;
    # held 3 < required 4 → not evidenced
    ms = [_m("eoc", date(2023, 5, 10)), _m("eoc", date(2023, 8, 1)), _m("eoc", date(2024, 2, 1))]
    c = gm.check_frequency("eoc", FY, freq, ms)
    assert (c.required, c.held, c.dated, c.undated) == (4, 3, 3, 0)
    assert [w.state for w in c.windows] == ["met", "met", "gap", "met"]
    assert [(g.start, g.end) for g in c.gaps] == [(date(2023, 10, 1), date(2023, 12, 31))]
    assert c.status == "not_evidenced"
    # a fourth in November fills it: 4 ≥ 4 and every quarter met
    c = gm.check_frequency("eoc", FY, freq, [*ms, _m("eoc", date(2023, 11, 30))])
    assert (c.held, c.status, c.gaps) == (4, "met", ())


def test_other_years_and_bodies_are_left_out() -> None:
    freq = gm.Frequency(1, "meetings")
    ms = [_m("eoc", date(2023, 3, 31)),  # FY2022/23
          _m("board", date(2023, 5, 1)),  # another body
          _m("eoc", None, fy="FY2024/25")]  # undated, another year  # fmt: skip
    c = gm.check_frequency("eoc", FY, freq, ms)
    assert (c.held, c.status) == (0, "not_evidenced")
    assert [w.state for w in c.windows] == ["gap"]


def test_board_counts_climate_updates_only() -> None:
    freq = gm.default_frequency("board")
    # the report's FY2023/24: 7 meetings, ESG items in May and August 2023 (month-level), 5
    # undated without published items → 2 climate updates counted, the year's one window met
    ms = [_m("board", date(2023, 5, 1), climate=True, precision="month"),
          _m("board", date(2023, 8, 1), climate=True, precision="month")]  # fmt: skip
    ms += [_m("board", None) for _ in range(5)]
    c = gm.check_frequency("board", FY, freq, ms)
    assert (c.required, c.held, c.dated, c.undated) == (1, 2, 2, 0)
    assert c.status == "met"
    # meetings count: all 7 (2 dated + 5 undated)
    c = gm.check_frequency("board", FY, gm.Frequency(4, "meetings"), ms)
    assert (c.held, c.dated, c.undated) == (7, 2, 5)
    # quarters Oct–Dec and Jan–Mar hold no dated meeting, but 5 undated might: unknown
    assert [w.state for w in c.windows] == ["met", "met", "unknown", "unknown"]
    assert c.status == "undetermined"


def test_undated_meetings_alone() -> None:
    c = gm.check_frequency("eoc", FY, gm.Frequency(4), [_m("eoc", None)])
    # held 1 < 4: not evidenced although every window is only unknown
    assert (c.held, c.status) == (1, "not_evidenced")
    assert {w.state for w in c.windows} == {"unknown"}
    none = gm.check_frequency("x", FY, None, [])
    assert (none.required, none.status, none.windows) == (None, "no_requirement", ())


def test_dates_and_agenda_cells() -> None:
    assert gm.parse_date("2023-05") == (date(2023, 5, 1), "month")
    assert gm.parse_date("2023-11-30") == (date(2023, 11, 30), "day")
    assert gm.parse_date(" ") == (None, "not_published")
    for bad in ("2023-13", "2023-02-30", "May 2023"):
        with pytest.raises(GovernanceError) as exc:
            gm.parse_date(bad)
        assert exc.value.message.key == "governance.err.date"
    assert gm.format_date(date(2023, 5, 1), "month") == "2023-05"
    assert gm.format_date(None, "not_published") == ""
    items = gm.parse_agenda("strategy: ESG update; Targets ;", climate=True)
    assert items == (gm.AgendaItem("strategy", True, "ESG update"), gm.AgendaItem("targets", True))
    assert gm.format_agenda(items) == "strategy: ESG update; targets"
    with pytest.raises(GovernanceError) as exc:
        gm.parse_agenda("weather: x", climate=True)
    assert exc.value.message.key == "governance.err.topic"
    with pytest.raises(GovernanceError) as exc:
        gm.Meeting("b", "FY2023/24", date(2023, 5, 2), "month")
    assert exc.value.message.key == "governance.err.month_day"
    with pytest.raises(GovernanceError):
        gm.Meeting("b", "FY2023/24", None, "day")


def test_codes_kinds_and_frequencies() -> None:
    assert gm.check_code("wg-e") == "wg-e"
    assert gm.check_kind(" Board ") == "board"
    for bad in ("", "-x", "a b", "x" * 41):
        with pytest.raises(GovernanceError):
            gm.check_code(bad)
    with pytest.raises(GovernanceError) as exc:
        gm.check_kind("council")
    assert exc.value.field == "kind"
    with pytest.raises(GovernanceError):
        gm.Frequency(0)
    with pytest.raises(GovernanceError):
        gm.Frequency(4, "items")


def test_pay_link_shares() -> None:
    # executives: 10 % + 15 % = 25 % ≤ 100 %; another population counts on its own
    links = [gm.PayLink("FY2023/24", "executives", "re_share", share_pct=10.0),
             gm.PayLink("FY2023/24", "Executives", None, "scope 1+2 reduction", 15.0),
             gm.PayLink("FY2023/24", "all staff", None, "ESG", 90.0),
             gm.PayLink("FY2023/24", "executives", None, "not published")]  # fmt: skip
    gm.check_pay_shares(links)
    # 10 + 15 + 80 = 105 % > 100 %
    with pytest.raises(GovernanceError) as exc:
        gm.check_pay_shares([*links, gm.PayLink("FY2023/24", "executives", None, "x", 80.0)])
    assert exc.value.message.key == "governance.err.share_total"
    assert exc.value.message.params["total"] == 105.0
    # the same 80 % in the next year is fine
    gm.check_pay_shares([*links, gm.PayLink("FY2024/25", "executives", None, "x", 80.0)])
    with pytest.raises(GovernanceError):
        gm.PayLink("FY2023/24", "executives", None, "x", 100.5)
    with pytest.raises(GovernanceError) as exc:
        gm.PayLink("FY2023/24", "executives")
    assert exc.value.message.key == "governance.err.kpi_needed"
