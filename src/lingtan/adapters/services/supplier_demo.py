"""Load the supplier demo (:mod:`lingtan.adapters.demo.synthetic_suppliers`) into an
organisation through the supplier services — the same use cases the command line, the API and
the web pages call (issue 15 item 10, decision 0069). A use case of its own, in the services
layer (the demo package sits below it and may not call services; cf.
:func:`lingtan.adapters.services.products.write_demo_products`):

1. the register (:mod:`lingtan.adapters.services.suppliers`): 150 fictional suppliers;
2. the FY2023/24 climate campaign (:mod:`lingtan.adapters.services.supplier_requests`): every
   supplier with spend (scope rule "top 100 % of spend ∪ strategic"), each answer recorded as
   an upload and accepted (but one, still to decide) — coverage is then computed from these
   records and the imported spend rows, never typed; the strategic suppliers' maturity is reviewed;
3. ratings, corrective action plans, audits and scorecards (:mod:`lingtan.adapters.services.
   supplier_reviews`): a rating under 45 opens its plan (due 90 days later) by the service's
   own rule; the plan's item is closed and the re-rating recorded, which the service books as
   the plan's ``score_after``; the key tier-1 suppliers' 2024Q1 scorecards are computed (the
   rating, audit and plan KPIs from these records);
4. the 星火 projects with their measurements and the training attendance
   (:mod:`lingtan.adapters.services.supplier_programmes`; attendance as one imported file).

The organisation's workspace must hold the FY2023/24 ``spend`` rows by supplier (``lingtan
demo`` writes and imports them): the coverage and audit shares read spend from them.

:func:`load_supplier_demo` is idempotent: an organisation that has the demo's first supplier
is left as it is; it writes all or nothing, in one transaction (every service's validation and
audit entries as usual). :func:`prepare_supplier_demo` is what ``lingtan serve --demo`` calls.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from lingtan.adapters.demo.synthetic_suppliers import (
    FISCAL_YEAR,
    SCORECARD_PERIOD,
    SEED,
    SupplierDemo,
    supplier_demo,
)
from lingtan.adapters.services.context import Context

#: Texts stored in the records (plan items, evidence, factor basis) are data, shown as is in
#: both languages: short, never four plain English words in a row (the demo's language check).

__all__ = ["LoadReport", "load_supplier_demo", "prepare_supplier_demo"]

#: the programme the 星火 projects belong to (report lines 2286–2296)
PROGRAMME = "星火行动"
#: the auditing body named on the demo's audits (fictional)
AUDITOR = "Demo Audit Services (fictional)"
#: when the campaign asked for answers
DUE_ON = date(2024, 6, 30)


@dataclass(frozen=True)
class LoadReport:
    """What :func:`load_supplier_demo` wrote (all zero when the demo was there already)."""

    suppliers: int = 0
    answers: int = 0
    ratings: int = 0
    plans: int = 0
    audits: int = 0
    projects: int = 0
    attendances: int = 0


def _loaded(db: Session, ctx: Context, demo: SupplierDemo) -> bool:
    from lingtan.adapters.services.errors import ServiceError
    from lingtan.adapters.services.suppliers import supplier_by_code

    try:
        supplier_by_code(db, ctx, demo.suppliers[0].code)
    except ServiceError:
        return False
    return True


def _register(db: Session, ctx: Context, demo: SupplierDemo) -> int:
    from lingtan.adapters.services.suppliers import create_supplier

    for s in demo.suppliers:
        create_supplier(
            db,
            ctx,
            {
                "code": s.code,
                "legal_name": s.legal_name,
                "name_zh": s.name_zh,
                "company_ids": list(s.company_ids),
                "country": s.country,
                "tier": s.tier,
                "categories": list(s.categories),
                "strategic": s.strategic,
                "key_tier1": s.key_tier1,
                "status": s.status,
            },
        )
    return len(demo.suppliers)


def _campaign(db: Session, ctx: Context, demo: SupplierDemo) -> int:
    """Open the FY2023/24 climate campaign, record and accept every answer, review the
    strategic suppliers' maturity."""
    from lingtan.adapters.services import supplier_requests as req
    from lingtan.modules.suppliers.requests import ScopeRule

    camp = req.open_campaign(
        db,
        ctx,
        fiscal_year=FISCAL_YEAR,
        rule=ScopeRule(top_spend_pct=100.0, strategic=True),
        due_on=DUE_ON,
    )
    answers = {a.code: a for a in demo.answers}
    n = 0
    for r in req.list_requests(db, ctx, camp.id):
        answer = answers.get(r.supplier_code)
        if answer is None:
            continue
        resp = req.record_answer(db, ctx, r.id, answer.as_form(), channel="upload")
        if answer.accepted:
            req.accept_response(db, ctx, resp.id)
        n += 1
    req.review_maturity(db, ctx, on=DUE_ON + timedelta(days=15), due_only=False)
    return n


def _reviews(db: Session, ctx: Context, demo: SupplierDemo) -> tuple[int, int, int]:
    """Ratings in date order (a plan opens on each rating under 45; its item closes five
    days before the due date when a re-rating follows), then the audits."""
    from lingtan.adapters.services import supplier_reviews as rev

    reratings = {r.code: r for r in demo.ratings if r.rerating}
    plans = 0
    first = sorted((r for r in demo.ratings if not r.rerating), key=lambda r: (r.rated_on, r.code))
    for r in first:
        fields = {
            "provider": r.provider,
            "score": r.score,
            "rated_on": r.rated_on,
            "valid_until": r.valid_until,
            "evidence": f"scorecard {r.code} (fictional)",
        }
        done = rev.record_rating(db, ctx, r.code, fields)
        cap = done["cap"]
        if cap is None:
            continue
        plans += 1
        item = rev.add_cap_item(
            db,
            ctx,
            r.code,
            cap.id,
            {
                "finding": "EcoVadis < 45",
                "action": "CAP: policies, training, data",
                "owner": "supplier ESG lead",
            },
        )
        again = reratings.get(r.code)
        if again is None:
            continue
        rev.close_cap_item(
            db,
            ctx,
            r.code,
            cap.id,
            item.id,
            closed_on=cap.due - timedelta(days=5),
            evidence=f"corrective action evidence {r.code} (fictional)",
        )
        rev.record_rating(
            db,
            ctx,
            r.code,
            {
                "provider": again.provider,
                "score": again.score,
                "rated_on": again.rated_on,
                "valid_until": again.valid_until,
            },
        )
    site = {s.code: s.site for s in demo.suppliers}
    for a in demo.audits:
        rev.add_audit(
            db,
            ctx,
            a.code,
            {
                "scheme": a.scheme,
                "audited_on": a.audited_on,
                "score": a.score,
                "site": site.get(a.code),
                "auditor": AUDITOR,
                "findings": [
                    {
                        "ref": f"{a.code}-{a.audited_on:%Y%m}-{i + 1}",
                        "severity": f.severity,
                        "section": f.section,
                        "due": f.due,
                        "closed_on": f.closed_on,
                    }
                    for i, f in enumerate(a.findings)
                ],
            },
        )
    for code, values in demo.scorecards:
        rev.compute_scorecard(db, ctx, code, SCORECARD_PERIOD, values)
    return len(demo.ratings), plans, len(demo.audits)


def _projects(db: Session, ctx: Context, demo: SupplierDemo) -> int:
    from lingtan.adapters.services import supplier_programmes as prog

    for p in demo.projects:
        prog.create_project(
            db,
            ctx,
            {
                "code": p.code,
                "supplier": p.supplier,
                "name": p.name_en,
                "type": p.type,
                "region": p.region,
                "capex_cny": p.capex_cny,
                "start": p.start,
                "life_years": p.life_years,
                "programmes": [PROGRAMME],
                "ex_ante": [
                    {"carrier": "electricity", "quantity": p.saved_mwh_per_year, "unit": "MWh"}
                ],
                "ex_ante_t_per_year": p.t_per_year,
                "factor_basis": "supplier-stated; basis not given",
                "attribution_pct": p.attribution_pct,
            },
        )
        for start, end, t, mwh in p.measured:
            prog.add_measurement(
                db, ctx, p.code, {"start": start, "end": end, "t_co2e": t, "electricity_mwh": mwh}
            )
    return len(demo.projects)


def attendance_csv(demo: SupplierDemo) -> bytes:
    """The training attendance as one file of the attendance import (``event, person,
    supplier, completed, kind, title, date, organiser``): the 17 courses, the ESG Day and the
    two webinars, one row per person and event."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("event", "person", "supplier", "completed", "kind", "title", "date", "organiser"))
    courses = {c.code: c for c in demo.courses}
    for code, supplier, person, done in demo.enrolments:
        c = courses[code]
        w.writerow(
            (
                code,
                person,
                supplier,
                "yes" if done else "no",
                "course",
                c.title_en,
                c.published_on.isoformat(),
                "",
            )
        )
    for e in demo.events:
        for supplier, person in e.attendances:
            w.writerow(
                (
                    e.code,
                    person,
                    supplier,
                    "yes",
                    e.kind,
                    e.title_en,
                    e.held_on.isoformat(),
                    e.partner or "",
                )
            )
    return buf.getvalue().encode("utf-8")


def _training(db: Session, ctx: Context, demo: SupplierDemo) -> int:
    from lingtan.adapters.services import supplier_programmes as prog

    done = prog.import_attendance(db, ctx, attendance_csv(demo), "supplier-training-demo.csv")
    return int(done["attendances_added"])


def load_supplier_demo(db: Session, ctx: Context, *, seed: int = SEED) -> LoadReport:
    """Write the supplier demo into the organisation of ``ctx`` through the services (module
    docstring) in ONE transaction of ``db`` (committed at the end; nothing is written when a
    service refuses a record); nothing when its first supplier exists already.

    Raises:
        ServiceError: a service refused a record (a bug of the generator: every record is
            valid by construction and tested).
    """
    demo = supplier_demo(seed)
    if _loaded(db, ctx, demo):
        return LoadReport()
    with one_transaction(db) as tx:
        suppliers = _register(tx, ctx, demo)
        answers = _campaign(tx, ctx, demo)
        ratings, plans, audits = _reviews(tx, ctx, demo)
        projects = _projects(tx, ctx, demo)
        attendances = _training(tx, ctx, demo)
    return LoadReport(suppliers, answers, ratings, plans, audits, projects, attendances)


@contextmanager
def one_transaction(db: Session) -> Iterator[Session]:
    """A session for the services that shares ``db``'s connection and transaction: each
    service still validates, flushes and writes its audit entries (the audit chain is appended
    on every flush), but its ``commit()`` only ends its own unit of work
    (``join_transaction_mode="rollback_only"``); ``db`` commits the whole demo once at the end,
    or rolls it all back when a service refuses a record. One transaction instead of ~850:
    no commit (SQLite: one fsync each) and, with a pool that does not keep connections
    (PostgreSQL), no new connection per service call."""
    inner = type(db)(
        bind=db.connection(),
        info=dict(db.info),
        expire_on_commit=False,
        join_transaction_mode="rollback_only",
    )
    try:
        yield inner
        inner.commit()  # flushes what is left; ends only the inner unit of work
    except BaseException:
        inner.close()
        db.rollback()
        raise
    inner.close()
    db.commit()


def prepare_supplier_demo(
    engine: Any, *, url: str, data_dir: Path, slug: str, email: str
) -> LoadReport:
    """Load the supplier demo into the demo organisation ``slug`` as the demo user ``email``
    (``lingtan serve --demo``, after the organisations and the user exist); nothing when the
    organisation has no FY2023/24 supplier spend rows (a demo built before them) or the demo
    is loaded already."""
    from lingtan.adapters.services.context import open_tenant
    from lingtan.adapters.services.settings import ServerSettings
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import user_by_email

    actor = "lingtan serve --demo"
    with system_session(engine, actor=actor) as db:
        user = user_by_email(db, email)
        if user is None:
            return LoadReport()
        settings = ServerSettings(database_url=url, data_dir=data_dir)
        tenant = open_tenant(db, user, slug, engine=engine, settings=settings, actor=actor)
        if not _has_supplier_spend(tenant):
            return LoadReport()
        return load_supplier_demo(db, tenant)


def _has_supplier_spend(ctx: Context) -> bool:
    from lingtan.adapters.services.suppliers import spend_by_supplier

    return bool(spend_by_supplier(ctx, FISCAL_YEAR).by_supplier)
