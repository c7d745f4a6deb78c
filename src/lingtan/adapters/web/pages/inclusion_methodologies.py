"""``/o/<org>/inclusion/methodologies`` in the web app: the methodology packs and the simulation
of an action (admin; issue 18 item 2, decision 0087).

- ``/o/<org>/inclusion/methodologies``: every pack with its label (official, lingtan
  conservative, illustrative), weakest confidence, region, validity and actions; a form to load
  an own pack version (YAML) and the simulate form, whose result shows the arithmetic;
- ``/o/<org>/inclusion/methodologies/<pack>?version=…``: one pack's parameters with their
  citations, derivations and regional values, its eligibility and double-counting note.

A refused load or simulation is shown again with the reason in the user's language
(``incl_meth.err.*``). Reading and simulating need ``read``; loading ``edit_data``. Every POST
carries the CSRF token (the pages' router checks it).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import inclusion_methodologies as sv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import org_render, refused_change, upload_bytes
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.modules.inclusion.actions import ACTIONS

router = APIRouter()

BASE = "/o/{slug}/inclusion/methodologies"
Text = Annotated[str, Form(max_length=300)]
PackPath = Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._\-]+$")]
#: the simulate form's fields
SIM_FIELDS = ("action", "quantity", "region", "occurred_at", "distance_km", "duration_min",
              "product", "mean_7d_kwh", "reference_kg")  # fmt: skip


def _refused(request: Request, op: OrgPage, exc: ServiceError) -> str:
    text = refused_change(request, op, exc, sv.InclusionMethodologyError)[1]
    if isinstance(exc, sv.InclusionMethodologyError) and "file" in exc.params:
        return f"{exc.params['file']}: {text}"
    return text


def _page(request: Request, op: OrgPage, *, errors: dict[str, str] | None = None,
          values: dict[str, str] | None = None, result: dict[str, Any] | None = None,
          done: str = "", status_code: int = 200) -> HTMLResponse:  # fmt: skip
    packs = [sv.pack_dict(e, full=False) for e in sv.list_packs(op.db, op.tenant)]
    return org_render(
        request, op, "inclusion_methodologies.html", "inclusion", sub="methodologies",
        packs=packs, actions=sorted(ACTIONS), can_edit=op.org.can("edit_data"),
        errors=errors or {}, values=values or {}, result=result, done=done,
        status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/inclusion/methodologies", response_class=HTMLResponse)
def methodologies_page(
    request: Request, op: OrgDep, done: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    """The packs, the load form and the simulate form."""
    op.require("read")
    return _page(request, op, done=done)


@router.get("/o/{org}/inclusion/methodologies/{pack}", response_class=HTMLResponse)
def pack_page(
    request: Request, op: OrgDep, pack: PackPath,
    version: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:  # fmt: skip
    """One pack: parameters with citations, eligibility, double counting."""
    op.require("read")
    entry = sv.get_pack(op.db, op.tenant, pack, version or None)
    return org_render(request, op, "inclusion_methodology.html", "inclusion",
                      sub="methodologies", pack=sv.pack_dict(entry))  # fmt: skip


@router.post("/o/{org}/inclusion/methodologies/load", response_model=None)
def load(request: Request, op: OrgDep, file: Annotated[UploadFile, File()]) -> Response:
    """Load an own pack version (YAML); the page again with the reason when refused."""
    op.require("edit_data")
    try:
        entry = sv.load_pack(op.db, op.tenant, upload_bytes(file, sv.MAX_FILE_BYTES),
                             file.filename or "pack.yaml")  # fmt: skip
    except ServiceError as exc:
        return _page(request, op, errors={"load": _refused(request, op, exc)}, status_code=422)
    url = BASE.format(slug=op.org.slug) + f"/{entry.pack.id}?version={entry.pack.version}"
    return RedirectResponse(url, status_code=303)


@router.post("/o/{org}/inclusion/methodologies/simulate", response_model=None)
def simulate(
    request: Request, op: OrgDep, action: Text = "", quantity: Text = "", region: Text = "CN",
    occurred_at: Text = "", distance_km: Text = "", duration_min: Text = "",
    product: Text = "", mean_7d_kwh: Text = "", reference_kg: Text = "",
) -> Response:  # fmt: skip
    """Quantify one action for a region (nothing stored) and show the arithmetic."""
    op.require("read")
    values = {"action": action, "quantity": quantity, "region": region,
              "occurred_at": occurred_at, "distance_km": distance_km,
              "duration_min": duration_min, "product": product, "mean_7d_kwh": mean_7d_kwh,
              "reference_kg": reference_kg}  # fmt: skip
    fields: dict[str, Any] = {k: v.strip() for k, v in values.items() if v.strip()}
    fields["context"] = {k: fields.pop(k) for k in ("mean_7d_kwh", "reference_kg") if k in fields}
    try:
        event = sv.action_input(fields)
        reduction = sv.simulate(op.db, op.tenant, region.strip() or "CN", event)
    except ServiceError as exc:
        return _page(request, op, errors={"simulate": _refused(request, op, exc)},
                     values=values, status_code=422)  # fmt: skip
    return _page(request, op, values=values, result=sv.reduction_dict(reduction))
