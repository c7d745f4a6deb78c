"""A small hand-checked event archive for the scale tests (issue 18, H7): ten events of five
accounts in two teams, written with :func:`lingtan.adapters.io.inclusion_archive.archive_events`.

Hand-computed boards (only ``accepted`` events count; active = ≥ 1 point in the window):

* window 2024-03-01…2024-04-30: a2 15 (03-18), a1 15 (03-20), a3 15 (04-05), a5 8; a4 has 0
  points (inactive); team mean T1 (15 + 15) / 2 = 15 (03-20) before T2 15 / 1 = 15 (04-05);
  team sum T1 30, T2 15.
* window 2024-03-15…2024-04-05: a2 15, a3 15, a5 8, a1 5; team mean T2 15, T1 (5 + 15) / 2 =
  10; team sum T1 20, T2 15.
* window 2024-02-15…2024-04-30: a4 40 (02-28) first; team mean T2 (15 + 40) / 2 = 27.5, T1 15.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from lingtan.adapters.io.inclusion_archive import archive_events, events_table

PROGRAMME = "P1"


def _ev(
    i: int, ref: str, team: str | None, when: str, points: int, status: str, kg: float,
    counts_as: str, pack: str | None, action: str = "commute.metro",
) -> dict[str, Any]:  # fmt: skip
    return {
        "event_id": i, "account_ref": ref, "group_code": team, "action": action,
        "occurred_at": datetime.fromisoformat(when), "kg_co2e": kg, "counts_as": counts_as,
        "points": points, "status": status, "pack_id": pack,
    }  # fmt: skip


TRAVEL, RECYCLE = "lingtan.travel", "lingtan.recycling"
EVENTS = [
    _ev(1, "a1", "T1", "2024-03-02T10:00", 10, "accepted", 1.0, "reduction", TRAVEL),
    _ev(2, "a1", "T1", "2024-03-20T09:00", 5, "accepted", 0.5, "reduction", TRAVEL),
    _ev(3, "a2", "T1", "2024-03-18T08:00", 15, "accepted", 1.5, "reduction", TRAVEL),
    _ev(
        4,
        "a3",
        "T2",
        "2024-04-05T12:00",
        15,
        "accepted",
        2.0,
        "avoided",
        RECYCLE,
        "recycle.electronics",
    ),
    _ev(5, "a3", "T2", "2024-04-06T12:00", 100, "reversed", 9.0, "reduction", TRAVEL),
    _ev(
        6,
        "a4",
        "T2",
        "2024-04-07T12:00",
        0,
        "accepted",
        0.0,
        "engagement",
        None,
        "purchase.neutral_pc",
    ),
    _ev(7, "a5", None, "2024-03-25T18:00", 8, "accepted", 0.8, "reduction", TRAVEL),
    _ev(8, "a2", "T1", "2024-03-26T18:00", 50, "rejected", 5.0, "reduction", TRAVEL),
    _ev(9, "a4", "T2", "2024-02-28T07:00", 40, "accepted", 4.0, "reduction", TRAVEL),
    _ev(10, "a1", "T1", "2024-05-01T00:00", 30, "accepted", 3.0, "reduction", TRAVEL),
]


def write_archive(ws: Path, batches: tuple[slice, ...] = (slice(0, 6), slice(6, 10))) -> Path:
    """Archive :data:`EVENTS` into ``ws`` in ``batches``; the programme's folder."""
    for s in batches:
        archive_events(ws, PROGRAMME, events_table(EVENTS[s]))
    return ws / "inclusion" / "events" / f"programme={PROGRAMME}"


def store_events(db: Any, code: str = PROGRAMME) -> dict[str, int]:
    """The programme ``code`` with :data:`EVENTS`' accounts and events written straight into
    the store (ids in the kit's order; committed); the account ids by ref."""
    from datetime import date

    from lingtan.adapters.store.inclusion_ledger import InclusionEventRow
    from lingtan.adapters.store.inclusion_programmes import (
        InclusionAccountRow,
        InclusionProgrammeRow,
    )

    prog = InclusionProgrammeRow(
        code=code, name="Scale", audience="employee", region="CN-BJ", started=date(2024, 1, 1),
        points_per_kg=10.0, engagement_points={}, caps={}, expiry_months=None,
        privacy_policy_version="1", status="active", subject_salt="s" * 32,
    )  # fmt: skip
    db.add(prog)
    db.flush()
    ids: dict[str, int] = {}
    for e in EVENTS:
        if e["account_ref"] not in ids:
            acc = InclusionAccountRow(programme_id=prog.id, ref=e["account_ref"], kind="person",
                                      group_code=e["group_code"], status="active")  # fmt: skip
            db.add(acc)
            db.flush()
            ids[e["account_ref"]] = acc.id
    for e in EVENTS:
        db.add(InclusionEventRow(
            programme_id=prog.id, account_id=ids[e["account_ref"]], action=e["action"],
            occurred_at=e["occurred_at"], quantity=1.0, unit="km", source="manual",
            origin="manual", status=e["status"], kg_co2e=e["kg_co2e"],
            counts_as=e["counts_as"], pack_id=e["pack_id"], points=e["points"],
        ))  # fmt: skip
        db.flush()
    db.commit()
    return ids
