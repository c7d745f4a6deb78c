"""Validation errors (pydantic, FastAPI ``RequestValidationError``) in the reader's language.

pydantic describes each error by a stable ``type`` (``missing``, ``int_parsing``,
``greater_than_equal`` …) and its ``ctx`` (``{"ge": 0}``); its ``msg`` is English only. The
catalogue has one message per type (``validation.<type>`` in ``locale.<locale>.json``) with the
``ctx`` values as parameters; a type without a message falls back to ``validation.invalid``
(never to pydantic's English on a Chinese page). Decision 0054.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lingtan.adapters.i18n.messages import Translator

#: ``loc`` parts that name where a value came from, not the field itself
SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form"})
#: pydantic's aliases of the same kind of error (one message each)
ALIASES = {
    "int_type": "int_parsing",
    "int_from_float": "int_parsing",
    "float_type": "float_parsing",
    "bool_type": "bool_parsing",
    "date_type": "date_parsing",
    "date_from_datetime_parsing": "date_parsing",
    "datetime_type": "datetime_parsing",
    "datetime_from_date_parsing": "datetime_parsing",
    "too_short": "string_too_short",
    "too_long": "string_too_long",
    "dict_type": "model_type",
    "model_attributes_type": "model_type",
    "list_type": "model_type",
    "missing_argument": "missing",
}


def field_name(loc: Iterable[Any]) -> str | None:
    """``("body", "items", 0, "name")`` → ``"items.0.name"``; None for the request as a whole."""
    parts = [str(p) for p in loc if p not in SOURCES]
    return ".".join(parts) or None


def _params(ctx: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``ctx`` of an error as message parameters (values as text; lists joined)."""
    out: dict[str, Any] = {}
    for k, v in (ctx or {}).items():
        if isinstance(v, list | tuple):
            out[k] = ", ".join(map(str, v))
        elif isinstance(v, float) and v.is_integer():
            out[k] = str(int(v))  # ge=0 on a float field: "0", not "0.0"
        else:
            out[k] = str(v)
    return out


def error_text(error: Mapping[str, Any], t: Translator) -> str:
    """The text of one pydantic error in ``t``'s language, without its field."""
    kind = str(error.get("type", "invalid"))
    key = f"validation.{ALIASES.get(kind, kind)}"
    if not t.has(key):
        key = "validation.invalid"
    try:
        return t(key, **_params(error.get("ctx")))
    except (KeyError, IndexError, ValueError):  # a ctx without the parameter the text names
        return t("validation.invalid")


def validation_message(
    errors: Iterable[Mapping[str, Any]], t: Translator
) -> tuple[str, str | None]:
    """``(message, field)`` of a list of validation errors: the first, with its field, and how
    many more there are (``"quantity: must be ≥ 0 (and 2 more)"``)."""
    errs = list(errors)
    if not errs:
        return t("validation.invalid"), None
    first = errs[0]
    field = field_name(first.get("loc", ()))
    text = error_text(first, t)
    message = t("validation.where", field=field, message=text) if field else text
    if len(errs) > 1:
        message += t("validation.more", n=len(errs) - 1)
    return message, field
