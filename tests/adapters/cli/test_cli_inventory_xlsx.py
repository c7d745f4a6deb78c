"""``lingtan inventory --format xlsx`` writes the reviewer's workbook of the web app and the API
(decision 0057), headers in the command line's language (``LINGTAN_LANG``, else ``LANG``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from lineagekit import CO2E_KG, FILE, PER_UNIT, ROWS, TOTAL_T, YEAR, build_lineage_workspace
from lingtan.adapters.cli.main import app
from lingtan.adapters.i18n.messages import Translator

runner = CliRunner()


def lingtan(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path, workspace_store: str) -> Path:
    return build_lineage_workspace(tmp_path / "ws")


def _headers(locale: str, *keys: str) -> list[str]:
    t = Translator(locale)
    return [t(f"lineage.xlsx.col.{k}") for k in keys]


@pytest.mark.parametrize(
    ("env", "locale"),
    [
        ({"LINGTAN_LANG": "zh-CN"}, "zh-CN"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),  # no LINGTAN_LANG: the system's language
        ({"LANG": "de_DE.UTF-8"}, "en"),
    ],
)
def test_reviewer_workbook_in_the_cli_language(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], locale: str
) -> None:
    for name in ("LINGTAN_LANG", "LC_ALL", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    target = tmp_path / "book.xlsx"
    code, out = lingtan("inventory", "-y", YEAR, "-w", str(ws), "-f", "xlsx", "-o", str(target))
    assert code == 0, out
    assert f"written {target}" in out.replace("\n", "")
    t = Translator(locale)
    wb = load_workbook(target)
    keys = ("summary", "gases", "activity_rows", "factors", "lineage", "completeness", "about")
    assert wb.sheetnames == [t(f"lineage.xlsx.sheet.{k}")[:31] for k in keys]

    summary = list(wb[wb.sheetnames[0]].iter_rows(values_only=True))
    assert list(summary[0]) == _headers(locale, "line", "basis", "tco2e", "share_of_total")
    scope1 = next(r for r in summary if r[0] == t("scope.1"))
    assert scope1[1] == t("basis.market")
    assert scope1[2] == pytest.approx(round(TOTAL_T, 3))  # 350 L × 2.0545 kg/L, stored in kg
    assert scope1[3] == pytest.approx(1.0)  # the only emissions: all of the total

    lines = list(wb[wb.sheetnames[2]].iter_rows(values_only=True))
    head = list(lines[0])
    assert head[:2] == _headers(locale, "file", "row")
    col = {k: head.index(h) for k, h in zip(
        ("row", "per_unit", "co2e"),
        _headers(locale, "row", "kg_co2e_per_unit", "co2e_kg"), strict=True)}  # fmt: skip
    got = {r[col["row"]]: (r[0], r[col["per_unit"]], r[col["co2e"]]) for r in lines[1:]}
    assert set(got) == set(ROWS)  # spreadsheet rows 2–4 of fuel.csv
    for row, (file, per_unit, co2e) in got.items():
        assert file == FILE
        assert per_unit == pytest.approx(PER_UNIT)
        assert co2e == pytest.approx(CO2E_KG[row])


def test_several_years_write_one_workbook_each(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINGTAN_LANG", "en")
    (ws / "later.csv").write_text(
        "site,date,fuel,quantity,unit,use\nHQ,2024-06-01,xofuel,10,L,stationary\n",
        encoding="utf-8",
    )
    assert lingtan("import", str(ws / "later.csv"), "--template", "fuel", "-w", str(ws))[0] == 0
    assert lingtan("calc", "-y", "FY2024/25", "-w", str(ws))[0] == 0
    target = tmp_path / "out" / "book.xlsx"
    target.parent.mkdir()
    args = ("-y", YEAR, "-y", "FY2024/25", "-w", str(ws), "-f", "xlsx", "-o", str(target))
    code, out = lingtan("inventory", *args)
    assert code == 0, out
    assert sorted(p.name for p in target.parent.iterdir()) == [
        "book-FY2023-24.xlsx", "book-FY2024-25.xlsx"
    ]  # fmt: skip
    for name, total in (("book-FY2023-24.xlsx", TOTAL_T), ("book-FY2024-25.xlsx", 0.020545)):
        rows = load_workbook(target.parent / name)["Summary"].iter_rows(values_only=True)
        scope1 = next(r for r in rows if r[0] == "Scope 1")
        assert scope1[2] == pytest.approx(round(total, 3))  # FY2024/25: 10 L × 2.0545 kg/L

    monkeypatch.chdir(tmp_path / "out")
    code, out = lingtan("inventory", "-y", YEAR, "-w", str(ws), "-f", "xlsx")
    assert code == 0, out
    assert (tmp_path / "out" / "inventory-FY2023-24.xlsx").is_file()


def test_grid_electricity_has_one_line_per_basis(
    tmp_path: Path, workspace_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """10 MWh of grid electricity in CN (FY2023/24): location-based 10,000 kWh × 0.5306 kg/kWh
    (MEE/NBS 2023 national average) = 5,306 kg; market-based, no instruments, the grid mix
    without market-traded non-fossil power, 0.6096 kg/kWh = 6,096 kg — two lines of the
    Activity rows sheet, never their sum."""
    monkeypatch.setenv("LINGTAN_LANG", "en")
    ws = tmp_path / "ws"
    assert lingtan("init", str(ws), "--organisation", "Grid Co")[0] == 0
    (ws / "el.csv").write_text("site,date,quantity,unit\nHQ,2023-05-01,10,MWh\n", encoding="utf-8")
    assert lingtan("import", str(ws / "el.csv"), "--template", "electricity", "-w", str(ws))[0] == 0
    assert lingtan("calc", "-y", YEAR, "-w", str(ws))[0] == 0
    target = tmp_path / "grid.xlsx"
    assert lingtan("inventory", "-y", YEAR, "-w", str(ws), "-f", "xlsx", "-o", str(target))[0] == 0
    rows = list(load_workbook(target)["Activity rows"].iter_rows(values_only=True))
    head = list(rows[0])
    got = {
        r[head.index("Basis")]: (r[head.index("kg CO2e per unit")], r[head.index("kg CO2e")])
        for r in rows[1:]
    }
    assert set(got) == {"market-based", "location-based"}
    assert got["location-based"] == pytest.approx((530.6, 5306.0))  # kg CO2e per MWh, kg
    assert got["market-based"] == pytest.approx((609.6, 6096.0))
    assert all(r[head.index("Row in file")] == 2 for r in rows[1:])
