"""The factor library: emission factors and factor sets (``/orgs/{org}/factors``,
``/orgs/{org}/factor-sets``)."""

from __future__ import annotations

from pydantic import BaseModel


class FactorPublic(BaseModel):
    """One emission-factor value [kg gas (or kg CO2e) per unit], dated and sourced."""

    factor_id: str
    set_name: str
    activity_type: str
    region: str
    unit: str
    gas: str
    value: float
    valid_from: str
    valid_to: str | None
    gwp_set: str | None
    version: str
    source: str
    description: str


class FactorGroupPublic(BaseModel):
    """The gases of one factor (same type, region, unit, validity start and set), its Chinese
    name and its kg CO2e per unit under the search's GWP set (None: a gas without GWP)."""

    activity_type: str
    name_zh: str | None = None
    region: str
    unit: str
    set_name: str
    valid_from: str
    valid_to: str | None = None
    co2e_per_unit: float | None = None
    factors: list[FactorPublic]


class FactorSearchPublic(BaseModel):
    """Factor groups matching every word of the query, best first: ``total_groups`` counts
    every match, ``groups`` is the page from ``offset`` (at most ``limit``)."""

    total_groups: int
    offset: int = 0
    limit: int = 30
    gwp_set: str = "AR5"
    gwp_source: str = ""
    standard_coal: bool = False
    groups: list[FactorGroupPublic]


class FactorSetPublic(BaseModel):
    """A factor set: bundled with lingtan, or the organisation's own."""

    name: str
    publisher: str
    dataset: str
    edition: str
    licence: str
    factors: int
    bundled: bool
