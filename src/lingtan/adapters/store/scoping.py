"""Tenant scoping, in one place (STYLE.md habit 7).

Every tenant-owned table has an ``organisation_id`` (:class:`TenantOwned`). A store session
carries the organisation it works for in ``session.info`` and two events enforce it for every
query the ORM emits, so that no route, page or command filters by tenant by hand:

- ``do_orm_execute`` adds ``with_loader_criteria(TenantOwned, organisation_id == <tenant>)`` to
  every SELECT, UPDATE and DELETE (and, propagated, to lazy and relationship loads);
- ``before_flush`` stamps ``organisation_id`` on new rows and refuses rows of another
  organisation (new, changed or deleted), and any change of a row's ``organisation_id``.

A session with neither a tenant nor an explicit system flag that touches a tenant-owned table
raises :class:`TenancyError`: forgetting the tenant is an error, never "all organisations". Once
a session has a tenant, it is scoped, system flag or not. The system flag
(:func:`system_session`, or the ``tenant_bypass`` execution option on one statement) is for
the few store functions that must see every organisation: the job queue, token look-up, audit
verification, administration commands.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, event, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    mapped_column,
    with_loader_criteria,
)

TENANT_KEY = "organisation_id"
BYPASS_KEY = "tenant_bypass"
ACTOR_KEY = "actor"


class TenancyError(Exception):
    """A store operation crossed an organisation boundary, or named no organisation."""


class TenantOwned:
    """Mixin of every table whose rows belong to one organisation."""

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )


def current_tenant(session: Session) -> int | None:
    """The organisation id a session is scoped to (None = none yet)."""
    org = session.info.get(TENANT_KEY)
    return int(org) if org is not None else None


def is_system(session: Session) -> bool:
    """True for a system session (sees every organisation)."""
    return bool(session.info.get(BYPASS_KEY))


def set_tenant(session: Session, organisation_id: int) -> None:
    """Scope ``session`` to one organisation from now on.

    Raises:
        TenancyError: the session is already scoped to another organisation.
    """
    now = current_tenant(session)
    if now is not None and now != organisation_id:
        raise TenancyError(f"session already scoped to organisation {now}")
    session.info[TENANT_KEY] = int(organisation_id)


class TenantSession(Session):
    """A Session (made by the functions below with ``expire_on_commit=False``: rows stay
    readable after a commit) whose ``get`` and ``merge`` complete a tenant-owned row's key with the
    session's organisation: ``get(ImportBatch, sha256)`` looks up the batch of *this*
    organisation (the key is (organisation_id, id)), and ``merge`` of a row built without an
    organisation merges it into this organisation's row."""

    def get(self, entity: Any, ident: Any, **kw: Any) -> Any:
        """:meth:`Session.get`, with a scalar id of a tenant-owned composite key completed."""
        return super().get(entity, self._ident(entity, ident), **kw)

    def merge(self, instance: Any, **kw: Any) -> Any:
        """:meth:`Session.merge`, stamping the organisation on a tenant-owned row first."""
        org = current_tenant(self)
        if (
            isinstance(instance, TenantOwned)
            and org is not None
            and instance.organisation_id is None
        ):
            instance.organisation_id = org
        return super().merge(instance, **kw)

    def _ident(self, entity: Any, ident: Any) -> Any:
        org = current_tenant(self)
        if org is None or isinstance(ident, tuple | list | dict):
            return ident
        cls = entity if isinstance(entity, type) else inspect(entity).class_
        if not issubclass(cls, TenantOwned):
            return ident
        pk = [c.key for c in inspect(cls).primary_key]
        if len(pk) == 2 and pk[0] == TENANT_KEY:
            return (org, ident)
        return ident


def tenant_session(
    bind: Engine | Connection, organisation_id: int, *, actor: str = "system"
) -> TenantSession:
    """A session scoped to one organisation; ``actor`` is who the audit log names."""
    return TenantSession(
        bind=bind, info={TENANT_KEY: int(organisation_id), ACTOR_KEY: actor}, expire_on_commit=False
    )


def system_session(bind: Engine | Connection, *, actor: str = "system") -> TenantSession:
    """A session that sees every organisation (job queue, audit verification, admin CLI)."""
    return TenantSession(
        bind=bind, info={BYPASS_KEY: True, ACTOR_KEY: actor}, expire_on_commit=False
    )


def request_session(bind: Engine | Connection, *, actor: str = "anonymous") -> TenantSession:
    """A session not yet scoped: it may read organisations, users and memberships; it must be
    given a tenant (:func:`set_tenant`) before it touches tenant-owned rows."""
    return TenantSession(bind=bind, info={ACTOR_KEY: actor}, expire_on_commit=False)


def _touches_tenant_tables(state: ORMExecuteState) -> bool:
    try:
        mappers = state.all_mappers
    except Exception:  # pragma: no cover - statements without mappers
        return False
    return any(issubclass(m.class_, TenantOwned) for m in mappers)


@event.listens_for(Session, "do_orm_execute")
def _scope_statement(state: ORMExecuteState) -> None:
    """Add the tenant criterion to every ORM SELECT / UPDATE / DELETE."""
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load:
        return
    session = state.session
    if state.execution_options.get(BYPASS_KEY):
        return
    org = current_tenant(session)
    if org is None:  # a system session sees every organisation until it is given one
        if not is_system(session) and _touches_tenant_tables(state):
            raise TenancyError("query of tenant-owned rows in a session without an organisation")
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantOwned,
            lambda cls: cls.organisation_id == org,
            include_aliases=True,
        )
    )


@event.listens_for(Session, "before_flush")
def _stamp_and_check(session: Session, _flush_context: Any, _instances: Any) -> None:
    """Stamp new rows with the session's organisation; refuse rows of another one."""
    org = current_tenant(session)
    system = is_system(session) and org is None
    for obj in session.new:
        if not isinstance(obj, TenantOwned):
            continue
        if obj.organisation_id is None:
            if org is None:
                raise TenancyError(f"new {type(obj).__name__} without an organisation")
            obj.organisation_id = org
        elif org is not None and obj.organisation_id != org:
            raise TenancyError(f"new {type(obj).__name__} of another organisation")
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, TenantOwned):
            continue
        hist = inspect(obj).attrs[TENANT_KEY].history
        if hist.deleted and hist.deleted[0] is not None and hist.has_changes():
            raise TenancyError(f"{type(obj).__name__}: organisation_id cannot change")
        if system:
            continue
        if org is None or obj.organisation_id != org:
            raise TenancyError(f"{type(obj).__name__} of another organisation")
