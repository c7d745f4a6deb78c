"""A workspace for the significant-aspect tests (decision 0081), shared by the service, API and
CLI tests: site HQ (the workspace's default), a targets file with the KPI ``KPI-RE``, and, once
:func:`add_risk` ran, the register risk ``CR-01``.

Hand calculation of :data:`SCORES` (lingtan's default rule): e = (5, 3, 5, 3, 2) → env = 18 / 5
= 3.6; b = (4, 4, 5) → bus = 13 / 3 = 4.333…; overall = 3.6 × 13 / 3 = 15.6 ≥ 9 → significant.
:data:`LOW` : e = (2, 2, 2, 2, 2) → env 2; b = (3, 3, 3) → bus 3; overall 6 < 9.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

SITE = "HQ"
KPI = "KPI-RE"
RISK = "CR-01"
SCORES = {"e_quantity": 5, "e_scope": 3, "e_frequency": 5, "e_severity": 3, "e_control": 2,
          "b_reputation": 4, "b_compliance": 4, "b_management": 5}  # fmt: skip
SCORES_TEXT = "5,3,5,3,2,4,4,5"
OVERALL = 15.6
LOW = {"e_quantity": 2, "e_scope": 2, "e_frequency": 2, "e_severity": 2, "e_control": 2,
       "b_reputation": 3, "b_compliance": 3, "b_management": 3}  # fmt: skip
TARGETS = """\
organisation: Aspect Co
kpis:
  - {id: KPI-RE, name: 90 % renewable electricity, kind: renewable_share, unit: '%', goal: 90,
     goal_year: FY2025/26}
"""


def build_aspects_workspace(folder: Path) -> Path:
    """A new workspace at ``folder`` with the targets file."""
    from lingtan.adapters.store.workspace import init_workspace

    init_workspace(folder, organisation="Aspect Co", region="CN", start_month=4).engine.dispose()
    (folder / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    return folder


def add_risk(db: Session, code: str = RISK) -> None:
    """A register risk ``code`` (typhoons and floods), written straight to the register's table."""
    from lingtan.adapters.store.risk_register import RiskItemRow

    db.add(RiskItemRow(code=code, kind="risk", category="physical_acute", driver="acute_weather",
                       title="Typhoons and floods at coastal sites", horizons=["short"],
                       value_chain=["own_operations"], consequences={}, actions=[],
                       financial={}, links={}))  # fmt: skip
    db.commit()
