"""The circularity ledgers and their eight KPIs (issue 19 item 5, decision 0100).

Five ledgers (:data:`lingtan.modules.circularity.ledgers.KINDS`): recycled and bio-based
material inputs, packaging changes, returnable assets, take-back, approved recyclers. This
service lists, adds, changes and removes their rows (each change an audited row), imports a
ledger's CSV or XLSX file all or nothing (every wrong cell named: file, row, column, reason in
the user's language), computes the eight KPIs of a reporting period
(:mod:`lingtan.modules.circularity.kpis`) and gives the disclosure edition its section
(:func:`circularity_section`).

Avoided emissions (net kg × (EF_virgin − EF_recycled), with the factors' source) are labelled
AVOIDED everywhere and never deducted from an inventory (GHG Protocol Corporate Standard ch. 9);
recycled content follows ISO 14021:2016 §7.8 (mass of recycled material / mass of the part).

Reading needs ``read``; changing ``edit_data``. A refusal is a :class:`CircError` with its
catalogue key (``circ.err.*``, ``circ.file.*``) and parameters.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.io.circularity_files import COLUMNS
from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError, Kind, keyed_refusal
from lingtan.adapters.services.register_files import (
    KeyedFileError,
    RowError,
    cell_error_lines,
)
from lingtan.adapters.store.circularity import (
    MaterialRow,
    PackagingRow,
    RecyclerRow,
    ReturnableRow,
    TakeBackRow,
)
from lingtan.core.errors import InputFileError, LingtanError
from lingtan.core.messages import Message, msg
from lingtan.modules.circularity import kpis as km
from lingtan.modules.circularity import ledgers as lm
from lingtan.modules.circularity.errors import CircularityError
from lingtan.modules.disclosure.document import (
    Cell,
    Chart,
    Column,
    EditionScope,
    Fact,
    Section,
    Table,
    column,
    empty_section,
    fact,
    label,
    na,
    number,
    text,
)
from lingtan.modules.disclosure.facts import facts_of

#: the store table of each ledger
MODELS: dict[str, type[Any]] = {
    "materials": MaterialRow,
    "packaging": PackagingRow,
    "returnables": ReturnableRow,
    "takeback": TakeBackRow,
    "recyclers": RecyclerRow,
}
#: the fields of each ledger a caller may set (the file's columns)
FIELDS: dict[str, tuple[str, ...]] = COLUMNS
_FLOATS = frozenset({"gross_kg", "net_kg", "ef_virgin", "ef_recycled", "kg_per_unit_before",
                     "kg_per_unit_after", "kg", "residual_value"})  # fmt: skip
_INTS = frozenset({"units", "issued", "returned", "lost", "count"})
_DATES = frozenset({"period_start", "period_end", "day", "supplier_audit", "environmental_audit",
                    "document_approval", "expires"})  # fmt: skip
_BOOLS = frozenset({"synthetic", "contract_terms", "oecd_export_ok"})
#: longest text of each text field
_TEXT_LEN = {"product_line": 120, "certificate": 200, "supplier": 120, "ef_source": 300,
             "note": 500, "line": 120, "programme": 120, "site": 80, "customer": 200,
             "sanitisation_cert": 200, "recycling_cert": 200, "name": 300, "region": 80,
             "recycler": 40, "code": 40, "year": 12, "material": 20, "asset_kind": 12,
             "device_category": 20, "route": 20, "status": 12}  # fmt: skip
_TRUE = {"true", "yes", "y", "1", "是", "x"}
_FALSE = {"false", "no", "n", "0", "否", ""}


class CircError(KeyedError):
    """A refused request of the circularity ledgers: besides the English ``message`` it carries
    ``key`` (``circ.err.*`` / ``circ.file.*``) and ``params``."""


class CircFileError(CircError, KeyedFileError):
    """An import file was refused: ``errors`` lists every wrong cell (:class:`RowError`)."""

    row_error_key = "circ.file.row_error"


def refused(kind: Kind, message: Message, field: str | None = None) -> CircError:
    """A :class:`CircError` of ``kind`` for a keyed ``message`` (English from the catalogue)."""
    return keyed_refusal(CircError, kind, message, field)


def _kind(kind: str) -> str:
    if kind not in MODELS:
        raise refused("not_found", msg("circ.err.kind", value=str(kind)[:40],
                                       kinds=", ".join(lm.KINDS)), "kind")  # fmt: skip
    return kind


def row_error_lines(errors: Sequence[RowError], locale: str, limit: int = 50) -> list[str]:
    """``file, row r, column c: reason`` of each wrong cell (the first ``limit``)."""
    return cell_error_lines(errors, "circ.file.row_error", locale, limit)


# ---- cells --------------------------------------------------------------------------------


def _bad(key: str, field: str, **params: Any) -> CircError:
    return refused("invalid", msg(key, field=field, **params), field)


def _cell(field: str, value: Any) -> Any:
    """One field's value (text from a file or a form, or already typed) as the ledger stores
    it; blank → None.

    Raises:
        CircError: ``circ.err.number`` / ``count`` / ``date`` / ``bool`` / ``text``.
    """
    if isinstance(value, str):
        value = " ".join(value.split())
        if value == "" and field not in _BOOLS:
            return None
    if value is None:
        return False if field in _BOOLS else None
    if field in _FLOATS:
        if isinstance(value, bool):
            raise _bad("circ.err.number", field, value=str(value))
        try:
            f = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
        except ValueError:
            raise _bad("circ.err.number", field, value=str(value)[:40]) from None
        if not math.isfinite(f):
            raise _bad("circ.err.number", field, value=str(value)[:40])
        return f
    if field in _INTS:
        if isinstance(value, bool):
            raise _bad("circ.err.count", field, value=str(value))
        try:
            f = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
        except ValueError:
            raise _bad("circ.err.count", field, value=str(value)[:40]) from None
        if not math.isfinite(f) or not f.is_integer():
            raise _bad("circ.err.count", field, value=str(value)[:40])
        return int(f)
    if field in _DATES:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value)[:10] if len(str(value)) > 10 else str(value))
        except ValueError:
            raise _bad("circ.err.date", field, value=str(value)[:40]) from None
    if field in _BOOLS:
        if isinstance(value, bool):
            return value
        t = str(value).strip().lower()
        if t in _TRUE:
            return True
        if t in _FALSE:
            return False
        raise _bad("circ.err.bool", field, value=str(value)[:40])
    if field == "services":
        from lingtan.adapters.io.circularity_files import split_list

        items = split_list(value) if isinstance(value, str) else [str(v) for v in value]
        return [i.lower() for i in items]
    s = str(value)
    if len(s) > _TEXT_LEN.get(field, 300) or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in s):
        raise _bad("circ.err.text", field, max=_TEXT_LEN.get(field, 300))
    return s


def _from_module(exc: CircularityError) -> CircError:
    return keyed_refusal(CircError, "invalid", exc.message, exc.field)


def _checked(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """A whole row (typed values by field) checked by the ledger's rules
    (:mod:`lingtan.modules.circularity.ledgers`), normalised.

    Raises:
        CircError: the first wrong field.
    """
    v: dict[str, Any] = {f: values.get(f) for f in FIELDS[kind]}
    for f in _BOOLS & set(v):
        v[f] = bool(v[f])
    try:
        if kind == "materials":
            m = lm.check_material(lm.MaterialInput(
                v["year"] or "", v["material"] or "", v["net_kg"], v["gross_kg"],
                v["product_line"], v["certificate"], v["supplier"], v["ef_virgin"],
                v["ef_recycled"], v["ef_source"], v["synthetic"]))  # fmt: skip
            v.update(year=m.year, material=m.material, net_kg=m.net_kg, gross_kg=m.gross_kg)
        elif kind == "packaging":
            p = lm.check_packaging(lm.PackagingChange(
                v["year"] or "", v["line"] or "", v["material"] or "", v["kg_per_unit_before"],
                v["kg_per_unit_after"], v["units"], v["synthetic"]))  # fmt: skip
            v.update(year=p.year, line=p.line, material=p.material)
        elif kind == "returnables":
            for f in ("period_start", "period_end"):
                if v[f] is None:
                    raise CircularityError(msg("circ.err.required", field=f), f)
            r = lm.check_returnable(lm.ReturnableAssetMovement(
                v["asset_kind"] or "", v["programme"] or "", v["period_start"], v["period_end"],
                v["issued"], v["returned"], v["lost"], v["site"], v["synthetic"]))  # fmt: skip
            v.update(asset_kind=r.asset_kind, programme=r.programme)
        elif kind == "takeback":
            if v["day"] is None:
                raise CircularityError(msg("circ.err.required", field="day"), "day")
            t = lm.check_takeback(lm.TakeBack(
                v["day"], v["programme"] or "", v["device_category"] or "", v["count"],
                v["route"] or "", v["kg"], v["customer"], v["recycler"], v["sanitisation_cert"],
                v["recycling_cert"], v["residual_value"], v["synthetic"]))  # fmt: skip
            v.update(programme=t.programme, device_category=t.device_category,
                     route=t.route, recycler=t.recycler)  # fmt: skip
        else:
            v["services"] = list(v["services"] or [])
            v["status"] = v["status"] or "approved"
            a = lm.check_recycler(_recycler(v))
            v.update(code=a.code, name=a.name, region=a.region, services=list(a.services),
                     status=a.status)  # fmt: skip
    except CircularityError as exc:
        raise _from_module(exc) from exc
    if kind != "recyclers":
        v.pop("services", None)
    return v


def _recycler(v: Any) -> lm.ApprovedRecycler:
    get = v.get if isinstance(v, dict) else lambda k: getattr(v, k)
    return lm.ApprovedRecycler(
        get("code") or "", get("name") or "", get("region") or "",
        tuple(get("services") or ()), get("supplier_audit"), get("environmental_audit"),
        get("document_approval"), bool(get("contract_terms")), bool(get("oecd_export_ok")),
        get("status") or "approved", get("expires"),
    )  # fmt: skip


def _typed(kind: str, fields: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, Message]]]:
    """Each given field typed on its own (so that an import names every wrong cell): the
    values and ``(field, reason)`` of each wrong one; unknown fields refused."""
    values: dict[str, Any] = {}
    wrong: list[tuple[str, Message]] = []
    for f, value in fields.items():
        if f not in FIELDS[kind]:
            wrong.append((f, msg("circ.err.field", field=f)))
            continue
        try:
            values[f] = _cell(f, value)
        except CircError as exc:
            wrong.append((f, Message(exc.key, exc.params)))
    return values, wrong


# ---- rows ---------------------------------------------------------------------------------


def row_dict(kind: str, row: Any) -> dict[str, Any]:
    """A ledger row as plain data (its id and fields; the computed figure of the row:
    ``avoided_kg`` of a packaging change, ``avoided_kg_co2e`` of a material input)."""
    d: dict[str, Any] = {"id": row.id, **{f: getattr(row, f) for f in FIELDS[kind]}}
    d["source_file"], d["source_row"] = row.source_file, row.source_row
    if kind == "materials":
        ev, er = row.ef_virgin, row.ef_recycled
        d["avoided_kg_co2e"] = None if ev is None or er is None else row.net_kg * (ev - er)
    elif kind == "packaging":
        d["avoided_kg"] = (row.kg_per_unit_before - row.kg_per_unit_after) * row.units
    elif kind == "recyclers":
        d["services"] = list(row.services or [])
    return d


_ORDER: dict[str, Callable[[Any], Any]] = {
    "materials": lambda r: (r.year, r.material, r.product_line or "", r.id),
    "packaging": lambda r: (r.year, r.line, r.material, r.id),
    "returnables": lambda r: (r.period_end, r.programme, r.id),
    "takeback": lambda r: (r.day, r.programme, r.id),
    "recyclers": lambda r: (r.code,),
}


def list_rows(db: Session, ctx: Context, kind: str, *, year: str | None = None) -> list[Any]:
    """The rows of a ledger in their order (year, day or code), those of ``year`` (a fiscal
    year of the workspace or a calendar year) when given.

    Raises:
        CircError: 404 unknown ledger; 422 unknown year.
    """
    ctx.require("read")
    rows = sorted(db.scalars(select(MODELS[_kind(kind)])), key=_ORDER[kind])
    if year is None or kind == "recyclers":
        return rows
    period = period_of(ctx, year)
    if kind in ("materials", "packaging"):
        return [r for r in rows if period.holds_year(r.year)]
    if kind == "returnables":
        return [r for r in rows if period.holds_day(r.period_end)]
    return [r for r in rows if period.holds_day(r.day)]


def get_row(db: Session, ctx: Context, kind: str, row_id: int) -> Any:
    """One row of a ledger.

    Raises:
        CircError: 404 (also for another organisation's row).
    """
    ctx.require("read")
    row = db.get(MODELS[_kind(kind)], row_id)
    if row is None:
        raise refused("not_found", msg("circ.err.not_found", id=row_id), "id")
    return row


def _unique_code(db: Session, code: str, row_id: int | None = None) -> None:
    found = db.scalar(select(RecyclerRow).where(RecyclerRow.code == code))
    if found is not None and found.id != row_id:
        raise refused("conflict", msg("circ.err.duplicate", code=code), "code")


def create_row(db: Session, ctx: Context, kind: str, fields: dict[str, Any]) -> Any:
    """Add a row to a ledger (audited).

    Raises:
        CircError: 403; 404 unknown ledger; 409 a recycler code taken; 422 a field is invalid
            (named).
    """
    ctx.require("edit_data")
    _kind(kind)
    values, wrong = _typed(kind, fields)
    if wrong:
        f, m = wrong[0]
        raise keyed_refusal(CircError, "invalid", m, f)
    values = _checked(kind, values)
    if kind == "recyclers":
        _unique_code(db, values["code"])
    row = MODELS[kind](**values)
    db.add(row)
    db.commit()
    return row


def update_row(db: Session, ctx: Context, kind: str, row_id: int, fields: dict[str, Any]) -> Any:
    """Change the fields given of a row (audited).

    Raises:
        CircError: 403, 404, 409, 422 as :func:`create_row`.
    """
    ctx.require("edit_data")
    row = get_row(db, ctx, kind, row_id)
    values, wrong = _typed(kind, fields)
    if wrong:
        f, m = wrong[0]
        raise keyed_refusal(CircError, "invalid", m, f)
    current = {f: getattr(row, f) for f in FIELDS[kind]}
    merged = _checked(kind, {**current, **values})
    if kind == "recyclers":
        _unique_code(db, merged["code"], row.id)
    for f, v in merged.items():
        if current.get(f) != v:
            setattr(row, f, v)
    db.commit()
    return row


def delete_row(db: Session, ctx: Context, kind: str, row_id: int) -> None:
    """Remove a row from a ledger (audited).

    Raises:
        CircError: 403; 404.
    """
    ctx.require("edit_data")
    db.delete(get_row(db, ctx, kind, row_id))
    db.commit()


# ---- the import file ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the ledger and the ids of the rows created."""

    kind: str
    created: tuple[int, ...] = ()


def import_rows(
    db: Session,
    ctx: Context,
    kind: str,
    data: bytes,
    file_name: str,
    *,
    encoding: str | None = None,
) -> ImportResult:
    """Add the rows of a ledger's CSV or XLSX file (:mod:`lingtan.adapters.io.circularity_files`)
    all or nothing: every wrong cell is named (file, row, column, reason) and nothing is written
    when one is wrong.

    Raises:
        CircError: 403; 404 unknown ledger; 413 above 20 MiB.
        CircFileError: 422 the file's shape (``summary``) or its wrong cells (``errors``).
    """
    from lingtan.adapters.io.circularity_files import read_ledger_file
    from lingtan.adapters.services.register_files import safe_file_name

    ctx.require("edit_data")
    _kind(kind)
    if len(data) > 20 * 1024 * 1024:
        raise CircError("too_large", "circ.err.file_size", "a file is at most 20 MiB", "file")
    source = safe_file_name(file_name, f"{kind}.csv")
    try:
        rows = read_ledger_file(kind, data, source, encoding=encoding)
    except InputFileError as exc:
        m = getattr(exc, "key_message", None) or exc.message or msg("circ.file.unreadable")
        plain = {k: v for k, v in m.params.items() if isinstance(v, str | int | float)}
        key = m.key if m.key.startswith("circ.file.") else "circ.file.unreadable"
        raise CircFileError(Message(key, {**plain, "file": source}), []) from exc
    errors: list[RowError] = []
    checked: list[dict[str, Any]] = []
    codes: dict[str, int] = {}
    for r in rows:
        values, wrong = _typed(kind, r.cells)
        errors += [RowError(source, r.row, f, m) for f, m in wrong]
        if wrong:
            continue
        try:
            values = _checked(kind, values)
            if kind == "recyclers":
                if values["code"] in codes:
                    raise refused("conflict", msg("circ.err.duplicate_in_file", code=values["code"],
                                                  row=codes[values["code"]]), "code")  # fmt: skip
                _unique_code(db, values["code"])
                codes[values["code"]] = r.row
        except CircError as exc:
            errors.append(RowError(source, r.row, exc.field or "row", Message(exc.key, exc.params)))
            continue
        checked.append({**values, "source_file": source, "source_row": r.row})
    if errors:
        raise CircFileError(msg("circ.file.rows", file=source, n=len(errors)), errors)
    if not checked:
        raise CircFileError(msg("circ.file.no_rows", file=source), [])
    made = [MODELS[kind](**v) for v in checked]
    db.add_all(made)
    db.commit()
    return ImportResult(kind, tuple(int(m.id) for m in made))


def export_rows(db: Session, ctx: Context, kind: str, fmt: str = "csv") -> bytes:
    """A ledger as a CSV (UTF-8 with BOM) or XLSX file the import reads back."""
    from lingtan.adapters.io.circularity_files import ledger_csv, ledger_xlsx

    rows = [row_dict(kind, r) for r in list_rows(db, ctx, kind)]
    return ledger_xlsx(kind, rows) if fmt == "xlsx" else ledger_csv(kind, rows)


def template(kind: str) -> bytes:
    """The CSV template of a ledger (header and one example row)."""
    from lingtan.adapters.io.circularity_files import template_csv

    return template_csv(_kind(kind))


# ---- the KPIs -----------------------------------------------------------------------------


def period_of(ctx: Context, year: str) -> km.Period:
    """The reporting period of ``year``: a fiscal year of the workspace's calendar
    (``FY2023/24``, also ``FY2023-24``) or a calendar year (``2023``).

    Raises:
        CircError: 422 not a year.
    """
    label = str(year).strip().replace("-", "/")
    if label.isdigit() and len(label) == 4:
        y = int(label)
        return km.Period(label, date(y, 1, 1), date(y, 12, 31))
    try:
        p = ctx.workspace().config.period(label)
    except (LingtanError, ValueError) as exc:
        raise refused("invalid", msg("circ.err.year", field="year", value=str(year)[:40]),
                      "year") from exc  # fmt: skip
    return km.Period(p.label, p.start, p.end)


def ledgers(db: Session) -> km.Ledgers:
    """The organisation's ledgers as the KPIs read them."""
    mats = [lm.MaterialInput(r.year, r.material, r.net_kg, r.gross_kg, r.product_line,
                             r.certificate, r.supplier, r.ef_virgin, r.ef_recycled, r.ef_source,
                             r.synthetic) for r in db.scalars(select(MaterialRow))]  # fmt: skip
    packs = [lm.PackagingChange(r.year, r.line, r.material, r.kg_per_unit_before,
                                r.kg_per_unit_after, r.units, r.synthetic)
             for r in db.scalars(select(PackagingRow))]  # fmt: skip
    rets = [lm.ReturnableAssetMovement(r.asset_kind, r.programme, r.period_start, r.period_end,
                                       r.issued, r.returned, r.lost, r.site, r.synthetic)
            for r in db.scalars(select(ReturnableRow))]  # fmt: skip
    takes = [lm.TakeBack(r.day, r.programme, r.device_category, r.count, r.route, r.kg,
                         r.customer, r.recycler, r.sanitisation_cert, r.recycling_cert,
                         r.residual_value, r.synthetic)
             for r in db.scalars(select(TakeBackRow))]  # fmt: skip
    recs = [_recycler(r) for r in db.scalars(select(RecyclerRow))]
    return km.Ledgers(mats, packs, rets, takes, recs)


def compute_kpis(
    db: Session, ctx: Context, year: str, *, since: int | None = None
) -> tuple[km.Period, list[km.Figure]]:
    """The period of ``year`` and every figure of the eight KPIs in it.

    Raises:
        CircError: 422 not a year.
    """
    ctx.require("read")
    period = period_of(ctx, year)
    return period, km.compute(ledgers(db), period, since=since)


def figure_dict(f: km.Figure) -> dict[str, Any]:
    """A figure as plain data (API, CLI)."""
    return {"key": f.key, "kpi": f.kpi, "value": f.value, "unit": f.unit, "digits": f.digits,
            "parts": dict(f.parts), "reason": f.reason, "avoided": f.avoided,
            "sources": list(f.sources)}  # fmt: skip


def ledgers_digest(db: Session) -> str:
    """SHA-256 of the ledgers' content (what an edition pins as its ``circularity`` input)."""
    data = {
        k: [{f: getattr(r, f) for f in FIELDS[k]} for r in sorted(rows, key=_ORDER[k])]
        for k in lm.KINDS
        for rows in [list(db.scalars(select(MODELS[k])))]
    }
    blob = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _own_session(ctx: Context) -> Any:
    """A store session of the context's organisation (for callers without one: the edition's
    collector, the control tower)."""
    from lingtan.adapters.store.scoping import tenant_session

    ws = ctx.workspace()
    return tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor)


def kpis_of(
    ctx: Context, year: str, *, since: int | None = None
) -> tuple[km.Period, list[km.Figure]]:
    """:func:`compute_kpis` on a session of its own (the control tower's tile)."""
    with _own_session(ctx) as db:
        return compute_kpis(db, ctx, year, since=since)


def digest_of(ctx: Context) -> str:
    """:func:`ledgers_digest` on a session of its own (an edition's ``circularity`` input)."""
    ctx.require("read")
    with _own_session(ctx) as db:
        return ledgers_digest(db)


# ---- the edition's section ----------------------------------------------------------------

#: the units of counts (shown without a unit symbol)
_COUNT_UNITS = {"count": "", "devices": ""}


def _num(f: km.Figure, fy: str) -> Cell:
    if f.value is None:
        return na(f.reason)
    return number(f.value, _COUNT_UNITS.get(f.unit, f.unit), f.digits, ref=f"circ:kpi:{f.key}:{fy}")


def _basis(synthetic: bool) -> Cell:
    return label("circ.basis.synthetic" if synthetic else "circ.basis.recorded")


def _col(key: str, unit: str | None = None) -> Column:
    return column(key, f"circ.col.{key}", unit or None)


def _fact(status: str, source: str, note: str | None = None) -> Fact:
    return fact(status, source, note or None)  # type: ignore[arg-type]


def circularity_section(ctx: Context, scope: EditionScope) -> Section:
    """The circularity section of an edition of ``scope.fiscal_year``: the eight KPIs with their
    formulas, the material inputs by material (recycled content, ISO 14021), the emissions
    AVOIDED with the factors' sources (never deducted from the inventory), packaging changes,
    returnable assets, take-back by programme and route, approved recyclers, and the recycled
    mass by year; facts ``circ.*`` computed from the rows; ``empty_section`` when the ledgers
    hold nothing up to the year."""
    ctx.require("read")
    with _own_session(ctx) as db:
        data = ledgers(db)
    period = km.Period(scope.fiscal_year, date.fromisoformat(scope.period_start),
                       date.fromisoformat(scope.period_end))  # fmt: skip
    return section_of(data, period)


def section_of(data: km.Ledgers, period: km.Period) -> Section:
    """The section (:func:`circularity_section`) of ``data`` in ``period``. Pure."""
    fy = period.label
    mats = [m for m in data.materials if period.holds_year(m.year)]
    packs = [p for p in data.packaging if period.holds_year(p.year)]
    rets = [r for r in data.returnables if period.holds_day(r.period_end)]
    takes = [t for t in data.takeback if period.holds_day(t.day)]
    facts = facts_of("circularity")
    if not (mats or packs or rets or takes):
        return empty_section("circularity", "circ.section.title", "metrics_targets", facts)
    figures = km.compute(data, period)
    tables: list[Table] = [{
        "key": "circularity.kpis", "title": "circ.table.kpis",
        "columns": [_col("kpi"), _col("value"), _col("formula")],
        "rows": [[label(f"circ.fig.{f.key}"), _num(f, fy),
                  label(f"circ.formula.{f.key.split('.')[0]}")] for f in figures],
        "note": "circ.table.kpis.note",
    }]  # fmt: skip
    if mats:
        rows: list[list[Cell]] = []
        for material in sorted({m.material for m in mats}, key=list(lm.MATERIALS).index):
            ms = [m for m in mats if m.material == material]
            gross = [m.gross_kg for m in ms if m.gross_kg is not None]
            net = sum(m.net_kg for m in ms)
            g = sum(gross)
            share = number(100 * net / g, "%", 1) if len(gross) == len(ms) and g > 0 else na(
                "circ.na.no_gross")  # fmt: skip
            group = label(f"circ.group.{lm.MATERIALS[material]}")
            rows.append([label(f"circ.material.{material}"), group,
                         number(g / 1000, "t", 1) if gross else na("circ.na.no_gross"),
                         number(net / 1000, "t", 1), share,
                         _basis(any(m.synthetic for m in ms))])  # fmt: skip
        tables.append({"key": "circularity.materials", "title": "circ.table.materials",
                       "columns": [_col("material"), _col("group"), _col("gross", "t"),
                                   _col("net", "t"), _col("content_share", "%"), _col("basis")],
                       "rows": rows, "note": "circ.table.materials.note"})  # fmt: skip
        avoided = [m for m in mats if m.avoided_kg_co2e is not None]
        if avoided:
            tables.append({
                "key": "circularity.avoided", "title": "circ.table.avoided",
                "columns": [_col("material"), _col("net", "t"), _col("ef_virgin", "kg CO2e/kg"),
                            _col("ef_recycled", "kg CO2e/kg"), _col("avoided", "t CO2e"),
                            _col("ef_source")],
                "rows": [[label(f"circ.material.{m.material}"), number(m.net_kg / 1000, "t", 1),
                          number(m.ef_virgin or 0.0, "kg CO2e/kg", 3),
                          number(m.ef_recycled or 0.0, "kg CO2e/kg", 3),
                          number((m.avoided_kg_co2e or 0.0) / 1000, "t CO2e", 1),
                          text(m.ef_source or "")] for m in avoided],
                "note": "circ.table.avoided.note",
            })  # fmt: skip
    if packs:
        tables.append({
            "key": "circularity.packaging", "title": "circ.table.packaging",
            "columns": [_col("line"), _col("material"), _col("before", "kg"), _col("after", "kg"),
                        _col("units"), _col("reduction", "%"), _col("avoided_mass", "t"),
                        _col("basis")],
            "rows": [[text(p.line), label(f"circ.pack.{p.material}"),
                      number(p.kg_per_unit_before, "kg", 4), number(p.kg_per_unit_after, "kg", 4),
                      number(p.units, "", 0),
                      number(100 * (p.kg_per_unit_before - p.kg_per_unit_after)
                             / p.kg_per_unit_before, "%", 1) if p.kg_per_unit_before > 0
                      else na(None),
                      number(p.avoided_kg / 1000, "t", 1), _basis(p.synthetic)] for p in packs],
        })  # fmt: skip
    if rets:
        tables.append({
            "key": "circularity.returnables", "title": "circ.table.returnables",
            "columns": [_col("programme"), _col("asset_kind"), _col("period"), _col("issued"),
                        _col("returned"), _col("lost"), _col("loss_rate", "‰"), _col("basis")],
            "rows": [[text(r.programme), label(f"circ.asset.{r.asset_kind}"),
                      label("circ.period_range", start=r.period_start.isoformat(),
                            end=r.period_end.isoformat()),
                      number(r.issued, "", 0), number(r.returned, "", 0),
                      number(r.lost, "", 0) if r.lost is not None else na("circ.na.no_losses"),
                      number(1000 * r.lost / r.issued, "‰", 1)
                      if r.lost is not None and r.issued else na("circ.na.no_losses"),
                      _basis(r.synthetic)] for r in rets],
        })  # fmt: skip
    if takes:
        rows = []
        for prog in lm.PROGRAMMES:
            for route in lm.ROUTES:
                ts = [t for t in takes if t.programme == prog and t.route == route]
                if not ts:
                    continue
                n = sum(t.count for t in ts)
                kg = [t.kg for t in ts if t.kg is not None]
                cert = sum(t.count for t in ts if (t.sanitisation_cert or "").strip())
                rows.append([label(f"circ.programme.{prog}"), label(f"circ.route.{route}"),
                             number(n, "", 0),
                             number(sum(kg) / 1000, "t", 1) if kg else na("circ.na.not_weighed"),
                             number(100 * cert / n, "%", 1),
                             _basis(any(t.synthetic for t in ts))])  # fmt: skip
        tables.append({"key": "circularity.takeback", "title": "circ.table.takeback",
                       "columns": [_col("programme"), _col("route"), _col("devices"),
                                   _col("mass", "t"), _col("certified", "%"), _col("basis")],
                       "rows": rows})  # fmt: skip
    if data.recyclers:
        tables.append({
            "key": "circularity.recyclers", "title": "circ.table.recyclers",
            "columns": [_col("code"), _col("name"), _col("region"), _col("approved"),
                        _col("expires")],
            "rows": [[text(r.code), text(r.name), text(r.region),
                      label("circ.yes" if r.approved_on(period.end) else "circ.no"),
                      {"kind": "date", "v": r.expires.isoformat()} if r.expires else na(None)]
                     for r in sorted(data.recyclers, key=lambda r: r.code)],
        })  # fmt: skip
    charts: list[Chart] = []
    years = sorted(
        {m.year for m in data.materials if m.group == "recycled_plastic" and m.gross_kg is not None
         and (period.holds_year(m.year) or km.year_start(m.year, period) <= period.start)},
        key=lambda y: (km.first_year(y), y),
    )  # fmt: skip
    if len(years) >= 2:
        plastic = [m for m in data.materials if m.group == "recycled_plastic"]
        by_year = [sum(m.gross_kg or 0.0 for m in plastic if m.year == y) / 1000 for y in years]
        tables.append({"key": "circularity.recycled_by_year", "title": "circ.table.by_year",
                       "columns": [_col("year"), _col("gross", "t")],
                       "rows": [[text(y), number(v, "t", 0)]
                                for y, v in zip(years, by_year, strict=True)]})  # fmt: skip
        charts.append({"key": "circularity.recycled_by_year", "title": "circ.table.by_year",
                       "kind": "bar", "x": years,
                       "series": [{"label": label("circ.group.recycled_plastic"),
                                   "values": list(by_year)}],
                       "unit": "t", "table": "circularity.recycled_by_year"})  # fmt: skip
    heads = km.headline(figures)
    known = sum(1 for k in km.KPIS if heads[k].value is not None)
    synthetic = sum(1 for rows_ in (mats, packs, rets, takes) for r in rows_ if r.synthetic)
    paragraphs: list[Cell] = [
        label("circ.section.period", period=fy),
        label("circ.section.avoided"),
        label("circ.section.iso14021"),
    ]
    if synthetic:
        paragraphs.append(label("circ.section.synthetic", n=synthetic))
    stated: dict[str, Fact] = {
        "circ.materials": (
            _fact("complete", "circularity:materials") if mats and all(
                m.gross_kg is not None for m in mats)
            else _fact("partial", "circularity:materials", "circ.na.no_gross") if mats
            else _fact("missing", "not_available", "circ.na.no_rows")),
        "circ.packaging": (_fact("complete", "circularity:packaging") if packs
                           else _fact("missing", "not_available", "circ.na.no_rows")),
        "circ.returnables": (
            _fact("complete", "circularity:returnables") if rets and all(
                r.lost is not None for r in rets)
            else _fact("partial", "circularity:returnables", "circ.na.no_losses") if rets
            else _fact("missing", "not_available", "circ.na.no_rows")),
        "circ.takeback": (
            _fact("complete", "circularity:takeback") if takes and data.recyclers
            else _fact("partial", "circularity:takeback", "circ.na.no_recyclers") if takes
            else _fact("missing", "not_available", "circ.na.no_rows")),
        "circ.kpis": (_fact("complete", "circularity:kpis") if known == len(km.KPIS)
                      else _fact("partial", "circularity:kpis", "circ.na.some_kpis") if known
                      else _fact("missing", "not_available", "circ.na.no_rows")),
    }  # fmt: skip
    return {
        "key": "circularity",
        "title": "circ.section.title",
        "pillar": "metrics_targets",
        "available": True,
        "paragraphs": paragraphs,
        "tables": tables,
        "charts": charts,
        "narratives": [],
        "facts": {k: stated.get(k, _fact("missing", "not_available")) for k in facts},
    }
