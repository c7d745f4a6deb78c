"""The edition use cases (decision 0096) on :mod:`disclosure_editions_kit`'s workspace: the
collector's scope and its thirteen sections (a producer not installed gives "not available",
never a figure), build idempotent (same data → same id), a published year refuses new content
unless restated with a reason, the restatement names what changed, publishing it supersedes the
old edition (still readable), the diff, narratives (keyed refusals, all or nothing, audited),
prefixes and permissions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from disclosure_editions_kit import YEAR, add_fuel, build_editions_workspace
from lingtan.adapters.services import disclosure_collect as dc
from lingtan.adapters.services import disclosure_editions as sv
from lingtan.adapters.services import disclosure_narratives as nv
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.core.hashing import canonical_sha256
from lingtan.modules.disclosure.document import SECTION_ORDER
from lingtan.modules.disclosure.facts import facts_of


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> LocalContext:
    return LocalContext(build_editions_workspace(tmp_path_factory.mktemp("editions") / "ws"))


def _refused(call: object, key: str, kind: str, field: str | None) -> None:
    with pytest.raises(sv.DisclosureEditionsError) as exc:
        call()  # type: ignore[operator]
    assert (exc.value.key, exc.value.kind, exc.value.field) == (key, kind, field)


def test_scope_and_sections(ctx: LocalContext) -> None:
    scope, sections = dc.collect_sections(ctx, "2023/24")
    snap = ctx.workspace().snapshots(YEAR)[0].id
    assert (scope.fiscal_year, scope.snapshot_id, scope.period_start, scope.period_end) == (
        YEAR, snap, "2023-04-01", "2024-03-31")  # fmt: skip
    assert (scope.base_year, scope.previous_snapshot_id) == (None, None)
    assert [s["key"] for s in sections] == list(SECTION_ORDER)
    for s in sections:  # each section states every fact it owns, whoever produced it
        assert set(s["facts"]) == set(facts_of(s["key"])), s["key"]
        if not s["available"]:
            assert all(f["status"] == "missing" for f in s["facts"].values())
    assert dc.not_available("governance")["title"] == "disc_ed.section.governance"
    _refused(lambda: dc.edition_scope(ctx, "FY23"), "disc_ed.err.fiscal_year", "invalid",
             "fiscal_year")  # fmt: skip


def test_build_publish_restate_diff(ctx: LocalContext) -> None:
    a = sv.build_edition(ctx, YEAR)
    assert (a.created, a.state, a.supersedes) == (True, "draft", None)
    assert a.document is not None
    assert a.edition_id == canonical_sha256(a.document)
    assert a.document["inputs"][f"snapshot:{YEAR}"] == ctx.workspace().snapshots(YEAR)[0].id
    again = sv.build_edition(ctx, "FY2023/24")
    assert (again.edition_id, again.created) == (a.edition_id, False)
    assert sv.get_edition(ctx, a.edition_id[:8]).edition_id == a.edition_id
    sv.publish_edition(ctx, a.edition_id)
    assert sv.publish_edition(ctx, a.edition_id).state == "published"  # as is
    # a restatement: one more fuel delivery, a new snapshot of the year
    add_fuel(ctx.workspace().path)
    _refused(lambda: sv.build_edition(ctx, YEAR), "disc_ed.err.restate_needed", "conflict",
             "supersedes")  # fmt: skip
    _refused(lambda: sv.build_edition(ctx, YEAR, supersedes=a.edition_id),
             "disc_ed.err.reason_needed", "invalid", "reason")  # fmt: skip
    _refused(lambda: sv.build_edition(ctx, YEAR, supersedes="abc"), "disc_ed.err.edition_ref",
             "invalid", "supersedes")  # fmt: skip
    _refused(lambda: sv.build_edition(ctx, YEAR, supersedes="0" * 12, reason="x"),
             "disc_ed.err.not_found", "not_found", "supersedes")  # fmt: skip
    _refused(lambda: sv.build_edition(ctx, "FY2022/23", supersedes=a.edition_id, reason="x"),
             "disc_ed.err.supersedes_year", "invalid", "supersedes")  # fmt: skip
    b = sv.build_edition(ctx, YEAR, supersedes=a.edition_id[:10], reason="September fuel added")
    assert (b.created, b.state, b.supersedes, b.reason) == (
        True, "draft", a.edition_id, "September fuel added")  # fmt: skip
    assert b.document is not None
    changed = b.document["restatement"]["changed"]  # type: ignore[index]
    assert f"snapshot:{YEAR}" in changed
    # the same restatement built again is the same edition
    assert (
        sv.build_edition(ctx, YEAR, supersedes=a.edition_id, reason="x").edition_id == b.edition_id
    )
    sv.publish_edition(ctx, b.edition_id)
    old = sv.get_edition(ctx, a.edition_id)  # still readable
    assert (old.state, old.superseded_by) == ("superseded", b.edition_id)
    _refused(lambda: sv.publish_edition(ctx, a.edition_id), "disc_ed.err.publish_superseded",
             "conflict", "edition")  # fmt: skip
    assert [e.edition_id for e in sv.list_editions(ctx, YEAR)] == [b.edition_id, a.edition_id]
    diff = sv.diff_editions(ctx, a.edition_id, b.edition_id)
    assert diff["changed"] == changed
    # the Scope 1 figure's cell: 0.719075 + 20 L × 2.0545 kg/L / 1000 = 0.760165 t CO2e
    scope1 = [
        (c["before"]["v"], c["after"]["v"])
        for s in diff["sections"] if s["key"] == "ghg_inventory"
        for tb in s["tables"] for c in tb["cells"]
        if c["after"].get("explain", {}).get("scope") == 1 and "gas" not in c["after"]["explain"]
    ]  # fmt: skip
    assert scope1
    assert all((x, y) == (pytest.approx(0.719075), pytest.approx(0.760165)) for x, y in scope1)
    assert diff["a"]["state"] == "superseded"
    assert diff["b"]["changed"] == changed
    view = sv.diff_view(diff, "zh-CN")
    assert all(not s["title"].startswith("disc_ed.") for s in view["sections"])


def test_narratives(ctx: LocalContext) -> None:
    got = nv.set_narrative(ctx, "governance", "zh", "董事会监督气候相关事宜。")
    assert got is not None
    assert (got.key, got.lang) == ("governance", "zh-CN")
    nv.set_narratives(ctx, "strategy", {"en": "Transition first.", "zh-CN": "转型优先。"})
    assert nv.narratives_for(ctx) == {
        "governance": {"zh-CN": "董事会监督气候相关事宜。"},
        "strategy": {"en": "Transition first.", "zh-CN": "转型优先。"},
    }
    _refused(lambda: nv.set_narrative(ctx, "preface", "en", "x"), "disc_ed.err.narrative_key",
             "invalid", "key")  # fmt: skip
    _refused(lambda: nv.set_narrative(ctx, "strategy", "fr", "x"), "disc_ed.err.lang",
             "invalid", "lang")  # fmt: skip
    # all or nothing: a bad text in one language writes neither
    _refused(lambda: nv.set_narratives(ctx, "strategy", {"en": "new", "zh-CN": "坏\x00"}),
             "disc_ed.err.text_control", "invalid", "text")  # fmt: skip
    assert nv.narratives_for(ctx)["strategy"]["en"] == "Transition first."
    assert nv.set_narrative(ctx, "strategy", "en", "  ") is None  # removed
    assert "en" not in nv.narratives_for(ctx)["strategy"]
    doc = dc.collect_document(ctx, YEAR)
    assert doc["narratives"]["governance"] == {"zh-CN": "董事会监督气候相关事宜。"}
    assert "narratives" in doc["inputs"]
    with ctx.workspace().session() as s:
        actions = set(s.scalars(select(AuditEntry.action)))
        assert verify(s).ok
    assert {"disclosure_narrative.create", "disclosure_narrative.delete",
            "disclosure_edition.create", "disclosure_edition.update"} <= actions  # fmt: skip


def test_every_narrative_entered_is_shown_in_its_section() -> None:
    section = dc.not_available("governance")
    section["narratives"] = ["governance.board_oversight"]
    texts = {"governance.remuneration": {"en": "x"}, "governance": {"zh-CN": "y"},
             "governance.board_oversight": {"en": "z"}, "strategy": {"en": "w"}}  # fmt: skip
    assert dc.with_narratives(section, texts)["narratives"] == [
        "governance", "governance.board_oversight", "governance.remuneration"]  # fmt: skip
    assert dc.with_narratives(section, {}) is section


def test_a_viewer_reads_but_cannot_change(ctx: LocalContext) -> None:
    class Viewer(LocalContext):
        def can(self, action: str) -> bool:  # type: ignore[override]
            return action == "read"

        def require(self, action: str) -> None:  # type: ignore[override]
            from lingtan.adapters.services.errors import forbidden

            if action != "read":
                raise forbidden("viewer")

    viewer = Viewer(Path(ctx.workspace().path))
    assert sv.list_editions(viewer)
    with pytest.raises(ServiceError) as exc:
        sv.build_edition(viewer, YEAR)
    assert exc.value.kind == "forbidden"
