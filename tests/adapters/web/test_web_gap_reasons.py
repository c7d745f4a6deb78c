"""The rows section of the completeness banner words "what to add" from the engine's reason in
both languages (issue 10 items 1 and 4): currency, year and series of a missing exchange rate or
price index; both units of a unit that cannot convert; the region chain searched for a factor.
The free-text (English) reason is shown as detail."""

from __future__ import annotations

from typing import Any

import pytest

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.web.rendering import TEMPLATES
from lingtan.core.completeness import assess

ECB = "ECB euro reference rates (bundled)"
FX_TEXT = (
    "no conversion: exchange rate for CNY in 2031 missing in series reference/fx_rates.csv, "
    f"then {ECB}"
)


def _fx_gap() -> dict[str, Any]:
    return {
        "lookup": "spend.naics.111110", "region_eff": "CN", "unit": "CNY", "scope": 3,
        "category": 1, "rows": 1, "quantity": 1000.0, "no_factor": False,
        "reason": {
            "kind": "fx", "text": FX_TEXT, "currency": "CNY", "year": 2031,
            "series": [{"name": "reference/fx_rates.csv", "years": ""},
                       {"name": ECB, "years": "2006–2025"}],
            "from_unit": "CNY", "to_unit": "USD", "region_chain": ["CN", "GLO"],
        },
    }  # fmt: skip


def _unit_gap() -> dict[str, Any]:
    return {
        "lookup": "material.widget", "region_eff": "CN-JS", "unit": "kWh", "scope": 3,
        "category": 1, "rows": 1, "quantity": 5.0, "no_factor": True,
        "reason": {
            "kind": "unit", "text": "kWh does not convert to t", "currency": None, "year": None,
            "series": [], "from_unit": "kWh", "to_unit": "t",
            "region_chain": ["CN-JS", "CN-GRID-EAST", "CN", "GLO"],
        },
    }  # fmt: skip


def _render(lang: str, gap: dict[str, Any]) -> str:
    group = assess([gap], fiscal_year="FY2031/32").to_dict()["groups"][0]
    module = TEMPLATES.env.get_template("_completeness.html").make_module({"t": Translator(lang)})
    return " ".join(str(module.what_to_add(group, "FY2031/32")).split())


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "an exchange rate for CNY in 2031 (series tried: reference/fx_rates.csv (no CNY), "
               f"{ECB} (CNY 2006–2025)); a row in reference/fx_rates.csv supplies it"),
        ("zh-CN", "CNY 在 2031 年的汇率（已查找的序列：reference/fx_rates.csv（无 CNY 数据）；"
                  f"{ECB}（CNY：2006–2025））；可在 reference/fx_rates.csv 中补充一行"),
    ],
)  # fmt: skip
def test_missing_rate_names_currency_year_and_series(lang: str, expected: str) -> None:
    html = _render(lang, _fx_gap())
    assert expected in html
    # the English reason as detail, marked as English
    assert f'<small class="muted" lang="en" data-testid="gap-reason">{FX_TEXT}</small>' in html


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "the quantity of material.widget in a unit convertible to t (the unit of its "
               "factors; kWh does not convert to t), or an emission factor in kWh"),
        ("zh-CN", "以可换算为 t（该活动排放因子的单位）的单位填报 material.widget 的数量"
                  "（kWh 无法换算为 t），或补充以 kWh 为单位的排放因子"),
    ],
)  # fmt: skip
def test_unit_that_cannot_convert_names_both_units(lang: str, expected: str) -> None:
    assert expected in _render(lang, _unit_gap())


def test_no_factor_names_the_region_chain() -> None:
    gap = {**_unit_gap(), "reason": {**_unit_gap()["reason"], "kind": "factor", "text": "x"}}
    html = _render("zh-CN", gap)
    assert "（已查找地区：CN-JS → CN-GRID-EAST → CN → GLO）" in html
    assert "material.widget 在 CN-JS 适用于 FY2031/32 的排放因子" in html
