"""The framework mapping and the datapoints entered by hand (decision 0097).

- the bundled frameworks (IFRS S2 2023, HKEX Appendix C2, CDP 2024, ISO 14064-1 cl. 9.3.1):
  every bound fact is a fact of ``FACTS``, references unique, the paragraphs the issue names
  present, and every label (facts, requirements, frameworks, licence notes) in both catalogues —
  lingtan's own short words, never the licensed text;
- the edition's ``mapping`` section from hand-built sections: each table's statuses and the
  summary's counts recounted from the rows;
- the datapoints: enter, review, approve (audited; approval only after review; a change returns
  to ``entered``), refusals keyed; what ``datapoints_for`` gives the edition;
- the live mapping on a workspace: a datapoint going from not entered to entered to approved
  moves CDP 5.10 from missing to partial to complete.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import store_session
from lingtan.adapters.i18n.messages import catalogue
from lingtan.adapters.services import disclosure_datapoints as dp
from lingtan.adapters.services import disclosure_mapping as sv
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.audit import AuditEntry
from lingtan.modules.disclosure.document import empty_section
from lingtan.modules.disclosure.facts import FACTS, facts_of
from lingtan.modules.disclosure.frameworks import binding_kind

#: the tests that open the workspace run on both of its stores
STORES = pytest.mark.stores("sqlite", "postgresql")

FY = "FY2023/24"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _refs(key: str) -> set[str]:
    return {r.ref for r in sv.framework_of(key).requirements}


def test_bundled_frameworks_bind_known_facts_and_unique_refs() -> None:
    fws = sv.frameworks()
    assert [f.key for f in fws] == ["ifrs_s2", "hkex", "cdp", "iso14064"]
    bound: set[str] = set()
    for fw in fws:
        refs = [r.ref for r in fw.requirements]
        assert len(refs) == len(set(refs)), fw.key
        for r in fw.requirements:
            for b in r.binds:
                kind, key = binding_kind(b)
                if kind == "fact":
                    assert key in FACTS, (fw.key, r.ref, b)
                    bound.add(key)
    # the references the issue and the plan name
    ifrs = _refs("ifrs_s2")
    for p in ("5", "6(a)", "6(b)", "7", "10(a)", "13", "14(a)", "16(a)", "22(a)", "24", "25(a)",
              "25(c)", "26", "29(b)", "29(c)", "29(d)", "29(e)", "29(f)", "29(g)", "33", "34",
              "35", "36(e)"):  # fmt: skip
        assert f"IFRS S2 {p}" in ifrs
    assert {f"IFRS S2 29(a)({i})" for i in ("i", "ii", "iii", "iv", "v", "vi")} <= ifrs
    cdp = _refs("cdp")
    assert {f"CDP {q}" for q in ("7.5", "7.6", "7.7", "7.8", "7.9", "7.30", "7.53", "7.55",
                                 "5.11")} <= cdp  # fmt: skip
    assert {"C2 KPI A1.2", "C2 KPI A2.1", "C2 D Governance"} <= _refs("hkex")
    assert {f"ISO 14064-1 9.3.1({c})" for c in "abcdefghijklmnopqrst"} == _refs("iso14064")
    # most facts are asked for by some framework (circularity and inclusion are lingtan's own)
    assert len(bound) >= 50


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_every_label_is_in_both_catalogues_in_lingtans_own_short_words(locale: str) -> None:
    cat = catalogue(locale)
    keys = [f"disc_map.fact.{k}" for k in FACTS]
    for fw in sv.frameworks():
        keys += [fw.title, f"disc_map.licence.{fw.key}"]
        keys += [r.label for r in fw.requirements]
        keys += [f"disc_map.applies.{r.applies_if}" for r in fw.requirements if r.applies_if]
        keys += [f"disc_map.pillar.{r.pillar}" for r in fw.requirements if r.pillar]
    keys += [f"disc_map.datapoint.{k}" for k in dp_keys()]
    missing = [k for k in keys if k not in cat]
    assert missing == []
    labels = [cat[r.label] for fw in sv.frameworks() for r in fw.requirements]
    assert max(len(t) for t in labels) <= 60  # short labels, not the standards' sentences
    if locale == "zh-CN":
        assert all(CJK.search(cat[k]) for k in keys if ".licence." not in k)


def dp_keys() -> list[str]:
    from typing import get_args

    from lingtan.adapters.api.schemas.disclosure_mapping import DatapointKey
    from lingtan.modules.disclosure.frameworks import DATAPOINTS

    assert get_args(DatapointKey) == tuple(DATAPOINTS)  # the API's list is the module's
    return list(DATAPOINTS)


def test_mapping_section_from_hand_built_sections() -> None:
    inventory = empty_section("ghg_inventory", "t", None, facts_of("ghg_inventory"))
    inventory["available"] = True
    inventory["facts"]["ghg.scope1"] = {"status": "complete", "source": "snapshot:abc"}
    inventory["facts"]["ghg.scope2_location"] = {"status": "complete", "source": "snapshot:abc"}
    inventory["facts"]["ghg.scope3"] = {"status": "partial", "source": "snapshot:abc"}
    section = sv.mapping_section([inventory], {}, {})
    assert (section["key"], section["available"], section["facts"]) == ("mapping", True, {})
    tables = {t["key"]: t for t in section["tables"]}
    ifrs = {row[0]["v"]: row[4]["v"] for row in tables["mapping_ifrs_s2"]["rows"]}
    assert ifrs["IFRS S2 29(a)(i)"] == "disc_map.status.partial"  # S1, S2 complete; S3 partial
    assert ifrs["IFRS S2 29(f)"] == "disc_map.status.missing"
    cdp = {row[0]["v"]: row[4]["v"] for row in tables["mapping_cdp"]["rows"]}
    assert cdp["CDP 7.6"] == "disc_map.status.complete"  # scope 1 alone
    assert cdp["CDP 7.7"] == "disc_map.status.partial"  # location complete, market missing
    # the summary's counts recounted from each framework's rows
    for row in tables["mapping_summary"]["rows"]:
        fw = str(row[0]["v"]).rsplit(".", 1)[1]
        statuses = [r[4]["v"] for r in tables[f"mapping_{fw}"]["rows"]]
        got = [c["v"] for c in row[1:]]
        want = [statuses.count(f"disc_map.status.{s}") for s in ("complete", "partial", "missing")]
        assert got == [*want, len(statuses)]
    assert tables["mapping_ifrs_s2"]["note"] == "disc_map.licence.ifrs_s2"
    # the sources, once each, with their status and where they come from, in the user's words
    sources = {row[0]["v"]: row for row in tables["mapping_sources"]["rows"]}
    s1 = sources["ghg.scope1"]
    assert [c["v"] for c in s1[1:]] == ["disc_map.fact.ghg.scope1", "disc_map.status.complete",
                                        "snapshot:abc"]  # fmt: skip
    body = sources["gov.body"]  # no governance section given: not stated
    assert [c["v"] for c in body[2:]] == ["disc_map.status.missing", "disc_map.source.not_stated"]
    price = sources["datapoint:internal_carbon_price"]
    assert price[1]["v"] == "disc_map.datapoint.internal_carbon_price"
    assert sources["narrative:governance"][1] == {"kind": "label", "v": "disc_map.narrative",
                                                   "args": {"name": "governance"}}  # fmt: skip
    assert len(sources) == len({b for fw in sv.frameworks() for r in fw.requirements
                                for b in r.binds})  # fmt: skip


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> LocalContext:
    from lingtan.adapters.store.workspace import init_workspace

    folder = tmp_path_factory.mktemp(f"mapping-{workspace_store}") / "ws"
    init_workspace(folder, organisation="Map Co", region="CN", start_month=4).engine.dispose()
    return LocalContext(folder)


@pytest.fixture
def db(ctx: LocalContext) -> Iterator[Session]:
    with store_session(ctx) as s:
        yield s
        s.rollback()


def _refused(call: object, key: str) -> str:
    with pytest.raises(dp.DatapointError) as err:
        call()  # type: ignore[operator]
    assert err.value.key == f"disc_map.err.datapoint.{key}", err.value.key
    return err.value.kind


@STORES
def test_datapoints_review_and_audit(db: Session, ctx: LocalContext) -> None:
    row = dp.set_datapoint(db, ctx, "internal_carbon_price", "FY2023-24", value="80",
                           unit="cny / tCO2e", text="shadow price in capex decisions")  # fmt: skip
    assert (row.fiscal_year, row.value, row.unit, row.status) == (FY, 80.0, "CNY/t CO2e", "entered")
    approve = lambda: dp.review_datapoint(db, ctx, "internal_carbon_price", FY, "approved")  # noqa: E731
    assert _refused(approve, "review_first") == "conflict"
    dp.review_datapoint(db, ctx, "internal_carbon_price", FY, "reviewed")
    row = dp.review_datapoint(db, ctx, "internal_carbon_price", FY, "approved")
    assert (row.status, row.reviewed_by, row.approved_by) == ("approved", ctx.actor, ctx.actor)
    # the same content again changes nothing; a new value starts again at "entered"
    same = dp.set_datapoint(db, ctx, "internal_carbon_price", FY, value=80.0,
                            unit="CNY/t CO2e", text="shadow price in capex decisions")  # fmt: skip
    assert same.status == "approved"
    row = dp.set_datapoint(db, ctx, "internal_carbon_price", FY, value=95, unit="CNY/t CO2e")
    assert (row.status, row.reviewed_by, row.approved_by) == ("entered", None, None)
    db.commit()
    actions = {e.action for e in db.scalars(select(AuditEntry))}
    assert {"disclosure_datapoint.create", "disclosure_datapoint.update"} <= actions
    assert dp.datapoints_for(ctx, FY) == {
        "internal_carbon_price": {
            "value": 95.0,
            "unit": "CNY/t CO2e",
            "text": None,
            "status": "entered",
            "source": None,
        }
    }
    dp.delete_datapoint(db, ctx, "internal_carbon_price", FY)
    db.commit()
    assert dp.datapoints_for(ctx, FY) == {}


@STORES
def test_datapoint_refusals_are_keyed(db: Session, ctx: LocalContext) -> None:
    def put(**kw: object) -> object:
        args = {"value": 1, "unit": "CNY", **kw}
        key = str(args.pop("key", "capital_deployment"))
        fy = str(args.pop("fy", FY))
        return lambda: dp.set_datapoint(db, ctx, key, fy, **args)

    assert _refused(put(key="carbon_budget"), "key") == "invalid"
    assert _refused(put(fy="FY2023/25"), "year") == "invalid"
    assert _refused(put(unit="CNY/t CO2e"), "unit") == "invalid"  # an amount, not a price
    assert _refused(put(key="internal_carbon_price", unit="CNY"), "unit") == "invalid"
    assert _refused(put(value="-5"), "value") == "invalid"
    assert _refused(put(value="nan"), "value") == "invalid"
    assert _refused(put(value=None), "required") == "invalid"
    assert _refused(put(text="a\x00b"), "text") == "invalid"
    assert _refused(lambda: dp.review_datapoint(db, ctx, "capital_deployment", FY, "reviewed"),
                    "not_found") == "not_found"  # fmt: skip
    assert _refused(lambda: dp.review_datapoint(db, ctx, "capital_deployment", FY, "done"),
                    "status") == "invalid"  # fmt: skip


@STORES
def test_live_mapping_follows_the_datapoint(ctx: LocalContext) -> None:
    def cdp_5_10() -> str:
        view = sv.live_mapping(ctx, FY, framework="cdp")
        assert [f["key"] for f in view["frameworks"]] == ["cdp"]
        assert view["snapshot_id"] is None  # no inventory calculated in this workspace
        return next(r["status"] for r in view["frameworks"][0]["requirements"]
                    if r["ref"] == "CDP 5.10")  # fmt: skip

    assert cdp_5_10() == "missing"
    with store_session(ctx) as db:
        dp.set_datapoint(db, ctx, "internal_carbon_price", FY, value=120, unit="HKD/t CO2e")
        db.commit()
    assert cdp_5_10() == "partial"
    with store_session(ctx) as db:
        dp.review_datapoint(db, ctx, "internal_carbon_price", FY, "reviewed")
        dp.review_datapoint(db, ctx, "internal_carbon_price", FY, "approved")
        db.commit()
    assert cdp_5_10() == "complete"
    with pytest.raises(sv.MappingError) as err:
        sv.live_mapping(ctx, FY, framework="gri")
    assert (err.value.kind, err.value.key) == ("not_found", "disc_map.err.framework_unknown")
