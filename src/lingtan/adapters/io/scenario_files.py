"""Scenario files (issue 17 item 4; decision 0082; docs/risk-scenarios.md).

The native format is a pair, as a factor set is (``data/factors/<name>.yaml`` + ``.csv``):

- a **YAML manifest**: ``id``, ``label`` (and ``labels: {en, zh-CN}``), ``warming`` [°C],
  ``pathway``, ``source``, ``source_url``, ``licence``, ``edition``, ``currency``,
  ``base_year``, ``illustrative``, ``description``, ``hazard_pathway`` (the pathway of the
  hazard data the physical side reads; default ``pathway``), ``series`` (the CSV file's name)
  and ``format`` (``native``, default, or ``iamc``);
- a **CSV series** file, ``variable,region,year,value,low,high,unit`` (``low``/``high`` optional;
  ``region`` ``World`` = ``GLO``; ``unit`` optional and, when given, checked against
  :data:`lingtan.modules.risk.scenarios.VARIABLES` with the manifest's currency).

``format: iamc`` reads the series file in the published IAMC layout the NGFS Scenario Explorer
and the IIASA databases export — ``Model, Scenario, Region, Variable, Unit`` and one column per
year (wide) or ``Year, Value`` (long) — keeping the rows of ``iamc.model`` / ``iamc.scenario``
and mapping ``iamc.variables`` (``carbon_price: {variable: "Price|Carbon", factor: 1.0}``, the
factor converting the file's unit to the manifest's currency, e.g. a deflator) and
``iamc.regions`` (file region → lingtan region). The user loads files they obtained; nothing is
downloaded (NGFS and IEA values are not redistributed with lingtan: SOURCE.md of the data).

The data bundled under ``lingtan/data/scenarios``: the four **illustrative** scenarios of the
demo (invented by lingtan, not NGFS or IEA values) and a few IPCC AR6 WGI warming levels cited
with attribution (:func:`warming_levels`).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from lingtan.core.messages import msg
from lingtan.modules.risk.errors import ScenarioError
from lingtan.modules.risk.scenarios import VARIABLES, Point, Scenario, norm_region

#: the manifest's keys
MANIFEST_KEYS = ("id", "label", "labels", "warming", "pathway", "source", "source_url", "licence",
                 "edition", "currency", "base_year", "illustrative", "description", "series",
                 "format", "iamc", "hazard_pathway")  # fmt: skip
#: the native series columns (``low``, ``high``, ``unit`` optional)
SERIES_COLUMNS = ("variable", "region", "year", "value", "low", "high", "unit")
#: the IAMC layout's identifying columns
IAMC_COLUMNS = ("model", "scenario", "region", "variable", "unit")
#: largest manifest or series file [bytes]
MAX_BYTES = 20 * 1024 * 1024
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


def _err(key: str, field: str, **params: Any) -> ScenarioError:
    return ScenarioError(msg(f"scenarios.err.{key}", **params), field)


def _text(data: bytes, name: str) -> str:
    if len(data) > MAX_BYTES:
        raise _err("file_size", "file", file=name)
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise _err("encoding", "file", file=name)


def parse_manifest(data: bytes, name: str = "scenario.yaml") -> dict[str, Any]:
    """The manifest's mapping (keys checked, ``id`` a slug).

    Raises:
        ScenarioError: not YAML, not a mapping, an unknown key, a bad id.
    """
    try:
        doc = yaml.safe_load(_text(data, name))
    except yaml.YAMLError as exc:
        raise _err("yaml", "manifest", file=name) from exc
    if not isinstance(doc, dict):
        raise _err("yaml", "manifest", file=name)
    unknown = sorted(str(k) for k in doc if k not in MANIFEST_KEYS)
    if unknown:
        raise _err("manifest_key", unknown[0], value=unknown[0])
    sid = str(doc.get("id") or "").strip().lower()
    if not sid or len(sid) > 60 or not set(sid) <= _ID_CHARS:
        raise _err("id", "id", value=sid[:60])
    doc["id"] = sid
    return doc


def _float(value: Any, field: str, row: int) -> float:
    try:
        x = float(str(value).strip().replace(",", ""))
    except ValueError as exc:
        raise _err("number", field, row=row, value=str(value)[:40]) from exc
    if not math.isfinite(x):
        raise _err("number", field, row=row, value=str(value)[:40])
    return x


def _opt(value: Any, field: str, row: int) -> float | None:
    return None if value is None or not str(value).strip() else _float(value, field, row)


def _year(value: Any, row: int) -> int:
    y = _float(value, "year", row)
    if y != int(y) or not 1900 <= y <= 2300:
        raise _err("year", "year", row=row, value=str(value)[:20])
    return int(y)


def _rows(text: str) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    return header, [r for r in reader if any(c.strip() for c in r)]


def read_native_series(data: bytes, currency: str, name: str = "series.csv") -> list[Point]:
    """The points of a native series file (module docstring).

    Raises:
        ScenarioError: a missing column, a bad number or year, an unknown variable, a unit that
            is not the variable's.
    """
    header, rows = _rows(_text(data, name))
    cols = [h.lower() for h in header]
    missing = [c for c in ("variable", "region", "year", "value") if c not in cols]
    if missing:
        raise _err("columns", "file", file=name, columns=", ".join(missing))
    points: list[Point] = []
    for n, cells in enumerate(rows, start=2):
        rec = {c: (cells[i].strip() if i < len(cells) else "") for i, c in enumerate(cols)}
        var = rec["variable"]
        if var not in VARIABLES:
            raise _err("variable", "variable", value=var[:60])
        unit = rec.get("unit", "")
        want = VARIABLES[var][0].replace("currency", currency)
        if unit and unit.replace(" ", "") != want.replace(" ", ""):
            raise _err("unit", "unit", row=n, value=unit[:40], expected=want)
        points.append(Point(var, norm_region(rec["region"]), _year(rec["year"], n),
                            _float(rec["value"], "value", n), _opt(rec.get("low"), "low", n),
                            _opt(rec.get("high"), "high", n)))  # fmt: skip
    return points


def read_iamc_series(data: bytes, spec: dict[str, Any], name: str = "iamc.csv") -> list[Point]:
    """The points mapped from a file in the IAMC layout (wide or long; module docstring) by the
    manifest's ``iamc`` block: ``model``, ``scenario`` (rows kept), ``variables`` (lingtan
    variable → IAMC variable name, or ``{variable, factor}``), ``regions`` (IAMC region →
    lingtan region; default: the region upper-cased, ``World`` → ``GLO``).

    Raises:
        ScenarioError: a missing column, no mapping, several models or scenarios left for a
            variable, a bad number.
    """
    header, rows = _rows(_text(data, name))
    cols = [h.lower() for h in header]
    missing = [c for c in IAMC_COLUMNS if c not in cols]
    if missing:
        raise _err("columns", "file", file=name, columns=", ".join(missing))
    mapping: dict[str, tuple[str, float]] = {}
    for ours, theirs in dict(spec.get("variables") or {}).items():
        if ours not in VARIABLES:
            raise _err("variable", "iamc.variables", value=str(ours)[:60])
        if isinstance(theirs, dict):
            mapping[str(theirs.get("variable") or "")] = (ours, float(theirs.get("factor", 1.0)))
        else:
            mapping[str(theirs)] = (ours, 1.0)
    if not mapping:
        raise _err("iamc_mapping", "iamc.variables")
    regions = {str(k): str(v) for k, v in dict(spec.get("regions") or {}).items()}
    model, scen = spec.get("model"), spec.get("scenario")
    long = "year" in cols and "value" in cols
    year_cols = [(i, h) for i, h in enumerate(header) if h.strip().isdigit()]
    seen: dict[tuple[str, str, int], tuple[str, str]] = {}
    points: list[Point] = []
    for n, cells in enumerate(rows, start=2):
        rec = {c: (cells[i].strip() if i < len(cells) else "") for i, c in enumerate(cols)}
        if (model and rec["model"] != model) or (scen and rec["scenario"] != scen):
            continue
        if rec["variable"] not in mapping:
            continue
        ours, factor = mapping[rec["variable"]]
        region = norm_region(regions.get(rec["region"], rec["region"]))
        if long:
            values = [(_year(rec["year"], n), rec["value"])]
        else:
            values = [(int(h), cells[i] if i < len(cells) else "") for i, h in year_cols]
        for year, raw in values:
            if not str(raw).strip():
                continue
            key = (ours, region, year)
            origin = (rec["model"], rec["scenario"])
            if key in seen and seen[key] != origin:
                raise _err("iamc_ambiguous", "iamc.model", variable=ours, region=region)
            seen[key] = origin
            points.append(Point(ours, region, year, _float(raw, str(year), n) * factor))
    if not points:
        raise _err("iamc_empty", "file", file=name)
    return points


def scenario_from(manifest: dict[str, Any], points: list[Point]) -> Scenario:
    """A :class:`Scenario` of a checked manifest and its points (rules of
    :func:`lingtan.modules.risk.scenarios.check`)."""
    try:
        warming = float(manifest.get("warming"))  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise _err("warming", "warming", value=str(manifest.get("warming"))[:20]) from exc
    base = manifest.get("base_year")
    labels = {str(k): str(v) for k, v in dict(manifest.get("labels") or {}).items()}
    return Scenario(
        id=manifest["id"],
        label=str(manifest.get("label") or labels.get("en") or manifest["id"]),
        warming=warming,
        pathway=str(manifest.get("pathway") or ""),
        source=str(manifest.get("source") or ""),
        licence=str(manifest.get("licence") or ""),
        edition=str(manifest.get("edition") or ""),
        currency=str(manifest.get("currency") or "").upper(),
        points=tuple(points),
        base_year=int(base) if base is not None else None,
        illustrative=bool(manifest.get("illustrative", False)),
        description=str(manifest.get("description") or ""),
        source_url=str(manifest.get("source_url") or ""),
        labels=labels,
        hazard_pathway=str(manifest.get("hazard_pathway") or ""),
    )


def read_scenario(manifest: bytes, series: bytes, manifest_name: str = "scenario.yaml",
                  series_name: str = "series.csv") -> Scenario:  # fmt: skip
    """A scenario from its manifest and series file (native or IAMC, as the manifest says).

    Raises:
        ScenarioError: a file or a value is invalid (keyed, field named).
    """
    doc = parse_manifest(manifest, manifest_name)
    fmt = str(doc.get("format") or "native").lower()
    currency = str(doc.get("currency") or "").upper()
    if fmt == "native":
        points = read_native_series(series, currency, series_name)
    elif fmt == "iamc":
        points = read_iamc_series(series, dict(doc.get("iamc") or {}), series_name)
    else:
        raise _err("format", "format", value=fmt[:20])
    return scenario_from(doc, points)


def read_scenario_files(manifest_path: Path) -> Scenario:
    """A scenario from a manifest file and the series file it names (beside it)."""
    data = manifest_path.read_bytes()
    doc = parse_manifest(data, manifest_path.name)
    series_name = str(doc.get("series") or manifest_path.with_suffix(".csv").name)
    series = manifest_path.parent / Path(series_name).name
    if not series.is_file():
        raise _err("series_missing", "series", file=series.name)
    return read_scenario(data, series.read_bytes(), manifest_path.name, series.name)


def write_series_csv(s: Scenario) -> bytes:
    """The native series file of ``s`` (UTF-8, sorted by variable, region, year)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(SERIES_COLUMNS)
    for p in sorted(s.points, key=lambda p: (p.variable, p.region, p.year)):
        unit = VARIABLES[p.variable][0].replace("currency", s.currency)
        w.writerow([p.variable, p.region, p.year, p.value, "" if p.low is None else p.low,
                    "" if p.high is None else p.high, unit])  # fmt: skip
    return out.getvalue().encode("utf-8")


def _data_dir() -> Path:
    return Path(str(resources.files("lingtan") / "data" / "scenarios"))


def bundled_scenarios() -> list[Scenario]:
    """The scenarios shipped with lingtan (the demo's four illustrative ones), by warming."""
    out = [read_scenario_files(p) for p in sorted(_data_dir().glob("*.yaml"))]
    return sorted(out, key=lambda s: (s.warming, s.id))


@dataclass(frozen=True)
class WarmingLevel:
    """A cited warming level [°C above 1850–1900]: the scenario, the period, the best estimate
    and the very likely range (None when not cited), and the citation."""

    scenario: str
    period: str
    best: float
    low: float | None
    high: float | None
    source: str


def warming_levels() -> list[WarmingLevel]:
    """The IPCC AR6 WGI warming levels lingtan cites (``ipcc-ar6-warming.csv``: a handful of
    values of Table SPM.1 with attribution, not the table)."""
    text = (_data_dir() / "ipcc-ar6-warming.csv").read_text(encoding="utf-8")
    out = []
    for r in csv.DictReader(io.StringIO(text)):
        out.append(WarmingLevel(r["scenario"], r["period"], float(r["best"]),
                                float(r["low"]) if r["low"] else None,
                                float(r["high"]) if r["high"] else None, r["source"]))  # fmt: skip
    return out
