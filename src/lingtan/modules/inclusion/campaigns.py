"""Carbon-inclusion campaigns (issue 18 item 5; spec "Campaign"): a named window of calendar days
(e.g. 环境周 Environment Week, 无车日 car-free day) in which some actions are eligible, may earn a
multiple of their points, and are ranked on leaderboards.

- ``code`` (≤ 40, letters, digits, ``_ . -``), ``name``, the ``programme`` it belongs to;
- ``start`` … ``end``: **inclusive calendar dates** of the stored naive-UTC times — an event at
  ``occurred_at`` is inside when ``start <= occurred_at.date() <= end`` (:meth:`contains`);
- ``eligible_actions``: action codes of :data:`lingtan.modules.inclusion.actions.ACTIONS`; empty
  means every action;
- ``multipliers``: ``{action: m}`` with 1 ≤ m ≤ :data:`MAX_MULTIPLIER` (a campaign never
  lowers points); the key ``*`` applies to every eligible action without its own;
- ``team_rule``: ``mean`` (default: per active member, so large teams do not win by size) or
  ``sum`` (:mod:`.leaderboard`);
- ``scopes``: the leaderboards published — ``individual``, ``team``, ``class``, ``department``;
- ``prizes``: free text per rank, e.g. ``{"1": "tree planted in the team's name"}``.

The multiplier of an action at a time is the product of the multipliers of every campaign whose
window contains it (:func:`multiplier`); lingtan's own assumption, labelled in decision 0091.

Pure: no store, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from lingtan.core.messages import msg
from lingtan.modules.inclusion.actions import ACTIONS
from lingtan.modules.inclusion.errors import CampaignError
from lingtan.modules.inclusion.leaderboard import SCOPES, TeamRule, check_team_rule

#: the largest multiplier one campaign may give an action
MAX_MULTIPLIER = 10.0
#: the longest window [days]
MAX_DAYS = 366
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")


@dataclass(frozen=True)
class Campaign:
    """A campaign (module docstring)."""

    code: str
    name: str
    start: date
    end: date
    eligible_actions: tuple[str, ...] = ()
    multipliers: Mapping[str, float] = field(default_factory=dict)
    team_rule: TeamRule = "mean"
    scopes: tuple[str, ...] = ("individual", "team")
    prizes: Mapping[str, str] = field(default_factory=dict)

    def contains(self, at: datetime | date) -> bool:
        """Whether ``at`` (its calendar day) is inside the window (both ends inclusive)."""
        day = at.date() if isinstance(at, datetime) else at
        return self.start <= day <= self.end

    def eligible(self, action: str) -> bool:
        """Whether ``action`` counts in this campaign."""
        return not self.eligible_actions or action in self.eligible_actions

    def multiplier_of(self, action: str) -> float:
        """The multiplier of ``action`` (1 when not eligible or without one)."""
        if not self.eligible(action):
            return 1.0
        return float(self.multipliers.get(action, self.multipliers.get("*", 1.0)))

    def ended(self, today: date) -> bool:
        """Whether the window is over on ``today``."""
        return today > self.end


def check_code(value: object, name: str = "code") -> str:
    """A campaign or reward code.

    Raises:
        CampaignError: empty, too long or with other characters.
    """
    text = str(value or "").strip()
    if not _CODE_RE.match(text):
        raise CampaignError(msg("incl_camp.err.code", name=name, value=text[:40]), name)
    return text


def check_window(start: date, end: date) -> None:
    """``start`` ≤ ``end`` and at most :data:`MAX_DAYS` days.

    Raises:
        CampaignError: the window is backwards or too long.
    """
    if end < start:
        raise CampaignError(
            msg("incl_camp.err.window", start=start.isoformat(), end=end.isoformat()), "end"
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise CampaignError(msg("incl_camp.err.window_long", days=MAX_DAYS), "end")


def check_actions(values: Iterable[object]) -> tuple[str, ...]:
    """Known action codes, de-duplicated, sorted.

    Raises:
        CampaignError: an action not in the catalogue.
    """
    out = set()
    for v in values:
        code = str(v or "").strip()
        if code not in ACTIONS:
            raise CampaignError(msg("incl_camp.err.action", value=code[:60]), "eligible_actions")
        out.add(code)
    return tuple(sorted(out))


def check_multipliers(values: Mapping[str, Any], eligible: tuple[str, ...]) -> dict[str, float]:
    """Multipliers by action (``*``: every eligible action), each 1 ≤ m ≤ MAX_MULTIPLIER.

    Raises:
        CampaignError: an unknown or ineligible action, a value that is not a number in range.
    """
    out: dict[str, float] = {}
    for key, raw in values.items():
        action = str(key).strip()
        if action != "*" and (action not in ACTIONS or (eligible and action not in eligible)):
            raise CampaignError(msg("incl_camp.err.multiplier_action", value=action[:60]),
                                "multipliers")  # fmt: skip
        try:
            m = float(raw) if not isinstance(raw, bool) else float("nan")
        except (TypeError, ValueError):
            m = float("nan")
        if not 1.0 <= m <= MAX_MULTIPLIER:
            raise CampaignError(msg("incl_camp.err.multiplier", action=action,
                                    value=str(raw)[:40], max=MAX_MULTIPLIER),
                                "multipliers")  # fmt: skip
        out[action] = m
    return out


def check_scopes(values: Iterable[object]) -> tuple[str, ...]:
    """Leaderboard scopes, in the order of :data:`SCOPES`.

    Raises:
        CampaignError: an unknown scope, or none.
    """
    got = {str(v or "").strip().lower() for v in values}
    unknown = sorted(got - set(SCOPES))
    if unknown or not got:
        raise CampaignError(msg("incl_camp.err.scope", value=(unknown or [""])[0][:40]),
                            "scopes")  # fmt: skip
    return tuple(s for s in SCOPES if s in got)


def build(fields: Mapping[str, Any]) -> Campaign:
    """A checked :class:`Campaign` from plain fields (``start``/``end`` as dates or ISO text).

    Raises:
        CampaignError: the first invalid field, named.
    """
    start, end = (_day(fields.get(k), k) for k in ("start", "end"))
    check_window(start, end)
    name = " ".join(str(fields.get("name") or "").split())
    if not name or len(name) > 200:
        raise CampaignError(msg("incl_camp.err.name"), "name")
    eligible = check_actions(fields.get("eligible_actions") or ())
    prizes = {str(k)[:10]: " ".join(str(v).split())[:200]
              for k, v in dict(fields.get("prizes") or {}).items()}  # fmt: skip
    return Campaign(
        code=check_code(fields.get("code")),
        name=name,
        start=start,
        end=end,
        eligible_actions=eligible,
        multipliers=check_multipliers(dict(fields.get("multipliers") or {}), eligible),
        team_rule=check_team_rule(fields.get("team_rule") or "mean"),
        scopes=check_scopes(fields.get("scopes") or ("individual", "team")),
        prizes=prizes,
    )


def _day(value: object, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise CampaignError(msg("incl_camp.err.date", name=name, value=str(value)[:40]),
                            name) from None  # fmt: skip


def multiplier(
    campaigns: Iterable[Campaign], action: str, at: datetime
) -> tuple[float, str | None]:
    """The product of the multipliers of the campaigns running at ``at`` for ``action``, and the
    code of the campaign that gives the largest one (ties: the smallest code); ``(1.0, None)``
    when no running campaign makes ``action`` eligible."""
    product, best = 1.0, None
    best_m = 0.0
    for c in sorted(campaigns, key=lambda c: c.code):
        if not (c.contains(at) and c.eligible(action)):
            continue
        m = c.multiplier_of(action)
        product *= m
        if m > best_m:
            best, best_m = c.code, m
    return product, best
