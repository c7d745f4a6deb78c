"""Issue 19's "Done when" on the demo (decision 0102): ``lingtan demo`` builds the source
report's FY2023/24 edition of the ``disclosed`` organisation (not rendered) and prints the
command that renders it; ``lingtan report build`` renders PDF, XLSX and HTML in zh-CN and en, a
second build gives the same XLSX and HTML bytes and the same PDF text; a sample of the PDF's
numbers (scope 1, scope 2, scope-3 categories …) is found in the XLSX and traced with ``lingtan
explain`` to the same figure; the mapping's statuses are computed (complete, partial and missing
all occur; entering one datapoint changes the statuses bound to it); the report's errata
(46.16 % vs 43.03 %, 2,046.46 vs 2,046.45) are listed by the checks section.

The demo is the shared ``built_demo`` (read only); the tests that write work on copies of its
``disclosed`` folder (SQLite: the store is in the folder)."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from demokit import BuiltDemo, copy_demo
from lingtan.adapters.cli.main import app

pytestmark = pytest.mark.stores(
    "sqlite",
    reason="renders the six files twice (two PDFs with CJK fonts each time) and copies the "
    "workspace folder; the editions' store code runs on both stores in the editions tests",
)

FY = "FY2023/24"
FILES = {(lang, fmt) for lang in ("zh-CN", "en") for fmt in ("pdf", "xlsx", "html")}


def invoke(*args: str) -> str:
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return res.output


@pytest.fixture(scope="module")
def demo(built_demo: Callable[[str], BuiltDemo], workspace_store: str) -> BuiltDemo:
    """The demo built once per store (read only)."""
    return built_demo(workspace_store)


def copy_disclosed(demo: BuiltDemo, folder: Path) -> Path:
    """The ``disclosed`` workspace of a private copy of the demo (its SQLite store with it)."""
    return copy_demo(demo, folder / "demo") / "disclosed"


@pytest.fixture(scope="module")
def builds(demo: BuiltDemo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``lingtan report build`` twice on a copy of the demo, into two folders."""
    ws = copy_disclosed(demo, tmp_path_factory.mktemp("edition"))
    outs = [ws.parent.parent / "out1", ws.parent.parent / "out2"]
    printed = [invoke("report", "build", "--fy", FY, "-w", str(ws), "--out", str(o)) for o in outs]
    files = [{_lang_fmt(p): p for p in o.iterdir()} for o in outs]
    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.disclosure_editions import list_editions

    (edition,) = list_editions(LocalContext(ws), FY)
    return {"ws": ws, "files": files, "printed": printed, "edition": edition.edition_id}


def _lang_fmt(path: Path) -> tuple[str, str]:
    stem, fmt = path.name.rsplit(".", 1)
    return ("zh-CN" if stem.endswith("-zh-CN") else stem.rsplit("-", 1)[1]), fmt


def _document(ws: Path, edition: str) -> Any:
    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.disclosure_editions import get_edition

    return get_edition(LocalContext(ws), edition).document


@functools.cache
def _pdf_text(path: Path) -> str:
    """The text of every page (pypdf; read once per file)."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _section(document: Any, key: str) -> Any:
    return next(s for s in document["sections"] if s["key"] == key)


def test_the_demo_builds_the_edition_and_prints_how_to_render_it(demo: BuiltDemo) -> None:
    out = demo.output
    m = re.search(r"edition FY2023/24 ([0-9a-f]{12}): 13 sections", out)
    assert m, out[-3000:]
    assert f"lingtan report build --fy {FY} -w {demo.folder / 'disclosed'} --out" in out
    assert not list((demo.folder / "disclosed").glob("reports/*"))  # nothing rendered
    assert "APP23-SH-C1: copied from another year — published 46.16 %, lingtan 43.03 %" in out
    assert "BY-TOTAL: rounding — published 2,046.46 10⁴ t CO2e, lingtan 2,046.45" in out


def test_build_renders_six_files_and_a_rebuild_is_identical(
    demo: BuiltDemo, builds: dict[str, Any]
) -> None:
    first, second = builds["files"]
    assert set(first) == set(second) == FILES
    assert "unchanged" in builds["printed"][1]  # the same data: the same edition
    # the edition lingtan demo built is the one lingtan report build renders
    demo_id = re.search(r"edition FY2023/24 ([0-9a-f]{12})", demo.output)
    assert demo_id is not None
    assert demo_id.group(1) == builds["edition"][:12]
    for key in FILES:
        assert builds["edition"][:12] in first[key].name
        if key[1] == "pdf":
            assert _pdf_text(first[key]) == _pdf_text(second[key])
        else:
            assert first[key].read_bytes() == second[key].read_bytes(), key
    zh = _pdf_text(first[("zh-CN", "pdf")])
    assert "一致性校验与勘误" in zh  # CJK text extractable
    assert "Consistency checks and errata" in _pdf_text(first[("en", "pdf")])


def _xlsx_numbers(path: Path) -> list[tuple[float, str]]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return [(float(c.value), str(c.number_format)) for ws in wb.worksheets
            for row in ws.iter_rows() for c in row
            if isinstance(c.value, int | float) and not isinstance(c.value, bool)]  # fmt: skip


def _explain_args(sel: dict[str, Any]) -> list[str]:
    args = ["--snapshot", str(sel["snapshot"])]
    for key in ("scope", "category", "basis", "site", "gas"):
        if key in sel:
            args += [f"--{key}", str(sel[key])]
    return args


def test_pdf_numbers_are_in_the_xlsx_and_traced_with_explain(builds: dict[str, Any]) -> None:
    from lingtan.adapters.services.disclosure_render import numbers_in

    document = _document(builds["ws"], builds["edition"])
    pdf = _pdf_text(builds["files"][0][("en", "pdf")])
    xlsx = _xlsx_numbers(builds["files"][0][("en", "xlsx")])
    printed = numbers_in(document, "en")
    assert printed
    assert all(text in pdf for text, _ in printed)  # every number of the tables
    sample: dict[tuple[tuple[str, str], ...], tuple[str, Any]] = {}
    for text, cell in printed:
        sel = cell.get("explain")
        if sel and "gas" not in sel:
            sample.setdefault(tuple(sorted((k, str(v)) for k, v in sel.items())), (text, cell))
    kinds = {tuple(k for k, _ in key if k != "snapshot") for key in sample}
    assert {("scope",), ("basis", "scope"), ("category", "scope")} <= kinds
    assert len(sample) >= 10
    for text, cell in sample.values():
        digits = int(cell["digits"])
        fmt = "0." + "0" * digits if digits else "0"
        assert any(abs(v - cell["v"]) < 1e-6 and fmt in f for v, f in xlsx), text
        out = invoke("explain", "-w", str(builds["ws"]), *_explain_args(cell["explain"]),
                     "--limit", "1")  # fmt: skip
        m = re.search(r"equals the inventory's ([\d,.]+) t CO2e", out)
        assert m, out
        assert f"{float(m.group(1).replace(',', '')):,.{digits}f}" == text


def test_mapping_statuses_are_computed_and_a_datapoint_changes_them(
    demo: BuiltDemo, builds: dict[str, Any], tmp_path: Path
) -> None:
    mapping = _section(_document(builds["ws"], builds["edition"]), "mapping")
    statuses = {str(row[i]["v"]).rsplit(".", 1)[-1]
                for t in mapping["tables"]
                for i in [k for k, c in enumerate(t["columns"]) if c["key"] == "status"]
                for row in t["rows"]}  # fmt: skip
    assert {"complete", "partial", "missing"} <= statuses
    ws = copy_disclosed(demo, tmp_path)

    def view() -> dict[tuple[str, str], tuple[str, str]]:
        doc = json.loads(invoke("report", "mapping", "show", "--fy", FY, "--json", "-w", str(ws)))
        return {(f["key"], r["ref"]): (r["status"], json.dumps(r["bindings"]))
                for f in doc["frameworks"] for r in f["requirements"]}  # fmt: skip

    before = view()
    assert {s for s, _ in before.values()} == {"complete", "partial", "missing"}
    invoke("report", "mapping", "datapoint", "set", "internal_carbon_price", "--fy", FY,
           "--value", "100", "--unit", "CNY/t CO2e", "-w", str(ws))  # fmt: skip
    after = view()
    changed = [k for k in before if before[k][0] != after[k][0]]
    assert changed
    # only the requirements bound to the datapoint (or to the fact it completes) changed
    assert all("internal_carbon_price" in before[k][1] for k in changed)


def test_the_report_errata_and_the_checks_are_listed(builds: dict[str, Any]) -> None:
    checks = _section(_document(builds["ws"], builds["edition"]), "checks")
    assert checks["facts"]["checks.consistency"]["status"] == "complete"
    errata = next(t for t in checks["tables"] if t["key"] == "checks.errata")
    rows = {r[0]["v"]: r for r in errata["rows"]}
    copied = rows["APP23-SH-C1"]  # FY2023/24 category 1 share: the FY2022/23 value, copied
    assert (copied[4]["v"], round(copied[5]["v"], 2)) == (46.16, 43.03)
    assert copied[6]["v"] == "reconcile.status.copied"
    total = rows["BY-TOTAL"]  # base year: 0.60 + 2.60 + 2,043.25 = 2,046.45 ≠ 2,046.46
    assert (total[4]["v"], round(total[5]["v"], 2)) == (2046.46, 2046.45)
    assert total[6]["v"] == "reconcile.status.rounding"
    html = builds["files"][0][("en", "html")].read_text(encoding="utf-8")
    for shown in ("46.16", "43.03", "2,046.46", "2,046.45"):
        assert shown in html
    table = next(t for t in checks["tables"] if t["key"] == "checks.consistency")
    results = {(r[0]["v"].rsplit(".", 1)[-1], json.dumps(r[1].get("args", {})), r[2]["v"]):
               r[7]["v"] for r in table["rows"]}  # fmt: skip
    ok, fail = "disc_demo.result.pass", "disc_demo.result.fail"
    # base year FY2018/19: NT-S12 = S1 6,000 + S2 26,000 = 32,000 t in the targets and the snapshot
    assert results[("base_year", '{"target": "NT-S12"}', "FY2018/19")] == ok
    # the report prints KPI-RE's status "on track" but gives no value: no value source
    assert results[("kpi_source", '{"kpi": "KPI-RE"}', None)] == fail
    # totals: 4,969 + 17,997 + 15,100,063 = 15,123,029 t (market basis); base year
    # 6,000 + 26,000 + 20,432,500 = 20,464,500 t
    assert results[("total", "{}", FY)] == ok
    assert results[("total", "{}", "FY2018/19")] == ok
