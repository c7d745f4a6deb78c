"""Meters and the shape of their readings (issue 16 item 1; ../shared/specs/sites-energy.md).

A meter measures one energy carrier at a site (optionally a building and a production line),
in one unit, as interval values or as a cumulative register; a sub-meter names its parent
(GB 17167-2006 三级计量: site → building/workshop → line/equipment). Readings are stored as
interval values, one row per meter and interval start, in the meter's unit with the meter's
multiplier applied (a CT ratio, a pulse weight): see :data:`READINGS_SCHEMA`.

Units: ``interval_minutes`` [min]; reading values [the meter's ``unit``]; timestamps UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import pyarrow as pa


class Carrier(StrEnum):
    """Energy carrier (or utility) a meter measures."""

    ELECTRICITY = "electricity"
    NATURAL_GAS = "natural_gas"
    DIESEL = "diesel"
    STEAM = "steam"
    HEAT = "heat"
    CHILLED_WATER = "chilled_water"
    COMPRESSED_AIR = "compressed_air"
    WATER = "water"


class Measures(StrEnum):
    """What flow a meter measures, seen from the site."""

    CONSUMPTION = "consumption"  # energy used at the site (an import meter, a sub-meter)
    GENERATION = "generation"  # on-site generation (PV inverter output, wind)
    EXPORT = "export"  # energy sent back to the grid
    STORAGE_CHARGE = "storage_charge"  # energy into a battery
    STORAGE_DISCHARGE = "storage_discharge"  # energy out of a battery


class Source(StrEnum):
    """Where the energy on a meter comes from (electricity; None for other carriers)."""

    GRID = "grid"
    ONSITE_PV = "onsite_pv"
    WIND = "wind"
    STORAGE = "storage"
    PPA = "ppa"


class ValueKind(StrEnum):
    """How a meter reports: the energy of each interval, or a running register (counter)."""

    INTERVAL = "interval"
    CUMULATIVE = "cumulative"


class Quality(StrEnum):
    """Quality flag of a stored reading."""

    MEASURED = "measured"
    ESTIMATED = "estimated"  # given as estimated by the source (never produced by lingtan)
    CORRECTED = "corrected"  # a later batch replaced an earlier value


@dataclass(frozen=True)
class Meter:
    """A meter (issue 16 item 1).

    Attributes:
        code: stable key, unique in the organisation (``HF-M-001``).
        site: site id of the boundary (``HF-FACTORY``).
        carrier: see :class:`Carrier`.
        unit: unit of its values (``kWh``, ``m3``, ``t``, ``GJ``) [pint unit text].
        measures: see :class:`Measures`.
        source: see :class:`Source` (electricity only).
        interval_minutes: length of one interval [min] (15 by default).
        value_kind: see :class:`ValueKind`.
        parent: code of the meter this one is a sub-meter of (None: a main meter).
        billing: True for a revenue-grade main meter whose sum is the site's consumption
            (sub-meters are never summed into the inventory, only their parents).
        building: building id (optional).
        line: production line id (optional; per-unit intensity allocates by line).
        multiplier: factor applied to every raw value (CT ratio, pulse weight) [-].
        tz: IANA time zone of the site (months are cut in local time).
        valid_from, valid_to: dates the meter is in service (inclusive; None: open).
        protocol_tag: how its data arrives (``mqtt``, ``modbus``, ``bacnet``, ``opcua``,
            ``file``), informative.
        name: free text.
    """

    code: str
    site: str
    carrier: Carrier
    unit: str
    measures: Measures = Measures.CONSUMPTION
    source: Source | None = None
    interval_minutes: int = 15
    value_kind: ValueKind = ValueKind.INTERVAL
    parent: str | None = None
    billing: bool = True
    building: str | None = None
    line: str | None = None
    multiplier: float = 1.0
    tz: str = "Asia/Shanghai"
    valid_from: date | None = None
    valid_to: date | None = None
    protocol_tag: str = "file"
    name: str = ""


#: Stored readings (Parquet, one file per batch under ``readings/site=…/month=…/``): one row
#: per meter and interval, the value in the meter's unit with its multiplier applied. A
#: cumulative meter's registers are turned into interval values at intake (the register kept
#: in ``register``); ``batch_id`` is the content hash of the intake batch and ``received``
#: orders batches (a later batch's value for the same meter and interval wins and the earlier
#: one is kept, never edited: the "corrected" history).
READINGS_SCHEMA = pa.schema(
    [
        pa.field("meter", pa.string(), nullable=False),
        pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),  # interval start
        pa.field("minutes", pa.int16(), nullable=False),  # interval length [min]
        pa.field("value", pa.float64(), nullable=False),  # [meter unit], multiplier applied
        pa.field("register", pa.float64()),  # cumulative register at interval end, else null
        pa.field("quality", pa.string(), nullable=False),  # Quality
        pa.field("batch_id", pa.string(), nullable=False),
        pa.field("received", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
)
