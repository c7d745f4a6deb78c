"""``/orgs/{org}/disclosure/editions…``: build, list, show, compare, publish editions and
download their rendered files; ``/orgs/{org}/disclosure/narratives…`` (issue 19 items 1, 3, 4,
7; decision 0096).

Thin: each route parses, calls :mod:`lingtan.adapters.services.disclosure_editions` (or
``disclosure_narratives``, ``disclosure_render``) and returns a schema. Reading needs ``read``,
building, publishing and editing narratives ``edit_data``; another organisation's edition is a
404."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response, status

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    errors,
    file_content,
    file_response,
)
from lingtan.adapters.api.schemas.common import FiscalYear
from lingtan.adapters.api.schemas.disclosure_editions import (
    EditionBuild,
    EditionBuilt,
    EditionDiff,
    EditionPublic,
    EditionSummary,
    NarrativeField,
    NarrativePublic,
    NarrativeSet,
)
from lingtan.adapters.services import disclosure_editions as sv
from lingtan.adapters.services import disclosure_narratives as nv
from lingtan.modules.disclosure.document import FORMATS, LANGUAGES

router = APIRouter(prefix="/orgs/{org}/disclosure", tags=["disclosure"])

EditionPath = Annotated[
    str, Path(pattern=r"^[0-9a-f]{6,64}$", description="Edition id or a unique prefix (≥ 6 hex)")
]
NarrativeKey = Annotated[
    str, Path(pattern=r"^[a-z][a-z0-9_]{0,39}(\.[a-z][a-z0-9_]{0,39})?$", max_length=81)
]
Lang = Literal["zh-CN", "en"]
Fmt = Literal["pdf", "xlsx", "html"]
MEDIA = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
}


def files_of(org: str, edition_id: str) -> list[dict[str, str]]:
    """The six files of an edition: language, format and the API path that downloads it."""
    return [
        {"lang": lang, "format": fmt,
         "href": f"/api/v1/orgs/{org}/disclosure/editions/{edition_id}/files/{lang}/{fmt}"}
        for lang in LANGUAGES for fmt in FORMATS
    ]  # fmt: skip


def _public(org: str, rec: sv.EditionRecord) -> EditionPublic:
    return EditionPublic.model_validate(
        {**rec.summary(), "document": rec.document, "files": files_of(org, rec.edition_id)}
    )


@router.get("/editions", responses=READ_ERRORS)
def list_editions(
    tenant: Reader, fiscal_year: Annotated[FiscalYear | None, Query()] = None
) -> list[EditionSummary]:
    """The editions, newest first (of one fiscal year)."""
    return [
        EditionSummary.model_validate(r.summary()) for r in sv.list_editions(tenant, fiscal_year)
    ]


#: the same data again: the existing edition, answered 200 (documented beside the 201)
_UNCHANGED: dict[int | str, dict[str, Any]] = {
    200: {"model": EditionBuilt, "description": "The edition of the same data"}
}


@router.post(
    "/editions", status_code=status.HTTP_201_CREATED, responses={**_UNCHANGED, **WRITE_ERRORS}
)
def build_edition(
    body: EditionBuild, db: DbDep, tenant: Editor, response: Response
) -> EditionBuilt:
    """Freeze the fiscal year's edition (201); the same data give the existing edition (200).
    A year with a published edition takes new content only as a restatement naming it
    (``supersedes``) with a ``reason`` (409 / 422 otherwise)."""
    rec = sv.build_edition(tenant, body.fiscal_year, supersedes=body.supersedes,
                           reason=body.reason)  # fmt: skip
    created = rec.created
    if body.publish:
        rec = sv.publish_edition(tenant, rec.edition_id)
    db.commit()
    if not created:
        response.status_code = status.HTTP_200_OK
    return EditionBuilt.model_validate({**rec.summary(), "created": created})


@router.get("/editions/{edition}", responses=READ_ERRORS)
def get_edition(org: str, edition: EditionPath, tenant: Reader) -> EditionPublic:
    """One edition with its frozen document and the links of its files."""
    return _public(org, sv.get_edition(tenant, edition))


@router.get("/editions/{a}/diff/{b}", responses=READ_ERRORS)
def diff_editions(a: EditionPath, b: EditionPath, tenant: Reader) -> EditionDiff:
    """What changed from edition ``a`` to ``b``: inputs, sections, tables and cells."""
    return EditionDiff.model_validate(sv.diff_editions(tenant, a, b))


@router.post("/editions/{edition}/publish", responses=WRITE_ERRORS)
def publish_edition(org: str, edition: EditionPath, db: DbDep, tenant: Editor) -> EditionPublic:
    """Publish an edition; the edition it restates is marked superseded (it stays readable)."""
    rec = sv.publish_edition(tenant, edition)
    db.commit()
    return _public(org, rec)


@router.get(
    "/editions/{edition}/files/{lang}/{fmt}",
    responses={**errors(401, 403, 404, 422), **file_content(*MEDIA.values())},
)
def download(edition: EditionPath, lang: Lang, fmt: Fmt, tenant: Reader) -> Response:
    """One rendered file of an edition (PDF, XLSX or HTML in zh-CN or en)."""
    name, data, media = sv.artefact(tenant, edition, lang, fmt)
    return file_response(name, data, media)


# ---- narratives ---------------------------------------------------------------------------


def _narrative(n: nv.Narrative) -> NarrativePublic:
    return NarrativePublic.model_validate(
        {"key": n.key, "lang": n.lang, "text": n.text, "updated_by": n.updated_by,
         "updated_at": n.updated_at}
    )  # fmt: skip


@router.get("/narratives", responses=READ_ERRORS)
def list_narratives(tenant: Reader) -> list[NarrativePublic]:
    """The stored narratives, by key and language."""
    return [_narrative(n) for n in nv.list_narratives(tenant)]


@router.get("/narratives/fields", responses=READ_ERRORS)
def narrative_fields(tenant: Reader) -> list[NarrativeField]:
    """The narrative fields an organisation may fill (key and label key), in section order."""
    tenant.require("read")
    return [NarrativeField(key=k, label=v) for k, v in nv.narrative_keys()]


@router.put("/narratives/{key}/{lang}", responses=WRITE_ERRORS)
def set_narrative(
    key: NarrativeKey, lang: Lang, body: NarrativeSet, db: DbDep, tenant: Editor
) -> NarrativePublic | None:
    """Set the text of a narrative in one language (audited); an empty text removes it (null)."""
    got = nv.set_narrative(tenant, key, lang, body.text)
    db.commit()
    return None if got is None else _narrative(got)
