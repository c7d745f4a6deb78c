"""The organisation's published figures compared with lingtan's (``/orgs/{org}/reconcile``;
issue 10 item 11, docs/reconcile.md): every difference with its cause."""

from __future__ import annotations

from pydantic import BaseModel, Field

from lingtan.adapters.io.published_figures import MAX_BYTES


class NearestFactorPublic(BaseModel):
    """The library's electricity factor nearest to a figure's implied factor."""

    factor_id: str
    set: str
    region: str
    valid_from: str
    valid_to: str | None
    kg_per_kwh: float
    implied_vs_factor_pct: float = Field(description="(implied / factor − 1) · 100 [%]")


class FindingPublic(BaseModel):
    """One published figure, lingtan's value and the cause of any difference. ``published``
    and ``computed_rounded`` are decimal strings as printed; ``computed`` and ``difference``
    (published − computed) are in ``unit``."""

    id: str
    label: str
    reference: str
    fiscal_year: str
    kind: str
    published: str
    unit: str
    decimals: int
    computed: float | None
    computed_rounded: str | None
    difference: float | None
    status: str = Field(
        description="input | missing | match | rounding | copied | factor_basis | "
        "implied_factor | unexplained"
    )
    cause: str
    cause_code: str = Field(description="key of the cause sentence (docs/reconcile.md)")
    cause_params: dict[str, str]
    implied_factor_kg_per_kwh: float | None
    nearest_factor: NearestFactorPublic | None
    other_years: dict[str, str]
    note: str


class ReconciliationPublic(BaseModel):
    """The reconciliation: counts per status, the inventories used (fiscal year → snapshot id)
    and one finding per figure, in file order."""

    organisation: str
    source: str
    tolerance: float
    counts: dict[str, int]
    snapshots: dict[str, str]
    findings: list[FindingPublic]


class FiguresFileUpdate(BaseModel):
    """A new published figures file: the CSV text (docs/reconcile.md)."""

    content: str = Field(max_length=MAX_BYTES, description="CSV text")
