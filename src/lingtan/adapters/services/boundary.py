"""Entities and sites of the organisational boundary (GHG Protocol ch. 3; ISO 14064-1 §5.1).

The store holds them; every change is checked as a whole boundary (the same rules as
``lingtan.yaml``: known parents and entities, ownership 0–100 %, regions) before it commits,
and then written into the workspace's ``lingtan.yaml``, which calculations read.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import TenantContext, get_or_404
from lingtan.adapters.services.errors import conflict, invalid
from lingtan.adapters.store.bootstrap import check_boundary, write_boundary
from lingtan.adapters.store.models import Entity, Site
from lingtan.core.errors import WorkspaceError


def _commit_boundary(db: Session, tenant: TenantContext) -> None:
    """Validate the changed boundary, commit, write lingtan.yaml."""
    ws_path = tenant.workspace().path
    db.flush()
    try:
        check_boundary(db, ws_path)
    except WorkspaceError as exc:
        db.rollback()
        raise invalid(str(exc)) from exc
    db.commit()
    write_boundary(db, ws_path)


def consolidation(db: Session, tenant: TenantContext) -> str:
    """The boundary's consolidation approach (``operational_control``, ``financial_control``
    or ``equity_share``; GHG Protocol ch. 3), from the workspace's ``lingtan.yaml``."""
    del db
    return str(tenant.workspace().config.boundary.consolidation.value)


def list_entities(db: Session, tenant: TenantContext) -> list[Entity]:
    """The organisation's legal entities, by code."""
    del tenant  # the session is scoped to it
    return list(db.scalars(select(Entity).order_by(Entity.code)))


def get_entity(db: Session, tenant: TenantContext, entity_id: int) -> Entity:
    """One entity of the organisation.

    Raises:
        ServiceError: 404.
    """
    del tenant
    return get_or_404(db, Entity, entity_id, f"entity {entity_id}")


def create_entity(db: Session, tenant: TenantContext, fields: dict[str, Any]) -> Entity:
    """Add a legal entity.

    Raises:
        ServiceError: 409 code taken; 422 the boundary would be inconsistent.
    """
    if db.scalar(select(Entity).where(Entity.code == fields["code"])) is not None:
        raise conflict(f"entity {fields['code']!r} exists already", "code")
    ent = Entity(**fields)
    db.add(ent)
    _commit_boundary(db, tenant)
    return ent


def update_entity(
    db: Session, tenant: TenantContext, entity_id: int, fields: dict[str, Any]
) -> Entity:
    """Change an entity's fields (those given)."""
    ent = get_entity(db, tenant, entity_id)
    for k, v in fields.items():
        setattr(ent, k, v)
    _commit_boundary(db, tenant)
    return ent


def delete_entity(db: Session, tenant: TenantContext, entity_id: int) -> None:
    """Remove an entity that has no sites and no child entities.

    Raises:
        ServiceError: 409 when it is still used.
    """
    ent = get_entity(db, tenant, entity_id)
    if db.scalar(select(Site.id).where(Site.entity_code == ent.code).limit(1)) is not None:
        raise conflict(f"entity {ent.code} still has sites")
    if db.scalar(select(Entity.id).where(Entity.parent_code == ent.code).limit(1)) is not None:
        raise conflict(f"entity {ent.code} is the parent of other entities")
    db.delete(ent)
    _commit_boundary(db, tenant)


def list_sites(db: Session, tenant: TenantContext) -> list[Site]:
    """The organisation's sites, by code."""
    del tenant
    return list(db.scalars(select(Site).order_by(Site.code)))


def get_site(db: Session, tenant: TenantContext, site_id: int) -> Site:
    """One site of the organisation.

    Raises:
        ServiceError: 404.
    """
    del tenant
    return get_or_404(db, Site, site_id, f"site {site_id}")


def _check_entity(db: Session, code: str) -> None:
    if db.scalar(select(Entity.id).where(Entity.code == code)) is None:
        raise invalid(f"unknown entity {code!r}", "entity_code")


def create_site(db: Session, tenant: TenantContext, fields: dict[str, Any]) -> Site:
    """Add a site to an entity.

    Raises:
        ServiceError: 409 code taken; 422 unknown entity.
    """
    if db.scalar(select(Site).where(Site.code == fields["code"])) is not None:
        raise conflict(f"site {fields['code']!r} exists already", "code")
    _check_entity(db, fields["entity_code"])
    site = Site(**{**fields, "region": fields["region"].upper()})
    db.add(site)
    _commit_boundary(db, tenant)
    return site


def update_site(db: Session, tenant: TenantContext, site_id: int, fields: dict[str, Any]) -> Site:
    """Change a site's fields (those given)."""
    site = get_site(db, tenant, site_id)
    if "entity_code" in fields:
        _check_entity(db, fields["entity_code"])
    if "region" in fields:
        fields = {**fields, "region": fields["region"].upper()}
    for k, v in fields.items():
        setattr(site, k, v)
    _commit_boundary(db, tenant)
    return site


def delete_site(db: Session, tenant: TenantContext, site_id: int) -> None:
    """Remove a site (its imported rows stay; they are reported at organisation level)."""
    site = get_site(db, tenant, site_id)
    db.delete(site)
    _commit_boundary(db, tenant)
