"""Errors of the factor-file, published-figures and reference-table readers as catalogue keys
(decision 0053, readers addendum): the English ``str()`` as before, the same error in Chinese
exactly as ``readers.zh-CN.json`` says (texts copied by hand with the parameters filled in), and
the refusal of a service shown in the reader's words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lingtan.adapters.i18n.readers import cause_text, error_text, refusal_text
from lingtan.adapters.io.factor_files import read_user_factor_set
from lingtan.adapters.io.library import read_reference
from lingtan.adapters.io.published_figures import PublishedFiguresError, parse_published_figures
from lingtan.core.errors import FactorError, InputFileError
from lingtan.core.periods import FiscalCalendar

I18N = Path(__file__).parents[3] / "src" / "lingtan" / "adapters" / "i18n"
HEADER = "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition\n"
GOOD = "a/1,fuel.diesel,CN,L,CO2,2.6,2024-01-01,P,D,1\n"


def _factor_error(path: Path, text: str) -> FactorError:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactorError) as info:
        read_user_factor_set(path)
    return info.value


@pytest.mark.parametrize(
    ("name", "text", "english", "chinese"),
    [
        (
            "a.csv",
            HEADER + GOOD + "a/2,fuel.diesel,CN,kWhh,CO2,2.6,2024-01-01,P,D,1\n",
            "a.csv, row 3: column 'unit': unknown unit 'kWhh'",
            "a.csv，第 3 行：“unit”列：未知单位 'kWhh'",
        ),
        (
            "b.csv",
            HEADER.replace("edition", "edition,colour") + "x\n",
            "b.csv, row 1: unknown column(s) colour",
            "b.csv，第 1 行：未知列：colour",
        ),
        (
            "c.csv",
            HEADER + GOOD.replace(",CO2,", ",CO2e,"),
            "c.csv, row 2: column 'gwp_set': a CO2e value must state its GWP set",
            "c.csv，第 2 行：“gwp_set”列：以 CO2e 表示的因子必须注明所用的 GWP 版本",
        ),
        (
            "d.csv",
            HEADER + GOOD + GOOD.replace("diesel", "petrol"),
            "d.csv: factor id 'a/1' appears twice in set 'd'",
            "d.csv：因子编号 'a/1' 在因子集 'd' 中出现了两次",
        ),
        (
            "e.csv",
            HEADER
            + GOOD
            + GOOD.replace("a/1", "a/2").replace(",P,", ",Q,").replace("diesel", "petrol"),
            "e.csv: rows name several publishers (P, Q …); add a manifest e.yaml stating the "
            "set's publisher",
            "e.csv：各行填写的 publisher 不一致（P、Q …）；请添加说明文件 e.yaml，注明该因子集的 "
            "publisher",
        ),
        (
            "f.yaml",
            "name: f\npublisher: P\ndataset: D\nedition: '1'\nfactors:\n"
            "  - {activity_type: a, region: CN, unit: L, gas: CO2, value: [1]}\n",
            "f.yaml, factor 1, column 'value': expected a single value, got [1]",
            "f.yaml，第 1 个因子，“value”字段：应为单个值，实际为 [1]",
        ),
        (
            "g.csv",
            HEADER + GOOD.replace("2024-01-01", "2024-31-01"),
            "g.csv, row 2: column 'valid_from': not a date (YYYY-MM-DD): '2024-31-01'",
            "g.csv，第 2 行：“valid_from”列：不是日期（格式应为 YYYY-MM-DD）：'2024-31-01'",
        ),
    ],
)
def test_factor_file_errors_in_english_and_chinese(
    tmp_path: Path, name: str, text: str, english: str, chinese: str
) -> None:
    exc = _factor_error(tmp_path / name, text)
    assert str(exc) == english
    assert error_text(exc, "en") == english
    assert error_text(exc, "zh-CN") == chinese


def test_a_factor_file_not_in_utf8_is_refused_with_a_key(tmp_path: Path) -> None:
    p = tmp_path / "gbk.csv"
    p.write_bytes((HEADER + GOOD.replace(",P,", ",供应商,")).encode("gbk"))
    with pytest.raises(FactorError) as info:
        read_user_factor_set(p)
    assert info.value.message is not None
    assert error_text(info.value, "zh-CN") == (
        "gbk.csv：不是 UTF-8 文本（invalid start byte）；请将文件另存为 UTF-8 编码"
    )


FIGURES = "id,fiscal_year,kind,value,unit,decimals,lingtan,region,parts,group\n"


def test_published_figures_issues_in_chinese_one_per_line() -> None:
    text = FIGURES + (
        'B,FY2023/24,share,1,t,2,"share(scope1, total)",,,\n'  # a share in t
        "C,FY2023/24,scope_total,x,t,0,scope9,,,\n"  # value, selector
        "N2,FY2023/24,project_tco2e,2510,t,0,grid_tco2e(C),,,\n"
    )
    with pytest.raises(PublishedFiguresError) as info:
        parse_published_figures(text, "figures.csv", FiscalCalendar(4))
    exc = info.value
    assert str(exc).splitlines()[:2] == [
        "figures.csv: 3 problem(s); nothing was read:",
        "  figures.csv, row 2, column 'unit': a share is in % (value: 't')",
    ]
    assert error_text(exc, "zh-CN") == (
        "figures.csv：发现 3 个问题，未读取任何数据：\n"
        "  figures.csv，第 2 行，“unit”列：占比的单位应为 %（值：'t'）\n"
        "  figures.csv，第 3 行，“value”列：'x' 不是数字（值：'x'）\n"
        "  figures.csv，第 3 行，“lingtan”列：未知的量 'scope9'；可用的量：scope1、scope2_market、"
        "scope2_location、scope3、total、total_market、total_location、s3.c1 … s3.c15"
        "（值：'scope9'）"
    )
    # cross-row problems (core.reconcile.reference_problems) are keyed too
    text = (
        FIGURES
        + "E,FY2023/24,energy,1,GWh,0,-,,,\nN2,FY2023/24,project_tco2e,1,t,0,grid_tco2e(E),,,\n"
    )
    with pytest.raises(PublishedFiguresError) as info:
        parse_published_figures(text, "figures.csv", FiscalCalendar(4))
    assert [(i.row, i.field, i.key) for i in info.value.issues] == [
        (3, "region", "reader.figures.grid_region")
    ]
    assert error_text(info.value, "zh-CN").splitlines()[1] == (
        "  figures.csv，第 3 行，“region”列：grid_tco2e 数据项需要填写电网所在区域（region）"
    )


def test_unusable_figures_file_and_reference_table(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as info:
        parse_published_figures("id,kind\n", "figures.csv", FiscalCalendar(4))
    assert error_text(info.value, "zh-CN") == (
        "figures.csv：缺少列：fiscal_year、value、unit、decimals、lingtan"
    )
    p = tmp_path / "fx_rates.csv"
    p.write_text("year,currency,per_usd\n2023,CNY,abc\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        read_reference(p, "per_usd")
    assert info.value.reason == "row 2, column 'per_usd': 'abc' is not a number"
    assert error_text(info.value, "zh-CN") == f"{p}：第 2 行“per_usd”列：'abc' 不是数字"
    p.write_text("year,currency,per_usd\n2023,CNY,-1\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"row 2, column 'per_usd': must be > 0"):
        read_reference(p, "per_usd")


class _RefusalError(Exception):
    """A service's refusal with a catalogue key, as services.boundary.SetupError."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def test_a_refusal_shows_the_readers_words_behind_it(tmp_path: Path) -> None:
    reader = _factor_error(tmp_path / "own.csv", HEADER + GOOD.replace(",2.6,", ",abc,"))
    refusal = _RefusalError("setup.err.factor_file", detail=str(reader))
    refusal.__cause__ = reader  # as ``raise SetupError(...) from exc`` in the service
    assert cause_text(refusal, "zh-CN") == "own.csv，第 2 行：“value”列：不是数字：'abc'"
    assert refusal_text(refusal, "zh-CN") == (
        "因子文件未被接受，未做任何更改：own.csv，第 2 行：“value”列：不是数字：'abc'"
    )
    assert refusal_text(refusal, "en") == (
        "The factor file was not accepted, nothing was changed: own.csv, row 2: column "
        "'value': not a number: 'abc'"
    )
    assert refusal_text(ValueError("plain"), "zh-CN") is None


def test_readers_catalogues_have_the_same_keys_and_parameters() -> None:
    en = json.loads((I18N / "readers.en.json").read_text(encoding="utf-8"))
    zh = json.loads((I18N / "readers.zh-CN.json").read_text(encoding="utf-8"))
    assert set(en) == set(zh)
    assert len(en) > 80
