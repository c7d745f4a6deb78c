"""Row issues and file errors in the user's language (decision 0053).

Core and the readers explain a rejected row or an unreadable file with a catalogue key and its
parameters (:class:`~lingtan.core.messages.Message`); this module renders them from
``i18n/rows.<locale>.json`` and ``i18n/intake.<locale>.json`` in zh-CN or en, builds the keyed
issues and errors of the adapters (English ``reason`` from the English catalogue), stores
parameters as JSON (the quarantine keeps them), and tells the CLI's language from the
environment (``LINGTAN_LANG``, else ``LC_ALL``/``LANG``: ``zh…`` → zh-CN, else en).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, TypeVar

from lingtan.adapters.i18n.messages import LOCALES, catalogue, normalise
from lingtan.core.errors import InputFileError, RowIssue
from lingtan.core.messages import Message, Param
from lingtan.core.messages import render as _render

E = TypeVar("E", bound=InputFileError)


def render(message: Message, locale: str) -> str:
    """The text of ``message`` in ``locale`` (nested parts and lists too)."""
    texts = catalogue(locale if locale in LOCALES else "en")
    return _render(message, texts.get, texts.get("list.sep", ", "))


def english(message: Message) -> str:
    """The text of ``message`` from the English catalogue (for ``reason`` and logs)."""
    return render(message, "en")


def row_issue(source: str, row: int, field: str, message: Message, value: str = "") -> RowIssue:
    """A keyed row issue of the adapters; its ``reason`` is the English catalogue text."""
    return RowIssue(source, row, field, english(message), value, message.key, message.params)


def file_error(source: str, message: Message, cls: type[E] = InputFileError) -> E:  # type: ignore[assignment]
    """A keyed file error (``cls``: :class:`InputFileError` or a subclass) with the English
    catalogue text as its ``reason``."""
    return cls(source, english(message), message=message)


def issue_reason(issue: RowIssue, locale: str) -> str:
    """The reason of ``issue`` in ``locale``; an issue without a key keeps its own text."""
    return render(Message(issue.key, issue.params), locale) if issue.key else issue.reason


def issue_line(issue: RowIssue, locale: str) -> str:
    """``file, row 3, column 'site': reason (value: 'TJ9')`` in ``locale`` (``str(issue)`` in
    English)."""
    at: dict[str, Param] = {"file": issue.source, "row": issue.row, "column": issue.field}
    where = Message("issue.at_cell" if issue.field else "issue.at_row", at)
    reason = issue_reason(issue, locale)
    if issue.value != "":
        line = Message(
            "issue.line_value", {"where": where, "reason": reason, "value": repr(issue.value)}
        )
    else:
        line = Message("issue.line", {"where": where, "reason": reason})
    return render(line, locale)


def keyed_reason(key: str | None, params: Any, reason: str, locale: str) -> str:
    """A stored reason (quarantined row: key, parameters as stored by :func:`plain_params`,
    English text) in ``locale``; a row without a key keeps its English text."""
    if not key:
        return reason
    return render(Message(key, params_from_plain(params)), locale)


def stored_issue(source: str, q: Any) -> RowIssue:
    """The :class:`RowIssue` of a quarantined row ``q`` (row, field, reason, value,
    message_key, message_params) of file ``source``."""
    key = getattr(q, "message_key", None) or ""
    params = params_from_plain(getattr(q, "message_params", None))
    return RowIssue(source, q.row, q.field, q.reason, q.value, key, params)


def file_error_reason(exc: InputFileError, locale: str) -> str:
    """Why the file of ``exc`` cannot be read, in ``locale`` (without the file name)."""
    return render(exc.message, locale) if exc.message is not None else exc.reason


def file_error_text(exc: InputFileError, locale: str) -> str:
    """``file: reason`` of ``exc`` in ``locale``."""
    return render(
        Message("file.error", {"file": exc.source, "reason": file_error_reason(exc, locale)}),
        locale,
    )


def issue_dict(issue: RowIssue, locale: str) -> dict[str, Any]:
    """An issue as JSON: file, row, column (``field`` too), value, ``reason`` in ``locale``,
    ``key`` and ``params`` (nested messages as ``{"key", "params"}``, lists as arrays)."""
    return {
        "file": issue.source,
        "row": issue.row,
        "column": issue.field,
        "field": issue.field,
        "value": issue.value,
        "reason": issue_reason(issue, locale),
        "key": issue.key or None,
        "params": plain_params(issue.params),
    }


# --------------------------------------------------------------------------------------------
# Parameters as JSON (stored with quarantined rows)
# --------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Message):
        return {"key": value.key, "params": _plain(dict(value.params))}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _param(value: Any) -> Param:
    if isinstance(value, dict) and "key" in value:
        return Message(str(value["key"]), _params(value.get("params") or {}))
    if isinstance(value, list):
        return tuple(_param(v) for v in value)
    if isinstance(value, (str, int, float)):
        return value
    return str(value)


def _params(data: Mapping[str, Any]) -> dict[str, Param]:
    return {str(k): _param(v) for k, v in data.items()}


def plain_params(params: Mapping[str, Param]) -> dict[str, Any]:
    """The parameters of a message as JSON-ready data (nested messages as
    ``{"key", "params"}``, lists as arrays): what the quarantine stores."""
    out: dict[str, Any] = _plain(dict(params))
    return out


def params_from_plain(data: Any) -> dict[str, Param]:
    """Parameters stored by :func:`plain_params` (also as JSON text); ``{}`` for none."""
    if isinstance(data, str):
        try:
            data = json.loads(data) if data else {}
        except ValueError:
            return {}
    return _params(data) if isinstance(data, Mapping) else {}


# --------------------------------------------------------------------------------------------
# The CLI's language
# --------------------------------------------------------------------------------------------


def cli_locale(environ: Mapping[str, str] | None = None) -> str:
    """The language of the command line: ``LINGTAN_LANG`` (``zh``, ``zh-CN``, ``en`` …), else
    ``LC_ALL`` or ``LANG`` starting with ``zh`` → zh-CN, else en."""
    env = os.environ if environ is None else environ
    chosen = normalise(env.get("LINGTAN_LANG"))
    if chosen:
        return chosen
    for name in ("LC_ALL", "LANG"):
        value = (env.get(name) or "").strip()
        if value:
            return "zh-CN" if value.lower().startswith("zh") else "en"
    return "en"
