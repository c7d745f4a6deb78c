"""The four pillars of a climate disclosure (IFRS S2 ¶5–37; TCFD 2017; HKEX Listing Rules
Appendix C2 Part D): their sections, the narrative fields of each, and the rule that turns what
the data show into a fact's status (decision 0099).

- :data:`PILLAR_SECTIONS`: the section of each pillar (key = the pillar, in
  :data:`~lingtan.modules.disclosure.document.PILLARS` order) with its title's catalogue key;
- :data:`NARRATIVES`: the narrative fields of each pillar section, each with lingtan's own short
  label (catalogue key ``disc_pil.narrative.<key>``) and the IFRS S2 paragraph it answers — a
  reference only, the standard's text is licensed and never copied;
- :func:`status_of`: complete when every part a fact needs is present, partial when some are,
  missing when none is.

Pure: data and small functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from lingtan.modules.disclosure.document import PILLARS, FactStatus

#: pillar section key → its title's catalogue key (the section key is the pillar's name)
PILLAR_SECTIONS: dict[str, str] = {p: f"disc_pil.section.{p}" for p in PILLARS}


class Narrative(NamedTuple):
    """A narrative field of a pillar section: ``key`` (``<section>.<sub>``), the catalogue key
    of its label (``disc_pil.narrative.<key>``) and the IFRS S2 paragraph it answers (a
    reference, never the text). A tuple, so that readers may take it as ``(key, label)``."""

    key: str
    label: str
    ref: str

    @property
    def section(self) -> str:
        """The section the field belongs to (the part before the first dot)."""
        return self.key.split(".", 1)[0]


def _field(key: str, ref: str) -> Narrative:
    return Narrative(key, f"disc_pil.narrative.{key}", ref)


#: section → its narrative fields, in the order they are shown
NARRATIVES: dict[str, tuple[Narrative, ...]] = {
    "governance": (
        _field("governance.board_oversight", "IFRS S2 6(a)"),
        _field("governance.management_role", "IFRS S2 6(b)"),
        _field("governance.remuneration", "IFRS S2 29(g)"),
    ),
    "strategy": (
        _field("strategy.risks_opportunities", "IFRS S2 10-12"),
        _field("strategy.business_model", "IFRS S2 13"),
        _field("strategy.transition_plan", "IFRS S2 14"),
        _field("strategy.financial_effects", "IFRS S2 15-21"),
        _field("strategy.resilience", "IFRS S2 22"),
    ),
    "risk_management": (
        _field("risk_management.process", "IFRS S2 25(a)"),
        _field("risk_management.opportunities", "IFRS S2 25(b)"),
        _field("risk_management.integration", "IFRS S2 25(c)"),
    ),
    "metrics_targets": (
        _field("metrics_targets.metrics", "IFRS S2 29"),
        _field("metrics_targets.targets", "IFRS S2 33-35"),
        _field("metrics_targets.carbon_credits", "IFRS S2 36(e)"),
    ),
}


def narrative_keys(section: str) -> list[str]:
    """The narrative keys of ``section`` (empty for a section that is not a pillar)."""
    return [n.key for n in NARRATIVES.get(section, ())]


def all_narratives() -> list[Narrative]:
    """Every narrative field of the four pillars, in pillar order."""
    return [n for p in PILLARS for n in NARRATIVES[p]]


def status_of(parts: Iterable[bool]) -> FactStatus:
    """A fact's status from the parts it needs: ``complete`` when every part is present,
    ``missing`` when none is (or there are no parts), else ``partial``."""
    seen = list(parts)
    if seen and all(seen):
        return "complete"
    if any(seen):
        return "partial"
    return "missing"


def graded(base: bool, *more: bool) -> FactStatus:
    """A fact's status when one part is the base the others qualify: ``missing`` without the
    base (whatever the others), ``complete`` with the base and every other part, else
    ``partial``."""
    if not base:
        return "missing"
    return "complete" if all(more) else "partial"
