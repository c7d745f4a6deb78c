"""The store tables of scenario data sets and runs with financial effects (issue 17 item 4,
decision 0082).

``risk_scenario``: a scenario data set registered in the organisation (its id ``code``, label,
warming [°C], pathway, source, licence, edition, currency, whether it is illustrative, the
sha256 of its content and the content itself: :meth:`lingtan.modules.risk.scenarios.Scenario.
to_dict`). Importing a data set of the same code replaces it (the audit log keeps the old one).

``risk_scenario_run``: a run of a scenario on a fiscal year's inventory snapshot, identified by
``run_id`` = sha256 of every input (:func:`lingtan.modules.risk.scenarios.run_id`): the
scenario's sha256, the snapshot id, the parameters, the inputs read and the results. The same
inputs give the same run, kept once. Both tables are audited (large JSON columns by digest).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Double, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned


class ScenarioSetRow(TenantOwned, Base):
    """One scenario data set of the organisation (module docstring)."""

    __tablename__ = "risk_scenario"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True
    __audit_digest__ = ("content",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    warming: Mapped[float] = mapped_column(Double)
    pathway: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(500))
    licence: Mapped[str] = mapped_column(String(300))
    edition: Mapped[str] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(8))
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    content_sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ScenarioRunRow(TenantOwned, Base):
    """One scenario run (module docstring): ``results`` is
    :meth:`lingtan.modules.risk.scenarios.RunResult.to_dict` [currency]."""

    __tablename__ = "risk_scenario_run"
    __table_args__ = (UniqueConstraint("organisation_id", "run_id"),)
    __audited__ = True
    __audit_digest__ = ("inputs", "results")

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64))
    scenario_code: Mapped[str] = mapped_column(String(60))
    scenario_sha256: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    warming: Mapped[float] = mapped_column(Double)
    pathway: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(8))
    fiscal_year: Mapped[str] = mapped_column(String(20))
    snapshot_id: Mapped[str] = mapped_column(String(64))
    method_version: Mapped[str] = mapped_column(String(20))
    lingtan_version: Mapped[str] = mapped_column(String(40))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    results: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
