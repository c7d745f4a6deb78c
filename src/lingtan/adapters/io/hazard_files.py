"""The files of physical risk per site (issue 17 item 5, decision 0083; docs/risk-physical.md):

- an **exposure file** (CSV or XLSX, first sheet; exactly the headers
  :data:`lingtan.modules.risk.physical.EXPOSURE_FIELDS`, any order);
- an **indicator file** (CSV or XLSX; exactly the headers
  :data:`lingtan.modules.risk.physical.INDICATOR_FIELDS`; ``return_period`` blank for a chronic
  hazard);
- an **OS-Climate physrisk** hazard-data document (JSON): physrisk's ``HazardDataRequest`` and
  its ``HazardDataResponse`` side by side, ``{"request": {"items": [...]}, "response":
  {"items": [...]}}``. A response item (``request_item_id``, ``hazard_type``,
  ``indicator_id``, ``scenario``, ``year``, ``intensity_curve_set``) has one intensity curve
  per location of the request item of the same id (``latitudes[i]``, ``longitudes[i]``); a
  location is the site whose recorded coordinates are within :data:`COORD_TOLERANCE` degrees.
  A response alone is read when each item's ``request_item_id`` is a site code and the item
  has one curve. An acute curve's ``index_values`` (or the older ``return_periods``) are the
  return periods in years; a chronic one has one intensity. Curves with no intensities (no
  data for that place) are left out. Scenarios ``ssp585``, ``rcp8p5`` … become the pathway
  codes ``SSP5-8.5``, ``RCP8.5`` …; ``historical`` with year -1 becomes year 0.

Every reader checks every cell and returns the records with the list of wrong cells
(:class:`CellIssue`: file, row, column, keyed reason); the service refuses a file with any
(all or nothing). Nothing is fetched: the files are the user's.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lingtan.core.errors import LingtanError
from lingtan.core.messages import Message, msg
from lingtan.modules.risk import physical as ph
from lingtan.modules.risk.errors import HazardError

#: how close a physrisk location must be to a site's coordinates [degrees]
COORD_TOLERANCE = 1e-4

#: physrisk hazard classes → lingtan hazards
PHYSRISK_HAZARDS = {
    "RiverineInundation": "riverine_flood",
    "CoastalInundation": "coastal_flood",
    "Wind": "typhoon_wind",
    "TropicalCyclone": "typhoon_wind",
    "ChronicHeat": "heat",
    "WaterRisk": "water_stress",
}

#: physrisk scenario ids → pathway codes
PHYSRISK_SCENARIOS = {
    "historical": "historical",
    "ssp119": "SSP1-1.9",
    "ssp126": "SSP1-2.6",
    "ssp245": "SSP2-4.5",
    "ssp370": "SSP3-7.0",
    "ssp585": "SSP5-8.5",
    "rcp2p6": "RCP2.6",
    "rcp4p5": "RCP4.5",
    "rcp6p0": "RCP6.0",
    "rcp8p5": "RCP8.5",
}


@dataclass(frozen=True)
class CellIssue:
    """A wrong cell: ``source`` (file name), ``row`` (1 = the header; for JSON the response
    item's number), ``column`` (a header, or a JSON path) and the keyed reason."""

    source: str
    row: int
    column: str
    message: Message


class HazardFileError(HazardError):
    """A file that cannot be read at all (encoding, not a table, wrong headers, not JSON)."""


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return str(value).strip()


def _grid(data: bytes, source: str, encoding: str | None) -> list[list[Any]]:
    from lingtan.adapters.io.grid_files import GridFileError, read_grid

    try:
        grid = read_grid(data, source, encoding=encoding)
    except (GridFileError, LingtanError) as exc:
        raise HazardFileError(msg("hazards.file.unreadable", file=source), "file") from exc
    return [r for r in grid if any(_cell(c) != "" for c in r)]


def read_table(
    data: bytes, source: str, columns: tuple[str, ...], encoding: str | None
) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {header: cell}) of a table whose headers are exactly ``columns``."""
    grid = _grid(data, source, encoding)
    if not grid:
        raise HazardFileError(msg("hazards.file.empty", file=source), "file")
    header = [_cell(c) for c in grid[0]]
    while header and header[-1] == "":
        header.pop()
    missing = [c for c in columns if c not in header]
    unknown = [h for h in header if h not in columns]
    twice = sorted({h for h in header if header.count(h) > 1})
    if missing or unknown or twice:
        raise HazardFileError(
            msg("hazards.file.headers", file=source, expected=", ".join(columns),
                found=", ".join(header)[:300]),
            "file",
        )  # fmt: skip
    rows = []
    for n, cells in enumerate(grid[1:], start=2):
        rows.append((n, {h: _cell(cells[i]) if i < len(cells) else "" for i, h in
                         enumerate(header)}))  # fmt: skip
    return rows


def read_exposure_file(
    data: bytes, source: str, *, encoding: str | None = None
) -> tuple[list[ph.Exposure], list[CellIssue]]:
    """The exposure records of a file and its wrong cells (each cell checked on its own).

    Raises:
        HazardFileError: unreadable, empty, or not exactly the headers.
    """
    out: list[ph.Exposure] = []
    issues: list[CellIssue] = []
    seen: dict[str, int] = {}
    for n, cells in read_table(data, source, ph.EXPOSURE_FIELDS, encoding):
        values: dict[str, Any] = {}
        bad = False
        for name in ph.EXPOSURE_FIELDS:
            try:
                if cells[name] == "":
                    raise HazardError(msg("hazards.err.required", name=name), name)
                values[name] = ph.check_exposure_field(name, cells[name])
            except HazardError as exc:
                issues.append(CellIssue(source, n, name, exc.message))
                bad = True
        if bad:
            continue
        if values["site"] in seen:
            issues.append(CellIssue(source, n, "site", msg("hazards.file.twice",
                                                           row=seen[values["site"]])))  # fmt: skip
            continue
        seen[values["site"]] = n
        out.append(ph.Exposure(**values))
    return out, issues


def _indicator_cells(
    cells: Mapping[str, Any],
) -> tuple[ph.Indicator | None, list[tuple[str, Message]]]:
    """An indicator from a row's cells, each cell checked so that every wrong one is named."""
    wrong: list[tuple[str, Message]] = []

    def check(name: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except HazardError as exc:
            wrong.append((name, exc.message))
            return None

    check("site", lambda: ph.check_site(cells["site"]))
    hazard = check("hazard", lambda: ph.check_hazard(cells["hazard"]))
    pathway = check("pathway", lambda: ph.check_pathway(cells["pathway"]))
    if pathway is not None:
        check("year", lambda: ph.check_year(cells["year"], pathway))
    check("value", lambda: ph.check_number(cells["value"], "value"))
    check("source", lambda: ph.check_text(cells["source"], "source", required=True))
    if wrong or hazard is None:
        return None, wrong
    try:
        return ph.indicator(*(cells[k] for k in ph.INDICATOR_FIELDS)), []
    except HazardError as exc:  # the rules across cells: return period and unit
        return None, [(exc.field or "row", exc.message)]


def read_indicator_file(
    data: bytes, source: str, *, encoding: str | None = None
) -> tuple[list[ph.Indicator], list[CellIssue]]:
    """The hazard indicators of a file and its wrong cells; a key (site, hazard, pathway, year,
    return period) given twice is a wrong cell.

    Raises:
        HazardFileError: unreadable, empty, or not exactly the headers.
    """
    out: list[ph.Indicator] = []
    issues: list[CellIssue] = []
    seen: dict[tuple[Any, ...], int] = {}
    for n, cells in read_table(data, source, ph.INDICATOR_FIELDS, encoding):
        ind, wrong = _indicator_cells(cells)
        issues += [CellIssue(source, n, col, m) for col, m in wrong]
        if ind is None:
            continue
        if ind.key() in seen:
            issues.append(CellIssue(source, n, "return_period",
                                    msg("hazards.file.twice", row=seen[ind.key()])))  # fmt: skip
            continue
        seen[ind.key()] = n
        out.append(ind)
    return out, issues


# ---- OS-Climate physrisk -----------------------------------------------------------------


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _site_at(lat: Any, lon: Any, sites: Mapping[str, tuple[float, float]]) -> str | None:
    try:
        la, lo = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    for code, (s_lat, s_lon) in sorted(sites.items()):
        if abs(s_lat - la) <= COORD_TOLERANCE and abs(s_lon - lo) <= COORD_TOLERANCE:
            return code
    return None


def _finite(values: list[Any]) -> bool:
    return all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values
    )


def read_physrisk(
    data: bytes, source: str, sites: Mapping[str, tuple[float, float]]
) -> tuple[list[ph.Indicator], list[CellIssue]]:
    """The hazard indicators of a physrisk hazard-data document (module docstring) for the
    sites at ``sites`` (site code → (latitude, longitude)), and its wrong parts (row = the
    response item's number, column = the JSON path).

    Raises:
        HazardFileError: not JSON, or no ``response.items`` list.
    """
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HazardFileError(msg("hazards.file.json", file=source), "file") from exc
    if isinstance(doc, dict) and "response" in doc:
        request, response = doc.get("request") or {}, doc["response"]
    else:
        request, response = {}, doc
    if not isinstance(response, dict) or not isinstance(response.get("items"), list):
        raise HazardFileError(msg("hazards.file.physrisk", file=source), "file")
    requests = {
        str(r.get("request_item_id")): r
        for r in _list(request.get("items") if isinstance(request, dict) else None)
        if isinstance(r, dict)
    }
    out: list[ph.Indicator] = []
    issues: list[CellIssue] = []
    seen: set[tuple[Any, ...]] = set()
    for n, item in enumerate(response["items"], start=1):
        where = f"items[{n - 1}]"

        def bad(path: str, m: Message, _n: int = n, _w: str = where) -> None:
            issues.append(CellIssue(source, _n, f"{_w}.{path}", m))

        if not isinstance(item, dict):
            bad("", msg("hazards.file.physrisk_item"))
            continue
        kind = str(item.get("hazard_type") or item.get("event_type") or "")
        hazard = PHYSRISK_HAZARDS.get(kind)
        if hazard is None:
            bad("hazard_type", msg("hazards.file.physrisk_hazard", value=kind[:40],
                                   known=", ".join(PHYSRISK_HAZARDS)))  # fmt: skip
            continue
        scenario = str(item.get("scenario") or "")
        pathway = PHYSRISK_SCENARIOS.get(scenario.lower(), scenario)
        year = item.get("year")
        if pathway == "historical" and isinstance(year, int) and year <= 0:
            year = 0
        item_id = str(item.get("request_item_id") or "")
        req = requests.get(item_id)
        curves = _list(item.get("intensity_curve_set"))
        if req is not None:
            lats, lons = _list(req.get("latitudes")), _list(req.get("longitudes"))
            if len(lats) != len(curves) or len(lons) != len(curves):
                bad("intensity_curve_set", msg("hazards.file.physrisk_locations",
                                               n=len(curves), m=len(lats)))  # fmt: skip
                continue
            places = [_site_at(la, lo, sites) for la, lo in zip(lats, lons, strict=True)]
        elif item_id in sites and len(curves) == 1:
            places = [item_id]
        else:
            bad("request_item_id", msg("hazards.file.physrisk_request", value=item_id[:80]))
            continue
        indicator_id = str(item.get("indicator_id") or item.get("model") or "")[:80]
        src = f"OS-Climate physrisk: {indicator_id or kind} ({source})"[:300]
        for k, (site, c) in enumerate(zip(places, curves, strict=True)):
            path = f"intensity_curve_set[{k}]"
            if not isinstance(c, dict):
                bad(path, msg("hazards.file.physrisk_item"))
                continue
            values = _list(c.get("intensities"))
            if not values:
                continue  # no data at that place
            if site is None:
                loc = (
                    (req or {}).get("latitudes", ["?"])[k],
                    (req or {}).get("longitudes", ["?"])[k],
                )
                bad(path, msg("hazards.file.physrisk_site", lat=str(loc[0])[:20],
                              lon=str(loc[1])[:20]))  # fmt: skip
                continue
            if not _finite(values):
                bad(f"{path}.intensities", msg("hazards.file.physrisk_values"))
                continue
            acute = ph.HAZARDS[hazard].kind == "acute"
            rps = _list(c.get("index_values")) or _list(c.get("return_periods"))
            if acute and (len(rps) != len(values) or not _finite(rps)):
                bad(f"{path}.index_values", msg("hazards.file.physrisk_rps"))
                continue
            if not acute and len(values) != 1:
                bad(f"{path}.intensities", msg("hazards.file.physrisk_thresholds"))
                continue
            pairs = list(zip(rps, values, strict=True)) if acute else [(None, values[0])]
            for rp, v in pairs:
                try:
                    ind = ph.indicator(site, hazard, pathway, year, rp, v,
                                       ph.HAZARDS[hazard].unit, src)  # fmt: skip
                except HazardError as exc:
                    bad(f"{path}.{exc.field or 'value'}", exc.message)
                    break
                if ind.key() in seen:
                    bad(path, msg("hazards.file.physrisk_twice", site=site))
                    break
                seen.add(ind.key())
                out.append(ind)
    return out, issues
