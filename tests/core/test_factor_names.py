"""Chinese names of activity types and fuels (decision 0055): search text, display names,
import aliases (full-width and case-insensitive), and the import of Chinese fuel names."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pyarrow as pa

from lingtan.core.factor_names import (
    CHOICE_ALIASES,
    NAMES,
    choice_alias,
    fold,
    is_standard_coal,
    resolve_activity_alias,
    search_names,
    zh_name,
)
from lingtan.core.templates import NormaliseContext, get_template, match_choice, normalise

CTX = NormaliseContext(source="燃料.csv", sites={"TJ01": "CN-TJ"}, default_region="CN")
D = date(2024, 5, 1)


def _run(template: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    tpl = get_template(template)
    cols = {c.name: pa.array([r.get(c.name) for r in rows], c.arrow_type) for c in tpl.columns}
    cols["source_row"] = pa.array(range(2, 2 + len(rows)), pa.int32())
    res = normalise(template, pa.table(cols), CTX)
    assert res.issues == [], [str(i) for i in res.issues]
    out: list[dict[str, Any]] = res.activities.to_pylist()
    return out


def test_fold_ignores_width_case_and_blanks() -> None:
    assert fold("０号　柴油") == "0号_柴油"  # full-width digit and ideographic space
    assert fold(" Natural-Gas ") == "natural_gas"
    assert fold("ＬＰＧ") == "lpg"


def test_each_accepted_name_stands_for_one_type() -> None:
    accepted = Counter(fold(w) for n in NAMES if n.accept for w in (n.zh, *n.aliases))
    assert [w for w, c in accepted.items() if c > 1] == []
    assert len({n.activity_type for n in NAMES}) == len(NAMES)
    assert all(fold(k) == k for k in CHOICE_ALIASES)


def test_aliases_resolve_in_their_column_only() -> None:
    assert resolve_activity_alias("柴油", "fuel.") == "diesel"
    assert resolve_activity_alias("０号柴油", "fuel.") == "diesel"  # full width
    assert resolve_activity_alias("天然气", "fuel.") == "natural_gas"
    assert resolve_activity_alias("液化石油气", "fuel.") == "lpg"
    assert resolve_activity_alias("电力") == "electricity.grid"
    assert resolve_activity_alias("蒸汽") == "heat.steam"
    assert resolve_activity_alias("电力", "fuel.") is None  # electricity is no fuel
    assert resolve_activity_alias("煤", "fuel.") is None  # raw coal or anthracite? not guessed
    assert resolve_activity_alias("diesel", "fuel.") is None  # English goes the usual way
    assert choice_alias("蒸汽", ("steam", "heat", "cooling")) == "steam"
    assert choice_alias("电网", ("grid", "onsite_renewable")) == "grid"
    assert choice_alias("蒸汽", ("grid",)) is None
    assert match_choice("热力", ("steam", "heat", "cooling")) == "heat"


def test_display_and_search_names_of_a_family() -> None:
    assert zh_name("fuel.diesel") == "柴油"
    assert zh_name("fuel.diesel.nonroad.locomotives") == "柴油"  # nearest named family
    assert zh_name("electricity.grid") == "电网电力"
    assert zh_name("unknown.thing") is None
    text = search_names("fuel.diesel.nonroad.locomotives")
    assert {"柴油", "燃料", "diesel"} <= set(text.split())
    assert [is_standard_coal(q) for q in ("标准煤", " TCE ", "煤")] == [True, True, False]


def test_chinese_fuel_names_import_as_the_english_ones() -> None:
    rows = [
        {"site": "TJ01", "date": D, "fuel": "柴油", "quantity": 80.0, "unit": "L"},
        {"site": "TJ01", "date": D, "fuel": "diesel", "quantity": 20.0, "unit": "L"},
        {"site": "TJ01", "date": D, "fuel": "天然气", "quantity": 1500.0, "unit": "m3",
         "use": "固定燃烧"},
        {"site": "TJ01", "date": D, "fuel": "ＬＰＧ", "quantity": 10.0, "unit": "kg"},
        {"site": "TJ01", "date": D, "fuel": "液化石油气", "quantity": 5.0, "unit": "kg",
         "use": "移动燃烧"},
    ]  # fmt: skip
    got = _run("fuel", rows)
    assert [(a["activity_type"], a["category"]) for a in got] == [
        ("fuel.diesel", 1),
        ("fuel.diesel", 1),
        ("fuel.natural_gas", 1),
        ("fuel.lpg", 1),  # full-width ＬＰＧ: NFKC, lower-cased
        ("fuel.lpg", 2),
    ]
    # the cell as written stays with the row (lineage shows the description)
    assert [a["description"] for a in got] == [
        "fuel: 柴油",
        None,
        "fuel: 天然气",
        None,
        "fuel: 液化石油气",
    ]


def test_chinese_activity_type_electricity_and_steam() -> None:
    got = _run("activity", [
        {"date": D, "scope": 2, "category": 1, "activity_type": "电力", "quantity": 1000.0,
         "unit": "kWh"},
        {"date": D, "scope": 2, "category": 1, "activity_type": "electricity.grid",
         "quantity": 1.0, "unit": "kWh"},
    ])  # fmt: skip
    assert [a["activity_type"] for a in got] == ["electricity.grid", "electricity.grid"]
    assert got[0]["description"] == "activity_type: 电力"
    got = _run("energy", [
        {"site": "TJ01", "date": D, "type": "蒸汽", "quantity": 350.0, "unit": "t"},
        {"site": "TJ01", "date": D, "type": "热力", "quantity": 120.0, "unit": "GJ"},
    ])  # fmt: skip
    assert [(a["activity_type"], a["category"]) for a in got] == [
        ("heat.steam", 2),
        ("heat.district", 3),
    ]
    got = _run("electricity", [{"site": "TJ01", "date": D, "quantity": 5.0, "unit": "MWh",
                                "source": "电网"}])  # fmt: skip
    assert got[0]["activity_type"] == "electricity.grid"
