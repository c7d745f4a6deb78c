"""Schemas of the carbon-inclusion programme report (issue 18 item 7, decision 0092): what
:func:`lingtan.adapters.services.inclusion_report.programme_report` returns, typed."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class ProgrammeHead(BaseModel):
    """The programme the report is of."""

    code: str
    name: str
    audience: str
    region: str
    status: str
    points_per_kg: float


class Period(BaseModel):
    """The report's period (both days included; ``null``: open)."""

    start: dt.date | None
    end: dt.date | None


class EventCount(BaseModel):
    """Events of one action in one status."""

    action: str
    status: str
    count: int


class KgByMethod(BaseModel):
    """kg CO2e of the accepted events quantified by one methodology pack version."""

    pack_id: str
    pack_version: str
    counts_as: str
    kg_co2e: float
    events: int


class Category7Row(BaseModel):
    """Accepted commuting in passenger-km of one site, mode and month (Scope 3 category 7)."""

    site: str
    mode: str
    month: str
    pkm: float
    events: int


class ReportPublic(BaseModel):
    """The programme report: participants, events, kg (reduction and avoided apart, never
    summed) [kg CO2e], points [points] (``points``: the ledger's all-time flows and the
    outstanding liability; ``points_in_period``: the flows posted in the period)."""

    programme: ProgrammeHead
    period: Period
    participants: int
    groups: int
    active_accounts: int
    events: list[EventCount]
    events_total: int
    kg_by_method: list[KgByMethod]
    kg_by_counts_as: dict[str, float]
    points: dict[str, int]
    points_in_period: dict[str, int]
    category7: list[Category7Row]
