"""Entities and sites of the organisational boundary (GHG Protocol ch. 3; ISO 14064-1 §5.1).

The store holds them; every change is checked field by field (known entity, ownership 0–100 %,
ISO 3166 region, unique id; :class:`SetupError` names the field and the catalogue key of the
reason) and then as a whole boundary (the same rules as ``lingtan.yaml``: known parents and
entities) before it commits, and is then written into the workspace's ``lingtan.yaml`` (a
temporary file renamed into place), which calculations read. Entities and sites are audited
rows: the audit log names the caller (``Context.actor``). Changing them needs ``edit_data``.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context, TenantContext, get_or_404
from lingtan.adapters.services.errors import Kind, ServiceError
from lingtan.adapters.store.bootstrap import check_boundary, write_boundary
from lingtan.adapters.store.models import Entity, Site
from lingtan.core.errors import WorkspaceError

#: an id in lingtan.yaml and in the activity files
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
#: what a site's kind may be (``factory``, ``office``, ``warehouse`` …)
KIND_RE = re.compile(r"^[a-z_]{1,30}$")
_LINE_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]{1,200}$")
_REGION_RE = re.compile(r"^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$")
_GRID_RE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,12}){2}$")
#: ISO 3166-2:CN subdivisions (the 2017 two-letter codes: provinces, autonomous regions,
#: municipalities, special administrative regions)
_CN_CODES = (
    "AH BJ CQ FJ GD GS GX GZ HA HB HE HI HK HL HN JL JS JX LN MO NM NX QH SC SD SH SN SX TJ TW "
    "XJ XZ YN ZJ"
)
CN_SUBDIVISIONS = frozenset(_CN_CODES.split())


class SetupError(ServiceError):
    """A refused change of the organisation's set-up (boundary, exchange rates, own factor sets):
    besides the English ``message`` (API, CLI) it carries ``key``, the catalogue key of the
    reason (``setup.err.*``), and ``params``, so that a web form shows it in the user's
    language beside ``field``."""

    def __init__(
        self, kind: Kind, key: str, message: str, field: str | None = None, **params: Any
    ) -> None:
        super().__init__(kind, kind, message, field)
        self.key = key
        self.params = params


def setup_invalid(key: str, message: str, field: str | None = None, **params: Any) -> SetupError:
    """422: ``field`` is invalid (``key`` is its catalogue key)."""
    return SetupError("invalid", key, message, field, **params)


def setup_conflict(key: str, message: str, field: str | None = None, **params: Any) -> SetupError:
    """409: the change contradicts stored data (duplicate id, still in use)."""
    return SetupError("conflict", key, message, field, **params)


#: CLDR territories that are no ISO 3166-1 country (unknown region, EU, euro area, UN …)
_NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO"})


@cache
def _countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (Babel's CLDR territories, regions like ``001`` left out)."""
    from babel import Locale

    return frozenset(
        str(k)
        for k in Locale.parse("en").territories
        if re.fullmatch(r"[A-Z]{2}", str(k)) and str(k) not in _NOT_COUNTRIES
    )


def valid_country(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 country code (``CN``, ``GB``)."""
    return code in _countries()


@cache
def grid_regions() -> frozenset[str]:
    """Regions of the bundled factor library below a country that are not ISO 3166-2 codes:
    electricity grids (``CN-GRID-EAST``, ``US-EGRID-CAMX``), which a site may name as its
    region to get that grid's factors."""
    from lingtan.adapters.services.factors import library_factors

    factors, _sets = library_factors(None)
    return frozenset(
        f.region.upper() for f in factors if f.region.count("-") >= 2 and "GRID" in f.region
    )


def valid_region(code: str) -> bool:
    """True for an ISO 3166-1 country (``CN``), an ISO 3166-2 subdivision of one (``CN-TJ``;
    Chinese subdivisions checked against :data:`CN_SUBDIVISIONS`) or an electricity grid of the
    factor library (``CN-GRID-EAST``, ``US-EGRID-CAMX``: :func:`grid_regions`)."""
    m = _REGION_RE.match(code)
    if m is None:
        return bool(_GRID_RE.match(code)) and code in grid_regions()
    if not valid_country(m.group(1)):
        return False
    sub = m.group(2)
    return sub is None or m.group(1) != "CN" or sub in CN_SUBDIVISIONS


def _text(fields: dict[str, Any], key: str, field: str) -> None:
    value = fields.get(key)
    if not isinstance(value, str) or not _LINE_RE.match(value.strip()):
        raise setup_invalid("setup.err.name", f"{field}: 1 to 200 characters, one line", field)
    fields[key] = value.strip()


def _check_code(fields: dict[str, Any]) -> None:
    code = fields.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise setup_invalid(
            "setup.err.code", "code: letters, digits, '.', '_' or '-', at most 60", "code"
        )


def _check_entity_fields(db: Session, fields: dict[str, Any], own_code: str) -> None:
    """Check (and normalise in place) the entity fields given."""
    if "name" in fields:
        _text(fields, "name", "name")
    if "ownership_pct" in fields:
        pct = fields["ownership_pct"]
        if not isinstance(pct, int | float) or not math.isfinite(pct) or not 0 <= pct <= 100:
            raise setup_invalid(
                "setup.err.ownership", "ownership_pct: a share from 0 to 100 %", "ownership_pct"
            )
        fields["ownership_pct"] = float(pct)
    for flag in ("operational_control", "financial_control"):
        if flag in fields and not isinstance(fields[flag], bool):
            raise setup_invalid("setup.err.flag", f"{flag}: true or false", flag)
    if "country" in fields:
        country = str(fields["country"] or "").strip().upper()
        if country and not valid_country(country):
            raise setup_invalid(
                "setup.err.country",
                f"country: {country!r} is not an ISO 3166-1 code (CN, GB …)",
                "country",
                value=country,
            )
        fields["country"] = country
    if "parent_code" in fields:
        parent = fields["parent_code"] or None
        if parent is not None:
            if parent == own_code:
                raise setup_invalid(
                    "setup.err.parent_self", "parent_code: an entity is not its own parent",
                    "parent_code",
                )  # fmt: skip
            if db.scalar(select(Entity.id).where(Entity.code == parent)) is None:
                raise setup_invalid(
                    "setup.err.unknown_parent",
                    f"parent_code: unknown entity {parent!r}",
                    "parent_code",
                    value=parent,
                )
        fields["parent_code"] = parent


def _check_site_fields(db: Session, fields: dict[str, Any]) -> None:
    """Check (and normalise in place) the site fields given."""
    if "name" in fields:
        _text(fields, "name", "name")
    if "entity_code" in fields:
        code = fields["entity_code"]
        if not code or db.scalar(select(Entity.id).where(Entity.code == code)) is None:
            raise setup_invalid(
                "setup.err.unknown_entity",
                f"entity_code: unknown entity {code!r}",
                "entity_code",
                value=code or "",
            )
    if "region" in fields:
        region = str(fields["region"] or "").strip().upper()
        if not valid_region(region):
            raise setup_invalid(
                "setup.err.region",
                f"region: {region!r} is not an ISO 3166-2 region (CN-TJ), a country (CN) or a grid",
                "region",
                value=region,
            )
        fields["region"] = region
    if "kind" in fields:
        kind = str(fields["kind"] or "site").strip().lower()
        if not KIND_RE.match(kind):
            raise setup_invalid(
                "setup.err.kind", "kind: lower-case letters and '_' (factory, office)", "kind"
            )
        fields["kind"] = kind


def _commit_boundary(db: Session, tenant: Context) -> None:
    """Validate the changed boundary, commit, write lingtan.yaml (temporary file, rename)."""
    ws_path = tenant.workspace().path
    db.flush()
    try:
        check_boundary(db, ws_path)
    except WorkspaceError as exc:
        db.rollback()
        raise setup_invalid("setup.err.boundary", str(exc), detail=str(exc)) from exc
    db.commit()
    write_boundary(db, ws_path)


def calculated_years(ctx: Context) -> list[str]:
    """The fiscal years with a stored calculation, oldest first: after a change of the
    boundary, the exchange rates or the organisation's factor sets they need recalculating."""
    return sorted({s.fiscal_year for s in ctx.workspace().snapshots()})


def consolidation(db: Session, tenant: TenantContext) -> str:
    """The boundary's consolidation approach (``operational_control``, ``financial_control``
    or ``equity_share``; GHG Protocol ch. 3), from the workspace's ``lingtan.yaml``."""
    del db
    return str(tenant.workspace().config.boundary.consolidation.value)


def list_entities(db: Session, tenant: Context) -> list[Entity]:
    """The organisation's legal entities, by code."""
    del tenant  # the session is scoped to it
    return list(db.scalars(select(Entity).order_by(Entity.code)))


def get_entity(db: Session, tenant: Context, entity_id: int) -> Entity:
    """One entity of the organisation.

    Raises:
        ServiceError: 404.
    """
    del tenant
    return get_or_404(db, Entity, entity_id, f"entity {entity_id}")


def create_entity(db: Session, tenant: Context, fields: dict[str, Any]) -> Entity:
    """Add a legal entity: ``code``, ``name``, ``ownership_pct`` [%, 0–100, held by the parent
    or the organisation], ``operational_control``, ``financial_control``, ``parent_code``,
    ``country`` (ISO 3166-1).

    Raises:
        ServiceError: 403 without ``edit_data``; 409 code taken; 422 a field is invalid or the
            boundary would be inconsistent (:class:`SetupError`, the field named).
    """
    tenant.require("edit_data")
    fields = {
        "ownership_pct": 100.0, "operational_control": True, "financial_control": True,
        "parent_code": None, "country": "", **fields,
    }  # fmt: skip
    _check_code(fields)
    if db.scalar(select(Entity).where(Entity.code == fields["code"])) is not None:
        raise setup_conflict(
            "setup.err.duplicate",
            f"entity {fields['code']!r} exists already",
            "code",
            value=fields["code"],
        )
    _check_entity_fields(db, fields, fields["code"])
    ent = Entity(**fields)
    db.add(ent)
    _commit_boundary(db, tenant)
    return ent


def update_entity(db: Session, tenant: Context, entity_id: int, fields: dict[str, Any]) -> Entity:
    """Change an entity's fields (those given; the code stays).

    Raises:
        ServiceError: 403, 404, 422 as :func:`create_entity`.
    """
    tenant.require("edit_data")
    ent = get_entity(db, tenant, entity_id)
    fields = {k: v for k, v in fields.items() if k != "code"}
    _check_entity_fields(db, fields, ent.code)
    for k, v in fields.items():
        setattr(ent, k, v)
    _commit_boundary(db, tenant)
    return ent


def delete_entity(db: Session, tenant: Context, entity_id: int) -> None:
    """Remove an entity that has no sites and no child entities.

    Raises:
        ServiceError: 403; 404; 409 when it is still used (its sites or child entities named).
    """
    tenant.require("edit_data")
    ent = get_entity(db, tenant, entity_id)
    sites = list(db.scalars(select(Site.code).where(Site.entity_code == ent.code)))
    if sites:
        raise setup_conflict(
            "setup.err.entity_has_sites",
            f"entity {ent.code} still has sites: {', '.join(sites)}",
            value=ent.code,
            sites=", ".join(sites),
        )
    children = list(db.scalars(select(Entity.code).where(Entity.parent_code == ent.code)))
    if children:
        raise setup_conflict(
            "setup.err.entity_is_parent",
            f"entity {ent.code} is the parent of {', '.join(children)}",
            value=ent.code,
            entities=", ".join(children),
        )
    db.delete(ent)
    _commit_boundary(db, tenant)


def list_sites(db: Session, tenant: Context) -> list[Site]:
    """The organisation's sites, by code."""
    del tenant
    return list(db.scalars(select(Site).order_by(Site.code)))


def get_site(db: Session, tenant: Context, site_id: int) -> Site:
    """One site of the organisation.

    Raises:
        ServiceError: 404.
    """
    del tenant
    return get_or_404(db, Site, site_id, f"site {site_id}")


def create_site(db: Session, tenant: Context, fields: dict[str, Any]) -> Site:
    """Add a site: ``code``, ``name``, ``entity_code`` (an entity of the boundary), ``region``
    (ISO 3166-2 ``CN-TJ`` or country ``CN``: it selects the regional grid factors), ``kind``.

    Raises:
        ServiceError: 403; 409 code taken; 422 unknown entity, bad region (:class:`SetupError`).
    """
    tenant.require("edit_data")
    fields = {"kind": "site", **fields}
    _check_code(fields)
    if db.scalar(select(Site).where(Site.code == fields["code"])) is not None:
        raise setup_conflict(
            "setup.err.duplicate",
            f"site {fields['code']!r} exists already",
            "code",
            value=fields["code"],
        )
    _check_site_fields(db, fields)
    site = Site(**fields)
    db.add(site)
    _commit_boundary(db, tenant)
    return site


def update_site(db: Session, tenant: Context, site_id: int, fields: dict[str, Any]) -> Site:
    """Change a site's fields (those given; the code stays: imported rows name it).

    Raises:
        ServiceError: 403, 404, 422 as :func:`create_site`.
    """
    tenant.require("edit_data")
    site = get_site(db, tenant, site_id)
    fields = {k: v for k, v in fields.items() if k != "code"}
    _check_site_fields(db, fields)
    for k, v in fields.items():
        setattr(site, k, v)
    _commit_boundary(db, tenant)
    return site


def batches_using_site(ctx: Context, code: str) -> list[tuple[str, str]]:
    """``(batch id, file name)`` of the active import batches with rows at site ``code`` (read
    from each batch's small key dictionary, else its activity rows, and its instruments)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from lingtan.core.activities import keys_path

    ws = ctx.workspace()
    found: list[tuple[str, str]] = []
    for b in ws.batches():
        files = []
        if b.activities_file:
            act = ws.batches_dir / b.activities_file
            files.append(keys_path(act) if keys_path(act).exists() else act)
        if b.instruments_file:
            files.append(ws.batches_dir / b.instruments_file)
        for path in files:
            if not path.exists():
                continue
            if "site" not in pq.read_schema(path).names:
                continue
            col = pq.read_table(path, columns=["site"]).column("site")
            if pc.any(pc.equal(col, code)).as_py():
                found.append((b.id, b.file_name))
                break
    return found


def delete_site(db: Session, tenant: Context, site_id: int) -> None:
    """Remove a site that no imported rows name.

    Raises:
        ServiceError: 403; 404; 409 naming the batches (file and id) whose rows are at the site
            (supersede or correct them first).
    """
    tenant.require("edit_data")
    site = get_site(db, tenant, site_id)
    using = batches_using_site(tenant, site.code)
    if using:
        listed = ", ".join(f"{name} ({bid[:12]})" for bid, name in using)
        raise setup_conflict(
            "setup.err.site_in_use",
            f"site {site.code} is named by imported rows of {listed}",
            value=site.code,
            batches=listed,
        )
    db.delete(site)
    _commit_boundary(db, tenant)
