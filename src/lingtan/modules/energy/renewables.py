"""Renewable-electricity share by the RE100 technical criteria (issue 16 item 3;
../shared/specs/sites-energy.md "Renewable-electricity share").

    RE% = (S + PPA + green-power trades (绿电) + certificates retired for the site (绿证)) / C

S is on-site self-use of own generation [kWh]; PPA, green trades and certificates are the
contractual instruments the market-based Scope 2 method uses (GHG Protocol Scope 2 Guidance,
quality criteria), each counted once by the caller (one instrument → one site → one year).
C is the site's electricity consumption [kWh]
(:class:`~lingtan.modules.energy.balance.SiteBalance`).

A claim cannot exceed consumption (RE100 reports at most 100 %): the numerator is capped at C
and the surplus is kept (``surplus_kwh``), so that the group share
``Σ numerators / Σ C`` (:func:`group_re_share`) never counts one site's surplus for another.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lingtan.core.messages import msg
from lingtan.modules.energy.errors import EnergyError, check_number

#: the parts of the numerator, in the order of the formula
PARTS: tuple[str, ...] = ("self_use", "ppa", "green_trades", "certificates")


@dataclass(frozen=True)
class ReShare:
    """A renewable-electricity share.

    Attributes:
        numerator_kwh: renewable electricity claimed, capped at consumption [kWh].
        consumption_kwh: C [kWh].
        share: numerator / C [-] (0–1); None when C is 0.
        parts: part (:data:`PARTS`) → kWh as given (before the cap).
        surplus_kwh: Σ parts − numerator (instruments beyond consumption, not counted) [kWh].
        scope: what the share is of (a site id, ``group``); informative.
    """

    numerator_kwh: float
    consumption_kwh: float
    share: float | None
    parts: dict[str, float] = field(default_factory=dict)
    surplus_kwh: float = 0.0
    scope: str = ""

    @property
    def percent(self) -> float | None:
        """The share in per cent [%]."""
        return None if self.share is None else 100.0 * self.share

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "scope": self.scope,
            "numerator_kwh": self.numerator_kwh,
            "consumption_kwh": self.consumption_kwh,
            "share": self.share,
            "parts": dict(self.parts),
            "surplus_kwh": self.surplus_kwh,
        }


def re_share(
    consumption: float,
    self_use: float = 0.0,
    ppa: float = 0.0,
    green_trades: float = 0.0,
    certificates: float = 0.0,
    *,
    scope: str = "",
) -> ReShare:
    """RE share of one site (or any boundary) from its parts, all [kWh].

    Raises:
        EnergyError: a negative or non-finite value.
    """
    c = check_number(consumption, "consumption")
    parts = {
        "self_use": check_number(self_use, "self_use"),
        "ppa": check_number(ppa, "ppa"),
        "green_trades": check_number(green_trades, "green_trades"),
        "certificates": check_number(certificates, "certificates"),
    }
    total = sum(parts.values())
    numerator = min(total, c)
    share = numerator / c if c > 0 else None
    return ReShare(numerator, c, share, parts, total - numerator, scope)


def group_re_share(shares: Iterable[ReShare], *, scope: str = "group") -> ReShare:
    """Group share = Σ numerators / Σ C (each site's numerator already capped at its C);
    parts and surpluses are summed."""
    items = list(shares)
    num = sum(s.numerator_kwh for s in items)
    c = sum(s.consumption_kwh for s in items)
    parts = {p: sum(s.parts.get(p, 0.0) for s in items) for p in PARTS}
    surplus = sum(s.surplus_kwh for s in items)
    return ReShare(num, c, num / c if c > 0 else None, parts, surplus, scope)


def implied_consumption(renewable_kwh: float, share: float) -> float:
    """C implied by a renewable quantity and its share: C = S / RE% [kWh].

    Used to reproduce the report's consumption figures "derived from the report's share":
    Hefei 9.5 GWh at ≈ 12 % → ≈ 79 GWh; Shenzhen 2.8 GWh at ≈ 11 % → ≈ 25 GWh.

    Raises:
        EnergyError: share not in (0, 1].
    """
    s = float(share)
    if not (math.isfinite(s) and 0 < s <= 1):
        raise EnergyError(msg("energy.err.share_range", value=str(share)), "share")
    return check_number(renewable_kwh, "renewable_kwh") / s
