"""Column mappings: a user's own export (an ERP's column names) read as an import template.

A :class:`ColumnMapping` says, once, which column of the user's file holds which template
column (``Menge`` → ``quantity``), which template columns the file does not have take a constant
(``unit`` = ``kWh``, ``site`` = ``TJ01``), and which values of the file stand for which template
values (fuel code ``DSL`` → ``diesel``). :meth:`ColumnMapping.apply` turns the cells the reader
read into the template's cells *before* they are typed and validated, so every row error still
names the user's file and row, and (:meth:`ColumnMapping.source_of`) the user's own column.

Pure: no file is opened here. The serialised form is TOML (:func:`to_toml`, :func:`from_toml`;
decision 0051) — a small file a person can read, comment and edit, read by the standard
library's :mod:`tomllib`.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lingtan.core.errors import LingtanError
from lingtan.core.templates.catalogue import TEMPLATES
from lingtan.core.templates.spec import Template

#: rows searched for the file's header (title rows above it are skipped)
HEADER_SEARCH_ROWS = 20
#: a mapping's name: letters, digits, ``_`` ``-`` ``.`` (it is a file name in the workspace)
NAME_PATTERN = re.compile(r"^[\w][\w.\-]{0,79}$", re.UNICODE)


class MappingError(LingtanError):
    """A column mapping is invalid, or does not fit the file it is applied to.

    Attributes:
        problems: every problem found, in English (one sentence each).
        key: catalogue key of the first problem (``mapping.*``, ``i18n/mapping.<locale>.json``).
        params: its parameters.
    """

    def __init__(
        self, problems: Sequence[str], key: str = "", params: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)
        self.key = key
        self.params = dict(params or {})


def header_key(value: Any) -> str:
    """A header cell as it is matched: NFKC, blanks and a BOM stripped, lower case."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip().lstrip("\ufeff").strip().lower()


def _value_key(value: Any) -> str:
    """A cell as a value translation matches it: NFKC, stripped, case-insensitive."""
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class ColumnMapping:
    """How the columns of a user's file become the columns of a template.

    Attributes:
        template: the template the file is read as (``fuel``, ``electricity`` …).
        columns: file column (its header, as written) → template column.
        constants: template column → the text every row takes (for a column the file lacks).
        values: template column → {file value → template value}; matched ignoring case and
            surrounding blanks; a value not listed is kept as written.
        name: the name it is saved under (empty: not saved).
        description: a note for people (which ERP export, who made it).
    """

    template: str
    columns: Mapping[str, str] = field(default_factory=dict)
    constants: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    name: str = ""
    description: str = ""

    # ---- checks -------------------------------------------------------------------------

    def problems(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Every way the mapping does not fit its template: (English text, catalogue key,
        parameters). Empty: valid."""
        found: list[tuple[str, str, dict[str, Any]]] = []
        tpl = TEMPLATES.get(self.template.strip().lower())
        if tpl is None:
            return [
                (
                    f"unknown template {self.template!r}; templates: {', '.join(TEMPLATES)}",
                    "mapping.template_unknown",
                    {"template": self.template, "known": ", ".join(TEMPLATES)},
                )
            ]
        if self.name and not NAME_PATTERN.match(self.name):
            found.append(
                (
                    f"the name {self.name!r} may hold only letters, digits, '_', '-' and '.'",
                    "mapping.name_invalid",
                    {"name": self.name},
                )
            )
        sources: dict[str, list[str]] = {}
        seen_keys: dict[str, str] = {}
        for src, col in self.columns.items():
            if not header_key(src):
                found.append(("a file column has no name", "mapping.source_blank", {}))
                continue
            if header_key(src) in seen_keys:
                found.append(
                    (
                        f"the file column {src!r} is mapped twice",
                        "mapping.source_twice",
                        {"source": src},
                    )
                )
            seen_keys[header_key(src)] = src
            if not tpl.has(col):
                found.append(_unknown(tpl, col))
                continue
            sources.setdefault(col, []).append(src)
        for col, srcs in sources.items():
            if len(srcs) > 1:
                found.append(
                    (
                        f"template column {col!r} is given by more than one file column: "
                        f"{', '.join(repr(s) for s in srcs)}",
                        "mapping.column_twice",
                        {"column": col, "sources": ", ".join(srcs)},
                    )
                )
        for col in self.constants:
            if not tpl.has(col):
                found.append(_unknown(tpl, col))
            elif col in sources:
                found.append(
                    (
                        f"template column {col!r} is given both by the file column "
                        f"{sources[col][0]!r} and by a constant",
                        "mapping.column_twice",
                        {"column": col, "sources": f"{sources[col][0]}, ="},
                    )
                )
        for col in self.values:
            if not tpl.has(col):
                found.append(_unknown(tpl, col))
        given = set(sources) | {c for c in self.constants if str(self.constants[c]).strip()}
        missing = [c for c in tpl.required_columns if c not in given]
        if missing:
            found.append(
                (
                    f"required template column(s) {', '.join(repr(m) for m in missing)} are "
                    "neither mapped from a file column nor given a constant",
                    "mapping.required_unmapped",
                    {"columns": ", ".join(missing)},
                )
            )
        return found

    def validate(self) -> ColumnMapping:
        """The mapping, with its template name in canonical form.

        Raises:
            MappingError: unknown template or template columns, a template column given twice
                (two file columns, or a file column and a constant), a required column left
                unmapped, a bad name — every problem, the first one's key.
        """
        found = self.problems()
        if found:
            raise MappingError([p[0] for p in found], found[0][1], found[0][2])
        return dataclasses.replace(self, template=self.template.strip().lower())

    @property
    def tpl(self) -> Template:
        """The template (the mapping must be valid)."""
        return TEMPLATES[self.template.strip().lower()]

    def source_of(self, column: str) -> str | None:
        """The file column that gives template column ``column`` (None: a constant or none)."""
        for src, col in self.columns.items():
            if col == column:
                return src
        return None

    # ---- applying ----------------------------------------------------------------------------

    def find_header(self, grid: Sequence[Sequence[Any]]) -> int | None:
        """Index of the first of the first :data:`HEADER_SEARCH_ROWS` rows that holds every
        mapped file column (other columns may stand beside them); None: no such row."""
        wanted = {header_key(s) for s in self.columns}
        for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
            if wanted <= {header_key(v) for v in row}:
                return i
        return None

    def missing_sources(self, header: Sequence[Any]) -> list[str]:
        """The mapped file columns ``header`` does not have."""
        have = {header_key(v) for v in header}
        return [s for s in self.columns if header_key(s) not in have]

    def apply(self, grid: Sequence[Sequence[Any]], source: str = "") -> list[list[Any]]:
        """The file's cells as the template's: a grid whose header row (at the same row as the
        file's) names the template columns the mapping gives, with every data row's cells taken
        from their file columns (values translated) or the constants. Rows keep their numbers
        (rows above the header become blank); file columns the mapping does not name are left
        out.

        Raises:
            MappingError: no row of the file's start holds every mapped file column.
        """
        start = self.find_header(grid)
        if start is None:
            header = grid[0] if grid else []
            missing = self.missing_sources(header)
            where = f"{source}: " if source else ""
            raise MappingError(
                [
                    f"{where}the file has no header row with the mapped column(s) "
                    f"{', '.join(repr(m) for m in missing)} "
                    f"(mapping {self.name or self.template!r})"
                ],
                "mapping.header_missing",
                {"source": source, "columns": ", ".join(missing), "mapping": self.name},
            )
        positions = {header_key(v): pos for pos, v in reversed(list(enumerate(grid[start])))}
        tpl = self.tpl
        plan: list[tuple[str, int | None, str | None, dict[str, str]]] = []
        for col in tpl.columns:
            src = self.source_of(col.name)
            const = self.constants.get(col.name)
            if src is None and (const is None or not str(const).strip()):
                continue
            table = {_value_key(k): v for k, v in self.values.get(col.name, {}).items()}
            pos = positions[header_key(src)] if src is not None else None
            plan.append((col.name, pos, None if const is None else str(const), table))
        out: list[list[Any]] = [[] for _ in range(start)]
        out.append([name for name, *_ in plan])
        for row in grid[start + 1 :]:
            if all(_blank(v) for v in row):
                out.append([])
                continue
            cells: list[Any] = []
            for _name, pos, const, table in plan:
                v: Any = const if pos is None else (row[pos] if pos < len(row) else None)
                if table and not _blank(v):
                    v = table.get(_value_key(v), v)
                cells.append(v)
            out.append(cells)
        return out

    # ---- serialising -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (the API's body, the TOML file's content)."""
        return {
            "name": self.name,
            "template": self.template,
            "description": self.description,
            "columns": dict(self.columns),
            "constants": dict(self.constants),
            "values": {k: dict(v) for k, v in self.values.items()},
        }


def _unknown(tpl: Template, col: str) -> tuple[str, str, dict[str, Any]]:
    return (
        f"template {tpl.name!r} has no column {col!r}; its columns: {', '.join(tpl.column_names)}",
        "mapping.column_unknown",
        {"template": tpl.name, "column": col, "known": ", ".join(tpl.column_names)},
    )


def _text_map(raw: Any, what: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise MappingError(
            [f"{what} must be a table of names to text"], "mapping.shape", {"part": what}
        )
    out: dict[str, str] = {}
    for k, v in raw.items():
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            raise MappingError(
                [f"{what}: the value of {k!r} must be text"], "mapping.shape", {"part": what}
            )
        out[str(k)] = v if isinstance(v, str) else str(v)
    return out


def from_dict(data: Mapping[str, Any], *, name: str | None = None) -> ColumnMapping:
    """A mapping from its :meth:`ColumnMapping.to_dict` form (not yet validated).

    Raises:
        MappingError: not of that shape (no template, a value that is not text).
    """
    template = data.get("template")
    if not isinstance(template, str) or not template.strip():
        raise MappingError(["the mapping names no template"], "mapping.template_missing")
    values_raw = data.get("values") or {}
    if not isinstance(values_raw, Mapping):
        raise MappingError(
            ["values must be a table per column"], "mapping.shape", {"part": "values"}
        )
    return ColumnMapping(
        template=template.strip().lower(),
        columns=_text_map(data.get("columns"), "columns"),
        constants=_text_map(data.get("constants"), "constants"),
        values={str(k): _text_map(v, f"values.{k}") for k, v in values_raw.items()},
        name=name if name is not None else str(data.get("name") or ""),
        description=str(data.get("description") or ""),
    )


def from_toml(text: str, *, name: str | None = None) -> ColumnMapping:
    """Read a mapping file (see :func:`to_toml`); not yet validated.

    Raises:
        MappingError: not TOML, or not a mapping's shape.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(
            [f"not a TOML file: {exc}"], "mapping.not_toml", {"why": str(exc)}
        ) from exc
    return from_dict(data, name=name)


def _q(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def to_toml(mapping: ColumnMapping) -> str:
    """The mapping as a TOML file a person can read and edit::

    template = "fuel"
    description = "SAP MB51 export"

    [columns]        # file column = template column
    "Werk" = "site"

    [constants]      # template column = value of every row
    unit = "L"

    [values.fuel]    # file value = template value
    "DSL" = "diesel"
    """
    lines = [f"# lingtan column mapping{f' {mapping.name}' if mapping.name else ''}"]
    lines.append(f"template = {_q(mapping.template)}")
    if mapping.description:
        lines.append(f"description = {_q(mapping.description)}")
    lines += ["", "[columns]  # file column = template column"]
    lines += [f"{_q(k)} = {_q(v)}" for k, v in mapping.columns.items()]
    lines += ["", "[constants]  # template column = the value of every row"]
    lines += [f"{_q(k)} = {_q(v)}" for k, v in mapping.constants.items()]
    for col, table in mapping.values.items():
        if table:
            lines += ["", f"[values.{_q(col)}]  # file value = template value"]
            lines += [f"{_q(k)} = {_q(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def suggest(header: Sequence[Any], template: str) -> ColumnMapping:
    """A first mapping of a file's ``header`` to ``template``: each file column named like a
    template column or one of its aliases (``日期`` → ``date``) is mapped to it; the user
    completes the rest."""
    tpl = TEMPLATES[template]
    names: dict[str, str] = {}
    for c in tpl.columns:
        for n in (c.name, *c.aliases):
            names.setdefault(header_key(n), c.name)
    columns: dict[str, str] = {}
    for v in header:
        col = names.get(header_key(v))
        if col is not None and col not in columns.values() and not _blank(v):
            columns[str(v).strip()] = col
    return ColumnMapping(template=tpl.name, columns=columns)
