"""An organisation's set-up besides its boundary: its own exchange rates
(``/orgs/{org}/exchange-rates``; decision 0056)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

#: white space as Python's ``str.split`` and ``str.strip`` see it (the service collapses it)
_SPACE = r"\x09-\x0d\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: characters of no line (:data:`~lingtan.adapters.api.schemas.common.LINE_PATTERN`)
_CONTROL = r"\x00-\x1f\x7f-\x9f\ufffe\uffff"
#: one line with at least one character that is not white space
SOURCE_PATTERN = rf"^[^{_CONTROL}]*[^{_SPACE}{_CONTROL}][^{_CONTROL}]*$"


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

    model_config = ConfigDict(extra="forbid")

    per_usd: Annotated[
        float,
        Field(gt=0, allow_inf_nan=False, description="units of the currency per 1 US dollar"),
    ]
    source: Annotated[
        str,
        StringConstraints(
            min_length=1, max_length=300, strip_whitespace=True, pattern=SOURCE_PATTERN
        ),
        Field(description="where the rate comes from (publisher, series)"),
    ]
