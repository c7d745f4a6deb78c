"""Supplier projects, programmes, the supply-chain KPI and supplier training (issue 15 items
6–7, decision 0067): every use case once, for the command line, the API and the web pages.

Use cases take the request's store session (scoped to the organisation,
:mod:`lingtan.adapters.store.scoping`) and the caller's :class:`Context`. Reading needs
``read``; changing needs ``edit_data``; every change is an audited row. Everything shown is
computed by :mod:`lingtan.modules.suppliers.projects` and :mod:`.training`:

- the **ledger**: per project its cumulative and attributed reductions [t CO2e], expected
  lifetime reduction, cost-effectiveness [CNY/t CO2e] and implied-factor checks against the
  highest electricity grid factor of its region in the bundled factor library
  (``electricity.grid``, any set, any year; kg/kWh = t/MWh); per programme and for the group
  (each project once);
- the **programme KPI** "1 Mt supply-chain reduction by FY2025/26" (report lines 2143–2145)
  with its status by the targets' KPI rule; a targets file's ``supply_chain_reduction`` KPI
  without values takes these values (:func:`fill_supply_chain_kpis`);
- **training**: events, attendance (also imported from a CSV or XLSX file, all or nothing, each
  wrong cell named by file, row, column and reason) and the counts per kind and supplier.

A refused request is a :class:`ProgrammesError` (a :class:`ServiceError` with the catalogue key
``supplier_programmes.err.*`` and its parameters, shown in the user's language).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import Kind, ServiceError
from lingtan.adapters.store.supplier_programmes import (
    SupplierAttendance,
    SupplierProgramme,
    SupplierProjectMeasurement,
    SupplierProjectProgramme,
    SupplierProjectRow,
    SupplierTrainingEvent,
)
from lingtan.adapters.store.suppliers import Supplier
from lingtan.core.errors import LingtanError, PeriodError
from lingtan.core.messages import Message, msg
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.suppliers import projects as mod
from lingtan.modules.suppliers import training as tr
from lingtan.modules.targets.kpis import Kpi, KpiKind

_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
_REGION_RE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,12}){0,2}$")
_LINE_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]{1,300}$")
#: fields of a project a caller may set
PROJECT_FIELDS = (
    "code", "supplier", "name", "type", "region", "capex_cny", "start", "life_years",
    "programmes", "ex_ante", "ex_ante_t_per_year", "factor_basis", "basis_factor",
    "attribution_pct",
)  # fmt: skip
#: the grid factors' activity type in the factor library
GRID = "electricity.grid"
_YES = {"1", "true", "yes", "y", "是", "完成", "x"}
_NO = {"0", "false", "no", "n", "否", "未完成"}


class ProgrammesError(ServiceError):
    """A refused request: besides the English ``message`` (API, CLI) it carries ``key``, the
    catalogue key of the reason (``supplier_programmes.err.*``), and ``params``."""

    def __init__(
        self, kind: Kind, key: str, message: str, field: str | None = None, **params: Any
    ) -> None:
        super().__init__(kind, kind, message, field)
        self.key = key
        self.params = params
        self.errors: tuple[Any, ...] = ()


def message_text(message: Message, locale: str = "en") -> str:
    """The text of a keyed message in ``locale`` (``i18n/supplier_programmes.<locale>.json``)."""
    from lingtan.adapters.i18n.messages import catalogue
    from lingtan.core.messages import render

    return render(message, catalogue(locale).get, ", ")


def refused(kind: Kind, message: Message, field: str | None = None) -> ProgrammesError:
    """A :class:`ProgrammesError` of ``kind`` for a keyed ``message`` (English from the
    catalogue)."""
    params = {k: v for k, v in message.params.items() if isinstance(v, str | int | float)}
    return ProgrammesError(kind, message.key, message_text(message), field, **params)


def _from_module(exc: mod.ProgrammeError) -> ProgrammesError:
    field = exc.params.get("field")
    return refused("invalid", Message(exc.key, exc.message.params), field)


# -- field checks ----------------------------------------------------------------------------------


def _code(value: Any, field: str = "code") -> str:
    text = str(value or "").strip()
    if not _CODE_RE.match(text):
        raise refused("invalid", msg("supplier_programmes.err.code", field=field), field)
    return text


def _line(value: Any, field: str, *, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        if required:
            raise refused("invalid", msg("supplier_programmes.err.required", field=field), field)
        return ""
    if not _LINE_RE.match(text):
        raise refused("invalid", msg("supplier_programmes.err.text", field=field), field)
    return text


def _number(value: Any, field: str, *, required: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise refused("invalid", msg("supplier_programmes.err.required", field=field), field)
        return None
    try:
        x = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        x = float("nan")
    if not x >= 0 or x == float("inf"):
        raise refused(
            "invalid", msg("supplier_programmes.err.number", field=field, value=str(value)), field
        )
    return x


def _date(value: Any, field: str, *, required: bool = False) -> date | None:
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            raise refused("invalid", msg("supplier_programmes.err.required", field=field), field)
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise refused(
            "invalid", msg("supplier_programmes.err.date", field=field, value=text), field
        ) from None


def _region(value: Any) -> str:
    text = str(value or "CN").strip().upper()
    if not _REGION_RE.match(text):
        raise refused("invalid", msg("supplier_programmes.err.region", value=text), "region")
    return text


def _savings(value: Any, field: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise refused("invalid", msg("supplier_programmes.err.savings", field=field), field)
    out = []
    for item in value:
        if not isinstance(item, dict) or not item.get("carrier"):
            raise refused("invalid", msg("supplier_programmes.err.savings", field=field), field)
        carrier = _line(item.get("carrier"), field).lower()
        qty = _number(item.get("quantity"), field, required=True)
        unit = _line(item.get("unit") or ("MWh" if carrier == mod.ELECTRICITY else ""), field)
        try:
            mod.Saving(carrier, qty or 0.0, unit)
        except mod.ProgrammeError as exc:
            raise _from_module(exc) from None
        out.append({"carrier": carrier, "quantity": qty, "unit": unit})
    return out


def _project_fields(db: Session, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The checked values of the project ``fields`` given (all required ones when
    ``creating``); the supplier is looked up by code."""
    unknown = sorted(set(fields) - set(PROJECT_FIELDS))
    if unknown:
        raise refused(
            "invalid", msg("supplier_programmes.err.unknown_field", field=unknown[0]), unknown[0]
        )
    out: dict[str, Any] = {}
    for key in ("code", "supplier", "name"):
        if creating and not fields.get(key):
            raise refused("invalid", msg("supplier_programmes.err.required", field=key), key)
    if "code" in fields:
        out["code"] = _code(fields["code"])
    if "supplier" in fields:
        code = _code(fields["supplier"], "supplier")
        sid = db.scalar(select(Supplier.id).where(Supplier.code == code))
        if sid is None:
            raise refused(
                "invalid", msg("supplier_programmes.err.no_supplier", code=code), "supplier"
            )
        out["supplier_id"] = sid
    if "name" in fields:
        out["name"] = _line(fields["name"], "name")
    if "type" in fields or creating:
        kind = str(fields.get("type") or "other").strip().lower()
        if kind not in {t.value for t in mod.ProjectType}:
            raise refused("invalid", msg("supplier_programmes.err.type", value=kind), "type")
        out["type"] = kind
    if "region" in fields or creating:
        out["region"] = _region(fields.get("region"))
    if "capex_cny" in fields or creating:
        out["capex_cny"] = _number(fields.get("capex_cny"), "capex_cny") or 0.0
    if "start" in fields:
        out["start"] = _date(fields["start"], "start")
    if "life_years" in fields or creating:
        life = _number(fields.get("life_years"), "life_years")
        out["life_years"] = 20 if life is None else int(life)
    for key in ("ex_ante_t_per_year", "basis_factor"):
        if key in fields:
            out[key] = _number(fields[key], key)
    if "attribution_pct" in fields or creating:
        pct = _number(fields.get("attribution_pct"), "attribution_pct")
        out["attribution_pct"] = 100.0 if pct is None else pct
    if "factor_basis" in fields:
        out["factor_basis"] = _line(fields["factor_basis"], "factor_basis", required=False)
    if "ex_ante" in fields:
        out["ex_ante"] = _savings(fields["ex_ante"], "ex_ante")
    if "programmes" in fields:
        value = fields["programmes"] or []
        if isinstance(value, str):
            value = [v for v in re.split(r"[;|,]", value) if v.strip()]
        out["programmes"] = sorted({_line(v, "programmes") for v in value})
    return out


# -- projects --------------------------------------------------------------------------------------


def _project_row(db: Session, code: str) -> SupplierProjectRow:
    row = db.scalar(select(SupplierProjectRow).where(SupplierProjectRow.code == code))
    if row is None:
        raise refused("not_found", msg("supplier_programmes.err.no_project", code=code), "code")
    return row


def _programme_id(db: Session, name: str) -> int:
    """The programme named ``name`` (its code or its name), created when new."""
    row = db.scalar(
        select(SupplierProgramme).where(
            (SupplierProgramme.code == name) | (SupplierProgramme.name == name)
        )
    )
    if row is None:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
        code = name if _CODE_RE.match(name) else f"P-{digest}"
        row = SupplierProgramme(code=code, name=name, description="")
        db.add(row)
        db.flush()
    return int(row.id)


def _set_programmes(db: Session, project_id: int, names: Sequence[str]) -> None:
    db.execute(
        delete(SupplierProjectProgramme).where(SupplierProjectProgramme.project_id == project_id)
    )
    for pid in sorted({_programme_id(db, n) for n in names}):
        db.add(SupplierProjectProgramme(project_id=project_id, programme_id=pid))


def _check_domain(values: dict[str, Any], code: str) -> None:
    """Let the module refuse what it refuses (attribution over 100 %, a lifetime under 1 …)."""
    try:
        mod.SupplierProject(
            code, "", "", life_years=int(values.get("life_years", 20)),
            capex_cny=float(values.get("capex_cny") or 0.0),
            attribution_pct=float(values.get("attribution_pct", 100.0)),
        )  # fmt: skip
    except mod.ProgrammeError as exc:
        raise _from_module(exc) from None


def create_project(db: Session, ctx: Context, fields: dict[str, Any]) -> dict[str, Any]:
    """Add a supplier project: ``code``, ``supplier`` (its code in the register), ``name`` and
    optionally ``type``, ``region``, ``capex_cny`` [CNY], ``start``, ``life_years`` (default
    20), ``programmes`` (names or codes; a new one is created), ``ex_ante`` (``[{carrier,
    quantity, unit}]`` per year), ``ex_ante_t_per_year`` [t CO2e/yr], ``factor_basis``,
    ``basis_factor`` [t CO2e/MWh], ``attribution_pct`` (default 100).

    Raises:
        ServiceError: 403 without ``edit_data``; 409 the code is taken; 422 a field is invalid.
    """
    ctx.require("edit_data")
    values = _project_fields(db, fields, creating=True)
    _check_domain(values, values["code"])
    if db.scalar(select(SupplierProjectRow.id).where(SupplierProjectRow.code == values["code"])):
        raise refused(
            "conflict", msg("supplier_programmes.err.duplicate", code=values["code"]), "code"
        )
    names = values.pop("programmes", [])
    row = SupplierProjectRow(**{"ex_ante": [], "factor_basis": "", **values})
    db.add(row)
    db.flush()
    _set_programmes(db, row.id, names)
    db.commit()
    return get_project(db, ctx, row.code)


def update_project(db: Session, ctx: Context, code: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Change the ``fields`` given of project ``code`` (``programmes`` replaces the list).

    Raises:
        ServiceError: 403; 404; 409 a new code is taken; 422 a field is invalid.
    """
    ctx.require("edit_data")
    row = _project_row(db, code)
    values = _project_fields(db, fields, creating=False)
    merged = {"life_years": row.life_years, "capex_cny": row.capex_cny,
              "attribution_pct": row.attribution_pct, **values}  # fmt: skip
    _check_domain(merged, row.code)
    new = values.get("code")
    if (
        new
        and new != row.code
        and db.scalar(select(SupplierProjectRow.id).where(SupplierProjectRow.code == new))
    ):
        raise refused("conflict", msg("supplier_programmes.err.duplicate", code=new), "code")
    names = values.pop("programmes", None)
    for k, v in values.items():
        setattr(row, k, v)
    if names is not None:
        _set_programmes(db, row.id, names)
    db.commit()
    return get_project(db, ctx, row.code)


def delete_project(db: Session, ctx: Context, code: str) -> None:
    """Remove project ``code`` with its measurements and memberships.

    Raises:
        ServiceError: 403; 404.
    """
    ctx.require("edit_data")
    row = _project_row(db, code)
    for model in (SupplierProjectMeasurement, SupplierProjectProgramme):
        for r in db.scalars(select(model).where(model.project_id == row.id)):
            db.delete(r)
    db.delete(row)
    db.commit()


def add_measurement(db: Session, ctx: Context, code: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Record a measured result of project ``code``: ``start``, ``end`` (inclusive dates),
    ``t_co2e`` [t CO2e], optionally ``electricity_mwh`` [MWh] and ``note``.

    Raises:
        ServiceError: 403; 404; 422 a field is invalid (end before start, a negative figure).
    """
    ctx.require("edit_data")
    row = _project_row(db, code)
    start = _date(fields.get("start"), "start", required=True)
    end = _date(fields.get("end"), "end", required=True)
    t = _number(fields.get("t_co2e"), "t_co2e", required=True)
    mwh = _number(fields.get("electricity_mwh"), "electricity_mwh") or 0.0
    note = _line(fields.get("note"), "note", required=False)
    if start is None or end is None or t is None:  # required above: never
        raise refused("invalid", msg("supplier_programmes.err.required", field="start"))
    try:
        mod.Measurement(start, end, t)
    except mod.ProgrammeError as exc:
        raise _from_module(exc) from None
    m = SupplierProjectMeasurement(
        project_id=row.id, start=start, end=end, t_co2e=t, electricity_mwh=mwh, savings=[],
        note=note,
    )  # fmt: skip
    db.add(m)
    db.commit()
    return _measurement_dict(m)


def _measurement_dict(m: SupplierProjectMeasurement) -> dict[str, Any]:
    return {"id": m.id, "start": m.start.isoformat(), "end": m.end.isoformat(),
            "t_co2e": m.t_co2e, "electricity_mwh": m.electricity_mwh, "note": m.note}  # fmt: skip


def load_projects(db: Session) -> list[mod.SupplierProject]:
    """Every project of the organisation as module objects (programmes by name)."""
    suppliers = {r[0]: r[1] for r in db.execute(select(Supplier.id, Supplier.code))}
    names = {r[0]: r[1] for r in db.execute(select(SupplierProgramme.id, SupplierProgramme.name))}
    members: dict[int, list[str]] = {}
    for link in db.scalars(select(SupplierProjectProgramme)):
        members.setdefault(link.project_id, []).append(names[link.programme_id])
    measured: dict[int, list[mod.Measurement]] = {}
    for m in db.scalars(select(SupplierProjectMeasurement).order_by(
            SupplierProjectMeasurement.start, SupplierProjectMeasurement.id)):  # fmt: skip
        savings = (mod.Saving(mod.ELECTRICITY, m.electricity_mwh),) if m.electricity_mwh else ()
        measured.setdefault(m.project_id, []).append(
            mod.Measurement(m.start, m.end, m.t_co2e, savings, m.note)
        )
    out = []
    for r in db.scalars(select(SupplierProjectRow).order_by(SupplierProjectRow.code)):
        out.append(
            mod.SupplierProject(
                r.code,
                suppliers.get(r.supplier_id, ""),
                r.name,
                mod.ProjectType(r.type),
                r.region,
                r.capex_cny,
                r.start,
                r.life_years,
                tuple(sorted(members.get(r.id, []))),
                tuple(mod.Saving(s["carrier"], s["quantity"], s["unit"]) for s in r.ex_ante),
                r.ex_ante_t_per_year,
                tuple(measured.get(r.id, [])),
                r.factor_basis,
                r.basis_factor,
                r.attribution_pct,
            )
        )
    return out


@cache
def grid_factors() -> tuple[mod.GridFactor, ...]:
    """The electricity grid factors of the bundled factor library [t CO2e/MWh] (CO2 or CO2e
    rows per kWh or MWh; kg/kWh = t/MWh)."""
    from lingtan.adapters.io.library import bundled_factors

    out = []
    for f in bundled_factors():
        if f.activity_type == GRID and f.gas in ("CO2", "CO2e") and f.unit in mod.MWH_PER:
            value = f.value / 1000.0 / mod.MWH_PER[f.unit]
            out.append(mod.GridFactor(f.factor_id, f.region, f.valid_from, value))
    return tuple(out)


def get_project(db: Session, ctx: Context, code: str) -> dict[str, Any]:
    """One project's figures (:func:`lingtan.modules.suppliers.projects.project_figures`) and
    its measurements.

    Raises:
        ServiceError: 403; 404.
    """
    ctx.require("read")
    row = _project_row(db, code)
    p = next(p for p in load_projects(db) if p.id == row.code)
    doc = mod.project_figures(p, grid_factors()).to_dict()
    ms = db.scalars(
        select(SupplierProjectMeasurement)
        .where(SupplierProjectMeasurement.project_id == row.id)
        .order_by(SupplierProjectMeasurement.start, SupplierProjectMeasurement.id)
    )
    doc["measured"] = [_measurement_dict(m) for m in ms]
    return doc


def list_programmes(db: Session, ctx: Context) -> list[dict[str, Any]]:
    """The organisation's programmes (code, name, description)."""
    ctx.require("read")
    rows = db.scalars(select(SupplierProgramme).order_by(SupplierProgramme.code))
    return [{"code": r.code, "name": r.name, "description": r.description} for r in rows]


def _calendar(ctx: Context) -> FiscalCalendar:
    """The workspace's fiscal calendar; April years when the organisation has no workspace."""
    try:
        return ctx.workspace().config.calendar
    except (ServiceError, LingtanError):
        return FiscalCalendar(4)


def _goal(
    goal_t: float | None, goal_year: str | None, from_year: str | None, cal: FiscalCalendar,
    programmes: Sequence[str] = (),
) -> mod.ProgrammeGoal:  # fmt: skip
    def year(label: str | None, field: str, default: int) -> int:
        if not label:
            return default
        try:
            return cal.parse(label.replace("-", "/")).start.year
        except (PeriodError, ValueError):
            raise refused(
                "invalid", msg("supplier_programmes.err.year", value=label), field
            ) from None

    try:
        return mod.ProgrammeGoal(
            goal_t=1_000_000.0 if goal_t is None else goal_t,
            goal_year=year(goal_year, "goal_year", 2025),
            from_year=year(from_year, "from_year", 2022),
            programmes=tuple(programmes),
            names={"en": "1 Mt supply-chain GHG reduction by FY2025/26",
                   "zh-CN": "减少供应链中100万吨温室气体排放"},
        )  # fmt: skip
    except mod.ProgrammeError as exc:
        raise _from_module(exc) from None


def programme_kpi(
    db: Session,
    ctx: Context,
    *,
    goal_t: float | None = None,
    goal_year: str | None = None,
    from_year: str | None = None,
    programmes: Sequence[str] = (),
) -> dict[str, Any]:
    """The supply-chain KPI (default: 1,000,000 t by FY2025/26, counted from FY2022/23, every
    programme): its cumulative values by fiscal year, the linear pathway, its status and the
    rule (:func:`lingtan.modules.suppliers.projects.track_programme`).

    Raises:
        ServiceError: 403; 422 a year or the goal is invalid.
    """
    ctx.require("read")
    cal = _calendar(ctx)
    goal = _goal(goal_t, goal_year, from_year, cal, programmes)
    status = mod.track_programme(load_projects(db), goal, cal)
    doc = status.to_dict(cal)
    doc["from_year"] = cal.year(goal.from_year).label
    doc["programmes"] = list(goal.programmes)
    doc["progress_pct"] = (
        None if status.latest_value is None else 100.0 * status.latest_value / goal.goal_t
    )
    return doc


def projects_ledger(db: Session, ctx: Context, *, until: date | None = None) -> dict[str, Any]:
    """The ledger (:func:`lingtan.modules.suppliers.projects.ledger`) as of ``until`` (None:
    every measurement), with the KPI and the list of implied-factor warnings."""
    ctx.require("read")
    led = mod.ledger(load_projects(db), grid_factors(), until)
    doc = led.to_dict()
    doc["warnings"] = [w for f in led.projects for w in f.warnings] + [
        s.check.message() for s in led.programmes if s.check is not None and s.check.exceeds
    ]
    doc["kpi"] = programme_kpi(db, ctx)
    doc["programme_names"] = list_programmes(db, ctx)
    return doc


def fill_supply_chain_kpis(ctx: Context, kpis: Sequence[Kpi]) -> tuple[Kpi, ...]:
    """The targets hook: each ``supply_chain_reduction`` KPI that has no values takes the
    cumulative attributed reductions of the supplier project ledger (counted from the year
    after its start year, else FY2022/23), and the pathway's start point (0 t at the end of the
    year before counting starts) when it has none. Other KPIs, and every KPI when the ledger
    has no measurement, are returned unchanged."""
    todo = [k for k in kpis if k.kind is KpiKind.SUPPLY_CHAIN_REDUCTION and not k.values]
    if not todo:
        return tuple(kpis)
    try:
        ws = ctx.workspace()
        with ws.session() as db:
            projects = load_projects(db)
        cal = ws.config.calendar
    except (ServiceError, LingtanError):
        return tuple(kpis)
    if not any(p.measured for p in projects):
        return tuple(kpis)
    out = []
    for k in kpis:
        if k in todo and k.goal_year is not None:
            start = 2022 if k.start_year is None else k.start_year + 1
            goal = mod.ProgrammeGoal(k.id, k.name, k.goal, k.goal_year, min(start, k.goal_year))
            values = mod.cumulative_by_year(projects, goal, cal)
            if values:
                k = replace(
                    k, values=values, start_year=goal.from_year - 1,
                    start_value=0.0 if k.start_value is None else k.start_value,
                    source=f"{k.source}; values from the supplier project ledger".lstrip("; "),
                )  # fmt: skip
        out.append(k)
    return tuple(out)


# -- training --------------------------------------------------------------------------------------


def _event_row(db: Session, code: str) -> SupplierTrainingEvent:
    row = db.scalar(select(SupplierTrainingEvent).where(SupplierTrainingEvent.code == code))
    if row is None:
        raise refused("not_found", msg("supplier_programmes.err.no_event", event=code), "event")
    return row


def _kind(value: Any) -> str:
    kind = str(value or "").strip().lower()
    if kind not in {k.value for k in tr.EventKind}:
        raise refused("invalid", msg("supplier_programmes.err.kind", value=kind), "kind")
    return kind


def _event_dict(e: SupplierTrainingEvent, attendances: int = 0) -> dict[str, Any]:
    return {"code": e.code, "kind": e.kind, "title": e.title, "date": e.held_on.isoformat(),
            "organiser": e.organiser, "attendances": attendances}  # fmt: skip


def create_event(db: Session, ctx: Context, fields: dict[str, Any]) -> dict[str, Any]:
    """Add a training event: ``code``, ``kind`` (course | webinar | conference | lecture),
    ``title``, ``date`` and optionally ``organiser``.

    Raises:
        ServiceError: 403; 409 the code is taken; 422 a field is invalid.
    """
    ctx.require("edit_data")
    code = _code(fields.get("code"))
    values = {
        "code": code, "kind": _kind(fields.get("kind")),
        "title": _line(fields.get("title"), "title"),
        "held_on": _date(fields.get("date"), "date", required=True),
        "organiser": _line(fields.get("organiser"), "organiser", required=False),
    }  # fmt: skip
    if db.scalar(select(SupplierTrainingEvent.id).where(SupplierTrainingEvent.code == code)):
        raise refused("conflict", msg("supplier_programmes.err.duplicate", code=code), "code")
    row = SupplierTrainingEvent(**values)
    db.add(row)
    db.commit()
    return _event_dict(row)


def delete_event(db: Session, ctx: Context, code: str) -> None:
    """Remove training event ``code`` and its attendance.

    Raises:
        ServiceError: 403; 404.
    """
    ctx.require("edit_data")
    row = _event_row(db, code)
    for a in db.scalars(select(SupplierAttendance).where(SupplierAttendance.event_id == row.id)):
        db.delete(a)
    db.delete(row)
    db.commit()


def list_events(db: Session, ctx: Context) -> list[dict[str, Any]]:
    """The training events by date, each with its attendance count."""
    ctx.require("read")
    counts: dict[int, int] = {}
    for eid in db.scalars(select(SupplierAttendance.event_id)):
        counts[eid] = counts.get(eid, 0) + 1
    rows = db.scalars(
        select(SupplierTrainingEvent).order_by(
            SupplierTrainingEvent.held_on, SupplierTrainingEvent.code
        )
    )
    return [_event_dict(e, counts.get(e.id, 0)) for e in rows]


def _flag(text: str) -> bool | None:
    t = text.strip().lower()
    return True if not t or t in _YES else False if t in _NO else None


def add_attendance(db: Session, ctx: Context, event: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Record that ``person`` (of ``supplier``, a code in the register, or none) attended
    ``event``; ``completed`` defaults to true. A person already recorded for the event is
    updated (their completion), not counted twice.

    Raises:
        ServiceError: 403; 404 no such event; 422 an unknown supplier or an empty person.
    """
    ctx.require("edit_data")
    row = _event_row(db, event)
    person = _line(fields.get("person"), "person")
    supplier = str(fields.get("supplier") or "").strip()
    sid = None
    if supplier:
        sid = db.scalar(select(Supplier.id).where(Supplier.code == supplier))
        if sid is None:
            raise refused(
                "invalid", msg("supplier_programmes.err.no_supplier", code=supplier), "supplier"
            )
    completed = fields.get("completed", True)
    a = _upsert_attendance(db, row.id, sid, supplier, person, bool(completed))
    db.commit()
    return {"event": row.code, "person": a.person, "supplier": a.supplier_code or None,
            "completed": a.completed}  # fmt: skip


def _upsert_attendance(
    db: Session, event_id: int, sid: int | None, supplier: str, person: str, completed: bool
) -> SupplierAttendance:
    key = tr.person_key(tr.Attendance("", person, supplier))[1]
    a = db.scalar(
        select(SupplierAttendance).where(
            SupplierAttendance.event_id == event_id,
            SupplierAttendance.supplier_code == supplier,
            SupplierAttendance.person_key == key,
        )
    )
    if a is None:
        a = SupplierAttendance(
            event_id=event_id, supplier_id=sid, supplier_code=supplier, person=person,
            person_key=key, completed=completed,
        )  # fmt: skip
        db.add(a)
    elif completed and not a.completed:
        a.completed = True
    db.flush()
    return a


def import_attendance(db: Session, ctx: Context, data: bytes, file_name: str) -> dict[str, Any]:
    """Import a training attendance file (CSV or XLSX, :mod:`lingtan.adapters.io.
    training_files`): an unknown event is created from the row's ``kind``, ``title`` and
    ``date``; a person already recorded for an event is not counted twice. All or nothing: any
    wrong cell refuses the whole file, every wrong cell named (file, row, column, reason).

    Returns:
        ``{"file", "rows", "events_created", "attendances_added", "repeats"}``.

    Raises:
        ServiceError: 403; 422 the file or a row is invalid (``errors`` lists the cells).
        InputFileError: an XLSX archive refused by the file limits.
    """
    from lingtan.adapters.io.training_files import (
        RowError,
        TrainingFileError,
        read_attendance_file,
    )

    ctx.require("edit_data")
    source = Path(file_name).name
    try:
        rows, errors = read_attendance_file(data, source)
    except TrainingFileError as exc:
        raise _file_refused(exc.message or msg("supplier_programmes.file.unreadable"),
                            exc.errors) from exc  # fmt: skip
    events = {e.code: e for e in db.scalars(select(SupplierTrainingEvent))}
    suppliers = {r[0]: r[1] for r in db.execute(select(Supplier.code, Supplier.id))}
    new_events: dict[str, dict[str, Any]] = {}
    checked: list[tuple[str, str, str, bool]] = []

    def bad(row: int, column: str, message: Message) -> None:
        errors.append(RowError(source, row, column, message))

    for r in rows:
        v = r.values
        event, person = v.get("event", ""), v.get("person", "")
        if not event or not person:
            continue  # named by the reader
        ok = True
        if not _CODE_RE.match(event):
            bad(r.row, "event", msg("supplier_programmes.err.code", field="event"))
            ok = False
        elif event not in events and event not in new_events:
            spec: dict[str, Any] = {"code": event}
            for col in ("kind", "title", "date"):
                if not v.get(col):
                    bad(r.row, col, msg("supplier_programmes.file.new_event", event=event))
                    ok = False
            if v.get("kind") and v["kind"].lower() not in {k.value for k in tr.EventKind}:
                bad(r.row, "kind", msg("supplier_programmes.err.kind", value=v["kind"]))
                ok = False
            try:
                spec["held_on"] = (
                    date.fromisoformat(v.get("date", "")[:10]) if v.get("date") else None
                )
            except ValueError:
                bad(r.row, "date", msg("supplier_programmes.err.date", field="date",
                                       value=v["date"]))  # fmt: skip
                ok = False
            if ok:
                spec.update(kind=v["kind"].lower(), title=v["title"][:300],
                            organiser=v.get("organiser", "")[:200])  # fmt: skip
                new_events[event] = spec
        supplier = v.get("supplier", "")
        if supplier and supplier not in suppliers:
            bad(r.row, "supplier", msg("supplier_programmes.err.no_supplier", code=supplier))
            ok = False
        flag = _flag(v.get("completed", ""))
        if flag is None:
            bad(r.row, "completed", msg("supplier_programmes.file.flag", value=v["completed"]))
            ok = False
        if len(person) > 200:
            bad(r.row, "person", msg("supplier_programmes.err.text", field="person"))
            ok = False
        if ok:
            checked.append((event, supplier, person, bool(flag)))
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise _file_refused(msg("supplier_programmes.file.rows", n=len(errors)), errors)
    for spec in new_events.values():
        row = SupplierTrainingEvent(**spec)
        db.add(row)
        events[row.code] = row
    db.flush()
    known = {(a.event_id, a.supplier_code, a.person_key): a
             for a in db.scalars(select(SupplierAttendance))}  # fmt: skip
    added = 0
    for event, supplier, person, completed in checked:
        eid = events[event].id
        key = (eid, supplier, tr.person_key(tr.Attendance("", person, supplier))[1])
        a = known.get(key)
        if a is None:
            a = SupplierAttendance(
                event_id=eid, supplier_id=suppliers.get(supplier), supplier_code=supplier,
                person=person, person_key=key[2], completed=completed,
            )  # fmt: skip
            db.add(a)
            known[key] = a
            added += 1
        elif completed and not a.completed:
            a.completed = True
    db.commit()
    return {"file": source, "rows": len(rows), "events_created": len(new_events),
            "attendances_added": added, "repeats": len(checked) - added}  # fmt: skip


def _file_refused(summary: Message, errors: Sequence[Any]) -> ProgrammesError:
    lines = [message_text(summary)]
    lines += [f"{e.source}, row {e.row}, column {e.column}: {message_text(e.message)}"
              for e in errors[:50]]  # fmt: skip
    params = {k: v for k, v in summary.params.items() if isinstance(v, str | int | float)}
    exc = ProgrammesError("invalid", summary.key, "\n".join(lines), "file", **params)
    exc.errors = tuple(errors)
    return exc


def load_training(db: Session) -> tuple[list[tr.TrainingEvent], list[tr.Attendance]]:
    """The organisation's events and attendance as module objects."""
    rows = list(db.scalars(select(SupplierTrainingEvent)))
    codes = {e.id: e.code for e in rows}
    events = [tr.TrainingEvent(e.code, tr.EventKind(e.kind), e.title, e.held_on, e.organiser)
              for e in rows]  # fmt: skip
    att = [
        tr.Attendance(codes[a.event_id], a.person, a.supplier_code or None, a.completed)
        for a in db.scalars(select(SupplierAttendance).order_by(SupplierAttendance.id))
    ]
    return events, att


def training_summary(
    db: Session, ctx: Context, *, fiscal_year: str | None = None
) -> dict[str, Any]:
    """The training counts (:func:`lingtan.modules.suppliers.training.summarise`) of a fiscal
    year (``FY2023/24``; None: every event): courses, learners, events, attendances and people
    per kind, each event, each supplier.

    Raises:
        ServiceError: 403; 422 the fiscal year is not understood.
    """
    ctx.require("read")
    start = end = None
    if fiscal_year:
        cal = _calendar(ctx)
        try:
            period = cal.parse(fiscal_year.replace("-", "/"))
        except (PeriodError, ValueError):
            raise refused(
                "invalid", msg("supplier_programmes.err.year", value=fiscal_year), "fiscal_year"
            ) from None
        start, end = period.start, period.end
    events, att = load_training(db)
    doc = tr.summarise(events, att, start=start, end=end).to_dict()
    doc["fiscal_year"] = fiscal_year
    return doc
