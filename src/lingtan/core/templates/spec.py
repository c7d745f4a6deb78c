"""What an import template is: its :class:`Column` s, the :class:`Template`, the schemas of
what :func:`~lingtan.core.templates.normalise` produces, and the context it needs.

Pure declarations (no template is defined here: see :mod:`lingtan.core.templates.catalogue`).
Schemas: :data:`NORMALISED_SCHEMA` (the activity schema of :mod:`lingtan.core.activities` less
``row_id``, ``batch_id`` and ``key_id``) and :data:`INSTRUMENT_SCHEMA` (contractual instruments,
GHG Protocol Scope 2 Guidance ch. 7, Table 7.1).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from lingtan.core.activities import ACTIVITY_SCHEMA, Tier
from lingtan.core.errors import RowIssue
from lingtan.core.factor_names import choice_alias
from lingtan.core.periods import FiscalCalendar

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
        aliases: other header names the reader accepts for this column (the Chinese label a
            Chinese export writes, e.g. ``日期`` for ``date``); matched like ``name``.
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
    aliases: tuple[str, ...] = ()

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


def match_choice(raw: str, choices: Sequence[str]) -> str | None:
    """The choice ``raw`` stands for, or None.

    Case, surrounding blanks and the spelling of separators do not matter:
    ``"Onsite Renewable"``, ``"onsite-renewable"`` → ``"onsite_renewable"``; ``"I_REC"`` →
    ``"i-rec"``; Chinese values of activity-forming choices (``"蒸汽"`` → ``"steam"``,
    :data:`lingtan.core.factor_names.CHOICE_ALIASES`).
    """
    key = re.sub(r"[\s_\-]+", "_", raw.strip().lower())
    for c in choices:
        if key == re.sub(r"[\s_\-]+", "_", c.lower()):
            return c
    return choice_alias(raw, choices)  # 蒸汽 → steam, 电网 → grid (decision 0055)


def is_builtin_activity_type(activity_type: str) -> bool:
    """True when ``activity_type`` is resolved by a built-in identity factor (``gas.*``,
    ``co2e.*``, ``electricity.onsite_renewable``), not by the factor library."""
    return activity_type.startswith(BUILTIN_PREFIXES) or activity_type in BUILTIN_TYPES
