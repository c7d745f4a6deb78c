"""Synthetic normalised activities at scale, for engine benchmarks (demo workspace (b) boundary).

:func:`generate_activities` writes N rows of :data:`lingtan.core.activities.ACTIVITY_SCHEMA`
straight to Parquet, in chunks of at most :data:`CHUNK_ROWS` rows with
``pyarrow.parquet.ParquetWriter``, so that 10 M rows need well under 1 GiB of memory. Rows mix
every scope and the nine Scope 3 categories the source report discloses (1, 2, 4, 5, 6, 7, 11,
12; category 3 arises from the fuel, electricity and steam rows through the engine's streams),
with a few hundred distinct activity types (mostly NAICS spend codes, as in real purchase
ledgers) to give the factor join a realistic cardinality. **All values are synthetic.**

Reproducible: one ``numpy.random.default_rng(seed)`` drawn chunk by chunk in a fixed order;
the same seed, N and years give the same file content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lingtan.adapters.demo.company import SUPPLIER_PANEL
from lingtan.adapters.demo.group import SITES
from lingtan.core.activities import ACTIVITY_SCHEMA, KeyDictionary, keys_path
from lingtan.core.periods import FiscalCalendar

CHUNK_ROWS: Final = 1_000_000
DEFAULT_YEARS: Final = ("FY2022/23", "FY2023/24")

#: NAICS 2017 codes with a USEEIO v1.3 factor used as spend activity types
#: (``spend.naics.<code>``): manufacturing (32, 33), trucking and warehousing (484, 493), data
#: processing (518), professional and administrative services (541, 561).
_NAICS_TEXT: Final = """
    321113 321114 321211 321212 321213 321214 321219 321911 321912 321918 321920 321991 321992
    321999 322110 322121 322122 322130 322211 322212 322219 322220 322230 322291 322299 323111
    323113 323117 323120 324110 324121 324122 324191 324199 325110 325120 325130 325180 325193
    325194 325199 325211 325212 325220 325311 325312 325314 325320 325411 325412 325413 325414
    325510 325520 325611 325612 325613 325620 325910 325920 325991 325992 325998 326111 326112
    326113 326121 326122 326130 326140 326150 326160 326191 326199 326211 326212 326220 326291
    326299 327110 327120 327211 327212 327213 327215 327310 327320 327331 327332 327390 327410
    327420 327910 327991 327992 327993 327999 331110 331210 331221 331222 331313 331315 331318
    331410 331420 331491 331492 331511 331512 331513 331523 331524 331529 332111 332112 332114
    332117 332119 332215 332216 332311 332312 332313 332321 332322 332323 332410 332420 332431
    332439 332510 332613 332618 332710 332721 332722 332811 332812 332813 332911 332912 332913
    332919 332991 332992 332993 332994 332996 332999 333111 333112 333120 333131 333132 333241
    333242 333243 333244 333249 333314 333316 333318 333413 333414 333415 333511 333514 333515
    333517 333519 333611 333612 333613 333618 333912 333914 333921 333922 333923 333924 333991
    333992 333993 333994 333995 333996 333997 333999 334111 334112 334118 334210 334220 334290
    334310 334412 334413 334416 334417 334418 334419 334510 334511 334512 334513 334514 334515
    334516 334517 334519 334613 334614 335110 335121 335122 335129 335210 335220 335311 335312
    335313 335314 335911 335912 335921 335929 335931 335932 335991 335999 336111 336112 336120
    336211 336212 336213 336214 336310 336320 336330 336340 336350 336360 336370 336390 336411
    336412 336413 336414 336415 336419 336510 336611 336612 336991 336992 336999 337110 337121
    337122 337124 337125 337127 337211 337212 337214 337215 337910 337920 339112 339113 339114
    339115 339116 339910 339920 339930 339940 339950 339991 339992 339993 339994 339995 339999
    484110 484121 484122 484210 484220 484230 493110 493120 493130 493190 518210 541110 541120
    541191 541199 541211 541213 541214 541219 541310 541320 541330 541340 541350 541360 541370
    541380 541410 541420 541430 541490 541511 541512 541513 541519 541611 541612 541613 541614
    541618 541620 541690 541713 541714 541715 541720 541810 541820 541830 541840 541850 541860
    541870 541890 541910 541921 541922 541930 541940 541990 561110 561210 561311 561312 561320
    561330 561410 561421 561422 561431 561439 561440 561450 561491 561492 561499 561510 561520
    561591 561599 561611 561612 561613 561621 561622 561710 561720 561730 561740 561790 561910
    561920 561990
"""
NAICS_CODES: Final = tuple(_NAICS_TEXT.split())
#: Category 2 (capital goods): machinery, instruments and building construction.
CAPITAL_PREFIXES: Final = ("333", "3345", "2362")
CONSTRUCTION_CODES: Final = ("236210", "236220")


@dataclass(frozen=True)
class Variant:
    """One activity type of a family. Units: ``median`` in ``unit`` per row."""

    activity_type: str
    unit: str
    median: float
    weight: float = 1.0


@dataclass(frozen=True)
class Family:
    """A kind of activity row: template, classification and the activity types it draws from.

    Attributes:
        weight: relative frequency of the family among all rows.
        sigma: log-normal spread of quantities around each variant's median.
        sites: site ids rows are drawn from (``("*",)`` for organisation-level rows).
        regions: market regions drawn for organisation-level rows (empty = the site's region).
    """

    template: str
    scope: int
    category: int
    method: str
    tier: str
    weight: float
    variants: tuple[Variant, ...]
    sigma: float = 1.0
    sites: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    currency: bool = False


_ALL = tuple(s.id for s in SITES)
_OPS = tuple(s.id for s in SITES if s.is_factory or s.id == "BJ-HQ")
_FACTORIES = tuple(s.id for s in SITES if s.is_factory)
_MARKETS = ("CN", "US", "GB")


def _v(*specs: tuple[str, str, float]) -> tuple[Variant, ...]:
    return tuple(Variant(t, u, m) for t, u, m in specs)


def _spend_variants(capital: bool) -> tuple[Variant, ...]:
    codes = [c for c in NAICS_CODES if c.startswith(CAPITAL_PREFIXES) == capital]
    if capital:
        codes += list(CONSTRUCTION_CODES)
    # Zipf-like weights: a few codes carry most lines, as in a real purchase ledger.
    return tuple(
        Variant(f"spend.naics.{c}", "CNY", 20_000.0, 1.0 / (i + 1) ** 0.8)
        for i, c in enumerate(codes)
    )


FAMILIES: Final[tuple[Family, ...]] = (
    Family("fuel", 1, 1, "s1.combustion.fuel", "activity", 6.0,
           _v(("fuel.natural_gas", "m3", 12_000.0), ("fuel.diesel", "L", 800.0),
              ("fuel.lpg", "L", 400.0)), sites=_OPS),
    Family("fuel", 1, 2, "s1.combustion.fuel", "activity", 4.0,
           _v(("fuel.petrol", "L", 900.0), ("fuel.diesel", "L", 1_500.0)), sites=_OPS),
    Family("vehicle_distance", 1, 2, "s1.mobile.distance", "activity", 1.5,
           _v(("vehicle.car.average.diesel", "km", 1_800.0),
              ("vehicle.car.average.petrol", "km", 1_500.0)), sites=_ALL),
    Family("refrigerant", 1, 3, "s1.fugitive.mass_balance", "activity", 0.8,
           _v(("gas.R410A", "kg", 15.0), ("gas.HFC134a", "kg", 12.0), ("gas.R407C", "kg", 8.0),
              ("gas.R32", "kg", 5.0), ("gas.R404A", "kg", 4.0)), sites=_ALL),
    Family("direct_gas", 1, 3, "s1.direct_gas", "activity", 0.5,
           _v(("gas.CH4", "kg", 60.0)), sites=_OPS),
    Family("direct_gas", 1, 4, "s1.direct_gas", "activity", 0.5,
           _v(("gas.NF3", "kg", 0.5), ("gas.SF6", "kg", 0.2), ("gas.CF4", "kg", 0.3)),
           sites=_FACTORIES),
    Family("electricity", 2, 1, "s2.electricity", "activity", 14.0,
           _v(("electricity.grid", "kWh", 150_000.0)), sigma=1.2, sites=_ALL),
    Family("electricity", 2, 1, "s2.electricity", "activity", 2.0,
           _v(("electricity.onsite_renewable", "kWh", 60_000.0)),
           sites=("TJ-FACTORY", "HF-FACTORY", "SZ-FACTORY")),
    Family("energy", 2, 2, "s2.energy", "activity", 1.0, _v(("heat.steam", "t", 200.0)),
           sites=("HF-FACTORY",)),
    Family("energy", 2, 4, "s2.energy", "activity", 1.0,
           _v(("cooling.district", "kWh", 50_000.0)), sites=("BJ-HQ",)),
    Family("spend", 3, 1, "s3.spend_eeio", "spend", 30.0, _spend_variants(False), sigma=1.5,
           sites=_FACTORIES, currency=True),
    Family("spend", 3, 2, "s3.spend_eeio", "spend", 4.0, _spend_variants(True), sigma=1.5,
           sites=_FACTORIES, currency=True),
    Family("activity", 3, 1, "generic.activity", "supplier_specific", 3.0,
           _v((SUPPLIER_PANEL, "item", 5_000.0)), sites=("HF-FACTORY", "SZ-FACTORY")),
    Family("activity", 3, 1, "generic.activity", "activity", 3.0,
           _v(("material.plastics_average.primary", "t", 5.0),
              ("material.paper_and_board_board.primary", "t", 20.0),
              ("material.metal_aluminium_cans_and_foil.primary", "t", 3.0)), sites=_FACTORIES),
    Family("transport", 3, 4, "s3.transport.distance", "activity", 8.0,
           _v(("freight.road.hgv.average", "tkm", 300_000.0),
              ("freight.air.long_haul", "tkm", 900_000.0),
              ("freight.sea.container.average", "tkm", 30_000_000.0),
              ("freight.rail", "tkm", 2_000_000.0)), sites=_FACTORIES),
    Family("waste", 3, 5, "s3.c5.waste_type", "activity", 4.0,
           _v(("waste.commercial_and_industrial.landfill", "t", 4.0),
              ("waste.commercial_and_industrial.incineration", "t", 6.0),
              ("waste.paper_and_board_mixed.recycling", "t", 12.0),
              ("waste.weee_mixed.recycling", "t", 1.0)), sites=_OPS),
    Family("business_travel", 3, 6, "s3.c6.distance", "activity", 6.0,
           _v(("travel.air.short_haul.economy", "pkm", 2_600.0),
              ("travel.air.long_haul.economy", "pkm", 17_000.0),
              ("travel.rail.national", "pkm", 1_800.0)), sites=_ALL),
    Family("hotel", 3, 6, "s3.c6.hotel", "activity", 2.0,
           _v(("hotel.CN", "room_night", 20.0), ("hotel.GB", "room_night", 5.0),
              ("hotel.US", "room_night", 6.0), ("hotel.HK", "room_night", 4.0)), sites=_ALL),
    Family("commuting", 3, 7, "s3.c7.distance", "activity", 3.0,
           _v(("travel.bus.average", "pkm", 150_000.0), ("travel.car.average", "pkm", 120_000.0),
              ("travel.metro", "pkm", 100_000.0)), sites=_ALL),
    Family("use_phase", 3, 11, "s3.c11.use_phase_energy", "activity", 1.5,
           _v(("electricity.grid", "kWh", 5_000_000.0)), sites=("*",), regions=_MARKETS),
    Family("end_of_life", 3, 12, "s3.c12.waste_type", "activity", 1.5,
           _v(("waste.weee_mixed.landfill", "t", 20.0), ("waste.weee_mixed.recycling", "t", 25.0),
              ("waste.weee_mixed.incineration", "t", 8.0)), sites=("*",), regions=_MARKETS),
)  # fmt: skip


def activity_types() -> list[str]:
    """Every distinct activity type :func:`generate_activities` can draw, sorted."""
    return sorted({v.activity_type for f in FAMILIES for v in f.variants})


@dataclass(frozen=True)
class _Tables:
    """:data:`FAMILIES` flattened into arrays for vectorised sampling."""

    family_p: np.ndarray  # family probabilities
    variant_bounds: np.ndarray  # family k's variants: cumulative bounds in [k, k + 1)
    variant_last: np.ndarray  # family → index of its last variant
    variant_type: np.ndarray  # variant → index into types
    variant_unit: np.ndarray  # variant → index into units
    variant_median: np.ndarray
    site_bounds: np.ndarray
    site_last: np.ndarray
    site_value: np.ndarray  # pool entry → index into sites
    region_bounds: np.ndarray
    region_last: np.ndarray
    region_value: np.ndarray  # pool entry → index into regions (0 = null)
    family_sigma: np.ndarray
    family_currency: np.ndarray
    family_template: np.ndarray  # family → index into templates
    family_scope: np.ndarray
    family_category: np.ndarray
    usd_unit: int  # index of "USD" in units
    types: pa.Array
    units: pa.Array
    sites: pa.Array
    regions: pa.Array
    templates: tuple[str, ...]
    family_templates: pa.Array  # family → template name
    methods: pa.Array  # family → method
    tiers: pa.Array  # family → tier


def _pools(pools: Sequence[Sequence[tuple[int, float]]]) -> tuple[np.ndarray, ...]:
    """Cumulative bounds (family k in [k, k + 1)), last index per family, pooled values."""
    bounds: list[float] = []
    values: list[int] = []
    last: list[int] = []
    for k, pool in enumerate(pools):
        total = sum(w for _, w in pool)
        acc = 0.0
        for value, w in pool:
            acc += w / total
            bounds.append(k + acc)
            values.append(value)
        bounds[-1] = k + 1.0
        last.append(len(values) - 1)
    return (np.asarray(bounds), np.asarray(last, dtype=np.int64), np.asarray(values, np.int64))


def _tables() -> _Tables:
    types = activity_types()
    units = sorted({v.unit for f in FAMILIES for v in f.variants} | {"CNY", "USD"})
    site_ids = ["*", *(s.id for s in SITES)]
    regions: list[str | None] = [None, *_MARKETS]
    templates = tuple(sorted({f.template for f in FAMILIES}))
    size = {s.id: max(s.grid_mwh, 100.0) for s in SITES}
    size["*"] = 1.0
    vb, vl, _ = _pools([[(i, v.weight) for i, v in enumerate(f.variants)] for f in FAMILIES])
    flat = [v for f in FAMILIES for v in f.variants]
    sb, sl, sv = _pools([[(site_ids.index(s), size[s]) for s in f.sites] for f in FAMILIES])
    rb, rl, rv = _pools(
        [[(regions.index(r), 1.0) for r in f.regions] or [(0, 1.0)] for f in FAMILIES]
    )
    weights = np.asarray([f.weight for f in FAMILIES])
    return _Tables(
        family_p=weights / weights.sum(),
        variant_bounds=vb,
        variant_last=vl,
        variant_type=np.asarray([types.index(v.activity_type) for v in flat], np.int64),
        variant_unit=np.asarray([units.index(v.unit) for v in flat], np.int64),
        variant_median=np.asarray([v.median for v in flat]),
        site_bounds=sb,
        site_last=sl,
        site_value=sv,
        region_bounds=rb,
        region_last=rl,
        region_value=rv,
        family_sigma=np.asarray([f.sigma for f in FAMILIES]),
        family_currency=np.asarray([f.currency for f in FAMILIES]),
        family_template=np.asarray([templates.index(f.template) for f in FAMILIES], np.int64),
        family_scope=np.asarray([f.scope for f in FAMILIES], np.int8),
        family_category=np.asarray([f.category for f in FAMILIES], np.int8),
        usd_unit=units.index("USD"),
        types=pa.array(types, pa.string()),
        units=pa.array(units, pa.string()),
        sites=pa.array(site_ids, pa.string()),
        regions=pa.array(regions, pa.string()),
        templates=templates,
        family_templates=pa.array([f.template for f in FAMILIES], pa.string()),
        methods=pa.array([f.method for f in FAMILIES], pa.string()),
        tiers=pa.array([f.tier for f in FAMILIES], pa.string()),
    )


def _pick(fam: np.ndarray, u: np.ndarray, bounds: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Pool index per row: the entry of the row's family whose cumulative bound exceeds u."""
    idx: np.ndarray = np.minimum(np.searchsorted(bounds, fam + u, side="right"), last[fam])
    return idx


def _chunk(
    t: _Tables,
    rng: np.random.Generator,
    first_row: int,
    n: int,
    batch: pa.Array,
    day_start: np.ndarray,
    day_count: np.ndarray,
    source_rows: np.ndarray,
    keys: KeyDictionary,
) -> pa.Table:
    """``n`` activities starting at ``row_id = first_row``; advances ``source_rows`` in place."""
    fam = rng.choice(len(t.family_p), size=n, p=t.family_p)
    var = _pick(fam, rng.random(n), t.variant_bounds, t.variant_last)
    site = t.site_value[_pick(fam, rng.random(n), t.site_bounds, t.site_last)]
    region = t.region_value[_pick(fam, rng.random(n), t.region_bounds, t.region_last)]
    year = rng.integers(0, len(day_start), size=n)
    days = day_start[year] + np.floor(rng.random(n) * day_count[year]).astype(np.int64)
    quantity = t.variant_median[var] * np.exp(t.family_sigma[fam] * rng.standard_normal(n))
    usd = t.family_currency[fam] & (rng.random(n) < 0.3)
    unit = np.where(usd, t.usd_unit, t.variant_unit[var])
    quantity = np.round(np.where(usd, quantity / 7.0, quantity), 3)
    dates = days.astype("datetime64[D]")
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    template = t.family_template[fam]
    source = np.empty(n, dtype=np.int64)
    for k in range(len(t.templates)):
        rows = np.flatnonzero(template == k)
        source[rows] = source_rows[k] + np.arange(2, len(rows) + 2)  # header is row 1
        source_rows[k] += len(rows)
    fam_idx = pa.array(fam)
    columns = [
        pa.array(np.arange(first_row, first_row + n, dtype=np.int64)),
        batch.take(pa.array(np.zeros(n, dtype=np.int64))),
        pa.array(source.astype(np.int32)),
        t.family_templates.take(fam_idx),
        t.sites.take(pa.array(site)),
        t.regions.take(pa.array(region)),
        pa.array(dates, pa.date32()),
        pa.array(t.family_scope[fam]),
        pa.array(t.family_category[fam]),
        t.types.take(pa.array(t.variant_type[var])),
        pa.array(quantity),
        t.units.take(pa.array(unit)),
        pa.array(years.astype(np.int16), pa.int16(), mask=~t.family_currency[fam]),
        t.methods.take(fam_idx),
        pa.array(["both"], pa.string()).take(pa.array(np.zeros(n, dtype=np.int64))),
        t.tiers.take(fam_idx),
        pa.nulls(n, pa.string()),
    ]
    # period_end and the data-quality indicators: not stated in the synthetic rows
    columns += [pa.nulls(n, f.type) for f in list(ACTIVITY_SCHEMA)[len(columns) :]]
    table = pa.Table.from_arrays(columns, schema=ACTIVITY_SCHEMA)
    return table.set_column(table.schema.get_field_index("key_id"), "key_id", keys.encode(table))


def generate_activities(
    rows: int,
    *,
    seed: int,
    path: Path,
    years: Sequence[str] = DEFAULT_YEARS,
) -> Path:
    """Write ``rows`` synthetic normalised activities to the Parquet file ``path``.

    Args:
        rows: number of activities (``row_id`` 1 … rows).
        seed: seed of ``numpy.random.default_rng``; same seed, rows and years → same content.
        path: the Parquet file to write (parent folders created; written aside, then renamed),
            with its key dictionary beside it (:func:`lingtan.core.activities.keys_path`).
        years: fiscal-year labels (April–March) the dates are spread over, uniformly.

    Returns:
        ``path``.
    """
    if rows < 0:
        raise ValueError(f"rows must be >= 0, got {rows}")
    calendar = FiscalCalendar(4)
    periods = [calendar.parse(label) for label in years]
    epoch = np.datetime64("1970-01-01", "D")
    day_start = np.asarray([(np.datetime64(p.start, "D") - epoch).astype(np.int64)
                            for p in periods])  # fmt: skip
    day_count = np.asarray([p.days for p in periods], dtype=np.int64)
    t = _tables()
    rng = np.random.default_rng(seed)
    batch = pa.array([f"synthetic-{seed}-{rows}"], pa.string())
    source_rows = np.zeros(len(t.templates), dtype=np.int64)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    keys = KeyDictionary()
    with pq.ParquetWriter(tmp, ACTIVITY_SCHEMA, compression="zstd") as writer:
        for start in range(0, rows, CHUNK_ROWS):
            n = min(CHUNK_ROWS, rows - start)
            table = _chunk(t, rng, start + 1, n, batch, day_start, day_count, source_rows, keys)
            writer.write_table(table, row_group_size=CHUNK_ROWS)
            del table
    key_tmp = tmp.with_name(tmp.name + ".keys")
    pq.write_table(keys.table(), key_tmp, compression="zstd")
    key_tmp.replace(keys_path(path))
    tmp.replace(path)
    return path
