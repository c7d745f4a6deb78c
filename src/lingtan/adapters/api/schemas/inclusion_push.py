"""Schemas of the partners' push (issue 18 item 6, decision 0090): the 202 answer, a settled
event's receipt, pull sources and a pull's result. The push body itself is read raw (its bytes
are what is signed), not through a schema: its shape is checked by
:func:`lingtan.adapters.services.inclusion_push.parse_events`."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.api.schemas.common import UtcDateTime

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]


class PushAccepted(BaseModel):
    """``202 Accepted``: the body is on disk; its events will be settled."""

    received: int = Field(description="events in the body (durable, not yet settled)")


class ReceiptPublic(BaseModel):
    """What settlement made of a partner's event (``reason``: a catalogue key
    ``incl_push.err.*`` or the ledger's, when refused or rejected)."""

    programme: str
    partner: str
    external_id: str
    status: str = Field(description="accepted | rejected | refused")
    reason: str | None
    event_id: int | None
    points: int | None
    kg_co2e: float | None = Field(description="kg CO2e credited to the account")
    received_at: UtcDateTime
    settled_at: UtcDateTime


class PullSourceCreate(BaseModel):
    """A new pull source (a partner's step-count feed)."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is refused

    code: Code
    programme: Code
    partner: Code
    url: Annotated[str, StringConstraints(min_length=1, max_length=500)] = Field(
        description="http(s):// feed (requested with ?after=<cursor>) or file:/// path"
    )
    action: Annotated[str, StringConstraints(max_length=60)] = "steps.donate"


class PullSourcePublic(BaseModel):
    """A pull source with its cursor and last run."""

    code: str
    programme_code: str
    partner_code: str
    url: str
    action: str
    cursor: str | None
    last_run_at: UtcDateTime | None
    last_count: int
    last_error: str | None


class PullResultPublic(BaseModel):
    """One pull: items read after the cursor and their fate, the new cursor."""

    source: str
    items: int
    accepted: int
    rejected: int
    refused: int
    replayed: int
    cursor: str | None
