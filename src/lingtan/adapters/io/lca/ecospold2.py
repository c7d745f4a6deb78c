"""EcoSpold 2 (ecoinvent v3 data format) process data: read and write.

Format: one ``activityDataset`` (or ``childActivityDataset``) per file (``*.spold`` / ``*.xml``)
in the namespace ``http://www.EcoInvent.org/EcoSpold02``; ``activityDescription/activity``
(id, ``activityName``), ``geography/shortname``, ``flowData`` with ``intermediateExchange``
(technosphere: ``outputGroup`` 0 = reference product, 2 = by-product; ``inputGroup`` 5 = from
technosphere; ``activityLinkId`` names the supplying activity) and ``elementaryExchange``
(``outputGroup`` 4 = to environment, ``inputGroup`` 4 = from environment; ``compartment``).
Uncertainty: ``lognormal`` (``mu``, ``variance`` or ``varianceWithPedigreeUncertainty`` of
ln x), ``normal`` (``meanValue``, ``variance…``), ``triangular`` (``minValue``,
``mostLikelyValue``, ``maxValue``), ``uniform`` (``minValue``, ``maxValue``).

lingtan reads allocated unit processes (one reference product, e.g. ecoinvent's cut-off
system model): a non-zero by-product is an error (ISO 14044 §4.3.4, decision 0021). An input
without ``activityLinkId`` is linked to the only activity whose reference product is that
intermediate exchange; none or several is an error. Every file is parsed and checked before
anything is returned: an error names the file, the element (line, path, id) and the reason, and
nothing is imported.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from lingtan.adapters.io.lca.safexml import Node, parse_xml
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

NS = "http://www.EcoInvent.org/EcoSpold02"
SUFFIXES = (".spold", ".xml")


@dataclass
class _Input:
    process: str
    product: str  # intermediateExchangeId
    link: str  # activityLinkId ("" when absent)
    amount: float
    uncertainty: Uncertainty
    file: str
    where: str


def _float(node: Node, attr: str, source: str, required: bool = True) -> float:
    raw = node.attrib.get(attr)
    if raw is None or raw.strip() == "":
        if required:
            raise LciFileError(source, node.where(), f"attribute '{attr}' is missing")
        return math.nan
    try:
        v = float(raw)
    except ValueError:
        raise LciFileError(
            source, node.where(), f"attribute '{attr}' is not a number: {raw!r}"
        ) from None
    if not math.isfinite(v):
        raise LciFileError(source, node.where(), f"attribute '{attr}' is not finite: {raw!r}")
    return v


def _uncertainty(ex: Node, amount: float, source: str) -> Uncertainty:
    u = ex.find("uncertainty")
    if u is None:
        return NO_UNCERTAINTY
    for d in u.children:
        if d.tag == "lognormal":
            var = _float(d, "varianceWithPedigreeUncertainty", source, required=False)
            if math.isnan(var):
                var = _float(d, "variance", source)
            if var < 0:
                raise LciFileError(source, d.where(), "lognormal variance is negative")
            mu = _float(d, "mu", source, required=False)
            if math.isnan(mu):
                mu = math.log(abs(amount)) if amount else 0.0
            return Uncertainty(
                Distribution.LOGNORMAL, loc=mu, scale=math.sqrt(var), negative=amount < 0
            )
        if d.tag == "normal":
            var = _float(d, "varianceWithPedigreeUncertainty", source, required=False)
            if math.isnan(var):
                var = _float(d, "variance", source)
            return Uncertainty(
                Distribution.NORMAL,
                loc=_float(d, "meanValue", source),
                scale=math.sqrt(max(var, 0.0)),
            )
        if d.tag == "triangular":
            lo, mode, hi = (
                _float(d, a, source) for a in ("minValue", "mostLikelyValue", "maxValue")
            )
            if not lo <= mode <= hi:
                raise LciFileError(source, d.where(), "triangular needs min ≤ mode ≤ max")
            return Uncertainty(Distribution.TRIANGULAR, loc=mode, minimum=lo, maximum=hi)
        if d.tag == "uniform":
            lo, hi = _float(d, "minValue", source), _float(d, "maxValue", source)
            if not lo <= hi:
                raise LciFileError(source, d.where(), "uniform needs min ≤ max")
            return Uncertainty(Distribution.UNIFORM, minimum=lo, maximum=hi)
    return NO_UNCERTAINTY


def _group(ex: Node, source: str) -> tuple[str, int]:
    for kind in ("outputGroup", "inputGroup"):
        txt = ex.child_text(kind)
        if txt:
            try:
                return kind, int(txt)
            except ValueError:
                raise LciFileError(
                    source, ex.where(), f"{kind} is not an integer: {txt!r}"
                ) from None
    raise LciFileError(source, ex.where(), "exchange has neither outputGroup nor inputGroup")


def parse_ecospold2(
    data: bytes, source: str
) -> tuple[Process, list[_Input], list[Exchange], list[ElementaryFlow], str]:
    """One dataset: (process, unlinked technosphere inputs, biosphere exchanges, flows,
    reference product id). Raises :class:`LciFileError`."""
    root = parse_xml(data, source)
    if root.tag != "ecoSpold":
        raise LciFileError(source, root.where(), f"root element is {root.tag!r}, not ecoSpold")
    ds = root.find("activityDataset") or root.find("childActivityDataset")
    if ds is None:
        raise LciFileError(source, root.where(), "no activityDataset")
    desc = ds.find("activityDescription")
    act = desc.find("activity") if desc is not None else None
    if act is None or not act.attrib.get("id"):
        where = (desc or ds).where()
        raise LciFileError(source, where, "activityDescription/activity with an id is missing")
    key = act.attrib["id"]
    name = act.child_text("activityName") or key
    geo = desc.find("geography") if desc is not None else None
    location = geo.child_text("shortname") if geo is not None else "GLO"
    flow_data = ds.find("flowData")
    if flow_data is None:
        raise LciFileError(source, ds.where(), "flowData is missing")
    ref: Node | None = None
    inputs: list[_Input] = []
    bio: list[Exchange] = []
    flows: list[ElementaryFlow] = []
    for ex in flow_data.children:
        if ex.tag == "intermediateExchange":
            amount = _float(ex, "amount", source)
            group, g = _group(ex, source)
            product = ex.attrib.get("intermediateExchangeId", "")
            if not product:
                raise LciFileError(source, ex.where(), "intermediateExchangeId is missing")
            if group == "outputGroup" and g == 0:
                if ref is not None:
                    raise LciFileError(
                        source,
                        ex.where(),
                        "a second reference product (outputGroup 0); allocate first",
                    )
                ref = ex
            elif group == "outputGroup":
                if amount != 0:
                    raise LciFileError(
                        source,
                        ex.where(),
                        f"by-product (outputGroup {g}) with "
                        "non-zero amount: lingtan reads allocated (single-output) "
                        "processes, ISO 14044 §4.3.4",
                    )
            else:
                inputs.append(
                    _Input(
                        key,
                        product,
                        ex.attrib.get("activityLinkId", ""),
                        amount,
                        _uncertainty(ex, amount, source),
                        source,
                        ex.where(),
                    )
                )
        elif ex.tag == "elementaryExchange":
            amount = _float(ex, "amount", source)
            _group(ex, source)
            fid = ex.attrib.get("elementaryExchangeId", "")
            if not fid:
                raise LciFileError(source, ex.where(), "elementaryExchangeId is missing")
            fname = ex.child_text("name") or fid
            comp = ex.find("compartment")
            compartment = (
                tuple(
                    t
                    for t in (comp.child_text("compartment"), comp.child_text("subcompartment"))
                    if t
                )
                if comp is not None
                else ()
            )
            unit = ex.child_text("unitName") or "kg"
            flows.append(
                ElementaryFlow(
                    fid,
                    fname,
                    unit,
                    compartment,
                    gas_of_flow_name(fname),
                    ex.attrib.get("casNumber", ""),
                )
            )
            bio.append(
                Exchange(key, fid, amount, ExchangeKind.BIOSPHERE, _uncertainty(ex, amount, source))
            )
    if ref is None:
        raise LciFileError(source, flow_data.where(), "no reference product (outputGroup 0)")
    production = _float(ref, "amount", source)
    if production == 0:
        raise LciFileError(source, ref.where(), "reference product amount is zero")
    proc = Process(
        key=key,
        name=name,
        unit=ref.child_text("unitName") or "kg",
        location=location or "GLO",
        reference_product=ref.child_text("name"),
        production=production,
    )
    return proc, inputs, bio, flows, ref.attrib["intermediateExchangeId"]


def read_ecospold2(paths: Iterable[str | Path] | str | Path, name: str = "") -> LciDatabase:
    """Read ecospold2 files (a folder, one file, or a list of files) into a database.

    Raises:
        LciFileError: the first problem found (file, element, reason); nothing is returned.
    """
    files = _files(paths)
    if not files:
        raise LciFileError(str(paths), "", "no .spold or .xml files")
    processes: list[Process] = []
    inputs: list[_Input] = []
    bio: list[Exchange] = []
    flows: dict[str, ElementaryFlow] = {}
    products: dict[str, list[str]] = {}
    for f in files:
        try:
            data = f.read_bytes()
        except OSError as exc:
            raise LciFileError(str(f), "", f"cannot read ({exc})") from exc
        proc, ins, exs, fls, product = parse_ecospold2(data, f.name)
        processes.append(proc)
        inputs += ins
        bio += exs
        for fl in fls:
            flows.setdefault(fl.key, fl)
        products.setdefault(product, []).append(proc.key)
    keys = {p.key for p in processes}
    tech: list[Exchange] = []
    for i in inputs:
        supplier = i.link
        if supplier and supplier not in keys:
            raise LciFileError(
                i.file,
                i.where,
                f"activityLinkId {supplier!r} is not among the files read",
            )
        if not supplier:
            makers = products.get(i.product, [])
            if len(makers) != 1:
                raise LciFileError(
                    i.file,
                    i.where,
                    f"input of product {i.product!r} has no activityLinkId and "
                    f"{len(makers)} activities make it; link it explicitly",
                )
            supplier = makers[0]
        tech.append(
            Exchange(i.process, supplier, i.amount, ExchangeKind.TECHNOSPHERE, i.uncertainty)
        )
    try:
        return LciDatabase(
            name=name or (Path(paths).name if isinstance(paths, str | Path) else "ecospold2"),
            processes=tuple(processes),
            flows=tuple(flows.values()),
            exchanges=tuple(tech + bio),
            source="ecospold2",
        )
    except InventoryDataError as exc:
        raise LciFileError(str(paths), "", str(exc)) from exc


def _files(paths: Iterable[str | Path] | str | Path) -> list[Path]:
    if isinstance(paths, str | Path):
        p = Path(paths)
        if p.is_dir():
            return sorted(f for f in p.iterdir() if f.suffix.lower() in SUFFIXES)
        return [p]
    return [Path(p) for p in paths]


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------


#: ecospold2 element and location attribute of the distributions given by location and scale
_LOC_SCALE = {
    Distribution.LOGNORMAL: ("lognormal", "mu"),
    Distribution.NORMAL: ("normal", "meanValue"),
}


def _unc_element(parent: ET.Element, u: Uncertainty) -> None:
    if not u.is_uncertain:
        return
    el = ET.SubElement(parent, f"{{{NS}}}uncertainty")
    if u.distribution in _LOC_SCALE:
        tag, loc = _LOC_SCALE[u.distribution]
        var = repr(u.scale**2)
        attrs = {loc: repr(u.loc), "variance": var, "varianceWithPedigreeUncertainty": var}
        ET.SubElement(el, f"{{{NS}}}{tag}", attrs)
    elif u.distribution is Distribution.TRIANGULAR:
        ET.SubElement(
            el,
            f"{{{NS}}}triangular",
            minValue=repr(u.minimum),
            mostLikelyValue=repr(u.loc),
            maxValue=repr(u.maximum),
        )
    elif u.distribution is Distribution.UNIFORM:
        ET.SubElement(el, f"{{{NS}}}uniform", minValue=repr(u.minimum), maxValue=repr(u.maximum))


def _text(parent: ET.Element, tag: str, text: str) -> None:
    el = ET.SubElement(parent, f"{{{NS}}}{tag}")
    el.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    el.text = text


def write_ecospold2(db: LciDatabase, folder: str | Path) -> list[Path]:
    """Write one ``<process key>.spold`` per process into ``folder`` (created); the product of
    each process gets the id ``<process key>-product``. Returns the files written."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    ET.register_namespace("", NS)
    by_process: dict[str, list[Exchange]] = {}
    for e in db.exchanges:
        by_process.setdefault(e.process, []).append(e)
    flows = {f.key: f for f in db.flows}
    procs = {p.key: p for p in db.processes}
    written = []
    for p in db.processes:
        root = ET.Element(f"{{{NS}}}ecoSpold")
        ds = ET.SubElement(root, f"{{{NS}}}activityDataset")
        desc = ET.SubElement(ds, f"{{{NS}}}activityDescription")
        act = ET.SubElement(desc, f"{{{NS}}}activity", id=p.key)
        _text(act, "activityName", p.name)
        geo = ET.SubElement(desc, f"{{{NS}}}geography")
        _text(geo, "shortname", p.location)
        fd = ET.SubElement(ds, f"{{{NS}}}flowData")
        for e in by_process.get(p.key, []):
            if e.kind is ExchangeKind.BIOSPHERE:
                fl = flows[e.flow]
                ex = ET.SubElement(
                    fd,
                    f"{{{NS}}}elementaryExchange",
                    id=f"{p.key}:{e.flow}",
                    elementaryExchangeId=e.flow,
                    amount=repr(e.amount),
                )
                if fl.cas:
                    ex.set("casNumber", fl.cas)
                _text(ex, "name", fl.name)
                _text(ex, "unitName", fl.unit)
                comp = ET.SubElement(ex, f"{{{NS}}}compartment")
                _text(comp, "compartment", fl.compartment[0] if fl.compartment else "air")
                _text(
                    comp,
                    "subcompartment",
                    fl.compartment[1] if len(fl.compartment) > 1 else "unspecified",
                )
                _unc_element(ex, e.uncertainty)
                ET.SubElement(ex, f"{{{NS}}}outputGroup").text = "4"
                continue
            supplier = procs[e.flow]
            attrs = {
                "id": f"{p.key}:{e.flow}",
                "intermediateExchangeId": f"{e.flow}-product",
                "amount": repr(e.amount),
            }
            if e.kind is ExchangeKind.TECHNOSPHERE:
                attrs["activityLinkId"] = e.flow
            ex = ET.SubElement(fd, f"{{{NS}}}intermediateExchange", attrs)
            _text(ex, "name", supplier.reference_product or supplier.name)
            _text(ex, "unitName", supplier.unit)
            _unc_element(ex, e.uncertainty)
            if e.kind is ExchangeKind.PRODUCTION:
                ET.SubElement(ex, f"{{{NS}}}outputGroup").text = "0"
            else:
                ET.SubElement(ex, f"{{{NS}}}inputGroup").text = "5"
        path = out / f"{_safe(p.key)}.spold"
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
        written.append(path)
    return written


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
