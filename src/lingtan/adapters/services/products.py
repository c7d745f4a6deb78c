"""Product carbon footprints of an organisation (issue 6 in the server).

An organisation's product data live in its workspace folder, ``<workspace>/products/`` (decision
0025), in the files the library reads (docs/products.md):

- ``family.yaml``: the product family (products, configurations, BOMs, use profiles, end of
  life, reductions) in lingtan's YAML format; its ``database:`` names the LCI database YAML
  beside it;
- ``pact/*.json``: suppliers' PACT v2 ``ProductFootprint`` documents (``POST …/products/pact``);
  a footprint whose ``productIds`` hold ``urn:lingtan:part:<part number>`` replaces that part's
  database average (GHG Protocol Product Standard §8.3.1);
- ``claims.yaml`` (optional): carbon-neutral product claims (ISO 14068-1:2023) and the credits
  retired for them (the ``credits`` section of the targets file, docs/targets.md)::

      product_claims:
        - {id: LB14-G5/i7-32-1t-GB/FY2024, product: LB14-G5, configuration: i7-32-1t-GB,
           units: 10000, period_start: 2024-04-01, period_end: 2025-03-31, public: true}
      credits: {holdings: […], retirements: [{…, claim: LB14-G5/i7-32-1t-GB/FY2024}]}

Every number comes from :mod:`lingtan.adapters.io.lca.workflow` (one factorisation per family
and GWP set, kept while the files are unchanged); nothing is computed here that the library
does not. A claim is assessed on the footprint as of its period end (grid factors of that
date); the label of a claimed configuration shows that footprint.

**Public evidence pages** (the label's QR code, ``/p/{org}/{product}/{config}``) show a
configuration only when its claim says ``public: true``; they show what the label shows plus the
claim's evidence (stages, reductions, retirements with serials, checks) and never the bill of
materials, suppliers, materials or hot spots. Anything else answers 404, like an unknown
organisation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from sqlalchemy.orm import Session

from lingtan.adapters.io.lca.folder import (
    CLAIMS_FILE,
    FAMILY_FILE,
    ISSUED_DIR,
    PACT_DIR,
    PRODUCTS_DIR,
    products_folder,
)
from lingtan.adapters.services.context import TenantContext, jsonable
from lingtan.adapters.services.errors import conflict, invalid, not_found, too_large
from lingtan.adapters.store import audit
from lingtan.core.errors import LingtanError

if TYPE_CHECKING:
    from lingtan.adapters.io.lca.labels import LabelData
    from lingtan.adapters.io.lca.workflow import Workbench
    from lingtan.modules.products.efficiency import EfficiencyRow
    from lingtan.modules.products.footprint import Footprint
    from lingtan.modules.products.montecarlo import MonteCarloResult

#: largest PACT document accepted [bytes of JSON]
MAX_PACT_BYTES = 1024 * 1024
GWP_SETS = ("AR4", "AR5", "AR6")
#: workbenches kept (one per products folder content and GWP set)
_CACHE_SIZE = 8


@dataclass(frozen=True)
class ClaimSpec:
    """A carbon-neutral claim of one configuration, as ``claims.yaml`` states it.

    Attributes:
        units: products sold in the period that the claim covers.
        public: publish the evidence page (the label's QR code target).
    """

    id: str
    product: str
    configuration: str
    units: float
    period_start: date
    period_end: date
    verified_by: str = ""
    public: bool = False


@dataclass(frozen=True)
class ProductData:
    """The products folder of an organisation, read: the workbench (built model), the claims
    and the credit register they are checked against."""

    folder: Path
    bench: Any  # lingtan.adapters.io.lca.workflow.Workbench
    claims: tuple[ClaimSpec, ...]
    register: Any  # lingtan.modules.targets.credits.CreditRegister

    def claim_for(self, product: str, config: str) -> ClaimSpec | None:
        """The claim of a configuration (the first one listed)."""
        return next(
            (c for c in self.claims if (c.product, c.configuration) == (product, config)), None
        )


# -- where the files are ---------------------------------------------------------------------------


def _tenant_folder(tenant: TenantContext) -> Path:
    path = tenant.organisation.workspace_path
    if not path:
        raise conflict(f"organisation {tenant.slug} has no workspace folder")
    return products_folder(path)


def public_url(base_url: str, org: str, product: str, config: str) -> str:
    """The public evidence page of a configuration: ``{base}/p/{org}/{product}/{config}``."""
    return f"{base_url.rstrip('/')}/p/{org}/{product}/{config}"


# -- reading (cached while the files are unchanged) -----------------------------------------------


def _product_files(folder: Path) -> list[Path]:
    """The organisation's product input files, sorted: hidden files and issued records apart."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and not _is_issued(folder, p)
    )


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for p in _product_files(folder):
        st = p.stat()
        out.append((str(p.relative_to(folder)), st.st_mtime_ns, st.st_size))
    return tuple(out)


_lock = threading.Lock()
_issue_lock = threading.Lock()
_log = logging.getLogger("lingtan.products")
_benches: OrderedDict[tuple[Any, ...], Any] = OrderedDict()


def _bench(folder: Path, gwp_set: str) -> Any:
    """The workbench of ``folder`` (family, database, PACT files), built once per content."""
    from lingtan.adapters.io.lca.workflow import open_products_folder

    key = (str(folder), gwp_set, _signature(folder))
    with _lock:
        if key in _benches:
            _benches.move_to_end(key)
            return _benches[key]
    wb = open_products_folder(folder, gwp_set=gwp_set)
    with _lock:
        _benches[key] = wb
        while len(_benches) > _CACHE_SIZE:
            _benches.popitem(last=False)
    return wb


def _day(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise invalid(
            f"{CLAIMS_FILE}: {where}: not a date (YYYY-MM-DD): {value!r}", where
        ) from None


def parse_claims(text: str) -> tuple[tuple[ClaimSpec, ...], Any]:
    """The claims and credit register of a ``claims.yaml`` text.

    Raises:
        ServiceError: 422 naming the claim and field (``product_claims[0].units``).
    """
    from lingtan.adapters.io.targets_files import parse_targets
    from lingtan.core.errors import InputFileError

    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise invalid(f"{CLAIMS_FILE}: not valid YAML: {exc}", CLAIMS_FILE) from None
    if not isinstance(doc, dict):
        raise invalid(f"{CLAIMS_FILE}: expected a mapping", CLAIMS_FILE)
    unknown = set(doc) - {"product_claims", "credits"}
    if unknown:
        raise invalid(f"{CLAIMS_FILE}: unknown section {sorted(unknown)[0]!r}", CLAIMS_FILE)
    items = doc.get("product_claims") or []
    if not isinstance(items, list):
        raise invalid(f"{CLAIMS_FILE}: product_claims: expected a list", "product_claims")
    claims: list[ClaimSpec] = []
    for i, c in enumerate(items):
        where = f"product_claims[{i}]"
        if not isinstance(c, dict):
            raise invalid(f"{CLAIMS_FILE}: {where}: expected a mapping", where)
        for key in ("id", "product", "configuration", "units", "period_start", "period_end"):
            if c.get(key) in (None, ""):
                raise invalid(f"{CLAIMS_FILE}: {where}.{key}: missing", f"{where}.{key}")
        try:
            units = float(c["units"])
        except (TypeError, ValueError):
            units = math.nan
        if not (math.isfinite(units) and units > 0):
            raise invalid(
                f"{CLAIMS_FILE}: {where}.units: a number > 0, got {c['units']!r}", f"{where}.units"
            )
        claims.append(
            ClaimSpec(
                str(c["id"]),
                str(c["product"]),
                str(c["configuration"]),
                units,
                _day(c["period_start"], f"{where}.period_start"),
                _day(c["period_end"], f"{where}.period_end"),
                str(c.get("verified_by") or ""),
                c.get("public") is True,
            )
        )
    try:
        register = parse_targets({"credits": doc.get("credits") or {}}, CLAIMS_FILE).register
    except InputFileError as exc:
        raise invalid(str(exc), "credits") from None
    except (LingtanError, ValueError, TypeError) as exc:
        raise invalid(f"{CLAIMS_FILE}: credits: {exc}", "credits") from None
    return tuple(claims), register


def _load(folder: Path, gwp_set: str) -> ProductData | None:
    """The products folder read, or None when the organisation has no product family."""
    if not (folder / FAMILY_FILE).is_file():
        return None
    if gwp_set not in GWP_SETS:
        raise invalid(f"unknown GWP set {gwp_set!r} ({', '.join(GWP_SETS)})", "gwp")
    try:
        wb = _bench(folder, gwp_set)
    except LingtanError as exc:
        raise invalid(f"{PRODUCTS_DIR}/: {exc}", PRODUCTS_DIR) from None
    claims_path = folder / CLAIMS_FILE
    if claims_path.is_file():
        claims, register = parse_claims(claims_path.read_text(encoding="utf-8"))
    else:
        from lingtan.modules.targets.credits import CreditRegister

        claims, register = (), CreditRegister()
    return ProductData(folder, wb, claims, register)


def _data(tenant: TenantContext, gwp_set: str) -> ProductData:
    got = _load(_tenant_folder(tenant), gwp_set)
    if got is None:
        raise not_found(f"product data of {tenant.slug}")
    return got


def _check_known(data: ProductData, product: str, config: str) -> None:
    """404 unless the family has ``product`` with configuration ``config``."""
    for p in data.bench.family.products:
        if p.product_id == product:
            if any(c.config_id == config for c in p.configurations):
                return
            break
    raise not_found(f"product {product!r} configuration {config!r}")


def _known_data(tenant: TenantContext, gwp_set: str, product: str, config: str) -> ProductData:
    """The organisation's product data, 404 unless it has ``product`` with ``config``."""
    data = _data(tenant, gwp_set)
    _check_known(data, product, config)
    return data


def _footprint(data: ProductData, product: str, config: str, on: date, supply_chain: int) -> Any:
    try:
        return bench_footprint(replace(data.bench, on=on), product, config, supply_chain)
    except LingtanError as exc:  # e.g. no grid factor of the market on that date
        raise invalid(f"footprint of {product}/{config} on {on}: {exc}", "on") from None


def _claim(data: ProductData, spec: ClaimSpec, base_url: str, org: str) -> Any:
    """The claim assessed on the footprint as of its period end, with its public URL."""
    from lingtan.modules.products.certification import claim_product

    fp = _footprint(data, spec.product, spec.configuration, spec.period_end, 0)
    try:
        claim = claim_product(
            spec.id,
            fp,
            spec.units,
            spec.period_start,
            spec.period_end,
            data.register,
            reductions=data.bench.family.reductions,
            verified_by=spec.verified_by,
        )
    except LingtanError as exc:
        raise invalid(f"{CLAIMS_FILE}: claim {spec.id}: {exc}", "product_claims") from None
    return replace(claim, evidence_url=public_url(base_url, org, spec.product, spec.configuration))


def _claim_doc(claim: Any, spec: ClaimSpec) -> dict[str, Any]:
    return {**claim.to_dict(), "public": spec.public}


# -- views -----------------------------------------------------------------------------------------


def list_products(
    db: Session, tenant: TenantContext, *, gwp_set: str = "AR6", on: date | None = None
) -> dict[str, Any]:
    """Every product and configuration with its total and stages [kg CO2e per product] and its
    claim (id, holds or not, public or not). ``products`` is empty when the organisation has
    no product family yet."""
    del db
    when = on or date.today()
    data = _load(_tenant_folder(tenant), gwp_set)
    if data is None:
        return {"products": [], "gwp_set": gwp_set, "on": when.isoformat(), "database": None,
                "supplier_footprints": []}  # fmt: skip
    bench = replace(data.bench, on=when)
    products = []
    for p in bench.family.products:
        try:
            fps = bench.footprints(p.product_id)
        except LingtanError as exc:
            raise invalid(f"footprints of {p.product_id} on {when}: {exc}", "on") from None
        configs = []
        for fp in fps:
            spec = data.claim_for(p.product_id, fp.configuration_id)
            claim = (
                None if spec is None else _claim(data, spec, tenant.settings.base_url, tenant.slug)
            )
            configs.append(
                {
                    "configuration_id": fp.configuration_id,
                    "name": fp.configuration_name,
                    "total_kg_co2e": fp.total,
                    "stages_kg_co2e": fp.by_stage(),
                    "claim_id": None if spec is None else spec.id,
                    "claim_valid": None if claim is None else claim.valid,
                    "public": spec is not None and spec.public,
                }
            )
        products.append(
            {
                "product_id": p.product_id,
                "name": p.name,
                "line": p.line,
                "generation": p.generation,
                "year": p.year,
                "configurations": configs,
            }
        )
    return dict(
        jsonable(
            {
                "products": products,
                "gwp_set": gwp_set,
                "on": when.isoformat(),
                "database": data.bench.db.name,
                "supplier_footprints": list(data.bench.replaced),
            }
        )
    )


def footprint_view(
    db: Session,
    tenant: TenantContext,
    product: str,
    config: str,
    *,
    gwp_set: str = "AR6",
    on: date | None = None,
    lines: bool = False,
    top: int = 10,
) -> dict[str, Any]:
    """A configuration's footprint (ISO 14067; kg CO2e per product): total, ``stages_kg_co2e``
    and ``stages_pct``, hot spots (BOM lines; by component, material and supplier; the
    supply-chain processes emitting most), the claim with its evidence (or null), the public
    URL when the claim is public, and the BOM lines when ``lines``.

    Raises:
        ServiceError: 404 no such product or configuration (or no product data); 422 a bad GWP set
            or date.
    """
    del db
    data = _known_data(tenant, gwp_set, product, config)
    when = on or date.today()
    fp = _footprint(data, product, config, when, top)
    spec = data.claim_for(product, config)
    claim_doc: dict[str, Any] | None = None
    url: str | None = None
    if spec is not None:
        claim = _claim(data, spec, tenant.settings.base_url, tenant.slug)
        claim_doc = _claim_doc(claim, spec)
        url = claim.evidence_url if spec.public else None
    doc = fp.to_dict(lines=lines)
    doc["hot_spots"] = doc["hot_spots"][:top]
    doc.update(
        {
            "on": when.isoformat(),
            "supplier_footprints": list(data.bench.replaced),
            "claim": claim_doc,
            "public_url": url,
        }
    )
    return dict(jsonable(doc))


LABEL_MEDIA = {"svg": "image/svg+xml", "png": "image/png"}


def label_file(
    db: Session,
    tenant: TenantContext,
    product: str,
    config: str,
    fmt: str,
    *,
    gwp_set: str = "AR6",
    on: date | None = None,
) -> tuple[str, bytes, str]:
    """The configuration's label (footprint, stages, claim status, QR code of the public
    evidence page): ``(file name, bytes, media type)``. A claimed configuration's label shows
    the claimed footprint (as of the claim's period end) and "carbon neutral" when the claim
    holds; otherwise the footprint as of ``on``.

    Raises:
        ServiceError: 404 no such configuration; 422 bad GWP set, date or format.
    """
    from lingtan.adapters.io.lca.labels import render_png, render_svg

    del db
    if fmt not in LABEL_MEDIA:
        raise invalid(f"label format {fmt!r}: svg or png", "format")
    data = _known_data(tenant, gwp_set, product, config)
    spec = data.claim_for(product, config)
    url = public_url(tenant.settings.base_url, tenant.slug, product, config)
    if spec is not None:
        claim = _claim(data, spec, tenant.settings.base_url, tenant.slug)
        label = label_of(claim.footprint, url, claim.valid)
    else:
        label = label_of(_footprint(data, product, config, on or date.today(), 0), url)
    body = render_svg(label).encode("utf-8") if fmt == "svg" else render_png(label)
    return f"label-{product}-{config}.{fmt}", body, LABEL_MEDIA[fmt]


def pact_export(
    db: Session,
    tenant: TenantContext,
    product: str,
    config: str,
    *,
    gwp_set: str = "AR6",
    on: date | None = None,
) -> dict[str, Any]:
    """The configuration's cradle-to-gate footprint as a PACT v2 ``ProductFootprint`` (per kg
    of product; company = the organisation, ``urn:lingtan:organisation:<slug>``)."""
    del db
    data = _known_data(tenant, gwp_set, product, config)
    fp = _footprint(data, product, config, on or date.today(), 0)
    doc = pact_document(
        fp,
        company_name=str(tenant.organisation.name),
        company_ids=[f"urn:lingtan:organisation:{tenant.slug}"],
    )
    return dict(jsonable(doc))


# -- supplier footprints (PACT) --------------------------------------------------------------------


def _pact_doc(pf: Any, file: str) -> dict[str, Any]:
    return {
        "file": file,
        "id": pf.id,
        "version": pf.version,
        "company": pf.company,
        "product_ids": list(pf.product_ids),
        "product_name": pf.product_name,
        "declared_unit": pf.declared_unit,
        "unitary_amount": pf.unitary_amount,
        "pcf_kg_per_declared_unit": pf.pcf_kg_per_declared_unit,
        "kg_per_product": pf.kg_per_product,
        "gwp_sets": list(pf.gwp_sets),
        "period": list(pf.period),
        "status": pf.status,
        "parts": [u.split(":")[-1] for u in pf.product_ids if u.startswith("urn:lingtan:part:")],
    }


def supplier_footprints(db: Session, tenant: TenantContext) -> list[dict[str, Any]]:
    """The suppliers' PACT footprints stored for the organisation (``products/pact/``)."""
    from lingtan.adapters.io.lca.pact import read_pact

    del db
    folder = _tenant_folder(tenant) / PACT_DIR
    out: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            out += [_pact_doc(pf, path.name) for pf in read_pact(path)]
        except LingtanError as exc:
            raise invalid(f"{PRODUCTS_DIR}/{PACT_DIR}/{path.name}: {exc}", PACT_DIR) from None
    return [dict(jsonable(d)) for d in out]


def import_pact(db: Session, tenant: TenantContext, document: Any) -> dict[str, Any]:
    """Validate a supplier's PACT v2 ``ProductFootprint`` (one, a list, or ``{"data": …}``)
    and store it as ``products/pact/<sha256>.json``; from then on it replaces the database
    average of every part its ``productIds`` name (``urn:lingtan:part:<part number>``).
    Audited (``products.pact_import``). Nothing is stored when the document has an error.

    Raises:
        ServiceError: 422 naming the property (``document.pcf.declaredUnit``); 413 too large.
    """
    from lingtan.adapters.io.lca.pact import parse_pact_document
    from lingtan.modules.products.errors import LciFileError

    try:
        data = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False).encode()
    except (ValueError, TypeError, RecursionError) as exc:
        raise invalid(f"document: not JSON ({exc})", "document") from None
    if len(data) > MAX_PACT_BYTES:
        raise too_large(f"PACT document larger than {MAX_PACT_BYTES} bytes")
    try:
        footprints = parse_pact_document(document, "document")
    except LciFileError as exc:
        el = exc.element.removeprefix("ProductFootprint").lstrip(".")
        field = "document" + (el if el.startswith("[") else f".{el}" if el else "")
        raise invalid(f"{field}: {exc.reason}", field) from None
    except (LingtanError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise invalid(f"document: {exc}", "document") from None
    folder = _tenant_folder(tenant) / PACT_DIR
    name = f"{hashlib.sha256(data).hexdigest()[:16]}.json"
    path = folder / name
    docs = [_pact_doc(pf, name) for pf in footprints]
    audit.record(
        db,
        organisation_id=tenant.organisation_id,
        action="products.pact_import",
        target=f"{PRODUCTS_DIR}/{PACT_DIR}/{name}",
        before=None,
        after={
            "sha256": hashlib.sha256(data).hexdigest(),
            "footprints": [{"id": d["id"], "version": d["version"], "parts": d["parts"]}
                           for d in docs],
        },
    )  # fmt: skip
    existed = path.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{name}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, path)
        db.commit()
    except BaseException:
        db.rollback()
        if not existed:
            path.unlink(missing_ok=True)
        raise
    return {"file": name, "footprints": [dict(jsonable(d)) for d in docs]}


# -- issued claims and the public evidence page ----------------------------------------------------


def _is_issued(folder: Path, path: Path) -> bool:
    rel = path.relative_to(folder).parts
    return bool(rel) and rel[0] == ISSUED_DIR


def _page(organisation: str, claim: Any, spec: ClaimSpec) -> dict[str, Any]:
    """What a claim's public page shows: never the bill of materials, suppliers, materials or
    hot spots (the claim's own evidence references are published)."""
    fp = claim.footprint
    total = fp.total
    stages = fp.by_stage()
    claim_doc = claim.to_dict()
    claim_doc.pop("evidence_url", None)  # the page's own address, not part of the evidence
    return dict(
        jsonable(
            {
                "organisation": organisation,
                "product_id": fp.product_id,
                "product_name": fp.product_name,
                "configuration_id": fp.configuration_id,
                "configuration_name": fp.configuration_name,
                "declared_unit": "1 product (item)",
                "total_kg_co2e": total,
                "stages_kg_co2e": stages,
                "stages_pct": {k: (100 * v / total if total else 0.0) for k, v in stages.items()},
                "gwp_set": fp.gwp_set,
                "method": fp.method,
                "database": fp.database,
                "system_boundary": "cradle-to-grave; cut-off (recycled content) approach",
                "assessed_on": spec.period_end.isoformat(),
                "claim": claim_doc,
            }
        )
    )


def _inputs(data: ProductData, spec: ClaimSpec) -> dict[str, Any]:
    """What an issued claim was computed from: every product file's sha256, the use-phase
    grid factor (value, region, factor ids) as of the assessment date, the software."""
    from importlib.metadata import PackageNotFoundError, version

    folder = data.folder
    files = {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in _product_files(folder)
    }
    grid: dict[str, Any] | None = None
    try:
        product = replace(data.bench, on=spec.period_end).product(spec.product)
        cfg = next(c for c in product.configurations if c.config_id == spec.configuration)
        g = cfg.use.grid if cfg.use is not None else None
        if g is not None:
            grid = {"kg_co2e_per_kwh": g.kg_co2e_per_kwh, "region": g.region,
                    "source": g.source, "gwp_set": g.gwp_set}  # fmt: skip
    except (LingtanError, StopIteration):
        grid = None
    try:
        software = f"lingtan {version('lingtan')}"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        software = "lingtan"
    return dict(
        jsonable(
            {
                "assessed_on": spec.period_end.isoformat(),
                "gwp_set": data.bench.gwp_set,
                "database": data.bench.db.name,
                "supplier_footprints": list(data.bench.replaced),
                "use_phase_grid": grid,
                "files_sha256": files,
                "software": software,
            }
        )
    )


def issued_versions(folder: Path, product: str, config: str) -> list[tuple[str, dict[str, Any]]]:
    """The issued records of a configuration's claim, ``(sha256, record)`` by version. A file
    whose bytes do not match its name (edited after issue) is left out and logged.

    The records are ``products/issued/<sha256>.json``, written once (decision 0030)."""
    from lingtan.modules.products.certification import ISSUED_FORMAT

    out: list[tuple[str, dict[str, Any]]] = []
    where = folder / ISSUED_DIR
    for path in sorted(where.glob("*.json")) if where.is_dir() else []:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if sha != path.stem:
            _log.error("%s: content does not match its name (changed after issue)", path)
            continue
        try:
            rec = json.loads(data)
        except ValueError:  # pragma: no cover - the hash matched: written by us
            continue
        if (
            isinstance(rec, dict)
            and rec.get("format") == ISSUED_FORMAT
            and (rec.get("product_id"), rec.get("configuration_id")) == (product, config)
        ):
            out.append((sha, rec))
    return sorted(out, key=lambda x: int(x[1]["version"]))


def issue_record(
    folder: Path,
    product: str,
    config: str,
    *,
    organisation: str,
    issued_by: str,
    base_url: str,
    slug: str | None,
) -> tuple[str, dict[str, Any], bool]:
    """Issue the claim of a configuration: assess it now (footprint as of its period end)
    and freeze its public page as ``products/issued/<sha256>.json`` (decision 0030). When the
    latest issued version publishes the same page, nothing is written. Returns ``(sha256,
    record, created)``.

    Raises:
        ServiceError: 404 no product data, configuration or claim; 409 the claim does not hold
            (a failed check is named), or another issue of it is being written.
    """
    from lingtan.modules.products.certification import (
        issued_record,
        record_bytes,
        record_sha256,
        same_evidence,
    )

    data = _load(folder, "AR6")
    if data is None:
        raise not_found("product data")
    _check_known(data, product, config)
    spec = data.claim_for(product, config)
    if spec is None:
        raise not_found(f"claim of {product}/{config}")
    claim = _claim(data, spec, base_url, slug or "-")
    if not claim.valid:
        failed = "; ".join(f"{c.check}: {c.detail}" for c in claim.checks if not c.ok)
        raise conflict(f"claim {spec.id} does not hold, not issued: {failed}")
    page = json.loads(record_bytes({"page": _page(organisation, claim, spec)}))["page"]
    with _issue_lock:
        versions = issued_versions(folder, product, config)
        if versions and same_evidence(versions[-1][1], {"page": page, "public": spec.public}):
            return versions[-1][0], versions[-1][1], False
        n = int(versions[-1][1]["version"]) + 1 if versions else 1
        path_url = f"/p/{slug}/{product}/{config}/v/{n}" if slug else None
        record = issued_record(
            page,
            version=n,
            previous=versions[-1][0] if versions else None,
            issued_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            issued_by=issued_by,
            inputs=_inputs(data, spec),
            public=spec.public,
            url=None if path_url is None else f"{base_url.rstrip('/')}{path_url}",
        )
        sha = record_sha256(record)
        where = folder / ISSUED_DIR
        where.mkdir(parents=True, exist_ok=True)
        key = hashlib.sha256(f"{product}\0{config}".encode()).hexdigest()[:16]
        try:  # a version number is taken once, also across processes
            os.close(os.open(where / f".{key}.v{n}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            raise conflict(f"claim {spec.id}: version {n} is being issued; try again") from None
        tmp = where / f".{sha}.tmp"
        tmp.write_bytes(record_bytes(record))
        os.replace(tmp, where / f"{sha}.json")
    return sha, record, True


def issue_claim(db: Session, tenant: TenantContext, product: str, config: str) -> dict[str, Any]:
    """Issue (or reissue) a configuration's claim (:func:`issue_record`); audited
    (``products.claim_issue``) when a new version is written. Returns the version, its sha256,
    its public page, whether it is new, and every version.

    Raises:
        ServiceError: 404 no such claim; 409 the claim does not hold.
    """
    folder = _tenant_folder(tenant)
    sha, rec, created = issue_record(
        folder,
        product,
        config,
        organisation=str(tenant.organisation.name),
        issued_by=tenant.actor,
        base_url=tenant.settings.base_url,
        slug=tenant.slug,
    )
    if created:
        try:
            audit.record(
                db,
                organisation_id=tenant.organisation_id,
                action="products.claim_issue",
                target=f"{PRODUCTS_DIR}/{ISSUED_DIR}/{sha}.json",
                after={
                    "claim_id": rec["claim_id"],
                    "version": rec["version"],
                    "previous": rec["previous"],
                    "sha256": sha,
                    "footprint_kg_co2e_per_unit": rec["page"]["total_kg_co2e"],
                    "retired_t_co2e": rec["page"]["claim"]["retired_t_co2e"],
                },
            )
            db.commit()
        except BaseException:
            db.rollback()
            (folder / ISSUED_DIR / f"{sha}.json").unlink(missing_ok=True)
            raise
    return {
        "version": rec["version"],
        "sha256": sha,
        "created": created,
        "public_url": _version_url(tenant.settings.base_url, tenant.slug, rec),
        "versions": claim_versions(db, tenant, product, config),
    }


def _version_url(base_url: str, org: str, rec: dict[str, Any]) -> str | None:
    if not rec.get("public"):
        return None
    path = f"/p/{org}/{rec['product_id']}/{rec['configuration_id']}/v/{rec['version']}"
    return f"{base_url.rstrip('/')}{path}"


def claim_versions(
    db: Session, tenant: TenantContext, product: str, config: str
) -> list[dict[str, Any]]:
    """Every issued version of a configuration's claim, oldest first: version, sha256, when,
    by whom, footprint per unit [kg CO2e], credits retired [t], public page (if public).

    Raises:
        ServiceError: 404 when nothing was issued and the organisation has no such configuration.
    """
    del db
    versions = issued_versions(_tenant_folder(tenant), product, config)
    if not versions:
        _known_data(tenant, "AR6", product, config)  # 404 for a configuration it does not have
    return [
        {
            "version": r["version"],
            "sha256": sha,
            "issued_at": r["issued_at"],
            "issued_by": r["issued_by"],
            "footprint_kg_co2e_per_unit": r["page"]["total_kg_co2e"],
            "retired_t_co2e": r["page"]["claim"]["retired_t_co2e"],
            "public_url": _version_url(tenant.settings.base_url, tenant.slug, r),
        }
        for sha, r in versions
    ]


def public_evidence(
    db: Session, org: str, product: str, config: str, version: int | None = None
) -> dict[str, Any]:
    """The public evidence page of a configuration (no login): the issued record of its claim
    (the latest version, or ``version``) exactly as issued — nothing is recomputed — with the
    list of public versions (``version``, ``issued_at``, ``path``). Only public records.

    Raises:
        ServiceError: 404 otherwise (unknown organisation or product, never issued publicly, no
            such version).
    """
    from lingtan.adapters.store.tenancy import organisation_by_slug

    organisation = organisation_by_slug(db, org)
    gone = not_found(f"evidence page {org}/{product}/{config}")
    if organisation is None or not organisation.workspace_path:
        raise gone
    folder = products_folder(organisation.workspace_path)
    public = [(sha, r) for sha, r in issued_versions(folder, product, config) if r.get("public")]
    if not public:
        raise gone
    latest = int(public[-1][1]["version"])
    pick = latest if version is None else version
    found = next(((sha, r) for sha, r in public if int(r["version"]) == pick), None)
    if found is None:
        raise gone
    sha, rec = found
    base = f"/p/{org}/{product}/{config}"
    return {
        "page": rec["page"],
        "version": pick,
        "latest": latest,
        "sha256": sha,
        "issued_at": rec["issued_at"],
        "latest_path": base,
        "versions": [
            {
                "version": int(r["version"]),
                "issued_at": r["issued_at"],
                "sha256": s,
                "path": f"{base}/v/{r['version']}",
            }
            for s, r in public
        ],
    }


# -- a workbench: the use cases the command line and the server share -----------------------------


@contextmanager
def _input_errors(field: str | None = None) -> Iterator[None]:
    """An input the library refuses (``LingtanError``: a family, database, PACT or LCA file, a
    product, a grid factor) becomes a ``ServiceError`` of kind ``invalid``, same message."""
    try:
        yield
    except LingtanError as exc:
        raise invalid(str(exc), field) from None


def open_bench(
    family: Path | None = None,
    database: Path | None = None,
    *,
    gwp_set: str = "AR6",
    on: date | None = None,
    pact_files: Sequence[Path] = (),
) -> Workbench:
    """A product family and its LCI database (the bundled illustrative notebook family and
    inventory by default) with suppliers' PACT footprints applied, the model built once
    (``lingtan products … --family --database --pact``; grid factors as of ``on``, today by
    default).

    Raises:
        ServiceError: invalid — a file cannot be used (file, element and reason named).
    """
    from lingtan.adapters.io.lca.workflow import open_workbench

    with _input_errors():
        return open_workbench(family, database, gwp_set=gwp_set, on=on, pact_files=pact_files)


def bench_footprint(
    wb: Workbench, product: str | None = None, config: str | None = None, supply_chain: int = 10
) -> Footprint:
    """The footprint of a configuration (the first product and configuration by default) by
    life-cycle stage [kg CO2e per product, ISO 14067], with the ``supply_chain`` processes that
    emit most.

    Raises:
        LingtanError: no such product or configuration, or no grid factor of its market.
    """
    return wb.footprint(product, config, supply_chain)


def footprint(
    wb: Workbench, product: str | None = None, config: str | None = None, supply_chain: int = 10
) -> Footprint:
    """:func:`bench_footprint` for a caller that shows errors (``lingtan products footprint``).

    Raises:
        ServiceError: invalid — no such product or configuration, or no grid factor.
    """
    with _input_errors():
        return bench_footprint(wb, product, config, supply_chain)


def footprints(wb: Workbench, product: str) -> list[Footprint]:
    """The footprints of every configuration of ``product`` (``lingtan products list``).

    Raises:
        ServiceError: invalid — no such product, or no grid factor.
    """
    with _input_errors():
        return wb.footprints(product)


def label_of(fp: Footprint, url: str, neutral: bool = False) -> LabelData:
    """What a configuration's label shows: footprint, stages, claim status and the QR code of
    ``url`` (its evidence page)."""
    from lingtan.adapters.io.lca.labels import LabelData

    return LabelData.of(fp, url, neutral)


def write_label_files(
    fp: Footprint, base_url: str, out_dir: Path, *, neutral: bool = False
) -> tuple[Path, Path, str]:
    """Write a configuration's label as ``label-<product>-<config>.svg`` and ``.png`` in
    ``out_dir`` (``lingtan products label``); returns both paths and the evidence URL.

    Raises:
        ServiceError: invalid — the label cannot be rendered.
    """
    from lingtan.adapters.io.lca.labels import write_label
    from lingtan.modules.products.certification import evidence_url

    with _input_errors():
        url = evidence_url(base_url, fp.product_id, fp.configuration_id)
        svg, png = write_label(
            label_of(fp, url, neutral), out_dir / f"label-{fp.product_id}-{fp.configuration_id}"
        )
    return svg, png, url


def pact_document(
    fp: Footprint, *, company_name: str, company_ids: Sequence[str]
) -> dict[str, Any]:
    """The configuration's cradle-to-gate footprint as a PACT v2 ``ProductFootprint`` (per kg
    of product) of ``company_name`` (``company_ids``: URNs).

    Raises:
        ServiceError: invalid (field ``pcf``) — the footprint cannot be expressed in PACT.
    """
    from lingtan.adapters.io.lca.pact import to_pact

    with _input_errors("pcf"):
        doc: dict[str, Any] = to_pact(fp, company_name=company_name, company_ids=list(company_ids))
    return doc


def write_pact_file(
    fp: Footprint, out_file: Path, *, company_name: str, company_ids: Sequence[str]
) -> dict[str, Any]:
    """Write :func:`pact_document` as JSON to ``out_file`` (``lingtan products pact-export``);
    returns the document.

    Raises:
        ServiceError: invalid — as :func:`pact_document`.
    """
    doc = pact_document(fp, company_name=company_name, company_ids=company_ids)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return doc


#: LCA process data formats ``lingtan products import`` reads and writes
LCA_FORMATS = ("ecospold2", "jsonld")


@dataclass(frozen=True)
class LcaImport:
    """LCA process data read and checked: the database and its system (LU factorisation;
    ``scores``: kg CO2e per unit of each process's reference product)."""

    db: Any  # lingtan.modules.products.lci.LciDatabase
    system: Any  # lingtan.modules.products.engine.LcaSystem

    @property
    def scores(self) -> Any:
        """kg CO2e per unit of each process (the system's score vector)."""
        return self.system.score_vector


def import_lca(path: Path, fmt: str, *, gwp_set: str = "AR6") -> LcaImport:
    """Read and validate ecospold2 (file or folder) or openLCA JSON-LD (folder or zip) process
    data and build its system with ``gwp_set``; nothing is kept.

    Raises:
        ServiceError: invalid — the format is unknown, or the data is invalid (file and element
            named).
    """
    from lingtan.adapters.io.factor_files import read_gwp_sets
    from lingtan.adapters.io.lca.ecospold2 import read_ecospold2
    from lingtan.adapters.io.lca.jsonld import read_jsonld
    from lingtan.modules.products.engine import LcaSystem
    from lingtan.modules.products.lci import characterise

    if fmt not in LCA_FORMATS:
        raise invalid(f"format must be {' or '.join(LCA_FORMATS)}", "format")
    with _input_errors():
        db = read_ecospold2(path) if fmt == "ecospold2" else read_jsonld(path)
        system = LcaSystem.from_database(db, characterise(db.flows, read_gwp_sets()[gwp_set]))
        system.score_vector  # noqa: B018  (factorised here: an error is an input error)
    return LcaImport(db, system)


def export_lca(imported: LcaImport, path: Path, fmt: str) -> Path:
    """Write imported process data as ``fmt`` (``jsonld`` or ``ecospold2``) to ``path``.

    Raises:
        ServiceError: invalid — unknown format, or the data cannot be written.
    """
    from lingtan.adapters.io.lca.ecospold2 import write_ecospold2
    from lingtan.adapters.io.lca.jsonld import write_jsonld

    if fmt not in LCA_FORMATS:
        raise invalid(f"format must be {' or '.join(LCA_FORMATS)}", "format")
    with _input_errors():
        (write_jsonld if fmt == "jsonld" else write_ecospold2)(imported.db, path)
    return path


def monte_carlo(
    wb: Workbench,
    product: str | None = None,
    config: str | None = None,
    *,
    iterations: int = 1000,
    seed: int = 0,
) -> MonteCarloResult:
    """Monte Carlo interval of a configuration's footprint [kg CO2e] over the database's
    exchange uncertainties (seeded; supplier and grid-factor lines as fixed values).

    Raises:
        ServiceError: invalid — no such product or configuration, or no grid factor.
    """
    with _input_errors():
        return wb.monte_carlo(product, config, iterations, seed)


def efficiency(wb: Workbench) -> list[EfficiencyRow]:
    """Energy efficiency [kWh/yr] per product line vs the previous generation and the base
    year, against the family's targets.

    Raises:
        ServiceError: invalid — the family's energy records cannot be used.
    """
    with _input_errors():
        return wb.efficiency()


# -- the demo --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductsDemo:
    """What the product demo computed and wrote: the workbench, the footprint, the claim and
    the files (label SVG and PNG, evidence JSON, PACT export)."""

    bench: Workbench
    footprint: Footprint
    claim: Any  # lingtan.modules.products.certification.ProductClaim
    svg: Path
    png: Path
    evidence: Path
    pact: Path


def run_products_demo(
    out_dir: Path,
    *,
    config_id: str | None = None,
    base_url: str,
    on: date,
    company_name: str,
    company_ids: Sequence[str],
) -> ProductsDemo:
    """The laptop demo (``lingtan products demo``, ``lingtan demo``): one configuration of the
    bundled notebook family (illustrative data; the second by default) with the supplier's PACT
    SSD footprint applied — footprint, carbon-neutral claim (:func:`demo_claim`), label,
    evidence document and PACT export written to ``out_dir``.

    Raises:
        ServiceError: invalid — the bundled data cannot be used.
    """
    from lingtan.adapters.demo.products import DEMO_PACT, demo_claim
    from lingtan.adapters.io.lca.labels import write_label

    pact = resources.files("lingtan").joinpath("data", "lca", DEMO_PACT)
    with resources.as_file(pact) as pact_path:
        wb = open_bench(on=on, pact_files=[pact_path])
    with _input_errors():
        product = wb.product()
        cid = config_id or product.configurations[1].config_id
        fp = wb.footprint(product.product_id, cid)
        claim = demo_claim(wb, fp, base_url=base_url)
        out_dir.mkdir(parents=True, exist_ok=True)
        svg, png = write_label(
            label_of(fp, claim.evidence_url, claim.valid),
            out_dir / f"label-{fp.product_id}-{fp.configuration_id}",
        )
    evidence = out_dir / f"evidence-{fp.product_id}-{fp.configuration_id}.json"
    evidence.write_text(
        json.dumps(claim.to_dict(), ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    pact_out = out_dir / f"pact-{fp.product_id}-{fp.configuration_id}.json"
    doc = pact_document(fp, company_name=company_name, company_ids=company_ids)
    pact_out.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return ProductsDemo(wb, fp, claim, svg, png, evidence, pact_out)


def write_demo_products(workspace: Path, *, units: int = 10_000) -> Path | None:
    """The demo's product data as the organisation's products folder
    (:func:`lingtan.adapters.demo.products.write_demo_product_files`: the ILLUSTRATIVE notebook
    family, its inventory, the supplier's PACT SSD footprint and one public carbon-neutral
    claim backed by fictional credits), its claim issued at once (its public page frozen,
    decision 0030). Kept when ``products/`` exists; returns the folder written, else None."""
    from lingtan.adapters.demo.products import DEMO_CONFIG, DEMO_PRODUCT, write_demo_product_files

    folder = write_demo_product_files(workspace, units=units)
    if folder is None:
        return None
    issue_record(
        folder,
        DEMO_PRODUCT,
        DEMO_CONFIG,
        organisation=_organisation_name(workspace),
        issued_by="lingtan demo",
        base_url="https://example.org/lingtan",
        slug=None,
    )  # issued when written: its public page shows these credits from now on
    return folder


def _organisation_name(workspace: Path) -> str:
    """The organisation named by a workspace's ``lingtan.yaml`` (the folder name without)."""
    from lingtan.adapters.store.config import read_config

    try:
        return str(read_config(workspace).organisation)
    except LingtanError:
        return workspace.name
