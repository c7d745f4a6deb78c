"""The verification record's validation (decision 0098): every wrong field named with a
``disc_ghg.err.*`` key, choices matched without regard to case, coverage ordered, a finding not
closed before it was raised nor without evidence."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lingtan.modules.disclosure import verification as vm
from lingtan.modules.disclosure.errors import VerificationError

GOOD: dict[str, Any] = {
    "verifier": "  Verifier   Co ",
    "standard": "isae 3410",
    "level": "Reasonable",
    "coverage": "S3.1, s1 S2",
    "opinion": "unmodified",
    "statement_date": "2024-06-30",
    "materiality_pct": "5%",
    "url": "https://example.org/s.pdf",
}


def test_a_good_record_is_cleaned() -> None:
    got = vm.check_record(GOOD)
    assert got["verifier"] == "Verifier Co"
    assert (got["standard"], got["level"]) == ("ISAE 3410", "reasonable")
    assert got["coverage"] == ["S1", "S2", "S3.1"]  # COVERAGE order
    assert (got["materiality_pct"], got["statement_date"]) == (5.0, date(2024, 6, 30))


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("standard", "ISO 14064-3:2006", "disc_ghg.err.choice"),
        ("level", "high", "disc_ghg.err.choice"),
        ("opinion", "clean", "disc_ghg.err.choice"),
        ("materiality_pct", "0", "disc_ghg.err.materiality"),
        ("materiality_pct", "100.5", "disc_ghg.err.materiality"),
        ("materiality_pct", "five", "disc_ghg.err.materiality"),
        ("coverage", "S4", "disc_ghg.err.coverage"),
        ("coverage", "S3.16", "disc_ghg.err.coverage"),
        ("coverage", "", "disc_ghg.err.required"),
        ("statement_date", "2024-13-01", "disc_ghg.err.date"),
        ("url", "ftp://example.org", "disc_ghg.err.url"),
        ("verifier", "a\x00b", "disc_ghg.err.text"),
        ("colour", "blue", "disc_ghg.err.field"),
    ],
)
def test_a_wrong_field_is_named(field: str, value: str, key: str) -> None:
    with pytest.raises(VerificationError) as got:
        vm.check_record({**GOOD, field: value})
    assert (got.value.message.key, got.value.field) == (key, field)


def test_required_fields_and_partial_updates() -> None:
    fields = {k: v for k, v in GOOD.items() if k != "opinion"}
    with pytest.raises(VerificationError) as got:
        vm.check_record(fields)
    assert got.value.field == "opinion"
    assert vm.check_record({"level": "limited"}, partial=True) == {"level": "limited"}


def test_findings_and_their_closure() -> None:
    text, severity, raised = vm.check_finding(" meter  not calibrated ", None, "2024-05-10")
    assert (text, severity, raised) == ("meter not calibrated", "minor", date(2024, 5, 10))
    with pytest.raises(VerificationError) as got:
        vm.check_closure(raised, "2024-05-09", "certificate")
    assert (got.value.message.key, got.value.field) == ("disc_ghg.err.closed_before", "closed_on")
    with pytest.raises(VerificationError) as got:
        vm.check_closure(raised, "2024-05-10", "  ")
    assert got.value.field == "evidence"
    assert vm.check_closure(raised, date(2024, 5, 10), "certificate") == (
        date(2024, 5, 10), "certificate")  # fmt: skip
    assert vm.check_sha256("A" * 64) == "a" * 64
    with pytest.raises(VerificationError):
        vm.check_sha256("abc")
