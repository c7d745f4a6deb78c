"""Reading and validating ``lingtan.yaml`` (see docs/workspace.md).

Every problem names the file and the field, e.g. ``lingtan.yaml, sites[2].entity: unknown entity
'EEG-XX'``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lingtan.core.boundary import Boundary, Consolidation, LegalEntity, Site
from lingtan.core.errors import BoundaryError, PeriodError, WorkspaceError
from lingtan.core.periods import FiscalCalendar, Period

CONFIG_FILE = "lingtan.yaml"
GWP_SETS = ("AR4", "AR5", "AR6")


@dataclass(frozen=True)
class WorkspaceConfig:
    """The settings of one workspace."""

    organisation: str
    region: str
    calendar: FiscalCalendar
    boundary: Boundary
    gwp_set: str = "AR5"
    base_year: str | None = None
    factor_sets: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def consolidation(self) -> Consolidation:
        """The consolidation approach of the boundary."""
        return self.boundary.consolidation

    def period(self, label: str) -> Period:
        """The fiscal year named ``label`` under this workspace's calendar."""
        return self.calendar.parse(label)

    def site_regions(self) -> dict[str, str]:
        """Site id → region."""
        return {s.id: s.region for s in self.boundary.sites}


def _req(d: dict[str, Any], key: str, where: str) -> Any:
    if key not in d or d[key] in (None, ""):
        raise WorkspaceError(f"{where}.{key}: required")
    return d[key]


def parse_config(data: Any, source: str = CONFIG_FILE) -> WorkspaceConfig:
    """Validate a parsed YAML document into a :class:`WorkspaceConfig`.

    Raises:
        WorkspaceError: naming ``source`` and the offending field.
    """
    if not isinstance(data, dict):
        raise WorkspaceError(f"{source}: expected a mapping at the top level")
    try:
        month = int(data.get("fiscal_year_start_month", 4))
        calendar = FiscalCalendar(month)
    except (ValueError, PeriodError) as exc:
        raise WorkspaceError(f"{source}, fiscal_year_start_month: {exc}") from exc
    try:
        consolidation = Consolidation(data.get("consolidation", "operational_control"))
    except ValueError as exc:
        choices = ", ".join(c.value for c in Consolidation)
        raise WorkspaceError(f"{source}, consolidation: must be one of {choices}") from exc
    gwp = str(data.get("gwp_set", "AR5")).upper()
    if gwp not in GWP_SETS:
        raise WorkspaceError(f"{source}, gwp_set: must be one of {', '.join(GWP_SETS)}")
    entities = []
    for i, e in enumerate(data.get("entities") or []):
        where = f"{source}, entities[{i}]"
        if not isinstance(e, dict):
            raise WorkspaceError(f"{where}: expected a mapping")
        try:
            entities.append(
                LegalEntity(
                    id=str(_req(e, "id", where)),
                    name=str(e.get("name", e["id"])),
                    ownership_pct=float(e.get("ownership_pct", 100.0)),
                    operational_control=bool(e.get("operational_control", True)),
                    financial_control=bool(e.get("financial_control", True)),
                    parent_id=(str(e["parent"]) if e.get("parent") else None),
                    country=str(e.get("country", "")),
                )
            )
        except (TypeError, ValueError) as exc:
            raise WorkspaceError(f"{where}: {exc}") from exc
    sites = []
    for i, s in enumerate(data.get("sites") or []):
        where = f"{source}, sites[{i}]"
        if not isinstance(s, dict):
            raise WorkspaceError(f"{where}: expected a mapping")
        sites.append(
            Site(
                id=str(_req(s, "id", where)),
                name=str(s.get("name", s["id"])),
                entity_id=str(_req(s, "entity", where)),
                region=str(_req(s, "region", where)).upper(),
                kind=str(s.get("kind", "site")),
            )
        )
    try:
        boundary = Boundary(
            organisation=str(_req(data, "organisation", source)),
            entities=tuple(entities),
            sites=tuple(sites),
            consolidation=consolidation,
        )
    except BoundaryError as exc:
        raise WorkspaceError(f"{source}: {exc}") from exc
    base_year = data.get("base_year")
    if base_year:
        try:
            calendar.parse(str(base_year))
        except PeriodError as exc:
            raise WorkspaceError(f"{source}, base_year: {exc}") from exc
    sets = data.get("factor_sets") or []
    if not isinstance(sets, list):
        raise WorkspaceError(f"{source}, factor_sets: expected a list of set names")
    return WorkspaceConfig(
        organisation=boundary.organisation,
        region=str(data.get("region", "GLO")).upper(),
        calendar=calendar,
        boundary=boundary,
        gwp_set=gwp,
        base_year=str(base_year) if base_year else None,
        factor_sets=tuple(str(s) for s in sets),
        raw=data,
    )


def read_config(workspace: Path) -> WorkspaceConfig:
    """Read ``lingtan.yaml`` of a workspace folder.

    Raises:
        WorkspaceError: the folder is not a workspace or the file is invalid.
    """
    path = workspace / CONFIG_FILE
    if not path.is_file():
        raise WorkspaceError(
            f"{workspace} is not a lingtan workspace (no {CONFIG_FILE}); run 'lingtan init'"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise WorkspaceError(f"{path}: not valid YAML: {exc}") from exc
    return parse_config(data, str(path))


DEFAULT_CONFIG = """\
# lingtan workspace configuration — see docs/workspace.md
organisation: {organisation}
region: {region}                       # default region of organisation-level rows
fiscal_year_start_month: {start_month}  # 4 → FY2023/24 = 2023-04-01 … 2024-03-31
consolidation: operational_control     # operational_control | financial_control | equity_share
gwp_set: AR5                           # AR4 | AR5 | AR6
base_year: null                        # e.g. FY2018/19
factor_sets: [cn-grid, desnz-2025, epa-hub-2025, useeio-1.3]
entities:
  - id: MAIN
    name: {organisation}
    ownership_pct: 100
    operational_control: true
    financial_control: true
    parent: null
    country: {country}
sites:
  - id: HQ
    name: Headquarters
    entity: MAIN
    region: {region}
    kind: office
"""
