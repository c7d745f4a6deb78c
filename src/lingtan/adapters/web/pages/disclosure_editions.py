"""The web app's disclosure editions and narratives (issue 19 items 1, 3, 7; decision 0096):

- ``/o/<org>/disclosure``: the editions (newest first, their state and what they restate) and
  the build form (fiscal year; a restatement names the published edition and says why);
- ``/o/<org>/disclosure/editions/<id>``: one edition — its state, pinned inputs, sections as
  the renderers print them (:func:`~lingtan.adapters.services.disclosure_editions.edition_view`),
  the links of its six files, the publish button of a draft;
- ``/o/<org>/disclosure/diff?a=…&b=…``: what changed between two editions, down to the cell;
- ``/o/<org>/disclosure/narratives``: the narrative fields per section, a text per language.

Every change goes through the services: a refusal is shown again with its reason in the
user's language (``disc_ed.err.*``); a change that went through redirects (303). Reading needs
``read``; building, publishing and editing narratives ``edit_data``. Every POST carries the
CSRF token (the pages' router checks it).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import disclosure_editions as sv
from lingtan.adapters.services import disclosure_narratives as nv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.rendering import translator
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.modules.disclosure.document import FORMATS, LANGUAGES

router = APIRouter()

#: what the confirmation after a change may say (``disc_ed.done.<key>``)
DONE = frozenset({"built", "unchanged", "published", "saved"})
Line = Annotated[str, Form(max_length=200)]
EditionRef = Annotated[str, Query(max_length=64, pattern=r"^[0-9a-f]*$")]


def _refused(
    request: Request,
    exc: ServiceError,
    kinds: tuple[str, ...] = ("invalid", "conflict", "not_found"),
) -> str:
    """The reason of a refused change in the user's language; other errors (403 …) go to the
    error page. Nothing to roll back: the services check everything before they write."""
    if not isinstance(exc, sv.DisclosureEditionsError) or exc.kind not in kinds:
        raise exc
    return translator(request)(exc.key, **exc.params)


def _years(op: OrgPage, editions: list[dict[str, Any]]) -> list[str]:
    """The fiscal years with an inventory or an edition, newest first."""
    years = {s.fiscal_year for s in op.tenant.workspace().snapshots()}
    years |= {e["fiscal_year"] for e in editions}
    return sorted(years, reverse=True)


def _list_page(
    request: Request,
    op: OrgPage,
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    editions = [r.summary() for r in sv.list_editions(op.tenant)]
    return org_render(
        request, op, "disclosure_editions.html", "disclosure",
        editions=editions, years=_years(op, editions), can_edit=op.org.can("edit_data"),
        done=done if done in DONE else "", errors=errors or {}, values=values or {},
        status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/disclosure", response_class=HTMLResponse)
def editions_page(
    request: Request, op: OrgDep, done: Annotated[str, Query(max_length=40)] = ""
) -> HTMLResponse:
    """The editions and the build form."""
    op.require("read")
    return _list_page(request, op, done=done)


@router.post("/o/{org}/disclosure/editions", response_model=None)
def build(
    request: Request,
    op: OrgDep,
    fiscal_year: Line = "",
    supersedes: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    publish: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Build (freeze) an edition; its page, or the list again with the reason when refused."""
    op.require("edit_data")
    values = {"fiscal_year": fiscal_year, "supersedes": supersedes, "reason": reason}
    try:
        rec = sv.build_edition(op.tenant, fiscal_year, supersedes=supersedes.strip() or None,
                               reason=reason.strip() or None)  # fmt: skip
        created = rec.created
        if publish:
            rec = sv.publish_edition(op.tenant, rec.edition_id)
    except ServiceError as exc:
        text = _refused(request, exc)
        return _list_page(request, op, errors={"build": text, "field": exc.field or ""},
                          values=values,
                          status_code=409 if exc.kind == "conflict" else 422)  # fmt: skip
    op.db.commit()
    done = "published" if publish else "built" if created else "unchanged"
    return RedirectResponse(
        f"/o/{op.org.slug}/disclosure/editions/{rec.edition_id}?done={done}", status_code=303
    )


def _files(org: str, edition_id: str) -> list[dict[str, str]]:
    return [
        {"lang": lang, "format": fmt,
         "href": f"/o/{org}/disclosure/editions/{edition_id}/files/{lang}/{fmt}"}
        for lang in LANGUAGES for fmt in FORMATS
    ]  # fmt: skip


@router.get("/o/{org}/disclosure/editions/{edition}", response_class=HTMLResponse)
def edition_page(
    request: Request, op: OrgDep, edition: str, done: Annotated[str, Query(max_length=40)] = ""
) -> HTMLResponse:
    """One edition: state, inputs, sections as printed, file links, publish button."""
    op.require("read")
    rec = sv.get_edition(op.tenant, edition[:64])
    return _edition(request, op, rec, done=done if done in DONE else "")


def _edition(
    request: Request,
    op: OrgPage,
    rec: sv.EditionRecord,
    *,
    done: str = "",
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    """An edition's page: its HTML body as the HTML file prints it (else its sections)."""
    assert rec.document is not None
    lang = translator(request).locale
    body = sv.edition_html(rec.document, lang)
    return org_render(
        request, op, "disclosure_edition.html", "disclosure",
        edition=rec.summary(), document=rec.document, body=body,
        sections=[] if body else sv.edition_view(rec.document, lang),
        files=_files(op.org.slug, rec.edition_id), can_edit=op.org.can("edit_data"),
        done=done, error=error, status_code=status_code,
    )  # fmt: skip


@router.post("/o/{org}/disclosure/editions/{edition}/publish", response_model=None)
def publish(request: Request, op: OrgDep, edition: str) -> Response:
    """Publish an edition; its page, or its page with the reason when refused."""
    op.require("edit_data")
    try:
        rec = sv.publish_edition(op.tenant, edition[:64])
    except ServiceError as exc:
        text = _refused(request, exc, ("conflict", "invalid"))
        got = sv.get_edition(op.tenant, edition[:64])
        return _edition(request, op, got, error=text, status_code=409)
    op.db.commit()
    return RedirectResponse(
        f"/o/{op.org.slug}/disclosure/editions/{rec.edition_id}?done=published", status_code=303
    )


@router.get("/o/{org}/disclosure/editions/{edition}/files/{lang}/{fmt}", response_model=None)
def download(op: OrgDep, edition: str, lang: str, fmt: str) -> Response:
    """One rendered file of an edition."""
    op.require("read")
    name, data, media = sv.artefact(op.tenant, edition[:64], lang[:10], fmt[:10])
    return Response(
        content=data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/o/{org}/disclosure/diff", response_class=HTMLResponse)
def diff_page(request: Request, op: OrgDep, a: EditionRef = "", b: EditionRef = "") -> HTMLResponse:
    """Two editions compared (the form to choose them; the changes once both are chosen)."""
    op.require("read")
    t = translator(request)
    editions = [r.summary() for r in sv.list_editions(op.tenant)]
    diff = sv.diff_view(sv.diff_editions(op.tenant, a, b), t.locale) if a and b else None
    return org_render(
        request, op, "disclosure_diff.html", "disclosure",
        editions=editions, a=a, b=b, diff=diff,
    )  # fmt: skip


# ---- narratives ---------------------------------------------------------------------------


def _narratives_page(
    request: Request,
    op: OrgPage,
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    stored = {(n.key, n.lang): n for n in nv.list_narratives(op.tenant)}
    fields = []
    for key, label in nv.narrative_keys():
        texts = {
            lang: (values or {}).get(key, {}).get(lang, stored[(key, lang)].text
                                                  if (key, lang) in stored else "")
            for lang in LANGUAGES
        }  # fmt: skip
        who = [stored[(key, lang)] for lang in LANGUAGES if (key, lang) in stored]
        latest = max(who, key=lambda n: n.updated_at) if who else None
        fields.append({"key": key, "label": label, "texts": texts, "updated": latest})
    return org_render(
        request, op, "disclosure_narratives.html", "disclosure",
        fields=fields, languages=LANGUAGES, can_edit=op.org.can("edit_data"),
        done=done if done in DONE else "", errors=errors or {}, status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/disclosure/narratives", response_class=HTMLResponse)
def narratives_page(
    request: Request, op: OrgDep, done: Annotated[str, Query(max_length=40)] = ""
) -> HTMLResponse:
    """The narrative fields of every section, a text per language."""
    op.require("read")
    return _narratives_page(request, op, done=done)


@router.post("/o/{org}/disclosure/narratives", response_model=None)
def narratives_save(
    request: Request,
    op: OrgDep,
    key: Annotated[str, Form(max_length=81)] = "",
    text_zh: Annotated[str, Form(alias="text_zh-CN", max_length=20_000)] = "",
    text_en: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Save one field's texts (both languages; an empty text removes it)."""
    op.require("edit_data")
    try:
        nv.set_narratives(op.tenant, key, {"zh-CN": text_zh, "en": text_en})
    except ServiceError as exc:
        text = _refused(request, exc, ("invalid",))
        return _narratives_page(request, op, errors={key: text},
                                values={key: {"zh-CN": text_zh, "en": text_en}},
                                status_code=422)  # fmt: skip
    op.db.commit()
    anchor = key.replace(".", "-")
    return RedirectResponse(
        f"/o/{op.org.slug}/disclosure/narratives?done=saved#n-{anchor}", status_code=303
    )
