"""The climate risk and opportunity register and its scoring (issue 17 items 1–2, decision 0080).

The register (IFRS S2 ¶10–12, ¶25; TCFD 2017): risks and opportunities with their kind,
category and driver (:mod:`lingtan.modules.risk.catalogue`), horizons, value-chain positions,
owner and unit, likelihood and consequences, response and actions, financial effect and links to
sites of the boundary, suppliers of the supplier register, products, targets and projects of the
targets file. Every item is rated under the organisation's matrix
(:class:`lingtan.modules.risk.matrix.RiskMatrix`; score = L × C, band), its next review
follows the cadence (:mod:`lingtan.modules.risk.cadence`), and each review is kept with the
rating it came to. Changing the matrix re-rates every item in the same transaction (every
re-rated row an entry of the audit log). The register's file (CSV or XLSX,
:mod:`lingtan.adapters.io.risk_files`) imports all or nothing, every wrong cell named.

Reading needs ``read``; changing ``edit_data``. A refusal is a :class:`RiskRegisterError` with
its catalogue key (``risk.err.*``, ``risk.file.*``) and parameters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import (
    KeyedError,
    Kind,
    ServiceError,
    keyed_refusal,
    message_text,
)
from lingtan.adapters.services.register_files import (
    KeyedFileError,
    as_date,
    cell_error_lines,
)
from lingtan.adapters.services.register_files import (
    RowError as RowError,
)
from lingtan.adapters.store.risk_register import RiskItemRow, RiskMatrixRow, RiskReviewRow
from lingtan.core.errors import InputFileError
from lingtan.core.errors import LingtanError as LingtanErrorBase
from lingtan.core.messages import Message, msg
from lingtan.modules.risk import cadence as cad
from lingtan.modules.risk import catalogue as cat
from lingtan.modules.risk.errors import RiskError
from lingtan.modules.risk.matrix import RiskMatrix

#: largest import file [bytes]
MAX_FILE_BYTES = 20 * 1024 * 1024
#: codes that would shadow a page or a route under ``/risks/`` (plan.md)
RESERVED_CODES = frozenset(
    {"aspects", "scenarios", "sites", "governance", "heatmap", "matrix", "due", "import",
     "export", "new"}
)  # fmt: skip
#: the fields of an item a caller may set
ITEM_FIELDS = ("code", "kind", "category", "driver", "title", "description", "horizons",
               "value_chain", "owner", "owner_unit", "key_unit", "likelihood", "consequences",
               "response", "actions", "financial", "links", "last_reviewed", "status",
               "source")  # fmt: skip
#: the fields every item must have
REQUIRED_FIELDS = ("code", "kind", "category", "driver", "title")
#: export formats
FORMATS = ("csv", "xlsx")
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_LINE_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]+$")
_TEXT_RE = re.compile(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]+$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_MAX_LEN = {"title": 300, "description": 4000, "owner": 200, "owner_unit": 200, "source": 300}


class RiskRegisterError(KeyedError):
    """A refused request of the risk register: besides the English ``message`` it carries
    ``key`` (``risk.err.*`` / ``risk.file.*``) and ``params``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> RiskRegisterError:
    """A :class:`RiskRegisterError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(RiskRegisterError, kind, message, field)


def _from_module(exc: RiskError) -> RiskRegisterError:
    return refused("invalid", exc.message, exc.field)


def _today() -> date:
    return datetime.now(UTC).date()


# ---- the matrix -----------------------------------------------------------------------------


def _matrix(db: Session) -> RiskMatrix:
    row = db.scalar(select(RiskMatrixRow))
    if row is None:
        return RiskMatrix()
    try:
        return RiskMatrix.from_dict(row.config)
    except RiskError:  # a stored document that no longer reads: the defaults, never a crash
        return RiskMatrix()


def get_matrix(db: Session, ctx: Context) -> RiskMatrix:
    """The organisation's scoring matrix (lingtan's defaults until one is set)."""
    ctx.require("read")
    return _matrix(db)


def parse_matrix(document: Mapping[str, Any] | RiskMatrix) -> RiskMatrix:
    """A matrix from a document (missing keys take the defaults).

    Raises:
        RiskRegisterError: 422 the document is not a valid matrix (keyed reason).
    """
    if isinstance(document, RiskMatrix):
        return document
    if not isinstance(document, Mapping):
        raise refused("invalid", msg("risk.err.matrix_document"), "matrix")
    try:
        return RiskMatrix.from_dict(document)
    except RiskError as exc:
        raise _from_module(exc) from exc


def _rerate(row: RiskItemRow, matrix: RiskMatrix) -> None:
    """Score, band and next review of ``row`` under ``matrix``."""
    try:
        rating = matrix.rate(row.likelihood, dict(row.consequences or {}))
    except RiskError:
        rating = None
    score = None if rating is None else rating.score
    band = None if rating is None else rating.band
    if row.score != score:
        row.score = score
    if row.band != band:
        row.band = band
    nxt = cad.next_review(row.last_reviewed, band, bool(row.key_unit), matrix.cadence)
    if row.next_review != nxt:
        row.next_review = nxt


def set_matrix(db: Session, ctx: Context, matrix: Mapping[str, Any] | RiskMatrix) -> int:
    """Store the organisation's matrix and re-rate every item under it, in one transaction
    (the matrix row and each re-rated item an audit entry); the number of items re-rated.

    Raises:
        RiskRegisterError: 403; 422 an invalid matrix, or an item rated on a dimension or a
            level the new matrix does not have (the item named).
    """
    ctx.require("edit_data")
    new = parse_matrix(matrix)
    items = list(db.scalars(select(RiskItemRow).order_by(RiskItemRow.code)))
    for row in items:
        try:
            new.check(row.likelihood, dict(row.consequences or {}))
        except RiskError as exc:
            what = exc.field or "likelihood"
            value = (row.likelihood if what == "likelihood" else
                     (row.consequences or {}).get(what, ""))  # fmt: skip
            raise refused(
                "invalid",
                msg("risk.err.matrix_item", code=row.code, what=what, value=str(value)),
                "matrix",
            ) from exc
    stored = db.scalar(select(RiskMatrixRow))
    if stored is None:
        db.add(RiskMatrixRow(config=new.to_dict(), updated_by=ctx.actor))
    else:
        stored.config = new.to_dict()
        stored.updated_by = ctx.actor
    for row in items:
        _rerate(row, new)
    db.commit()
    return len(items)


# ---- fields ---------------------------------------------------------------------------------


def _text(value: Any, name: str, *, required: bool = False, multiline: bool = False
          ) -> str | None:  # fmt: skip
    raw = "" if value is None else str(value)
    text = raw.strip() if multiline else " ".join(raw.split())
    if not text:
        if required:
            raise refused("invalid", msg("risk.err.required", name=name), name)
        return None
    pattern = _TEXT_RE if multiline else _LINE_RE
    if not pattern.match(text) or len(text) > _MAX_LEN.get(name, 300):
        raise refused("invalid", msg("risk.err.text", name=name, max=_MAX_LEN.get(name, 300)),
                      name)  # fmt: skip
    return text


def _code_of(value: Any, allowed: Sequence[str], name: str) -> str:
    text = str(value if value is not None else "").strip().lower()
    if text not in allowed:
        raise refused("invalid", msg(f"risk.err.{name}", value=text[:60], allowed=", ".join(
            allowed)), name)  # fmt: skip
    return text


def _codes(value: Any, allowed: Sequence[str], name: str) -> list[str]:
    items = _split(value)
    out: list[str] = []
    for item in items:
        code = _code_of(item, allowed, name)
        if code not in out:
            out.append(code)
    return out


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        from lingtan.adapters.io.risk_files import split_list

        return split_list(value)
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    raise refused("invalid", msg("risk.err.list"), None)


def _int_level(value: Any, name: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise refused("invalid", msg("risk.err.level", name=name, value=str(value)), name)
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise refused("invalid", msg("risk.err.level", name=name, value=str(value)[:20]),
                      name) from None  # fmt: skip
    if not math.isfinite(number) or not number.is_integer():
        raise refused("invalid", msg("risk.err.level", name=name, value=str(value)[:20]), name)
    return int(number)


def _number(value: Any, name: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise refused("invalid", msg("risk.err.number", name=name, value=str(value)), name)
    if isinstance(value, int | float):
        number = float(value)
    else:
        from lingtan.adapters.io.intake import parse_number

        text = str(value)
        try:
            number = parse_number(text)
        except ValueError:
            try:  # a decimal comma (1,5 / 1.234,5), as European Excel writes it
                number = parse_number(text, decimal=",")
            except ValueError:
                raise refused("invalid", msg("risk.err.number", name=name, value=text[:30]),
                              name) from None  # fmt: skip
    if not math.isfinite(number):
        raise refused("invalid", msg("risk.err.number", name=name, value=str(value)[:30]), name)
    return number


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in ("true", "yes", "y", "1", "是"):
        return True
    if text in ("false", "no", "n", "0", "否", ""):
        return False
    raise refused("invalid", msg("risk.err.flag", name=name, value=text[:20]), name)


def _financial(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise refused("invalid", msg("risk.err.financial"), "financial")
    unknown = sorted(set(value) - {"line", "low", "central", "high", "currency"})
    if unknown:
        raise refused("invalid", msg("risk.err.field", value=unknown[0]), "financial")
    out: dict[str, Any] = {}
    if value.get("line") not in (None, ""):
        out["line"] = _code_of(value["line"], cat.FINANCIAL_LINES, "financial_line")
    for k in ("low", "central", "high"):
        n = _number(value.get(k), f"effect_{k}")
        if n is not None:
            out[k] = n
    if value.get("currency") not in (None, ""):
        cur = str(value["currency"]).strip().upper()
        if not _CURRENCY_RE.match(cur):
            raise refused("invalid", msg("risk.err.currency", value=cur[:10]), "currency")
        out["currency"] = cur
    present = [out[k] for k in ("low", "central", "high") if k in out]
    if present != sorted(present):
        raise refused("invalid", msg("risk.err.effect_order"), "financial")
    return out


def _links(value: Any) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise refused("invalid", msg("risk.err.links"), "links")
    unknown = sorted(set(value) - set(cat.LINK_KINDS))
    if unknown:
        raise refused("invalid", msg("risk.err.field", value=unknown[0]), "links")
    out: dict[str, list[str]] = {}
    for k in cat.LINK_KINDS:
        ids = []
        for i in _split(value.get(k)):
            if not _LINE_RE.match(i) or len(i) > 80:
                raise refused("invalid", msg("risk.err.text", name=k, max=80), k)
            if i not in ids:
                ids.append(i)
        if ids:
            out[k] = ids
    return out


def _consequences(value: Any) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise refused("invalid", msg("risk.err.consequences"), "consequences")
    out: dict[str, int] = {}
    for k, v in value.items():
        level = _int_level(v, f"c_{k}")
        if level is not None:
            out[str(k)] = level
    return out


def check_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Each given field checked and normalised on its own (so that an import names every wrong
    cell); the checks across fields and against the matrix are :func:`_check_whole`'s."""
    unknown = sorted(set(fields) - set(ITEM_FIELDS))
    if unknown:
        raise refused("invalid", msg("risk.err.field", value=unknown[0]), unknown[0])
    out: dict[str, Any] = {}
    for k, v in fields.items():
        if k == "code":
            code = str(v if v is not None else "").strip()
            if not _CODE_RE.match(code):
                raise refused("invalid", msg("risk.err.code", value=code[:60]), k)
            if code.lower() in RESERVED_CODES:
                raise refused("invalid", msg("risk.err.code_reserved", value=code), k)
            out[k] = code
        elif k == "kind":
            out[k] = _code_of(v, cat.KINDS, "kind")
        elif k == "category":
            out[k] = _code_of(v, tuple(cat.CATEGORIES), "category")
        elif k == "driver":
            out[k] = _code_of(v, tuple(cat.DRIVERS), "driver")
        elif k == "response":
            out[k] = None if v in (None, "") else _code_of(v, cat.RESPONSES, "response")
        elif k == "status":
            out[k] = _code_of(v, cat.STATUSES, "status")
        elif k == "horizons":
            out[k] = _codes(v, cat.HORIZONS, "horizon")
        elif k == "value_chain":
            out[k] = _codes(v, cat.VALUE_CHAIN, "value_chain")
        elif k == "actions":
            actions = [" ".join(a.split()) for a in _split(v)]
            for a in actions:
                if not _LINE_RE.match(a) or len(a) > 500:
                    raise refused("invalid", msg("risk.err.text", name=k, max=500), k)
            out[k] = actions
        elif k in ("title",):
            out[k] = _text(v, k, required=True)
        elif k in ("owner", "owner_unit", "source"):
            out[k] = _text(v, k)
        elif k == "description":
            out[k] = _text(v, k, multiline=True)
        elif k == "key_unit":
            out[k] = _flag(v, k)
        elif k == "likelihood":
            out[k] = _int_level(v, k)
        elif k == "consequences":
            out[k] = _consequences(v)
        elif k == "financial":
            out[k] = _financial(v)
        elif k == "links":
            out[k] = _links(v)
        elif k == "last_reviewed":
            out[k] = _as_date(v, k)
    return out


def _as_date(value: Any, name: str) -> date | None:
    return as_date(
        value,
        required=False,
        missing=lambda: refused("invalid", msg("risk.err.required", name=name), name),
        bad=lambda: refused("invalid", msg("risk.err.date", name=name, value=str(value)[:40]),
                            name),
    )  # fmt: skip


@dataclass
class KnownLinks:
    """The ids an item may link to (None: that source could not be read — every id refused)."""

    sites: frozenset[str] = frozenset()
    suppliers: frozenset[str] = frozenset()
    products: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()
    projects: frozenset[str] = frozenset()

    def of(self, kind: str) -> frozenset[str]:
        """The known ids of a link kind."""
        known: frozenset[str] = getattr(self, kind)
        return known


def known_links(db: Session, ctx: Context) -> KnownLinks:
    """What exists to link to: the sites of the boundary (``lingtan.yaml``), the suppliers of
    the supplier register, the products of the products folder, the targets and projects of
    the targets file. A source that is missing or unreadable gives no ids."""
    from lingtan.adapters.store.suppliers import Supplier

    out = KnownLinks()
    try:
        ws = ctx.workspace()
        out.sites = frozenset(ws.config.site_regions())
    except (ServiceError, LingtanErrorBase, OSError):
        ws = None
    out.suppliers = frozenset(str(c) for c in db.scalars(select(Supplier.code)))
    try:
        from lingtan.adapters.services.targets import parse_targets_text, targets_file

        _, data = targets_file(ctx)
        prog = parse_targets_text(data.decode("utf-8", errors="replace"))
        out.targets = frozenset(t.id for t in prog.targets)
        out.projects = frozenset(p.id for p in prog.projects)
    except (ServiceError, LingtanErrorBase, OSError, ValueError):
        pass
    if ws is not None:
        out.products = _product_ids(Path(ws.path))
    return out


def _product_ids(workspace_path: Path) -> frozenset[str]:
    from lingtan.adapters.io.lca.folder import products_folder

    folder = products_folder(workspace_path)
    if not folder.is_dir():
        return frozenset()
    try:
        from lingtan.adapters.services.products import _load

        data = _load(folder, "AR6")
    except Exception:  # an unreadable products folder gives no product ids
        return frozenset()
    if data is None:
        return frozenset()
    return frozenset(str(p.product_id) for p in data.bench.family.products)


def _check_whole(values: Mapping[str, Any], matrix: RiskMatrix, known: KnownLinks) -> None:
    """The rules across fields: the required fields, the kind of the category, a driver that
    fits the category, ratings within the matrix, links that exist."""
    for k in REQUIRED_FIELDS:
        if not values.get(k):
            raise refused("invalid", msg("risk.err.required", name=k), k)
    category = values["category"]
    if cat.kind_of(category) != values["kind"]:
        raise refused("invalid", msg("risk.err.kind_category", kind=values["kind"],
                                     category=category), "category")  # fmt: skip
    if not cat.driver_fits(values["driver"], category):
        raise refused("invalid", msg("risk.err.driver_category", driver=values["driver"],
                                     category=category), "driver")  # fmt: skip
    reviewed = values.get("last_reviewed")
    if reviewed is not None and reviewed > _today():
        raise refused("invalid", msg("risk.err.future", value=reviewed.isoformat()),
                      "last_reviewed")  # fmt: skip
    try:
        matrix.check(values.get("likelihood"), values.get("consequences") or {})
    except RiskError as exc:
        raise _from_module(exc) from exc
    for kind, ids in (values.get("links") or {}).items():
        known_ids = known.of(kind)
        for i in ids:
            if i not in known_ids:
                raise refused("invalid", msg(f"risk.err.unknown_{kind}", value=i), kind)


# ---- the register -------------------------------------------------------------------------


def item_dict(row: RiskItemRow, on: date | None = None) -> dict[str, Any]:
    """An item as plain data (API, export, pages): its fields, its rating and review dates,
    and whether its review is ``overdue`` on ``on`` (default today)."""
    day = on or _today()
    return {
        "code": row.code,
        "kind": row.kind,
        "category": row.category,
        "driver": row.driver,
        "title": row.title,
        "description": row.description,
        "horizons": list(row.horizons or []),
        "value_chain": list(row.value_chain or []),
        "owner": row.owner,
        "owner_unit": row.owner_unit,
        "key_unit": bool(row.key_unit),
        "likelihood": row.likelihood,
        "consequences": dict(row.consequences or {}),
        "score": row.score,
        "band": row.band,
        "response": row.response,
        "actions": list(row.actions or []),
        "financial": dict(row.financial or {}),
        "links": {k: list(v) for k, v in (row.links or {}).items()},
        "last_reviewed": row.last_reviewed,
        "next_review": row.next_review,
        "overdue": row.status == "open" and cad.is_overdue(row.next_review, day),
        "status": row.status,
        "source": row.source,
    }


def list_items(
    db: Session,
    ctx: Context,
    *,
    kind: str | None = None,
    category: str | None = None,
    band: str | None = None,
    horizon: str | None = None,
    q: str | None = None,
    status: str | None = None,
) -> list[RiskItemRow]:
    """The register's items by code, filtered: ``kind``, ``category``, ``band`` (``unrated``
    for items without a rating), ``horizon`` (items spanning it), ``status``, and ``q`` (text
    in code, title, description, owner or unit, case-insensitive)."""
    ctx.require("read")
    stmt = select(RiskItemRow).order_by(RiskItemRow.code)
    if kind:
        stmt = stmt.where(RiskItemRow.kind == kind)
    if category:
        stmt = stmt.where(RiskItemRow.category == category)
    if status:
        stmt = stmt.where(RiskItemRow.status == status)
    if band == "unrated":
        stmt = stmt.where(RiskItemRow.band.is_(None))
    elif band:
        stmt = stmt.where(RiskItemRow.band == band)
    rows = list(db.scalars(stmt))
    if horizon:
        rows = [r for r in rows if horizon in (r.horizons or [])]
    if q and q.strip():
        needle = q.strip().lower()
        rows = [
            r
            for r in rows
            if any(needle in (t or "").lower()
                   for t in (r.code, r.title, r.description, r.owner, r.owner_unit))
        ]  # fmt: skip
    return rows


def get_item(db: Session, ctx: Context, code: str) -> RiskItemRow:
    """The item ``code`` of the organisation.

    Raises:
        RiskRegisterError: 404 no such item (also another organisation's).
    """
    ctx.require("read")
    row = db.scalar(select(RiskItemRow).where(RiskItemRow.code == code))
    if row is None:
        raise refused("not_found", msg("risk.err.not_found", code=str(code)[:60]), "code")
    return row


def create_item(db: Session, ctx: Context, fields: Mapping[str, Any]) -> RiskItemRow:
    """Add an item to the register, rated under the organisation's matrix (audited).

    Raises:
        RiskRegisterError: 403; 409 the code exists; 422 a field is invalid.
    """
    ctx.require("edit_data")
    values = {"status": "open", **check_fields(fields)}
    matrix = _matrix(db)
    _check_whole(values, matrix, known_links(db, ctx))
    if db.scalar(select(RiskItemRow.id).where(RiskItemRow.code == values["code"])) is not None:
        raise refused("conflict", msg("risk.err.code_exists", code=values["code"]), "code")
    row = RiskItemRow(**_defaults(values))
    _rerate(row, matrix)
    db.add(row)
    db.commit()
    return row


def _defaults(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "horizons": [], "value_chain": [], "key_unit": False, "consequences": {},
        "actions": [], "financial": {}, "links": {}, **values,
    }  # fmt: skip


def update_item(db: Session, ctx: Context, code: str, fields: Mapping[str, Any]) -> RiskItemRow:
    """Change fields of an item (its code stays); re-rated under the matrix (audited).

    Raises:
        RiskRegisterError: 403; 404; 422 a field is invalid (also a new ``code``).
    """
    ctx.require("edit_data")
    row = get_item(db, ctx, code)
    changes = check_fields({k: v for k, v in fields.items() if k != "code"})
    if "code" in fields and str(fields["code"]).strip() != row.code:
        raise refused("invalid", msg("risk.err.code_fixed"), "code")
    values = {**item_dict(row), **changes}
    matrix = _matrix(db)
    _check_whole({k: values[k] for k in ITEM_FIELDS}, matrix, known_links(db, ctx))
    for k, v in changes.items():
        if getattr(row, k) != v:
            setattr(row, k, v)
    _rerate(row, matrix)
    db.commit()
    return row


def close_item(db: Session, ctx: Context, code: str) -> RiskItemRow:
    """Close an item (kept, with its history; no longer due for review)."""
    return update_item(db, ctx, code, {"status": "closed"})


def review_item(
    db: Session,
    ctx: Context,
    code: str,
    *,
    likelihood: int | None,
    consequences: Mapping[str, Any],
    reviewed: date | None = None,
    note: str | None = None,
) -> RiskReviewRow:
    """Record a review of an item: the ratings given, the score and band they come to under
    the matrix, the reviewer (the caller); the item takes the new ratings, ``last_reviewed``
    and its next review by the cadence. Both rows audited.

    Raises:
        RiskRegisterError: 403; 404; 422 a rating outside the matrix, a date in the future.
    """
    ctx.require("edit_data")
    row = get_item(db, ctx, code)
    checked = check_fields({"likelihood": likelihood, "consequences": dict(consequences)})
    day = reviewed or _today()
    if day > _today():
        raise refused("invalid", msg("risk.err.future", value=day.isoformat()), "reviewed")
    text = _text(note, "note", multiline=True)
    matrix = _matrix(db)
    try:
        rating = matrix.rate(checked["likelihood"], checked["consequences"])
    except RiskError as exc:
        raise _from_module(exc) from exc
    row.likelihood = checked["likelihood"]
    row.consequences = checked["consequences"]
    if row.last_reviewed is None or day >= row.last_reviewed:
        row.last_reviewed = day
    _rerate(row, matrix)
    review = RiskReviewRow(
        item_code=row.code,
        reviewed=day,
        reviewer=ctx.actor,
        likelihood=checked["likelihood"],
        consequences=checked["consequences"],
        score=None if rating is None else rating.score,
        band=None if rating is None else rating.band,
        note=text,
    )
    db.add(review)
    db.commit()
    return review


def reviews(db: Session, ctx: Context, code: str) -> list[RiskReviewRow]:
    """The reviews of an item, newest first."""
    row = get_item(db, ctx, code)
    stmt = (
        select(RiskReviewRow)
        .where(RiskReviewRow.item_code == row.code)
        .order_by(RiskReviewRow.reviewed.desc(), RiskReviewRow.id.desc())
    )
    return list(db.scalars(stmt))


def review_dict(row: RiskReviewRow) -> dict[str, Any]:
    """A review as plain data."""
    return {
        "reviewed": row.reviewed,
        "reviewer": row.reviewer,
        "likelihood": row.likelihood,
        "consequences": dict(row.consequences or {}),
        "score": row.score,
        "band": row.band,
        "note": row.note,
    }


@dataclass(frozen=True)
class Change:
    """One audited change of an item: when, who, what (create | update | …), the fields
    changed with their values before and after."""

    at: datetime
    actor: str
    action: str
    fields: tuple[tuple[str, Any, Any], ...]


def history(db: Session, ctx: Context, code: str) -> list[Change]:
    """The audited changes of an item (from the organisation's audit log), newest first."""
    from lingtan.adapters.store.audit import AuditEntry

    row = get_item(db, ctx, code)
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.target == f"risk_item:{row.id}")
        .order_by(AuditEntry.id.desc())
        .limit(200)
    )
    out = []
    for e in db.scalars(stmt):
        before = e.before if isinstance(e.before, dict) else {}
        after = e.after if isinstance(e.after, dict) else {}
        keys = sorted((set(before) | set(after)) - {"id", "organisation_id", "created_at",
                                                     "updated_at"})  # fmt: skip
        changed = tuple((k, before.get(k), after.get(k)) for k in keys
                        if before.get(k) != after.get(k))  # fmt: skip
        out.append(Change(e.at, e.actor, e.action.rsplit(".", 1)[-1], changed))
    return out


# ---- reviews due, heat map ------------------------------------------------------------------


@dataclass(frozen=True)
class DueReview:
    """An open item whose review is due: never reviewed, overdue, or within 30 days."""

    code: str
    title: str
    band: str | None
    owner: str | None
    owner_unit: str | None
    key_unit: bool
    last_reviewed: date | None
    next_review: date | None
    overdue: bool


def due_reviews(db: Session, ctx: Context, on: date | None = None) -> list[DueReview]:
    """Open items whose review is due on ``on`` (default today; never reviewed, overdue, or
    within 30 days), overdue and never-reviewed first, then by next review."""
    day = on or _today()
    out = [
        DueReview(r.code, r.title, r.band, r.owner, r.owner_unit, bool(r.key_unit),
                  r.last_reviewed, r.next_review, cad.is_overdue(r.next_review, day))
        for r in list_items(db, ctx, status="open")
        if cad.is_due(r.next_review, day)
    ]  # fmt: skip
    return sorted(out, key=lambda d: (not d.overdue, d.next_review is not None,
                                      d.next_review or day, d.code))  # fmt: skip


@dataclass(frozen=True)
class HeatMap:
    """Counts of the open rated items per cell (likelihood, aggregated consequence rounded to
    a level) and their codes; ``rated`` = the sum of the counts; ``unrated`` open items apart.
    ``bands[(l, c)]`` is the band of the cell's score l × c."""

    likelihood_levels: int
    consequence_levels: int
    counts: dict[tuple[int, int], int] = field(default_factory=dict)
    codes: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    bands: dict[tuple[int, int], str] = field(default_factory=dict)
    rated: int = 0
    unrated: int = 0


def heatmap(db: Session, ctx: Context) -> HeatMap:
    """The heat map of the open items (likelihood × aggregated consequence, the matrix's
    aggregation rule). The counts add up to the number of open rated items."""
    matrix = get_matrix(db, ctx)
    codes: dict[tuple[int, int], list[str]] = {}
    unrated = 0
    for r in list_items(db, ctx, status="open"):
        try:
            rating = matrix.rate(r.likelihood, dict(r.consequences or {}))
        except RiskError:
            rating = None
        if rating is None:
            unrated += 1
            continue
        codes.setdefault(rating.cell, []).append(r.code)
    bands = {
        (li, c): matrix.band_of(float(li * c))
        for li in range(1, matrix.likelihood_levels + 1)
        for c in range(1, matrix.consequence_levels + 1)
    }
    return HeatMap(
        matrix.likelihood_levels,
        matrix.consequence_levels,
        {k: len(v) for k, v in codes.items()},
        {k: tuple(v) for k, v in codes.items()},
        bands,
        sum(len(v) for v in codes.values()),
        unrated,
    )


# ---- the file -------------------------------------------------------------------------------


class RiskRegisterFileError(RiskRegisterError, KeyedFileError):
    """An import file was refused: ``errors`` lists every wrong cell (:class:`RowError`)."""

    row_error_key = "risk.file.row_error"


def row_error_lines(errors: Sequence[RowError], locale: str, limit: int = 50) -> list[str]:
    """``file, row r, column c: reason`` of each wrong cell (the first ``limit``)."""
    return cell_error_lines(errors, "risk.file.row_error", locale, limit)


@dataclass(frozen=True)
class RegisterImport:
    """What an import did: the codes created and the codes updated."""

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()


_C_COLUMNS = {f"c_{d}": d for d in ("finance", "reputation", "production", "human_capital",
                                     "compliance", "market_share")}  # fmt: skip
_FIN_COLUMNS = {"financial_line": "line", "effect_low": "low", "effect_central": "central",
                "effect_high": "high", "currency": "currency"}  # fmt: skip


def _cells_to_fields(
    cells: Mapping[str, str], matrix: RiskMatrix
) -> tuple[dict[str, Any], list[tuple[str, Message]]]:
    """A file row's cells as item fields, each cell checked on its own (levels against the
    matrix too): (fields, [(column, keyed reason)])."""
    values: dict[str, Any] = {}
    wrong: list[tuple[str, Message]] = []
    consequences: dict[str, int] = {}
    financial: dict[str, Any] = {}
    links: dict[str, list[str]] = {}

    def guard(column: str, fn: Any) -> Any:
        try:
            return fn()
        except RiskRegisterError as exc:
            wrong.append((column, Message(exc.key, exc.params)))
            return None

    for col, text in cells.items():
        if col in _C_COLUMNS:
            level = guard(col, lambda t=text, c=col: _level_in(matrix, c, _int_level(t, c)))
            if level is not None:
                consequences[_C_COLUMNS[col]] = level
        elif col in _FIN_COLUMNS:
            if text:
                got = guard(col, lambda t=text, c=col: _financial({_FIN_COLUMNS[c]: t}))
                if got:
                    financial.update(got)
        elif col in cat.LINK_KINDS:
            got = guard(col, lambda t=text, c=col: _links({c: t}))
            if got:
                links.update(got)
        elif col in ("response", "last_reviewed", "likelihood", "description", "owner",
                     "owner_unit", "source") and not text:  # fmt: skip
            continue
        else:
            got = guard(col, lambda t=text, c=col: check_fields({c: t}))
            if got and col == "likelihood":
                got = guard(
                    col,
                    lambda g=got: {"likelihood": _level_in(matrix, "likelihood", g["likelihood"])},
                )
            if got:
                values.update(got)
    if financial:
        ordered = [financial[k] for k in ("low", "central", "high") if k in financial]
        if ordered != sorted(ordered):
            wrong.append(("effect_central", msg("risk.err.effect_order")))
    values["consequences"] = consequences
    values["financial"] = financial
    values["links"] = links
    return values, wrong


def _level_in(matrix: RiskMatrix, column: str, level: int | None) -> int | None:
    """``level`` of a file column (``likelihood`` or ``c_<dimension>``) checked against the
    matrix."""
    if level is None:
        return None
    try:
        if column == "likelihood":
            matrix.check(level, {})
        else:
            matrix.check(None, {column.removeprefix("c_"): level})
    except RiskError as exc:
        raise _from_module(exc) from exc
    return level


def import_register(
    db: Session, ctx: Context, data: bytes, filename: str, *, encoding: str | None = None
) -> RegisterImport:
    """Add or update the items of a register file (CSV or XLSX; :mod:`lingtan.adapters.io.
    risk_files`): a row whose code exists updates that item, any other adds one; every item
    rated under the matrix. All or nothing: any wrong cell refuses the whole file, every wrong
    cell named (file, row, column, reason).

    Raises:
        RiskRegisterError: 403; 413 above 20 MiB; 422 the file or a row is invalid
            (:class:`RiskRegisterFileError`).
    """
    from lingtan.adapters.io.risk_files import RiskFileError, read_register_file

    ctx.require("edit_data")
    source = Path(filename).name or "risks.csv"
    if len(data) > MAX_FILE_BYTES:
        raise refused("too_large", msg("risk.file.size", mib=20), "file")
    try:
        rows = read_register_file(data, source, encoding=encoding)
    except RiskFileError as exc:
        raise RiskRegisterFileError(exc.key_message, []) from exc
    except InputFileError as exc:
        summary = exc.message or msg("risk.file.unreadable", encoding="")
        raise RiskRegisterFileError(summary, []) from exc
    matrix = _matrix(db)
    known = known_links(db, ctx)
    existing = {r.code: r for r in db.scalars(select(RiskItemRow))}
    errors: list[RowError] = []
    checked: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for r in rows:
        values, wrong = _cells_to_fields(r.cells, matrix)
        errors += [RowError(source, r.row, k, m) for k, m in wrong]
        if wrong:
            continue
        code = values.get("code")
        if code in seen:
            errors.append(
                RowError(
                    source, r.row, "code", msg("risk.file.duplicate", code=code, row=seen[code])
                )
            )
            continue  # fmt: skip
        seen[str(code)] = r.row
        try:
            _check_whole(values, matrix, known)
        except RiskRegisterError as exc:
            errors.append(
                RowError(source, r.row, _column_of(exc.field), Message(exc.key, exc.params))
            )
            continue  # fmt: skip
        checked.append(values)
    if errors:
        raise RiskRegisterFileError(msg("risk.file.rows", n=len(errors)), errors)
    created: list[str] = []
    updated: list[str] = []
    for values in checked:
        row = existing.get(values["code"])
        if row is None:
            row = RiskItemRow(**_defaults({"status": "open", **values}))
            db.add(row)
            created.append(row.code)
        else:
            for k, v in values.items():
                if getattr(row, k) != v:
                    setattr(row, k, v)
            updated.append(row.code)
        _rerate(row, matrix)
    db.commit()
    return RegisterImport(tuple(created), tuple(updated))


def _column_of(name: str | None) -> str:
    if name is None:
        return "row"
    if name in ("matrix", "consequences"):
        return "row"
    if name in _C_COLUMNS.values():
        return f"c_{name}"
    if name == "financial":
        return "effect_central"
    return name


def export_register(db: Session, ctx: Context, fmt: str) -> bytes:
    """The register as a file (``csv`` or ``xlsx``) that :func:`import_register` reads back
    unchanged.

    Raises:
        RiskRegisterError: 422 an unknown format.
    """
    from lingtan.adapters.io.risk_files import write_register_csv, write_register_xlsx

    if fmt not in FORMATS:
        raise refused("invalid", msg("risk.err.format", value=str(fmt)[:20],
                                     allowed=", ".join(FORMATS)), "format")  # fmt: skip
    items = [item_dict(r) for r in list_items(db, ctx)]
    for item in items:
        if item["last_reviewed"] is not None:
            item["last_reviewed"] = item["last_reviewed"].isoformat()
    return write_register_csv(items) if fmt == "csv" else write_register_xlsx(items)


def file_error_lines(exc: RiskRegisterFileError, locale: str) -> list[str]:
    """The summary and each wrong cell of a refused file in ``locale``."""
    return [message_text(exc.summary, locale), *row_error_lines(exc.errors, locale)]
