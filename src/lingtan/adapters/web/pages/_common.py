"""Helpers shared by the page modules."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from fastapi import Request, UploadFile
from fastapi.responses import HTMLResponse

from lingtan.adapters.services.errors import KeyedError, ServiceError
from lingtan.adapters.services.register_files import KeyedFileError, cell_error_lines
from lingtan.adapters.web.rendering import render, translator
from lingtan.adapters.web.session import OrgPage

#: the largest register file a page takes [bytes] (as the API's register routes)
MAX_FILE = 20 * 1024 * 1024


def upload_bytes(file: UploadFile, limit: int = MAX_FILE) -> bytes:
    """The bytes of an uploaded file; ``ServiceError`` ``too_large`` past ``limit`` [bytes],
    never a file cut short."""
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise ServiceError("too_large", "too_large", f"a file is at most {limit // 2**20} MiB")
    return data


def org_render(
    request: Request, op: OrgPage, template: str, active: str, **context: Any
) -> HTMLResponse:
    """Render an organisation page with the user, organisation and navigation filled in."""
    return render(
        request, template, user=op.user, org=op.org, orgs=op.orgs, active=active, **context
    )


def fy_slug(label: str) -> str:
    """A fiscal-year label as a URL path segment: ``FY2023/24`` → ``FY2023-24``."""
    return label.replace("/", "-")


def fy_label(slug: str) -> str:
    """Inverse of :func:`fy_slug` for split years: ``FY2023-24`` → ``FY2023/24``."""
    head, sep, tail = slug.rpartition("-")
    return f"{head}/{tail}" if sep and head and len(tail) == 2 and tail.isdigit() else slug


def refused_change(
    request: Request,
    op: OrgPage,
    exc: ServiceError,
    error: type[KeyedError],
    *,
    kinds: Collection[str] | None = None,
    file_lines: Callable[[Any, str], list[str]] | None = None,
) -> tuple[str, str]:
    """``(field or "form", message in the user's language)`` of a refused change of a register
    whose refusals are ``error`` (of one of ``kinds`` when given); its writes are rolled back.
    A refused import file (:class:`KeyedFileError`) gives the reason then each wrong cell, or
    ``file_lines(exc, locale)`` when given. Other errors (403, 404 …) are raised again for the
    error page."""
    if not isinstance(exc, error) or (kinds is not None and exc.kind not in kinds):
        raise exc
    op.db.rollback()
    t = translator(request)
    text = t(exc.key, **exc.params)
    if isinstance(exc, KeyedFileError):
        if file_lines is not None:
            text = "\n".join(file_lines(exc, t.locale))
        else:
            text = "\n".join([text, *cell_error_lines(exc.errors, exc.row_error_key, t.locale)])
    return exc.field or "form", text
