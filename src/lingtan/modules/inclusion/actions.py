"""The catalogue of low-carbon actions a carbon-inclusion programme can credit (issue 18 item 2;
the report's lists, lines 2814–2815 and 2833–2837 of the source report).

Each action has a code, the unit its quantity is given in, and what it counts as:

- ``reduction``: a reduction against a baseline, quantified by a methodology pack (kg CO2e),
  credited as points (low-carbon travel and commuting, online meetings, e-signatures, second-hand
  goods, household electricity);
- ``avoided``: avoided emissions outside any inventory (electronics recycling; a low-carbon
  product's comparative footprint), shown as such and never deducted from an inventory
  (GHG Protocol Scope 3 Standard §9.5: avoided emissions are reported separately);
- ``engagement``: points only, 0 kg (buying a carbon-neutral product — its footprint's credits
  were retired by the product claim, crediting the buyer would count them twice (ISO 14068-1);
  donations, reading, quizzes, donated steps).

``scope3_category``: where the organisation's own programme also feeds its inventory as primary
data instead of claiming the reduction a second time (commuting → Scope 3 category 7, GHG
Protocol Scope 3 Standard ch. 5 and Technical Guidance cat. 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CountsAs = Literal["reduction", "avoided", "engagement"]
#: the units a quantity may be given in
UNITS = ("pkm", "km", "trip", "participant", "document", "page", "item", "kg", "kWh", "steps")
#: audiences of a programme (issue 18 item 1)
AUDIENCES = ("employee", "consumer", "school", "community")


@dataclass(frozen=True)
class ActionType:
    """One creditable action: ``code``, the ``unit`` of its quantity, what it ``counts_as``,
    the methodology pack that quantifies it by default (``None`` for engagement-only actions),
    whether evidence is required, and the Scope 3 category it feeds (``None``: none)."""

    code: str
    unit: str
    counts_as: CountsAs
    default_pack: str | None
    evidence_required: bool = False
    scope3_category: int | None = None


def _travel(mode: str) -> ActionType:
    return ActionType(f"travel.{mode}", "km", "reduction", "lingtan.travel")


def _commute(mode: str) -> ActionType:
    return ActionType(f"commute.{mode}", "km", "reduction", "lingtan.travel", scope3_category=7)


_MODES = ("metro", "bus", "bike", "walk", "carpool")

#: every action, by code
ACTIONS: dict[str, ActionType] = {
    a.code: a
    for a in (
        *(_travel(m) for m in _MODES),
        *(_commute(m) for m in _MODES),
        ActionType("travel.business.rail_for_air", "km", "reduction", "lingtan.business-rail"),
        ActionType("meeting.online", "participant", "reduction", "lingtan.online-meeting"),
        ActionType("office.esign", "page", "reduction", "lingtan.e-signature"),
        ActionType("secondhand.book", "item", "reduction", "lingtan.second-hand"),
        ActionType("secondhand.clothes", "item", "reduction", "lingtan.second-hand"),
        ActionType("secondhand.phone", "item", "reduction", "lingtan.second-hand"),
        ActionType("secondhand.laptop", "item", "reduction", "lingtan.second-hand"),
        ActionType("recycle.laptop", "item", "avoided", "lingtan.recycling", True),
        ActionType("recycle.tablet", "item", "avoided", "lingtan.recycling", True),
        ActionType("recycle.phone", "item", "avoided", "lingtan.recycling", True),
        ActionType("purchase.carbon_neutral_pc", "item", "engagement", None, True),
        ActionType("purchase.low_carbon_pc", "item", "avoided", "lingtan.low-carbon-product", True),
        ActionType("donate.book", "item", "engagement", None),
        ActionType("donate.clothes", "item", "engagement", None),
        ActionType("learn.read", "item", "engagement", None),
        ActionType("learn.quiz", "item", "engagement", None),
        ActionType("steps.donate", "steps", "engagement", None),
        ActionType("household.electricity", "kWh", "reduction", "lingtan.household-electricity"),
    )
}


def action(code: str) -> ActionType | None:
    """The action of ``code``, or ``None`` when the catalogue has no such action."""
    return ACTIONS.get(code)
