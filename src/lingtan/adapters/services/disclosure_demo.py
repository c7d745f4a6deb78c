"""The demo edition (issue 19 item 8; decision 0102; docs/disclosure-demo.md): the source
report's FY2023/24 disclosure rebuilt as an edition of the demo organisation ``disclosed``.

:func:`load_disclosure_demo` gives the ``disclosed`` workspace (its inventories already
calculated by ``lingtan demo``) what an edition reads beyond the inventory, then builds the
edition — no rendering (``lingtan report build`` renders; ``lingtan demo`` prints the command):

1. the report's targets, KPIs and projects with the disclosed emissions as ``targets.yaml``
   (as ``lingtan serve --demo`` gives it; kept when it exists);
2. the report's governance calendar and its 11 ISO 14001 aspects (the climate risk demo's,
   issue 17; the register itself names the synthetic workspace's sites and is not loaded);
3. the narratives of the pillar sections (:mod:`lingtan.adapters.demo.disclosure`: the
   report's headings, SYNTHETIC texts, zh-CN and en);
4. the verification record of the year's snapshot (third party, ISO 14064-3, the statement's
   URL), before the edition, which pins it;
5. the circularity ledgers (``services.circularity_demo.load_circularity_demo``);
6. the edition (``services.disclosure_editions.build_edition``), whose checks section lists the
   report's errata found by ``reconcile``.

Loading twice writes nothing new and returns the same edition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context


@dataclass(frozen=True)
class DisclosureDemoReport:
    """What :func:`load_disclosure_demo` did: files and records written (0 when there already),
    the edition built (its id, whether new), its sections' availability, the mapping's status
    counts, the consistency checks failed and the errata listed."""

    fiscal_year: str
    targets_written: bool = False
    governance: int = 0
    aspects: int = 0
    narratives: int = 0
    verification: bool = False
    circularity: int = 0
    edition_id: str = ""
    created: bool = False
    sections: int = 0
    available: int = 0
    mapping: dict[str, int] = field(default_factory=dict)
    checks_failed: int = 0
    errata: list[dict[str, str]] = field(default_factory=list)


def write_report_targets(ctx: Context) -> bool:
    """The source report's programme with the workspace's disclosed inventories as
    ``targets.yaml`` (what ``lingtan serve --demo`` writes); kept when it exists. Returns
    whether it was written."""
    from lingtan.adapters.demo.targets import EXAMPLE_HEADER, report_programme
    from lingtan.adapters.io.targets_files import write_targets_file
    from lingtan.adapters.services.calculation import latest_inventory
    from lingtan.adapters.services.targets import targets_path
    from lingtan.core.errors import LingtanError
    from lingtan.core.inventory import Inventory

    path = targets_path(ctx)
    if path.exists():
        return False
    ws = ctx.workspace()
    invs: list[Inventory] = []
    for year in sorted({s.fiscal_year for s in ws.snapshots()}):  # oldest first, as serve does
        try:
            invs.append(latest_inventory(ws, year))
        except LingtanError:
            continue
    write_targets_file(report_programme(invs or None), path, header=EXAMPLE_HEADER)
    return True


def _risk_records(ctx: Context) -> tuple[int, int]:
    """The report's governance calendar and aspects (the risk demo's loaders; nothing when
    recorded already)."""
    from lingtan.adapters.services import risk_aspects, risk_governance

    with _store(ctx) as db:
        governance = risk_governance.load_demo(db, ctx)
        aspects = 0 if risk_aspects.list_aspects(db, ctx) else risk_aspects.load_demo(db, ctx)
        db.commit()
    return governance, aspects


def _store(ctx: Context) -> Session:
    """A store session of the workspace's organisation, acting as ``ctx``'s actor."""
    from lingtan.adapters.store.scoping import tenant_session

    ws = ctx.workspace()
    return tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor)


def _narratives(ctx: Context) -> int:
    from lingtan.adapters.demo.disclosure import narratives
    from lingtan.adapters.services.disclosure_narratives import narratives_for, set_narrative

    have = narratives_for(ctx)
    n = 0
    for key, texts in narratives().items():
        for lang, text in texts.items():
            if have.get(key, {}).get(lang) != text:
                set_narrative(ctx, key, lang, text)
                n += 1
    return n


def _verification(ctx: Context, fiscal_year: str) -> bool:
    """The demo's verification record of the year's newest snapshot (nothing when it has one)."""
    from lingtan.adapters.demo.disclosure import VERIFICATION
    from lingtan.adapters.services.calculation import newest_snapshot
    from lingtan.adapters.services.disclosure_verification import add_record, record_for

    _label, snap = newest_snapshot(ctx.workspace(), fiscal_year)
    if snap is None or record_for(ctx, fiscal_year, str(snap.id)) is not None:
        return False
    with _store(ctx) as db:
        add_record(db, ctx, fiscal_year, dict(VERIFICATION), snapshot_id=str(snap.id))
    return True


def _shown(cell: Any) -> str:
    """A number cell as printed (its digits, thousands separated, its unit); "-" for "not
    available"."""
    v = cell.get("v")
    if cell.get("kind") != "number" or not isinstance(v, int | float):
        return "-"
    return f"{v:,.{int(cell.get('digits', 0))}f} {cell.get('unit', '')}".strip()


def _summary(
    document: Any,
) -> tuple[int, int, dict[str, int], int, list[dict[str, str]]]:
    """Sections, available sections, the mapping's status counts (over its tables' status
    cells), failed checks and the errata (id, kind) of an edition document."""
    sections = document.get("sections", [])
    available = sum(1 for s in sections if s.get("available"))
    mapping: dict[str, int] = {}
    failed = 0
    errata: list[dict[str, str]] = []
    for s in sections:
        for t in s.get("tables", []):
            cols = [c["key"] for c in t["columns"]]
            for row in t["rows"]:
                cells = dict(zip(cols, row, strict=False))
                if s["key"] == "mapping" and "status" in cells:
                    v = str(cells["status"].get("v", ""))
                    status = v.rsplit(".", 1)[-1]
                    mapping[status] = mapping.get(status, 0) + 1
                if t["key"] == "checks.consistency":
                    failed += str(cells["result"].get("v", "")).endswith(".fail")
                if t["key"] == "checks.errata":
                    errata.append({"id": str(cells["id"].get("v")),
                                   "kind": str(cells["kind"].get("v", "")).rsplit(".", 1)[-1],
                                   "published": _shown(cells["published"]),
                                   "lingtan": _shown(cells["lingtan"])})  # fmt: skip
    return len(sections), available, mapping, failed, errata


def load_disclosure_demo(ctx: Context, fiscal_year: str = "FY2023/24") -> DisclosureDemoReport:
    """Give the ``disclosed`` workspace of ``ctx`` its targets, governance calendar, aspects,
    narratives, verification record and circularity ledgers, then build the edition of
    ``fiscal_year`` (module doc). Nothing is rendered.

    Raises:
        ServiceError: a service refused a record (a bug of the demo data) or the caller may
            not edit data.
    """
    from lingtan.adapters.services.circularity_demo import load_circularity_demo
    from lingtan.adapters.services.disclosure_editions import build_edition

    ctx.require("edit_data")
    targets = write_report_targets(ctx)
    governance, aspects = _risk_records(ctx)
    narratives = _narratives(ctx)
    verification = _verification(ctx, fiscal_year)
    circularity = load_circularity_demo(ctx).total
    record = build_edition(ctx, fiscal_year)
    n, available, mapping, failed, errata = _summary(record.document or {})
    return DisclosureDemoReport(
        fiscal_year, targets, governance, aspects, narratives, verification, circularity,
        edition_id=record.edition_id, created=record.created, sections=n, available=available,
        mapping=mapping, checks_failed=failed, errata=errata,
    )  # fmt: skip


def prepare_disclosure_demo(
    engine: Any, *, url: str, data_dir: Path, slug: str, email: str
) -> DisclosureDemoReport | None:
    """Load the demo edition into the demo organisation ``slug`` of a server's store as the
    demo user ``email`` (``lingtan serve --demo``, after the organisations and the user exist):
    the served demo shows the edition, its narratives, verification record and circularity
    ledgers as ``lingtan demo`` built them in the workspace; nothing when the user does not
    exist. Loading twice writes nothing new."""
    from lingtan.adapters.services.context import open_tenant
    from lingtan.adapters.services.settings import ServerSettings
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import user_by_email

    actor = "lingtan serve --demo"
    with system_session(engine, actor=actor) as db:
        user = user_by_email(db, email)
        if user is None:
            return None
        settings = ServerSettings(database_url=url, data_dir=data_dir)
        tenant = open_tenant(db, user, slug, engine=engine, settings=settings, actor=actor)
        report = load_disclosure_demo(tenant)
        db.commit()
        return report
