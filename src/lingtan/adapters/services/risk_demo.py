"""Load the climate risk demo into an organisation through the risk services — the same use
cases the command line, the API and the web pages call (issue 17 item 8, decision 0085;
docs/risk-demo.md). A use case of its own in the services layer, as
:mod:`lingtan.adapters.services.energy_demo` is for issue 16:

1. the register: the source report's 8 climate risks and 5 opportunities
   (:mod:`lingtan.adapters.demo.climate_register`, ILLUSTRATIVE scores) as one register file
   through :func:`lingtan.adapters.services.risk_register.import_register` (all or nothing);
2. the report's 11 significant environmental aspects of FY2023/24
   (:func:`lingtan.adapters.services.risk_aspects.load_demo`);
3. four scenarios with ILLUSTRATIVE series, run for the demo's latest year
   (:func:`lingtan.adapters.services.risk_scenarios.load_demo`);
4. coordinates and ILLUSTRATIVE hazard indicators of the demo sites
   (:func:`lingtan.adapters.services.risk_hazards.load_demo`);
5. the report's governance calendar (:func:`lingtan.adapters.services.risk_governance.
   load_demo`).

Idempotent — nothing is written twice: the register is imported only when its first item is
missing; the aspects, the hazards (whose loader replaces what it finds) and the scenario runs
only when the organisation has none of them; the governance loader adds nothing once a board
is recorded. An area that already holds records of its own is left as it is.

:func:`risk_summary` computes what ``lingtan demo`` prints: the heat-map counts by band, the
scenario runs' net effect per year and the conclusion — the key risks and opportunities are
the items in the matrix's highest band, read from the register, and compared with the report's
stated conclusion (lines 1085–1086).
:func:`prepare_risk_demo` is what ``lingtan serve --demo`` calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from lingtan.adapters.demo.climate_register import (
    ITEMS,
    REPORT_KEY_OPPORTUNITIES,
    REPORT_KEY_RISKS,
    register_csv,
)
from lingtan.adapters.services.context import Context
from lingtan.modules.risk.scenarios import Conclusion

if TYPE_CHECKING:
    from lingtan.adapters.store.risk_scenarios import ScenarioRunRow

__all__ = [
    "REGISTER_FILE",
    "BandCount",
    "KeyItems",
    "RiskDemoReport",
    "RiskSummary",
    "RunLine",
    "key_items",
    "load_risk_demo",
    "prepare_risk_demo",
    "risk_summary",
]

#: the file name the demo register is imported under (named in the import's audit entry)
REGISTER_FILE = "lingtan-demo-climate-register.csv"


@dataclass(frozen=True)
class RiskDemoReport:
    """What :func:`load_risk_demo` wrote (zeros for what was there already): register items
    created, aspects, scenario runs, hazard rows (site exposures + indicators), governance
    records — each area's ``load_demo`` count."""

    items: int = 0
    aspects: int = 0
    scenarios: int = 0
    hazards: int = 0
    governance: int = 0

    @property
    def total(self) -> int:
        """Everything written in this call (0 on a second load)."""
        return self.items + self.aspects + self.scenarios + self.hazards + self.governance


def _register_loaded(db: Session, ctx: Context) -> bool:
    from lingtan.adapters.services.errors import ServiceError
    from lingtan.adapters.services.risk_register import get_item

    try:
        get_item(db, ctx, ITEMS[0].code)
    except ServiceError:
        return False
    return True


def load_risk_demo(db: Session, ctx: Context) -> RiskDemoReport:
    """Write the climate risk demo into the organisation of ``ctx`` (module docstring).

    The register, the aspects and the governance calendar need only the store; the scenario
    runs read the workspace's inventory of the demo's latest year and the hazards its sites.

    Raises:
        ServiceError: a service refused a record (a bug of the demo data: every record is valid
            by construction and tested) or the caller may not edit data.
    """
    from lingtan.adapters.services import (
        risk_aspects,
        risk_governance,
        risk_hazards,
        risk_register,
        risk_scenarios,
    )

    ctx.require("edit_data")
    items = 0
    if not _register_loaded(db, ctx):
        rep = risk_register.import_register(db, ctx, register_csv(), REGISTER_FILE)
        items = len(rep.created)
    aspects = 0
    if not risk_aspects.list_aspects(db, ctx):
        aspects = risk_aspects.load_demo(db, ctx)
    governance = risk_governance.load_demo(db, ctx)  # nothing when a board is recorded
    hazards = 0  # before the runs: their physical side reads the hazards
    if not risk_hazards.list_exposure(db, ctx) and not risk_hazards.list_indicators(db, ctx):
        hazards = risk_hazards.load_demo(db, ctx)
    scenarios = 0
    if not risk_scenarios.list_runs(db, ctx):
        scenarios = risk_scenarios.load_demo(db, ctx)
    return RiskDemoReport(items, aspects, scenarios, hazards, governance)


def prepare_risk_demo(
    engine: Any, *, url: str, data_dir: Path, slug: str, email: str
) -> RiskDemoReport:
    """Load the risk demo into the demo organisation ``slug`` as the demo user ``email``
    (``lingtan serve --demo``, after the organisations, the user and the energy demo exist);
    nothing when the user does not exist."""
    from lingtan.adapters.services.context import open_tenant
    from lingtan.adapters.services.settings import ServerSettings
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import user_by_email

    actor = "lingtan serve --demo"
    with system_session(engine, actor=actor) as db:
        user = user_by_email(db, email)
        if user is None:
            return RiskDemoReport()
        settings = ServerSettings(database_url=url, data_dir=data_dir)
        tenant = open_tenant(db, user, slug, engine=engine, settings=settings, actor=actor)
        return load_risk_demo(db, tenant)


# ---- what ``lingtan demo`` prints ------------------------------------------------------------


@dataclass(frozen=True)
class KeyItems:
    """The key risks and opportunities computed from the register: the drivers of the items in
    the matrix's highest band (``band``), and whether they are the report's (lines 1085–1086)."""

    band: str
    risks: tuple[str, ...]
    opportunities: tuple[str, ...]

    @property
    def matches_report(self) -> bool:
        """True when the computed key drivers are exactly the report's stated ones."""
        return (
            set(self.risks) == REPORT_KEY_RISKS
            and set(self.opportunities) == REPORT_KEY_OPPORTUNITIES
        )


def key_items(db: Session, ctx: Context) -> KeyItems:
    """The drivers of the register's items in the highest band of the organisation's matrix
    (sorted; a driver counted once)."""
    from lingtan.adapters.services.risk_register import get_matrix, list_items

    top = get_matrix(db, ctx).bands[0][0]
    rows = list_items(db, ctx, band=top, status="open")
    risks = sorted({r.driver for r in rows if r.kind == "risk"})
    opportunities = sorted({r.driver for r in rows if r.kind == "opportunity"})
    return KeyItems(top, tuple(risks), tuple(opportunities))


@dataclass(frozen=True)
class RunLine:
    """One scenario run's net effect (opportunities − risks) in one year [``currency``]."""

    scenario: str
    label: str
    year: int
    net: float
    currency: str
    labels: dict[str, str] = field(default_factory=dict)

    def label_in(self, locale: str) -> str:
        """The scenario's label in ``locale`` (its data set's own), else the run's."""
        return self.labels.get(locale) or self.label


@dataclass(frozen=True)
class BandCount:
    """Open rated items of the register in one band of the matrix."""

    band: str
    risks: int
    opportunities: int


@dataclass(frozen=True)
class RiskSummary:
    """The risk section of ``lingtan demo`` (all computed from the store): heat-map counts by
    band (highest band first; they add up to the heat map's rated items), each run's central
    net effect per year (warmest scenario first), the key items and the scenarios' conclusion
    (None without runs) for ``fiscal_year`` (the runs' inventory year)."""

    bands: tuple[BandCount, ...]
    runs: tuple[RunLine, ...]
    key: KeyItems
    fiscal_year: str | None
    conclusion: Conclusion | None


def _run_lines(
    rows: list[ScenarioRunRow], labels: dict[str, dict[str, str]]
) -> tuple[RunLine, ...]:
    out: list[RunLine] = []
    for r in rows:
        for y in (r.results or {}).get("years", []):
            out.append(RunLine(r.scenario_code, r.label, int(y["year"]),
                               float(y["net"]["central"]), r.currency,
                               labels.get(r.scenario_code, {})))  # fmt: skip
    return tuple(out)


def risk_summary(db: Session, ctx: Context) -> RiskSummary:
    """What ``lingtan demo`` prints of the risk demo (:class:`RiskSummary`)."""
    from lingtan.adapters.services.risk_register import get_matrix, list_items
    from lingtan.adapters.services.risk_scenarios import conclusion, list_runs, list_scenarios

    matrix = get_matrix(db, ctx)
    open_items = list_items(db, ctx, status="open")
    bands = tuple(
        BandCount(
            band,
            sum(1 for r in open_items if r.band == band and r.kind == "risk"),
            sum(1 for r in open_items if r.band == band and r.kind == "opportunity"),
        )
        for band, _ in matrix.bands
    )
    runs = list_runs(db, ctx)
    fiscal_year = runs[0].fiscal_year if runs else None  # the newest year first
    latest = [r for r in runs if r.fiscal_year == fiscal_year]
    newest: dict[str, ScenarioRunRow] = {}
    for r in sorted(latest, key=lambda r: (r.created_at, r.id)):
        newest[r.scenario_code] = r  # the newest run of each scenario, as the conclusion
    shown = sorted(newest.values(), key=lambda r: (-r.warming, r.label))
    concl = conclusion(db, ctx, fiscal_year) if fiscal_year else None
    labels = {
        x.code: {str(k): str(v) for k, v in dict(x.content.get("labels") or {}).items()}
        for x in list_scenarios(db, ctx)
    }
    return RiskSummary(bands, _run_lines(shown, labels), key_items(db, ctx), fiscal_year, concl)
