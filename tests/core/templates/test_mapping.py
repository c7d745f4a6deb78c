"""Column mappings (decision 0051): checked against their template, applied to a file's cells
before they are typed, and written and read back as TOML."""

from __future__ import annotations

import pytest

from lingtan.core.templates.mapping import (
    ColumnMapping,
    MappingError,
    from_dict,
    from_toml,
    suggest,
    to_toml,
)

SAP = ColumnMapping(
    template="fuel",
    columns={"Werk": "site", "Datum": "date", "Material": "fuel", "Menge": "quantity"},
    constants={"unit": "L"},
    values={"fuel": {"DSL": "diesel", "BNZ": "petrol"}},
    name="sap_mb51",
    description='SAP MB51 "Warenbewegungen", Zähler',
)


def test_a_valid_mapping_has_no_problems() -> None:
    assert SAP.problems() == []
    assert SAP.validate() == SAP
    assert SAP.source_of("quantity") == "Menge"
    assert SAP.source_of("unit") is None  # a constant


@pytest.mark.parametrize(
    ("change", "key", "text"),
    [
        ({"template": "nope"}, "mapping.template_unknown", "unknown template 'nope'"),
        ({"columns": {**SAP.columns, "Tank": "tank"}}, "mapping.column_unknown",
         "template 'fuel' has no column 'tank'"),
        ({"columns": {**SAP.columns, "Menge2": "quantity"}}, "mapping.column_twice",
         "'quantity' is given by more than one file column: 'Menge', 'Menge2'"),
        ({"constants": {"unit": "L", "site": "HQ"}}, "mapping.column_twice",
         "'site' is given both by the file column 'Werk' and by a constant"),
        ({"constants": {}}, "mapping.required_unmapped", "'unit' are neither mapped"),
        ({"values": {"fule": {"A": "b"}}}, "mapping.column_unknown", "no column 'fule'"),
        ({"name": "a/b"}, "mapping.name_invalid", "the name 'a/b'"),
        ({"columns": {**SAP.columns, "werk ": "region"}}, "mapping.source_twice",
         "the file column 'werk ' is mapped twice"),
    ],
)  # fmt: skip
def test_problems_are_named(change: dict[str, object], key: str, text: str) -> None:
    m = ColumnMapping(**{**SAP.__dict__, **change})  # type: ignore[arg-type]
    with pytest.raises(MappingError) as exc:
        m.validate()
    assert key in [p[1] for p in m.problems()]
    assert text in str(exc.value)


def test_apply_keeps_row_numbers_translates_values_and_fills_constants() -> None:
    grid = [
        ["Export 2023", "", "", "", "", ""],  # a title row
        ["Bemerkung", "Werk", "Datum", "Material", "Menge", "Kostenstelle"],
        ["x", "HQ", "01.04.2023", " dsl ", "1.234,5", "4711"],
        ["", "", "", "", "", ""],  # a blank row stays blank
        ["y", "HQ", "02.04.2023", "Kerosene", "3", "4711"],
    ]
    out = SAP.apply(grid, "mb51.csv")
    assert out[0] == []
    assert out[1] == ["site", "date", "fuel", "quantity", "unit"]  # in the template's order
    assert out[2] == ["HQ", "01.04.2023", "diesel", "1.234,5", "L"]  # " dsl " → diesel
    assert out[3] == []
    assert out[4] == ["HQ", "02.04.2023", "Kerosene", "3", "L"]  # not listed: kept as written
    assert len(out) == len(grid)


def test_apply_refuses_a_file_without_the_mapped_header() -> None:
    with pytest.raises(MappingError, match=r"mb51.csv: .*'Menge'") as exc:
        SAP.apply([["Werk", "Datum", "Material", "Qty"], ["HQ", "x", "y", "1"]], "mb51.csv")
    assert exc.value.key == "mapping.header_missing"


def test_toml_round_trip_keeps_unicode_quotes_and_odd_names() -> None:
    m = ColumnMapping(
        template="electricity",
        columns={'电表 "A"': "site", "起始日期": "date", "kWh": "quantity"},
        constants={"unit": "kWh"},
        values={"site": {"一号厂": "TJ01"}},
        description="国网 导出\\n",
    )
    text = to_toml(m)
    back = from_toml(text, name="grid")
    assert back == ColumnMapping(**{**m.__dict__, "name": "grid"})  # type: ignore[arg-type]
    assert back.to_dict() == from_dict(back.to_dict()).to_dict()


def test_from_toml_refuses_what_is_not_a_mapping() -> None:
    with pytest.raises(MappingError, match="not a TOML file") as exc:
        from_toml("template = ")
    assert exc.value.key == "mapping.not_toml"
    with pytest.raises(MappingError, match="names no template"):
        from_toml('[columns]\na = "site"\n')
    with pytest.raises(MappingError, match="must be text"):
        from_toml('template = "fuel"\n[columns]\na = ["site"]\n')


def test_suggest_maps_template_names_and_chinese_labels() -> None:
    m = suggest(["日期", "Menge", "燃料", "单位", "Site "], "fuel")
    assert m.columns == {"日期": "date", "燃料": "fuel", "单位": "unit", "Site": "site"}
