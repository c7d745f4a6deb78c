"""The zero-carbon factory / carbon-neutral building assessment of one site and year (issue 16
item 5; spec ../shared/specs/certification-circularity.md, decision 0077).

Quantities, all in t CO2e for the site and fiscal year:

- ``E_base``: the emissions without the site's measures — by default the business-as-usual
  emissions modelled from the year's inventory (:func:`bau_base`), or the site's emissions of
  a base year;
- ``R_own``: the measured savings of the site's own measures (IPMVP Option C / ISO 50015 /
  GB/T 28750-2012, the M&V module), converted at the grid factor;
- ``G``: green power — on-site PV used on site, green-electricity trades (绿电, PPAs) and
  green certificates (绿证) — in t at the grid factor (:func:`green_power_t`);
- ``C``: carbon credits retired for the site (serials of the credit register).

The rule of the report (lines 355–356, 1813; 《零碳工厂评价通用规范》, T/CIECCPA 030—2023):

    share_own = (R_own + G) / (R_own + G + C) ≥ 90 %   and   net = E_base − R_own − G − C ≤ 0

i.e. own reductions and green power carry at least 90 % of the way to zero and credits only the
rest. The report does not say which Scope 2 basis or which years ``E_base`` uses, so the
:class:`Basis` is stored with every result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lingtan.core.messages import msg
from lingtan.modules.energy.errors import EnergyError

#: the least share of own reductions and green power in the way to zero
THRESHOLD = 0.90
#: the stages of the report's path to zero (line 1818): 碳管理 → 碳减排 → 碳抵消 → 碳中和 →
#: 责任延伸 → 持续改进
STAGES: tuple[str, ...] = (
    "carbon_management",
    "carbon_reduction",
    "carbon_offset",
    "carbon_neutral",
    "responsibility_extension",
    "continuous_improvement",
)
#: the nine domains of the report's 90 measures (lines 1811–1812)
DOMAINS: tuple[str, ...] = (
    "building_design",
    "construction",
    "park_management",
    "production_process",
    "warehousing_logistics",
    "canteen",
    "data_centre",
    "digital_collaboration",
    "green_energy",
)
#: the parts of green power [kWh]: on-site PV used on site, PPAs, green-electricity trades,
#: green certificates (RE100 technical criteria; the renewable-share module's parts)
GREEN_PARTS: tuple[str, ...] = ("self_use", "ppa", "green_trades", "certificates")
#: tolerance of the two comparisons [t CO2e and share] (rounding of stored figures)
EPS = 1e-9


class AssessmentError(EnergyError):
    """An assessment's inputs are invalid (a negative quantity, an unknown basis)."""


@dataclass(frozen=True)
class Basis:
    """What a result rests on (stored with it: the report does not define it).

    Attributes:
        emissions: Scope 2 basis of the inventory figures (``market`` | ``location``).
        base: ``bau`` (modelled from the year's inventory) or the base fiscal year's label.
        scopes: the scopes counted (default Scope 1 and 2).
        grid_factor_t_per_mwh: the grid factor G and R_own are converted at [t CO2e/MWh].
        grid_factor_source: the factor's id and region.
        years: the fiscal years whose data entered.
    """

    emissions: str = "market"
    base: str = "bau"
    scopes: tuple[int, ...] = (1, 2)
    grid_factor_t_per_mwh: float = 0.0
    grid_factor_source: str = ""
    years: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.emissions not in ("market", "location"):
            raise AssessmentError(msg("zerocarbon.err.basis", value=self.emissions), "basis")
        if self.grid_factor_t_per_mwh < 0:
            raise AssessmentError(msg("zerocarbon.err.negative", name="grid_factor"),
                                  "grid_factor")  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "emissions": self.emissions,
            "base": self.base,
            "scopes": list(self.scopes),
            "grid_factor_t_per_mwh": self.grid_factor_t_per_mwh,
            "grid_factor_source": self.grid_factor_source,
            "years": list(self.years),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Basis:
        """Inverse of :meth:`to_dict`."""
        return cls(
            str(d.get("emissions", "market")),
            str(d.get("base", "bau")),
            tuple(int(s) for s in d.get("scopes", (1, 2))),
            float(d.get("grid_factor_t_per_mwh", 0.0)),
            str(d.get("grid_factor_source", "")),
            tuple(str(y) for y in d.get("years", ())),
        )


@dataclass(frozen=True)
class ZeroCarbonAssessment:
    """The assessment of one site and fiscal year. Units: t CO2e; ``share_own`` a fraction.

    ``share_own`` is None when R_own + G + C = 0 (nothing done, nothing retired): the share rule
    then holds only if there is nothing to cover (E_base ≤ 0).
    """

    site: str
    fiscal_year: str
    e_base_t: float
    r_own_t: float
    g_t: float
    c_t: float
    share_own: float | None
    net_t: float
    share_ok: bool
    net_ok: bool
    basis: Basis
    threshold: float = THRESHOLD
    stage: str | None = None
    measures: Mapping[str, int] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Both rules hold."""
        return self.share_ok and self.net_ok

    @property
    def credits_allowed_t(self) -> float:
        """The most credits the share rule allows for the own part: C ≤ (R_own + G) × (1 −
        threshold) / threshold [t CO2e]."""
        return (self.r_own_t + self.g_t) * (1.0 - self.threshold) / self.threshold

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "site": self.site,
            "fiscal_year": self.fiscal_year,
            "e_base_t": self.e_base_t,
            "r_own_t": self.r_own_t,
            "g_t": self.g_t,
            "c_t": self.c_t,
            "share_own": self.share_own,
            "net_t": self.net_t,
            "share_ok": self.share_ok,
            "net_ok": self.net_ok,
            "passed": self.passed,
            "threshold": self.threshold,
            "credits_allowed_t": self.credits_allowed_t,
            "basis": self.basis.to_dict(),
            "stage": self.stage,
            "measures": dict(self.measures),
        }


def _not_negative(value: float, name: str) -> float:
    if not value == value or value < 0:  # NaN or negative
        raise AssessmentError(msg("zerocarbon.err.negative", name=name), name)
    return float(value)


def green_power_t(kwh: Mapping[str, float], grid_factor_t_per_mwh: float) -> float:
    """Green power in t CO2e: Σ kWh of the parts (:data:`GREEN_PARTS`) × grid factor
    [t/MWh = kg/kWh] / 1000.

    Raises:
        AssessmentError: a negative part or factor, or an unknown part.
    """
    total = 0.0
    for part, value in kwh.items():
        if part not in GREEN_PARTS:
            raise AssessmentError(msg("zerocarbon.err.part", value=part), "green_power")
        total += _not_negative(value, part)
    return total * _not_negative(grid_factor_t_per_mwh, "grid_factor") / 1000.0


def bau_base(actual_t: float, r_own_t: float, g_in_actual_t: float) -> float:
    """Business-as-usual emissions of the year [t CO2e]: the inventory's actual emissions plus
    what the measures took away from them — the measured savings and the green power the
    inventory does not count at the grid factor (on the market basis all green power; on the
    location basis only on-site PV used on site, purchased green power being counted at the
    grid average there).

    Raises:
        AssessmentError: a negative saving or green power.
    """
    return actual_t + _not_negative(r_own_t, "r_own") + _not_negative(g_in_actual_t, "g")


def assess(
    site: str,
    fiscal_year: str,
    e_base_t: float,
    r_own_t: float,
    g_t: float,
    c_t: float,
    basis: Basis,
    *,
    threshold: float = THRESHOLD,
    stage: str | None = None,
    measures: Mapping[str, int] | None = None,
) -> ZeroCarbonAssessment:
    """Apply the rule (module docstring) to one site and year.

    Raises:
        AssessmentError: a negative R_own, G or C; a threshold outside (0, 1]; an unknown
            stage or measure domain.
    """
    r = _not_negative(r_own_t, "r_own")
    g = _not_negative(g_t, "g")
    c = _not_negative(c_t, "c")
    if not 0.0 < threshold <= 1.0:
        raise AssessmentError(msg("zerocarbon.err.threshold", value=threshold), "threshold")
    if stage is not None and stage not in STAGES:
        raise AssessmentError(msg("zerocarbon.err.stage", value=stage), "stage")
    counted = dict(measures or {})
    for domain, n in counted.items():
        if domain not in DOMAINS:
            raise AssessmentError(msg("zerocarbon.err.domain", value=domain), "measures")
        _not_negative(n, domain)
    way = r + g + c
    net = e_base_t - r - g - c
    share = (r + g) / way if way > 0 else None
    share_ok = share >= threshold - EPS if share is not None else e_base_t <= EPS
    return ZeroCarbonAssessment(
        site, fiscal_year, float(e_base_t), r, g, c, share, net, share_ok, net <= EPS, basis,
        threshold, stage, counted,
    )  # fmt: skip
