"""The climate risk register use cases (issue 17 items 1–2, decision 0080) on the workspace of
:mod:`riskkit` (four items; their ratings worked by hand in riskkit's table)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import store_session
from lingtan.adapters.services import risk_register as sv
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.adapters.store.risk_register import RiskItemRow
from riskkit import HEADER, REGISTER_CSV, SUPPLIER, add_supplier, prepare


@pytest.fixture
def ctx(tmp_path: Path) -> LocalContext:
    return LocalContext(prepare(tmp_path / "ws"))


@pytest.fixture
def db(ctx: LocalContext) -> Iterator[Session]:
    with store_session(ctx) as s:
        yield s


def _load(db: Session, ctx: LocalContext) -> sv.RegisterImport:
    return sv.import_register(db, ctx, REGISTER_CSV.encode(), "risks.csv")


def _ratings(db: Session, ctx: LocalContext) -> dict[str, tuple[float | None, str | None]]:
    return {r.code: (r.score, r.band) for r in sv.list_items(db, ctx)}


def test_import_rates_every_item(db: Session, ctx: LocalContext) -> None:
    got = _load(db, ctx)
    assert sorted(got.created) == ["O-LOWCARB", "P-TYPHOON", "T-CARBON", "T-DISCL"]
    assert _ratings(db, ctx) == {
        "T-CARBON": (12.0, "high"),  # 3 × max(4, 2)
        "P-TYPHOON": (20.0, "very_high"),  # 4 × max(5, 4)
        "O-LOWCARB": (12.0, "high"),  # 3 × max(3, 4)
        "T-DISCL": (None, None),  # no likelihood, no consequence
    }
    carbon = sv.item_dict(sv.get_item(db, ctx, "T-CARBON"), date(2024, 6, 1))
    assert carbon["financial"] == {"line": "opex", "low": 1e6, "central": 2e6, "high": 5e6,
                                   "currency": "CNY"}  # fmt: skip
    assert carbon["links"] == {"sites": ["HQ", "WH"], "targets": ["S12"], "projects": ["PV1"]}
    assert carbon["horizons"] == ["short", "medium"]
    assert carbon["next_review"] == date(2025, 5, 1)  # high, not a key unit: + 12 months
    typhoon = sv.get_item(db, ctx, "P-TYPHOON")
    assert typhoon.next_review == date(2024, 6, 1)  # key unit: 2024-03-01 + 3 months


def test_heatmap_counts_equal_the_rated_items(db: Session, ctx: LocalContext) -> None:
    _load(db, ctx)
    hm = sv.heatmap(db, ctx)
    assert hm.counts == {(3, 4): 2, (4, 5): 1}
    assert sum(hm.counts.values()) == hm.rated == 3
    rated = [r for r in sv.list_items(db, ctx) if r.band is not None]
    assert hm.rated == len(rated)
    assert hm.unrated == 1
    assert hm.bands[(4, 5)] == "very_high"
    assert hm.bands[(1, 4)] == "low"  # 1 × 4 = 4 < 5


def test_matrix_change_rerates_every_item_and_is_audited(db: Session, ctx: LocalContext) -> None:
    _load(db, ctx)
    before = db.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    n = sv.set_matrix(db, ctx, {"aggregation": "mean"})
    assert n == 4
    assert _ratings(db, ctx) == {
        "T-CARBON": (9.0, "medium"),  # 3 × (4 + 2) / 2
        "P-TYPHOON": (18.0, "very_high"),  # 4 × (5 + 4) / 2
        "O-LOWCARB": (10.5, "high"),  # 3 × (3 + 4) / 2
        "T-DISCL": (None, None),
    }
    entries = list(db.scalars(select(AuditEntry).where(AuditEntry.id > before)))
    assert "risk_matrix.create" in {e.action for e in entries}
    ids = {r.code: r.id for r in db.scalars(select(RiskItemRow))}
    rerated = {e.target for e in entries if e.action == "risk_item.update"}
    # the three rated items changed score: each an audit entry
    assert {f"risk_item:{ids[c]}" for c in ("T-CARBON", "P-TYPHOON", "O-LOWCARB")} <= rerated
    # T-CARBON medium now: its next review stays 12 months; own bands labelled organisation's
    assert sv.get_matrix(db, ctx).aggregation == "mean"
    sv.set_matrix(db, ctx, {"bands": [{"band": "high", "min": 10}, {"band": "low", "min": 0}]})
    assert sv.get_matrix(db, ctx).bands_source == "organisation"
    assert sv.get_item(db, ctx, "P-TYPHOON").band == "high"
    assert verify(db).ok


def test_matrix_refused_when_an_item_does_not_fit(db: Session, ctx: LocalContext) -> None:
    _load(db, ctx)
    with pytest.raises(sv.RiskRegisterError) as err:  # P-TYPHOON is rated L = 4
        sv.set_matrix(db, ctx, {"likelihood_levels": 3})
    assert err.value.key == "risk.err.matrix_item"
    assert err.value.params["code"] == "P-TYPHOON"
    with pytest.raises(sv.RiskRegisterError) as err2:
        sv.set_matrix(db, ctx, {"aggregation": "median"})
    assert err2.value.key == "risk.err.matrix_aggregation"
    assert sv.get_matrix(db, ctx).aggregation == "max"


def test_import_all_or_nothing_every_cell_named(db: Session, ctx: LocalContext) -> None:
    bad = HEADER + (
        "aspects,risk,policy_legal,carbon_pricing,Shadow,,short,,,,false,,,,,,,,,,,,,,,,,,,,,\n"
        "R2,risk,market,carbon_pricing,Wrong driver,,,,,,false,,,,,,,,,,,,,,,,,,,,,\n"
        "R3,risk,policy_legal,carbon_pricing,Bad cells,,soon,,,,maybe,5,6,,,,,,,,,,,,,NOPE,,,,,"
        "2024-13-01,\n"
        "R4,opportunity,policy_legal,carbon_pricing,Kind,,,,,,false,,,,,,,,,,,,,,,,,,,,,\n"
        "R5,risk,policy_legal,carbon_pricing,Unknown site,,,,,,false,,,,,,,,,,,,,,,NOPE,,,,,,\n"
        "R5,risk,policy_legal,carbon_pricing,Twice,,,,,,false,,,,,,,,,,,,,,,,,,,,,\n"
    )
    with pytest.raises(sv.RiskRegisterFileError) as err:
        sv.import_register(db, ctx, bad.encode(), "bad.csv")
    cells = {(e.row, e.column, e.message.key) for e in err.value.errors}
    assert cells == {
        (2, "code", "risk.err.code_reserved"),
        (3, "driver", "risk.err.driver_category"),
        (4, "horizons", "risk.err.horizon"),
        (4, "key_unit", "risk.err.flag"),
        (4, "likelihood", "risk.err.likelihood"),  # 5 > 4 levels
        (4, "c_finance", "risk.err.consequence"),  # 6 > 5 levels
        (4, "last_reviewed", "risk.err.date"),
        (5, "category", "risk.err.kind_category"),
        (6, "sites", "risk.err.unknown_sites"),
        (7, "code", "risk.file.duplicate"),
    }
    assert sv.list_items(db, ctx) == []  # nothing imported
    zh = sv.file_error_lines(err.value, "zh-CN")
    assert zh[0].startswith("文件未导入")
    assert "bad.csv，第 2 行，code 列" in zh[1]


def test_import_shape_refusals(db: Session, ctx: LocalContext) -> None:
    for body, key in (
        ("code,kind,category,driver\nX,risk,market,consumer_behaviour\n", "risk.file.columns"),
        (HEADER.replace("source", "sauce"), "risk.file.unknown_columns"),
        ("", "risk.file.empty"),
    ):
        with pytest.raises(sv.RiskRegisterFileError) as err:
            sv.import_register(db, ctx, body.encode(), "x.csv")
        assert err.value.key == key


def test_export_round_trip_csv_and_xlsx(db: Session, ctx: LocalContext) -> None:
    _load(db, ctx)
    first = [sv.item_dict(r) for r in sv.list_items(db, ctx)]
    for fmt in ("csv", "xlsx"):
        data = sv.export_register(db, ctx, fmt)
        got = sv.import_register(db, ctx, data, f"risks.{fmt}")
        assert (got.created, len(got.updated)) == ((), 4)
        assert [sv.item_dict(r) for r in sv.list_items(db, ctx)] == first
    with pytest.raises(sv.RiskRegisterError):
        sv.export_register(db, ctx, "pdf")


def test_create_update_review_close_history(db: Session, ctx: LocalContext) -> None:
    with pytest.raises(sv.RiskRegisterError) as err:
        sv.create_item(db, ctx, {"code": "S1", "kind": "risk", "category": "market",
                                 "driver": "consumer_behaviour", "title": "Buyers",
                                 "links": {"suppliers": [SUPPLIER]}})  # fmt: skip
    assert err.value.key == "risk.err.unknown_suppliers"
    add_supplier(db, ctx)
    row = sv.create_item(db, ctx, {"code": "S1", "kind": "risk", "category": "market",
                                   "driver": "consumer_behaviour", "title": "Buyers",
                                   "links": {"suppliers": [SUPPLIER]},
                                   "financial": {"low": "1,5", "high": "2,5"}})  # fmt: skip
    assert row.band is None
    assert row.financial == {"low": 1.5, "high": 2.5}  # decimal comma
    with pytest.raises(sv.RiskRegisterError) as dup:
        sv.create_item(db, ctx, {"code": "S1", "kind": "risk", "category": "market",
                                 "driver": "consumer_behaviour", "title": "Again"})  # fmt: skip
    assert dup.value.kind == "conflict"
    sv.update_item(db, ctx, "S1", {"key_unit": True, "owner_unit": "Sales"})
    review = sv.review_item(db, ctx, "S1", likelihood=4, consequences={"market_share": 4},
                            reviewed=date(2024, 1, 31), note="first review")  # fmt: skip
    assert (review.score, review.band) == (16.0, "very_high")  # 4 × 4
    item = sv.get_item(db, ctx, "S1")
    assert item.last_reviewed == date(2024, 1, 31)
    assert item.next_review == date(2024, 4, 30)  # key unit: + 3 months, 31 Apr → 30 Apr
    with pytest.raises(sv.RiskRegisterError) as bad:
        sv.review_item(db, ctx, "S1", likelihood=5, consequences={})
    assert bad.value.key == "risk.err.likelihood"
    sv.close_item(db, ctx, "S1")
    assert sv.get_item(db, ctx, "S1").status == "closed"
    assert [r.note for r in sv.reviews(db, ctx, "S1")] == ["first review"]
    actions = [c.action for c in sv.history(db, ctx, "S1")]
    assert actions[-1] == "create"
    assert actions.count("update") >= 3
    with pytest.raises(sv.RiskRegisterError) as nf:
        sv.get_item(db, ctx, "NOPE")
    assert nf.value.kind == "not_found"


def test_due_reviews(db: Session, ctx: LocalContext) -> None:
    _load(db, ctx)
    due = sv.due_reviews(db, ctx, on=date(2024, 6, 15))
    # P-TYPHOON next 2024-06-01 (< 15 June: overdue); T-DISCL, O-LOWCARB never reviewed;
    # T-CARBON next 2025-05-01: not due
    assert [(d.code, d.overdue) for d in due] == [
        ("P-TYPHOON", True), ("O-LOWCARB", False), ("T-DISCL", False)]  # fmt: skip


def test_filters(db: Session, ctx: LocalContext) -> None:
    _load(db, ctx)

    def codes(**kw: str) -> list[str]:
        return [r.code for r in sv.list_items(db, ctx, **kw)]

    assert codes(kind="opportunity") == ["O-LOWCARB"]
    assert codes(band="high") == ["O-LOWCARB", "T-CARBON"]
    assert codes(band="unrated") == ["T-DISCL"]
    assert codes(horizon="long") == ["O-LOWCARB", "P-TYPHOON"]
    assert codes(q="typhoon") == ["P-TYPHOON"]
    assert codes(category="policy_legal") == ["T-CARBON", "T-DISCL"]
