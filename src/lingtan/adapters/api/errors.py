"""API errors: JSON ``{"error": {"code", "message", "field"}}`` with a stable code.

=================  ======  ==========================================================
code               status  when
=================  ======  ==========================================================
unauthorized       401     no valid session cookie or bearer token
forbidden          403     the role does not allow the action
not_found          404     no such object *in this organisation* (also: another's)
conflict           409     the change contradicts stored data (duplicate, in use)
invalid            422     a field is invalid (``field`` names it)
too_large          413     body above ``LINGTAN_MAX_UPLOAD_MB`` (uploads) or
                           ``LINGTAN_MAX_BODY_KB`` (other routes), refused unread
too_many_requests  429     the client address sent too many requests (``Retry-After``)
bad_request        400     a malformed request (e.g. too many multipart files or fields)
unsupported_med…   415     ``unsupported_media_type``: a body of another ``Content-Type``
                           than the operation declares, or of none, refused unread
workspace_busy     423     another writer holds the workspace lock; retry (``Retry-After``)
workspace_incons…  409     ``workspace_inconsistent``: a batch's files are missing (doctor)
method_not_allowed 405     wrong HTTP method
internal           500     a bug: logged with a reference id, never expected
=================  ======  ==========================================================

No message names a path of the server's file system or shows a stack trace (ASVS 4.0.3
V7.4.1): :func:`~lingtan.adapters.services.redaction.redact_paths` replaces a path under the
data directory by its last part (the file name the user knows), and a 500 says only its
reference id, which the log holds with the details.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from lingtan.adapters.i18n.messages import LANG_COOKIE, Translator, choose_locale
from lingtan.adapters.i18n.validation import validation_message
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.services.redaction import redact_paths
from lingtan.adapters.store.locks import WorkspaceBusyError
from lingtan.adapters.store.scoping import TenancyError
from lingtan.adapters.store.workspace import WorkspaceInconsistentError
from lingtan.core.errors import LingtanError

log = logging.getLogger("lingtan.api")

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    503: "unavailable",
}


class ErrorBody(BaseModel):
    """An error: stable ``code``, human ``message``, the ``field`` concerned (or null)."""

    code: str
    message: str
    field: str | None = None


class ErrorResponse(BaseModel):
    """Every error response of the API."""

    error: ErrorBody


class ApiError(Exception):
    """An error the API itself raises on purpose (authentication, CSRF, request limits), with
    its HTTP status and code; a use case raises
    :class:`~lingtan.adapters.services.errors.ServiceError` instead."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


#: the HTTP status of each kind of service error (services never speak HTTP, decision 0042)
HTTP_STATUS: dict[str, int] = {
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "too_large": 413,
    "invalid": 422,
    "too_many_requests": 429,
}


def http_status(exc: ServiceError | ApiError) -> int:
    """The HTTP status of an error a service (its kind) or the API itself (its status) raised."""
    return exc.status if isinstance(exc, ApiError) else HTTP_STATUS[exc.kind]


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    """The JSON response of an error (a lone surrogate a request smuggled into the message or
    field, e.g. a YAML ``"\\ud800"`` key quoted back, is replaced: JSON must be UTF-8)."""
    message = message.encode("utf-8", "replace").decode("utf-8")
    field = field.encode("utf-8", "replace").decode("utf-8") if field is not None else None
    body = {"error": {"code": code, "message": message, "field": field}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _data_dirs(request: Request) -> list[Path]:
    settings = getattr(request.app.state, "settings", None)
    return [settings.data_dir] if settings is not None else []


def api_translator(request: Request) -> Translator:
    """The language of the API's messages: ``?lang=``, the ``lingtan_lang`` cookie,
    ``Accept-Language`` (decision 0054); English when the client names none (programs)."""
    return Translator(
        choose_locale(
            request.query_params.get("lang"),
            request.cookies.get(LANG_COOKIE),
            request.headers.get("accept-language"),
            default="en",
        )
    )


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the JSON error format."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.field)

    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSONResponse:
        return error_response(http_status(exc), exc.code, exc.message, exc.field)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        message, field = validation_message(exc.errors(), api_translator(request))
        return error_response(422, "invalid", message, field)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        response = error_response(exc.status_code, code, str(exc.detail))
        response.headers.update(exc.headers or {})  # 405's Allow (RFC 9110 §15.5.6, ASVS V13.2.1)
        return response

    @app.exception_handler(TenancyError)
    async def _tenancy(_: Request, exc: TenancyError) -> JSONResponse:
        log.warning("tenancy refused: %s", exc)
        return error_response(404, "not_found", "not found")

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity error: %s", exc.orig)
        return error_response(409, "conflict", "the change conflicts with stored data")

    @app.exception_handler(OperationalError)
    async def _operational(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", exc.orig)
        return error_response(503, "unavailable", "the database is busy; try again")

    @app.exception_handler(WorkspaceBusyError)
    async def _busy(_: Request, __: WorkspaceBusyError) -> JSONResponse:
        msg = "the workspace is busy (another import or calculation is writing); try again"
        res = error_response(423, "workspace_busy", msg)
        res.headers["Retry-After"] = "5"  # decision 0036
        return res

    @app.exception_handler(WorkspaceInconsistentError)
    async def _inconsistent(request: Request, exc: WorkspaceInconsistentError) -> JSONResponse:
        msg = redact_paths(str(exc), _data_dirs(request))
        return error_response(409, "workspace_inconsistent", msg)

    @app.exception_handler(LingtanError)
    async def _lingtan(request: Request, exc: LingtanError) -> JSONResponse:
        return error_response(422, "invalid", redact_paths(str(exc), _data_dirs(request)))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        ref = uuid.uuid4().hex[:12]
        log.error("internal error %s on %s %s", ref, request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal", f"internal error; reference {ref} (logged)")
