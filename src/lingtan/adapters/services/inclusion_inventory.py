"""No double counting: an employee programme's commuting feeds Scope 3 category 7 as primary data
(issue 18 item 3; decision 0094; docs/inclusion-demo.md).

The reductions an employee programme credits for low-carbon commuting happen inside the
organisation's own reporting boundary: the trips are Scope 3 category 7 (employee commuting, GHG
Protocol Scope 3 Standard ch. 5, Technical Guidance cat. 7). Claiming the credited kg as a
reduction *and* extrapolating category 7 from a survey would count the same trips twice. So the
trips themselves — passenger-km by mode, site and month, measured per trip — become category 7
**activity** rows (tier ``activity``, primary data: data from the specific activities in the
value chain, Scope 3 Standard §7.3), and the inventory calculates their emissions with the factor
library like any other row. The points stay an engagement currency; the kg credited to members
are never deducted from the inventory.

:func:`feed_category7` aggregates the **accepted** events of a programme whose action feeds
category 7 (``commute.*``, :attr:`lingtan.modules.inclusion.actions.ActionType.scope3_category`
== 7) within a fiscal year by the account's site, the mode and the calendar month, and imports
them through the one door into the calculation, :func:`lingtan.adapters.services.imports.
import_file`, as the ``commuting`` template — imitating the energy rollup (decision 0073):

- **pkm** [passenger-km] = Σ trip distance [km] of the accepted events (one event = one trip of
  one person); the ``commuting`` template computes quantity = employees × days × 2 × one-way
  distance, so a measured total *T* is written as 1 × 0.5 × 2 × *T* (exact, never re-derived
  from a mean);
- **modes** → activity types of the factor library: metro → ``travel.metro``, bus →
  ``travel.bus.average``, carpool → ``travel.car.average`` (all in pkm); bike and walk are
  human-powered (0 kg CO2e/pkm, no factor in the library): reported in
  :attr:`FeedResult.human_powered_pkm`, not imported;
- **one figure, one source**: a site × month already holding ``commuting`` rows in an active
  batch that is not a feed (a survey extrapolation) keeps its figure — the feed leaves that key
  out and reports it in :attr:`FeedResult.overlaps`; to replace the survey, correct its file
  (supersede it without those rows) and run the feed again;
- **re-running replaces**: the file is named ``inclusion-cat7_<programme>_<FY>_<sha12>.csv``; a
  feed of the same programme and year supersedes the previous feed batch (the importer's
  ``supersedes``, the old batch kept) and the same events give the same bytes (same sha256),
  so nothing is ever imported twice;
- **lineage**: ``<batch_id>.lineage.json`` beside the CSV lists, for each spreadsheet row, the
  programme, the site, mode and month, the trips, members and the event ids behind it
  (:func:`feed_lineage`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.energy_rollup import fy_slug
from lingtan.adapters.services.errors import KeyedError, keyed_refusal
from lingtan.core.messages import Message, msg
from lingtan.modules.inclusion.actions import ACTIONS

if TYPE_CHECKING:
    from lingtan.adapters.store.workspace import Workspace

__all__ = [
    "FEED_DIR",
    "FEED_PREFIX",
    "MODE_ACTIVITY",
    "CommuteTrip",
    "FeedResult",
    "FeedRow",
    "InclusionFeedError",
    "aggregate_trips",
    "feed_category7",
    "feed_lineage",
    "feed_trips",
]

#: folder of the feed files and their lineage manifests, in the workspace
FEED_DIR = "inclusion/category7"
#: file names of feed batches start with this (how a feed batch is told from a survey)
FEED_PREFIX = "inclusion-cat7_"
#: the ``commuting`` template's columns the feed fills
COLUMNS = ("date", "period_end", "mode", "employees", "days", "one_way_distance",
           "distance_unit", "site", "description", "tier", "dq_temporal", "dq_geographical",
           "dq_technological", "dq_completeness", "dq_reliability")  # fmt: skip
#: commuting mode of an action → the template's ``mode`` (activity type ``travel.<mode>``)
MODE_ACTIVITY = {"metro": "metro", "bus": "bus.average", "carpool": "car.average"}
#: human-powered modes: 0 kg CO2e/pkm, no factor in the library, not imported
HUMAN_POWERED = ("bike", "walk")
#: data-quality scores of measured per-trip data (1 best … 5 worst; Scope 3 Standard §7.3):
#: temporal, geographical, technological, completeness (participants only), reliability
DQ = (1, 1, 2, 3, 2)


class InclusionFeedError(KeyedError):
    """A refused category-7 feed (``incl_demo.err.*``)."""


def _refused(kind: Any, message: Message, field_name: str | None = None) -> InclusionFeedError:
    return keyed_refusal(InclusionFeedError, kind, message, field_name)


@dataclass(frozen=True)
class CommuteTrip:
    """One accepted commuting event: ``event_id``, the account's ``member`` ref and ``site``
    (None: no site), the ``mode`` (``metro`` …), the day and the distance ``km`` [km = pkm of
    one person]."""

    event_id: int
    member: str
    site: str | None
    mode: str
    day: date
    km: float


@dataclass(frozen=True)
class FeedRow:
    """One category-7 row: ``site`` × ``mode`` × ``month`` (YYYY-MM) with ``pkm`` [passenger-km],
    ``trips`` and distinct ``members``, and the event ids behind it."""

    site: str
    mode: str
    month: str
    pkm: float
    trips: int
    members: int
    event_ids: tuple[int, ...] = ()

    @property
    def activity_type(self) -> str:
        """The row's activity type in the factor library (``travel.<mode>``)."""
        return f"travel.{MODE_ACTIVITY[self.mode]}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data (manifest, API, CLI)."""
        d = asdict(self)
        d["event_ids"] = list(self.event_ids)
        d["activity_type"] = self.activity_type
        return d


@dataclass(frozen=True)
class FeedResult:
    """What :func:`feed_category7` did for ``programme`` and ``fiscal_year``: the rows fed, the
    batch (None when there was nothing to feed), the batch it superseded, the human-powered pkm
    by mode (0 kg, not imported) and the site × month keys left to a survey batch."""

    programme: str
    fiscal_year: str
    rows: tuple[FeedRow, ...]
    batch_id: str | None = None
    file: str | None = None
    supersedes: str | None = None
    already_imported: bool = False
    human_powered_pkm: dict[str, float] = field(default_factory=dict)
    overlaps: tuple[tuple[str, str], ...] = ()  # (site, YYYY-MM) held by a survey batch
    rejected: tuple[str, ...] = ()

    @property
    def pkm(self) -> float:
        """Σ pkm of the rows fed [passenger-km]."""
        return sum(r.pkm for r in self.rows)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (API, CLI)."""
        return {
            "programme": self.programme,
            "fiscal_year": self.fiscal_year,
            "rows": [r.to_dict() for r in self.rows],
            "batch_id": self.batch_id,
            "file": self.file,
            "supersedes": self.supersedes,
            "already_imported": self.already_imported,
            "human_powered_pkm": dict(self.human_powered_pkm),
            "overlaps": [list(o) for o in self.overlaps],
            "rejected": list(self.rejected),
            "pkm": self.pkm,
        }


# ---- aggregation (pure) ---------------------------------------------------------------------


def aggregate_trips(
    trips: Iterable[CommuteTrip],
) -> tuple[list[FeedRow], dict[str, float]]:
    """Sum ``trips`` by site × mode × calendar month → rows (sorted), and the human-powered
    pkm by mode. Raises :class:`InclusionFeedError` for a mode the feed cannot map or a
    negative distance (nothing silently dropped)."""
    groups: dict[tuple[str, str, str], list[CommuteTrip]] = defaultdict(list)
    human: dict[str, float] = defaultdict(float)
    for t in trips:
        if not t.km >= 0:
            raise _refused("invalid", msg("incl_demo.err.distance", event=t.event_id), "km")
        if t.mode in HUMAN_POWERED:
            human[t.mode] += t.km
            continue
        if t.mode not in MODE_ACTIVITY:
            raise _refused("invalid", msg("incl_demo.err.mode", mode=t.mode), "mode")
        groups[(t.site or "", t.mode, f"{t.day:%Y-%m}")].append(t)
    rows = [
        FeedRow(
            site,
            mode,
            month,
            round(sum(t.km for t in ts), 6),
            len(ts),
            len({t.member for t in ts}),
            tuple(sorted(t.event_id for t in ts)),
        )
        for (site, mode, month), ts in sorted(groups.items())
    ]
    return rows, {m: round(v, 6) for m, v in sorted(human.items())}


def _month_bounds(month: str) -> tuple[date, date]:
    y, m = (int(x) for x in month.split("-"))
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return date(y, m, 1), date.fromordinal(nxt.toordinal() - 1)


def _csv_text(programme: str, rows: Sequence[FeedRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        start, end = _month_bounds(r.month)
        cells = [
            start.isoformat(), end.isoformat(), MODE_ACTIVITY[r.mode], "1", "0.5", repr(r.pkm),
            "km", r.site,
            f"primary data: inclusion programme {programme}, {r.trips} trips by {r.members} "
            f"members, {r.pkm:g} pkm (employees 1 x days 0.5 x 2 x total km)",
            "activity", *(str(d) for d in DQ),
        ]  # fmt: skip
        w.writerow(cells)
    return buf.getvalue()


# ---- the feed ---------------------------------------------------------------------------------


def _feed_dir(ws: Workspace) -> Path:
    d = ws.path / FEED_DIR
    d.mkdir(parents=True, exist_ok=True)
    return d


def _prefix(programme: str, fiscal_year: str) -> str:
    return f"{FEED_PREFIX}{programme}_{fy_slug(fiscal_year)}_"


def _previous(ws: Workspace, programme: str, fiscal_year: str) -> str | None:
    prefix = _prefix(programme, fiscal_year)
    found = [b.id for b in ws.batches() if b.file_name.startswith(prefix)]
    return found[-1] if found else None


def _survey_keys(ws: Workspace, start: date, end: date) -> set[tuple[str, str]]:
    """(site, YYYY-MM) of active ``commuting`` rows in batches that are not feeds."""
    import pyarrow.parquet as pq

    keys: set[tuple[str, str]] = set()
    for b in ws.batches():
        if b.template != "commuting" or b.file_name.startswith(FEED_PREFIX):
            continue
        if not b.activities_file or not (ws.batches_dir / b.activities_file).is_file():
            continue
        t = pq.read_table(ws.batches_dir / b.activities_file, columns=["site", "date"])
        for r in t.to_pylist():
            d = r["date"]
            if d is not None and start <= d <= end:
                keys.add((str(r["site"] or ""), f"{d:%Y-%m}"))
    return keys


def feed_trips(
    ctx: Context, programme: str, fiscal_year: str, trips: Iterable[CommuteTrip]
) -> FeedResult:
    """Aggregate ``trips`` of ``fiscal_year`` (a label of the workspace, e.g. ``FY2024/25``) and
    import them as the programme's category-7 feed (module docstring). Trips outside the year
    are left out.

    Raises:
        ServiceError: 403 without ``edit_data``.
        PeriodError: ``fiscal_year`` is not understood.
        InclusionFeedError: a trip with an unknown mode or a negative distance.
        LingtanError: the import's own errors (:func:`.imports.import_file`).
    """
    from lingtan.adapters.services.imports import import_file

    ctx.require("edit_data")
    ws = ctx.workspace()
    period = ws.config.period(fiscal_year)
    label = period.label
    inside = [t for t in trips if period.start <= t.day <= period.end]
    rows, human = aggregate_trips(inside)
    survey = _survey_keys(ws, period.start, period.end)
    overlaps = sorted({(r.site, r.month) for r in rows if (r.site, r.month) in survey})
    rows = [r for r in rows if (r.site, r.month) not in survey]
    if not rows:
        return FeedResult(programme, label, (), human_powered_pkm=human, overlaps=tuple(overlaps))
    data = _csv_text(programme, rows).encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    folder = _feed_dir(ws)
    path = folder / f"{_prefix(programme, label)}{sha[:12]}.csv"
    path.write_bytes(data)
    _write_manifest(folder, sha, programme, label, path.name, rows)
    previous = _previous(ws, programme, label)
    sup = previous if previous and previous != sha else None
    rep = import_file(ctx, path, template="commuting", supersedes=sup, append=sup is None)
    return FeedResult(
        programme,
        label,
        tuple(rows),
        rep.batch_id,
        path.name,
        sup,
        rep.already_imported,
        human,
        tuple(overlaps),
        tuple(f"{path.name}, row {i.row}, {i.field}: {i.reason}" for i in rep.issues),
    )


def _write_manifest(
    folder: Path, sha: str, programme: str, fiscal_year: str, file: str, rows: Sequence[FeedRow]
) -> Path:
    """``<batch_id>.lineage.json``: spreadsheet row (header = row 1) → the programme's events.
    Written aside and renamed, so a reader never sees half a manifest."""
    doc = {
        "batch_id": sha,
        "source": "inclusion",
        "programme": programme,
        "fiscal_year": fiscal_year,
        "template": "commuting",
        "file": file,
        "rows": {str(i): r.to_dict() for i, r in enumerate(rows, start=2)},
    }
    path = folder / f"{sha}.lineage.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def feed_lineage(ctx: Context, batch_id: str, source_row: int | None = None) -> dict[str, Any]:
    """The lineage manifest of feed batch ``batch_id`` (empty dict: not a feed batch), or the
    entry of one spreadsheet row ``source_row`` (its programme, site, mode, month, pkm, trips,
    members and event ids)."""
    ctx.require("read")
    path = ctx.workspace().path / FEED_DIR / f"{batch_id}.lineage.json"
    if not path.is_file():
        return {}
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if source_row is None:
        return doc
    row = doc["rows"].get(str(int(source_row)))
    return {"programme": doc["programme"], **row} if row else {}


# ---- from the store -----------------------------------------------------------------------------


def category7_actions() -> tuple[str, ...]:
    """The action codes that feed Scope 3 category 7 (the catalogue's ``scope3_category``)."""
    return tuple(sorted(c for c, a in ACTIONS.items() if a.scope3_category == 7))


def commute_trips(db: Session, programme_id: int, start: date, end: date) -> list[CommuteTrip]:
    """The accepted category-7 events of programme ``programme_id`` within [start, end] (days,
    inclusive) as trips, with their account's ref and site."""
    from lingtan.adapters.store.inclusion_ledger import InclusionEventRow
    from lingtan.adapters.store.inclusion_programmes import InclusionAccountRow

    e, a = InclusionEventRow, InclusionAccountRow
    q = (
        select(e.id, e.action, e.occurred_at, e.quantity, e.unit, e.distance_km, a.ref, a.site_code)
        .join(a, a.id == e.account_id)
        .where(
            e.programme_id == programme_id,
            e.status == "accepted",
            e.action.in_(category7_actions()),
            e.occurred_at >= datetime(start.year, start.month, start.day),
            e.occurred_at < datetime.fromordinal(end.toordinal() + 1),
        )
        .order_by(e.id)
    )
    out: list[CommuteTrip] = []
    for eid, act, at, qty, unit, dist, ref, site in db.execute(q):
        km = float(dist) if dist is not None else float(qty)
        if dist is None and unit not in ("km", "pkm"):
            raise _refused("invalid", msg("incl_demo.err.unit", event=eid, unit=unit), "unit")
        out.append(CommuteTrip(int(eid), str(ref), site, act.split(".", 1)[1], at.date(), km))
    return out


def feed_category7(db: Session, ctx: Context, programme_code: str, period: str) -> FeedResult:
    """Feed the accepted commuting events of employee programme ``programme_code`` in fiscal
    year ``period`` into Scope 3 category 7 (module docstring).

    Raises:
        ServiceError: 404 for an unknown programme; 403 without ``edit_data``.
        InclusionFeedError: the programme is not an employee programme (its members' commuting
            is not in the organisation's value chain), or a trip cannot be mapped.
        PeriodError, LingtanError: as :func:`feed_trips`.
    """
    from lingtan.adapters.services.inclusion_programmes import get_programme

    ctx.require("edit_data")
    prog = get_programme(db, ctx, programme_code)
    if prog.audience != "employee":
        raise _refused(
            "invalid",
            msg("incl_demo.err.not_employee", programme=programme_code, audience=prog.audience),
            "programme",
        )
    fy = ctx.workspace().config.period(period)
    trips = commute_trips(db, int(prog.id), fy.start, fy.end)
    return feed_trips(ctx, str(prog.code), fy.label, trips)


def latest_feed(ctx: Context, programme: str, fiscal_year: str) -> list[dict[str, Any]]:
    """The rows of the programme's active feed batch of ``fiscal_year`` (its lineage manifest:
    site, mode, month, pkm, trips, members, event ids, and ``batch_id``); empty when none."""
    ws = ctx.workspace()
    label = ws.config.period(fiscal_year).label
    batch = _previous(ws, programme, label)
    if batch is None:
        return []
    doc = feed_lineage(ctx, batch)
    return [{**r, "batch_id": batch, "row": int(i)} for i, r in doc.get("rows", {}).items()]


# ---- the carbon-neutral PC: 0 kg, its points, and its evidence page ----------------------------

#: the action whose buyer is credited 0 kg (the claim retired credits for the footprint)
CARBON_NEUTRAL_PC = "purchase.carbon_neutral_pc"


def org_slug(db: Session, ctx: Context) -> str:
    """The organisation's slug (the server's tenant, or the workspace's organisation row)."""
    slug = getattr(ctx, "slug", None)
    if isinstance(slug, str) and slug:
        return slug
    from lingtan.adapters.store.tenancy import Organisation

    org = db.get(Organisation, ctx.workspace().organisation_id)
    return str(org.slug) if org is not None else ctx.workspace().path.name


def evidence_path(org: str, product: str | None) -> str | None:
    """The public evidence page of a purchased own product: ``/p/{org}/{product}/{config}``
    (``web/pages/products.py``, the page the claim's label QR code opens) for a ``product``
    given as ``PRODUCT/CONFIG``; None for none or a product without a configuration."""
    from lingtan.adapters.services.products import public_url

    if not product or "/" not in product:
        return None
    prod, config = product.split("/", 1)
    if not prod or not config or "/" in config:
        return None
    return public_url("", org, prod, config)


def with_evidence(db: Session, ctx: Context, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``events`` (plain data, e.g. H3's ``account_history``) with ``evidence_url`` on each
    carbon-neutral PC purchase: the link the member page shows beside its 0 kg."""
    org = org_slug(db, ctx)
    return [
        {**e, "evidence_url": evidence_path(org, e.get("product"))}
        if e.get("action") == CARBON_NEUTRAL_PC
        else e
        for e in events
    ]


def member_history(
    db: Session, ctx: Context, programme_code: str, ref: str
) -> list[dict[str, Any]]:
    """H3's ``account_history`` with the evidence links of carbon-neutral purchases."""
    from lingtan.adapters.services.inclusion_events import account_history

    return with_evidence(db, ctx, account_history(db, ctx, programme_code, ref))


def carbon_neutral_purchases(
    db: Session, ctx: Context, programme_code: str
) -> list[dict[str, Any]]:
    """The programme's carbon-neutral PC purchases, oldest first: event id, account ref, when,
    product, status, ``kg_co2e`` (0: never credited), ``counts_as``, ``points`` and
    ``evidence_url``."""
    from lingtan.adapters.services.inclusion_programmes import get_programme
    from lingtan.adapters.store.inclusion_ledger import InclusionEventRow as E
    from lingtan.adapters.store.inclusion_programmes import InclusionAccountRow as A

    ctx.require("read")
    prog = get_programme(db, ctx, programme_code)
    rows = db.execute(
        select(E, A.ref)
        .join(A, A.id == E.account_id)
        .where(E.programme_id == prog.id, E.action == CARBON_NEUTRAL_PC)
        .order_by(E.occurred_at, E.id)
    ).all()
    return with_evidence(
        db,
        ctx,
        [
            {
                "event_id": e.id,
                "account": ref,
                "action": e.action,
                "occurred_at": e.occurred_at.isoformat(),
                "product": e.product,
                "status": e.status,
                "kg_co2e": e.kg_co2e,
                "counts_as": e.counts_as,
                "points": e.points,
                "trace": list(e.trace or []),
            }
            for e, ref in rows
        ],
    )
