"""The ISO 14064-1:2018 cl. 9.3.1 checklist (decision 0098): references a)–t) once each, every
bound fact known, lingtan's own label keys in both catalogues, and each item's status computed
from the facts the sections state (the statement of conformity r) following the others)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lingtan.modules.disclosure.document import Fact, Section, empty_section
from lingtan.modules.disclosure.iso14064 import CLAUSES, check_clauses, checklist, combine

I18N = Path(__file__).resolve().parents[3] / "src" / "lingtan" / "adapters" / "i18n"


def _section(facts: dict[str, Fact]) -> Section:
    s = empty_section("ghg_inventory", "t", None, [])
    s["facts"] = facts
    return s


def test_clauses_are_a_to_t_with_known_facts_and_labels() -> None:
    check_clauses()
    assert [c.ref[-2] for c in CLAUSES] == list("abcdefghijklmnopqrst")
    for lang in ("en", "zh-CN"):
        cat = json.loads((I18N / f"disc_ghg.{lang}.json").read_text(encoding="utf-8"))
        assert all(c.label in cat for c in CLAUSES)
    bad = (*CLAUSES, CLAUSES[0])
    with pytest.raises(ValueError, match="repeated"):
        check_clauses(bad)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["complete", "complete"], "complete"),
        (["complete", "missing"], "partial"),
        (["partial"], "partial"),
        (["missing", "missing"], "missing"),
        ([], "missing"),
    ],
)
def test_combine(statuses: list[str], expected: str) -> None:
    assert combine(statuses) == expected  # type: ignore[arg-type]


def test_status_from_facts_and_conformity_follows_the_others() -> None:
    complete: Fact = {"status": "complete", "source": "snapshot:x"}
    every = {f: complete for c in CLAUSES for f in c.facts}
    got = {c.ref: s for c, s in checklist([_section(every)])}
    assert set(got.values()) == {"complete"}  # r) complete only when all others are
    partial = dict(every)
    partial["ghg.removals"] = {"status": "missing", "source": "not_available"}
    partial["ghg.by_gas"] = {"status": "partial", "source": "snapshot:x"}
    got = {c.ref: s for c, s in checklist([_section(partial)])}
    assert got["9.3.1 h)"] == "missing"
    assert got["9.3.1 f)"] == "partial"  # scope 1 complete, by gas partial
    assert got["9.3.1 r)"] == "partial"
    none = {c.ref: s for c, s in checklist([])}
    assert set(none.values()) == {"missing"}  # nothing stated: nothing claimed
