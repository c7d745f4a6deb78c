"""Field types shared by the schemas of every area, and the base of answers read from store
rows.

Every text field is bounded and refuses NUL characters and unpaired surrogates (neither
SQLite nor PostgreSQL can store them): invalid input is a 422 naming the field, never a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.store.bootstrap import SLUG_PATTERN


def clean_text(value: str) -> str:
    """``value`` unchanged, or ValueError when it holds a NUL or an unpaired surrogate."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


#: one line of text without control characters (C0, DEL, C1) or the non-characters U+FFFE/FFFF:
#: names end up in YAML and CSV files and page titles (ASVS V5.1.3; the document says so,
#: V13.1: decision 0038)
LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]*$"
#: a line with something besides spaces (a name is stripped, and an empty one refused: the
#: document says so)
NAME_PATTERN = r"^\s*[^\s\x00-\x1f\x7f-\x9f\ufffe\uffff][^\x00-\x1f\x7f-\x9f\ufffe\uffff]*$"
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, strip_whitespace=True, pattern=NAME_PATTERN),
    AfterValidator(clean_text),
]
OptionalName = Annotated[
    str,
    StringConstraints(max_length=200, strip_whitespace=True, pattern=LINE_PATTERN),
    AfterValidator(clean_text),
]
Code = Annotated[
    str, StringConstraints(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Region = Annotated[
    str,
    StringConstraints(min_length=2, max_length=20, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$"),
]
Email = Annotated[
    str,
    StringConstraints(
        min_length=3,
        max_length=254,
        pattern=r"^[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+$",
    ),
    AfterValidator(clean_text),
]
Password = Annotated[
    str, StringConstraints(min_length=8, max_length=200), AfterValidator(clean_text)
]
#: a fiscal year 1990–2100 as :meth:`lingtan.core.periods.FiscalCalendar.parse` reads it: the
#: year it ends (FY2024, CY2024, 2024) or a split year whose two years follow each other
#: (FY2023/24, FY2023-24), so that a schema-valid year is a year (ASVS V13.1: the document
#: states the rule, decision 0038); whether a split year suits the workspace's calendar is the
#: service's check
_SPLIT = "|".join(f"{y}[-/]{(y + 1) % 100:02d}" for y in range(1990, 2100))
FY_PATTERN = rf"^(?:(?:FY|CY|fy|cy)?(?:199\d|20\d\d|2100)|(?:FY|fy)?(?:{_SPLIT}))$"
FiscalYear = Annotated[
    str,
    StringConstraints(pattern=FY_PATTERN, max_length=20),
    Field(description="fiscal year: FY2023/24 (or FY2023-24, or the year it ends: FY2024)"),
]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: a time as RFC 3339 ``date-time`` with its offset (``…Z``): the store keeps naive UTC times,
#: and a time without an offset is not a ``date-time`` (ASVS V13.1: responses match the
#: OpenAPI document; decision 0038)
UtcDateTime = Annotated[datetime, AfterValidator(_utc)]


class FromAttributes(BaseModel):
    """Base of the answers built from store rows (``model_validate(row)`` reads attributes)."""

    model_config = ConfigDict(from_attributes=True)
