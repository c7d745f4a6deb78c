"""API errors: JSON ``{"error": {"code", "message", "field"}}`` with a stable code.

=================  ======  ==========================================================
code               status  when
=================  ======  ==========================================================
unauthorized       401     no valid session cookie or bearer token
forbidden          403     the role does not allow the action
not_found          404     no such object *in this organisation* (also: another's)
conflict           409     the change contradicts stored data (duplicate, in use)
invalid            422     a field is invalid (``field`` names it)
too_large          413     upload above ``LINGTAN_MAX_UPLOAD_MB``
method_not_allowed 405     wrong HTTP method
internal           500     a bug: reported, never expected
=================  ======  ==========================================================
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from lingtan.adapters.store.scoping import TenancyError
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
    """An error a service raises on purpose, with its HTTP status and code."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def not_found(what: str) -> ApiError:
    """404: ``what`` does not exist in this organisation."""
    return ApiError(404, "not_found", f"{what} not found")


def forbidden(message: str) -> ApiError:
    """403: the role does not allow it."""
    return ApiError(403, "forbidden", message)


def invalid(message: str, field: str | None = None) -> ApiError:
    """422: ``field`` is invalid."""
    return ApiError(422, "invalid", message, field)


def conflict(message: str, field: str | None = None) -> ApiError:
    """409: contradicts stored data."""
    return ApiError(409, "conflict", message, field)


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    """The JSON response of an error."""
    body = {"error": {"code": code, "message": message, "field": field}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _field(loc: Any) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie", "form")]
    return ".".join(parts) or None


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the JSON error format."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.field)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        field = _field(first.get("loc", ()))
        msg = str(first.get("msg", "invalid"))
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = f"{where}: {msg}" if where else msg
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more)"
        return error_response(422, "invalid", message, field)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail))

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

    @app.exception_handler(LingtanError)
    async def _lingtan(_: Request, exc: LingtanError) -> JSONResponse:
        return error_response(422, "invalid", str(exc))

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error", exc_info=exc)
        return error_response(500, "internal", "internal error; it has been logged")
