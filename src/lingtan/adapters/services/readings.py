"""Meter readings: intake from files, HTTP bodies and MQTT, gaps and monthly sums (issue 16
item 1, decision 0071).

Every intake — a CSV/XLSX export of a meter system (:func:`ingest_readings_file`), an NDJSON
or CSV body from a gateway (:func:`ingest_readings_ndjson`), a flush of the MQTT listener
(:func:`ingest_readings_table`) — goes through one function:

1. the **batch id** is the sha256 of the content (the file's bytes; a table's canonical Arrow
   form): a batch already stored is not stored again (idempotent);
2. every row is checked against the meter register: unknown meter, interval start not on the
   meter's grid, outside its days in service, a value where a register is expected, an
   interval length other than the meter's — each wrong cell named (file, row, column, keyed
   reason). Files are **all or nothing**: one wrong cell and nothing is stored. A table may be
   taken ``partial`` (the MQTT listener's choice: the wrong rows are reported, the others
   stored);
3. cumulative meters' registers become interval values
   (:func:`lingtan.modules.energy.readings.registers_to_intervals`, continuing from the
   meter's last stored register, ``energy_meter_state``): a fall of the register is reported as
   a reset, never interpolated;
4. the meter's multiplier (CT ratio, pulse weight) is applied;
5. duplicates within the batch (same meter and interval) keep the last row (a different value
   is reported as ``duplicate_conflict``); a reading equal to the stored one is counted as a
   duplicate and not stored again; a different value *corrects* it (stored with quality
   ``corrected``; the old row stays in its file, the newer batch wins when read);
6. negative values (except on generation meters) and spikes are reported, not removed
   (:func:`lingtan.modules.energy.readings.plausibility` rules, in SQL); gaps inside the
   batch's span are reported;
7. under the workspace's write lock, the readings and their month sums are written
   (:mod:`lingtan.adapters.io.readings_store`), then the batch record and meter states
   committed; a failure removes the files again.

Times UTC; values [meter unit].
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingtan.adapters.i18n.rows import row_issue
from lingtan.adapters.io import readings_store as store
from lingtan.adapters.services.context import Context
from lingtan.adapters.services.meters import refused, to_domain
from lingtan.adapters.store.energy import EnergyMeter, EnergyMeterState, EnergyReadingBatch
from lingtan.core.errors import InputFileError, RowIssue
from lingtan.core.messages import Message, msg
from lingtan.modules.energy.meters import READINGS_SCHEMA, Measures, Meter, ValueKind
from lingtan.modules.energy.readings import (
    Gap,
    ReadingIssue,
    check_batch,
    registers_to_intervals,
    to_utc,
)

#: wrong cells and reading issues listed in a report (all are counted)
MAX_LISTED = 1000
#: two values this close are the same reading (relative) [-]
SAME_VALUE_RTOL = 1e-9
#: columns a table handed to :func:`ingest_readings_table` may have (``meter``, ``ts`` and
#: ``value`` or ``register`` needed)
TABLE_COLUMNS = ("meter", "ts", "ts_end", "value", "register", "quality", "minutes")


@dataclass
class ReadingsReport:
    """What an intake did.

    Attributes:
        batch_id: sha256 of the content.
        accepted: readings stored.
        duplicates: readings already stored with the same value, or repeated in the batch.
        rejected: the wrong cells (file or origin, row, column, keyed reason), the first
            :data:`MAX_LISTED`; ``rejected_count`` counts them all.
        issues: reading issues found (negative, spike, reset, duplicate_conflict …).
        gaps: missing intervals inside the batch's span, per meter.
        meters: meters the batch touched.
        first_ts, last_ts: first and last interval start stored (UTC).
        corrected: stored readings this batch replaced with another value.
        already: the batch had been stored before (nothing done).
        source, origin: file | http | mqtt, and the file name / topic / client.
    """

    batch_id: str
    accepted: int = 0
    duplicates: int = 0
    rejected: list[RowIssue] = field(default_factory=list)
    issues: list[ReadingIssue] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    meters: list[str] = field(default_factory=list)
    first_ts: datetime | None = None
    last_ts: datetime | None = None
    corrected: int = 0
    rejected_count: int = 0
    issue_count: int = 0
    already: bool = False
    source: str = "file"
    origin: str = ""

    @property
    def ok(self) -> bool:
        """True when nothing was rejected."""
        return self.rejected_count == 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (API, job results)."""
        return {
            "batch_id": self.batch_id,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "corrected": self.corrected,
            "rejected_count": self.rejected_count,
            "rejected": [
                {
                    "file": r.source,
                    "row": r.row,
                    "field": r.field,
                    "key": r.key,
                    "params": dict(r.params),
                    "reason": r.reason,
                    "value": r.value,
                }
                for r in self.rejected
            ],
            "issue_count": self.issue_count,
            "issues": [i.to_dict() for i in self.issues],
            "gaps": [g.to_dict() for g in self.gaps],
            "meters": list(self.meters),
            "first_ts": self.first_ts.isoformat() if self.first_ts else None,
            "last_ts": self.last_ts.isoformat() if self.last_ts else None,
            "already": self.already,
            "source": self.source,
            "origin": self.origin,
        }


# ---- entry points ---------------------------------------------------------------------------


def ingest_readings_file(
    ctx: Context,
    path: Path,
    *,
    encoding: str | None = None,
    locale: str | None = None,
    column_map: Any = None,
) -> ReadingsReport:
    """Read a CSV/XLSX readings file (:mod:`lingtan.adapters.io.reading_files`) and store its
    readings, all or nothing (module docstring).

    Raises:
        ServiceError: 403 without ``edit_data``; 422 the file cannot be read
            (:class:`~lingtan.adapters.services.meters.MetersError` ``readings.err.file``).
    """
    from lingtan.adapters.io.reading_files import read_readings_file

    ctx.require("edit_data")
    p = Path(path)
    batch_id = _sha256_file(p)
    done, meters = _stored_or_meters(ctx, batch_id)
    if done is not None:
        return done
    try:
        read = read_readings_file(
            p,
            encoding=encoding,
            locale=locale,
            column_map=column_map,
            tz_of={c: m.tz for c, m in meters.items()},
            max_issues=MAX_LISTED,
        )
    except InputFileError as exc:
        message = exc.message or msg("readings.file.unreadable", why=str(exc))
        raise refused(
            "invalid", msg("readings.err.file", file=p.name, why=message), "file"
        ) from exc
    report = ReadingsReport(batch_id, source="file", origin=p.name)
    report.rejected = list(read.issues)
    report.rejected_count = read.issue_count
    return _ingest(ctx, read.table, report, meters, partial=False)


def ingest_readings_table(
    ctx: Context,
    table: pa.Table,
    *,
    source: str,
    origin: str,
    partial: bool = False,
    batch_id: str | None = None,
) -> ReadingsReport:
    """Store readings handed over as an Arrow table (HTTP gateways, the MQTT listener):
    columns :data:`TABLE_COLUMNS` (``ts`` UTC — naive values are taken as UTC — the interval
    start of an interval meter, the register time of a cumulative one; ``value`` raw, before
    the multiplier). Idempotent by content hash (``batch_id`` overrides it). With ``partial``
    the wrong rows are reported and the others stored; else nothing is stored when one is
    wrong.

    Raises:
        ServiceError: 403; 422 a column is missing or of the wrong type.
    """
    ctx.require("edit_data")
    if source not in ("file", "http", "mqtt"):
        raise refused("invalid", msg("readings.err.source", value=source), "source")
    typed = _typed_table(table)
    bid = batch_id or _sha256_table(typed)
    done, meters = _stored_or_meters(ctx, bid)
    if done is not None:
        return done
    report = ReadingsReport(bid, source=source, origin=origin)
    return _ingest(ctx, typed, report, meters, partial=partial)


def ingest_readings_ndjson(
    ctx: Context, body: bytes, *, source: str = "http", origin: str = "http"
) -> ReadingsReport:
    """Store readings sent as NDJSON (one JSON object a line: ``meter``, ``ts`` ISO 8601 with
    an offset or UTC, ``value`` or ``register``, optional ``quality``, ``minutes``), all or
    nothing; a line that is not a JSON object is a wrong row.

    Raises:
        ServiceError: 403; 422 (the report's ``rejected`` holds the wrong lines).
    """
    import pyarrow.json as pj

    ctx.require("edit_data")
    try:
        table = pj.read_json(
            io.BytesIO(body),
            parse_options=pj.ParseOptions(
                unexpected_field_behavior="ignore", explicit_schema=_JSON_SCHEMA
            ),
        )
    except pa.ArrowInvalid as exc:
        raise refused("invalid", msg("readings.err.ndjson", why=str(exc)[:200]), "body") from exc
    return ingest_readings_table(ctx, table, source=source, origin=origin)


_JSON_SCHEMA = pa.schema(
    [
        pa.field("meter", pa.string()),
        pa.field("ts", pa.timestamp("us", tz="UTC")),
        pa.field("value", pa.float64()),
        pa.field("register", pa.float64()),
        pa.field("quality", pa.string()),
        pa.field("minutes", pa.int64()),
    ]
)


def reading_gaps(ctx: Context, *, start: date, end: date, meter: str | None = None) -> list[Gap]:
    """Runs of missing intervals of the meters (or one ``meter``) from local ``start`` to local
    ``end`` (inclusive dates), found in SQL (:func:`lingtan.adapters.io.readings_store.
    find_gaps`)."""
    ctx.require("read")
    meters = _meters(ctx, meter)
    return store.find_gaps(ctx.workspace().path, meters, start, end)


def meter_monthly(
    ctx: Context, start: date, end: date, *, meters: Sequence[Meter] | None = None
) -> pa.Table:
    """Monthly sums of the organisation's meters (or ``meters``) for the local months from
    ``start``'s to ``end``'s (:func:`lingtan.adapters.io.readings_store.monthly_meter_sums`)."""
    ctx.require("read")
    ms = list(meters) if meters is not None else _meters(ctx, None)
    return store.monthly_meter_sums(ctx.workspace().path, ms, start, end)


def meter_series(
    ctx: Context, meter: str, start: date, end: date, resolution: store.Resolution = "hour"
) -> pa.Table:
    """One meter's readings summed per ``resolution`` (:func:`~lingtan.adapters.io.
    readings_store.interval_series`)."""
    ctx.require("read")
    return store.interval_series(ctx.workspace().path, _meters(ctx, meter), start, end, resolution)


def list_batches(db: Session, ctx: Context, *, limit: int = 100) -> list[EnergyReadingBatch]:
    """The latest intake batches, newest first."""
    ctx.require("read")
    q = select(EnergyReadingBatch).order_by(EnergyReadingBatch.received.desc()).limit(limit)
    return list(db.scalars(q))


def _meters(ctx: Context, code: str | None) -> list[Meter]:
    ws = ctx.workspace()
    with ws.session() as db:
        q = select(EnergyMeter).order_by(EnergyMeter.site, EnergyMeter.code)
        if code:
            q = q.where(EnergyMeter.code == code)
        rows = list(db.scalars(q))
    if code and not rows:
        raise refused("not_found", msg("meters.err.not_found", code=code), "meter")
    return [to_domain(r) for r in rows]


# ---- helpers --------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _sha256_table(table: pa.Table) -> str:
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    return hashlib.sha256(sink.getvalue()).hexdigest()


def _typed_table(table: pa.Table) -> pa.Table:
    """A handed-over table in the typed form of a readings file (``row``: 1-based position)."""
    from lingtan.adapters.io.reading_files import TYPED_SCHEMA

    names = set(table.column_names)
    missing = [c for c in ("meter", "ts") if c not in names]
    if not names & {"value", "register"}:
        missing.append("value")
    if missing:
        raise refused(
            "invalid", msg("readings.err.columns", columns=", ".join(missing)), missing[0]
        )
    n = table.num_rows
    cols: dict[str, pa.Array] = {"row": pa.array(np.arange(1, n + 1, dtype=np.int64))}
    for f in TYPED_SCHEMA:
        if f.name == "row":
            continue
        if f.name in names:
            arr = table.column(f.name)
            if pa.types.is_timestamp(arr.type) and arr.type.tz is None:
                arr = arr.cast(pa.timestamp("us")).cast(pa.timestamp("us", tz="UTC"))
            try:
                cols[f.name] = arr.cast(f.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise refused(
                    "invalid", msg("readings.err.column_type", column=f.name), f.name
                ) from exc
        elif f.name == "quality":
            cols[f.name] = pa.array(["measured"] * n, pa.string())
        else:
            cols[f.name] = pa.nulls(n, f.type)
    out = pa.table(cols)
    quality = out.column("quality").fill_null("measured")
    return out.set_column(out.schema.get_field_index("quality"), "quality", quality)


def _stored_report(db: Session, batch_id: str) -> ReadingsReport | None:
    row = db.scalar(select(EnergyReadingBatch).where(EnergyReadingBatch.batch_id == batch_id))
    if row is None:
        return None
    return ReadingsReport(
        batch_id,
        accepted=0,
        duplicates=row.rows,
        meters=list(row.meters or []),
        first_ts=to_utc(row.first_ts) if row.first_ts else None,
        last_ts=to_utc(row.last_ts) if row.last_ts else None,
        already=True,
        source=row.source,
        origin=row.origin,
    )


def _stored_or_meters(
    ctx: Context, batch_id: str
) -> tuple[ReadingsReport | None, dict[str, Meter]]:
    """(the report of batch ``batch_id`` when it is already stored — nothing is read again —
    else None, the organisation's meters by code)."""
    with ctx.workspace().session() as db:
        done = _stored_report(db, batch_id)
        if done is not None:
            return done, {}
        return None, {m.code: to_domain(m) for m in db.scalars(select(EnergyMeter))}


def _meters_arrow(meters: Mapping[str, Meter]) -> pa.Table:
    ms = list(meters.values())
    return pa.table(
        {
            "code": pa.array([m.code for m in ms], pa.string()),
            "site": pa.array([m.site for m in ms], pa.string()),
            "tz": pa.array([m.tz for m in ms], pa.string()),
            "step": pa.array([m.interval_minutes for m in ms], pa.int64()),
            "cumulative": pa.array([m.value_kind == ValueKind.CUMULATIVE for m in ms], pa.bool_()),
            "generation": pa.array([m.measures == Measures.GENERATION for m in ms], pa.bool_()),
            "multiplier": pa.array([m.multiplier for m in ms], pa.float64()),
            "valid_from": pa.array([m.valid_from for m in ms], pa.date32()),
            "valid_to": pa.array([m.valid_to for m in ms], pa.date32()),
        },
        schema=pa.schema(
            [
                ("code", pa.string()),
                ("site", pa.string()),
                ("tz", pa.string()),
                ("step", pa.int64()),
                ("cumulative", pa.bool_()),
                ("generation", pa.bool_()),
                ("multiplier", pa.float64()),
                ("valid_from", pa.date32()),
                ("valid_to", pa.date32()),
            ]
        ),
    )


def _with_meters(typed: pa.Table, mtab: pa.Table) -> pa.Table:
    """``typed`` with its meter's fields of ``mtab`` as columns (null, and ``known`` false,
    for a meter not in the register): a look-up of each distinct code, then one ``take`` by
    the codes' dictionary indices — a hash join in DuckDB cost more and gave the rows back
    out of the file's order (which the later steps then had to sort again)."""
    codes = typed.column("meter").combine_chunks().dictionary_encode()
    at = {c: i for i, c in enumerate(mtab.column("code").to_pylist())}
    none = mtab.num_rows  # the index of an appended all-null row
    lookup = np.array([at.get(c, none) for c in codes.dictionary.to_pylist()] + [none], np.int64)
    idx = codes.indices.fill_null(len(lookup) - 1).to_numpy(zero_copy_only=False)
    rows = lookup[np.asarray(idx, dtype=np.int64)]
    fields = ["step", "cumulative", "generation", "multiplier", "tz", "valid_from", "valid_to"]
    attrs = pa.concat_tables(
        [mtab.select(fields), pa.table({f: pa.nulls(1, mtab.schema.field(f).type) for f in fields})]
    ).take(pa.array(rows))
    out = typed.append_column("known", pa.array(rows != none))
    for f in fields:
        out = out.append_column(f, attrs.column(f))
    return out


#: row checks against the register, over table ``c`` of :func:`_ingest`: (condition, field, key)
_ROW_CHECKS: tuple[tuple[str, str, str], ...] = (
    ("NOT known", "meter", "readings.err.unknown_meter"),
    ("known AND start IS NULL", "ts", "readings.err.ts_required"),
    ("known AND NOT cumulative AND value IS NULL", "value", "readings.err.value_required"),
    ("known AND cumulative AND register IS NULL", "register", "readings.err.register_required"),
    ("known AND minutes IS NOT NULL AND minutes <> step", "minutes",
     "readings.err.minutes_meter"),
    ("known AND NOT cumulative AND ts IS NOT NULL AND ts_end IS NOT NULL "
     "AND ts_end - ts <> to_minutes(step)", "ts_end", "readings.err.minutes_meter"),
    ("known AND epoch_us(start) % (step * 60000000) <> 0", "ts", "readings.err.unaligned"),
    # (CASE: the time-zone conversion only for meters with days in service; an AND chain
    # converted every row)
    ("CASE WHEN known AND valid_from IS NOT NULL "
     "THEN CAST(timezone(tz, start) AS DATE) < valid_from ELSE false END",
     "ts", "readings.err.out_of_service"),
    ("CASE WHEN known AND valid_to IS NOT NULL "
     "THEN CAST(timezone(tz, start) AS DATE) > valid_to ELSE false END",
     "ts", "readings.err.out_of_service"),
)  # fmt: skip


def _ingest(
    ctx: Context,
    typed: pa.Table,
    report: ReadingsReport,
    meters: Mapping[str, Meter],
    *,
    partial: bool,
) -> ReadingsReport:
    """Check, convert, deduplicate and store one batch (module docstring, steps 2–7)."""
    ws = ctx.workspace()
    with store.connect() as con:
        con.register("typed", _with_meters(typed, _meters_arrow(meters)))
        # interval start: ts; or ts_end − interval (interval meters); registers at ts_end or ts
        # (a view: the usual batch without a wrong row is one pass, not two; no join: the
        # meters' fields are columns already, and the rows keep the file's order)
        con.execute(
            """
            CREATE TEMP VIEW c AS
            SELECT t.row, t.meter, t.value, t.register, t.quality, t.minutes, t.ts, t.ts_end,
                   t.known, t.step, t.cumulative, t.generation,
                   t.multiplier, t.tz, t.valid_from, t.valid_to,
                   CASE WHEN t.cumulative THEN coalesce(t.ts_end, t.ts)
                        ELSE coalesce(t.ts, t.ts_end - to_minutes(t.step)) END AS start
            FROM typed t
            """
        )
        bad_any = " OR ".join(f"coalesce({c}, false)" for c, _, _ in _ROW_CHECKS)
        # one pass: the rows, the multiplier applied (to interval values and to registers),
        # and whether a check holds; the wrong rows are listed only when there are some
        whole = con.sql(
            "SELECT row, meter, start, "
            "CASE WHEN cumulative THEN NULL ELSE value * multiplier END AS value, "
            "register * multiplier AS register, quality, step, cumulative, "
            f"({bad_any}) AS bad FROM c"
        ).to_arrow_table()
        n_bad_rows = int(pc.sum(whole.column("bad")).as_py() or 0)
        if n_bad_rows:
            cases = ", ".join(
                f"CASE WHEN coalesce({c}, false) THEN '{f}|{k}' END" for c, f, k in _ROW_CHECKS
            )
            con.execute(
                f"CREATE TEMP TABLE bad AS SELECT row, meter, start, unnest(list_filter([{cases}], "
                f"lambda x: x IS NOT NULL)) AS bad FROM c WHERE {bad_any}"
            )
            report.rejected_count += int(con.execute("SELECT count(*) FROM bad").fetchall()[0][0])
            room = max(0, MAX_LISTED - len(report.rejected))
            for row, bad, meter, start in con.execute(
                f"SELECT row, bad, meter, start FROM bad ORDER BY row, bad LIMIT {room}"
            ).fetchall():
                fld, key = bad.split("|")
                when = to_utc(start).isoformat() if start is not None else ""
                report.rejected.append(
                    row_issue(
                        report.origin, int(row), fld, Message(key, {"meter": meter, "ts": when}),
                        meter if fld == "meter" else when,
                    )
                )  # fmt: skip
            report.rejected.sort(key=lambda r: (r.row, r.field))
        if report.rejected_count and not partial:
            return report
    if n_bad_rows:
        whole = whole.filter(pc.invert(whole.column("bad")))
    good = whole.drop_columns(["bad"])
    if good.num_rows == 0:
        return report
    with ws.write_lock():
        return _store(ctx, good, report, meters)


def _cumulative(
    good: pa.Table, states: Mapping[str, tuple[datetime, float]], report: ReadingsReport
) -> tuple[pa.Table, dict[str, tuple[datetime, float]]]:
    """Registers of cumulative meters → interval values (one call per meter, never per row);
    returns the rows (interval meters unchanged) and the meters' new states."""
    cum = np.asarray(good.column("cumulative").to_numpy(zero_copy_only=False), dtype=bool)
    if not cum.any():
        return good, {}
    meters = np.asarray(good.column("meter").to_numpy(zero_copy_only=False), dtype=object)
    starts = good.column("start").cast(pa.timestamp("us")).to_numpy().astype("datetime64[us]")
    registers = good.column("register").to_numpy(zero_copy_only=False).astype(np.float64)
    rows = good.column("row").to_numpy(zero_copy_only=False)
    steps = good.column("step").to_numpy(zero_copy_only=False).astype(np.int64)
    values = good.column("value").to_numpy(zero_copy_only=False).astype(np.float64)
    keep = np.ones(good.num_rows, dtype=bool)
    new_start = starts.copy()
    new_states: dict[str, tuple[datetime, float]] = {}
    for code in sorted(set(meters[cum])):
        idx = np.flatnonzero(meters == code)
        idx = idx[np.lexsort((rows[idx], starts[idx]))]  # by time, then file order
        ts = starts[idx]
        reg = registers[idx]
        # a repeated register time: the last row wins (same value: a duplicate)
        last = np.ones(len(idx), dtype=bool)
        last[:-1] = ts[1:] != ts[:-1]
        report.duplicates += int((~last).sum())
        keep[idx[~last]] = False
        idx, ts, reg = idx[last], ts[last], reg[last]
        prev = states.get(code)
        if prev is not None:
            old = ts <= np.datetime64(prev[0].replace(tzinfo=None), "us")
            report.duplicates += int(old.sum())  # registers before the stored state: seen
            keep[idx[old]] = False
            idx, ts, reg = idx[~old], ts[~old], reg[~old]
        if len(idx) == 0:
            continue
        vals, found = registers_to_intervals(ts, reg, prev, meter=code)
        report.issues.extend(found)
        report.issue_count += len(found)
        values[idx] = vals
        registers[idx] = reg
        new_start[idx] = ts - steps[idx].astype("timedelta64[m]")
        keep[idx[np.isnan(vals)]] = False  # the baseline register, a reset: no interval value
        new_states[code] = (to_utc(ts[-1]), float(reg[-1]))
    out = good.set_column(
        good.schema.get_field_index("value"),
        "value",
        pa.array(values, pa.float64(), mask=np.isnan(values)),
    )
    out = out.set_column(
        out.schema.get_field_index("start"),
        "start",
        pa.array(new_start, pa.timestamp("us")).cast(pa.timestamp("us", tz="UTC")),
    )
    return out.filter(pa.array(keep)), new_states


def _sorted(good: pa.Table) -> pa.Table:
    """``good`` grouped by meter (in first-seen order) and ordered by interval start and row
    within each meter — the order the files are written in and the fast path of
    :func:`~lingtan.modules.energy.readings.check_batch`. A meter export usually is already:
    then nothing is moved; else one ``lexsort`` of integer keys (no string sort)."""
    n = good.num_rows
    if n < 2:
        return good
    inv = np.asarray(
        good.column("meter")
        .combine_chunks()
        .dictionary_encode()
        .indices.to_numpy(zero_copy_only=False),
        dtype=np.int64,
    )
    t = good.column("start").cast(pa.int64()).to_numpy()
    r = good.column("row").to_numpy()
    same = inv[1:] == inv[:-1]
    later = (t[1:] > t[:-1]) | ((t[1:] == t[:-1]) & (r[1:] > r[:-1]))
    if np.all((inv[1:] > inv[:-1]) | (same & later)):
        return good
    return good.take(pa.array(np.lexsort((r, t, inv))))


def _store(
    ctx: Context, good: pa.Table, report: ReadingsReport, meters: Mapping[str, Meter]
) -> ReadingsReport:
    """Under the write lock: registers → intervals, the batch's own checks
    (:func:`lingtan.modules.energy.readings.check_batch`: duplicates — the last row wins —,
    negatives, spikes), duplicates of and corrections to stored readings, files, then the batch
    record."""
    ws = ctx.workspace()
    with ws.session() as db:
        done = _stored_report(db, report.batch_id)
        if done is not None:  # stored meanwhile
            return done
        states = {
            s.meter: (to_utc(s.last_ts), float(s.last_register))
            for s in db.scalars(select(EnergyMeterState))
        }
        latest = db.scalar(select(func.max(EnergyReadingBatch.received)))
    rows, new_states = _cumulative(good, states, report)
    rows = _sorted(rows)
    received = datetime.now(UTC).replace(tzinfo=None)
    if latest is not None and received <= latest:
        received = latest + timedelta(microseconds=1)
    site_of = {c: m.site for c, m in meters.items()}
    checked = check_batch(
        rows.column("meter"),
        rows.column("start"),
        rows.column("value"),
        interval_minutes={c: m.interval_minutes for c, m in meters.items()},
        generation={c for c, m in meters.items() if m.measures == Measures.GENERATION},
    )
    report.duplicates += int((~checked.keep).sum())
    found = [i for i in checked.issues if i.kind != "unaligned"]  # refused before
    report.issue_count += len(found)
    report.issues.extend(found[: max(0, MAX_LISTED - len(report.issues))])
    fresh = rows.filter(pa.array(checked.keep))
    stored = store.stored_values(
        ws.path, fresh.select(["meter", "start"]).rename_columns(["meter", "ts"]), site_of
    )
    replaced = stored.slice(0, 0)
    quality = fresh.column("quality")
    if stored.num_rows:
        fresh, replaced, same = _against_stored(fresh, stored)
        report.duplicates += same
        report.corrected = replaced.num_rows
        quality = fresh.column("quality")
    report.gaps = _gaps(fresh)
    n = fresh.num_rows
    readings = pa.table(
        {
            "meter": fresh.column("meter"),
            "ts": fresh.column("start"),
            "minutes": fresh.column("step").cast(pa.int16()),
            "value": fresh.column("value"),
            "register": fresh.column("register"),
            "quality": quality,
            "batch_id": pa.repeat(pa.scalar(report.batch_id), n),
            "received": pa.repeat(pa.scalar(received, pa.timestamp("us")), n).cast(
                pa.timestamp("us", tz="UTC")
            ),
        }
    ).cast(READINGS_SCHEMA)
    report.accepted = n
    if n:
        report.meters = sorted(pc.unique(fresh.column("meter")).to_pylist())
        first, last = pc.min_max(fresh.column("start")).values()
        report.first_ts, report.last_ts = first.as_py(), last.as_py()
    return _write(ctx, report, readings, replaced, new_states, received, meters)


def _against_stored(fresh: pa.Table, stored: pa.Table) -> tuple[pa.Table, pa.Table, int]:
    """Readings equal to the stored ones (dropped, counted), and corrections (kept with
    quality ``corrected``; the stored values they replace returned)."""
    with store.connect() as con:
        con.register("f", fresh)
        con.register("o", stored)
        con.execute(
            f"""
            CREATE TEMP TABLE x AS
            SELECT f.*, o.value AS old_value,
                   o.value IS NOT NULL AND abs(f.value - o.value)
                       <= {SAME_VALUE_RTOL} * greatest(1.0, abs(o.value)) AS same
            FROM f LEFT JOIN o ON o.meter = f.meter AND o.ts = f.start
            """
        )
        same = int(con.execute("SELECT count(*) FROM x WHERE same").fetchall()[0][0])
        kept = con.sql(
            "SELECT * EXCLUDE (old_value, same, quality), CASE WHEN old_value IS NOT NULL "
            "THEN 'corrected' ELSE quality END AS quality FROM x WHERE NOT same "
            "ORDER BY meter, start, row"
        ).to_arrow_table()
        replaced = con.sql(
            "SELECT meter, start AS ts, old_value AS value FROM x "
            "WHERE old_value IS NOT NULL AND NOT same"
        ).to_arrow_table()
    return kept, replaced, same


def _gaps(fresh: pa.Table) -> list[Gap]:
    """Missing intervals between the batch's first and last reading of each meter: each
    reading against the one before it, on the sorted arrays (vectorised)."""
    n = fresh.num_rows
    if n < 2:
        return []
    codes = fresh.column("meter").combine_chunks().dictionary_encode()
    mi = np.asarray(codes.indices.to_numpy(zero_copy_only=False))
    t = fresh.column("start").cast(pa.int64()).to_numpy()
    step = fresh.column("step").to_numpy().astype(np.int64) * 60_000_000
    jump = t[1:] - t[:-1]
    at = np.flatnonzero((mi[1:] == mi[:-1]) & (jump > step[1:]))[:MAX_LISTED]
    names = codes.dictionary.to_pylist()
    out = []
    for i in at:
        k = int(jump[i] // step[i]) - 1
        if k > 0:
            s = to_utc(np.datetime64(int(t[i] + step[i]), "us"))
            out.append(Gap(names[mi[i]], s, s + timedelta(microseconds=int(step[i]) * k), k))
    return out


def _write(
    ctx: Context,
    report: ReadingsReport,
    readings: pa.Table,
    replaced: pa.Table,
    new_states: Mapping[str, tuple[datetime, float]],
    received: datetime,
    meters: Mapping[str, Meter],
) -> ReadingsReport:
    """The batch's files, then its record and the meters' states (files removed again when
    the record cannot be committed)."""
    ws = ctx.workspace()
    written = False
    try:
        if readings.num_rows:
            site_of = {c: m.site for c, m in meters.items()}
            store.write_readings(ws.path, readings, report.batch_id, site_of, presorted=True)
            store.write_month_sums(
                ws.path, report.batch_id, readings, {c: m.tz for c, m in meters.items()}, replaced
            )
            written = True
        with ws.session() as db:
            db.add(
                EnergyReadingBatch(
                    batch_id=report.batch_id,
                    source=report.source,
                    origin=report.origin[:500],
                    received=received,
                    rows=report.accepted,
                    duplicates=report.duplicates,
                    meters=report.meters,
                    first_ts=report.first_ts.replace(tzinfo=None) if report.first_ts else None,
                    last_ts=report.last_ts.replace(tzinfo=None) if report.last_ts else None,
                    issues=[i.to_dict() for i in report.issues[:MAX_LISTED]],
                )
            )
            for code, (ts, reg) in new_states.items():
                st = db.scalar(select(EnergyMeterState).where(EnergyMeterState.meter == code))
                naive = ts.replace(tzinfo=None)
                if st is None:
                    db.add(EnergyMeterState(meter=code, last_ts=naive, last_register=reg))
                else:
                    st.last_ts, st.last_register = naive, reg
    except BaseException:
        if written:
            store.remove_batch(ws.path, report.batch_id)
        raise
    return report


def batch_issues_json(report: ReadingsReport) -> str:
    """The report as JSON text (job results, logs)."""
    return json.dumps(report.to_dict(), ensure_ascii=False)


__all__ = [
    "MAX_LISTED",
    "ReadingsReport",
    "ingest_readings_file",
    "ingest_readings_ndjson",
    "ingest_readings_table",
    "list_batches",
    "meter_monthly",
    "meter_series",
    "reading_gaps",
]
