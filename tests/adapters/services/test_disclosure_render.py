"""Rendering an edition document (decision 0095) on the hand-built sample of :mod:`disclosurekit`:
HTML, XLSX and PDF in zh-CN and en — the expected key lines of each, a rebuild giving the same
bytes (HTML, XLSX) and the same text (PDF), every number the PDF prints found in the XLSX with
its source, "not available" for the empty section and the ``na`` cells, refusals keyed.

Hand-checked figures of the sample [t CO2e]: scope 1 1,234.5 (digits 1); scope 2 location 567.25
(digits 2); scope 3 cat. 1 8,910.125 → 8,910.1 (digits 1); total 1,234.5 + 567.25 + 8,910.125 =
10,711.875 → 10,711.9 (digits 1) and → 10,712 in the trend table (digits 0); share of scope 3
8,910.125 / 10,711.875 = 0.831799 → 83.18 % (digits 2)."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import openpyxl
import pypdf
import pytest

from disclosurekit import EDITION_ID, SNAPSHOT, sample_document
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.io.report_render.formatting import number_text
from lingtan.adapters.io.report_render.xlsx import sheet_name
from lingtan.adapters.services.disclosure_render import (
    file_name,
    html_fragment,
    numbers_in,
    render_document,
)
from lingtan.core.hashing import canonical_sha256
from lingtan.modules.disclosure.document import FORMATS, LANGUAGES
from lingtan.modules.disclosure.errors import RenderError

Renders = dict[tuple[str, str], bytes]


@pytest.fixture(scope="module")
def renders() -> Renders:
    """Every language × format of the sample, rendered once for the module."""
    doc = sample_document()
    return {(lang, fmt): render_document(doc, lang, fmt) for lang in LANGUAGES for fmt in FORMATS}


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def workbook(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def shown(value: float | int, number_format: str, lang: str) -> str:
    """A numeric XLSX cell as its number format shows it (the digits after the point)."""
    digits = len(number_format.split(".")[1].split('"')[0]) if "." in number_format else 0
    return number_text(value, digits, lang)


def test_the_sample_is_an_edition_document() -> None:
    doc = sample_document()
    assert canonical_sha256(doc) == EDITION_ID
    assert [s["key"] for s in doc["sections"]] == [
        "organisation",
        "ghg_inventory",
        "metrics_targets",
        "circularity",
    ]
    assert file_name(doc, "zh-CN", "pdf") == f"kit-FY2023-24-{EDITION_ID[:12]}-zh-CN.pdf"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_text_table_of_contents_pages_and_cjk(renders: Renders, lang: str) -> None:
    text = pdf_text(renders[(lang, "pdf")])
    lines = [line.strip() for line in text.splitlines()]
    if lang == "zh-CN":
        expected = [
            "Kit Co 样本公司：气候与温室气体信息披露 FY2023/24",
            "报告期：2023年4月1日 至 2024年3月31日",
            "第 1 页 / 共 5 页",
            "第 5 页 / 共 5 页",
            f"Kit Co 样本公司 · FY2023/24 · 版次 {EDITION_ID[:12]}",
            "范围 排放量（吨 CO₂e） 占总量比例（%）",
            "范围一 1,234.5 暂无数据",
            "范围二（基于位置） 567.25 暂无数据",
            "范围二（基于市场） 暂无数据：未记录合同工具 暂无数据",
            "范围三，类别 1 8,910.1 83.18",
            "合计 10,711.9 暂无数据",
            "FY2023/24 10,712",
            "本语言暂无文字。",  # ghg_inventory's narrative exists in English only
            "本公司自2011年起编制温室气体清单。",
            "S12 <b>R&D</b> 减排 42 2030",
            "目标经董事会批准。",
        ]
        toc = re.compile(r"^2\. 温室气体清单 \.+ 3$")
        unavailable = "暂无数据：lingtan 中没有本财年本节的数据"
    else:
        expected = [
            "Kit Co 样本公司: climate and greenhouse gas disclosure",  # the title wraps here
            "FY2023/24",
            "Reporting period: Apr 1, 2023 to Mar 31, 2024",
            "Page 1 of 5",
            "Page 5 of 5",
            f"Kit Co 样本公司 · FY2023/24 · edition {EDITION_ID[:12]}",
            "Scope Emissions (t CO2e) Share of the total (%)",
            "Scope 1 1,234.5 not available",
            "Scope 3, category 1 8,910.1 83.18",
            "Total 10,711.9 not available",
            "Scope 3 dominates & is <estimated>.",
            "The report covers Apr 1, 2023 to Mar 31, 2024.",
            "S3 suppliers 25.5 2032",
            "The board approved the targets.",
        ]
        toc = re.compile(r"^2\. Greenhouse gas inventory \.+ 3$")
        unavailable = "Not available: lingtan holds no data for this section"
    missing = [line for line in expected if line not in lines]
    assert not missing, (missing, text)
    # the table of contents gives each section's page (the cover and contents are page 1)
    assert any(toc.match(line) for line in lines), text
    # the unavailable section says so, with no figure
    circ = text.split("4. " + Translator(lang)("disc_render.sample.circularity"))[-1]
    assert unavailable in circ
    assert not re.search(r"\d,\d{3}", circ)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_is_standalone_escaped_and_traceable(renders: Renders, lang: str) -> None:
    html = renders[(lang, "html")].decode("utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="' + lang + '">')
    # standalone: inline CSS and SVG, nothing fetched
    assert "<script" not in html
    assert "<link" not in html
    assert "<img" not in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "@import" not in html
    assert "url(" not in html.split("<svg")[0]
    assert html.count("<svg") == 1
    assert f'--snapshot {SNAPSHOT} --scope 3 --category 1">8,910.1</td>' in html
    assert "S12 &lt;b&gt;R&amp;D&lt;/b&gt; 减排" in html
    assert "<b>R&D</b>" not in html
    assert (
        f'<a href="#sec-ghg_inventory">2. {Translator(lang)("disc_render.sample.inventory")}'
        in (html)
    )
    # the body the edition's web page embeds is the page's body
    fragment = html_fragment(sample_document(), lang)
    assert fragment.startswith('<header class="cover">')
    assert "<html" not in fragment
    assert "<style>" not in fragment  # the page's CSS stays in the page
    assert fragment in html
    if lang == "zh-CN":
        assert '<td class="k-na">暂无数据：未记录合同工具</td>' in html
        assert '<p class="na">本语言暂无文字。</p>' in html
        assert "本公司自2011年起编制温室气体清单。</p>\n<p>第二段：边界为运营控制。</p>" in html
    else:
        assert '<td class="k-na">not available: no contractual instruments recorded</td>' in html
        assert "<th>Emissions (t CO2e)</th>" in html
        assert "<p>Scope 3 dominates &amp; is &lt;estimated&gt;.</p>" in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_xlsx_sheets_numbers_formats_and_sources(renders: Renders, lang: str) -> None:
    wb = workbook(renders[(lang, "xlsx")])
    t = Translator(lang)
    assert wb.sheetnames == [
        t("disc_render.sheet.edition"),
        f"1 {t('disc_render.sample.organisation')}",
        f"2 {t('disc_render.sample.inventory')}",
        f"3 {t('disc_render.sample.metrics_targets')}",
        f"4 {t('disc_render.sample.circularity')}",
    ]
    assert all(len(n) <= 31 for n in wb.sheetnames)
    ed = {r[0]: r[1] for r in wb.worksheets[0].iter_rows(values_only=True) if r[0]}
    assert ed[t("disc_render.edition.id")] == EDITION_ID
    assert ed[t("disc_render.edition.fy")] == "FY2023/24"
    assert ed[t("disc_render.edition.org_slug")] == "kit"
    assert ed["snapshot:FY2023/24"] == SNAPSHOT
    assert wb.properties.created.isoformat() == "2024-03-31T00:00:00"
    assert wb.properties.modified == wb.properties.created
    inv = wb.worksheets[2]
    rows = [list(r) for r in inv.iter_rows()]
    header = next(r for r in rows if r[0].value == t("disc_render.sample.col.scope"))
    assert [c.value for c in header] == [
        t("disc_render.sample.col.scope"),
        t("disc_render.with_unit", label=t("disc_render.sample.col.emissions"),
          unit=t("unit.tco2e")),
        t("disc_render.with_unit", label=t("disc_render.sample.col.share"), unit="%"),
        t("disc_render.source"),
    ]  # fmt: skip
    by_label = {r[0].value: r for r in rows if r[0].value}
    s3 = by_label[t("disc_render.sample.scope3_cat", category=1)]
    # the full value is kept, shown with the cell's digits
    assert (s3[1].value, s3[1].number_format) == (8910.125, "#,##0.0")
    assert (s3[2].value, s3[2].number_format) == (pytest.approx(83.179882), "#,##0.00")
    assert s3[3].value == (
        f"lingtan explain --snapshot {SNAPSHOT} --scope 3 --category 1; share:scope3/total"
    )
    total = by_label[t("disc_render.sample.total")]
    assert total[1].value == 10711.875  # 1,234.5 + 567.25 + 8,910.125
    assert total[2].value == t("disc_render.na")
    # a verifier re-adds the parts of the total from the sheet
    parts = [by_label[t(f"disc_render.sample.{k}")][1].value for k in ("scope1", "scope2_location")]
    assert sum(parts) + s3[1].value == pytest.approx(total[1].value)
    targets = {r[0]: r for r in wb.worksheets[3].iter_rows(values_only=True) if r[0]}
    assert targets["S12 <b>R&D</b> 减排"][1:4] == (42, "2030", "target:S12")
    circ = [r[0] for r in wb.worksheets[4].iter_rows(values_only=True) if r[0]]
    assert t("disc_render.section_na") in circ


def test_a_rebuild_gives_the_same_bytes_and_pdf_text(renders: Renders) -> None:
    doc = sample_document()
    for lang in LANGUAGES:
        assert render_document(doc, lang, "html") == renders[(lang, "html")]
        again = render_document(doc, lang, "xlsx")
        assert again == renders[(lang, "xlsx")]
        with zipfile.ZipFile(io.BytesIO(again)) as z:
            assert {i.date_time for i in z.infolist()} == {(2024, 3, 31, 0, 0, 0)}
        assert pdf_text(render_document(doc, lang, "pdf")) == pdf_text(renders[(lang, "pdf")])
    # a changed figure changes the files
    doc["sections"][1]["tables"][0]["rows"][0][1]["v"] = 1234.6
    assert render_document(doc, "en", "html") != renders[("en", "html")]


# a grouped (1,234) or decimal (83.18) number; dates, ids, page numbers and years are neither
NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w,])|(?<![\w.,])\d+\.\d+(?![\w])")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_pdf_number_is_in_the_xlsx(renders: Renders, lang: str) -> None:
    text = pdf_text(renders[(lang, "pdf")])
    wb = workbook(renders[(lang, "xlsx")])
    in_xlsx: dict[str, list[str]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            cells = [c for c in row if c.value is not None]
            source = str(cells[-1].value) if cells else ""
            for c in cells:
                if isinstance(c.value, int | float):
                    in_xlsx.setdefault(shown(c.value, c.number_format, lang), []).append(source)
    printed = NUMBER.findall(text)
    assert len(printed) >= 7, printed
    assert not [n for n in printed if n not in in_xlsx], (printed, sorted(in_xlsx))
    figures = numbers_in(sample_document(), lang)
    assert [f for f, _ in figures] == [
        "1,234.5", "567.25", "8,910.1", "83.18", "10,711.9", "11,000", "10,500", "10,712",
        "42", "25.5",
    ]  # fmt: skip
    for printed_text, cell in figures:
        assert printed_text in text
        sources = in_xlsx[printed_text]
        if "explain" in cell:
            assert any(f"lingtan explain --snapshot {SNAPSHOT}" in s for s in sources)
        else:
            assert any(str(cell["ref"]) in s for s in sources)


def test_unknown_language_format_or_document_refused() -> None:
    doc = sample_document()
    with pytest.raises(RenderError) as bad_lang:
        render_document(doc, "fr", "pdf")
    assert bad_lang.value.message.key == "disc_render.error.lang"
    assert bad_lang.value.field == "lang"
    assert Translator("zh-CN")(bad_lang.value.message.key, **bad_lang.value.message.params) == (
        "未知语言“fr”：版次只能以 zh-CN, en 呈现。"
    )
    with pytest.raises(RenderError) as bad_fmt:
        render_document(doc, "en", "docx")
    assert (bad_fmt.value.message.key, bad_fmt.value.field) == (
        "disc_render.error.format",
        "format",
    )
    with pytest.raises(RenderError) as bad_doc:
        render_document({**doc, "schema": "other/1"}, "en", "html")
    assert bad_doc.value.message.key == "disc_render.error.document"


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_name("1 Scope 1/2: [a]*b?", taken) == "1 Scope 1_2_ _a__b_"
    long = "12 " + "温室气体" * 10
    first = sheet_name(long, taken)
    second = sheet_name(long, taken)
    assert len(first) == len(second) == 31
    assert first != second
    assert second.endswith("~2")
    assert sheet_name("'History'", taken) == "History~2"


def test_a_restatement_names_what_it_restates_and_why() -> None:
    doc = sample_document()
    old = "9" * 64
    doc["supersedes"] = old
    doc["restatement"] = {
        "reason": "Scope 1 <fuel> corrected",
        "changed": ["inputs", "ghg_inventory"],
    }
    html = render_document(doc, "en", "html").decode("utf-8")
    assert (
        "This edition restates edition 999999999999. Reason: Scope 1 &lt;fuel&gt; corrected" in html
    )
    t = Translator("zh-CN")
    sheet = workbook(render_document(doc, "zh-CN", "xlsx")).worksheets[0]
    rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r[0]}
    assert rows[t("disc_render.edition.supersedes")] == old
    assert rows[t("disc_render.edition.reason")] == "Scope 1 <fuel> corrected"
    assert rows[t("disc_render.edition.changed")] == "inputs, ghg_inventory"
    assert rows[t("disc_render.edition.id")] == canonical_sha256(doc) != EDITION_ID


def test_numbers_round_half_away_from_zero_as_spreadsheets_show_them() -> None:
    # the XLSX shows 0.125 with "0.00" as 0.13 (half away from zero on the decimal form)
    assert number_text(0.125, 2, "en") == "0.13"
    assert number_text(-0.125, 2, "zh-CN") == "-0.13"
    assert number_text(2.675, 2, "en") == "2.68"  # 2.675 is 2.67499… in binary, 2.675 shown
    assert number_text(1234567.5, 0, "zh-CN") == "1,234,568"
    assert number_text(-0.04, 1, "en") == "0.0"  # never "-0.0"
