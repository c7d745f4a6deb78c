"""The unit registry is built on first use (issue 14 item 6), and :func:`may_be_currency` —
answered without it — never says no to a unit :func:`currency_code` calls a currency."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lingtan.core import units
from lingtan.core.units import ALIASES, CURRENCIES, currency_code, may_be_currency


def test_importing_units_builds_no_registry() -> None:
    code = (
        "import sys\nimport lingtan.core.units, lingtan.core.factors, lingtan.core.completeness\n"
        "print('pint' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_registry_is_one_and_keeps_its_old_name() -> None:
    assert units.registry() is units.registry()
    assert units.ureg is units.registry()
    with pytest.raises(AttributeError):
        _ = units.no_such_name


@pytest.mark.parametrize(
    "unit",
    [*CURRENCIES, *ALIASES, "kUSD", "EUR/t", "CNY/kWh", "USD / tonne", "1e3 * USD", "kWh", "tkm",
     "kgce", "m3", "MJ_ncv", "unknown-unit"],
)  # fmt: skip
def test_may_be_currency_is_never_wrong_about_a_currency(unit: str) -> None:
    try:
        code = currency_code(unit)
    except Exception:  # an unknown unit is no currency
        code = None
    if code is not None:
        assert may_be_currency(unit), unit


def test_may_be_currency_answers_no_for_physical_units() -> None:
    for unit in ("kWh", "t", "tkm", "litre", "m3", "吨", "度", "kgce", "room night"):
        assert not may_be_currency(unit), unit
    for unit in ("USD", "万元", "元", "rmb", "$", "kEUR"):
        assert may_be_currency(unit), unit
