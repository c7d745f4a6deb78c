"""``/orgs/{org}/exchange-rates`` and removing ``/orgs/{org}/factor-sets/{name}``: the
organisation's set-up besides its boundary (decision 0056). The services check the fields
(ISO 4217 currency, year, rate > 0, a source), the permission (``edit_data``) and audit every
change with the caller."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Path, status

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS
from lingtan.adapters.api.schemas.setup import ExchangeRatePublic, ExchangeRateUpdate
from lingtan.adapters.services import own_factors, rates
from lingtan.adapters.services.rates import rate_currencies

router = APIRouter(prefix="/orgs/{org}", tags=["setup"])

if TYPE_CHECKING:
    Currency = str
else:  # the codes the service takes, listed in the OpenAPI document (an enum)
    Currency = Literal[rate_currencies()]
CurrencyPath = Annotated[
    Currency, Path(description="ISO 4217 currency code (CNY, EUR …; not USD, the reference)")
]
YearPath = Annotated[int, Path(ge=1950, le=2100, description="Calendar year of the average")]
SetNamePath = Annotated[
    str, Path(max_length=100, pattern=r"^[A-Za-z0-9._-]+$", description="Factor set name")
]


@router.get("/exchange-rates", responses=READ_ERRORS)
def list_exchange_rates(tenant: Reader) -> list[ExchangeRatePublic]:
    """The organisation's own exchange rates, by currency and year."""
    return [ExchangeRatePublic.model_validate(r.as_dict()) for r in rates.list_rates(tenant)]


@router.put("/exchange-rates/{currency}/{year}", responses=WRITE_ERRORS)
def put_exchange_rate(
    currency: CurrencyPath, year: YearPath, body: ExchangeRateUpdate, db: DbDep, tenant: Editor
) -> ExchangeRatePublic:
    """Add the rate of ``currency`` in ``year`` or replace it (audited)."""
    rate = rates.set_rate(db, tenant, currency, year, body.per_usd, body.source)
    return ExchangeRatePublic.model_validate(rate.as_dict())


@router.delete(
    "/exchange-rates/{currency}/{year}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)
def delete_exchange_rate(currency: CurrencyPath, year: YearPath, db: DbDep, tenant: Editor) -> None:
    """Remove a rate (audited): the bundled ECB rate applies again."""
    rates.delete_rate(db, tenant, currency, year)


@router.delete(
    "/factor-sets/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS
)
def delete_factor_set(name: SetNamePath, db: DbDep, tenant: Editor) -> None:
    """Remove one of the organisation's own factor sets (its file and manifest; audited).
    Refused (409) while ``lingtan.yaml`` names it in ``factor_sets``."""
    own_factors.delete_own_factor_set(db, tenant, name)
