"""Helpers of the event and points-ledger tests (decision 0089): a context that may do every
action, and a programme with accounts written straight into the store (so that the tests of
this slice do not depend on the programme services' validation).

:func:`make_programme`: 10 pts/kg, 5 engagement points for ``purchase.carbon_neutral_pc`` and
``learn.quiz``, a cap of 12 points a day and 30 a month on ``learn.quiz``, expiry after 12
months; accounts ``m-alice``, ``m-bob`` (active) and ``m-gone`` (closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from lingtan.adapters.store.inclusion_programmes import InclusionAccountRow, InclusionProgrammeRow

CODE = "staff"


@dataclass
class AllowAll:
    """A service context that may do every action (the store tests' caller)."""

    actor: str = "tester"

    def workspace(self) -> Any:  # pragma: no cover - not used by these services
        raise NotImplementedError

    def can(self, action: str) -> bool:
        return True

    def require(self, action: str) -> None:
        return None


def make_programme(
    db: Session, code: str = CODE, *, expiry_months: int | None = 12, **fields: Any
) -> InclusionProgrammeRow:
    """A programme with the kit's rules and three accounts (module docstring); committed."""
    prog = InclusionProgrammeRow(
        code=code, name="Staff", audience="employee", region="CN-BJ", started=date(2022, 6, 1),
        points_per_kg=fields.get("points_per_kg", 10.0),
        engagement_points=fields.get(
            "engagement_points", {"purchase.carbon_neutral_pc": 5, "learn.quiz": 5}
        ),
        caps=fields.get("caps", {"learn.quiz": {"per_day": 12, "per_month": 30}}),
        expiry_months=expiry_months, privacy_policy_version="1", status="active",
        subject_salt="s" * 32,
    )  # fmt: skip
    db.add(prog)
    db.flush()
    for ref, status in (("m-alice", "active"), ("m-bob", "active"), ("m-gone", "closed")):
        db.add(InclusionAccountRow(programme_id=prog.id, ref=ref, kind="person", status=status,
                                   subject_hash=ref * 2))  # fmt: skip
    db.commit()
    return prog


def server_programme(url: str, org: str) -> None:
    """The kit's programme in organisation ``org`` of the server store at ``url``."""
    from sqlalchemy import select

    from lingtan.adapters.store.db import make_engine
    from lingtan.adapters.store.scoping import system_session, tenant_session
    from lingtan.adapters.store.tenancy import Organisation

    engine = make_engine(url)
    try:
        with system_session(engine) as s:
            org_id = s.scalars(select(Organisation.id).where(Organisation.slug == org)).one()
        with tenant_session(engine, org_id, actor="tests") as s:
            make_programme(s)
    finally:
        engine.dispose()


def new_workspace(folder: Any) -> Any:
    """An empty workspace at ``folder``."""
    from lingtan.adapters.store.workspace import init_workspace

    init_workspace(folder, organisation="Inclusion Co", region="CN").engine.dispose()
    return folder
