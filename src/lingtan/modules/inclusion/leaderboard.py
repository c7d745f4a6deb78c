"""Campaign leaderboards (issue 18 item 5; spec "Leaderboards"): the exact rule, which the
store-backed service (:mod:`lingtan.adapters.services.inclusion_campaigns`) and the scale path
(:mod:`lingtan.compute.inclusion_queries`, Ibis over Parquet) both follow.

**Input.** One :class:`Contribution` per accepted event: the account (``subject``), its group
code (``group``; ``None``: no group), the event's ``points`` (already multiplied by the
campaign multiplier, as stored on the event) and its ``occurred_at``. The caller keeps only

- events with status ``accepted`` (rejected, pending and reversed events count nothing);
- whose action is one of the campaign's eligible actions (every action when the list is
  empty);
- that occurred inside the campaign window: ``start <= occurred_at.date() <= end`` — both
  dates *inclusive*, calendar days of the stored naive-UTC ``occurred_at``
  (:meth:`lingtan.modules.inclusion.campaigns.Campaign.contains`).

**Individual scope.** score = Σ points of the account. An account is *active* when its score is
≥ 1 point; only active accounts are ranked.

**Team scope** (also class, department: any group scope). The members are the accounts with that
``group`` code. A member is *active* when it earned ≥ 1 point in the window (Σ of its
contributions ≥ 1). ``team_rule``:

- ``mean`` (the default): score = Σ points of the active members / number of active members
  (IEEE double division; so a large team does not win by size);
- ``sum``: score = Σ points of the members.

Groups without an active member are not ranked.

**Attainment.** ``attained_at`` of a subject is the ``occurred_at`` of the last contribution
with points > 0 (for a team: of any member) — the moment its final score was reached, since
points are never negative here.

**Order.** score descending; ties broken by the earliest ``attained_at``; then by the subject's
code ascending (string order) so the order is deterministic. Ranks are 1, 2, 3 … one per row,
no gaps and no shared ranks (the tie-break decides).

Pure: no store, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from lingtan.core.messages import msg
from lingtan.modules.inclusion.errors import CampaignError

TeamRule = Literal["sum", "mean"]
#: the rules of a team score (module docstring)
TEAM_RULES: tuple[TeamRule, ...] = ("mean", "sum")
#: the scopes a leaderboard can be drawn for; every scope but ``individual`` ranks groups
SCOPES = ("individual", "team", "class", "department")


@dataclass(frozen=True)
class Contribution:
    """Points an account earned from one accepted, eligible event inside the window."""

    subject: str
    group: str | None
    points: int
    occurred_at: datetime


@dataclass(frozen=True)
class LeaderRow:
    """One row of a leaderboard: ``rank`` (1 = first), ``subject`` (an account ref or a group
    code), ``score`` [points; a mean for a team under ``mean``], ``points`` (Σ points),
    ``active`` members (1 for an individual), ``attained_at`` (when the score was reached)."""

    rank: int
    subject: str
    score: float
    points: int
    active: int
    attained_at: datetime

    def to_dict(self) -> dict[str, object]:
        """As plain data (``attained_at`` as ISO 8601)."""
        return {"rank": self.rank, "subject": self.subject, "score": self.score,
                "points": self.points, "active": self.active,
                "attained_at": self.attained_at.isoformat()}  # fmt: skip


def check_team_rule(value: object) -> TeamRule:
    """``value`` as a team rule.

    Raises:
        CampaignError: not ``sum`` or ``mean``.
    """
    text = str(value or "").strip().lower()
    for rule in TEAM_RULES:
        if text == rule:
            return rule
    raise CampaignError(msg("incl_camp.err.team_rule", value=text[:40]), "team_rule")


def _ranked(
    rows: Iterable[tuple[str, float, int, int, datetime]], limit: int | None
) -> list[LeaderRow]:
    ordered = sorted(rows, key=lambda r: (-r[1], r[4], r[0]))
    if limit is not None:
        ordered = ordered[:limit]
    return [LeaderRow(i, s, score, pts, act, at)
            for i, (s, score, pts, act, at) in enumerate(ordered, 1)]  # fmt: skip


def _totals(contributions: Iterable[Contribution]) -> dict[str, tuple[int, datetime | None]]:
    """Σ points and the last positive contribution's time, by account."""
    out: dict[str, tuple[int, datetime | None]] = {}
    for c in contributions:
        total, at = out.get(c.subject, (0, None))
        if c.points > 0 and (at is None or c.occurred_at > at):
            at = c.occurred_at
        out[c.subject] = (total + c.points, at)
    return out


def individual(contributions: Iterable[Contribution], limit: int | None = None) -> list[LeaderRow]:
    """The individual leaderboard (module docstring): Σ points per active account."""
    rows = [(s, float(total), total, 1, at)
            for s, (total, at) in _totals(contributions).items()
            if total >= 1 and at is not None]  # fmt: skip
    return _ranked(rows, limit)


def team(
    contributions: Iterable[Contribution], rule: TeamRule = "mean", limit: int | None = None
) -> list[LeaderRow]:
    """The team (group) leaderboard (module docstring): Σ or mean per active member."""
    items = list(contributions)
    group_of = {c.subject: c.group for c in items if c.group}
    groups: dict[str, list[tuple[int, datetime]]] = {}
    for subject, (total, at) in _totals(c for c in items if c.group).items():
        if total >= 1 and at is not None:
            groups.setdefault(group_of[subject], []).append((total, at))
    rows = []
    for code, members in groups.items():
        points = sum(t for t, _ in members)
        score = points / len(members) if rule == "mean" else float(points)
        rows.append((code, score, points, len(members), max(at for _, at in members)))
    return _ranked(rows, limit)
