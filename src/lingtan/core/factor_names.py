"""Chinese and English names of activity types and fuels, and the aliases an import accepts.

One table, :data:`NAMES`, serves three uses (decision 0055):

* **search** — the factor search finds ``柴油``, ``天然气``, ``电力`` … (:func:`search_names`);
* **display** — a factor group shows its Chinese name on zh pages (:func:`zh_name`);
* **import** — an activity cell ``柴油`` (or ``０号柴油``, full width) in a ``fuel`` column, or
  ``电力`` in an ``activity_type`` column, becomes the same activity type as ``diesel`` /
  ``electricity.grid`` (:func:`resolve_activity_alias`), and ``蒸汽`` in the ``type`` column of
  the ``energy`` template the choice ``steam`` (:func:`choice_alias`).

Sources of the Chinese names (facts, not copied text):

* ``GB/T 2589``: GB/T 2589—2020 综合能耗计算通则, Appendix A (energy carrier names: 原煤, 洗精煤,
  焦炭, 原油, 燃料油, 汽油, 煤油, 柴油, 液化石油气, 炼厂干气, 天然气, 焦炉煤气, 电力, 热力, 蒸汽);
* ``MEE``: the MEE accounting and reporting guidelines for enterprises (国家发展改革委/生态环境部
  《企业温室气体排放核算方法与报告指南》, e.g. 发电设施 2022 edition, table of default fuel
  parameters: 无烟煤, 烟煤, 褐煤, 液化天然气, 高炉煤气, 石油焦 …) and the MEE/NBS electricity
  factor announcements (电力二氧化碳排放因子);
* ``lingtan``: common usage for types neither names (货运, 差旅 …), kept short.

An alias is *accepted* in imports only for the one type it names (``accept=True``); names
shared by several types (``汽油`` for DESNZ ``petrol`` and EPA ``motor_gasoline``) resolve to
the type the templates document. ``煤`` alone names no single fuel (raw coal, anthracite and
bituminous coal differ by a third in CO2 per tonne), so it is searchable but not accepted.

Matching ignores case, character width (NFKC: ``０`` = ``0``, ``（`` = ``(``) and blanks.
Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

GBT_2589 = "GB/T 2589—2020 附录A"
MEE = "生态环境部 企业温室气体排放核算方法与报告指南"
MEE_GRID = "生态环境部/国家统计局 电力二氧化碳排放因子公告"
LINGTAN = "lingtan"


@dataclass(frozen=True)
class ActivityName:
    """The names of one activity type (or of a family of types: a prefix such as
    ``freight.road``).

    Attributes:
        activity_type: the type or prefix, e.g. ``fuel.diesel``.
        zh: Chinese name shown on zh pages, e.g. ``柴油``.
        en: English name.
        aliases: further names (Chinese or English) found by search and, when ``accept``,
            accepted in imports.
        source: where the Chinese name comes from (``GB/T 2589``, ``MEE`` …).
        accept: True when the name and aliases stand for this type in an import.
    """

    activity_type: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    source: str = LINGTAN
    accept: bool = True


def _n(
    t: str, zh: str, en: str, *aliases: str, src: str = LINGTAN, accept: bool = True
) -> ActivityName:
    return ActivityName(t, zh, en, tuple(aliases), src, accept)


#: Every named activity type or family, most specific names of fuels first.
NAMES: tuple[ActivityName, ...] = (
    # fuels (Scope 1 combustion)
    _n("fuel.diesel", "柴油", "diesel", "0号柴油", "0#柴油", "轻柴油", "车用柴油", src=GBT_2589),
    _n("fuel.diesel_mineral", "矿物柴油", "mineral diesel", src=LINGTAN),
    _n("fuel.biodiesel", "生物柴油", "biodiesel", src=LINGTAN),
    _n(
        "fuel.petrol",
        "汽油",
        "petrol",
        "gasoline",
        "车用汽油",
        "92号汽油",
        "95号汽油",
        src=GBT_2589,
    ),
    _n("fuel.motor_gasoline", "汽油（车用）", "motor gasoline", src=GBT_2589, accept=False),
    _n("fuel.natural_gas", "天然气", "natural gas", "管道天然气", "管道燃气", src=GBT_2589),
    _n("fuel.lng", "液化天然气", "LNG", src=MEE),
    _n("fuel.cng", "压缩天然气", "CNG", src=LINGTAN),
    _n("fuel.lpg", "液化石油气", "LPG", src=GBT_2589),
    _n("fuel.kerosene", "煤油", "kerosene", "一般煤油", src=GBT_2589),
    _n("fuel.aviation_turbine_fuel", "航空煤油", "aviation turbine fuel", "航煤", src=MEE),
    _n("fuel.kerosene_type_jet_fuel", "喷气煤油", "jet fuel", src=MEE, accept=False),
    _n("fuel.fuel_oil", "燃料油", "fuel oil", "重油", src=GBT_2589),
    _n("fuel.crude_oil", "原油", "crude oil", src=GBT_2589),
    _n("fuel.naphtha", "石脑油", "naphtha", src=MEE),
    _n("fuel.lubricants", "润滑油", "lubricants", src=MEE),
    _n("fuel.petroleum_coke", "石油焦", "petroleum coke", src=MEE),
    _n("fuel.coal_anthracite", "无烟煤", "anthracite", src=MEE),
    _n("fuel.coal_bituminous", "烟煤", "bituminous coal", src=MEE),
    _n("fuel.coal_sub_bituminous", "次烟煤", "sub-bituminous coal", src=LINGTAN),
    _n("fuel.coal_lignite", "褐煤", "lignite", src=MEE),
    _n(
        "fuel.coal_industrial",
        "工业用煤",
        "industrial coal",
        "煤",
        "煤炭",
        "原煤",
        src=GBT_2589,
        accept=False,
    ),
    _n("fuel.coal_coke", "焦炭", "coke", src=GBT_2589),
    _n("fuel.coking_coal", "炼焦煤", "coking coal", src=LINGTAN),
    _n("fuel.coke_oven_gas", "焦炉煤气", "coke-oven gas", src=GBT_2589),
    _n("fuel.blast_furnace_gas", "高炉煤气", "blast-furnace gas", src=MEE),
    _n("fuel.propane", "丙烷", "propane", src=LINGTAN),
    _n("fuel.butane", "丁烷", "butane", src=LINGTAN),
    _n("fuel.biogas", "沼气", "biogas", src=LINGTAN),
    _n("fuel.landfill_gas", "填埋气", "landfill gas", src=LINGTAN),
    _n("fuel.wood_pellets", "木质颗粒燃料", "wood pellets", src=LINGTAN),
    _n("fuel.wood_chips", "木片", "wood chips", src=LINGTAN),
    _n("fuel.wood_logs", "木柴", "wood logs", src=LINGTAN),
    _n("fuel.municipal_solid_waste", "生活垃圾", "municipal solid waste", src=LINGTAN),
    _n("fuel", "燃料", "fuel", src=LINGTAN, accept=False),
    # electricity, heat, steam (Scope 2)
    _n(
        "electricity.grid",
        "电网电力",
        "grid electricity",
        "电力",
        "电",
        "外购电力",
        "购入电力",
        "网电",
        src=MEE_GRID,
    ),
    _n(
        "electricity.residual_mix",
        "电力（剩余组合）",
        "electricity, residual mix",
        "剩余组合",
        src=MEE_GRID,
        accept=False,
    ),
    _n(
        "electricity.ets_reporting",
        "电力（碳市场报告）",
        "electricity, ETS reporting",
        "全国电网平均排放因子",
        src=MEE_GRID,
        accept=False,
    ),
    _n("electricity.ev", "电动汽车用电", "electric vehicles", src=LINGTAN, accept=False),
    _n("heat.steam", "蒸汽", "steam", "外购蒸汽", src=GBT_2589),
    _n(
        "heat.district",
        "热力",
        "district heat",
        "外购热力",
        "供热",
        "集中供热",
        "供暖",
        src=GBT_2589,
    ),
    _n("heat.onsite", "自产热力", "on-site heat", src=LINGTAN, accept=False),
    _n("cooling.district", "冷量", "district cooling", "外购冷量", "供冷", src=LINGTAN),
    _n("td_loss", "输配损耗", "transmission and distribution losses", src=LINGTAN, accept=False),
    _n("wtt", "上游燃料（井到罐）", "well-to-tank", src=LINGTAN, accept=False),
    # transport and travel (Scope 3)
    _n("freight.road", "公路货运", "road freight", src=LINGTAN, accept=False),
    _n("freight.rail", "铁路货运", "rail freight", src=LINGTAN, accept=False),
    _n("freight.sea", "海运", "sea freight", src=LINGTAN, accept=False),
    _n("freight.air", "航空货运", "air freight", src=LINGTAN, accept=False),
    _n("freight", "货运", "freight", src=LINGTAN, accept=False),
    _n("travel.air", "飞机出行", "air travel", src=LINGTAN, accept=False),
    _n("travel.rail", "火车出行", "rail travel", src=LINGTAN, accept=False),
    _n("travel", "差旅", "business travel", src=LINGTAN, accept=False),
    _n("hotel", "酒店住宿", "hotel stay", src=LINGTAN, accept=False),
    _n("vehicle", "自有车辆", "owned vehicles", src=LINGTAN, accept=False),
    _n("water.supply", "自来水", "water supply", src=LINGTAN, accept=False),
    _n("water.treatment", "污水处理", "water treatment", src=LINGTAN, accept=False),
    _n("waste", "废弃物", "waste", src=LINGTAN, accept=False),
    _n("material", "材料", "materials", src=LINGTAN, accept=False),
    _n("spend", "采购支出", "spend", src=LINGTAN, accept=False),
)

#: Chinese values of the choice columns that form an activity type: ``source`` of
#: ``electricity`` (grid / onsite_renewable), ``type`` of ``energy`` (steam / heat / cooling),
#: ``use`` of ``fuel`` (stationary / mobile). Folded value → choice.
CHOICE_ALIASES: dict[str, str] = {
    "电网": "grid",
    "电力": "grid",
    "电网电力": "grid",
    "外购电力": "grid",
    "自发自用可再生能源": "onsite_renewable",
    "自发绿电": "onsite_renewable",
    "蒸汽": "steam",
    "外购蒸汽": "steam",
    "热力": "heat",
    "外购热力": "heat",
    "供热": "heat",
    "供暖": "heat",
    "冷量": "cooling",
    "供冷": "cooling",
    "固定燃烧": "stationary",
    "固定源": "stationary",
    "移动燃烧": "mobile",
    "移动源": "mobile",
}

_BLANKS = re.compile(r"[\s_\-]+")


def fold(text: str) -> str:
    """``text`` as names are compared: NFKC (full-width → half-width), case-folded, blanks,
    ``_`` and ``-`` collapsed to one ``_``, trimmed (``"０号 柴油"`` → ``"0号_柴油"``)."""
    return _BLANKS.sub("_", unicodedata.normalize("NFKC", text).casefold()).strip("_")


@cache
def _by_type() -> dict[str, ActivityName]:
    return {n.activity_type: n for n in NAMES}


@cache
def _accepted() -> dict[str, str]:
    """Folded name or alias → activity type, over the accepted entries."""
    out: dict[str, str] = {}
    for n in NAMES:
        if not n.accept:
            continue
        for name in (n.zh, *n.aliases):
            out.setdefault(fold(name), n.activity_type)
    return out


def _named(activity_type: str) -> ActivityName | None:
    """The entry of ``activity_type`` or of its longest named prefix (``fuel.diesel.nonroad``
    → ``fuel.diesel``)."""
    table = _by_type()
    parts = activity_type.split(".")
    for i in range(len(parts), 0, -1):
        found = table.get(".".join(parts[:i]))
        if found is not None:
            return found
    return None


def zh_name(activity_type: str) -> str | None:
    """The Chinese name of ``activity_type``, of its own or of its nearest named family;
    None when neither is named."""
    found = _named(activity_type)
    return None if found is None else found.zh


@cache
def search_names(activity_type: str) -> str:
    """The folded Chinese and English names and aliases of ``activity_type`` and of every
    named family above it, joined by blanks: the text a factor search matches besides the
    type itself."""
    table = _by_type()
    parts = activity_type.split(".")
    words: list[str] = []
    for i in range(len(parts), 0, -1):
        n = table.get(".".join(parts[:i]))
        if n is not None:
            words += [fold(w) for w in (n.zh, n.en, *n.aliases)]
    return " ".join(words)


def own_names(activity_type: str) -> tuple[str, ...]:
    """The folded names and aliases of ``activity_type``'s own entry (not of its family)."""
    n = _by_type().get(activity_type)
    return () if n is None else tuple(fold(w) for w in (n.zh, n.en, *n.aliases))


#: Searches that name an energy measure, not an emission factor: tonnes of standard coal
#: equivalent (GB/T 2589) convert energy use, they carry no emissions of their own.
STANDARD_COAL_TERMS: frozenset[str] = frozenset(
    {"标准煤", "折标煤", "标煤", "tce", "kgce", "standard_coal"}
)


def is_standard_coal(query: str) -> bool:
    """True when ``query`` names standard coal equivalent (see :data:`STANDARD_COAL_TERMS`)."""
    return fold(query) in STANDARD_COAL_TERMS


def resolve_activity_alias(value: str, prefix: str = "") -> str | None:
    """The activity-type part a Chinese (or alternative) name stands for in an import, or None.

    ``prefix`` is what the template puts before the cell (``"fuel."`` for the ``fuel``
    column, ``""`` for a full ``activity_type``): ``resolve_activity_alias("柴油", "fuel.")``
    → ``"diesel"``; ``resolve_activity_alias("电力")`` → ``"electricity.grid"``; a name of
    another family (``电力`` in a ``fuel`` column) → None.
    """
    found = _accepted().get(fold(value))
    if found is None or not found.startswith(prefix) or found == prefix.rstrip("."):
        return None
    return found[len(prefix) :]


def choice_alias(value: str, choices: Sequence[str]) -> str | None:
    """The choice a Chinese value of an activity-forming choice column stands for
    (:data:`CHOICE_ALIASES`), when it is one of ``choices``; else None."""
    found = CHOICE_ALIASES.get(fold(value))
    return found if found is not None and found in choices else None
