"""Certificates and the zero-carbon assessment (issue 16 item 5, decision 0077).

The register: certificates of the organisation's subjects (organisation, site, building,
product, supplier) under the schemes of :mod:`lingtan.modules.energy.certificates`, with their
evidence files (kept by sha256 in the workspace's ``certificates/evidence/`` folder, as the
supplier onboarding evidence is), their state on a day and the reminders 90 and 30 days before
the end of validity; a CSV file of certificates imported all or nothing.

The assessment (:func:`assess_zero_carbon`) of one site and fiscal year reads:

- the site's Scope 1 and 2 emissions from the year's newest inventory snapshot (market or
  location basis);
- the measured savings of the site's projects (``services.energy_savings``, IPMVP Option C;
  none when that service is not installed or measured nothing), or a typed figure;
- green power in kWh (on-site PV used on site, PPAs, green trades, certificates) from the site's
  energy indicators (``services.energy_indicators``, RE100 technical criteria), converted at
  the site's grid factor (the bundled factor library's, most specific region first);
- credits retired for the site (claims on the site or its buildings whose period overlaps the
  year) from the targets file's credit register (:mod:`lingtan.modules.targets.credits`).

Every source that is missing is noted (a keyed message kept with the result), never guessed.
Reading needs ``read``; changing and assessing ``edit_data``; every change is an audited row.
A refusal is a :class:`CertsError` with its catalogue key (``certs.err.*``,
``zerocarbon.err.*``) and parameters.
"""

from __future__ import annotations

import csv
import importlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import (
    KeyedError,
    Kind,
    ServiceError,
    keyed_refusal,
    message_text,
)
from lingtan.adapters.services.register_files import (
    KeyedFileError,
    as_date,
    cell_error_lines,
    check_cells,
    decode_text,
    is_sha256,
    keep_by_sha256,
    kept_file,
)
from lingtan.adapters.services.register_files import (
    RowError as RowError,
)
from lingtan.adapters.store.certifications import CertificateRow, ZeroCarbonRow
from lingtan.core.errors import LingtanError
from lingtan.core.messages import Message, msg
from lingtan.core.periods import Period
from lingtan.modules.energy import certificates as cm
from lingtan.modules.energy import zero_carbon as zc
from lingtan.modules.energy.errors import EnergyError

#: the folder of certificate evidence files, in the workspace (named by sha256)
EVIDENCE_DIR = "certificates/evidence"
#: largest evidence or import file [bytes]
MAX_FILE_BYTES = 20 * 1024 * 1024
#: the fields of a certificate a caller may set
CERT_FIELDS = ("subject_kind", "subject_id", "scheme", "level", "issuer", "number", "issued",
               "valid_until", "status", "note")  # fmt: skip
#: the columns an import file must have
REQUIRED_COLUMNS = ("subject_kind", "subject_id", "scheme", "issuer", "issued")
_LINE_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]{1,500}$")
_ID_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f/\\]{1,80}$")


class CertsError(KeyedError):
    """A refused request of the certificate register or the assessment: besides the English
    ``message`` it carries ``key`` (``certs.err.*`` / ``zerocarbon.err.*``) and ``params``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> CertsError:
    """A :class:`CertsError` of ``kind`` for a keyed ``message`` (English from the catalogue)."""
    return keyed_refusal(CertsError, kind, message, field)


def _from_module(exc: EnergyError) -> CertsError:
    return refused("invalid", exc.message, exc.field)


def _today() -> date:
    return datetime.now(UTC).date()


# ---- fields -------------------------------------------------------------------------------


def _text(value: Any, field: str, *, required: bool = True, pattern: re.Pattern[str] = _LINE_RE
          ) -> str | None:  # fmt: skip
    text = " ".join(str(value if value is not None else "").split())
    if not text:
        if required:
            raise refused("invalid", msg("certs.err.required", name=field), field)
        return None
    if not pattern.match(text):
        raise refused("invalid", msg("certs.err.text", name=field), field)
    return text


def _as_date(value: Any, field: str, *, required: bool) -> date | None:
    return as_date(
        value,
        required=required,
        missing=lambda: refused("invalid", msg("certs.err.required", name=field), field),
        bad=lambda: refused("invalid", msg("certs.err.date", name=field, value=str(value)[:40]),
                            field),
    )  # fmt: skip


def _check_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Each given field checked and normalised on its own (so an import names every wrong
    cell)."""
    unknown = sorted(set(fields) - set(CERT_FIELDS))
    if unknown:
        raise refused("invalid", msg("certs.err.field", value=unknown[0]), unknown[0])
    out: dict[str, Any] = {}
    for k, v in fields.items():
        if k in ("subject_kind", "scheme", "status"):
            out[k] = str(v or "").strip().lower()
            if k == "subject_kind" and out[k] not in cm.SUBJECTS:
                raise refused("invalid", msg("certs.err.subject_kind", value=out[k]), k)
            if k == "scheme" and out[k] not in cm.SCHEMES:
                raise refused("invalid", msg("certs.err.scheme", value=out[k]), k)
            if k == "status" and out[k] not in cm.STATUSES:
                raise refused("invalid", msg("certs.err.status", value=out[k]), k)
        elif k == "subject_id":
            out[k] = _text(v, k, pattern=_ID_RE)
        elif k == "level":
            level = _text(v, k, required=False)
            out[k] = level.lower().replace(" ", "_") if level else None
        elif k == "issuer":
            out[k] = _text(v, k)
        elif k in ("number", "note"):
            out[k] = _text(v, k, required=False)
        elif k in ("issued", "valid_until"):
            out[k] = _as_date(v, k, required=k == "issued")
    return out


def _check_whole(db: Session, ctx: Context, values: dict[str, Any]) -> None:
    """The rules across fields (:func:`lingtan.modules.energy.certificates.check`) and the
    subject's existence (a site of the boundary, a supplier of the register)."""
    for k in ("subject_kind", "subject_id", "scheme", "issuer", "issued"):
        if not values.get(k):
            raise refused("invalid", msg("certs.err.required", name=k), k)
    try:
        cm.check(values["subject_kind"], values["subject_id"], values["scheme"],
                 values.get("level") or "", values["issued"], values.get("valid_until"),
                 values.get("status") or "active")  # fmt: skip
    except EnergyError as exc:
        raise _from_module(exc) from exc
    kind, sid = values["subject_kind"], values["subject_id"]
    if kind == "site" and sid not in ctx.workspace().config.site_regions():
        raise refused("invalid", msg("certs.err.unknown_site", value=sid), "subject_id")
    if kind == "supplier":
        from lingtan.adapters.store.suppliers import Supplier

        if db.scalar(select(Supplier.id).where(Supplier.code == sid)) is None:
            raise refused("invalid", msg("certs.err.unknown_supplier", value=sid), "subject_id")


# ---- the register -------------------------------------------------------------------------


def as_certificate(row: CertificateRow) -> cm.Certificate:
    """A stored certificate as the rules see it."""
    return cm.Certificate(str(row.id), row.subject_kind, row.subject_id, row.scheme,
                          row.level or "", row.issued, row.valid_until, row.status)  # fmt: skip


def state_of(row: CertificateRow, on: date | None = None) -> str:
    """The certificate's state on ``on`` (default today)."""
    return cm.state(as_certificate(row), on or _today())


def certificate_dict(row: CertificateRow, on: date | None = None) -> dict[str, Any]:
    """A certificate's fields and its state on ``on`` (default today) as plain data."""
    d: dict[str, Any] = {k: getattr(row, k) for k in ("id", *CERT_FIELDS)}
    d["evidence_sha256"] = row.evidence_sha256
    d["evidence_name"] = row.evidence_name
    d["state"] = state_of(row, on)
    return d


def list_certificates(
    db: Session,
    ctx: Context,
    *,
    subject_kind: str | None = None,
    subject_id: str | None = None,
    scheme: str | None = None,
    state: str | None = None,
    on: date | None = None,
) -> list[CertificateRow]:
    """The organisation's certificates by subject and end of validity, filtered by subject,
    scheme and state on ``on`` (default today)."""
    ctx.require("read")
    q = select(CertificateRow)
    if subject_kind:
        q = q.where(CertificateRow.subject_kind == subject_kind)
    if subject_id:
        q = q.where(CertificateRow.subject_id == subject_id)
    if scheme:
        q = q.where(CertificateRow.scheme == scheme)
    rows = list(db.scalars(q))
    if state:
        day = on or _today()
        rows = [r for r in rows if state_of(r, day) == state]
    return sorted(rows, key=lambda r: (r.subject_kind, r.subject_id, r.scheme,
                                       r.valid_until or date.max, r.id))  # fmt: skip


def get_certificate(db: Session, ctx: Context, cert_id: int) -> CertificateRow:
    """One certificate of the organisation.

    Raises:
        CertsError: 404 (also for another organisation's certificate).
    """
    ctx.require("read")
    row = db.get(CertificateRow, cert_id)
    if row is None:
        raise refused("not_found", msg("certs.err.not_found", id=cert_id), "id")
    return row


def _store_evidence(ctx: Context, name: str, data: bytes) -> tuple[str, str]:
    """Keep an evidence file by its sha256: ``(sha256, original name)``."""
    if len(data) > MAX_FILE_BYTES:
        raise CertsError("too_large", "certs.err.file_size", "a file is at most 20 MiB",
                         "evidence")  # fmt: skip
    if not data:
        raise refused("invalid", msg("certs.err.empty_file"), "evidence")
    sha = keep_by_sha256(ctx.workspace().path / EVIDENCE_DIR, data)
    shown = _text(Path(name).name or sha, "evidence", required=False) or sha
    return sha, shown[:255]


def create_certificate(
    db: Session,
    ctx: Context,
    fields: dict[str, Any],
    evidence: tuple[str, bytes] | None = None,
) -> CertificateRow:
    """Add a certificate: ``subject_kind`` + ``subject_id``, ``scheme``, ``issuer``,
    ``issued`` and optionally ``level``, ``number``, ``valid_until``, ``status`` (default
    active), ``note``, and its evidence file ``(name, bytes)``.

    Raises:
        CertsError: 403; 413 evidence above 20 MiB; 422 a field is invalid (named).
    """
    ctx.require("edit_data")
    values = {"status": "active", **_check_fields(fields)}
    _check_whole(db, ctx, values)
    if evidence is not None:
        values["evidence_sha256"], values["evidence_name"] = _store_evidence(ctx, *evidence)
    row = CertificateRow(**values)
    db.add(row)
    db.commit()
    return row


def update_certificate(
    db: Session, ctx: Context, cert_id: int, fields: dict[str, Any]
) -> CertificateRow:
    """Change the fields given of a certificate (``status`` ``withdrawn`` withdraws it).

    Raises:
        CertsError: 403, 404, 422 as :func:`create_certificate`.
    """
    ctx.require("edit_data")
    row = get_certificate(db, ctx, cert_id)
    current = {k: getattr(row, k) for k in CERT_FIELDS}
    values = {**current, **_check_fields(fields)}
    _check_whole(db, ctx, values)
    for k, v in values.items():
        if current[k] != v:
            setattr(row, k, v)
    db.commit()
    return row


def delete_certificate(db: Session, ctx: Context, cert_id: int) -> None:
    """Remove a certificate from the register (its evidence file stays: others may share it).

    Raises:
        CertsError: 403; 404.
    """
    ctx.require("edit_data")
    db.delete(get_certificate(db, ctx, cert_id))
    db.commit()


def evidence_path(ctx: Context, sha256: str) -> Path:
    """Where an evidence file of ``sha256`` is kept in the workspace."""
    if not is_sha256(sha256):
        raise refused("not_found", msg("certs.err.no_evidence"), "evidence")
    return ctx.workspace().path / EVIDENCE_DIR / sha256


def attach_evidence(
    db: Session, ctx: Context, cert_id: int, name: str, data: bytes
) -> CertificateRow:
    """Attach (or replace) a certificate's evidence file.

    Raises:
        CertsError: 403; 404; 413 above 20 MiB; 422 an empty file.
    """
    ctx.require("edit_data")
    row = get_certificate(db, ctx, cert_id)
    row.evidence_sha256, row.evidence_name = _store_evidence(ctx, name, data)
    db.commit()
    return row


def evidence_file(db: Session, ctx: Context, cert_id: int) -> tuple[str, bytes]:
    """A certificate's evidence file: (original name, bytes).

    Raises:
        CertsError: 404 no such certificate or no file.
    """
    row = get_certificate(db, ctx, cert_id)
    found = kept_file(ctx.workspace().path / EVIDENCE_DIR, row.evidence_sha256, row.evidence_name)
    if found is not None:
        return found
    raise refused("not_found", msg("certs.err.no_evidence"), "evidence")


def reminders(db: Session, ctx: Context, *, on: date | None = None) -> list[cm.Reminder]:
    """Certificates that expire within 90 days of ``on`` (default today) or have expired,
    soonest first (withdrawn ones left out)."""
    rows = list_certificates(db, ctx)
    return cm.reminders([as_certificate(r) for r in rows], on or _today())


# ---- the import file ----------------------------------------------------------------------


class CertsFileError(CertsError, KeyedFileError):
    """An import file was refused: ``errors`` lists every wrong cell (:class:`RowError`)."""

    row_error_key = "certs.file.row_error"


def row_error_lines(errors: Sequence[RowError], locale: str, limit: int = 50) -> list[str]:
    """``file, row r, column c: reason`` of each wrong cell (the first ``limit``)."""
    return cell_error_lines(errors, "certs.file.row_error", locale, limit)


def _decode(data: bytes, encoding: str | None) -> str:
    return decode_text(
        data, encoding, lambda: refused("invalid", msg("certs.file.encoding"), "file")
    )


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the ids of the certificates created."""

    created: tuple[int, ...] = ()


def import_certificates(
    db: Session, ctx: Context, data: bytes, file_name: str, *, encoding: str | None = None
) -> ImportResult:
    """Add the certificates of a CSV file (UTF-8 or GB 18030; columns :data:`CERT_FIELDS`,
    :data:`REQUIRED_COLUMNS` required). All or nothing: any wrong cell refuses the whole file,
    every wrong cell named (file, row, column, reason).

    Raises:
        CertsError: 403; 413 above 20 MiB; 422 the file or a row is invalid
            (:class:`CertsFileError`).
    """
    ctx.require("edit_data")
    source = Path(file_name).name or "certificates.csv"
    if len(data) > MAX_FILE_BYTES:
        raise CertsError("too_large", "certs.err.file_size", "a file is at most 20 MiB", "file")
    reader = csv.reader(io.StringIO(_decode(data, encoding), newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CertsFileError(msg("certs.file.columns", columns=", ".join(missing)), [])
    unknown = [h for h in header if h and h not in CERT_FIELDS]
    if unknown:
        raise CertsFileError(msg("certs.file.unknown_columns", columns=", ".join(unknown)), [])
    errors: list[RowError] = []
    checked: list[dict[str, Any]] = []
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        raw = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        checked_cells, wrong = check_cells(
            raw, _check_fields, CertsError, lambda k, v: not v.strip() and k not in REQUIRED_COLUMNS
        )
        values: dict[str, Any] = {"status": "active", **checked_cells}
        errors += [RowError(source, n, k, m) for k, m in wrong]
        if wrong:
            continue
        try:
            _check_whole(db, ctx, values)
        except CertsError as exc:
            errors.append(RowError(source, n, exc.field or "row", Message(exc.key, exc.params)))
            continue
        checked.append(values)
    if errors:
        raise CertsFileError(msg("certs.file.rows", n=len(errors)), errors)
    rows = [CertificateRow(**v) for v in checked]
    db.add_all(rows)
    db.commit()
    return ImportResult(tuple(r.id for r in rows))


# ---- the zero-carbon assessment -------------------------------------------------------------


def _note(key: str, **params: Any) -> dict[str, Any]:
    return {"key": key, "params": params}


def _period(ctx: Context, fiscal_year: str) -> Period:
    try:
        return ctx.workspace().config.period(fiscal_year.replace("-", "/"))
    except (LingtanError, ValueError) as exc:
        raise refused("invalid", msg("zerocarbon.err.year", value=fiscal_year),
                      "fiscal_year") from exc  # fmt: skip


def site_emissions_t(ctx: Context, site: str, fiscal_year: str, basis: str,
                     scopes: Sequence[int] = (1, 2)) -> float:  # fmt: skip
    """The site's emissions in ``scopes`` on ``basis`` [t CO2e] from the newest snapshot of
    ``fiscal_year`` (biogenic CO2 left out, GHG Protocol).

    Raises:
        CertsError: 422 the year was never calculated.
    """
    from lingtan.adapters.services.calculation import latest_inventory

    try:
        inv = latest_inventory(ctx.workspace(), fiscal_year)
    except LingtanError as exc:
        raise refused("invalid", msg("zerocarbon.err.no_inventory", year=fiscal_year),
                      "fiscal_year") from exc  # fmt: skip
    return sum(inv.by("site", basis, scope=s).get(site, 0.0) for s in scopes)


def site_grid_factor(ctx: Context, site: str, fiscal_year: str) -> tuple[float, str]:
    """The grid factor of the site's region for the year [t CO2e/MWh = kg/kWh] and its source
    (factor id and region): the bundled library's electricity grid factors, the most specific
    region of the site's region chain (province → regional grid → country) first, the latest
    valid at the end of the year.

    Raises:
        CertsError: 422 no factor for the region.
    """
    from lingtan.adapters.services.supplier_programmes import grid_factors
    from lingtan.core.boundary import region_chain

    region = ctx.workspace().config.site_regions().get(site, "")
    end = _period(ctx, fiscal_year).end
    factors = grid_factors()
    for r in region_chain(region):
        found = [f for f in factors if f.region.upper() == r and f.valid_from <= end]
        if found:
            best = max(found, key=lambda f: (f.valid_from, f.factor_id))
            return best.value, f"{best.factor_id} ({best.region})"
    raise refused("invalid", msg("zerocarbon.err.no_grid_factor", region=region), "grid_factor")


def _measured_savings_t(
    ctx: Context, site: str, label: str, factor: float
) -> tuple[float, list[dict[str, Any]], list[dict[str, Any]]]:
    """Measured savings of the site's projects in the fiscal year ``label`` [t CO2e], the
    projects and notes.

    Reads ``services.energy_savings.list_measured`` (issue 16, M&V: IPMVP Option C) when it is
    installed: each plan of the site, its savings of the year in kWh (or MWh) of electricity
    × the grid factor [t/MWh] / 1000. Savings of another carrier, or a plan that could not be
    computed, are noted and left out; no service or no plan: 0 with a note."""
    try:
        energy_savings = importlib.import_module("lingtan.adapters.services.energy_savings")
    except ImportError:
        return 0.0, [], [_note("zerocarbon.note.no_mv")]
    try:
        results = list(energy_savings.list_measured(ctx))
    except (LingtanError, ServiceError, OSError) as exc:
        return 0.0, [], [_note("zerocarbon.note.mv_failed", reason=str(exc)[:200])]
    total, projects, notes = 0.0, [], []
    for doc in results:
        plan = dict(doc.get("plan") or {})
        if str(plan.get("site") or "") != site:
            continue
        project = str(plan.get("project") or "")
        if doc.get("error"):
            notes.append(_note("zerocarbon.note.mv_project_failed", project=project))
            continue
        for y in doc.get("by_year") or []:
            if str(y.get("fiscal_year")) != label:
                continue
            unit = str(y.get("unit") or doc.get("unit") or "")
            per_kwh = {"kWh": 1.0, "MWh": 1000.0}.get(unit)
            if str(doc.get("carrier") or "electricity") != "electricity" or per_kwh is None:
                notes.append(_note("zerocarbon.note.mv_not_electricity", project=project,
                                   unit=unit))  # fmt: skip
                continue
            kwh = float(y.get("savings") or 0.0) * per_kwh
            t = kwh * factor / 1000.0
            projects.append({"project": project, "kwh": kwh, "t_co2e": t})
            total += t
    if not projects and not notes:
        notes.append(_note("zerocarbon.note.no_measured", site=site))
    return total, projects, notes


def _green_kwh(
    ctx: Context, site: str, fiscal_year: str
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """The parts of the site's green power in the year [kWh] (:data:`zero_carbon.GREEN_PARTS`)
    from ``services.energy_indicators.site_energy`` when installed; none with a note else."""
    try:
        energy_indicators = importlib.import_module("lingtan.adapters.services.energy_indicators")
    except ImportError:
        return {}, [_note("zerocarbon.note.no_indicators")]
    try:
        se = energy_indicators.site_energy(ctx, site, fiscal_year)
    except ImportError:  # the indicators' own sources (meters, readings) not installed
        return {}, [_note("zerocarbon.note.no_indicators")]
    except (LingtanError, ServiceError, OSError, KeyError) as exc:
        return {}, [_note("zerocarbon.note.indicators_failed", reason=str(exc)[:200])]
    share = getattr(se, "re_share", None)
    parts = dict(getattr(share, "parts", None) or {})
    out = {p: float(parts.get(p) or 0.0) for p in zc.GREEN_PARTS if parts.get(p)}
    if not out:
        return {}, [_note("zerocarbon.note.no_green", site=site)]
    given = sum(out.values())
    counted = float(getattr(share, "numerator_kwh", given) or 0.0)
    if 0 <= counted < given:  # instruments beyond consumption count only up to it (RE100)
        out = {p: v * counted / given for p, v in out.items()}
        return out, [_note("zerocarbon.note.green_capped", kwh=round(given - counted, 1))]
    return out, []


def _credits_retired(
    ctx: Context, site: str, period: Period
) -> tuple[float, list[dict[str, Any]], list[dict[str, Any]]]:
    """Credits retired for the site in the year [t CO2e]: retirements of the claims on the site
    (or a building of it, ``<site>/…``) whose period overlaps the year, from the targets file's
    credit register; the retirements (serials) and notes."""
    from lingtan.adapters.services.targets import parse_targets_text, targets_file
    from lingtan.modules.targets.credits import SubjectType

    try:
        _, data = targets_file(ctx)
        prog = parse_targets_text(data.decode("utf-8", errors="replace"))
    except ServiceError as exc:
        if exc.kind == "not_found":
            return 0.0, [], [_note("zerocarbon.note.no_targets")]
        return 0.0, [], [_note("zerocarbon.note.targets_invalid", reason=str(exc)[:200])]
    claims = {
        c.id
        for c in prog.claims
        if c.subject_type in (SubjectType.SITE, SubjectType.BUILDING)
        and (c.subject_id == site or c.subject_id.startswith(f"{site}/"))
        and c.period_start <= period.end
        and c.period_end >= period.start
    }
    rets = [r for r in prog.register.retirements if r.claim_id in claims]
    if not rets:
        return 0.0, [], [_note("zerocarbon.note.no_credits", site=site)]
    return float(sum(r.quantity for r in rets)), [r.to_dict() for r in rets], []


def assess_zero_carbon(
    db: Session,
    ctx: Context,
    site: str,
    fiscal_year: str,
    *,
    basis: str = "market",
    base: str = "bau",
    grid_factor: float | None = None,
    r_own_t: float | None = None,
    stage: str | None = None,
    measures: dict[str, int] | None = None,
    store: bool = True,
) -> ZeroCarbonRow:
    """Assess ``site`` in ``fiscal_year`` (module docstring; rule in
    :mod:`lingtan.modules.energy.zero_carbon`) and keep the result (replacing the year's
    previous one) with its inputs and basis.

    ``basis``: the Scope 2 basis of the inventory figures. ``base``: ``bau`` (E_base = actual +
    R_own + the green power the inventory does not count: all of it on the market basis, PV
    self-use only on the location basis) or a base fiscal year (E_base = the site's emissions
    that year). ``grid_factor`` [t/MWh] replaces the library's; ``r_own_t`` a typed saving
    (marked typed) replaces the measured one.

    Raises:
        CertsError: 403; 422 unknown site, year not calculated, no grid factor, a bad input.
    """
    ctx.require("edit_data" if store else "read")
    if site not in ctx.workspace().config.site_regions():
        raise refused("invalid", msg("certs.err.unknown_site", value=site), "site")
    if basis not in ("market", "location"):
        raise refused("invalid", msg("zerocarbon.err.basis", value=basis), "basis")
    period = _period(ctx, fiscal_year)
    label = period.label
    if grid_factor is None:
        factor, source = site_grid_factor(ctx, site, label)
    else:
        if not grid_factor >= 0:
            raise refused("invalid", msg("zerocarbon.err.negative", name="grid_factor"),
                          "grid_factor")  # fmt: skip
        factor, source = float(grid_factor), "typed"
    notes: list[dict[str, Any]] = []
    actual = site_emissions_t(ctx, site, label, basis)
    if r_own_t is None:
        r_own, projects, more = _measured_savings_t(ctx, site, label, factor)
        notes += more
        r_source = "measured" if projects else "none"
        if r_own < 0:
            notes.append(_note("zerocarbon.note.negative_savings", t=round(r_own, 3)))
            r_own = 0.0
    else:
        r_own, projects, r_source = float(r_own_t), [], "typed"
    kwh, more = _green_kwh(ctx, site, label)
    notes += more
    credits_t, retirements, more = _credits_retired(ctx, site, period)
    notes += more
    years = [label]
    try:
        g = zc.green_power_t(kwh, factor)
        if base == "bau":
            in_actual = g if basis == "market" else zc.green_power_t(
                {k: v for k, v in kwh.items() if k == "self_use"}, factor)  # fmt: skip
            e_base = zc.bau_base(actual, r_own, in_actual)
        else:
            base_label = _period(ctx, base).label
            e_base = site_emissions_t(ctx, site, base_label, basis)
            years.insert(0, base_label)
            base = base_label
        b = zc.Basis(basis, base, (1, 2), factor, source, tuple(years))
        result = zc.assess(site, label, e_base, r_own, g, credits_t, b, stage=stage,
                           measures=measures)  # fmt: skip
    except EnergyError as exc:
        raise _from_module(exc) from exc
    inputs = {
        "actual_t": actual,
        "r_own": {"t": r_own, "source": r_source, "projects": projects},
        "green_kwh": kwh,
        "credits": retirements,
        "stage": stage,
        "measures": dict(measures or {}),
        "notes": notes,
    }
    values = {
        "e_base_t": result.e_base_t, "r_own_t": result.r_own_t, "g_t": result.g_t,
        "c_t": result.c_t, "share_own": result.share_own, "net_t": result.net_t,
        "passed": result.passed, "threshold": result.threshold, "basis": b.to_dict(),
        "inputs": inputs, "assessed_by": ctx.actor[:300],
        "assessed_at": datetime.now(UTC).replace(tzinfo=None),
    }  # fmt: skip
    q = select(ZeroCarbonRow).where(ZeroCarbonRow.site == site, ZeroCarbonRow.fiscal_year == label)
    row = db.scalar(q) if store else None
    if row is None:
        row = ZeroCarbonRow(site=site, fiscal_year=label, **values)
        if store:
            db.add(row)
    else:
        for k, v in values.items():
            setattr(row, k, v)
    if store:
        db.commit()
    return row


def list_assessments(
    db: Session, ctx: Context, *, site: str | None = None, fiscal_year: str | None = None
) -> list[ZeroCarbonRow]:
    """The stored assessments by fiscal year (newest first) and site."""
    ctx.require("read")
    q = select(ZeroCarbonRow)
    if site:
        q = q.where(ZeroCarbonRow.site == site)
    if fiscal_year:
        q = q.where(ZeroCarbonRow.fiscal_year == fiscal_year.replace("-", "/"))
    rows = list(db.scalars(q))
    return sorted(rows, key=lambda r: (r.fiscal_year, r.site), reverse=True)


def assessment_dict(row: ZeroCarbonRow) -> dict[str, Any]:
    """An assessment as plain data (API, CLI): figures [t CO2e], share, rules, basis, inputs."""
    share_ok = (row.share_own >= row.threshold - zc.EPS if row.share_own is not None
                else row.e_base_t <= zc.EPS)  # fmt: skip
    return {
        "site": row.site,
        "fiscal_year": row.fiscal_year,
        "e_base_t": row.e_base_t,
        "r_own_t": row.r_own_t,
        "g_t": row.g_t,
        "c_t": row.c_t,
        "share_own": row.share_own,
        "net_t": row.net_t,
        "share_ok": share_ok,
        "net_ok": row.net_t <= zc.EPS,
        "passed": row.passed,
        "threshold": row.threshold,
        "basis": dict(row.basis or {}),
        "inputs": dict(row.inputs or {}),
        "assessed_by": row.assessed_by,
        "assessed_at": row.assessed_at,
    }


def note_text(note: dict[str, Any], locale: str) -> str:
    """A stored note in ``locale``."""
    return message_text(Message(str(note.get("key", "")), dict(note.get("params") or {})), locale)
