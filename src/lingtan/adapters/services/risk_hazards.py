"""Physical risk per site (issue 17 item 5, decision 0083; docs/risk-physical.md).

Exposure records per site of the boundary (coordinates, asset value, revenue per day, currency,
days of interruption at total damage), hazard indicators per site, pathway, year and return
period, imported from CSV/XLSX files or an OS-Climate physrisk hazard-data document
(:mod:`lingtan.adapters.io.hazard_files`, all or nothing, every wrong cell named), the
organisation's own vulnerability curves (else lingtan's illustrative defaults), and what
follows from them (:mod:`lingtan.modules.risk.physical`): expected annual damage and business
interruption per site and for the group, and the IFRS S2 ¶29(c) shares of assets and revenue at
sites above a hazard threshold. :func:`physical_loss` hands the group's figures of a pathway
and year to the scenario runs; :func:`load_demo` fills the demo's sites with public city
coordinates and ILLUSTRATIVE hazards.

All exposure records of an organisation are in one currency (the group's reporting currency):
the roll-up adds them, and lingtan converts no money here. Reading needs ``read``; changing
``edit_data``; every change is an audited row. A refusal is a :class:`HazardsError` with its
catalogue key (``hazards.err.*``, ``hazards.file.*``) and parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.io import hazard_files as hf
from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError, Kind, keyed_refusal, message_text
from lingtan.adapters.services.register_files import cell_error_lines
from lingtan.adapters.store.risk_hazards import (
    HazardIndicatorRow,
    SiteExposureRow,
    VulnerabilityCurveRow,
)
from lingtan.core.messages import Message, msg
from lingtan.modules.risk import physical as ph
from lingtan.modules.risk.errors import HazardError

#: largest import file [bytes]
MAX_FILE_BYTES = 20 * 1024 * 1024
#: what marks the demo's values (kept in each indicator's source)
DEMO_SOURCE = "lingtan demo: ILLUSTRATIVE values, not a hazard model"


class HazardsError(KeyedError):
    """A refused request of physical risk: besides the English ``message`` it carries ``key``
    (``hazards.err.*`` / ``hazards.file.*``) and ``params``."""


class HazardsFileError(HazardsError):
    """An import file was refused: ``errors`` lists every wrong cell."""

    def __init__(self, summary: Message, errors: Sequence[hf.CellIssue]) -> None:
        params = {k: v for k, v in summary.params.items() if isinstance(v, str | int | float)}
        self.errors: tuple[hf.CellIssue, ...] = tuple(errors)
        lines = [message_text(summary), *row_error_lines(self.errors, "en")]
        super().__init__("invalid", summary.key, "\n".join(lines), "file", **params)


def refused(kind: Kind, message: Message, field: str | None = None) -> HazardsError:
    """A :class:`HazardsError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(HazardsError, kind, message, field)


def _from_module(exc: HazardError) -> HazardsError:
    if isinstance(exc, hf.HazardFileError):
        return HazardsFileError(exc.message, [])
    return refused("invalid", exc.message, exc.field)


def row_error_lines(errors: Sequence[hf.CellIssue], locale: str, limit: int = 50) -> list[str]:
    """``file, row r, column c: reason`` of each wrong cell (the first ``limit``)."""
    return cell_error_lines(errors, "hazards.file.row_error", locale, limit)


def _sites(ctx: Context) -> list[str]:
    """The site codes of the workspace's boundary."""
    return sorted(ctx.workspace().config.site_regions())


def _check_size(data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise HazardsError("too_large", "hazards.err.file_size", "a file is at most 20 MiB",
                           "file")  # fmt: skip
    if not data:
        raise refused("invalid", msg("hazards.err.empty_file"), "file")


# ---- exposure ------------------------------------------------------------------------------


def as_exposure(row: SiteExposureRow) -> ph.Exposure:
    """A stored exposure record as the module sees it."""
    return ph.Exposure(row.site, row.latitude, row.longitude, row.asset_value,
                       row.revenue_per_day, row.currency, row.bi_days)  # fmt: skip


def exposure_dict(row: SiteExposureRow) -> dict[str, Any]:
    """An exposure record as plain data."""
    return {**as_exposure(row).to_dict(), "updated_at": row.updated_at}


def list_exposure(db: Session, ctx: Context) -> list[SiteExposureRow]:
    """The organisation's exposure records by site."""
    ctx.require("read")
    return list(db.scalars(select(SiteExposureRow).order_by(SiteExposureRow.site)))


def get_exposure(db: Session, ctx: Context, site: str) -> SiteExposureRow:
    """The exposure record of ``site``.

    Raises:
        HazardsError: 404 (also for another organisation's site).
    """
    ctx.require("read")
    row = db.scalar(select(SiteExposureRow).where(SiteExposureRow.site == site))
    if row is None:
        raise refused("not_found", msg("hazards.err.no_exposure", site=site[:80]), "site")
    return row


def _group_currency(db: Session, *, besides: Iterable[str] = ()) -> str | None:
    """The currency of the stored exposure records (those of ``besides`` left out)."""
    skip = set(besides)
    for row in db.scalars(select(SiteExposureRow)):
        if row.site not in skip:
            return row.currency
    return None


def _check_boundary(ctx: Context, site: str) -> None:
    if site not in ctx.workspace().config.site_regions():
        raise refused("invalid", msg("hazards.err.unknown_site", value=site[:80]), "site")


def _upsert(db: Session, e: ph.Exposure) -> SiteExposureRow:
    row = db.scalar(select(SiteExposureRow).where(SiteExposureRow.site == e.site))
    values = e.to_dict()
    if row is None:
        row = SiteExposureRow(**values)
        db.add(row)
    else:
        for k, v in values.items():
            if getattr(row, k) != v:
                setattr(row, k, v)
    return row


def set_exposure(db: Session, ctx: Context, fields: dict[str, Any]) -> SiteExposureRow:
    """Record (or replace) the exposure of a site of the boundary: every field of
    :data:`lingtan.modules.risk.physical.EXPOSURE_FIELDS`, in the currency of the other sites.

    Raises:
        HazardsError: 403; 422 a field invalid or missing, a site outside the boundary, another
            currency than the organisation's.
    """
    ctx.require("edit_data")
    unknown = sorted(set(fields) - set(ph.EXPOSURE_FIELDS))
    if unknown:
        raise refused("invalid", msg("hazards.err.field", value=unknown[0][:40]), unknown[0])
    try:
        e = ph.exposure(**fields)
    except HazardError as exc:
        raise _from_module(exc) from exc
    _check_boundary(ctx, e.site)
    current = _group_currency(db, besides=[e.site])
    if current is not None and current != e.currency:
        raise refused("invalid", msg("hazards.err.mixed_currency", site=e.site, value=e.currency,
                                     expected=current), "currency")  # fmt: skip
    row = _upsert(db, e)
    db.commit()
    return row


def delete_exposure(db: Session, ctx: Context, site: str) -> None:
    """Remove a site's exposure record (its indicators stay).

    Raises:
        HazardsError: 403; 404.
    """
    ctx.require("edit_data")
    db.delete(get_exposure(db, ctx, site))
    db.commit()


def import_exposure(
    db: Session, ctx: Context, data: bytes, file_name: str, *, encoding: str | None = None
) -> int:
    """Record the exposure of every site of a CSV/XLSX file (exact headers
    :data:`~lingtan.modules.risk.physical.EXPOSURE_FIELDS`), replacing the sites' records.
    All or nothing: every wrong cell named; the sites must be of the boundary, the currency
    one for the whole organisation. Returns the number of records written.

    Raises:
        HazardsError: 403; 413 above 20 MiB; 422 (:class:`HazardsFileError`).
    """
    ctx.require("edit_data")
    source = Path(file_name).name or "exposure.csv"
    _check_size(data)
    try:
        records, issues = hf.read_exposure_file(data, source, encoding=encoding)
    except HazardError as exc:
        raise _from_module(exc) from exc
    sites = set(_sites(ctx))
    rows = _site_rows(data, source, ph.EXPOSURE_FIELDS, encoding)
    current = _group_currency(db, besides=[e.site for e in records])
    expected = current or (records[0].currency if records else None)
    issues = list(issues)
    for e in records:
        if e.site not in sites:
            issues.append(hf.CellIssue(source, rows.get(e.site, 0), "site",
                                       msg("hazards.err.unknown_site", value=e.site)))  # fmt: skip
        if e.currency != expected:
            issues.append(hf.CellIssue(source, rows.get(e.site, 0), "currency", msg(
                "hazards.err.mixed_currency", site=e.site, value=e.currency,
                expected=expected or "")))  # fmt: skip
    if issues:
        issues = sorted(issues, key=lambda i: (i.row, i.column))
        raise HazardsFileError(msg("hazards.file.rows", n=len(issues)), issues)
    if not records:
        raise HazardsFileError(msg("hazards.file.nothing", file=source), [])
    for e in records:
        _upsert(db, e)
    db.commit()
    return len(records)


def _site_rows(
    data: bytes, source: str, columns: tuple[str, ...], encoding: str | None
) -> dict[str, int]:
    """The first row of each site code in a file already read (to name a cell found wrong
    after reading: a site outside the boundary, another currency)."""
    rows: dict[str, int] = {}
    for n, cells in hf.read_table(data, source, columns, encoding):
        rows.setdefault(str(cells.get("site", "")).strip(), n)
    return rows


# ---- hazard indicators ---------------------------------------------------------------------


def as_indicator(row: HazardIndicatorRow) -> ph.Indicator:
    """A stored indicator as the module sees it."""
    return ph.Indicator(row.site, row.hazard, row.pathway, row.year, row.return_period,
                        row.value, row.unit, row.source)  # fmt: skip


def indicator_dict(row: HazardIndicatorRow) -> dict[str, Any]:
    """An indicator as plain data."""
    return {"id": row.id, **as_indicator(row).to_dict()}


def list_indicators(
    db: Session,
    ctx: Context,
    *,
    site: str | None = None,
    hazard: str | None = None,
    pathway: str | None = None,
    year: int | None = None,
) -> list[HazardIndicatorRow]:
    """The organisation's indicators, filtered, by site, hazard, pathway, year, return period."""
    ctx.require("read")
    q = select(HazardIndicatorRow)
    if site:
        q = q.where(HazardIndicatorRow.site == site)
    if hazard:
        q = q.where(HazardIndicatorRow.hazard == hazard)
    if pathway:
        q = q.where(HazardIndicatorRow.pathway == pathway)
    if year is not None:
        q = q.where(HazardIndicatorRow.year == year)
    rows = list(db.scalars(q))
    return sorted(rows, key=lambda r: (r.site, r.hazard, r.pathway, r.year,
                                       r.return_period or 0.0))  # fmt: skip


@dataclass(frozen=True)
class HazardImport:
    """What an indicator import did: rows ``created`` and ``replaced`` (same key)."""

    created: int
    replaced: int


def _store_indicators(db: Session, indicators: Sequence[ph.Indicator]) -> HazardImport:
    """Write ``indicators``, replacing stored rows of the same key."""
    keys = {i.key() for i in indicators}
    pairs = {(i.pathway, i.year) for i in indicators}
    replaced = 0
    for pathway, year in pairs:
        q = select(HazardIndicatorRow).where(HazardIndicatorRow.pathway == pathway,
                                             HazardIndicatorRow.year == year)  # fmt: skip
        for row in db.scalars(q):
            if as_indicator(row).key() in keys:
                db.delete(row)
                replaced += 1
    db.flush()
    db.add_all(HazardIndicatorRow(**i.to_dict()) for i in indicators)
    db.commit()
    return HazardImport(len(indicators), replaced)


def import_hazards(
    db: Session,
    ctx: Context,
    data: bytes,
    file_name: str,
    *,
    fmt: str | None = None,
    encoding: str | None = None,
) -> HazardImport:
    """Import hazard indicators: ``fmt`` ``table`` (CSV/XLSX, exact headers
    :data:`~lingtan.modules.risk.physical.INDICATOR_FIELDS`) or ``physrisk`` (an OS-Climate
    physrisk hazard-data document; locations matched to the sites' recorded coordinates); by
    default ``physrisk`` for a ``.json`` file. All or nothing; rows of the same key (site,
    hazard, pathway, year, return period) replace the stored ones.

    Raises:
        HazardsError: 403; 413; 422 (:class:`HazardsFileError`: every wrong cell named; sites
            outside the boundary).
    """
    ctx.require("edit_data")
    source = Path(file_name).name or "hazards.csv"
    _check_size(data)
    kind = fmt or ("physrisk" if source.lower().endswith(".json") else "table")
    if kind not in ("table", "physrisk"):
        raise refused("invalid", msg("hazards.err.format", value=kind[:20]), "format")
    try:
        if kind == "physrisk":
            coords = {r.site: (r.latitude, r.longitude) for r in list_exposure(db, ctx)}
            records, issues = hf.read_physrisk(data, source, coords)
        else:
            records, issues = hf.read_indicator_file(data, source, encoding=encoding)
    except HazardError as exc:
        raise _from_module(exc) from exc
    sites = set(_sites(ctx))
    unknown = sorted({i.site for i in records} - sites)
    if unknown:
        rows = _site_rows(data, source, ph.INDICATOR_FIELDS, encoding) if kind == "table" else {}
        issues = list(issues) + [
            hf.CellIssue(source, rows.get(site, 0), "site",
                         msg("hazards.err.unknown_site", value=site))
            for site in unknown
        ]  # fmt: skip
    if issues:
        issues = sorted(issues, key=lambda i: (i.row, i.column))
        raise HazardsFileError(msg("hazards.file.rows", n=len(issues)), issues)
    if not records:
        raise HazardsFileError(msg("hazards.file.nothing", file=source), [])
    return _store_indicators(db, records)


def delete_indicators(
    db: Session, ctx: Context, *, pathway: str | None = None, year: int | None = None
) -> int:
    """Remove the indicators of a pathway (and year), or all; the number removed."""
    ctx.require("edit_data")
    rows = list_indicators(db, ctx, pathway=pathway, year=year)
    for row in rows:
        db.delete(row)
    db.commit()
    return len(rows)


def layers(db: Session, ctx: Context) -> list[tuple[str, int]]:
    """The (pathway, year) pairs with indicators, pathway codes in :data:`~ph.PATHWAYS` order."""
    ctx.require("read")
    got = {
        (str(p), int(y))
        for p, y in db.execute(select(HazardIndicatorRow.pathway, HazardIndicatorRow.year))
    }
    order = {p: n for n, p in enumerate(ph.PATHWAYS)}
    return sorted(got, key=lambda py: (order.get(py[0], len(order)), py[0], py[1]))


# ---- vulnerability curves ------------------------------------------------------------------


def curves(db: Session, ctx: Context) -> dict[str, ph.Curve]:
    """The curve of each acute hazard: the organisation's own, else lingtan's default."""
    ctx.require("read")
    out = dict(ph.DEFAULT_CURVES)
    for row in db.scalars(select(VulnerabilityCurveRow)):
        out[row.hazard] = ph.Curve(row.hazard, row.unit,
                                   tuple((float(x), float(y)) for x, y in row.points),
                                   row.label, row.source)  # fmt: skip
    return out


def set_curve(
    db: Session, ctx: Context, hazard: str, points: Sequence[Sequence[Any]], label: str, source: str
) -> VulnerabilityCurveRow:
    """Set the organisation's damage curve of an acute hazard (replacing the default).

    Raises:
        HazardsError: 403; 422 an invalid curve (named).
    """
    ctx.require("edit_data")
    try:
        c = ph.curve(hazard, points, label, source)
    except HazardError as exc:
        raise _from_module(exc) from exc
    row = db.scalar(select(VulnerabilityCurveRow).where(VulnerabilityCurveRow.hazard == c.hazard))
    values = {"hazard": c.hazard, "unit": c.unit, "points": [list(p) for p in c.points],
              "label": c.label, "source": c.source}  # fmt: skip
    if row is None:
        row = VulnerabilityCurveRow(**values)
        db.add(row)
    else:
        for k, v in values.items():
            setattr(row, k, v)
    db.commit()
    return row


def reset_curve(db: Session, ctx: Context, hazard: str) -> bool:
    """Go back to lingtan's default curve of ``hazard``; True when an own curve was removed."""
    ctx.require("edit_data")
    row = db.scalar(select(VulnerabilityCurveRow).where(VulnerabilityCurveRow.hazard == hazard))
    if row is None:
        return False
    db.delete(row)
    db.commit()
    return True


# ---- risks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteRisks:
    """The risk of every site with an exposure record under ``pathway`` and ``year``: per site,
    the group's roll-up (None without exposure), and the sites that have indicators but no
    exposure record (left out of the figures)."""

    pathway: str
    year: int
    sites: tuple[ph.SiteRisk, ...]
    group: ph.GroupRisk | None
    without_exposure: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """As plain data."""
        return {"pathway": self.pathway, "year": self.year,
                "sites": [s.to_dict() for s in self.sites],
                "group": self.group.to_dict() if self.group else None,
                "without_exposure": list(self.without_exposure)}  # fmt: skip


def _pathway_year(pathway: str, year: int) -> tuple[str, int]:
    """A layer asked for: a valid pathway and a year 0–2150 (a year without data simply has
    no figures; the stricter range applies to stored indicators)."""
    try:
        p = ph.check_pathway(pathway)
    except HazardError as exc:
        raise _from_module(exc) from exc
    if isinstance(year, bool) or not isinstance(year, int) or not 0 <= year <= 2150:
        raise refused("invalid", msg("hazards.err.year", value=str(year)[:20]), "year")
    return p, year


def _inputs(
    db: Session, ctx: Context, pathway: str, year: int
) -> tuple[list[ph.Exposure], list[ph.Indicator]]:
    exposures = [as_exposure(r) for r in list_exposure(db, ctx)]
    indicators = [as_indicator(r) for r in list_indicators(db, ctx, pathway=pathway, year=year)]
    return exposures, indicators


def site_risks(db: Session, ctx: Context, pathway: str, year: int) -> SiteRisks:
    """EAD and BI per site and for the group under ``pathway`` in ``year``
    (:func:`lingtan.modules.risk.physical.site_risk`, the organisation's curves).

    Raises:
        HazardsError: 422 an invalid pathway or year.
    """
    p, y = _pathway_year(pathway, year)
    exposures, indicators = _inputs(db, ctx, p, y)
    use = curves(db, ctx)
    risks = tuple(ph.site_risk(e, indicators, use) for e in exposures)
    try:
        group = ph.rollup(risks, exposures[0].currency) if exposures else None
    except HazardError as exc:
        raise _from_module(exc) from exc
    missing = tuple(sorted({i.site for i in indicators} - {e.site for e in exposures}))
    return SiteRisks(p, y, risks, group, missing)


def shares(
    db: Session,
    ctx: Context,
    pathway: str,
    year: int,
    hazard: str | None = None,
    *,
    threshold: float | None = None,
    return_period: float | None = None,
) -> list[ph.Share]:
    """IFRS S2 ¶29(c): the share of asset value and revenue at sites above a hazard threshold
    under ``pathway`` in ``year`` — for ``hazard`` with ``threshold`` (and ``return_period``
    for an acute one), or for every hazard with indicators at lingtan's default thresholds
    (:data:`~lingtan.modules.risk.physical.DEFAULT_THRESHOLDS`).

    Raises:
        HazardsError: 422 an unknown hazard, a return period missing or not applicable.
    """
    p, y = _pathway_year(pathway, year)
    exposures, indicators = _inputs(db, ctx, p, y)
    if hazard is None:
        present = {i.hazard for i in indicators}
        wanted = [(h, *ph.DEFAULT_THRESHOLDS[h]) for h in ph.HAZARDS if h in present]
    else:
        try:
            h = ph.check_hazard(hazard)
        except HazardError as exc:
            raise _from_module(exc) from exc
        dflt, dflt_rp = ph.DEFAULT_THRESHOLDS[h]
        rp = return_period if return_period is not None else dflt_rp
        wanted = [(h, dflt if threshold is None else threshold, rp)]
    try:
        return [ph.share_above(exposures, indicators, h, t, rp) for h, t, rp in wanted]
    except HazardError as exc:
        raise _from_module(exc) from exc


@dataclass(frozen=True)
class PhysicalLoss:
    """The group's physical loss under a pathway in a year [``currency``/yr]: expected annual
    damage, business interruption and their sum, the number of sites, and per hazard."""

    pathway: str
    year: int
    currency: str
    ead: float
    bi: float
    total: float
    sites: int
    by_hazard: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """As plain data."""
        return {"pathway": self.pathway, "year": self.year, "currency": self.currency,
                "ead": self.ead, "bi": self.bi, "total": self.total, "sites": self.sites,
                "by_hazard": dict(self.by_hazard)}  # fmt: skip


def physical_loss(db: Session, ctx: Context, pathway: str, year: int) -> PhysicalLoss | None:
    """The group's EAD + BI under ``pathway`` in ``year`` (for the scenario runs); None when
    there is no acute hazard indicator for that pathway and year, or no exposure record."""
    try:
        p, y = _pathway_year(pathway, year)
    except HazardsError:
        return None
    risks = site_risks(db, ctx, p, y)
    g = risks.group
    if g is None or not any(s.losses for s in risks.sites):
        return None
    return PhysicalLoss(p, y, g.currency, g.ead, g.bi, g.total, g.sites, dict(g.by_hazard))


# ---- the demo ------------------------------------------------------------------------------

#: the demo's sites: public coordinates of their cities [degrees N, degrees E] and ILLUSTRATIVE
#: exposure (asset value [CNY], revenue per day [CNY], days down at total damage)
DEMO_SITES: dict[str, tuple[float, float, float, float, float]] = {
    "TJ-FACTORY": (39.084, 117.201, 1.6e9, 9.0e6, 90),  # Tianjin
    "HF-FACTORY": (31.821, 117.227, 2.4e9, 1.5e7, 90),  # Hefei
    "WH-FACTORY": (30.593, 114.305, 1.9e9, 1.1e7, 90),  # Wuhan
    "SZ-FACTORY": (22.543, 114.058, 1.7e9, 1.0e7, 90),  # Shenzhen
    "BJ-HQ": (39.904, 116.407, 8.0e8, 2.0e6, 30),  # Beijing
    "SH-OFFICE": (31.230, 121.474, 1.2e8, 6.0e5, 20),  # Shanghai
    "HK-OFFICE": (22.319, 114.169, 9.0e7, 4.0e5, 20),  # Hong Kong
    "UK-OFFICE": (51.507, -0.128, 3.0e7, 1.5e5, 15),  # London
    "US-OFFICE": (37.339, -121.895, 4.0e7, 2.0e5, 15),  # San Jose, California
    "SUZ-MOULDING": (31.299, 120.585, 3.5e8, 1.5e6, 60),  # Suzhou
}
#: ILLUSTRATIVE baseline hazards of the demo sites: acute {hazard: {RP: intensity}}, chronic
#: {hazard: value}; invented for the demo, not from a hazard model
_DEMO_ACUTE: dict[str, dict[str, dict[float, float]]] = {
    "TJ-FACTORY": {"riverine_flood": {10: 0.0, 100: 0.4, 500: 0.9},
                   "coastal_flood": {10: 0.0, 100: 0.3, 500: 0.8}},
    "HF-FACTORY": {"riverine_flood": {10: 0.1, 100: 0.6, 500: 1.1}},
    "WH-FACTORY": {"riverine_flood": {10: 0.3, 100: 1.2, 500: 2.0}},
    "SZ-FACTORY": {"coastal_flood": {10: 0.0, 100: 0.5, 500: 1.0},
                   "typhoon_wind": {10: 33.0, 100: 48.0, 500: 58.0}},
    "BJ-HQ": {"riverine_flood": {10: 0.0, 100: 0.2, 500: 0.5}},
    "SH-OFFICE": {"coastal_flood": {10: 0.0, 100: 0.4, 500: 0.9},
                  "typhoon_wind": {10: 30.0, 100: 42.0, 500: 50.0}},
    "HK-OFFICE": {"typhoon_wind": {10: 35.0, 100: 50.0, 500: 60.0}},
    "SUZ-MOULDING": {"riverine_flood": {10: 0.1, 100: 0.5, 500: 1.0}},
}  # fmt: skip
_DEMO_CHRONIC: dict[str, dict[str, float]] = {
    "TJ-FACTORY": {"heat": 12, "water_stress": 4.2},
    "HF-FACTORY": {"heat": 25, "water_stress": 2.0},
    "WH-FACTORY": {"heat": 30, "water_stress": 1.5},
    "SZ-FACTORY": {"heat": 8, "water_stress": 2.5},
    "BJ-HQ": {"heat": 15, "water_stress": 4.5},
    "SH-OFFICE": {"heat": 18, "water_stress": 1.8},
    "HK-OFFICE": {"heat": 5, "water_stress": 1.2},
    "UK-OFFICE": {"heat": 0, "water_stress": 1.0},
    "US-OFFICE": {"heat": 3, "water_stress": 3.5},
    "SUZ-MOULDING": {"heat": 20, "water_stress": 1.6},
}
#: ILLUSTRATIVE growth of the intensities per decade after 2020, by pathway
_DEMO_GROWTH = {"SSP1-2.6": 0.03, "SSP2-4.5": 0.06, "SSP5-8.5": 0.12}
DEMO_YEARS = (2030, 2040, 2050)


def demo_indicators(sites: Iterable[str]) -> list[ph.Indicator]:
    """The ILLUSTRATIVE indicators of the demo ``sites``: the baseline (``historical``, year 0)
    and, for each pathway of :data:`_DEMO_GROWTH` and year of :data:`DEMO_YEARS`, the baseline
    × (1 + growth × decades after 2020), rounded."""
    out = []
    wanted = set(sites)
    cases = [("historical", 0, 1.0)] + [
        (p, y, 1.0 + g * (y - 2020) / 10) for p, g in _DEMO_GROWTH.items() for y in DEMO_YEARS
    ]
    for pathway, year, k in cases:
        for site in sorted(wanted & set(DEMO_SITES)):
            for hazard, points in _DEMO_ACUTE.get(site, {}).items():
                for rp, x in points.items():
                    out.append(ph.indicator(site, hazard, pathway, year, rp, round(x * k, 2),
                                            ph.HAZARDS[hazard].unit, DEMO_SOURCE))  # fmt: skip
            for hazard, v in _DEMO_CHRONIC.get(site, {}).items():
                value = min(5.0, v * k) if hazard == "water_stress" else v * k
                out.append(ph.indicator(site, hazard, pathway, year, None, round(value, 2),
                                        ph.HAZARDS[hazard].unit, DEMO_SOURCE))  # fmt: skip
    return out


def load_demo(db: Session, ctx: Context) -> int:
    """Record the demo's sites (those of :data:`DEMO_SITES` in the boundary): coordinates of
    their cities, ILLUSTRATIVE exposure in CNY and ILLUSTRATIVE hazards (:func:`demo_indicators`)
    replacing earlier ones. Idempotent; returns the number of rows written.

    Raises:
        HazardsError: 403; 422 the organisation's exposure is in another currency.
    """
    ctx.require("edit_data")
    sites = [s for s in _sites(ctx) if s in DEMO_SITES]
    current = _group_currency(db, besides=sites)
    if current is not None and current != "CNY":
        raise refused("invalid", msg("hazards.err.mixed_currency", site=sites[0] if sites else "",
                                     value="CNY", expected=current), "currency")  # fmt: skip
    for site in sites:
        lat, lon, assets, revenue, days = DEMO_SITES[site]
        _upsert(db, ph.Exposure(site, lat, lon, assets, revenue, "CNY", days))
    db.commit()
    indicators = demo_indicators(sites)
    if indicators:
        _store_indicators(db, indicators)
    return len(sites) + len(indicators)
