"""Schemas of the control tower (issue 19 item 6, decision 0101): what
:func:`lingtan.adapters.services.control_tower.tower` returns, typed."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel

TileStatus = Literal["ok", "attention", "alert", "not_available"]


class Figure(BaseModel):
    """A tile's headline figure: a number (null: not known) with its unit and the catalogue
    key of its label."""

    key: str
    label: str
    value: float | None
    unit: str


class Tile(BaseModel):
    """One module's tile: its status, headline figures, its page (path under ``/o/<org>/``),
    the reason it is not available (a ``tower.reason.*`` key) and module-specific detail."""

    key: str
    status: TileStatus
    figures: list[Figure]
    link: str
    reason: str | None
    detail: dict[str, Any]


class Alert(BaseModel):
    """Something overdue, missing or expiring: its text ``tower.alert.<kind>`` with
    ``subject`` and ``params``, the owner the record names (null: none), the due day."""

    kind: str
    severity: Literal["alert", "attention"]
    module: str
    subject: str
    owner: str | None
    due: dt.date | None
    link: str
    params: dict[str, Any]


class ForecastPublic(BaseModel):
    """The trend forecast of each yearly series [t CO2e] (ETS(A,A,N) with its prediction
    interval; FPP3 ch. 8) and the BAU driver forecast (GHG Protocol Mitigation Goal Standard
    ch. 8); ``status`` is the market-based total's (``ok``, ``not_enough_data``,
    ``not_available``)."""

    status: str
    level: float | None = None
    horizon: int | None = None
    reason: str | None = None
    error: str | None = None
    history: list[dict[str, Any]] = []
    series: dict[str, dict[str, Any]] = {}
    bau: dict[str, Any] = {}


class TowerPublic(BaseModel):
    """The control tower of a fiscal year: a tile per module (every module, in order), the
    alerts (alerts before attention), the forecast."""

    fiscal_year: str | None
    tiles: list[Tile]
    alerts: list[Alert]
    forecast: ForecastPublic
