"""The status of each framework requirement, computed from what an edition's sections state
(issue 19 item 3, decision 0097).

A requirement (:class:`~.frameworks.Requirement`) binds facts, narratives and datapoints; each
binding gets a status, and the requirement's status combines them:

- a **fact** has the status its owning section states (:data:`~.facts.FACTS` names the section);
  a fact no section states is ``missing`` (source ``not_stated``) — never assumed complete;
- a **narrative** ``narrative:<key>`` is ``complete`` when the narrative ``<key>`` or one under it
  (``<key>.<sub>``) has text in at least one language (texts are the user's own and never
  machine-translated; a translation is not a disclosure requirement), else ``missing``;
- a **datapoint** ``datapoint:<key>`` entered by hand is ``complete`` once ``approved``,
  ``partial`` while ``entered`` or ``reviewed`` (not yet approved), ``missing`` when not entered;
- the **requirement** is ``complete`` when every binding is complete, ``missing`` when every
  binding is missing, ``partial`` otherwise.

Pure: reads sections, narratives and datapoints given by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lingtan.modules.disclosure.document import Fact, FactStatus, Section
from lingtan.modules.disclosure.facts import FACTS
from lingtan.modules.disclosure.frameworks import Framework, Requirement, binding_kind

#: the statuses, in the order they are counted and shown
STATUSES: tuple[FactStatus, ...] = ("complete", "partial", "missing")


@dataclass(frozen=True)
class BindingStatus:
    """One binding of a requirement: ``binding`` as written, its ``kind`` (fact, narrative,
    datapoint) and ``key``, its ``status`` and ``source`` (where in lingtan it comes from:
    the section's source for a fact, ``narrative:<key>``, ``datapoint:<key>``, ``not_stated``,
    ``not_entered``)."""

    binding: str
    kind: str
    key: str
    status: FactStatus
    source: str


@dataclass(frozen=True)
class RequirementStatus:
    """A requirement with its computed ``status`` and the status of each binding."""

    requirement: Requirement
    status: FactStatus
    bindings: tuple[BindingStatus, ...]


def stated_facts(sections: Iterable[Section]) -> dict[str, Fact]:
    """Each fact as stated by the section that owns it (:data:`FACTS`); a fact stated by
    another section is not taken (only its owner states it)."""
    out: dict[str, Fact] = {}
    for section in sections:
        for key, fact in section.get("facts", {}).items():
            if FACTS.get(key) == section["key"]:
                out[key] = fact
    return out


def _has_text(key: str, narratives: Mapping[str, Mapping[str, str]]) -> bool:
    return any(
        (name == key or name.startswith(key + "."))
        and any(isinstance(t, str) and t.strip() for t in texts.values())
        for name, texts in narratives.items()
    )


def _datapoint(key: str, datapoints: Mapping[str, object]) -> tuple[FactStatus, str]:
    entry = datapoints.get(key)
    if not isinstance(entry, Mapping):
        return "missing", "not_entered"
    has_value = entry.get("value") is not None or bool(str(entry.get("text") or "").strip())
    if not has_value:
        return "missing", "not_entered"
    return ("complete" if entry.get("status") == "approved" else "partial"), f"datapoint:{key}"


def binding_status(
    binding: str,
    stated: Mapping[str, Fact],
    narratives: Mapping[str, Mapping[str, str]],
    datapoints: Mapping[str, object],
) -> BindingStatus:
    """The status of one ``binding`` (module docstring)."""
    kind, key = binding_kind(binding)
    if kind == "narrative":
        status: FactStatus = "complete" if _has_text(key, narratives) else "missing"
        return BindingStatus(binding, kind, key, status, binding)
    if kind == "datapoint":
        status, source = _datapoint(key, datapoints)
        return BindingStatus(binding, kind, key, status, source)
    fact = stated.get(key)
    if fact is None:
        return BindingStatus(binding, kind, key, "missing", "not_stated")
    return BindingStatus(binding, kind, key, fact["status"], fact.get("source") or "")


def combine(statuses: Iterable[FactStatus]) -> FactStatus:
    """All complete → complete; all missing (or none) → missing; else partial."""
    got = list(statuses)
    if got and all(s == "complete" for s in got):
        return "complete"
    if all(s == "missing" for s in got):
        return "missing"
    return "partial"


def requirement_status(
    requirement: Requirement,
    stated: Mapping[str, Fact],
    narratives: Mapping[str, Mapping[str, str]],
    datapoints: Mapping[str, object],
) -> RequirementStatus:
    """The requirement's status from its bindings (module docstring)."""
    bindings = tuple(binding_status(b, stated, narratives, datapoints) for b in requirement.binds)
    return RequirementStatus(requirement, combine(b.status for b in bindings), bindings)


def framework_status(
    framework: Framework,
    sections: Iterable[Section],
    narratives: Mapping[str, Mapping[str, str]],
    datapoints: Mapping[str, object],
) -> list[RequirementStatus]:
    """Every requirement of ``framework`` with its status, in the framework's order."""
    stated = stated_facts(sections)
    return [requirement_status(r, stated, narratives, datapoints) for r in framework.requirements]


def counts(statuses: Iterable[RequirementStatus]) -> dict[str, int]:
    """How many requirements are complete, partial, missing, and the total."""
    out: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for s in statuses:
        out[s.status] += 1
    out["total"] = sum(out[s] for s in STATUSES)
    return out
