"""Disclosure frameworks as data: requirements by reference, lingtan's own labels, bindings
(issue 19 item 3, decision 0097).

A :class:`Framework` (IFRS S2 (2023), HKEX Appendix C2 Part D and Part C KPIs, the CDP 2024 full
corporate questionnaire, ISO 14064-1:2018 cl. 9.3.1) lists its :class:`Requirement` s. IFRS,
HKEX, CDP and ISO texts are licensed: a requirement keeps only its **reference** (``IFRS S2
29(a)(v)``, ``CDP 7.53``, ``ISO 14064-1 9.3.1(f)``) and a catalogue key of **lingtan's own short
label** (``disc_map.req.<framework>.<slug>``, zh-CN and en) — never the standard's wording.

Each requirement **binds** to what lingtan knows about it:

- a fact of :data:`~.facts.FACTS` (``ghg.scope1``), whose status a section states;
- ``narrative:<key>`` — a narrative field: a section (``governance``: any of its fields) or one
  field of a pillar (``governance.board_oversight``, :data:`~.pillars.NARRATIVES`);
- ``datapoint:<key>`` — a value entered by hand (:data:`DATAPOINTS`).

Its status is computed from those (:mod:`.mapping`), never assumed. The frameworks are read from
YAML (``lingtan/data/disclosure/frameworks/*.yaml``) by the adapters and checked here:
:func:`parse_framework` refuses an unknown fact, a duplicate reference, an unknown pillar or type
with a :class:`~.errors.FrameworkError` naming the file, the requirement and the field. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lingtan.core.messages import msg
from lingtan.modules.disclosure.document import PILLARS, SECTION_ORDER
from lingtan.modules.disclosure.errors import FrameworkError
from lingtan.modules.disclosure.facts import FACTS
from lingtan.modules.disclosure.pillars import NARRATIVES, narrative_keys

#: what a requirement asks for
REQUIREMENT_TYPES = ("number", "table", "narrative", "boolean")
#: how a reference is known: D seen in the published document, K background knowledge (verify
#: against the standard before relying on it) — the tags of the specification
EVIDENCE = ("D", "K")
#: the datapoints entered by hand (the store's ``disclosure_datapoint``): key → (kind, the unit
#: rule: ``currency_per_t`` a currency per tonne CO2e, ``currency`` a currency amount) and the
#: requirement that asks for it
DATAPOINTS: dict[str, tuple[str, str, str]] = {
    # IFRS S2 29(f): the internal carbon price [currency / t CO2e] and how it is applied (text)
    "internal_carbon_price": ("number", "currency_per_t", "IFRS S2 29(f)"),
    # IFRS S2 29(e): capital expenditure, financing or investment deployed towards climate-related
    # risks and opportunities [currency] (what it covers: text)
    "capital_deployment": ("number", "currency", "IFRS S2 29(e)"),
}
#: the applicability rules a requirement may name (``applies_if``), shown beside it
APPLIES_IF = (
    "hkex_mandatory_2025",  # HKEX Part D: mandatory for every issuer, FYs from 1 Jan 2025
    # HKEX Part D: comply or explain for Main Board issuers from FY2025, mandatory for LargeCap
    # issuers from FYs starting 1 Jan 2026 [K]
    "hkex_comply_or_explain_2025",
    "cdp_full",  # CDP: the full corporate questionnaire (not the SME one)
)
#: a framework's short key (catalogue keys, table keys)
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,60}$")
_ID_RE = re.compile(r"^[a-z0-9][A-Za-z0-9.-]{1,60}$")
_REF_RE = re.compile(r"^[^\x00-\x1f]{1,80}$")
_SOURCE_RE = re.compile(r"^[^\x00-\x1f]{1,500}$")
_LICENCE_RE = re.compile(r"^[^\x00-\x09\x0b-\x1f]{1,2000}$")
_NARRATIVE_RE = re.compile(r"^[a-z_]+(?:\.[a-z0-9_]+)?$")


@dataclass(frozen=True)
class Requirement:
    """One requirement of a framework.

    - ``framework``: the framework's short key (``ifrs_s2``); ``ref`` the reference as the
      standard numbers it (unique in the framework); ``slug`` its catalogue name;
    - ``type``: ``number`` | ``table`` | ``narrative`` | ``boolean``; ``unit`` for a number;
    - ``pillar``: one of :data:`~.document.PILLARS`, or None (an inventory-report item);
    - ``binds``: fact keys, ``narrative:<key>``, ``datapoint:<key>`` (at least one);
    - ``applies_if``: a rule of :data:`APPLIES_IF`, or None (always);
    - ``evidence``: ``D`` or ``K`` (:data:`EVIDENCE`)."""

    framework: str
    ref: str
    slug: str
    type: str
    pillar: str | None
    binds: tuple[str, ...]
    unit: str | None = None
    applies_if: str | None = None
    evidence: str = "D"

    @property
    def label(self) -> str:
        """The catalogue key of lingtan's own short label."""
        return f"disc_map.req.{self.framework}.{self.slug}"


@dataclass(frozen=True)
class Framework:
    """A disclosure framework: ``key`` (``ifrs_s2``), ``id`` (``ifrs-s2-2023``), ``version``,
    ``source`` (who publishes it, where), ``licence_note`` (why only references are stored;
    shown as ``disc_map.licence.<key>``) and its requirements in order."""

    key: str
    id: str
    version: str
    source: str
    licence_note: str
    requirements: tuple[Requirement, ...]

    @property
    def title(self) -> str:
        """The catalogue key of the framework's name."""
        return f"disc_map.framework.{self.key}"


def binding_kind(binding: str) -> tuple[str, str]:
    """``(kind, key)`` of a binding: ``("fact", "ghg.scope1")``, ``("narrative", "governance")``,
    ``("datapoint", "internal_carbon_price")``."""
    kind, sep, key = binding.partition(":")
    if sep and kind in ("narrative", "datapoint"):
        return kind, key
    return "fact", binding


def _bad(source: str, where: str, concerns: str, reason: str, **params: str) -> FrameworkError:
    """A :class:`FrameworkError` ``disc_map.err.framework.<reason>`` naming the file and the
    requirement (``where``); ``concerns`` is the field it is about."""
    return FrameworkError(
        msg(f"disc_map.err.framework.{reason}", file=source, where=where, **params), concerns
    )


def _text(
    data: Mapping[str, Any], name: str, source: str, where: str, pattern: re.Pattern[str]
) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not pattern.match(value):
        raise _bad(source, where, name, "field", field=name, value=str(value)[:80])
    return value


def _binding_ok(binding: str) -> bool:
    kind, key = binding_kind(binding)
    if kind == "fact":
        return key in FACTS
    if kind == "datapoint":
        return key in DATAPOINTS
    section = key.split(".")[0]
    if not _NARRATIVE_RE.match(key) or section not in SECTION_ORDER:
        return False
    # a pillar's narrative field must be one of its fields (modules.disclosure.pillars)
    return key == section or section not in NARRATIVES or key in narrative_keys(section)


def _requirement(data: Any, framework: str, source: str, index: int, seen: set[str]) -> Requirement:
    where = f"requirements[{index}]"
    if not isinstance(data, Mapping):
        raise _bad(source, where, "requirements", "field", field="requirements", value="")
    known = {"ref", "slug", "type", "pillar", "binds", "unit", "applies_if", "evidence"}
    extra = sorted(set(data) - known)
    if extra:
        raise _bad(source, where, extra[0], "unknown_field", field=str(extra[0]))
    ref = _text(data, "ref", source, where, _REF_RE)
    where = f"{where} {ref}"
    if ref in seen:
        raise _bad(source, where, "ref", "duplicate_ref", ref=ref)
    seen.add(ref)
    slug = _text(data, "slug", source, where, _SLUG_RE)
    kind = data.get("type")
    if kind not in REQUIREMENT_TYPES:
        raise _bad(source, where, "type", "field", field="type", value=str(kind)[:40])
    pillar = data.get("pillar")
    if pillar is not None and pillar not in PILLARS:
        raise _bad(source, where, "pillar", "field", field="pillar", value=str(pillar)[:40])
    binds = data.get("binds")
    if not isinstance(binds, list) or not binds or not all(isinstance(b, str) for b in binds):
        raise _bad(source, where, "binds", "no_binding")
    for b in binds:
        if not _binding_ok(b):
            raise _bad(source, where, "binds", "unknown_binding", binding=b[:80])
    if len(set(binds)) != len(binds):
        raise _bad(source, where, "binds", "duplicate_binding")
    applies_if = data.get("applies_if")
    if applies_if is not None and applies_if not in APPLIES_IF:
        raise _bad(source, where, "applies_if", "field", field="applies_if",
                   value=str(applies_if)[:40])  # fmt: skip
    evidence = data.get("evidence", "D")
    if evidence not in EVIDENCE:
        raise _bad(source, where, "evidence", "field", field="evidence", value=str(evidence)[:4])
    unit = data.get("unit")
    if unit is not None and not (isinstance(unit, str) and _REF_RE.match(unit)):
        raise _bad(source, where, "unit", "field", field="unit", value=str(unit)[:40])
    return Requirement(framework=framework, ref=ref, slug=slug, type=str(kind), pillar=pillar,
                       binds=tuple(binds), unit=unit, applies_if=applies_if,
                       evidence=str(evidence))  # fmt: skip


def parse_framework(data: Any, source: str) -> Framework:
    """A framework from its parsed YAML ``data`` (``source``: the file name, for the errors).

    Raises:
        FrameworkError: a field missing or invalid, an unknown fact / narrative section /
            datapoint in ``binds``, a reference or slug given twice (``disc_map.err.framework.*``,
            naming the file, the requirement and the field).
    """
    if not isinstance(data, Mapping):
        raise _bad(source, "-", "framework", "field", field="framework", value="")
    extra = sorted(set(data) - {"key", "id", "version", "source", "licence_note", "requirements"})
    if extra:
        raise _bad(source, "-", extra[0], "unknown_field", field=str(extra[0]))
    key = _text(data, "key", source, "-", _KEY_RE)
    fid = _text(data, "id", source, "-", _ID_RE)
    version = _text(data, "version", source, "-", _REF_RE)
    origin = _text(data, "source", source, "-", _SOURCE_RE)
    licence = _text(data, "licence_note", source, "-", _LICENCE_RE)
    items = data.get("requirements")
    if not isinstance(items, list) or not items:
        raise _bad(source, "-", "requirements", "field", field="requirements", value="")
    seen: set[str] = set()
    reqs = tuple(_requirement(item, key, source, i, seen) for i, item in enumerate(items))
    slugs = [r.slug for r in reqs]
    dupes = sorted({s for s in slugs if slugs.count(s) > 1})
    if dupes:
        raise _bad(source, "-", "slug", "duplicate_slug", slug=dupes[0])
    return Framework(key=key, id=fid, version=version, source=origin, licence_note=licence,
                     requirements=reqs)  # fmt: skip


def check_frameworks(frameworks: list[Framework]) -> list[Framework]:
    """``frameworks`` as given, after checking that no two share a key or an id.

    Raises:
        FrameworkError: a key or id given twice (``disc_map.err.framework.duplicate_framework``).
    """
    seen: set[str] = set()
    for fw in frameworks:
        for name in (fw.key, fw.id):
            if name in seen:
                raise _bad(fw.id, "-", "key", "duplicate_framework", key=name)
            seen.add(name)
    return frameworks
