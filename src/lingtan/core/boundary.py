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


def region_chain(region: str) -> list[str]:
    """Regions to try, most specific first, ending with the global region.

    ``CN-TJ`` → ``[CN-TJ, CN, GLO]``; ``US-EGRID-CAMX`` → ``[US-EGRID-CAMX, US-EGRID, US, GLO]``.
    """
    code = region.strip().upper()
    if not code or code == GLOBAL_REGION:
        return [GLOBAL_REGION]
    parts = code.split("-")
    chain = ["-".join(parts[:i]) for i in range(len(parts), 0, -1)]
    return [*chain, GLOBAL_REGION]


def all_regions(regions: Iterable[str]) -> list[str]:
    """Every region named or implied (ancestors included), sorted."""
    out: set[str] = set()
    for r in regions:
        out.update(region_chain(r))
    return sorted(out)
