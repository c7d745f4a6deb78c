"""Energy assets (issue 16 item 3): on-site PV systems, batteries and data centres, with the
meters that measure them by role, and the accounting choice for PV under EMC (合同能源管理).

A PV system owned by an energy-service company that sells its output to the site (EMC) is, by
the GHG Protocol Scope 2 Guidance (ch. 5 and 6), either the site's own generation — when the
site holds the generation attributes — or a contractual purchase whose attributes reach the
site only through an instrument (a PPA). lingtan does not guess: an ``emc`` PV asset must
record ``emc_treatment`` (``self_generation`` | ``contractual``), and the rollup and the
renewable share (:mod:`lingtan.adapters.services.energy_rollup`,
:mod:`lingtan.adapters.services.energy_indicators`) follow the recorded choice (decision 0074).

Fields: ``kwp`` [kWp] (PV peak power), ``kwh`` [kWh] and ``kw`` [kW] (storage energy and
power), ``rte`` round-trip efficiency [-] (0 < rte ≤ 1), ``degradation_pct`` [% per year],
``commissioned`` date, ``meters`` {role: meter code} with the roles of :data:`ROLES`.

Use cases take the request's store session and the :class:`Context`: reading needs ``read``,
changing ``edit_data``; every change is an audited ``energy_asset`` row. A refusal is an
:class:`AssetsError` (``assets.err.*``), shown in the user's language.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import Kind, ServiceError
from lingtan.adapters.services.register_files import check_cells
from lingtan.adapters.store.energy import ASSET_KINDS, EMC_TREATMENTS, OWNERSHIPS, EnergyAsset
from lingtan.core.messages import Message, msg

#: meter roles each kind of asset may name
ROLES: dict[str, tuple[str, ...]] = {
    "pv": ("generation", "export"),
    "storage": ("charge", "discharge"),
    "data_centre": ("it", "facility"),
}
#: the fields a caller may set
ASSET_FIELDS = (
    "code", "site", "kind", "name", "kwp", "kwh", "kw", "rte", "commissioned", "ownership",
    "emc_treatment", "degradation_pct", "meters",
)  # fmt: skip
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,79}$")
_NUMBERS = ("kwp", "kwh", "kw", "rte", "degradation_pct")


class AssetsError(ServiceError):
    """A refused change of the asset register: ``key`` (``assets.err.*``) and ``params`` let a
    page or the command line word it in the user's language; ``errors`` lists the wrong cells
    of a refused file as (file, row, field, message)."""

    def __init__(
        self,
        kind: Kind,
        message: Message,
        field: str | None = None,
        errors: Sequence[tuple[str, int, str, Message]] = (),
    ) -> None:
        from lingtan.adapters.i18n.messages import catalogue
        from lingtan.core.messages import render

        text = render(message, catalogue("en").get, ", ")
        lines = [
            render(
                msg("assets.err.cell", file=f, row=r, field=c, reason=m), catalogue("en").get, ""
            )
            for f, r, c, m in errors[:50]
        ]
        super().__init__(kind, kind, "\n".join([text, *lines]), field)
        self.key = message.key
        self.params = {k: v for k, v in message.params.items() if isinstance(v, str | int | float)}
        self.errors = tuple(errors)


def _refused(message: Message, field: str | None = None, kind: Kind = "invalid") -> AssetsError:
    return AssetsError(kind, message, field)


def _number(value: Any, field: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        x = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise _refused(msg("assets.err.number", field=field, value=str(value)), field) from None
    if not math.isfinite(x) or x < 0:
        raise _refused(msg("assets.err.number", field=field, value=str(value)), field)
    return x


def _date(value: Any, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise _refused(msg("assets.err.date", field=field, value=str(value)), field) from None


def _meters(value: Any) -> dict[str, str]:
    """``{role: code}`` from a mapping or from ``role=code;role=code`` text."""
    if value is None or value == "":
        return {}
    if isinstance(value, Mapping):
        return {str(k).strip(): str(v).strip() for k, v in value.items()}
    out: dict[str, str] = {}
    for part in str(value).split(";"):
        if not part.strip():
            continue
        role, sep, code = part.partition("=")
        if not sep or not role.strip() or not code.strip():
            raise _refused(msg("assets.err.meters", value=str(value)), "meters")
        out[role.strip()] = code.strip()
    return out


def check_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The asset fields given, checked one by one and normalised (the service's one place).

    Raises:
        AssetsError: a field is unknown or invalid (the field named).
    """
    out: dict[str, Any] = {}
    for k, v in fields.items():
        if k not in ASSET_FIELDS:
            raise _refused(msg("assets.err.unknown_field", field=k), k)
        if k == "code":
            code = str(v or "").strip()
            if not _CODE_RE.match(code):
                raise _refused(msg("assets.err.code", value=code), k)
            out[k] = code
        elif k == "site":
            site = str(v or "").strip()
            if not site:
                raise _refused(msg("assets.err.required", field=k), k)
            out[k] = site
        elif k in ("kind", "ownership", "emc_treatment"):
            choices = {"kind": ASSET_KINDS, "ownership": OWNERSHIPS,
                       "emc_treatment": EMC_TREATMENTS}[k]  # fmt: skip
            text = str(v or "").strip() or None
            if text is None and k == "emc_treatment":
                out[k] = None
                continue
            if text not in choices:
                raise _refused(
                    msg("assets.err.choice", field=k, value=str(v), choices=", ".join(choices)), k
                )
            out[k] = text
        elif k in _NUMBERS:
            out[k] = _number(v, k)
        elif k == "commissioned":
            out[k] = _date(v, k)
        elif k == "meters":
            out[k] = _meters(v)
        else:
            out[k] = str(v or "").strip()
    return out


def _check_asset(values: Mapping[str, Any]) -> None:
    """The rules across fields of a complete asset: capacities by kind, the EMC choice
    recorded, meter roles of the kind, ``rte`` in (0, 1].

    Raises:
        AssetsError: the first rule broken (its field named).
    """
    kind = values.get("kind")
    for k in ("code", "site", "kind"):
        if not values.get(k):
            raise _refused(msg("assets.err.required", field=k), k)
    needed = {"pv": ("kwp",), "storage": ("kwh", "kw"), "data_centre": ()}[str(kind)]
    for k in needed:
        if not values.get(k):
            raise _refused(msg("assets.err.capacity", field=k, kind=str(kind)), k)
    rte = values.get("rte")
    if rte is not None and not 0 < rte <= 1:
        raise _refused(msg("assets.err.rte", value=rte), "rte")
    deg = values.get("degradation_pct")
    if deg is not None and deg > 100:
        raise _refused(
            msg("assets.err.number", field="degradation_pct", value=deg), "degradation_pct"
        )
    if values.get("ownership") == "emc" and kind == "pv" and not values.get("emc_treatment"):
        raise _refused(msg("assets.err.emc_choice", code=str(values["code"])), "emc_treatment")
    if values.get("ownership") != "emc" and values.get("emc_treatment"):
        raise _refused(msg("assets.err.emc_only", code=str(values["code"])), "emc_treatment")
    roles = ROLES[str(kind)]
    for role in values.get("meters") or {}:
        if role not in roles:
            raise _refused(
                msg("assets.err.role", role=role, kind=str(kind), roles=", ".join(roles)), "meters"
            )


def list_assets(
    db: Session, ctx: Context, *, site: str | None = None, kind: str | None = None
) -> list[EnergyAsset]:
    """The organisation's assets by code, optionally of one ``site`` and ``kind``."""
    ctx.require("read")
    q = select(EnergyAsset).order_by(EnergyAsset.code)
    if site:
        q = q.where(EnergyAsset.site == site)
    if kind:
        q = q.where(EnergyAsset.kind == kind)
    return list(db.scalars(q))


def asset_by_code(db: Session, ctx: Context, code: str) -> EnergyAsset:
    """The asset ``code``.

    Raises:
        AssetsError: 404 (also for another organisation's asset).
    """
    ctx.require("read")
    row = db.scalar(select(EnergyAsset).where(EnergyAsset.code == code))
    if row is None:
        raise _refused(msg("assets.err.not_found", code=code), "code", "not_found")
    return row


def _defaults(values: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": "", "ownership": "own", "meters": {}, **values}


def create_asset(db: Session, ctx: Context, fields: Mapping[str, Any]) -> EnergyAsset:
    """Add an asset (fields :data:`ASSET_FIELDS`; ``ownership`` defaults to ``own``).

    Raises:
        ServiceError: 403 without ``edit_data``; AssetsError 409 the code is taken, 422 a
            field or a rule (:func:`_check_asset`) is broken.
    """
    ctx.require("edit_data")
    values = _defaults(check_fields(fields))
    _check_asset(values)
    if db.scalar(select(EnergyAsset.id).where(EnergyAsset.code == values["code"])) is not None:
        raise _refused(msg("assets.err.duplicate", code=values["code"]), "code", "conflict")
    row = EnergyAsset(**values)
    db.add(row)
    db.commit()
    return row


def update_asset(db: Session, ctx: Context, code: str, fields: Mapping[str, Any]) -> EnergyAsset:
    """Change the fields given of asset ``code`` (its code stays).

    Raises:
        ServiceError: 403, 404, 422 as :func:`create_asset`.
    """
    ctx.require("edit_data")
    row = asset_by_code(db, ctx, code)
    given = check_fields({k: v for k, v in fields.items() if k != "code"})
    merged = {**asset_dict(row), **given}
    _check_asset(merged)
    for k, v in given.items():
        setattr(row, k, v)
    db.commit()
    return row


def delete_asset(db: Session, ctx: Context, code: str) -> None:
    """Remove asset ``code`` (the audit log keeps it).

    Raises:
        ServiceError: 403, 404.
    """
    ctx.require("edit_data")
    db.delete(asset_by_code(db, ctx, code))
    db.commit()


def asset_dict(row: EnergyAsset) -> dict[str, Any]:
    """An asset's fields as plain data (API, file export)."""
    return {k: getattr(row, k) for k in ASSET_FIELDS}


# ---- the register's file (CSV or YAML) ----------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import of the asset file did: codes created and updated."""

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()


def _read_rows(data: bytes, source: str) -> list[tuple[int, dict[str, Any]]]:
    """(row number, cells) of a CSV (header row 1, data from row 2; UTF-8, BOM allowed) or a
    YAML file (a list of mappings, or ``assets:`` holding one; row = position from 1).

    Raises:
        AssetsError: the file cannot be read.
    """
    text = data.decode("utf-8-sig", errors="strict") if data else ""
    if source.lower().endswith((".yaml", ".yml")):
        import yaml

        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise _refused(msg("assets.err.file", file=source, why=str(exc)[:200]), "file") from exc
        items = doc.get("assets") if isinstance(doc, dict) else doc
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise _refused(msg("assets.err.file", file=source, why="a list of assets"), "file")
        return [(i, dict(item)) for i, item in enumerate(items, start=1)]
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for i, r in enumerate(reader, start=2):
        cells = {k.strip(): (v or "").strip() for k, v in r.items() if k is not None}
        if any(cells.values()):
            rows.append((i, {k: v for k, v in cells.items() if v != ""}))
    return rows


def import_assets(db: Session, ctx: Context, data: bytes, file_name: str) -> ImportResult:
    """Create or update assets from a CSV (``meters`` written ``role=code;role=code``) or YAML
    file: a known code updates that asset with the fields given, a new code creates one. All
    or nothing: any wrong cell refuses the whole file, every wrong cell named (file, row,
    field, reason).

    Raises:
        ServiceError: 403; AssetsError 422 (``errors`` lists the cells).
    """
    ctx.require("edit_data")
    source = Path(file_name).name
    try:
        rows = _read_rows(data, source)
    except UnicodeDecodeError as exc:
        raise _refused(msg("assets.err.file", file=source, why="not UTF-8"), "file") from exc
    existing = {a.code: a for a in db.scalars(select(EnergyAsset))}
    errors: list[tuple[str, int, str, Message]] = []
    checked: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row, cells in rows:
        values, wrong = check_cells(cells, check_fields, AssetsError)
        errors += [(source, row, k, m) for k, m in wrong]
        if wrong:
            continue
        code = values.get("code")
        if not code:
            errors.append((source, row, "code", msg("assets.err.required", field="code")))
            continue
        if code in seen:
            errors.append((source, row, "code", msg("assets.err.code_twice", row=seen[code])))
            continue
        seen[code] = row
        base = asset_dict(existing[code]) if code in existing else {}
        try:
            _check_asset(_defaults({**base, **values}))
        except AssetsError as exc:
            errors.append((source, row, exc.field or "", Message(exc.key, exc.params)))
            continue
        checked.append(values)
    if errors:
        raise AssetsError("invalid", msg("assets.err.rows", file=source, n=len(errors)),
                          "file", errors)  # fmt: skip
    created, updated = [], []
    for values in checked:
        old = existing.get(values["code"])
        if old is None:
            db.add(EnergyAsset(**_defaults(values)))
            created.append(values["code"])
        else:
            for k, v in values.items():
                setattr(old, k, v)
            updated.append(values["code"])
    db.commit()
    return ImportResult(tuple(created), tuple(updated))


def pv_treatment(asset: EnergyAsset) -> str:
    """How a PV asset's output is accounted: ``self_generation`` (own, leased, or EMC with that
    choice recorded) or ``contractual`` (EMC with that choice)."""
    if asset.ownership == "emc":
        return str(asset.emc_treatment or "contractual")
    return "self_generation"
