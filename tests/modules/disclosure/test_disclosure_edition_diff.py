"""Editions (decision 0096): the id is the canonical SHA-256 of the document and the content hash
leaves the restatement out; the diff of two documents names the inputs, sections, facts, tables
and cells that changed (on the hand-built sample of :mod:`disclosurekit`); the restatement rules
refuse new content after publication unless it names the published edition and says why."""

from __future__ import annotations

import pytest

from disclosurekit import EDITION_ID, SCOPE1, TOTAL, sample_document
from lingtan.core.hashing import canonical_sha256
from lingtan.modules.disclosure.document import label, number
from lingtan.modules.disclosure.edition import (
    check_build,
    check_publish,
    check_reason,
    content_sha,
    diff_documents,
    edition_id,
    is_empty,
)
from lingtan.modules.disclosure.errors import EditionError

K = "disc_render.sample."


def test_id_is_the_document_hash_and_content_leaves_the_restatement_out() -> None:
    doc = sample_document()
    assert edition_id(doc) == EDITION_ID == canonical_sha256(doc)
    restated = sample_document()
    restated["supersedes"] = "a" * 64
    restated["restatement"] = {"reason": "error corrected", "changed": []}
    assert edition_id(restated) != EDITION_ID
    assert content_sha(restated) == content_sha(doc)
    assert is_empty(diff_documents(doc, sample_document()))


def test_diff_names_the_changed_cell_input_fact_and_narrative() -> None:
    a, b = sample_document(), sample_document()
    inv = b["sections"][1]
    table = inv["tables"][0]
    # scope 1 restated: 1,234.5 → 1,240.0 t; the total follows: 10,711.875 + 5.5 = 10,717.375
    table["rows"][0][1] = number(1240.0, "t CO2e", 1, explain={"scope": 1})
    # scope 2 (location): the same figure traced to another snapshot — a source change only
    table["rows"][1][1] = number(567.25, "t CO2e", 2, explain={"snapshot": "f" * 64, "scope": 2})
    table["rows"][4][1] = number(TOTAL + 5.5, "t CO2e", 1)
    table["rows"].append(
        [label(K + "scope3_cat", category=4), number(12.0, "t CO2e", 1), number(0.1, "%", 2)]
    )
    inv["facts"]["ghg.scope2_market"] = {"status": "complete", "source": "snapshot:x"}
    b["inputs"][f"snapshot:{b['fiscal_year']}"] = "f" * 64
    b["narratives"]["ghg_inventory"]["zh-CN"] = "范围三占主导。"
    del b["sections"][3]  # circularity left out
    d = diff_documents(a, b)
    assert d["changed"] == [f"snapshot:{a['fiscal_year']}"]
    assert d["inputs"][0]["after"] == "f" * 64
    keys = {s["key"]: s for s in d["sections"]}
    assert set(keys) == {"ghg_inventory", "circularity"}
    assert keys["circularity"]["status"] == "removed"
    s = keys["ghg_inventory"]
    assert s["status"] == "changed"
    assert s["facts"] == [
        {"fact": "ghg.scope2_market",
         "before": {"status": "missing", "source": "not_available"},
         "after": {"status": "complete", "source": "snapshot:x"}}
    ]  # fmt: skip
    (tb,) = s["tables"]
    assert (tb["key"], tb["rows_added"], tb["rows_removed"], tb["sources_changed"]) == (
        "inv_by_scope", 1, 0, 1)  # fmt: skip
    cells = {(c["row"]["v"], c["column"]): (c["before"]["v"], c["after"]["v"]) for c in tb["cells"]}
    assert cells == {
        (K + "scope1", "emissions"): (SCOPE1, 1240.0),
        (K + "total", "emissions"): (TOTAL, TOTAL + 5.5),
    }
    assert d["narratives"] == [
        {"key": "ghg_inventory", "lang": "zh-CN", "before": None, "after": "范围三占主导。"}
    ]


def test_rows_without_a_unique_first_cell_are_compared_by_position() -> None:
    a, b = sample_document(), sample_document()
    for doc in (a, b):
        doc["sections"][1]["tables"][1]["rows"][1][0] = doc["sections"][1]["tables"][1]["rows"][0][
            0
        ]
    b["sections"][1]["tables"][1]["rows"][1][1] = number(10400.0, "t CO2e", 0)
    (tb,) = diff_documents(a, b)["sections"][0]["tables"]
    assert [(c["column"], c["before"]["v"], c["after"]["v"]) for c in tb["cells"]] == [
        ("total", 10500.0, 10400.0)
    ]


def test_restatement_rules() -> None:
    pub = "b" * 64
    check_build(published=None, supersedes=None, reason=None)  # a first edition
    check_build(published=pub, supersedes=pub, reason="factor corrected")
    cases = [
        ({"published": pub, "supersedes": None, "reason": None}, "restate_needed", "supersedes"),
        (
            {"published": pub, "supersedes": "c" * 64, "reason": "x"},
            "supersede_current",
            "supersedes",
        ),
        ({"published": pub, "supersedes": pub, "reason": None}, "reason_needed", "reason"),
        ({"published": None, "supersedes": None, "reason": "why"}, "reason_alone", "reason"),
    ]
    for kw, key, field in cases:
        with pytest.raises(EditionError) as exc:
            check_build(**kw)  # type: ignore[arg-type]
        assert (exc.value.message.key, exc.value.field) == (f"disc_ed.err.{key}", field)
    check_publish(state="draft", supersedes=None, published=None)
    check_publish(state="draft", supersedes=pub, published=pub)
    check_publish(state="published", supersedes=None, published="x")  # published again: as is
    with pytest.raises(EditionError) as exc:
        check_publish(state="draft", supersedes=None, published=pub)
    assert exc.value.message.key == "disc_ed.err.publish_not_restating"
    with pytest.raises(EditionError) as exc:
        check_publish(state="superseded", supersedes=None, published=None)
    assert exc.value.message.key == "disc_ed.err.publish_superseded"
    assert check_reason("  a  new\tfactor ") == "a new factor"
    assert check_reason("   ") is None
    with pytest.raises(EditionError):
        check_reason("x" * 2001)
