"""The mapping use cases (decision 0051) on a command-line workspace: saved in
``<workspace>/mappings/``, loaded by name or file, previewed, and an import through a mapping
kept with its batch — a repair from the stored copy and the export of its rejected rows read
the file as it was imported (its encoding, its mapping) and write it in its own conventions."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from lingtan.adapters.io import batch_reading
from lingtan.adapters.services import imports, mappings
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.store.workspace import init_workspace
from lingtan.core.templates.mapping import ColumnMapping, to_toml

MAP = ColumnMapping(
    template="fuel",
    columns={"Werk": "site", "Buchungsdatum": "date", "Material": "fuel", "Menge": "quantity"},
    constants={"unit": "L"},
    values={"fuel": {"DSL": "diesel"}},
    name="sap",
)
#: a German ERP's export: Windows-1252, ';', decimal commas, a title row, a column not mapped
EXPORT = (
    "Warenbewegungen München\n"
    "Werk;Buchungsdatum;Material;Menge;Bemerkung\n"
    "HQ;01.04.2024;DSL;1.234,5;Kühlhaus\n"
    "HQ;02.04.2024;XYZ;10;Lager\n"
    "ZZ;03.04.2024;dsl;5;\n"
).encode("cp1252")


@pytest.fixture
def ctx(tmp_path: Path) -> LocalContext:
    init_workspace(tmp_path / "ws")
    return LocalContext(tmp_path / "ws")


def test_save_list_get_delete(ctx: LocalContext) -> None:
    assert mappings.list_mappings(ctx) == []
    saved = mappings.save_mapping(ctx, MAP)
    assert (ctx.path / "mappings" / "sap.toml").read_text(encoding="utf-8") == to_toml(saved)
    assert mappings.list_mappings(ctx) == [MAP]
    assert mappings.get_mapping(ctx, "sap") == MAP
    assert mappings.load_mapping(ctx, "sap") == MAP
    with pytest.raises(ServiceError) as exc:
        mappings.save_mapping(ctx, MAP, replace=False)
    assert exc.value.kind == "conflict"
    mappings.delete_mapping(ctx, "sap")
    with pytest.raises(ServiceError) as exc:
        mappings.get_mapping(ctx, "sap")
    assert exc.value.kind == "not_found"


def test_invalid_mappings_and_names_are_refused(ctx: LocalContext) -> None:
    with pytest.raises(mappings.MappingServiceError) as exc:
        mappings.save_mapping(ctx, dataclasses.replace(MAP, constants={}))
    assert (exc.value.kind, exc.value.key) == ("invalid", "mapping.required_unmapped")
    assert exc.value.params == {"columns": "unit"}
    for bad in ("../x", "a b", ""):
        with pytest.raises(ServiceError):
            mappings.get_mapping(ctx, bad)
    assert not (ctx.path / "mappings" / "sap.toml").exists()


def test_load_mapping_from_a_file(ctx: LocalContext, tmp_path: Path) -> None:
    f = tmp_path / "m.toml"
    f.write_text(to_toml(MAP), encoding="utf-8")
    assert mappings.load_mapping(ctx, str(f)) == dataclasses.replace(MAP, name="m")
    with pytest.raises(ServiceError) as exc:
        mappings.load_mapping(ctx, str(tmp_path / "missing.toml"))
    assert exc.value.kind == "not_found"


def test_file_head_skips_the_title_row(tmp_path: Path) -> None:
    f = tmp_path / "export.csv"
    f.write_bytes(EXPORT)
    with pytest.raises(ServiceError, match="declare it"):  # too short to tell cp1252
        mappings.file_head(f)
    head = mappings.file_head(f, encoding="cp1252")
    assert head.header == ["Werk", "Buchungsdatum", "Material", "Menge", "Bemerkung"]
    assert (head.header_row, head.delimiter, head.encoding) == (2, ";", "cp1252")
    assert head.rows[0] == (3, ["HQ", "01.04.2024", "DSL", "1.234,5", "Kühlhaus"])
    assert mappings.template_of_header(head.header) is None
    assert mappings.template_of_header(["site", "日期", "fuel", "quantity", "unit"]) == "fuel"


def test_preview_shows_activities_and_issues_in_the_users_columns(
    ctx: LocalContext, tmp_path: Path
) -> None:
    f = tmp_path / "export.csv"
    f.write_bytes(EXPORT)
    p = mappings.preview(ctx, f, MAP, encoding="cp1252")
    assert (p.rows_read, p.rows_accepted, p.rows_rejected, p.error) == (3, 1, 2, None)
    first, second, third = p.rows
    assert first.row == 3
    assert first.issues == []
    a = first.activities[0]
    assert (a["activity_type"], a["quantity"], a["unit"], a["site"]) == (
        "fuel.diesel", 1234.5, "L", "HQ",
    )  # fmt: skip
    assert [i.field for i in second.issues] == ["Material"]
    assert [i.field for i in third.issues] == ["Werk"]  # "dsl" translated; site ZZ unknown
    # a mapping whose columns are not in the file: the reason, and the rows as they are
    other = dataclasses.replace(MAP, columns={**MAP.columns, "Menge": "quantity", "Qty": "use"})
    p = mappings.preview(ctx, f, other, encoding="cp1252")
    assert p.error is not None
    assert "'Qty'" in p.error
    assert [r.row for r in p.rows] == [3, 4, 5]


def test_import_keeps_how_the_file_was_read_and_exports_in_its_conventions(
    ctx: LocalContext, tmp_path: Path
) -> None:
    f = tmp_path / "mb51.csv"
    f.write_bytes(EXPORT)
    rep = imports.import_file(ctx, f, encoding="cp1252", column_map=MAP)
    assert (rep.template, rep.rows_accepted, rep.rows_rejected) == ("fuel", 1, 2)
    assert [(i.row, i.field) for i in rep.issues] == [(4, "Material"), (5, "Werk")]
    how = batch_reading.load(ctx.workspace(), rep.batch_id)
    assert (how.encoding, how.delimiter, how.decimal, how.column_map) == ("cp1252", ";", ",", MAP)
    # the rejected rows, as the user wrote them: their header, ';' and decimal commas
    out = tmp_path / "rejected.csv"
    assert imports.export_rejected_rows(ctx, rep.batch_id, out) == 2
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows == [
        ["Werk", "Buchungsdatum", "Material", "Menge", "Bemerkung"],
        ["HQ", "02.04.2024", "XYZ", "10", "Lager"],
        ["ZZ", "03.04.2024", "dsl", "5", ""],
    ]
    # a repair reads the stored copy the same way (not re-detected, through the mapping)
    from lingtan.adapters.io.importer import repair_from_copy

    ws = ctx.workspace()
    batch = ws.batch(rep.batch_id)
    (ws.batches_dir / str(batch.activities_file)).unlink()
    assert repair_from_copy(ws, batch) == [batch.activities_file]


def test_example_site_is_the_first_site_of_the_boundary(ctx: LocalContext) -> None:
    assert imports.example_site(ctx) == "HQ"
