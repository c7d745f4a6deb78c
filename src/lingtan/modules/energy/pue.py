"""Power usage effectiveness of a data centre (ISO/IEC 30134-2:2016; issue 16 item 3).

    PUE = total facility energy / IT equipment energy     [-], ≥ 1

Both energies over the same period (ISO/IEC 30134-2 asks for a year, "PUE category 1–3" by
where IT energy is measured; monthly values are shown as a trend). The report's data centre runs
"as low as 1.1" (line 437): :data:`REPORT_TARGET` is drawn as a target line.

GB 40879-2021 数据中心能效限定值及能效等级 grades data centres by a similar ratio (电能比):
grade 1 ≤ 1.20, grade 2 ≤ 1.30, grade 3 ≤ 1.50 (the limit) [K — verify against the standard
before relying on it]; :func:`gb40879_grade` is informative.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lingtan.core.messages import msg
from lingtan.modules.energy.errors import EnergyError

#: the report's figure, "PUE as low as 1.1" (line 437)
REPORT_TARGET = 1.1
#: GB 40879-2021 grade limits (upper bounds of grades 1, 2, 3) [K]
GB40879_LIMITS: tuple[float, float, float] = (1.20, 1.30, 1.50)


def pue(facility_kwh: float, it_kwh: float) -> float:
    """PUE = facility / IT energy [-] (ISO/IEC 30134-2).

    Raises:
        EnergyError: IT energy not positive, a non-finite value, or facility < IT (the facility
            meter includes the IT load, so PUE < 1 means the meters are wrong).
    """
    f, it = float(facility_kwh), float(it_kwh)
    for name, v in (("facility_kwh", f), ("it_kwh", it)):
        if not math.isfinite(v):
            raise EnergyError(msg("energy.err.not_finite", field=name, value=str(v)), name)
    if it <= 0:
        raise EnergyError(msg("energy.err.not_positive", field="it_kwh", value=str(it)), "it_kwh")
    if f < it:
        raise EnergyError(msg("energy.err.pue_below_one", facility=f, it=it), "facility_kwh")
    return f / it


def pue_series(facility_kwh: Any, it_kwh: Any) -> np.ndarray:
    """Element-wise PUE of two arrays (e.g. monthly) [-]; NaN where IT energy is 0 or a value
    is missing. Values below 1 are kept (to be shown as a metering problem), not clipped."""
    f = np.asarray(facility_kwh, dtype=np.float64)
    it = np.asarray(it_kwh, dtype=np.float64)
    if f.shape != it.shape:
        raise EnergyError(
            msg("energy.err.length_mismatch", a="facility_kwh", b="it_kwh", n=f.size, m=it.size),
            "it_kwh",
        )
    out = np.full(f.shape, np.nan)
    ok = np.isfinite(f) & np.isfinite(it) & (it > 0)
    out[ok] = f[ok] / it[ok]
    return out


def gb40879_grade(value: float) -> int | None:
    """GB 40879-2021 grade (1 best … 3 the limit) of a PUE-like ratio, None above the limit
    [K]."""
    for grade, limit in enumerate(GB40879_LIMITS, start=1):
        if value <= limit:
            return grade
    return None
