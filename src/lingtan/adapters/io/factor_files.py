"""Factor files: the bundled factor library, user-defined factor sets and the GWP tables.

A *factor set* is a CSV whose columns are :data:`lingtan.core.factors.FACTOR_COLUMNS` (in any
order; unknown columns are an error) plus an optional YAML manifest of the same name describing
the publication (publisher, dataset, edition, licence, attribution …). A user set may instead be
one YAML file with the manifest fields and a ``factors:`` list. Every row becomes an
:class:`~lingtan.core.factors.EmissionFactor` through :func:`~lingtan.core.factors.make_factor`
(so units, gases, dates and CO2e/GWP-set rules are checked the same way everywhere), and every
set passes :func:`~lingtan.core.factors.validate_groups`.

The bundled sets live in ``lingtan/data/factors`` (built by ``tools/build_factor_library.py``
from public sources; see ``docs/factor-sources.md`` and ``lingtan/data/NOTICE.md``). The GWP100
tables (IPCC AR4, AR5, AR6) and refrigerant-blend compositions live in ``lingtan/data/gwp``.

Refrigerant blends: a blend's GWP is the mass-weighted sum of its components' GWPs (IPCC AR4 WGI
§2.10). Blends made only of Kyoto gases (HFCs, PFCs, SF6, NF3) are given to the
:class:`~lingtan.core.gwp.GWPSet` as compositions and computed by
:func:`~lingtan.core.gwp.blend_gwp`. Blends that also contain HCFCs or hydrocarbons (R-401A,
R-422D …) get a value computed here from their Kyoto constituents only, as US EPA (Hub Table 12)
and UK DESNZ ("Kyoto products only") publish them: HCFCs are Montreal-Protocol gases reported
outside the GHG Protocol scopes, and hydrocarbons have no IPCC GWP100.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from lingtan.adapters.i18n.rows import english
from lingtan.core.errors import FactorError
from lingtan.core.factors import FACTOR_COLUMNS, EmissionFactor, make_factor, validate_groups
from lingtan.core.gwp import GWPSet, build_gwp_set, normalise_gas
from lingtan.core.messages import Message, Param, msg

#: GWP sets shipped with lingtan, by column of ``gwp100.csv``.
GWP_SET_NAMES: tuple[str, ...] = ("AR4", "AR5", "AR6")
GWP_SOURCES: dict[str, str] = {
    "AR4": "IPCC AR4 WGI (2007) Table 2.14, GWP100; via openclimatedata/globalwarmingpotentials",
    "AR5": "IPCC AR5 WGI (2013) Table 8.A.1, GWP100; via openclimatedata/globalwarmingpotentials",
    "AR6": "IPCC AR6 WGI (2021) Table 7.SM.7 and 7.15, GWP100; via "
    "openclimatedata/globalwarmingpotentials",
}
#: Manifest fields every set must state (bundled or user-defined).
REQUIRED_MANIFEST: tuple[str, ...] = ("name", "publisher", "dataset", "edition")
#: Manifest fields, in the order manifests are written (tools/build_factor_library.py).
MANIFEST_KEYS: tuple[str, ...] = (
    "name",
    "title",
    "publisher",
    "dataset",
    "edition",
    "licence",
    "licence_url",
    "attribution",
    "source_url",
    "source_file",
    "source_sha256",
    "gwp_basis",
    "price_year",
    "valid_from",
    "valid_to",
    "tier",
    "notes",
)
_MANIFEST_TEXT: tuple[str, ...] = tuple(k for k in MANIFEST_KEYS if k != "price_year")
_SET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_KYOTO_PFC = re.compile(r"^C+\d*F\d+$")  # CF4, C2F6, C3F8, CC4F8 (c-C4F8), C4F10 …


@dataclass(frozen=True)
class FactorSet:
    """A factor set: its manifest (who published what, under which terms) and its factors.

    Attributes:
        name: set name, unique in a library (``desnz-2025``); factors carry it as ``set_name``.
        factors: the factors, each with value [kg gas (or kg CO2e) / unit].
        path: file the set was read from ("" for bundled sets read from package data).
        price_year: for spend-based sets, the price year of the currency unit.
        tier: ``proxy`` for a fallback set ranked below every other set in resolution
            (:data:`lingtan.core.factors.PROXY_SETS`, decision 0028); empty otherwise.
    """

    name: str
    publisher: str
    dataset: str
    edition: str
    factors: tuple[EmissionFactor, ...]
    title: str = ""
    licence: str = ""
    licence_url: str = ""
    attribution: str = ""
    source_url: str = ""
    source_file: str = ""
    source_sha256: str = ""
    gwp_basis: str = ""
    price_year: int | None = None
    valid_from: str = ""
    valid_to: str = ""
    tier: str = ""
    notes: str = ""
    path: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# keyed errors (decision 0053, readers addendum)
# --------------------------------------------------------------------------------------------


def _bad(where: Param, key: str, **params: Param) -> FactorError:
    """A :class:`FactorError` ``{where}: {reason}`` keyed ``reader.at`` with the reason
    ``reader.factor.<key>`` (English from the catalogue)."""
    m = msg("reader.at", where=where, reason=Message(f"reader.factor.{key}", params))
    return FactorError(english(m), message=m)


def _row(source: str, n: int) -> Message:
    return msg("reader.where.row", file=source, row=n)


# --------------------------------------------------------------------------------------------
# factor CSVs
# --------------------------------------------------------------------------------------------


def read_factor_csv(path: str | Path, set_name: str) -> list[EmissionFactor]:
    """Read one factor CSV (UTF-8, header row, columns of ``FACTOR_COLUMNS``).

    Args:
        path: the CSV file.
        set_name: the set the factors belong to.

    Raises:
        FactorError: naming the file (and row, header = row 1) when a column is unknown or a
            required one is missing, or a row is invalid (unknown unit, undated, CO2e without a
            GWP set …), or the set mixes CO2e with per-gas values in one group.
    """
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            return _parse_factor_csv(fh, p.name, set_name)
    except OSError as exc:
        raise _bad(str(p), "cannot_read", why=str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise _bad(p.name, "not_utf8", why=str(exc.reason)) from exc


def _parse_factor_csv(fh: Iterable[str], source: str, set_name: str) -> list[EmissionFactor]:
    reader = csv.reader(fh)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise _bad(source, "empty") from None
    unknown = [h for h in header if h not in FACTOR_COLUMNS]
    if unknown:
        raise _bad(_row(source, 1), "unknown_columns", columns=tuple(unknown))
    missing = [c for c, (req, _) in FACTOR_COLUMNS.items() if req and c not in header]
    if missing:
        raise _bad(_row(source, 1), "missing_columns", columns=tuple(missing))
    if len(set(header)) != len(header):
        raise _bad(_row(source, 1), "column_twice")
    factors: list[EmissionFactor] = []
    width = len(header)
    for n, row in enumerate(reader, start=2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) != width:
            raise _bad(_row(source, n), "width", fields=len(row), width=width)
        factors.append(make_factor(set_name, dict(zip(header, row, strict=True)), _row(source, n)))
    _validate(factors, source)
    return factors


def _validate(factors: list[EmissionFactor], source: str) -> None:
    try:
        validate_groups(factors)
    except FactorError as exc:
        reason: Param = exc.message if exc.message is not None else str(exc)
        m = msg("reader.at", where=source, reason=reason)
        raise FactorError(english(m), message=m) from exc


# --------------------------------------------------------------------------------------------
# manifests and sets
# --------------------------------------------------------------------------------------------


def _load_yaml(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _bad(source, "yaml_invalid", why=str(exc)) from exc
    if not isinstance(data, dict):
        raise _bad(source, "manifest_mapping")
    return data


def _make_set(
    manifest: Mapping[str, Any], factors: list[EmissionFactor], source: str, path: str
) -> FactorSet:
    missing = [k for k in REQUIRED_MANIFEST if not str(manifest.get(k) or "").strip()]
    if missing:
        raise _bad(source, "manifest_missing", fields=tuple(missing))
    name = str(manifest["name"]).strip()
    if not _SET_NAME.match(name):
        raise _bad(source, "set_name", name=repr(name))
    price = manifest.get("price_year")
    try:
        price_year = int(price) if price not in (None, "") else None
    except (TypeError, ValueError) as exc:
        raise _bad(source, "price_year") from exc
    text = {k: str(manifest.get(k) or "").strip() for k in _MANIFEST_TEXT}
    extra = {
        k: v
        for k, v in manifest.items()
        if k not in _MANIFEST_TEXT and k not in ("price_year", "factors")
    }
    return FactorSet(
        name=name,
        publisher=text["publisher"],
        dataset=text["dataset"],
        edition=text["edition"],
        factors=tuple(factors),
        title=text["title"],
        licence=text["licence"],
        licence_url=text["licence_url"],
        attribution=text["attribution"],
        source_url=text["source_url"],
        source_file=text["source_file"],
        source_sha256=text["source_sha256"],
        gwp_basis=text["gwp_basis"],
        price_year=price_year,
        valid_from=text["valid_from"],
        valid_to=text["valid_to"],
        tier=text["tier"],
        notes=text["notes"],
        path=path,
        extra=extra,
    )


def _manifest_from_rows(name: str, factors: list[EmissionFactor], source: str) -> dict[str, Any]:
    """Manifest of a CSV set without YAML: publisher, dataset, edition must be uniform."""
    out: dict[str, Any] = {"name": name}
    for attr in ("publisher", "dataset", "edition"):
        values = {getattr(f.source, attr) for f in factors}
        if len(values) > 1:
            raise _bad(
                source, "several", attr=attr, values=tuple(sorted(values)[:3]),
                stem=Path(source).stem,
            )  # fmt: skip
        out[attr] = next(iter(values), "")
    return out


def read_factor_set(manifest_or_csv_path: str | Path) -> FactorSet:
    """Read a set from its manifest (``<set>.yaml`` next to ``<set>.csv``) or from its CSV
    (the manifest beside it is used when present).

    Raises:
        FactorError: the CSV or manifest is missing or invalid (naming file and row), or the
            manifest does not state name, publisher, dataset and edition.
    """
    p = Path(manifest_or_csv_path)
    if p.suffix.lower() in (".yaml", ".yml"):
        manifest_path: Path | None = p
        csv_path = p.with_suffix(".csv")
    else:
        csv_path = p
        manifest_path = next(
            (p.with_suffix(s) for s in (".yaml", ".yml") if p.with_suffix(s).is_file()), None
        )
    if not csv_path.is_file():
        raise _bad(str(csv_path), "csv_not_found")
    manifest: dict[str, Any] = {}
    if manifest_path is not None:
        if not manifest_path.is_file():
            raise _bad(str(manifest_path), "manifest_not_found")
        manifest = _load_yaml(manifest_path.read_text(encoding="utf-8"), manifest_path.name)
    name = str(manifest.get("name") or csv_path.stem).strip()
    factors = read_factor_csv(csv_path, name)
    if not manifest:
        manifest = _manifest_from_rows(name, factors, csv_path.name)
    return _make_set(manifest, factors, (manifest_path or csv_path).name, str(csv_path))


def read_user_factor_set(path: str | Path) -> FactorSet:
    """Read a user-defined factor set.

    Accepted forms:

    - ``<name>.csv`` with columns of ``FACTOR_COLUMNS`` and an optional ``<name>.yaml``
      manifest beside it (without one, the set is named after the file and every row must name
      the same publisher, dataset and edition);
    - one ``<name>.yaml`` with the manifest fields (``name``, ``publisher``, ``dataset``,
      ``edition`` required; ``title``, ``licence`` … optional) and ``factors:``, a list of
      mappings with the factor columns. ``publisher``, ``dataset``, ``edition``, ``valid_from``,
      ``valid_to`` and ``gwp_set`` given at the top level are the defaults of every factor; a
      missing ``factor_id`` becomes ``<name>/<activity_type>/<region>/<unit>/<gas>/<valid_from>``.

    Raises:
        FactorError: naming the file and row (CSV, header = row 1) or factor number (YAML,
            1-based) on any problem; also when the set is named like a bundled set.
    """
    p = Path(path)
    if p.suffix.lower() == ".csv":
        fs = read_factor_set(p)
    elif p.suffix.lower() in (".yaml", ".yml"):
        fs = read_factor_set(p) if p.with_suffix(".csv").is_file() else _read_yaml_set(p)
    else:
        raise _bad(str(p), "file_kind")
    if fs.name in {b.name for b in bundled_factor_sets()}:
        raise _bad(p.name, "bundled_name", name=repr(fs.name))
    return fs


_YAML_DEFAULTS = (
    "publisher",
    "dataset",
    "edition",
    "valid_from",
    "valid_to",
    "gwp_set",
    "price_year",
)


def _read_yaml_set(p: Path) -> FactorSet:
    try:
        data = _load_yaml(p.read_text(encoding="utf-8"), p.name)
    except OSError as exc:
        raise _bad(str(p), "cannot_read", why=str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise _bad(p.name, "not_utf8", why=str(exc.reason)) from exc
    items = data.get("factors")
    if not isinstance(items, list) or not items:
        raise _bad(p.name, "factors_list")
    name = str(data.get("name") or "").strip()
    if not name:
        raise _bad(p.name, "name_missing")
    factors: list[EmissionFactor] = []
    for i, item in enumerate(items, start=1):
        where = msg("reader.where.item", file=p.name, n=i)
        if not isinstance(item, dict):
            raise _bad(where, "item_mapping")
        unknown = [k for k in item if k not in FACTOR_COLUMNS]
        if unknown:
            raise _bad(where, "unknown_fields", fields=tuple(map(str, unknown)))
        fields = {k: _text(data[k], p.name) for k in _YAML_DEFAULTS if data.get(k) is not None}
        fields.update(
            {
                k: _text(v, msg("reader.where.column", where=where, column=k))
                for k, v in item.items()
                if v is not None
            }
        )
        if not fields.get("factor_id"):
            fields["factor_id"] = "/".join(
                [name]
                + [
                    fields.get(k, "")
                    for k in ("activity_type", "region", "unit", "gas", "valid_from")
                ]
            )
        factors.append(make_factor(name, fields, where))
    _validate(factors, p.name)
    return _make_set(data, factors, p.name, str(p))


def _text(v: Any, where: Param) -> str:
    """A YAML scalar as factor-field text (dates → ISO, numbers → repr)."""
    if isinstance(v, bool | list | dict):
        raise _bad(where, "single_value", value=repr(v))
    if isinstance(v, float):
        return repr(v)
    return str(v)


# --------------------------------------------------------------------------------------------
# bundled sets
# --------------------------------------------------------------------------------------------


def _data_dir(*parts: str) -> Traversable:
    return resources.files("lingtan").joinpath("data", *parts)


@lru_cache(maxsize=1)
def _bundled() -> tuple[FactorSet, ...]:
    folder = _data_dir("factors")
    manifests = sorted(
        (t for t in folder.iterdir() if t.name.endswith(".yaml")), key=lambda t: t.name
    )
    out: list[FactorSet] = []
    for m in manifests:
        manifest = _load_yaml(m.read_text(encoding="utf-8"), m.name)
        name = str(manifest.get("name") or "").strip()
        csv_t = folder.joinpath(m.name[: -len(".yaml")] + ".csv")
        content = csv_t.read_text(encoding="utf-8")
        factors = _parse_factor_csv(io.StringIO(content, newline=""), csv_t.name, name)
        out.append(_make_set(manifest, factors, m.name, ""))
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise FactorError(f"bundled factor sets: duplicate set names in {names}")
    return tuple(out)


def bundled_factor_sets() -> list[FactorSet]:
    """The factor sets shipped with lingtan (read once, then cached), sorted by file name."""
    return list(_bundled())


# --------------------------------------------------------------------------------------------
# GWP sets
# --------------------------------------------------------------------------------------------


def is_kyoto_gas(gas: str) -> bool:
    """True for gases counted in GHG Protocol / Kyoto inventories: CO2, CH4 (any origin), N2O,
    HFCs, PFCs, SF6, NF3 (and SF5CF3). HCFCs, CFCs, halons and hydrocarbons are not."""
    key = normalise_gas(gas)
    return (
        key in ("CO2", "CH4", "N2O", "SF6", "NF3", "SF5CF3")
        or key.startswith(("CH4", "HFC"))
        or bool(_KYOTO_PFC.match(key))
    )


def gwp_sets_from_files(
    gwp_csv: str | Path | Traversable, blends_csv: str | Path | Traversable
) -> dict[str, GWPSet]:
    """AR4, AR5 and AR6 sets from ``gwp100.csv`` (gas, AR4, AR5, AR6, source) and
    ``blends.csv`` (blend, component, mass_fraction, source).

    Raises:
        FactorError: a malformed file (naming file and row), or a blend whose Kyoto components
            have no GWP in a set.
    """
    values: dict[str, dict[str, float]] = {n: {} for n in GWP_SET_NAMES}
    gwp_name = _name_of(gwp_csv)
    for n, row in _csv_rows(gwp_csv, ("gas", "AR4", "AR5", "AR6", "source")):
        gas = row["gas"].strip()
        if not gas:
            raise FactorError(f"{gwp_name}, row {n}: empty gas")
        for s in GWP_SET_NAMES:
            raw = row[s].strip()
            if raw:
                try:
                    values[s][gas] = float(raw)
                except ValueError as exc:
                    raise FactorError(f"{gwp_name}, row {n}, column '{s}': not a number") from exc
    blend_name = _name_of(blends_csv)
    src = Path(blends_csv) if isinstance(blends_csv, str) else blends_csv
    blends = parse_blend_compositions(src.read_text(encoding="utf-8"), blend_name)
    out: dict[str, GWPSet] = {}
    for s in GWP_SET_NAMES:
        base = build_gwp_set(s, values[s], GWP_SOURCES[s])
        computed: dict[str, Mapping[str, float]] = {}
        kyoto_only: dict[str, float] = {}
        for blend, comp in sorted(blends.items()):
            if abs(sum(comp.values()) - 1.0) > 1e-3:
                raise FactorError(f"{blend_name}: {blend} fractions sum to {sum(comp.values())}")
            if all(is_kyoto_gas(g) for g in comp):
                computed[blend] = comp
                continue
            total = 0.0
            for g, w in comp.items():
                if is_kyoto_gas(g):
                    if not base.has(g):
                        raise FactorError(f"{blend_name}: {blend} component {g} has no {s} GWP")
                    total += w * base.gwp(g)
            kyoto_only[blend] = total
        merged = {**base.values, **kyoto_only}
        out[s] = GWPSet(
            name=s, values=merged, source=base.source, blends={**base.blends, **computed}
        )
        out[s].table()  # every blend must be computable in every set: fail here, not later
    return out


BLEND_COLUMNS = ("blend", "component", "mass_fraction", "source")


def parse_blend_compositions(text: str, name: str = "blends.csv") -> dict[str, dict[str, float]]:
    """Blend key → component key → mass fraction (0–1), every component (Kyoto gases, HCFCs,
    hydrocarbons), from the text of a ``blends.csv`` (blend, component, mass_fraction, source).

    Raises:
        FactorError: wrong columns, a fraction that is not a number, a repeated component
            (naming ``name``, row and column).
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != BLEND_COLUMNS:
        raise FactorError(f"{name}, row 1: expected columns {', '.join(BLEND_COLUMNS)}")
    out: dict[str, dict[str, float]] = {}
    for n, row in enumerate(reader, start=2):
        try:
            frac = float(row["mass_fraction"])
        except ValueError as exc:
            raise FactorError(f"{name}, row {n}, column 'mass_fraction': not a number") from exc
        comp = out.setdefault(normalise_gas(row["blend"]), {})
        key = normalise_gas(row["component"])
        if key in comp:
            raise FactorError(f"{name}, row {n}, column 'component': {key} repeated")
        comp[key] = frac
    return out


def _name_of(p: str | Path | Traversable) -> str:
    return p.name if isinstance(p, Path | Traversable) else Path(p).name


def _csv_rows(
    p: str | Path | Traversable, columns: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    name = _name_of(p)
    src = Path(p) if isinstance(p, str) else p
    reader = csv.DictReader(io.StringIO(src.read_text(encoding="utf-8"), newline=""))
    if tuple(reader.fieldnames or ()) != columns:
        raise FactorError(f"{name}, row 1: expected columns {', '.join(columns)}")
    return [(n, row) for n, row in enumerate(reader, start=2)]


@lru_cache(maxsize=1)
def _gwp_cached() -> tuple[tuple[str, GWPSet], ...]:
    sets = gwp_sets_from_files(_data_dir("gwp", "gwp100.csv"), _data_dir("gwp", "blends.csv"))
    return tuple(sets.items())


def read_gwp_sets() -> dict[str, GWPSet]:
    """The bundled GWP100 sets ``AR4``, ``AR5``, ``AR6`` with refrigerant blends (cached)."""
    return dict(_gwp_cached())
