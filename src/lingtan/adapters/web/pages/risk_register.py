"""``/o/<org>/risks`` in the web app: the climate risk and opportunity register, the scoring
matrix and the reviews (issue 17 items 1–2, decision 0080).

- ``/o/<org>/risks``: the register with its filters (kind, category, band, horizon, text), the
  heat map (server-side SVG, :mod:`lingtan.adapters.web.risk_charts`), the reviews due and
  overdue, the add and import forms, the export links;
- ``/o/<org>/risks/matrix``: the matrix configuration (saving it re-rates every item);
- ``/o/<org>/risks/<code>``: one item with its reviews and its audited changes, the review
  form, the edit form, close.

Every form is checked by :mod:`lingtan.adapters.services.risk_register`: a refused change is
shown again with the reason in the user's language (``risk.err.*``, ``risk.file.*``) and its
writes rolled back; a change that went through redirects (303) with a confirmation. Reading
needs ``read``; changing ``edit_data`` (403 page otherwise). Every POST carries the CSRF token
(the pages' router checks it). This router comes after the other risk pages', so that
``/risks/aspects`` & co. are theirs (the service refuses item codes that would shadow them).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import risk_register as sv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import org_render, refused_change, upload_bytes
from lingtan.adapters.web.rendering import translator
from lingtan.adapters.web.risk_charts import BAND_FILL, heatmap_svg
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.core.messages import msg
from lingtan.modules.risk import catalogue as cat
from lingtan.modules.risk.matrix import DEFAULT_BANDS, RiskMatrix

router = APIRouter()

#: what the confirmation after a change may say (``risk.done.<key>``)
DONE = frozenset({"added", "saved", "reviewed", "imported", "closed", "matrix"})
Text = Annotated[str, Form(max_length=500)]
LongText = Annotated[str, Form(max_length=4000)]
Many = Annotated[list[str], Form(max_length=20)]
Filter = Annotated[str, Query(max_length=80)]
Done = Annotated[str, Query(max_length=40)]
BANDS = ("very_high", "high", "medium", "low", "unrated")


def _refused(request: Request, op: OrgPage, exc: ServiceError) -> tuple[str, str]:
    """``(field, message in the user's language)`` of a refused change, whose writes are
    rolled back; other errors (403, 404 …) go to the error page."""
    return refused_change(request, op, exc, sv.RiskRegisterError, file_lines=sv.file_error_lines)


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _base(op: OrgPage) -> str:
    return f"/o/{op.org.slug}/risks"


def _matrix_view(m: RiskMatrix) -> dict[str, Any]:
    return {
        "matrix": m,
        "likelihoods": list(range(1, m.likelihood_levels + 1)),
        "levels": list(range(1, m.consequence_levels + 1)),
        "dimensions": m.dimensions,
    }


def _catalogue() -> dict[str, Any]:
    return {"categories": tuple(cat.CATEGORIES), "drivers": tuple(cat.DRIVERS),
            "horizons": cat.HORIZONS, "value_chain_codes": cat.VALUE_CHAIN,
            "responses": cat.RESPONSES, "financial_lines": cat.FINANCIAL_LINES,
            "link_kinds": cat.LINK_KINDS, "kinds": cat.KINDS, "band_codes": BANDS,
            "band_fill": BAND_FILL}  # fmt: skip


def _register(
    request: Request,
    op: OrgPage,
    filters: dict[str, str],
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The register page: the items the filters select, the heat map, the reviews due."""
    today = datetime.now(UTC).date()
    kind = filters.get("kind", "")
    category = filters.get("category", "")
    band = filters.get("band", "")
    horizon = filters.get("horizon", "")
    rows = sv.list_items(
        op.db, op.tenant,
        kind=kind if kind in cat.KINDS else None,
        category=category if category in cat.CATEGORIES else None,
        band=band if band in BANDS else None,
        horizon=horizon if horizon in cat.HORIZONS else None,
        q=filters.get("q") or None,
    )  # fmt: skip
    t = translator(request)
    hm = sv.heatmap(op.db, op.tenant)
    matrix = sv.get_matrix(op.db, op.tenant)
    base = _base(op)

    def cell_link(li: int, c: int) -> str:
        return f"{base}?{urlencode({'band': hm.bands[(li, c)]})}#register"

    return org_render(
        request, op, "risk_register.html", "risks",
        items=[sv.item_dict(r, today) for r in rows], heatmap=hm,
        heatmap_svg=heatmap_svg(hm, t, cell_link), due=sv.due_reviews(op.db, op.tenant, on=today),
        filters=filters, can_edit=op.org.can("edit_data"), done=done if done in DONE else "",
        errors=errors or {}, values=values or {}, status_code=status_code,
        **_matrix_view(matrix), **_catalogue(),
    )  # fmt: skip


@router.get("/o/{org}/risks", response_class=HTMLResponse)
def risk_list(
    request: Request,
    op: OrgDep,
    kind: Filter = "",
    category: Filter = "",
    band: Filter = "",
    horizon: Filter = "",
    q: Annotated[str, Query(max_length=100)] = "",
    done: Done = "",
) -> HTMLResponse:
    """The register, the heat map and the reviews due."""
    op.require("read")
    filters = {"kind": kind, "category": category, "band": band, "horizon": horizon, "q": q}
    return _register(request, op, filters, done=done)


def _fields(form: dict[str, Any], matrix: RiskMatrix, *, with_code: bool) -> dict[str, Any]:
    """The service's fields from the item form (blank cells left out or cleared)."""
    fields: dict[str, Any] = {
        "category": form["category"],
        "kind": cat.kind_of(form["category"]) or "",
        "driver": form["driver"],
        "title": form["title"],
        "description": form["description"] or None,
        "horizons": [h for h in form["horizons"] if h],
        "value_chain": [v for v in form["value_chain"] if v],
        "owner": form["owner"] or None,
        "owner_unit": form["owner_unit"] or None,
        "key_unit": bool(form["key_unit"]),
        "likelihood": form["likelihood"] or None,
        "consequences": {d: form["c"][d] for d in matrix.dimensions if form["c"].get(d)},
        "response": form["response"] or None,
        "actions": form["actions"],
        "financial": {k: form[f"fin_{k}"] for k in ("line", "low", "central", "high",
                                                     "currency") if form[f"fin_{k}"]},
        "links": {k: form[f"link_{k}"] for k in cat.LINK_KINDS if form[f"link_{k}"]},
        "last_reviewed": form["last_reviewed"] or None,
        "source": form["source"] or None,
    }  # fmt: skip
    if with_code:
        fields["code"] = form["code"]
    return fields


async def _item_form(request: Request) -> dict[str, Any]:
    """The item form's cells (texts stripped; lists of the check boxes; ``c`` the consequence
    selects by dimension)."""
    data = await request.form()

    def one(name: str, limit: int = 500) -> str:
        value = data.get(name)
        return str(value).strip()[:limit] if isinstance(value, str) else ""

    form: dict[str, Any] = {
        k: one(k) for k in ("code", "category", "driver", "title", "owner", "owner_unit",
                            "likelihood", "response", "actions", "last_reviewed", "source",
                            "key_unit", "fin_line", "fin_low", "fin_central", "fin_high",
                            "fin_currency")
    }  # fmt: skip
    form["description"] = one("description", 4000)
    form["horizons"] = [str(v) for v in data.getlist("horizons")][:5]
    form["value_chain"] = [str(v) for v in data.getlist("value_chain")][:5]
    form["c"] = {
        str(k)[2:]: str(v).strip()
        for k, v in data.multi_items()
        if str(k).startswith("c_") and isinstance(v, str) and len(str(k)) <= 42
    }
    for k in cat.LINK_KINDS:
        form[f"link_{k}"] = one(f"link_{k}", 2000)
    return form


@router.post("/o/{org}/risks", response_model=None)
async def risk_add(request: Request, op: OrgDep) -> Response:
    """Add an item; the page again with the reason when refused."""
    op.require("edit_data")
    form = await _item_form(request)
    try:
        matrix = sv.get_matrix(op.db, op.tenant)
        row = sv.create_item(op.db, op.tenant, _fields(form, matrix, with_code=True))
    except ServiceError as exc:
        field, text = _refused(request, op, exc)
        return _register(request, op, {}, errors={"add": text, f"add.{field}": text},
                         values={"add": form}, status_code=422)  # fmt: skip
    return _redirect(f"{_base(op)}/{row.code}?done=added")


@router.post("/o/{org}/risks/import", response_model=None)
def risk_import(request: Request, op: OrgDep, file: Annotated[UploadFile, File()]) -> Response:
    """Import a register file (all or nothing); the page again with every wrong cell."""
    op.require("edit_data")
    try:
        data = upload_bytes(file)
        sv.import_register(op.db, op.tenant, data, file.filename or "risks.csv")
    except ServiceError as exc:
        _, text = _refused(request, op, exc)
        return _register(request, op, {}, errors={"import": text}, status_code=422)
    return _redirect(f"{_base(op)}?done=imported")


@router.get("/o/{org}/risks/export", response_model=None)
def risk_export(op: OrgDep, format: Annotated[str, Query(max_length=8)] = "csv") -> Response:
    """Download the register (CSV or XLSX)."""
    op.require("read")
    fmt = format if format in sv.FORMATS else "csv"
    data = sv.export_register(op.db, op.tenant, fmt)
    media = "text/csv" if fmt == "csv" else "application/octet-stream"
    disposition = f'attachment; filename="risks.{fmt}"'
    return Response(data, media_type=media, headers={"content-disposition": disposition})


# ---- the matrix ---------------------------------------------------------------------------


def _matrix_page(
    request: Request,
    op: OrgPage,
    *,
    done: str = "",
    error: str = "",
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    matrix = sv.get_matrix(op.db, op.tenant)
    return org_render(
        request, op, "risk_register_matrix.html", "risks",
        can_edit=op.org.can("edit_data"), done=done if done in DONE else "", error=error,
        values=values or {}, default_bands=DEFAULT_BANDS, status_code=status_code,
        aggregations=("max", "mean"), **_matrix_view(matrix), **_catalogue(),
    )  # fmt: skip


@router.get("/o/{org}/risks/matrix", response_class=HTMLResponse)
def risk_matrix(request: Request, op: OrgDep, done: Done = "") -> HTMLResponse:
    """The scoring matrix."""
    op.require("read")
    return _matrix_page(request, op, done=done)


@router.post("/o/{org}/risks/matrix", response_model=None)
def risk_matrix_save(
    request: Request,
    op: OrgDep,
    aggregation: Text = "max",
    bands: Text = "",
    short_end: Text = "",
    medium_end: Text = "",
    long_end: Text = "",
    cadence_default: Text = "",
    cadence_very_high: Text = "",
    cadence_key_unit: Text = "",
) -> Response:
    """Save the matrix (aggregation, bands ``very_high:15; high:10; medium:5; low:0``, horizon
    ends in years, review intervals in months) and re-rate every item."""
    op.require("edit_data")
    values = {"aggregation": aggregation, "bands": bands, "short_end": short_end,
              "medium_end": medium_end, "long_end": long_end,
              "cadence_default": cadence_default, "cadence_very_high": cadence_very_high,
              "cadence_key_unit": cadence_key_unit}  # fmt: skip
    try:
        current = sv.get_matrix(op.db, op.tenant)
        doc = current.to_dict()
        doc.pop("bands_source", None)
        doc["aggregation"] = aggregation
        if bands.strip():
            doc["bands"] = _bands(bands)
        ends = [_whole(v, "horizons") for v in (short_end, medium_end, long_end)]
        doc["horizons"] = {"short": [0, ends[0]], "medium": [ends[0], ends[1]],
                           "long": [ends[1], ends[2]]}  # fmt: skip
        doc["cadence"] = {
            "default": _whole(cadence_default, "cadence"),
            "very_high": _whole(cadence_very_high, "cadence"),
            "key_unit": _whole(cadence_key_unit, "cadence"),
        }
        if doc["bands"] == [{"band": b, "min": lo} for b, lo in DEFAULT_BANDS]:
            doc["bands_source"] = "lingtan"
        sv.set_matrix(op.db, op.tenant, doc)
    except ServiceError as exc:
        _, text = _refused(request, op, exc)
        return _matrix_page(request, op, error=text, values=values, status_code=422)
    return _redirect(f"{_base(op)}/matrix?done=matrix")


def _whole(text: str, field: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise sv.refused("invalid", msg("risk.err.matrix_document"), field) from None


def _bands(text: str) -> list[dict[str, Any]]:
    """``very_high:15; high:10; medium:5; low:0`` as the matrix document's bands."""
    out = []
    for part in text.replace("；", ";").split(";"):
        if not part.strip():
            continue
        name, sep, low = part.partition(":")
        if not sep:
            raise sv.refused("invalid", msg("risk.err.matrix_bands"), "bands")
        try:
            out.append({"band": name.strip(), "min": float(low.strip().replace(",", "."))})
        except ValueError:
            raise sv.refused("invalid", msg("risk.err.matrix_bands"), "bands") from None
    return out


# ---- one item -----------------------------------------------------------------------------


def _item_page(
    request: Request,
    op: OrgPage,
    code: str,
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    row = sv.get_item(op.db, op.tenant, code)
    today = datetime.now(UTC).date()
    return org_render(
        request, op, "risk_register_item.html", "risks",
        item=sv.item_dict(row, today), reviews=sv.reviews(op.db, op.tenant, code),
        changes=sv.history(op.db, op.tenant, code), can_edit=op.org.can("edit_data"),
        done=done if done in DONE else "", errors=errors or {}, values=values or {},
        today=today, status_code=status_code,
        **_matrix_view(sv.get_matrix(op.db, op.tenant)), **_catalogue(),
    )  # fmt: skip


@router.get("/o/{org}/risks/{code}", response_class=HTMLResponse)
def risk_item(
    request: Request,
    op: OrgDep,
    code: str,
    done: Done = "",
) -> HTMLResponse:
    """One item: its fields, rating, reviews and audited changes."""
    op.require("read")
    return _item_page(request, op, code[:40], done=done)


@router.post("/o/{org}/risks/{code}", response_model=None)
async def risk_edit(request: Request, op: OrgDep, code: str) -> Response:
    """Change an item; the page again with the reason when refused."""
    op.require("edit_data")
    sv.get_item(op.db, op.tenant, code[:40])  # 404 page before the form is read
    form = await _item_form(request)
    try:
        matrix = sv.get_matrix(op.db, op.tenant)
        row = sv.update_item(op.db, op.tenant, code, _fields(form, matrix, with_code=False))
    except ServiceError as exc:
        field, text = _refused(request, op, exc)
        return _item_page(request, op, code, errors={"edit": text, f"edit.{field}": text},
                          values={"edit": form}, status_code=422)  # fmt: skip
    return _redirect(f"{_base(op)}/{row.code}?done=saved")


@router.post("/o/{org}/risks/{code}/review", response_model=None)
async def risk_review(request: Request, op: OrgDep, code: str) -> Response:
    """Record a review; the page again with the reason when refused."""
    op.require("edit_data")
    sv.get_item(op.db, op.tenant, code[:40])
    data = await request.form()

    def one(name: str, limit: int = 40) -> str:
        value = data.get(name)
        return str(value).strip()[:limit] if isinstance(value, str) else ""

    matrix = sv.get_matrix(op.db, op.tenant)
    values = {
        "likelihood": one("likelihood"),
        "reviewed": one("reviewed"),
        "note": one("note", 2000),
        **{f"c_{d}": one(f"c_{d}") for d in matrix.dimensions},
    }
    try:
        day = sv.check_fields({"last_reviewed": values["reviewed"] or None})["last_reviewed"]
        sv.review_item(
            op.db, op.tenant, code,
            likelihood=sv.check_fields({"likelihood": values["likelihood"] or None})["likelihood"],
            consequences={d: values[f"c_{d}"] for d in matrix.dimensions if values[f"c_{d}"]},
            reviewed=day, note=values["note"] or None,
        )  # fmt: skip
    except ServiceError as exc:
        _, text = _refused(request, op, exc)
        return _item_page(request, op, code, errors={"review": text},
                          values={"review": values}, status_code=422)  # fmt: skip
    return _redirect(f"{_base(op)}/{code}?done=reviewed")


@router.post("/o/{org}/risks/{code}/close", response_model=None)
def risk_close(op: OrgDep, code: str) -> Response:
    """Close the item (kept with its history)."""
    op.require("edit_data")
    sv.close_item(op.db, op.tenant, code[:40])
    return _redirect(f"{_base(op)}/{code}?done=closed")
