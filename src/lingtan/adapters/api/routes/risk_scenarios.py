"""``/orgs/{org}/risks/scenarios``: scenario data sets and runs with financial effects (issue 17
item 4, decision 0082).

Thin: each route parses, calls :mod:`lingtan.adapters.services.risk_scenarios` and returns a
schema. Reading needs ``read``; importing and running ``edit_data``; another organisation's
scenario or run is a 404."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Query, UploadFile, status

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, errors, read_upload
from lingtan.adapters.api.schemas.common import FiscalYear
from lingtan.adapters.api.schemas.risk_scenarios import (
    ConclusionPublic,
    ConclusionRowPublic,
    NotePublic,
    RunInputsPublic,
    ScenarioPublic,
    ScenarioRunCreate,
    ScenarioRunPublic,
    WarmingLevelPublic,
    YearResultPublic,
)
from lingtan.adapters.services import risk_scenarios as sv
from lingtan.adapters.store.risk_scenarios import ScenarioRunRow, ScenarioSetRow

router = APIRouter(prefix="/orgs/{org}/risks/scenarios", tags=["risks"])

FILE_ERRORS = errors(401, 403, 404, 413, 422)
CodePath = Annotated[str, Path(min_length=1, max_length=60, pattern=r"^[a-z0-9._-]+$")]
RunIdPath = Annotated[str, Path(min_length=8, max_length=64, pattern=r"^[0-9a-f]+$")]


def _scenario(row: ScenarioSetRow) -> ScenarioPublic:
    return ScenarioPublic.model_validate(sv.scenario_dict(row))


def _run(row: ScenarioRunRow) -> ScenarioRunPublic:
    d = sv.run_dict(row)
    res: dict[str, Any] = d["results"]
    notes = [NotePublic(key=n["key"], params=dict(n.get("params") or {}),
                        text=sv.note_text(n, "en")) for n in res.get("notes", [])]  # fmt: skip
    return ScenarioRunPublic(
        **{k: d[k] for k in ("run_id", "scenario", "scenario_sha256", "label", "warming",
                             "pathway", "currency", "fiscal_year", "snapshot_id",
                             "method_version", "lingtan_version", "created_by", "created_at")},
        years=list(d["parameters"].get("years") or []),
        inputs=RunInputsPublic.model_validate(d["inputs"]),
        results=[YearResultPublic.model_validate(y) for y in res.get("years", [])],
        notes=notes,
    )  # fmt: skip


@router.get("", responses=READ_ERRORS)
def list_scenarios(db: DbDep, tenant: Reader) -> list[ScenarioPublic]:
    """The organisation's scenario data sets, coolest first."""
    return [_scenario(r) for r in sv.list_scenarios(db, tenant)]


@router.post("/import", status_code=status.HTTP_201_CREATED, responses=FILE_ERRORS)
def import_scenario(
    manifest: Annotated[UploadFile, File(description="YAML manifest")],
    series: Annotated[UploadFile, File(description="CSV series (native or IAMC layout)")],
    db: DbDep,
    tenant: Editor,
) -> ScenarioPublic:
    """Register a data set from its manifest and series file (replaces one of the same id)."""
    row = sv.import_scenario(db, tenant, read_upload(manifest), read_upload(series),
                             manifest.filename or "scenario.yaml",
                             series.filename or "series.csv")  # fmt: skip
    return _scenario(row)


@router.post("/bundled", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def register_bundled(db: DbDep, tenant: Editor) -> list[ScenarioPublic]:
    """Register the four illustrative scenarios bundled with lingtan."""
    return [_scenario(r) for r in sv.register_bundled(db, tenant)]


@router.get("/warming-levels", responses=READ_ERRORS)
def warming_levels(tenant: Reader) -> list[WarmingLevelPublic]:
    """The IPCC AR6 WGI warming levels lingtan cites (with attribution)."""
    tenant.require("read")
    return [WarmingLevelPublic.model_validate(w.__dict__) for w in sv.warming_levels()]


@router.get("/runs", responses=READ_ERRORS)
def list_runs(
    db: DbDep, tenant: Reader, fiscal_year: FiscalYear | None = None
) -> list[ScenarioRunPublic]:
    """The stored runs (of a fiscal year), newest year first, warmest first."""
    return [_run(r) for r in sv.list_runs(db, tenant, fiscal_year)]


@router.post("/runs", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def run_scenario(body: ScenarioRunCreate, db: DbDep, tenant: Editor) -> ScenarioRunPublic:
    """Run a scenario on a fiscal year's newest inventory (the same inputs give the same run)."""
    row = sv.run_scenario(db, tenant, body.scenario, body.fiscal_year, years=body.years,
                          revenue_lowcarbon=body.revenue_lowcarbon,
                          bau_growth=body.bau_growth, physical_base=body.physical_base)  # fmt: skip
    return _run(row)


@router.get("/runs/{run_id}", responses=READ_ERRORS)
def get_run(run_id: RunIdPath, db: DbDep, tenant: Reader) -> ScenarioRunPublic:
    """One run by its id (or a unique prefix of 8 or more hex digits)."""
    return _run(sv.get_run(db, tenant, run_id))


@router.get("/conclusion", responses=READ_ERRORS)
def conclusion(
    db: DbDep,
    tenant: Reader,
    fiscal_year: FiscalYear,
    year: Annotated[int | None, Query(ge=2000, le=2200)] = None,
) -> ConclusionPublic:
    """The computed conclusion of a fiscal year's runs (warmest vs coolest scenario)."""
    c = sv.conclusion(db, tenant, fiscal_year, year)
    return ConclusionPublic(
        text=sv.conclusion_text(c, "en"), key=c.message.key, year=c.year,
        opportunities_exceed=c.opportunities_exceed,
        rows=[ConclusionRowPublic(label=a, warming=w, net=n) for a, w, n in c.rows],
    )  # fmt: skip


@router.get("/{code}", responses=READ_ERRORS)
def get_scenario(code: CodePath, db: DbDep, tenant: Reader) -> ScenarioPublic:
    """One data set with its points."""
    return _scenario(sv.get_scenario(db, tenant, code))
