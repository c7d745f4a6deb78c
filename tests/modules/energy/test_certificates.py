"""The certificate rules (decision 0077): fields checked, the state on a day from the dates and
the 90 / 30-day reminder windows, counted by hand."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.modules.energy import certificates as cm


def _cert(until: date | None, status: str = "active", key: str = "1") -> cm.Certificate:
    return cm.Certificate(key, "site", "WH01", "green_factory", "national", date(2023, 1, 1),
                          until, status)  # fmt: skip


def test_every_scheme_has_both_names_and_its_standard() -> None:
    assert {"zero_carbon_factory_cesi", "zero_carbon_factory_cieccpa", "carbon_neutral_building",
            "leed_bdc", "leed_om", "green_factory", "green_warehouse", "iso14001", "iso50001",
            "wef_lighthouse", "product_carbon_neutral"} <= set(cm.SCHEMES)  # fmt: skip
    for s in cm.SCHEMES.values():
        assert s.name_en
        assert s.name_zh
        assert s.standard
        assert s.subjects
    assert "T/CIECCPA 030—2023" in cm.SCHEMES["zero_carbon_factory_cieccpa"].standard
    assert "GB/T 36132-2018" in cm.SCHEMES["green_factory"].standard
    assert cm.scheme_name("leed_om", "zh-CN").startswith("LEED")
    assert cm.scheme_name("nope") == "nope"


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        # valid_until 2025-06-30: 91 days before (2025-03-31) still valid
        (date(2025, 3, 31), "valid"),
        (date(2025, 4, 1), "expiring_90"),  # 90 days left
        (date(2025, 5, 30), "expiring_90"),  # 31 days left
        (date(2025, 5, 31), "expiring_30"),  # 30 days left
        (date(2025, 6, 30), "expiring_30"),  # last valid day: 0 left
        (date(2025, 7, 1), "expired"),
        (date(2022, 12, 31), "not_yet_valid"),
    ],
)
def test_state_by_dates(on: date, expected: str) -> None:
    assert cm.state(_cert(date(2025, 6, 30)), on) == expected


def test_state_of_withdrawn_and_open_ended() -> None:
    assert cm.state(_cert(date(2025, 6, 30), "withdrawn"), date(2024, 1, 1)) == "withdrawn"
    assert cm.state(_cert(None), date(2040, 1, 1)) == "valid"


def test_reminders_windows_and_order() -> None:
    on = date(2025, 1, 1)
    certs = [
        _cert(date(2025, 3, 1), key="a"),  # 59 days → window 90
        _cert(date(2025, 1, 20), key="b"),  # 19 days → window 30
        _cert(date(2024, 12, 1), key="c"),  # −31 days → expired (window 0)
        _cert(date(2025, 6, 1), key="d"),  # 151 days → no reminder
        _cert(None, key="e"),  # no end
        _cert(date(2025, 1, 2), "withdrawn", key="f"),  # withdrawn
    ]
    got = [(r.key, r.days_left, r.window, r.expired) for r in cm.reminders(certs, on)]
    assert got == [("c", -31, 0, True), ("b", 19, 30, False), ("a", 59, 90, False)]
    assert cm.reminders(certs, on)[0].to_dict()["valid_until"] == "2024-12-01"


@pytest.mark.parametrize(
    ("args", "key", "field"),
    [
        (("planet", "X", "iso14001", ""), "certs.err.subject_kind", "subject_kind"),
        (("site", " ", "iso14001", ""), "certs.err.required", "subject_id"),
        (("site", "X", "nope", ""), "certs.err.scheme", "scheme"),
        (("product", "X", "green_factory", ""), "certs.err.scheme_subject", "subject_kind"),
        (("building", "X", "leed_om", "diamond"), "certs.err.level", "level"),
    ],
)
def test_check_refuses(args: tuple[str, str, str, str], key: str, field: str) -> None:
    with pytest.raises(cm.CertificateError) as e:
        cm.check(*args, date(2024, 1, 1), None)
    assert e.value.message.key == key
    assert e.value.field == field


def test_check_dates_and_status() -> None:
    cm.check("building", "B1", "leed_om", "gold", date(2024, 1, 1), date(2027, 1, 1))
    with pytest.raises(cm.CertificateError) as e:
        cm.check("site", "S", "iso50001", "", date(2024, 1, 2), date(2024, 1, 1))
    assert e.value.message.key == "certs.err.dates"
    with pytest.raises(cm.CertificateError) as e:
        cm.check("site", "S", "iso50001", "", date(2024, 1, 1), None, "lost")
    assert e.value.message.key == "certs.err.status"
