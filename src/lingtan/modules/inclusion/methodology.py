"""Carbon-inclusion methodology packs (issue 18 item 2; spec "Methodology"; decision 0087): a pack
is like a factor set — dated, versioned, every parameter with its value, unit, source, citation,
confidence and licence — and :func:`quantify` turns one action into a :class:`Reduction` with the
full arithmetic (``trace``), by the pack's formula (:mod:`.formulas`) and its eligibility rules
(:mod:`.plausibility`).

A pack's ``label`` says what it is:

- ``official``: the formula and every factor are those of a published methodology (e.g. 深圳市
  低碳公共出行碳普惠方法学（试行）, its net factors quoted by 深圳商报 2022-09-23 — single-source);
- ``lingtan-conservative``: no official value was available; lingtan's own conservative
  parameters, each with its derivation (e.g. a metro factor from the MEE grid factor);
- ``illustrative``: numbers for a demonstration, not for crediting.

Parameters may differ by region (``regions``: the programme's region selects the most specific
match, ``CN-GD/Shenzhen`` → ``CN-GD`` → the pack's value). Pure: no store, no file.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from lingtan.core.messages import msg
from lingtan.modules.inclusion.actions import ACTIONS, ActionType, CountsAs
from lingtan.modules.inclusion.errors import MethodologyError
from lingtan.modules.inclusion.formulas import (
    BASE_UNIT,
    FORMULAS,
    KG,
    UNITS,
    USES_OWN_PRODUCT,
    ActionInput,
    Extras,
    Param,
    TraceStep,
    dimension_of,
    run,
)
from lingtan.modules.inclusion.plausibility import Eligibility, check, parse_eligibility

__all__ = [
    "CONFIDENCES",
    "LABELS",
    "ActionInput",
    "MethodologyError",
    "Pack",
    "Parameter",
    "Reduction",
    "TraceStep",
    "engagement",
    "parse_pack",
    "quantify",
    "region_matches",
    "resolve",
]

Label = Literal["official", "lingtan-conservative", "illustrative"]
LABELS: tuple[Label, ...] = ("official", "lingtan-conservative", "illustrative")
#: how well a value is known (SOURCE.md: ``confirmed`` = 2+ independent pages)
CONFIDENCES = ("confirmed", "single-source", "derived", "assumption")
_PACK_FIELDS = ("id", "title", "publisher", "region", "version", "valid_from", "valid_to",
                "formula", "label", "actions", "parameters", "eligibility", "double_counting",
                "citation", "licence", "notes")  # fmt: skip
_PARAM_FIELDS = ("value", "unit", "source", "citation", "confidence", "licence", "derivation",
                 "regions")  # fmt: skip


@dataclass(frozen=True)
class Parameter:
    """A pack parameter: ``value`` in ``unit`` (:data:`~.formulas.UNITS`), its ``source`` (short
    name shown in traces), full ``citation``, ``confidence`` (:data:`CONFIDENCES`), ``licence``,
    the ``derivation`` of a value lingtan computed, and regional values ``regions`` ((region,
    value, citation), …)."""

    name: str
    value: float
    unit: str
    source: str
    citation: str
    confidence: str
    licence: str
    derivation: str | None = None
    regions: tuple[tuple[str, float, str], ...] = ()

    def value_for(self, region: str | None) -> tuple[float, str]:
        """The value [unit] for ``region`` (the most specific regional match) and its source."""
        best: tuple[int, float, str] | None = None
        for reg, value, cite in self.regions:
            if region_matches(reg, region) and (best is None or len(reg) > best[0]):
                best = (len(reg), value, cite or self.source)
        return (best[1], best[2]) if best else (self.value, self.source)


@dataclass(frozen=True)
class Pack:
    """A methodology pack (module docstring). ``digest``: sha256 of its canonical content."""

    id: str
    title: str
    publisher: str
    region: str
    version: str
    valid_from: date
    valid_to: date | None
    formula: str
    label: Label
    actions: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    eligibility: Eligibility
    double_counting: str
    citation: str
    licence: str
    notes: str = ""
    digest: str = ""

    def parameter(self, name: str) -> Parameter | None:
        """The parameter ``name`` (None: the pack has none)."""
        return next((p for p in self.parameters if p.name == name), None)

    def valid_on(self, day: date) -> bool:
        """True when ``day`` is within ``valid_from`` … ``valid_to``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Reduction:
    """What an action is worth: ``kg_co2e`` (≥ 0; 0 for engagement), what it ``counts_as``, the
    pack (``pack_id``, ``pack_version``; None for engagement), ``params_hash`` (sha256 of the
    parameters used) and the arithmetic ``trace``."""

    kg_co2e: float
    counts_as: CountsAs
    pack_id: str | None
    pack_version: str | None
    params_hash: str
    trace: tuple[TraceStep, ...]

    def to_json(self) -> list[dict[str, object]]:
        """The trace as plain data (stored with the event)."""
        return [s.to_json() for s in self.trace]


def region_matches(pack_region: str, region: str | None) -> bool:
    """True when ``pack_region`` covers ``region``: equal, or a prefix at a ``-``/``/`` boundary
    (``CN`` covers ``CN-GD`` and ``CN-GD/Shenzhen``; ``CN-GD`` covers ``CN-GD/Shenzhen``)."""
    if region is None:
        return pack_region == "CN" or pack_region == ""
    if region == pack_region or not pack_region:
        return True
    return region.startswith(pack_region) and region[len(pack_region)] in "-/"


# ---- parsing ------------------------------------------------------------------------------


def _err(key: str, field_: str, **params: Any) -> MethodologyError:
    return MethodologyError(msg(f"incl_meth.err.{key}", field=field_, **params), field_)


def _text(doc: Mapping[str, Any], name: str, where: str, *, required: bool = True,
          limit: int = 2000) -> str:  # fmt: skip
    value = doc.get(name)
    text = "" if value is None else " ".join(str(value).split())
    if not text and required:
        raise _err("required", f"{where}{name}")
    if len(text) > limit:
        raise _err("too_long", f"{where}{name}", limit=limit)
    return text


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or value is None:
        raise _err("number", where, value=str(value))
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise _err("number", where, value=str(value)[:40]) from None
    if not math.isfinite(x):
        raise _err("number", where, value=str(value)[:40])
    return x


def _day(value: Any, where: str, *, required: bool = True) -> date | None:
    if value is None or value == "":
        if required:
            raise _err("required", where)
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise _err("date", where, value=str(value)[:40]) from None


def _parameter(name: str, doc: Any, formula: str, pack_licence: str) -> Parameter:
    where = f"parameters.{name}."
    if not isinstance(doc, Mapping):
        raise _err("mapping", f"parameters.{name}")
    unknown = sorted(set(map(str, doc)) - set(_PARAM_FIELDS))
    if unknown:
        raise _err("unknown_field", f"{where}{unknown[0]}")
    dim = dimension_of(formula, name)
    if dim is None:
        raise _err("unknown_param", f"parameters.{name}", formula=formula)
    unit = _text(doc, "unit", where)
    if unit not in UNITS:
        raise _err("unit", f"{where}unit", value=unit, known=", ".join(sorted(UNITS)))
    if UNITS[unit][0] != dim:
        raise _err("dimension", f"{where}unit", value=unit, unit=BASE_UNIT[dim] or "1")
    value = _number(doc.get("value"), f"{where}value")
    confidence = _text(doc, "confidence", where)
    if confidence not in CONFIDENCES:
        raise _err("confidence", f"{where}confidence", value=confidence[:40],
                   known=", ".join(CONFIDENCES))  # fmt: skip
    regions_doc = doc.get("regions") or {}
    if not isinstance(regions_doc, Mapping):
        raise _err("mapping", f"{where}regions")
    regions = []
    for reg, rdoc in regions_doc.items():
        rwhere = f"{where}regions.{reg}"
        rdoc = rdoc if isinstance(rdoc, Mapping) else {"value": rdoc}
        regions.append(
            (
                str(reg),
                _number(rdoc.get("value"), f"{rwhere}.value"),
                _text(rdoc, "source", f"{rwhere}.", required=False, limit=300),
            )
        )
    derivation = _text(doc, "derivation", where, required=confidence == "derived") or None
    return Parameter(name=name, value=value, unit=unit,
                     source=_text(doc, "source", where, limit=300),
                     citation=_text(doc, "citation", where), confidence=confidence,
                     licence=_text(doc, "licence", where, required=False) or pack_licence,
                     derivation=derivation, regions=tuple(regions))  # fmt: skip


def digest_of(doc: Mapping[str, Any]) -> str:
    """sha256 of a pack's content as canonical JSON (keys sorted, dates as ISO text)."""
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_pack(doc: Any) -> Pack:
    """A pack from a mapping (a YAML document): every field checked, every parameter's unit
    checked against its formula's dimension.

    Raises:
        MethodologyError: the first problem, keyed, ``field`` naming it (``parameters.x.unit``).
    """
    if not isinstance(doc, Mapping):
        raise _err("mapping", "pack")
    unknown = sorted(set(map(str, doc)) - set(_PACK_FIELDS))
    if unknown:
        raise _err("unknown_field", unknown[0])
    formula = _text(doc, "formula", "")
    if formula not in FORMULAS:
        raise _err("formula_unknown", "formula", value=formula[:60],
                   known=", ".join(sorted(FORMULAS)))  # fmt: skip
    label = _text(doc, "label", "")
    if label not in LABELS:
        raise _err("label", "label", value=label[:40], known=", ".join(LABELS))
    actions = doc.get("actions")
    if not isinstance(actions, list) or not actions:
        raise _err("required", "actions")
    for a in actions:
        if str(a) not in ACTIONS:
            raise _err("action", "actions", value=str(a)[:60])
    valid_from = _day(doc.get("valid_from"), "valid_from")
    valid_to = _day(doc.get("valid_to"), "valid_to", required=False)
    assert valid_from is not None
    if valid_to is not None and valid_to < valid_from:
        raise _err("backwards", "valid_to")
    licence = _text(doc, "licence", "")
    params_doc = doc.get("parameters") or {}
    if not isinstance(params_doc, Mapping):
        raise _err("mapping", "parameters")
    params = tuple(_parameter(str(k), v, formula, licence) for k, v in params_doc.items())
    pack_id = _text(doc, "id", "", limit=80)
    if not all(c.isalnum() or c in "._-" for c in pack_id):
        raise _err("id", "id", value=pack_id[:80])
    return Pack(
        id=pack_id, title=_text(doc, "title", "", limit=300),
        publisher=_text(doc, "publisher", "", limit=300),
        region=_text(doc, "region", "", limit=40), version=_text(doc, "version", "", limit=40),
        valid_from=valid_from, valid_to=valid_to, formula=formula, label=label,
        actions=tuple(str(a) for a in actions), parameters=params,
        eligibility=parse_eligibility(doc.get("eligibility")),
        double_counting=_text(doc, "double_counting", ""), citation=_text(doc, "citation", ""),
        licence=licence, notes=_text(doc, "notes", "", required=False),
        digest=digest_of(doc),
    )  # fmt: skip


# ---- quantification -----------------------------------------------------------------------

_RESOLVED: dict[tuple[str, str, str | None], tuple[dict[str, Param], str]] = {}


def resolve(pack: Pack, region: str | None) -> tuple[dict[str, Param], str]:
    """The pack's parameters for ``region`` (base units) and their sha256 (``params_hash``);
    cached by pack digest and region."""
    key = (pack.digest, pack.id + "@" + pack.version, region)
    got = _RESOLVED.get(key)
    if got is not None:
        return got
    params: dict[str, Param] = {}
    for p in pack.parameters:
        value, source = p.value_for(region)
        dim, factor = UNITS[p.unit]
        params[p.name] = Param(p.name, value * factor, dim, source)
    canon = json.dumps({"pack": pack.id, "version": pack.version, "formula": pack.formula,
                        "params": {k: [v.value, v.dimension] for k, v in sorted(params.items())}},
                       sort_keys=True)  # fmt: skip
    got = (params, hashlib.sha256(canon.encode()).hexdigest())
    if len(_RESOLVED) > 4096:
        _RESOLVED.clear()
    _RESOLVED[key] = got
    return got


def engagement(act: ActionType) -> Reduction:
    """0 kg for an engagement-only action (points only). Buying a carbon-neutral product: its
    footprint's credits were retired by the product claim; crediting the buyer would count them
    twice (ISO 14068-1)."""
    key = ("incl_meth.step.carbon_neutral" if act.code == "purchase.carbon_neutral_pc"
           else "incl_meth.step.engagement")  # fmt: skip
    return Reduction(0.0, "engagement", None, None, hashlib.sha256(b"engagement").hexdigest(),
                     (TraceStep(key, "ER = 0", 0.0, KG, None),))  # fmt: skip


def action_of(code: str) -> ActionType:
    """The catalogue action of ``code``.

    Raises:
        MethodologyError: not an action of the catalogue (field ``action``).
    """
    act = ACTIONS.get(code)
    if act is None:
        raise MethodologyError(msg("incl_meth.err.action", field="action", value=code[:60]),
                               "action")  # fmt: skip
    return act


def _unit_ok(act: ActionType, unit: str) -> bool:
    return unit == act.unit or (act.unit == "km" and unit == "pkm")


def quantify(pack: Pack | None, inp: ActionInput, region: str | None = None, *,
             own_new_kg: float | None = None,
             own_source: str | None = None) -> Reduction:  # fmt: skip
    """The reduction of one action by ``pack`` for the programme's ``region``, with its trace.

    ``own_new_kg`` [kg CO2e per item]: the organisation's own product footprint (materials +
    manufacturing) used as E_new / E_product where the pack's formula takes it. A negative
    result (a mode emitting more than the baseline) is credited as 0, shown as a step.

    Raises:
        MethodologyError: unknown action, wrong unit, the pack does not cover the action or is
            not valid on the day, a parameter missing.
        PlausibilityError: the action fails the pack's eligibility (field named).
    """
    act = action_of(inp.action)
    if not _unit_ok(act, inp.unit):
        raise MethodologyError(msg("incl_meth.err.unit_action", field="unit", value=inp.unit,
                                   unit=act.unit), "unit")  # fmt: skip
    if act.counts_as == "engagement":
        return engagement(act)
    if pack is None:
        raise MethodologyError(msg("incl_meth.err.no_pack", field="action", value=act.code),
                               "action")  # fmt: skip
    if act.code not in pack.actions:
        raise MethodologyError(msg("incl_meth.err.not_covered", field="action", value=act.code,
                                   pack=pack.id), "action")  # fmt: skip
    day = inp.occurred_at.date()
    if not pack.valid_on(day):
        raise MethodologyError(msg("incl_meth.err.not_valid", field="occurred_at",
                                   pack=pack.id, day=day.isoformat()), "occurred_at")  # fmt: skip
    check(pack.eligibility, inp)
    params, phash = resolve(pack, region)
    use_own = own_new_kg is not None and pack.formula in USES_OWN_PRODUCT
    extras = Extras(own_new_kg if use_own else None, own_source)
    kg, steps = run(pack.formula, params, inp, extras)
    if kg < 0:
        steps.append(TraceStep("incl_meth.step.floor", f"max(0, {kg:.6g}) = 0", 0.0, KG))
        kg = 0.0
    if use_own:
        phash = hashlib.sha256(f"{phash}|own={own_new_kg!r}".encode()).hexdigest()
    return Reduction(kg, act.counts_as, pack.id, pack.version, phash, tuple(steps))
