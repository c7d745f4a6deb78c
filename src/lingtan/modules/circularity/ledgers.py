"""The circularity ledgers (issue 19 item 5): their rows, the lists they take and the checks of
each row. Pure: no store, no I/O.

Five ledgers (``KINDS``):

- ``materials`` — :class:`MaterialInput`: recycled and bio-based material put into products in a
  year [kg]: the gross mass of the parts that contain it and the net mass of the recycled (or
  bio-based) material itself. The recycled content of a part is net / gross (ISO 14021:2016
  §7.8, recycled content as a mass percentage; the claim itself is the organisation's, lingtan
  only adds up its rows). Optional factors EF_virgin and EF_recycled [kg CO2e/kg] with their
  source give the emissions the recycled input AVOIDED (never deducted from an inventory, GHG
  Protocol Corporate Standard ch. 9);
- ``packaging`` — :class:`PackagingChange`: a packaging change of a product line in a year:
  mass per unit before and after [kg], units shipped; avoided = (before − after) × units;
- ``returnables`` — :class:`ReturnableAssetMovement`: returnable assets (pallets, totes) of a
  pool or programme over a period: issued, returned and lost counts;
- ``takeback`` — :class:`TakeBack`: devices taken back on a day (asset recovery, product
  take-back, trade-in, refurbishment): count, mass, route (reuse … dispose), the recycler that
  handled them, the data-sanitisation certificate (NIST SP 800-88 or the national secrecy
  bureau's destruction standard, by reference);
- ``recyclers`` — :class:`ApprovedRecycler`: the approved recyclers with their audits, the
  global approval, contract terms and the OECD export rule (no hazardous waste to non-OECD
  countries, Basel Convention / OECD Decision C(2001)107).

A row carries ``synthetic`` when its figures were made up to stand for a total the source gives
only as a total (the demo), so a page and an edition can say so. Each ``check_*`` raises
:class:`~.errors.CircularityError` with a ``circ.err.*`` message and the field concerned.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from lingtan.core.messages import msg
from lingtan.modules.circularity.errors import CircularityError

#: the ledgers, in the order they are shown
KINDS = ("materials", "packaging", "returnables", "takeback", "recyclers")

#: material → its group: recycled plastic (post-consumer content PCC, closed-loop PCC CL_PCC,
#: post-industrial PIC), ocean-bound plastic, recycled metals, bio-based materials
MATERIALS: dict[str, str] = {
    "pcc": "recycled_plastic",
    "cl_pcc": "recycled_plastic",
    "pic": "recycled_plastic",
    "obp": "ocean_bound_plastic",
    "recycled_al": "recycled_metal",
    "recycled_mg": "recycled_metal",
    "recycled_steel": "recycled_metal",
    "recycled_cu": "recycled_metal",
    "recycled_ree": "recycled_metal",
    "bio_based": "bio_based",
    "bamboo": "bio_based",
    "straw_fibre": "bio_based",
}
#: the material groups, in the order they are shown
GROUPS = ("recycled_plastic", "ocean_bound_plastic", "recycled_metal", "bio_based")
#: the groups whose gross mass counts as plastic (the recycled-content share of plastics)
PLASTIC_GROUPS = frozenset({"recycled_plastic", "ocean_bound_plastic"})

#: packaging materials; those of :data:`PLASTIC_PACKAGING` count as plastic
PACKAGING_MATERIALS = (
    "plastic", "foam", "obp_plastic", "paper", "moulded_pulp", "bamboo_fibre", "straw_fibre",
    "wood", "other",
)  # fmt: skip
PLASTIC_PACKAGING = frozenset({"plastic", "foam", "obp_plastic"})

#: returnable asset kinds
ASSET_KINDS = ("pallet", "tote", "container", "other")

#: take-back programmes: asset recovery service, product take-back, trade-in, refurbishment
PROGRAMMES = ("ars", "ptb", "trade_in", "refurbishment")
#: what became of the devices (waste hierarchy order)
ROUTES = ("reuse", "refurbish", "remanufacture", "recycle", "dispose")
#: routes that hand the devices to a recycler (approved-recycler coverage counts these)
RECYCLER_ROUTES = frozenset({"remanufacture", "recycle", "dispose"})
#: device categories
DEVICE_CATEGORIES = ("notebook", "desktop", "monitor", "server", "phone", "tablet", "storage",
                     "peripheral", "mixed", "other")  # fmt: skip

#: an approved recycler's status
RECYCLER_STATUSES = ("approved", "suspended", "withdrawn")
#: services an approved recycler may give
RECYCLER_SERVICES = ("asset_recovery", "take_back", "dismantling", "recycling", "refurbishment",
                     "disposal", "data_destruction")  # fmt: skip

_YEAR_RE = re.compile(r"^(?:FY(\d{4})/(\d{2})|(\d{4}))$")
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
#: largest mass of one row [kg] (10 Mt) and count (10⁹): beyond is a typing error
MAX_KG = 1e10
MAX_COUNT = 1_000_000_000


def _err(key: str, field: str, **params: str | int | float) -> CircularityError:
    return CircularityError(msg(key, field=field, **params), field)


def check_year(value: str, field: str = "year") -> str:
    """A ledger year: a calendar year (``2023``) or a fiscal-year label (``FY2023/24``, also
    written ``FY2023-24``), returned in the canonical form.

    Raises:
        CircularityError: ``circ.err.year``.
    """
    text = str(value).strip().replace("-", "/")
    m = _YEAR_RE.match(text)
    if m is None:
        raise _err("circ.err.year", field, value=str(value)[:40])
    if m.group(1) is not None:
        start, end = int(m.group(1)), int(m.group(2))
        if (start + 1) % 100 != end:
            raise _err("circ.err.year", field, value=str(value)[:40])
        year = start
    else:
        year = int(m.group(3))
    if not 1990 <= year <= 2100:
        raise _err("circ.err.year", field, value=str(value)[:40])
    return text


def check_mass(value: float | None, field: str, *, required: bool = True) -> float | None:
    """A mass [kg]: finite, ≥ 0, at most :data:`MAX_KG`.

    Raises:
        CircularityError: ``circ.err.required`` or ``circ.err.mass``.
    """
    if value is None:
        if required:
            raise _err("circ.err.required", field)
        return None
    if not isinstance(value, int | float) or not math.isfinite(value) or not 0 <= value <= MAX_KG:
        raise _err("circ.err.mass", field, value=str(value)[:40])
    return float(value)


def check_count(value: int | None, field: str, *, required: bool = True) -> int | None:
    """A count: an integer, 0 ≤ n ≤ :data:`MAX_COUNT`.

    Raises:
        CircularityError: ``circ.err.required`` or ``circ.err.count``.
    """
    if value is None:
        if required:
            raise _err("circ.err.required", field)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise _err("circ.err.count", field, value=str(value)[:40])
    return value


def check_factor(value: float | None, field: str) -> float | None:
    """An emission factor [kg CO2e/kg]: finite, 0 ≤ f ≤ 1000 (None: not given).

    Raises:
        CircularityError: ``circ.err.factor``.
    """
    if value is None:
        return None
    if not isinstance(value, int | float) or not math.isfinite(value) or not 0 <= value <= 1000:
        raise _err("circ.err.factor", field, value=str(value)[:40])
    return float(value)


def check_choice(value: str, choices: tuple[str, ...] | frozenset[str], field: str) -> str:
    """``value`` (lower case) when it is one of ``choices``.

    Raises:
        CircularityError: ``circ.err.choice`` naming the choices.
    """
    v = str(value).strip().lower()
    if v not in choices:
        raise _err("circ.err.choice", field, value=str(value)[:40],
                   choices=", ".join(sorted(choices)))  # fmt: skip
    return v


def check_code(value: str, field: str = "code") -> str:
    """A recycler code: letters, digits, ``_.-``, 1–40 characters, a letter or digit first.

    Raises:
        CircularityError: ``circ.err.code``.
    """
    v = str(value).strip()
    if not _CODE_RE.match(v):
        raise _err("circ.err.code", field, value=v[:40])
    return v


@dataclass(frozen=True)
class MaterialInput:
    """Recycled or bio-based material put into products in ``year`` (module docstring) [kg]."""

    year: str
    material: str
    net_kg: float
    gross_kg: float | None = None
    product_line: str | None = None
    certificate: str | None = None
    supplier: str | None = None
    ef_virgin: float | None = None
    ef_recycled: float | None = None
    ef_source: str | None = None
    synthetic: bool = False

    @property
    def group(self) -> str:
        """The material's group (:data:`MATERIALS`)."""
        return MATERIALS[self.material]

    @property
    def avoided_kg_co2e(self) -> float | None:
        """Emissions AVOIDED by the recycled input [kg CO2e] = net kg × (EF_virgin − EF_recycled)
        (GHG Protocol Corporate Standard ch. 9: reported apart, never deducted from the
        inventory); None when a factor is missing."""
        if self.ef_virgin is None or self.ef_recycled is None:
            return None
        return self.net_kg * (self.ef_virgin - self.ef_recycled)


def check_material(m: MaterialInput) -> MaterialInput:
    """A material row checked: a known year and material, masses ≥ 0 with net ≤ gross when the
    gross is given, both factors or none, a source with the factors, EF_recycled ≤ EF_virgin.

    Raises:
        CircularityError: the first wrong field.
    """
    year = check_year(m.year)
    material = check_choice(m.material, tuple(MATERIALS), "material")
    net = check_mass(m.net_kg, "net_kg")
    gross = check_mass(m.gross_kg, "gross_kg", required=False)
    assert net is not None
    if gross is not None and net > gross * (1 + 1e-9):
        raise _err("circ.err.net_above_gross", "net_kg", net=net, gross=gross)
    ev = check_factor(m.ef_virgin, "ef_virgin")
    er = check_factor(m.ef_recycled, "ef_recycled")
    if (ev is None) != (er is None):
        raise _err("circ.err.factor_pair", "ef_recycled" if er is None else "ef_virgin")
    if ev is not None and er is not None:
        if er > ev:
            raise _err("circ.err.factor_order", "ef_recycled", virgin=ev, recycled=er)
        if not (m.ef_source or "").strip():
            raise _err("circ.err.factor_source", "ef_source")
    return MaterialInput(year, material, net, gross, m.product_line, m.certificate, m.supplier,
                         ev, er, m.ef_source, m.synthetic)  # fmt: skip


@dataclass(frozen=True)
class PackagingChange:
    """A packaging change of a product line in ``year``: mass per unit before and after [kg],
    ``units`` shipped with the new packaging."""

    year: str
    line: str
    material: str
    kg_per_unit_before: float
    kg_per_unit_after: float
    units: int
    synthetic: bool = False

    @property
    def avoided_kg(self) -> float:
        """Packaging mass avoided [kg] = (before − after) × units (negative: more material)."""
        return (self.kg_per_unit_before - self.kg_per_unit_after) * self.units

    @property
    def plastic(self) -> bool:
        """Whether the material counts as plastic (:data:`PLASTIC_PACKAGING`)."""
        return self.material in PLASTIC_PACKAGING


def check_packaging(p: PackagingChange) -> PackagingChange:
    """A packaging row checked: year, a line named, a known material, masses ≥ 0, units ≥ 0.

    Raises:
        CircularityError: the first wrong field.
    """
    year = check_year(p.year)
    if not (p.line or "").strip():
        raise _err("circ.err.required", "line")
    material = check_choice(p.material, PACKAGING_MATERIALS, "material")
    before = check_mass(p.kg_per_unit_before, "kg_per_unit_before")
    after = check_mass(p.kg_per_unit_after, "kg_per_unit_after")
    units = check_count(p.units, "units")
    assert before is not None
    assert after is not None
    assert units is not None
    return PackagingChange(year, p.line.strip(), material, before, after, units, p.synthetic)


@dataclass(frozen=True)
class ReturnableAssetMovement:
    """Returnable assets of a pool or programme over ``period_start`` … ``period_end``: issued
    (put into use or the pool's size for the period), returned and lost (None: not counted)."""

    asset_kind: str
    programme: str
    period_start: date
    period_end: date
    issued: int
    returned: int
    lost: int | None = None
    site: str | None = None
    synthetic: bool = False


def check_returnable(r: ReturnableAssetMovement) -> ReturnableAssetMovement:
    """A returnable-asset row checked: a known kind, a programme named, the period in order,
    counts ≥ 0 with returned + lost ≤ issued.

    Raises:
        CircularityError: the first wrong field.
    """
    kind = check_choice(r.asset_kind, ASSET_KINDS, "asset_kind")
    if not (r.programme or "").strip():
        raise _err("circ.err.required", "programme")
    if r.period_end < r.period_start:
        raise _err("circ.err.period", "period_end", start=r.period_start.isoformat(),
                   end=r.period_end.isoformat())  # fmt: skip
    issued = check_count(r.issued, "issued")
    returned = check_count(r.returned, "returned")
    lost = check_count(r.lost, "lost", required=False)
    assert issued is not None
    assert returned is not None
    if returned + (lost or 0) > issued:
        raise _err("circ.err.returned_above_issued", "returned", issued=issued,
                   returned=returned, lost=lost or 0)  # fmt: skip
    return ReturnableAssetMovement(kind, r.programme.strip(), r.period_start, r.period_end,
                                   issued, returned, lost, r.site, r.synthetic)  # fmt: skip


@dataclass(frozen=True)
class TakeBack:
    """Devices taken back on ``day``: ``count`` devices of ``device_category`` (``kg`` their
    mass, None: not weighed), the ``route`` they took, the ``recycler`` (an approved recycler's
    code) that handled them, the data-sanitisation certificate and the recycling certificate."""

    day: date
    programme: str
    device_category: str
    count: int
    route: str
    kg: float | None = None
    customer: str | None = None
    recycler: str | None = None
    sanitisation_cert: str | None = None
    recycling_cert: str | None = None
    residual_value: float | None = None
    synthetic: bool = False


def check_takeback(t: TakeBack) -> TakeBack:
    """A take-back row checked: known programme, category and route, count ≥ 1, mass ≥ 0,
    residual value ≥ 0; a route to a recycler names one.

    Raises:
        CircularityError: the first wrong field.
    """
    programme = check_choice(t.programme, PROGRAMMES, "programme")
    category = check_choice(t.device_category, DEVICE_CATEGORIES, "device_category")
    count = check_count(t.count, "count")
    assert count is not None
    if count < 1:
        raise _err("circ.err.count", "count", value=count)
    route = check_choice(t.route, ROUTES, "route")
    kg = check_mass(t.kg, "kg", required=False)
    value = check_mass(t.residual_value, "residual_value", required=False)
    recycler = check_code(t.recycler or "", "recycler") if (t.recycler or "").strip() else None
    return TakeBack(t.day, programme, category, count, route, kg, t.customer, recycler,
                    t.sanitisation_cert, t.recycling_cert, value, t.synthetic)  # fmt: skip


@dataclass(frozen=True)
class ApprovedRecycler:
    """A recycler of the approved list: its facility (``name``) and region, the services it is
    approved for, the dates of the supplier audit, the environmental audit and the global ESG
    team's approval of the documents, whether the contract carries the environmental terms,
    whether it keeps the OECD export rule, its status and the end of the approval."""

    code: str
    name: str
    region: str
    services: tuple[str, ...] = ()
    supplier_audit: date | None = None
    environmental_audit: date | None = None
    document_approval: date | None = None
    contract_terms: bool = False
    oecd_export_ok: bool = False
    status: str = "approved"
    expires: date | None = None

    def approved_on(self, day: date) -> bool:
        """Whether the recycler counts as approved on ``day``: status approved, the three
        approvals recorded on or before ``day``, the contract terms and the OECD export rule
        kept, and the approval not expired."""
        steps = (self.supplier_audit, self.environmental_audit, self.document_approval)
        return (
            self.status == "approved"
            and all(s is not None and s <= day for s in steps)
            and self.contract_terms
            and self.oecd_export_ok
            and (self.expires is None or day <= self.expires)
        )


def check_recycler(r: ApprovedRecycler) -> ApprovedRecycler:
    """A recycler checked: code, a name and region, known services and status; an approved
    recycler has its three approvals and keeps the OECD export rule.

    Raises:
        CircularityError: the first wrong field.
    """
    code = check_code(r.code)
    for field, value in (("name", r.name), ("region", r.region)):
        if not (value or "").strip():
            raise _err("circ.err.required", field)
    services = tuple(check_choice(s, RECYCLER_SERVICES, "services") for s in r.services)
    status = check_choice(r.status, RECYCLER_STATUSES, "status")
    if status == "approved":
        for field in ("supplier_audit", "environmental_audit", "document_approval"):
            if getattr(r, field) is None:
                raise _err("circ.err.approval_missing", field)
        if not r.oecd_export_ok:
            raise _err("circ.err.oecd", "oecd_export_ok")
    return ApprovedRecycler(code, r.name.strip(), r.region.strip(), services, r.supplier_audit,
                            r.environmental_audit, r.document_approval, r.contract_terms,
                            r.oecd_export_ok, status, r.expires)  # fmt: skip
