"""The circularity catalogues (decision 0100): the same keys and parameters in English and
Chinese, every ``circ.*`` key the source and the template name present, every key built from a
module list (materials, routes, figures …) present, and the Chinese texts Chinese."""

from __future__ import annotations

import json
import re
import string
from datetime import date
from pathlib import Path

from lingtan.modules.circularity import kpis as km
from lingtan.modules.circularity import ledgers as lm

SRC = Path(__file__).parents[3] / "src" / "lingtan"
I18N = SRC / "adapters" / "i18n"
FILES = [
    SRC / "modules" / "circularity" / "ledgers.py",
    SRC / "modules" / "circularity" / "kpis.py",
    SRC / "adapters" / "services" / "circularity.py",
    SRC / "adapters" / "io" / "circularity_files.py",
    SRC / "adapters" / "cli" / "circularity.py",
    SRC / "adapters" / "web" / "pages" / "circularity.py",
    SRC / "adapters" / "web" / "templates" / "circularity.html",
]
_LITERAL = re.compile(r"[\"'](circ\.[a-z0-9_]+(?:\.[a-z0-9_]+)+)[\"']")


def _load(lang: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((I18N / f"circularity.{lang}.json").read_text("utf-8"))
    return data


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def _built() -> set[str]:
    keys = {f"circ.material.{m}" for m in lm.MATERIALS}
    keys |= {f"circ.fig.cumulative_net.{m}" for m in lm.MATERIALS}
    keys |= {f"circ.group.{g}" for g in lm.GROUPS} | {f"circ.kind.{k}" for k in lm.KINDS}
    keys |= {f"circ.pack.{p}" for p in lm.PACKAGING_MATERIALS}
    keys |= {f"circ.asset.{a}" for a in lm.ASSET_KINDS}
    keys |= {f"circ.programme.{p}" for p in lm.PROGRAMMES}
    keys |= {f"circ.route.{r}" for r in lm.ROUTES}
    keys |= {f"circ.device.{d}" for d in lm.DEVICE_CATEGORIES}
    keys |= {f"circ.status.{s}" for s in lm.RECYCLER_STATUSES}
    keys |= {f"circ.service.{s}" for s in lm.RECYCLER_SERVICES}
    day = date(2023, 1, 1)
    figures = km.compute(km.Ledgers(), km.Period("2023", day, day))
    keys |= {f"circ.fig.{k}" for k in km.KPIS} | {f"circ.formula.{k}" for k in km.KPIS}
    keys |= {f"circ.fig.{f.key}" for f in figures} | {f.reason for f in figures if f.reason}
    return keys


def test_same_keys_and_parameters() -> None:
    en, zh = _load("en"), _load("zh-CN")
    assert set(en) == set(zh)
    for key in en:
        assert key.startswith("circ."), key
        assert _fields(en[key]) == _fields(zh[key]), key


def test_every_used_key_is_in_both_catalogues() -> None:
    used = set()
    for path in FILES:
        used |= set(_LITERAL.findall(path.read_text(encoding="utf-8")))
    used |= _built()
    assert len(used) > 150
    for lang in ("en", "zh-CN"):
        missing = sorted(k for k in used if k not in _load(lang))
        assert missing == [], f"{lang}: {missing}"


def test_chinese_texts_are_chinese() -> None:
    zh = _load("zh-CN")
    han = re.compile(r"[\u4e00-\u9fff]")
    latin_only = [k for k, v in zh.items() if not han.search(v) and k != "circ.col.kg"]
    assert latin_only == []
