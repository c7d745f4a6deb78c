"""The supplier register's rules (issue 15): identifiers (GB 32100-2015 USCC check character,
D-U-N-S, PACT companyIds URNs, ISO 3166-1), tiers, the status workflow, and the onboarding
checklist with its expiry reminders."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.modules.suppliers import onboarding, register
from lingtan.modules.suppliers.errors import IdentifierError, OnboardingError, TransitionError


def test_uscc_check_character_by_hand() -> None:
    # GB 32100-2015's own example 91350100M000100Y43. Values of the characters (index in
    # 0-9A-HJ-NPQRTUWXY): 9 1 3 5 0 1 0 0 M=21 0 0 0 1 0 0 Y=30 4; weights 3^(i-1) mod 31:
    # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
    # Σ = 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 420 + 0 + 0 + 0 + 8 + 0 + 0 + 900 + 112 = 1640;
    # 1640 mod 31 = 28 (31 × 52 = 1612); 31 − 28 = 3 → check character "3".
    assert register.USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert register.uscc_check_char("91350100M000100Y4") == "3"
    assert register.normalise_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"
    for bad in ("91350100M000100Y44", "91350100M000100Y4", "91350100I000100Y43", ""):
        with pytest.raises(IdentifierError) as info:
            register.normalise_uscc(bad)
        assert info.value.field == "uscc"
        assert info.value.message.key == "suppliers.err.uscc"


def test_uscc_check_character_of_a_letter() -> None:
    # 91110000600037341L: Σ C_i·W_i = 9·1 + 1·3 + 1·9 + 1·27 + 6·20 + 3·8 + 7·24 + 3·10
    # + 4·30 + 1·28 = 9 + 3 + 9 + 27 + 120 + 24 + 168 + 30 + 120 + 28 = 538;
    # 538 mod 31 = 11 (31 × 17 = 527); 31 − 11 = 20 → "L" (A=10 … H=17, J=18, K=19, L=20)
    first = "91110000600037341"
    total = sum(
        register.USCC_CHARS.index(c) * w for c, w in zip(first, register.USCC_WEIGHTS, strict=True)
    )
    assert total == 538
    assert register.uscc_check_char(first) == "L"
    # a remainder of 0 would give 31 − 0 = 31, written "0" (GB 32100-2015 §5)
    assert register.USCC_CHARS[(31 - 0) % 31] == "0"


def test_duns_urn_country_tier_code() -> None:
    assert register.normalise_duns("15-048-3782") == "150483782"
    with pytest.raises(IdentifierError):
        register.normalise_duns("1504837")
    assert register.normalise_urn("URN:UUID:abc-1") == "urn:uuid:abc-1"
    assert register.normalise_urns(["urn:lei:X1", "", "urn:lei:X1", "urn:epc:id:sgln:1"]) == [
        "urn:lei:X1",
        "urn:epc:id:sgln:1",
    ]
    for bad in ("lei:X1", "urn::x", "urn:a b:c", "urn:x:"):
        with pytest.raises(IdentifierError):
            register.normalise_urn(bad)
    assert register.normalise_country(" cn ") == "CN"
    with pytest.raises(IdentifierError):
        register.normalise_country("CHN")
    assert register.normalise_tier("n") == "N"
    with pytest.raises(register.SupplierError):
        register.normalise_tier("3")
    assert register.normalise_code("S-001") == "S-001"
    with pytest.raises(register.SupplierError):
        register.normalise_code("S 001")
    assert register.normalise_categories(["ELEC", " ELEC", "", "MECH.1"]) == ["ELEC", "MECH.1"]
    assert register.company_urns("91350100M000100Y43", "150483782", ["urn:lei:X"]) == [
        "urn:lei:X",
        "urn:lingtan:uscc:91350100M000100Y43",
        "urn:lingtan:duns:150483782",
    ]


def test_status_workflow() -> None:
    register.check_transition("prospect", "onboarding")
    register.check_transition("onboarding", "conditional")
    register.check_transition("suspended", "approved")
    register.check_transition("terminated", "prospect")
    for old, new in (
        ("prospect", "approved"),
        ("approved", "approved"),
        ("terminated", "approved"),
    ):
        with pytest.raises(TransitionError) as info:
            register.check_transition(old, new)
        assert info.value.message.params["old"] == old
    assert set(register.TRANSITIONS) == set(register.STATUSES)
    for targets in register.TRANSITIONS.values():
        assert targets <= set(register.STATUSES)
    with pytest.raises(register.SupplierError):
        register.check_status("active")


ON = date(2026, 12, 5)


def _all_pass(expires: date | None = None) -> list[onboarding.Check]:
    return [onboarding.Check(i, "pass", date(2026, 1, 10), expires) for i in onboarding.ITEMS]


def test_checklist_complete_conditional_and_outstanding() -> None:
    full = onboarding.checklist(_all_pass(), ON)
    assert full.complete
    assert full.recommended == "approved"
    assert full.done == 12
    assert len(onboarding.ITEMS) == 12
    # one failed item: complete but for it → conditional (with a corrective action plan)
    checks = _all_pass()
    checks[5] = onboarding.Check("ghg_verified", "fail", date(2026, 2, 1))
    c = onboarding.checklist(checks, ON)
    assert c.failed == ("ghg_verified",)
    assert c.recommended == "conditional"
    assert not c.complete
    # an n/a counts as done; a missing item and an expired certificate are outstanding
    checks = _all_pass()[2:]  # the two code acknowledgements missing
    checks[0] = onboarding.Check("iso14001", "pass", date(2023, 1, 1), date(2026, 12, 4))
    checks[2] = onboarding.Check("iso50001", "n/a", date(2026, 1, 1))
    c = onboarding.checklist(checks, ON)
    assert c.outstanding == ("supplier_code_ack", "rba_code_ack", "iso14001")
    assert c.recommended == "onboarding"
    assert c.done == 9  # 12 − 2 missing − 1 expired
    # the latest check of an item counts
    later = [*checks, onboarding.Check("iso14001", "pass", date(2026, 12, 1), date(2029, 12, 1))]
    assert onboarding.checklist(later, ON).outstanding == ("supplier_code_ack", "rba_code_ack")


def test_item_state_at_the_expiry_boundaries() -> None:
    def state(expires: date) -> str:
        return onboarding.item_state(onboarding.Check("iso14001", "pass", ON, expires), ON, 30)

    # evidence is valid through its expiry day: expired only from the next day
    assert state(date(2026, 12, 5)) == "expiring"  # 0 days left
    assert state(date(2027, 1, 4)) == "expiring"  # 30 days left
    assert state(date(2027, 1, 5)) == "pass"  # 31 days left
    assert onboarding.item_state(None, ON) == "missing"


def test_reminders_soonest_first() -> None:
    pairs = [
        ("S-B", onboarding.Check("iso14001", "pass", date(2024, 1, 1), date(2026, 12, 20))),
        ("S-A", onboarding.Check("iso45001", "pass", date(2024, 1, 1), date(2026, 11, 30))),
        ("S-A", onboarding.Check("iso50001", "pass", date(2024, 1, 1), date(2027, 6, 1))),
        ("S-C", onboarding.Check("iso14001", "fail", date(2024, 1, 1), date(2026, 12, 6))),
    ]
    got = onboarding.reminders(pairs, ON, 60)
    # S-A expired 5 days ago (30 Nov → 5 Dec), S-B expires in 15 days; the June one is 178
    # days away (outside 60); a failed check is no evidence to renew
    assert [(r.supplier, r.item, r.days_left, r.expired) for r in got] == [
        ("S-A", "iso45001", -5, True),
        ("S-B", "iso14001", 15, False),
    ]
    with pytest.raises(OnboardingError):
        onboarding.reminders(pairs, ON, -1)


def test_check_item_refusals() -> None:
    onboarding.check_item("iso14001", "pass", ON, None)
    with pytest.raises(OnboardingError) as info:
        onboarding.check_item("iso9001", "pass", ON, None)
    assert info.value.field == "item"
    with pytest.raises(OnboardingError):
        onboarding.check_item("iso14001", "ok", ON, None)
    with pytest.raises(OnboardingError) as info:
        onboarding.check_item("iso14001", "pass", ON, date(2026, 1, 1))
    assert info.value.field == "expires_on"
