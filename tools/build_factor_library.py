#!/usr/bin/env python3
"""Build lingtan's bundled factor library from the public source files.

Usage::

    python tools/build_factor_library.py --data ../shared/data --out src/lingtan/data

Reads the reference data described in ``<data>/README.md`` and each folder's ``SOURCE.md``,
checks every input file's sha256 against the value recorded in its ``SOURCE.md`` (and pinned
below) and refuses to build on a mismatch, then writes:

- ``<out>/factors/<set>.csv`` (columns = :data:`lingtan.core.factors.FACTOR_COLUMNS`, in order)
  and ``<out>/factors/<set>.yaml`` (manifest) for ``desnz-2025``, ``desnz-2024``,
  ``epa-hub-2025``, ``useeio-1.3`` and ``cn-grid``;
- ``<out>/factors/CATALOGUE.md`` (every activity type with its units, regions and sets);
- ``<out>/gwp/gwp100.csv`` and ``<out>/gwp/blends.csv``;
- ``<out>/NOTICE.md`` (attribution of every shipped set).

The output is deterministic: rows sorted, floats written with ``repr`` (shortest round-trip
form), no timestamps, LF line endings. Rebuilding from the same inputs gives identical bytes.
Every row is checked with :func:`lingtan.core.factors.make_factor` and every set with
:func:`lingtan.core.factors.validate_groups` before anything is written.

Transformations (all documented in the manifests and ``docs/factor-sources.md``):

- DESNZ publishes per-gas values as "kg CO2e of <gas> per unit" under IPCC AR5; they are turned
  into kg of gas by dividing by the AR5 GWP (CH4 28, N2O 265; CO2 1).
- EPA gives CH4/N2O in grams and electricity in lb/MWh: converted to kg (1 lb = 0.45359237 kg
  exactly) and kg/kWh. EPA stationary-combustion factors per mmBtu (higher heating value) are
  converted to kg per kWh on a gross-CV basis (1 mmBtu = 293.07107017222 kWh, Btu_IT).
- Nothing else is recomputed; values are otherwise copied as published.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
import textwrap
import unicodedata
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from lingtan.adapters.io.factor_files import MANIFEST_KEYS, gwp_sets_from_files
from lingtan.core.factors import FACTOR_COLUMNS, make_factor, validate_groups
from lingtan.core.gwp import CH4_FOSSIL, CH4_NONFOSSIL, CO2E, METHANE_BY_ORIGIN, normalise_gas
from lingtan.core.standard_coal import COAL_COLUMNS

# --------------------------------------------------------------------------------------------
# constants
# --------------------------------------------------------------------------------------------

#: IPCC AR5 GWP100 used by DESNZ and EPA to express per-gas values in CO2e (AR5 WGI Table 8.A.1).
AR5_GWP = {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0}
#: 1 lb = 0.45359237 kg exactly (international pound, 1959).
KG_PER_LB = 0.45359237
#: kWh per mmBtu: 1 Btu_IT = 1055.05585262 J exactly, 1 kWh = 3.6e6 J.
KWH_PER_MMBTU = 1.05505585262e9 / 3.6e6
GLOBAL_DEFAULT_NOTE = "UK DESNZ values used as the global default."


class BuildError(Exception):
    """The inputs are not what this script was written for; nothing is written."""


@dataclass(frozen=True)
class Input:
    """One source file: folder under ``--data``, file name, and its expected sha256
    (``recorded``: the folder's SOURCE.md states that sha256 too)."""

    folder: str
    file: str
    sha256: str
    recorded: bool = True


INPUTS: dict[str, Input] = {
    "desnz2025": Input(
        "uk-desnz-ghg-conversion-factors",
        "ghg-conversion-factors-2025-flat-format.csv",
        "902d6b849ad879801f4e34fa1a4a25deb4e6493c539d575ff29fb62a77823452",
    ),
    "desnz2024": Input(
        "uk-desnz-ghg-conversion-factors",
        "ghg-conversion-factors-2024-full_set__for_advanced_users__v1_1.xlsx",
        "558116ed06b5d84c41f5eff9b24714e4eb5ce41eb8ac0619ffe946e8d87da859",
    ),
    "epa": Input(
        "us-epa-ghg-emission-factors-hub",
        "ghg-emission-factors-hub-2025.xlsx",
        "eb6ba3af74b20ddf3d8b128396d28049f0b0cb45b6aee162ef2270b4cbbf19af",
    ),
    "useeio": Input(
        "us-epa-supply-chain-ghg-factors",
        "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_byGHG_USD2022.csv",
        "963952e5911dd5c5a4408172192b327c1583b5491a5b80c2d7cb03260411ee16",
    ),
    "useeio_co2e": Input(
        "us-epa-supply-chain-ghg-factors",
        "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv",
        "c7f508646ee091cb2218be65dec0e2bdb6143ba8511773d486c9e87f6df84177",
    ),
    "gwp": Input(
        "ipcc-gwp-openclimatedata",
        "globalwarmingpotentials.csv",
        "9b80412cb5aeeb91038ef84145a10cdab0ab202cbb623cb14d2ec35ec2454f36",
    ),
    "ghgp": Input(
        "ghg-protocol-cross-sector-ef",
        "Emission_Factors_for_Cross_Sector_Tools_V2.0_0.xlsx",
        "bb2cb00090aba9f801a90f0851c43b14b0bf4355df18075d22de5b230fcae611",
    ),
    # The three folders below record no sha256 of their own CSV in SOURCE.md: pinned here only.
    "cn_mee": Input(
        "china-mee-grid-factors",
        "china_grid_co2_factors.csv",
        "b9da58f8c290910c922ecb8e0b3890627a58868632be9dcb49385875f17f1052",
        recorded=False,
    ),
    "ember": Input(
        "owid-ember-electricity-intensity",
        "electricity_carbon_intensity.csv",
        "6e942df9032b3ac63a0e41b056a619bd40b355b3a1416c834fbe44930b14ed18",
        recorded=False,
    ),
    "coal": Input(
        "china-energy-conversion",
        "standard_coal_coefficients.csv",
        "48a97527839a36d4c0a23b4cea1c72d98ed574644a75cd4071246742278e57ec",
        recorded=False,
    ),
}


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_inputs(data: Path) -> dict[str, Path]:
    """Check every input file against the sha256 recorded in its folder's ``SOURCE.md``.

    Raises:
        BuildError: a file is missing, its SOURCE.md does not record the expected sha256, or
            the file's sha256 differs (refuse: the mappings below were written for those bytes).
    """
    paths: dict[str, Path] = {}
    for key, inp in INPUTS.items():
        path = data / inp.folder / inp.file
        source_md = data / inp.folder / "SOURCE.md"
        if not path.is_file():
            raise BuildError(f"missing input {path}")
        if not source_md.is_file():
            raise BuildError(f"missing {source_md}")
        recorded = set(re.findall(r"\b[0-9a-f]{64}\b", source_md.read_text(encoding="utf-8")))
        if inp.recorded and inp.sha256 not in recorded:
            raise BuildError(f"{source_md} does not record sha256 {inp.sha256} for {inp.file}")
        actual = sha256_of(path)
        if actual != inp.sha256:
            raise BuildError(
                f"{path}: sha256 {actual} does not match {inp.sha256} recorded in {source_md}; "
                "refusing to build"
            )
        paths[key] = path
    return paths


# --------------------------------------------------------------------------------------------
# output model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Out:
    """One output factor row (value in kg of gas, or kg CO2e, per ``unit``)."""

    factor_id: str
    activity_type: str
    region: str
    unit: str
    gas: str
    value: float
    valid_from: str
    valid_to: str
    gwp_set: str
    publisher: str
    dataset: str
    edition: str
    table: str
    price_year: str
    description: str

    def sort_key(self) -> tuple[str, ...]:
        return (
            self.activity_type,
            self.region,
            self.unit,
            self.valid_from,
            self.gas,
            self.factor_id,
        )

    def fields(self) -> dict[str, str]:
        return {
            "factor_id": self.factor_id,
            "activity_type": self.activity_type,
            "region": self.region,
            "unit": self.unit,
            "gas": self.gas,
            "value": fmt(self.value),
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "gwp_set": self.gwp_set,
            "publisher": self.publisher,
            "dataset": self.dataset,
            "edition": self.edition,
            "table": self.table,
            "version": "1",
            "price_year": self.price_year,
            "description": self.description,
        }


def fmt(value: float) -> str:
    """Shortest round-trip text of a float (``repr``), never ``-0.0``."""
    return repr(float(value) + 0.0)


@dataclass
class FactorSetBuild:
    """A factor set being built: its manifest and rows."""

    manifest: dict[str, Any]
    rows: list[Out] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.manifest["name"])


def slug(text: str) -> str:
    """Activity-type slug: lower case ASCII, ``_`` for spaces and punctuation, ``+`` → plus."""
    t = text.replace("–", "-").replace("—", "-").replace("+", " plus ")
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode()
    t = t.lower().replace(",", "")
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_")


def cell_ref(row0: int, col0: int) -> str:
    """Excel reference (``E24``) of a 0-based row and column."""
    return f"{openpyxl.utils.get_column_letter(col0 + 1)}{row0 + 1}"


def load_sheet(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    """All rows of one sheet as value tuples (row 0 = Excel row 1, column 0 = A)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: unsupported header/footer, extensions
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            ws = wb[sheet]
            rows = [tuple(r) for r in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
        finally:
            wb.close()
    return rows


def load_workbook_sheets(path: Path, sheets: Iterable[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Several sheets of one workbook (opened once)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for name in sheets:
                ws = wb[name]
                out[name] = [tuple(r) for r in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
        finally:
            wb.close()
    return out


def text(v: Any) -> str:
    """Cell value as stripped text ('' for empty)."""
    return "" if v is None else str(v).strip()


def number(v: Any) -> float | None:
    """Cell value as a float, None when empty or not numeric ('NA')."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v)
    s = str(v).strip()
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# UK DESNZ
# --------------------------------------------------------------------------------------------

DESNZ_PUBLISHER = "UK Department for Energy Security and Net Zero (DESNZ)"
DESNZ_PUBLISHER_SHORT = "UK DESNZ"  # per row; the manifest gives the full name
DESNZ_DATASET = "UK Government GHG Conversion Factors for Company Reporting"

GHG_LABELS = {
    "kg CO2e": "total",
    "kg CO2e of CO2 per unit": "CO2",
    "kg CO2e of CH4 per unit": "CH4",
    "kg CO2e of N2O per unit": "N2O",
}

DESNZ_UNITS = {
    "tonnes": "t",
    "litres": "L",
    "kWh (Net CV)": "kWh_ncv",
    "kWh (Gross CV)": "kWh_gcv",
    "cubic metres": "m3",
    "kWh": "kWh",
    "GJ": "GJ",
    "kg": "kg",
    "km": "km",
    "passenger.km": "pkm",
    "tonne.km": "tkm",
    "Room per night": "room_night",
    "per FTE Working Hour": "hour",
}
#: Units not shipped: the same dimension as a shipped unit of the same factor (miles ≡ km,
#: million litres ≡ m3) would create two groups that both qualify for one activity.
DESNZ_SKIP_UNITS = {"miles", "million litres"}

#: DESNZ Level 1 categories not shipped, and why (repeated in the manifest notes).
DESNZ_SKIPPED_L1 = {
    "Refrigerant & other": "GWP values, not activity factors; lingtan uses gwp/gwp100.csv",
    "SECR kWh pass & delivery vehs": "energy conversions (kWh per km), not emission factors",
    "SECR kWh UK electricity for EVs": "energy conversions (kWh per km), not emission factors",
    "Managed assets- vehicles": "same vehicles as 'Business travel- land'; use travel.* types",
    "Managed assets- electricity": "same value as UK electricity; use electricity.grid",
    "Overseas electricity": "DESNZ no longer publishes overseas electricity factors",
}

#: DESNZ "Outside of scopes" (biogenic CO2, kg CO2e of CO2 = kg CO2 per unit) is shipped as gas
#: ``CO2_biogenic`` in the factor group of the matching Scope 1 fuel (GHG Protocol Corporate
#: Standard ch. 9; ISO 14064-1:2018 §9.3.1). Its Level 2 categories shipped (Scope 1 in 'Fuels'
#: for the forecourt blends, in 'Bioenergy' for the others), and the one not shipped.
DESNZ_OUTSIDE_SCOPES = frozenset(
    {"Forecourt fuels containing biofuel", "Biofuel", "Biomass", "Biogas"}
)
DESNZ_OUTSIDE_SCOPES_NOT_SHIPPED = "Electricity generated"
DESNZ_OUTSIDE_SCOPES_SKIPPED = (
    "'Outside of scopes > Electricity generated' (biogenic CO2 of the biomass share of UK grid"
    " generation, per kWh): not shipped. It would sit in the Scope 2 electricity.grid (GB) group,"
    " which the market-based method replaces with contractual instruments and residual mixes,"
    " so the line would follow one method only, and DESNZ publishes no T&D counterpart; it is"
    " not biomass burnt by the reporting company"
)

FUEL_NAMES = {
    "diesel (average biofuel blend)": "diesel",
    "diesel (100% mineral diesel)": "diesel_mineral",
    "petrol (average biofuel blend)": "petrol",
    "petrol (100% mineral petrol)": "petrol_mineral",
    "natural gas (100% mineral blend)": "natural_gas_mineral",
    "burning oil": "kerosene",
    "processed fuel oils - residual oil": "processed_fuel_oil_residual",
    "processed fuel oils - distillate oil": "processed_fuel_oil_distillate",
    "coal (electricity generation - home produced coal only)": (
        "coal_electricity_generation_home_produced"
    ),
}

CAR_FUELS = {
    "diesel": "diesel",
    "petrol": "petrol",
    "hybrid": "hybrid",
    "cng": "cng",
    "lpg": "lpg",
    "unknown": "unknown",
    "plug-in hybrid electric vehicle": "phev",
    "battery electric vehicle": "bev",
}
CAR_SIZES = {
    "small car": "small",
    "medium car": "medium",
    "large car": "large",
    "average car": "average",
}
VAN_CLASSES = {
    "class i (up to 1.305 tonnes)": "class_i",
    "class ii (1.305 to 1.74 tonnes)": "class_ii",
    "class iii (1.74 to 3.5 tonnes)": "class_iii",
    "average (up to 3.5 tonnes)": "average",
}
HGV_SIZES = {
    "rigid (>3.5 - 7.5 tonnes)": "rigid_3_5_7_5t",
    "rigid (>7.5 tonnes-17 tonnes)": "rigid_7_5_17t",
    "rigid (>17 tonnes)": "rigid_over_17t",
    "all rigids": "rigid_average",
    "articulated (>3.5 - 33t)": "artic_3_5_33t",
    "articulated (>33t)": "artic_over_33t",
    "all artics": "artic_average",
    "all hgvs": "average",
}
LADEN = {
    "0% laden": ".laden_0",
    "50% laden": ".laden_50",
    "100% laden": ".laden_100",
    "average laden": "",
}
HAULS = {
    "domestic, to/from uk": "domestic",
    "short-haul, to/from uk": "short_haul",
    "long-haul, to/from uk": "long_haul",
    "international, to/from non-uk": "international",
}
CLASSES = {
    "average passenger": "average",
    "economy class": "economy",
    "premium economy class": "premium_economy",
    "business class": "business",
    "first class": "first",
}
SHIPS = {
    "crude tanker": "crude_tanker",
    "products tanker": "products_tanker",
    "chemical tanker": "chemical_tanker",
    "lng tanker": "lng_tanker",
    "lpg tanker": "lpg_tanker",
    "bulk carrier": "bulk",
    "general cargo": "general_cargo",
    "container ship": "container",
    "vehicle transport": "vehicle_transport",
    "roro-ferry": "roro_ferry",
    "large ropax ferry": "ropax_ferry",
    "refrigerated cargo": "refrigerated_cargo",
}
LAND_TRAVEL = {
    ("bus", "local bus (not london)"): "travel.bus.local_not_london",
    ("bus", "local london bus"): "travel.bus.london",
    ("bus", "average local bus"): "travel.bus.average",
    ("bus", "coach"): "travel.coach",
    ("rail", "national rail"): "travel.rail.national",
    ("rail", "international rail"): "travel.rail.international",
    ("rail", "light rail and tram"): "travel.rail.light_rail_tram",
    ("rail", "london underground"): "travel.metro",
    ("taxis", "regular taxi"): "travel.taxi",
    ("taxis", "black cab"): "travel.taxi.black_cab",
}
FERRY = {
    "foot passenger": "foot_passenger",
    "car passenger": "car_passenger",
    "average (all passenger)": "average",
}
WASTE_TREATMENTS = {
    "re-use": "reuse",
    "open-loop": "recycling.open_loop",
    "closed-loop": "recycling.closed_loop",
    "incineration with energy recovery": "incineration",
    "combustion": "incineration",  # the 2024 workbook's name for the same column
    "composting": "composting",
    "landfill": "landfill",
    "anaerobic digestion": "anaerobic_digestion",
}
MATERIAL_SOURCES = {
    "primary material production": "primary",
    "re-used": "reused",
    "open-loop source": "open_loop",
    "closed-loop source": "closed_loop",
}
MATERIAL_NAMES = {
    "plastics: average plastics": "plastics_average",
    "plastics: average plastic film": "plastics_average_film",
    "plastics: average plastic rigid": "plastics_average_rigid",
}
#: DESNZ hotel countries → ISO 3166-1 alpha-2 (``UK (London)`` → ISO 3166-2 ``GB-LND``).
HOTEL_COUNTRIES = {
    "UK": "GB",
    "UK (London)": "GB-LND",
    "Argentina": "AR",
    "Australia": "AU",
    "Austria": "AT",
    "Belgium": "BE",
    "Brazil": "BR",
    "Canada": "CA",
    "Chile": "CL",
    "China": "CN",
    "Colombia": "CO",
    "Costa Rica": "CR",
    "Czech Republic": "CZ",
    "Egypt": "EG",
    "Fiji": "FJ",
    "Finland": "FI",
    "France": "FR",
    "Germany": "DE",
    "Greece": "GR",
    "Hong Kong, China": "HK",
    "India": "IN",
    "Indonesia": "ID",
    "Ireland": "IE",
    "Israel": "IL",
    "Italy": "IT",
    "Japan": "JP",
    "Jordan": "JO",
    "Kazakhstan": "KZ",
    "Korea": "KR",
    "Macau, China": "MO",
    "Malaysia": "MY",
    "Maldives": "MV",
    "Mexico": "MX",
    "Netherlands": "NL",
    "New Zealand": "NZ",
    "Oman": "OM",
    "Panama": "PA",
    "Peru": "PE",
    "Philippines": "PH",
    "Poland": "PL",
    "Portugal": "PT",
    "Qatar": "QA",
    "Romania": "RO",
    "Russian Federation": "RU",
    "Saudi Arabia": "SA",
    "Singapore": "SG",
    "South Africa": "ZA",
    "Spain": "ES",
    "Switzerland": "CH",
    "Taiwan, China": "TW",
    "Thailand": "TH",
    "Turkey": "TR",
    "United Arab Emirates": "AE",
    "United States": "US",
    "Vietnam": "VN",
}


@dataclass(frozen=True)
class DRec:
    """One DESNZ value, in the flat-file vocabulary (both editions are read into this)."""

    l1: str
    l2: str
    l3: str
    l4: str
    col: str
    uom: str
    ghg: str  # total | CO2 | CH4 | N2O
    value: float | None
    ref: str  # DESNZ ID (flat file) or sheet!cell (workbook)

    @property
    def src_key(self) -> tuple[str, ...]:
        return (self.l1, self.l2, self.l3, self.l4, self.col, self.uom)

    @property
    def label(self) -> str:
        parts = [p for p in (self.l1, self.l2, self.l3, self.l4) if p]
        tail = f" [{self.col}]" if self.col else ""
        return " > ".join(parts) + tail + f", per {self.uom}"


@dataclass(frozen=True)
class Target:
    """Where a DESNZ value goes: activity type, region, unit, methane key and notes."""

    activity_type: str
    region: str
    unit: str
    ch4: str = "CH4"
    note: str = ""
    suffix: str = ""  # added to the factor id for secondary targets of one source value
    total_only: bool = False  # ship the total CO2e even when per-gas values exist (RF)
    biogenic: bool = False  # DESNZ "Outside of scopes": CO2_biogenic beside the Scope 1 group


def read_desnz_flat(path: Path) -> list[DRec]:
    """The DESNZ 2025 flat file (third-party CSV export of the official flat format)."""
    out: list[DRec] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        want = [
            "ID",
            "Scope",
            "Level 1",
            "Level 2",
            "Level 3",
            "Level 4",
            "Column Text",
            "UOM",
            "GHG/Unit",
            "GHG Conversion Factor 2025",
        ]
        if reader.fieldnames != want:
            raise BuildError(f"{path.name}: unexpected columns {reader.fieldnames}")
        for row in reader:
            ghg = GHG_LABELS.get(row["GHG/Unit"].strip())
            if ghg is None:  # SECR kWh rows: energy, not emissions
                continue
            raw = row["GHG Conversion Factor 2025"].strip()
            out.append(
                DRec(
                    l1=row["Level 1"].strip(),
                    l2=row["Level 2"].strip(),
                    l3=row["Level 3"].strip(),
                    l4=row["Level 4"].strip(),
                    col=row["Column Text"].strip(),
                    uom=row["UOM"].strip(),
                    ghg=ghg,
                    value=float(raw) if raw else None,
                    ref=row["ID"].strip(),
                )
            )
    return out


#: 2024 full-set sheets read (the others hold no activity factors; see DESNZ_SKIPPED_L1).
DESNZ_2024_SHEETS = (
    "Fuels",
    "Bioenergy",
    "Passenger vehicles",
    "Delivery vehicles",
    "UK electricity",
    "UK electricity for EVs",
    "Heat and steam",
    "WTT- fuels",
    "WTT- bioenergy",
    "Transmission and distribution",
    "UK electricity T&D for EVs",
    "WTT- UK electricity",
    "WTT- heat and steam",
    "Water supply",
    "Water treatment",
    "Material use",
    "Waste disposal",
    "Business travel- air",
    "WTT- business travel- air",
    "Business travel- sea",
    "WTT- business travel- sea",
    "Business travel- land",
    "WTT- pass vehs & travel- land",
    "Freighting goods",
    "WTT- delivery vehs & freight",
    "Hotel stay",
    "Homeworking",
    "Outside of scopes",
)


def read_desnz_workbook(path: Path) -> list[DRec]:
    """The DESNZ 2024 full-set workbook (v1.1), every table read into flat-file records.

    Each table has a header row starting ``Activity`` with a ``Unit`` column: label columns
    before it (forward-filled, a new label clears the deeper ones), an optional ``Year`` column,
    then value columns headed ``kg CO2e`` / ``kg CO2e of <gas> per unit``. An optional row just
    above the header names column groups (fuel type, laden %, RF, treatment …) = the flat file's
    ``Column Text``; it is recognised only when its cells sit exactly on ``kg CO2e`` columns (so
    notes above tables are not mistaken for it). A table ends at the first empty row. Tables
    without a type column (Homeworking) put their activity in Level 2, as the flat file does.
    """
    sheets = load_workbook_sheets(path, DESNZ_2024_SHEETS)
    out: list[DRec] = []
    for sheet, rows in sheets.items():
        r = 0
        n_tables = 0
        while r < len(rows):
            row = rows[r]
            if text(row[0] if row else None) != "Activity" or "Unit" not in [text(c) for c in row]:
                r += 1
                continue
            n_tables += 1
            header = [text(c) for c in row]
            unit_col = header.index("Unit")
            value_cols = [j for j, h in enumerate(header) if h in GHG_LABELS]
            if not value_cols:
                raise BuildError(f"{path.name}, {sheet} row {r + 1}: table without value columns")
            group: dict[int, str] = {}
            above = rows[r - 1] if r > 0 else ()
            cells = {j: text(c) for j, c in enumerate(above) if text(c)}
            if cells and all(header[j] == "kg CO2e" if j < len(header) else False for j in cells):
                current = ""
                for j in range(len(header)):
                    if j in cells:
                        current = cells[j]
                    if j in value_cols:
                        group[j] = current
            labels = [""] * unit_col
            r += 1
            while r < len(rows):
                data = rows[r]
                if not any(text(c) for c in data):
                    break
                if text(data[0]) in ("Activity", "FAQs"):
                    break
                for j in range(unit_col):
                    if text(data[j]):
                        labels[j] = text(data[j])
                        for k in range(j + 1, unit_col):
                            labels[k] = ""
                uom = text(data[unit_col])
                for j in value_cols:
                    v = data[j] if j < len(data) else None
                    val = number(v)
                    if v is not None and text(v) and val is None:
                        raise BuildError(f"{path.name}, {sheet}!{cell_ref(r, j)}: not a number")
                    out.append(
                        DRec(
                            l1=sheet,
                            l2=labels[0],
                            l3=labels[1] if unit_col > 1 else "",
                            l4=labels[2] if unit_col > 2 else "",
                            col=group.get(j, ""),
                            uom=uom,
                            ghg=GHG_LABELS[header[j]],
                            value=val,
                            ref=f"{sheet}!{cell_ref(r, j)}",
                        )
                    )
                r += 1
        if n_tables == 0:
            raise BuildError(f"{path.name}: no table found in sheet {sheet!r}")
    return out


def _fuel_slug(name: str) -> str:
    return FUEL_NAMES.get(name.lower(), slug(name))


def _material_slug(name: str, *, waste: bool) -> str:
    key = name.lower().strip()
    if key in MATERIAL_NAMES:
        return MATERIAL_NAMES[key]
    s = slug(re.sub(r"\((?:incl|excl)\. forming\)", "", name))
    if waste and s.endswith("_waste"):
        s = s[: -len("_waste")]
    return s


def _ship_size(size: str) -> str:
    s = slug(size)
    return "average" if s in ("average", "all_dwt") else s


#: Short names for the "don't know the size or fuel" choice (same values as the long names).
DESNZ_ALIASES = {
    "freight.road.van.average.unknown": "freight.road.van.average",
    "wtt.freight.road.van.average.unknown": "wtt.freight.road.van.average",
    "travel.car.average.unknown": "travel.car.average",
    "wtt.travel.car.average.unknown": "wtt.travel.car.average",
}


def desnz_targets(rec: DRec) -> list[Target]:
    """Map one DESNZ record to its activity types (empty list = not shipped), with aliases.

    Raises:
        BuildError: a category or name this mapping does not know (new DESNZ edition?).
    """
    out = _desnz_targets(rec)
    for t in list(out):
        alias = DESNZ_ALIASES.get(t.activity_type)
        if alias:
            out.append(
                Target(
                    alias,
                    t.region,
                    t.unit,
                    t.ch4,
                    f"{t.note} Same value as {t.activity_type}.".strip(),
                    suffix=f"{t.suffix}/alias".lstrip("/"),
                    total_only=t.total_only,
                    biogenic=t.biogenic,
                )
            )
    return out


def _desnz_targets(rec: DRec) -> list[Target]:
    l1, l2, l3, col = rec.l1, rec.l2.strip(), rec.l3.strip(), rec.col.strip()
    if l1 in DESNZ_SKIPPED_L1 or rec.uom in DESNZ_SKIP_UNITS:
        return []
    if rec.uom not in DESNZ_UNITS:
        raise BuildError(f"DESNZ {rec.ref}: unknown unit {rec.uom!r}")
    unit = DESNZ_UNITS[rec.uom]
    glo = GLOBAL_DEFAULT_NOTE
    low2, low3, lowc = l2.lower(), l3.lower(), col.lower()

    def fossil_vehicle(fuel: str) -> str:
        return "CH4" if fuel in ("bev", "phev") else CH4_FOSSIL

    if l1 == "Outside of scopes":
        if l2 == DESNZ_OUTSIDE_SCOPES_NOT_SHIPPED:
            return []  # see DESNZ_OUTSIDE_SCOPES_SKIPPED (manifest notes)
        if l2 not in DESNZ_OUTSIDE_SCOPES:
            raise BuildError(f"DESNZ {rec.ref}: no mapping for {rec.label!r}")
        # "All outside of scopes energy-based factors are provided on a net CV basis" (DESNZ)
        unit = {"kWh": "kWh_ncv", "GJ": "GJ_ncv"}.get(unit, unit)
        note = (
            glo + " Biogenic CO2 (DESNZ 'Outside of scopes', kg CO2e of CO2 = kg CO2): reported"
            " on its own line, outside the scopes and every scope total (GHG Protocol Corporate"
            " Standard ch. 9; ISO 14064-1:2018 9.3.1). Energy units on a net CV basis (DESNZ)."
        )
        return [Target(f"fuel.{_fuel_slug(l3)}", "GLO", unit, note=note, biogenic=True)]
    if l1 == "Fuels":
        note = " DESNZ 'Burning oil' (kerosene)." if low3 == "burning oil" else ""
        return [Target(f"fuel.{_fuel_slug(l3)}", "GLO", unit, CH4_FOSSIL, glo + note)]
    if l1 == "WTT- fuels":
        return [Target(f"wtt.fuel.{_fuel_slug(l3)}", "GLO", unit, note=glo)]
    if l1 in ("Bioenergy", "WTT- bioenergy"):
        unit = {"kWh": "kWh_ncv", "GJ": "GJ_ncv"}.get(unit, unit)  # "all factors net CV basis"
        prefix = "fuel" if l1 == "Bioenergy" else "wtt.fuel"
        note = glo + " Bioenergy energy units are on a net CV basis (DESNZ)."
        if l1 == "Bioenergy":
            note += " Scope 1 CO2 is net zero; biogenic CO2 is reported outside the scopes."
        return [Target(f"{prefix}.{_fuel_slug(l3)}", "GLO", unit, CH4_NONFOSSIL, note)]
    if l1 == "UK electricity":
        return [Target("electricity.grid", "GB", unit)]
    if l1 == "Transmission and distribution":
        if low2.startswith("t&d- uk electricity"):
            return [Target("td_loss.electricity.grid", "GB", unit)]
        if low2.startswith("distribution - district heat"):
            return [
                Target("td_loss.heat.district", "GB", unit),
                Target(
                    "td_loss.heat.steam",
                    "GB",
                    unit,
                    suffix="steam",
                    note="Same value as td_loss.heat.district (DESNZ: heat and steam).",
                ),
            ]
    if l1 == "WTT- UK electricity":
        if "(generation)" in low2:
            return [Target("wtt.electricity.grid", "GB", unit)]
        if "(t&d)" in low2:
            return [Target("wtt.td_loss.electricity.grid", "GB", unit)]
    if l1 in ("Heat and steam", "WTT- heat and steam"):
        pre = "" if l1 == "Heat and steam" else "wtt."
        if "distribution" in low2:
            return [
                Target(f"{pre}td_loss.heat.district", "GB", unit),
                Target(f"{pre}td_loss.heat.steam", "GB", unit, suffix="steam"),
            ]
        if low3.startswith("onsite"):
            return [Target(f"{pre}heat.onsite", "GB", unit)]
        if low3.startswith("district"):
            same = f"Same value as {pre}heat.district (DESNZ: 'District heat and steam')."
            return [
                Target(f"{pre}heat.district", "GB", unit),
                Target(f"{pre}heat.steam", "GB", unit, note=same, suffix="steam"),
            ]
    if l1 in (
        "Passenger vehicles",
        "Delivery vehicles",
        "UK electricity for EVs",
        "UK electricity T&D for EVs",
    ):
        base = _vehicle_type(rec)
        if l1 == "UK electricity for EVs":
            return [
                Target(
                    f"electricity.ev.{base}",
                    "GB",
                    unit,
                    note="Grid electricity of a plug-in vehicle per distance (Scope 2).",
                )
            ]
        if l1 == "UK electricity T&D for EVs":
            return [Target(f"td_loss.electricity.ev.{base}", "GB", unit)]
        fuel = base.rsplit(".", 1)[-1]
        note = glo
        if fuel in ("bev", "phev"):
            note += (
                " Combustion part only; add electricity.ev."
                + base
                + " (GB) for the electricity (Scope 2)."
            )
        return [Target(f"vehicle.{base}", "GLO", unit, fossil_vehicle(fuel), note)]
    if l1 == "WTT- pass vehs & travel- land":
        if low2.startswith("wtt- cars") or low2 == "wtt- motorbike":
            base = _vehicle_type(rec)
            return [
                Target(f"wtt.vehicle.{base}", "GLO", unit, note=glo),
                *_travel_units(f"wtt.travel.{base}", unit, glo, suffix_base="travel"),
            ]
        return [Target("wtt." + t, "GLO", unit, note=glo) for t in _land_travel(rec)]
    if l1 == "Business travel- land":
        if low2.startswith("cars") or low2 == "motorbike":
            base = _vehicle_type(rec)
            fuel = base.rsplit(".", 1)[-1]
            ch4 = "CH4" if low2.startswith("cars") and fuel in ("bev", "phev") else CH4_FOSSIL
            return _travel_units(f"travel.{base}", unit, glo, ch4=ch4)
        ch4 = "CH4" if low2 == "rail" else CH4_FOSSIL
        return [Target(t, "GLO", unit, ch4, glo) for t in _land_travel(rec)]
    if l1 in ("Business travel- air", "WTT- business travel- air"):
        haul, cls = HAULS[low3], CLASSES[rec.l4.strip().lower()]
        rf = lowc == "with rf"
        pre = "wtt." if l1.startswith("WTT") else ""
        atype = f"{pre}travel.air.{haul}.{cls}" + (".rf" if rf else "")
        note = glo + (
            " Includes radiative forcing (RF, non-CO2 effects at altitude)."
            if rf
            else " Without radiative forcing (RF)."
        )
        return [Target(atype, "GLO", unit, CH4_FOSSIL, note, total_only=rf)]
    if l1 in ("Business travel- sea", "WTT- business travel- sea"):
        pre = "wtt." if l1.startswith("WTT") else ""
        return [Target(f"{pre}travel.ferry.{FERRY[low3]}", "GLO", unit, CH4_FOSSIL, glo)]
    if l1 in ("Freighting goods", "WTT- delivery vehs & freight"):
        return _freight_targets(rec, unit)
    if l1 == "Hotel stay":
        iso = HOTEL_COUNTRIES.get(l3)
        if iso is None:
            raise BuildError(f"DESNZ {rec.ref}: hotel country {l3!r} has no ISO code mapping")
        return [
            Target(
                f"hotel.{iso}",
                "GLO",
                unit,
                note=f"Hotel stay in {l3}, per occupied room per night (DESNZ).",
            )
        ]
    if l1 == "Homeworking":
        name = {
            "office equipment": "office_equipment",
            "heating": "heating",
            "homeworking (office equipment + heating)": "total",
        }[low2]
        return [
            Target(
                f"homeworking.{name}",
                "GB",
                unit,
                note="Per full-time-equivalent working hour at home, UK average.",
            )
        ]
    if l1 in ("Water supply", "Water treatment"):
        return [Target("water." + ("supply" if l1 == "Water supply" else "treatment"), "GB", unit)]
    if l1 == "Material use":
        src = MATERIAL_SOURCES[lowc]
        return [Target(f"material.{_material_slug(l3, waste=False)}.{src}", "GLO", unit, note=glo)]
    if l1 == "Waste disposal":
        treat = WASTE_TREATMENTS[lowc]
        note = glo
        if treat.startswith("recycling."):
            note += f" Recycling, {treat.split('.')[1].replace('_', '-')} (DESNZ)."
        return [Target(f"waste.{_material_slug(l3, waste=True)}.{treat}", "GLO", unit, note=note)]
    raise BuildError(f"DESNZ {rec.ref}: no mapping for {rec.label!r}")


def _vehicle_type(rec: DRec) -> str:
    """Vehicle part of a type: ``car.average.diesel``, ``van.class_i.bev``, ``motorbike.small``."""
    low2 = rec.l2.strip().lower().removeprefix("wtt- ")
    low3, lowc = rec.l3.strip().lower(), rec.col.strip().lower()
    if low2.startswith("cars"):
        size = CAR_SIZES.get(low3, slug(rec.l3))
        return f"car.{size}.{CAR_FUELS[lowc]}"
    if low2 in ("motorbike", "motorbikes"):
        return f"motorbike.{slug(rec.l3)}"
    if low2 == "vans":
        return f"van.{VAN_CLASSES[low3]}.{CAR_FUELS[lowc]}"
    if low2.startswith("hgv"):
        kind = "hgv_refrigerated" if "refrigerated" in low2 else "hgv"
        return f"{kind}.{HGV_SIZES[low3]}{LADEN[lowc]}"
    raise BuildError(f"DESNZ {rec.ref}: unknown vehicle {rec.label!r}")


def _land_travel(rec: DRec) -> list[str]:
    low2 = rec.l2.strip().lower().removeprefix("wtt- ")
    key = (low2, rec.l3.strip().lower())
    if key not in LAND_TRAVEL:
        raise BuildError(f"DESNZ {rec.ref}: unknown land travel {rec.label!r}")
    return [LAND_TRAVEL[key]]


def _travel_units(
    atype: str, unit: str, note: str, *, ch4: str = "CH4", suffix_base: str = ""
) -> list[Target]:
    """Car/motorbike business travel: per vehicle-km as DESNZ gives it, and the same value per
    passenger-km (one occupant) so a ``business_travel`` row (distance × travellers) resolves."""
    out = [Target(atype, "GLO", unit, ch4, note, suffix=suffix_base)]
    if unit == "km":
        derived = note + (
            " DESNZ per vehicle-km value applied per passenger-km (one occupant);"
            " for a shared car enter the trip once with travellers = 1."
        )
        out.append(
            Target(atype, "GLO", "pkm", ch4, derived, suffix=(suffix_base + "/pkm").lstrip("/"))
        )
    return out


def _freight_targets(rec: DRec, unit: str) -> list[Target]:
    glo = GLOBAL_DEFAULT_NOTE
    wtt = rec.l1.startswith("WTT")
    pre = "wtt." if wtt else ""
    low2 = rec.l2.strip().lower().removeprefix("wtt- ")
    low3, lowc = rec.l3.strip().lower(), rec.col.strip().lower()
    if low2 in ("vans", "hgv (all diesel)", "hgv refrigerated (all diesel)"):
        base = _vehicle_type(rec)
        if unit == "tkm":
            fuel = base.rsplit(".", 1)[-1]
            ch4 = "CH4" if fuel in ("bev", "phev") else CH4_FOSSIL
            return [Target(f"{pre}freight.road.{base}", "GLO", unit, ch4, glo)]
        if wtt:  # per vehicle km: the WTT of the delivery vehicles (Scope 1 vehicle.* types)
            return [Target(f"wtt.vehicle.{base}", "GLO", unit, note=glo)]
        return []  # Freighting goods per km/mile repeat the Delivery vehicles values
    if low2 == "freight flights":
        rf = lowc == "with rf"
        note = glo + (" Includes radiative forcing (RF)." if rf else " Without RF.")
        return [
            Target(
                f"{pre}freight.air.{HAULS[low3]}" + (".rf" if rf else ""),
                "GLO",
                unit,
                CH4_FOSSIL,
                note,
                total_only=rf,
            )
        ]
    if low2 == "rail":
        return [Target(f"{pre}freight.rail", "GLO", unit, "CH4", glo)]
    if low2 in ("cargo ship", "sea tanker"):
        ship = SHIPS[low3.strip()]
        return [
            Target(f"{pre}freight.sea.{ship}.{_ship_size(rec.l4)}", "GLO", unit, CH4_FOSSIL, glo)
        ]
    raise BuildError(f"DESNZ {rec.ref}: unknown freight {rec.label!r}")


def desnz_rows(
    recs: Sequence[DRec], edition: str, valid_from: str, valid_to: str, id_of: Any
) -> list[Out]:
    """Group DESNZ records by source row, map them, convert per-gas values, emit rows.

    Per-gas groups (CO2, CH4, N2O all present) are shipped per gas (kg gas = kg CO2e of gas ÷
    AR5 GWP) and their sum is checked against DESNZ's total; otherwise the total is shipped as
    CO2e (AR5). "Outside of scopes" values (kg CO2e of CO2 = kg of biogenic CO2, GWP 1) are
    shipped as gas ``CO2_biogenic`` in the group (activity type, region, unit, validity) of the
    matching Scope 1 fuel, which must exist. ``id_of(rec, gas, target)`` gives the factor id.

    Raises:
        BuildError: two source rows map to the same (activity type, region, unit), per-gas
            values do not add up to the published total, or a biogenic value has no Scope 1
            group to join.
    """
    by_src: dict[tuple[str, ...], dict[str, DRec]] = defaultdict(dict)
    for rec in recs:
        if rec.ghg in by_src[rec.src_key]:
            raise BuildError(f"DESNZ {rec.ref}: {rec.label} {rec.ghg} appears twice")
        by_src[rec.src_key][rec.ghg] = rec
    out: list[Out] = []
    claimed: dict[tuple[str, str, str, bool], str] = {}
    for members in by_src.values():
        first = next(iter(members.values()))
        targets = desnz_targets(first)
        vals = {g: r for g, r in members.items() if r.value is not None}
        if not targets or not vals:
            continue
        for t in targets:
            key = (t.activity_type, t.region, t.unit, t.biogenic)
            if key in claimed:
                raise BuildError(f"DESNZ: {key} from both {claimed[key]} and {first.label}")
            claimed[key] = first.label
            if t.biogenic:
                if set(vals) != {"CO2"}:
                    raise BuildError(f"DESNZ {first.label}: outside of scopes is not CO2 only")
                r = vals["CO2"]
                assert r.value is not None
                gas = "CO2_biogenic"
                out.append(
                    _desnz_out(
                        edition,
                        valid_from,
                        valid_to,
                        id_of(r, gas, t),
                        t,
                        gas,
                        r.value,
                        "",
                        r,
                        t.note,
                    )
                )
                continue
            per_gas = {"CO2", "CH4", "N2O"} <= vals.keys() and not t.total_only
            if per_gas:
                total = vals.get("total")
                s = sum(vals[g].value or 0.0 for g in ("CO2", "CH4", "N2O"))
                if (
                    total is not None
                    and total.value is not None
                    and (abs(s - total.value) > 3e-5 + 2e-3 * total.value)
                ):
                    raise BuildError(f"DESNZ {first.label}: gases sum {s} != total {total.value}")
                for g in ("CO2", "CH4", "N2O"):
                    r = vals[g]
                    assert r.value is not None
                    gas = t.ch4 if g == "CH4" else g
                    conv = (
                        "kg CO2 = DESNZ CO2e of CO2."
                        if g == "CO2"
                        else f"kg {g} = DESNZ CO2e of {g} / {AR5_GWP[g]:g} (AR5 GWP)."
                    )
                    out.append(
                        _desnz_out(
                            edition,
                            valid_from,
                            valid_to,
                            id_of(r, gas, t),
                            t,
                            gas,
                            r.value / AR5_GWP[g],
                            "",
                            r,
                            f"{conv} {t.note}",
                        )
                    )
            elif "total" in vals:
                r = vals["total"]
                assert r.value is not None
                conv = "DESNZ total kg CO2e (IPCC AR5 GWPs)" + (
                    "; the RF uplift is not the mass of any gas."
                    if t.total_only
                    else "; no per-gas split published."
                )
                out.append(
                    _desnz_out(
                        edition,
                        valid_from,
                        valid_to,
                        id_of(r, CO2E, t),
                        t,
                        CO2E,
                        r.value,
                        "AR5",
                        r,
                        f"{conv} {t.note}",
                    )
                )
            else:
                raise BuildError(f"DESNZ {first.label}: per-gas values without CO2, CH4, N2O")
    scope1 = {k[:3] for k in claimed if not k[3]}
    for k, label in claimed.items():
        if k[3] and k[:3] not in scope1:
            raise BuildError(f"DESNZ {label}: biogenic CO2 has no Scope 1 group {k[:3]} to join")
    return out


def _desnz_out(
    edition: str,
    valid_from: str,
    valid_to: str,
    factor_id: str,
    t: Target,
    gas: str,
    value: float,
    gwp_set: str,
    rec: DRec,
    description: str,
) -> Out:
    return Out(
        factor_id=factor_id,
        activity_type=t.activity_type,
        region=t.region,
        unit=t.unit,
        gas=gas,
        value=value,
        valid_from=valid_from,
        valid_to=valid_to,
        gwp_set=gwp_set,
        publisher=DESNZ_PUBLISHER_SHORT,
        dataset=DESNZ_DATASET,
        edition=edition,
        table=f"{rec.label}; {rec.ref}",
        price_year="",
        description=description.strip(),
    )


def desnz_derived(rows: list[Out]) -> list[Out]:
    """``waste.<type>.recycling``: the closed-loop value where DESNZ has one, else open-loop."""
    by_type: dict[str, dict[str, list[Out]]] = defaultdict(dict)
    for r in rows:
        m = re.fullmatch(r"waste\.(.+)\.recycling\.(open_loop|closed_loop)", r.activity_type)
        if m:
            by_type[m.group(1)].setdefault(m.group(2), []).append(r)
    extra: list[Out] = []
    for waste_type, kinds in by_type.items():
        kind = "closed_loop" if "closed_loop" in kinds else "open_loop"
        for r in kinds[kind]:
            extra.append(
                Out(
                    **{
                        **r.__dict__,
                        "factor_id": r.factor_id + "/recycling",
                        "activity_type": f"waste.{waste_type}.recycling",
                        "description": r.description + f" Default recycling = {kind} value.",
                    }
                )
            )
    return extra


# --------------------------------------------------------------------------------------------
# US EPA GHG Emission Factors Hub 2025
# --------------------------------------------------------------------------------------------

EPA_PUBLISHER = "US Environmental Protection Agency (EPA)"
EPA_PUBLISHER_SHORT = "US EPA"  # per row; the manifest gives the full name
EPA_DATASET = "GHG Emission Factors Hub"
EPA_EDITION = "2025 (last modified 2025-01-15)"
EPA_SHEET = "Emission Factors Hub"
EPA_VALID_FROM = "2025-01-01"

#: EPA Table 1 fuels → lingtan fuel slug (others: slug of the EPA name).
EPA_FUELS = {
    "Liquefied Petroleum Gases (LPG)": "lpg",
    "Naphtha (<401 deg F)": "naphtha",
    "Other Oil (>401 deg F)": "other_oil",
    "Biodiesel (100%)": "biodiesel",
    "Ethanol (100%)": "ethanol",
    "Petroleum Coke (Solid)": "petroleum_coke",
    "Coal Coke": "coal_coke",
}
#: Extra activity types for the same EPA value, where EPA's fuel is lingtan's canonical fuel.
EPA_FUEL_ALIASES = {
    "Distillate Fuel Oil No. 2": ("diesel", "EPA Distillate Fuel Oil No. 2 (diesel fuel)"),
    "Motor Gasoline": ("petrol", "EPA Motor Gasoline (petrol)"),
    "Residual Fuel Oil No. 6": ("fuel_oil", "EPA Residual Fuel Oil No. 6 (heavy fuel oil)"),
    "Kerosene-Type Jet Fuel": ("aviation_turbine_fuel", "EPA Kerosene-Type Jet Fuel"),
    "Aviation Gasoline": ("aviation_spirit", "EPA Aviation Gasoline"),
    "Mixed (Industrial Sector)": ("coal_industrial", "EPA coal, Mixed (Industrial Sector)"),
    "Natural Gas": ("cng", "EPA Natural Gas (Table 2: CNG has the same CO2 per scf)"),
}
EPA_UNITS = {"short ton": "short_ton", "scf": "scf", "gallon": "gallon"}


@dataclass(frozen=True)
class EpaTable:
    number: int
    start: int  # 0-based row of "Table N"
    end: int  # exclusive


def epa_tables(rows: Sequence[tuple[Any, ...]]) -> dict[int, EpaTable]:
    """Locate Tables 1–12 by their ``Table N`` label in column B."""
    starts: list[tuple[int, int]] = []
    for i, row in enumerate(rows):
        m = re.fullmatch(r"Table (\d+)", text(row[1]) if len(row) > 1 else "")
        if m:
            starts.append((int(m.group(1)), i))
    found = {
        n: EpaTable(n, s, starts[k + 1][1] if k + 1 < len(starts) else len(rows))
        for k, (n, s) in enumerate(starts)
    }
    if sorted(found) != list(range(1, 13)):
        raise BuildError(f"EPA hub: expected Tables 1-12, found {sorted(found)}")
    return found


def _epa_out(
    ref: str,
    atype: str,
    region: str,
    unit: str,
    gas: str,
    value: float,
    table: str,
    description: str,
    gwp_set: str = "",
) -> Out:
    return Out(
        factor_id=f"epa-hub-2025/{ref}/{gas}",
        activity_type=atype,
        region=region,
        unit=unit,
        gas=gas,
        value=value,
        valid_from=EPA_VALID_FROM,
        valid_to="",
        gwp_set=gwp_set,
        publisher=EPA_PUBLISHER_SHORT,
        dataset=EPA_DATASET,
        edition="2025",
        table=table,
        price_year="",
        description=description,
    )


def epa_rows(
    path: Path,
) -> tuple[list[Out], list[tuple[str, list[tuple[str, Decimal]], int]], dict[str, str]]:
    """All EPA factor rows, the Table 12 blends (name, components, stated GWP) and the
    Table 11 designation → formula map (for PFC names in blends)."""
    rows = load_sheet(path, EPA_SHEET)
    tables = epa_tables(rows)
    out: list[Out] = []
    t2_co2 = _epa_table2(rows, tables[2])
    out += _epa_table1(rows, tables[1])
    out += _epa_table2_rows(rows, tables[2])
    out += _epa_table5(rows, tables[5], t2_co2)
    out += _epa_table6(rows, tables[6])
    out += _epa_table7(rows, tables[7])
    out += _epa_table8_10(rows, tables[8], 8)
    out += _epa_table9(rows, tables[9])
    out += _epa_table8_10(rows, tables[10], 10)
    designations = _epa_table11(rows, tables[11])
    blends = _epa_table12(rows, tables[12])
    return out, blends, designations


def _cell(rows: Sequence[tuple[Any, ...]], i: int, j: int) -> Any:
    row = rows[i]
    return row[j] if j < len(row) else None


def _epa_table1(rows: Sequence[tuple[Any, ...]], t: EpaTable) -> list[Out]:
    """Stationary combustion: per mmBtu (HHV) → per kWh_gcv, and per short ton / scf / gallon."""
    out: list[Out] = []
    section = ""
    phys_unit = ""
    for i in range(t.start + 1, t.end):
        name = text(_cell(rows, i, 2))
        unit_hdr = text(_cell(rows, i, 3))
        if name == "Source:":
            break
        m = re.fullmatch(r"mmBtu per (short ton|scf|gallon)", unit_hdr)
        if m:
            phys_unit = EPA_UNITS[m.group(1)]
            if text(_cell(rows, i, 4)) != "kg CO2 per mmBtu":
                raise BuildError(f"EPA Table 1 row {i + 1}: unexpected unit header")
            continue
        if name in ("Fuel Type", "") or not phys_unit:
            continue
        co2_mmbtu, ch4_mmbtu, n2o_mmbtu = (number(_cell(rows, i, j)) for j in (4, 5, 6))
        co2_u, ch4_u, n2o_u = (number(_cell(rows, i, j)) for j in (7, 8, 9))
        if co2_mmbtu is None and ch4_mmbtu is None:
            section = " ".join(name.split())  # a section heading such as "Coal and Coke"
            continue
        biomass = section.startswith("Biomass") and name != "Peat"
        fossil_note = ""
        if name == "Peat":
            fossil_note = " Peat is treated as a fossil fuel (IPCC 2006), although EPA lists it"
            fossil_note += " under biomass: its CO2 is included."
        ch4_gas = CH4_NONFOSSIL if biomass else CH4_FOSSIL
        base = EPA_FUELS.get(name)
        if base is None:
            if section == "Coal and Coke":
                base = "coal_" + slug(name)
            elif "Kraft Pulping Liquor" in section:
                base = "kraft_pulping_liquor_" + slug(name)
            else:
                base = slug(name)
        targets = [(f"fuel.{base}", "")]
        if name in EPA_FUEL_ALIASES:
            alias, label = EPA_FUEL_ALIASES[name]
            targets.append((f"fuel.{alias}", label))
        for atype, alias_label in targets:
            what = alias_label or f"EPA {section}: {name}"
            suffix = "" if not alias_label else f"/{atype.split('.', 1)[1]}"
            bio = ""
            if biomass:
                bio = (
                    f" Biogenic CO2 ({co2_mmbtu:g} kg/mmBtu) is reported outside the scopes"
                    " and not included."
                )
            per_kwh = (
                f"{what}; per kWh gross CV = EPA per mmBtu (HHV) / 293.07107." + bio + fossil_note
            )
            per_unit = f"{what}; per {phys_unit.replace('_', ' ')}." + bio + fossil_note
            for unit, vals, cols, desc in (
                ("kWh_gcv", (co2_mmbtu, ch4_mmbtu, n2o_mmbtu), (4, 5, 6), per_kwh),
                (phys_unit, (co2_u, ch4_u, n2o_u), (7, 8, 9), per_unit),
            ):
                co2, ch4, n2o = vals
                if co2 is None and ch4 is None and n2o is None:
                    continue
                div = KWH_PER_MMBTU if unit == "kWh_gcv" else 1.0
                table = f"Table 1 Stationary Combustion, {name}, {section}"
                gases: list[tuple[str, float, int]] = []
                if co2 is not None and not biomass:
                    gases.append(("CO2", co2 / div, cols[0]))
                if ch4 is not None:
                    gases.append((ch4_gas, ch4 / 1000.0 / div, cols[1]))
                if n2o is not None:
                    gases.append(("N2O", n2o / 1000.0 / div, cols[2]))
                for gas, v, j in gases:
                    ref = f"T1!{cell_ref(i, j)}{suffix}"
                    out.append(_epa_out(ref, atype, "US", unit, gas, v, table, desc))
    return out


def _epa_table2(rows: Sequence[tuple[Any, ...]], t: EpaTable) -> dict[str, tuple[float, str, str]]:
    """Mobile combustion CO2: fuel → (kg CO2 per unit, unit, cell)."""
    out: dict[str, tuple[float, str, str]] = {}
    for i in range(t.start + 1, t.end):
        name = text(_cell(rows, i, 2))
        if name == "Source:":
            break
        v, unit = number(_cell(rows, i, 3)), text(_cell(rows, i, 4))
        if v is not None and unit in EPA_UNITS:
            out[name] = (v, EPA_UNITS[unit], cell_ref(i, 3))
    if "Diesel Fuel" not in out or "Liquefied Natural Gas (LNG)" not in out:
        raise BuildError("EPA Table 2: expected Diesel Fuel and LNG rows")
    return out


def _epa_table2_rows(rows: Sequence[tuple[Any, ...]], t: EpaTable) -> list[Out]:
    """Table 2 adds LNG per gallon (the other fuels are in Table 1 with CH4/N2O too)."""
    v, unit, ref = _epa_table2(rows, t)["Liquefied Natural Gas (LNG)"]
    return [
        _epa_out(
            f"T2!{ref}",
            "fuel.lng",
            "US",
            unit,
            "CO2",
            v,
            "Table 2 Mobile Combustion CO2, Liquefied Natural Gas (LNG)",
            "EPA LNG, CO2 only: EPA gives mobile CH4/N2O per vehicle-mile, not per gallon.",
        )
    ]


NONROAD_CO2_FUEL = {
    "Residual Fuel Oil": ("fuel_oil", "Residual Fuel Oil"),
    "Jet Fuel": ("aviation_turbine_fuel", "Kerosene-Type Jet Fuel"),
    "Aviation Gasoline": ("aviation_spirit", "Aviation Gasoline"),
    "LPG": ("lpg", "Liquefied Petroleum Gases (LPG)"),
}


def _epa_table5(
    rows: Sequence[tuple[Any, ...]], t: EpaTable, t2: dict[str, tuple[float, str, str]]
) -> list[Out]:
    """Non-road vehicles: CO2 per gallon from Table 2 + CH4/N2O per gallon from Table 5.

    Activity type ``fuel.<fuel>.nonroad.<vehicle>[.<variant>]``.
    """
    out: list[Out] = []
    vehicle = ""
    for i in range(t.start + 1, t.end):
        v_name, fuel_txt = text(_cell(rows, i, 2)), text(_cell(rows, i, 3))
        if v_name.startswith("Source:"):
            break
        if v_name == "Vehicle Type":
            continue
        if v_name:
            vehicle = slug(re.sub(r"(?<=[a-z])[A-Z]$", "", v_name))
        ch4, n2o = number(_cell(rows, i, 4)), number(_cell(rows, i, 5))
        if not fuel_txt or ch4 is None or n2o is None:
            continue
        if fuel_txt in NONROAD_CO2_FUEL:
            fuel, t2_name = NONROAD_CO2_FUEL[fuel_txt]
            variant = ""
        elif fuel_txt.startswith("Gasoline"):
            fuel, t2_name = "petrol", "Motor Gasoline"
            variant = slug(fuel_txt.removeprefix("Gasoline"))
        elif fuel_txt.startswith("Diesel"):
            fuel, t2_name = "diesel", "Diesel Fuel"
            variant = slug(fuel_txt.removeprefix("Diesel").replace("Equipment", ""))
        else:
            raise BuildError(f"EPA Table 5 row {i + 1}: unknown fuel {fuel_txt!r}")
        co2, unit, co2_ref = t2[t2_name]
        atype = f"fuel.{fuel}.nonroad.{vehicle}" + (f".{variant}" if variant else "")
        table = f"Table 5 Non-Road Vehicles, {v_name or vehicle}, {fuel_txt}; CO2 Table 2"
        desc = (
            f"EPA non-road {vehicle.replace('_', ' ')}, {fuel_txt}: CO2 from Table 2"
            f" ({t2_name}), CH4 and N2O from Table 5 (g/gallon / 1000)."
        )
        out.append(
            _epa_out(
                f"T2!{co2_ref}@T5!{cell_ref(i, 4)}", atype, "US", unit, "CO2", co2, table, desc
            )
        )
        out.append(
            _epa_out(
                f"T5!{cell_ref(i, 4)}", atype, "US", unit, CH4_FOSSIL, ch4 / 1000.0, table, desc
            )
        )
        out.append(
            _epa_out(f"T5!{cell_ref(i, 5)}", atype, "US", unit, "N2O", n2o / 1000.0, table, desc)
        )
    return out


def _epa_table6(rows: Sequence[tuple[Any, ...]], t: EpaTable) -> list[Out]:
    """eGRID2023 total-output rates (lb/MWh → kg/kWh) and derived T&D-loss factors."""
    out: list[Out] = []
    hdr = [text(_cell(rows, t.start + 3, j)) for j in range(2, 11)]
    if hdr[0] != "eGRID Subregion Acronym" or hdr[-1] != "Grid Gross Loss (%)":
        raise BuildError(f"EPA Table 6: unexpected header {hdr}")
    for i in range(t.start + 5, t.end):
        acr, name = text(_cell(rows, i, 2)), text(_cell(rows, i, 3))
        if acr.startswith("Source:"):
            break
        vals = [number(_cell(rows, i, j)) for j in (4, 5, 6)]
        if not acr or any(v is None for v in vals):
            continue
        region = "US" if acr == "US Average" else f"US-EGRID-{acr}"
        label = "US average" if acr == "US Average" else f"{acr} {name}"
        ggl = number(_cell(rows, i, 10))
        table = f"Table 6 Electricity (eGRID2023), {label}, total output emission rate"
        desc = (
            f"eGRID2023 {label}, total output emission rate; lb/MWh x 0.45359237 / 1000 = kg/kWh."
        )
        for gas, v, j in zip(("CO2", "CH4", "N2O"), vals, (4, 5, 6), strict=True):
            assert v is not None
            kg = v * KG_PER_LB / 1000.0
            out.append(
                _epa_out(
                    f"T6!{cell_ref(i, j)}", "electricity.grid", region, "kWh", gas, kg, table, desc
                )
            )
            if ggl is not None:
                td = kg * ggl / (1.0 - ggl)
                out.append(
                    _epa_out(
                        f"T6!{cell_ref(i, j)}@{cell_ref(i, 10)}",
                        "td_loss.electricity.grid",
                        region,
                        "kWh",
                        gas,
                        td,
                        table + f", grid gross loss {ggl:g}",
                        f"Derived: eGRID2023 {acr} rate x GGL/(1-GGL), GGL = {ggl:g} (emissions of"
                        " the electricity lost in T&D per kWh consumed).",
                    )
                )
    return out


def _epa_table7(rows: Sequence[tuple[Any, ...]], t: EpaTable) -> list[Out]:
    """Purchased steam and heat, per mmBtu delivered (natural gas, 80 % efficiency)."""
    for i in range(t.start + 1, t.end):
        if text(_cell(rows, i, 2)) == "Steam and Heat":
            co2, ch4, n2o = (number(_cell(rows, i, j)) for j in (3, 4, 5))
            if co2 is None or ch4 is None or n2o is None:
                raise BuildError("EPA Table 7: missing values")
            out: list[Out] = []
            for atype in ("heat.steam", "heat.district"):
                suffix = "" if atype == "heat.steam" else "/district"
                desc = (
                    "EPA purchased steam and heat per mmBtu delivered (natural gas boiler,"
                    " 80 % efficiency)."
                )
                table = "Table 7 Steam and Heat"
                out.append(
                    _epa_out(
                        f"T7!{cell_ref(i, 3)}{suffix}",
                        atype,
                        "US",
                        "mmBtu",
                        "CO2",
                        co2,
                        table,
                        desc,
                    )
                )
                out.append(
                    _epa_out(
                        f"T7!{cell_ref(i, 4)}{suffix}",
                        atype,
                        "US",
                        "mmBtu",
                        "CH4",
                        ch4 / 1000.0,
                        table,
                        desc,
                    )
                )
                out.append(
                    _epa_out(
                        f"T7!{cell_ref(i, 5)}{suffix}",
                        atype,
                        "US",
                        "mmBtu",
                        "N2O",
                        n2o / 1000.0,
                        table,
                        desc,
                    )
                )
            return out
    raise BuildError("EPA Table 7: 'Steam and Heat' row not found")


#: (table, vehicle-type prefix) → activity types (first = main), with EPA's units.
EPA_TRANSPORT = {
    (8, "Medium- and Heavy-Duty Truck", "vehicle-mile"): ["vehicle.hgv.average"],
    (8, "Passenger Car", "vehicle-mile"): ["vehicle.car.average.unknown"],
    (8, "Light-Duty Truck", "vehicle-mile"): ["vehicle.light_truck.average"],
    (8, "Medium- and Heavy-Duty Truck", "short ton-mile"): ["freight.road.hgv.average"],
    (8, "Rail", "short ton-mile"): ["freight.rail"],
    (8, "Waterborne Craft", "short ton-mile"): ["freight.waterborne"],
    (8, "Aircraft", "short ton-mile"): ["freight.air"],
    (10, "Passenger Car", "vehicle-mile"): ["travel.car.average"],
    (10, "Light-Duty Truck", "vehicle-mile"): ["travel.light_truck.average"],
    (10, "Motorcycle", "vehicle-mile"): ["travel.motorbike.average"],
    (10, "Intercity Rail - Northeast Corridor", "passenger-mile"): [
        "travel.rail.intercity_northeast_corridor"
    ],
    (10, "Intercity Rail - Other Routes", "passenger-mile"): ["travel.rail.intercity_other"],
    (10, "Intercity Rail - National Average", "passenger-mile"): ["travel.rail.national"],
    (10, "Commuter Rail", "passenger-mile"): ["travel.rail.commuter"],
    (10, "Transit Rail", "passenger-mile"): ["travel.metro"],
    (10, "Bus", "passenger-mile"): ["travel.bus.average"],
    (10, "Air Travel - Short Haul", "passenger-mile"): ["travel.air.under_300_miles"],
    (10, "Air Travel - Medium Haul", "passenger-mile"): ["travel.air.300_to_2300_miles"],
    (10, "Air Travel - Long Haul", "passenger-mile"): ["travel.air.over_2300_miles"],
}
EPA_TRANSPORT_UNITS = {
    "vehicle-mile": "mile",
    "short ton-mile": "short_ton_mile",
    "passenger-mile": "passenger_mile",
}


def _epa_table8_10(rows: Sequence[tuple[Any, ...]], t: EpaTable, number_: int) -> list[Out]:
    """Scope 3 transport (Table 8, per vehicle-mile / short ton-mile) and business travel and
    commuting (Table 10, per vehicle-mile / passenger-mile)."""
    out: list[Out] = []
    seen = 0
    for i in range(t.start + 1, t.end):
        name, unit_txt = text(_cell(rows, i, 2)), text(_cell(rows, i, 6))
        if name.startswith("Source:"):
            break
        if unit_txt not in EPA_TRANSPORT_UNITS:
            continue
        key = next(
            (
                k
                for k in EPA_TRANSPORT
                if k[0] == number_ and k[2] == unit_txt and name.startswith(k[1])
            ),
            None,
        )
        if key is None:
            raise BuildError(f"EPA Table {number_} row {i + 1}: unknown vehicle {name!r}")
        seen += 1
        co2, ch4, n2o = (number(_cell(rows, i, j)) for j in (3, 4, 5))
        if co2 is None or ch4 is None or n2o is None:
            raise BuildError(f"EPA Table {number_} row {i + 1}: missing values")
        unit = EPA_TRANSPORT_UNITS[unit_txt]
        clean = re.sub(r"\s*[A-E]$", "", name).strip()
        ch4_gas = "CH4" if "Rail" in clean else CH4_FOSSIL
        title = {
            8: "Table 8 Scope 3 Upstream/Downstream Transportation",
            10: "Table 10 Business Travel and Commuting",
        }[number_]
        for atype in EPA_TRANSPORT[key]:
            units = [(unit, "")]
            if number_ == 10 and unit == "mile":
                units.append(
                    (
                        "passenger_mile",
                        " EPA per vehicle-mile value applied per"
                        " passenger-mile (one occupant); for a shared car enter the trip"
                        " once with travellers = 1.",
                    )
                )
            for u, extra in units:
                suffix = "" if u == unit else "/pmile"
                desc = f"EPA {clean}, per {unit_txt}.{extra}"
                table = f"{title}, {clean}, per {unit_txt}"
                for gas, v, j in (
                    ("CO2", co2, 3),
                    (ch4_gas, ch4 / 1000.0, 4),
                    ("N2O", n2o / 1000.0, 5),
                ):
                    out.append(
                        _epa_out(
                            f"T{number_}!{cell_ref(i, j)}{suffix}",
                            atype,
                            "US",
                            u,
                            gas,
                            v,
                            table,
                            desc,
                        )
                    )
    expected = sum(1 for k in EPA_TRANSPORT if k[0] == number_)
    if seen != expected:
        raise BuildError(f"EPA Table {number_}: found {seen} rows, expected {expected}")
    return out


EPA_WASTE_TREATMENTS = {
    "Recycled": "recycling",
    "Landfilled": "landfill",
    "Combusted": "incineration",
    "Composted": "composting",
    "Anaerobically Digested (Dry Digestate with Curing)": "anaerobic_digestion.dry_digestate",
    "Anaerobically Digested (Wet Digestate with Curing)": "anaerobic_digestion.wet_digestate",
}


def _epa_table9(rows: Sequence[tuple[Any, ...]], t: EpaTable) -> list[Out]:
    """Waste: metric tons CO2e (AR4, as EPA states) per short ton → kg CO2e per short ton."""
    out: list[Out] = []
    hdr_row = next(i for i in range(t.start, t.end) if text(_cell(rows, i, 2)) == "Material")
    cols: dict[int, str] = {}
    for j in range(3, 9):
        h = " ".join(text(_cell(rows, hdr_row, j)).split())
        h = re.sub(r"(?<=[a-z])[A-E]$", "", h)
        if h not in EPA_WASTE_TREATMENTS:
            raise BuildError(f"EPA Table 9: unknown treatment column {h!r}")
        cols[j] = EPA_WASTE_TREATMENTS[h]
    for i in range(hdr_row + 1, t.end):
        name = text(_cell(rows, i, 2))
        if name.startswith("Source:"):
            break
        for j, treat in cols.items():
            v = number(_cell(rows, i, j))
            if v is None:
                continue
            atype = f"waste.{slug(name)}.{treat}"
            out.append(
                _epa_out(
                    f"T9!{cell_ref(i, j)}",
                    atype,
                    "US",
                    "short_ton",
                    CO2E,
                    v * 1000.0,
                    f"Table 9 Waste, {name}, {treat}",
                    "EPA (WARM-based) metric tons CO2e per short ton x 1000 = kg CO2e per short"
                    " ton; AR4 GWPs (EPA); excludes avoided emissions; includes transport.",
                    gwp_set="AR4",
                )
            )
    return out


def _epa_table11(rows: Sequence[tuple[Any, ...]], t: EpaTable) -> dict[str, str]:
    """Industrial designation → chemical formula (e.g. PFC-218 → C3F8)."""
    out: dict[str, str] = {}
    for i in range(t.start + 1, t.end):
        name, formula = text(_cell(rows, i, 2)), text(_cell(rows, i, 3))
        if name.startswith("Source:"):
            break
        if formula and number(_cell(rows, i, 4)) is not None:
            out[name] = formula.replace("\xa0", "").strip()
    return out


def _epa_table12(
    rows: Sequence[tuple[Any, ...]], t: EpaTable
) -> list[tuple[str, list[tuple[str, Decimal]], int]]:
    """Blends: (ASHRAE name, [(component, mass % as Decimal)], EPA's stated AR5 GWP)."""
    out: list[tuple[str, list[tuple[str, Decimal]], int]] = []
    for i in range(t.start + 1, t.end):
        name, gwp, comp = text(_cell(rows, i, 2)), _cell(rows, i, 3), text(_cell(rows, i, 4))
        if name.startswith("Source:"):
            break
        if not re.fullmatch(r"R-\d{3}[A-Z]", name):
            continue
        parts: list[tuple[str, Decimal]] = []
        for piece in comp.split(","):
            m = re.fullmatch(r"\s*([\d.]+)%\s+(.+?)\s*", piece)
            if not m:
                raise BuildError(f"EPA Table 12 {name}: cannot read {piece!r}")
            parts.append((m.group(2), Decimal(m.group(1))))
        if sum(p for _, p in parts) != 100:
            raise BuildError(f"EPA Table 12 {name}: composition sums to {sum(p for _, p in parts)}")
        out.append((name, parts, int(gwp)))
    if len(out) != 30:
        raise BuildError(f"EPA Table 12: expected 30 blends, found {len(out)}")
    return out


# --------------------------------------------------------------------------------------------
# US EPA supply-chain factors (USEEIO v1.3)
# --------------------------------------------------------------------------------------------

USEEIO_GASES = {
    "Carbon dioxide": "CO2",
    "Methane": "CH4",
    "Nitrous oxide": "N2O",
    "HFC-23": "HFC-23",
    "HFC-32": "HFC-32",
    "HFC-125": "HFC-125",
    "HFC-134a": "HFC-134a",
    "HFC-143a": "HFC-143a",
    "HFC-236fa": "HFC-236fa",
    "Carbon tetrafluoride": "CF4",
    "Hexafluoroethane": "C2F6",
    "Perfluoropropane": "C3F8",
    "Perfluorobutane": "C4F10",
    "Perfluorocyclobutane": "cC4F8",
    "Perfluorohexane": "C6F14",
    "Sulfur hexafluoride": "SF6",
    "Nitrogen trifluoride": "NF3",
    # Not a gas: USEEIO reports these directly as kg CO2e (AR5). Carried by the pseudo-gas
    # HFCPFC_UNSPECIFIED whose GWP is 1 in every set (see gwp100.csv).
    "HFCs and PFCs, unspecified": "HFCPFC_UNSPECIFIED",
}
USEEIO_PSEUDO = normalise_gas("HFCPFC_UNSPECIFIED")
#: 2017 NAICS titles read with the USEEIO factors (shown in CATALOGUE.md).
NAICS_TITLES: dict[str, str] = {}


def useeio_rows(path: Path, co2e_path: Path, ar5: dict[str, float]) -> list[Out]:
    """Per-gas purchaser-price ("with margins") factors, kg per 2022 USD.

    Raises:
        BuildError: an unknown gas name, a gas without a GWP, an unexpected unit, or per-gas
            CO2e (AR5) that does not reproduce EPA's published CO2e within 2 %.
    """
    totals: dict[str, float] = {}
    with co2e_path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            totals[row["2017 NAICS Code"].strip()] = float(
                row["Supply Chain Emission Factors with Margins"]
            )
    out: list[Out] = []
    recon: dict[str, float] = defaultdict(float)
    NAICS_TITLES.clear()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for n, row in enumerate(reader, start=2):
            name = row["GHG"].strip()
            if name not in USEEIO_GASES:
                raise BuildError(f"{path.name}, row {n}: gas {name!r} has no mapping to a GWP key")
            gas = normalise_gas(USEEIO_GASES[name])
            if gas not in ar5:
                raise BuildError(f"{path.name}, row {n}: gas {gas!r} has no AR5 GWP in the table")
            unit_txt = row["Unit"].strip()
            want = (
                "kg CO2e/2022 USD, purchaser price"
                if gas == USEEIO_PSEUDO
                else "kg/2022 USD, purchaser price"
            )
            if unit_txt != want:
                raise BuildError(f"{path.name}, row {n}: unit {unit_txt!r}, expected {want!r}")
            code = row["2017 NAICS Code"].strip()
            if not re.fullmatch(r"\d{6}", code):
                raise BuildError(f"{path.name}, row {n}: NAICS code {code!r}")
            NAICS_TITLES[code] = row["2017 NAICS Title"].strip()
            value = float(row["Supply Chain Emission Factors with Margins"])
            recon[code] += value * (1.0 if gas == USEEIO_PSEUDO else ar5[gas])
            if value == 0.0:
                continue
            desc = "US economy (USEEIO v1.3) used as a global proxy."
            if gas == USEEIO_PSEUDO:
                desc += " Unspecified HFCs and PFCs, as kg CO2e (AR5) published by EPA."
            out.append(
                Out(
                    factor_id=f"useeio-1.3/{code}/{gas}",
                    activity_type=f"spend.naics.{code}",
                    region="GLO",
                    unit="USD",
                    gas=gas,
                    value=value,
                    valid_from="2022-01-01",
                    valid_to="",
                    gwp_set="",
                    publisher="US EPA",
                    dataset="Supply Chain GHG Emission Factors (USEEIO)",
                    edition="v1.3.0",
                    table=f"USEEIO {row['Reference USEEIO Code'].strip()}",
                    price_year="2022",
                    description=desc,
                )
            )
    for code, total in totals.items():
        if abs(recon[code] - total) > 0.02 * total + 1e-3:
            raise BuildError(f"USEEIO {code}: per-gas CO2e (AR5) {recon[code]} != {total}")
    if set(totals) != set(recon):
        raise BuildError("USEEIO: the CO2e and byGHG files list different NAICS codes")
    return out


# --------------------------------------------------------------------------------------------
# China grid: MEE/NBS average factors (national, regional grids, provinces) and related bases
# --------------------------------------------------------------------------------------------

MEE_PUBLISHER = (
    "China Ministry of Ecology and Environment (MEE) and National Bureau of Statistics (NBS)"
)
#: Bases of china_grid_co2_factors.csv shipped, → (lingtan activity type, basis slug in ids).
#: ``fossil`` and the life-cycle ``footprint*`` series are not shipped (decision 0028).
CN_BASES = {
    "average": ("electricity.grid", "average"),
    "excl_market_nonfossil": ("electricity.residual_mix", "excl-market-nonfossil"),
    "ets_grid_average": ("electricity.ets_reporting", "ets-reporting"),
}
CN_CONFIDENCE = ("confirmed", "corroborated", "single-source")
CN_UNITS = {"kgCO2/kWh", "tCO2/MWh"}  # equal: 1 t/MWh = 1 kg/kWh
CN_LEVELS = {"national": "national", "regional": "regional grid", "provincial": "provincial"}


def _cn_edition(document: str, year: str) -> str:
    """Edition text: the notice number and date (the first part of ``document``)."""
    head = document.split(" http", 1)[0].strip()
    return f"{year} data; {head}" if head else f"{year} data"


def cn_grid_rows(path: Path) -> list[Out]:
    """Rows of ``cn-grid`` from china_grid_co2_factors.csv (SOURCE.md of that folder).

    - ``average`` → ``electricity.grid`` for CN, the seven ``CN-GRID-*`` regional grids and the
      provinces: valid for its data year only (``YYYY-01-01`` to the next 1 January); a later date
      takes the latest year as "earlier_year" and an earlier date the oldest as "later_year"
      (resolution rules 2 and 3, decision 0006), flagged in lineage.
    - ``excl_market_nonfossil`` (national only) → ``electricity.residual_mix``: the best available
      proxy of a residual mix for the market-based method (flagged in every row's description).
    - ``ets_grid_average`` (0.5703, the ETS reporting value for 2022) → its own activity type
      ``electricity.ets_reporting``, dated 2022: never the national average of any year.
    - ``confidence`` is kept in the ``table`` text; ``single-source`` rows (one third-party
      transcription, not verified against the official annex) carry ``/single-source`` in their
      factor id, which lowers their reliability score (core.quality), and say so.

    Raises:
        BuildError: unknown basis, unit, level or confidence, or a value that is not a number.
    """
    out: list[Out] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, r in enumerate(csv.DictReader(fh), start=2):
            where = f"{path.name}, row {n}"
            basis = r["basis"]
            if basis not in CN_BASES:
                if basis == "fossil" or basis.startswith("footprint"):
                    continue
                raise BuildError(f"{where}: unknown basis {basis!r}")
            if r["unit"] not in CN_UNITS:
                raise BuildError(f"{where}: unit {r['unit']!r} is not kg CO2/kWh")
            conf = r["confidence"]
            if conf not in CN_CONFIDENCE:
                raise BuildError(f"{where}: unknown confidence {conf!r}")
            level = CN_LEVELS.get(r["level"])
            if level is None:
                raise BuildError(f"{where}: unknown level {r['level']!r}")
            try:
                value = float(Decimal(r["value"]))
            except ArithmeticError as exc:
                raise BuildError(f"{where}: value {r['value']!r} is not a number") from exc
            year = int(r["year"])
            region = r["region_code"].strip().upper()
            atype, bslug = CN_BASES[basis]
            single = conf == "single-source"
            ets = basis == "ets_grid_average"
            issuer = "mee" if ets else "mee-nbs"
            factor_id = f"cn-grid/{issuer}-{year}/{bslug}/{region}" + (
                "/single-source" if single else ""
            )
            flag = (
                " UNVERIFIED: single-source transcription, not checked against the official"
                " annex; reliability scored lower."
                if single
                else ""
            )
            if basis == "average":
                what = (
                    f"MEE/NBS {year} {level} average electricity CO2 emission factor"
                    f" ({r['region_name_zh']}), location-based Scope 2"
                )
            elif basis == "excl_market_nonfossil":
                what = (
                    f"MEE/NBS {year} national electricity CO2 factor excluding market-traded"
                    " non-fossil electricity (不包括市场化交易的非化石能源电量): RESIDUAL-MIX PROXY"
                    " for market-based Scope 2 (China publishes no residual mix)"
                )
            else:
                what = (
                    f"MEE national grid average emission factor for ETS/enterprise reporting of"
                    f" {year} emissions (全国电网平均排放因子, ETS basis); NOT the MEE/NBS national"
                    " average"
                )
            out.append(
                Out(
                    factor_id=f"{factor_id}/CO2",
                    activity_type=atype,
                    region=region,
                    unit="kWh",
                    gas="CO2",
                    value=value,
                    valid_from=f"{year}-01-01",
                    valid_to=f"{year + 1}-01-01",
                    gwp_set="",
                    publisher="China Ministry of Ecology and Environment (MEE)"
                    if ets
                    else MEE_PUBLISHER,
                    dataset="Electricity CO2 emission factors (电力二氧化碳排放因子)"
                    if not ets
                    else "Notice on GHG emission reporting of power-generation enterprises"
                    " 2023-2025 (全国电网平均排放因子)",
                    edition=_cn_edition(r["document"], r["year"]),
                    table=f"basis {basis}; {level} {region} {r['region_name_zh']}; confidence"
                    f" {conf}",
                    price_year="",
                    description=f"{what}; {r['value']} {r['unit']}, kg CO2 per kWh, CO2 only,"
                    f" data year {year}.{flag}",
                )
            )
    return out


def cn_manifest() -> dict[str, Any]:
    inp = INPUTS["cn_mee"]
    return {
        "name": "cn-grid",
        "title": "China electricity CO2 emission factors (MEE/NBS): national, regional grids,"
        " provinces; residual-mix proxy; ETS reporting value",
        "publisher": "China Ministry of Ecology and Environment (MEE) and National Bureau of"
        " Statistics (NBS)",
        "dataset": "Electricity CO2 emission factors (电力二氧化碳排放因子) 2021, 2022, 2023",
        "edition": "2021 (公告2024年第12号), 2022 (公告2024年第33号), 2023 (公告2025年第47号); ETS"
        " value 0.5703 (MEE notice 2023-02)",
        "licence": "facts (official government figures; PRC Copyright Law art. 5)",
        "licence_url": "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202512/t20251231_1139517.html",
        "attribution": (
            "China electricity CO2 emission factors 2021-2023: Ministry of Ecology and"
            " Environment and National Bureau of Statistics of China (MEE/NBS announcements"
            " 2024 No. 12, 2024 No. 33, 2025 No. 47); ETS grid average 0.5703 t CO2/MWh (MEE"
            " notice of 2023-02)."
        ),
        "source_url": "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202512/t20251231_1139517.html",
        "source_file": f"{inp.folder}/{inp.file} (0.5703 also confirmed against"
        f" {INPUTS['ghgp'].folder}/{INPUTS['ghgp'].file})",
        "source_sha256": inp.sha256,
        "gwp_basis": "none (CO2 only)",
        "valid_from": "2021-01-01",
        "valid_to": "2024-01-01",
        "notes": _notes(
            [
                "Activity types (one per basis): electricity.grid = average factor (national CN,"
                " the seven regional grids CN-GRID-NORTH, -NORTHEAST, -EAST, -CENTRAL,"
                " -NORTHWEST, -SOUTH, -SOUTHWEST, and 30 provinces by ISO 3166-2:CN code; no"
                " Tibet, Hong Kong, Macao or Taiwan row is published); electricity.residual_mix"
                " = national factor excluding market-traded non-fossil electricity, the best"
                " available proxy of a residual mix (flagged per row); electricity.ets_reporting"
                " = the ETS reporting value 0.5703 for 2022, a separate basis that never stands"
                " in for the national average.",
                "Validity: each value for its data year only. A later activity date takes the"
                " latest year as 'earlier_year', an earlier date the oldest as 'later_year'"
                " (decision 0006); both are shown in lineage and lower the temporal score."
                " Resolution: province -> regional grid -> CN (core.boundary.region_chain).",
                "Confidence (SOURCE.md of the input): kept in each row's table text."
                " single-source rows (all 2021 provinces, five 2021 regional grids, the 2021"
                " residual-mix proxy) are transcriptions not checked against the official"
                " annex: their ids end in /single-source, their description says UNVERIFIED and"
                " their reliability score is lower. Before release, diff against the official"
                " annex PDFs.",
                "Not shipped: the fossil-only factor and the life-cycle carbon-footprint"
                " factors (a different basis, for product footprints). No CH4/N2O is"
                " published. See docs/china-factors.md.",
            ]
        ),
    }


# --------------------------------------------------------------------------------------------
# Every country: Ember / Our World in Data generation intensity (proxy tier)
# --------------------------------------------------------------------------------------------

EMBER_SET = "ember-grid-proxy"


#: ISO 3166-1 alpha-3 → alpha-2 for the countries of the Ember/OWID file (from the ISO 3166-1
#: list of Debian's iso-codes package, /usr/share/iso-codes/json/iso_3166-1.json; written out
#: here so that the build needs nothing outside ``--data``).
ISO3_TO_ISO2: dict[str, str] = {
    "ABW": "AW", "AFG": "AF", "AGO": "AO", "ALB": "AL", "ARE": "AE", "ARG": "AR", "ARM": "AM",
    "ASM": "AS", "ATG": "AG", "AUS": "AU", "AUT": "AT", "AZE": "AZ", "BDI": "BI", "BEL": "BE",
    "BEN": "BJ", "BFA": "BF", "BGD": "BD", "BGR": "BG", "BHR": "BH", "BHS": "BS", "BIH": "BA",
    "BLR": "BY", "BLZ": "BZ", "BMU": "BM", "BOL": "BO", "BRA": "BR", "BRB": "BB", "BRN": "BN",
    "BTN": "BT", "BWA": "BW", "CAF": "CF", "CAN": "CA", "CHE": "CH", "CHL": "CL", "CHN": "CN",
    "CIV": "CI", "CMR": "CM", "COD": "CD", "COG": "CG", "COK": "CK", "COL": "CO", "COM": "KM",
    "CPV": "CV", "CRI": "CR", "CUB": "CU", "CYM": "KY", "CYP": "CY", "CZE": "CZ", "DEU": "DE",
    "DJI": "DJ", "DMA": "DM", "DNK": "DK", "DOM": "DO", "DZA": "DZ", "ECU": "EC", "EGY": "EG",
    "ERI": "ER", "ESH": "EH", "ESP": "ES", "EST": "EE", "ETH": "ET", "FIN": "FI", "FJI": "FJ",
    "FLK": "FK", "FRA": "FR", "FRO": "FO", "GAB": "GA", "GBR": "GB", "GEO": "GE", "GHA": "GH",
    "GIB": "GI", "GIN": "GN", "GLP": "GP", "GMB": "GM", "GNB": "GW", "GNQ": "GQ", "GRC": "GR",
    "GRD": "GD", "GRL": "GL", "GTM": "GT", "GUF": "GF", "GUM": "GU", "GUY": "GY", "HKG": "HK",
    "HND": "HN", "HRV": "HR", "HTI": "HT", "HUN": "HU", "IDN": "ID", "IND": "IN", "IRL": "IE",
    "IRN": "IR", "IRQ": "IQ", "ISL": "IS", "ISR": "IL", "ITA": "IT", "JAM": "JM", "JOR": "JO",
    "JPN": "JP", "KAZ": "KZ", "KEN": "KE", "KGZ": "KG", "KHM": "KH", "KIR": "KI", "KNA": "KN",
    "KOR": "KR", "KWT": "KW", "LAO": "LA", "LBN": "LB", "LBR": "LR", "LBY": "LY", "LCA": "LC",
    "LKA": "LK", "LSO": "LS", "LTU": "LT", "LUX": "LU", "LVA": "LV", "MAC": "MO", "MAR": "MA",
    "MDA": "MD", "MDG": "MG", "MDV": "MV", "MEX": "MX", "MKD": "MK", "MLI": "ML", "MLT": "MT",
    "MMR": "MM", "MNE": "ME", "MNG": "MN", "MOZ": "MZ", "MRT": "MR", "MSR": "MS", "MTQ": "MQ",
    "MUS": "MU", "MWI": "MW", "MYS": "MY", "NAM": "NA", "NCL": "NC", "NER": "NE", "NGA": "NG",
    "NIC": "NI", "NLD": "NL", "NOR": "NO", "NPL": "NP", "NRU": "NR", "NZL": "NZ", "OMN": "OM",
    "PAK": "PK", "PAN": "PA", "PER": "PE", "PHL": "PH", "PNG": "PG", "POL": "PL", "PRI": "PR",
    "PRK": "KP", "PRT": "PT", "PRY": "PY", "PSE": "PS", "PYF": "PF", "QAT": "QA", "REU": "RE",
    "ROU": "RO", "RUS": "RU", "RWA": "RW", "SAU": "SA", "SDN": "SD", "SEN": "SN", "SGP": "SG",
    "SHN": "SH", "SLB": "SB", "SLE": "SL", "SLV": "SV", "SOM": "SO", "SPM": "PM", "SRB": "RS",
    "SSD": "SS", "STP": "ST", "SUR": "SR", "SVK": "SK", "SVN": "SI", "SWE": "SE", "SWZ": "SZ",
    "SYC": "SC", "SYR": "SY", "TCA": "TC", "TCD": "TD", "TGO": "TG", "THA": "TH", "TJK": "TJ",
    "TKM": "TM", "TLS": "TL", "TON": "TO", "TTO": "TT", "TUN": "TN", "TUR": "TR", "TWN": "TW",
    "TZA": "TZ", "UGA": "UG", "UKR": "UA", "URY": "UY", "USA": "US", "UZB": "UZ", "VCT": "VC",
    "VEN": "VE", "VGB": "VG", "VIR": "VI", "VNM": "VN", "VUT": "VU", "WSM": "WS", "YEM": "YE",
    "ZAF": "ZA", "ZMB": "ZM", "ZWE": "ZW",
}  # fmt: skip


def ember_rows(path: Path, iso_map: dict[str, str]) -> list[Out]:
    """One ``electricity.grid`` CO2e row per country from electricity_carbon_intensity.csv.

    g CO2e/kWh → kg/kWh (÷ 1000, decimal-exact); valid from 1 January of its data year,
    open-ended (SOURCE.md: applies to later years until a newer edition exists). GWP basis AR5:
    Ember's life-cycle factors are IPCC AR5 WGIII Annex III values (GWP100 AR5).

    Raises:
        BuildError: an ISO alpha-3 code with no alpha-2 in :data:`ISO3_TO_ISO2`, or a bad value.
    """
    out: list[Out] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, r in enumerate(csv.DictReader(fh), start=2):
            iso3 = r["iso3"].strip()
            iso2 = iso_map.get(iso3)
            if iso2 is None:
                raise BuildError(f"{path.name}, row {n}: no ISO 3166-1 alpha-2 code for {iso3!r}")
            try:
                value = float(Decimal(r["carbon_intensity_gco2e_per_kwh"]) / 1000)
            except ArithmeticError as exc:
                raise BuildError(f"{path.name}, row {n}: bad intensity") from exc
            out.append(
                Out(
                    factor_id=f"{EMBER_SET}/{iso2}/{r['year']}/CO2e",
                    activity_type="electricity.grid",
                    region=iso2,
                    unit="kWh",
                    gas="CO2e",
                    value=value,
                    valid_from=f"{r['year']}-01-01",
                    valid_to="",
                    gwp_set="AR5",
                    publisher="Ember; Our World in Data",
                    dataset="Carbon intensity of electricity generation (Ember Yearly Electricity"
                    " Data, via OWID energy data set)",
                    edition=f"{r['year']} data (OWID extract in codecarbon 3.3.2)",
                    table=f"PROXY: generation-based life-cycle intensity, not a consumption-based"
                    f" grid factor; {r['country']} ({iso3}), {r['carbon_intensity_gco2e_per_kwh']}"
                    " g CO2e/kWh",
                    price_year="",
                    description=f"GENERATION-BASED PROXY for {r['country']}: Ember life-cycle"
                    " CO2e per kWh generated (no T&D losses, no residual mix), used only where no"
                    " official grid factor is in the library (ranked below every other set).",
                )
            )
    return out


def ember_manifest() -> dict[str, Any]:
    inp = INPUTS["ember"]
    return {
        "name": EMBER_SET,
        "title": "Electricity generation carbon intensity by country (Ember via Our World in"
        " Data) - location-based fallback proxy",
        "publisher": "Ember; Our World in Data",
        "dataset": "Carbon intensity of electricity generation (carbon_intensity_elec)",
        "edition": "latest year per country (2021-2023; one 2009), OWID energy data commit"
        " 873ea63d",
        "licence": "CC-BY-4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "attribution": "Ember (2025); Our World in Data, energy data set - CC BY 4.0"
        " (https://ember-energy.org/data/yearly-electricity-data/,"
        " https://github.com/owid/energy-data). Values converted from g to kg CO2e/kWh.",
        "source_url": "https://github.com/owid/energy-data",
        "source_file": f"{inp.folder}/{inp.file}",
        "source_sha256": inp.sha256,
        "gwp_basis": "AR5 (Ember life-cycle factors, IPCC AR5 WGIII Annex III)",
        "valid_from": "2009-01-01",
        "valid_to": "",
        "tier": "proxy",
        "notes": _notes(
            [
                "One electricity.grid CO2e value per country or territory (213), region = ISO"
                " 3166-1 alpha-2, valid from 1 January of its data year, open-ended.",
                "PROXY: generation-based, life-cycle averages (not the combustion-only,"
                " consumption-based factors that national authorities publish for Scope 2; no"
                " T&D losses, no residual mix, no sub-national detail). Ranked below every other"
                " set whatever the dates (core.factors.PROXY_SETS, decision 0028): used only"
                " where no other set has a grid factor in the region chain. Flagged in lineage"
                " (factor id and table text) and in data quality (reliability 4).",
                "Never a market-based residual mix; in the market-based method it is the grid"
                " average used where no residual mix exists (type fallback, flagged).",
            ]
        ),
    }


# --------------------------------------------------------------------------------------------
# GB/T 2589 standard-coal coefficients (reference data, not a factor set)
# --------------------------------------------------------------------------------------------

COAL_UNITS = {"kgce/kg": "kg", "kgce/m3": "m**3", "kgce/MJ": "MJ", "kgce/kWh": "kWh"}


def coal_rows(path: Path) -> list[list[str]]:
    """standard_coal_coefficients.csv → ``data/energy/standard_coal.csv`` rows.

    ``carrier`` = slug of the English name (``natural gas (gas-field)`` →
    ``natural_gas_gas_field``);
    ``unit`` the pint unit the coefficient is per; ranges keep min and max and leave
    ``kgce_per_unit`` empty; the electricity equal-value row (no number: computed from the
    year's thermal coal rate) is not shipped. ``standard`` says whether the row is a GB/T 2589
    Annex A value (steam grades are not).

    Raises:
        BuildError: unknown unit, a duplicate carrier, or a coefficient that is not a number.
    """
    out: list[list[str]] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as fh:
        for n, r in enumerate(csv.DictReader(fh), start=2):
            where = f"{path.name}, row {n}"
            coef, lo, hi = r["coefficient"].strip(), r["coef_min"].strip(), r["coef_max"].strip()
            if not coef:
                continue
            unit = COAL_UNITS.get(r["unit"].strip())
            if unit is None:
                raise BuildError(f"{where}: unknown unit {r['unit']!r}")
            name = r["energy_en"].lower().replace("<", "below ")
            carrier = re.sub(r"[^a-z0-9]+", "_", name).strip("_")
            if carrier in seen:
                raise BuildError(f"{where}: duplicate carrier {carrier}")
            seen.add(carrier)
            single = "" if lo or hi else coef
            for v in (single, lo, hi):
                if v:
                    try:
                        Decimal(v)
                    except ArithmeticError as exc:
                        raise BuildError(f"{where}: {v!r} is not a number") from exc
            attribution = r["attribution"].strip()
            standard = (
                "not GB/T 2589: " + attribution.split(":", 1)[1].strip()
                if attribution.startswith("NOT GB/T 2589")
                else "GB/T 2589 Annex A (edition of each row not verified; see SOURCE.md)"
            )
            lhv = f"{r['avg_low_heat_value']} {r['lhv_unit']}".strip() if r["lhv_unit"] else ""
            out.append(
                [
                    carrier,
                    r["energy_zh"],
                    r["energy_en"],
                    unit,
                    single,
                    lo,
                    hi,
                    lhv,
                    standard,
                    r["confidence"],
                    r["notes"],
                ]
            )
    return sorted(out, key=lambda row: row[0])


def coal_manifest() -> dict[str, Any]:
    inp = INPUTS["coal"]
    return {
        "name": "gbt-2589-standard-coal",
        "title": "Standard-coal coefficients (折标准煤系数), GB/T 2589 综合能耗计算通则 Annex A",
        "standard": "GB/T 2589-2020 (replaces GB/T 2589-2008); published 2020-09-29, in force"
        " 2021-04-01; SAMR and SAC",
        "edition": "GB/T 2589 Annex A as reproduced by public pages (2008 table; 2020 revision of"
        " Annex A not verified row by row)",
        "unit": "kgce per unit of the carrier (1 kgce = 7 000 kcal = 29.3076 MJ)",
        "licence": "facts (individual numeric coefficients; PRC Copyright Law art. 5(3)); the"
        " standard's text is not redistributed",
        "source_file": f"{inp.folder}/{inp.file}",
        "source_sha256": inp.sha256,
        "notes": "Electricity 0.1229 kgce/kWh is the calorific-equivalent value (当量值, 3 600"
        " kJ/kWh). The equal-value (等价值) coefficient has no fixed number (the year's"
        " thermal-power coal rate) and is not shipped. Steam grades are NBS values, not GB/T"
        " 2589. Before release, check each row against GB/T 2589-2020 Annex A.",
    }


def check_cn_sources(ghgp: Path, data: Path) -> None:
    """Confirm the ETS value 0.5703 and the 2021 national average 0.5568 against the files that
    cite them (besides china_grid_co2_factors.csv, which the rows come from).

    Raises:
        BuildError: the GHG Protocol sheet does not show 0.5703 for 2022, or (when the seed
            report is present next to the data folder) the report does not quote 0.5568.
    """
    rows = load_sheet(ghgp, "Electricity CN, TW, BR, TH, UK")
    found = any(
        text(_cell(rows, i, 1)) == "2022" and number(_cell(rows, i, 2)) == 0.5703
        for i in range(len(rows))
        if len(rows[i]) > 2
    )
    title = any("Chinese Electricity National Average" in text(c) for r in rows for c in r)
    if not (found and title):
        raise BuildError("GHG Protocol sheet 'Electricity CN, TW, BR, TH, UK': 0.5703 not found")
    seed = data.parent / "seeds" / "000_fbf9cbf94a988f67.txt"
    if seed.is_file():
        flat = re.sub(r"\s+", "", seed.read_text(encoding="utf-8"))
        if "依据2021年全国电力平均碳排因子0.5568kgCO2/kWh" not in flat:
            raise BuildError(f"{seed}: the 2021 national average 0.5568 is not quoted")


# --------------------------------------------------------------------------------------------
# GWP tables
# --------------------------------------------------------------------------------------------

#: EPA Table 12 stated GWPs that do not follow from EPA's own composition (checked against
#: DESNZ, whose 'Kyoto products only' value agrees with the composition).
EPA_BLEND_ERRATA = {
    "R-424A": "EPA states 3104; its composition (50.5 % HFC-125, 47 % HFC-134a, hydrocarbons)"
    " gives 2211.85 under AR5, and DESNZ 2025 publishes 2212",
}

#: Hydrocarbons and other blend components named in words by EPA Table 12.
BLEND_NAMES = {
    "propane": "propane",
    "isobutane": "isobutane",
    "butane": "butane",
    "propylene": "propylene",
    "isopentane": "isopentane",
}


def gwp_rows(path: Path) -> list[list[str]]:
    """gwp100.csv rows (without header): openclimatedata species + methane by origin + CO2."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    src = {
        "AR4": "IPCC AR4 WGI Table 2.14",
        "AR5": "IPCC AR5 WGI Table 8.A.1",
        "AR6": "IPCC AR6 WGI Table 7.SM.7",
    }
    via = "via openclimatedata/globalwarmingpotentials 0.13.1 (CC0)"
    rows: dict[str, list[str]] = {}
    for row in reader:
        key = normalise_gas(row["Species"])
        if key in rows:
            raise BuildError(f"{path.name}: species {row['Species']!r} duplicates {key}")
        vals = [row["AR4GWP100"].strip(), row["AR5GWP100"].strip(), row["AR6GWP100"].strip()]
        have = [s for s, v in zip(("AR4", "AR5", "AR6"), vals, strict=True) if v]
        source = (
            ("; ".join(src[s] for s in have) + f" {via}")
            if have
            else (f"no AR4/AR5/AR6 value in the source (older reports only) {via}")
        )
        if row["Species"] != key:
            source = f"{row['Species']} in source; " + source
        rows[key] = [key, *vals, source]
    rows["CO2"] = ["CO2", "1", "1", "1", "by definition (reference gas)"]
    for origin, label in ((CH4_FOSSIL, "fossil"), (CH4_NONFOSSIL, "non-fossil")):
        rows[origin] = [
            origin,
            fmt(METHANE_BY_ORIGIN["AR4"][origin]),
            fmt(METHANE_BY_ORIGIN["AR5"][origin]),
            fmt(METHANE_BY_ORIGIN["AR6"][origin]),
            f"AR6: IPCC AR6 WGI Table 7.15 (CH4-{label}); AR5/AR4: the single CH4 value, as the "
            "GHG Protocol, UK DESNZ and US EPA apply it (lingtan decision 0003, "
            "lingtan.core.gwp.METHANE_BY_ORIGIN)",
        ]
    rows[USEEIO_PSEUDO] = [
        USEEIO_PSEUDO,
        "1",
        "1",
        "1",
        "not a gas: lingtan key for USEEIO v1.3 'HFCs and PFCs, unspecified', which EPA "
        "publishes as kg CO2e (AR5); GWP 1 carries that CO2e unchanged in every set",
    ]
    return [rows[k] for k in sorted(rows)]


def blend_rows(
    blends: list[tuple[str, list[tuple[str, Decimal]], int]],
    designations: dict[str, str],
    known: set[str],
) -> list[list[str]]:
    """blends.csv rows: one per (blend, component), mass fraction = EPA % / 100 (exact)."""
    out: list[list[str]] = []
    for name, parts, stated in blends:
        for comp, pct in parts:
            formula = designations.get(comp, comp) if comp.startswith("PFC-") else comp
            if comp.startswith("PFC-") and comp not in designations:
                raise BuildError(f"EPA Table 12 {name}: no formula for {comp}")
            key = normalise_gas(BLEND_NAMES.get(comp, formula))
            if comp not in BLEND_NAMES and key not in known:
                raise BuildError(f"EPA Table 12 {name}: component {comp} ({key}) has no GWP")
            frac = str((pct / 100).normalize())
            frac = frac if "E" not in frac else f"{pct / 100:f}"
            note = f"; {EPA_BLEND_ERRATA[name]}" if name in EPA_BLEND_ERRATA else ""
            out.append(
                [
                    normalise_gas(name),
                    key,
                    frac,
                    f"US EPA GHG Emission Factors Hub 2025, Table 12 ({name}: {pct}% {comp}; EPA "
                    f"AR5 blend GWP {stated}, HFC/PFC constituents only{note})",
                ]
            )
    return out


# --------------------------------------------------------------------------------------------
# manifests, notice, catalogue
# --------------------------------------------------------------------------------------------

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
EPA_HUB_URL = "https://www.epa.gov/climateleadership/ghg-emission-factors-hub"
DESNZ_URL = (
    "https://www.gov.uk/government/collections/government-conversion-factors-for-company-reporting"
)


def desnz_manifest(year: int, key: str, valid_to: str) -> dict[str, Any]:
    inp = INPUTS[key]
    edition = (
        "2025 (flat file, published 2025-06-10)"
        if year == 2025
        else ("2024 (full set v1.1, October 2024)")
    )
    skipped = "; ".join(f"'{k}': {v}" for k, v in DESNZ_SKIPPED_L1.items())
    return {
        "name": f"desnz-{year}",
        "title": f"UK Government GHG Conversion Factors for Company Reporting {year}",
        "publisher": DESNZ_PUBLISHER,
        "dataset": DESNZ_DATASET,
        "edition": edition,
        "licence": "OGL-UK-3.0",
        "licence_url": OGL,
        "attribution": (
            "Contains public sector information licensed under the Open Government Licence "
            f"v3.0: UK Government GHG Conversion Factors for Company Reporting {year}, "
            "Department for Energy Security and Net Zero (DESNZ)."
        ),
        "source_url": DESNZ_URL,
        "source_file": f"{inp.folder}/{inp.file}",
        "source_sha256": inp.sha256,
        "gwp_basis": "AR5 (per-gas values converted to kg of gas; CO2e rows state AR5)",
        "valid_from": f"{year}-01-01",
        "valid_to": valid_to,
        "notes": _notes(
            [
                f"Values valid from {year}-01-01"
                + (
                    f" to {valid_to} (exclusive; superseded by the next edition)."
                    if valid_to
                    else ", open-ended (newest edition)."
                ),
                "Per-gas values: DESNZ publishes 'kg CO2e of <gas> per unit'"
                " under IPCC AR5; lingtan"
                " ships kg of gas = value / AR5 GWP (CH4 28, N2O 265). Where DESNZ publishes only a"
                " total, it is shipped as gas CO2e with gwp_set AR5. Flights and air freight 'with"
                " RF' (radiative forcing) are shipped as CO2e totals (.rf activity types), because"
                " the RF uplift is not the mass of any gas.",
                "Methane origin: fuel combustion (Fuels, Scope 1 vehicles, road/air/sea transport)"
                " uses CH4_fossil; bioenergy CH4_nonfossil (only totals are"
                " published); electricity,"
                " heat, rail and plug-in vehicles use CH4.",
                "Regions: fuel combustion factors (Fuels, Bioenergy) are physical properties of the"
                " fuel and freight, passenger travel, vehicles, waste and material factors are the"
                " only open defaults available: all are shipped with region GLO (UK DESNZ values"
                " used as the global default). Electricity, T&D, WTT of electricity, heat and"
                " steam, EV electricity, water and homeworking keep region GB. Hotel factors are"
                " per country: activity type hotel.<ISO 3166 code> (UK (London) = hotel.GB-LND),"
                " region GLO.",
                "Units: miles and million-litre rows are not shipped (same dimension as km and m3,"
                " which are). Business-travel car and motorbike factors are per vehicle-km; they"
                " are also shipped per passenger-km assuming one occupant (described per row).",
                "Naming: Burning oil = fuel.kerosene; forecourt Diesel/Petrol (average biofuel"
                " blend) = fuel.diesel/fuel.petrol, 100 % mineral = fuel.diesel_mineral etc.;"
                " London Underground = travel.metro; District heat and steam = heat.district and"
                " heat.steam (same value); waste treatments normalised (Incineration with energy"
                " recovery/Combustion = incineration, Open-/Closed-loop = recycling.open_loop /"
                " recycling.closed_loop, and recycling = closed-loop where published else"
                " open-loop). See CATALOGUE.md.",
                "Biogenic CO2: the 'Outside of scopes' values (kg CO2e of CO2 per unit = kg of"
                " biogenic CO2) are shipped as gas CO2_biogenic in the same factor group as the"
                " Scope 1 fuel (same activity type, unit, region and validity): forecourt"
                " diesel and petrol (average biofuel blend), biofuels, biomass, biogas and"
                " landfill gas. Energy units are net CV (DESNZ). lingtan reports them on their"
                " own line, outside every scope total (GHG Protocol Corporate Standard ch. 9;"
                " ISO 14064-1:2018 9.3.1). Empty published values are not shipped.",
                f"Not shipped: {skipped}; {DESNZ_OUTSIDE_SCOPES_SKIPPED}.",
                "Why DESNZ for global fuel defaults and not IPCC 2006: the IPCC 2006 Guidelines"
                " default tables carry IPCC copyright terms that do not allow redistribution in an"
                " Apache-2.0 package; DESNZ values are under OGL v3.",
                (
                    "Source: a third party's CSV export of the official 2025"
                    " flat file (sha256 above);"
                    " values were spot-checked against the 2024 workbook (build report)."
                    if year == 2025
                    else "Source: the official 2024 full-set workbook v1.1, every"
                    " table parsed into the"
                    " flat-file structure; the build checks per-gas sums against"
                    " the published totals"
                    " and compares coverage with the 2025 flat file."
                ),
            ]
        ),
    }


def epa_manifest() -> dict[str, Any]:
    inp = INPUTS["epa"]
    return {
        "name": "epa-hub-2025",
        "title": "US EPA GHG Emission Factors Hub 2025",
        "publisher": EPA_PUBLISHER,
        "dataset": EPA_DATASET,
        "edition": EPA_EDITION,
        "licence": "US-PD",
        "licence_url": "https://www.usa.gov/government-copyright",
        "attribution": (
            "US EPA Center for Corporate Climate Leadership, GHG Emission Factors Hub"
            " (2025). US federal government work, public domain (17 U.S.C. 105)."
        ),
        "source_url": EPA_HUB_URL,
        "source_file": f"{inp.folder}/{inp.file}",
        "source_sha256": inp.sha256,
        "gwp_basis": "AR5 for the hub; per-gas values need no GWP; waste (Table 9) is CO2e AR4",
        "valid_from": EPA_VALID_FROM,
        "valid_to": "",
        "notes": _notes(
            [
                "Only the sheet 'Emission Factors Hub' is read (the extra 'Sheet1' is a user"
                " addition). Region US; eGRID subregions as US-EGRID-<acronym>, the US average as"
                " US.",
                "Table 1 stationary combustion: per kWh gross CV (EPA per mmBtu HHV / 293.07107)"
                " and per short ton / scf / gallon as published; g CH4 and g N2O / 1000 = kg."
                " CH4_fossil for fossil fuels, CH4_nonfossil for biomass; biogenic CO2 of biomass"
                " fuels is not shipped (reported outside the scopes). Peat is treated as fossil"
                " (IPCC), although EPA lists it under biomass. Canonical aliases: Distillate No. 2"
                " = fuel.diesel, Motor Gasoline = fuel.petrol, Residual No. 6 = fuel.fuel_oil, jet"
                " fuel = fuel.aviation_turbine_fuel, aviation gasoline = fuel.aviation_spirit,"
                " Mixed (Industrial Sector) coal = fuel.coal_industrial, natural gas per scf ="
                " fuel.cng.",
                "For fuel.* the CH4/N2O values are EPA's stationary values; EPA gives mobile"
                " CH4/N2O per vehicle-mile by model year (Tables 3-4, not shipped: lingtan has no"
                " model-year dimension). Table 2 adds LNG per gallon (CO2 only). Table 5 non-road"
                " CH4/N2O per gallon are shipped with Table 2 CO2 as"
                " fuel.<fuel>.nonroad.<vehicle>[.<variant>].",
                "Table 6 eGRID2023 total-output rates: lb/MWh x 0.45359237 / 1000 = kg/kWh"
                " (electricity.grid). Non-baseload rates are not shipped (not for inventories)."
                " td_loss.electricity.grid is derived: rate x GGL / (1 - GGL) with EPA's grid gross"
                " loss (no GGL for PRMS).",
                "Table 7 steam and heat per mmBtu delivered = heat.steam and heat.district.",
                "Table 8 per vehicle-mile (vehicle.*) and per short ton-mile (freight.*); Table 10"
                " per vehicle-mile and passenger-mile (travel.*); car and"
                " motorbike per vehicle-mile"
                " are also shipped per passenger-mile assuming one occupant. EPA air travel is by"
                " distance band (travel.air.under_300_miles, 300_to_2300_miles, over_2300_miles).",
                "Table 9 waste: metric tons CO2e per short ton x 1000 = kg CO2e per short ton, AR4"
                " as EPA states; anaerobic digestion is shipped as .dry_digestate and"
                " .wet_digestate (no single default).",
                "Tables 11-12 (GWPs, blends) feed gwp/blends.csv, not factor rows.",
            ]
        ),
    }


def useeio_manifest() -> dict[str, Any]:
    inp, inp2 = INPUTS["useeio"], INPUTS["useeio_co2e"]
    return {
        "name": "useeio-1.3",
        "title": "US EPA Supply Chain GHG Emission Factors v1.3.0 (USEEIO), 2022 USD",
        "publisher": "US EPA Office of Research and Development",
        "dataset": "Supply Chain GHG Emission Factors for US Commodities and Industries",
        "edition": "v1.3.0 (2022 USD)",
        "licence": "US-PD",
        "licence_url": "https://pasteur.epa.gov/license/sciencehub-license.html",
        "attribution": (
            "Ingwersen, W. et al., US EPA Office of Research and Development, Supply"
            " Chain Greenhouse Gas Emission Factors v1.3 by NAICS-6, DOI"
            " 10.23719/1531143. US government work, public domain."
        ),
        "source_url": "https://pasteur.epa.gov/uploads/10.23719/1531143/",
        "source_file": f"{inp.folder}/{inp.file}; {inp2.folder}/{inp2.file} (cross-check)",
        "source_sha256": f"{inp.sha256}; {inp2.sha256}",
        "gwp_basis": "none for per-gas values; the unspecified HFC/PFC row is CO2e AR5",
        "price_year": 2022,
        "valid_from": "2022-01-01",
        "valid_to": "",
        "notes": _notes(
            [
                "Activity type spend.naics.<2017 NAICS 6-digit code>, unit USD, price year 2022,"
                " purchaser price (the 'with Margins' column: producer price plus transport,"
                " wholesale and retail margins). Values are kg of gas per 2022 USD; GHG data year"
                " 2022, valid from 2022-01-01.",
                "Region GLO: the US economy (USEEIO v1.3) used as a global proxy. Spend in other"
                " currencies and years must be converted and deflated to 2022 USD by the spend"
                " method.",
                "Gas names mapped to GWP keys (Carbon dioxide = CO2, Methane = CH4, Nitrous oxide ="
                " N2O, HFC-xx, CF4, C2F6, C3F8, C4F10, cC4F8, C6F14, SF6, NF3). 'HFCs and PFCs,"
                " unspecified' is published as kg CO2e (AR5), not as a gas: it is shipped as the"
                " pseudo-gas HFCPFCUNSPECIFIED with GWP 1 in every set, so its CO2e is kept"
                " (it is up to 17.5 % of a commodity's total) but is not"
                " re-weighted under AR4/AR6.",
                "Methane is shipped as CH4 (origin not distinguished by USEEIO). Zero-valued gas"
                " rows are skipped. The build checks that per-gas CO2e (AR5) reproduces EPA's CO2e"
                " file within 2 % for every commodity.",
            ]
        ),
    }


def _notes(paragraphs: Sequence[str]) -> str:
    """Manifest notes: one bullet per paragraph, wrapped at 96 columns."""
    return "\n".join(
        textwrap.fill(p, 96, initial_indent="- ", subsequent_indent="  ") for p in paragraphs
    )


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(manifest: dict[str, Any]) -> str:
    ordered = {k: manifest[k] for k in MANIFEST_KEYS if k in manifest}
    return yaml.dump(
        ordered,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def write_text(path: Path, content: str) -> None:
    path.write_bytes(content.encode("utf-8"))


def notice(sets: Sequence[FactorSetBuild]) -> str:
    lines = [
        "# Notices for lingtan's bundled data",
        "",
        "lingtan's code is licensed under Apache-2.0. The data in this folder comes from the"
        " publishers below under their own terms. Generated by `tools/build_factor_library.py`;"
        " see `docs/factor-sources.md` for how each set was built.",
        "",
    ]
    for s in sets:
        m = s.manifest
        lines += [
            f"## {m['name']}: {m['title']}",
            "",
            f"- Publisher: {m['publisher']}",
            f"- Edition: {m['edition']}",
            f"- Licence: {m['licence']} ({m['licence_url']})",
            f"- Source: {m['source_url']}",
            f"- Attribution (display this text): {m['attribution']}",
            "",
        ]
        if m["licence"] == "OGL-UK-3.0":
            lines += [
                "The Open Government Licence v3.0 allows copying, publishing, adapting and"
                " commercial use, provided this attribution is kept. The values were transformed"
                " (per-gas CO2e converted to kg of gas with AR5 GWPs, renamed to lingtan activity"
                " types); DESNZ does not endorse lingtan.",
                "",
            ]
        elif m["licence"] == "US-PD":
            lines += [
                "A work of the US federal government, not subject to copyright in the United"
                " States (17 U.S.C. 105). Cited as good practice; EPA does not endorse lingtan.",
                "",
            ]
        elif m["licence"] == "CC-BY-4.0":
            lines += [
                "Creative Commons Attribution 4.0 International: sharing and adapting are allowed"
                " with attribution. Changes: values converted from g to kg CO2e per kWh, ISO"
                " alpha-3 codes replaced by alpha-2, one row per country kept (latest year)."
                " Ember and Our World in Data do not endorse lingtan.",
                "",
            ]
        else:
            lines += [
                "Official government figures (MEE/NBS announcements: administrative documents of"
                " state organs, PRC Copyright Law art. 5), reproduced as facts with their"
                " citation. The GHG Protocol workbook that cites the ETS value 0.5703 was used"
                " only to confirm it; none of its content is redistributed.",
                "",
            ]
    lines += [
        "## energy/standard_coal.csv: standard-coal coefficients (GB/T 2589 Annex A)",
        "",
        "- Coefficients to standard coal equivalent (kgce per unit) of GB/T 2589 综合能耗计算通则"
        " (2020 edition in force; issued by SAMR and SAC), Annex A, as reproduced by public pages"
        " (see shared/data/china-energy-conversion/SOURCE.md). Individual numeric values are"
        " shipped as facts; the standard's text is not redistributed. Steam grades are NBS"
        " values, not GB/T 2589.",
        "",
        "## gwp/gwp100.csv and gwp/blends.csv",
        "",
        "- GWP100 values (IPCC AR4, AR5, AR6) compiled by openclimatedata/globalwarmingpotentials"
        " 0.13.1, released under CC0 1.0 (public domain dedication). Original values: IPCC"
        " Assessment Reports (via the GHG Protocol 'Global Warming Potential Values' and AR6"
        " WGI Table 7.SM.7). Methane by origin: IPCC AR6 WGI Table 7.15.",
        "- Refrigerant blend compositions: US EPA GHG Emission Factors Hub 2025, Table 12 (from"
        " https://www.epa.gov/snap/compositions-refrigerant-blends), public domain.",
        "",
    ]
    return "\n".join(lines)


def _region_summary(regions: Sequence[str]) -> str:
    """Long region lists, shortened: US-EGRID-*, CN-GRID-*, Chinese provinces and other
    countries counted."""
    groups = {
        "US-EGRID-*": [r for r in regions if r.startswith("US-EGRID-")],
        "CN-GRID-*": [r for r in regions if r.startswith("CN-GRID-")],
    }
    grouped = {r for g in groups.values() for r in g}
    provinces = [r for r in regions if r.startswith("CN-") and r not in grouped]
    plain = [r for r in regions if r not in grouped and r not in provinces]
    named = [r for r in plain if r in ("CN", "GB", "US", "GLO")]
    parts = named + [f"{k} ({len(v)})" for k, v in groups.items() if v]
    if provinces:
        parts.append(f"CN provinces ({len(provinces)})")
    if len(plain) > len(named):
        parts.append(f"other countries ({len(plain) - len(named)})")
    return ", ".join(parts)


def catalogue(sets: Sequence[FactorSetBuild]) -> str:
    info: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    naics_titles: dict[str, str] = {}
    for s in sets:
        for r in s.rows:
            d = info[r.activity_type]
            d["units"].add(r.unit)
            d["regions"].add(r.region)
            d["sets"].add(s.name)
            if r.activity_type.startswith("spend.naics."):
                naics_titles[r.activity_type] = NAICS_TITLES[r.activity_type.rsplit(".", 1)[1]]
    lines = [
        "# Catalogue of bundled activity types",
        "",
        "Generated by `tools/build_factor_library.py`; do not edit. One line per activity type:"
        " the units its factors are per, the regions they cover and the sets that give them."
        " Region GLO = global default. See `docs/factor-sources.md`.",
        "",
    ]
    families: dict[str, list[str]] = defaultdict(list)
    for atype in sorted(info):
        head = atype.split(".")[0]
        if head == "wtt" or head == "td_loss":
            head = ".".join(atype.split(".")[:2])
        families[head].append(atype)
    for fam in sorted(families):
        lines += [
            f"## {fam}",
            "",
            "| activity type | units | regions | sets |"
            + (" NAICS title |" if fam == "spend" else ""),
            "|---|---|---|---|" + ("---|" if fam == "spend" else ""),
        ]
        for atype in families[fam]:
            d = info[atype]
            regions = sorted(d["regions"])
            reg = ", ".join(regions) if len(regions) <= 6 else _region_summary(regions)
            row = (
                f"| `{atype}` | {', '.join(sorted(d['units']))} | {reg} |"
                f" {', '.join(sorted(d['sets']))} |"
            )
            if fam == "spend":
                row += f" {naics_titles.get(atype, '')} |"
            lines.append(row)
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# checks and main
# --------------------------------------------------------------------------------------------


def validate(sets: Sequence[FactorSetBuild], gwp_names: Sequence[str], gwp_check: Any) -> None:
    """make_factor on every row, validate_groups per set, every gas has a GWP in every set."""
    columns = list(FACTOR_COLUMNS)
    for s in sets:
        factors = []
        for n, r in enumerate(s.rows, start=2):
            f = r.fields()
            if list(f) != columns:
                raise BuildError("internal: row fields differ from FACTOR_COLUMNS")
            factors.append(make_factor(s.name, f, f"{s.name}.csv, row {n}"))
        validate_groups(factors)
        for g in sorted({f.gas for f in factors}):
            for name in gwp_names:
                if g != CO2E and not gwp_check(name, g):
                    raise BuildError(f"{s.name}: gas {g} has no GWP in set {name}")


def compare_editions(new: Sequence[Out], old: Sequence[Out]) -> list[str]:
    """Report (not fail) how the 2024 workbook parse lines up with the 2025 flat file."""
    a = {(r.activity_type, r.unit, r.gas): r.value for r in new}
    b = {(r.activity_type, r.unit, r.gas): r.value for r in old}
    common = sorted(a.keys() & b.keys())
    big = [k for k in common if max(a[k], b[k]) > 0 and abs(a[k] - b[k]) > 0.5 * max(a[k], b[k])]
    same = sum(1 for k in common if a[k] == b[k])
    lines = [
        f"desnz 2025 vs 2024: {len(a)} / {len(b)} values, {len(common)} in both, {same} equal,"
        f" {len(big)} differ by more than 50 %; only in 2025: {len(a.keys() - b.keys())}, only"
        f" in 2024: {len(b.keys() - a.keys())}",
    ]
    lines += [f"  >50 %: {k} 2025={a[k]:.6g} 2024={b[k]:.6g}" for k in big[:15]]
    only_new = sorted({k[0] for k in a.keys() - b.keys()})
    only_old = sorted({k[0] for k in b.keys() - a.keys()})
    lines.append(f"  types only in 2025 ({len(only_new)}): {', '.join(only_new[:12])}")
    lines.append(f"  types only in 2024 ({len(only_old)}): {', '.join(only_old[:12])}")
    return lines


def build(data: Path, out: Path) -> list[str]:
    """Build everything into ``out``; return report lines.

    Raises:
        BuildError: on any input or consistency problem (nothing is written then).
    """
    paths = verify_inputs(data)
    report: list[str] = []

    # GWP first: factor gases are checked against it.
    gwp = gwp_rows(paths["gwp"])
    known = {r[0] for r in gwp}
    ar5 = {r[0]: float(r[2]) for r in gwp if r[2]}

    # DESNZ 2025 and 2024
    flat = read_desnz_flat(paths["desnz2025"])

    def id_2025(rec: DRec, gas: str, t: Target) -> str:
        base = rec.ref.rsplit("_", 1)[0]
        return f"desnz-2025/{base}/{gas}" + (f"/{t.suffix}" if t.suffix else "")

    def id_2024(rec: DRec, gas: str, t: Target) -> str:
        sheet, cell = rec.ref.split("!")
        return f"desnz-2024/{slug(sheet)}!{cell}/{gas}" + (f"/{t.suffix}" if t.suffix else "")

    d25 = FactorSetBuild(desnz_manifest(2025, "desnz2025", ""))
    d25.rows = desnz_rows(flat, "2025", "2025-01-01", "", id_2025)
    d25.rows += desnz_derived(d25.rows)
    wb = read_desnz_workbook(paths["desnz2024"])
    d24 = FactorSetBuild(desnz_manifest(2024, "desnz2024", "2025-01-01"))
    d24.rows = desnz_rows(wb, "2024 (v1.1)", "2024-01-01", "2025-01-01", id_2024)
    d24.rows += desnz_derived(d24.rows)
    report += compare_editions(d25.rows, d24.rows)

    # EPA hub
    epa = FactorSetBuild(epa_manifest())
    epa.rows, blends, designations = epa_rows(paths["epa"])

    # USEEIO
    use = FactorSetBuild(useeio_manifest())
    use.rows = useeio_rows(paths["useeio"], paths["useeio_co2e"], ar5)

    # China grid
    check_cn_sources(paths["ghgp"], data)
    cn = FactorSetBuild(cn_manifest())
    cn.rows = cn_grid_rows(paths["cn_mee"])

    # every country: generation-based proxy
    ember = FactorSetBuild(ember_manifest())
    ember.rows = ember_rows(paths["ember"], ISO3_TO_ISO2)

    sets = [cn, d24, d25, ember, epa, use]
    coal = coal_rows(paths["coal"])
    for s in sets:
        s.rows.sort(key=Out.sort_key)

    blend_table = blend_rows(blends, designations, known)

    # write GWP files to a scratch buffer first, validate with the package loader
    gwp_dir = out / "gwp"
    fac_dir = out / "factors"
    gwp_dir.mkdir(parents=True, exist_ok=True)
    fac_dir.mkdir(parents=True, exist_ok=True)
    write_csv(gwp_dir / "gwp100.csv", ["gas", "AR4", "AR5", "AR6", "source"], gwp)
    write_csv(
        gwp_dir / "blends.csv", ["blend", "component", "mass_fraction", "source"], blend_table
    )
    gwp_sets = gwp_sets_from_files(gwp_dir / "gwp100.csv", gwp_dir / "blends.csv")
    desnz_blends = {
        normalise_gas(r.l3): r.value
        for r in flat
        if r.l1 == "Refrigerant & other"
        and r.l2 == "Blends"
        and r.value is not None
        and r.col == "Emissions including only Kyoto products"
    }
    n_desnz = 0
    for name, _parts, stated in blends:
        got = gwp_sets["AR5"].gwp(name)
        desnz = desnz_blends.get(normalise_gas(name))
        if desnz is not None:
            n_desnz += 1
            if abs(got - desnz) > 0.5 + 1e-9:
                raise BuildError(f"{name}: computed AR5 GWP {got:.2f} != DESNZ {desnz}")
        if name in EPA_BLEND_ERRATA:
            if desnz is None or abs(got - stated) <= 0.5:
                raise BuildError(f"{name}: EPA erratum no longer applies; review EPA_BLEND_ERRATA")
            continue
        if abs(got - stated) > 0.5 + 1e-9:
            raise BuildError(f"{name}: computed AR5 GWP {got:.2f} != EPA {stated}")
    report.append(
        f"blends: {len(blends)} EPA Table 12 blends, AR5 GWP from composition matches"
        f" EPA's stated value within rounding (except {', '.join(EPA_BLEND_ERRATA)})"
        f" and DESNZ 2025 'Kyoto products only' for {n_desnz}"
    )

    validate(sets, sorted(gwp_sets), lambda n, g: gwp_sets[n].has(g))

    for s in sets:
        write_csv(
            fac_dir / f"{s.name}.csv",
            list(FACTOR_COLUMNS),
            ([r.fields()[c] for c in FACTOR_COLUMNS] for r in s.rows),
        )
        write_text(fac_dir / f"{s.name}.yaml", dump_yaml(s.manifest))
        report.append(
            f"{s.name}: {len(s.rows)} rows, {len({r.activity_type for r in s.rows})} activity types"
        )
    energy_dir = out / "energy"
    energy_dir.mkdir(parents=True, exist_ok=True)
    write_csv(energy_dir / "standard_coal.csv", COAL_COLUMNS, coal)
    write_text(
        energy_dir / "standard_coal.yaml",
        yaml.dump(
            coal_manifest(),
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            width=100,
            default_flow_style=False,
        ),
    )
    report.append(f"standard coal: {len(coal)} carriers")
    write_text(fac_dir / "CATALOGUE.md", catalogue(sets))
    write_text(out / "NOTICE.md", notice(sets))
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, required=True, help="reference data folder")
    parser.add_argument("--out", type=Path, required=True, help="package data folder to write")
    args = parser.parse_args(argv)
    try:
        report = build(args.data.resolve(), args.out)
    except BuildError as exc:
        print(f"build_factor_library: {exc}", file=sys.stderr)
        return 1
    for line in report:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
