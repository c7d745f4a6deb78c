"""The circularity ledgers' use cases (decision 0100) on a new workspace (fiscal year from
April), on both stores: rows added, changed and removed (audited); an import file refused as a
whole with every wrong cell named (file, row, column, reason — in English and Chinese) leaving
the store as it was; XLSX import; the KPIs and the edition's section computed from the rows;
the demo's figures reproduced from its rows (arithmetic in the comments)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import store_session
from lingtan.adapters.services import circularity as sv
from lingtan.adapters.services.circularity_demo import load_circularity_demo
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.audit import AuditEntry
from lingtan.adapters.store.circularity import MaterialRow
from lingtan.modules.disclosure.document import EditionScope
from lingtan.modules.disclosure.facts import facts_of

pytestmark = pytest.mark.stores("sqlite", "postgresql")

SCOPE = EditionScope("circ", "Circ Co", "FY2023/24", "2023-04-01", "2024-03-31", None, None,
                     None, None)  # fmt: skip
BAD = (
    "year,material,gross_kg,net_kg,ef_virgin,ef_recycled,ef_source\n"
    "2023,pcc,1000,400,2.5,0.5,set v1\n"
    "2023,gold,1000,400,,,\n"  # row 3: unknown material
    "2023,pcc,100,abc,,,\n"  # row 4: net not a number
    "2023,pcc,100,200,,,\n"  # row 5: net above gross
)


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> LocalContext:
    from lingtan.adapters.store.workspace import init_workspace

    folder = tmp_path_factory.mktemp("circ") / "ws"
    init_workspace(folder, organisation="Circ Co", region="CN", start_month=4).engine.dispose()
    return LocalContext(folder)


@pytest.fixture
def db(ctx: LocalContext) -> Iterator[Session]:
    with store_session(ctx) as s:
        yield s


def test_crud_audited_and_refusals_name_the_field(db: Session, ctx: LocalContext) -> None:
    fields = {"year": "FY2023-24", "line": "L1", "material": "plastic",
              "kg_per_unit_before": "0.05", "kg_per_unit_after": 0.01, "units": 1000}  # fmt: skip
    row = sv.create_row(db, ctx, "packaging", fields)
    assert row.year == "FY2023/24"
    assert sv.row_dict("packaging", row)["avoided_kg"] == pytest.approx(40.0)  # 0.04 × 1,000
    row = sv.update_row(db, ctx, "packaging", row.id, {"units": 2000})
    assert sv.row_dict("packaging", row)["avoided_kg"] == pytest.approx(80.0)
    with pytest.raises(sv.CircError) as e:
        sv.update_row(db, ctx, "packaging", row.id, {"kg_per_unit_after": -1})
    assert (e.value.key, e.value.field, e.value.kind) == ("circ.err.mass", "kg_per_unit_after",
                                                           "invalid")  # fmt: skip
    with pytest.raises(sv.CircError) as e:
        sv.create_row(db, ctx, "returnables", {"asset_kind": "pallet", "programme": "P",
                                               "period_start": "2024-01-01",
                                               "period_end": "2023-01-01", "issued": 1,
                                               "returned": 1})  # fmt: skip
    assert (e.value.key, e.value.field) == ("circ.err.period", "period_end")
    sv.delete_row(db, ctx, "packaging", row.id)
    with pytest.raises(sv.CircError) as e:
        sv.get_row(db, ctx, "packaging", row.id)
    assert e.value.kind == "not_found"
    actions = {a.action for a in db.scalars(select(AuditEntry))}
    assert {"circ_packaging.create", "circ_packaging.update", "circ_packaging.delete"} <= actions


def test_a_wrong_file_names_file_row_column_and_writes_nothing(
    db: Session, ctx: LocalContext
) -> None:
    before = len(list(db.scalars(select(MaterialRow))))
    with pytest.raises(sv.CircFileError) as e:
        sv.import_rows(db, ctx, "materials", BAD.encode(), "mats.csv")
    db.rollback()
    got = {(x.source, x.row, x.column, x.message.key) for x in e.value.errors}
    assert got == {("mats.csv", 3, "material", "circ.err.choice"),
                   ("mats.csv", 4, "net_kg", "circ.err.number"),
                   ("mats.csv", 5, "net_kg", "circ.err.net_above_gross")}  # fmt: skip
    assert len(list(db.scalars(select(MaterialRow)))) == before  # nothing half-written
    en = sv.row_error_lines(e.value.errors, "en")
    assert "mats.csv, row 4, column net_kg: net_kg: 'abc' is not a number" in en
    zh = sv.row_error_lines(e.value.errors, "zh-CN")
    assert "mats.csv，第 4 行，net_kg 列：net_kg：“abc”不是数字" in zh
    with pytest.raises(sv.CircFileError) as e:
        sv.import_rows(db, ctx, "materials", b"year,colour\n2023,red\n", "x.csv")
    assert e.value.key == "circ.file.unknown_columns"
    assert e.value.params == {"columns": "colour", "file": "x.csv"}


def test_xlsx_import_and_section_facts(db: Session, ctx: LocalContext) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in ([c.strip() for c in BAD.splitlines()[0].split(",")],
              [2023, "pcc", 1000, 400, 2.5, 0.5, "set v1"]):  # fmt: skip
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    res = sv.import_rows(db, ctx, "materials", buf.getvalue(), "mats.xlsx")
    assert len(res.created) == 1
    section = sv.circularity_section(ctx, SCOPE)
    assert set(section["facts"]) == set(facts_of("circularity"))
    assert section["available"] is True
    assert section["facts"]["circ.materials"]["status"] == "complete"
    assert section["facts"]["circ.packaging"]["status"] == "missing"
    assert section["facts"]["circ.kpis"]["status"] == "partial"
    avoided = next(t for t in section["tables"] if t["key"] == "circularity.avoided")
    # 400 kg × (2.5 − 0.5) = 800 kg = 0.8 t CO2e, with its source, in the AVOIDED table
    assert avoided["rows"][0][4]["v"] == pytest.approx(0.8)
    assert avoided["rows"][0][5] == {"kind": "text", "v": "set v1"}
    assert avoided["note"] == "circ.table.avoided.note"


def test_demo_reproduces_the_report_from_rows(tmp_path: Path, workspace_store: str) -> None:
    from lingtan.adapters.store.workspace import init_workspace

    init_workspace(tmp_path / "d", organisation="Demo", region="CN",
                   start_month=4).engine.dispose()  # fmt: skip
    ctx = LocalContext(tmp_path / "d")
    assert load_circularity_demo(ctx).total == 55  # 2 + 26 + 3 + 2 + 22 rows
    assert load_circularity_demo(ctx).total == 0  # idempotent
    with store_session(ctx) as db:
        _, figures = sv.compute_kpis(db, ctx, "FY2023/24")
    f = {x.key: x for x in figures}
    assert f["recycled_mass"].value == pytest.approx(9_700)  # 2023 gross, report 2316
    # since 2005: 103,036 + 27,450 (synthetic) + 9,700 = 140,186 t (> 140 kt)
    assert f["recycled_cumulative"].value == pytest.approx(140_186)
    assert f["cumulative_net.cl_pcc"].value == pytest.approx(24_900)  # 18,300 + 6,600
    # 548 + 72 + 52 = 672 t; 548 / 672 = 81.547… % → 81.5 %
    assert f["packaging_avoided"].value == pytest.approx(672)
    assert f["packaging_plastic_avoided"].value == pytest.approx(548)
    assert round(f["packaging_plastic_share"].value or 0, 1) == 81.5
    # the supplier scheme's 49,197 + the Wuhan pool's 9,970; loss 30 / 10,000 = 3 ‰
    assert f["returnables_returned"].value == 49_197 + 9_970
    assert f["returnables_loss_rate"].value == pytest.approx(3.0)
    # 980,000 (2005–2022) + 40,000 (FY2023/24) = 1,020,000 devices (> 1 M)
    assert f["takeback_cumulative"].value == 1_020_000
    # certified 12,000 + 8,000 + 15,000 of 40,000 = 87.5 %; approved 8,000 of 13,000 routed
    assert f["data_destruction_share"].value == pytest.approx(87.5)
    assert f["recycler_coverage"].value == pytest.approx(8_000 / 13_000 * 100)
    # 6,600 t × 2.7968 kg/kg (6,055 / 2,165 rounded to 4 places) ≈ 18,459 t CO2e, AVOIDED
    assert f["avoided_emissions"].value == pytest.approx(6_600 * 2.7968)
    assert f["avoided_emissions"].avoided
    section = sv.circularity_section(ctx, SCOPE)
    assert {k: v["status"] for k, v in section["facts"].items()} == {
        "circ.materials": "complete", "circ.packaging": "complete",
        "circ.returnables": "partial",  # the supplier scheme's losses not counted
        "circ.takeback": "complete", "circ.kpis": "complete"}  # fmt: skip
    assert any(p["v"] == "circ.section.synthetic" for p in section["paragraphs"])
    chart = section["charts"][0]
    assert chart["x"][0] == "2005"
    assert chart["x"][-1] == "2023"
