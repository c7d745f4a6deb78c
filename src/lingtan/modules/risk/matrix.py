"""The scoring matrix of the climate risk register (issue 17 item 2, decision 0080).

A rating is likelihood × consequence, as the group risk process of the source report rates its
risks (lines 1236–1245; ISO 31000:2018 §6.4.3 risk analysis):

- likelihood L on a scale of 1–4: 1 完全不可能 impossible, 2 不太可能 unlikely, 3 可能 possible,
  4 基本确定 almost certain (report line 1242);
- consequence C_d on 1–5 for each dimension d of finance, reputation, production, human
  capital, compliance and market share (lines 1241–1242);
- the consequences aggregate to one C by a configurable rule: ``max`` (default, C = max_d C_d,
  the worst dimension decides) or ``mean`` (C = Σ_d C_d / n over the rated dimensions);
- score = L × C; the band is the first band whose lower bound the score reaches.

The report publishes no band thresholds: the defaults (very high ≥ 15, high 10–14, medium 5–9,
low < 5, over scores 1–20) are **lingtan's** and labelled so (``bands_source = "lingtan"``).
Pure: no I/O. Invalid configurations and ratings raise :class:`MatrixError` with a catalogue
key (``risk.err.*``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from lingtan.core.messages import msg
from lingtan.modules.risk.catalogue import DEFAULT_HORIZON_YEARS, HORIZONS
from lingtan.modules.risk.errors import MatrixError

#: the report's consequence dimensions (lines 1241–1242)
DIMENSIONS: Final[tuple[str, ...]] = (
    "finance",
    "reputation",
    "production",
    "human_capital",
    "compliance",
    "market_share",
)

#: aggregation rules of the consequences
AGGREGATIONS: Final[tuple[str, ...]] = ("max", "mean")

#: lingtan's default bands, highest first: (band, lowest score in it)
DEFAULT_BANDS: Final[tuple[tuple[str, float], ...]] = (
    ("very_high", 15.0),
    ("high", 10.0),
    ("medium", 5.0),
    ("low", 0.0),
)

#: default review intervals in months (report lines 1244–1245): every item yearly, very high
#: items twice a year, items of key units quarterly
DEFAULT_CADENCE: Final[dict[str, int]] = {"default": 12, "very_high": 6, "key_unit": 3}


@dataclass(frozen=True)
class Rating:
    """A computed rating: the likelihood, the aggregated consequence C, score = L × C, band."""

    likelihood: int
    consequence: float
    score: float
    band: str

    @property
    def cell(self) -> tuple[int, int]:
        """The heat-map cell (likelihood, consequence rounded half up to a whole level)."""
        return self.likelihood, math.floor(self.consequence + 0.5)


@dataclass(frozen=True)
class RiskMatrix:
    """An organisation's scoring matrix (module docstring). ``bands`` highest first, the last
    band's lower bound 0; ``horizons`` in years [from, to); ``cadence`` in months."""

    likelihood_levels: int = 4
    consequence_levels: int = 5
    dimensions: tuple[str, ...] = DIMENSIONS
    aggregation: str = "max"
    bands: tuple[tuple[str, float], ...] = DEFAULT_BANDS
    bands_source: str = "lingtan"
    horizons: Mapping[str, tuple[int, int]] = field(
        default_factory=lambda: dict(DEFAULT_HORIZON_YEARS)
    )
    cadence: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_CADENCE))

    def __post_init__(self) -> None:
        self.validate()

    # --- validation -----------------------------------------------------------------------
    def validate(self) -> None:
        """Raise :class:`MatrixError` for a scale without levels, an unknown aggregation, no
        dimension or a repeated one, bands not strictly descending or not ending at 0, bad
        horizon ranges or review intervals."""
        if not 2 <= self.likelihood_levels <= 10:
            raise MatrixError(msg("risk.err.matrix_levels", low=2, high=10), "likelihood_levels")
        if not 2 <= self.consequence_levels <= 10:
            raise MatrixError(msg("risk.err.matrix_levels", low=2, high=10), "consequence_levels")
        if self.aggregation not in AGGREGATIONS:
            raise MatrixError(
                msg(
                    "risk.err.matrix_aggregation",
                    value=self.aggregation,
                    allowed=", ".join(AGGREGATIONS),
                ),
                "aggregation",
            )
        if not self.dimensions or len(set(self.dimensions)) != len(self.dimensions):
            raise MatrixError(msg("risk.err.matrix_dimensions"), "dimensions")
        for d in self.dimensions:
            if not d or not d.replace("_", "").isalnum() or not d.isascii():
                raise MatrixError(msg("risk.err.matrix_dimension", value=d), "dimensions")
        if not self.bands:
            raise MatrixError(msg("risk.err.matrix_bands"), "bands")
        names = [b for b, _ in self.bands]
        lows = [lo for _, lo in self.bands]
        if len(set(names)) != len(names) or any(not n for n in names):
            raise MatrixError(msg("risk.err.matrix_bands"), "bands")
        if any(not math.isfinite(lo) for lo in lows) or lows[-1] != 0:
            raise MatrixError(msg("risk.err.matrix_bands"), "bands")
        if any(a <= b for a, b in itertools.pairwise(lows)):
            raise MatrixError(msg("risk.err.matrix_bands"), "bands")
        if set(self.horizons) != set(HORIZONS):
            raise MatrixError(msg("risk.err.matrix_horizons"), "horizons")
        previous = 0
        for h in HORIZONS:
            start, end = self.horizons[h]
            if start != previous or end <= start:
                raise MatrixError(msg("risk.err.matrix_horizons"), "horizons")
            previous = end
        for key in ("default", "very_high", "key_unit"):
            months = self.cadence.get(key)
            if not isinstance(months, int) or not 1 <= months <= 60:
                raise MatrixError(msg("risk.err.matrix_cadence", low=1, high=60), "cadence")

    # --- rating ---------------------------------------------------------------------------
    @property
    def max_score(self) -> float:
        """The highest score the matrix can give (L_max × C_max)."""
        return float(self.likelihood_levels * self.consequence_levels)

    def band_of(self, score: float) -> str:
        """The band a score falls in (the first, highest first, whose lower bound it reaches)."""
        for name, low in self.bands:
            if score >= low:
                return name
        return self.bands[-1][0]

    def check(self, likelihood: int | None, consequences: Mapping[str, int]) -> None:
        """Raise :class:`MatrixError` for a likelihood outside 1…L_max, an unknown dimension or
        a consequence outside 1…C_max."""
        if likelihood is not None and (
            isinstance(likelihood, bool) or not 1 <= likelihood <= self.likelihood_levels
        ):
            raise MatrixError(
                msg("risk.err.likelihood", value=str(likelihood), high=self.likelihood_levels),
                "likelihood",
            )
        for dim, value in consequences.items():
            if dim not in self.dimensions:
                raise MatrixError(
                    msg("risk.err.dimension", value=dim, allowed=", ".join(self.dimensions)), dim
                )
            if isinstance(value, bool) or not 1 <= value <= self.consequence_levels:
                raise MatrixError(
                    msg("risk.err.consequence", value=str(value), high=self.consequence_levels),
                    dim,
                )

    def aggregate(self, consequences: Mapping[str, int]) -> float | None:
        """C over the matrix's dimensions by the aggregation rule (None when none is rated)."""
        values = [v for d, v in consequences.items() if d in self.dimensions]
        if not values:
            return None
        if self.aggregation == "mean":
            return sum(values) / len(values)
        return float(max(values))

    def rate(self, likelihood: int | None, consequences: Mapping[str, int]) -> Rating | None:
        """The rating, or None while the item is unrated (no likelihood or no consequence).
        Consequences of dimensions the matrix does not have are refused (:meth:`check`)."""
        self.check(likelihood, consequences)
        c = self.aggregate(consequences)
        if likelihood is None or c is None:
            return None
        score = likelihood * c
        return Rating(likelihood, c, score, self.band_of(score))

    # --- (de)serialisation ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready document (stored in ``risk_matrix.config``, read by :meth:`from_dict`)."""
        return {
            "likelihood_levels": self.likelihood_levels,
            "consequence_levels": self.consequence_levels,
            "dimensions": list(self.dimensions),
            "aggregation": self.aggregation,
            "bands": [{"band": b, "min": lo} for b, lo in self.bands],
            "bands_source": self.bands_source,
            "horizons": {h: list(self.horizons[h]) for h in HORIZONS},
            "cadence": dict(self.cadence),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RiskMatrix:
        """A matrix from a document (missing keys take the defaults); a malformed document
        raises :class:`MatrixError`."""
        base = cls()
        try:
            kwargs: dict[str, Any] = {}
            if "likelihood_levels" in data:
                kwargs["likelihood_levels"] = _int(data["likelihood_levels"])
            if "consequence_levels" in data:
                kwargs["consequence_levels"] = _int(data["consequence_levels"])
            if "dimensions" in data:
                kwargs["dimensions"] = tuple(str(d) for d in data["dimensions"])
            if "aggregation" in data:
                kwargs["aggregation"] = str(data["aggregation"])
            if "bands" in data:
                kwargs["bands"] = tuple((str(b["band"]), float(b["min"])) for b in data["bands"])
            if "bands_source" in data:
                kwargs["bands_source"] = str(data["bands_source"])
            elif kwargs.get("bands", DEFAULT_BANDS) != DEFAULT_BANDS:
                kwargs["bands_source"] = "organisation"
            if "horizons" in data:
                kwargs["horizons"] = {
                    str(h): (_int(v[0]), _int(v[1])) for h, v in dict(data["horizons"]).items()
                }
            if "cadence" in data:
                kwargs["cadence"] = {str(k): _int(v) for k, v in dict(data["cadence"]).items()}
        except (TypeError, ValueError, KeyError, IndexError) as exc:
            raise MatrixError(msg("risk.err.matrix_document"), None) from exc
        if not isinstance(data.get("dimensions", []), list | tuple):
            raise MatrixError(msg("risk.err.matrix_document"), "dimensions")
        return replace(base, **kwargs)


def _int(value: Any) -> int:
    """An integer from a document value (a bool or a fraction is refused)."""
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(value)
    return int(value)
