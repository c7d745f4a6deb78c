"""Governance records of climate-related matters (issue 17 item 6; decision 0084): the bodies
that oversee them, their meetings with climate agenda items and decisions, the management roles
responsible, the links of climate KPIs to variable pay, and the check of the meeting frequency
each body must keep in a fiscal year. Pure: no I/O.

The records serve IFRS S2 ¶6(a) (the governance body's oversight: how often it is informed,
how it considers climate in strategy and risk management, how it oversees targets), ¶6(b)
(management's role: the position or committee it is delegated to and how it reports), ¶29(g)
(the share of executive remuneration linked to climate-related considerations) and HKEX
Listing Rules Appendix C2 Part D (governance; references only).

Default frequencies (:data:`DEFAULT_FREQUENCIES`) are the ones the source report publishes
(``../shared/seeds/000_fbf9cbf94a988f67.txt``, line numbers in parentheses); a body's own
record may override them:

- board: at least one climate update a year (606–608) — counted as meetings with a climate
  agenda item;
- ESG Executive Oversight Committee (EOC): usually quarterly (671–673);
- China platform ESG committee: quarterly plenary meetings (661–663);
- working groups (E, S, G): monthly (661–663).

The frequency check (:func:`check_frequency`): with ``n`` required a year and ``n`` dividing
12, the fiscal year is cut into ``n`` windows of ``12 / n`` months; a window is ``met`` when a
dated counted meeting falls in it, ``unknown`` when none does but the year has counted meetings
whose date is not published (they might fall in it), else a ``gap``. The status is ``met``
when held ≥ required and every window is met, ``not_evidenced`` when held < required or a
window is a gap, else ``undetermined``. A month-level date (``precision`` ``month``: the
report gives only the month) falls in the window of its month.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from lingtan.core.messages import msg
from lingtan.core.periods import Period
from lingtan.modules.risk.errors import GovernanceError

#: the kinds of governance body
BODY_KINDS = (
    "board",
    "audit_committee",
    "nomination_committee",
    "remuneration_committee",
    "esg_executive_committee",
    "china_esg_committee",
    "working_group",
    "other",
)
#: the topics of an agenda item (IFRS S2 ¶6(a)(iii)–(v): strategy, major transactions and risk
#: management; targets; plus disclosure, performance, remuneration, training)
TOPICS = (
    "strategy",
    "risk_review",
    "targets",
    "disclosure",
    "performance",
    "transition_plan",
    "capital_allocation",
    "remuneration",
    "training",
    "policy",
    "other",
)
#: how precisely a meeting's date is known: the day, only the month (approximate), not at all
PRECISIONS = ("day", "month", "not_published")
#: what a frequency requirement counts: every meeting, or meetings with a climate agenda item
COUNTS = ("meetings", "climate_items")
#: the outcomes of a window and of a body's check
WINDOW_STATES = ("met", "gap", "unknown")
STATUSES = ("met", "not_evidenced", "undetermined", "no_requirement")
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
#: the largest frequency a year [meetings per year]
MAX_PER_YEAR = 366


@dataclass(frozen=True)
class Frequency:
    """A body's required frequency: ``per_year`` meetings (or climate updates, ``counts``) a
    fiscal year, and where it comes from (``source``: the report's lines or ``user``)."""

    per_year: int
    counts: str = "meetings"
    source: str = "user"

    def __post_init__(self) -> None:
        check_frequency_fields(self.per_year, self.counts)


def check_frequency_fields(per_year: int, counts: str) -> None:
    """Raise unless ``1 ≤ per_year ≤ 366`` and ``counts`` is one of :data:`COUNTS`.

    Raises:
        GovernanceError: ``governance.err.per_year`` / ``governance.err.counts``.
    """
    if isinstance(per_year, bool) or not isinstance(per_year, int):
        raise GovernanceError(msg("governance.err.per_year", value=str(per_year)), "per_year")
    if not 1 <= per_year <= MAX_PER_YEAR:
        raise GovernanceError(msg("governance.err.per_year", value=str(per_year)), "per_year")
    if counts not in COUNTS:
        raise GovernanceError(msg("governance.err.counts", value=counts), "counts")


#: the report's frequencies per body kind (module docstring; line numbers of the report)
DEFAULT_FREQUENCIES: dict[str, Frequency] = {
    "board": Frequency(1, "climate_items", "report 606–608: at least one climate update a year"),
    "esg_executive_committee": Frequency(4, "meetings", "report 671–673: usually quarterly"),
    "china_esg_committee": Frequency(4, "meetings", "report 661–663: quarterly plenary meetings"),
    "working_group": Frequency(12, "meetings", "report 661–663: monthly working meetings"),
}


def default_frequency(kind: str) -> Frequency | None:
    """The report's frequency for a body ``kind`` (None: the report publishes none)."""
    return DEFAULT_FREQUENCIES.get(kind)


def check_code(code: str, field_name: str = "code") -> str:
    """A body code: 1–40 letters, digits, ``_ . -``, starting with a letter or digit.

    Raises:
        GovernanceError: ``governance.err.code``.
    """
    text = str(code or "").strip()
    if not _CODE_RE.match(text):
        raise GovernanceError(msg("governance.err.code", value=text[:60]), field_name)
    return text


def check_kind(kind: str) -> str:
    """A body kind of :data:`BODY_KINDS`.

    Raises:
        GovernanceError: ``governance.err.kind``.
    """
    text = str(kind or "").strip().lower()
    if text not in BODY_KINDS:
        raise GovernanceError(msg("governance.err.kind", value=text[:60]), "kind")
    return text


@dataclass(frozen=True)
class AgendaItem:
    """An item of a meeting's agenda: its ``topic`` (:data:`TOPICS`), whether it concerns
    climate (``climate``) and its words (``text``)."""

    topic: str
    climate: bool
    text: str = ""

    def __post_init__(self) -> None:
        if self.topic not in TOPICS:
            raise GovernanceError(msg("governance.err.topic", value=self.topic[:60]), "agenda")


@dataclass(frozen=True)
class Meeting:
    """A meeting of a body: its date and how precisely it is known, the fiscal year it belongs
    to (given when the date is not published), its agenda and decisions."""

    body: str
    fiscal_year: str
    date: date | None
    precision: str = "day"
    agenda: tuple[AgendaItem, ...] = ()
    decisions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_date(self.date, self.precision)

    @property
    def has_climate_item(self) -> bool:
        """True when an agenda item concerns climate."""
        return any(a.climate for a in self.agenda)


def check_date(day: date | None, precision: str) -> None:
    """A meeting's date agrees with its precision: a date for ``day`` and ``month`` (the first
    of the month for ``month``), none for ``not_published``.

    Raises:
        GovernanceError: ``governance.err.precision`` / ``governance.err.date_needed`` /
            ``governance.err.date_unpublished`` / ``governance.err.month_day``.
    """
    if precision not in PRECISIONS:
        raise GovernanceError(msg("governance.err.precision", value=str(precision)[:40]), "date")
    if precision == "not_published":
        if day is not None:
            raise GovernanceError(msg("governance.err.date_unpublished"), "date")
        return
    if day is None:
        raise GovernanceError(msg("governance.err.date_needed"), "date")
    if precision == "month" and day.day != 1:
        raise GovernanceError(msg("governance.err.month_day", value=day.isoformat()), "date")


def parse_date(text: str) -> tuple[date | None, str]:
    """A date cell: ``YYYY-MM-DD`` (the day), ``YYYY-MM`` (only the month: the first of the
    month, approximate), blank (not published).

    Raises:
        GovernanceError: ``governance.err.date``.
    """
    value = str(text or "").strip()
    if not value:
        return None, "not_published"
    try:
        if re.fullmatch(r"\d{4}-\d{2}", value):
            return date.fromisoformat(value + "-01"), "month"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value), "day"
    except ValueError:
        pass
    raise GovernanceError(msg("governance.err.date", value=value[:40]), "date")


def format_date(day: date | None, precision: str) -> str:
    """The inverse of :func:`parse_date`: ``YYYY-MM-DD``, ``YYYY-MM`` or blank."""
    if day is None or precision == "not_published":
        return ""
    return day.isoformat()[:7] if precision == "month" else day.isoformat()


def parse_agenda(text: str, climate: bool) -> tuple[AgendaItem, ...]:
    """Agenda items of a file cell: ``topic: text`` separated by ``;`` (the text may be left
    out: ``targets``).

    Raises:
        GovernanceError: ``governance.err.topic`` naming the unknown topic.
    """
    items: list[AgendaItem] = []
    for part in str(text or "").split(";"):
        part = part.strip()
        if not part:
            continue
        topic, _, words = part.partition(":")
        items.append(AgendaItem(topic.strip().lower(), climate, " ".join(words.split())))
    return tuple(items)


def format_agenda(items: Iterable[AgendaItem]) -> str:
    """The inverse of :func:`parse_agenda` (a ``;`` inside a text becomes ``,``)."""
    parts = []
    for a in items:
        words = a.text.replace(";", ",")
        parts.append(f"{a.topic}: {words}" if words else a.topic)
    return "; ".join(parts)


# ---- the frequency check ------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """A part of the fiscal year [start, end] (inclusive) that must hold a counted meeting."""

    start: date
    end: date
    held: int
    state: str


@dataclass(frozen=True)
class FrequencyCheck:
    """A body's required vs held in a fiscal year: ``held`` counted meetings (``dated`` +
    ``undated``), the windows (empty without a requirement or when ``per_year`` does not divide
    12) and the status (:data:`STATUSES`)."""

    body: str
    fiscal_year: str
    required: int | None
    counts: str
    held: int
    dated: int
    undated: int
    windows: tuple[Window, ...] = ()
    status: str = "no_requirement"
    source: str = ""

    @property
    def gaps(self) -> tuple[Window, ...]:
        """The windows without a counted meeting (:attr:`Window.state` ``gap``)."""
        return tuple(w for w in self.windows if w.state == "gap")


def _add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    return date(day.year + y, m + 1, 1)


def windows_of(period: Period, per_year: int) -> list[tuple[date, date]]:
    """The ``per_year`` windows of ``12 / per_year`` months of a twelve-month ``period``
    (none when ``per_year`` does not divide 12 or the period does not start on the 1st)."""
    if 12 % per_year or period.start.day != 1:
        return []
    step = 12 // per_year
    out = []
    for i in range(per_year):
        start = _add_months(period.start, i * step)
        end = min(_add_months(period.start, (i + 1) * step), period.end_exclusive)
        out.append((start, date.fromordinal(end.toordinal() - 1)))
    return out


def check_frequency(
    body: str,
    period: Period,
    frequency: Frequency | None,
    meetings: Sequence[Meeting],
) -> FrequencyCheck:
    """Required vs held for ``body`` in the fiscal year ``period`` (module docstring).

    ``meetings`` are the body's meetings; those of another fiscal year are left out (a dated
    one by its date, an undated one by its ``fiscal_year`` label)."""
    counts = frequency.counts if frequency else "meetings"
    mine = [
        m
        for m in meetings
        if m.body == body
        and (period.contains(m.date) if m.date is not None else m.fiscal_year == period.label)
        and (counts == "meetings" or m.has_climate_item)
    ]
    dated = [m for m in mine if m.date is not None]
    undated = len(mine) - len(dated)
    if frequency is None:
        return FrequencyCheck(body, period.label, None, counts, len(mine), len(dated), undated)
    windows = []
    for start, end in windows_of(period, frequency.per_year):
        n = sum(1 for m in dated if m.date is not None and start <= m.date <= end)
        state = "met" if n else ("unknown" if undated else "gap")
        windows.append(Window(start, end, n, state))
    if len(mine) < frequency.per_year or any(w.state == "gap" for w in windows):
        status = "not_evidenced"
    elif any(w.state == "unknown" for w in windows):
        status = "undetermined"
    else:
        status = "met"
    return FrequencyCheck(body, period.label, frequency.per_year, counts, len(mine), len(dated),
                          undated, tuple(windows), status, frequency.source)  # fmt: skip


# ---- remuneration links (IFRS S2 ¶29(g)) ----------------------------------------------------


@dataclass(frozen=True)
class PayLink:
    """A climate KPI linked to variable pay: the KPI (``kpi_id`` of the targets file, or only
    its words), the share of variable pay it drives [%] (None: not published), the population
    covered (e.g. executive management) and the fiscal year."""

    fiscal_year: str
    population: str
    kpi_id: str | None = None
    kpi_label: str = ""
    share_pct: float | None = None

    def __post_init__(self) -> None:
        if self.share_pct is not None and not 0.0 <= self.share_pct <= 100.0:
            raise GovernanceError(msg("governance.err.share", value=str(self.share_pct)),
                                  "share_pct")  # fmt: skip
        if not self.kpi_id and not self.kpi_label.strip():
            raise GovernanceError(msg("governance.err.kpi_needed"), "kpi_id")


def check_pay_shares(links: Sequence[PayLink]) -> None:
    """The published shares of one fiscal year and population add up to at most 100 %.

    Raises:
        GovernanceError: ``governance.err.share_total`` naming the year, population and sum.
    """
    totals: dict[tuple[str, str], float] = {}
    for link in links:
        if link.share_pct is not None:
            key = (link.fiscal_year, link.population.strip().lower())
            totals[key] = totals.get(key, 0.0) + link.share_pct
    for (year, population), total in sorted(totals.items()):
        if total > 100.0 + 1e-9:
            raise GovernanceError(msg("governance.err.share_total", year=year,
                                      population=population, total=round(total, 3)),
                                  "share_pct")  # fmt: skip


@dataclass(frozen=True)
class Role:
    """A management role with climate responsibilities (IFRS S2 ¶6(b)): its title, whether it
    is responsible for climate matters, to whom it reports, the bodies it chairs."""

    title: str
    climate_responsible: bool = True
    reports_to: str = ""
    chairs: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise GovernanceError(msg("governance.err.required", name="title"), "title")
