"""One base exception with specific subclasses (as bw2calc does).

Every error that concerns user input names where it happened: the file, the row (1-based, as a
spreadsheet shows it, header = row 1), the field and the reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from lingtan.core.messages import Message, Param


class LingtanError(Exception):
    """Base class of every error lingtan raises on purpose."""


class MessageError(LingtanError):
    """A module's error worded from the message catalogue: ``message`` (its English text is the
    exception's text) and the ``field`` it concerns, so that the service layer turns it into a
    keyed refusal shown in the user's language (decision 0053)."""

    def __init__(self, message: Message, field: str | None = None) -> None:
        super().__init__(message.english())
        self.message = message
        self.field = field


class UnitError(LingtanError):
    """A unit is unknown, or two units that must be compatible are not."""


class FactorError(LingtanError):
    """A factor definition is invalid (undated, unsourced, unknown unit or gas …).

    ``message`` is the same explanation keyed for the catalogue (decision 0053, readers
    addendum), None for an error raised with English text only."""

    def __init__(self, text: str = "", *, message: Message | None = None) -> None:
        super().__init__(text if text or message is None else message.english())
        self.message = message

    @classmethod
    def of(cls, message: Message) -> FactorError:
        """A factor error explained by a keyed ``message`` of core (English from
        :data:`~lingtan.core.messages.ENGLISH`)."""
        return cls(message.english(), message=message)


class ResolutionError(LingtanError):
    """No factor could be resolved for an activity, even after every fallback."""


class BoundaryError(LingtanError):
    """The organisational boundary is inconsistent (unknown entity, ownership out of range …)."""


class PeriodError(LingtanError):
    """A fiscal-year label or a date range cannot be understood."""


class MethodError(LingtanError):
    """A calculation method received inputs it cannot use."""


class WorkspaceError(LingtanError):
    """The workspace folder is missing, not initialised, or inconsistent."""


@dataclass(frozen=True)
class RowIssue:
    """One problem found in one input row.

    Attributes:
        source: file name (or other origin) of the row.
        row: 1-based row number as a spreadsheet shows it (header is row 1).
        field: column name the problem is in ("" when it concerns the whole row).
        reason: the explanation in English (logs, ``str(issue)``, callers without a language).
        value: the offending raw value, as text.
        key: the catalogue key of the explanation (``row.site_unknown.close``; "" for an issue
            made before keys existed, e.g. read back from an old report): the adapters render
            it in the user's language from ``i18n/rows.<locale>.json`` (decision 0053).
        params: the parameters of ``key`` (:data:`~lingtan.core.messages.Param` values).
    """

    source: str
    row: int
    field: str
    reason: str
    value: str = ""
    key: str = ""
    params: Mapping[str, Param] = dataclasses.field(default_factory=dict, hash=False)

    @classmethod
    def of(cls, source: str, row: int, field: str, message: Message, value: str = "") -> RowIssue:
        """An issue explained by a keyed ``message`` of core (English from
        :data:`~lingtan.core.messages.ENGLISH`)."""
        return cls(source, row, field, message.english(), value, message.key, message.params)

    @property
    def message(self) -> Message | None:
        """The keyed explanation, None for an issue without a key."""
        return Message(self.key, self.params) if self.key else None

    def __str__(self) -> str:
        where = f"{self.source}, row {self.row}"
        if self.field:
            where += f", column '{self.field}'"
        shown = f" (value: {self.value!r})" if self.value != "" else ""
        return f"{where}: {self.reason}{shown}"


class InputFileError(LingtanError):
    """A whole input file cannot be read (missing, wrong format, no header …).

    Nothing from such a file is imported.
    """

    def __init__(self, source: str, reason: str, *, message: Message | None = None) -> None:
        """``reason`` is English (logs, ``str(exc)``); ``message`` the same explanation keyed for
        the catalogue (decision 0053), None for a reason that has no key."""
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        self.message = message

    @classmethod
    def of(cls, source: str, message: Message) -> InputFileError:
        """A file error explained by a keyed ``message`` of core (English from
        :data:`~lingtan.core.messages.ENGLISH`)."""
        return cls(source, message.english(), message=message)
