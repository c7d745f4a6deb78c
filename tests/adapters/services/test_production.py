"""Production volumes (issue 16, decision 0071) on both workspace stores: one row per site,
line, product type and month (a new value replaces the old), the file imported all or nothing
with its locale's decimal mark, and read back by site and months."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lingtan.adapters.services import production as svc
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.meters import MeterFileError, MetersError
from lingtan.adapters.store.scoping import tenant_session
from lingtan.adapters.store.workspace import init_workspace

pytestmark = pytest.mark.stores("sqlite", "postgresql")


@pytest.fixture
def ctx(tmp_path: Path, workspace_store: str) -> LocalContext:
    init_workspace(tmp_path / f"ws-{workspace_store}", organisation="Maker Co")
    return LocalContext(tmp_path / f"ws-{workspace_store}")


def _db(ctx: LocalContext):  # type: ignore[no-untyped-def]
    ws = ctx.workspace()
    return tenant_session(ws.engine, ws.organisation_id, actor=ws.actor)


def test_add_replaces_the_same_key(ctx: LocalContext) -> None:
    with _db(ctx) as db:
        svc.add_production(
            db, ctx, {"site": "SZ", "product_type": "notebook", "month": "2024-04", "units": 1000}
        )
        svc.add_production(
            db, ctx, {"site": "SZ", "product_type": "notebook", "month": "2024年4月", "units": 1200}
        )
        svc.add_production(
            db,
            ctx,
            {
                "site": "SZ",
                "line": "L2",
                "product_type": "server",
                "month": date(2024, 5, 17),
                "units": 30,
                "standard_hours": 2.5,
                "comparable": "否",
            },
        )
        rows = svc.list_production(db, ctx, site="SZ")
        assert [(r.product_type, r.line, r.month, r.units) for r in rows] == [
            ("notebook", None, date(2024, 4, 1), 1200.0),
            ("server", "L2", date(2024, 5, 1), 30.0),
        ]
        assert (rows[1].standard_hours, rows[1].comparable) == (2.5, False)
        assert (
            svc.list_production(db, ctx, start=date(2024, 5, 1), end=date(2024, 5, 31))[0].units
            == 30
        )
        with pytest.raises(MetersError) as exc:
            svc.add_production(
                db, ctx, {"site": "SZ", "product_type": "x", "month": "13/2024", "units": 1}
            )
        assert exc.value.key == "production.err.month"


def test_the_file_all_or_nothing_with_a_decimal_comma(ctx: LocalContext, tmp_path: Path) -> None:
    p = tmp_path / "production.csv"
    p.write_text(
        "厂区;产品类型;月份;产量;标准工时\n"
        "SZ;notebook;2024-04;1.200;0,5\n"  # 1 200 units, 0.5 h per unit (de-DE)
        "SZ;desktop;2024-04;-3;\n"  # row 3: negative units
        "SZ;notebook;2024-04;5;\n",  # row 4: the same key again
        encoding="utf-8",
    )
    with _db(ctx) as db:
        with pytest.raises(MeterFileError) as exc:
            svc.import_production(db, ctx, p, locale="de-DE")
        assert [(e.row, e.field, e.key) for e in exc.value.errors] == [
            (3, "units", "production.err.units"),
            (4, "month", "production.file.twice"),
        ]
        assert svc.list_production(db, ctx) == []
        p.write_text(
            "\n".join(p.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8"
        )
        result = svc.import_production(db, ctx, p, locale="de-DE")
        assert result.created == ("SZ//notebook/2024-04",)
        (row,) = svc.list_production(db, ctx)
        assert (row.units, row.standard_hours) == (1200.0, 0.5)
        out = tmp_path / "out.xlsx"
        out.write_bytes(svc.export_production(db, ctx, "xlsx"))
        assert svc.import_production(db, ctx, out).updated == ("SZ//notebook/2024-04",)
