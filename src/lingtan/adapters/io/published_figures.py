"""Read a **published figures** file (CSV, UTF-8): the figures an organisation's report prints,
entered as data so that ``lingtan reconcile`` can compare them with lingtan's
(docs/reconcile.md, decision 0031).

Columns (header row required, order free; ``*`` = required):

========== =================================================================================
id*        unique key (letters, digits, ``_ . -``)
label      the report's own label
reference  where it is printed (page, line, table)
fiscal_year* the year the figure is about (``FY2023/24``)
kind*      inventory_total | scope_total | category_total | share | energy | project_tce |
           project_tco2e | programme_tco2e
value*     the published value as printed (``1,512.30``; ``46.16%``)
unit*      t | kt | Mt | 1e4 t (masses of CO2e) · % · tce | ktce · an energy unit (kWh, GWh …)
decimals*  the stated rounding as for ``round()`` (2 = hundredths, −2 = to the hundred)
lingtan*   the selector of lingtan's figure (:func:`lingtan.core.reconcile.parse_selector`)
region     grid region of a ``grid_tco2e`` figure (``CN-AH``)
factor_as_of date the report's grid factor is valid on, when the report names one
parts      ``+``-separated ids whose published values this total should add up to
group      shares of one group are printed to add up to 100 %
note       free text
========== =================================================================================

Every problem is reported with the file, the row (header = row 1), the column and the reason;
a file with any problem is refused as a whole (:class:`PublishedFiguresError`).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from lingtan.adapters.i18n.rows import english, file_error, row_issue
from lingtan.adapters.io.cell_safety import unneutralise
from lingtan.core.errors import InputFileError, PeriodError, RowIssue, UnitError
from lingtan.core.messages import Message, msg
from lingtan.core.periods import FiscalCalendar
from lingtan.core.reconcile import (
    MASS_UNITS,
    TCE_UNITS,
    Kind,
    NumberError,
    PublishedFigure,
    SelectorError,
    parse_decimal,
    parse_selector,
    reference_problems,
    selector_fits,
)
from lingtan.core.units import conversion_factor

#: Where an organisation's published figures live in its workspace.
FIGURES_PATH = Path("published") / "figures.csv"
REQUIRED = ("id", "fiscal_year", "kind", "value", "unit", "decimals", "lingtan")
OPTIONAL = ("label", "reference", "region", "factor_as_of", "parts", "group", "note")
MAX_BYTES = 4 * 1024 * 1024


class PublishedFiguresError(InputFileError):
    """A published figures file with problems; ``issues`` lists each with row and column
    (keyed issues: the catalogue renders them, ``i18n.readers.error_text``)."""

    def __init__(self, source: str, issues: list[RowIssue]) -> None:
        lines = "\n".join(f"  {i}" for i in issues)
        head = msg("reader.figures.problems", count=len(issues))
        super().__init__(source, f"{english(head)}\n{lines}", message=head)
        self.issues = issues


def _unit_problem(kind: Kind, unit: str) -> Message | None:
    if kind == Kind.SHARE:
        return None if unit == "%" else msg("reader.figures.unit_share")
    if kind == Kind.PROJECT_TCE:
        return None if unit in TCE_UNITS else msg("reader.figures.unit_tce", units=tuple(TCE_UNITS))
    if kind == Kind.ENERGY:
        try:
            conversion_factor(unit, "kWh")
        except UnitError:
            return msg("reader.figures.unit_energy", unit=repr(unit))
        return None
    return None if unit in MASS_UNITS else msg("reader.figures.unit_mass", units=tuple(MASS_UNITS))


def _row(
    raw: dict[str, str], n: int, source: str, calendar: FiscalCalendar, issues: list[RowIssue]
) -> PublishedFigure | None:
    def bad(fld: str, reason: Message) -> None:
        issues.append(row_issue(source, n, fld, reason, raw.get(fld, "") or ""))

    before = len(issues)
    v = {k: unneutralise(raw.get(k) or "").strip() for k in (*REQUIRED, *OPTIONAL)}
    for k in REQUIRED:
        if not v[k] and k != "lingtan":
            bad(k, msg("reader.figures.required"))
    if len(issues) > before:
        return None
    kind = None
    try:
        kind = Kind(v["kind"])
    except ValueError:
        bad("kind", msg("reader.figures.kind", kinds=tuple(k.value for k in Kind)))
    fy = ""
    try:
        fy = calendar.parse(v["fiscal_year"]).label
    except (PeriodError, ValueError, OverflowError) as exc:
        bad("fiscal_year", msg("reader.figures.fiscal_year", why=str(exc)))
    value = None
    try:
        value = parse_decimal(v["value"])
    except NumberError as exc:
        bad("value", exc.message)
    decimals = 0
    try:
        decimals = int(v["decimals"])
        if not -9 <= decimals <= 9:
            bad("decimals", msg("reader.figures.decimals_range"))
    except ValueError:
        bad("decimals", msg("reader.figures.decimals_int"))
    selector = None
    try:
        selector = parse_selector(v["lingtan"])
    except SelectorError as exc:
        bad("lingtan", exc.message)
    if kind is not None:
        why = _unit_problem(kind, v["unit"])
        if why:
            bad("unit", why)
        if selector is not None and not selector_fits(selector, kind):
            bad("lingtan", msg("reader.figures.selector_kind", kind=kind.value))
    if v["factor_as_of"]:
        try:
            date.fromisoformat(v["factor_as_of"])
        except ValueError:
            bad("factor_as_of", msg("reader.figures.date"))
    if len(issues) > before or kind is None or value is None or selector is None:
        return None
    return PublishedFigure(
        id=v["id"],
        label=v["label"],
        reference=v["reference"],
        fiscal_year=fy,
        kind=kind,
        value=value,
        unit=v["unit"],
        decimals=decimals,
        selector=selector,
        region=v["region"],
        factor_as_of=v["factor_as_of"],
        parts=tuple(p.strip() for p in v["parts"].split("+") if p.strip()),
        group=v["group"],
        note=v["note"],
        row=n,
    )


def parse_published_figures(
    text: str, source: str, calendar: FiscalCalendar
) -> list[PublishedFigure]:
    """Parse the CSV text of a published figures file (see the module doc).

    Raises:
        PublishedFiguresError: every problem, each naming the row, the column and the reason.
        InputFileError: no header, or a required column missing.
    """
    try:
        return _parse(text, source, calendar)
    except csv.Error as exc:
        raise file_error(source, msg("reader.figures.not_csv", why=str(exc))) from None


def _parse(text: str, source: str, calendar: FiscalCalendar) -> list[PublishedFigure]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        raise file_error(source, msg("reader.figures.empty"))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise file_error(source, msg("reader.figures.missing_columns", columns=tuple(missing)))
    unknown = [c for c in header if c not in REQUIRED and c not in OPTIONAL]
    if unknown:
        raise file_error(source, msg("reader.figures.unknown_columns", columns=tuple(unknown)))
    reader.fieldnames = header
    issues: list[RowIssue] = []
    figures: list[PublishedFigure] = []
    for n, raw in enumerate(reader, start=2):
        if None in raw:
            issues.append(row_issue(source, n, "", msg("reader.figures.extra_cells")))
            continue
        if not any((c or "").strip() for c in raw.values()):
            continue  # a blank line
        fig = _row(raw, n, source, calendar, issues)
        if fig is not None:
            figures.append(fig)
    if not issues:
        issues += [row_issue(source, r, f, why) for r, f, why in reference_problems(figures)]
    if issues:
        raise PublishedFiguresError(source, issues)
    if not figures:
        raise file_error(source, msg("reader.figures.no_figures"))
    return figures


def read_published_figures(path: Path, calendar: FiscalCalendar) -> list[PublishedFigure]:
    """Read ``path`` (see :func:`parse_published_figures`).

    Raises:
        InputFileError: missing, too large or not UTF-8, or any problem of the content.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise file_error(str(path), msg("reader.figures.no_file")) from None
    if len(data) > MAX_BYTES:
        raise file_error(str(path), msg("reader.figures.too_large", mib=MAX_BYTES // 1024**2))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise file_error(str(path), msg("reader.figures.not_utf8", why=str(exc.reason))) from None
    return parse_published_figures(text, path.name, calendar)
