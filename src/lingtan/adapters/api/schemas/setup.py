"""An organisation's set-up besides its boundary: its own exchange rates
(``/orgs/{org}/exchange-rates``; decision 0056)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from lingtan.adapters.api.schemas.common import LINE_PATTERN


class ExchangeRatePublic(BaseModel):
    """An annual average exchange rate of the organisation (``reference/fx_rates.csv``):
    ``per_usd`` units of ``currency`` (ISO 4217) per 1 US dollar in ``year``, with its source.
    It overrides the bundled ECB rate of that year for spend-based methods."""

    year: int
    currency: str
    per_usd: float
    source: str


class ExchangeRateUpdate(BaseModel):
    """The rate of the currency and year of the path (added, or replacing the one there)."""

    per_usd: Annotated[float, Field(gt=0, description="units of the currency per 1 US dollar")]
    source: Annotated[
        str,
        StringConstraints(
            min_length=1, max_length=300, strip_whitespace=True, pattern=LINE_PATTERN
        ),
        Field(description="where the rate comes from (publisher, series)"),
    ]
