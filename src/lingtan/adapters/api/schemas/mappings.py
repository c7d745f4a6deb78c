"""Column mappings of an organisation (``/orgs/{org}/mappings``, decision 0051): a user's own
export (an ERP's column names) read as an import template.

The body's shape is exact (decision 0048: unknown fields refused, the template one of the
catalogue's, names and texts bounded); whether the columns fit the template — each known, given
once, every required one mapped or a constant — is checked by the service (422 naming them)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

_NAME = r"^[\w][\w.\-]{0,79}$"

#: the import templates (``lingtan.core.templates.catalogue.TEMPLATES``; a test keeps them equal)
TemplateName = Literal[
    "fuel", "vehicle_distance", "refrigerant", "direct_gas", "electricity", "energy",
    "instrument", "spend", "activity", "transport", "business_travel", "hotel", "commuting",
    "waste", "use_phase", "end_of_life", "investment", "disclosed",
]  # fmt: skip
#: a file's column as its header writes it
FileColumn = Annotated[str, StringConstraints(min_length=1, max_length=200)]
#: a template's column (``site``, ``quantity`` …)
TemplateColumn = Annotated[
    str, StringConstraints(min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_]*$")
]
#: a column name given as a key: checked against the template by the service
ColumnKey = Annotated[str, StringConstraints(min_length=1, max_length=50)]
#: a cell's text (a constant, a value and its translation)
CellText = Annotated[str, StringConstraints(max_length=200)]


def _unicode(value: Any) -> None:
    """ValueError when a text anywhere in ``value`` holds an unpaired surrogate (not Unicode
    text: it cannot be written to the mapping's UTF-8 file)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("must be valid Unicode text") from exc
    elif isinstance(value, dict):
        for k, v in value.items():
            _unicode(k)
            _unicode(v)


class MappingCreate(BaseModel):
    """A mapping to save (or to preview a file with): the template, file column → template
    column, constants for template columns the file lacks, value translations per column."""

    model_config = ConfigDict(extra="forbid")

    template: TemplateName = Field(examples=["fuel"])
    columns: dict[FileColumn, TemplateColumn] = Field(
        default_factory=dict,
        max_length=200,
        description="file column (as its header writes it) → template column",
        examples=[
            {"Werk": "site", "Buchungsdatum": "date", "Material": "fuel", "Menge": "quantity"}
        ],
    )
    constants: dict[ColumnKey, CellText] = Field(
        default_factory=dict,
        max_length=100,
        description="template column → the value of every row",
        examples=[{"unit": "L"}],
    )
    values: dict[ColumnKey, dict[CellText, CellText]] = Field(
        default_factory=dict,
        max_length=100,
        description="template column → {file value → template value} (case-insensitive)",
        examples=[{"fuel": {"DSL": "diesel"}}],
    )
    description: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _text(self) -> MappingCreate:
        for part in (self.columns, self.constants, self.values, self.description):
            _unicode(part)
        return self


class MappingPublic(BaseModel):
    """A saved mapping (its name is the file ``mappings/<name>.toml`` of the workspace), as
    :class:`MappingCreate` describes it (a file written by hand may hold longer texts)."""

    name: str = Field(pattern=_NAME, examples=["sap_mb51"])
    template: str = Field(examples=["fuel"])
    columns: dict[str, str] = Field(description="file column → template column")
    constants: dict[str, str] = Field(description="template column → the value of every row")
    values: dict[str, dict[str, str]] = Field(
        description="template column → {file value → template value} (case-insensitive)"
    )
    description: str = ""


class PreviewRowPublic(BaseModel):
    """One of the file's first rows and what it becomes."""

    row: int = Field(description="spreadsheet row number")
    cells: list[str]
    activities: list[dict[str, Any]] = Field(
        description="what the row becomes (activity type, quantity, unit, site, date …)"
    )
    issues: list[dict[str, Any]] = Field(
        description="why it is rejected: {row, column, reason, value} (column: the file's)"
    )


class MappingPreviewPublic(BaseModel):
    """What importing a file through a mapping would give (nothing stored)."""

    header: list[str]
    header_row: int
    encoding: str | None
    delimiter: str | None
    rows: list[PreviewRowPublic]
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    error: str | None = Field(description="why the file cannot be read through it at all")
