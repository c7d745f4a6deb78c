"""Read and write the targets file (YAML) of ``lingtan targets`` and ``lingtan plan``.

The format is documented in docs/targets.md §File format. Every error names the file, the item
(``targets[2] (id 'NT-S12')``), the field and the reason; unknown fields are errors (a typo
would otherwise be silently ignored). Nothing is returned from a file with an error.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import yaml

from lingtan.core.errors import InputFileError, LingtanError
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.credits import (
    Claim,
    ClaimRules,
    CreditBlock,
    CreditRegister,
    Retirement,
    SerialRange,
    SubjectType,
    register_from,
)
from lingtan.modules.targets.emissions import Coverage, Series, YearEmissions
from lingtan.modules.targets.kpis import Kpi, KpiKind
from lingtan.modules.targets.plan import CreditKind, CreditOption, NeutralityGoal, PlanSettings
from lingtan.modules.targets.programme import BauSpec, Programme
from lingtan.modules.targets.projects import Project, ProjectType, Saving
from lingtan.modules.targets.targets import (
    Horizon,
    IntensityType,
    ReportedStatus,
    Status,
    Target,
    TargetKind,
)

T = TypeVar("T")

TOP_KEYS = (
    "organisation", "fiscal_year_start_month", "sbti", "emissions", "series", "targets", "kpis",
    "projects", "credit_options", "neutrality_goals", "plan", "bau", "credits", "claims",
    "claim_rules",
)  # fmt: skip


class _Reader:
    """Typed access to YAML mappings with located errors."""

    def __init__(self, source: str, calendar: FiscalCalendar) -> None:
        self.source = source
        self.cal = calendar

    def fail(self, where: str, reason: str) -> InputFileError:
        return InputFileError(self.source, f"{where}: {reason}")

    def mapping(self, v: Any, where: str, allowed: tuple[str, ...] | None = None) -> dict[str, Any]:
        if not isinstance(v, dict):
            raise self.fail(where, f"expected a mapping, got {type(v).__name__}")
        if allowed is not None:
            extra = sorted(str(k) for k in v if str(k) not in allowed)
            if extra:
                raise self.fail(
                    where, f"unknown field(s) {', '.join(extra)}; allowed: {', '.join(allowed)}"
                )
        return {str(k): x for k, x in v.items()}

    def items(self, v: Any, where: str) -> list[Any]:
        if v is None:
            return []
        if not isinstance(v, list):
            raise self.fail(where, f"expected a list, got {type(v).__name__}")
        return v

    def req(self, d: Mapping[str, Any], key: str, where: str) -> Any:
        if d.get(key) is None:
            raise self.fail(f"{where}, field '{key}'", "required")
        return d[key]

    def text(self, d: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
        v = d.get(key)
        if v is None:
            if default is None:
                raise self.fail(f"{where}, field '{key}'", "required")
            return default
        return str(v).strip()

    def num(
        self, d: Mapping[str, Any], key: str, where: str, default: float | None = None
    ) -> float:
        v = self.opt_num(d, key, where)
        if v is None:
            if default is None:
                raise self.fail(f"{where}, field '{key}'", "required")
            return default
        return v

    def opt_num(self, d: Mapping[str, Any], key: str, where: str) -> float | None:
        v = d.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int | float | str):
            raise self.fail(f"{where}, field '{key}'", f"not a number: {v!r}")
        try:
            x = float(v)
        except ValueError:
            raise self.fail(f"{where}, field '{key}'", f"not a number: {v!r}") from None
        if not math.isfinite(x):
            raise self.fail(f"{where}, field '{key}'", f"not a finite number: {v!r}")
        return x

    def integer(
        self, d: Mapping[str, Any], key: str, where: str, default: int | None = None
    ) -> int:
        x = self.num(d, key, where, None if default is None else float(default))
        if x != int(x):
            raise self.fail(f"{where}, field '{key}'", f"not a whole number: {x!r}")
        return int(x)

    def flag(self, d: Mapping[str, Any], key: str, where: str, default: bool = False) -> bool:
        v = d.get(key, default)
        if not isinstance(v, bool):
            raise self.fail(f"{where}, field '{key}'", f"expected true or false, got {v!r}")
        return v

    def year_of(self, v: Any, where: str) -> int:
        try:
            return self.cal.parse(str(v)).start.year
        except LingtanError as exc:
            raise self.fail(where, str(exc)) from None

    def year(self, d: Mapping[str, Any], key: str, where: str) -> int:
        return self.year_of(self.req(d, key, where), f"{where}, field '{key}'")

    def opt_year(self, d: Mapping[str, Any], key: str, where: str) -> int | None:
        return None if d.get(key) is None else self.year(d, key, where)

    def day(self, d: Mapping[str, Any], key: str, where: str, required: bool = True) -> date | None:
        v = d.get(key)
        if v is None:
            if required:
                raise self.fail(f"{where}, field '{key}'", "required")
            return None
        if isinstance(v, date):
            return v
        try:
            return date.fromisoformat(str(v))
        except ValueError:
            raise self.fail(f"{where}, field '{key}'", f"not a date (YYYY-MM-DD): {v!r}") from None

    def choice(self, d: Mapping[str, Any], key: str, where: str, enum: Callable[[str], T],
               default: str | None = None) -> T:  # fmt: skip
        raw = self.text(d, key, where, default)
        try:
            return enum(raw)
        except ValueError:
            raise self.fail(f"{where}, field '{key}'", f"unknown value {raw!r}") from None

    def by_year(self, v: Any, where: str) -> dict[int, float]:
        m = self.mapping(v or {}, where)
        out: dict[int, float] = {}
        for k in m:
            y = self.year_of(k, f"{where}, key {k!r}")
            out[y] = self.num(m, k, where)
        return out

    def ints(self, v: Any, where: str) -> list[int]:
        out = []
        for x in self.items(v, where):
            if isinstance(x, bool) or not isinstance(x, int):
                raise self.fail(where, f"expected whole numbers, got {x!r}")
            out.append(x)
        return out


def _at(kind: str, i: int, d: Mapping[str, Any]) -> str:
    ident = d.get("id") if isinstance(d, dict) else None
    return f"{kind}[{i}]" + (f" (id {ident!r})" if ident is not None else "")


def _guard(r: _Reader, where: str, build: Callable[[], T]) -> T:
    """Run a domain constructor; re-raise its error located in the file."""
    try:
        return build()
    except InputFileError:
        raise
    except LingtanError as exc:
        raise r.fail(where, str(exc)) from None


def read_targets_file(path: str | Path) -> Programme:
    """Parse a targets file into a :class:`Programme`.

    Raises:
        InputFileError: the file is missing, not YAML, or any item is invalid (file, item,
            field and reason in the message).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputFileError(p.name, f"cannot read: {exc.strerror or exc}") from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputFileError(p.name, f"not valid YAML: {exc}") from None
    return parse_targets(doc, p.name)


def parse_targets(doc: Any, source: str) -> Programme:
    """Parse an already-loaded targets document (see :func:`read_targets_file`)."""
    r0 = _Reader(source, FiscalCalendar(4))
    top = r0.mapping(doc if doc is not None else {}, "file", TOP_KEYS)
    month = r0.integer(top, "fiscal_year_start_month", "file", 4)
    cal = _guard(r0, "fiscal_year_start_month", lambda: FiscalCalendar(month))
    r = _Reader(source, cal)
    sbti = r.mapping(top.get("sbti") or {}, "sbti", ("submitted",))
    submitted = None if sbti.get("submitted") is None else r.integer(sbti, "submitted", "sbti")
    return Programme(
        calendar=cal,
        organisation=str(top.get("organisation") or ""),
        targets=_each(r, top, "targets", _target),
        kpis=_each(r, top, "kpis", _kpi),
        projects=_each(r, top, "projects", _project),
        emissions=_emissions(r, top.get("emissions")),
        series=_series(r, top.get("series")),
        credit_options=_each(r, top, "credit_options", _credit_option),
        goals=_each(r, top, "neutrality_goals", _goal),
        settings=None if top.get("plan") is None else _settings(r, top["plan"]),
        bau=_bau(r, top.get("bau")),
        register=_credits(r, top.get("credits")),
        claims=_each(r, top, "claims", _claim),
        claim_rules=_claim_rules(r, top.get("claim_rules")),
        sbti_submitted=submitted,
    )


def _each(
    r: _Reader, top: Mapping[str, Any], key: str, parse: Callable[[_Reader, int, Any], T]
) -> tuple[T, ...]:
    return tuple(parse(r, i, x) for i, x in enumerate(r.items(top.get(key), key)))


_EMISSION_KEYS = ("scope1", "scope2_market", "scope2_location", "scope3", "scope3_total", "source")


def _emissions(r: _Reader, v: Any) -> dict[int, YearEmissions]:
    out: dict[int, YearEmissions] = {}
    for k, item in r.mapping(v or {}, "emissions").items():
        where = f"emissions[{k!r}]"
        y = r.year_of(k, where)
        d = r.mapping(item, where, _EMISSION_KEYS)
        cats: dict[int, float] = {}
        if d.get("scope3") is not None:
            m = r.mapping(d["scope3"], f"{where}, field 'scope3'")
            for c in m:
                try:
                    cat = int(c)
                except ValueError:
                    raise r.fail(
                        f"{where}, field 'scope3'", f"category {c!r} is not 1..15"
                    ) from None
                cats[cat] = r.num(m, c, f"{where}, field 'scope3'")
        out[y] = _year_emissions(r, y, d, cats, where, f"{r.source}, emissions {k}")
    return out


def _year_emissions(
    r: _Reader, y: int, d: Mapping[str, Any], cats: dict[int, float], where: str, src: str
) -> YearEmissions:
    return _guard(r, where, lambda: YearEmissions(
        year=y, scope1=r.num(d, "scope1", where),
        scope2_market=r.num(d, "scope2_market", where),
        scope2_location=r.opt_num(d, "scope2_location", where),
        scope3_by_category=cats, scope3_total=r.opt_num(d, "scope3_total", where),
        source=str(d.get("source") or src),
    ))  # fmt: skip


def _one_series(r: _Reader, name: str, v: Any, where: str) -> Series:
    d = r.mapping(v, where, ("unit", "measure", "values", "growth_pct", "source"))
    return _guard(r, where, lambda: Series(
        name, r.text(d, "unit", where), r.by_year(d.get("values"), f"{where}, field 'values'"),
        str(d.get("measure") or ""), r.opt_num(d, "growth_pct", where), str(d.get("source") or ""),
    ))  # fmt: skip


def _series(r: _Reader, v: Any) -> dict[str, Series]:
    return {
        str(k): _one_series(r, str(k), x, f"series[{k!r}]")
        for k, x in r.mapping(v or {}, "series").items()
    }


def _coverage(r: _Reader, d: Mapping[str, Any], where: str) -> Coverage:
    scopes = r.ints(d.get("scopes"), f"{where}, field 'scopes'")
    cats = d.get("scope3_categories")
    cat_list = None if cats is None else r.ints(cats, f"{where}, field 'scope3_categories'")
    basis = r.text(d, "scope2_basis", where, "market")
    return _guard(r, where, lambda: Coverage.of(scopes, cat_list, basis))


_TARGET_KEYS = (
    "id", "name", "horizon", "kind", "scopes", "scope3_categories", "scope2_basis", "base_year",
    "target_year", "reduction_pct", "denominator", "intensity_type", "boundary_coverage_pct",
    "neutralise_residual", "source", "reported_status", "note", "names",
)  # fmt: skip

#: languages a ``names`` mapping may give (``zh`` is read as ``zh-CN``)
NAME_LANGUAGES = ("en", "zh-CN")


def _names(r: _Reader, d: Mapping[str, Any], where: str) -> dict[str, str]:
    """The optional ``names: {en: …, zh-CN: …}`` of a target, KPI or project."""
    got = r.mapping(d.get("names") or {}, f"{where}, field 'names'", (*NAME_LANGUAGES, "zh"))
    return {("zh-CN" if k == "zh" else k): str(v) for k, v in got.items() if v}


def _name(r: _Reader, d: Mapping[str, Any], where: str, names: Mapping[str, str]) -> str:
    """``name``; without one, the English name, else the Chinese one, else the id."""
    fallback = names.get("en") or names.get("zh-CN") or r.text(d, "id", where)
    return r.text(d, "name", where, fallback)


def _reported(
    r: _Reader, d: Mapping[str, Any], where: str
) -> tuple[str | None, ReportedStatus | None]:
    """``reported_status``: free text (kept as written), or ``{status, printed, footnote,
    estimate}`` (a status of :class:`Status`, rendered in the page's language; ``printed``: the
    report's own words, quoted as they are)."""
    v = d.get("reported_status")
    if v is None:
        return None, None
    if not isinstance(v, Mapping):
        return str(v), None
    at = f"{where}, field 'reported_status'"
    m = r.mapping(v, at, ("status", "printed", "footnote", "estimate"))
    status = r.choice(m, "status", at, Status)
    footnote = "" if m.get("footnote") is None else str(m["footnote"])
    printed = str(m.get("printed") or "")
    return None, ReportedStatus(status, footnote, r.flag(m, "estimate", at), printed)


def _target(r: _Reader, i: int, v: Any) -> Target:
    where = _at("targets", i, v)
    d = r.mapping(v, where, _TARGET_KEYS)
    it = d.get("intensity_type")
    names = _names(r, d, where)
    text, reported = _reported(r, d, where)
    return _guard(r, where, lambda: Target(
        id=r.text(d, "id", where), name=_name(r, d, where, names), names=names,
        reported=reported,
        coverage=_coverage(r, d, where),
        kind=r.choice(d, "kind", where, TargetKind, "absolute"),
        base_year=r.year(d, "base_year", where), target_year=r.year(d, "target_year", where),
        reduction_pct=r.num(d, "reduction_pct", where),
        horizon=r.choice(d, "horizon", where, Horizon, "near_term"),
        denominator=None if d.get("denominator") is None else str(d["denominator"]),
        intensity_type=None if it is None else r.choice(d, "intensity_type", where, IntensityType),
        boundary_coverage_pct=r.num(d, "boundary_coverage_pct", where, 100.0),
        neutralise_residual=r.flag(d, "neutralise_residual", where),
        source=str(d.get("source") or ""), reported_status=text,
        note=str(d.get("note") or ""),
    ))  # fmt: skip


_KPI_KEYS = ("id", "name", "kind", "unit", "goal", "goal_year", "direction", "start", "values",
             "source", "reported_status", "note", "names")  # fmt: skip


def _kpi(r: _Reader, i: int, v: Any) -> Kpi:
    where = _at("kpis", i, v)
    d = r.mapping(v, where, _KPI_KEYS)
    direction = r.text(d, "direction", where, "increase")
    if direction not in ("increase", "decrease"):
        raise r.fail(f"{where}, field 'direction'", "expected increase or decrease")
    start = r.mapping(d.get("start") or {}, f"{where}, field 'start'", ("year", "value"))
    names = _names(r, d, where)
    text, reported = _reported(r, d, where)
    return _guard(r, where, lambda: Kpi(
        id=r.text(d, "id", where), name=_name(r, d, where, names), names=names,
        reported=reported,
        kind=r.choice(d, "kind", where, KpiKind, "other"), unit=r.text(d, "unit", where),
        goal=r.num(d, "goal", where), goal_year=r.opt_year(d, "goal_year", where),
        increasing=direction == "increase",
        start_year=r.opt_year(start, "year", f"{where}, field 'start'"),
        start_value=r.opt_num(start, "value", f"{where}, field 'start'"),
        values=r.by_year(d.get("values"), f"{where}, field 'values'"),
        source=str(d.get("source") or ""), reported_status=text,
        note=str(d.get("note") or ""),
    ))  # fmt: skip


_PROJECT_KEYS = (
    "id", "name", "type", "region", "site", "savings", "reduction_t_per_year", "scope",
    "category", "capex", "opex_per_year", "cost_savings_per_year", "life_years", "start_year",
    "earliest_start", "latest_start", "factor_as_of", "degradation_pct_per_year",
    "exclusive_group", "committed", "source", "note", "names",
)  # fmt: skip


def _saving(r: _Reader, v: Any, where: str) -> Saving:
    d = r.mapping(v, where, ("carrier", "quantity", "unit", "activity_type"))
    return _guard(r, where, lambda: Saving(
        r.text(d, "carrier", where), r.num(d, "quantity", where), r.text(d, "unit", where),
        None if d.get("activity_type") is None else str(d["activity_type"]),
    ))  # fmt: skip


def _project(r: _Reader, i: int, v: Any) -> Project:
    where = _at("projects", i, v)
    d = r.mapping(v, where, _PROJECT_KEYS)
    savings = tuple(
        _saving(r, s, f"{where}, savings[{j}]")
        for j, s in enumerate(r.items(d.get("savings"), f"{where}, field 'savings'"))
    )
    scope = None if d.get("scope") is None else r.integer(d, "scope", where)
    cat = None if d.get("category") is None else r.integer(d, "category", where)
    names = _names(r, d, where)
    return _guard(r, where, lambda: Project(
        id=r.text(d, "id", where), name=_name(r, d, where, names), names=names,
        type=r.choice(d, "type", where, ProjectType), region=r.text(d, "region", where, "GLO"),
        site=str(d.get("site") or ""), savings=savings,
        reduction_t_per_year=r.opt_num(d, "reduction_t_per_year", where), scope=scope,
        category=cat, capex=r.num(d, "capex", where, 0.0),
        opex_per_year=r.num(d, "opex_per_year", where, 0.0),
        cost_savings_per_year=r.num(d, "cost_savings_per_year", where, 0.0),
        life_years=r.integer(d, "life_years", where, 10),
        start_year=r.opt_year(d, "start_year", where),
        earliest_start=r.opt_year(d, "earliest_start", where),
        latest_start=r.opt_year(d, "latest_start", where),
        factor_as_of=r.day(d, "factor_as_of", where, required=False),
        degradation_pct_per_year=r.num(d, "degradation_pct_per_year", where, 0.0),
        exclusive_group=None if d.get("exclusive_group") is None else str(d["exclusive_group"]),
        committed=r.flag(d, "committed", where), source=str(d.get("source") or ""),
        note=str(d.get("note") or ""),
    ))  # fmt: skip


def _credit_option(r: _Reader, i: int, v: Any) -> CreditOption:
    where = _at("credit_options", i, v)
    d = r.mapping(v, where, ("id", "name", "kind", "price_per_t", "price_growth_pct",
                             "max_t_per_year", "standard"))  # fmt: skip
    return _guard(r, where, lambda: CreditOption(
        r.text(d, "id", where), r.text(d, "name", where, r.text(d, "id", where)),
        r.choice(d, "kind", where, CreditKind), r.num(d, "price_per_t", where),
        r.num(d, "price_growth_pct", where, 0.0), r.opt_num(d, "max_t_per_year", where),
        str(d.get("standard") or ""),
    ))  # fmt: skip


def _goal(r: _Reader, i: int, v: Any) -> NeutralityGoal:
    where = _at("neutrality_goals", i, v)
    d = r.mapping(v, where, ("id", "name", "scopes", "scope3_categories", "scope2_basis",
                             "from_year", "removals_only"))  # fmt: skip
    return _guard(r, where, lambda: NeutralityGoal(
        r.text(d, "id", where), r.text(d, "name", where, r.text(d, "id", where)),
        _coverage(r, d, where), r.year(d, "from_year", where),
        r.flag(d, "removals_only", where),
    ))  # fmt: skip


def _settings(r: _Reader, v: Any) -> PlanSettings:
    where = "plan"
    d = r.mapping(v, where, ("start_year", "end_year", "discount_rate_pct", "currency",
                             "budget_per_year", "budget_total", "follow_pathway",
                             "max_cost_per_t", "credit_tolerance_pct"))  # fmt: skip
    return _guard(r, where, lambda: PlanSettings(
        start_year=r.year(d, "start_year", where), end_year=r.opt_year(d, "end_year", where),
        discount_rate_pct=r.num(d, "discount_rate_pct", where, 8.0),
        currency=r.text(d, "currency", where, "CNY"),
        budget_per_year=r.by_year(d.get("budget_per_year"), f"{where}, field 'budget_per_year'"),
        budget_total=r.opt_num(d, "budget_total", where),
        follow_pathway=r.flag(d, "follow_pathway", where),
        max_cost_per_t=r.opt_num(d, "max_cost_per_t", where),
        credit_tolerance_pct=r.num(d, "credit_tolerance_pct", where, 0.0),
    ))  # fmt: skip


def _bau(r: _Reader, v: Any) -> BauSpec:
    d = r.mapping(v or {}, "bau", ("start_year", "drivers", "buckets"))
    drivers = {
        str(k): _one_series(r, str(k), x, f"bau, drivers[{k!r}]")
        for k, x in r.mapping(d.get("drivers") or {}, "bau, field 'drivers'").items()
    }
    buckets: dict[str, tuple[str, ...]] = {}
    for k, x in r.mapping(d.get("buckets") or {}, "bau, field 'buckets'").items():
        names = tuple(str(n) for n in r.items(x, f"bau, buckets[{k!r}]"))
        buckets[k] = names
    return _guard(r, "bau", lambda: BauSpec(r.opt_year(d, "start_year", "bau"), drivers, buckets))


def _credits(r: _Reader, v: Any) -> CreditRegister:
    d = r.mapping(v or {}, "credits", ("holdings", "retirements"))
    blocks = []
    for i, x in enumerate(r.items(d.get("holdings"), "credits, field 'holdings'")):
        where = _at("credits.holdings", i, x)
        h = r.mapping(x, where, ("id", "standard", "project_id", "project_type", "vintage",
                                 "kind", "serial_prefix", "serial_start", "serial_end",
                                 "source"))  # fmt: skip
        blocks.append(_block(r, h, where))
    rets = []
    for i, x in enumerate(r.items(d.get("retirements"), "credits, field 'retirements'")):
        where = f"credits.retirements[{i}]"
        t = r.mapping(x, where, ("holding", "serial_prefix", "serial_start", "serial_end",
                                 "claim", "retired_on", "note"))  # fmt: skip
        hid = r.text(t, "holding", where)
        prefix = t.get("serial_prefix")
        if prefix is None:
            match = [b for b in blocks if b.id == hid]
            if not match:
                raise r.fail(f"{where}, field 'holding'", f"no holding {hid!r}")
            prefix = match[0].serials.prefix
        rets.append(_retirement(r, t, hid, str(prefix), where))
    return _guard(r, "credits", lambda: register_from(blocks, rets))


def _block(r: _Reader, h: Mapping[str, Any], where: str) -> CreditBlock:
    return _guard(r, where, lambda: CreditBlock(
        r.text(h, "id", where), r.text(h, "standard", where), r.text(h, "project_id", where),
        r.text(h, "project_type", where), r.integer(h, "vintage", where),
        r.choice(h, "kind", where, CreditKind),
        SerialRange(r.text(h, "serial_prefix", where), r.integer(h, "serial_start", where),
                    r.integer(h, "serial_end", where)),
        str(h.get("source") or ""),
    ))  # fmt: skip


def _retirement(r: _Reader, t: Mapping[str, Any], hid: str, prefix: str, where: str) -> Retirement:
    return _guard(r, where, lambda: Retirement(
        hid, SerialRange(prefix, r.integer(t, "serial_start", where),
                         r.integer(t, "serial_end", where)),
        r.text(t, "claim", where), r.day(t, "retired_on", where) or date.min,
        str(t.get("note") or ""),
    ))  # fmt: skip


def _claim(r: _Reader, i: int, v: Any) -> Claim:
    where = _at("claims", i, v)
    d = r.mapping(v, where, ("id", "subject_type", "subject_id", "period_start", "period_end",
                             "footprint_t", "footprint_standard", "footprint_verified",
                             "reductions_t", "reduction_evidence", "net_zero"))  # fmt: skip
    ev = tuple(str(x) for x in r.items(d.get("reduction_evidence"), f"{where}, reduction_evidence"))
    return _guard(r, where, lambda: Claim(
        r.text(d, "id", where), r.choice(d, "subject_type", where, SubjectType),
        r.text(d, "subject_id", where), r.day(d, "period_start", where) or date.min,
        r.day(d, "period_end", where) or date.min, r.num(d, "footprint_t", where),
        str(d.get("footprint_standard") or ""), r.flag(d, "footprint_verified", where),
        r.num(d, "reductions_t", where, 0.0), ev, r.flag(d, "net_zero", where),
    ))  # fmt: skip


def _claim_rules(r: _Reader, v: Any) -> ClaimRules:
    where = "claim_rules"
    d = r.mapping(v or {}, where, ("require_verification", "require_reduction_evidence",
                                   "max_vintage_age_years", "accepted_standards"))  # fmt: skip
    explicit_none = "max_vintage_age_years" in d and d["max_vintage_age_years"] is None
    return ClaimRules(
        r.flag(d, "require_verification", where, True),
        r.flag(d, "require_reduction_evidence", where, True),
        None if explicit_none else r.integer(d, "max_vintage_age_years", where, 5),
        tuple(str(s) for s in r.items(d.get("accepted_standards"), f"{where}, accepted_standards")),
    )


# -- writing ------------------------------------------------------------------------------------
def programme_document(prog: Programme) -> dict[str, Any]:
    """The targets-file document of ``prog``'s targets, KPIs, projects, emissions and series
    (the parts :func:`parse_targets` reads back identically; planning and credits sections are
    left out)."""
    lab = prog.calendar.year
    doc: dict[str, Any] = {
        "organisation": prog.organisation,
        "fiscal_year_start_month": prog.calendar.start_month,
    }
    if prog.sbti_submitted is not None:
        doc["sbti"] = {"submitted": prog.sbti_submitted}
    doc["emissions"] = {lab(y).label: _emissions_doc(e) for y, e in sorted(prog.emissions.items())}
    doc["series"] = {
        n: _drop_none({"unit": s.unit, "measure": s.measure or None,
                       "values": {lab(y).label: v for y, v in sorted(s.values.items())},
                       "growth_pct": s.growth_pct, "source": s.source or None})
        for n, s in prog.series.items()
    }  # fmt: skip
    doc["targets"] = [_target_doc(t, prog.calendar) for t in prog.targets]
    doc["kpis"] = [_kpi_doc(k, prog.calendar) for k in prog.kpis]
    doc["projects"] = [_project_doc(p, prog.calendar) for p in prog.projects]
    return doc


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != ""}


def _emissions_doc(e: YearEmissions) -> dict[str, Any]:
    return _drop_none({
        "scope1": e.scope1, "scope2_market": e.scope2_market,
        "scope2_location": e.scope2_location,
        "scope3": dict(sorted(e.scope3_by_category.items())) or None,
        "scope3_total": e.scope3_total, "source": e.source,
    })  # fmt: skip


def _target_doc(t: Target, cal: FiscalCalendar) -> dict[str, Any]:
    c = t.coverage
    return _drop_none({
        "id": t.id, "name": t.name, "names": dict(t.names) or None,
        "horizon": t.horizon.value, "kind": t.kind.value,
        "scopes": sorted(s for s in c.scopes if s != 3 or c.scope3_categories is None),
        "scope3_categories": None if c.scope3_categories is None else sorted(c.scope3_categories),
        "scope2_basis": c.scope2_basis, "base_year": cal.year(t.base_year).label,
        "target_year": cal.year(t.target_year).label, "reduction_pct": t.reduction_pct,
        "denominator": t.denominator,
        "intensity_type": None if t.intensity_type is None else t.intensity_type.value,
        "boundary_coverage_pct": t.boundary_coverage_pct,
        "neutralise_residual": t.neutralise_residual or None, "source": t.source,
        "reported_status": _reported_doc(t.reported, t.reported_status), "note": t.note,
    })  # fmt: skip


def _reported_doc(reported: ReportedStatus | None, text: str | None) -> Any:
    """The file's ``reported_status``: the mapping of a keyed status, else the text."""
    return text if reported is None else _drop_none(reported.to_dict())


def _kpi_doc(k: Kpi, cal: FiscalCalendar) -> dict[str, Any]:
    return _drop_none({
        "id": k.id, "name": k.name, "names": dict(k.names) or None, "kind": k.kind.value,
        "unit": k.unit, "goal": k.goal,
        "goal_year": None if k.goal_year is None else cal.year(k.goal_year).label,
        "direction": "increase" if k.increasing else "decrease",
        "start": None if k.start_year is None
        else {"year": cal.year(k.start_year).label, "value": k.start_value},
        "values": {cal.year(y).label: v for y, v in sorted(k.values.items())} or None,
        "source": k.source, "reported_status": _reported_doc(k.reported, k.reported_status),
        "note": k.note,
    })  # fmt: skip


def _project_doc(p: Project, cal: FiscalCalendar) -> dict[str, Any]:
    def y(v: int | None) -> str | None:
        return None if v is None else cal.year(v).label

    return _drop_none({
        "id": p.id, "name": p.name, "names": dict(p.names) or None, "type": p.type.value,
        "region": p.region, "site": p.site,
        "savings": [_drop_none({"carrier": s.carrier, "quantity": s.quantity, "unit": s.unit,
                                "activity_type": s.activity_type}) for s in p.savings] or None,
        "reduction_t_per_year": p.reduction_t_per_year, "scope": p.scope,
        "category": p.category, "capex": p.capex or None,
        "opex_per_year": p.opex_per_year or None,
        "cost_savings_per_year": p.cost_savings_per_year or None, "life_years": p.life_years,
        "start_year": y(p.start_year), "earliest_start": y(p.earliest_start),
        "latest_start": y(p.latest_start),
        "factor_as_of": None if p.factor_as_of is None else p.factor_as_of.isoformat(),
        "degradation_pct_per_year": p.degradation_pct_per_year or None,
        "exclusive_group": p.exclusive_group, "committed": p.committed or None,
        "source": p.source, "note": p.note,
    })  # fmt: skip


def write_targets_file(prog: Programme, path: str | Path, header: str = "") -> Path:
    """Write :func:`programme_document` as YAML (aside, then renamed into place)."""
    p = Path(path)
    text = yaml.safe_dump(programme_document(prog), allow_unicode=True, sort_keys=False, width=100)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text((header + "\n" if header else "") + text, encoding="utf-8")
    tmp.replace(p)
    return p
