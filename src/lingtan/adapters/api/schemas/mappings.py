"""Column mappings of an organisation (``/orgs/{org}/mappings``, decision 0051): a user's own
export (an ERP's column names) read as an import template."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

_NAME = r"^[\w][\w.\-]{0,79}$"


class MappingCreate(BaseModel):
    """A mapping to save (or to preview a file with): the template, file column → template
    column, constants for template columns the file lacks, value translations per column."""

    template: str = Field(max_length=50, examples=["fuel"])
    columns: dict[str, str] = Field(
        default_factory=dict,
        description="file column (as its header writes it) → template column",
        examples=[
            {"Werk": "site", "Buchungsdatum": "date", "Material": "fuel", "Menge": "quantity"}
        ],
    )
    constants: dict[str, str] = Field(
        default_factory=dict,
        description="template column → the value of every row",
        examples=[{"unit": "L"}],
    )
    values: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="template column → {file value → template value} (case-insensitive)",
        examples=[{"fuel": {"DSL": "diesel"}}],
    )
    description: str = Field(default="", max_length=500)


class MappingPublic(MappingCreate):
    """A saved mapping (its name is the file ``mappings/<name>.toml`` of the workspace)."""

    name: str = Field(pattern=_NAME, examples=["sap_mb51"])


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
