"""The content list of an ISO 14064-1:2018 GHG report (cl. 9.3.1) as a checklist, by reference.

ISO 14064-1:2018 cl. 9.3.1 lists what a GHG report intended for public use states (items a) to
t)). The standard's text is licensed and is not reproduced: each item here is the clause
reference, lingtan's own short label (catalogue key ``disc_ghg.clause.<slug>``) and the facts of
:data:`~.facts.FACTS` that answer it. An item's status is computed from the facts the edition's
sections state (:func:`item_status`): every fact complete → complete; none complete or partial →
missing; otherwise partial. Item r) (the statement of conformity) can only be made when every
other item is complete: its status is complete then, partial when some are, missing when none.

The item letters follow the 2018 edition as lingtan reads it (decision 0098); check them against
your copy of the standard before relying on them. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lingtan.modules.disclosure.document import Fact, FactStatus, Section
from lingtan.modules.disclosure.facts import FACTS

#: the reference prefix of every item
STANDARD = "ISO 14064-1:2018"


@dataclass(frozen=True)
class ClauseItem:
    """One item of cl. 9.3.1: ``ref`` (``9.3.1 a)``), ``slug`` (its label key is
    ``disc_ghg.clause.<slug>``), the ``facts`` that answer it and ``all_others`` (True for the
    statement of conformity, whose status follows every other item's)."""

    ref: str
    slug: str
    facts: tuple[str, ...]
    all_others: bool = False

    @property
    def label(self) -> str:
        """The catalogue key of lingtan's own short label of the item."""
        return f"disc_ghg.clause.{self.slug}"


#: ISO 14064-1:2018 cl. 9.3.1, items a) to t), in order
CLAUSES: tuple[ClauseItem, ...] = (
    ClauseItem("9.3.1 a)", "organisation", ("org.identity",)),
    ClauseItem("9.3.1 b)", "responsible", ("org.responsible",)),
    ClauseItem("9.3.1 c)", "period", ("org.identity",)),
    ClauseItem("9.3.1 d)", "org_boundary", ("org.boundary",)),
    ClauseItem("9.3.1 e)", "reporting_boundary", ("org.reporting_boundary",)),
    ClauseItem("9.3.1 f)", "direct_by_gas", ("ghg.scope1", "ghg.by_gas")),
    ClauseItem("9.3.1 g)", "biogenic", ("ghg.biogenic",)),
    ClauseItem("9.3.1 h)", "removals", ("ghg.removals",)),
    ClauseItem("9.3.1 i)", "exclusions", ("ghg.exclusions", "ghg.scope3_categories")),
    ClauseItem(
        "9.3.1 j)",
        "indirect_by_category",
        ("ghg.scope2_location", "ghg.scope2_market", "ghg.scope3", "ghg.scope3_categories"),
    ),
    ClauseItem("9.3.1 k)", "base_year", ("ghg.base_year",)),
    ClauseItem("9.3.1 l)", "recalculation", ("ghg.recalculation",)),
    ClauseItem("9.3.1 m)", "approaches", ("ghg.methods",)),
    ClauseItem("9.3.1 n)", "approach_changes", ("ghg.changes",)),
    ClauseItem("9.3.1 o)", "factors", ("ghg.factors",)),
    ClauseItem("9.3.1 p)", "uncertainty_impact", ("ghg.uncertainty", "ghg.data_quality")),
    ClauseItem("9.3.1 q)", "uncertainty_assessment", ("ghg.uncertainty",)),
    ClauseItem("9.3.1 r)", "conformity", (), all_others=True),
    ClauseItem("9.3.1 s)", "verification", ("ver.statement", "ver.scope_level")),
    ClauseItem("9.3.1 t)", "gwp", ("ghg.gwp",)),
)


def check_clauses(items: Iterable[ClauseItem] = CLAUSES) -> None:
    """Every bound fact exists in :data:`FACTS` and every reference is unique.

    Raises:
        ValueError: naming the item and the unknown fact or the repeated reference.
    """
    seen: set[str] = set()
    for item in items:
        if item.ref in seen:
            raise ValueError(f"{item.ref}: reference repeated")
        seen.add(item.ref)
        for fact in item.facts:
            if fact not in FACTS:
                raise ValueError(f"{item.ref}: unknown fact {fact!r}")


def stated_facts(sections: Iterable[Section]) -> dict[str, Fact]:
    """Every fact the ``sections`` state (fact key → what its section says)."""
    out: dict[str, Fact] = {}
    for section in sections:
        out.update(section["facts"])
    return out


def combine(statuses: Iterable[FactStatus]) -> FactStatus:
    """All complete → complete; none complete or partial (or nothing) → missing; else partial."""
    got = list(statuses)
    if got and all(s == "complete" for s in got):
        return "complete"
    if not any(s in ("complete", "partial") for s in got):
        return "missing"
    return "partial"


def item_status(item: ClauseItem, facts: Mapping[str, Fact]) -> FactStatus:
    """The status of one item from the stated ``facts`` (a fact no section states: missing)."""
    return combine(facts[f]["status"] if f in facts else "missing" for f in item.facts)


def checklist(sections: Iterable[Section]) -> list[tuple[ClauseItem, FactStatus]]:
    """Each item of :data:`CLAUSES` with its status computed from the ``sections``' facts; the
    statement of conformity (r) follows the other items (module docstring)."""
    facts = stated_facts(sections)
    rows = [(item, item_status(item, facts)) for item in CLAUSES if not item.all_others]
    others = [status for _, status in rows]
    out: list[tuple[ClauseItem, FactStatus]] = []
    for item in CLAUSES:
        if item.all_others:
            out.append((item, combine(others)))
        else:
            out.append(next(r for r in rows if r[0] is item))
    return out
