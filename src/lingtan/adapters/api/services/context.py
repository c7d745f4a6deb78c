"""The organisation a request works in, and the caller's role there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from lingtan.adapters.api.errors import ApiError, forbidden, not_found
from lingtan.adapters.store.scoping import ACTOR_KEY, set_tenant
from lingtan.adapters.store.tenancy import (
    Action,
    Organisation,
    Role,
    User,
    can,
    membership,
    organisation_by_slug,
)
from lingtan.adapters.store.workspace import Workspace, org_workspace

if TYPE_CHECKING:
    from lingtan.adapters.api.settings import ServerSettings

T = TypeVar("T")


@dataclass(frozen=True)
class TenantContext:
    """The organisation of a request (tenant), the caller and their role in it.

    Built by :func:`lingtan.adapters.api.deps.get_tenant` after the membership check; the
    request's store session is scoped to ``organisation`` from then on."""

    organisation: Organisation
    role: Role
    user: User
    engine: Engine
    settings: ServerSettings
    actor: str
    #: the request's store connection (``api.deps.get_db``), which the workspace's sessions
    #: share: a request takes one connection, never a second (decision 0038)
    bind: Engine | Connection | None = None

    @property
    def organisation_id(self) -> int:
        """Id of the organisation."""
        return int(self.organisation.id)

    @property
    def slug(self) -> str:
        """URL name of the organisation."""
        return str(self.organisation.slug)

    def can(self, action: Action) -> bool:
        """True when the caller's role allows ``action``."""
        return can(self.role, action)

    def require(self, action: Action) -> None:
        """Raise 403 unless the role allows ``action``."""
        if not self.can(action):
            raise forbidden(f"role {self.role.value} may not {action.replace('_', ' ')}")

    def workspace(self) -> Workspace:
        """The organisation's workspace (Parquet batches, snapshots, lingtan.yaml).

        Raises:
            ApiError: 409 when the organisation has no workspace folder.
        """
        path = self.organisation.workspace_path
        if not path:
            raise ApiError(409, "conflict", f"organisation {self.slug} has no workspace folder")
        # a Connection binds a session as an Engine does (scoping.tenant_session takes either);
        # the workspace's sessions join the request's transaction and leave it to the request
        bind = cast(Engine, self.bind if self.bind is not None else self.engine)
        return org_workspace(bind, self.organisation_id, path, actor=self.actor)


def open_tenant(
    db: Session,
    user: User,
    slug: str,
    *,
    engine: Engine,
    settings: ServerSettings,
    actor: str,
    token_organisation_id: int | None = None,
) -> TenantContext:
    """The organisation ``slug`` of ``user`` (a member) with their role; scopes ``db`` to it.
    Used by the API's ``Tenant`` dependency and the web pages alike.

    Raises:
        ApiError: 404 when the organisation does not exist, the user is not a member, or a
            token of another organisation (``token_organisation_id``) asks for it.
    """
    organisation = organisation_by_slug(db, slug)
    if organisation is None:
        raise not_found(f"organisation {slug!r}")
    if token_organisation_id is not None and token_organisation_id != organisation.id:
        raise not_found(f"organisation {slug!r}")
    m = membership(db, user.id, organisation.id)
    if m is None:
        raise not_found(f"organisation {slug!r}")
    set_tenant(db, organisation.id)
    # the one place the caller becomes the audit actor of every change the request makes
    # (API routes and web pages alike; jobs inherit it through the job's created_by)
    db.info[ACTOR_KEY] = actor
    return TenantContext(
        organisation=organisation,
        role=Role(m.role),
        user=user,
        engine=engine,
        settings=settings,
        actor=actor,
        bind=db.get_bind(),
    )


def get_or_404(db: Session, model: type[T], key: Any, what: str) -> T:
    """The row of ``model`` with primary key ``key`` in the session's organisation.

    Raises:
        ApiError: 404 ``{what} not found`` (also for another organisation's row).
    """
    row = db.get(model, key)
    if row is None:
        raise not_found(what)
    return row


def jsonable(value: Any) -> Any:
    """``value`` with dates as ISO text and non-finite floats as null (JSON has neither)."""
    import math
    from datetime import date, datetime

    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value
