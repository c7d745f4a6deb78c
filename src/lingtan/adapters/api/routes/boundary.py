"""``/orgs/{org}/entities`` and ``/orgs/{org}/sites``: the organisational boundary."""

from __future__ import annotations

from fastapi import APIRouter, status

from lingtan.adapters import services
from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, IdPath
from lingtan.adapters.api.schemas.boundary import (
    EntityCreate,
    EntityPublic,
    EntityUpdate,
    SiteCreate,
    SitePublic,
    SiteUpdate,
)

router = APIRouter(prefix="/orgs/{org}", tags=["boundary"])


@router.get("/entities", responses=READ_ERRORS)
def list_entities(db: DbDep, tenant: Reader) -> list[EntityPublic]:
    """Legal entities, by code."""
    return [EntityPublic.model_validate(e) for e in services.list_entities(db, tenant)]


@router.post("/entities", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_entity(body: EntityCreate, db: DbDep, tenant: Editor) -> EntityPublic:
    """Add a legal entity (checked with the whole boundary; written to lingtan.yaml)."""
    fields = body.model_dump()
    fields["country"] = fields["country"].upper()
    return EntityPublic.model_validate(services.create_entity(db, tenant, fields))


@router.get("/entities/{entity_id}", responses=READ_ERRORS)
def get_entity(entity_id: IdPath, db: DbDep, tenant: Reader) -> EntityPublic:
    """One entity."""
    return EntityPublic.model_validate(services.get_entity(db, tenant, entity_id))


@router.patch("/entities/{entity_id}", responses=WRITE_ERRORS)
def update_entity(entity_id: IdPath, body: EntityUpdate, db: DbDep, tenant: Editor) -> EntityPublic:
    """Change an entity (fields given)."""
    fields = body.model_dump(exclude_unset=True)
    if fields.get("country") is not None:
        fields["country"] = fields["country"].upper()
    fields = {k: v for k, v in fields.items() if v is not None or k == "parent_code"}
    return EntityPublic.model_validate(services.update_entity(db, tenant, entity_id, fields))


@router.delete(
    "/entities/{entity_id}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS
)
def delete_entity(entity_id: IdPath, db: DbDep, tenant: Editor) -> None:
    """Remove an entity without sites or child entities."""
    services.delete_entity(db, tenant, entity_id)


@router.get("/sites", responses=READ_ERRORS)
def list_sites(db: DbDep, tenant: Reader) -> list[SitePublic]:
    """Sites, by code."""
    return [SitePublic.model_validate(s) for s in services.list_sites(db, tenant)]


@router.post("/sites", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_site(body: SiteCreate, db: DbDep, tenant: Editor) -> SitePublic:
    """Add a site to an entity."""
    return SitePublic.model_validate(services.create_site(db, tenant, body.model_dump()))


@router.get("/sites/{site_id}", responses=READ_ERRORS)
def get_site(site_id: IdPath, db: DbDep, tenant: Reader) -> SitePublic:
    """One site."""
    return SitePublic.model_validate(services.get_site(db, tenant, site_id))


@router.patch("/sites/{site_id}", responses=WRITE_ERRORS)
def update_site(site_id: IdPath, body: SiteUpdate, db: DbDep, tenant: Editor) -> SitePublic:
    """Change a site (fields given)."""
    fields = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    return SitePublic.model_validate(services.update_site(db, tenant, site_id, fields))


@router.delete("/sites/{site_id}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
def delete_site(site_id: IdPath, db: DbDep, tenant: Editor) -> None:
    """Remove a site."""
    services.delete_site(db, tenant, site_id)
