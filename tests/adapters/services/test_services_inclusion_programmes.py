"""The programme, account, partner, consent and member-link use cases (decision 0088) on a local
workspace: rules validated with keyed refusals, pseudonymous refs (random, never the subject),
subject hashes with the programme's salt, guardian consent in a school programme (PIPL Art. 31),
class summaries without names, consent_allows in its true and false cases, member links
resolved across organisations, export and deletion (PIPL Art. 45, 47)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from inclusion_programmes_kit import EMPLOYEE, PARTNER, SCHOOL, build_inclusion_workspace
from lingtan.adapters.cli.common import store_session
from lingtan.adapters.services import inclusion_privacy as pv
from lingtan.adapters.services import inclusion_programmes as sv
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.adapters.store.inclusion_programmes import InclusionMemberLinkRow
from lingtan.adapters.store.models import utcnow
from lingtan.modules.inclusion.programmes import is_account_ref


@pytest.fixture
def ctx(tmp_path: Path, workspace_store: str) -> LocalContext:
    return LocalContext(build_inclusion_workspace(tmp_path / "ws"))


@pytest.fixture
def db(ctx: LocalContext) -> Iterator[Session]:
    with store_session(ctx) as s:
        yield s


def _setup(db: Session, ctx: LocalContext) -> str:
    sv.create_programme(db, ctx, dict(EMPLOYEE))
    sv.create_partner(db, ctx, dict(PARTNER))
    return sv.create_account(db, ctx, "emp", {"subject": "E1001", "site": "SZ01"}).ref


def _refused(call: object, *args: object, **kw: object) -> sv.InclusionProgrammesError:
    with pytest.raises(sv.InclusionProgrammesError) as exc:
        call(*args, **kw)  # type: ignore[operator]
    return exc.value


def test_programme_rules_validated(db: Session, ctx: LocalContext) -> None:
    prog = sv.create_programme(db, ctx, dict(EMPLOYEE))
    rules = sv.programme_rules(prog)
    assert rules.points_per_kg == 10.0
    assert rules.expiry_months == 24
    assert rules.engagement_points == {"learn.quiz": 5}
    assert (rules.caps["travel.metro"].per_day, rules.caps["travel.metro"].per_month) == (50, 600)
    assert "subject_salt" not in sv.programme_dict(prog)
    assert len(prog.subject_salt) == 64
    cases = [
        ({"points_per_kg": -1}, "points_per_kg", "incl_prog.err.points_per_kg"),
        ({"engagement_points": {"learn.quiz": 2.5}}, "engagement_points.learn.quiz",
         "incl_prog.err.whole"),
        ({"engagement_points": {"fly.less": 5}}, "engagement_points", "incl_prog.err.action"),
        ({"caps": {"travel.bus": {"per_day": 60, "per_month": 50}}}, "caps.travel.bus",
         "incl_prog.err.cap_order"),
        ({"caps": {"travel.bus": {"per_week": 5}}}, "caps.travel.bus.per_week",
         "incl_prog.err.field"),
        ({"expiry_months": 0}, "expiry_months", "incl_prog.err.expiry"),
        ({"audience": "school"}, "audience", "incl_prog.err.field"),
    ]  # fmt: skip
    for fields, field, key in cases:
        err = _refused(sv.update_programme, db, ctx, "emp", fields)
        assert (err.kind, err.field, err.key) == ("invalid", field, key)
    changed = sv.update_programme(db, ctx, "emp", {"points_per_kg": 12.5, "expiry_months": ""})
    metro = changed.caps["travel.metro"]
    assert (changed.points_per_kg, changed.expiry_months, metro["per_day"]) == (12.5, None, 50)
    err = _refused(sv.create_programme, db, ctx, dict(EMPLOYEE))
    assert (err.kind, err.key) == ("conflict", "incl_prog.err.programme_exists")
    err = _refused(sv.get_programme, db, ctx, "nope")
    assert err.kind == "not_found"


def test_accounts_are_pseudonymous(db: Session, ctx: LocalContext) -> None:
    ref = _setup(db, ctx)
    acc = sv.get_account(db, ctx, "emp", ref)
    assert is_account_ref(ref)
    assert "E1001" not in ref
    prog = sv.get_programme(db, ctx, "emp")
    want = hashlib.sha256(f"{prog.subject_salt}:E1001".encode()).hexdigest()
    assert acc.subject_hash == want  # salted: not the plain sha256 of the id
    assert acc.subject_hash != hashlib.sha256(b"E1001").hexdigest()
    assert "subject_hash" not in sv.account_dict(acc)
    assert sv.find_account(db, ctx, "emp", " E1001 ").ref == ref
    err = _refused(sv.create_account, db, ctx, "emp", {"subject": "E1001"})
    assert (err.kind, err.key) == ("conflict", "incl_prog.err.enrolled")
    other = sv.create_account(db, ctx, "emp", {"subject": "E1002"})
    assert other.ref != ref
    # another programme has another salt: the same subject's hashes cannot be linked
    sv.create_programme(db, ctx, {**EMPLOYEE, "code": "emp2"})
    again = sv.create_account(db, ctx, "emp2", {"subject": "E1001"})
    assert again.subject_hash != acc.subject_hash
    assert [a.ref for a in sv.list_accounts(db, ctx, "emp")] == sorted([ref, other.ref])
    err = _refused(sv.create_account, db, ctx, "emp", {"subject": ""})
    assert err.field == "subject"


def test_school_needs_guardian_consent_and_class_names_no_one(
    db: Session, ctx: LocalContext
) -> None:
    sv.create_programme(db, ctx, dict(SCHOOL))
    sv.create_group(db, ctx, "school", {"code": "c1", "kind": "class", "name": "一年级一班"})
    err = _refused(sv.create_account, db, ctx, "school", {"subject": "S1", "group": "c1"})
    assert (err.field, err.key) == ("guardian_consent", "incl_prog.err.guardian")
    refs = [
        sv.create_account(db, ctx, "school", {"subject": f"S{i}", "group": "c1",
                                              "guardian_consent": True}).ref
        for i in range(3)
    ]  # fmt: skip
    klass = sv.create_account(db, ctx, "school", {"kind": "group", "group": "c1"})
    assert klass.kind == "group"
    assert not klass.guardian_consent
    summary = sv.group_summary(db, ctx, "school", "c1")
    assert (summary["members"], summary["active"], summary["kind"]) == (3, 3, "class")
    text = json.dumps(summary, default=str)
    assert not any(r in text for r in refs)
    assert klass.ref not in text
    pv.delete_person(db, ctx, "school", refs[0])
    assert sv.group_summary(db, ctx, "school", "c1")["members"] == 2
    fields = {"code": "c2", "kind": "class", "name": "二班", "parent": "nope"}
    err = _refused(sv.create_group, db, ctx, "school", fields)
    assert (err.field, err.key) == ("parent", "incl_prog.err.no_group")


def test_partner_secret_once_and_consent_allows(db: Session, ctx: LocalContext) -> None:
    ref = _setup(db, ctx)
    partner = sv.get_partner(db, ctx, "zz")
    assert partner.hmac_secret.startswith("ips_")
    assert len(partner.hmac_secret) >= 40
    assert "hmac_secret" not in sv.partner_dict(partner)
    acc = sv.get_account(db, ctx, "emp", ref)
    now = utcnow()
    assert not sv.consent_allows(db, acc.id, "zz", "secondhand.phone", now)  # none yet
    err = _refused(sv.grant_consent, db, ctx, "emp", ref, "zz", ["learn.quiz"], evidence="x")
    assert (err.field, err.key) == ("scopes", "incl_prog.err.scope")
    sv.grant_consent(db, ctx, "emp", ref, "zz", ["secondhand.phone"],
                     expires_at=now + timedelta(days=30), evidence="zz consent #42")  # fmt: skip
    later = utcnow() + timedelta(seconds=1)
    assert sv.consent_allows(db, acc.id, "zz", "secondhand.phone", later)
    assert not sv.consent_allows(db, acc.id, "zz", "travel.metro", later)  # not in scopes
    assert not sv.consent_allows(db, acc.id, "other", "secondhand.phone", later)  # no partner
    assert not sv.consent_allows(db, acc.id, "zz", "secondhand.phone", now + timedelta(days=31))
    assert not sv.consent_allows(db, acc.id, "zz", "secondhand.phone", now - timedelta(days=1))
    sv.set_partner_status(db, ctx, "zz", "suspended")
    assert not sv.consent_allows(db, acc.id, "zz", "secondhand.phone", later)
    sv.set_partner_status(db, ctx, "zz", "active")
    assert sv.consent_allows(db, acc.id, "zz", "secondhand.phone", later)
    # the partner no longer allowed the action: refused although the consent names it
    partner.allowed_actions = ["travel.metro"]
    db.commit()
    assert not sv.consent_allows(db, acc.id, "zz", "secondhand.phone", later)
    partner.allowed_actions = ["secondhand.phone", "travel.metro"]
    db.commit()
    assert sv.revoke_consent(db, ctx, "emp", ref, "zz") == 1
    assert not sv.consent_allows(db, acc.id, "zz", "secondhand.phone", utcnow() + timedelta(1))
    states = [sv.consent_state(c, utcnow()) for c in sv.list_consents(db, ctx, "emp", ref)]
    assert states == ["revoked"]
    assert sv.partner_consents(db, ctx, "zz") == {"live": 0, "revoked": 1, "expired": 0}
    err = _refused(sv.grant_consent, db, ctx, "emp", ref, "zz", ["travel.metro"],
                   expires_at="2020-01-01")  # fmt: skip
    assert err.field == "expires_at"


def test_member_link_resolves_once_issued(db: Session, ctx: LocalContext) -> None:
    ref = _setup(db, ctx)
    token = sv.issue_member_link(db, ctx, "emp", ref)
    stored = db.scalars(select(InclusionMemberLinkRow)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    got = sv.resolve_member_link(db, token)
    assert got is not None
    assert (got.programme_code, got.account_ref) == ("emp", ref)
    assert sv.resolve_member_link(db, token + "x") is None
    newer = sv.issue_member_link(db, ctx, "emp", ref)
    assert sv.resolve_member_link(db, token) is None  # replaced
    assert sv.resolve_member_link(db, newer) is not None
    assert sv.revoke_member_links(db, ctx, "emp", ref) == 1
    assert sv.resolve_member_link(db, newer) is None


def test_export_and_delete_person(db: Session, ctx: LocalContext) -> None:
    ref = _setup(db, ctx)
    sv.grant_consent(db, ctx, "emp", ref, "zz", ["travel.metro"], evidence="app v3")
    token = sv.issue_member_link(db, ctx, "emp", ref)
    data = pv.export_person(db, ctx, "emp", ref)
    json.dumps(data)  # JSON-able
    assert data["account"]["ref"] == ref
    assert data["account"]["site"] == "SZ01"
    assert data["programme"]["code"] == "emp"
    assert [(c["partner"], c["scopes"], c["state"]) for c in data["consents"]] == [
        ("zz", ["travel.metro"], "live")]  # fmt: skip
    assert len(data["member_links"]) == 1
    text = json.dumps(data)
    assert "E1001" not in text
    assert sv.get_account(db, ctx, "emp", ref).subject_hash not in text
    acc_id = sv.get_account(db, ctx, "emp", ref).id
    pv.delete_person(db, ctx, "emp", ref)
    acc = sv.get_account(db, ctx, "emp", ref)
    assert (acc.status, acc.subject_hash) == ("deleted", None)
    assert acc.deleted_at is not None
    assert not sv.consent_allows(db, acc_id, "zz", "travel.metro", utcnow())
    assert all(c.revoked_at is not None for c in sv.list_consents(db, ctx, "emp", ref))
    assert sv.resolve_member_link(db, token) is None
    err = _refused(sv.find_account, db, ctx, "emp", "E1001")
    assert err.kind == "not_found"  # the subject can no longer be found
    # the person may enrol again: a new account, not linked to the old one
    assert sv.create_account(db, ctx, "emp", {"subject": "E1001"}).ref != ref
    pv.delete_person(db, ctx, "emp", ref)  # again: nothing changes
    actions = [e.action for e in db.scalars(select(AuditEntry))]
    assert "inclusion_account.update" in actions
    assert "inclusion_consent.update" in actions
    assert verify(db).ok


def test_export_and_delete_with_the_ledger(db: Session, ctx: LocalContext) -> None:
    """With the points ledger installed (issue 18 H3): the export holds the account's events and
    points; the deletion erases the events' evidence hash while the points stay."""
    ev = pytest.importorskip("lingtan.adapters.services.inclusion_events")
    ref = _setup(db, ctx)
    when = utcnow() - timedelta(hours=1)
    got = ev.record_event(db, ctx, "emp", ev.EventIn(
        account_ref=ref, action="learn.quiz", quantity=1, unit="item", occurred_at=when,
        evidence_hash="e" * 64))  # fmt: skip
    assert got.points == 5  # the programme's engagement points for a quiz
    data = pv.export_person(db, ctx, "emp", ref)
    assert data["history_available"] is True
    assert [h["action"] for h in data["history"]] == ["learn.quiz"]
    assert "e" * 64 in json.dumps(data)  # the member's own evidence is theirs to see
    account_id = sv.get_account(db, ctx, "emp", ref).id
    pv.delete_person(db, ctx, "emp", ref)
    after = json.dumps(pv.export_person(db, ctx, "emp", ref))
    assert "e" * 64 not in after
    assert ev.balance(db, account_id) == 5  # the ledger stays: it names no one
