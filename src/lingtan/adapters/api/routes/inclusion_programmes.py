"""``/orgs/{org}/inclusion/…``: programmes, groups, accounts, partners, consent, privacy export and
deletion (issue 18 item 1, decision 0088).

Thin: each route parses, calls :mod:`lingtan.adapters.services.inclusion_programmes` or
:mod:`~lingtan.adapters.services.inclusion_privacy` and returns a schema. Reading needs
``read``, changing ``edit_data``; another organisation's programme is a 404. Accounts appear by
their pseudonymous ref only; a partner's HMAC secret is returned once, by its creation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from fastapi.responses import Response
from sqlalchemy.orm import Session

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS
from lingtan.adapters.api.schemas.inclusion_programmes import (
    AccountCreate,
    AccountPublic,
    ConsentGrant,
    ConsentPublic,
    ConsentRevoke,
    ExportPublic,
    GroupCreate,
    GroupPublic,
    MemberLinkIn,
    MemberLinkPublic,
    PartnerCreate,
    PartnerCreated,
    PartnerPublic,
    PartnerStatus,
    ProgrammeCreate,
    ProgrammePublic,
    ProgrammeRulesIn,
    RevokedPublic,
)
from lingtan.adapters.services import inclusion_privacy as pv
from lingtan.adapters.services import inclusion_programmes as sv
from lingtan.adapters.services.context import TenantContext
from lingtan.adapters.store.inclusion_programmes import InclusionPartnerRow, InclusionProgrammeRow
from lingtan.adapters.store.models import utcnow

router = APIRouter(prefix="/orgs/{org}/inclusion", tags=["inclusion"])

CodePath = Annotated[
    str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
]
RefPath = Annotated[str, Path(min_length=12, max_length=12, pattern=r"^m-[a-z2-7]{10}$")]


def _programme(db: Session, row: InclusionProgrammeRow) -> ProgrammePublic:
    return ProgrammePublic.model_validate(
        {**sv.programme_dict(row), "accounts": sv.count_accounts(db, row.id)}
    )


def _partner(db: Session, tenant: TenantContext, row: InclusionPartnerRow) -> PartnerPublic:
    return PartnerPublic.model_validate(
        {**sv.partner_dict(row), "consents": sv.partner_consents(db, tenant, row.code)}
    )


# ---- partners (before /{programme}/… so that "partners" is never a programme) ---------------


@router.get("/partners", responses=READ_ERRORS)
def list_partners(db: DbDep, tenant: Reader) -> list[PartnerPublic]:
    """The partners (never their secrets) with their consents by state."""
    return [_partner(db, tenant, p) for p in sv.list_partners(db, tenant)]


@router.post("/partners", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_partner(body: PartnerCreate, db: DbDep, tenant: Editor) -> PartnerCreated:
    """Add a partner (audited); the response holds its HMAC secret, shown this once."""
    row, secret = sv.create_partner(db, tenant, body.model_dump(exclude_none=True))
    return PartnerCreated.model_validate(
        {**_partner(db, tenant, row).model_dump(), "hmac_secret": secret}
    )


@router.get("/partners/{code}", responses=READ_ERRORS)
def get_partner(code: CodePath, db: DbDep, tenant: Reader) -> PartnerPublic:
    """One partner."""
    return _partner(db, tenant, sv.get_partner(db, tenant, code))


@router.post("/partners/{code}/status", responses=WRITE_ERRORS)
def set_partner_status(
    code: CodePath, body: PartnerStatus, db: DbDep, tenant: Editor
) -> PartnerPublic:
    """Suspend (its pushes refused) or reactivate a partner (audited)."""
    return _partner(db, tenant, sv.set_partner_status(db, tenant, code, body.status))


# ---- programmes -----------------------------------------------------------------------------


@router.get("/programmes", responses=READ_ERRORS)
def list_programmes(db: DbDep, tenant: Reader) -> list[ProgrammePublic]:
    """The programmes with their rules and accounts by status."""
    return [_programme(db, p) for p in sv.list_programmes(db, tenant)]


@router.post("/programmes", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_programme(body: ProgrammeCreate, db: DbDep, tenant: Editor) -> ProgrammePublic:
    """Add a programme (audited)."""
    return _programme(db, sv.create_programme(db, tenant, body.model_dump(exclude_none=True)))


@router.get("/programmes/{code}", responses=READ_ERRORS)
def get_programme(code: CodePath, db: DbDep, tenant: Reader) -> ProgrammePublic:
    """One programme."""
    return _programme(db, sv.get_programme(db, tenant, code))


@router.patch("/programmes/{code}", responses=WRITE_ERRORS)
def update_programme(
    code: CodePath, body: ProgrammeRulesIn, db: DbDep, tenant: Editor
) -> ProgrammePublic:
    """Change a programme's rules, name, region, privacy policy version or status (audited;
    ``expiry_months`` null: points never expire)."""
    fields = body.model_dump(exclude_unset=True)
    return _programme(db, sv.update_programme(db, tenant, code, fields))


# ---- groups ---------------------------------------------------------------------------------


def _group(db: Session, tenant: TenantContext, programme: str, code: str) -> GroupPublic:
    summary = sv.group_summary(db, tenant, programme, code)
    parent = sv.get_group(db, tenant, programme, code).parent_code
    return GroupPublic.model_validate({**summary, "code": summary["group"], "parent": parent})


@router.get("/{programme}/groups", responses=READ_ERRORS)
def list_groups(programme: CodePath, db: DbDep, tenant: Reader) -> list[GroupPublic]:
    """The groups of a programme with their counts and sums (no member named)."""
    return [_group(db, tenant, programme, g.code) for g in sv.list_groups(db, tenant, programme)]


@router.post("/{programme}/groups", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_group(programme: CodePath, body: GroupCreate, db: DbDep, tenant: Editor) -> GroupPublic:
    """Add a group (audited)."""
    row = sv.create_group(db, tenant, programme, body.model_dump(exclude_none=True))
    return _group(db, tenant, programme, row.code)


@router.get("/{programme}/groups/{code}", responses=READ_ERRORS)
def get_group(programme: CodePath, code: CodePath, db: DbDep, tenant: Reader) -> GroupPublic:
    """One group's counts and sums."""
    return _group(db, tenant, programme, code)


# ---- accounts -------------------------------------------------------------------------------


@router.get("/{programme}/accounts", responses=READ_ERRORS)
def list_accounts(
    programme: CodePath,
    db: DbDep,
    tenant: Reader,
    group: Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z0-9_.\-]*$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[AccountPublic]:
    """Accounts by ref (pseudonymous), optionally of one group."""
    rows = sv.list_accounts(db, tenant, programme, group=group, limit=limit, offset=offset)
    return [AccountPublic.model_validate(sv.account_dict(a)) for a in rows]


@router.post("/{programme}/accounts", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_account(
    programme: CodePath, body: AccountCreate, db: DbDep, tenant: Editor
) -> AccountPublic:
    """Enrol an account (audited); the subject's id is hashed, never stored."""
    row = sv.create_account(db, tenant, programme, body.model_dump(exclude_none=True))
    return AccountPublic.model_validate(sv.account_dict(row))


@router.get("/{programme}/accounts/{ref}", responses=READ_ERRORS)
def get_account(programme: CodePath, ref: RefPath, db: DbDep, tenant: Reader) -> AccountPublic:
    """One account."""
    return AccountPublic.model_validate(sv.account_dict(sv.get_account(db, tenant, programme, ref)))


@router.delete(
    "/{programme}/accounts/{ref}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS
)
def delete_account(programme: CodePath, ref: RefPath, db: DbDep, tenant: Editor) -> Response:
    """Erase a person (PIPL Art. 47): the subject hash, consents, links; the ledger keeps no
    personal data."""
    pv.delete_person(db, tenant, programme, ref)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{programme}/accounts/{ref}/export", responses=READ_ERRORS)
def export_account(programme: CodePath, ref: RefPath, db: DbDep, tenant: Reader) -> ExportPublic:
    """Everything held about an account (PIPL Art. 45), as JSON."""
    return ExportPublic.model_validate(pv.export_person(db, tenant, programme, ref))


@router.get("/{programme}/accounts/{ref}/consents", responses=READ_ERRORS)
def list_consents(
    programme: CodePath, ref: RefPath, db: DbDep, tenant: Reader
) -> list[ConsentPublic]:
    """The account's consents, newest first."""
    now = utcnow()
    return [
        ConsentPublic.model_validate(sv.consent_dict(c, now))
        for c in sv.list_consents(db, tenant, programme, ref)
    ]


@router.post(
    "/{programme}/accounts/{ref}/consents",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def grant_consent(
    programme: CodePath, ref: RefPath, body: ConsentGrant, db: DbDep, tenant: Editor
) -> ConsentPublic:
    """Record a consent for a partner (audited; replaces the earlier one for that partner)."""
    c = sv.grant_consent(db, tenant, programme, ref, body.partner, body.scopes,
                         expires_at=body.expires_at, evidence=body.evidence)  # fmt: skip
    return ConsentPublic.model_validate(sv.consent_dict(c, utcnow()))


@router.post("/{programme}/accounts/{ref}/consents/revoke", responses=WRITE_ERRORS)
def revoke_consent(
    programme: CodePath, ref: RefPath, body: ConsentRevoke, db: DbDep, tenant: Editor
) -> RevokedPublic:
    """Revoke the account's consent for a partner (audited): ``{"revoked": n}``."""
    return RevokedPublic(revoked=sv.revoke_consent(db, tenant, programme, ref, body.partner))


@router.post(
    "/{programme}/accounts/{ref}/member-link",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def issue_member_link(
    programme: CodePath, ref: RefPath, body: MemberLinkIn, db: DbDep, tenant: Editor
) -> MemberLinkPublic:
    """A new link to the member page (earlier links stop working); the token is shown once."""
    token = sv.issue_member_link(db, tenant, programme, ref, days=body.days)
    return MemberLinkPublic(token=token, path=f"/m/{token}", days=body.days)
