"""Reading and validating ``lingtan.yaml`` (see docs/workspace.md).

Every problem names the file and the field, e.g. ``lingtan.yaml, sites[2].entity: unknown entity
'EEG-XX'``.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from lingtan.adapters.store.memo import Memo
from lingtan.core.boundary import Boundary, Consolidation, LegalEntity, Site
from lingtan.core.completeness import EXCLUSION_REASONS, Exclusion
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
    #: Scope 3 exclusions register (``exclusions:``; docs/completeness.md)
    exclusions: tuple[Exclusion, ...] = ()
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
        exclusions=parse_exclusions(data.get("exclusions"), source),
        raw=data,
    )


def parse_exclusions(data: Any, source: str = CONFIG_FILE) -> tuple[Exclusion, ...]:
    """The Scope 3 exclusions register of ``lingtan.yaml``::

        exclusions:
          - category: 8
            reason: size            # a relevance test of the Scope 3 Standard ch. 6
            note: no leased assets  # free text; required with reason ``other``

    Raises:
        WorkspaceError: naming the file, the entry and the field, e.g.
            ``lingtan.yaml, exclusions[1].reason: 'cheap' is not one of size, influence, …``.
    """
    if data is None:
        return ()
    if not isinstance(data, list):
        raise WorkspaceError(
            f"{source}, exclusions: expected a list of entries with category, reason and note"
        )
    out: list[Exclusion] = []
    seen: set[int] = set()
    for i, e in enumerate(data):
        where = f"{source}, exclusions[{i}]"
        if not isinstance(e, dict):
            raise WorkspaceError(f"{where}: expected a mapping with category, reason and note")
        unknown = sorted(set(map(str, e)) - {"category", "reason", "note"})
        if unknown:
            raise WorkspaceError(f"{where}: unknown field(s) {', '.join(unknown)}")
        cat = e.get("category")
        if isinstance(cat, bool) or not isinstance(cat, int) or not 1 <= cat <= 15:
            raise WorkspaceError(f"{where}.category: {cat!r} is not a Scope 3 category 1–15")
        if cat in seen:
            raise WorkspaceError(f"{where}.category: category {cat} is listed twice")
        seen.add(cat)
        reason = str(_req(e, "reason", where)).strip().lower().replace(" ", "_")
        if reason not in EXCLUSION_REASONS:
            raise WorkspaceError(
                f"{where}.reason: {e['reason']!r} is not one of {', '.join(EXCLUSION_REASONS)} "
                "(relevance tests, GHG Protocol Scope 3 Standard ch. 6)"
            )
        note = e.get("note")
        if note is not None and not isinstance(note, str):
            raise WorkspaceError(f"{where}.note: expected text")
        try:
            out.append(Exclusion(cat, reason, (note or "").strip()))
        except ValueError as exc:
            raise WorkspaceError(f"{where}.note: {exc}") from exc
    return tuple(out)


def read_config(workspace: Path) -> WorkspaceConfig:
    """Read ``lingtan.yaml`` of a workspace folder.

    Raises:
        WorkspaceError: the folder is not a workspace or the file is invalid.
    """
    path = workspace / CONFIG_FILE
    try:
        content = path.read_bytes() if path.is_file() else None
    except (FileNotFoundError, IsADirectoryError):  # removed meanwhile
        content = None
    if content is None:
        raise WorkspaceError(
            f"{workspace} is not a lingtan workspace (no {CONFIG_FILE}); run 'lingtan init'"
        )
    # parsed once per content (issue 14 item 5): reading and hashing the small file costs
    # ~0.07 ms, parsing it ~3 ms; a changed file has another hash, so a hit is never stale
    key = (str(path), hashlib.sha256(content).digest())
    hit = _PARSED.get(key)
    if hit is not None:  # ``raw`` is the one mutable part: each caller gets its own copy
        return replace(hit, raw=copy.deepcopy(hit.raw))
    try:
        text = content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise WorkspaceError(f"{path}: not valid YAML: {exc}") from exc
    config = parse_config(data, str(path))
    _PARSED.put(key, replace(config, raw=copy.deepcopy(config.raw)))
    return config


#: parsed configurations by (file, sha256 of its content), per process
_PARSED: Memo[tuple[str, bytes], WorkspaceConfig] = Memo(64)


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
