"""openLCA JSON-LD process data (openLCA schema 2): read and write.

A JSON-LD package is a folder or a zip with ``processes/<uuid>.json`` and ``flows/<uuid>.json``
(unit groups, flow properties and the rest are optional here). A process has
``exchanges``, each with ``isInput``, ``amount``, ``flow`` (a reference with ``@id``,
``name``, ``flowType``: ``PRODUCT_FLOW``, ``WASTE_FLOW`` or ``ELEMENTARY_FLOW``, and
``refUnit``), ``isQuantitativeReference``, ``defaultProvider`` (the supplying process) and
``uncertainty`` (``LOG_NORMAL_DISTRIBUTION`` with ``geomMean``/``geomSd``,
``NORMAL_DISTRIBUTION`` ``mean``/``sd``, ``UNIFORM_DISTRIBUTION`` ``minimum``/``maximum``,
``TRIANGLE_DISTRIBUTION`` ``minimum``/``mode``/``maximum``).

Mapping to lingtan (Brightway's conventions): the quantitative reference is the production
exchange (a waste-treatment process's reference is its waste *input*: production = −amount);
product inputs are technosphere inputs from their ``defaultProvider`` (or the only process
making that flow); waste outputs are technosphere exchanges of −amount to the process treating
that waste; elementary exchanges are biosphere exchanges. Several non-zero product outputs are
an error (allocate first, decision 0021). Errors name the file, the exchange
(``exchanges[i]``, its ``internalId`` or flow) and the reason; nothing is imported.
"""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lingtan.modules.products.errors import InventoryDataError, LciFileError
from lingtan.modules.products.lci import (
    NO_UNCERTAINTY,
    Distribution,
    ElementaryFlow,
    Exchange,
    ExchangeKind,
    LciDatabase,
    Process,
    Uncertainty,
    gas_of_flow_name,
)

PRODUCT, WASTE, ELEMENTARY = "PRODUCT_FLOW", "WASTE_FLOW", "ELEMENTARY_FLOW"


@dataclass
class _Link:
    process: str
    flow: str
    provider: str
    amount: float  # signed lingtan technosphere amount
    uncertainty: Uncertainty
    file: str
    where: str


def _load_package(path: Path) -> dict[str, dict[str, Any]]:
    """``relative path → parsed JSON`` of every ``processes/`` and ``flows/`` document."""
    docs: dict[str, dict[str, Any]] = {}

    def add(name: str, raw: bytes) -> None:
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise LciFileError(name, "", f"not valid JSON ({exc})") from None
        if not isinstance(doc, dict):
            raise LciFileError(name, "", "expected a JSON object")
        docs[name] = doc

    if path.is_dir():
        for sub in ("processes", "flows"):
            for f in sorted((path / sub).glob("*.json")):
                add(f"{sub}/{f.name}", f.read_bytes())
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            for n in sorted(z.namelist()):
                if n.startswith(("processes/", "flows/")) and n.endswith(".json"):
                    add(n, z.read(n))
    else:
        raise LciFileError(str(path), "", "not a folder or a zip of openLCA JSON-LD")
    return docs


def _num(
    obj: dict[str, Any], key: str, file: str, where: str, default: float | None = None
) -> float:
    v = obj.get(key, default)
    if v is None:
        raise LciFileError(file, where, f"'{key}' is missing")
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise LciFileError(file, where, f"'{key}' must be a finite number, got {v!r}")
    return float(v)


def _uncertainty(ex: dict[str, Any], amount: float, file: str, where: str) -> Uncertainty:
    u = ex.get("uncertainty")
    if not u:
        return NO_UNCERTAINTY
    if not isinstance(u, dict):
        raise LciFileError(file, f"{where}.uncertainty", "expected an object")
    kind = u.get("distributionType")
    w = f"{where}.uncertainty"
    if kind == "LOG_NORMAL_DISTRIBUTION":
        gm, gsd = _num(u, "geomMean", file, w, abs(amount)), _num(u, "geomSd", file, w)
        if gm == 0 or gsd < 1:
            raise LciFileError(file, w, "lognormal needs geomMean ≠ 0 and geomSd ≥ 1")
        return Uncertainty(
            Distribution.LOGNORMAL, loc=math.log(abs(gm)), scale=math.log(gsd), negative=amount < 0
        )
    if kind == "NORMAL_DISTRIBUTION":
        return Uncertainty(
            Distribution.NORMAL, loc=_num(u, "mean", file, w, amount), scale=_num(u, "sd", file, w)
        )
    if kind == "UNIFORM_DISTRIBUTION":
        lo, hi = _num(u, "minimum", file, w), _num(u, "maximum", file, w)
        if lo > hi:
            raise LciFileError(file, w, "uniform needs minimum ≤ maximum")
        return Uncertainty(Distribution.UNIFORM, minimum=lo, maximum=hi)
    if kind == "TRIANGLE_DISTRIBUTION":
        lo, mode, hi = (_num(u, k, file, w) for k in ("minimum", "mode", "maximum"))
        if not lo <= mode <= hi:
            raise LciFileError(file, w, "triangle needs minimum ≤ mode ≤ maximum")
        return Uncertainty(Distribution.TRIANGULAR, loc=mode, minimum=lo, maximum=hi)
    raise LciFileError(file, w, f"unknown distributionType {kind!r}")


def read_jsonld(path: str | Path, name: str = "") -> LciDatabase:
    """Read an openLCA JSON-LD package (folder or zip) into a database.

    Raises:
        LciFileError: the first problem found (file, element, reason); nothing is returned.
    """
    p = Path(path)
    docs = _load_package(p)
    flow_docs = {d.get("@id"): d for n, d in docs.items() if n.startswith("flows/")}
    procs: list[Process] = []
    makers: dict[str, list[str]] = {}  # product flow → processes making it
    treaters: dict[str, list[str]] = {}  # waste flow → processes treating it
    links: list[_Link] = []
    bio: list[Exchange] = []
    flows: dict[str, ElementaryFlow] = {}
    for file, doc in docs.items():
        if not file.startswith("processes/"):
            continue
        pid = doc.get("@id")
        if not isinstance(pid, str) or not pid:
            raise LciFileError(file, "@id", "process has no @id")
        exchanges = doc.get("exchanges")
        if not isinstance(exchanges, list):
            raise LciFileError(file, "exchanges", "expected a list of exchanges")
        ref: tuple[dict[str, Any], str] | None = None
        for i, ex in enumerate(exchanges):
            where = f"exchanges[{i}]" + (
                f" (internalId {ex.get('internalId')})"
                if isinstance(ex, dict) and "internalId" in ex
                else ""
            )
            if not isinstance(ex, dict):
                raise LciFileError(file, where, "expected an object")
            flow = ex.get("flow")
            if not isinstance(flow, dict) or not flow.get("@id"):
                raise LciFileError(file, f"{where}.flow", "missing flow reference with @id")
            fid = str(flow["@id"])
            fdoc = flow_docs.get(fid, {})
            ftype = flow.get("flowType") or fdoc.get("flowType")
            if ftype not in (PRODUCT, WASTE, ELEMENTARY):
                raise LciFileError(file, f"{where}.flow", f"unknown flowType {ftype!r}")
            amount = _num(ex, "amount", file, where)
            is_input = bool(ex.get("isInput", False))
            unc = _uncertainty(ex, amount, file, where)
            if ex.get("isQuantitativeReference"):
                if ref is not None:
                    raise LciFileError(file, where, "a second quantitative reference")
                ref = (ex, where)
                continue
            if ftype == ELEMENTARY:
                fname = str(flow.get("name") or fdoc.get("name") or fid)
                unit = str(flow.get("refUnit") or _unit(ex) or "kg")
                cat = str(flow.get("category") or fdoc.get("category") or "")
                flows.setdefault(
                    fid,
                    ElementaryFlow(
                        fid,
                        fname,
                        unit,
                        tuple(c for c in cat.split("/") if c),
                        gas_of_flow_name(fname),
                        str(fdoc.get("cas") or ""),
                    ),
                )
                bio.append(Exchange(pid, fid, amount, ExchangeKind.BIOSPHERE, unc))
                continue
            provider = ex.get("defaultProvider") or {}
            prov = str(provider.get("@id", "")) if isinstance(provider, dict) else ""
            if ftype == PRODUCT and is_input:
                links.append(_Link(pid, fid, prov, amount, unc, file, where))
            elif ftype == WASTE and not is_input:
                links.append(_Link(pid, fid, prov, -amount, _negate(unc), file, where))
            elif amount != 0:
                raise LciFileError(
                    file,
                    where,
                    f"{'input' if is_input else 'output'} of "
                    f"{ftype} that is not the reference: allocate first "
                    "(ISO 14044 §4.3.4)",
                )
        if ref is None:
            raise LciFileError(file, "exchanges", "no quantitative reference")
        rex, rwhere = ref
        rflow = rex["flow"]
        rid = str(rflow["@id"])
        rtype = rflow.get("flowType") or flow_docs.get(rid, {}).get("flowType")
        amount = _num(rex, "amount", file, rwhere)
        if amount == 0:
            raise LciFileError(file, rwhere, "reference amount is zero")
        production = -amount if rtype == WASTE else amount
        (treaters if rtype == WASTE else makers).setdefault(rid, []).append(pid)
        loc = doc.get("location")
        procs.append(
            Process(
                key=pid,
                name=str(doc.get("name") or pid),
                unit=str(rflow.get("refUnit") or _unit(rex) or "kg"),
                location=str(loc.get("name") or loc.get("code") or "GLO")
                if isinstance(loc, dict)
                else "GLO",
                reference_product=str(rflow.get("name") or ""),
                production=production,
            )
        )
    keys = {pr.key for pr in procs}
    tech: list[Exchange] = []
    for ln in links:
        supplier = ln.provider
        if supplier and supplier not in keys:
            raise LciFileError(
                ln.file,
                f"{ln.where}.defaultProvider",
                f"process {supplier!r} is not in the package",
            )
        if not supplier:
            cands = (treaters if ln.amount < 0 else makers).get(ln.flow, [])
            if len(cands) != 1:
                raise LciFileError(
                    ln.file,
                    ln.where,
                    f"flow {ln.flow!r} has no defaultProvider "
                    f"and {len(cands)} processes provide it",
                )
            supplier = cands[0]
        tech.append(
            Exchange(ln.process, supplier, ln.amount, ExchangeKind.TECHNOSPHERE, ln.uncertainty)
        )
    if not procs:
        raise LciFileError(str(p), "processes/", "no process documents")
    try:
        return LciDatabase(
            name or p.stem,
            tuple(procs),
            tuple(flows.values()),
            tuple(tech + bio),
            source="openLCA JSON-LD",
        )
    except InventoryDataError as exc:
        raise LciFileError(str(p), "", str(exc)) from exc


def _negate(u: Uncertainty) -> Uncertainty:
    """The uncertainty of −x given that of x (waste outputs become negative inputs)."""
    if not u.is_uncertain:
        return u
    if u.distribution is Distribution.LOGNORMAL:
        return Uncertainty(u.distribution, u.loc, u.scale, negative=not u.negative)
    return Uncertainty(u.distribution, -u.loc, u.scale, -u.maximum, -u.minimum, u.negative)


def _unit(ex: dict[str, Any]) -> str:
    u = ex.get("unit")
    return str(u.get("name", "")) if isinstance(u, dict) else ""


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------


def _unc_doc(u: Uncertainty) -> dict[str, Any] | None:
    if not u.is_uncertain:
        return None
    if u.distribution is Distribution.LOGNORMAL:
        return {
            "distributionType": "LOG_NORMAL_DISTRIBUTION",
            "geomMean": math.exp(u.loc),
            "geomSd": math.exp(u.scale),
        }
    if u.distribution is Distribution.NORMAL:
        return {"distributionType": "NORMAL_DISTRIBUTION", "mean": u.loc, "sd": u.scale}
    if u.distribution is Distribution.UNIFORM:
        return {
            "distributionType": "UNIFORM_DISTRIBUTION",
            "minimum": u.minimum,
            "maximum": u.maximum,
        }
    return {
        "distributionType": "TRIANGLE_DISTRIBUTION",
        "minimum": u.minimum,
        "mode": u.loc,
        "maximum": u.maximum,
    }


def write_jsonld(db: LciDatabase, folder: str | Path) -> Path:
    """Write ``db`` as an openLCA JSON-LD folder (``processes/``, ``flows/``): each process's
    product is the flow ``<process key>-product``. Returns the folder."""
    out = Path(folder)
    (out / "processes").mkdir(parents=True, exist_ok=True)
    (out / "flows").mkdir(parents=True, exist_ok=True)
    procs = {p.key: p for p in db.processes}
    flows = {f.key: f for f in db.flows}

    def product_ref(p: Process) -> dict[str, Any]:
        return {
            "@type": "Flow",
            "@id": f"{p.key}-product",
            "name": p.reference_product or p.name,
            "flowType": PRODUCT,
            "refUnit": p.unit,
        }

    for p in db.processes:
        doc: dict[str, Any] = {
            "@type": "Flow",
            "@id": f"{p.key}-product",
            "name": p.reference_product or p.name,
            "flowType": PRODUCT,
            "refUnit": p.unit,
        }
        _dump(out / "flows" / f"{_safe(p.key)}-product.json", doc)
    for f in db.flows:
        doc = {
            "@type": "Flow",
            "@id": f.key,
            "name": f.name,
            "flowType": ELEMENTARY,
            "category": "/".join(f.compartment),
            "cas": f.cas,
            "refUnit": f.unit,
        }
        _dump(out / "flows" / f"{_safe(f.key)}.json", doc)
    by_process: dict[str, list[Exchange]] = {}
    for e in db.exchanges:
        by_process.setdefault(e.process, []).append(e)
    for p in db.processes:
        exs: list[dict[str, Any]] = []
        for n, e in enumerate(by_process.get(p.key, []), start=1):
            d: dict[str, Any] = {"@type": "Exchange", "internalId": n, "amount": e.amount}
            if e.kind is ExchangeKind.PRODUCTION:
                d.update(isInput=False, isQuantitativeReference=True, flow=product_ref(p))
            elif e.kind is ExchangeKind.TECHNOSPHERE:
                d.update(
                    isInput=True,
                    flow=product_ref(procs[e.flow]),
                    defaultProvider={"@type": "Process", "@id": e.flow},
                )
            else:
                f = flows[e.flow]
                d.update(
                    isInput=False,
                    flow={
                        "@type": "Flow",
                        "@id": f.key,
                        "name": f.name,
                        "flowType": ELEMENTARY,
                        "refUnit": f.unit,
                        "category": "/".join(f.compartment),
                    },
                )
            u = _unc_doc(e.uncertainty)
            if u:
                d["uncertainty"] = u
            exs.append(d)
        doc = {
            "@type": "Process",
            "@id": p.key,
            "name": p.name,
            "processType": "UNIT_PROCESS",
            "location": {"@type": "Location", "name": p.location},
            "exchanges": exs,
        }
        _dump(out / "processes" / f"{_safe(p.key)}.json", doc)
    return out


def _dump(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
