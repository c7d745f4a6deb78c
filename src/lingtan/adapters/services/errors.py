"""The errors a use case raises on purpose (the application layer's own, decision 0042).

A service never speaks HTTP: it raises a :class:`ServiceError` of one *kind* — the reason, which
every caller understands — with a stable ``code`` (usually the kind; a finer one where a caller
acts on it, e.g. ``otp_required`` or ``deletion_pending``), a human ``message`` and the ``field``
concerned. The API maps the kind to an HTTP status
(:func:`lingtan.adapters.api.errors.http_status`), the web pages to an error page, the CLI
to a message and an exit code (:data:`EXIT_CODES`).

==============  =========================================================  ====  ===
kind            when                                                       HTTP  CLI
==============  =========================================================  ====  ===
unauthorized    the caller is not (or no longer) authenticated              401   4
forbidden       the caller's role does not allow the action                 403   4
not_found       no such object *in this organisation* (also: another's)     404   3
conflict        the change contradicts stored data (duplicate, in use)      409   5
too_large       a file or body above the configured limit                   413   2
invalid         a field or a file is invalid (``field`` names it)           422   2
too_many_re…    ``too_many_requests``: a login throttled (``retry_after``)  429   6
==============  =========================================================  ====  ===
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from lingtan.core.messages import Message

Kind = Literal[
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "too_large",
    "invalid",
    "too_many_requests",
]

#: the CLI's exit code for each kind (1 stays "an error of the input files", LingtanError)
EXIT_CODES: dict[str, int] = {
    "invalid": 2,
    "too_large": 2,
    "not_found": 3,
    "unauthorized": 4,
    "forbidden": 4,
    "conflict": 5,
    "too_many_requests": 6,
}


class ServiceError(Exception):
    """A use case refused on purpose: ``kind`` (the reason), ``code`` (stable, for programs),
    ``message`` (for people) and ``field`` (the input concerned, or None)."""

    def __init__(self, kind: Kind, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.kind: Kind = kind
        self.code = code
        self.message = message
        self.field = field


def not_found(what: str) -> ServiceError:
    """``what`` does not exist in this organisation."""
    return ServiceError("not_found", "not_found", f"{what} not found")


def forbidden(message: str) -> ServiceError:
    """The caller's role does not allow it."""
    return ServiceError("forbidden", "forbidden", message)


def invalid(message: str, field: str | None = None) -> ServiceError:
    """``field`` (or the input) is invalid."""
    return ServiceError("invalid", "invalid", message, field)


def conflict(message: str, field: str | None = None) -> ServiceError:
    """The change contradicts stored data."""
    return ServiceError("conflict", "conflict", message, field)


def unauthorized(message: str, code: str = "unauthorized") -> ServiceError:
    """The caller is not authenticated (or must give a second factor: ``otp_required``)."""
    return ServiceError("unauthorized", code, message)


def too_large(message: str, field: str | None = None) -> ServiceError:
    """A file or body above its configured limit."""
    return ServiceError("too_large", "too_large", message, field)


class KeyedError(ServiceError):
    """A refusal worded from the message catalogue: besides the English ``message`` (API,
    logs) it carries ``key`` (the catalogue key of the reason) and ``params``, so that a page
    or the command line words it in the user's language beside ``field``."""

    def __init__(
        self, kind: Kind, key: str, message: str, field: str | None = None, /, **params: Any
    ) -> None:
        super().__init__(kind, kind, message, field)
        self.key = key
        self.params = params


KeyedT = TypeVar("KeyedT", bound=KeyedError)


def message_text(message: Message, locale: str = "en") -> str:
    """The text of a keyed message in ``locale`` (``i18n/*.<locale>.json``); English for the
    API and logs."""
    from lingtan.adapters.i18n.messages import catalogue
    from lingtan.core.messages import render

    return render(message, catalogue(locale).get, ", ")


def keyed_refusal(
    cls: type[KeyedT], kind: Kind, message: Message, field: str | None = None
) -> KeyedT:
    """A ``cls`` refusal of ``kind`` for a keyed ``message`` (English text from the catalogue;
    the plain parameters kept)."""
    params = {k: v for k, v in message.params.items() if isinstance(v, str | int | float)}
    return cls(kind, message.key, message_text(message), field, **params)
