"""The scale service (decision 0093) over SQLite and PostgreSQL: the incremental export of the
store's settled events (watermark, pending events held back, no doubles), the rollup and the
leaderboard and report over the archive, and its refusals."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from inclusion_scale_kit import PROGRAMME, store_events
from lingtan.adapters.io.inclusion_archive import events_root, programme_folder
from lingtan.adapters.services import inclusion_scale as svc
from lingtan.adapters.services.errors import KeyedError
from lingtan.adapters.store.db import migrate
from lingtan.adapters.store.inclusion_ledger import InclusionEventRow
from lingtan.adapters.store.scoping import system_session, tenant_session
from lingtan.adapters.store.tenancy import Organisation


@dataclass
class Ctx:
    """A context that may do everything, on a workspace folder ``path``."""

    path: Path
    actor: str = "tester"

    def workspace(self) -> Any:
        return SimpleNamespace(path=self.path)

    def can(self, action: str) -> bool:
        return True

    def require(self, action: str) -> None:
        return None


@pytest.fixture
def db(db_url: str, engines: Callable[[str], Engine]) -> Iterator[Session]:
    engine = engines(db_url)
    migrate(engine)
    with system_session(engine) as s:
        org = Organisation(slug="a", name="A")
        s.add(org)
        s.commit()
        org_id = org.id
    with tenant_session(engine, org_id, actor="tester") as s:
        yield s


def _ids(ws: Path) -> list[int]:
    folder = programme_folder(events_root(ws), PROGRAMME)
    return sorted(i for f in folder.glob("month=*/*.parquet")
                  for i in pq.read_table(f)["event_id"].to_pylist())  # fmt: skip


def test_archive_is_incremental_and_holds_back_pending(db: Session, tmp_path: Path) -> None:
    store_events(db)
    ctx = Ctx(tmp_path)
    ev = db.scalars(select(InclusionEventRow).order_by(InclusionEventRow.id)).all()
    first = ev[0].id
    ev[6].status = "pending"  # the 7th event is not settled yet
    db.commit()
    res = svc.archive(db, ctx, PROGRAMME)
    assert (res.written, res.watermark, res.pending) == (6, first + 5, 1)
    assert res.months == ("2024-03", "2024-04")
    assert svc.rollup_current(tmp_path, PROGRAMME)
    ev[6].status = "accepted"
    db.commit()
    res = svc.archive(db, ctx, PROGRAMME)
    assert (res.written, res.total, res.watermark, res.pending) == (4, 10, first + 9, 0)
    assert svc.archive(db, ctx, PROGRAMME).written == 0  # nothing new: a no-op
    assert _ids(tmp_path) == [e.id for e in ev]
    board = svc.leaderboard(ctx, PROGRAMME, date(2024, 3, 1), date(2024, 4, 30))
    assert [(r["rank"], r["key"], r["points"]) for r in board] == [
        (1, "a2", 15),
        (2, "a1", 15),
        (3, "a3", 15),
        (4, "a5", 8),
    ]
    team = svc.leaderboard(ctx, PROGRAMME, date(2024, 3, 15), date(2024, 4, 5), "team")
    assert [(r["key"], r["score"], r["members"]) for r in team] == [("T2", 15.0, 1),
                                                                   ("T1", 10.0, 2)]  # fmt: skip
    only = svc.leaderboard(ctx, PROGRAMME, date(2024, 3, 1), date(2024, 4, 30),
                           actions=["recycle.electronics"])  # fmt: skip
    assert [r["key"] for r in only] == ["a3"]
    rep = svc.report(ctx, PROGRAMME, date(2024, 3, 1), date(2024, 3, 31))
    assert rep["totals"][0]["points"] == 38
    assert rep["totals"][0]["active"] == 3


def test_refusals(db: Session, tmp_path: Path) -> None:
    ctx = Ctx(tmp_path)
    with pytest.raises(svc.InclusionScaleError) as e:
        svc.leaderboard(ctx, PROGRAMME, date(2024, 3, 1), date(2024, 3, 31))
    assert e.value.key == "incl_scale.err.no_archive"
    assert e.value.kind == "not_found"
    cases = [
        ({"start": date(2024, 3, 2), "end": date(2024, 3, 1)}, "incl_scale.err.window"),
        ({"scope": "class"}, "incl_scale.err.scope"),
        ({"team_rule": "max"}, "incl_scale.err.team_rule"),
        ({"limit": 0}, "incl_scale.err.limit"),
        ({"backend": "polars"}, "incl_scale.err.backend"),
    ]
    for kw, key in cases:
        args: dict[str, Any] = {"start": date(2024, 3, 1), "end": date(2024, 3, 31), **kw}
        with pytest.raises(svc.InclusionScaleError) as e:
            svc.leaderboard(ctx, PROGRAMME, **args)
        assert e.value.key == key
        assert e.value.kind == "invalid"
    store_events(db)
    with pytest.raises(svc.InclusionScaleError) as e:
        svc.archive(db, ctx, PROGRAMME, -1)
    assert e.value.key == "incl_scale.err.since"
    assert e.value.field == "since_event_id"
    with pytest.raises(KeyedError) as k:
        svc.archive(db, ctx, "nope")
    assert k.value.key == "incl_prog.err.no_programme"
