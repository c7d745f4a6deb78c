"""Creating organisations and users; registering an embedded workspace with a store.

- :func:`workspace_organisation`: the organisation of an embedded workspace (``lingtan`` on a
  folder), created on first open;
- :func:`adopt_workspace`: register an existing workspace folder (e.g. the demo's) as an
  organisation of a server's store, copying its store rows (batches, quarantine, snapshots,
  change records, base-year versions) when the folder had its own ``lingtan.db``;
- :func:`create_organisation`: a new organisation with a new workspace folder (server);
- :func:`create_user`: a user with memberships (admin CLI, demo).

``lingtan.yaml`` stays the workspace's configuration: its entities and sites are copied into the
store (:func:`sync_boundary`) and, when edited through the API, written back
(:func:`write_boundary`).
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lingtan.adapters.store.auth import hash_password
from lingtan.adapters.store.config import CONFIG_FILE, WorkspaceConfig, parse_config, read_config
from lingtan.adapters.store.models import (
    BaseYearVersion,
    ChangeRecord,
    Entity,
    ImportBatch,
    QuarantinedRow,
    Site,
    Snapshot,
)
from lingtan.adapters.store.scoping import (
    current_tenant,
    set_tenant,
    system_session,
    tenant_session,
)
from lingtan.adapters.store.tenancy import (
    Membership,
    Organisation,
    Role,
    User,
    normalise_email,
    organisation_by_slug,
    user_by_email,
)
from lingtan.core.errors import WorkspaceError

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,59}$"


def slugify(name: str) -> str:
    """A URL name for an organisation: lower-case ASCII letters, digits and hyphens."""
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].strip("-")
    return s or "org"


def unique_slug(db: Session, base: str) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is free."""
    slug, n = base, 1
    while organisation_by_slug(db, slug) is not None:
        n += 1
        suffix = f"-{n}"
        slug = base[: 60 - len(suffix)] + suffix
    return slug


def workspace_organisation(
    engine: Engine, root: Path, config: WorkspaceConfig, *, local_db: bool, actor: str
) -> int:
    """The id of the organisation whose workspace is ``root``, created on first open.

    In a workspace's own database (``local_db``) the single organisation there is the
    workspace's even if the folder moved. The boundary of ``lingtan.yaml`` is synchronised."""
    with system_session(engine, actor=actor) as db:
        org = db.scalar(select(Organisation).where(Organisation.workspace_path == str(root)))
        if org is None and local_db:
            orgs = list(db.scalars(select(Organisation).limit(2)))
            if len(orgs) == 1:
                org = orgs[0]
                org.workspace_path = str(root)
        if org is None:
            org = Organisation(
                slug=unique_slug(db, slugify(config.organisation)),
                name=config.organisation,
                workspace_path=str(root),
            )
            db.add(org)
        db.commit()
        org_id = int(org.id)
    with tenant_session(engine, org_id, actor=actor) as db:
        if sync_boundary(db, config):
            db.commit()
    return org_id


def _entity_fields(e: Any) -> dict[str, Any]:
    return {
        "name": e.name,
        "parent_code": e.parent_id,
        "ownership_pct": float(e.ownership_pct),
        "operational_control": bool(e.operational_control),
        "financial_control": bool(e.financial_control),
        "country": e.country or "",
    }


def _site_fields(s: Any) -> dict[str, Any]:
    return {"name": s.name, "entity_code": s.entity_id, "region": s.region, "kind": s.kind}


def sync_boundary(db: Session, config: WorkspaceConfig) -> bool:
    """Make the store's entities and sites those of ``config`` (in ``db``'s organisation);
    True when anything changed (the caller commits)."""
    if current_tenant(db) is None:
        raise WorkspaceError("sync_boundary needs an organisation-scoped session")
    changed = False
    entities = {e.code: e for e in db.scalars(select(Entity))}
    sites = {s.code: s for s in db.scalars(select(Site))}
    want_e = {e.id: _entity_fields(e) for e in config.boundary.entities}
    want_s = {s.id: _site_fields(s) for s in config.boundary.sites}
    for code, gone in sites.items():  # sites first: they reference entities
        if code not in want_s or want_s[code]["entity_code"] not in want_e:
            db.delete(gone)
            changed = True
    db.flush()
    for code, old in entities.items():
        if code not in want_e:
            db.delete(old)
            changed = True
    db.flush()
    for code, fields in want_e.items():
        changed |= _put(db, Entity, entities.get(code), code, fields)
    db.flush()
    for code, fields in want_s.items():
        site: Site | None = sites.get(code)
        if site is not None and (sa_inspect(site).deleted or sa_inspect(site).was_deleted):
            site = None
        changed |= _put(db, Site, site, code, fields)
    db.flush()
    return changed


def _put(
    db: Session,
    model: type[Entity] | type[Site],
    row: Entity | Site | None,
    code: str,
    fields: dict[str, Any],
) -> bool:
    """Add ``model(code=code, **fields)`` when ``row`` is None, else set the ``fields`` of
    ``row`` that differ; True when anything changed."""
    if row is None:
        db.add(model(code=code, **fields))
        return True
    if all(getattr(row, k) == v for k, v in fields.items()):
        return False
    for k, v in fields.items():
        setattr(row, k, v)
    return True


def boundary_document(db: Session) -> dict[str, Any]:
    """The ``entities`` and ``sites`` sections of ``lingtan.yaml`` from the store."""
    ents = list(db.scalars(select(Entity).order_by(Entity.code)))
    sites = list(db.scalars(select(Site).order_by(Site.code)))
    return {
        "entities": [
            {
                "id": e.code,
                "name": e.name,
                "ownership_pct": e.ownership_pct,
                "operational_control": e.operational_control,
                "financial_control": e.financial_control,
                "parent": e.parent_code,
                "country": e.country,
            }
            for e in ents
        ],
        "sites": [
            {
                "id": s.code,
                "name": s.name,
                "entity": s.entity_code,
                "region": s.region,
                "kind": s.kind,
            }
            for s in sites
        ],
    }


def check_boundary(db: Session, workspace: Path) -> WorkspaceConfig:
    """The workspace configuration with the store's entities and sites, validated.

    Raises:
        WorkspaceError: the boundary is inconsistent (naming the field).
    """
    raw = dict(read_config(workspace).raw)
    raw.update(boundary_document(db))
    return parse_config(raw, CONFIG_FILE)


def write_boundary(db: Session, workspace: Path) -> WorkspaceConfig:
    """Write the store's entities and sites into the workspace's ``lingtan.yaml`` (validated
    first; written aside and renamed into place). Returns the new configuration.

    Raises:
        WorkspaceError: the boundary is inconsistent; the file is not changed.
    """
    cfg = check_boundary(db, workspace)
    path = workspace / CONFIG_FILE
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(
        "# lingtan workspace configuration — see docs/workspace.md (entities and sites are\n"
        "# managed by the lingtan server)\n"
        + yaml.safe_dump(dict(cfg.raw), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    os.replace(tmp, path)
    return cfg


def create_organisation(
    db: Session,
    *,
    slug: str,
    name: str,
    data_dir: Path,
    region: str = "CN",
    start_month: int = 4,
) -> Organisation:
    """A new organisation with its workspace folder ``<data_dir>/orgs/<slug>/`` (created with a
    starter ``lingtan.yaml``). Flushed; the caller commits.

    Raises:
        WorkspaceError: the slug is taken or invalid, or the folder already exists.
    """
    from lingtan.adapters.store.workspace import create_workspace_folder

    if not re.match(SLUG_PATTERN, slug):
        raise WorkspaceError(f"slug {slug!r}: lower-case letters, digits and '-', at most 60")
    if organisation_by_slug(db, slug) is not None:
        raise WorkspaceError(f"slug {slug!r} is taken")
    root = (data_dir / "orgs" / slug).resolve()
    create_workspace_folder(root, organisation=name, region=region, start_month=start_month)
    org = Organisation(slug=slug, name=name, workspace_path=str(root))
    db.add(org)
    db.flush()
    config = read_config(root)
    previous = current_tenant(db)
    if previous is None or previous == org.id:
        set_tenant(db, org.id)
        sync_boundary(db, config)
    return org


def adopt_workspace(db: Session, path: Path | str, *, slug: str | None = None) -> Organisation:
    """Register the workspace folder ``path`` as an organisation of ``db``'s store (or return
    the one registered with that path). When the folder has its own ``lingtan.db`` and that is
    not ``db``'s database, its batches, quarantined rows, snapshots, change records and
    base-year versions are copied. Commits; scopes ``db`` to the organisation.

    Raises:
        WorkspaceError: the folder is not a workspace.
    """
    from lingtan.adapters.store.workspace import DB_FILE

    root = Path(path).resolve()
    config = read_config(root)
    local = root / DB_FILE
    own_store = str(db.get_bind().engine.url).endswith(str(local))
    org = db.scalar(select(Organisation).where(Organisation.workspace_path == str(root)))
    if org is None and own_store:  # the folder's own store: its one organisation is this one
        orgs = list(db.scalars(select(Organisation).limit(2)))
        if len(orgs) == 1:
            org = orgs[0]
            if org.workspace_path is None:  # made by the migration of a 0.1 store
                org.name = config.organisation
                org.slug = unique_slug(db, slug or slugify(config.organisation))
            org.workspace_path = str(root)
            db.flush()
    if org is not None:
        set_tenant(db, org.id)
        sync_boundary(db, config)
        db.commit()
        return org
    org = Organisation(
        slug=unique_slug(db, slug or slugify(config.organisation)),
        name=config.organisation,
        workspace_path=str(root),
    )
    db.add(org)
    db.flush()
    set_tenant(db, org.id)
    sync_boundary(db, config)
    if local.is_file() and not own_store:
        _copy_store_rows(db, local, root)
    db.commit()
    return org


_COPIED = (ImportBatch, QuarantinedRow, Snapshot, ChangeRecord, BaseYearVersion)


def _copy_store_rows(db: Session, local_db: Path, root: Path) -> None:
    """Copy the workspace rows of the folder's own store into ``db``'s organisation."""
    from lingtan.adapters.store.db import make_engine, migrate

    engine = make_engine(local_db)
    try:
        migrate(engine, legacy_organisation={"name": root.name, "workspace_path": str(root)})
        with system_session(engine) as src:
            orgs = list(src.scalars(select(Organisation)))
            match = [o for o in orgs if o.workspace_path == str(root)] or orgs[:1]
            if not match:
                return
            src_org = match[0].id
        with tenant_session(engine, src_org) as src:
            for model in _COPIED:
                keep_id = model in (ImportBatch, Snapshot)  # content hashes; others renumbered
                mapper: Any = sa_inspect(model)
                cols = [
                    c.key
                    for c in mapper.column_attrs
                    if c.key != "organisation_id" and (keep_id or c.key != "id")
                ]
                for row in src.scalars(select(model)):
                    values = {k: getattr(row, k) for k in cols}
                    db.add(model(**values))
                db.flush()
    finally:
        engine.dispose()


def create_user(
    db: Session,
    email: str,
    password: str | None,
    name: str = "",
    memberships: dict[str, Role | str] | None = None,
    *,
    locale: str = "zh-CN",
) -> User:
    """Create a user and give them the roles ``{organisation slug: role}``. Commits.

    This is the server operator's bootstrap path (``lingtan users add``, ``lingtan serve
    --demo``, tests), never an organisation's: organisations invite (decision 0034). When the
    e-mail exists, a ``password`` given sets it (the operator's reset) and ``None`` leaves it
    as its owner set it.

    Raises:
        WorkspaceError: a new user without a password, a password breaking the rules
            (:func:`~lingtan.adapters.store.passwords.password_problem`), an unknown
            organisation slug, or a role that is not a role.
    """
    from lingtan.adapters.store.passwords import password_problem

    user = user_by_email(db, email)
    if password is None and user is None:
        raise WorkspaceError(f"{normalise_email(email)}: a new user needs a password")
    if password is not None:
        problem = password_problem(password, email)
        if problem:
            raise WorkspaceError(f"password: {problem}")
    if user is None:
        assert password is not None
        user = User(
            email=normalise_email(email),
            name=name or normalise_email(email).split("@")[0],
            password_hash=hash_password(password),
            locale=locale,
            disabled=False,
        )
        db.add(user)
    else:
        if password is not None:
            user.password_hash = hash_password(password)
        if name:
            user.name = name
    db.flush()
    for slug, role in (memberships or {}).items():
        org = organisation_by_slug(db, slug)
        if org is None:
            raise WorkspaceError(f"no organisation {slug!r}")
        try:
            r = Role(role)
        except ValueError as exc:
            roles = ", ".join(x.value for x in Role)
            raise WorkspaceError(f"role {role!r}: one of {roles}") from exc
        m = db.get(Membership, (user.id, org.id))
        if m is None:
            db.add(Membership(user_id=user.id, organisation_id=org.id, role=r.value))
        else:
            m.role = r.value
    db.commit()
    return user
