"""``lingtan import --map`` and ``lingtan mapping …`` (decision 0051), and template examples
that import as written (issue 13 item 2): every template's example row, written by
``lingtan template NAME -w WS``, imports into a fresh workspace with no row rejected."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app
from lingtan.core.templates import TEMPLATES

runner = CliRunner()

MAP_TOML = """\
template = "fuel"
description = "SAP MB51"

[columns]  # file column = template column
"Werk" = "site"
"Buchungsdatum" = "date"
"Material" = "fuel"
"Menge" = "quantity"

[constants]
unit = "L"

[values.fuel]
DSL = "diesel"
"""
EXPORT = (
    "Werk;Buchungsdatum;Material;Menge;Bemerkung\n"
    "HQ;01.04.2024;DSL;1.234,5;Tank A\n"
    "HQ;02.04.2024;XYZ;10;Tank B\n"
)


def lingtan(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.output


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    code, out = lingtan("init", str(tmp_path / "ws"))
    assert code == 0, out
    return tmp_path / "ws"


def test_import_through_a_mapping_file_names_the_users_columns(ws: Path, tmp_path: Path) -> None:
    m = tmp_path / "sap.toml"
    m.write_text(MAP_TOML, encoding="utf-8")
    f = tmp_path / "mb51.csv"
    f.write_text(EXPORT, encoding="utf-8")
    code, out = lingtan("import", str(f), "-w", str(ws), "--map", str(m))
    assert code == 2, out  # a row rejected
    assert "template 'fuel', 2 rows read, 1 accepted, 1 rejected" in out
    assert "row 3, column 'Material'" in out  # the user's column, not 'fuel'


def test_save_list_show_delete_and_import_by_name(ws: Path, tmp_path: Path) -> None:
    m = tmp_path / "sap.toml"
    m.write_text(MAP_TOML, encoding="utf-8")
    code, out = lingtan("mapping", "save", "sap_mb51", str(m), "-w", str(ws))
    assert code == 0, out
    assert (ws / "mappings" / "sap_mb51.toml").is_file()
    code, out = lingtan("mapping", "list", "-w", str(ws))
    assert "sap_mb51" in out
    assert "Menge → quantity" in out
    code, out = lingtan("mapping", "show", "sap_mb51", "-w", str(ws))
    assert '"Werk" = "site"' in out
    assert 'unit = "L"' in out.replace('"unit"', "unit")
    f = tmp_path / "mb51.csv"
    f.write_text(EXPORT.replace("XYZ", "DSL"), encoding="utf-8")
    code, out = lingtan("import", str(f), "-w", str(ws), "--map", "sap_mb51")
    assert code == 0, out
    assert "2 accepted, 0 rejected" in out
    code, out = lingtan("mapping", "delete", "sap_mb51", "-w", str(ws))
    assert code == 0
    code, out = lingtan("import", str(f), "-w", str(ws), "--map", "sap_mb51")
    assert code != 0
    assert "no saved mapping 'sap_mb51'" in out


def test_an_invalid_mapping_is_refused_with_every_problem(ws: Path, tmp_path: Path) -> None:
    m = tmp_path / "bad.toml"
    m.write_text('template = "fuel"\n[columns]\nA = "site"\nB = "site"\nC = "tank"\n', "utf-8")
    code, out = lingtan("mapping", "save", "bad", str(m), "-w", str(ws))
    assert code == 2
    flat = " ".join(out.split())
    assert "has no column 'tank'" in flat
    assert "'site' is given by more than one file column: 'A', 'B'" in flat
    assert "'date', 'fuel', 'quantity', 'unit' are neither mapped" in flat
    assert not (ws / "mappings" / "bad.toml").exists()


def test_draft_maps_the_columns_named_like_the_template(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("日期;Menge;燃料;单位\n2024-04-01;1;diesel;L\n", encoding="utf-8")
    code, out = lingtan("mapping", "draft", str(f), "--template", "fuel")
    assert code == 0, out
    assert '"日期" = "date"' in out
    assert '"燃料" = "fuel"' in out
    assert "# file columns not mapped: Menge" in out


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_every_template_example_imports_as_written(ws: Path, suffix: str) -> None:
    for name in TEMPLATES:
        f = ws.parent / f"{name}_example{suffix}"
        code, out = lingtan("template", name, "-o", str(f), "-w", str(ws))
        assert code == 0, out
        code, out = lingtan("import", str(f), "-w", str(ws), "--append")
        assert code == 0, f"{name}: {out}"
        assert "1 rows read, 1 accepted, 0 rejected" in out, f"{name}: {out}"


def test_without_a_workspace_the_example_site_is_the_organisation(tmp_path: Path) -> None:
    f = tmp_path / "fuel.csv"
    assert lingtan("template", "fuel", "-o", str(f))[0] == 0
    assert f.read_text(encoding="utf-8-sig").splitlines()[1].startswith("*,")
