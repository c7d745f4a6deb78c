"""The organisation's data lifecycle: its deletion (``/orgs/{org}/deletion``; issue 11,
decision 0039)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, StringConstraints

from lingtan.adapters.api.schemas.common import FromAttributes, UtcDateTime


class DeletionCreate(BaseModel):
    """Ask for the organisation's deletion: ``confirm`` is its slug, typed again."""

    confirm: Annotated[str, StringConstraints(max_length=60)]


class DeletionPublic(FromAttributes):
    """A pending deletion: who asked, when, and when the data is purged (ASVS V8.3.2)."""

    requested_by: str
    requested_at: UtcDateTime
    due_at: UtcDateTime
