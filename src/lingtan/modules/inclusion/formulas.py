"""The formulas of carbon-inclusion methodology packs (issue 18, spec "Methodologies and
formulas"; decision 0087). Pure functions: each takes the pack's parameters already resolved for
a region (:class:`Param`, values in the formula's base unit) and one :class:`ActionInput`, and
returns the reduction [kg CO2e] with every step of its arithmetic (:class:`TraceStep`, like
``lingtan explain``).

=================================  ============================================================
formula id                         equation (source of its structure)
=================================  ============================================================
``travel.baseline_minus_project``  ER = BE − PE = d·EF_baseline − d·EF_mode (DB11/T 3043—2024
                                   eq. (1)–(2); walking and cycling EF 0; a mode given by
                                   ``kwh.<mode>`` [kWh/pkm] has EF = kWh/pkm × EF_grid; a
                                   car-pool has EF = EF_baseline / occupancy, T/CCAA 38—2021)
``travel.net_factor``              ER = r_mode × d (深圳市低碳公共出行碳普惠方法学（试行）, r is
                                   already baseline minus project)
``secondhand.substitution``        ER = E_new × r (CCEA 2023 互联网平台闲置物品交易 structure;
                                   E_new = mass × EF_material, or the organisation's own product
                                   footprint: materials + manufacturing)
``recycling.avoided``              ER = Σ_m mass_m·recovery_m·(EF_primary,m − EF_secondary,m) −
                                   transport (CCEA 2023 互联网平台废弃产品回收 structure;
                                   avoided emissions)
``household.electricity``          ER = (B − E_day)·EF_grid if E_day < B, else (E_7d − E_day)·
                                   EF_grid if positive (深圳市居民低碳用电碳普惠方法学（试行）)
``meeting.online``                 ER = n·(d·EF_baseline − kWh·EF_grid) (lingtan's own)
``esign.paper``                    ER = pages·m_page·EF_paper (lingtan's own)
``product.comparative``            ER = n·max(0, E_reference − E_product) (avoided emissions)
=================================  ============================================================

Units: distances [km = pkm for one person], energy [kWh], masses [kg], factors [kg CO2e per
unit]; a pack's parameter may be given in another unit of the same dimension (``gCO2/pkm``,
``kgCO2e/t`` …): :data:`UNITS` converts it at load time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from lingtan.core.messages import msg
from lingtan.modules.inclusion.errors import MethodologyError

#: a pack parameter's unit → (its dimension, the factor to the dimension's base unit)
UNITS: dict[str, tuple[str, float]] = {
    "kgCO2e/pkm": ("kg/pkm", 1.0),
    "kgCO2/pkm": ("kg/pkm", 1.0),
    "gCO2e/pkm": ("kg/pkm", 0.001),
    "gCO2/pkm": ("kg/pkm", 0.001),
    "kgCO2e/vkm": ("kg/pkm", 1.0),
    "kWh/pkm": ("kWh/pkm", 1.0),
    "kgCO2e/kWh": ("kg/kWh", 1.0),
    "kgCO2/kWh": ("kg/kWh", 1.0),
    "kWh/household/day": ("kWh", 1.0),
    "kWh/day": ("kWh", 1.0),
    "kWh/participant": ("kWh", 1.0),
    "km/participant": ("km", 1.0),
    "km": ("km", 1.0),
    "kg": ("kg", 1.0),
    "kg/item": ("kg", 1.0),
    "kg/page": ("kg", 1.0),
    "g/page": ("kg", 0.001),
    "kgCO2e": ("kgCO2e", 1.0),
    "kgCO2e/item": ("kgCO2e", 1.0),
    "kgCO2e/kg": ("kgCO2e/kg", 1.0),
    "kgCO2e/t": ("kgCO2e/kg", 0.001),
    "ratio": ("1", 1.0),
    "persons": ("1", 1.0),
}
#: the base unit shown in a trace for each dimension
BASE_UNIT = {"kg/pkm": "kg CO2e/pkm", "kWh/pkm": "kWh/pkm", "kg/kWh": "kg CO2e/kWh",
             "kWh": "kWh", "km": "km", "kg": "kg", "kgCO2e": "kg CO2e",
             "kgCO2e/kg": "kg CO2e/kg", "1": ""}  # fmt: skip
KG = "kg CO2e"


@dataclass(frozen=True)
class Param:
    """A parameter resolved for a region: ``value`` in its dimension's base unit, ``source`` (a
    short citation shown in traces)."""

    name: str
    value: float
    dimension: str
    source: str | None


@dataclass(frozen=True)
class TraceStep:
    """One step of a quantification: ``key`` (catalogue key of its label, ``incl_meth.step.*``),
    ``formula`` (the arithmetic with its numbers), ``value`` (the step's result) in ``unit`` and
    the ``source`` of the parameter it used (None: arithmetic only)."""

    key: str
    formula: str
    value: float
    unit: str
    source: str | None = None

    def to_json(self) -> dict[str, object]:
        """The step as plain data (stored with an event)."""
        return {"key": self.key, "formula": self.formula, "value": self.value,
                "unit": self.unit, "source": self.source}  # fmt: skip


@dataclass(frozen=True)
class ActionInput:
    """One action to quantify: ``action`` (a code of :data:`~.actions.ACTIONS`), ``quantity``
    in ``unit``, when it ``occurred_at``, the trip's ``distance_km`` [km] and ``duration_min``
    [min] and ``mode`` (travel), an own ``product`` code (``PRODUCT`` or ``PRODUCT/CONFIG``;
    second-hand and purchase actions) and ``context`` numbers (e.g. ``mean_7d_kwh`` [kWh], the
    household's own mean of the seven days before; ``reference_kg`` [kg CO2e])."""

    action: str
    quantity: float
    unit: str
    occurred_at: datetime
    distance_km: float | None = None
    duration_min: float | None = None
    mode: str | None = None
    product: str | None = None
    context: Mapping[str, float] = field(default_factory=dict)

    @property
    def suffix(self) -> str:
        """The last part of the action code (``metro`` of ``travel.metro``)."""
        return self.action.rsplit(".", 1)[-1]

    @property
    def travel_mode(self) -> str:
        """The mode of a trip: ``mode`` when given, else the action code's last part."""
        return self.mode or self.suffix

    @property
    def distance(self) -> float:
        """The trip's distance [km]: ``distance_km`` when given, else the quantity."""
        return self.distance_km if self.distance_km is not None else self.quantity


@dataclass(frozen=True)
class Extras:
    """What the caller adds to a pack's parameters: ``own_new_kg`` [kg CO2e per item], the
    materials + manufacturing footprint of the organisation's own product (None: none)."""

    own_new_kg: float | None = None
    own_source: str | None = None


Params = Mapping[str, Param]
Result = tuple[float, list[TraceStep]]
Formula = Callable[[Params, ActionInput, Extras], Result]


def _n(x: float) -> str:
    """A number as a trace shows it (up to 6 significant digits)."""
    return f"{x:.6g}"


def _get(params: Params, name: str) -> Param:
    p = params.get(name)
    if p is None:
        raise MethodologyError(msg("incl_meth.err.param_missing", name=name), name)
    return p


def _step(key: str, formula: str, value: float, unit: str, p: Param | None = None) -> TraceStep:
    return TraceStep(f"incl_meth.step.{key}", formula, value, unit, p.source if p else None)


def _mode_factor(params: Params, mode: str) -> tuple[float, list[TraceStep]]:
    """EF of ``mode`` [kg CO2e/pkm]: ``ef.<mode>``, or ``kwh.<mode>`` × ``ef_grid``, or
    ``ef_baseline`` / ``occupancy.<mode>`` (car-pool)."""
    if f"ef.{mode}" in params:
        p = params[f"ef.{mode}"]
        return p.value, [_step("ef_mode", f"EF_{mode} = {_n(p.value)}", p.value,
                               BASE_UNIT["kg/pkm"], p)]  # fmt: skip
    if f"kwh.{mode}" in params:
        kwh, grid = params[f"kwh.{mode}"], _get(params, "ef_grid")
        ef = kwh.value * grid.value
        return ef, [
            _step("grid", f"EF_grid = {_n(grid.value)}", grid.value, BASE_UNIT["kg/kWh"], grid),
            _step(
                "ef_mode",
                f"EF_{mode} = {_n(kwh.value)} kWh/pkm × {_n(grid.value)} = {_n(ef)}",
                ef,
                BASE_UNIT["kg/pkm"],
                kwh,
            ),
        ]
    if f"occupancy.{mode}" in params:
        occ, base = params[f"occupancy.{mode}"], _get(params, "ef_baseline")
        ef = base.value / occ.value
        return ef, [_step("ef_mode", f"EF_{mode} = {_n(base.value)} / {_n(occ.value)} = "
                          f"{_n(ef)}", ef, BASE_UNIT["kg/pkm"], occ)]  # fmt: skip
    raise MethodologyError(msg("incl_meth.err.mode", mode=mode), "mode")


def travel_baseline_minus_project(params: Params, inp: ActionInput, extras: Extras) -> Result:
    """ER = BE − PE [kg CO2e] with BE = d × EF_baseline and PE = d × EF_mode (DB11/T 3043—2024
    eq. (1)–(2), one trip, one person: pkm = km)."""
    del extras
    d = inp.distance
    base = _get(params, "ef_baseline")
    ef, steps = _mode_factor(params, inp.travel_mode)
    be, pe = d * base.value, d * ef
    er = be - pe
    return er, [
        _step("distance", f"d = {_n(d)} km", d, "pkm"),
        _step("baseline", f"BE = {_n(d)} × {_n(base.value)} = {_n(be)}", be, KG, base),
        *steps,
        _step("project", f"PE = {_n(d)} × {_n(ef)} = {_n(pe)}", pe, KG),
        _step("reduction", f"ER = BE − PE = {_n(be)} − {_n(pe)} = {_n(er)}", er, KG),
    ]


def travel_net_factor(params: Params, inp: ActionInput, extras: Extras) -> Result:
    """ER = r_mode × d [kg CO2e], r_mode the net reduction per pkm (深圳市低碳公共出行碳普惠
    方法学（试行）: 26.9 g/pkm battery-electric bus, 46.7 g/pkm metro; never subtracted from a
    baseline again)."""
    del extras
    d = inp.distance
    r = _get(params, f"r.{inp.travel_mode}")
    er = r.value * d
    return er, [
        _step("distance", f"d = {_n(d)} km", d, "pkm"),
        _step(
            "net_factor", f"r_{inp.travel_mode} = {_n(r.value)}", r.value, BASE_UNIT["kg/pkm"], r
        ),
        _step("reduction", f"ER = {_n(r.value)} × {_n(d)} = {_n(er)}", er, KG),
    ]


def secondhand_substitution(params: Params, inp: ActionInput, extras: Extras) -> Result:
    """ER = n × E_new × r [kg CO2e]: E_new the production footprint of a new item (the
    organisation's own product footprint — materials + manufacturing — when given, else
    ``mass.<kind>`` × ``ef_material.<kind>``), r the new-product substitution rate
    ``substitution.<kind>`` or ``substitution`` (CCEA 2023 structure)."""
    kind, n = inp.suffix, inp.quantity
    steps: list[TraceStep] = []
    if extras.own_new_kg is not None:
        e_new = extras.own_new_kg
        steps.append(TraceStep("incl_meth.step.own_product", f"E_new = {_n(e_new)}", e_new, KG,
                               extras.own_source))  # fmt: skip
    else:
        mass, ef = _get(params, f"mass.{kind}"), _get(params, f"ef_material.{kind}")
        e_new = mass.value * ef.value
        steps.append(_step("new_production", f"E_new = {_n(mass.value)} kg × {_n(ef.value)} = "
                           f"{_n(e_new)}", e_new, KG, ef))  # fmt: skip
    r = params.get(f"substitution.{kind}") or _get(params, "substitution")
    er = n * e_new * r.value
    steps += [
        _step("substitution", f"r = {_n(r.value)}", r.value, "", r),
        _step("reduction", f"ER = {_n(n)} × {_n(e_new)} × {_n(r.value)} = {_n(er)}", er, KG),
    ]
    return er, steps


def recycling_avoided(params: Params, inp: ActionInput, extras: Extras) -> Result:
    """ER = n × (Σ_m mass_m·recovery_m·(EF_primary,m − EF_secondary,m) − transport) [kg CO2e],
    over the materials ``m`` of ``mass.<kind>.<m>`` (CCEA 2023 recycling structure; avoided
    emissions, never deducted from an inventory)."""
    del extras
    kind, n = inp.suffix, inp.quantity
    prefix = f"mass.{kind}."
    materials = sorted(k[len(prefix) :] for k in params if k.startswith(prefix))
    if not materials:
        raise MethodologyError(msg("incl_meth.err.param_missing", name=f"{prefix}*"), "action")
    steps: list[TraceStep] = []
    total = 0.0
    for m in materials:
        mass, rec = params[prefix + m], _get(params, f"recovery.{m}")
        prim, sec = _get(params, f"ef_primary.{m}"), _get(params, f"ef_secondary.{m}")
        v = mass.value * rec.value * (prim.value - sec.value)
        total += v
        steps.append(
            _step(
                "material",
                f"{m}: {_n(mass.value)} × {_n(rec.value)} × "
                f"({_n(prim.value)} − {_n(sec.value)}) = {_n(v)}",
                v,
                KG,
                prim,
            )
        )
    transport = _get(params, "transport")
    per_item = total - transport.value
    er = n * per_item
    steps += [
        _step("transport", f"T = {_n(transport.value)}", transport.value, KG, transport),
        _step(
            "reduction", f"ER = {_n(n)} × ({_n(total)} − {_n(transport.value)}) = {_n(er)}", er, KG
        ),
    ]
    return er, steps


def household_electricity(params: Params, inp: ActionInput, extras: Extras) -> Result:
    """One household-day [kWh]: ER = (B − E_day) × EF_grid when E_day is below the baseline B,
    else (E_7d − E_day) × EF_grid when positive (E_7d: the household's own mean of the seven days
    before, ``context["mean_7d_kwh"]``), else 0 (深圳市居民低碳用电碳普惠方法学（试行）)."""
    del extras
    e_day = inp.quantity
    base, grid = _get(params, "baseline_kwh"), _get(params, "ef_grid")
    steps = [
        _step("day_kwh", f"E_day = {_n(e_day)}", e_day, "kWh"),
        _step("grid", f"EF_grid = {_n(grid.value)}", grid.value, BASE_UNIT["kg/kWh"], grid),
    ]
    if e_day < base.value:
        saved = base.value - e_day
        steps.append(_step("saved_baseline", f"B − E_day = {_n(base.value)} − {_n(e_day)} = "
                           f"{_n(saved)}", saved, "kWh", base))  # fmt: skip
    else:
        mean = inp.context.get("mean_7d_kwh")
        saved = max(0.0, mean - e_day) if mean is not None else 0.0
        formula = (f"max(0, E_7d − E_day) = max(0, {_n(mean)} − {_n(e_day)}) = {_n(saved)}"
                   if mean is not None else "E_day ≥ B, no E_7d = 0")  # fmt: skip
        steps.append(_step("saved_own_mean", formula, saved, "kWh", base))
    er = saved * grid.value
    steps.append(_step("reduction", f"ER = {_n(saved)} × {_n(grid.value)} = {_n(er)}", er, KG))
    return er, steps


def meeting_online(params: Params, inp: ActionInput, extras: Extras) -> Result:
    """ER = n × (d × EF_baseline − kWh × EF_grid) [kg CO2e] for ``n`` remote participants, each
    avoiding a trip of ``avoided_km`` and using ``device_kwh`` (lingtan's own pack)."""
    del extras
    n = inp.quantity
    d, base = _get(params, "avoided_km"), _get(params, "ef_baseline")
    kwh, grid = _get(params, "device_kwh"), _get(params, "ef_grid")
    avoided, used = d.value * base.value, kwh.value * grid.value
    er = n * (avoided - used)
    return er, [
        _step("baseline", f"{_n(d.value)} km × {_n(base.value)} = {_n(avoided)}", avoided, KG, d),
        _step("project", f"{_n(kwh.value)} kWh × {_n(grid.value)} = {_n(used)}", used, KG, kwh),
        _step("reduction", f"ER = {_n(n)} × ({_n(avoided)} − {_n(used)}) = {_n(er)}", er, KG),
    ]


def esign_paper(params: Params, inp: ActionInput, extras: Extras) -> Result:
    """ER = pages × m_page × EF_paper [kg CO2e] (lingtan's own pack; avoided courier trips are
    not credited — conservative)."""
    del extras
    pages = inp.quantity
    m, ef = _get(params, "paper_per_page"), _get(params, "ef_paper")
    er = pages * m.value * ef.value
    return er, [
        _step(
            "paper",
            f"m = {_n(pages)} × {_n(m.value)} kg = {_n(pages * m.value)}",
            pages * m.value,
            "kg",
            m,
        ),
        _step("reduction", f"ER = {_n(pages * m.value)} × {_n(ef.value)} = {_n(er)}", er, KG, ef),
    ]


def product_comparative(params: Params, inp: ActionInput, extras: Extras) -> Result:
    """ER = n × max(0, E_reference − E_product) [kg CO2e]: a low-carbon product's comparative
    footprint, avoided emissions (GHG Protocol Scope 3 Standard §9.5: reported apart, never a
    reduction). E_product: the organisation's own product footprint or
    ``context["product_kg"]``; E_reference: ``context["reference_kg"]`` or the pack's
    ``reference_kg``."""
    del params
    n = inp.quantity
    e_prod = extras.own_new_kg if extras.own_new_kg is not None else inp.context.get("product_kg")
    if e_prod is None:
        raise MethodologyError(msg("incl_meth.err.product_needed"), "product")
    e_ref = inp.context.get("reference_kg")
    if e_ref is None:
        raise MethodologyError(msg("incl_meth.err.context_needed", name="reference_kg"),
                               "context")  # fmt: skip
    diff = max(0.0, e_ref - e_prod)
    er = n * diff
    return er, [
        TraceStep(
            "incl_meth.step.own_product", f"E_product = {_n(e_prod)}", e_prod, KG, extras.own_source
        ),
        _step("reference", f"E_reference = {_n(e_ref)}", e_ref, KG),
        _step("reduction", f"ER = {_n(n)} × max(0, {_n(e_ref)} − {_n(e_prod)}) = {_n(er)}", er, KG),
    ]


#: formula id → (function, parameter names or prefixes (ending in ".") → dimension)
FORMULAS: dict[str, tuple[Formula, dict[str, str]]] = {
    "travel.baseline_minus_project": (travel_baseline_minus_project, {
        "ef_baseline": "kg/pkm", "ef.": "kg/pkm", "kwh.": "kWh/pkm", "ef_grid": "kg/kWh",
        "occupancy.": "1"}),
    "travel.net_factor": (travel_net_factor, {"r.": "kg/pkm"}),
    "secondhand.substitution": (secondhand_substitution, {
        "mass.": "kg", "ef_material.": "kgCO2e/kg", "substitution": "1", "substitution.": "1"}),
    "recycling.avoided": (recycling_avoided, {
        "mass.": "kg", "recovery.": "1", "ef_primary.": "kgCO2e/kg",
        "ef_secondary.": "kgCO2e/kg", "transport": "kgCO2e"}),
    "household.electricity": (household_electricity, {"baseline_kwh": "kWh",
                                                      "ef_grid": "kg/kWh"}),
    "meeting.online": (meeting_online, {"avoided_km": "km", "ef_baseline": "kg/pkm",
                                        "device_kwh": "kWh", "ef_grid": "kg/kWh"}),
    "esign.paper": (esign_paper, {"paper_per_page": "kg", "ef_paper": "kgCO2e/kg"}),
    "product.comparative": (product_comparative, {}),
}  # fmt: skip
#: formulas that use the organisation's own product footprint when the action names a product
USES_OWN_PRODUCT = frozenset({"secondhand.substitution", "product.comparative"})


def dimension_of(formula: str, name: str) -> str | None:
    """The dimension a parameter ``name`` must have in ``formula`` (None: not a parameter of
    it)."""
    spec = FORMULAS[formula][1]
    if name in spec:
        return spec[name]
    for key, dim in spec.items():
        if key.endswith(".") and name.startswith(key) and len(name) > len(key):
            return dim
    return None


def run(formula: str, params: Params, inp: ActionInput, extras: Extras) -> Result:
    """The reduction of ``inp`` by ``formula`` [kg CO2e] with its trace; a result that is not a
    finite number is refused.

    Raises:
        MethodologyError: unknown formula, a parameter missing, or no finite result.
    """
    entry = FORMULAS.get(formula)
    if entry is None:
        raise MethodologyError(msg("incl_meth.err.formula", value=formula), "formula")
    kg, steps = entry[0](params, inp, extras)
    if not math.isfinite(kg):
        raise MethodologyError(msg("incl_meth.err.not_finite"), "quantity")
    return kg, steps
