"""Who calls a use case and on which workspace: the :class:`Context` every workspace use case
takes — a :class:`TenantContext` (an organisation on a server, the caller's role there) or a
:class:`LocalContext` (a workspace folder opened by the command line, decision 0049)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast, runtime_checkable

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from lingtan.adapters.services.errors import conflict, forbidden, not_found
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
from lingtan.adapters.store.workspace import Workspace, cli_actor, open_workspace, org_workspace

if TYPE_CHECKING:
    from lingtan.adapters.services.settings import ServerSettings

T = TypeVar("T")


@runtime_checkable
class Context(Protocol):
    """What a use case on workspace data needs from its caller (decision 0049): who acts (the
    audit log's actor), the workspace to work on, and whether the caller may do an action.

    Implemented by :class:`TenantContext` (API routes, web pages), :class:`JobContext`
    (background jobs) and :class:`LocalContext` (the command line)."""

    @property
    def actor(self) -> str:
        """Who the audit log names for changes made through this context."""
        ...

    def workspace(self) -> Workspace:
        """The workspace the use case works on (Parquet batches, snapshots, lingtan.yaml)."""
        ...

    def can(self, action: Action) -> bool:
        """True when the caller may do ``action`` (one of ``store.tenancy.ACTIONS``)."""
        ...

    def require(self, action: Action) -> None:
        """Raise ``ServiceError`` of kind ``forbidden`` unless the caller may do ``action``."""
        ...


@dataclass
class LocalContext:
    """A workspace folder opened from the command line (decision 0049).

    The person at the terminal owns the folder, so every action is allowed; the audit log names
    them as ``cli:<OS user name>`` (:func:`lingtan.adapters.store.workspace.cli_actor`), as the
    command line always did. :meth:`workspace` opens the folder on first use (migrating its
    store) and keeps it."""

    path: Path
    actor: str = field(default_factory=cli_actor)
    _workspace: Workspace | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, workspace: Workspace) -> LocalContext:
        """The context of an already opened ``workspace`` (its actor kept)."""
        ctx = cls(workspace.path, workspace.actor)
        ctx._workspace = workspace
        return ctx

    def workspace(self) -> Workspace:
        """The opened workspace (opened once, then cached).

        Raises:
            WorkspaceError: the folder is not a workspace or its configuration is invalid.
        """
        if self._workspace is None:
            self._workspace = open_workspace(self.path, actor=self.actor)
        return self._workspace

    def can(self, action: Action) -> bool:
        """True for every action: the command line acts with the folder owner's rights.

        Raises:
            ValueError: unknown action (as :func:`lingtan.adapters.store.tenancy.can`).
        """
        return can(Role.OWNER, action)  # the owner's role holds every action

    def require(self, action: Action) -> None:
        """Never refuses a known action (every action is allowed locally)."""
        self.can(action)


@dataclass(frozen=True)
class JobContext:
    """A background job's context (decision 0049): the workspace of the job's organisation,
    acting for whoever queued the job (``workspace.actor``). Their role was checked when the
    job was queued (queuing an import or a calculation needs ``edit_data``), so the job itself
    may do every action."""

    opened: Workspace

    @property
    def actor(self) -> str:
        """Who queued the job, as the audit log names them."""
        return self.opened.actor

    def workspace(self) -> Workspace:
        """The job's workspace (already opened by the worker)."""
        return self.opened

    def can(self, action: Action) -> bool:
        """True for every known action (checked when the job was queued).

        Raises:
            ValueError: unknown action.
        """
        return can(Role.OWNER, action)  # the owner's role holds every action

    def require(self, action: Action) -> None:
        """Never refuses a known action."""
        self.can(action)


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
        """Raise ``forbidden`` (HTTP 403, CLI exit 4) unless the role allows ``action``."""
        if not self.can(action):
            raise forbidden(f"role {self.role.value} may not {action.replace('_', ' ')}")

    def workspace(self) -> Workspace:
        """The organisation's workspace (Parquet batches, snapshots, lingtan.yaml).

        Raises:
            ServiceError: 409 when the organisation has no workspace folder.
        """
        path = self.organisation.workspace_path
        if not path:
            raise conflict(f"organisation {self.slug} has no workspace folder")
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
        ServiceError: 404 when the organisation does not exist, the user is not a member, or a
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
        ServiceError: 404 ``{what} not found`` (also for another organisation's row).
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
