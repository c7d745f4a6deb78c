"""The framework mapping's status rules (decision 0097) on hand-built sections: a requirement is
complete when every binding is, missing when none is, partial otherwise; a fact's status is the
one its owning section states (a fact no section states is missing, a statement by another
section is not taken); a narrative counts once it has text in one language (``<key>`` or a key
under it); a datapoint counts complete only once approved; changing the data changes the
status. And the framework file's checks: unknown fact, duplicate reference, unknown field,
each refusal naming the file, the requirement and the field."""

from __future__ import annotations

from typing import Any

import pytest

from lingtan.modules.disclosure.document import Fact, Section, empty_section
from lingtan.modules.disclosure.errors import FrameworkError
from lingtan.modules.disclosure.facts import facts_of
from lingtan.modules.disclosure.frameworks import Framework, parse_framework
from lingtan.modules.disclosure.mapping import counts, framework_status, stated_facts

FRAMEWORK: dict[str, Any] = {
    "key": "test_fw",
    "id": "test-fw-2024",
    "version": "2024",
    "source": "hand-made for the tests",
    "licence_note": "references only",
    "requirements": [
        # two facts of the inventory section
        {
            "ref": "T 1",
            "slug": "t1",
            "type": "table",
            "pillar": "metrics_targets",
            "binds": ["ghg.scope1", "ghg.scope2_location"],
        },
        # a fact and a narrative of the governance section
        {
            "ref": "T 2",
            "slug": "t2",
            "type": "narrative",
            "pillar": "governance",
            "binds": ["gov.body", "narrative:governance"],
        },
        # a datapoint entered by hand
        {
            "ref": "T 3",
            "slug": "t3",
            "type": "number",
            "pillar": "metrics_targets",
            "binds": ["datapoint:internal_carbon_price"],
        },
        # a fact of a section that is not available
        {"ref": "T 4", "slug": "t4", "type": "table", "binds": ["circ.packaging"]},
    ],
}


def _framework() -> Framework:
    return parse_framework(FRAMEWORK, "test.yaml")


def _section(key: str, facts: dict[str, Fact]) -> Section:
    """A section of ``key`` stating ``facts`` (every other fact of the section missing)."""
    section = empty_section(key, f"t.{key}", None, facts_of(key))
    section["available"] = True
    section["facts"].update(facts)
    return section


def _sections(scope2: str = "complete") -> list[Section]:
    inventory = _section("ghg_inventory", {
        "ghg.scope1": {"status": "complete", "source": "snapshot:abc"},
        "ghg.scope2_location": {"status": scope2, "source": "snapshot:abc"},  # type: ignore[typeddict-item]
    })  # fmt: skip
    governance = _section("governance", {"gov.body": {"status": "partial", "source": "gov"}})
    circularity = empty_section("circularity", "t.circularity", None, facts_of("circularity"))
    return [inventory, governance, circularity]


def _status(
    sections: list[Section], narratives: Any = None, datapoints: Any = None
) -> dict[str, str]:
    got = framework_status(_framework(), sections, narratives or {}, datapoints or {})
    return {s.requirement.ref: s.status for s in got}


def test_complete_partial_and_missing_are_computed() -> None:
    statuses = _status(_sections())
    # T 1: scope 1 complete + scope 2 complete → complete
    # T 2: gov.body partial + no narrative (missing) → partial
    # T 3: no datapoint → missing; T 4: circularity not available → missing
    assert statuses == {"T 1": "complete", "T 2": "partial", "T 3": "missing", "T 4": "missing"}
    got = framework_status(_framework(), _sections(), {}, {})
    assert counts(got) == {"complete": 1, "partial": 1, "missing": 2, "total": 4}
    t4 = got[3].bindings[0]
    assert (t4.status, t4.source) == ("missing", "not_available")


def test_a_change_in_the_data_changes_the_status() -> None:
    assert _status(_sections(scope2="complete"))["T 1"] == "complete"
    # the location-based scope 2 becomes missing (no grid factor): one of two bindings complete
    assert _status(_sections(scope2="missing"))["T 1"] == "partial"
    # the governance narrative written in one language: gov.body still partial → partial
    narratives = {"governance.board_oversight": {"zh-CN": "董事会每季度审议气候议题。"}}
    assert _status(_sections(), narratives)["T 2"] == "partial"
    sections = _sections()
    sections[1]["facts"]["gov.body"] = {"status": "complete", "source": "gov"}
    assert _status(sections, narratives)["T 2"] == "complete"
    assert _status(sections, {"governance": {"en": "  ", "zh-CN": ""}})["T 2"] == "partial"


def test_a_datapoint_counts_only_once_approved() -> None:
    price = {"value": 80.0, "unit": "CNY/t CO2e", "text": None}
    assert (
        _status([], datapoints={"internal_carbon_price": {**price, "status": "entered"}})["T 3"]
        == "partial"
    )
    assert (
        _status([], datapoints={"internal_carbon_price": {**price, "status": "reviewed"}})["T 3"]
        == "partial"
    )
    assert (
        _status([], datapoints={"internal_carbon_price": {**price, "status": "approved"}})["T 3"]
        == "complete"
    )


def test_a_fact_is_taken_only_from_its_owning_section() -> None:
    impostor = _section("strategy", {})
    impostor["facts"]["ghg.scope1"] = {"status": "complete", "source": "elsewhere"}
    assert "ghg.scope1" not in stated_facts([impostor])
    statuses = framework_status(_framework(), [impostor], {}, {})
    scope1 = statuses[0].bindings[0]
    assert (scope1.status, scope1.source) == ("missing", "not_stated")


@pytest.mark.parametrize(
    ("change", "reason", "field"),
    [
        ({"binds": ["ghg.no_such_fact"]}, "unknown_binding", "binds"),
        ({"binds": ["narrative:nowhere"]}, "unknown_binding", "binds"),
        ({"binds": ["narrative:governance.wishes"]}, "unknown_binding", "binds"),
        ({"binds": ["datapoint:wishful"]}, "unknown_binding", "binds"),
        ({"binds": []}, "no_binding", "binds"),
        ({"ref": "T 1"}, "duplicate_ref", "ref"),
        ({"pillar": "finance"}, "field", "pillar"),
        ({"type": "essay"}, "field", "type"),
        ({"wording": "the licensed text"}, "unknown_field", "wording"),
    ],
)
def test_a_bad_framework_file_is_refused_naming_file_requirement_field(
    change: dict[str, Any], reason: str, field: str
) -> None:
    data = {**FRAMEWORK, "requirements": [dict(r) for r in FRAMEWORK["requirements"]]}
    data["requirements"][1].update(change)
    with pytest.raises(FrameworkError) as err:
        parse_framework(data, "bad.yaml")
    assert err.value.message.key == f"disc_map.err.framework.{reason}"
    assert err.value.field == field
    assert err.value.message.params["file"] == "bad.yaml"
    assert str(err.value.message.params["where"]).startswith("requirements[1]")
