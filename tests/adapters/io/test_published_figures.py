"""The published figures file (lingtan.adapters.io.published_figures): what it accepts, and an
error naming file, row, column and reason for everything it does not (nothing half-read)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from lingtan.adapters.demo.published import HEADER, published_rows
from lingtan.adapters.io.published_figures import (
    PublishedFiguresError,
    parse_published_figures,
    read_published_figures,
)
from lingtan.core.errors import InputFileError
from lingtan.core.periods import FiscalCalendar
from lingtan.core.reconcile import Grid, Kind

CAL = FiscalCalendar(4)
HEAD = "id,fiscal_year,kind,value,unit,decimals,lingtan,region,parts,group\n"


def test_a_good_file() -> None:
    text = HEAD + (
        'T,FY2023-24,inventory_total,"1,512.30",1e4 t,2,total,,S1,\n'
        "S1,2023/24,scope_total,0.50,1e4 t,2,scope1,,,\n"
        "E,FY2023/24,energy,3.9,GWh,1,-,,,\n"
        "N2,FY2023/24,project_tco2e,2510,t,0,grid_tco2e(E),CN-AH,,\n"
    )
    figs = parse_published_figures(text, "figures.csv", CAL)
    assert [f.id for f in figs] == ["T", "S1", "E", "N2"]
    t = figs[0]
    assert (t.fiscal_year, t.kind, t.value, t.parts, t.row) == (
        "FY2023/24", Kind.INVENTORY_TOTAL, Decimal("1512.30"), ("S1",), 2
    )  # fmt: skip
    assert figs[1].fiscal_year == "FY2023/24"
    assert figs[3].selector == Grid("E")
    assert figs[3].region == "CN-AH"


def test_every_bad_cell_is_reported_with_row_and_column() -> None:
    text = HEAD + (
        "A,FY2023/24,totals,1,t,0,scope1,,,\n"  # row 2: unknown kind
        'B,FY2023/24,share,1,t,2,"share(scope1, total)",,,\n'  # row 3: a share in t
        "C,FY2023/99,scope_total,x,t,two,scope9,,,\n"  # row 4: year, value, decimals, selector
        "D,FY2023/24,scope_total,1,t,0,tce(E),,,\n"  # row 5: selector of another kind
        ",FY2023/24,scope_total,1,t,0,scope1,,,\n"  # row 6: no id
    )
    with pytest.raises(PublishedFiguresError) as info:
        parse_published_figures(text, "figures.csv", CAL)
    where = [(i.row, i.field) for i in info.value.issues]
    assert where == [
        (2, "kind"),
        (3, "unit"),
        (4, "fiscal_year"),
        (4, "value"),
        (4, "decimals"),
        (4, "lingtan"),
        (5, "lingtan"),
        (6, "id"),
    ]
    msg = str(info.value)
    assert "figures.csv, row 4, column 'lingtan': unknown quantity 'scope9'" in msg
    assert "figures.csv, row 3, column 'unit': a share is in %" in msg


def test_cross_row_problems_name_the_row() -> None:
    text = HEAD + (
        "T,FY2023/24,inventory_total,1,t,0,total,,S9,\n"
        "N2,FY2023/24,project_tco2e,2510,t,0,grid_tco2e(T),,,\n"
    )
    with pytest.raises(PublishedFiguresError) as info:
        parse_published_figures(text, "figures.csv", CAL)
    assert [(i.row, i.field) for i in info.value.issues] == [
        (2, "parts"),
        (3, "lingtan"),
        (3, "region"),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "header row is required"),
        ("id,kind\n", "missing column(s): fiscal_year, value, unit, decimals, lingtan"),
        (HEAD.strip() + ",colour\n", "unknown column(s): colour"),
        (HEAD, "no figures"),
    ],
)
def test_unusable_files(text: str, reason: str) -> None:
    with pytest.raises(InputFileError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_published_figures(text, "figures.csv", CAL)


def test_missing_file_and_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_published_figures(tmp_path / "nope.csv", CAL)
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(HEAD.encode() + "T,FY2023/24,scope_total,1,t,0,scope1,,,é\n".encode("latin-1"))
    with pytest.raises(InputFileError, match="not UTF-8"):
        read_published_figures(bad, CAL)


def test_the_demo_file_reads() -> None:
    from lingtan.adapters.demo._files import csv_text

    figs = parse_published_figures(csv_text(HEADER, published_rows()), "figures.csv", CAL)
    assert len(figs) == 95
    assert {f.fiscal_year for f in figs} == {"FY2018/19", "FY2022/23", "FY2023/24"}


def test_odd_input_is_refused_with_a_reason() -> None:
    with pytest.raises(InputFileError, match="not a readable CSV file"):
        parse_published_figures(HEAD + "A," + "x" * 200_000 + "\n", "f.csv", CAL)  # > field limit
    with pytest.raises(PublishedFiguresError) as info:
        parse_published_figures(
            HEAD
            + "A,FY2023/24,scope_total,1,t,0,scope1,,,,extra\n"  # row 2: a cell too many
            + "B,FY2023/24,scope_total,1e99,t,0,scope1,,,\n"  # row 3: too large
            + "C,FY0000/01,scope_total,1,t,0,scope1,,,\n",  # row 4: no such year
            "f.csv",
            CAL,
        )
    assert [(i.row, i.field) for i in info.value.issues] == [
        (2, ""),
        (3, "value"),
        (4, "fiscal_year"),
    ]
    assert "more cells than columns" in str(info.value)
