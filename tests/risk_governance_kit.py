"""A workspace for the governance-record tests (decision 0084), shared by the service, API, web
and CLI tests: a fiscal calendar starting in April (FY2023/24 = 2023-04-01 … 2024-03-31) and a
targets file with the KPI ``KPI-RE`` (remuneration links are checked against it).

:data:`MEETINGS_CSV`: the EOC (4 a year, counted by meetings) meets on 2023-05-18, in August 2023
(month only) and on 2024-02-01 → held 3 < 4; the quarter Oct–Dec 2023 holds none → one gap,
status ``not_evidenced``.
"""

from __future__ import annotations

from pathlib import Path

YEAR = "FY2023/24"
KPI = "KPI-RE"
TARGETS = """\
organisation: Governance Co
kpis:
  - {id: KPI-RE, name: 90 % renewable electricity, kind: renewable_share, unit: '%', goal: 90,
     goal_year: FY2025/26}
"""
MEETINGS_CSV = (
    "body,date,fiscal_year,title,climate_items,other_items,decisions,source,note\n"
    "eoc,2023-05-18,,EOC Q1,strategy: climate strategy; targets: SBT update,other: budget,"
    "SBT update approved,minutes,\n"
    "eoc,2023-08,,EOC Q2,targets: net-zero,,,,month only\n"
    "eoc,2024-02-01,FY2023/24,EOC Q4,,other: AOB,,,\n"
)


def build_governance_workspace(folder: Path, *, targets: bool = True) -> Path:
    """A new workspace at ``folder`` (April fiscal year), with the targets file unless not
    ``targets``."""
    from lingtan.adapters.store.workspace import init_workspace

    init_workspace(folder, organisation="Governance Co", region="CN",
                   start_month=4).engine.dispose()  # fmt: skip
    if targets:
        (folder / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    return folder
