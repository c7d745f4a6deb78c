"""Organisational boundary: organisation → legal entities → sites, and consolidation.

Standard: GHG Protocol Corporate Standard, chapter 3 ("Setting organizational boundaries");
ISO 14064-1:2018 §5.1. Three consolidation approaches:

- **operational control** — 100 % of the emissions of operations the company (or an entity it
  controls) has operational control over, 0 % otherwise;
- **financial control** — likewise with financial control;
- **equity share** — the company's economic interest: the product of ownership percentages along
  the chain of entities from the reporting company.

Entity ownership is stated relative to the entity's parent (``parent_id``; ``None`` = owned by the
reporting organisation directly), so a 60 %-owned subsidiary's 50 %-owned joint venture gives an
equity share of 30 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from lingtan.core.errors import BoundaryError

GLOBAL_REGION = "GLO"


class Consolidation(StrEnum):
    """Consolidation approach (GHG Protocol Corporate Standard ch. 3)."""

    OPERATIONAL_CONTROL = "operational_control"
    FINANCIAL_CONTROL = "financial_control"
    EQUITY_SHARE = "equity_share"


@dataclass(frozen=True)
class LegalEntity:
    """A company in the group.

    Attributes:
        id: stable key (e.g. ``"LNV-CN-TJ"``).
        name: display name.
        ownership_pct: share held by the parent [%], 0 < x ≤ 100.
        operational_control: the parent has operational control.
        financial_control: the parent has financial control.
        parent_id: owning entity, or None when owned by the organisation itself.
        country: ISO 3166-1 alpha-2.
    """

    id: str
    name: str
    ownership_pct: float = 100.0
    operational_control: bool = True
    financial_control: bool = True
    parent_id: str | None = None
    country: str = ""


@dataclass(frozen=True)
class Site:
    """A physical location whose activity is reported (factory, office, building, warehouse).

    Attributes:
        id: stable key.
        name: display name.
        entity_id: the legal entity operating the site.
        region: ISO 3166-2 region (``CN-TJ``) or country (``CN``); selects regional factors.
        kind: free text (``factory``, ``office``, ``building``, ``warehouse`` …).
    """

    id: str
    name: str
    entity_id: str
    region: str
    kind: str = "site"


@dataclass(frozen=True)
class Boundary:
    """The reporting organisation and its entities and sites."""

    organisation: str
    entities: tuple[LegalEntity, ...] = ()
    sites: tuple[Site, ...] = ()
    consolidation: Consolidation = Consolidation.OPERATIONAL_CONTROL
    _by_id: dict[str, LegalEntity] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        by_id: dict[str, LegalEntity] = {}
        for e in self.entities:
            if e.id in by_id:
                raise BoundaryError(f"entity {e.id!r} is defined twice")
            if not 0.0 < e.ownership_pct <= 100.0:
                raise BoundaryError(
                    f"entity {e.id!r}: ownership must be in (0, 100] %, got {e.ownership_pct}"
                )
            by_id[e.id] = e
        for e in self.entities:
            if e.parent_id is not None and e.parent_id not in by_id:
                raise BoundaryError(f"entity {e.id!r}: unknown parent {e.parent_id!r}")
        seen_sites: set[str] = set()
        for s in self.sites:
            if s.id in seen_sites:
                raise BoundaryError(f"site {s.id!r} is defined twice")
            seen_sites.add(s.id)
            if s.entity_id not in by_id:
                raise BoundaryError(f"site {s.id!r}: unknown entity {s.entity_id!r}")
        object.__setattr__(self, "_by_id", by_id)
        for e in self.entities:
            self._chain(e.id)  # raises on cycles

    def _chain(self, entity_id: str) -> list[LegalEntity]:
        chain: list[LegalEntity] = []
        seen: set[str] = set()
        current: str | None = entity_id
        while current is not None:
            if current in seen:
                raise BoundaryError(f"entity ownership cycle through {current!r}")
            seen.add(current)
            ent = self._by_id[current]
            chain.append(ent)
            current = ent.parent_id
        return chain

    def entity_share(self, entity_id: str, approach: Consolidation | None = None) -> float:
        """Fraction (0…1) of an entity's emissions the organisation reports under ``approach``."""
        if entity_id not in self._by_id:
            raise BoundaryError(f"unknown entity {entity_id!r}")
        how = approach or self.consolidation
        chain = self._chain(entity_id)
        if how is Consolidation.EQUITY_SHARE:
            share = 1.0
            for e in chain:
                share *= e.ownership_pct / 100.0
            return share
        flag = (
            "operational_control"
            if how is Consolidation.OPERATIONAL_CONTROL
            else ("financial_control")
        )
        return 1.0 if all(getattr(e, flag) for e in chain) else 0.0

    def site_shares(self, approach: Consolidation | None = None) -> dict[str, float]:
        """Site id → fraction of its emissions included under ``approach``."""
        return {s.id: self.entity_share(s.entity_id, approach) for s in self.sites}

    def site(self, site_id: str) -> Site:
        """The site with ``site_id``."""
        for s in self.sites:
            if s.id == site_id:
                return s
        raise BoundaryError(f"unknown site {site_id!r}")


#: China's regional power grids (电网区域) as used by the MEE/NBS electricity CO2 emission factors.
#: ISO 3166-2:CN defines no code for them; these codes are lingtan's (decision 0028), the same as
#: in ``shared/data/china-mee-grid-factors``. Code → (name zh, name en).
CN_GRIDS: dict[str, tuple[str, str]] = {
    "CN-GRID-NORTH": ("华北", "North China grid"),
    "CN-GRID-NORTHEAST": ("东北", "Northeast China grid"),
    "CN-GRID-EAST": ("华东", "East China grid"),
    "CN-GRID-CENTRAL": ("华中", "Central China grid"),
    "CN-GRID-NORTHWEST": ("西北", "Northwest China grid"),
    "CN-GRID-SOUTH": ("南方", "China Southern grid"),
    "CN-GRID-SOUTHWEST": ("西南", "Southwest China grid"),
}

#: Province (ISO 3166-2:CN) → its regional grid, per the MEE/NBS 2021 calculation notes
#: (annex 2, table 1): 华北 京津冀晋鲁蒙(西); 东北 辽吉黑(蒙东); 华东 沪苏浙皖闽;
#: 华中 赣豫鄂湘; 南方 粤桂琼黔滇; 西南 渝川; 西北 陕甘青宁新.
#: Inner Mongolia (CN-NM) is split by prefecture in the notes (Hulunbuir, Hinggan, Tongliao,
#: Chifeng → Northeast); the province code maps to North (the larger part): a site in the
#: eastern prefectures states ``CN-GRID-NORTHEAST``. Tibet (CN-XZ) is in no table of the
#: notice; it maps to the Southwest grid it is interconnected with (川藏联网). Hong Kong, Macao
#: and Taiwan are not in the mainland grid: their chain goes to their own ISO 3166-1 code.
CN_PROVINCE_GRID: dict[str, str] = {
    **dict.fromkeys(("CN-BJ", "CN-TJ", "CN-HE", "CN-SX", "CN-SD", "CN-NM"), "CN-GRID-NORTH"),
    **dict.fromkeys(("CN-LN", "CN-JL", "CN-HL"), "CN-GRID-NORTHEAST"),
    **dict.fromkeys(("CN-SH", "CN-JS", "CN-ZJ", "CN-AH", "CN-FJ"), "CN-GRID-EAST"),
    **dict.fromkeys(("CN-JX", "CN-HA", "CN-HB", "CN-HN"), "CN-GRID-CENTRAL"),
    **dict.fromkeys(("CN-GD", "CN-GX", "CN-HI", "CN-GZ", "CN-YN"), "CN-GRID-SOUTH"),
    **dict.fromkeys(("CN-CQ", "CN-SC", "CN-XZ"), "CN-GRID-SOUTHWEST"),
    **dict.fromkeys(("CN-SN", "CN-GS", "CN-QH", "CN-NX", "CN-XJ"), "CN-GRID-NORTHWEST"),
}

#: Region → parent where the parent is not the code minus its last ``-`` part.
REGION_PARENT: dict[str, str] = {
    **CN_PROVINCE_GRID,
    **dict.fromkeys(CN_GRIDS, "CN"),
    "CN-HK": "HK",
    "CN-MO": "MO",
    "CN-TW": "TW",
}


def region_parent(region: str) -> str | None:
    """The next region up (upper case), ``None`` at a country code (whose parent is GLO)."""
    code = region.strip().upper()
    if code in REGION_PARENT:
        return REGION_PARENT[code]
    return code.rsplit("-", 1)[0] if "-" in code else None


def region_chain(region: str) -> list[str]:
    """Regions to try, most specific first, ending with the global region.

    ``CN-JS`` → ``[CN-JS, CN-GRID-EAST, CN, GLO]`` (province → regional grid → country, per
    :data:`CN_PROVINCE_GRID`); ``DE-BY`` → ``[DE-BY, DE, GLO]``;
    ``US-EGRID-CAMX`` → ``[US-EGRID-CAMX, US-EGRID, US, GLO]``; ``CN-HK`` → ``[CN-HK, HK, GLO]``.
    """
    code = region.strip().upper()
    if not code or code == GLOBAL_REGION:
        return [GLOBAL_REGION]
    chain: list[str] = []
    current: str | None = code
    while current is not None and current not in chain:
        chain.append(current)
        current = region_parent(current)
    return [*chain, GLOBAL_REGION]


def all_regions(regions: Iterable[str]) -> list[str]:
    """Every region named or implied (ancestors included), sorted."""
    out: set[str] = set()
    for r in regions:
        out.update(region_chain(r))
    return sorted(out)
