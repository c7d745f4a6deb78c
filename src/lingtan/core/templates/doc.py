"""``docs/templates.md`` as data: its prose and, per template, the cells of the template table
that are not in the catalogue (scope and category, the normalised activity, remarks on columns).

:func:`render` builds the page from this and :data:`lingtan.core.templates.catalogue.TEMPLATES`
(the columns, in order, required in bold, optional in code); ``tools/gen_templates_doc.py``
writes it and a test checks that the committed page equals :func:`render`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lingtan.core.templates.catalogue import TEMPLATES
from lingtan.core.templates.spec import Template

#: Columns every template takes (documented once, in the prose, not in each row).
_COMMON_COLUMNS = frozenset(
    {"period_end", "description", "tier"}
    | {f"dq_{k}" for k in ("temporal", "geographical", "technological", "completeness",
                            "reliability")}
)  # fmt: skip

_HEADER = (
    "| template | scope / category | columns (required **bold**) | normalised activity |\n"
    "|---|---|---|---|"
)


@dataclass(frozen=True)
class TemplateDoc:
    """A template's row of the table in ``docs/templates.md``, beyond its column list.

    Attributes:
        scope: the "scope / category" cell (Markdown).
        activity: the "normalised activity" cell (Markdown): activity type, formula, method.
        notes: column → remark written in parentheses after it (values, units, defaults).
        groups: column → the text written before it instead of ``", "`` (opens a group of
            columns, e.g. ``"; screening: "``).
    """

    scope: str
    activity: str
    notes: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, str] = field(default_factory=dict)


def columns_cell(tpl: Template, doc: TemplateDoc) -> str:
    """The "columns" cell of ``tpl``: its columns in order (less the common ones), required in
    bold, optional in code, each followed by its remark."""
    out: list[str] = []
    for c in tpl.columns:
        if c.name in _COMMON_COLUMNS:
            continue
        text = f"**{c.name}**" if c.required else f"`{c.name}`"
        if c.name in doc.notes:
            text += f" ({doc.notes[c.name]})"
        lead = doc.groups.get(c.name, ", " if out else "")
        out.append(lead + text)
    return "".join(out)


def render() -> str:
    """The text of ``docs/templates.md``.

    Raises:
        KeyError: a template of the catalogue has no :class:`TemplateDoc` in :data:`ROWS`.
    """
    table = [_HEADER]
    for name, tpl in TEMPLATES.items():
        doc = ROWS[name]
        table.append(f"| `{name}` | {doc.scope} | {columns_cell(tpl, doc)} | {doc.activity} |")
    return _INTRO + "\n" + "\n".join(table) + "\n\n" + _OUTRO + "\n" + aliases_section()


def aliases_section() -> str:
    """The section listing every column's Chinese header names (``ZH_ALIASES``), column names
    in the catalogue's order of first use, and how a file with other names is mapped."""
    seen: dict[str, tuple[str, ...]] = {}
    for tpl in TEMPLATES.values():
        for c in tpl.columns:
            if c.aliases and c.name not in seen:
                seen[c.name] = c.aliases
    rows = [f"| `{name}` | {' · '.join(aliases)} |" for name, aliases in seen.items()]
    return (
        _ALIASES_INTRO
        + "\n| column | Chinese header names (中文列名) |\n|---|---|\n"
        + "\n".join(rows)
        + "\n"
    )


_ALIASES_INTRO = """\
## Chinese column names and your own exports

A header cell may name a column by one of its Chinese labels instead of its English name
(matched like the names: NFKC, case and surrounding blanks ignored; a name and its alias in one
header are a duplicate). A file whose columns are named otherwise — an ERP's own export — is
imported through a **column mapping** (decision 0051, docs/import-mapping.md):
`lingtan import FILE --map MAPPING.toml` or `--map NAME` (saved with `lingtan mapping save`), or
the mapping page the web app opens for such an upload.
"""


_INTRO = """\
# Import templates

Every activity file is a CSV or an XLSX for **one template**, read as Excel writes it (decision
0050): a CSV in UTF-8 (with or without BOM), else in the encoding detected with confidence
(Windows-1252, GB18030 …; `--encoding` declares it, a guess without confidence is refused),
separated by `,`, `;` or tabs; an XLSX's sheet named like the template, else the first sheet
whose header matches. The header is the first row naming the template's columns (title rows
above it are skipped); a column may be named in English or by its Chinese label (`日期`,
`数量`, `单位` …). The template is named by the file name prefix — the longest
template name the file name starts with, followed by `_`, `-`, `.` or nothing (`fuel.csv`,
`fuel_2023.xlsx`, `electricity-tianjin.csv` → `fuel`, `fuel`, `electricity`) — or by
`lingtan import --template NAME`. `lingtan template NAME` writes an empty file with the header and
one example row that imports as written (its site is the workspace's first site with
`-w WORKSPACE`, as in the web app's downloads, else `*`; an XLSX also gets a `README` sheet
describing every column in English and Chinese); `lingtan template --all DIR` writes them all.

Rules common to every template:
- Column names are matched case-insensitively; unknown columns are an error (a typo must not
  silently drop data): the message lists them, with close matches, and the expected columns.
  A file that cannot be read at all — missing, not CSV/XLSX, no header, unknown template, unknown,
  duplicate or missing required columns, no data row — is rejected as a whole with one message;
  nothing from it is imported. Entirely blank rows are skipped (row numbers still count them).
- Empty optional cells take the default. Choice values are case-insensitive, and blanks, `-` and
  `_` are interchangeable (`Onsite Renewable` = `onsite_renewable`).
- Numbers may use thousands separators (`1,234.5`, `1 234.5`) and full-width digits (`１２３`).
  A `;`- or tab-separated file may write them as German Excel does (`1.234,5`): its decimal mark
  is told from its numbers, and a file whose numbers do not tell (only `1.234`) or mix both
  conventions is refused unless `--locale` (`de-DE`, `en-US`, `zh-CN` …) declares it; in a
  comma-separated file or an XLSX a comma as decimal mark (`1,5`) is rejected as ambiguous.
  Percentage columns (`*_pct`) also accept `40%` and Excel percentage cells (a cell showing
  40 % holds 0.4 and is read as 40).
- `date` is `YYYY-MM-DD` (also `YYYY/M/D`, `YYYY年M月D日`, `DD.MM.YYYY`, a `D/M/YYYY` only one
  order makes a date of, or an Excel date cell; `04/05/2023` is rejected as ambiguous unless
  `--locale` gives the order). It is the day the activity happened or, for a period (a monthly
  bill), its first day. Optional `period_end` (inclusive, not before `date`) may be given; a period
  that crosses a fiscal-year boundary is rejected with a reason saying where to split it.
- `site` is a site id of the workspace boundary (`lingtan init` / `boundary.yaml`; matched
  case-insensitively, unknown ids are rejected with close matches), or `*` (or empty where
  optional) for the organisation as a whole. Organisation-level rows take region `region`
  (column) or the organisation's default region; site rows without a `region` column leave it
  empty, meaning the site's region.
- `unit` is any unit lingtan knows (`L`, `m3`, `kg`, `t`, `kWh`, `MWh`, `GJ`, `mmBtu`, `therm`,
  `km`, `tkm`, `pkm`, `USD`, `CNY`, `万元` …; see docs/methods.md §Units); it must have the
  dimension the column needs, e.g. `unit 'kg' is a mass; column 'quantity' of template
  'electricity' needs an energy unit`, and a dimension some factor of the activity type takes
  (checked at import against the factor library: `asphalt_and_road_oil` in `kg` is rejected,
  EPA publishes it per gallon and per mmBtu).
- Names that become part of an activity type (`fuel`, `vehicle`, `mode`, `waste_type`) are
  lower-cased with blanks turned into `_` (`Natural Gas` → `fuel.natural_gas`).
- Quantities must be finite and ≥ 0 unless stated; percentages are 0–100.
- Optional on every template: `description` (text), `tier` (supplier_specific | activity | spend |
  disclosed; default per template), `dq_temporal`, `dq_geographical`, `dq_technological`,
  `dq_completeness`, `dq_reliability` (integers 1–5, data-quality indicators; 1 best; checked at
  import and stored with the activity, as is `period_end`).
- Informational columns (`supplier`, `product`, `investee`, `source_note`) are kept in the
  activity's description (`supplier: State Grid Tianjin`), after the row's own `description`.
- `supplier` (a supplier id) and `product` (a product id or name) are optional on `spend`,
  `activity` and `transport`. Besides the description, they fill the activity's own `supplier`
  and `product` columns on Scope 3 rows of the categories the GHG Protocol Scope 3 Standard lets
  a company attribute to a supplier or a product — 1 purchased goods and services, 2 capital
  goods, 4 and 9 transport (also 11 and 12, use and end of life of sold products, for `activity`
  rows) — so the inventory can be broken down by supplier and product; empty elsewhere and where
  not given. The `supplier` of `electricity` and `energy` and the `product` of `use_phase` and
  `end_of_life` stay in the description only. Files without these columns import as before.
- Each row becomes one normalised activity (`lingtan.core.activities.ACTIVITY_SCHEMA`), except
  where stated. Every problem is reported as `file, row N, column 'X': reason (value: '…')`. A row
  with any problem produces nothing; every row either becomes an activity or is reported, never
  neither (`lingtan quarantine` lists the reported rows).
"""

_OUTRO = """\
Activity types beginning `gas.`, `co2e.` and `electricity.onsite_renewable` are resolved by built-in
identity factors (1 kg of the gas per kg; 1 kg CO2e per kg; 0 kg per kWh). All others resolve
against the factor library; an activity type with no factor at all in the library is rejected at
import with the list of close matches.
"""

#: Per template: the cells of its row in the table of ``docs/templates.md``.
ROWS: dict[str, TemplateDoc] = {
    "fuel": TemplateDoc(
        scope="S1 c1 stationary or c2 mobile",
        activity="`fuel.<fuel>`, quantity/unit as given; method `s1.combustion.fuel`",
        notes={
            "unit": "volume, mass or energy",
            "use": "stationary\\|mobile, default stationary",
        },
    ),
    "vehicle_distance": TemplateDoc(
        scope="S1 c2",
        activity=(
            "`vehicle.<vehicle>` (e.g. `vehicle.car.average.diesel`); method `s1.mobile.distance`"
        ),
        notes={
            "unit": "length",
        },
    ),
    "refrigerant": TemplateDoc(
        scope="S1 c3",
        activity=(
            "`gas.<GAS>` in kg of gas. Mass balance (GHG Protocol HFC tool; IPCC 2006 Vol 3 ch. "
            "7): E = (start − end) + (purchased − disposed) + (capacity_retired − capacity_new); a "
            "negative E is an error. Screening: E = charge × leak_rate_pct/100. The columns of the "
            "other methods must be empty (or 0). Method `s1.fugitive.mass_balance` / "
            "`s1.fugitive.screening` / `s1.fugitive.direct`"
        ),
        notes={
            "gas": "R410A, HFC134a …",
            "method": "mass_balance\\|screening\\|direct",
            "unit": "mass, default kg",
            "capacity_retired": "empty = 0",
        },
        groups={
            "inventory_start": "; mass_balance: ",
            "charge": "; screening: ",
            "emitted": "; direct: ",
        },
    ),
    "direct_gas": TemplateDoc(
        scope="S1 c3 fugitive or c4 process",
        activity=(
            "`gas.<GAS>`, kg of gas (septic tanks, process CO2, SF6 …); method `s1.direct_gas`"
        ),
        notes={
            "unit": "mass",
            "kind": "fugitive\\|process, default process",
        },
    ),
    "electricity": TemplateDoc(
        scope="S2 c1",
        activity=(
            "grid → `electricity.grid`, method `s2.electricity` (location- and market-based from "
            "one row); onsite_renewable → `electricity.onsite_renewable`, same method "
            "(zero-emission self-generation, kept for the renewable share); quantity/unit as given"
        ),
        notes={
            "unit": "energy",
            "source": "grid\\|onsite_renewable, default grid",
        },
    ),
    "energy": TemplateDoc(
        scope="S2 c2 steam, c3 heat, c4 cooling",
        activity=(
            "`heat.steam`, `heat.district`, `cooling.district`, quantity/unit as given (a mass "
            "unit for steam only); method `s2.energy`"
        ),
        notes={
            "type": "steam\\|heat\\|cooling",
            "unit": "energy, or mass for steam: t",
        },
    ),
    "instrument": TemplateDoc(
        scope="(Scope 2 market-based inputs; not activities)",
        activity=(
            "stored as contractual instruments (`INSTRUMENT_SCHEMA`: quantity in kWh, rate in kg "
            "CO2e/kWh); an `instrument_id` repeated in the file rejects every row carrying it; "
            "`supplier_rate` needs `emission_rate`; see docs/methods.md §Scope 2 market-based"
        ),
        notes={
            "instrument_id": "certificate serial range or contract id, unique",
            "type": "gec\\|rec\\|i-rec\\|go\\|ppa\\|green_tariff\\|supplier_rate",
            "unit": "energy",
            "emission_rate": "kg CO2e/kWh, default 0",
            "region": "market, default the site's country",
            "site": "empty = pooled for the whole market",
        },
    ),
    "spend": TemplateDoc(
        scope="S3 c1 by default",
        activity=(
            "`spend.<…>`, quantity = amount, unit = currency as its ISO 4217 code (元 → CNY; "
            "万元 → amount × 10 000 CNY); method `s3.spend_eeio`; tier spend"
        ),
        notes={
            "code": "`naics:334111` → `spend.naics.334111`, or any activity type",
            "currency": "ISO 4217, or 元/万元",
            "category": "1–15, default 1",
            "price_year": "default the date's year",
        },
    ),
    "activity": TemplateDoc(
        scope="any",
        activity=(
            "as given: average-data (`material.steel.primary` per t), supplier-specific (an "
            "activity type of a supplier's factor set) …; a currency unit is written as its ISO "
            "code (万元 → × 10 000 CNY) with the date's year as price year"
        ),
        notes={
            "method": "default `generic.activity`",
        },
    ),
    "transport": TemplateDoc(
        scope="S3 c4 by default (or 9)",
        activity=(
            "`freight.<mode>`, quantity = mass[t] × distance[km], unit `tkm`; method "
            "`s3.transport.distance`"
        ),
        notes={
            "mode": "`road.hgv.average`, `air.long_haul`, `sea.container.average`, `rail` …",
            "category": "4\\|9",
        },
    ),
    "business_travel": TemplateDoc(
        scope="S3 c6",
        activity=(
            "`travel.<mode>`, quantity = distance[km] × travellers, unit `pkm`; method "
            "`s3.c6.distance`"
        ),
        notes={
            "mode": "`air.long_haul.economy`, `rail.national`, `car.average`, `taxi` …",
            "unit": "length",
            "travellers": "default 1",
        },
    ),
    "hotel": TemplateDoc(
        scope="S3 c6",
        activity=(
            "`hotel.<COUNTRY>` in region COUNTRY, quantity = nights, unit `room_night`; method "
            "`s3.c6.hotel`"
        ),
        notes={
            "country": "ISO 3166-1 alpha-2",
        },
    ),
    "commuting": TemplateDoc(
        scope="S3 c7",
        activity=(
            "`travel.<mode>`, quantity = employees × days × 2 × distance[km], unit `pkm`; method "
            "`s3.c7.distance`"
        ),
    ),
    "waste": TemplateDoc(
        scope="S3 c5",
        activity="`waste.<waste_type>.<treatment>`; method `s3.c5.waste_type`",
        notes={
            "treatment": "landfill\\|incineration\\|recycling\\|composting\\|anaerobic_digestion",
            "unit": "mass",
        },
    ),
    "use_phase": TemplateDoc(
        scope="S3 c11",
        activity=(
            "`electricity.grid` in region `market`, quantity = units × kWh/yr × years [kWh]; "
            "method `s3.c11.use_phase_energy` (GHG Protocol Scope 3 Technical Guidance, ch. 11: "
            "direct use-phase emissions of energy-using products)"
        ),
        notes={
            "market": "region where used",
        },
    ),
    "end_of_life": TemplateDoc(
        scope="S3 c12",
        activity=(
            "`waste.<waste_type>.<treatment>` in region `market` (default the organisation's), "
            "quantity = units × mass × share/100 [t]; method `s3.c12.waste_type`"
        ),
    ),
    "investment": TemplateDoc(
        scope="S3 c15",
        activity=(
            "`co2e.disclosed`, quantity = emissions × ownership/100; method `s3.c15.equity_share`; "
            "tier disclosed"
        ),
        notes={
            "unit": "mass of CO2e: t or kg; `tCO2e` is read as t",
        },
    ),
    "disclosed": TemplateDoc(
        scope="any",
        activity=(
            "`co2e.disclosed` (identity factor, 1 kg CO2e per kg); method `disclosed`; tier "
            "disclosed. For supplier-provided or previously verified figures."
        ),
        notes={
            "unit": "t or kg CO2e",
            "basis": "both\\|location\\|market; Scope 2 only, default both",
        },
    ),
}
