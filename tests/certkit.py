"""A workspace for the certificate and zero-carbon tests (decision 0077), shared by the service,
API, web and CLI tests.

Hand calculation. Site HQ (region CN); the workspace's own factor set ``zc`` (first in
priority) gives the grid 0.5 kg CO2 per kWh (CN, from 2020). FY2024/25 (April–March): one
electricity row, 200 MWh from the grid in May 2024 → Scope 2 = 200 000 kWh × 0.5 kg/kWh =
100 000 kg = **100 t CO2e** on both bases (no contractual instrument). No Scope 1.

The targets file holds 10 000 VCS credits (serials 1…10000) and retires serials 1…8 (8 t) for
the claim ``HQ-ZC-FY2024/25`` on site HQ (April 2024 – March 2025), and serials 9…20 for an
organisation claim (not the site's: left out).
"""

from __future__ import annotations

from pathlib import Path

YEAR = "FY2024/25"
SITE = "HQ"
ACTUAL_T = 100.0
CREDITS_T = 8.0
FACTORS = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition\n"
    "zc/grid,electricity.grid,CN,kWh,CO2,0.5,2020-01-01,Test Co,own factors,2024\n"
)
ELECTRICITY = "site,date,period_end,quantity,unit\nHQ,2024-05-01,2024-05-31,200,MWh\n"
TARGETS = """\
organisation: Cert Co
credits:
  holdings:
    - {id: H1, standard: VCS, project_id: VCS-1, project_type: reforestation, vintage: 2023,
       kind: removal, serial_prefix: VCS-1-2023, serial_start: 1, serial_end: 10000}
  retirements:
    - {holding: H1, serial_start: 1, serial_end: 8, claim: HQ-ZC-FY2024/25,
       retired_on: 2025-03-31}
    - {holding: H1, serial_start: 9, serial_end: 20, claim: ORG-FY2024/25,
       retired_on: 2025-03-31}
claims:
  - {id: HQ-ZC-FY2024/25, subject_type: site, subject_id: HQ, period_start: 2024-04-01,
     period_end: 2025-03-31, footprint_t: 8}
  - {id: ORG-FY2024/25, subject_type: organisation, subject_id: Cert Co,
     period_start: 2024-04-01, period_end: 2025-03-31, footprint_t: 12}
"""


def prepare(folder: Path) -> Path:
    """The workspace files at ``folder``: ``zc`` set first, ``targets.yaml``, the electricity
    file written (not imported)."""
    from lingtan.adapters.store.workspace import init_workspace

    init_workspace(folder, organisation="Cert Co", region="CN", start_month=4).engine.dispose()
    cfg = folder / "lingtan.yaml"
    text = cfg.read_text(encoding="utf-8").replace("factor_sets: [", "factor_sets: [zc, ")
    cfg.write_text(text, encoding="utf-8")
    (folder / "factors").mkdir(exist_ok=True)
    (folder / "factors" / "zc.csv").write_text(FACTORS, encoding="utf-8")
    (folder / "electricity.csv").write_text(ELECTRICITY, encoding="utf-8")
    (folder / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    return folder


def build_cert_workspace(folder: Path) -> Path:
    """:func:`prepare`, the electricity file imported and FY2024/25 calculated."""
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.workspace import open_workspace

    prepare(folder)
    ws = open_workspace(folder)
    rep = import_file(ws, folder / "electricity.csv", template="electricity")
    assert rep.rows_rejected == 0, rep.issues
    calculate_year(ws, YEAR)
    ws.engine.dispose()
    return folder
