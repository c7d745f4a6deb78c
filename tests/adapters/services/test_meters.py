"""The meter register (issue 16, decision 0071) on both workspace stores: create, update and
refuse with keyed reasons; the register's file imported all or nothing and exported so that it
reads back; meters as the module's Meter values."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.adapters.services import meters as svc
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.scoping import tenant_session
from lingtan.adapters.store.workspace import init_workspace
from lingtan.modules.energy.meters import Carrier, Measures, Source, ValueKind

pytestmark = pytest.mark.stores("sqlite", "postgresql")


@pytest.fixture
def ctx(tmp_path: Path, workspace_store: str) -> LocalContext:
    init_workspace(tmp_path / f"ws-{workspace_store}", organisation="Meter Co")
    return LocalContext(tmp_path / f"ws-{workspace_store}")


def _db(ctx: LocalContext):  # type: ignore[no-untyped-def]
    ws = ctx.workspace()
    return tenant_session(ws.engine, ws.organisation_id, actor=ws.actor)


def test_create_update_and_domain_meters(ctx: LocalContext) -> None:
    with _db(ctx) as db:
        svc.create_meter(
            db,
            ctx,
            {
                "code": "HF-M1",
                "site": "HF",
                "carrier": "electricity",
                "unit": "kWh",
                "source": "grid",
            },
        )
        svc.create_meter(
            db,
            ctx,
            {
                "code": "HF-M1-L1",
                "site": "HF",
                "carrier": "electricity",
                "unit": "kWh",
                "parent": "HF-M1",
                "billing": "no",
                "line": "L1",
                "multiplier": "80",
                "value_kind": "cumulative",
            },
        )
        row = svc.update_meter(db, ctx, "HF-M1", {"name": "main incomer", "interval_minutes": 30})
        assert (row.name, row.interval_minutes) == ("main incomer", 30)
        meters = svc.domain_meters(db, ctx)
    assert [m.code for m in meters] == ["HF-M1", "HF-M1-L1"]
    main, sub = meters
    assert (main.carrier, main.source, main.measures, main.interval_minutes) == (
        Carrier.ELECTRICITY,
        Source.GRID,
        Measures.CONSUMPTION,
        30,
    )
    assert (sub.parent, sub.billing, sub.multiplier, sub.value_kind) == (
        "HF-M1",
        False,
        80.0,
        ValueKind.CUMULATIVE,
    )


@pytest.mark.parametrize(
    ("fields", "key", "field"),
    [
        ({"carrier": "coal"}, "meters.err.choice", "carrier"),
        ({"unit": "m3"}, "meters.err.unit", "unit"),
        ({"interval_minutes": 7}, "meters.err.interval", "interval_minutes"),
        ({"tz": "Mars/Olympus"}, "meters.err.tz", "tz"),
        ({"multiplier": "-1"}, "meters.err.positive", "multiplier"),
        ({"parent": "NOPE"}, "meters.err.parent", "parent"),
        ({"carrier": "natural_gas", "unit": "m3", "source": "grid"}, "meters.err.source", "source"),
        ({"valid_from": "2024-02-01", "valid_to": "2024-01-01"}, "meters.err.dates", "valid_to"),
        ({"colour": "red"}, "meters.err.field", "colour"),
    ],
)
def test_wrong_fields_are_refused_with_a_keyed_reason(
    ctx: LocalContext, fields: dict[str, object], key: str, field: str
) -> None:
    base = {"code": "M", "site": "HF", "carrier": "electricity", "unit": "kWh"}
    with _db(ctx) as db, pytest.raises(svc.MetersError) as exc:
        svc.create_meter(db, ctx, {**base, **fields})
    assert (exc.value.key, exc.value.field) == (key, field)


def test_a_code_is_taken_once_and_parents_do_not_loop(ctx: LocalContext) -> None:
    with _db(ctx) as db:
        svc.create_meter(db, ctx, {"code": "A", "site": "HF", "carrier": "heat", "unit": "GJ"})
        svc.create_meter(
            db, ctx, {"code": "B", "site": "HF", "carrier": "heat", "unit": "GJ", "parent": "A"}
        )
        with pytest.raises(svc.MetersError) as exc:
            svc.create_meter(db, ctx, {"code": "A", "site": "HF", "carrier": "heat", "unit": "GJ"})
        assert exc.value.kind == "conflict"
        with pytest.raises(svc.MetersError) as loop:
            svc.update_meter(db, ctx, "A", {"parent": "B"})
        assert loop.value.key == "meters.err.loop"
        with pytest.raises(svc.MetersError) as missing:
            svc.meter_by_code(db, ctx, "Z")
        assert missing.value.kind == "not_found"


def test_the_register_file_all_or_nothing_and_round_trip(ctx: LocalContext, tmp_path: Path) -> None:
    bad = tmp_path / "meters.csv"
    bad.write_text(
        "表计编号,厂区,能源品种,单位,上级表\n"
        "HF-1,HF,electricity,kWh,\n"
        "HF-2,HF,electricity,kWh,HF-1\n"
        "HF-3,HF,steam,kWh/h,\n"  # row 4: not a steam unit
        "HF-2,HF,electricity,kWh,\n",  # row 5: code twice
        encoding="utf-8",
    )
    with _db(ctx) as db:
        with pytest.raises(svc.MeterFileError) as exc:
            svc.import_meters(db, ctx, bad)
        assert [(e.row, e.field, e.key) for e in exc.value.errors] == [
            (4, "unit", "meters.err.unit"),
            (5, "code", "meters.file.code_twice"),
        ]
        assert svc.list_meters(db, ctx) == []  # nothing imported
        good = tmp_path / "good.csv"
        good.write_text(
            "\n".join(bad.read_text(encoding="utf-8").splitlines()[:3]) + "\n", encoding="utf-8"
        )
        result = svc.import_meters(db, ctx, good)
        assert (result.created, result.updated) == (("HF-1", "HF-2"), ())
        for fmt in ("csv", "xlsx"):
            out = tmp_path / f"export.{fmt}"
            out.write_bytes(svc.export_meters(db, ctx, fmt))
            again = svc.import_meters(db, ctx, out)
            assert (again.created, again.updated) == ((), ("HF-1", "HF-2"))
        assert [m.parent for m in svc.list_meters(db, ctx)] == [None, "HF-1"]
