"""The pillars' sections and narrative fields, and the status rules (modules/disclosure/pillars.py,
decision 0099)."""

from __future__ import annotations

from lingtan.adapters.i18n.messages import catalogue
from lingtan.modules.disclosure.document import PILLARS, SECTION_ORDER
from lingtan.modules.disclosure.facts import facts_of
from lingtan.modules.disclosure.pillars import (
    NARRATIVES,
    PILLAR_SECTIONS,
    all_narratives,
    graded,
    narrative_keys,
    status_of,
)


def test_every_pillar_has_a_section_with_facts_and_narratives() -> None:
    assert tuple(PILLAR_SECTIONS) == PILLARS
    assert set(PILLARS) <= set(SECTION_ORDER)
    for p in PILLARS:
        assert facts_of(p)
        assert narrative_keys(p)
        assert all(n.section == p for n in NARRATIVES[p])
    keys = [n.key for n in all_narratives()]
    assert len(keys) == len(set(keys))
    assert "governance.board_oversight" in keys
    assert "strategy.transition_plan" in keys
    assert "risk_management.process" in keys
    assert "metrics_targets.targets" in keys
    assert narrative_keys("organisation") == []


def test_labels_in_both_languages() -> None:
    for locale in ("en", "zh-CN"):
        cat = catalogue(locale)
        assert [t for t in PILLAR_SECTIONS.values() if t not in cat] == []
        assert [n.label for n in all_narratives() if n.label not in cat] == []
    assert catalogue("zh-CN")["disc_pil.section.governance"] == "治理"


def test_status_rules() -> None:
    assert status_of([True, True]) == "complete"
    assert status_of([True, False]) == "partial"
    assert status_of([False, False]) == "missing"
    assert status_of([]) == "missing"
    assert graded(True) == "complete"
    assert graded(True, True, False) == "partial"
    # without the base the others do not count (an empty register is not "partly" reviewed)
    assert graded(False, True) == "missing"
