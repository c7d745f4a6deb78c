"""Pieces shared by the routers: documented error responses, path parameters, files."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path, Query, UploadFile
from fastapi.responses import Response

from lingtan.adapters.api.errors import ApiError, ErrorResponse

#: PostgreSQL ``integer`` range: larger ids cannot exist
MAX_ID = 2**31 - 1


#: what each error status means, as the OpenAPI document says it (ASVS V13.1: every status a
#: route can give is documented; decision 0038)
ERROR_TEXT = {
    400: "Malformed request",
    401: "Not logged in",
    403: "The role does not allow it (or the CSRF check failed)",
    404: "Not found in this organisation",
    405: "Method not allowed",
    409: "Conflicts with stored data",
    413: "Request body or upload too large",
    415: "Unsupported media type",
    422: "Invalid field",
    429: "Too many requests: retry after the time in Retry-After",
    503: "Busy: retry",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error responses a route can give."""
    return {c: {"model": ErrorResponse, "description": ERROR_TEXT[c]} for c in codes}


#: what any route can answer before it runs: a body that cannot be parsed (400), a body past
#: the size limit (413) and the rate limit (429), both checked first (decision 0037)
GLOBAL_ERRORS = errors(400, 413, 429)
READ_ERRORS = errors(401, 403, 404, 422)
WRITE_ERRORS = errors(401, 403, 404, 409, 422)

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
BatchIdPath = Annotated[
    str, Path(pattern=r"^[0-9a-f]{64}$", description="Batch id: the file's sha256 (hex)")
]
SnapshotIdPath = Annotated[
    str,
    Path(pattern=r"^[0-9a-f]{8,64}$", description="Snapshot id or a unique prefix (≥ 8 hex)"),
]
FiscalYearPath = Annotated[
    str,
    Path(
        pattern=r"^(?:FY|CY|fy|cy)?\d{4}(?:-\d{2}(?:\d{2})?)?$",
        max_length=20,
        description="Fiscal year, '/' written as '-': FY2023-24",
    ),
]


class FigureSelection:
    """Which inventory figure a lineage request is about (query parameters shared by the API's
    ``explain`` and the web app's lineage page): any of scope, category, site, month, gas,
    supplier, product (``unattributed``: the rows without one; decision 0044), and the Scope 2
    basis."""

    def __init__(
        self,
        scope: Annotated[int | None, Query(ge=1, le=3)] = None,
        category: Annotated[int | None, Query(ge=0, le=99)] = None,
        site: Annotated[str | None, Query(max_length=60, pattern=r"^[A-Za-z0-9*._-]+$")] = None,
        month: Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None,
        gas: Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")] = None,
        basis: Literal["market", "location"] = "market",
        supplier: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00-\x1f]+$")] = None,
        product: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00-\x1f]+$")] = None,
    ) -> None:
        self.where: dict[str, Any] = {
            k: v
            for k, v in (
                ("scope", scope), ("category", category), ("site", site), ("month", month),
                ("gas", gas), ("supplier", supplier), ("product", product),
            )
            if v is not None
        }  # fmt: skip
        self.basis = basis

    def selector(self) -> dict[str, Any]:
        """The selector ``services.explain_number`` takes."""
        return {**self.where, "basis": self.basis}


def file_response(name: str, data: bytes, media_type: str) -> Response:
    """A download."""
    return Response(
        content=data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


#: the largest file an upload route reads [bytes]: 20 MiB
MAX_FILE = 20 * 1024 * 1024


def read_upload(file: UploadFile) -> bytes:
    """An uploaded file's bytes (at most :data:`MAX_FILE` read); ApiError 413 ``too_large``
    past it."""
    data = file.file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise ApiError(413, "too_large", "a file is at most 20 MiB")
    return data


def register_file(stem: str, fmt: str, data: bytes) -> Response:
    """A register's download ``<stem>.<fmt>``: CSV (UTF-8) as ``text/csv``, XLSX as
    ``application/octet-stream``."""
    media = "text/csv" if fmt == "csv" else "application/octet-stream"
    return file_response(f"{stem}.{fmt}", data, media)


def file_content(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entry of a file download."""
    return {200: {"content": {m: {} for m in media_types}, "description": "The file"}}
