"""The certificate register and the zero-carbon assessment use cases (decision 0077), on the
workspace of :mod:`certkit` (site HQ: 100 t CO2e location-based in FY2024/25; 8 credits retired
for the site's claim). The energy indicators and the M&V results are stood in by small modules
put in their place, with figures worked by hand below."""

from __future__ import annotations

import hashlib
import sys
import types
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from certkit import ACTUAL_T, CREDITS_T, SITE, YEAR, build_cert_workspace
from lingtan.adapters.cli.common import store_session
from lingtan.adapters.services import certifications as sv
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.audit import AuditEntry
from lingtan.adapters.store.certifications import ZeroCarbonRow

INDICATORS = "lingtan.adapters.services.energy_indicators"
SAVINGS = "lingtan.adapters.services.energy_savings"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_cert_workspace(tmp_path_factory.mktemp("certs") / "ws")


@pytest.fixture
def ctx(built: Path, tmp_path: Path) -> LocalContext:
    import shutil

    shutil.copytree(built, tmp_path / "ws")
    return LocalContext(tmp_path / "ws")


@pytest.fixture
def db(ctx: LocalContext) -> Iterator[Session]:
    with store_session(ctx) as s:
        yield s


def _cert(**kw: Any) -> dict[str, Any]:
    return {"subject_kind": "site", "subject_id": SITE, "scheme": "green_factory",
            "level": "national", "issuer": "MIIT", "issued": "2023-01-10",
            "valid_until": "2026-01-09", **kw}  # fmt: skip


def test_create_with_evidence_read_back_and_audited(db: Session, ctx: LocalContext) -> None:
    data = b"%PDF green factory"
    row = sv.create_certificate(db, ctx, _cert(number="GF-2023-001"), ("gf.pdf", data))
    sha = hashlib.sha256(data).hexdigest()
    assert row.evidence_sha256 == sha
    assert (ctx.workspace().path / "certificates" / "evidence" / sha).read_bytes() == data
    assert sv.evidence_file(db, ctx, row.id) == ("gf.pdf", data)
    d = sv.certificate_dict(row, date(2025, 11, 1))  # 69 days before 2026-01-09
    assert d["state"] == "expiring_90"
    assert d["level"] == "national"
    actions = {e.action for e in db.scalars(select(AuditEntry))}
    assert "certificate.create" in actions


@pytest.mark.parametrize(
    ("fields", "key", "field"),
    [
        ({"subject_id": "NOPE"}, "certs.err.unknown_site", "subject_id"),
        ({"subject_kind": "supplier", "subject_id": "S-X", "scheme": "iso14001", "level": ""},
         "certs.err.unknown_supplier", "subject_id"),
        ({"scheme": "leed_om", "level": "diamond"}, "certs.err.level", "level"),
        ({"valid_until": "2020-01-01"}, "certs.err.dates", "valid_until"),
        ({"issued": "10/01/2023"}, "certs.err.date", "issued"),
        ({"issuer": ""}, "certs.err.required", "issuer"),
    ],
)  # fmt: skip
def test_refusals_name_the_field(
    db: Session, ctx: LocalContext, fields: dict[str, Any], key: str, field: str
) -> None:
    with pytest.raises(sv.CertsError) as e:
        sv.create_certificate(db, ctx, _cert(**fields))
    assert (e.value.key, e.value.field) == (key, field)
    assert e.value.kind == "invalid"


def test_update_withdraw_delete_and_reminders(db: Session, ctx: LocalContext) -> None:
    a = sv.create_certificate(db, ctx, _cert(valid_until="2025-01-20"))  # 19 days after on
    b = sv.create_certificate(db, ctx, _cert(scheme="iso50001", level="", valid_until="2025-03-01"))
    c = sv.create_certificate(db, ctx, _cert(scheme="iso14001", level="", valid_until="2024-12-01"))
    on = date(2025, 1, 1)
    got = [(int(r.key), r.days_left, r.window) for r in sv.reminders(db, ctx, on=on)]
    # c expired 31 days ago; a 19 days left (30-day window); b 59 days (90-day window)
    assert got == [(c.id, -31, 0), (a.id, 19, 30), (b.id, 59, 90)]
    sv.update_certificate(db, ctx, c.id, {"status": "withdrawn"})
    assert [int(r.key) for r in sv.reminders(db, ctx, on=on)] == [a.id, b.id]
    assert sv.state_of(c, on) == "withdrawn"
    assert [r.id for r in sv.list_certificates(db, ctx, state="withdrawn")] == [c.id]
    sv.delete_certificate(db, ctx, b.id)
    with pytest.raises(sv.CertsError) as e:
        sv.get_certificate(db, ctx, b.id)
    assert e.value.kind == "not_found"


def test_import_is_all_or_nothing_and_names_each_cell(db: Session, ctx: LocalContext) -> None:
    bad = (
        b"subject_kind,subject_id,scheme,level,issuer,issued,valid_until\n"
        b"site,HQ,leed_om,gold,USGBC,2024-01-01,2029-01-01\n"
        b"planet,HQ,leed_om,gold,USGBC,2024-01-01,\n"
        b"site,HQ,leed_om,gold,USGBC,2024-01-01,yesterday\n"
    )
    with pytest.raises(sv.CertsFileError) as e:
        sv.import_certificates(db, ctx, bad, "certs.csv")
    assert [(x.source, x.row, x.column) for x in e.value.errors] == [
        ("certs.csv", 3, "subject_kind"), ("certs.csv", 4, "valid_until")]  # fmt: skip
    assert "certs.csv, row 3, column subject_kind" in e.value.message
    assert sv.list_certificates(db, ctx) == []  # nothing written
    good = bad.decode().splitlines()[:2]
    zh = ("\n".join(good) + "\nsite,HQ,zero_carbon_factory_cesi,,中国电子技术标准化研究院,"
          "2022-12-01,\n").encode("gb18030")  # fmt: skip
    res = sv.import_certificates(db, ctx, zh, "certs.csv")
    assert len(res.created) == 2
    rows = sv.list_certificates(db, ctx)
    assert {r.issuer for r in rows} == {"USGBC", "中国电子技术标准化研究院"}


def _fake(monkeypatch: pytest.MonkeyPatch, parts: dict[str, float], saved_kwh: float) -> None:
    """Stand-ins for the energy indicators (RE share parts of HQ [kWh]) and the M&V results
    (one electricity project at HQ saving ``saved_kwh`` in FY2024/25)."""
    share = types.SimpleNamespace(parts=parts, numerator_kwh=sum(parts.values()))
    ind = types.ModuleType(INDICATORS)
    ind.site_energy = lambda ctx, site, fy: types.SimpleNamespace(re_share=share)  # type: ignore[attr-defined]
    mv = types.ModuleType(SAVINGS)
    mv.list_measured = lambda ctx: [  # type: ignore[attr-defined]
        {"plan": {"project": "AIR", "site": SITE}, "carrier": "electricity", "unit": "kWh",
         "by_year": [{"fiscal_year": "FY2023/24", "savings": 99_999, "unit": "kWh"},
                     {"fiscal_year": YEAR, "savings": saved_kwh, "unit": "kWh"}]},
        {"plan": {"project": "ELSEWHERE", "site": "WH"}, "carrier": "electricity",
         "unit": "kWh", "by_year": [{"fiscal_year": YEAR, "savings": 1e6, "unit": "kWh"}]},
    ]  # fmt: skip
    monkeypatch.setitem(sys.modules, INDICATORS, ind)
    monkeypatch.setitem(sys.modules, SAVINGS, mv)


def test_assessment_fails_net_on_location_basis(
    db: Session, ctx: LocalContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake(monkeypatch, {"self_use": 60_000, "green_trades": 100_000}, 30_000)
    row = sv.assess_zero_carbon(db, ctx, SITE, YEAR, basis="location", grid_factor=0.5)
    # R_own = 30 000 kWh × 0.5 t/MWh / 1000 = 15 t; G = 160 000 kWh × 0.5 / 1000 = 80 t; C = 8 t
    # location basis: the inventory (100 t) leaves out only PV self-use (60 000 × 0.5 / 1000
    # = 30 t): E_base = 100 + 15 + 30 = 145 t
    # share = (15 + 80) / (15 + 80 + 8) = 95 / 103 = 0.922… ≥ 0.9
    # net = 145 − 15 − 80 − 8 = 42 t > 0 (the green trades, 50 t, were in the 100 t)
    assert ACTUAL_T == 100.0
    assert CREDITS_T == 8.0
    assert row.r_own_t == pytest.approx(15.0)
    assert row.g_t == pytest.approx(80.0)
    assert row.c_t == pytest.approx(8.0)
    assert row.e_base_t == pytest.approx(145.0)
    assert row.share_own == pytest.approx(95 / 103)
    assert row.net_t == pytest.approx(42.0)
    assert not row.passed
    d = sv.assessment_dict(row)
    assert d["share_ok"]
    assert not d["net_ok"]
    assert d["basis"] == {"emissions": "location", "base": "bau", "scopes": [1, 2],
                          "grid_factor_t_per_mwh": 0.5, "grid_factor_source": "typed",
                          "years": [YEAR]}  # fmt: skip
    assert d["inputs"]["r_own"]["projects"] == [{"project": "AIR", "kwh": 30_000, "t_co2e": 15.0}]
    assert [c["serials"] for c in d["inputs"]["credits"]] == ["VCS-1-2023-1…8"]


def test_assessment_passes_and_replaces_the_years_result(
    db: Session, ctx: LocalContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake(monkeypatch, {"green_trades": 184_000}, 0)
    sv.assess_zero_carbon(db, ctx, SITE, YEAR, basis="location", grid_factor=0.5)
    row = sv.assess_zero_carbon(db, ctx, SITE, YEAR, basis="location", grid_factor=0.5,
                                stage="carbon_neutral", measures={"green_energy": 4})  # fmt: skip
    # G = 184 000 × 0.5 / 1000 = 92 t; R_own = 0; C = 8; E_base = 100 + 0 + 0 (no PV) = 100
    # share = 92 / 100 = 0.92; net = 100 − 92 − 8 = 0 → passes
    assert row.share_own == pytest.approx(0.92)
    assert row.net_t == pytest.approx(0.0, abs=1e-9)
    assert row.passed
    assert len(list(db.scalars(select(ZeroCarbonRow)))) == 1  # one row per site and year
    assert [r.fiscal_year for r in sv.list_assessments(db, ctx, site=SITE)] == [YEAR]
    assert row.inputs["measures"] == {"green_energy": 4}


def test_assessment_notes_what_is_missing_and_typed_savings(
    db: Session, ctx: LocalContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, INDICATORS, None)  # import fails: not installed
    monkeypatch.setitem(sys.modules, SAVINGS, None)
    row = sv.assess_zero_carbon(db, ctx, SITE, YEAR, basis="location", grid_factor=0.5,
                                r_own_t=12.0, base=YEAR)  # fmt: skip
    # E_base = the base year's emissions = 100 t; net = 100 − 12 − 0 − 8 = 80
    assert row.e_base_t == pytest.approx(100.0)
    assert row.net_t == pytest.approx(80.0)
    assert row.inputs["r_own"]["source"] == "typed"
    assert [n["key"] for n in row.inputs["notes"]] == ["zerocarbon.note.no_indicators"]
    assert "G = 0" in sv.note_text(row.inputs["notes"][0], "en")
    assert row.basis["base"] == YEAR


def test_market_basis_and_library_factor(
    db: Session, ctx: LocalContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake(monkeypatch, {"green_trades": 100_000}, 0)
    factor, source = sv.site_grid_factor(ctx, SITE, YEAR)
    assert factor > 0
    assert "(CN)" in source
    row = sv.assess_zero_carbon(db, ctx, SITE, YEAR)
    actual = sv.site_emissions_t(ctx, SITE, YEAR, "market")
    # market basis: all green power is outside the inventory: E_base = actual + G
    assert row.g_t == pytest.approx(100_000 * factor / 1000)
    assert row.e_base_t == pytest.approx(actual + row.g_t)
    assert row.net_t == pytest.approx(actual - CREDITS_T)
    assert row.basis["grid_factor_source"] == source


@pytest.mark.parametrize(
    ("kw", "key"),
    [
        ({"site": "NOPE"}, "certs.err.unknown_site"),
        ({"fiscal_year": "FY2019/20"}, "zerocarbon.err.no_inventory"),
        ({"basis": "average"}, "zerocarbon.err.basis"),
        ({"stage": "done"}, "zerocarbon.err.stage"),
    ],
)
def test_assessment_refusals(db: Session, ctx: LocalContext, kw: dict[str, Any], key: str) -> None:
    args: dict[str, Any] = {"site": SITE, "fiscal_year": YEAR, "grid_factor": 0.5, **kw}
    with pytest.raises(sv.CertsError) as e:
        sv.assess_zero_carbon(db, ctx, args.pop("site"), args.pop("fiscal_year"), **args)
    assert e.value.key == key
