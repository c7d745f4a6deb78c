"""Import-time unit check (decision 0029): a row whose unit no factor of its activity type can
ever take is rejected at import with file, row, column and reason, not found missing after calc."""

from __future__ import annotations

from pathlib import Path

from lingtan.adapters.i18n.rows import english
from lingtan.adapters.io.importer import import_file
from lingtan.adapters.io.unit_check import unconvertible
from lingtan.adapters.store.workspace import init_workspace
from lingtan.core.factors import make_factor


def _factor(activity_type: str, unit: str) -> object:
    return make_factor(
        "t",
        {"factor_id": f"{activity_type}/{unit}", "activity_type": activity_type, "region": "GLO",
         "unit": unit, "gas": "CO2", "value": "1", "valid_from": "2020-01-01",
         "publisher": "t", "dataset": "t", "edition": "1"},
    )  # fmt: skip


def test_unconvertible_pairs() -> None:
    factors = [_factor("fuel.x", "gallon"), _factor("fuel.x", "kWh_gcv"), _factor("spend.y", "USD")]
    bad = unconvertible(
        [("fuel.x", "kg"), ("fuel.x", "L"), ("fuel.x", "mmBtu"), ("fuel.x", "kWh_ncv"),
         ("spend.y", "CNY"), ("spend.y", "kg"), ("gas.CO2", "kg"), ("fuel.unknown", "kg")],
        factors,  # type: ignore[arg-type]
    )  # fmt: skip
    # mass and a stated net basis cannot meet gallons or gross kWh; litres and mmBtu can; any
    # currency converts to USD; built-in and unknown types are checked elsewhere
    assert sorted(bad) == [("fuel.x", "kWh_ncv"), ("fuel.x", "kg"), ("spend.y", "kg")]
    assert english(bad[("fuel.x", "kg")]).startswith(
        "unit 'kg' cannot be converted to any emission factor of 'fuel.x' in the factor library "
        "(its factors are per gallon, kWh_gcv)"
    )


def test_a_never_calculable_unit_is_rejected_at_import(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", organisation="Test Co")
    f = tmp_path / "fuel.csv"
    # EPA publishes asphalt and road oil per gallon and per mmBtu (HHV), not per mass
    f.write_text(
        "site,date,fuel,quantity,unit\n"
        "HQ,2024-05-01,asphalt_and_road_oil,100,kg\n"
        "HQ,2024-05-01,asphalt_and_road_oil,100,mmBtu\n"
        "HQ,2024-05-01,natural_gas,100,mmBtu\n",
        encoding="utf-8",
    )
    rep = import_file(ws, f)
    assert (rep.rows_accepted, rep.rows_rejected) == (2, 1)
    (issue,) = rep.issues
    assert (issue.source, issue.row, issue.field, issue.value) == ("fuel.csv", 2, "unit", "kg")
    assert "cannot be converted to any emission factor of 'fuel.asphalt_and_road_oil'" in (
        issue.reason
    )
    assert "gallon" in issue.reason
    assert "kWh_gcv" in issue.reason
