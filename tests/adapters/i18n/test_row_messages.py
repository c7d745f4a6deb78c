"""Row issues and file errors as catalogue keys (decision 0053): every key the source uses is in
both catalogues, core's English equals the English catalogue, and typical issues read in Chinese
exactly as the catalogue says (the expected texts are copied by hand from rows.zh-CN.json and
intake.zh-CN.json with the parameters filled in).
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from lingtan.adapters.i18n.messages import catalogue
from lingtan.adapters.i18n.rows import (
    cli_locale,
    file_error_text,
    issue_line,
    issue_reason,
    keyed_reason,
    params_from_plain,
    plain_params,
    render,
    stored_issue,
)
from lingtan.adapters.io.importer import import_file
from lingtan.adapters.io.intake import read_activity_file
from lingtan.adapters.store.workspace import init_workspace
from lingtan.core.errors import InputFileError, RowIssue
from lingtan.core.messages import ENGLISH, Message, Param, msg
from lingtan.core.templates import DIMENSIONS, NormaliseContext
from lingtan.core.templates.units import _UNIT_KINDS

SRC = Path(__file__).parents[3] / "src" / "lingtan"
I18N = SRC / "adapters" / "i18n"
CTX = NormaliseContext(
    source="ignored", sites={"TJ01": "CN-TJ", "HF02": "CN-AH"}, default_region="CN"
)
_PREFIXES = ("row.", "file.", "unit.", "list.", "issue.", "intake.", "reader.")
_LITERAL = re.compile(
    r"\"((?:row|file|unit|list|issue|intake|reader)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)\""
)
_USERS = ("lingtan.core.messages", "lingtan.adapters.i18n.rows")


def _used_keys() -> set[str]:
    """Every key literal in the modules that build keyed messages, and the key families built
    with f-strings (unit kinds, column dimensions)."""
    keys: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "messages.py" and not any(u in text for u in _USERS):
            continue
        if path.parent.name == "i18n" and path.name == "messages.py":
            continue  # the catalogue loader, not a user of row keys
        keys |= set(_LITERAL.findall(text))
    keys |= {f"unit.kind.{kind}" for kind, _ in _UNIT_KINDS}
    keys |= {f"unit.need.{d}" for d in DIMENSIONS} | {"unit.need.any"}
    keys |= _factor_reasons()
    return {k for k in keys if k.startswith(_PREFIXES)}


def _factor_reasons() -> set[str]:
    """The reasons of the factor-file reader, made as ``reader.factor.<name>`` by ``_bad``."""
    text = (SRC / "adapters" / "io" / "factor_files.py").read_text(encoding="utf-8")
    return {f"reader.factor.{k}" for k in re.findall(r"_bad\([^,]+, \"([a-z0-9_]+)\"", text)}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_key_used_in_the_source_is_in_both_languages() -> None:
    used = _used_keys()
    assert len(used) > 100  # the walk found the keys (row, file, unit, intake …)
    for locale in ("en", "zh-CN"):
        missing = sorted(k for k in used if k not in catalogue(locale))
        assert missing == [], f"{locale}: {missing}"


def test_row_and_intake_catalogues_have_the_same_keys_and_parameters() -> None:
    for area in ("rows", "intake", "readers"):
        en = json.loads((I18N / f"{area}.en.json").read_text(encoding="utf-8"))
        zh = json.loads((I18N / f"{area}.zh-CN.json").read_text(encoding="utf-8"))
        assert set(en) == set(zh), area
        for key in en:
            assert _fields(en[key]) == _fields(zh[key]), key


def test_core_english_is_the_english_catalogue() -> None:
    en = catalogue("en")
    assert {k: en.get(k) for k in ENGLISH} == ENGLISH


def test_nested_messages_and_lists_render_in_each_language() -> None:
    m = msg(
        "row.unit_wrong_dimension.column",
        unit="kg",
        kind=msg("unit.kind.mass"),
        column="amount",
        template="spend",
        need=msg("unit.need.currency"),
    )
    assert (
        m.english()
        == render(m, "en")
        == (
            "unit 'kg' is a mass; column 'amount' of template 'spend' needs a currency (ISO 4217 "
            "code such as CNY or USD, or 元 / 万元)"
        )
    )
    assert render(m, "zh-CN") == (
        "单位“kg”是质量单位；模板“spend”的“amount”列需要货币单位（ISO 4217 代码，如 CNY 或 USD，"
        "或 元 / 万元）"
    )
    close = msg("row.site_unknown.close", value="TJ9", close=("'TJ01'", "'TJ02'"))
    assert render(close, "en") == "unknown site 'TJ9'; did you mean 'TJ01', 'TJ02'?"
    assert render(close, "zh-CN") == "未知场所“TJ9”；是否应为 'TJ01'、'TJ02'？"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_typical_row_issues_read_in_chinese(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "fuel_zh.csv",
        "site,date,fuel,quantity,unit,use\n"
        "TJ9,2024-05-01,diesel,100,L,stationary\n"  # row 2: unknown site
        "TJ01,2024-13-01,diesel,100,L,stationary\n"  # row 3: bad date
        "TJ01,2024-05-01,diesel,,L,stationary\n"  # row 4: missing required value
        "TJ01,2024-05-01,diesel,100,kWhh,stationary\n"  # row 5: unknown unit
        "TJ01,2024-05-01,diesel,100,L,flying\n",  # row 6: not a choice
    )
    issues = read_activity_file(path, context=CTX).issues
    got = [(i.row, i.field, i.key, issue_reason(i, "zh-CN")) for i in issues]
    assert got == [
        (2, "site", "row.site_unknown.listed", "未知场所“TJ9”；边界内的场所有：HF02、TJ01"),
        (3, "date", "row.not_calendar_date", "不是真实存在的日历日期"),
        (4, "quantity", "row.required_empty", "必填值为空"),
        (
            5,
            "unit",
            "row.unit_unknown.close",
            "未知单位“kWhh”；是否应为 'kwh'？（见 docs/methods.md §Units）",
        ),
        (6, "use", "row.choice_invalid", "必须是以下之一：stationary、mobile"),
    ]
    # the English reason is unchanged for logs and older callers
    assert issues[0].reason == "unknown site 'TJ9'; sites of the boundary: HF02, TJ01"
    assert str(issues[0]) == (
        "fuel_zh.csv, row 2, column 'site': unknown site 'TJ9'; sites of the boundary: HF02, "
        "TJ01 (value: 'TJ9')"
    )
    assert issue_line(issues[0], "en") == str(issues[0])
    assert issue_line(issues[0], "zh-CN") == (
        "fuel_zh.csv，第 2 行，“site”列：未知场所“TJ9”；边界内的场所有：HF02、TJ01（值：'TJ9'）"
    )


def test_a_unit_of_the_wrong_kind_reads_in_chinese(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "electricity_zh.csv", "site,date,quantity,unit\nTJ01,2024-05-01,100,L\n"
    )
    (issue,) = read_activity_file(path, context=CTX).issues
    assert issue.key == "row.unit_wrong_dimension.column"
    assert issue.reason == (
        "unit 'L' is a volume; column 'quantity' of template 'electricity' needs an energy unit"
    )
    assert (
        issue_reason(issue, "zh-CN")
        == "单位“L”是体积单位；模板“electricity”的“quantity”列需要能量单位"
    )


def test_an_unknown_column_reads_in_chinese(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "fuel_cols.csv", "site,date,fuel,qty,unit\nTJ01,2024-05-01,diesel,1,L\n"
    )
    with pytest.raises(InputFileError) as caught:
        read_activity_file(path, context=CTX)
    exc = caught.value
    assert exc.message is not None
    assert exc.message.key == "file.columns_unknown"
    assert exc.reason.startswith("unknown column(s) 'qty' (did you mean 'quantity'?); template")
    assert file_error_text(exc, "zh-CN") == (
        f"{path}：未知列 'qty'（是否应为 'quantity'？）；模板“fuel”的列为：site、date、"
        "period_end、fuel、quantity、unit、use、description、tier、dq_temporal、dq_geographical、"
        "dq_technological、dq_completeness、dq_reliability（必填：site、date、fuel、quantity、unit）"
    )


def test_a_refused_encoding_reads_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "fuel_bytes.csv"
    path.write_bytes(
        b"site,date,fuel,quantity,unit\n" + bytes([0x81, 0x30, 0xFF, 0xFE, 0x80, 0x9D]) * 3
        + b",2024-05-01,diesel,1,L\n"
    )  # fmt: skip
    with pytest.raises(InputFileError) as caught:
        read_activity_file(path, context=CTX)
    exc = caught.value
    assert exc.message == Message(
        "intake.encoding_uncertain", {"why": Message("intake.why.none", {})}
    )
    assert file_error_text(exc, "zh-CN") == (
        f"{path}：既不是 UTF-8 也不是 GB18030 文本，且无法可靠判断其编码（没有任何编码能读取它）；"
        "请声明编码（encoding=…，lingtan import --encoding cp1252），或另存为 CSV UTF-8 或 XLSX"
    )
    assert str(exc) == (
        f"{path}: is neither UTF-8 nor GB18030 text, and its encoding cannot be told with "
        "confidence (no encoding reads it); declare it (encoding=…, lingtan import --encoding "
        "cp1252) or save the file as CSV UTF-8 or as XLSX"
    )


def test_quarantined_rows_keep_key_and_parameters(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", organisation="Test Co")
    path = _write(
        tmp_path / "fuel.csv",
        "site,date,fuel,quantity,unit\nHQ,2024-05-01,natural_gas,100,m3\nHQ,2024-05-01,diesel,1,kWhh\n",
    )
    rep = import_file(ws, path)
    assert (rep.rows_accepted, rep.rows_rejected) == (1, 1)
    (q,) = ws.quarantine(rep.batch_id)
    assert (q.row, q.field, q.message_key) == (3, "unit", "row.unit_unknown.close")
    assert q.message_params == {"unit": "kWhh", "close": ["'kwh'"]}
    assert keyed_reason(q.message_key, q.message_params, q.reason, "zh-CN") == (
        "未知单位“kWhh”；是否应为 'kwh'？（见 docs/methods.md §Units）"
    )
    issue = stored_issue("fuel.csv", q)
    assert issue == rep.issues[0]
    # a row stored before keys existed keeps its English text
    assert keyed_reason(None, None, "an old reason", "zh-CN") == "an old reason"


def test_parameters_round_trip_through_json() -> None:
    params: dict[str, Param] = {"a": 1, "b": ("x", "y"), "c": msg("unit.kind.currency", code="CNY")}
    assert params_from_plain(plain_params(params)) == params
    assert params_from_plain('{"a": 1}') == {"a": 1}
    assert params_from_plain("not json") == {}


def test_an_issue_without_a_key_keeps_its_text() -> None:
    issue = RowIssue("f.csv", 2, "x", "legacy reason")
    assert issue_reason(issue, "zh-CN") == "legacy reason"


@pytest.mark.parametrize(
    ("env", "locale"),
    [
        ({"LINGTAN_LANG": "zh", "LANG": "en_US.UTF-8"}, "zh-CN"),
        ({"LINGTAN_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_GB.UTF-8"}, "zh-CN"),
        ({"LC_ALL": "de_DE.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_cli_language_from_the_environment(env: dict[str, str], locale: str) -> None:
    assert cli_locale(env) == locale
