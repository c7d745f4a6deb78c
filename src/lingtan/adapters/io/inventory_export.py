"""Writing an inventory out: JSON (the stable document), CSV (long format), XLSX (one sheet per
breakdown) and a plain-text table in the layout of a disclosure's GHG appendix.

Every format carries the completeness assessment (docs/completeness.md; GHG Protocol ch. 1,
ISO 14064-1 §9.3): the JSON ``completeness`` section; the CSV's first data rows (section
``completeness`` and ``scope3_exclusions``); the XLSX ``Completeness`` sheet and a status line
on ``Summary``; the table's status line. An excluded Scope 3 category prints its reason, a scope
disclosed without a split prints "not split", never 0.

Every format carries the table by Kyoto gas (GHG Protocol Corporate Standard ch. 9;
ISO 14064-1:2018 §9.3.1; :attr:`Inventory.gas_table`) and biogenic CO2 apart, outside the
scopes, with no share of the total: the JSON ``by_kyoto_gas`` and
``totals_tco2e.biogenic_co2_outside_scopes``; the CSV section ``kyoto_gas`` (t CO2e, and t of
gas in the ``t_gas`` column); the XLSX ``Gases`` sheet and a Summary line.

The breakdowns by supplier and by product (decision 0044) are written only when the inventory
has them (some row names a supplier, a product): the JSON ``by_supplier_tco2e`` /
``by_product_tco2e``, the CSV sections ``by_supplier`` / ``by_product`` (and the XLSX Detail
sheet), and Summary / table lines per supplier and product; emissions without one are under the
key ``unattributed`` (:data:`lingtan.core.inventory.UNATTRIBUTED`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from lingtan.adapters.io.cell_safety import safe_cell, safe_workbook
from lingtan.core.activities import SCOPE1_CATEGORIES, SCOPE2_CATEGORIES, SCOPE3_CATEGORIES
from lingtan.core.gas_table import COLUMNS, KYOTO_GROUPS, SCOPES
from lingtan.core.inventory import DIMENSION_BREAKDOWNS, UNATTRIBUTED, Inventory

#: Excel number formats of the exports: a share as a percent with two decimals (the cell holds
#: the fraction, 0.1175 → 11.75 %), tonnes with three decimals, kilograms with three.
PERCENT_FORMAT = "0.00%"
TONNES_FORMAT = "#,##0.000"
KG_FORMAT = "#,##0.000"
FACTOR_FORMAT = "0.000000"

NOT_SPLIT = "not split"
#: a Scope 3 category with no data and no exclusion reason (not a measured zero)
NOT_REPORTED = "—"
#: a Scope 3 category whose only rows were not calculated
NOT_CALCULATED = "not calculated"
#: key of biogenic CO2 in ``totals_tco2e`` [t CO2]: outside the scopes, no share of the total
BIOGENIC_KEY = "biogenic_co2_outside_scopes"


def to_json(inv: Inventory) -> str:
    """The inventory as one JSON object (keys documented in docs/output.md)."""
    return json.dumps(inv.to_dict(), ensure_ascii=False, indent=2)


def long_rows(inv: Inventory) -> list[dict[str, Any]]:
    """The inventory as long rows: section, key, basis, t CO2e, share %, t of gas. A share is
    of the total of the line's basis (market-based lines of the market-based total,
    location-based lines of the location-based total), so that the lines of one breakdown add
    up to 100 %; biogenic CO2 has none."""
    doc = inv.to_dict()
    # a share is of the total of its own basis: a location-based line of the location-based
    # total, every other line of the market-based total (decision 0057)
    grands = {
        "market": doc["totals_tco2e"]["total_market"] or 0.0,
        "location": doc["totals_tco2e"]["total_location"] or 0.0,
    }
    out: list[dict[str, Any]] = []

    def add(
        section: str,
        key: str,
        value: float | None,
        basis: str = "market",
        *,
        share: bool = True,
        t_gas: float | None = None,
    ) -> None:
        grand = grands.get(basis, grands["market"])
        pct = "" if value is None or not grand or not share else round(100.0 * value / grand, 4)
        out.append(
            {
                "fiscal_year": inv.fiscal_year,
                "section": section,
                "key": key,
                "basis": basis,
                "tco2e": "" if value is None else value,
                "share_pct": pct,
                "t_gas": "" if t_gas is None else t_gas,
            }
        )

    for key in completeness_lines(inv):
        out.append({**_blank(inv), "section": "completeness", "key": key})
    for e in inv.exclusions:
        key = f"category {e.category}: excluded, {e.text}"
        out.append({**_blank(inv), "section": "scope3_exclusions", "key": key})
    for k, v in doc["totals_tco2e"].items():
        add("total", k, v, "location" if "location" in k else "market", share=k != BIOGENIC_KEY)
    for scope in (1, 2, 3):
        if inv.split(scope) is False:
            add(f"scope{scope}_by_category", NOT_SPLIT, inv.total("market", scope=scope))
    excluded = {str(e.category) for e in inv.exclusions}
    for section in (
        "scope1_by_category_tco2e",
        "scope3_by_category_tco2e",
        "iso14064_by_category_tco2e",
        "by_gas_tco2e",
        "by_site_tco2e",
        "by_entity_tco2e",
        "by_month_tco2e",
        "by_tier_tco2e",
        *(k for k in DIMENSION_BREAKDOWNS if k in doc),  # present only when some row has one
    ):
        name = section.removesuffix("_tco2e")
        if (
            name in ("scope1_by_category", "scope3_by_category")
            and inv.split(int(name[5])) is False
        ):
            continue  # the scope's total is on its "not split" row
        for k, v in doc[section].items():
            if name == "scope3_by_category" and k in excluded and not v:
                continue  # excluded: the reason is in scope3_exclusions, not a 0
            add(name, k, v)
    if inv.split(2) is not False:
        for basis, cats in doc["scope2_by_category_tco2e"].items():
            for k, v in (cats or {}).items():
                add("scope2_by_category", k, v, basis)
    gases = doc["by_kyoto_gas"]
    if gases is None:
        out.append(
            {**_blank(inv), "section": "kyoto_gas", "key": f"not available: {inv.gas_table_note}"}
        )
        return out
    for scope, cols in gases["scopes"].items():
        basis = "location" if scope == "scope2_location" else "market"
        for col in COLUMNS:
            cell = cols[col]
            if col in KYOTO_GROUPS or cell["t_co2e"]:
                add("kyoto_gas", f"{scope}.{col}", cell["t_co2e"], basis, t_gas=cell["t_gas"])
    for scope, t in gases["biogenic_co2_t_outside_scopes"].items():
        basis = "location" if scope == "scope2_location" else "market"
        add("kyoto_gas", f"{scope}.{BIOGENIC_KEY}", t, basis, share=False, t_gas=t)
    return out


def _blank(inv: Inventory) -> dict[str, Any]:
    return {
        "fiscal_year": inv.fiscal_year,
        "section": "",
        "key": "",
        "basis": "",
        "tco2e": "",
        "share_pct": "",
        "t_gas": "",
    }


def completeness_lines(inv: Inventory) -> list[str]:
    """The completeness assessment as readable lines: status first, then each group of rows
    not calculated with its tonnage basis and what to add, then the open items."""
    c = inv.completeness
    lines = [f"status: {c.summary()}"]
    for g in c.groups:
        where = f" in {g.region}" if g.region else ""
        tail = " (category excluded: does not count)" if g.excluded else ""
        lines.append(
            f"not calculated: {g.rows} rows of {g.activity_type}{where}, {g.quantity:,.6g} "
            f"{g.unit} (Scope {g.scope} category {g.category}; {g.to_dict()['cause_text']})"
            f"{tail}; add {g.what_to_add}"
        )
    for g in c.not_estimated:
        lines.append(
            f"not estimated (optional stream): {g.activity_type} in {g.region}, "
            f"{g.quantity:,.6g} {g.unit}"
        )
    lines.extend(f"open: {item}" for item in c.open_items)
    return lines


def to_csv(inv: Inventory) -> str:
    """Long-format CSV of :func:`long_rows`."""
    buf = io.StringIO()
    rows = long_rows(inv)
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows({k: safe_cell(v) for k, v in r.items()} for r in rows)  # decision 0035
    return buf.getvalue()


def write_xlsx(invs: list[Inventory], path: Path) -> Path:
    """One workbook: a summary sheet with every year side by side, then one long sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Summary"
    ws.append(["line", *[i.fiscal_year for i in invs], *[f"{i.fiscal_year} %" for i in invs]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for label, values in summary_lines(invs):
        ws.append([label, *values])
    ws.append([])
    ws.append(["Completeness (see the Completeness sheet)", *[i.status for i in invs]])
    for row in ws.iter_rows(min_row=2, min_col=2):
        for cell in row:
            if cell.column <= len(invs) + 1:
                cell.number_format = "#,##0.000"
            elif isinstance(cell.value, int | float):  # percent [0..1] shown as 11.75 %
                cell.value = cell.value / 100.0
                cell.number_format = PERCENT_FORMAT
    ws.column_dimensions["A"].width = 48
    detail = wb.create_sheet("Detail")
    rows = [r for inv in invs for r in long_rows(inv)]
    if rows:
        detail.append(list(rows[0]))
        for r in rows:
            detail.append(list(r.values()))
    comp = wb.create_sheet("Completeness")
    comp.append(["fiscal_year", "completeness"])
    for cell in comp[1]:
        cell.font = Font(bold=True)
    for inv in invs:
        for line in completeness_lines(inv):
            comp.append([inv.fiscal_year, line])
        for e in inv.exclusions:
            comp.append([inv.fiscal_year, f"Scope 3 category {e.category} excluded: {e.text}"])
    comp.column_dimensions["B"].width = 120
    _gases_sheet(wb.create_sheet("Gases"), invs)
    meta = wb.create_sheet("About")
    for inv in invs:
        meta.append(
            [
                "fiscal_year",
                inv.fiscal_year,
                "snapshot",
                inv.snapshot_id,
                "gwp_set",
                inv.gwp_set,
                "consolidation",
                inv.consolidation,
                "completeness",
                inv.status,
            ]
        )
    safe_workbook(wb).save(path)  # no cell a spreadsheet could run (decision 0035)
    return path


#: Row labels of the scopes of the table by gas.
SCOPE_LABELS = {
    "scope1": "Scope 1",
    "scope2_location": "Scope 2 (location-based)",
    "scope2_market": "Scope 2 (market-based)",
    "scope3": "Scope 3",
}


def gas_rows(inv: Inventory) -> list[list[Any]]:
    """The table by Kyoto gas as rows (scope, gas, t CO2e, t of gas, note): the seven gases of
    each scope, the other columns where used, then biogenic CO2 outside the scopes [t CO2]."""
    t = inv.gas_table
    if t is None:
        return [["", "", None, None, f"not available: {inv.gas_table_note}"]]
    rows: list[list[Any]] = []
    for scope in SCOPES:
        for col in COLUMNS:
            c = t.scopes[scope][col]
            if col in KYOTO_GROUPS or c.t_co2e:
                rows.append([SCOPE_LABELS[scope], col, c.t_co2e, c.t_gas, ""])
        rows.append([SCOPE_LABELS[scope], "total", t.total(scope), None, ""])
    for scope, v in t.biogenic_co2_t.items():
        rows.append([SCOPE_LABELS[scope], "CO2_biogenic", v, v, "outside of scopes (t CO2)"])
    return rows


def _gases_sheet(sheet: Any, invs: list[Inventory]) -> None:
    """The XLSX ``Gases`` sheet: :func:`gas_rows` of every year (GHG Protocol ch. 9)."""
    from openpyxl.styles import Font

    sheet.append(["fiscal_year", "gwp_set", "scope", "gas", "t CO2e", "t of gas", "note"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for inv in invs:
        for r in gas_rows(inv):
            sheet.append([inv.fiscal_year, inv.gwp_set, *r])
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = "#,##0.000" if cell.column == 5 else "#,##0.000000"
    sheet.column_dimensions["C"].width = 26
    sheet.column_dimensions["G"].width = 40


def summary_lines(invs: list[Inventory], *, top: int | None = None) -> list[tuple[str, list[Any]]]:
    """Appendix-style lines (scope totals, Scope 3 by category, totals) with values per year,
    then shares (percent of market-based total) per year.

    A value is a number [t CO2e], None (not available), or text: :data:`NOT_SPLIT` for the
    categories of a scope disclosed without a split, ``excluded: <reason>`` for a Scope 3
    category in the exclusions register with nothing reported, :data:`NOT_REPORTED` for one with
    no data and no reason."""
    lines: list[tuple[str, list[Any]]] = []
    docs = [i.to_dict() for i in invs]
    excl = [{e.category: e.reason for e in i.exclusions} for i in invs]

    def line(label: str, get: Any, share: bool = True) -> None:
        vals = [get(d) for d in docs]
        totals = [d["totals_tco2e"]["total_market"] or 0.0 for d in docs]
        # shares are of the market-based total; a location-based line has none
        shares = [
            None
            if not isinstance(v, int | float) or not t or "location" in label or not share
            else 100.0 * v / t
            for v, t in zip(vals, totals, strict=True)
        ]
        lines.append((label, [*vals, *shares]))

    def cat(scope: int, key: str, get: Any) -> Any:
        def f(d: dict[str, Any]) -> Any:
            j = docs.index(d)
            if invs[j].split(scope) is False:
                return NOT_SPLIT
            v = get(d)
            reason = excl[j].get(int(key)) if scope == 3 else None
            if reason and not v:
                return f"excluded: {reason.replace('_', ' ')}"
            state = invs[j].completeness.scope3.get(key) if scope == 3 else None
            if state == "not_reported":
                return NOT_REPORTED
            if state == "not_calculated" and not v:
                return NOT_CALCULATED
            return v

        return f

    line("Scope 1", lambda d: d["totals_tco2e"]["scope1"])
    for c, name in SCOPE1_CATEGORIES.items():
        line(
            f"  S1 {name}",
            cat(1, str(c), lambda d, c=c: d["scope1_by_category_tco2e"].get(str(c), 0.0)),
        )
    line("Scope 2 (location-based)", lambda d: d["totals_tco2e"]["scope2_location"])
    line("Scope 2 (market-based)", lambda d: d["totals_tco2e"]["scope2_market"])
    for c, name in SCOPE2_CATEGORIES.items():
        line(
            f"  S2 {name} (market)",
            cat(2, str(c), lambda d, c=c: d["scope2_by_category_tco2e"]["market"].get(str(c), 0.0)),
        )
    line("Scope 3", lambda d: d["totals_tco2e"]["scope3"])
    for c, name in SCOPE3_CATEGORIES.items():
        line(
            f"  Category {c}: {name}",
            cat(3, str(c), lambda d, c=c: d["scope3_by_category_tco2e"][str(c)]),
        )
    line("Total (market-based)", lambda d: d["totals_tco2e"]["total_market"])
    line("Total (location-based)", lambda d: d["totals_tco2e"]["total_location"])
    for section, field in DIMENSION_BREAKDOWNS.items():  # only inventories that have them
        keys: dict[str, None] = {}
        for d in docs:
            keys.update(dict.fromkeys(d.get(section) or {}))
        shown, rest = _largest(docs, section, list(keys), top)
        for k in shown:  # e.g. "Supplier S-01 (market-based)"; an inventory without: n/a
            line(
                f"{field.capitalize()} {k} (market-based)",
                lambda d, k=k, section=section: d[section].get(k, 0.0) if section in d else None,
            )
        if rest:  # the others in one line: "Other suppliers (134) (market-based)"
            line(
                f"Other {field}s ({len(rest)}) (market-based)",
                lambda d, rest=rest, section=section: (
                    sum(d[section].get(k, 0.0) for k in rest) if section in d else None
                ),
            )
    if any(d["totals_tco2e"][BIOGENIC_KEY] for d in docs):  # outside the scopes: no share
        line(
            "Biogenic CO2, outside of scopes (t CO2)",
            lambda d: d["totals_tco2e"][BIOGENIC_KEY],
            False,
        )
    return lines


def _largest(
    docs: list[dict[str, Any]], section: str, keys: list[str], top: int | None
) -> tuple[list[str], list[str]]:
    """``keys`` of a breakdown split into those shown one per line and the rest: with ``top``,
    the ``top`` largest (by their largest value over the inventories, ties in key order) and
    :data:`~lingtan.core.inventory.UNATTRIBUTED` always shown, in their original order; the
    rest summed in one line. Without ``top`` (or when at most one key would be left over),
    every key is shown."""
    named = [k for k in keys if k != UNATTRIBUTED]
    if top is None or len(named) <= top + 1:
        return keys, []

    def size(k: str) -> float:
        return max(float(d.get(section, {}).get(k, 0.0) or 0.0) for d in docs)

    keep = set(sorted(named, key=lambda k: -size(k))[:top])
    shown = [k for k in keys if k in keep or k == UNATTRIBUTED]
    return shown, [k for k in named if k not in keep]


#: breakdown lines (suppliers, products) a terminal table shows one by one; the rest are summed
TABLE_TOP = 10


def to_table(invs: list[Inventory]) -> str:
    """A fixed-width text table of :func:`summary_lines` (tonnes with thousands separators): the
    :data:`TABLE_TOP` largest suppliers and products one per line, the others in one line (the
    CSV and JSON exports keep every one)."""
    head = ["t CO2e", *[i.fiscal_year for i in invs], *["share %" for _ in invs]]
    body = []
    n = len(invs)
    for label, vals in summary_lines(invs, top=TABLE_TOP):
        cells = [label]
        for j, v in enumerate(vals):
            if v is None:
                cells.append("n/a" if j < n else "")
            elif isinstance(v, str):
                cells.append(v)
            elif j < n:
                cells.append(f"{v:,.0f}")
            else:
                cells.append(f"{v:.2f}")
        body.append(cells)
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    fmt = [f"{{:<{widths[0]}}}", *[f"{{:>{w}}}" for w in widths[1:]]]
    lines = ["  ".join(f.format(c) for f, c in zip(fmt, head, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(f.format(c) for f, c in zip(fmt, r, strict=True)) for r in body)
    return "\n".join(lines)


def status_lines(invs: list[Inventory]) -> list[str]:
    """One line per inventory: ``FY2023/24: INCOMPLETE — 3 activity rows not calculated (…)``
    or ``FY2023/24: complete``."""
    out = []
    for inv in invs:
        c = inv.completeness
        if c.complete:
            out.append(f"{inv.fiscal_year}: complete")
        else:
            out.append(f"{inv.fiscal_year}: INCOMPLETE — {c.summary().split(': ', 1)[1]}")
    return out


def exclusion_lines(invs: list[Inventory]) -> list[str]:
    """The Scope 3 exclusions register and the categories with no data and no reason."""
    out = []
    for inv in invs:
        c = inv.completeness
        for e in inv.exclusions:
            out.append(f"{inv.fiscal_year}: Scope 3 category {e.category} excluded — {e.text}")
        missing = [k for k, v in c.scope3.items() if v == "not_reported"]
        if missing:
            out.append(
                f"{inv.fiscal_year}: Scope 3 categories not reported, no reason: "
                + ", ".join(missing)
            )
        if any(v == "not_split" for v in c.scope3.values()):
            out.append(f"{inv.fiscal_year}: Scope 3 disclosed as one figure, not split by category")
    return out


# -- the reviewer's workbook (issue 13 item 6; decision 0057) ------------------------------------

#: Data rows an XLSX sheet holds at most (Excel: 1,048,576 rows, one of them the header).
XLSX_MAX_ROWS = 1_048_575

#: Columns of the reviewer workbook's sheets (catalogue keys ``lineage.xlsx.col.<name>``).
ACTIVITY_SHEET_COLUMNS = (
    "file", "row", "site", "site_name", "date", "scope", "category", "basis", "activity_type",
    "quantity", "unit", "factors", "kg_co2e_per_unit", "share", "co2e_kg",
)  # fmt: skip
FACTOR_SHEET_COLUMNS = (
    "factor_id", "set", "version", "activity_type", "region", "gas", "value", "unit",
    "valid_from", "valid_to", "source",
)  # fmt: skip
LINEAGE_SHEET_COLUMNS = (
    "file", "row", "basis", "stream", "factor_id", "gas", "quantity", "unit", "conversion",
    "cover_multiplier", "factor_value", "factor_unit", "gwp", "share", "kg_gas", "co2e_kg",
)  # fmt: skip
_FORMATS = {
    "tco2e": TONNES_FORMAT,
    "share_of_total": PERCENT_FORMAT,
    "t_gas": "#,##0.000000",
    "kg_co2e_per_unit": FACTOR_FORMAT,
    "share": PERCENT_FORMAT,
    "co2e_kg": KG_FORMAT,
    "value": FACTOR_FORMAT,
    "factor_value": FACTOR_FORMAT,
}  # the other numbers in General format (a styled cell costs openpyxl ~70 % more time)


def _english(key: str, **_: Any) -> str:
    """The labels of the reviewer workbook when no translator is given: the key's last part."""
    return key.rsplit(".", 1)[-1]


def reviewer_summary(inv: Inventory, t: Callable[..., str]) -> list[tuple[str, str, Any, Any]]:
    """The Summary sheet's lines: (label, basis, t CO2e or a text, share of the basis's
    total as a fraction or None). The market-based lines (Scope 1, Scope 2 market-based,
    Scope 3 and their categories) are shares of the market-based total, the location-based
    ones of the location-based total, so Scope 1 + Scope 2 + Scope 3 = 1 on each basis;
    biogenic CO2 is outside the scopes and has no share (GHG Protocol ch. 9)."""
    doc = inv.to_dict()
    tot = doc["totals_tco2e"]
    grands = {"market": tot["total_market"] or 0.0, "location": tot["total_location"] or 0.0}
    excluded = {e.category for e in inv.exclusions}
    out: list[tuple[str, str, Any, Any]] = []

    def add(label: str, basis: str, value: Any, share: bool = True) -> None:
        frac = None
        if share and isinstance(value, int | float) and grands[basis]:
            frac = value / grands[basis]
        out.append((label, t(f"basis.{basis}"), value, frac))

    def cat_value(scope: int, cat: str, value: float) -> Any:
        if inv.split(scope) is False:
            return t("completeness.not_split")
        if scope == 3:
            state = inv.completeness.scope3.get(cat)
            if int(cat) in excluded and not value:
                return t("completeness.excluded")
            if state == "not_reported":
                return NOT_REPORTED
            if state == "not_calculated" and not value:
                return t("completeness.not_calculated")
        return value

    cats = {1: SCOPE1_CATEGORIES, 2: SCOPE2_CATEGORIES, 3: SCOPE3_CATEGORIES}
    for scope, basis, total, by_cat in (
        (1, "market", tot["scope1"], doc["scope1_by_category_tco2e"]),
        (2, "market", tot["scope2_market"], doc["scope2_by_category_tco2e"]["market"] or {}),
        (3, "market", tot["scope3"], doc["scope3_by_category_tco2e"]),
        (2, "location", tot["scope2_location"], doc["scope2_by_category_tco2e"]["location"] or {}),
    ):
        add(t(f"scope.{scope}"), basis, total)
        for c in cats[scope]:
            value = by_cat.get(str(c), 0.0) or 0.0
            add(f"    {c}. {t(f'cat.{scope}.{c}')}", basis, cat_value(scope, str(c), value))
        if scope == 3:
            add(t("lineage.xlsx.total"), "market", tot["total_market"])
    add(t("lineage.xlsx.total"), "location", tot["total_location"])
    if tot[BIOGENIC_KEY]:
        out.append((t("gases.gas.biogenic"), "", tot[BIOGENIC_KEY], None))
    return out


def write_reviewer_xlsx(
    inv: Inventory,
    path: Path,
    *,
    t: Callable[..., str] | None = None,
    site_names: Mapping[str, str] | None = None,
    activity_rows: Iterable[Mapping[str, Any]] = (),
    factors: Iterable[Mapping[str, Any]] = (),
    lineage_rows: Iterable[Mapping[str, Any]] = (),
) -> Path:
    """The workbook a reviewer (ISO 14064-3 verifier, auditor) works from, written in
    openpyxl's write-only mode (constant memory for large sheets), numbers as numbers with
    number formats, headers in the translator's language:

    * Summary: scopes and categories [t CO2e] with their share of the total of their basis
      (a fraction shown as a percent, 0.1175 → 11.75 %);
    * Gases: the table by Kyoto gas [t CO2e and t of gas], biogenic CO2 apart;
    * Activity rows: one line per activity row (file name, spreadsheet row, site and its name,
      factors, kg CO2e per unit, consolidation share, kg CO2e);
    * Factors: the factors used (value in kg gas per factor unit, source);
    * Lineage: activity row → factor → gas → kg CO2e, with every term of the product;
    * Completeness and About.

    ``activity_rows`` carry :data:`ACTIVITY_SHEET_COLUMNS`, ``lineage_rows``
    :data:`LINEAGE_SHEET_COLUMNS` and ``factors`` :data:`FACTOR_SHEET_COLUMNS` (missing keys:
    empty cells). A sheet stops at :data:`XLSX_MAX_ROWS` with a last line saying so.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    tr: Callable[..., str] = t or _english
    names = site_names or {}
    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(key: str, columns: Iterable[str], widths: Mapping[int, float] = {}) -> Any:
        ws = wb.create_sheet(safe_cell(tr(f"lineage.xlsx.sheet.{key}"))[:31])
        for i, w in widths.items():
            ws.column_dimensions[chr(ord("A") + i)].width = w
        ws.freeze_panes = "A2"
        head = []
        for c in columns:
            cell = WriteOnlyCell(ws, value=safe_cell(tr(f"lineage.xlsx.col.{c}")))
            cell.font = bold
            head.append(cell)
        ws.append(head)
        return ws

    def append(ws: Any, columns: tuple[str, ...], values: list[Any]) -> None:
        row: list[Any] = []
        for c, v in zip(columns, values, strict=True):
            if isinstance(v, int | float) and c in _FORMATS:
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = _FORMATS[c]
                row.append(cell)
            else:
                row.append(safe_cell(v))
        ws.append(row)

    def rows_sheet(
        key: str, columns: tuple[str, ...], rows: Iterable[Mapping[str, Any]], wide: int
    ) -> None:
        ws = sheet(key, columns, {wide: 40})
        for n, r in enumerate(rows):
            if n == XLSX_MAX_ROWS - 1:
                ws.append([tr("lineage.xlsx.truncated", n=n)])
                break
            append(ws, columns, [r.get(c) for c in columns])

    cols = ("line", "basis", "tco2e", "share_of_total")
    ws = sheet("summary", cols, {0: 48, 1: 16, 2: 16, 3: 14})
    for summary in reviewer_summary(inv, tr):
        append(ws, cols, list(summary))

    cols = ("scope", "gas", "tco2e", "t_gas")
    ws = sheet("gases", cols, {0: 26, 1: 40})
    table = inv.gas_table
    if table is None:
        ws.append([safe_cell(tr("gases.unavailable", note=inv.gas_table_note or ""))])
    else:
        for scope in SCOPES:
            label = tr(f"gases.scope.{scope}")
            for col in COLUMNS:
                c = table.scopes[scope][col]
                if col in KYOTO_GROUPS or c.t_co2e:
                    append(ws, cols, [label, tr(f"gases.gas.{col}"), c.t_co2e, c.t_gas])
            append(ws, cols, [label, tr("gases.gas.total"), table.total(scope), None])
        for scope, v in table.biogenic_co2_t.items():
            label = tr(f"gases.scope.{scope}")
            append(ws, cols, [label, tr("gases.gas.biogenic"), v, v])

    rows_sheet(
        "activity_rows",
        ACTIVITY_SHEET_COLUMNS,
        (
            {
                **r,
                "site_name": names.get(str(r.get("site")), ""),
                "basis": tr(f"basis.{r['basis']}") if r.get("basis") else None,
            }
            for r in activity_rows
        ),
        10,
    )
    rows_sheet("factors", FACTOR_SHEET_COLUMNS, factors, 10)
    rows_sheet("lineage", LINEAGE_SHEET_COLUMNS, lineage_rows, 0)

    ws = sheet("completeness", ("fiscal_year", "completeness"), {1: 120})
    for line in completeness_lines(inv):
        ws.append([inv.fiscal_year, safe_cell(line)])
    for e in inv.exclusions:
        text = f"Scope 3 category {e.category} excluded: {e.text}"
        ws.append([inv.fiscal_year, safe_cell(text)])
    ws = sheet("about", ("field", "value"), {0: 20, 1: 70})
    for k, about in (
        ("fiscal_year", inv.fiscal_year),
        ("snapshot", inv.snapshot_id),
        ("gwp_set", inv.gwp_set),
        ("consolidation", inv.consolidation),
        ("completeness", inv.status),
    ):
        ws.append([safe_cell(tr(f"lineage.xlsx.col.{k}")), safe_cell(about)])
    wb.save(path)
    return path
