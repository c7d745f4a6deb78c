"""Import templates: what each input file looks like, and how its rows become activities.

This module is the executable form of ``docs/templates.md``. It is pure: it never opens a file.
The reading side (CSV/XLSX, typing of cells) is :mod:`lingtan.adapters.io.intake`, which hands
:func:`normalise` a table of already-typed columns plus a ``source_row`` column.

Each :class:`Template` declares its :class:`Column` s; :func:`normalise` validates the rows and
turns every valid row into one normalised activity (:data:`NORMALISED_SCHEMA` = the columns of
:data:`lingtan.core.activities.ACTIVITY_SCHEMA` less ``row_id`` and ``batch_id``, which the caller
assigns). Invariant: **every row either becomes an activity or is reported as a**
:class:`~lingtan.core.errors.RowIssue` **, never both and never neither** — a row with any issue
produces no activity, so nothing is silently dropped and nothing wrong is silently counted.

Standards the classification and formulas follow:

- Scope 1 and 2 categories: GHG Protocol Corporate Standard (2004) ch. 4; Scope 2: GHG Protocol
  Scope 2 Guidance (2015) ch. 6 (location- and market-based from one activity row, contractual
  instruments per Table 7.1).
- Scope 3 categories: GHG Protocol Scope 3 Standard (2011) ch. 5 and Table 5.4, with the methods of
  the Technical Guidance for Calculating Scope 3 Emissions (2013), category by category.
- Refrigerants: GHG Protocol HFC tool ("Calculating HFC and PFC emissions from the manufacturing,
  installation, operation and disposal of refrigeration and air-conditioning equipment", v1.0) and
  IPCC 2006 Guidelines Vol. 3 ch. 7 (mass-balance and screening methods).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lingtan.core.activities import ACTIVITY_SCHEMA, CATEGORIES, DQ_INDICATORS, Basis, Tier
from lingtan.core.errors import InputFileError, LingtanError, RowIssue, UnitError
from lingtan.core.gwp import normalise_gas
from lingtan.core.periods import FiscalCalendar
from lingtan.core.units import ALIASES, conversion_factor, currency_code, dimension_name, parse_unit

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: How a cell is typed by the reader (see :mod:`lingtan.adapters.io.intake`).
ColumnKind = Literal["text", "number", "integer", "date", "bool", "choice", "unit"]

_ARROW_TYPES: dict[str, Any] = {
    "text": pa.string(),
    "unit": pa.string(),
    "choice": pa.string(),
    "number": pa.float64(),
    "integer": pa.int64(),
    "date": pa.date32(),
    "bool": pa.bool_(),
}

#: The normalised activities every template except ``instrument`` produces: the activity schema
#: less ``row_id`` and ``batch_id`` (assigned by the caller when the batch is stored).
NORMALISED_SCHEMA = pa.schema(
    [f for f in ACTIVITY_SCHEMA if f.name not in ("row_id", "batch_id", "key_id")]
)

#: Contractual instruments for the Scope 2 market-based method (GHG Protocol Scope 2 Guidance
#: ch. 7, Table 7.1), produced by the ``instrument`` template.
INSTRUMENT_SCHEMA = pa.schema(
    [
        pa.field("instrument_id", pa.string(), nullable=False),  # unique in the file
        pa.field("type", pa.string(), nullable=False),  # gec | rec | i-rec | go | ppa | …
        pa.field("quantity_kwh", pa.float64(), nullable=False),  # [kWh], converted
        pa.field("emission_rate_kg_per_kwh", pa.float64(), nullable=False),  # [kg CO2e/kWh]
        pa.field("region", pa.string(), nullable=False),  # market the instrument is valid in
        pa.field("site", pa.string()),  # null = pooled for the whole market
        pa.field("vintage_start", pa.date32(), nullable=False),
        pa.field("vintage_end", pa.date32(), nullable=False),  # inclusive
        pa.field("source_row", pa.int32(), nullable=False),
        pa.field("description", pa.string()),
    ]
)

#: Activity-type prefixes resolved by built-in identity factors, not by the factor library.
BUILTIN_PREFIXES: tuple[str, ...] = ("gas.", "co2e.")
#: Activity types resolved by built-in factors (0 kg CO2e per kWh of own renewable generation).
BUILTIN_TYPES: frozenset[str] = frozenset({"electricity.onsite_renewable"})

#: Units' dimensions a unit column may require → the phrase used in messages.
DIMENSIONS: dict[str, str] = {
    "energy": "an energy unit",
    "mass": "a mass unit",
    "length": "a length unit",
    "currency": "a currency (ISO 4217 code such as CNY or USD, or 元 / 万元)",
    "energy_or_mass": "an energy unit (or a mass unit such as t, for steam only)",
    "co2e_mass": "a mass unit of CO2e (t or kg)",
    "fuel_amount": "an amount of fuel: a volume, mass or energy unit (L, m3, kg, t, GJ, kWh …)",
}

_DIM_REFERENCE: dict[str, str] = {
    "energy": "kWh",
    "mass": "kg",
    "length": "km",
    "volume": "m3",
    "energy_ncv": "kWh_ncv",
    "energy_gcv": "kWh_gcv",
}
_CO2E_SUFFIX = re.compile(r"\s*[-_ ]?\s*co2[-_ ]?(e|eq|equivalent)\.?\s*$", re.IGNORECASE)
_REGION_RE = re.compile(r"^[A-Z]{2,3}(-[A-Z0-9]+)*$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_WS_RE = r"\s+"

#: Informational columns whose text is kept in the activity's ``description`` (there is no other
#: place for it in the activity schema) → the label it is given there.
_INFO_COLUMNS: dict[str, str] = {
    "supplier": "supplier",
    "product": "product",
    "investee": "investee",
    "source_note": "source",
}


class UnknownTemplateError(LingtanError):
    """A template name that lingtan does not know."""

    def __init__(self, name: str) -> None:
        close = difflib.get_close_matches(name.strip().lower(), list(TEMPLATES), n=3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        super().__init__(f"unknown template {name!r}{hint} (templates: {', '.join(TEMPLATES)})")
        self.name = name
        self.suggestions = close


@dataclass(frozen=True)
class Column:
    """One column of an import template.

    Attributes:
        name: header name (matched case-insensitively by the reader).
        kind: how the reader types the cell: text, number (float), integer, date, bool, choice
            (one of ``choices``, case-insensitive) or unit (a unit expression, checked here).
        required: an empty cell is an error.
        default: value of an empty optional cell (None = no default or a contextual one).
        choices: allowed values of a ``choice`` column.
        dimension: for ``unit`` columns, a key of :data:`DIMENSIONS` the unit must have
            (None = any unit lingtan knows).
        description: what to write, in English (shown in the XLSX README sheet).
        example: the value of the example row written by ``lingtan template``.
        description_zh: the same description in Chinese.
    """

    name: str
    kind: ColumnKind
    required: bool = False
    default: str | float | int | bool | None = None
    choices: tuple[str, ...] = ()
    dimension: str | None = None
    description: str = ""
    example: str = ""
    description_zh: str = ""

    @property
    def arrow_type(self) -> Any:
        """Arrow type of the typed column the reader produces."""
        return _ARROW_TYPES[self.kind]


@dataclass(frozen=True)
class Template:
    """An import template: one kind of input file (see ``docs/templates.md``).

    Attributes:
        name: template name, also the file-name prefix (``fuel_2023.csv``).
        title: short English title.
        scope: GHG Protocol scope of its activities (None = given per row).
        default_category: category when the row does not say (None = given per row or derived).
        allowed_categories: categories a row may take (empty = any category of the row's scope).
        columns: the columns, in the order ``lingtan template`` writes them.
        default_tier: data-quality tier when the row does not say.
        method: calculation method of its activities (the main one, where a column chooses).
        description: what the template is for and how rows are normalised.
        title_zh: the title in Chinese.
    """

    name: str
    title: str
    scope: int | None
    default_category: int | None
    allowed_categories: tuple[int, ...]
    columns: tuple[Column, ...]
    default_tier: Tier
    method: str
    description: str
    title_zh: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of all columns, in order."""
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Names of the required columns, in order."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """The column called ``name`` (exact, lower-case).

        Raises:
            KeyError: the template has no such column.
        """
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def has(self, name: str) -> bool:
        """True when the template has a column called ``name``."""
        return any(c.name == name for c in self.columns)

    def input_schema(self) -> Any:
        """Arrow schema of the typed table :func:`normalise` takes (columns + ``source_row``)."""
        return pa.schema(
            [pa.field(c.name, c.arrow_type) for c in self.columns]
            + [pa.field("source_row", pa.int32(), nullable=False)]
        )


@dataclass(frozen=True)
class NormaliseContext:
    """What :func:`normalise` needs to know beyond the rows.

    Attributes:
        source: file name (or other origin) named in every :class:`RowIssue`.
        sites: valid site ids of the workspace boundary → their region (``CN-TJ``).
        default_region: region of organisation-level rows (site ``*``) that give none.
        calendar: fiscal calendar; a row's period must lie within one fiscal year.
        known_activity_types: activity types with at least one factor in the library; when given,
            any other type that is not built-in (:data:`BUILTIN_PREFIXES`,
            :data:`BUILTIN_TYPES`) is a row issue with close matches suggested.
    """

    source: str
    sites: Mapping[str, str]
    default_region: str
    calendar: FiscalCalendar = field(default_factory=FiscalCalendar)
    known_activity_types: frozenset[str] | None = None


@dataclass(frozen=True)
class NormaliseResult:
    """Outcome of :func:`normalise`.

    Attributes:
        activities: valid rows as activities (:data:`NORMALISED_SCHEMA`), in row order; empty for
            the ``instrument`` template.
        issues: every problem found, sorted by row then column.
        instruments: the ``instrument`` template's rows (:data:`INSTRUMENT_SCHEMA`), else None.
    """

    activities: Any
    issues: list[RowIssue]
    instruments: Any = None


# --------------------------------------------------------------------------------------------
# Column catalogue
# --------------------------------------------------------------------------------------------

_TIERS = tuple(t.value for t in Tier)

_DATE = Column(
    "date",
    "date",
    True,
    description="Day the activity happened or, for a period (a monthly bill), its first day "
    "(YYYY-MM-DD)",
    description_zh="活动发生日期；若为一段期间（如月度账单）则填期间第一天（YYYY-MM-DD）",
    example="2024-04-01",
)
_PERIOD_END = Column(
    "period_end",
    "date",
    description="Last day (inclusive) of the period the row covers (YYYY-MM-DD); the period "
    "must not cross a fiscal-year boundary (split such a row there)",
    description_zh="期间最后一天（含当天，YYYY-MM-DD）；期间不得跨越财年边界，跨年请拆分为两行",
    example="2024-04-30",
)
_COMMON: tuple[Column, ...] = (
    Column(
        "description",
        "text",
        description="Free text kept with the activity",
        description_zh="备注说明，随活动数据保存",
    ),
    Column(
        "tier",
        "choice",
        choices=_TIERS,
        description="Data-quality tier (GHG Protocol Scope 3 Standard §7.3): supplier_specific, "
        "activity, spend or disclosed; empty = the template's default",
        description_zh="数据层级：supplier_specific（供应商特定数据）、activity（活动数据）、"
        "spend（支出数据）或 disclosed（已披露数据）；留空取模板默认值",
    ),
    *(
        Column(
            f"dq_{key}",
            "integer",
            description=f"Data-quality indicator, {en}: 1 (best) … 5 (worst)",
            description_zh=f"数据质量指标（{zh}）：1（最好）至 5（最差）",
        )
        for key, en, zh in (
            ("temporal", "temporal representativeness", "时间代表性"),
            ("geographical", "geographical representativeness", "地理代表性"),
            ("technological", "technological representativeness", "技术代表性"),
            ("completeness", "completeness", "完整性"),
            ("reliability", "reliability", "可靠性"),
        )
    ),
)


_SCOPE = Column(
    "scope",
    "integer",
    True,
    description="Scope 1, 2 or 3",
    description_zh="范围 1、2 或 3",
    example="3",
)
_CATEGORY = Column(
    "category",
    "integer",
    True,
    description="Category within the scope (Scope 1 and 2: 1–4; Scope 3: 1–15)",
    description_zh="范围内的类别（范围一、二：1–4；范围三：1–15）",
    example="1",
)


def _site(required: bool) -> Column:
    return Column(
        "site",
        "text",
        required,
        description="Site id of the workspace boundary (boundary.yaml), or * for the "
        "organisation as a whole" + ("" if required else " (empty = the organisation)"),
        description_zh="场所编号（见 boundary.yaml），* 表示整个组织"
        + ("" if required else "（留空亦表示整个组织）"),
        example="TJ01",
    )


_REGION = Column(
    "region",
    "text",
    description="Region of the activity (ISO 3166-1/2 code: CN, CN-TJ, GB …); empty = the "
    "site's region, or the organisation's default region for organisation-level rows",
    description_zh="活动所在地区（ISO 3166 代码，如 CN、CN-TJ、GB）；留空取场所所在地区，"
    "组织层面的行取组织默认地区",
)


def _num(
    name: str,
    en: str,
    zh: str,
    example: str,
    *,
    required: bool = True,
    default: float | None = None,
) -> Column:
    return Column(
        name,
        "number",
        required,
        default=default,
        description=en,
        description_zh=zh,
        example=example,
    )


def _unit(name: str, dimension: str | None, en: str, zh: str, example: str, **kw: Any) -> Column:
    return Column(
        name,
        "unit",
        kw.pop("required", True),
        default=kw.pop("default", None),
        dimension=dimension,
        description=en,
        description_zh=zh,
        example=example,
    )


def _text(name: str, en: str, zh: str, example: str, *, required: bool = True) -> Column:
    return Column(name, "text", required, description=en, description_zh=zh, example=example)


def _choice(
    name: str,
    choices: tuple[str, ...],
    en: str,
    zh: str,
    example: str,
    *,
    required: bool = True,
    default: str | None = None,
) -> Column:
    return Column(
        name,
        "choice",
        required,
        default=default,
        choices=choices,
        description=en,
        description_zh=zh,
        example=example,
    )


# columns shared by the sold-products templates (use phase, end of life)
_PRODUCT = _text(
    "product",
    "Product name or model (kept in the description)",
    "产品名称或型号（记入备注）",
    "Laptop X1",
)
_UNITS_SOLD = _num("units_sold", "Units sold in the period (≥ 0)", "本期售出数量（≥ 0）", "1000")


def _dated(*columns: Column) -> tuple[Column, ...]:
    """Insert ``period_end`` after ``date`` and append the common optional columns."""
    out: list[Column] = []
    for c in columns:
        out.append(c)
        if c.name == "date":
            out.append(_PERIOD_END)
    return (*out, *_COMMON)


_TREATMENTS = ("landfill", "incineration", "recycling", "composting", "anaerobic_digestion")
_INSTRUMENT_TYPES = ("gec", "rec", "i-rec", "go", "ppa", "green_tariff", "supplier_rate")
_S3_ALL = tuple(range(1, 16))


def _build_templates() -> dict[str, Template]:
    t: list[Template] = []
    t.append(
        Template(
            name="fuel",
            title="Fuels burnt (stationary and mobile combustion)",
            scope=1,
            default_category=1,
            allowed_categories=(1, 2),
            columns=_dated(
                _site(True),
                _DATE,
                _text(
                    "fuel",
                    "Fuel name, e.g. diesel, petrol, natural_gas, lpg, coal → activity type "
                    "fuel.<fuel>",
                    "燃料名称，如 diesel、petrol、natural_gas、lpg、coal（活动类型 fuel.<fuel>）",
                    "diesel",
                ),
                _num(
                    "quantity", "Amount of fuel burnt (≥ 0), in unit", "燃料消耗量（≥ 0）", "1200"
                ),
                _unit(
                    "unit",
                    "fuel_amount",
                    "Unit of quantity (volume, mass or energy): L, m3, kg, t, GJ, kWh …",
                    "数量单位：L、m3、kg、t、GJ、kWh 等",
                    "L",
                ),
                _choice(
                    "use",
                    ("stationary", "mobile"),
                    "stationary (boilers, furnaces, generators: Scope 1 category 1) or mobile "
                    "(vehicles, forklifts: category 2)",
                    "stationary 固定燃烧（锅炉、窑炉、发电机，范围一类别1）或 mobile 移动燃烧"
                    "（车辆、叉车，类别2）",
                    "stationary",
                    required=False,
                    default="stationary",
                ),
            ),
            default_tier=Tier.ACTIVITY,
            method="s1.combustion.fuel",
            description=(
                "Fuel combusted in owned or controlled sources (GHG Protocol Corporate Standard "
                "ch. 4, Scope 1 stationary and mobile combustion). One activity fuel.<fuel> per "
                "row, quantity and unit as given."
            ),
            title_zh="燃料燃烧",
        )
    )
    t.append(
        Template(
            name="vehicle_distance",
            title="Distance driven by owned vehicles",
            scope=1,
            default_category=2,
            allowed_categories=(2,),
            columns=_dated(
                _site(True),
                _DATE,
                _text(
                    "vehicle",
                    "Vehicle type, e.g. car.average.diesel, van.average.petrol, hgv.rigid.diesel "
                    "→ activity type vehicle.<vehicle>",
                    "车辆类型，如 car.average.diesel（活动类型 vehicle.<vehicle>）",
                    "car.average.diesel",
                ),
                _num("distance", "Distance driven (≥ 0), in unit", "行驶里程（≥ 0）", "15000"),
                _unit(
                    "unit", "length", "Unit of distance: km, mile …", "里程单位：km、mile 等", "km"
                ),
            ),
            default_tier=Tier.ACTIVITY,
            method="s1.mobile.distance",
            description=(
                "Mobile combustion estimated from distance when fuel use is not known (GHG "
                "Protocol Corporate Standard ch. 4, Scope 1 category 2). One activity "
                "vehicle.<vehicle> per row, distance and unit as given."
            ),
            title_zh="自有车辆行驶里程",
        )
    )
    mb_cols = (
        ("inventory_start", "Refrigerant in storage (not in equipment) at the start of the period",
         "期初库存（储存中、未充入设备的制冷剂）", "100"),
        ("inventory_end", "Refrigerant in storage at the end of the period",
         "期末库存", "80"),
        ("purchased", "Refrigerant purchased or acquired (incl. returned after recycling)",
         "本期购入或获得的制冷剂（含回收后返还）", "30"),
        ("disposed", "Refrigerant sold, returned or sent for recycling or destruction",
         "本期售出、退回或送去回收/销毁的制冷剂", "5"),
        ("capacity_new", "Total full charge of equipment installed in the period",
         "本期新装设备的额定充注量合计", "10"),
        ("capacity_retired", "Total full charge of equipment retired in the period",
         "本期报废设备的额定充注量合计", "0"),
    )  # fmt: skip
    t.append(
        Template(
            name="refrigerant",
            title="Refrigerants and other fugitive gases",
            scope=1,
            default_category=3,
            allowed_categories=(3,),
            columns=_dated(
                _site(True),
                _DATE,
                _text(
                    "gas",
                    "Gas: R410A, R32, HFC134a, R404A, SF6 …",
                    "气体名称：R410A、R32、HFC134a、R404A、SF6 等",
                    "R410A",
                ),
                _choice(
                    "method",
                    ("mass_balance", "screening", "direct"),
                    "mass_balance (inventory changes), screening (charge × leak rate) or direct "
                    "(measured emission)",
                    "mass_balance 质量平衡法、screening 筛选法（充注量×泄漏率）或 direct 直接测量",
                    "mass_balance",
                ),
                _unit(
                    "unit",
                    "mass",
                    "Mass unit of every quantity of the row (default kg)",
                    "本行所有数量的质量单位（默认 kg）",
                    "kg",
                    required=False,
                    default="kg",
                ),
                *(
                    _num(
                        n,
                        en + " (mass_balance; empty = 0)",
                        zh + "（质量平衡法；留空为 0）",
                        ex,
                        required=False,
                        default=0.0,
                    )
                    for n, en, zh, ex in mb_cols
                ),
                _num(
                    "charge",
                    "Full charge of the equipment (screening)",
                    "设备额定充注量（筛选法）",
                    "",
                    required=False,
                ),
                _num(
                    "leak_rate_pct",
                    "Annual leak rate in % of the charge (screening)",
                    "年泄漏率，占充注量的百分比（筛选法）",
                    "",
                    required=False,
                ),
                _num(
                    "emitted",
                    "Measured mass of gas emitted (direct)",
                    "直接测得的排放量（直接测量法）",
                    "",
                    required=False,
                ),
            ),
            default_tier=Tier.ACTIVITY,
            method="s1.fugitive.mass_balance",
            description=(
                "Fugitive emissions of refrigerants (GHG Protocol HFC tool; IPCC 2006 Vol. 3 ch. "
                "7). Mass balance: E = (start − end) + (purchased − disposed) + (capacity_retired "
                "− capacity_new), negative E rejected; screening: E = charge × leak_rate_pct / "
                "100; direct: E = emitted. One activity gas.<GAS> in kg of gas per row; method "
                "s1.fugitive.mass_balance / s1.fugitive.screening / s1.fugitive.direct."
            ),
            title_zh="制冷剂逸散",
        )
    )
    t.append(
        Template(
            name="direct_gas",
            title="Direct emissions of a gas (fugitive or process)",
            scope=1,
            default_category=4,
            allowed_categories=(3, 4),
            columns=_dated(
                _site(True),
                _DATE,
                _text(
                    "gas",
                    "Gas: CO2, CH4, N2O, SF6, HFC134a …",
                    "气体名称：CO2、CH4、N2O、SF6、HFC134a 等",
                    "CO2",
                ),
                _num(
                    "quantity", "Mass of gas emitted (≥ 0), in unit", "气体排放质量（≥ 0）", "2.5"
                ),
                _unit("unit", "mass", "Mass unit of quantity: kg, t …", "质量单位：kg、t 等", "t"),
                _choice(
                    "kind",
                    ("fugitive", "process"),
                    "fugitive (Scope 1 category 3: septic tanks, SF6 leaks …) or process "
                    "(category 4: process CO2 …)",
                    "fugitive 逸散排放（范围一类别3）或 process 工业过程排放（类别4）",
                    "process",
                    required=False,
                    default="process",
                ),
            ),
            default_tier=Tier.ACTIVITY,
            method="s1.direct_gas",
            description=(
                "A known mass of a greenhouse gas released directly (GHG Protocol Corporate "
                "Standard ch. 4, Scope 1 fugitive or process). One activity gas.<GAS> in kg of gas"
                " per row."
            ),
            title_zh="直接气体排放（逸散或过程）",
        )
    )
    t.append(
        Template(
            name="electricity",
            title="Electricity consumed",
            scope=2,
            default_category=1,
            allowed_categories=(1,),
            columns=_dated(
                _site(True),
                _DATE,
                _num("quantity", "Electricity consumed (≥ 0), in unit", "用电量（≥ 0）", "52000"),
                _unit(
                    "unit",
                    "energy",
                    "Energy unit of quantity: kWh, MWh, GJ …",
                    "能量单位：kWh、MWh、GJ、度 等",
                    "kWh",
                ),
                _choice(
                    "source",
                    ("grid", "onsite_renewable"),
                    "grid (purchased) or onsite_renewable (own zero-emission generation used on "
                    "site, kept for the renewable share)",
                    "grid 外购电网电力，或 onsite_renewable 自发自用可再生电力（零排放，用于统计"
                    "可再生电力占比）",
                    "grid",
                    required=False,
                    default="grid",
                ),
                _text(
                    "supplier",
                    "Electricity supplier (kept in the description)",
                    "售电公司（记入备注）",
                    "State Grid Tianjin",
                    required=False,
                ),
            ),
            default_tier=Tier.ACTIVITY,
            method="s2.electricity",
            description=(
                "Purchased electricity (GHG Protocol Scope 2 Guidance ch. 6: location- and "
                "market-based totals from one row). grid → electricity.grid; onsite_renewable → "
                "electricity.onsite_renewable (0 kg CO2e/kWh). Quantity and unit as given."
            ),
            title_zh="电力消耗",
        )
    )
    t.append(
        Template(
            name="energy",
            title="Steam, heat and cooling purchased",
            scope=2,
            default_category=2,
            allowed_categories=(2, 3, 4),
            columns=_dated(
                _site(True),
                _DATE,
                _choice(
                    "type",
                    ("steam", "heat", "cooling"),
                    "steam (Scope 2 category 2), heat (3) or cooling (4)",
                    "steam 蒸汽（范围二类别2）、heat 热力（类别3）或 cooling 冷量（类别4）",
                    "steam",
                ),
                _num("quantity", "Energy purchased (≥ 0), in unit", "外购能源量（≥ 0）", "350"),
                _unit(
                    "unit",
                    "energy_or_mass",
                    "Energy unit (GJ, MWh …) or, for steam, mass (t)",
                    "能量单位（GJ、MWh 等）；蒸汽也可用质量单位（t）",
                    "t",
                ),
                _text(
                    "supplier",
                    "Supplier (kept in the description)",
                    "供应商（记入备注）",
                    "",
                    required=False,
                ),
            ),
            default_tier=Tier.ACTIVITY,
            method="s2.energy",
            description=(
                "Purchased steam, heat or cooling (GHG Protocol Scope 2 Guidance ch. 6). steam → "
                "heat.steam, heat → heat.district, cooling → cooling.district; quantity and unit "
                "as given."
            ),
            title_zh="外购蒸汽、热力和冷量",
        )
    )
    t.append(
        Template(
            name="instrument",
            title="Contractual instruments for Scope 2 market-based",
            scope=2,
            default_category=1,
            allowed_categories=(1,),
            columns=(
                _text(
                    "instrument_id",
                    "Certificate serial range or contract id, unique in the file",
                    "证书序列号段或合同编号，文件内唯一",
                    "GEC-2024-000001-000500",
                ),
                _choice(
                    "type",
                    _INSTRUMENT_TYPES,
                    "gec (China green electricity certificate), rec, i-rec, go, ppa, "
                    "green_tariff or supplier_rate",
                    "gec 绿证、rec、i-rec、go、ppa 购电协议、green_tariff 绿电套餐或 "
                    "supplier_rate 售电公司排放因子",
                    "gec",
                ),
                _num("quantity", "Electricity covered (≥ 0), in unit", "覆盖电量（≥ 0）", "500"),
                _unit(
                    "unit",
                    "energy",
                    "Energy unit of quantity: kWh, MWh …",
                    "能量单位：kWh、MWh 等",
                    "MWh",
                ),
                Column(
                    "vintage_start",
                    "date",
                    True,
                    description="First day of the generation period (YYYY-MM-DD)",
                    description_zh="发电期间第一天（YYYY-MM-DD）",
                    example="2024-01-01",
                ),
                Column(
                    "vintage_end",
                    "date",
                    True,
                    description="Last day (inclusive) of the generation period (YYYY-MM-DD)",
                    description_zh="发电期间最后一天（含，YYYY-MM-DD）",
                    example="2024-12-31",
                ),
                _num(
                    "emission_rate",
                    "Emission rate of the electricity, kg CO2e/kWh (default 0; required for "
                    "supplier_rate)",
                    "所购电力的排放率，kg CO2e/kWh（默认 0；supplier_rate 必填）",
                    "",
                    required=False,
                    default=0.0,
                ),
                Column(
                    "region",
                    "text",
                    description="Market the instrument is valid in (ISO 3166 code); empty = "
                    "the site's country, or the organisation's country",
                    description_zh="证书适用的市场（ISO 3166 代码）；留空取场所所在国家或组织"
                    "所在国家",
                    example="CN",
                ),
                Column(
                    "site",
                    "text",
                    description="Site id the instrument is claimed for; empty = pooled for "
                    "the whole market",
                    description_zh="使用该证书的场所编号；留空表示在整个市场范围内统筹使用",
                    example="",
                ),
                *_COMMON,
            ),
            default_tier=Tier.ACTIVITY,
            method="",
            description=(
                "Energy attribute certificates, contracts and supplier rates for the Scope 2 "
                "market-based method (GHG Protocol Scope 2 Guidance ch. 7, Table 7.1 hierarchy and"
                " the Quality Criteria). Not activities: stored as instruments with quantity in "
                "kWh."
            ),
            title_zh="合同工具（绿证、购电协议等）",
        )
    )
    t.append(
        Template(
            name="spend",
            title="Purchases by spend (environmentally-extended input-output)",
            scope=3,
            default_category=1,
            allowed_categories=_S3_ALL,
            columns=_dated(
                _DATE,
                _text(
                    "code",
                    "Classification code as scheme:code (naics:334111 → spend.naics.334111) or "
                    "any activity type",
                    "分类代码，写作 scheme:code（如 naics:334111），或任意活动类型",
                    "naics:334111",
                ),
                _num("amount", "Amount spent (≥ 0), in currency", "支出金额（≥ 0）", "12.5"),
                _unit(
                    "currency",
                    "currency",
                    "Currency: ISO 4217 code (CNY, USD …), 元 or 万元",
                    "币种：ISO 4217 代码（CNY、USD 等）、元或万元",
                    "万元",
                ),
                Column(
                    "category",
                    "integer",
                    default=1,
                    description="Scope 3 category 1–15 (default 1, purchased goods and services)",
                    description_zh="范围三类别 1–15（默认 1：采购商品及服务）",
                    example="1",
                ),
                Column(
                    "price_year",
                    "integer",
                    description="Price year of the amount (default the date's year)",
                    description_zh="金额的价格年份（默认取日期所在年份）",
                    example="",
                ),
                _site(False),
                _text(
                    "supplier",
                    "Supplier (kept in the description)",
                    "供应商（记入备注）",
                    "",
                    required=False,
                ),
                _REGION,
            ),
            default_tier=Tier.SPEND,
            method="s3.spend_eeio",
            description=(
                "Spend-based method (GHG Protocol Scope 3 Technical Guidance, category 1 and 2 "
                "spend-based method with EEIO factors). One activity spend.<scheme>.<code> per "
                "row, quantity = amount in the ISO 4217 currency (万元 × 10 000 → CNY), price year "
                "recorded."
            ),
            title_zh="采购支出",
        )
    )
    t.append(
        Template(
            name="activity",
            title="Any activity, fully specified",
            scope=None,
            default_category=None,
            allowed_categories=(),
            columns=_dated(
                _DATE,
                _SCOPE,
                _CATEGORY,
                _text(
                    "activity_type",
                    "Activity type of the factor library, e.g. material.steel.primary",
                    "排放因子库中的活动类型，如 material.steel.primary",
                    "material.steel.primary",
                ),
                _num("quantity", "Quantity (≥ 0), in unit", "数量（≥ 0）", "120"),
                _unit("unit", None, "Unit of quantity", "数量单位", "t"),
                _site(False),
                _REGION,
                Column(
                    "method",
                    "text",
                    default="generic.activity",
                    description="Calculation method name (default generic.activity)",
                    description_zh="计算方法名称（默认 generic.activity）",
                    example="",
                ),
            ),
            default_tier=Tier.ACTIVITY,
            method="generic.activity",
            description=(
                "Any activity given with its scope, category and activity type: average-data "
                "(material.steel.primary per t), supplier-specific (an activity type of a "
                "supplier's factor set) … Kept as given; a currency unit is expressed in its ISO "
                "4217 code with the date's year as price year."
            ),
            title_zh="通用活动数据",
        )
    )
    t.append(
        Template(
            name="transport",
            title="Freight transport (tonne-kilometres)",
            scope=3,
            default_category=4,
            allowed_categories=(4, 9),
            columns=_dated(
                _DATE,
                _text(
                    "mode",
                    "Transport mode: road.hgv.average, air.long_haul, sea.container.average, "
                    "rail … → freight.<mode>",
                    "运输方式：road.hgv.average、air.long_haul、sea.container.average、rail 等",
                    "road.hgv.average",
                ),
                _num("mass", "Mass carried (≥ 0), in mass_unit", "运输货物质量（≥ 0）", "2.5"),
                _unit("mass_unit", "mass", "Mass unit: t, kg …", "质量单位：t、kg 等", "t"),
                _num(
                    "distance",
                    "Distance carried (≥ 0), in distance_unit",
                    "运输距离（≥ 0）",
                    "1200",
                ),
                _unit(
                    "distance_unit",
                    "length",
                    "Length unit: km, mile …",
                    "距离单位：km、mile 等",
                    "km",
                ),
                Column(
                    "category",
                    "integer",
                    default=4,
                    description="Scope 3 category 4 (upstream, default) or 9 (downstream)",
                    description_zh="范围三类别 4（上游运输，默认）或 9（下游运输）",
                    example="4",
                ),
                _site(False),
                _REGION,
            ),
            default_tier=Tier.ACTIVITY,
            method="s3.transport.distance",
            description=(
                "Distance-based method (GHG Protocol Scope 3 Technical Guidance, categories 4 and "
                "9): quantity = mass [t] × distance [km] in tkm, activity freight.<mode>."
            ),
            title_zh="货物运输",
        )
    )
    t.append(
        Template(
            name="business_travel",
            title="Business travel by distance",
            scope=3,
            default_category=6,
            allowed_categories=(6,),
            columns=_dated(
                _DATE,
                _text(
                    "mode",
                    "Travel mode: air.long_haul.economy, rail.national, car.average, taxi … → "
                    "travel.<mode>",
                    "出行方式：air.long_haul.economy、rail.national、car.average、taxi 等",
                    "air.short_haul.economy",
                ),
                _num(
                    "distance",
                    "Distance per traveller (≥ 0), in unit",
                    "每人出行距离（≥ 0）",
                    "1100",
                ),
                _unit("unit", "length", "Length unit: km, mile …", "距离单位：km、mile 等", "km"),
                Column(
                    "travellers",
                    "integer",
                    default=1,
                    description="Number of travellers (default 1)",
                    description_zh="出行人数（默认 1）",
                    example="2",
                ),
                _site(False),
            ),
            default_tier=Tier.ACTIVITY,
            method="s3.c6.distance",
            description=(
                "Distance-based method (GHG Protocol Scope 3 Technical Guidance, category 6): "
                "quantity = distance [km] × travellers in pkm, activity travel.<mode>."
            ),
            title_zh="商务差旅",
        )
    )
    t.append(
        Template(
            name="hotel",
            title="Hotel nights",
            scope=3,
            default_category=6,
            allowed_categories=(6,),
            columns=_dated(
                _DATE,
                _text(
                    "country",
                    "Country of the hotel (ISO 3166-1 alpha-2: CN, GB, US …)",
                    "酒店所在国家（ISO 3166-1 两位代码：CN、GB、US 等）",
                    "GB",
                ),
                _num("nights", "Room-nights (≥ 0)", "住宿间夜数（≥ 0）", "3"),
                _site(False),
            ),
            default_tier=Tier.ACTIVITY,
            method="s3.c6.hotel",
            description=(
                "Hotel stays (GHG Protocol Scope 3 Technical Guidance, category 6, optional hotel "
                "accommodation): quantity = nights in room_night, activity hotel.<COUNTRY>, region"
                " = the country."
            ),
            title_zh="酒店住宿",
        )
    )
    t.append(
        Template(
            name="commuting",
            title="Employee commuting",
            scope=3,
            default_category=7,
            allowed_categories=(7,),
            columns=_dated(
                _DATE,
                _text(
                    "mode",
                    "Commuting mode: car.average, bus.average, rail.metro … → travel.<mode>",
                    "通勤方式：car.average、bus.average、rail.metro 等",
                    "car.average",
                ),
                _num(
                    "employees",
                    "Number of employees commuting this way (≥ 0, may be FTE)",
                    "采用该方式通勤的员工人数（≥ 0，可为折算人数）",
                    "10",
                ),
                _num(
                    "days",
                    "Commuting days per employee in the period (≥ 0)",
                    "期间内每位员工的通勤天数（≥ 0）",
                    "220",
                ),
                _num(
                    "one_way_distance",
                    "One-way distance (≥ 0), in distance_unit",
                    "单程距离（≥ 0）",
                    "12.5",
                ),
                _unit(
                    "distance_unit",
                    "length",
                    "Length unit: km, mile …",
                    "距离单位：km、mile 等",
                    "km",
                ),
                _site(False),
            ),
            default_tier=Tier.ACTIVITY,
            method="s3.c7.distance",
            description=(
                "Distance-based method (GHG Protocol Scope 3 Technical Guidance, category 7): "
                "quantity = employees × days × 2 × one-way distance [km] in pkm, activity "
                "travel.<mode>."
            ),
            title_zh="员工通勤",
        )
    )
    t.append(
        Template(
            name="waste",
            title="Waste generated in operations",
            scope=3,
            default_category=5,
            allowed_categories=(5,),
            columns=_dated(
                _DATE,
                _text(
                    "waste_type",
                    "Waste type: general, paper, plastics, metal, food …",
                    "废弃物类型：general、paper、plastics、metal、food 等",
                    "general",
                ),
                _choice(
                    "treatment",
                    _TREATMENTS,
                    "landfill, incineration, recycling, composting or anaerobic_digestion",
                    "处置方式：landfill 填埋、incineration 焚烧、recycling 回收、composting "
                    "堆肥或 anaerobic_digestion 厌氧消化",
                    "landfill",
                ),
                _num("quantity", "Mass of waste (≥ 0), in unit", "废弃物质量（≥ 0）", "12"),
                _unit("unit", "mass", "Mass unit: t, kg …", "质量单位：t、kg 等", "t"),
                _site(False),
            ),
            default_tier=Tier.ACTIVITY,
            method="s3.c5.waste_type",
            description=(
                "Waste-type-specific method (GHG Protocol Scope 3 Technical Guidance, category 5):"
                " activity waste.<waste_type>.<treatment>, quantity and unit as given."
            ),
            title_zh="运营中产生的废弃物",
        )
    )
    t.append(
        Template(
            name="use_phase",
            title="Use of sold energy-using products",
            scope=3,
            default_category=11,
            allowed_categories=(11,),
            columns=_dated(
                _DATE,
                _PRODUCT,
                _UNITS_SOLD,
                _num(
                    "kwh_per_year",
                    "Electricity use of one unit per year [kWh]",
                    "单台产品年耗电量 [kWh]",
                    "25",
                ),
                _num("lifetime_years", "Expected lifetime [years]", "预期使用寿命 [年]", "4"),
                _text(
                    "market",
                    "Region where the products are used (ISO 3166 code)",
                    "产品使用地区（ISO 3166 代码）",
                    "CN",
                ),
            ),
            default_tier=Tier.ACTIVITY,
            method="s3.c11.use_phase_energy",
            description=(
                "Direct use-phase emissions of energy-using products (GHG Protocol Scope 3 "
                "Standard ch. 5, category 11; Technical Guidance ch. 11): activity "
                "electricity.grid in region market, quantity = units_sold × kwh_per_year × "
                "lifetime_years [kWh]."
            ),
            title_zh="已售产品的使用",
        )
    )
    t.append(
        Template(
            name="end_of_life",
            title="End-of-life treatment of sold products",
            scope=3,
            default_category=12,
            allowed_categories=(12,),
            columns=_dated(
                _DATE,
                _PRODUCT,
                _UNITS_SOLD,
                _num(
                    "mass_per_unit",
                    "Mass of one unit (≥ 0), in mass_unit",
                    "单件产品质量（≥ 0）",
                    "2.1",
                ),
                _unit("mass_unit", "mass", "Mass unit: kg, t …", "质量单位：kg、t 等", "kg"),
                _text(
                    "waste_type",
                    "Waste type of the material: weee, plastics, metal …",
                    "废弃物类型：weee、plastics、metal 等",
                    "weee",
                ),
                _choice(
                    "treatment",
                    _TREATMENTS,
                    "landfill, incineration, recycling, composting or anaerobic_digestion",
                    "处置方式：landfill、incineration、recycling、composting 或 "
                    "anaerobic_digestion",
                    "recycling",
                ),
                _num(
                    "share_pct",
                    "Share of the mass treated this way [%]",
                    "按该方式处置的质量比例 [%]",
                    "40",
                ),
                _text(
                    "market",
                    "Region where the products are discarded (ISO 3166 code); "
                    "empty = the organisation's default region",
                    "产品废弃地区（ISO 3166 代码）；留空取组织默认地区",
                    "CN",
                    required=False,
                ),
            ),
            default_tier=Tier.ACTIVITY,
            method="s3.c12.waste_type",
            description=(
                "Waste-type-specific method (GHG Protocol Scope 3 Technical Guidance, category "
                "12): activity waste.<waste_type>.<treatment>, quantity = units_sold × "
                "mass_per_unit [t] × share_pct / 100 in t."
            ),
            title_zh="已售产品的废弃处理",
        )
    )
    t.append(
        Template(
            name="investment",
            title="Investments (equity share of investees' emissions)",
            scope=3,
            default_category=15,
            allowed_categories=(15,),
            columns=_dated(
                _DATE,
                _text(
                    "investee",
                    "Investee company (kept in the description)",
                    "被投资企业（记入备注）",
                    "Example Co.",
                ),
                _num(
                    "investee_emissions",
                    "Investee's Scope 1 and 2 emissions (≥ 0), in unit",
                    "被投资企业的范围一和范围二排放量（≥ 0）",
                    "12000",
                ),
                _unit("unit", "co2e_mass", "t or kg of CO2e", "t 或 kg（CO2 当量）", "t"),
                _num("ownership_pct", "Share of equity held [%]", "持股比例 [%]", "25"),
            ),
            default_tier=Tier.DISCLOSED,
            method="s3.c15.equity_share",
            description=(
                "Investment-specific method (GHG Protocol Scope 3 Technical Guidance, category 15,"
                " equity investments): activity co2e.disclosed, quantity = investee_emissions × "
                "ownership_pct / 100 in the unit given."
            ),
            title_zh="投资",
        )
    )
    t.append(
        Template(
            name="disclosed",
            title="Emissions disclosed by others or previously verified",
            scope=None,
            default_category=None,
            allowed_categories=(),
            columns=_dated(
                _DATE,
                _SCOPE,
                _CATEGORY,
                _num("co2e", "Emissions (≥ 0), in unit", "排放量（≥ 0）", "35.2"),
                _unit("unit", "co2e_mass", "t or kg of CO2e", "t 或 kg（CO2 当量）", "t"),
                _choice(
                    "basis",
                    tuple(b.value for b in Basis),
                    "Scope 2 only: both (default), location or market",
                    "仅限范围二：both（默认）、location 基于位置或 market 基于市场",
                    "",
                    required=False,
                    default="both",
                ),
                _text(
                    "source_note",
                    "Where the figure comes from (kept in the description)",
                    "数据来源说明（记入备注）",
                    "Supplier PCF 2024",
                    required=False,
                ),
                _site(False),
            ),
            default_tier=Tier.DISCLOSED,
            method="disclosed",
            description=(
                "Supplier-provided or previously verified figures: activity co2e.disclosed "
                "(identity factor, 1 kg CO2e per kg), quantity and unit as given."
            ),
            title_zh="已披露排放量",
        )
    )
    return {tpl.name: tpl for tpl in t}


#: Every import template by name, in the order of ``docs/templates.md``.
TEMPLATES: dict[str, Template] = _build_templates()


def get_template(name: str) -> Template:
    """The template called ``name`` (case-insensitive).

    Raises:
        UnknownTemplateError: no such template (close matches are suggested).
    """
    key = name.strip().lower()
    if key not in TEMPLATES:
        raise UnknownTemplateError(name)
    return TEMPLATES[key]


def match_choice(raw: str, choices: Sequence[str]) -> str | None:
    """The choice ``raw`` stands for, or None.

    Case, surrounding blanks and the spelling of separators do not matter:
    ``"Onsite Renewable"``, ``"onsite-renewable"`` → ``"onsite_renewable"``; ``"I_REC"`` →
    ``"i-rec"``.
    """
    key = re.sub(r"[\s_\-]+", "_", raw.strip().lower())
    for c in choices:
        if key == re.sub(r"[\s_\-]+", "_", c.lower()):
            return c
    return None


def is_builtin_activity_type(activity_type: str) -> bool:
    """True when ``activity_type`` is resolved by a built-in identity factor (``gas.*``,
    ``co2e.*``, ``electricity.onsite_renewable``), not by the factor library."""
    return activity_type.startswith(BUILTIN_PREFIXES) or activity_type in BUILTIN_TYPES


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _dimensionality(unit: str) -> Any:
    return parse_unit(unit).dimensionality


_UNIT_KINDS: tuple[tuple[str, str], ...] = (
    ("a mass", "kg"),
    ("an energy", "kWh"),
    ("a length", "km"),
    ("a volume", "m3"),
    ("an area", "meter**2"),
    ("a time", "hour"),
    ("a power", "kW"),
    ("a freight distance (mass × length)", "tkm"),
    ("a passenger distance", "pkm"),
    ("a count of items", "item"),
    ("a count of room-nights", "room_night"),
    ("an energy on net calorific value", "kWh_ncv"),
    ("an energy on gross calorific value", "kWh_gcv"),
)


def describe_unit(unit: str) -> str:
    """What kind of quantity ``unit`` measures, as a phrase: ``'kg'`` → ``'a mass'``,
    ``'万元'`` → ``'a currency (CNY)'``.

    Raises:
        UnitError: the unit is unknown.
    """
    code = currency_code(unit)
    if code is not None:
        return f"a currency ({code})"
    dims = parse_unit(unit).dimensionality
    for phrase, ref in _UNIT_KINDS:
        if dims == _dimensionality(ref):
            return phrase
    if not dict(dims):
        return "a pure number"
    return f"of dimension {dimension_name(unit)}"


def _strip_co2e(unit: str) -> str:
    """``'tCO2e'``, ``'kg CO2-eq'`` → ``'t'``, ``'kg'`` (mass units of CO2e)."""
    return _CO2E_SUFFIX.sub("", unit).strip() or unit


def _has_dimension(unit: str, dimension: str) -> bool:
    if dimension == "currency":
        return currency_code(unit) is not None
    if dimension == "energy_or_mass":
        return _has_dimension(unit, "energy") or _has_dimension(unit, "mass")
    if dimension == "co2e_mass":
        return _has_dimension(unit, "mass")
    if dimension == "fuel_amount":
        return any(
            _has_dimension(unit, d)
            for d in ("volume", "mass", "energy", "energy_ncv", "energy_gcv")
        )
    return bool(parse_unit(unit).dimensionality == _dimensionality(_DIM_REFERENCE[dimension]))


def _unknown_unit_reason(unit: str) -> str:
    close = difflib.get_close_matches(unit.lower(), list(ALIASES), n=3, cutoff=0.7)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown unit {unit!r}{hint} (see docs/methods.md §Units)"


# --------------------------------------------------------------------------------------------
# Row validation machinery
# --------------------------------------------------------------------------------------------


def _fmt(value: object) -> str:
    """A typed cell value as text, for issue messages (1.0 → '1', dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class _Units:
    """Result of checking a unit column: per-row unit text and conversion factor."""

    text: list[str | None]
    factor: FloatArray


def _index_of(texts: Any, values: list[str]) -> IntArray:
    """Per row: the index of the text in ``values``, or ``len(values)`` where it is empty or not
    among them (vectorised; lets per-distinct-value results be broadcast with one take)."""
    arr = texts if isinstance(texts, pa.Array) else pa.array(texts, pa.string())
    found = pc.index_in(arr, value_set=pa.array(values, pa.string()))
    return np.asarray(
        pc.fill_null(found, len(values)).to_numpy(zero_copy_only=False), dtype=np.int64
    )


class _Rows:
    """The typed rows of one table under validation: typed columns, issues, and a bad-row mask."""

    def __init__(self, tpl: Template, table: Any, ctx: NormaliseContext) -> None:
        self.tpl = tpl
        self.ctx = ctx
        names = list(table.column_names)
        if "source_row" not in names:
            raise InputFileError(ctx.source, "the typed table has no 'source_row' column")
        unknown = [n for n in names if n != "source_row" and not tpl.has(n)]
        if unknown:
            raise InputFileError(
                ctx.source,
                f"column(s) {', '.join(repr(u) for u in unknown)} are not part of template "
                f"{tpl.name!r}",
            )
        self.n = int(table.num_rows)
        self.rows: IntArray = np.asarray(
            pc.cast(table["source_row"], pa.int64()).to_numpy(), dtype=np.int64
        )
        self.bad: BoolArray = np.zeros(self.n, dtype=np.bool_)
        self._order = {c.name: i for i, c in enumerate(tpl.columns)}
        self._issues: list[tuple[int, int, int, RowIssue]] = []
        self._arrays: dict[str, Any] = {}
        self.invalid_choice: dict[str, BoolArray] = {}
        for col in tpl.columns:
            if col.name in names:
                arr = table[col.name].combine_chunks()
                if not arr.type.equals(col.arrow_type):
                    arr = pc.cast(arr, col.arrow_type)
            else:
                arr = pa.nulls(self.n, col.arrow_type)
            if col.kind in ("text", "unit", "choice"):
                arr = pc.utf8_trim_whitespace(arr)
                arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
            if col.kind == "choice":
                distinct: list[str] = pc.unique(arr).drop_null().to_pylist()
                matched = [match_choice(v, col.choices) for v in distinct]
                idx = pa.array(_index_of(arr, distinct))
                canon = pa.array([m or v for m, v in zip(matched, distinct, strict=True)] + [None])
                self.invalid_choice[col.name] = np.array(
                    [m is None for m in matched] + [False], dtype=bool
                )[idx.to_numpy()]
                arr = canon.take(idx).cast(pa.string())
            self._arrays[col.name] = arr

    # ---- access ----------------------------------------------------------------------------

    def array(self, name: str) -> Any:
        """The typed arrow array of a column (no default applied)."""
        return self._arrays[name]

    def is_null(self, name: str) -> BoolArray:
        """Per row: the cell is empty."""
        return np.asarray(self._arrays[name].is_null().to_numpy(zero_copy_only=False), dtype=bool)

    def numbers(self, name: str, *, use_default: bool = True) -> FloatArray:
        """A number or integer column as float64 (NaN where empty and without default)."""
        arr = self._arrays[name]
        default = self.tpl.column(name).default
        if use_default and default is not None and arr.null_count:
            arr = pc.fill_null(arr, pa.scalar(default).cast(arr.type))
        out = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
        return np.asarray(out, dtype=np.float64)

    def texts(self, name: str) -> list[str | None]:
        """A text, unit or choice column as Python strings, the default filled in."""
        default = self.tpl.column(name).default
        values: list[str | None] = self._arrays[name].to_pylist()
        if default is None:
            return values
        return [str(default) if v is None else v for v in values]

    def equals(self, name: str, value: str) -> BoolArray:
        """Per row: the column (default filled in) equals ``value``."""
        arr = self._arrays[name]
        default = self.tpl.column(name).default
        if default is not None:
            arr = pc.fill_null(arr, str(default))
        same = pc.fill_null(pc.equal(arr, value), False)
        return np.asarray(same.to_numpy(zero_copy_only=False), dtype=np.bool_)

    def shown(self, name: str, i: int) -> str:
        """The value of cell (row index ``i``, column ``name``) as text, for messages."""
        if not name or name not in self._arrays:
            return ""
        return _fmt(self._arrays[name][i].as_py())

    # ---- issues ----------------------------------------------------------------------------

    def flag(
        self,
        mask: BoolArray,
        field: str,
        reason: str | Callable[[int], str],
        *,
        value: Callable[[int], str] | None = None,
    ) -> None:
        """Record an issue for every row where ``mask`` is true; those rows become bad."""
        mask = np.asarray(mask, dtype=np.bool_)
        for i in np.flatnonzero(mask):
            idx = int(i)
            issue = RowIssue(
                source=self.ctx.source,
                row=int(self.rows[idx]),
                field=field,
                reason=reason(idx) if callable(reason) else reason,
                value=value(idx) if value is not None else self.shown(field, idx),
            )
            self._issues.append((issue.row, self._order.get(field, -1), len(self._issues), issue))
        self.bad |= mask

    def issues(self) -> list[RowIssue]:
        """All issues, sorted by row, then column order, then discovery."""
        return [item[3] for item in sorted(self._issues, key=lambda t: t[:3])]

    # ---- checks ----------------------------------------------------------------------------

    def require_if(self, mask: BoolArray, name: str, why: str) -> None:
        """Flag rows of ``mask`` where column ``name`` is empty."""
        self.flag(mask & self.is_null(name), name, f"required {why}")

    def units(
        self,
        name: str,
        measured: str | None,
        *,
        target: str | None = None,
    ) -> _Units:
        """Check a unit column; return its text and the factor to ``target`` (1 without one).

        An unknown unit, or one not of the column's :attr:`Column.dimension`, is a row issue
        naming the quantity column it measures (``measured``; None = all the row's
        quantities). Factors are computed once per distinct unit
        (:func:`~lingtan.core.units.conversion_factor`) and broadcast to the rows.
        """
        col = self.tpl.column(name)
        texts = self.texts(name)
        what = f"column {measured!r}" if measured else "the quantities"
        verb = "needs" if measured else "need"
        need = DIMENSIONS.get(col.dimension or "", "a known unit")
        per_unit: dict[str, tuple[str | None, float, str | None]] = {}
        for u in {v for v in texts if v is not None}:
            clean = _strip_co2e(u) if col.dimension == "co2e_mass" else u
            try:
                parse_unit(clean)
            except UnitError:
                per_unit[u] = (None, math.nan, _unknown_unit_reason(u))
                continue
            if col.dimension is not None and not _has_dimension(clean, col.dimension):
                reason = (
                    f"unit {u!r} is {describe_unit(clean)}; {what} of template "
                    f"{self.tpl.name!r} {verb} {need}"
                )
                per_unit[u] = (None, math.nan, reason)
                continue
            try:
                factor = conversion_factor(clean, target) if target else 1.0
            except UnitError as exc:  # pragma: no cover - dimension already checked
                per_unit[u] = (None, math.nan, str(exc))
                continue
            per_unit[u] = (clean, factor, None)
        uniq = list(per_unit)
        idx = _index_of(texts, uniq)
        factors = np.array([per_unit[u][1] for u in uniq] + [math.nan], dtype=np.float64)[idx]
        bad = np.array([per_unit[u][2] is not None for u in uniq] + [False], dtype=bool)[idx]
        cleaned = pa.array([per_unit[u][0] for u in uniq] + [None], pa.string())
        out_text: list[str | None] = cleaned.take(pa.array(idx)).to_pylist()
        self.flag(
            bad,
            name,
            lambda i: str(per_unit[texts[i] or ""][2]),
            value=lambda i: texts[i] or "",
        )
        return _Units(out_text, factors)

    def slug(self, name: str) -> Any:
        """A name column as an activity-type segment: trimmed, lower-case, blanks → ``_``."""
        arr = pc.utf8_lower(self._arrays[name])
        return pc.replace_substring_regex(arr, pattern=_WS_RE, replacement="_")

    def region_column(self, name: str) -> list[str | None]:
        """An ISO 3166 region column, upper-cased and checked."""
        values = [None if v is None else v.upper() for v in self.texts(name)]
        bad = np.array([v is not None and not _REGION_RE.match(v) for v in values], dtype=bool)
        self.flag(bad, name, "not a region code (ISO 3166-1/2, e.g. CN, CN-TJ, GB)")
        return values

    def sites(self) -> list[str]:
        """Resolve ``site`` to a boundary site id, ``*`` for the organisation; flag unknown."""
        if not self.tpl.has("site"):
            return ["*"] * self.n
        known = self.ctx.sites
        folded = {s.casefold(): s for s in known}
        resolved: dict[str, str | None] = {}
        values = self.texts("site")
        for name in {v for v in values if v is not None}:
            if name == "*":
                resolved[name] = "*"
            elif name in known:
                resolved[name] = name
            else:
                resolved[name] = folded.get(name.casefold())
        uniq = list(resolved)
        idx = _index_of(values, uniq)
        bad = np.array([resolved[u] is None for u in uniq] + [False], dtype=bool)[idx]
        ids = pa.array([resolved[u] or "*" for u in uniq] + ["*"], pa.string())
        out: list[str] = ids.take(pa.array(idx)).to_pylist()

        def reason(i: int) -> str:
            v = values[i] or ""
            close = difflib.get_close_matches(v, list(known), n=3)
            if close:
                hint = f"; did you mean {', '.join(repr(c) for c in close)}?"
            elif known:
                listed = sorted(known)
                more = ", …" if len(listed) > 10 else ""
                hint = f"; sites of the boundary: {', '.join(listed[:10])}{more}"
            else:
                hint = "; the boundary has no sites (use * for the organisation as a whole)"
            return f"unknown site {v!r}{hint}"

        self.flag(bad, "site", reason)
        return out

    def known_types(self, types: list[str | None], field: str) -> None:
        """Flag activity types with no factor in the library (when the context lists them)."""
        known = self.ctx.known_activity_types
        if known is None:
            return
        verdict: dict[str, str | None] = {}
        lower = {k.lower(): k for k in known}
        for t in {t for t in types if t is not None}:
            if t in known or is_builtin_activity_type(t):
                verdict[t] = None
                continue
            close = [lower[c] for c in difflib.get_close_matches(t.lower(), list(lower), n=3)]
            hint = (
                f"; close matches: {', '.join(close)}"
                if close
                else "; no close match in the factor library"
            )
            verdict[t] = f"activity type {t!r} has no emission factor in the factor library{hint}"
        uniq = list(verdict)
        bad = np.array([verdict[u] is not None for u in uniq] + [False], dtype=bool)[
            _index_of(types, uniq)
        ]
        self.flag(bad, field, lambda i: str(verdict[types[i] or ""]))


# --------------------------------------------------------------------------------------------
# Common checks
# --------------------------------------------------------------------------------------------


def _check_columns(r: _Rows) -> None:
    """Required cells, choices, number and data-quality ranges, for every template."""
    for col in r.tpl.columns:
        null = r.is_null(col.name)
        if col.required:
            r.flag(null, col.name, "required value is empty")
        if col.kind == "choice":
            r.flag(
                r.invalid_choice[col.name], col.name, f"must be one of: {', '.join(col.choices)}"
            )
        elif col.kind == "number":
            v = r.numbers(col.name, use_default=False)
            finite = np.isfinite(v)
            r.flag(~null & ~finite, col.name, "must be a finite number")
            r.flag(finite & (v < 0), col.name, "must be ≥ 0")
            if col.name.endswith("_pct"):
                r.flag(
                    finite & (v > 100), col.name, "is a percentage and must be between 0 and 100"
                )
        elif col.kind == "integer" and col.name in _INTEGER_RANGES:
            v = r.numbers(col.name, use_default=False)
            lo, hi = _INTEGER_RANGES[col.name]
            r.flag(
                ~null & ((v < lo) | (v > hi)),
                col.name,
                f"must be a whole number from {lo} to {hi}" if hi < 2**53 else f"must be ≥ {lo}",
            )


_INTEGER_RANGES: dict[str, tuple[int, int]] = {
    **{f"dq_{k}": (1, 5) for k in
       ("temporal", "geographical", "technological", "completeness", "reliability")},
    "scope": (1, 3),
    "price_year": (1900, 2100),
    "travellers": (0, 2**53),
}  # fmt: skip


def _fiscal_start_years(arr: Any, start_month: int) -> IntArray:
    years = np.asarray(pc.fill_null(pc.year(arr), 0).to_numpy(), dtype=np.int64)
    months = np.asarray(pc.fill_null(pc.month(arr), 1).to_numpy(), dtype=np.int64)
    return years - (months < start_month).astype(np.int64)


def _check_period(r: _Rows) -> None:
    """``period_end`` not before ``date``, and the period within one fiscal year."""
    if not r.tpl.has("date"):
        return
    start, end = r.array("date"), r.array("period_end")
    has = ~r.is_null("date") & ~r.is_null("period_end")
    if not has.any():
        return
    backwards = has & np.asarray(
        pc.fill_null(pc.less(end, start), False).to_numpy(zero_copy_only=False), dtype=bool
    )
    r.flag(backwards, "period_end", lambda i: f"ends before the date {r.shown('date', i)}")
    cal = r.ctx.calendar
    sy = _fiscal_start_years(start, cal.start_month)
    ey = _fiscal_start_years(end, cal.start_month)
    crossing = has & ~backwards & (sy != ey)

    def reason(i: int) -> str:
        d0, d1 = start[i].as_py(), end[i].as_py()
        years = [cal.year(y) for y in range(int(sy[i]), int(ey[i]) + 1)]
        pieces = [f"{max(p.start, d0).isoformat()} … {min(p.end, d1).isoformat()}" for p in years]
        labels = (
            " and ".join(p.label for p in years)
            if len(years) == 2
            else (f"{years[0].label} … {years[-1].label}")
        )
        cuts = ", ".join(p.start.isoformat() for p in years[1:])
        return (
            f"the period {d0.isoformat()} … {d1.isoformat()} crosses the fiscal-year boundary "
            f"({labels}); split the row at {cuts} into: {'; '.join(pieces)}"
        )

    r.flag(crossing, "period_end", reason)


# --------------------------------------------------------------------------------------------
# Template normalisers
# --------------------------------------------------------------------------------------------


@dataclass
class _Out:
    """What a template normaliser computed, per row (before bad rows are dropped)."""

    activity_type: Any  # arrow string array or list
    quantity: FloatArray
    unit: Any  # list / array / str
    category: Any  # int / int array
    method: Any  # str / list
    type_field: str  # column an unknown activity type is reported in
    scope: Any = None  # None → the template's scope
    region: list[str | None] | None = None  # None → from site / region column
    basis: Any = Basis.BOTH.value
    price_year: Any = None


def _types(arr: Any) -> list[str | None]:
    return list(arr.to_pylist()) if hasattr(arr, "to_pylist") else list(arr)


def _prefixed(prefix: str, arr: Any, suffix: Any = "") -> Any:
    return pc.binary_join_element_wise(prefix, arr, suffix, "")


def _n_fuel(r: _Rows) -> _Out:
    """Scope 1 combustion (GHG Protocol Corporate Standard ch. 4): ``fuel.<fuel>``."""
    units = r.units("unit", "quantity")
    return _Out(
        activity_type=_prefixed("fuel.", r.slug("fuel")),
        quantity=r.numbers("quantity"),
        unit=units.text,
        category=np.where(r.equals("use", "mobile"), 2, 1),
        method="s1.combustion.fuel",
        type_field="fuel",
    )


def _n_vehicle_distance(r: _Rows) -> _Out:
    """Scope 1 mobile combustion from distance (Corporate Standard ch. 4): ``vehicle.<v>``."""
    units = r.units("unit", "distance")
    return _Out(
        activity_type=_prefixed("vehicle.", r.slug("vehicle")),
        quantity=r.numbers("distance"),
        unit=units.text,
        category=2,
        method="s1.mobile.distance",
        type_field="vehicle",
    )


_MB_COLUMNS = (
    "inventory_start", "inventory_end", "purchased", "disposed", "capacity_new",
    "capacity_retired",
)  # fmt: skip
_METHOD_COLUMNS: dict[str, tuple[str, ...]] = {
    "mass_balance": _MB_COLUMNS,
    "screening": ("charge", "leak_rate_pct"),
    "direct": ("emitted",),
}


def _gas_types(r: _Rows) -> list[str | None]:
    cache: dict[str, str] = {}
    out: list[str | None] = []
    for g in r.texts("gas"):
        if g is None:
            out.append(None)
            continue
        if g not in cache:
            cache[g] = "gas." + normalise_gas(g)
        out.append(cache[g])
    return out


def _n_refrigerant(r: _Rows) -> _Out:
    """Refrigerant emissions [kg of gas] (GHG Protocol HFC tool; IPCC 2006 Vol. 3 ch. 7.5).

    Mass balance: E = (inventory_start − inventory_end) + (purchased − disposed)
    + (capacity_retired − capacity_new); E < 0 is a row issue (the data are inconsistent).
    Screening: E = charge × leak_rate_pct / 100. Direct: E = emitted.
    """
    method = r.texts("method")
    is_m = {m: r.equals("method", m) for m in _METHOD_COLUMNS}
    for m, cols in _METHOD_COLUMNS.items():
        others = [c for c in _METHOD_COLUMNS if c != m]
        for c in cols:
            if m != "mass_balance":
                r.require_if(is_m[m], c, f"for method {m!r}")
            for o in others:
                given = r.numbers(c, use_default=False)
                r.flag(
                    is_m[o] & ~r.is_null(c) & (given != 0),
                    c,
                    f"is used by method {m!r} only; leave it empty for method {o!r}",
                )
    units = r.units("unit", None, target="kg")
    v = {c: r.numbers(c) for c in (*_MB_COLUMNS, "charge", "leak_rate_pct", "emitted")}
    with np.errstate(all="ignore"):
        e_mb = (
            (v["inventory_start"] - v["inventory_end"])
            + (v["purchased"] - v["disposed"])
            + (v["capacity_retired"] - v["capacity_new"])
        )
        e_sc = v["charge"] * v["leak_rate_pct"] / 100.0
        e = np.select(
            [is_m["mass_balance"], is_m["screening"], is_m["direct"]],
            [e_mb, e_sc, v["emitted"]],
            np.nan,
        )
        quantity = e * units.factor

    def negative(i: int) -> str:
        a = {c: _fmt(float(v[c][i])) for c in _MB_COLUMNS}
        return (
            "mass balance is negative: (inventory_start − inventory_end) + (purchased − "
            "disposed) + (capacity_retired − capacity_new) = "
            f"({a['inventory_start']} − {a['inventory_end']}) + ({a['purchased']} − "
            f"{a['disposed']}) + ({a['capacity_retired']} − {a['capacity_new']}) = "
            f"{_fmt(float(e_mb[i]))} {units.text[i] or 'kg'}; check the inventories, purchases "
            "and equipment capacities"
        )

    r.flag(is_m["mass_balance"] & np.isfinite(e_mb) & (e_mb < 0), "", negative)
    return _Out(
        activity_type=_gas_types(r),
        quantity=quantity,
        unit="kg",
        category=3,
        method=[None if m is None else f"s1.fugitive.{m}" for m in method],
        type_field="gas",
    )


def _n_direct_gas(r: _Rows) -> _Out:
    """A mass of gas released (Corporate Standard ch. 4, Scope 1 fugitive/process) [kg]."""
    units = r.units("unit", "quantity", target="kg")
    with np.errstate(all="ignore"):
        quantity = r.numbers("quantity") * units.factor
    return _Out(
        activity_type=_gas_types(r),
        quantity=quantity,
        unit="kg",
        category=np.where(r.equals("kind", "fugitive"), 3, 4),
        method="s1.direct_gas",
        type_field="gas",
    )


_ELECTRICITY_TYPES = {
    "grid": "electricity.grid",
    "onsite_renewable": "electricity.onsite_renewable",
}


def _n_electricity(r: _Rows) -> _Out:
    """Purchased or own renewable electricity (GHG Protocol Scope 2 Guidance ch. 6)."""
    units = r.units("unit", "quantity")
    source = r.texts("source")
    return _Out(
        activity_type=[_ELECTRICITY_TYPES.get(s or "") for s in source],
        quantity=r.numbers("quantity"),
        unit=units.text,
        category=1,
        method="s2.electricity",
        type_field="source",
    )


_ENERGY_TYPES = {"steam": ("heat.steam", 2), "heat": ("heat.district", 3),
                 "cooling": ("cooling.district", 4)}  # fmt: skip


def _n_energy(r: _Rows) -> _Out:
    """Purchased steam, heat, cooling (Scope 2 Guidance ch. 6); mass units for steam only."""
    units = r.units("unit", "quantity")
    kind = r.texts("type")
    mass = np.array([u is not None and _has_dimension(u, "mass") for u in units.text], dtype=bool)
    not_steam = np.array([k is not None and k != "steam" for k in kind], dtype=bool)
    r.flag(
        mass & not_steam,
        "unit",
        lambda i: (
            f"unit {units.text[i]!r} is a mass, accepted for steam only; column 'quantity' "
            f"of template 'energy' needs an energy unit for {kind[i]}"
        ),
    )
    return _Out(
        activity_type=[_ENERGY_TYPES.get(k or "", (None, 0))[0] for k in kind],
        quantity=r.numbers("quantity"),
        unit=units.text,
        category=np.array([_ENERGY_TYPES.get(k or "", (None, 0))[1] for k in kind]),
        method="s2.energy",
        type_field="type",
    )


def _currency_quantity(r: _Rows, units: _Units, amount: FloatArray) -> tuple[FloatArray, list[Any]]:
    """Express currency amounts in their ISO 4217 unit (万元 × 10 000 → CNY)."""
    codes: list[str | None] = []
    factors = np.ones(r.n, dtype=np.float64)
    for i, u in enumerate(units.text):
        code = currency_code(u) if u is not None and math.isfinite(units.factor[i]) else None
        codes.append(code if code is not None else u)
        if code is not None and u is not None:
            factors[i] = conversion_factor(u, code)
    with np.errstate(all="ignore"):
        return amount * factors, codes


def _price_years(r: _Rows, given: FloatArray | None, applies: BoolArray) -> list[int | None]:
    years = np.asarray(pc.fill_null(pc.year(r.array("date")), 0).to_numpy(), dtype=np.int64)
    out: list[int | None] = []
    for i in range(r.n):
        if not applies[i]:
            out.append(None)
        elif given is not None and math.isfinite(given[i]):
            out.append(int(given[i]))
        else:
            out.append(int(years[i]))
    return out


def _spend_type(code: str) -> str | None:
    """``naics:334111`` → ``spend.naics.334111``; a code without ``:`` is kept as given."""
    if ":" not in code:
        return code
    scheme, _, rest = code.partition(":")
    scheme, rest = scheme.strip().lower(), rest.strip()
    if not scheme or not rest:
        return None
    return f"spend.{re.sub(_WS_RE, '_', scheme)}.{rest}"


def _n_spend(r: _Rows) -> _Out:
    """Spend-based method (Scope 3 Technical Guidance, cat. 1 spend-based): ``spend.<…>``."""
    units = r.units("currency", "amount")
    quantity, codes = _currency_quantity(r, units, r.numbers("amount"))
    raw = r.texts("code")
    types = [None if c is None else _spend_type(c) for c in raw]
    r.flag(
        np.array([c is not None and t is None for c, t in zip(raw, types, strict=True)]),
        "code",
        "write the code as scheme:code (e.g. naics:334111) or as an activity type",
    )
    cat = r.numbers("category")
    _check_categories(r, cat)
    return _Out(
        activity_type=types,
        quantity=quantity,
        unit=codes,
        category=_int_or_zero(cat),
        method="s3.spend_eeio",
        type_field="code",
        price_year=_price_years(r, r.numbers("price_year"), np.ones(r.n, dtype=bool)),
    )


def _int_or_zero(values: FloatArray) -> IntArray:
    """Whole numbers as int64; NaN and out-of-range values (rows already flagged) → 0."""
    with np.errstate(all="ignore"):
        ok = np.isfinite(values) & (np.abs(values) < 2**31)
    return np.where(ok, values, 0).astype(np.int64)


def _check_categories(r: _Rows, cat: FloatArray, scope: FloatArray | None = None) -> None:
    """Flag categories the template (or, for per-row scopes, the row's scope) does not allow."""
    allowed = r.tpl.allowed_categories
    if scope is None:
        bad = np.isfinite(cat) & ~np.isin(cat, allowed)
        r.flag(
            bad,
            "category",
            f"template {r.tpl.name!r} takes category {' or '.join(map(str, allowed))}"
            if len(allowed) <= 3
            else f"must be a category {allowed[0]}–{allowed[-1]} of Scope {r.tpl.scope}",
        )
        return
    valid_scope = np.isin(scope, list(CATEGORIES))
    ok = np.array(
        [
            not (vs and math.isfinite(c)) or int(c) in CATEGORIES[int(s)]
            for s, c, vs in zip(scope, cat, valid_scope, strict=True)
        ],
        dtype=bool,
    )
    r.flag(
        ~ok,
        "category",
        lambda i: f"Scope {int(scope[i])} has categories 1–{len(CATEGORIES[int(scope[i])])}",
    )


def _n_activity(r: _Rows) -> _Out:
    """Any activity as given (its scope, category, type, quantity and unit)."""
    units = r.units("unit", "quantity")
    scope, cat = r.numbers("scope"), r.numbers("category")
    _check_categories(r, cat, scope)
    is_currency = np.array(
        [u is not None and currency_code(u) is not None for u in units.text], dtype=bool
    )
    quantity, unit = _currency_quantity(r, units, r.numbers("quantity"))
    return _Out(
        activity_type=r.texts("activity_type"),
        quantity=quantity,
        unit=unit,
        category=_int_or_zero(cat),
        scope=_int_or_zero(scope),
        method=r.texts("method"),
        type_field="activity_type",
        price_year=_price_years(r, None, is_currency),
    )


def _n_transport(r: _Rows) -> _Out:
    """Freight, distance-based (Scope 3 Technical Guidance cat. 4/9): tkm = t × km."""
    mass = r.units("mass_unit", "mass", target="t")
    dist = r.units("distance_unit", "distance", target="km")
    cat = r.numbers("category")
    _check_categories(r, cat)
    with np.errstate(all="ignore"):
        tkm = r.numbers("mass") * mass.factor * (r.numbers("distance") * dist.factor)
    return _Out(
        activity_type=_prefixed("freight.", r.slug("mode")),
        quantity=tkm,
        unit="tkm",
        category=_int_or_zero(cat),
        method="s3.transport.distance",
        type_field="mode",
    )


def _n_business_travel(r: _Rows) -> _Out:
    """Business travel, distance-based (Scope 3 Technical Guidance cat. 6): pkm."""
    dist = r.units("unit", "distance", target="km")
    with np.errstate(all="ignore"):
        pkm = r.numbers("distance") * dist.factor * r.numbers("travellers")
    return _Out(
        activity_type=_prefixed("travel.", r.slug("mode")),
        quantity=pkm,
        unit="pkm",
        category=6,
        method="s3.c6.distance",
        type_field="mode",
    )


def _n_hotel(r: _Rows) -> _Out:
    """Hotel nights (Scope 3 Technical Guidance cat. 6): ``hotel.<CC>`` in room_night."""
    country = [None if c is None else c.upper() for c in r.texts("country")]
    r.flag(
        np.array([c is not None and not _COUNTRY_RE.match(c) for c in country], dtype=bool),
        "country",
        "not an ISO 3166-1 alpha-2 country code (CN, GB, US …)",
    )
    return _Out(
        activity_type=[None if c is None else f"hotel.{c}" for c in country],
        quantity=r.numbers("nights"),
        unit="room_night",
        category=6,
        method="s3.c6.hotel",
        type_field="country",
        region=country,
    )


def _n_commuting(r: _Rows) -> _Out:
    """Employee commuting, distance-based (Scope 3 Technical Guidance cat. 7).

    quantity [pkm] = employees × days × 2 (round trip) × one_way_distance [km].
    """
    dist = r.units("distance_unit", "one_way_distance", target="km")
    with np.errstate(all="ignore"):
        pkm = (
            r.numbers("employees")
            * r.numbers("days")
            * 2.0
            * (r.numbers("one_way_distance") * dist.factor)
        )
    return _Out(
        activity_type=_prefixed("travel.", r.slug("mode")),
        quantity=pkm,
        unit="pkm",
        category=7,
        method="s3.c7.distance",
        type_field="mode",
    )


def _waste_types(r: _Rows) -> Any:
    return _prefixed(
        "waste.", r.slug("waste_type"), pc.binary_join_element_wise(".", r.array("treatment"), "")
    )


def _n_waste(r: _Rows) -> _Out:
    """Waste-type-specific method (Scope 3 Technical Guidance cat. 5)."""
    units = r.units("unit", "quantity")
    return _Out(
        activity_type=_waste_types(r),
        quantity=r.numbers("quantity"),
        unit=units.text,
        category=5,
        method="s3.c5.waste_type",
        type_field="waste_type",
    )


def _n_use_phase(r: _Rows) -> _Out:
    """Direct use-phase electricity of sold products [kWh].

    GHG Protocol Scope 3 Standard ch. 5 (category 11, direct use-phase emissions) and Technical
    Guidance ch. 11: quantity = units_sold × kwh_per_year × lifetime_years, all in the year of
    sale, at the grid of the region where the products are used.
    """
    market = r.region_column("market")
    with np.errstate(all="ignore"):
        kwh = r.numbers("units_sold") * r.numbers("kwh_per_year") * r.numbers("lifetime_years")
    return _Out(
        activity_type=["electricity.grid"] * r.n,
        quantity=kwh,
        unit="kWh",
        category=11,
        method="s3.c11.use_phase_energy",
        type_field="",
        region=market,
    )


def _n_end_of_life(r: _Rows) -> _Out:
    """End-of-life of sold products (Scope 3 Technical Guidance cat. 12) [t of waste].

    quantity [t] = units_sold × mass_per_unit [t] × share_pct / 100.
    """
    mass = r.units("mass_unit", "mass_per_unit", target="t")
    market = r.region_column("market")
    with np.errstate(all="ignore"):
        tonnes = (
            r.numbers("units_sold")
            * (r.numbers("mass_per_unit") * mass.factor)
            * r.numbers("share_pct")
            / 100.0
        )
    return _Out(
        activity_type=_waste_types(r),
        quantity=tonnes,
        unit="t",
        category=12,
        method="s3.c12.waste_type",
        type_field="waste_type",
        region=[m if m is not None else r.ctx.default_region.upper() for m in market],
    )


def _n_investment(r: _Rows) -> _Out:
    """Equity share of investees' emissions (Scope 3 Technical Guidance cat. 15)."""
    units = r.units("unit", "investee_emissions")
    with np.errstate(all="ignore"):
        q = r.numbers("investee_emissions") * r.numbers("ownership_pct") / 100.0
    return _Out(
        activity_type=["co2e.disclosed"] * r.n,
        quantity=q,
        unit=units.text,
        category=15,
        method="s3.c15.equity_share",
        type_field="",
    )


def _n_disclosed(r: _Rows) -> _Out:
    """Disclosed or verified CO2e, identity factor (1 kg CO2e per kg)."""
    units = r.units("unit", "co2e")
    scope, cat = r.numbers("scope"), r.numbers("category")
    _check_categories(r, cat, scope)
    basis = r.texts("basis")
    r.flag(
        np.array(
            [
                b is not None and b != Basis.BOTH.value and s != 2
                for b, s in zip(basis, scope, strict=True)
            ],
            dtype=bool,
        ),
        "basis",
        "location or market applies to Scope 2 only; leave it empty (both) for this scope",
    )
    return _Out(
        activity_type=["co2e.disclosed"] * r.n,
        quantity=r.numbers("co2e"),
        unit=units.text,
        category=_int_or_zero(cat),
        scope=_int_or_zero(scope),
        method="disclosed",
        type_field="",
        basis=basis,
    )


_NORMALISERS: dict[str, Callable[[_Rows], _Out]] = {
    "fuel": _n_fuel,
    "vehicle_distance": _n_vehicle_distance,
    "refrigerant": _n_refrigerant,
    "direct_gas": _n_direct_gas,
    "electricity": _n_electricity,
    "energy": _n_energy,
    "spend": _n_spend,
    "activity": _n_activity,
    "transport": _n_transport,
    "business_travel": _n_business_travel,
    "hotel": _n_hotel,
    "commuting": _n_commuting,
    "waste": _n_waste,
    "use_phase": _n_use_phase,
    "end_of_life": _n_end_of_life,
    "investment": _n_investment,
    "disclosed": _n_disclosed,
}


# --------------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------------


def _descriptions(r: _Rows) -> Any:
    """User description plus informational columns (supplier, product …) joined with '; '."""
    parts: list[Any] = [r.array("description")] if r.tpl.has("description") else []
    for name, label in _INFO_COLUMNS.items():
        if r.tpl.has(name):
            parts.append(pc.binary_join_element_wise(f"{label}: ", r.array(name), ""))
    if not parts:
        return pa.nulls(r.n, pa.string())
    acc = parts[0]
    for part in parts[1:]:  # join the non-empty parts pairwise, vectorised
        both = pc.binary_join_element_wise(acc, part, "; ")
        acc = pc.if_else(pc.is_null(acc), part, pc.if_else(pc.is_null(part), acc, both))
    return acc


def _kept(value: Any, keep: BoolArray, typ: Any) -> Any:
    """``value`` (scalar, list, numpy or arrow array of length n) filtered to ``keep``."""
    count = int(keep.sum())
    if isinstance(value, (pa.Array, pa.ChunkedArray)):
        return pc.cast(pc.filter(value, pa.array(keep)), typ)
    if isinstance(value, np.ndarray):
        return pa.array(value[keep], type=typ)
    if isinstance(value, list):  # values of flagged rows may not fit ``typ``: filter first
        return pc.cast(pc.filter(pa.array(value), pa.array(keep)), typ)
    return pa.array([value] * count, type=typ)


def _finish(r: _Rows, out: _Out, sites: list[str]) -> Any:
    """Drop bad rows and assemble :data:`NORMALISED_SCHEMA`."""
    types = _types(out.activity_type)
    r.known_types(types, out.type_field)
    with np.errstate(all="ignore"):
        q = np.asarray(out.quantity, dtype=np.float64)
        r.flag(
            ~r.bad & ~np.isfinite(q),
            "",
            "the computed quantity is not a finite number (a value is too large)",
        )
    if out.region is not None:
        regions = out.region
    else:
        given = r.region_column("region") if r.tpl.has("region") else [None] * r.n
        default = r.ctx.default_region.strip().upper() or None
        regions = [
            g if g is not None else (default if s == "*" else None)
            for g, s in zip(given, sites, strict=True)
        ]
    tier = pc.fill_null(r.array("tier"), r.tpl.default_tier.value)
    keep = ~r.bad
    values: dict[str, Any] = {
        "source_row": r.rows,
        "template": r.tpl.name,
        "site": sites,
        "region": regions,
        "date": r.array("date"),
        "scope": out.scope if out.scope is not None else r.tpl.scope,
        "category": out.category,
        "activity_type": types,
        "quantity": q,
        "unit": out.unit,
        "price_year": out.price_year,
        "method": out.method,
        "basis": out.basis,
        "tier": tier,
        "description": _descriptions(r),
        "period_end": r.array("period_end") if r.tpl.has("period_end") else None,
        **{f"dq_{k}": r.array(f"dq_{k}") for k in DQ_INDICATORS},
    }
    arrays = [_kept(values[f.name], keep, f.type) for f in NORMALISED_SCHEMA]
    return pa.Table.from_arrays(arrays, schema=NORMALISED_SCHEMA)


def _instruments(r: _Rows) -> Any:
    """Contractual instruments (GHG Protocol Scope 2 Guidance ch. 7) → :data:`INSTRUMENT_SCHEMA`.

    quantity_kwh = quantity × conversion to kWh; emission_rate [kg CO2e/kWh] defaults to 0 except
    for ``supplier_rate``, where it is required; region defaults to the country of the site (or
    of the organisation's default region for pooled instruments). A duplicated instrument_id is
    an issue on every row that carries it (either could be the wrong one).
    """
    ids = r.texts("instrument_id")
    where: dict[str, list[int]] = {}
    for i, v in enumerate(ids):
        if v is not None:
            where.setdefault(v, []).append(int(r.rows[i]))
    dup = np.array([v is not None and len(where[v]) > 1 for v in ids], dtype=bool)

    def duplicate(i: int) -> str:
        rows = ", ".join(map(str, where[ids[i] or ""]))
        return (
            f"instrument_id {ids[i]!r} appears more than once (rows {rows}); each instrument "
            "must be listed once"
        )

    r.flag(dup, "instrument_id", duplicate)
    units = r.units("unit", "quantity", target="kWh")
    with np.errstate(all="ignore"):
        kwh = r.numbers("quantity") * units.factor
    kind = r.texts("type")
    r.require_if(
        np.array([k == "supplier_rate" for k in kind], dtype=bool),
        "emission_rate",
        "for type 'supplier_rate' (the supplier's emission rate, kg CO2e/kWh)",
    )
    rate = r.numbers("emission_rate")
    r.flag(
        np.isfinite(rate) & (rate > 3.0),
        "emission_rate",
        "implausibly high for kg CO2e/kWh (no grid exceeds ~1.5); is it in g/kWh?",
    )
    start, end = r.array("vintage_start"), r.array("vintage_end")
    backwards = np.asarray(
        pc.fill_null(pc.less(end, start), False).to_numpy(zero_copy_only=False), dtype=bool
    )
    r.flag(
        backwards,
        "vintage_end",
        lambda i: f"ends before vintage_start {r.shown('vintage_start', i)}",
    )
    sites = r.sites()
    given = r.region_column("region")
    org_country = r.ctx.default_region.strip().upper().split("-")[0]
    regions = [
        g
        if g is not None
        else (org_country if s == "*" else r.ctx.sites[s].strip().upper().split("-")[0])
        for g, s in zip(given, sites, strict=True)
    ]
    keep = ~r.bad
    values: dict[str, Any] = {
        "instrument_id": ids,
        "type": kind,
        "quantity_kwh": kwh,
        "emission_rate_kg_per_kwh": rate,
        "region": regions,
        "site": [None if s == "*" else s for s in sites],
        "vintage_start": start,
        "vintage_end": end,
        "source_row": r.rows,
        "description": _descriptions(r),
    }
    arrays = [_kept(values[f.name], keep, f.type) for f in INSTRUMENT_SCHEMA]
    return pa.Table.from_arrays(arrays, schema=INSTRUMENT_SCHEMA)


def empty_activities() -> Any:
    """An empty table of :data:`NORMALISED_SCHEMA`."""
    return NORMALISED_SCHEMA.empty_table()


def normalise(template_name: str, table: Any, context: NormaliseContext) -> NormaliseResult:
    """Validate typed rows of a template and turn the valid ones into activities.

    Args:
        template_name: a key of :data:`TEMPLATES`.
        table: an Arrow table with the template's columns typed as :attr:`Column.arrow_type`
            (missing optional columns are read as empty) and an integer ``source_row`` column
            (1-based spreadsheet row, header = 1).
        context: sites, default region, fiscal calendar, known activity types, source name.

    Returns:
        Activities (:data:`NORMALISED_SCHEMA`, one per valid row, input order) and issues; for
        the ``instrument`` template the rows go to ``instruments`` (:data:`INSTRUMENT_SCHEMA`).
        Every input row is in exactly one of the two.

    Raises:
        UnknownTemplateError: ``template_name`` is not a template.
        InputFileError: the table has no ``source_row`` or has columns the template lacks.
    """
    tpl = get_template(template_name)
    r = _Rows(tpl, table, context)
    _check_columns(r)
    _check_period(r)
    if tpl.name == "instrument":
        instruments = _instruments(r)
        return NormaliseResult(empty_activities(), r.issues(), instruments)
    sites = r.sites()
    out = _NORMALISERS[tpl.name](r)
    activities = _finish(r, out, sites)
    return NormaliseResult(activities, r.issues())


def example_rows(name: str) -> list[list[str]]:
    """Header and example row of a template, as text (what ``lingtan template`` writes)."""
    tpl = get_template(name)
    return [list(tpl.column_names), [c.example for c in tpl.columns]]


def template_names() -> Iterable[str]:
    """Names of all templates, in documentation order."""
    return tuple(TEMPLATES)
