"""Physical climate risk per site (issue 17 item 5, decision 0083): hazard indicators, vulnerability
curves, expected annual damage (EAD), business interruption (BI), the group roll-up and the
IFRS S2 ¶29(c) shares of assets and revenue at sites above a hazard threshold. Pure: no I/O.

Conventions (docs/risk-physical.md):

- An **acute** hazard (riverine / coastal flood, typhoon wind) is given per site, pathway and
  year as intensities at return periods RP [years]; the annual exceedance probability of a point
  is p = 1 / RP. A **chronic** hazard (heat days, water stress) is one value per site, pathway
  and year (no return period); it feeds the ¶29(c) shares and the map, not the EAD.
- A **vulnerability curve** maps intensity to a damage fraction in [0, 1], piecewise linear
  between its points, flat beyond its ends (numpy.interp's rule).
- **EAD** [currency] = asset value × ∫ damage dp over the exceedance probability, by the
  trapezoid rule between the points sorted by p: Σ (d_i + d_{i+1}) / 2 · (p_i − p_{i+1}); the
  rare tail (p below 1 / RP_max) adds d(RP_max) · (1 / RP_max) (damage held flat to p = 0); the
  frequent tail (p above 1 / RP_min) adds nothing (events more frequent than the smallest RP
  given are taken as harmless). This is the spec's EAD_r = asset_value_r · Σ damage · Δp with
  os-climate physrisk's hazard/vulnerability split; the tail rule is lingtan's.
- **BI** [currency / year] = expected downtime days × revenue per day, the expected downtime
  being the site's ``bi_days`` (days of interruption at total damage) × the expected annual
  damage fraction.
- A site's EAD and BI are the sums over its acute hazards (hazards taken as independent and
  additive: no correlation, no cap); the group's the sums over its sites, in one currency.

The default curves are **lingtan's illustrative defaults** (:data:`DEFAULT_CURVES`): their shape
follows the literature cited with each, their points are lingtan's own round numbers, not
copied tables; an organisation replaces them with its own (engineering or insurer curves).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lingtan.core.messages import msg
from lingtan.modules.risk.errors import HazardError


@dataclass(frozen=True)
class Hazard:
    """A hazard: ``code``, ``kind`` (acute: return periods; chronic: one value) and the unit
    its indicators are given in."""

    code: str
    kind: str
    unit: str


#: the hazards lingtan knows, with the unit of their indicator
HAZARDS: dict[str, Hazard] = {
    "riverine_flood": Hazard("riverine_flood", "acute", "m"),  # flood depth [m]
    "coastal_flood": Hazard("coastal_flood", "acute", "m"),  # flood depth [m]
    "typhoon_wind": Hazard("typhoon_wind", "acute", "m/s"),  # max. sustained wind [m/s]
    "heat": Hazard("heat", "chronic", "days/yr"),  # days above 35 °C per year
    "water_stress": Hazard("water_stress", "chronic", "index"),  # 0–5 (WRI Aqueduct scale)
}

#: pathway codes shared with the scenarios (plan.md); free text is allowed too
PATHWAYS = ("historical", "SSP1-1.9", "SSP1-2.6", "SSP2-4.5", "SSP3-7.0", "SSP5-8.5", "RCP2.6",
            "RCP4.5", "RCP6.0", "RCP8.5")  # fmt: skip

#: lingtan's default thresholds of the ¶29(c) share: (value, return period or None)
DEFAULT_THRESHOLDS: dict[str, tuple[float, float | None]] = {
    "riverine_flood": (0.5, 100.0),  # ≥ 0.5 m at the 100-year flood
    "coastal_flood": (0.5, 100.0),
    "typhoon_wind": (50.0, 100.0),  # ≥ 50 m/s at the 100-year wind
    "heat": (30.0, None),  # ≥ 30 days a year above 35 °C
    "water_stress": (3.0, None),  # "high" or worse on the 0–5 scale
}

_PATHWAY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .+_-]{0,39}$")
_SITE_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f/\\]{1,80}$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_TEXT_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]{1,300}$")
#: the largest number accepted for a value or a money amount (finite, well inside a float)
MAX_VALUE = 1e15


def _err(key: str, field: str, **params: Any) -> HazardError:
    return HazardError(msg(key, **params), field)


def check_number(value: Any, name: str, *, lo: float = 0.0, hi: float = MAX_VALUE) -> float:
    """A finite number in [lo, hi] (text with a decimal point or comma accepted)."""
    if isinstance(value, bool):
        raise _err("hazards.err.number", name, name=name, value=str(value)[:40])
    try:
        x = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise _err("hazards.err.number", name, name=name, value=str(value)[:40]) from None
    if not math.isfinite(x):
        raise _err("hazards.err.number", name, name=name, value=str(value)[:40])
    if not lo <= x <= hi:
        raise _err("hazards.err.range", name, name=name, value=str(value)[:40], lo=lo, hi=hi)
    return x


def check_site(value: Any) -> str:
    """A site code: 1–80 characters, no control characters or slashes."""
    text = str(value if value is not None else "").strip()
    if not text:
        raise _err("hazards.err.required", "site", name="site")
    if not _SITE_RE.match(text):
        raise _err("hazards.err.text", "site", name="site")
    return text


def check_hazard(value: Any) -> str:
    """A hazard code of :data:`HAZARDS`."""
    code = str(value if value is not None else "").strip().lower()
    if code not in HAZARDS:
        raise _err("hazards.err.hazard", "hazard", value=code[:40], known=", ".join(HAZARDS))
    return code


def check_pathway(value: Any) -> str:
    """A pathway: a code of :data:`PATHWAYS` (any case) or free text (1–40 characters of
    letters, digits, space and ``. + _ -``)."""
    text = " ".join(str(value if value is not None else "").split())
    for known in PATHWAYS:
        if text.lower() == known.lower():
            return known
    if not _PATHWAY_RE.match(text):
        raise _err("hazards.err.pathway", "pathway", value=text[:40])
    return text


def check_year(value: Any, pathway: str) -> int:
    """A year 1950–2150; 0 for a ``historical`` baseline without a year."""
    try:
        y = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise _err("hazards.err.year", "year", value=str(value)[:20]) from None
    if isinstance(y, bool) or not (1950 <= y <= 2150 or (y == 0 and pathway == "historical")):
        raise _err("hazards.err.year", "year", value=str(value)[:20])
    return y


def check_currency(value: Any) -> str:
    """An ISO 4217 code (three capital letters)."""
    code = str(value if value is not None else "").strip().upper()
    if not _CURRENCY_RE.match(code):
        raise _err("hazards.err.currency", "currency", value=code[:10])
    return code


def check_text(value: Any, name: str, *, required: bool = False) -> str | None:
    """A line of 1–300 characters, or None when blank and not required."""
    text = " ".join(str(value if value is not None else "").split())
    if not text:
        if required:
            raise _err("hazards.err.required", name, name=name)
        return None
    if not _TEXT_RE.match(text):
        raise _err("hazards.err.text", name, name=name)
    return text


# ---- exposure and indicators -----------------------------------------------------------


@dataclass(frozen=True)
class Exposure:
    """What a site puts at risk: its coordinates (WGS 84 degrees), ``asset_value`` (replacement
    value of the assets on site), ``revenue_per_day`` (revenue that stops while the site is
    down), both in ``currency``, and ``bi_days`` (days of interruption at total damage)."""

    site: str
    latitude: float
    longitude: float
    asset_value: float
    revenue_per_day: float
    currency: str
    bi_days: float

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain data."""
        return {k: getattr(self, k) for k in EXPOSURE_FIELDS}


#: the fields of an exposure record (and the exact headers of an exposure file)
EXPOSURE_FIELDS = ("site", "latitude", "longitude", "asset_value", "revenue_per_day", "currency",
                   "bi_days")  # fmt: skip


def check_exposure_field(name: str, value: Any) -> Any:
    """One field of an exposure record, checked and normalised (so a file names each wrong
    cell)."""
    if name == "site":
        return check_site(value)
    if name == "latitude":
        return check_number(value, name, lo=-90.0, hi=90.0)
    if name == "longitude":
        return check_number(value, name, lo=-180.0, hi=180.0)
    if name in ("asset_value", "revenue_per_day"):
        return check_number(value, name)
    if name == "bi_days":
        return check_number(value, name, hi=3660.0)
    if name == "currency":
        return check_currency(value)
    raise _err("hazards.err.field", name, value=name[:40])


def exposure(**fields: Any) -> Exposure:
    """An :class:`Exposure` from its fields (each checked; all required).

    Raises:
        HazardError: a field missing or invalid (named).
    """
    values = {}
    for name in EXPOSURE_FIELDS:
        if fields.get(name) in (None, ""):
            raise _err("hazards.err.required", name, name=name)
        values[name] = check_exposure_field(name, fields[name])
    return Exposure(**values)


@dataclass(frozen=True)
class Indicator:
    """A hazard indicator of a site: ``value`` [``unit``] of ``hazard`` under ``pathway`` in
    ``year``, at ``return_period`` [years] (None for a chronic hazard), from ``source``."""

    site: str
    hazard: str
    pathway: str
    year: int
    return_period: float | None
    value: float
    unit: str
    source: str

    def key(self) -> tuple[str, str, str, int, float | None]:
        """What identifies the indicator: (site, hazard, pathway, year, return period)."""
        return (self.site, self.hazard, self.pathway, self.year, self.return_period)

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain data."""
        return {k: getattr(self, k) for k in INDICATOR_FIELDS}


#: the fields of an indicator (and the exact headers of an indicator file)
INDICATOR_FIELDS = ("site", "hazard", "pathway", "year", "return_period", "value", "unit",
                    "source")  # fmt: skip


def indicator(
    site: Any,
    hazard: Any,
    pathway: Any,
    year: Any,
    return_period: Any,
    value: Any,
    unit: Any,
    source: Any,
) -> Indicator:
    """An :class:`Indicator`, checked: a known hazard; a return period ≥ 1 year for an acute
    hazard and none for a chronic one; the hazard's unit; a value ≥ 0.

    Raises:
        HazardError: a field invalid (named).
    """
    h = HAZARDS[check_hazard(hazard)]
    p = check_pathway(pathway)
    y = check_year(year, p)
    rp: float | None = None
    if return_period not in (None, ""):
        if h.kind == "chronic":
            raise _err("hazards.err.rp_chronic", "return_period", hazard=h.code)
        rp = check_number(return_period, "return_period", lo=1.0, hi=1e6)
    elif h.kind == "acute":
        raise _err("hazards.err.rp_required", "return_period", hazard=h.code)
    u = str(unit if unit is not None else "").strip()
    if u != h.unit:
        raise _err("hazards.err.unit", "unit", hazard=h.code, unit=u[:20], expected=h.unit)
    v = check_number(value, "value")
    src = check_text(source, "source", required=True) or ""
    return Indicator(check_site(site), h.code, p, y, rp, v, u, src)


# ---- vulnerability curves ----------------------------------------------------------------


@dataclass(frozen=True)
class Curve:
    """A vulnerability (damage) curve of ``hazard``: ``points`` (intensity [``unit``], damage
    fraction 0–1), intensities strictly increasing; piecewise linear between them, flat beyond
    (the first point's damage below it, the last one's above)."""

    hazard: str
    unit: str
    points: tuple[tuple[float, float], ...]
    label: str
    source: str
    default: bool = False

    def damage(self, intensity: float) -> float:
        """The damage fraction at ``intensity`` (linear interpolation, clamped at the ends)."""
        pts = self.points
        if intensity <= pts[0][0]:
            return pts[0][1]
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            if intensity <= x1:
                return y0 + (y1 - y0) * (intensity - x0) / (x1 - x0)
        return pts[-1][1]

    def to_dict(self) -> dict[str, Any]:
        """As plain data (points as lists)."""
        return {"hazard": self.hazard, "unit": self.unit, "points": [list(p) for p in self.points],
                "label": self.label, "source": self.source, "default": self.default}  # fmt: skip


def curve(
    hazard: Any,
    points: Iterable[Sequence[Any]],
    label: Any,
    source: Any,
    *,
    default: bool = False,
) -> Curve:
    """A :class:`Curve` of an acute hazard, checked: 2–50 points, intensities ≥ 0 and strictly
    increasing, damage fractions in [0, 1] and never falling.

    Raises:
        HazardError: ``hazards.err.curve_*`` naming what is wrong.
    """
    h = HAZARDS[check_hazard(hazard)]
    if h.kind != "acute":
        raise _err("hazards.err.curve_chronic", "hazard", hazard=h.code)
    try:
        pts = tuple(
            (check_number(p[0], "points"), check_number(p[1], "points", hi=1.0)) for p in points
        )
    except (TypeError, IndexError, KeyError):
        raise _err("hazards.err.curve_points", "points") from None
    if not 2 <= len(pts) <= 50:
        raise _err("hazards.err.curve_points", "points")
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        if x1 <= x0:
            raise _err("hazards.err.curve_order", "points", value=x1)
        if y1 < y0:
            raise _err("hazards.err.curve_falling", "points", value=x1)
    lab = check_text(label, "label", required=True) or ""
    src = check_text(source, "source", required=True) or ""
    return Curve(h.code, h.unit, pts, lab, src, default)


#: lingtan's illustrative default curves (their points are lingtan's, the shapes cited)
DEFAULT_CURVES: dict[str, Curve] = {
    "riverine_flood": curve(
        "riverine_flood",
        [(0, 0), (0.5, 0.25), (1, 0.4), (2, 0.6), (3, 0.75), (4, 0.85), (6, 1.0)],
        "lingtan illustrative default: flood depth-damage, industrial assets",
        "shape after the JRC global flood depth-damage functions (Huizinga, de Moel, "
        "Szewczyk 2017, JRC105688), points lingtan's own",
        default=True,
    ),
    "coastal_flood": curve(
        "coastal_flood",
        [(0, 0), (0.5, 0.25), (1, 0.4), (2, 0.6), (3, 0.75), (4, 0.85), (6, 1.0)],
        "lingtan illustrative default: flood depth-damage, industrial assets",
        "shape after the JRC global flood depth-damage functions (Huizinga, de Moel, "
        "Szewczyk 2017, JRC105688), points lingtan's own",
        default=True,
    ),
    "typhoon_wind": curve(
        "typhoon_wind",
        [(0, 0), (25, 0), (35, 0.02), (45, 0.08), (55, 0.2), (65, 0.38), (75, 0.55), (90, 0.8)],
        "lingtan illustrative default: wind damage, industrial buildings",
        "shape after the cubic wind-damage function of Emanuel (2011, Weather, Climate and "
        "Society 3:261-268), points lingtan's own",
        default=True,
    ),
}


# ---- expected annual damage and business interruption ------------------------------------


def ead_fraction(points: Iterable[tuple[float, float]], c: Curve) -> float:
    """The expected annual damage fraction [1/yr] of (return period [yr], intensity) points
    under curve ``c`` (module docstring: trapezoid over p = 1/RP, rare tail flat, frequent tail
    zero).

    Raises:
        HazardError: no point, or one return period given twice.
    """
    pts = sorted(points)
    if not pts:
        raise _err("hazards.err.no_points", "return_period")
    if len({rp for rp, _ in pts}) != len(pts):
        raise _err("hazards.err.rp_twice", "return_period", value=pts[0][0])
    probs = [(1.0 / rp, c.damage(x)) for rp, x in pts]  # p falling as RP rises
    total = 0.0
    for (p0, d0), (p1, d1) in itertools.pairwise(probs):
        total += (d0 + d1) / 2.0 * (p0 - p1)
    p_last, d_last = probs[-1]
    return total + d_last * p_last


@dataclass(frozen=True)
class HazardLoss:
    """One acute hazard's result at a site: the expected annual damage ``fraction`` [1/yr],
    ``ead`` [currency/yr], expected ``downtime_days`` [days/yr], ``bi`` [currency/yr], the
    ``points`` used (RP, intensity) and the curve's label."""

    hazard: str
    fraction: float
    ead: float
    downtime_days: float
    bi: float
    points: tuple[tuple[float, float], ...]
    curve: str


@dataclass(frozen=True)
class SiteRisk:
    """A site's physical risk under one pathway and year: per acute hazard and in total
    [currency/yr], and its chronic indicators (hazard → value)."""

    site: str
    currency: str
    asset_value: float
    revenue_per_day: float
    losses: tuple[HazardLoss, ...]
    chronic: dict[str, float] = field(default_factory=dict)

    @property
    def ead(self) -> float:
        """Expected annual damage [currency/yr], summed over the acute hazards."""
        return sum(h.ead for h in self.losses)

    @property
    def bi(self) -> float:
        """Expected business interruption [currency/yr]."""
        return sum(h.bi for h in self.losses)

    @property
    def downtime_days(self) -> float:
        """Expected downtime [days/yr]."""
        return sum(h.downtime_days for h in self.losses)

    def to_dict(self) -> dict[str, Any]:
        """As plain data, totals included."""
        return {
            "site": self.site, "currency": self.currency, "asset_value": self.asset_value,
            "revenue_per_day": self.revenue_per_day, "ead": self.ead, "bi": self.bi,
            "downtime_days": self.downtime_days, "chronic": dict(self.chronic),
            "losses": [{"hazard": h.hazard, "fraction": h.fraction, "ead": h.ead,
                        "downtime_days": h.downtime_days, "bi": h.bi, "curve": h.curve,
                        "points": [list(p) for p in h.points]} for h in self.losses],
        }  # fmt: skip


def site_risk(
    e: Exposure, indicators: Iterable[Indicator], curves: dict[str, Curve] | None = None
) -> SiteRisk:
    """The risk of site ``e`` from its ``indicators`` of one pathway and year (others of the
    site ignored by the caller): each acute hazard's EAD = asset value × :func:`ead_fraction`
    with its curve (``curves``, default :data:`DEFAULT_CURVES`), downtime = ``bi_days`` × the
    fraction, BI = downtime × revenue per day; chronic values kept as they are (the largest
    when given more than once)."""
    use = {**DEFAULT_CURVES, **(curves or {})}
    acute: dict[str, list[tuple[float, float]]] = {}
    chronic: dict[str, float] = {}
    for i in indicators:
        if i.site != e.site:
            continue
        if i.return_period is None:
            chronic[i.hazard] = max(chronic.get(i.hazard, i.value), i.value)
        else:
            acute.setdefault(i.hazard, []).append((i.return_period, i.value))
    losses = []
    for hazard in sorted(acute):
        c = use[hazard]
        f = ead_fraction(acute[hazard], c)
        days = e.bi_days * f
        losses.append(HazardLoss(hazard, f, e.asset_value * f, days, days * e.revenue_per_day,
                                 tuple(sorted(acute[hazard])), c.label))  # fmt: skip
    return SiteRisk(e.site, e.currency, e.asset_value, e.revenue_per_day, tuple(losses),
                    dict(sorted(chronic.items())))  # fmt: skip


@dataclass(frozen=True)
class GroupRisk:
    """The group's roll-up: sums over the sites [currency/yr] and the asset value at risk."""

    currency: str
    sites: int
    asset_value: float
    ead: float
    bi: float
    downtime_days: float
    by_hazard: dict[str, float]

    @property
    def total(self) -> float:
        """EAD + BI [currency/yr]."""
        return self.ead + self.bi

    def to_dict(self) -> dict[str, Any]:
        """As plain data."""
        return {"currency": self.currency, "sites": self.sites, "asset_value": self.asset_value,
                "ead": self.ead, "bi": self.bi, "downtime_days": self.downtime_days,
                "total": self.total, "by_hazard": dict(self.by_hazard)}  # fmt: skip


def rollup(risks: Sequence[SiteRisk], currency: str) -> GroupRisk:
    """The sums of the sites' risks, all in ``currency``.

    Raises:
        HazardError: a site in another currency (``hazards.err.mixed_currency``).
    """
    by_hazard: dict[str, float] = {}
    for r in risks:
        if r.currency != currency:
            raise _err("hazards.err.mixed_currency", "currency", site=r.site, value=r.currency,
                       expected=currency)  # fmt: skip
        for h in r.losses:
            by_hazard[h.hazard] = by_hazard.get(h.hazard, 0.0) + h.ead + h.bi
    return GroupRisk(
        currency, len(risks), sum(r.asset_value for r in risks), sum(r.ead for r in risks),
        sum(r.bi for r in risks), sum(r.downtime_days for r in risks),
        dict(sorted(by_hazard.items())),
    )  # fmt: skip


# ---- IFRS S2 ¶29(c) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """IFRS S2 ¶29(c): the share of asset value and of revenue at the sites whose indicator of
    ``hazard`` (at ``return_period`` for an acute one) is at or above ``threshold``; fractions
    of the totals over all sites with an exposure record (None when the total is 0)."""

    hazard: str
    threshold: float
    return_period: float | None
    sites_above: tuple[str, ...]
    asset_value_above: float
    asset_value_total: float
    revenue_per_day_above: float
    revenue_per_day_total: float

    @property
    def assets_share(self) -> float | None:
        """Asset value above / total (0–1)."""
        t = self.asset_value_total
        return self.asset_value_above / t if t > 0 else None

    @property
    def revenue_share(self) -> float | None:
        """Revenue per day above / total (0–1)."""
        t = self.revenue_per_day_total
        return self.revenue_per_day_above / t if t > 0 else None

    def to_dict(self) -> dict[str, Any]:
        """As plain data, shares included."""
        return {"hazard": self.hazard, "threshold": self.threshold,
                "return_period": self.return_period, "sites_above": list(self.sites_above),
                "asset_value_above": self.asset_value_above,
                "asset_value_total": self.asset_value_total,
                "revenue_per_day_above": self.revenue_per_day_above,
                "revenue_per_day_total": self.revenue_per_day_total,
                "assets_share": self.assets_share, "revenue_share": self.revenue_share}  # fmt: skip


def share_above(
    exposures: Sequence[Exposure],
    indicators: Iterable[Indicator],
    hazard: str,
    threshold: float,
    return_period: float | None = None,
) -> Share:
    """The ¶29(c) share (:class:`Share`) from the indicators of one pathway and year. An acute
    hazard needs ``return_period`` (its default from :data:`DEFAULT_THRESHOLDS`); a chronic one
    takes none.

    Raises:
        HazardError: an unknown hazard; a return period missing or given where none applies.
    """
    h = HAZARDS[check_hazard(hazard)]
    if h.kind == "acute" and return_period is None:
        raise _err("hazards.err.rp_required", "return_period", hazard=h.code)
    if h.kind == "chronic" and return_period is not None:
        raise _err("hazards.err.rp_chronic", "return_period", hazard=h.code)
    thr = check_number(threshold, "threshold")
    above = {
        i.site
        for i in indicators
        if i.hazard == h.code and i.return_period == return_period and i.value >= thr
    }
    hit = [e for e in exposures if e.site in above]
    return Share(h.code, thr, return_period, tuple(sorted(e.site for e in hit)),
                 sum(e.asset_value for e in hit), sum(e.asset_value for e in exposures),
                 sum(e.revenue_per_day for e in hit),
                 sum(e.revenue_per_day for e in exposures))  # fmt: skip
