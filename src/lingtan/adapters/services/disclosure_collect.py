"""The edition collector: the scope of one fiscal year's edition and its sections, gathered once
from every section producer in :data:`~lingtan.modules.disclosure.document.SECTION_ORDER`
(issue 19 item 1; decision 0096).

:func:`edition_scope` decides what every producer reads — the newest inventory snapshot of the
year, the base year (``base_year`` of lingtan.yaml, else the earliest base year of the targets
file) with its adopted snapshot, the previous year's snapshot — so that all sections of one
edition speak of the same data. :func:`collect_sections` calls the producers in order; a
producer whose module or function is not installed gives an ``empty_section`` ("not available",
its facts missing), never an invented figure. :func:`collect_document` adds the narratives and
the pinned inputs (snapshot ids and content hashes) and returns the
:class:`~lingtan.modules.disclosure.document.EditionDocument` whose canonical SHA-256 is the
edition's id.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError, Kind, keyed_refusal
from lingtan.core.errors import PeriodError
from lingtan.core.hashing import canonical_sha256
from lingtan.core.messages import Message, msg
from lingtan.modules.disclosure.document import (
    SCHEMA,
    SECTION_ORDER,
    EditionDocument,
    EditionScope,
    Section,
    empty_section,
)
from lingtan.modules.disclosure.facts import facts_of

if TYPE_CHECKING:
    from lingtan.adapters.store.workspace import Workspace

_SERVICES = "lingtan.adapters.services"

#: section key → (module of lingtan.adapters.services, function, how it is called):
#: ``scope`` ``f(ctx, scope)``; ``sections`` ``f(sections)``; ``checks``
#: ``f(ctx, scope, sections)``; ``mapping`` ``f(sections, narratives, datapoints)``
PRODUCERS: dict[str, tuple[str, str, str]] = {
    "organisation": ("disclosure_ghg", "organisation_section", "scope"),
    "ghg_inventory": ("disclosure_ghg", "ghg_inventory_section", "scope"),
    "ghg_methods": ("disclosure_ghg", "ghg_methods_section", "scope"),
    "governance": ("disclosure_pillars", "governance_section", "scope"),
    "strategy": ("disclosure_pillars", "strategy_section", "scope"),
    "risk_management": ("disclosure_pillars", "risk_management_section", "scope"),
    "metrics_targets": ("disclosure_pillars", "metrics_targets_section", "scope"),
    "circularity": ("circularity", "circularity_section", "scope"),
    "checks": ("disclosure_checks", "checks_section", "checks"),
    "iso14064_checklist": ("disclosure_ghg", "iso14064_checklist_section", "sections"),
    "verification": ("disclosure_ghg", "verification_section", "scope"),
    "mapping": ("disclosure_mapping", "mapping_section", "mapping"),
    "lineage_appendix": ("disclosure_ghg", "lineage_appendix_section", "scope"),
}

#: the pillar of each pillar section (an empty section keeps it)
_PILLAR = {
    "governance": "governance",
    "strategy": "strategy",
    "risk_management": "risk_management",
    "metrics_targets": "metrics_targets",
}


class DisclosureEditionsError(KeyedError):
    """A refused edition request (build, restate, publish, compare, narratives): besides the
    English ``message`` it carries ``key`` (``disc_ed.err.*``) and ``params``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> DisclosureEditionsError:
    """A :class:`DisclosureEditionsError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(DisclosureEditionsError, kind, message, field)


# -- the scope -------------------------------------------------------------------------------------


def _org_slug(ctx: Context) -> str:
    """The organisation's slug (the server's tenant, or the workspace's organisation row)."""
    slug = getattr(ctx, "slug", None)
    if isinstance(slug, str) and slug:
        return slug
    from lingtan.adapters.store.tenancy import Organisation

    ws = ctx.workspace()
    with ws.session() as s:
        org = s.get(Organisation, ws.organisation_id)
        return str(org.slug) if org is not None else ws.path.name


def fiscal_year_label(ctx: Context, fiscal_year: str) -> str:
    """``fiscal_year`` as the workspace's calendar names it (``2023/24`` → ``FY2023/24``).

    Raises:
        DisclosureEditionsError: invalid — not a fiscal year of the workspace's calendar.
    """
    try:
        return ctx.workspace().config.period(str(fiscal_year)).label
    except PeriodError:
        raise refused(
            "invalid", msg("disc_ed.err.fiscal_year", value=str(fiscal_year)[:40]), "fiscal_year"
        ) from None


def _newest(ws: Workspace, label: str) -> str | None:
    snaps = ws.snapshots(label)
    return str(snaps[0].id) if snaps else None


def _targets_base_year(ctx: Context) -> str | None:
    """The earliest base year of the stored targets file (None: no file, no target, or a file
    that does not parse — the targets page says why)."""
    from lingtan.adapters.services.errors import ServiceError
    from lingtan.adapters.services.targets import parse_targets_text, targets_path

    path = targets_path(ctx)
    if not path.is_file():
        return None
    try:
        prog = parse_targets_text(path.read_text(encoding="utf-8", errors="replace"))
    except ServiceError:
        return None
    years = sorted({t.base_year for t in prog.targets})
    if not years:
        return None
    return ctx.workspace().config.calendar.year(years[0]).label


def _base_year_snapshot(ws: Workspace, label: str) -> str | None:
    """The snapshot of the newest adopted base-year version of ``label``, else the newest
    snapshot of that year (GHG Protocol ch. 5: the adopted version is the base year)."""
    from lingtan.adapters.compute.baseyear import versions

    adopted = [v for v in versions(ws) if v.fiscal_year == label]
    if adopted:
        return str(adopted[-1].snapshot_id)
    return _newest(ws, label)


def edition_scope(ctx: Context, fiscal_year: str) -> EditionScope:
    """The scope of ``fiscal_year``'s edition: the organisation, the period, the newest inventory
    snapshot of the year (None when none was calculated), the base year (lingtan.yaml's
    ``base_year``, else the earliest of the targets file) with its adopted snapshot, and the
    previous fiscal year's newest snapshot.

    Raises:
        DisclosureEditionsError: invalid fiscal year; forbidden without ``read``.
    """
    ctx.require("read")
    label = fiscal_year_label(ctx, fiscal_year)
    ws = ctx.workspace()
    cal = ws.config.calendar
    period = cal.parse(label)
    previous = cal.year(period.start.year - 1).label
    base_year = ws.config.base_year
    base_year = cal.parse(base_year).label if base_year else _targets_base_year(ctx)
    return EditionScope(
        org=_org_slug(ctx),
        organisation_name=ws.config.organisation,
        fiscal_year=label,
        period_start=period.start.isoformat(),
        period_end=period.end.isoformat(),
        snapshot_id=_newest(ws, label),
        base_year=base_year,
        base_year_snapshot_id=_base_year_snapshot(ws, base_year) if base_year else None,
        previous_snapshot_id=_newest(ws, previous),
    )


# -- the sections ----------------------------------------------------------------------------------


def optional_service(module: str, name: str) -> Callable[..., Any] | None:
    """``lingtan.adapters.services.<module>.<name>``, or None while that module or function is
    not installed (an import error of another module inside it is a fault and is raised)."""
    full = f"{_SERVICES}.{module}"
    try:
        found_module = importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name == full:
            return None
        raise
    found = getattr(found_module, name, None)
    return found if callable(found) else None


def _producer(key: str) -> Callable[..., Section] | None:
    """The producer of section ``key``, or None while its module or function is not installed
    (an import error of another module inside it is a fault and is raised)."""
    module_name, function, _ = PRODUCERS[key]
    return optional_service(module_name, function)


def not_available(key: str) -> Section:
    """The "not available" section of ``key`` (its producer not installed): its catalogue title
    ``disc_ed.section.<key>``, its facts missing."""
    return empty_section(key, f"disc_ed.section.{key}", _PILLAR.get(key), facts_of(key))


def narratives_of(ctx: Context) -> dict[str, dict[str, str]]:
    """The organisation's narratives: key → language → text (empty texts left out)."""
    from lingtan.adapters.services.disclosure_narratives import narratives_for

    return narratives_for(ctx)


def datapoints_of(ctx: Context, fiscal_year: str) -> dict[str, dict[str, Any]]:
    """The datapoints entered by hand for the year (H1's ``datapoints_for``; none while it is
    not installed)."""
    get = optional_service("disclosure_datapoints", "datapoints_for")
    return dict(get(ctx, fiscal_year)) if get is not None else {}


#: the order the kinds of producer run in: those that read the data first, then those that
#: read other sections (the checks; the ISO 14064-1 checklist, which must see the verification
#: section; the mapping, which reads every section's facts)
_RUN_ORDER = ("scope", "checks", "sections", "mapping")


def _collect(
    ctx: Context,
    scope: EditionScope,
    narratives: dict[str, dict[str, str]],
    datapoints: dict[str, Any],
) -> list[Section]:
    done: dict[str, Section] = {}

    def before() -> list[Section]:
        return [done[k] for k in SECTION_ORDER if k in done]

    def kind(key: str) -> str:
        how = PRODUCERS[key][2] if key in PRODUCERS else "scope"
        return how if how in _RUN_ORDER else "mapping"

    for stage in _RUN_ORDER:
        for key in SECTION_ORDER:
            if kind(key) != stage:
                continue
            produce = _producer(key)
            if produce is None:
                done[key] = not_available(key)
                continue
            if stage == "scope":
                section = produce(ctx, scope)
            elif stage == "sections":
                section = produce(before())
            elif stage == "checks":
                section = produce(ctx, scope, before())
            else:
                section = produce(before(), narratives, datapoints)
            if not isinstance(section, dict) or section.get("key") != key:
                got = section.get("key") if isinstance(section, dict) else type(section).__name__
                raise RuntimeError(f"the producer of section {key!r} returned section {got!r}")
            done[key] = with_narratives(section, narratives)
    return before()


def with_narratives(section: Section, narratives: dict[str, dict[str, str]]) -> Section:
    """``section`` showing every narrative entered for it: its producer's narrative keys, then
    the section's own key (``governance``) and its fields (``governance.<field>``) that have a
    text and that the producer did not list, sorted — so that no text entered is left out of
    the edition."""
    key = section["key"]
    listed = list(section["narratives"])
    extra = sorted(
        k for k in narratives
        if (k == key or k.startswith(f"{key}.")) and k not in listed and narratives[k]
    )  # fmt: skip
    if not extra:
        return section
    own = [k for k in extra if k == key]
    return {**section, "narratives": own + listed + [k for k in extra if k != key]}


def collect_sections(ctx: Context, fiscal_year: str) -> tuple[EditionScope, list[Section]]:
    """The scope of ``fiscal_year``'s edition and its sections in
    :data:`~lingtan.modules.disclosure.document.SECTION_ORDER`, each from its producer (a
    producer not installed: "not available", its facts missing). Reads only; nothing stored.

    Raises:
        DisclosureEditionsError: invalid fiscal year; forbidden without ``read``.
    """
    scope = edition_scope(ctx, fiscal_year)
    narratives = narratives_of(ctx)
    datapoints = datapoints_of(ctx, scope.fiscal_year)
    return scope, _collect(ctx, scope, narratives, datapoints)


def _file_sha256(ctx: Context, name: str) -> str | None:
    path = ctx.workspace().path / name
    if not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _verification(ctx: Context, scope: EditionScope) -> object | None:
    """The verification record of the year and snapshot (H4's ``record_for``; None while it is
    not installed or none was recorded)."""
    if scope.snapshot_id is None:
        return None
    get = optional_service("disclosure_verification", "record_for")
    return get(ctx, scope.fiscal_year, scope.snapshot_id) if get is not None else None


def pinned_inputs(
    ctx: Context,
    scope: EditionScope,
    sections: list[Section],
    narratives: dict[str, dict[str, str]],
    datapoints: dict[str, Any],
) -> dict[str, str]:
    """What an edition pins, by name → id or content hash: the snapshots (``snapshot:<FY>``,
    ``snapshot:base_year``, ``snapshot:previous``), the targets file (``targets``: its
    sha256), the narratives, datapoints and verification record (canonical SHA-256 of each, when
    there are any) and every section's content (``section:<key>``: the register state, KPIs,
    ledgers as the section states them)."""
    from lingtan.adapters.services.context import jsonable

    inputs: dict[str, str] = {}
    if scope.snapshot_id:
        inputs[f"snapshot:{scope.fiscal_year}"] = scope.snapshot_id
    if scope.base_year_snapshot_id:
        inputs["snapshot:base_year"] = scope.base_year_snapshot_id
    if scope.previous_snapshot_id:
        inputs["snapshot:previous"] = scope.previous_snapshot_id
    targets = _file_sha256(ctx, "targets.yaml")
    if targets:
        inputs["targets"] = targets
    if narratives:
        inputs["narratives"] = canonical_sha256(narratives)
    if datapoints:
        inputs["datapoints"] = canonical_sha256(jsonable(datapoints))
    record = _verification(ctx, scope)
    if record is not None:
        inputs["verification"] = canonical_sha256(jsonable(record))
    for section in sections:
        inputs[f"section:{section['key']}"] = canonical_sha256(section)
    return inputs


def collect_document(
    ctx: Context,
    fiscal_year: str,
    *,
    supersedes: str | None = None,
    reason: str | None = None,
) -> EditionDocument:
    """The edition document of ``fiscal_year`` as the data stand now: scope, sections, the
    narratives of the sections' keys, the pinned inputs; ``supersedes`` (an edition id) and
    ``reason`` (the user's words) make it a restatement (what changed is added by
    :func:`lingtan.adapters.services.disclosure_editions.build_edition`). Reads only.

    Raises:
        DisclosureEditionsError: invalid fiscal year; forbidden without ``read``.
    """
    scope = edition_scope(ctx, fiscal_year)
    narratives = narratives_of(ctx)
    datapoints = datapoints_of(ctx, scope.fiscal_year)
    sections = _collect(ctx, scope, narratives, datapoints)
    document: EditionDocument = {
        "schema": SCHEMA,
        "org": scope.org,
        "organisation_name": scope.organisation_name,
        "fiscal_year": scope.fiscal_year,
        "period_start": scope.period_start,
        "period_end": scope.period_end,
        "inputs": pinned_inputs(ctx, scope, sections, narratives, datapoints),
        "sections": sections,
        "narratives": narratives,
        "supersedes": supersedes,
        "restatement": None if supersedes is None else {"reason": reason or "", "changed": []},
    }
    return document
