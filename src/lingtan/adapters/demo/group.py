"""The fictional "Demo Electronics Group": boundary and site profiles of demo workspace (b).

Modelled on the source report's Chinese operations (Tianjin zero-carbon factory, Hefei, Wuhan
and Shenzhen factories, the Beijing headquarters building) plus offices; **every company, number
and name here is fictional and illustrative**. Entities exercise the three consolidation
approaches (GHG Protocol Corporate Standard ch. 3): wholly owned subsidiaries, a 51 %-owned joint
venture under operational control (Hefei) and a 30 % associate without control (Suzhou), whose
emissions count 0 % under operational or financial control and 30 % under equity share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from lingtan.core.boundary import Boundary, Consolidation, LegalEntity, Site

ORGANISATION: Final = "Demo Electronics Group"
FACTOR_SETS: Final = ("demo-company", "cn-grid", "desnz-2025", "epa-hub-2025", "useeio-1.3")

ENTITIES: Final[tuple[LegalEntity, ...]] = (
    LegalEntity("DEG-TJ", "Demo Electronics (Tianjin) Co., Ltd.", 100.0, True, True, None, "CN"),
    LegalEntity("DEG-HF", "Demo-Partner Computing (Hefei) Co., Ltd. (joint venture)", 51.0,
                True, True, None, "CN"),
    LegalEntity("DEG-WH", "Demo Mobile (Wuhan) Co., Ltd.", 100.0, True, True, None, "CN"),
    LegalEntity("DEG-SZ", "Demo Smart Manufacturing (Shenzhen) Co., Ltd.", 100.0, True, True,
                None, "CN"),
    LegalEntity("DEG-BJ", "Demo Electronics (Beijing) Co., Ltd.", 100.0, True, True, None, "CN"),
    LegalEntity("DEG-SH", "Demo Electronics (Shanghai) Trading Co., Ltd.", 100.0, True, True,
                None, "CN"),
    LegalEntity("DEG-HK", "Demo Electronics (Hong Kong) Ltd.", 100.0, True, True, None, "HK"),
    LegalEntity("DEG-UK", "Demo Electronics UK Ltd.", 100.0, True, True, "DEG-HK", "GB"),
    LegalEntity("DEG-US", "Demo Electronics Inc.", 100.0, True, True, "DEG-HK", "US"),
    LegalEntity("DEG-SUZ", "Suzhou Demo Precision Plastics Co., Ltd. (associate)", 30.0, False,
                False, None, "CN"),
)  # fmt: skip


@dataclass(frozen=True)
class SiteProfile:
    """A site and its illustrative yearly activity levels (full-year, before seasonality).

    Units: ``grid_mwh`` and ``pv_mwh`` [MWh/yr]; ``gas_m3`` (boilers) and ``canteen_m3``
    [m³/yr natural gas]; ``diesel_gen_l``, ``petrol_car_l``, ``diesel_bus_l`` [L/yr];
    ``steam_t`` [t/yr]; ``cooling_mwh`` [MWh/yr of delivered cooling]; ``employees`` [people].
    """

    site: Site
    grid_mwh: float
    pv_mwh: float = 0.0
    gas_m3: float = 0.0
    canteen_m3: float = 0.0
    diesel_gen_l: float = 0.0
    petrol_car_l: float = 0.0
    diesel_bus_l: float = 0.0
    steam_t: float = 0.0
    cooling_mwh: float = 0.0
    employees: int = 0
    pv_from: str = ""  # first day of on-site PV output (YYYY-MM-DD), empty = before any year

    @property
    def id(self) -> str:
        """The site id."""
        return self.site.id

    @property
    def is_factory(self) -> bool:
        """True for manufacturing sites."""
        return self.site.kind == "factory"


def _site(sid: str, name: str, entity: str, region: str, kind: str) -> Site:
    return Site(sid, name, entity, region, kind)


#: Site profiles. Magnitudes: tens of GWh/yr per factory (a notebook plant of ~3 M units/yr);
#: PV per the source report (Tianjin ~2.8 GWh/yr, Hefei 10.12 MW ≈ 9.5 GWh/yr, Shenzhen 2.8
#: GWh/yr from June 2023); the rest illustrative.
SITES: Final[tuple[SiteProfile, ...]] = (
    SiteProfile(_site("TJ-FACTORY", "Tianjin zero-carbon factory", "DEG-TJ", "CN-TJ", "factory"),
                grid_mwh=21_000, pv_mwh=2_800, gas_m3=260_000, canteen_m3=70_000,
                diesel_gen_l=9_000, petrol_car_l=8_000, diesel_bus_l=30_000, employees=3_200),
    SiteProfile(_site("HF-FACTORY", "Hefei factory", "DEG-HF", "CN-AH", "factory"),
                grid_mwh=46_000, pv_mwh=9_500, canteen_m3=160_000, diesel_gen_l=16_000,
                petrol_car_l=12_000, diesel_bus_l=65_000, steam_t=9_600, employees=9_000),
    SiteProfile(_site("WH-FACTORY", "Wuhan factory", "DEG-WH", "CN-HB", "factory"),
                grid_mwh=30_000, gas_m3=420_000, canteen_m3=120_000, diesel_gen_l=12_000,
                petrol_car_l=10_000, diesel_bus_l=48_000, employees=7_000),
    SiteProfile(_site("SZ-FACTORY", "Shenzhen factory", "DEG-SZ", "CN-GD", "factory"),
                grid_mwh=23_000, pv_mwh=2_800, gas_m3=180_000, canteen_m3=90_000,
                diesel_gen_l=8_000, petrol_car_l=9_000, diesel_bus_l=40_000, employees=5_000,
                pv_from="2023-06-01"),
    SiteProfile(_site("BJ-HQ", "Beijing HQ building", "DEG-BJ", "CN-BJ", "building"),
                grid_mwh=6_500, canteen_m3=45_000, diesel_gen_l=3_000, petrol_car_l=15_000,
                cooling_mwh=2_600, employees=4_000),
    SiteProfile(_site("SH-OFFICE", "Shanghai office", "DEG-SH", "CN-SH", "office"),
                grid_mwh=900, employees=600),
    SiteProfile(_site("HK-OFFICE", "Hong Kong office", "DEG-HK", "HK", "office"),
                grid_mwh=450, employees=150),
    SiteProfile(_site("UK-OFFICE", "UK sales office", "DEG-UK", "GB", "office"),
                grid_mwh=120, employees=60),
    SiteProfile(_site("US-OFFICE", "US sales office (California)", "DEG-US", "US-EGRID-CAMX",
                      "office"),
                grid_mwh=180, employees=80),
    SiteProfile(_site("SUZ-MOULDING", "Suzhou moulding plant (30 % associate)", "DEG-SUZ",
                      "CN-JS", "factory"),
                grid_mwh=8_000, gas_m3=60_000, canteen_m3=20_000, diesel_gen_l=2_000,
                employees=900),
)  # fmt: skip

SITE_BY_ID: Final[dict[str, SiteProfile]] = {p.id: p for p in SITES}
FACTORY_IDS: Final = tuple(p.id for p in SITES if p.is_factory)
CN_SITE_IDS: Final = tuple(p.id for p in SITES if p.site.region.startswith("CN"))


def boundary() -> Boundary:
    """The group's boundary as a core :class:`~lingtan.core.boundary.Boundary` (validated)."""
    return Boundary(
        organisation=ORGANISATION,
        entities=ENTITIES,
        sites=tuple(p.site for p in SITES),
        consolidation=Consolidation.OPERATIONAL_CONTROL,
    )


def _yaml_bool(value: bool) -> str:
    return "true" if value else "false"


def _pct(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def lingtan_yaml(base_year: str = "FY2022/23") -> str:
    """The ``lingtan.yaml`` text of the synthetic workspace (docs/workspace.md format)."""
    boundary()  # fail early on an inconsistent boundary
    lines = [
        "# Demo workspace (b): a FICTIONAL electronics manufacturer, modelled on the sites of the",
        "# source report. All activity data and company factors are synthetic and illustrative.",
        f"organisation: {ORGANISATION}",
        "region: CN",
        "fiscal_year_start_month: 4          # FY2023/24 = 2023-04-01 ... 2024-03-31",
        "consolidation: operational_control  # try equity_share: Hefei JV 51 %, Suzhou 30 %",
        "gwp_set: AR5",
        f"base_year: {base_year}",
        f"factor_sets: [{', '.join(FACTOR_SETS)}]",
        "entities:",
    ]
    for e in ENTITIES:
        lines += [
            f"  - id: {e.id}",
            f"    name: {e.name}",
            f"    ownership_pct: {_pct(e.ownership_pct)}",
            f"    operational_control: {_yaml_bool(e.operational_control)}",
            f"    financial_control: {_yaml_bool(e.financial_control)}",
            f"    parent: {e.parent_id or 'null'}",
            f"    country: {e.country}",
        ]
    lines.append("sites:")
    for p in SITES:
        s = p.site
        lines += [
            f"  - id: {s.id}",
            f"    name: {s.name}",
            f"    entity: {s.entity_id}",
            f"    region: {s.region}",
            f"    kind: {s.kind}",
        ]
    return "\n".join(lines) + "\n"
