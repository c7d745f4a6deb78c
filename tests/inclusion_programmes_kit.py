"""A workspace and fixtures for the carbon-inclusion programme tests (decision 0088), shared by
the service, API, web and CLI tests: an employee programme ``emp`` (10 points/kg, quiz 5 points,
metro capped at 50 a day), a school programme ``school`` with the class ``c1``, a partner ``zz``
allowed second-hand phones and metro trips."""

from __future__ import annotations

from pathlib import Path
from typing import Any

EMPLOYEE: dict[str, Any] = {
    "code": "emp",
    "name": "员工碳普惠",
    "audience": "employee",
    "region": "CN-GD",
    "started": "2022-06-01",
    "points_per_kg": 10,
    "engagement_points": {"learn.quiz": 5},
    "caps": {"travel.metro": {"per_day": 50, "per_month": 600}},
    "expiry_months": 24,
}
SCHOOL: dict[str, Any] = {
    "code": "school",
    "name": "八一乐碳圈",
    "audience": "school",
    "region": "CN-BJ",
    "started": "2024-09-01",
}
PARTNER: dict[str, Any] = {
    "code": "zz",
    "name": "转转",
    "allowed_actions": ["secondhand.phone", "travel.metro"],
    "rate_per_s": 20,
    "burst": 40,
}


def build_inclusion_workspace(folder: Path) -> Path:
    """A new workspace at ``folder``."""
    from lingtan.adapters.store.workspace import init_workspace

    init_workspace(folder, organisation="Inclusion Co", region="CN").engine.dispose()
    return folder
