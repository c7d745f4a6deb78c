"""An organisation's own exchange rates: ``reference/fx_rates.csv`` of its workspace
(docs/workspace.md), which override the bundled ECB series year by year for spend-based methods.

A rate is ``per_usd`` units of ``currency`` per 1 US dollar, the annual average of ``year``,
with its ``source``. Every change is checked (ISO 4217 currency, year, rate > 0, a source), made
under the workspace's write lock, written through a temporary file renamed into place and
audited (``exchange_rate.set`` / ``exchange_rate.delete``, the caller named) in one go: file and
audit entry both or neither. Changing rates needs ``edit_data``.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from lingtan.adapters.services.boundary import SetupError, setup_invalid
from lingtan.adapters.services.context import Context
from lingtan.adapters.services.stored_files import store_with_audit
from lingtan.adapters.store import audit

#: the file, relative to the workspace folder
FX_FILE = "reference/fx_rates.csv"
COLUMNS = ("year", "currency", "per_usd", "source")
#: years a rate may be given for
YEARS = range(1950, 2101)


@dataclass(frozen=True)
class ExchangeRate:
    """One annual average rate: ``per_usd`` units of ``currency`` per US dollar in ``year``."""

    year: int
    currency: str
    per_usd: float
    source: str

    def as_dict(self) -> dict[str, Any]:
        """The rate as a plain mapping (API answers, audit entries)."""
        return asdict(self)


@cache
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(str(c) for c in list_currencies())


def rate_currencies() -> tuple[str, ...]:
    """The currencies a rate can be given for, sorted: ISO 4217 codes (Babel's CLDR list)
    but USD, the reference (the API's schema lists them)."""
    return tuple(sorted(_currencies() - {"USD"}))


def _path(ctx: Context) -> Path:
    return ctx.workspace().path / FX_FILE


def _parse(text: str) -> list[ExchangeRate]:
    rows = []
    for i, r in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            rows.append(
                ExchangeRate(
                    year=int(r["year"]),
                    currency=str(r["currency"]).strip().upper(),
                    per_usd=float(r["per_usd"]),
                    source=str(r.get("source") or ""),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise setup_invalid(
                "setup.err.rates_file", f"{FX_FILE}, row {i}: {exc}", "file", detail=f"row {i}"
            ) from exc
    return rows


def list_rates(ctx: Context) -> list[ExchangeRate]:
    """The workspace's own rates, by currency and year (empty without the file).

    Raises:
        ServiceError: 422 the file is malformed (row named).
    """
    path = _path(ctx)
    if not path.exists():
        return []
    rows = _parse(path.read_text(encoding="utf-8-sig"))
    return sorted(rows, key=lambda r: (r.currency, r.year))


def _render(rows: list[ExchangeRate]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in sorted(rows, key=lambda r: (r.currency, r.year)):
        w.writerow([r.year, r.currency, repr(r.per_usd), r.source])
    return out.getvalue().encode("utf-8")


def check_rate(currency: str, year: Any, per_usd: Any, source: str) -> ExchangeRate:
    """The rate the fields describe, checked.

    Raises:
        SetupError: 422 naming the field (``currency``, ``year``, ``per_usd``, ``source``).
    """
    cur = currency.strip().upper()
    if cur not in _currencies():
        raise setup_invalid(
            "setup.err.currency", f"currency: {cur!r} is not an ISO 4217 code", "currency",
            value=cur,
        )  # fmt: skip
    if cur == "USD":
        raise setup_invalid(
            "setup.err.usd", "currency: USD is the reference (1 per USD)", "currency"
        )
    try:
        y = int(year)
    except (TypeError, ValueError):
        y = 0
    if y not in YEARS:
        raise setup_invalid("setup.err.year", "year: from 1950 to 2100", "year")
    try:
        rate = float(per_usd)
    except (TypeError, ValueError):
        rate = math.nan
    if not math.isfinite(rate) or rate <= 0:
        raise setup_invalid("setup.err.rate", "per_usd: a number above 0", "per_usd")
    src = " ".join(str(source).split())
    if not src or len(src) > 300:
        raise setup_invalid("setup.err.source", "source: 1 to 300 characters", "source")
    return ExchangeRate(y, cur, rate, src)


def _write(db: Session, ctx: Context, rows: list[ExchangeRate], action: str, before: Any,
           after: Any, target: str) -> None:  # fmt: skip
    ws = ctx.workspace()
    path = _path(ctx)
    old = path.read_bytes() if path.exists() else None
    audit.record(
        db,
        actor=ctx.actor,
        organisation_id=ws.organisation_id,
        action=action,
        target=target,
        before=before,
        after=after,
    )
    store_with_audit(db, path, _render(rows), old)


def set_rate(
    db: Session, ctx: Context, currency: str, year: Any, per_usd: Any, source: str
) -> ExchangeRate:
    """Add the rate of ``currency`` in ``year``, or replace it (audited).

    Raises:
        ServiceError: 403 without ``edit_data``; 422 a field is invalid (:class:`SetupError`);
            423 the workspace is busy (another writer).
    """
    ctx.require("edit_data")
    rate = check_rate(currency, year, per_usd, source)
    with ctx.workspace().write_lock():  # one writer at a time (decision 0036)
        rows = list_rates(ctx)
        old = next((r for r in rows if (r.currency, r.year) == (rate.currency, rate.year)), None)
        rows = [r for r in rows if r is not old] + [rate]
        _write(
            db, ctx, rows, "exchange_rate.set",
            None if old is None else old.as_dict(), rate.as_dict(),
            f"{FX_FILE}:{rate.currency}/{rate.year}",
        )  # fmt: skip
    return rate


def delete_rate(db: Session, ctx: Context, currency: str, year: int) -> None:
    """Remove the rate of ``currency`` in ``year`` (audited); the bundled series applies again.

    Raises:
        ServiceError: 403; 404 no such rate; 423 busy.
    """
    ctx.require("edit_data")
    cur = currency.strip().upper()
    with ctx.workspace().write_lock():
        rows = list_rates(ctx)
        old = next((r for r in rows if (r.currency, r.year) == (cur, year)), None)
        if old is None:
            raise SetupError(
                "not_found", "setup.err.no_rate", f"exchange rate {cur} {year} not found",
                currency=cur, year=year,
            )  # fmt: skip
        rows = [r for r in rows if r is not old]
        _write(
            db, ctx, rows, "exchange_rate.delete", old.as_dict(), None, f"{FX_FILE}:{cur}/{year}"
        )
