"""ILLUSTRATIVE comparable products of the synthetic manufacturer, for the report's two product
energy-efficiency KPIs (issue 16, decision 0076): per product line (notebook, desktop, server,
motorola) two models sold in the base year (FY2018/19; Motorola FY2020/21) and two newer models
sold in FY2022/23 and FY2023/24, each with its typical energy consumption (TEC [kWh/yr],
ENERGY STAR Computers v8 / EU ErP Lot 3 style) and units sold per fiscal year.

Fictional models and figures, chosen to be plausible and below the report's goals (+50 %
desktop and server, +30 % notebook and Motorola by FY2029/30). They are product data: energy
records and ``sales`` of the workspace's ``products/family.yaml``
(:func:`merge_into_family`); the inventory's use-phase rows (generic ``notebook``, ``desktop``,
``server``, ``phone``) are not touched, so no Scope 3 figure changes.

Expected gains vs base year (sales-weighted TEC E = Σ u·TEC / Σ u, gain = E_base / E − 1):

=========  ===========  =================  =================
line       E base       FY2022/23          FY2023/24
=========  ===========  =================  =================
desktop    116.0        97.5 → +18.97 %    92.0 → +26.09 %
server     1,720        1,360 → +26.47 %   1,320 → +30.30 %
notebook   30.8         26.5 → +16.23 %    25.727 → +19.72 %
motorola   5.85         4.9 → +19.39 %     4.7333 → +23.59 %
=========  ===========  =================  =================

Desktop and server together (weights: units of the year) FY2023/24:
(100,000 × 26.087 + 5,000 × 30.303) / 105,000 = +26.29 %.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from lingtan.adapters.io.lca.folder import FAMILY_FILE, products_folder

#: (product_id, line, generation, model year, TEC [kWh/yr]) — ILLUSTRATIVE; notebook generations
#: count from 11 so that they are not averaged with the bundled LB14 family's (1, 4, 5)
RECORDS: tuple[tuple[str, str, int, int, float], ...] = (
    ("SYN-DT-G1", "desktop", 1, 2017, 120.0),
    ("SYN-DT-G2", "desktop", 2, 2018, 110.0),
    ("SYN-DT-G4", "desktop", 4, 2021, 100.0),
    ("SYN-DT-G5", "desktop", 5, 2022, 95.0),
    ("SYN-DT-G6", "desktop", 6, 2023, 90.0),
    ("SYN-SV-G1", "server", 1, 2017, 1800.0),
    ("SYN-SV-G2", "server", 2, 2018, 1600.0),
    ("SYN-SV-G4", "server", 4, 2021, 1400.0),
    ("SYN-SV-G5", "server", 5, 2022, 1300.0),
    ("SYN-NB-G1", "notebook", 11, 2017, 32.0),
    ("SYN-NB-G2", "notebook", 12, 2018, 29.0),
    ("SYN-NB-G5", "notebook", 15, 2022, 27.0),
    ("SYN-NB-G6", "notebook", 16, 2023, 25.0),
    ("SYN-MT-G1", "motorola", 1, 2020, 6.0),
    ("SYN-MT-G2", "motorola", 2, 2020, 5.6),
    ("SYN-MT-G3", "motorola", 3, 2022, 5.0),
    ("SYN-MT-G4", "motorola", 4, 2023, 4.6),
)
#: (product_id, fiscal start year, units sold) — ILLUSTRATIVE
SALES: tuple[tuple[str, int, int], ...] = (
    ("SYN-DT-G1", 2018, 60_000),
    ("SYN-DT-G2", 2018, 40_000),
    ("SYN-DT-G4", 2022, 50_000),
    ("SYN-DT-G5", 2022, 50_000),
    ("SYN-DT-G5", 2023, 40_000),
    ("SYN-DT-G6", 2023, 60_000),
    ("SYN-SV-G1", 2018, 3_000),
    ("SYN-SV-G2", 2018, 2_000),
    ("SYN-SV-G4", 2022, 3_000),
    ("SYN-SV-G5", 2022, 2_000),
    ("SYN-SV-G4", 2023, 1_000),
    ("SYN-SV-G5", 2023, 4_000),
    ("SYN-NB-G1", 2018, 120_000),
    ("SYN-NB-G2", 2018, 80_000),
    ("SYN-NB-G5", 2022, 150_000),
    ("SYN-NB-G6", 2022, 50_000),
    ("SYN-NB-G5", 2023, 80_000),
    ("SYN-NB-G6", 2023, 140_000),
    ("SYN-MT-G1", 2020, 500_000),
    ("SYN-MT-G2", 2020, 300_000),
    ("SYN-MT-G3", 2022, 600_000),
    ("SYN-MT-G4", 2022, 200_000),
    ("SYN-MT-G3", 2023, 300_000),
    ("SYN-MT-G4", 2023, 600_000),
)
LABEL = "ILLUSTRATIVE comparable products of the synthetic manufacturer (fictional figures)"


def _record_lines(indent: str) -> list[str]:
    return [
        f"{indent}- {{product_id: {p}, line: {line}, generation: {g}, year: {y}, "
        f"kwh_per_year: {kwh}}}  # ILLUSTRATIVE"
        for p, line, g, y, kwh in RECORDS
    ]


def _sales_lines() -> list[str]:
    return [f"# {LABEL}: units sold per fiscal year (fiscal start year)", "sales:"] + [
        f"  - {{product_id: {p}, fiscal_year: {y}, units: {u}}}" for p, y, u in SALES
    ]


def merge_family_text(text: str) -> str | None:
    """``text`` (a family YAML) with :data:`RECORDS` added to ``energy.records`` and
    :data:`SALES` as its ``sales`` list; None when they are there already (idempotent).
    The file's own text and comments are kept when it has a block ``energy: records:`` list
    and no ``sales``; otherwise the merged document is written out plainly."""
    doc: dict[str, Any] = yaml.safe_load(text) or {}
    energy = doc.get("energy") or {}
    have = {str(r.get("product_id")) for r in energy.get("records") or []}
    if RECORDS[0][0] in have:
        return None
    lines = text.splitlines()
    at = _records_line(lines)
    if at is not None and "sales" not in doc:
        end, indent = at, "    "
        for j in range(at + 1, len(lines)):  # the list's last item line (kept in order)
            if re.match(r"^(  -|   )", lines[j]):
                end = j
                if end == at + 1:
                    indent = lines[j][: len(lines[j]) - len(lines[j].lstrip())]
            elif lines[j].strip() and not lines[j].lstrip().startswith("#"):
                break
        ins = _record_lines(indent)
        merged = [*lines[: end + 1], *ins, *lines[end + 1 :], "", *_sales_lines()]
        out = "\n".join(merged) + "\n"
        if _check(out, len(have)):
            return out
    energy = dict(energy)
    energy["records"] = [*(energy.get("records") or []), *_records_dicts()]
    doc["energy"] = energy
    sales = [r for r in doc.get("sales") or [] if str(r.get("product_id")) not in _ids()]
    doc["sales"] = sales + [{"product_id": p, "fiscal_year": y, "units": u} for p, y, u in SALES]
    return f"# merged with the {LABEL}\n" + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def _records_line(lines: list[str]) -> int | None:
    """Index of the ``  records:`` line (block list) of the top-level ``energy:`` mapping."""
    in_energy = False
    for i, line in enumerate(lines):
        if re.match(r"^energy:\s*(#.*)?$", line):
            in_energy = True
        elif in_energy and re.match(r"^\S", line):
            return None
        elif in_energy and re.match(r"^  records:\s*(#.*)?$", line):
            return i
    return None


def _ids() -> set[str]:
    return {p for p, *_ in RECORDS}


def _records_dicts() -> list[dict[str, Any]]:
    return [
        {"product_id": p, "line": line, "generation": g, "year": y, "kwh_per_year": kwh}
        for p, line, g, y, kwh in RECORDS
    ]


def _check(text: str, before: int) -> bool:
    doc = yaml.safe_load(text) or {}
    records = (doc.get("energy") or {}).get("records") or []
    return len(records) == before + len(RECORDS) and len(doc.get("sales") or []) == len(SALES)


def merge_into_family(workspace: Path) -> Path | None:
    """Add the ILLUSTRATIVE products to ``<workspace>/products/family.yaml`` (written aside and
    renamed); returns the file when it changed, None when it was merged already or there is no
    family file."""
    path = products_folder(workspace) / FAMILY_FILE
    if not path.is_file():
        return None
    merged = merge_family_text(path.read_text(encoding="utf-8"))
    if merged is None:
        return None
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(merged, encoding="utf-8")
    tmp.replace(path)
    return path
