"""Brightway (bw2data 4 / bw2calc 2–3) databases: write, read, and compute with bw2calc.

Brightway is optional (the ``dev`` extra): imports happen inside the functions, and Brightway's
import-time warnings (no pypardiso …) are silenced there. Brightway keeps its projects under
``BRIGHTWAY2_DIR`` (tests set it to a temporary folder, so nothing touches ``$HOME``).

Mapping: a lingtan database ``name`` becomes two Brightway databases, ``name`` (processes,
keys ``(name, process key)``) and ``name-biosphere`` (elementary flows, type ``emission``);
exchanges keep their amounts, kinds and ``stats_arrays`` uncertainty fields; the
characterisation becomes the method ``("lingtan", <name>, <GWP set>)``. Conventions are the same
on both sides (Brightway's), so scores compare one to one.

Precision: bw2data processes exchange amounts into float32 (``bw_processing`` stores
``amount`` as float32), so a Brightway project computes on amounts rounded to about 7
significant digits (up to 6e-8 relative each). :func:`datapackage` gives bw2calc the same
database in float64 instead (``bw_processing`` arrays built directly), and
:func:`bw2calc_score_exact` computes with it: that is the like-for-like comparison of the two
calculators (decision 0023).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

from lingtan.modules.products.errors import InventoryDataError
from lingtan.modules.products.lci import (
    Characterisation,
    Distribution,
    ElementaryFlow,
    Exchange,
    ExchangeKind,
    LciDatabase,
    Process,
    Uncertainty,
    gas_of_flow_name,
)


def _bw() -> tuple[Any, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import bw2calc  # type: ignore[import-untyped]
        import bw2data  # type: ignore[import-untyped]

    return bw2data, bw2calc


def biosphere_name(name: str) -> str:
    """Name of the Brightway database holding ``name``'s elementary flows."""
    return f"{name}-biosphere"


def method_key(db_name: str, characterisation: Characterisation) -> tuple[str, str, str]:
    """Brightway method key of a characterisation."""
    return ("lingtan", db_name, characterisation.gwp_set)


def _unc_fields(u: Uncertainty, amount: float) -> dict[str, Any]:
    if not u.is_uncertain:
        return {"uncertainty type": int(Distribution.NONE), "loc": amount}
    out: dict[str, Any] = {"uncertainty type": int(u.distribution), "negative": u.negative}
    for k in ("loc", "scale", "minimum", "maximum"):
        v = getattr(u, k)
        if not math.isnan(v):
            out[k] = v
    return out


def write_brightway(
    db: LciDatabase, characterisation: Characterisation, project: str
) -> tuple[str, tuple[str, str, str]]:
    """Write ``db`` and its characterisation into Brightway project ``project`` (created or
    reused; existing databases of the same names are replaced). Returns (database name,
    method key)."""
    bd, _ = _bw()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bd.projects.set_current(project)
        bio = biosphere_name(db.name)
        bd.Database(bio).write(
            {
                (bio, f.key): {
                    "name": f.name,
                    "unit": f.unit,
                    "categories": f.compartment or ("air",),
                    "type": "emission",
                    "CAS number": f.cas,
                }
                for f in db.flows
            }
        )
        by_process: dict[str, list[Exchange]] = {}
        for e in db.exchanges:
            by_process.setdefault(e.process, []).append(e)
        data: dict[tuple[str, str], dict[str, Any]] = {}
        for p in db.processes:
            exs = []
            for e in by_process.get(p.key, []):
                ref = (bio, e.flow) if e.kind is ExchangeKind.BIOSPHERE else (db.name, e.flow)
                exs.append(
                    {
                        "input": ref,
                        "amount": e.amount,
                        "type": e.kind.value,
                        **_unc_fields(e.uncertainty, e.amount),
                    }
                )
            data[(db.name, p.key)] = {
                "name": p.name,
                "unit": p.unit,
                "location": p.location,
                "reference product": p.reference_product,
                "exchanges": exs,
            }
        bd.Database(db.name).write(data)
        key = method_key(db.name, characterisation)
        m = bd.Method(key)
        m.register(unit="kg CO2e", description=characterisation.name)
        m.write([((bio, k), v) for k, v in characterisation.factors.items()])
    return db.name, key


def read_brightway(project: str, name: str) -> LciDatabase:
    """Read Brightway database ``name`` (and the biosphere databases its exchanges use).

    Raises:
        InventoryDataError: the database does not exist, or an exchange links outside it.
    """
    bd, _ = _bw()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bd.projects.set_current(project)
        if name not in bd.databases:
            raise InventoryDataError(f"Brightway project {project!r}: no database {name!r}")
        procs: list[Process] = []
        exchanges: list[Exchange] = []
        flows: dict[str, ElementaryFlow] = {}
        for act in bd.Database(name):
            key = act["code"]
            procs.append(
                Process(
                    key,
                    act.get("name", key),
                    act.get("unit", "kg"),
                    act.get("location", "GLO") or "GLO",
                    act.get("reference product", "") or "",
                )
            )
            for ex in act.exchanges():
                kind = ExchangeKind(ex["type"])
                inp = ex.input
                if kind is ExchangeKind.BIOSPHERE:
                    fk = inp["code"]
                    flows.setdefault(
                        fk,
                        ElementaryFlow(
                            fk,
                            inp.get("name", fk),
                            inp.get("unit", "kg"),
                            tuple(inp.get("categories", ()) or ()),
                            gas_of_flow_name(inp.get("name", "")),
                            inp.get("CAS number", "") or "",
                        ),
                    )
                elif inp["database"] != name:
                    raise InventoryDataError(
                        f"Brightway {name}/{key}: exchange from {inp['database']!r}; lingtan "
                        "reads one technosphere database at a time"
                    )
                exchanges.append(
                    Exchange(key, inp["code"], float(ex["amount"]), kind, _uncertainty(ex))
                )
    return LciDatabase(
        name,
        tuple(procs),
        tuple(flows.values()),
        tuple(exchanges),
        source=f"Brightway project {project}",
    )


def _uncertainty(ex: Any) -> Uncertainty:
    t = int(ex.get("uncertainty type", 0) or 0)
    if t in (0, 1):
        return Uncertainty()

    def g(k: str) -> float:
        v = ex.get(k)
        return math.nan if v is None else float(v)

    return Uncertainty(
        Distribution(t),
        g("loc"),
        g("scale"),
        g("minimum"),
        g("maximum"),
        bool(ex.get("negative", False)),
    )


def datapackage(db: LciDatabase, characterisation: Characterisation) -> Any:
    """An in-memory ``bw_processing`` datapackage of ``db`` in float64 (technosphere,
    biosphere and characterisation matrices; process ids 1…n, flow ids n+1…n+m)."""
    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import bw_processing as bwp  # type: ignore[import-untyped]

    pid = {p.key: i + 1 for i, p in enumerate(db.processes)}
    fid = {f.key: len(pid) + i + 1 for i, f in enumerate(db.flows)}
    tech = [e for e in db.exchanges if e.kind is not ExchangeKind.BIOSPHERE]
    bio = [e for e in db.exchanges if e.kind is ExchangeKind.BIOSPHERE]

    def idx(rows: list[int], cols: list[int]) -> Any:
        out = np.empty(len(rows), dtype=bwp.INDICES_DTYPE)
        out["row"], out["col"] = rows, cols
        return out

    dp = bwp.create_datapackage()
    dp.add_persistent_vector(
        matrix="technosphere_matrix",
        indices_array=idx([pid[e.flow] for e in tech], [pid[e.process] for e in tech]),
        data_array=np.array([e.amount for e in tech], np.float64),
        flip_array=np.array([e.kind is ExchangeKind.TECHNOSPHERE for e in tech], bool),
    )
    dp.add_persistent_vector(
        matrix="biosphere_matrix",
        indices_array=idx([fid[e.flow] for e in bio], [pid[e.process] for e in bio]),
        data_array=np.array([e.amount for e in bio], np.float64),
    )
    cf = list(characterisation.factors.items())
    dp.add_persistent_vector(
        matrix="characterization_matrix",
        indices_array=idx([fid[k] for k, _ in cf], [fid[k] for k, _ in cf]),
        data_array=np.array([v for _, v in cf], np.float64),
    )
    return dp, pid


def bw2calc_score_exact(
    db: LciDatabase, characterisation: Characterisation, demand: Mapping[str, float]
) -> float:
    """Score of ``demand`` computed by bw2calc's ``LCA`` on a float64 datapackage of ``db``
    [kg CO2e]."""
    _, bc = _bw()
    dp, pid = datapackage(db, characterisation)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lca = bc.LCA({pid[k]: v for k, v in demand.items()}, data_objs=[dp])
        lca.lci()
        lca.lcia()
        return float(lca.score)


def as_stored_by_bw2data(
    db: LciDatabase, characterisation: Characterisation
) -> tuple[LciDatabase, Characterisation]:
    """``db`` and its characterisation as a bw2data project computes them: a process's
    technosphere input of its own product netted into its production amount, then every
    amount and characterisation factor rounded to float32."""
    from dataclasses import replace

    import numpy as np

    own: dict[str, float] = {}
    for e in db.exchanges:
        if e.kind is ExchangeKind.TECHNOSPHERE and e.flow == e.process:
            own[e.process] = own.get(e.process, 0.0) + e.amount
    out = []
    for e in db.exchanges:
        if e.kind is ExchangeKind.TECHNOSPHERE and e.flow == e.process:
            continue
        amount = (
            e.amount - own.get(e.process, 0.0) if e.kind is ExchangeKind.PRODUCTION else e.amount
        )
        out.append(replace(e, amount=float(np.float32(amount))))
    cf = {k: float(np.float32(v)) for k, v in characterisation.factors.items()}
    return replace(db, exchanges=tuple(out)), replace(characterisation, factors=cf)


def bw2calc_score(
    project: str, name: str, method: tuple[str, ...], demand: Mapping[str, float]
) -> float:
    """Score of ``demand`` (process key → amount) computed by bw2calc's ``LCA`` [kg CO2e]."""
    bd, bc = _bw()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bd.projects.set_current(project)
        db = bd.Database(name)
        fu = {db.get(k).id: v for k, v in demand.items()}
        lca = bc.LCA(fu, method=method)
        lca.lci()
        lca.lcia()
        return float(lca.score)
