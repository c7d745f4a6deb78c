"""Supplier training counts, hand-checked (decision 0067; docs/supplier-programmes.md).

Events: two courses (C1, C2), a conference (ESG Day), two webinars (W1 with CDP, W2 with
EcoVadis), a lecture (L1) and a course of another year (C0, outside FY2023/24).

Attendance (supplier, person):

- C1: (S-A, Li Lei), (S-A, "li  lei ") — the same person again —, (S-B, Han Meimei, not completed)
- C2: (S-A, Li Lei), (S-B, Wang Fang)
- ESG Day: (S-A, Li Lei), (S-B, Han Meimei), (S-C, Li Lei) — another Li Lei, another supplier
- W1: (S-A, Li Lei); W2: (S-A, Li Lei), (S-B, Wang Fang), (no supplier, Zhao Qiang)
- C0: (S-C, Sun Li) — not counted in FY2023/24

Courses = 2; course attendances = C1 2 (the repeat dropped) + C2 2 = 4; learners = Li Lei@S-A,
Han Meimei@S-B, Wang Fang@S-B = 3; completed course attendances = 3. Conference: 1 event, 3
attendances, 3 people. Webinars: 2 events, 1 + 3 = 4 attendances, 3 people. Lecture: 1 event, 0.
By supplier: S-A 5 attendances (C1, C2, ESG Day, W1, W2), 1 person, 5 events, 2 courses
completed; S-B 4 (C1, C2, ESG Day, W2), 2 people, 4 events, 1 course completed (C2); S-C 1.
"""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.modules.suppliers.projects import ProgrammeError
from lingtan.modules.suppliers.training import Attendance, EventKind, TrainingEvent, summarise

EVENTS = [
    TrainingEvent("C0", EventKind.COURSE, "Old course", date(2022, 5, 1)),
    TrainingEvent("C1", EventKind.COURSE, "ESG requirements", date(2023, 5, 10)),
    TrainingEvent("C2", EventKind.COURSE, "Carbon accounting", date(2023, 9, 1)),
    TrainingEvent("ESG-DAY", EventKind.CONFERENCE, "Supplier ESG Day", date(2023, 11, 8)),
    TrainingEvent("W1", EventKind.WEBINAR, "CDP disclosure", date(2023, 6, 1), "CDP"),
    TrainingEvent("W2", EventKind.WEBINAR, "EcoVadis rating", date(2024, 1, 15), "EcoVadis"),
    TrainingEvent("L1", EventKind.LECTURE, "星火讲堂 第二讲", date(2023, 7, 15)),
]
ATTENDANCE = [
    Attendance("C1", "Li Lei", "S-A"),
    Attendance("C1", "li  lei ", "S-A"),
    Attendance("C1", "Han Meimei", "S-B", completed=False),
    Attendance("C2", "Li Lei", "S-A"),
    Attendance("C2", "Wang Fang", "S-B"),
    Attendance("ESG-DAY", "Li Lei", "S-A"),
    Attendance("ESG-DAY", "Han Meimei", "S-B"),
    Attendance("ESG-DAY", "Li Lei", "S-C"),
    Attendance("W1", "Li Lei", "S-A"),
    Attendance("W2", "Li Lei", "S-A"),
    Attendance("W2", "Wang Fang", "S-B"),
    Attendance("W2", "Zhao Qiang", None),
    Attendance("C0", "Sun Li", "S-C"),
]
FY2023 = {"start": date(2023, 4, 1), "end": date(2024, 3, 31)}


def test_counts_of_fy2023_24() -> None:
    s = summarise(EVENTS, ATTENDANCE, **FY2023)
    assert (s.courses, s.learners, s.duplicates) == (2, 3, 1)
    course = s.kind(EventKind.COURSE)
    assert (course.events, course.attendances, course.people, course.completed) == (2, 4, 3, 3)
    conf = s.kind(EventKind.CONFERENCE)
    assert (conf.events, conf.attendances, conf.people) == (1, 3, 3)
    web = s.kind(EventKind.WEBINAR)
    assert (web.events, web.attendances, web.people) == (2, 4, 3)
    lec = s.kind(EventKind.LECTURE)
    assert (lec.events, lec.attendances) == (1, 0)
    by = {x.supplier: (x.attendances, x.people, x.events, x.courses_completed)
          for x in s.by_supplier}  # fmt: skip
    assert by == {"S-A": (5, 1, 5, 2), "S-B": (4, 2, 4, 1), "S-C": (1, 1, 1, 0)}
    day = next(e for e in s.events if e.event.id == "ESG-DAY")
    assert (day.attendances, day.suppliers) == (3, 3)


def test_every_year_and_repeat_completion() -> None:
    s = summarise(EVENTS, ATTENDANCE)
    # C0 adds one course and one learner (Sun Li@S-C)
    assert (s.courses, s.learners) == (3, 4)
    # a repeat that completes upgrades the attendance: Han Meimei's C1 becomes completed
    s2 = summarise(EVENTS, [*ATTENDANCE, Attendance("C1", "HAN MEIMEI", "S-B")], **FY2023)
    assert s2.kind(EventKind.COURSE).completed == 4
    assert s2.kind(EventKind.COURSE).attendances == 4


def test_unknown_event_is_refused() -> None:
    with pytest.raises(ProgrammeError) as e:
        summarise(EVENTS, [Attendance("NOPE", "x", "S-A")])
    assert e.value.key == "supplier_programmes.err.no_event"
