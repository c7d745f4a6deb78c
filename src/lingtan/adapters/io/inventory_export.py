"""Writing an inventory out: JSON (the stable document), CSV (long format), XLSX (one sheet per
breakdown) and a plain-text table in the layout of a disclosure's GHG appendix."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from lingtan.core.activities import SCOPE1_CATEGORIES, SCOPE2_CATEGORIES, SCOPE3_CATEGORIES
from lingtan.core.inventory import Inventory


def to_json(inv: Inventory) -> str:
    """The inventory as one JSON object (keys documented in docs/output.md)."""
    return json.dumps(inv.to_dict(), ensure_ascii=False, indent=2)


def long_rows(inv: Inventory) -> list[dict[str, Any]]:
    """The inventory as long rows: section, key, basis, t CO2e, share of total (market) %."""
    doc = inv.to_dict()
    grand = doc["totals_tco2e"]["total_market"] or 0.0
    out: list[dict[str, Any]] = []

    def add(section: str, key: str, value: float | None, basis: str = "market") -> None:
        share = "" if value is None or not grand else round(100.0 * value / grand, 4)
        out.append(
            {
                "fiscal_year": inv.fiscal_year,
                "section": section,
                "key": key,
                "basis": basis,
                "tco2e": "" if value is None else value,
                "share_pct": share,
            }
        )

    for k, v in doc["totals_tco2e"].items():
        add("total", k, v, "location" if "location" in k else "market")
    for section in (
        "scope1_by_category_tco2e",
        "scope3_by_category_tco2e",
        "iso14064_by_category_tco2e",
        "by_gas_tco2e",
        "by_site_tco2e",
        "by_entity_tco2e",
        "by_month_tco2e",
        "by_tier_tco2e",
    ):
        for k, v in doc[section].items():
            add(section.removesuffix("_tco2e"), k, v)
    for basis, cats in doc["scope2_by_category_tco2e"].items():
        for k, v in (cats or {}).items():
            add("scope2_by_category", k, v, basis)
    return out


def to_csv(inv: Inventory) -> str:
    """Long-format CSV of :func:`long_rows`."""
    buf = io.StringIO()
    rows = long_rows(inv)
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
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
    for row in ws.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.number_format = "#,##0" if cell.column <= len(invs) + 1 else "0.00"
    ws.column_dimensions["A"].width = 48
    detail = wb.create_sheet("Detail")
    rows = [r for inv in invs for r in long_rows(inv)]
    if rows:
        detail.append(list(rows[0]))
        for r in rows:
            detail.append(list(r.values()))
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
            ]
        )
    wb.save(path)
    return path


def summary_lines(invs: list[Inventory]) -> list[tuple[str, list[Any]]]:
    """Appendix-style lines (scope totals, Scope 3 by category, totals) with values per year,
    then shares (percent of market-based total) per year."""
    lines: list[tuple[str, list[Any]]] = []
    docs = [i.to_dict() for i in invs]

    def line(label: str, get: Any) -> None:
        vals = [get(d) for d in docs]
        totals = [d["totals_tco2e"]["total_market"] or 0.0 for d in docs]
        # shares are of the market-based total; a location-based line has none
        shares = [
            None if v is None or not t or "location" in label else 100.0 * v / t
            for v, t in zip(vals, totals, strict=True)
        ]
        lines.append((label, [*vals, *shares]))

    line("Scope 1", lambda d: d["totals_tco2e"]["scope1"])
    for c, name in SCOPE1_CATEGORIES.items():
        line(f"  S1 {name}", lambda d, c=c: d["scope1_by_category_tco2e"].get(str(c), 0.0))
    line("Scope 2 (location-based)", lambda d: d["totals_tco2e"]["scope2_location"])
    line("Scope 2 (market-based)", lambda d: d["totals_tco2e"]["scope2_market"])
    for c, name in SCOPE2_CATEGORIES.items():
        line(
            f"  S2 {name} (market)",
            lambda d, c=c: d["scope2_by_category_tco2e"]["market"].get(str(c), 0.0),
        )
    line("Scope 3", lambda d: d["totals_tco2e"]["scope3"])
    for c, name in SCOPE3_CATEGORIES.items():
        line(f"  Category {c}: {name}", lambda d, c=c: d["scope3_by_category_tco2e"][str(c)])
    line("Total (market-based)", lambda d: d["totals_tco2e"]["total_market"])
    line("Total (location-based)", lambda d: d["totals_tco2e"]["total_location"])
    return lines


def to_table(invs: list[Inventory]) -> str:
    """A fixed-width text table of :func:`summary_lines` (tonnes with thousands separators)."""
    head = ["t CO2e", *[i.fiscal_year for i in invs], *["share %" for _ in invs]]
    body = []
    n = len(invs)
    for label, vals in summary_lines(invs):
        cells = [label]
        for j, v in enumerate(vals):
            if v is None:
                cells.append("n/a" if j < n else "")
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
