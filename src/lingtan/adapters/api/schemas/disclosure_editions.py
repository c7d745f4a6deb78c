"""Disclosure editions and narratives (``/orgs/{org}/disclosure/…``; issue 19 items 1, 3, 7;
decision 0096).

An edition's document is the frozen
:class:`~lingtan.modules.disclosure.document.EditionDocument` (JSON: sections of tables of
cells, charts, paragraphs, facts, narratives, pinned inputs) returned as it is stored, so that
its canonical SHA-256 is the edition's id. Whether a fiscal year suits the workspace's calendar,
a narrative key names a field and a restatement names the published edition are the service's
checks (422 / 409 naming the field)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.api.schemas.common import LINE_PATTERN, FiscalYear, UtcDateTime, clean_text

EditionRef = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{6,64}$"),
    Field(description="Edition id or a unique prefix (≥ 6 hex)"),
]
State = Literal["draft", "published", "superseded"]
Lang = Literal["zh-CN", "en"]
#: a narrative text: any characters but controls other than tab and new line
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]*$"
Reason = Annotated[
    str, StringConstraints(max_length=2000, pattern=LINE_PATTERN), AfterValidator(clean_text)
]


class EditionBuild(BaseModel):
    """Build (freeze) a fiscal year's edition; a restatement of the published edition names it
    in ``supersedes`` and says why in ``reason``; ``publish`` publishes it at once."""

    model_config = ConfigDict(extra="forbid")

    fiscal_year: FiscalYear
    supersedes: EditionRef | None = None
    reason: Reason | None = None
    publish: bool = False


class EditionSummary(BaseModel):
    """An edition without its document."""

    edition_id: str
    fiscal_year: str
    state: State
    supersedes: str | None
    superseded_by: str | None
    reason: str | None
    created_by: str
    created_at: UtcDateTime
    published_by: str | None
    published_at: UtcDateTime | None
    changed: list[str] = Field(description="The inputs a restatement changed")


class EditionBuilt(EditionSummary):
    """A built edition: ``created`` False when the same data gave an existing edition."""

    created: bool


class EditionPublic(EditionSummary):
    """An edition with its frozen document and the links of its six files."""

    document: dict[str, Any]
    files: list[dict[str, str]]


class InputChange(BaseModel):
    """A pinned input added, removed or changed."""

    name: str
    before: str | None
    after: str | None


class EditionDiff(BaseModel):
    """What changed from edition ``a`` to ``b``: inputs, sections (facts, tables, cells),
    narrative texts, document fields; ``changed`` the names of the changed inputs."""

    a: EditionSummary
    b: EditionSummary
    inputs: list[InputChange]
    sections: list[dict[str, Any]]
    narratives: list[dict[str, Any]]
    document: list[dict[str, Any]]
    changed: list[str]


NarrativeText = Annotated[
    str, StringConstraints(max_length=20_000, pattern=TEXT_PATTERN), AfterValidator(clean_text)
]


class NarrativeSet(BaseModel):
    """The text of a narrative in one language (empty: remove it)."""

    model_config = ConfigDict(extra="forbid")

    text: NarrativeText


class NarrativePublic(BaseModel):
    """A stored narrative."""

    key: str
    lang: Lang
    text: str
    updated_by: str
    updated_at: UtcDateTime


class NarrativeField(BaseModel):
    """A narrative field an organisation may fill: its key and label key."""

    key: str
    label: str
