"""The ``supplier_factors`` catalogues (decision 0066): the same keys and parameters in both
languages, and every refusal of :mod:`lingtan.modules.suppliers.specific_factors` renders in
Chinese and English from its key and parameters."""

from __future__ import annotations

import json
import math
import string
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lingtan.adapters.i18n.messages import CATALOGUE_DIR, Translator
from lingtan.modules.suppliers.specific_factors import SupplierFactorError, supplier_factor


def _load(locale: str) -> dict[str, str]:
    data: dict[str, str] = json.loads(
        Path(CATALOGUE_DIR / f"supplier_factors.{locale}.json").read_text(encoding="utf-8")
    )
    return data


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_same_keys_and_parameters() -> None:
    en, zh = _load("en"), _load("zh-CN")
    assert set(en) == set(zh)
    for key in en:
        assert key.startswith("supplier_factors.")
        assert _fields(en[key]) == _fields(zh[key]), key


BASE: dict[str, Any] = {
    "supplier": "S-A", "fiscal_year": "FY2023/24", "valid_from": date(2023, 4, 1),
    "valid_to": date(2024, 4, 1), "allocated_t": 1.0, "denominator": 100.0, "unit": "CNY",
    "basis": "spend", "allocation_method": "revenue_share", "response_id": 1,
}  # fmt: skip


@pytest.mark.parametrize(
    "kw",
    [
        {"supplier": ""},
        {"basis": "mass"},
        {"valid_to": date(2023, 4, 1)},
        {"allocated_t": math.nan},
        {"denominator": 0.0},
        {"denominator": 0.0, "basis": "quantity", "unit": "t"},
        {"denominator": -1.0},
        {"denominator_usd": 1.0},
    ],
)
@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_refusals_render_from_the_catalogue(kw: dict[str, Any], locale: str) -> None:
    with pytest.raises(SupplierFactorError) as err:
        supplier_factor(**{**BASE, **kw})
    t = Translator(locale)
    assert t.has(err.value.key)
    text = t(err.value.key, **err.value.params)
    assert "{" not in text
    assert text
