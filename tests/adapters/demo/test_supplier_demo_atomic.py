"""The supplier demo loader writes all or nothing (``services.supplier_demo.load_supplier_demo``:
every service call in one transaction of the caller's session, committed once at the end).

Setup: a fresh workspace whose FY2023/24 climate campaign is open already (no spend, no
supplier). The loader registers the demo's 150 suppliers, then the campaign service refuses a
second campaign of that year and kind (409): the refusal rolls the whole load back, so the
register is empty again and a later load starts from nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lingtan.adapters.services import supplier_demo as loader
from lingtan.adapters.services import supplier_requests as req
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.services.suppliers import list_suppliers
from lingtan.adapters.store.scoping import tenant_session
from lingtan.adapters.store.workspace import init_workspace, open_workspace


def test_a_refused_record_leaves_nothing(tmp_path: Path, workspace_store: str) -> None:
    init_workspace(tmp_path / "ws", organisation="Atomic Demo Co", start_month=4)
    ws = open_workspace(tmp_path / "ws")
    ctx = LocalContext.of(ws)
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        req.open_campaign(db, ctx, fiscal_year="FY2023/24", spend={})
        with pytest.raises(ServiceError) as refused:
            loader.load_supplier_demo(db, ctx)
        assert refused.value.kind == "conflict"
        assert list_suppliers(db, ctx) == []  # the 150 registered before the refusal: gone
        assert len(req.list_campaigns(db, ctx)) == 1  # what was committed before stays
