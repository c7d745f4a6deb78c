"""Setting up an organisation from the web app (issue 13, decision 0056): legal entities and
sites (the boundary page ``/o/<org>/sites`` and its forms), exchange rates and the
organisation's own factor sets (``/o/<org>/setup``).

Every form is checked by the services (:mod:`lingtan.adapters.services.boundary`,
:mod:`~lingtan.adapters.services.rates`, :mod:`~lingtan.adapters.services.factor_sets`): a refused
change is shown again with the reason beside its field, in the user's language (the
``setup.err.*`` catalogue keys); a change that went through redirects (303) to the list with a
confirmation and, when inventories were calculated before it, a note that they need
recalculating. Reading needs ``read``; changing needs ``edit_data`` (403 page otherwise). Every
POST carries the CSRF token (the pages' router checks it).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.i18n.readers import cause_text
from lingtan.adapters.services import boundary as boundary_svc
from lingtan.adapters.services import own_factors as factor_svc
from lingtan.adapters.services import rates as rates_svc
from lingtan.adapters.services.boundary import SetupError
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.errors import status_page
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.rendering import translator
from lingtan.adapters.web.session import OrgDep, OrgPage

router = APIRouter()

#: a factor-set file sent through the form is at most this large [bytes] (as the API's 20 MB)
MAX_FACTOR_FILE = 20 * 1024 * 1024
#: what the confirmation after a change may say (``setup.done.<key>``)
DONE = frozenset(
    {
        "entity_added", "entity_saved", "entity_removed", "site_added", "site_saved",
        "site_removed", "rate_saved", "rate_removed", "factor_set_saved", "factor_set_removed",
    }
)  # fmt: skip
#: the kinds of site the form offers (free text is allowed: lower-case letters and ``_``)
SITE_KINDS = ("factory", "office", "warehouse", "building", "data_centre", "site")

Text = Annotated[str, Form(max_length=400)]


def _done(op: OrgPage, done: str) -> dict[str, Any]:
    """The confirmation of the change just made and, if inventories were calculated, which
    years need recalculating."""
    if done not in DONE:
        return {"done": "", "recalc": []}
    return {"done": done, "recalc": boundary_svc.calculated_years(op.tenant)}


def _refused(request: Request, op: OrgPage, exc: ServiceError) -> tuple[str, str]:
    """``(field, message in the user's language)`` of a refused change, whose writes are
    rolled back; other errors (403, 404 …) go to the error page."""
    if not isinstance(exc, SetupError):
        raise exc
    op.db.rollback()
    t = translator(request)
    params = dict(exc.params)
    if exc.key == "setup.err.factor_file":  # the factor-file reader's own words (0053)
        params["detail"] = cause_text(exc, t.locale) or params.get("detail", "")
    return exc.field or "form", t(exc.key, **params)


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


# -- the boundary: entities and sites ------------------------------------------------------------


@router.get("/o/{org}/sites", response_class=HTMLResponse)
def sites(
    request: Request, op: OrgDep, done: Annotated[str, Query(max_length=40)] = ""
) -> HTMLResponse:
    """Legal entities (ownership, control) and sites (entity, region) of the boundary, with
    add / edit / remove for editors."""
    return org_render(
        request,
        op,
        "sites.html",
        "sites",
        consolidation=boundary_svc.consolidation(op.db, op.tenant),
        entities=boundary_svc.list_entities(op.db, op.tenant),
        sites=boundary_svc.list_sites(op.db, op.tenant),
        can_edit=op.org.can("edit_data"),
        **_done(op, done),
    )


def _entity_form(
    request: Request,
    op: OrgPage,
    *,
    entity: Any = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    if values is None:
        values = (
            {"code": "", "name": "", "ownership_pct": "100", "operational_control": True,
             "financial_control": True, "parent_code": "", "country": ""}
            if entity is None
            else {"code": entity.code, "name": entity.name,
                  "ownership_pct": f"{entity.ownership_pct:g}",
                  "operational_control": entity.operational_control,
                  "financial_control": entity.financial_control,
                  "parent_code": entity.parent_code or "", "country": entity.country}
        )  # fmt: skip
    others = [
        e
        for e in boundary_svc.list_entities(op.db, op.tenant)
        if entity is None or e.id != entity.id
    ]
    return org_render(
        request, op, "setup_entity.html", "sites", entity=entity, values=values,
        errors=errors or {}, parents=others, status_code=status_code,
    )  # fmt: skip


def _entity_fields(
    name: str, ownership_pct: str, operational_control: str, financial_control: str,
    parent_code: str, country: str,
) -> dict[str, Any]:  # fmt: skip
    """The form's fields as the service takes them (a share that is no number: an error)."""
    text = ownership_pct.strip().rstrip("%").strip().replace(",", ".")
    try:
        pct = float(text)
    except ValueError:
        raise boundary_svc.setup_invalid(
            "setup.err.ownership", "ownership_pct: a number", "ownership_pct"
        ) from None
    return {
        "name": name,
        "ownership_pct": pct,
        "operational_control": operational_control == "on",
        "financial_control": financial_control == "on",
        "parent_code": parent_code.strip() or None,
        "country": country,
    }


@router.get("/o/{org}/setup/entities/new", response_class=HTMLResponse)
def entity_new(request: Request, op: OrgDep) -> HTMLResponse:
    """The form adding a legal entity."""
    op.require("edit_data")
    return _entity_form(request, op)


@router.post("/o/{org}/setup/entities/new", response_model=None)
def entity_create(
    request: Request,
    op: OrgDep,
    code: Text = "",
    name: Text = "",
    ownership_pct: Text = "",
    operational_control: Text = "",
    financial_control: Text = "",
    parent_code: Text = "",
    country: Text = "",
) -> Response:
    """Add a legal entity; the form again with the reason beside the field when refused."""
    op.require("edit_data")
    values = {"code": code, "name": name, "ownership_pct": ownership_pct,
              "operational_control": operational_control == "on",
              "financial_control": financial_control == "on",
              "parent_code": parent_code, "country": country}  # fmt: skip
    try:
        fields = _entity_fields(
            name, ownership_pct, operational_control, financial_control, parent_code, country
        )
        boundary_svc.create_entity(op.db, op.tenant, {"code": code.strip(), **fields})
    except ServiceError as exc:
        field, msg = _refused(request, op, exc)
        return _entity_form(request, op, values=values, errors={field: msg}, status_code=422)
    return _redirect(f"/o/{op.org.slug}/sites?done=entity_added")


@router.get("/o/{org}/setup/entities/{entity_id}", response_class=HTMLResponse)
def entity_edit(request: Request, op: OrgDep, entity_id: int) -> HTMLResponse:
    """The form changing a legal entity."""
    op.require("edit_data")
    return _entity_form(request, op, entity=boundary_svc.get_entity(op.db, op.tenant, entity_id))


@router.post("/o/{org}/setup/entities/{entity_id}", response_model=None)
def entity_update(
    request: Request,
    op: OrgDep,
    entity_id: int,
    name: Text = "",
    ownership_pct: Text = "",
    operational_control: Text = "",
    financial_control: Text = "",
    parent_code: Text = "",
    country: Text = "",
) -> Response:
    """Change a legal entity (its id stays)."""
    op.require("edit_data")
    entity = boundary_svc.get_entity(op.db, op.tenant, entity_id)
    values = {"code": entity.code, "name": name, "ownership_pct": ownership_pct,
              "operational_control": operational_control == "on",
              "financial_control": financial_control == "on",
              "parent_code": parent_code, "country": country}  # fmt: skip
    try:
        fields = _entity_fields(
            name, ownership_pct, operational_control, financial_control, parent_code, country
        )
        boundary_svc.update_entity(op.db, op.tenant, entity_id, fields)
    except ServiceError as exc:
        field, msg = _refused(request, op, exc)
        entity = boundary_svc.get_entity(op.db, op.tenant, entity_id)
        return _entity_form(
            request, op, entity=entity, values=values, errors={field: msg}, status_code=422
        )
    return _redirect(f"/o/{op.org.slug}/sites?done=entity_saved")


@router.post("/o/{org}/setup/entities/{entity_id}/delete", response_model=None)
def entity_delete(request: Request, op: OrgDep, entity_id: int) -> Response:
    """Remove a legal entity (refused, with the reason, while sites or entities depend on it)."""
    op.require("edit_data")
    try:
        boundary_svc.delete_entity(op.db, op.tenant, entity_id)
    except ServiceError as exc:
        _field, msg = _refused(request, op, exc)
        return _sites_with_error(request, op, msg)
    return _redirect(f"/o/{op.org.slug}/sites?done=entity_removed")


def _sites_with_error(request: Request, op: OrgPage, message: str) -> HTMLResponse:
    """The boundary page with why a removal was refused (409)."""
    return org_render(
        request, op, "sites.html", "sites",
        consolidation=boundary_svc.consolidation(op.db, op.tenant),
        entities=boundary_svc.list_entities(op.db, op.tenant),
        sites=boundary_svc.list_sites(op.db, op.tenant),
        can_edit=True, done="", recalc=[], error=message, status_code=409,
    )  # fmt: skip


def _site_form(
    request: Request,
    op: OrgPage,
    *,
    site: Any = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    if values is None:
        values = (
            {"code": "", "name": "", "entity_code": "", "region": "", "kind": "factory"}
            if site is None
            else {"code": site.code, "name": site.name, "entity_code": site.entity_code,
                  "region": site.region, "kind": site.kind}
        )  # fmt: skip
    return org_render(
        request, op, "setup_site.html", "sites", site=site, values=values, errors=errors or {},
        entities=boundary_svc.list_entities(op.db, op.tenant), kinds=SITE_KINDS,
        status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/setup/sites/new", response_class=HTMLResponse)
def site_new(request: Request, op: OrgDep) -> HTMLResponse:
    """The form adding a site."""
    op.require("edit_data")
    return _site_form(request, op)


@router.post("/o/{org}/setup/sites/new", response_model=None)
def site_create(
    request: Request,
    op: OrgDep,
    code: Text = "",
    name: Text = "",
    entity_code: Text = "",
    region: Text = "",
    kind: Text = "site",
) -> Response:
    """Add a site; the form again with the reason beside the field when refused."""
    op.require("edit_data")
    values = {"code": code, "name": name, "entity_code": entity_code, "region": region,
              "kind": kind}  # fmt: skip
    fields = {**values, "code": code.strip()}
    try:
        boundary_svc.create_site(op.db, op.tenant, fields)
    except ServiceError as exc:
        field, msg = _refused(request, op, exc)
        return _site_form(request, op, values=values, errors={field: msg}, status_code=422)
    return _redirect(f"/o/{op.org.slug}/sites?done=site_added")


@router.get("/o/{org}/setup/sites/{site_id}", response_class=HTMLResponse)
def site_edit(request: Request, op: OrgDep, site_id: int) -> HTMLResponse:
    """The form changing a site."""
    op.require("edit_data")
    return _site_form(request, op, site=boundary_svc.get_site(op.db, op.tenant, site_id))


@router.post("/o/{org}/setup/sites/{site_id}", response_model=None)
def site_update(
    request: Request,
    op: OrgDep,
    site_id: int,
    name: Text = "",
    entity_code: Text = "",
    region: Text = "",
    kind: Text = "site",
) -> Response:
    """Change a site (its id stays: imported rows name it)."""
    op.require("edit_data")
    site = boundary_svc.get_site(op.db, op.tenant, site_id)
    values = {"code": site.code, "name": name, "entity_code": entity_code, "region": region,
              "kind": kind}  # fmt: skip
    try:
        boundary_svc.update_site(
            op.db, op.tenant, site_id,
            {"name": name, "entity_code": entity_code, "region": region, "kind": kind},
        )  # fmt: skip
    except ServiceError as exc:
        field, msg = _refused(request, op, exc)
        site = boundary_svc.get_site(op.db, op.tenant, site_id)
        return _site_form(
            request, op, site=site, values=values, errors={field: msg}, status_code=422
        )
    return _redirect(f"/o/{op.org.slug}/sites?done=site_saved")


@router.post("/o/{org}/setup/sites/{site_id}/delete", response_model=None)
def site_delete(request: Request, op: OrgDep, site_id: int) -> Response:
    """Remove a site (refused, naming the import batches, while imported rows name it)."""
    op.require("edit_data")
    try:
        boundary_svc.delete_site(op.db, op.tenant, site_id)
    except ServiceError as exc:
        _field, msg = _refused(request, op, exc)
        return _sites_with_error(request, op, msg)
    return _redirect(f"/o/{op.org.slug}/sites?done=site_removed")


# -- exchange rates and the organisation's own factor sets ---------------------------------------


def _setup_page(
    request: Request,
    op: OrgPage,
    *,
    done: str = "",
    rate_values: dict[str, str] | None = None,
    rate_errors: dict[str, str] | None = None,
    factor_error: str = "",
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    try:
        rates = rates_svc.list_rates(op.tenant)
        rates_error = ""
    except ServiceError as exc:
        rates, rates_error = [], _refused(request, op, exc)[1]
    return org_render(
        request, op, "setup_index.html", "setup",
        rates=rates, rates_error=rates_error,
        factor_sets=factor_svc.list_own_factor_sets(op.db, op.tenant),
        can_edit=op.org.can("edit_data"),
        rate_values=rate_values or {"currency": "", "year": "", "per_usd": "", "source": ""},
        rate_errors=rate_errors or {}, factor_error=factor_error, error=error,
        status_code=status_code, **_done(op, done),
    )  # fmt: skip


@router.get("/o/{org}/setup", response_class=HTMLResponse)
def setup(
    request: Request, op: OrgDep, done: Annotated[str, Query(max_length=40)] = ""
) -> HTMLResponse:
    """Exchange rates and the organisation's own factor sets (with forms for editors), and a
    link to the boundary."""
    return _setup_page(request, op, done=done)


@router.post("/o/{org}/setup/rates", response_model=None)
def rate_set(
    request: Request,
    op: OrgDep,
    currency: Text = "",
    year: Text = "",
    per_usd: Text = "",
    source: Text = "",
) -> Response:
    """Add or replace the exchange rate of a currency in a year."""
    op.require("edit_data")
    values = {"currency": currency, "year": year, "per_usd": per_usd, "source": source}
    try:
        rates_svc.set_rate(
            op.db, op.tenant, currency, year.strip(), per_usd.strip().replace(",", "."), source
        )
    except ServiceError as exc:
        field, msg = _refused(request, op, exc)
        return _setup_page(
            request, op, rate_values=values, rate_errors={field: msg}, status_code=422
        )
    return _redirect(f"/o/{op.org.slug}/setup?done=rate_saved")


@router.post("/o/{org}/setup/rates/delete", response_model=None)
def rate_delete(
    request: Request, op: OrgDep, currency: Text = "", year: Annotated[int, Form()] = 0
) -> Response:
    """Remove an exchange rate (the bundled series applies again)."""
    op.require("edit_data")
    try:
        rates_svc.delete_rate(op.db, op.tenant, currency, year)
    except ServiceError as exc:
        if exc.kind != "not_found":
            raise
        return status_page(request, 404)
    return _redirect(f"/o/{op.org.slug}/setup?done=rate_removed")


@router.post("/o/{org}/setup/factor-sets", response_model=None)
async def factor_set_upload(
    request: Request, op: OrgDep, file: Annotated[UploadFile, File()]
) -> Response:
    """Add or replace one of the organisation's factor sets (a .csv or .yaml factor file)."""
    op.require("edit_data")
    data = await file.read(MAX_FACTOR_FILE + 1)
    if len(data) > MAX_FACTOR_FILE:
        msg = translator(request)("setup.err.factor_file_too_large")
        return _setup_page(request, op, factor_error=msg, status_code=413)
    try:
        await run_in_threadpool(
            factor_svc.upload_own_factor_set, op.db, op.tenant, file.filename or "factors.csv", data
        )
    except ServiceError as exc:
        _field, msg = _refused(request, op, exc)
        return _setup_page(request, op, factor_error=msg, status_code=422)
    return _redirect(f"/o/{op.org.slug}/setup?done=factor_set_saved")


@router.post("/o/{org}/setup/factor-sets/{name}/delete", response_model=None)
def factor_set_delete(request: Request, op: OrgDep, name: str) -> Response:
    """Remove one of the organisation's factor sets."""
    op.require("edit_data")
    try:
        factor_svc.delete_own_factor_set(op.db, op.tenant, name)
    except ServiceError as exc:
        _field, msg = _refused(request, op, exc)
        return _setup_page(request, op, error=msg, status_code=409)
    return _redirect(f"/o/{op.org.slug}/setup?done=factor_set_removed")
