"""Supplier training and events with their attendance (issue 15 item 7, decision 0067).

The report counts four kinds of event (lines 2233–2272): online **courses** (17 courses, 787
supplier representatives learning), a **conference** (the supplier ESG Day, 671 attendees),
**webinars** (two, 633 attendances) and **lectures** (ESG 大讲堂, 星火讲堂). The figures are of
three different kinds, and this module computes each from attendance records, never typed:

- **events** of a kind: how many were held;
- **attendances**: (event, person) pairs, a person counted once per event;
- **distinct people** (for courses: **learners**): persons with at least one attendance, a
  person counted once however many events they attended.

A person is identified by ``person`` (e-mail or name) compared without case and surrounding or
repeated spaces, within their supplier: the same name at two suppliers is two people. Supplier
engagement through training is one of the levers of the SBTi supplier-engagement guidance
(*Engaging supply chains on the decarbonization journey*, 2023) and of ISO 20400:2017 §7.

Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from lingtan.modules.suppliers.projects import ProgrammeError


class EventKind(StrEnum):
    """What kind of training or event."""

    COURSE = "course"
    WEBINAR = "webinar"
    CONFERENCE = "conference"
    LECTURE = "lecture"


@dataclass(frozen=True)
class TrainingEvent:
    """A course, webinar, conference or lecture.

    Attributes:
        id: stable code within the organisation.
        kind: see :class:`EventKind`.
        title: as announced.
        date: the day it was held (a course: the day it was published).
        organiser: who ran it (CDP, EcoVadis …), free text.
    """

    id: str
    kind: EventKind
    title: str
    date: date
    organiser: str = ""


@dataclass(frozen=True)
class Attendance:
    """One person at one event.

    Attributes:
        event: the event's id.
        person: e-mail or name.
        supplier: the supplier's code (None: not a supplier's representative).
        completed: the person completed it (a course finished, an event attended to the end).
    """

    event: str
    person: str
    supplier: str | None = None
    completed: bool = True


def person_key(a: Attendance) -> tuple[str, str]:
    """Who ``a`` is: (supplier, person) without case and extra spaces."""
    return ((a.supplier or "").strip().casefold(), " ".join(a.person.split()).casefold())


@dataclass(frozen=True)
class KindSummary:
    """Counts of one event kind: events held, attendances (a person once per event),
    distinct people, completed attendances."""

    kind: EventKind
    events: int
    attendances: int
    people: int
    completed: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"kind": self.kind.value, "events": self.events, "attendances": self.attendances,
                "people": self.people, "completed": self.completed}  # fmt: skip


@dataclass(frozen=True)
class EventSummary:
    """One event with its attendance count and distinct suppliers."""

    event: TrainingEvent
    attendances: int
    suppliers: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        e = self.event
        return {"id": e.id, "kind": e.kind.value, "title": e.title, "date": e.date.isoformat(),
                "organiser": e.organiser, "attendances": self.attendances,
                "suppliers": self.suppliers}  # fmt: skip


@dataclass(frozen=True)
class SupplierTraining:
    """One supplier's participation: attendances, distinct people, events attended, courses
    completed."""

    supplier: str
    attendances: int
    people: int
    events: int
    courses_completed: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"supplier": self.supplier, "attendances": self.attendances,
                "people": self.people, "events": self.events,
                "courses_completed": self.courses_completed}  # fmt: skip


@dataclass(frozen=True)
class TrainingSummary:
    """The training figures of a period.

    Attributes:
        courses: course events held.
        learners: distinct people with at least one course attendance.
        by_kind: counts per event kind (every kind, zero included).
        events: each event with its attendance.
        by_supplier: per supplier (representatives without a supplier are left out).
        duplicates: attendance records dropped as repeats of (event, person).
    """

    courses: int
    learners: int
    by_kind: tuple[KindSummary, ...]
    events: tuple[EventSummary, ...]
    by_supplier: tuple[SupplierTraining, ...]
    duplicates: int

    def kind(self, kind: EventKind) -> KindSummary:
        """The counts of ``kind``."""
        return next(k for k in self.by_kind if k.kind is kind)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "courses": self.courses,
            "learners": self.learners,
            "by_kind": [k.to_dict() for k in self.by_kind],
            "events": [e.to_dict() for e in self.events],
            "by_supplier": [s.to_dict() for s in self.by_supplier],
            "duplicates": self.duplicates,
        }


def summarise(
    events: Sequence[TrainingEvent],
    attendances: Iterable[Attendance],
    *,
    start: date | None = None,
    end: date | None = None,
) -> TrainingSummary:
    """Counts of the events held from ``start`` to ``end`` (inclusive; None: open) and their
    attendance, by the rules of the module docstring.

    Raises:
        ProgrammeError: an attendance names an event that does not exist.
    """
    known = {e.id: e for e in events}
    chosen = {
        e.id: e
        for e in events
        if (start is None or e.date >= start) and (end is None or e.date <= end)
    }
    seen: dict[tuple[str, tuple[str, str]], Attendance] = {}
    duplicates = 0
    for a in attendances:
        if a.event not in known:
            raise ProgrammeError(
                f"attendance of {a.person}: no event {a.event!r}",
                "supplier_programmes.err.no_event",
                event=a.event,
            )
        if a.event not in chosen:
            continue
        k = (a.event, person_key(a))
        if k in seen:
            duplicates += 1
            if a.completed and not seen[k].completed:
                seen[k] = a
            continue
        seen[k] = a
    kinds: list[KindSummary] = []
    for kind in EventKind:
        rows = [(k, a) for k, a in seen.items() if chosen[a.event].kind is kind]
        kinds.append(
            KindSummary(
                kind,
                sum(1 for e in chosen.values() if e.kind is kind),
                len(rows),
                len({k[1] for k, _ in rows}),
                sum(1 for _, a in rows if a.completed),
            )
        )
    per_event = tuple(
        EventSummary(
            e,
            sum(1 for k in seen if k[0] == e.id),
            len({a.supplier for a in seen.values() if a.event == e.id and a.supplier}),
        )
        for e in sorted(chosen.values(), key=lambda e: (e.date, e.id))
    )
    suppliers = sorted({a.supplier for a in seen.values() if a.supplier})
    by_supplier = tuple(
        SupplierTraining(
            s,
            sum(1 for a in seen.values() if a.supplier == s),
            len({person_key(a) for a in seen.values() if a.supplier == s}),
            len({a.event for a in seen.values() if a.supplier == s}),
            sum(
                1
                for a in seen.values()
                if a.supplier == s and a.completed and chosen[a.event].kind is EventKind.COURSE
            ),
        )
        for s in suppliers
    )
    course = next(k for k in kinds if k.kind is EventKind.COURSE)
    return TrainingSummary(
        course.events, course.people, tuple(kinds), per_event, by_supplier, duplicates
    )
